/*
 * emu_report: sFlow's estimates against the truth.  Reads the samples of
 * the datagrams the collector received during the traffic (samples.c
 * decodes them), keeps the flow samples taken where a flow enters the
 * network (the switch port of the sending host: a packet crossing three
 * switches is sampled up to three times, and only one sampling point may
 * count it), and estimates each flow in the two ways sFlow's users do:
 *  - samples x rate: packets = sum of the sampling rates of its samples,
 *    bytes = the same weighted by each sample's frame length;
 *  - from the pool: each flow's share of its data source's samples times
 *    the growth of that source's sample_pool over the run.  The pool
 *    counts every packet that reached the port, also those the switch or
 *    agent lost before sampling them, so this estimate corrects for
 *    samples that were never taken, and is the one judged against the
 *    packets sent.
 * The network's own loss is told apart: per flow the packets sent, those
 * delivered and the difference; in total the drops the ports reported,
 * port by port: in their counter samples (ifInDiscards, ifOutDiscards)
 * and in their flow samples (drops, one in N of the packets lost before
 * sampling).
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
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "emu.h"

/* Delivered below this share of sent: the report says where traffic was lost. */
#define LOSS_NOTE_PCT 1.0
/* Ports named in that line. */
#define LOSS_PORTS 6

/* One flow's samples at its entry port. */
struct est {
    uint64_t samples;
    double pkts, bytes;         /* samples x rate */
    double frames;              /* Sum of the samples' frame lengths. */
    int src;                    /* Its data source (index in struct sources), or -1. */
    double pkts_pool, bytes_pool;
};

/* A data source (an ifIndex) as its samples saw it during the run. */
struct source {
    uint32_t ifindex;
    uint64_t samples;           /* Flow samples, of any traffic. */
    uint32_t pool_min, pool_max;
    uint64_t at_min;            /* Samples that carry pool_min. */
    double rate;
    bool counters;
    uint32_t drops_min, drops_max;      /* The flow samples' drops. */
    uint32_t disc_min, disc_max;        /* ifInDiscards. */
    uint32_t odisc_min, odisc_max;      /* ifOutDiscards. */
};

struct sources {
    struct source *s;
    int n;
};

/* The source of 'ifindex', added if new; NULL without memory. */
static struct source *
source_get(struct sources *ss, uint32_t ifindex)
{
    struct source *s;
    void *p;

    for (int i = 0; i < ss->n; i++)
        if (ss->s[i].ifindex == ifindex)
            return &ss->s[i];
    if ((p = emu_grow(ss->s, ss->n, sizeof(*ss->s))) == NULL)
        return NULL;
    ss->s = p;
    s = &ss->s[ss->n++];
    memset(s, 0, sizeof(*s));
    s->ifindex = ifindex;
    return s;
}

/*
 * Packets a sample of 's' stands for: the pool's growth between its first
 * and last sample over the samples taken after the first.  sflow-agent
 * reads the pool once per batch of samples, so all the samples of its
 * first batch carry the lowest pool: the growth counts none of them.  The
 * sampling rate if no sample came after the first.
 *
 * The first sample stands for a mean interval, and the packets after a
 * source's last sample are in no interval: the estimate runs low by a
 * fraction of an interval per source (on tree,2,8 about 0.1 % of the
 * total through sflow-switch, 0.5 % through sflow-agent, whose 1-in-N
 * trials leave longer gaps at the ends than a skip counter).
 */
static double
source_weight(const struct source *s)
{
    if (s->samples <= s->at_min || s->pool_max <= s->pool_min)
        return s->rate;
    return (double)(s->pool_max - s->pool_min) / (double)(s->samples - s->at_min);
}

static void
widen(uint32_t *lo, uint32_t *hi, uint32_t v, bool first)
{
    if (first || v < *lo)
        *lo = v;
    if (first || v > *hi)
        *hi = v;
}

/* Counts a flow sample of 's' that carries 'pool'. */
static void
source_pool(struct source *s, uint32_t pool)
{
    if (s->samples == 0 || pool < s->pool_min)
        s->at_min = 0;
    widen(&s->pool_min, &s->pool_max, pool, s->samples == 0);
    if (pool == s->pool_min)
        s->at_min++;
    s->samples++;
}

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

/* Whether the emulator knows how many of 'f''s packets arrived (not for TCP). */
static bool
delivery_known(const struct emu_flow *f)
{
    return f->proto != FLOW_TCP;
}

/* The flow sample 'smp' belongs to, or -1. */
static int
match_flow(const struct emu_topo *t, const struct emu_traffic *tr, const struct emu_sample *smp)
{
    if (!smp->has_ip4)
        return -1;
    for (int fi = 0; fi < tr->nflows; fi++) {
        const struct emu_flow *fl = &tr->flow[fi];

        if ((uint32_t)fl->proto == smp->proto && t->node[fl->src].ip == smp->src &&
            t->node[fl->dst].ip == smp->dst && fl->sport == smp->sport && fl->dport == smp->dport)
            return fi;
    }
    return -1;
}

/* What the samples of a run add up to, as they are read. */
struct tally {
    const struct emu_topo *t;
    const struct emu_traffic *tr;
    struct est *est;            /* Per flow. */
    struct sources ss;
    uint64_t later;             /* Samples of a flow taken past its entry port. */
    long other;                 /* Flow samples of other traffic. */
    int rate_seen;              /* The last sampling rate a sample carried. */
};

/* A port's counters: the range of its discards over the run. */
static void
tally_counters(struct tally *ty, const struct emu_sample *smp)
{
    struct source *src;

    if (!smp->has_discards || (src = source_get(&ty->ss, smp->ifindex)) == NULL)
        return;
    widen(&src->disc_min, &src->disc_max, smp->in_discards, !src->counters);
    widen(&src->odisc_min, &src->odisc_max, smp->out_discards, !src->counters);
    src->counters = true;
}

/* One sample into the per-flow estimates and the data sources (a samples_fn). */
static void
tally_sample(void *arg, const struct emu_sample *smp)
{
    struct tally *ty = arg;
    const struct emu_topo *t = ty->t;
    struct source *src;
    struct est *e;
    double rate = smp->rate, frame = (double)smp->ip_size + 14;
    int fi;

    if (smp->kind == EMU_SAMPLE_COUNTERS) {
        tally_counters(ty, smp);
        return;
    }
    if ((src = source_get(&ty->ss, smp->source)) == NULL)
        return;
    widen(&src->drops_min, &src->drops_max, smp->drops, src->samples == 0);
    source_pool(src, smp->pool);
    src->rate = rate;
    if (smp->rate > 0)
        ty->rate_seen = (int)smp->rate;
    if ((fi = match_flow(t, ty->tr, smp)) < 0) {
        ty->other++;
        return;
    }
    /* Only where the flow enters the network. */
    if (smp->input != (uint32_t)t->link[t->node[ty->tr->flow[fi].src].uplink].b_ifindex) {
        ty->later++;
        return;
    }
    e = &ty->est[fi];
    e->samples++;
    e->pkts += rate;
    e->frames += frame;
    e->bytes += rate * frame;
    e->src = (int)(src - ty->ss.s);
}

/* Each flow's estimate from its source's pool (once every sample is read). */
static void
pool_estimates(const struct emu_traffic *tr, const struct sources *ss, struct est *est)
{
    for (int i = 0; i < tr->nflows; i++) {
        double w;

        if (est[i].src < 0)
            continue;
        w = source_weight(&ss->s[est[i].src]);
        est[i].pkts_pool = (double)est[i].samples * w;
        est[i].bytes_pool = est[i].frames * w;
    }
}

/* Writes the name of the switch port with root-namespace 'ifindex' (or the number). */
static void
port_label(const struct emu_topo *t, uint32_t ifindex, char *buf, size_t len)
{
    for (int i = 0; i < t->nlinks; i++) {
        const struct emu_link *l = &t->link[i];

        if ((uint32_t)l->b_ifindex == ifindex) {
            snprintf(buf, len, "%s", l->b_if);
            return;
        }
        if ((uint32_t)l->a_ifindex == ifindex && l->a_ifindex != 0) {
            snprintf(buf, len, "%s", l->a_if);
            return;
        }
    }
    snprintf(buf, len, "ifIndex %u", ifindex);
}

/*
 * Drops a port's counter samples reported during the run: ifInDiscards
 * (frames lost before the switch read them) and ifOutDiscards (frames it
 * could not send).
 */
static uint64_t
port_discards(const struct source *s)
{
    if (!s->counters)
        return 0;
    return (uint64_t)(s->disc_max - s->disc_min) + (s->odisc_max - s->odisc_min);
}

/*
 * Packets a port lost before sampling, by its flow samples: the growth of
 * their drops (packets marked for sampling and lost) times the rate.
 * Counter samples may come too seldom to bracket the run (one per
 * --polling interval); flow samples come all through it.
 */
static uint64_t
port_sample_drops(const struct source *s)
{
    return (uint64_t)((double)(s->drops_max - s->drops_min) * s->rate);
}

/* What a port dropped during the run: the larger of the two accounts. */
static uint64_t
port_drops(const struct source *s)
{
    uint64_t a = port_discards(s), b = port_sample_drops(s);

    return a > b ? a : b;
}

static int
cmp_drops_desc(const void *a, const void *b)
{
    uint64_t x = port_drops(a), y = port_drops(b);

    return x < y ? 1 : x > y ? -1 : 0;
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
        out[i][0] = by_est ? est[i].bytes_pool : (double)tr->flow[i].sent_bytes;
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

/* The totals of a report. */
struct totals {
    uint64_t pkts, bytes, samples;
    uint64_t known_sent, delivered;     /* Over flows whose delivery is known. */
    double ep, eb, ep_pool, eb_pool;
    uint64_t port_drops;
    int within, counted;
};

static void
sum_up(const struct emu_traffic *tr, const struct est *est, struct sources *ss,
    struct totals *tt)
{
    memset(tt, 0, sizeof(*tt));
    for (int i = 0; i < tr->nflows; i++) {
        const struct emu_flow *fl = &tr->flow[i];

        tt->pkts += fl->sent_pkts;
        tt->bytes += fl->sent_bytes;
        if (delivery_known(fl)) {
            tt->known_sent += fl->sent_pkts;
            tt->delivered += fl->rcvd_pkts;
        }
        tt->samples += est[i].samples;
        tt->ep += est[i].pkts;
        tt->eb += est[i].bytes;
        tt->ep_pool += est[i].pkts_pool;
        tt->eb_pool += est[i].bytes_pool;
        if (est[i].samples > 0) {
            tt->counted++;
            if (fabs(rel_err(est[i].pkts_pool, (double)fl->sent_pkts)) <= bound(est[i].samples))
                tt->within++;
        }
    }
    for (int i = 0; i < ss->n; i++)
        tt->port_drops += port_drops(&ss->s[i]);
    /* Ports by drops, for the loss line (none without samples: qsort() takes no NULL). */
    if (ss->n > 1)
        qsort(ss->s, (size_t)ss->n, sizeof(*ss->s), cmp_drops_desc);
}

/* Whether the network lost enough that the report says where. */
static bool
lossy(const struct totals *tt)
{
    return tt->known_sent > 0 &&
        (double)tt->delivered < (double)tt->known_sent * (1 - LOSS_NOTE_PCT / 100);
}

/* The line that says where traffic was lost (sorted 'ss'), left open for the hosts' part. */
static void
print_loss(const struct emu_topo *t, const struct totals *tt, const struct sources *ss, FILE *f)
{
    char lab[IF_NAMESIZE + 16];

    fprintf(f, "network loss: %llu of %llu packets (%.2f%%) not delivered; ports reported"
        " %llu drops", (unsigned long long)(tt->known_sent - tt->delivered),
        (unsigned long long)tt->known_sent,
        100.0 * (double)(tt->known_sent - tt->delivered) / (double)tt->known_sent,
        (unsigned long long)tt->port_drops);
    for (int i = 0; i < ss->n && i < LOSS_PORTS && port_drops(&ss->s[i]) > 0; i++) {
        port_label(t, ss->s[i].ifindex, lab, sizeof(lab));
        fprintf(f, "%s %s %llu (discards in+out %llu, sampled drops x rate %llu)", i ? "," : ":",
            lab, (unsigned long long)port_drops(&ss->s[i]),
            (unsigned long long)port_discards(&ss->s[i]),
            (unsigned long long)port_sample_drops(&ss->s[i]));
    }
}

static void
print_json(const struct emu_topo *t, const struct emu_traffic *tr, const struct est *est,
    const struct sources *ss, const struct totals *tt, int rate, FILE *f)
{
    char lab[IF_NAMESIZE + 16];

    fprintf(f, "{\"sampling\":%d,\"flows\":[", rate);
    for (int i = 0; i < tr->nflows; i++) {
        const struct emu_flow *fl = &tr->flow[i];
        double b = bound(est[i].samples);

        fprintf(f, "%s{\"src\":\"%s\",\"dst\":\"%s\",\"proto\":\"%s\",\"sport\":%u,"
            "\"dport\":%u,\"reply\":%s,\"true_packets\":%llu,\"true_bytes\":%llu,"
            "\"received_packets\":%llu,", i ? "," : "", t->node[fl->src].name,
            t->node[fl->dst].name, proto_name(fl->proto), fl->sport, fl->dport,
            fl->reply ? "true" : "false", (unsigned long long)fl->sent_pkts,
            (unsigned long long)fl->sent_bytes, (unsigned long long)fl->rcvd_pkts);
        if (delivery_known(fl))
            fprintf(f, "\"lost_packets\":%lld,",
                (long long)fl->sent_pkts - (long long)fl->rcvd_pkts);
        else
            fprintf(f, "\"lost_packets\":null,");
        fprintf(f, "\"samples\":%llu,\"est_packets\":%.0f,\"est_bytes\":%.0f,"
            "\"err_packets_pct\":%.3f,\"err_bytes_pct\":%.3f,\"est_packets_pool\":%.0f,"
            "\"est_bytes_pool\":%.0f,\"err_packets_pool_pct\":%.3f,\"err_bytes_pool_pct\":%.3f,",
            (unsigned long long)est[i].samples, est[i].pkts, est[i].bytes,
            rel_err(est[i].pkts, (double)fl->sent_pkts),
            rel_err(est[i].bytes, (double)fl->sent_bytes), est[i].pkts_pool, est[i].bytes_pool,
            rel_err(est[i].pkts_pool, (double)fl->sent_pkts),
            rel_err(est[i].bytes_pool, (double)fl->sent_bytes));
        if (isinf(b))
            fprintf(f, "\"bound_pct\":null,\"within\":null}");
        else
            fprintf(f, "\"bound_pct\":%.3f,\"within\":%s}", b,
                fabs(rel_err(est[i].pkts_pool, (double)fl->sent_pkts)) <= b ? "true" : "false");
    }
    fprintf(f, "],\"total\":{\"true_packets\":%llu,\"true_bytes\":%llu,\"samples\":%llu,"
        "\"est_packets\":%.0f,\"est_bytes\":%.0f,\"err_packets_pct\":%.3f,"
        "\"err_bytes_pct\":%.3f,\"est_packets_pool\":%.0f,\"est_bytes_pool\":%.0f,"
        "\"err_packets_pool_pct\":%.3f,\"err_bytes_pool_pct\":%.3f,\"bound_pct\":%.3f,"
        "\"delivered_checked_packets\":%llu,\"delivered_packets\":%llu,\"lost_packets\":%llu,"
        "\"port_drops\":%llu,\"host_drops\":%llu},",
        (unsigned long long)tt->pkts, (unsigned long long)tt->bytes,
        (unsigned long long)tt->samples, tt->ep, tt->eb, rel_err(tt->ep, (double)tt->pkts),
        rel_err(tt->eb, (double)tt->bytes), tt->ep_pool, tt->eb_pool,
        rel_err(tt->ep_pool, (double)tt->pkts), rel_err(tt->eb_pool, (double)tt->bytes),
        tt->samples ? bound(tt->samples) : 0.0, (unsigned long long)tt->known_sent,
        (unsigned long long)tt->delivered, (unsigned long long)(tt->known_sent - tt->delivered),
        (unsigned long long)tt->port_drops, (unsigned long long)tr->host_drops);
    fprintf(f, "\"port_drops\":[");
    for (int i = 0, n = 0; i < ss->n && port_drops(&ss->s[i]) > 0; i++) {
        port_label(t, ss->s[i].ifindex, lab, sizeof(lab));
        fprintf(f, "%s{\"port\":\"%s\",\"ifindex\":%u,\"drops\":%llu,\"discards\":%llu,"
            "\"sample_drops\":%u}", n++ ? "," : "", lab, ss->s[i].ifindex,
            (unsigned long long)port_drops(&ss->s[i]),
            (unsigned long long)port_discards(&ss->s[i]),
            ss->s[i].drops_max - ss->s[i].drops_min);
    }
    fprintf(f, "],");
}

static void
print_text_flows(const struct emu_topo *t, const struct emu_traffic *tr, const struct est *est,
    const struct totals *tt, int rate, FILE *f)
{
    char lab[96], bs[16], dl[24], lo[24];

    fprintf(f, "*** sFlow accuracy: sampling 1 in %d; samples taken where each flow"
        " enters the network; 'pool': each flow's share of its port's samples x the growth"
        " of sample_pool\n", rate);
    fprintf(f, "%-34s %9s %9s %7s %9s %7s %9s %7s %7s %7s %12s %12s %7s\n", "flow", "sent",
        "delivered", "lost", "est pkts", "err%", "est pool", "err%", "bound%", "samples",
        "true bytes", "pool bytes", "err%");
    for (int i = 0; i < tr->nflows; i++) {
        const struct emu_flow *fl = &tr->flow[i];

        flow_label(t, fl, lab, sizeof(lab));
        if (est[i].samples)
            snprintf(bs, sizeof(bs), "%7.1f", bound(est[i].samples));
        else
            snprintf(bs, sizeof(bs), "%7s", "-");
        if (delivery_known(fl)) {
            snprintf(dl, sizeof(dl), "%llu", (unsigned long long)fl->rcvd_pkts);
            snprintf(lo, sizeof(lo), "%lld", (long long)fl->sent_pkts - (long long)fl->rcvd_pkts);
        } else {
            snprintf(dl, sizeof(dl), "-");
            snprintf(lo, sizeof(lo), "-");
        }
        fprintf(f, "%-34s %9llu %9s %7s %9.0f %7.1f %9.0f %7.1f %s %7llu %12llu %12.0f %7.1f\n",
            lab, (unsigned long long)fl->sent_pkts, dl, lo, est[i].pkts,
            rel_err(est[i].pkts, (double)fl->sent_pkts), est[i].pkts_pool,
            rel_err(est[i].pkts_pool, (double)fl->sent_pkts), bs,
            (unsigned long long)est[i].samples, (unsigned long long)fl->sent_bytes,
            est[i].bytes_pool, rel_err(est[i].bytes_pool, (double)fl->sent_bytes));
    }
    fprintf(f, "%-34s %9llu %9llu %7lld %9.0f %7.1f %9.0f %7.1f %7.1f %7llu %12llu %12.0f %7.1f\n",
        "total", (unsigned long long)tt->pkts, (unsigned long long)tt->delivered,
        (long long)tt->known_sent - (long long)tt->delivered, tt->ep,
        rel_err(tt->ep, (double)tt->pkts), tt->ep_pool, rel_err(tt->ep_pool, (double)tt->pkts),
        tt->samples ? bound(tt->samples) : 0.0, (unsigned long long)tt->samples,
        (unsigned long long)tt->bytes, tt->eb_pool, rel_err(tt->eb_pool, (double)tt->bytes));
}

/*
 * Prints the accuracy report of traffic 'tr' on 't' to o->out, as text or
 * (o->json) JSON.  Returns 0, or -1 if the samples could not be read (the
 * report then counts none and says -1 of other traffic; why in 'err').
 */
int
report_print(const struct emu_topo *t, const struct emu_traffic *tr,
    const struct emu_report_opts *o, char *err, size_t errlen)
{
    struct est *est = calloc((size_t)tr->nflows + 1, sizeof(*est));
    double (*tp)[2] = calloc((size_t)tr->nflows + 1, sizeof(*tp));
    double (*te)[2] = calloc((size_t)tr->nflows + 1, sizeof(*te));
    struct tally ty = { .t = t, .tr = tr, .est = est, .rate_seen = o->sampling };
    struct sources *ss = &ty.ss;
    struct totals tt;
    int rate, ntop, hosts = 0, agree = 0;
    char mismatch[512] = "";
    long other, got = 0;
    uint64_t later;
    FILE *f = o->out;
    char lab[96];

    if (est == NULL || tp == NULL || te == NULL) {
        free(est);
        free(tp);
        free(te);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    for (int i = 0; i < tr->nflows; i++)
        est[i].src = -1;
    if (o->datagrams_path != NULL)
        got = samples_read(o->datagrams_path, &o->since, tally_sample, &ty, err, errlen);
    other = got < 0 ? -1 : ty.other;
    later = ty.later;
    rate = ty.rate_seen;
    pool_estimates(tr, ss, est);
    sum_up(tr, est, ss, &tt);
    ntop = tr->nflows < o->top ? tr->nflows : o->top;
    ifcheck(t, tr, o, &hosts, &agree, mismatch, sizeof(mismatch));
    top(tr, est, false, tp, tr->nflows);
    top(tr, est, true, te, tr->nflows);
    if (o->json) {
        print_json(t, tr, est, ss, &tt, rate, f);
        if (o->if_pkts != NULL)
            fprintf(f, "\"interface_check\":{\"hosts\":%d,\"agree\":%d},", hosts, agree);
        fprintf(f, "\"flows_within_bound\":%d,\"flows_sampled\":%d,"
            "\"samples_at_later_hops\":%llu,\"samples_unmatched\":%ld,",
            tt.within, tt.counted, (unsigned long long)later, other);
        for (int k = 0; k < 2; k++) {
            fprintf(f, "\"top_%s\":[", k ? "est" : "true");
            for (int i = 0; i < ntop; i++) {
                int fi = (int)(k ? te : tp)[i][1];

                flow_label(t, &tr->flow[fi], lab, sizeof(lab));
                fprintf(f, "%s{\"flow\":\"%s\",\"bytes\":%.0f}", i ? "," : "", lab,
                    (k ? te : tp)[i][0]);
            }
            fprintf(f, "]%s", k ? "}\n" : ",");
        }
    } else {
        print_text_flows(t, tr, est, &tt, rate, f);
        fprintf(f, "flows within the 95%% bound (pool estimate): %d of %d sampled (%d flows"
            " never sampled); %llu samples at later hops, %ld of other traffic\n", tt.within,
            tt.counted, tr->nflows - tt.counted, (unsigned long long)later, other);
        if (lossy(&tt))
            print_loss(t, &tt, ss, f);
        else
            fprintf(f, "network loss: %llu of %llu packets not delivered; ports reported %llu"
                " drops", (unsigned long long)(tt.known_sent - tt.delivered),
                (unsigned long long)tt.known_sent, (unsigned long long)tt.port_drops);
        /* Not the network's: the receiving hosts' sockets were full. */
        if (tr->host_drops > 0)
            fprintf(f, "; the receivers' own sockets dropped %llu", (unsigned long long)tr->host_drops);
        fprintf(f, "\n");
        if (o->if_pkts != NULL)
            fprintf(f, "truth against interface counters: %d of %d sending hosts agree"
                " (packets and bytes)%s\n", agree, hosts, mismatch);
        fprintf(f, "*** top talkers by true bytes | by sFlow's estimated bytes\n");
        for (int i = 0; i < ntop; i++) {
            char lab2[96];

            flow_label(t, &tr->flow[(int)tp[i][1]], lab, sizeof(lab));
            flow_label(t, &tr->flow[(int)te[i][1]], lab2, sizeof(lab2));
            fprintf(f, "%2d %-32s %12.0f | %-32s %12.0f\n", i + 1, lab, tp[i][0], lab2, te[i][0]);
        }
    }
    free(ss->s);
    free(est);
    free(tp);
    free(te);
    return other < 0 ? -1 : 0;
}
