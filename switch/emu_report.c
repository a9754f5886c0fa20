/*
 * emu_report: sFlow's estimates against the truth.  Reads the flow
 * samples that sflowcollect printed (-l: one CSV line per sample), keeps
 * those taken where a flow enters the network (the switch port of the
 * sending host: a packet crossing three switches is sampled up to three
 * times, and only one sampling point may count it), and estimates each
 * flow as sFlow's users do: packets = sum of sampling rates of its
 * samples, bytes = the same weighted by each sample's frame length.
 *
 * A TCP flow's samples match on protocol 6 and its exact 5-tuple, so the
 * receiver's segments (ACKs, FIN: ports reversed) go to the flow of their
 * own that the traffic generator made for them ("ack" in the labels), never
 * to the data flow.
 *
 * The bound is the spec's (sFlow v5, "Sampling accuracy"): at 95 %
 * confidence the relative error of a count estimated from s samples is at
 * most 196 / sqrt(s) percent.
 */
#include <arpa/inet.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "emu.h"

struct est {
    uint64_t samples;
    double pkts, bytes;
};

/* Column numbers of sflowtool's -l FLOW line. */
enum { C_TYPE, C_AGENT, C_IN, C_OUT, C_SMAC, C_DMAC, C_ETYPE, C_INVLAN, C_OUTVLAN,
    C_SRC, C_DST, C_PROTO, C_TOS, C_TTL, C_SPORT, C_DPORT, C_TCPFLAGS, C_PKTSIZE,
    C_IPSIZE, C_RATE, C_N };

static const char *
proto_name(int p)
{
    return p == FLOW_UDP ? "udp" : p == FLOW_ICMP ? "icmp" : p == FLOW_TCP ? "tcp" : "ip";
}

static double
rel_err(double est, double truth)
{
    if (truth == 0)
        return est == 0 ? 0 : 100;
    return (est - truth) * 100.0 / truth;
}

static double
bound(uint64_t samples)
{
    return samples ? 196.0 / sqrt((double)samples) : INFINITY;
}

static void
flow_label(const struct emu_topo *t, const struct emu_flow *f, char *buf, size_t len)
{
    if (f->proto == FLOW_ICMP)
        snprintf(buf, len, "%s -> %s icmp %s", t->node[f->src].name, t->node[f->dst].name,
            f->reply ? "reply" : "echo");
    else
        snprintf(buf, len, "%s -> %s %s %u->%u%s", t->node[f->src].name, t->node[f->dst].name,
            proto_name(f->proto), f->sport, f->dport,
            f->proto == FLOW_TCP && f->reply ? " ack" : "");
}

/* Parses the samples file into per-flow estimates; returns unmatched samples or -1. */
static long
read_samples(const struct emu_topo *t, const struct emu_traffic *tr, const char *path,
    struct est *est, uint64_t *edge_other, int *rate_seen)
{
    FILE *f = fopen(path, "r");
    char line[1024];
    long other = 0;

    if (f == NULL)
        return -1;
    while (fgets(line, sizeof(line), f) != NULL) {
        char *col[C_N], *save = NULL, *p;
        int n = 0, fi;
        struct in_addr s, d;
        uint32_t src, dst;
        int proto, sport, dport, in;
        double rate, frame;

        if (strncmp(line, "FLOW,", 5) != 0)
            continue;
        for (p = strtok_r(line, ",\n", &save); p != NULL && n < C_N; p = strtok_r(NULL, ",\n", &save))
            col[n++] = p;
        if (n < C_N || inet_pton(AF_INET, col[C_SRC], &s) != 1 ||
            inet_pton(AF_INET, col[C_DST], &d) != 1)
            continue;
        src = ntohl(s.s_addr);
        dst = ntohl(d.s_addr);
        proto = atoi(col[C_PROTO]);
        sport = atoi(col[C_SPORT]);
        dport = atoi(col[C_DPORT]);
        in = atoi(col[C_IN]);
        rate = atof(col[C_RATE]);
        frame = atof(col[C_IPSIZE]) + 14;
        if (rate > 0)
            *rate_seen = (int)rate;
        for (fi = 0; fi < tr->nflows; fi++) {
            const struct emu_flow *fl = &tr->flow[fi];

            if (fl->proto == proto && t->node[fl->src].ip == src && t->node[fl->dst].ip == dst &&
                fl->sport == sport && fl->dport == dport)
                break;
        }
        if (fi == tr->nflows) {
            other++;
            continue;
        }
        /* Only where the flow enters the network. */
        if (in != t->link[t->node[tr->flow[fi].src].uplink].b_ifindex) {
            (*edge_other)++;
            continue;
        }
        est[fi].samples++;
        est[fi].pkts += rate;
        est[fi].bytes += rate * frame;
    }
    fclose(f);
    return other;
}

static int
cmp_desc(const void *a, const void *b)
{
    const double *x = a, *y = b;

    return x[0] < y[0] ? 1 : x[0] > y[0] ? -1 : 0;
}

static void
top(const struct emu_traffic *tr, const struct est *est, bool by_est, double (*out)[2], int n)
{
    for (int i = 0; i < n; i++) {
        out[i][0] = by_est ? est[i].bytes : (double)tr->flow[i].sent_bytes;
        out[i][1] = i;
    }
    qsort(out, (size_t)n, sizeof(out[0]), cmp_desc);
}

/*
 * Checks the truth against the kernel: what each host sent, by the flows'
 * accounts, must be what its link's switch end received.  Counts hosts
 * that sent anything ('*hosts') and those that agree ('*agree'); the first
 * disagreements go to 'msg'.
 */
static void
ifcheck(const struct emu_topo *t, const struct emu_traffic *tr,
    const struct emu_report_opts *o, int *hosts, int *agree, char *msg, size_t len)
{
    size_t used = 0;

    if (o->if_pkts == NULL)
        return;
    for (int i = 0; i < t->nnodes; i++) {
        uint64_t p = 0, b = 0;

        if (t->node[i].kind != EMU_HOST)
            continue;
        for (int k = 0; k < tr->nflows; k++)
            if (tr->flow[k].src == i) {
                p += tr->flow[k].sent_pkts;
                b += tr->flow[k].sent_bytes;
            }
        if (p == 0 && o->if_pkts[i] == 0)
            continue;
        (*hosts)++;
        if (p == o->if_pkts[i] && b == o->if_bytes[i])
            (*agree)++;
        else if (used + 80 < len)
            used += (size_t)snprintf(msg + used, len - used, "; %s: truth %llu/%llu,"
                " interface %llu/%llu", t->node[i].name, (unsigned long long)p,
                (unsigned long long)b, (unsigned long long)o->if_pkts[i],
                (unsigned long long)o->if_bytes[i]);
    }
}

/*
 * Prints the accuracy report of traffic 'tr' on 't' to o->out, as text or
 * (o->json) JSON.  Returns 0, or -1 if the samples could not be read.
 */
int
report_print(const struct emu_topo *t, const struct emu_traffic *tr,
    const struct emu_report_opts *o)
{
    struct est *est = calloc((size_t)tr->nflows + 1, sizeof(*est));
    double (*tt)[2] = calloc((size_t)tr->nflows + 1, sizeof(*tt));
    double (*te)[2] = calloc((size_t)tr->nflows + 1, sizeof(*te));
    uint64_t tp = 0, tb = 0, ts = 0, later = 0;
    double ep = 0, eb = 0;
    int within = 0, counted = 0, rate = o->sampling, ntop, hosts = 0, agree = 0;
    char mismatch[512] = "";
    long other;
    FILE *f = o->out;
    char lab[96];

    if (est == NULL || tt == NULL || te == NULL) {
        free(est);
        free(tt);
        free(te);
        return -1;
    }
    other = read_samples(t, tr, o->samples_path, est, &later, &rate);
    for (int i = 0; i < tr->nflows; i++) {
        tp += tr->flow[i].sent_pkts;
        tb += tr->flow[i].sent_bytes;
        ts += est[i].samples;
        ep += est[i].pkts;
        eb += est[i].bytes;
        if (est[i].samples > 0) {
            counted++;
            if (fabs(rel_err(est[i].pkts, (double)tr->flow[i].sent_pkts)) <= bound(est[i].samples))
                within++;
        }
    }
    ntop = tr->nflows < o->top ? tr->nflows : o->top;
    ifcheck(t, tr, o, &hosts, &agree, mismatch, sizeof(mismatch));
    top(tr, est, false, tt, tr->nflows);
    top(tr, est, true, te, tr->nflows);
    if (o->json) {
        fprintf(f, "{\"sampling\":%d,\"flows\":[", rate);
        for (int i = 0; i < tr->nflows; i++) {
            const struct emu_flow *fl = &tr->flow[i];
            double b = bound(est[i].samples);

            fprintf(f, "%s{\"src\":\"%s\",\"dst\":\"%s\",\"proto\":\"%s\",\"sport\":%u,"
                "\"dport\":%u,\"reply\":%s,\"true_packets\":%llu,\"true_bytes\":%llu,"
                "\"received_packets\":%llu,\"samples\":%llu,\"est_packets\":%.0f,"
                "\"est_bytes\":%.0f,\"err_packets_pct\":%.3f,\"err_bytes_pct\":%.3f,",
                i ? "," : "", t->node[fl->src].name, t->node[fl->dst].name,
                proto_name(fl->proto), fl->sport, fl->dport, fl->reply ? "true" : "false",
                (unsigned long long)fl->sent_pkts, (unsigned long long)fl->sent_bytes,
                (unsigned long long)fl->rcvd_pkts, (unsigned long long)est[i].samples,
                est[i].pkts, est[i].bytes, rel_err(est[i].pkts, (double)fl->sent_pkts),
                rel_err(est[i].bytes, (double)fl->sent_bytes));
            if (isinf(b))
                fprintf(f, "\"bound_pct\":null,\"within\":null}");
            else
                fprintf(f, "\"bound_pct\":%.3f,\"within\":%s}", b,
                    fabs(rel_err(est[i].pkts, (double)fl->sent_pkts)) <= b ? "true" : "false");
        }
        fprintf(f, "],\"total\":{\"true_packets\":%llu,\"true_bytes\":%llu,\"samples\":%llu,"
            "\"est_packets\":%.0f,\"est_bytes\":%.0f,\"err_packets_pct\":%.3f,"
            "\"err_bytes_pct\":%.3f,\"bound_pct\":%.3f},",
            (unsigned long long)tp, (unsigned long long)tb, (unsigned long long)ts, ep, eb,
            rel_err(ep, (double)tp), rel_err(eb, (double)tb), ts ? bound(ts) : 0.0);
        if (o->if_pkts != NULL)
            fprintf(f, "\"interface_check\":{\"hosts\":%d,\"agree\":%d},", hosts, agree);
        fprintf(f, "\"flows_within_bound\":%d,\"flows_sampled\":%d,"
            "\"samples_at_later_hops\":%llu,\"samples_unmatched\":%ld,",
            within, counted, (unsigned long long)later, other);
        for (int k = 0; k < 2; k++) {
            fprintf(f, "\"top_%s\":[", k ? "est" : "true");
            for (int i = 0; i < ntop; i++) {
                int fi = (int)(k ? te : tt)[i][1];

                flow_label(t, &tr->flow[fi], lab, sizeof(lab));
                fprintf(f, "%s{\"flow\":\"%s\",\"bytes\":%.0f}", i ? "," : "", lab,
                    (k ? te : tt)[i][0]);
            }
            fprintf(f, "]%s", k ? "}\n" : ",");
        }
    } else {
        fprintf(f, "*** sFlow accuracy: sampling 1 in %d; samples taken where each flow"
            " enters the network\n", rate);
        fprintf(f, "%-34s %10s %10s %7s %7s %8s %12s %12s %7s\n", "flow", "true pkts",
            "est pkts", "err%", "bound%", "samples", "true bytes", "est bytes", "err%");
        for (int i = 0; i < tr->nflows; i++) {
            const struct emu_flow *fl = &tr->flow[i];
            char bs[16];

            flow_label(t, fl, lab, sizeof(lab));
            if (est[i].samples)
                snprintf(bs, sizeof(bs), "%7.1f", bound(est[i].samples));
            else
                snprintf(bs, sizeof(bs), "%7s", "-");
            fprintf(f, "%-34s %10llu %10.0f %7.1f %s %8llu %12llu %12.0f %7.1f\n", lab,
                (unsigned long long)fl->sent_pkts, est[i].pkts,
                rel_err(est[i].pkts, (double)fl->sent_pkts), bs,
                (unsigned long long)est[i].samples, (unsigned long long)fl->sent_bytes,
                est[i].bytes, rel_err(est[i].bytes, (double)fl->sent_bytes));
        }
        fprintf(f, "%-34s %10llu %10.0f %7.1f %7.1f %8llu %12llu %12.0f %7.1f\n", "total",
            (unsigned long long)tp, ep, rel_err(ep, (double)tp), ts ? bound(ts) : 0.0,
            (unsigned long long)ts, (unsigned long long)tb, eb, rel_err(eb, (double)tb));
        fprintf(f, "flows within the 95%% bound: %d of %d sampled (%d flows never sampled);"
            " %llu samples at later hops, %ld of other traffic\n", within, counted,
            tr->nflows - counted, (unsigned long long)later, other);
        if (o->if_pkts != NULL)
            fprintf(f, "truth against interface counters: %d of %d sending hosts agree"
                " (packets and bytes)%s\n", agree, hosts, mismatch);
        fprintf(f, "*** top talkers by true bytes | by sFlow's estimated bytes\n");
        for (int i = 0; i < ntop; i++) {
            char lab2[96];

            flow_label(t, &tr->flow[(int)tt[i][1]], lab, sizeof(lab));
            flow_label(t, &tr->flow[(int)te[i][1]], lab2, sizeof(lab2));
            fprintf(f, "%2d %-32s %12.0f | %-32s %12.0f\n", i + 1, lab, tt[i][0], lab2, te[i][0]);
        }
    }
    free(est);
    free(tt);
    free(te);
    return other < 0 ? -1 : 0;
}
