/*
 * sflowcollect: receives sFlow v5 from UDP or capture files, decodes each
 * datagram once and hands it to the sinks the user asked for: stdout
 * (sflowtool text, lines, JSON, Common Log Format), pcap, NetFlow v5, v9
 * and IPFIX, forwarding, RRD.
 */
#include <errno.h>
#include <float.h>
#include <getopt.h>
#include <arpa/inet.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "allow.h"
#include "clf_sink.h"
#include "clickhouse.h"
#include "config.h"
#include "dgram_pcap.h"
#include "forward.h"
#include "log.h"
#include "metrics.h"
#include "nf_export.h"
#include "num_parse.h"
#include "output.h"
#include "pace.h"
#include "pcap_sink.h"
#include "privs.h"
#include "recv_pcap.h"
#include "recv_udp.h"
#include "resample.h"
#include "rrd.h"
#include "sflow_decode.h"
#include "stats.h"
#include "version.h"
#include "vlan_filter.h"

#define MAX_SINKS 8

/*
 * Receivers decode in parallel (one worker per --threads, each with its own
 * socket and datagram); the accounting and the sinks see one datagram at a
 * time, under 'lock'.
 */
struct collector {
    pthread_mutex_t lock;
    struct stats stats;
    struct sink *sinks[MAX_SINKS];
    int n_sinks;
    int live;
    struct vlan_filter vlans;           /* -V / -v */
    struct pace pace;                   /* -P */
    /* Rate limit for messages about bad datagrams from the network. */
    time_t warn_second;
    unsigned int warn_count;
    uint64_t warn_suppressed;
    struct allow allow;         /* --allow; empty: everyone. */
    int stats_top;              /* --stats-top */
    struct worker *workers;     /* Live: their sockets' drops are read at report time. */
    int n_workers;
};

struct worker {
    struct collector *c;
    struct sflow_datagram *dg;
    struct recv_udp udp;
    const struct config *cfg;
    pthread_t tid;
    int rc;
};

static volatile sig_atomic_t got_stop;
static volatile sig_atomic_t got_usr1;

static void
on_signal(int sig)
{
    if (sig == SIGUSR1)
        got_usr1 = 1;
    else
        got_stop = 1;
}

static void
usage(FILE *f)
{
    fprintf(f,
"usage: sflowcollect [-p port] [-b addr] [-4|-6] [-r file] [output] [sinks] [--stats]\n"
"       sflowcollect --graph DIR --agent ADDR --if N --out FILE.png\n"
"\n"
"Receives sFlow v5 datagrams, decodes them and passes them on.\n"
"\n"
"input:\n"
"  -p PORT            UDP port to listen on (default 6343)\n"
"  -b ADDR            local address to listen on (default: all, IPv4 and IPv6)\n"
"  -4, -6             listen on IPv4 only / IPv6 only\n"
"  -r FILE            read datagrams from a pcap or pcapng file ('-' = stdin)\n"
"  -R N               -r holds raw packets: sample them 1-in-N into sFlow (to -f)\n"
"  -P X               replay -r at X times its recorded speed\n"
"      --rcvbuf N     UDP receive buffer in bytes (default 8388608)\n"
"      --threads N    receive and decode with N threads (SO_REUSEPORT)\n"
"output on stdout (one of; default: sflowtool-style text when no other sink):\n"
"  -l                 one CSV line per sample (FLOW,... / CNTR,...)\n"
"  -L F1,F2,...       one CSV line per sample with the named fields\n"
"  -g                 grep-friendly text: each line carries its context\n"
"  -j                 JSON, one datagram per line\n"
"  -J                 JSON, indented\n"
"      --json-strings -j/-J: numbers as strings, as sflowtool prints them\n"
"  -q                 no output\n"
"  -H                 HTTP Common Log Format from http_request records (0:2201, 0:2206)\n"
"  -M                 the datagrams themselves as pcap (| tshark -r -)\n"
"sinks (any combination):\n"
"  -t                 pcap of the sampled packet headers on stdout (| tcpdump -r -)\n"
"  -T                 pcap of the headers of discarded packets (0:5 samples)\n"
"  -w FILE            write the -t/-T pcap to FILE instead of stdout\n"
"  -x                 cut each pcap packet at the start of its L4 payload\n"
"  -c HOST            export NetFlow (v5, or -N) to HOST (repeatable)\n"
"  -d PORT            port of the preceding -c (default 2055)\n"
"  -s                 NetFlow: raw counts, sampling rate in the header\n"
"  -V LIST, -v LIST   keep / drop flow samples of these VLANs (e.g. 0-20,4091)\n"
"  -A                 listen on IPv4 and IPv6 (the default)\n"
"  -k                 keep going after a receive error (wait a second)\n"
"  -D                 -c and -f hosts may be names (default: addresses only)\n"
"  -N 5|9|10          NetFlow version: 5, 9 or IPFIX (default 5)\n"
"  -e                 NetFlow AS numbers of the BGP neighbours, not the origins\n"
"  -S                 NetFlow and -f leave from the sFlow agent's address (raw socket)\n"
"      --nf-template-refresh N[,S]  v9/IPFIX templates every N packets, S seconds (20,60)\n"
"      --nf-aggregate merge samples of a flow into one record\n"
"      --nf-active-timeout S, --nf-inactive-timeout S (default 60, 15)\n"
"  -f HOST/PORT       forward every datagram unchanged (repeatable)\n"
"      --forward-by agent  each agent's datagrams to one -f target only (hashed)\n"
"      --rrd DIR      store interface counters in RRD files under DIR\n"
"      --rrdcached ADDR  write through rrdcached\n"
"      --geoip-country FILE.mmdb, --geoip-asn FILE.mmdb  enrich addresses\n"
"      --clickhouse URL  store samples in ClickHouse (repeatable; docs/clickhouse.md)\n"
"      --ch-batch-rows N, --ch-batch-ms MS, --ch-ttl-days N, --ch-engine ENGINE\n"
"      --ch-spool DIR, --ch-spool-max BYTES  keep what a node did not take\n"
"other:\n"
"      --allow CIDR   accept datagrams only from this network (repeatable)\n"
"      --rrd-max-files N  create at most N RRD files (default 1000; 0 = no limit)\n"
"      --stats        print counters to stderr at exit and on SIGUSR1\n"
"      --stats-top N  list the N busiest agents in --stats (default 20; 0 = all)\n"
"  -u USER            run as USER once the port and outputs are open (default\n"
"                     when started as root: sflowkit, else nobody; -u root keeps root)\n"
"      --metrics ADDR:PORT  serve the counters to Prometheus (GET /metrics)\n"
"  -z                 print the version and exit\n"
"  -h                 this help\n"
"\n"
"examples:\n"
"  sflowcollect -p 6343\n"
"  sflowcollect -r capture.pcap -l\n"
"  sflowcollect -t | tcpdump -nr -\n"
"  sflowcollect -c 127.0.0.1 -d 2055 -q --stats\n");
}

static void
report_bad(struct collector *c, const struct dgram_meta *meta,
    const struct sflow_datagram *dg)
{
    char detail[96] = "", origin[80];
    time_t now;

    /* A remote sender must not be able to flood the log. */
    if (c->live) {
        now = time(NULL);
        if (now != c->warn_second) {
            if (c->warn_suppressed)
                log_warnx("%llu messages about bad datagrams suppressed",
                    (unsigned long long)c->warn_suppressed);
            c->warn_second = now;
            c->warn_count = 0;
            c->warn_suppressed = 0;
        }
        if (++c->warn_count > 10) {
            c->warn_suppressed++;
            return;
        }
    }
    /* Formatted here, not per datagram: most datagrams are fine. */
    if (meta->from_file)
        snprintf(origin, sizeof(origin), "frame %llu", (unsigned long long)meta->frame);
    else
        snprintf(origin, sizeof(origin), "%s port %u", meta->src, meta->src_port);
    if (dg->err.code == SFLOW_E_VERSION)
        snprintf(detail, sizeof(detail), " (version %u)", dg->version);
    else if (dg->err.expected || dg->err.found)
        snprintf(detail, sizeof(detail), " (declared %u, found %u)",
            dg->err.expected, dg->err.found);
    if (dg->err.tag)
        log_warnx("%s (%s): %s%s at byte %zu, in %u:%u", origin, meta->src,
            sflow_strerror(dg->err.code), detail, dg->err.offset,
            SFLOW_ENTERPRISE(dg->err.tag), SFLOW_FORMAT(dg->err.tag));
    else
        log_warnx("%s (%s): %s%s at byte %zu", origin, meta->src,
            sflow_strerror(dg->err.code), detail, dg->err.offset);
}

static void
print_stats(struct collector *c)
{
    int i;

    if (c->workers != NULL)
        for (c->stats.socket_drops = 0, i = 0; i < c->n_workers; i++)
            c->stats.socket_drops += recv_udp_socket_drops(&c->workers[i].udp);
    stats_print(&c->stats, (size_t)c->stats_top, stderr);
    if (c->vlans.active)
        fprintf(stderr, "vlan filter: flow samples dropped %llu\n",
            (unsigned long long)c->vlans.dropped);
    for (i = 0; i < c->n_sinks; i++)
        if (c->sinks[i]->stats)
            c->sinks[i]->stats(c->sinks[i]->ctx, stderr);
    fflush(stderr);
}

/* The --metrics page: the collector's counters, then the sinks'. */
static void
render_metrics(void *arg, FILE *f)
{
    struct collector *c = arg;
    int i;

    pthread_mutex_lock(&c->lock);
    metrics_render_stats(&c->stats, f);
    for (i = 0; i < c->n_sinks; i++)
        if (c->sinks[i]->metrics)
            c->sinks[i]->metrics(c->sinks[i]->ctx, f);
    pthread_mutex_unlock(&c->lock);
}

static int
on_datagram(void *ctx, const uint8_t *p, size_t len, const struct dgram_meta *meta)
{
    struct worker *w = ctx;
    struct collector *c = w->c;
    struct sflow_datagram *dg = w->dg;
    int i;

    if (c->allow.n && !(meta->src_ver && allow_match(&c->allow, meta->src_ver, meta->src_ip))) {
        pthread_mutex_lock(&c->lock);
        if (c->stats.not_allowed++ == 0)
            log_warnx("datagrams from %s (not in --allow) are dropped and counted", meta->src);
        pthread_mutex_unlock(&c->lock);
        return got_stop;
    }
    if (meta->from_file)
        pace_wait(&c->pace, &meta->ts);
    sflow_decode(p, len, dg);
    pthread_mutex_lock(&c->lock);
    stats_datagram(&c->stats, dg);
    if (dg->err.code != SFLOW_OK)
        report_bad(c, meta, dg);
    vlan_filter_apply(&c->vlans, dg);
    for (i = 0; i < c->n_sinks; i++)
        c->sinks[i]->datagram(c->sinks[i]->ctx, p, len, meta, dg);
    if (got_usr1) {
        got_usr1 = 0;
        print_stats(c);
    }
    pthread_mutex_unlock(&c->lock);
    return got_stop;
}

static void
on_tick(void *ctx)
{
    struct worker *w = ctx;
    struct collector *c = w->c;
    struct timeval now;
    int i;

    gettimeofday(&now, NULL);
    pthread_mutex_lock(&c->lock);
    for (i = 0; i < c->n_sinks; i++)
        if (c->sinks[i]->tick)
            c->sinks[i]->tick(c->sinks[i]->ctx, &now);
    if (got_usr1) {
        got_usr1 = 0;
        print_stats(c);
    }
    pthread_mutex_unlock(&c->lock);
}

static long
parse_number(const char *s, long min, long max, const char *what)
{
    long v;

    if (num_parse_long(s, min, max, &v) != 0) {
        log_warnx("%s must be a number from %ld to %ld, not '%s'", what, min, max, s);
        exit(2);
    }
    return v;
}

static void
set_output(struct config *cfg, enum output o)
{
    if (cfg->output_set && cfg->output != o) {
        log_warnx("choose one output format of -l, -L, -g, -j, -J, -q");
        exit(2);
    }
    cfg->output = o;
    cfg->output_set = 1;
}

/* -f HOST/PORT, as sflowtool writes it (a slash, so that IPv6 hosts work). */
static void
add_forward(struct config *cfg, char *arg)
{
    char *slash = strrchr(arg, '/');

    if (slash == NULL || slash == arg || slash[1] == '\0') {
        log_warnx("-f wants HOST/PORT, not '%s'", arg);
        exit(2);
    }
    if (cfg->n_fwd == CONFIG_MAX_TARGETS) {
        log_warnx("at most %d -f targets", CONFIG_MAX_TARGETS);
        exit(2);
    }
    *slash = '\0';
    parse_number(slash + 1, 1, 65535, "-f port");
    cfg->fwd[cfg->n_fwd].host = arg;
    cfg->fwd[cfg->n_fwd].port = slash + 1;
    cfg->n_fwd++;
}

/* -N 5|9|10, -e, -S, --nf-template-refresh PACKETS[,SECONDS]. */
static void
nf_option(struct config *cfg, int ch, char *arg)
{
    char *comma;

    switch (ch) {
    case 'N':
        cfg->nf_version = (int)parse_number(arg, 5, 10, "-N version");
        if (cfg->nf_version != 5 && cfg->nf_version != 9 && cfg->nf_version != 10) {
            log_warnx("-N takes 5, 9 or 10 (IPFIX), not '%s'", arg);
            exit(2);
        }
        break;
    case 'e':
        cfg->nf_peer_as = 1;
        break;
    case 'S':
        cfg->spoof = 1;
        break;
    default:
        if ((comma = strchr(arg, ',')) != NULL) {
            *comma = '\0';
            cfg->nf_tmpl_seconds = (int)parse_number(comma + 1, 1, 86400,
                "--nf-template-refresh seconds");
        }
        cfg->nf_tmpl_packets = (int)parse_number(arg, 1, 1000000,
            "--nf-template-refresh packets");
        break;
    }
}

/* sflowtool's other options: -A, -k, -D, -V LIST, -v LIST. */
static void
compat_option(struct config *cfg, struct collector *c, int ch, const char *arg)
{
    switch (ch) {
    case 'A':
        cfg->family = AF_UNSPEC;
        break;
    case 'k':
        cfg->keep_going = 1;
        break;
    case 'D':
        cfg->allow_dns = 1;
        break;
    default:
        if (vlan_filter_add(&c->vlans, arg, ch == 'V') != 0) {
            log_warnx("-%c wants VLANs 0-4095 as N, N-M, ... joined by commas, not '%s'",
                ch, arg);
            exit(2);
        }
        break;
    }
}

/* sflowtool's older spellings: +v LIST is -V LIST, +4 is -A; -? is -h. */
static void
compat_argv(int argc, char **argv)
{
    int i;

    for (i = 1; i < argc; i++)
        if (strcmp(argv[i], "-?") == 0)
            argv[i][1] = 'h';
        else if (argv[i][0] == '+' && (argv[i][1] == 'v' || argv[i][1] == '4')) {
            argv[i][0] = '-';
            argv[i][1] = argv[i][1] == 'v' ? 'V' : 'A';
        }
}

/* Without -D, sflowtool takes only numeric -c/-f hosts; so do we. */
static int
compat_numeric_hosts(const struct config *cfg)
{
    const struct target *t;
    unsigned char a[16];
    char host[64];
    size_t n;
    int i;

    for (i = 0; i < cfg->n_nf + cfg->n_fwd; i++) {
        t = i < cfg->n_nf ? &cfg->nf[i] : &cfg->fwd[i - cfg->n_nf];
        n = strlen(t->host);
        if (n >= 2 && t->host[0] == '[' && t->host[n - 1] == ']')
            snprintf(host, sizeof(host), "%.*s", (int)(n - 2), t->host + 1);
        else
            snprintf(host, sizeof(host), "%s", t->host);
        if (inet_pton(AF_INET, host, a) != 1 && inet_pton(AF_INET6, host, a) != 1) {
            log_warnx("'%s' is not an IPv4 or IPv6 address (-D allows host names)", t->host);
            return 2;
        }
    }
    return 0;
}

static int
open_sink(struct collector *c, struct sink *(*open)(const struct config *, char *, size_t),
    const struct config *cfg)
{
    char err[256] = "";
    struct sink *s = open(cfg, err, sizeof(err));

    if (s == NULL) {
        log_warnx("%s", err);
        return -1;
    }
    c->sinks[c->n_sinks++] = s;
    return 0;
}

static int
open_sinks(struct collector *c, struct config *cfg)
{
    int others = cfg->pcap_flows || cfg->pcap_discards || cfg->n_nf || cfg->n_fwd ||
        cfg->rrd_dir || cfg->n_ch;

    if ((cfg->pcap_flows || cfg->pcap_discards) && cfg->pcap_file == NULL) {
        if (cfg->output_set && cfg->output != OUT_NONE) {
            log_warnx("-t/-T write pcap to stdout: add -w FILE to print text too");
            return -1;
        }
        cfg->output = OUT_NONE;
    } else if (others && !cfg->output_set) {
        /* Text is the default only when nothing else was asked for. */
        cfg->output = OUT_NONE;
    }
    if (cfg->output != OUT_NONE && open_sink(c, output_open, cfg) != 0)
        return -1;
    if ((cfg->pcap_flows || cfg->pcap_discards) && open_sink(c, pcap_sink_open, cfg) != 0)
        return -1;
    if (cfg->n_nf && open_sink(c, nf_export_open, cfg) != 0)
        return -1;
    if (cfg->n_fwd && open_sink(c, forward_open, cfg) != 0)
        return -1;
    if (cfg->rrd_dir && open_sink(c, rrd_sink_open, cfg) != 0)
        return -1;
    if (cfg->n_ch && open_sink(c, clickhouse_open, cfg) != 0)
        return -1;
    if (cfg->clf && open_sink(c, clf_sink_open, cfg) != 0)
        return -1;
    if (cfg->pcap_dgrams) {
        if ((cfg->pcap_flows || cfg->pcap_discards) && cfg->pcap_file == NULL) {
            log_warnx("-M and -t/-T both write pcap to stdout: add -w FILE");
            return -1;
        }
        if (open_sink(c, dgram_pcap_open, cfg) != 0)
            return -1;
    }
    return 0;
}

static void *
worker_loop(void *arg)
{
    struct worker *w = arg;

    while (recv_udp_loop(&w->udp, on_datagram, w, &got_stop, on_tick, 1000) != 0) {
        log_warn("receive");
        if (!w->cfg->keep_going || got_stop) {
            w->rc = 1;
            break;
        }
        sleep(1);               /* -k: as sflowtool, wait a second and go on. */
    }
    return NULL;
}

static void
worker_free(struct worker *w)
{
    recv_udp_close(&w->udp);
    free(w->dg);
}

/* Receives with 'cfg->threads' workers; the first runs in this thread. */
static int
run_udp(struct collector *c, const struct config *cfg)
{
    struct worker *ws;
    char err[256] = "";
    int i, n = cfg->threads, started = 0, rc = 0;

    ws = calloc((size_t)n, sizeof(*ws));
    if (ws == NULL)
        fatal("calloc");
    for (i = 0; i < n; i++) {
        ws[i].c = c;
        ws[i].cfg = cfg;
        ws[i].dg = malloc(sizeof(*ws[i].dg));
        if (ws[i].dg == NULL)
            fatal("malloc");
        if (recv_udp_open(&ws[i].udp, cfg->bind_addr, cfg->port, cfg->family,
            cfg->rcvbuf, n > 1, err, sizeof(err)) != 0) {
            log_warnx("%s", err);
            rc = 1;
            n = i + 1;
            goto out;
        }
    }
    if (privs_drop(cfg->user, (const struct privs_dir[]){ { "--rrd", cfg->rrd_dir },
        { "--ch-spool", cfg->ch_spool }, { NULL, NULL } }, err, sizeof(err)) != 0) {
        log_warnx("%s", err);
        rc = 1;
        goto out;
    }
    c->workers = ws;
    c->n_workers = n;
    for (i = 1; i < n; i++) {
        if ((errno = pthread_create(&ws[i].tid, NULL, worker_loop, &ws[i])) != 0) {
            log_warn("pthread_create");
            got_stop = 1;
            break;
        }
        started = i;
    }
    worker_loop(&ws[0]);
    /* Signals reach the main thread; the others see 'got_stop' within a tick. */
    got_stop = 1;
    for (i = 1; i <= started; i++)
        pthread_join(ws[i].tid, NULL);
out:
    c->stats.socket_drops = 0;
    for (i = 0; i < n; i++) {
        rc |= ws[i].rc;
        c->stats.socket_drops += recv_udp_socket_drops(&ws[i].udp);
        worker_free(&ws[i]);
    }
    c->workers = NULL;
    free(ws);
    return rc;
}

static int
run(struct collector *c, const struct config *cfg)
{
    struct recv_pcap_stats pst;
    struct worker w;
    struct sigaction sa;
    char err[256] = "";
    int rc = 0;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGUSR1, &sa, NULL);
    if (cfg->file == NULL) {
        sigaction(SIGINT, &sa, NULL);
        sigaction(SIGTERM, &sa, NULL);
        c->live = 1;
        return run_udp(c, cfg);
    }
    memset(&w, 0, sizeof(w));
    w.c = c;
    w.dg = malloc(sizeof(*w.dg));
    if (w.dg == NULL)
        fatal("malloc");
    memset(&pst, 0, sizeof(pst));
    if (cfg->resample_rate > 0) {
        struct resample_opts ro = { cfg->file, cfg->resample_rate, { SFLOW_ADDR_IP4, { 0 } }, 0 };

        rc = resample_file(&ro, on_datagram, &w, &pst, err, sizeof(err));
    } else {
        rc = recv_pcap_file(cfg->file, on_datagram, &w, &pst, err, sizeof(err));
    }
    if (rc != 0) {
        log_warnx("%s", err);
        rc = 1;
    }
    free(w.dg);
    c->stats.frames = pst.frames;
    c->stats.not_udp = pst.not_udp;
    c->stats.not_sflow = pst.not_sflow;
    return rc;
}

int
main(int argc, char **argv)
{
    enum {
        OPT_STATS = 256, OPT_RCVBUF, OPT_THREADS, OPT_NF_AGG, OPT_NF_ACTIVE,
        OPT_NF_INACTIVE, OPT_RRD, OPT_RRDCACHED, OPT_GRAPH, OPT_AGENT, OPT_IF,
        OPT_OUT, OPT_GEO_COUNTRY, OPT_GEO_ASN, OPT_ALLOW, OPT_RRD_MAX, OPT_STATS_TOP,
        OPT_CH, OPT_METRICS, OPT_FWD_BY, OPT_JSON_STRINGS,
        OPT_NF_TMPL = 512,
    };
    static const struct option longopts[] = {
        { "stats", no_argument, NULL, OPT_STATS },
        { "rcvbuf", required_argument, NULL, OPT_RCVBUF },
        { "threads", required_argument, NULL, OPT_THREADS },
        { "nf-aggregate", no_argument, NULL, OPT_NF_AGG },
        { "nf-active-timeout", required_argument, NULL, OPT_NF_ACTIVE },
        { "nf-inactive-timeout", required_argument, NULL, OPT_NF_INACTIVE },
        { "rrd", required_argument, NULL, OPT_RRD },
        { "rrdcached", required_argument, NULL, OPT_RRDCACHED },
        { "graph", required_argument, NULL, OPT_GRAPH },
        { "agent", required_argument, NULL, OPT_AGENT },
        { "if", required_argument, NULL, OPT_IF },
        { "out", required_argument, NULL, OPT_OUT },
        { "geoip-country", required_argument, NULL, OPT_GEO_COUNTRY },
        { "geoip-asn", required_argument, NULL, OPT_GEO_ASN },
        { "allow", required_argument, NULL, OPT_ALLOW },
        { "rrd-max-files", required_argument, NULL, OPT_RRD_MAX },
        { "stats-top", required_argument, NULL, OPT_STATS_TOP },
        { "user", required_argument, NULL, 'u' },
        /* NetFlow v9/IPFIX and sflowtool's long names. */
        { "netflow-version", required_argument, NULL, 'N' },
        { "netflow-peer-as", no_argument, NULL, 'e' },
        { "netflow-spoof-source", no_argument, NULL, 'S' },
        { "netflow-collector", required_argument, NULL, 'c' },
        { "netflow-udp-dport", required_argument, NULL, 'd' },
        { "no-scaling", no_argument, NULL, 's' },
        { "nf-template-refresh", required_argument, NULL, OPT_NF_TMPL },
        /* sflowtool's long names; its include/exclude-vlans are swapped, ours not. */
        { "line", no_argument, NULL, 'l' },
        { "json", no_argument, NULL, 'j' },
        { "json-indented", no_argument, NULL, 'J' },
        { "grep", no_argument, NULL, 'g' },
        { "write-pcap", no_argument, NULL, 't' },
        { "write-pcap-discards", no_argument, NULL, 'T' },
        { "redact-payload", no_argument, NULL, 'x' },
        { "common-logfile", no_argument, NULL, 'H' },
        { "allow-dns", no_argument, NULL, 'D' },
        { "listen-v4-only", no_argument, NULL, '4' },
        { "listen-v6-only", no_argument, NULL, '6' },
        { "listen-v4-v6", no_argument, NULL, 'A' },
        { "keep-going-on-error", no_argument, NULL, 'k' },
        { "usage", no_argument, NULL, 'h' },
        { "fields", required_argument, NULL, 'L' },
        { "port", required_argument, NULL, 'p' },
        { "read-pcap", required_argument, NULL, 'r' },
        { "forwarding-target", required_argument, NULL, 'f' },
        { "read-pcap-sampling", required_argument, NULL, 'R' },
        { "read-pcap-playback", required_argument, NULL, 'P' },
        { "include-vlans", required_argument, NULL, 'V' },
        { "exclude-vlans", required_argument, NULL, 'v' },
        /* ClickHouse: parsed by clickhouse_option() by name. */
        { "clickhouse", required_argument, NULL, OPT_CH },
        { "ch-batch-rows", required_argument, NULL, OPT_CH },
        { "ch-batch-ms", required_argument, NULL, OPT_CH },
        { "ch-ttl-days", required_argument, NULL, OPT_CH },
        { "ch-spool", required_argument, NULL, OPT_CH },
        { "ch-engine", required_argument, NULL, OPT_CH },
        { "ch-spool-max", required_argument, NULL, OPT_CH },
        { "metrics", required_argument, NULL, OPT_METRICS },
        { "forward-by", required_argument, NULL, OPT_FWD_BY },
        { "json-strings", no_argument, NULL, OPT_JSON_STRINGS },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'z' },
        { NULL, 0, NULL, 0 },
    };
    struct collector c;
    struct config cfg;
    struct metrics *metrics = NULL;
    const char *graph_dir = NULL, *graph_agent = NULL, *graph_out = NULL;
    const char *nf_port = "2055";
    char err[256] = "";
    long graph_if = -1;
    int ch, i, rc, longindex = 0;

    log_init(argv[0], 0, 0);
    compat_argv(argc, argv);
    memset(&c, 0, sizeof(c));
    memset(&cfg, 0, sizeof(cfg));
    cfg.port = 6343;
    cfg.family = AF_UNSPEC;
    cfg.rcvbuf = 8 << 20;
    cfg.threads = 1;
    cfg.output = OUT_TEXT;
    cfg.nf_active_timeout = 60;
    cfg.nf_inactive_timeout = 15;
    cfg.rrd_max_files = 1000;
    c.stats_top = 20;
    while ((ch = getopt_long(argc, argv, "p:b:46r:lL:gjJqtTw:xc:d:sf:u:zhN:eSAkDV:v:HR:P:M",
        longopts, &longindex)) != -1) {
        switch (ch) {
        case 'p':
            cfg.port = (uint16_t)parse_number(optarg, 1, 65535, "-p port");
            break;
        case 'b':
            cfg.bind_addr = optarg;
            break;
        case '4':
            cfg.family = AF_INET;
            break;
        case '6':
            cfg.family = AF_INET6;
            break;
        case 'r':
            cfg.file = optarg;
            break;
        case 'l':
            set_output(&cfg, OUT_LINE);
            break;
        case 'L':
            set_output(&cfg, OUT_FIELDS);
            cfg.fields = optarg;
            break;
        case 'g':
            set_output(&cfg, OUT_GREP);
            break;
        case 'j':
            set_output(&cfg, OUT_JSON);
            break;
        case 'J':
            set_output(&cfg, OUT_JSON_PRETTY);
            break;
        case 'q':
            set_output(&cfg, OUT_NONE);
            break;
        case 't':
            cfg.pcap_flows = 1;
            break;
        case 'T':
            cfg.pcap_discards = 1;
            break;
        case 'w':
            cfg.pcap_file = optarg;
            break;
        case 'x':
            cfg.pcap_cut_payload = 1;
            break;
        case 'c':
            if (cfg.n_nf == CONFIG_MAX_TARGETS) {
                log_warnx("at most %d -c collectors", CONFIG_MAX_TARGETS);
                return 2;
            }
            cfg.nf[cfg.n_nf].host = optarg;
            cfg.nf[cfg.n_nf].port = nf_port;
            cfg.n_nf++;
            break;
        case 'd':
            parse_number(optarg, 1, 65535, "-d port");
            /* The port of the preceding -c, and the default of later ones. */
            nf_port = optarg;
            if (cfg.n_nf > 0)
                cfg.nf[cfg.n_nf - 1].port = optarg;
            break;
        case 's':
            cfg.nf_raw_counts = 1;
            break;
        case 'f':
            add_forward(&cfg, optarg);
            break;
        case OPT_STATS:
            cfg.stats = 1;
            break;
        case OPT_RCVBUF:
            cfg.rcvbuf = (int)parse_number(optarg, 0, INT_MAX, "--rcvbuf");
            break;
        case OPT_THREADS:
            cfg.threads = (int)parse_number(optarg, 1, 64, "--threads");
            break;
        case OPT_NF_AGG:
            cfg.nf_aggregate = 1;
            break;
        case OPT_NF_ACTIVE:
            cfg.nf_active_timeout = (int)parse_number(optarg, 1, 86400,
                "--nf-active-timeout");
            break;
        case OPT_NF_INACTIVE:
            cfg.nf_inactive_timeout = (int)parse_number(optarg, 1, 86400,
                "--nf-inactive-timeout");
            break;
        case OPT_RRD:
            cfg.rrd_dir = optarg;
            break;
        case OPT_RRDCACHED:
            cfg.rrdcached = optarg;
            break;
        case OPT_GRAPH:
            graph_dir = optarg;
            break;
        case OPT_AGENT:
            graph_agent = optarg;
            break;
        case OPT_IF:
            graph_if = parse_number(optarg, 0, UINT32_MAX, "--if");
            break;
        case OPT_OUT:
            graph_out = optarg;
            break;
        case OPT_GEO_COUNTRY:
            cfg.geoip_country = optarg;
            break;
        case OPT_GEO_ASN:
            cfg.geoip_asn = optarg;
            break;
        case OPT_ALLOW:
            if (allow_add(&c.allow, optarg, err, sizeof(err)) != 0) {
                log_warnx("%s", err);
                return 2;
            }
            break;
        case OPT_RRD_MAX:
            cfg.rrd_max_files = parse_number(optarg, 0, LONG_MAX, "--rrd-max-files");
            break;
        case OPT_STATS_TOP:
            c.stats_top = (int)parse_number(optarg, 0, INT_MAX, "--stats-top");
            break;
        case 'u':
            cfg.user = optarg;
            break;
        case 'N':
        case 'e':
        case 'S':
        case OPT_NF_TMPL:
            nf_option(&cfg, ch, optarg);
            break;
        case 'H':
            set_output(&cfg, OUT_NONE);
            cfg.clf = 1;
            break;
        case 'M':
            set_output(&cfg, OUT_NONE);
            cfg.pcap_dgrams = 1;
            break;
        case 'R':
            cfg.resample_rate = (uint32_t)parse_number(optarg, 1, 0x7fffffff, "-R rate");
            break;
        case 'P':
            if (num_parse_double(optarg, DBL_MIN, DBL_MAX, &c.pace.speed) != 0) {
                log_warnx("-P wants a speed above 0 (1 = as recorded), not '%s'", optarg);
                return 2;
            }
            break;
        case 'A':
        case 'k':
        case 'D':
        case 'V':
        case 'v':
            compat_option(&cfg, &c, ch, optarg);
            break;
        case OPT_CH:
            if (clickhouse_option(&cfg, longopts[longindex].name, optarg, err,
                sizeof(err)) != 0) {
                log_warnx("%s", err);
                return 2;
            }
            break;
        case OPT_METRICS:
            cfg.metrics = optarg;
            break;
        case OPT_FWD_BY:
            if (strcmp(optarg, "agent") != 0) {
                log_warnx("--forward-by knows 'agent' only, not '%s'", optarg);
                return 2;
            }
            cfg.fwd_by_agent = 1;
            break;
        case OPT_JSON_STRINGS:
            cfg.json_strings = 1;
            break;
        case 'z':
            printf("sflowcollect (sflowkit) %s\n", SFLOWKIT_VERSION);
            return 0;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return 2;
        }
    }
    if (!cfg.allow_dns && compat_numeric_hosts(&cfg) != 0)
        return 2;
    if ((cfg.resample_rate > 0 || c.pace.speed > 0) && cfg.file == NULL) {
        log_warnx("-R and -P read a capture: add -r FILE");
        return 2;
    }
    if (optind != argc) {
        log_warnx("unexpected argument '%s'", argv[optind]);
        usage(stderr);
        return 2;
    }
    if (graph_dir != NULL) {
        if (graph_agent == NULL || graph_if < 0 || graph_out == NULL) {
            log_warnx("--graph needs --agent ADDR, --if N and --out FILE.png");
            return 2;
        }
        if (rrd_graph_draw(graph_dir, graph_agent, (unsigned int)graph_if, graph_out,
            err, sizeof(err)) != 0) {
            log_warnx("%s", err);
            return 1;
        }
        return 0;
    }

    pthread_mutex_init(&c.lock, NULL);
    stats_init(&c.stats);
    if (open_sinks(&c, &cfg) != 0)
        rc = 1;
    else if (cfg.metrics && metrics_start(cfg.metrics, render_metrics, &c, &metrics, err,
        sizeof(err)) != 0) {
        log_warnx("%s", err);
        rc = 1;
    } else
        rc = run(&c, &cfg);
    metrics_stop(metrics);
    for (i = 0; i < c.n_sinks; i++)
        if (c.sinks[i]->tick) {
            struct timeval now;

            gettimeofday(&now, NULL);
            c.sinks[i]->tick(c.sinks[i]->ctx, &now);
        }
    for (i = 0; i < c.n_sinks; i++)
        if (c.sinks[i]->finish)
            c.sinks[i]->finish(c.sinks[i]->ctx);
    if (cfg.stats)
        print_stats(&c);
    for (i = 0; i < c.n_sinks; i++)
        c.sinks[i]->close(c.sinks[i]->ctx);
    if ((fflush(stdout) != 0 || ferror(stdout)) && errno != EPIPE) {
        log_warn("stdout");
        rc = 1;
    }
    stats_free(&c.stats);
    pthread_mutex_destroy(&c.lock);
    return rc;
}
