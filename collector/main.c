/*
 * sflowcollect: receives sFlow v5 from UDP or capture files and prints it
 * as sflowtool does (text, -l lines, -L fields, -g grep), or as JSON.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "json.h"
#include "line.h"
#include "log.h"
#include "recv_pcap.h"
#include "recv_udp.h"
#include "sflow_decode.h"
#include "stats.h"
#include "text.h"

#define SFLOWKIT_VERSION "0.1.0"

enum output { OUT_TEXT, OUT_LINE, OUT_FIELDS, OUT_GREP, OUT_JSON, OUT_JSON_PRETTY, OUT_NONE };

struct collector {
    enum output output;
    struct text_fields *fields;
    struct sflow_datagram *dg;
    struct stats stats;
    int live;
    /* Rate limit for messages about bad datagrams from the network. */
    time_t warn_second;
    unsigned int warn_count;
    uint64_t warn_suppressed;
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
"usage: sflowcollect [-p port] [-b addr] [-4|-6] [-r file] [output] [--stats]\n"
"\n"
"Receives sFlow v5 datagrams and prints them.\n"
"\n"
"input:\n"
"  -p PORT         UDP port to listen on (default 6343)\n"
"  -b ADDR         local address to listen on (default: all, IPv4 and IPv6)\n"
"  -4, -6          listen on IPv4 only / IPv6 only\n"
"  -r FILE         read datagrams from a pcap or pcapng file ('-' = stdin)\n"
"      --rcvbuf N  UDP receive buffer in bytes (default 8388608)\n"
"output (one of; default: sflowtool-style text):\n"
"  -l              one CSV line per sample (FLOW,... / CNTR,...)\n"
"  -L F1,F2,...    one CSV line per sample with the named fields\n"
"  -g              grep-friendly text: each line carries its context\n"
"  -j              JSON, one datagram per line\n"
"  -J              JSON, indented\n"
"  -q              no output (decode and count only; see --stats)\n"
"other:\n"
"      --stats     print counters to stderr at exit and on SIGUSR1\n"
"  -z              print the version and exit\n"
"  -h              this help\n"
"\n"
"examples:\n"
"  sflowcollect -p 6343\n"
"  sflowcollect -r capture.pcap -l\n"
"  sflowcollect -j | jq .\n");
}

static void
report_bad(struct collector *c, const struct dgram_meta *meta,
    const struct sflow_datagram *dg)
{
    char detail[96] = "";
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
    if (dg->err.code == SFLOW_E_VERSION)
        snprintf(detail, sizeof(detail), " (version %u)", dg->version);
    else if (dg->err.expected || dg->err.found)
        snprintf(detail, sizeof(detail), " (declared %u, found %u)",
            dg->err.expected, dg->err.found);
    if (dg->err.tag)
        log_warnx("%s (%s): %s%s at byte %zu, in %u:%u", meta->origin, meta->src,
            sflow_strerror(dg->err.code), detail, dg->err.offset,
            SFLOW_ENTERPRISE(dg->err.tag), SFLOW_FORMAT(dg->err.tag));
    else
        log_warnx("%s (%s): %s%s at byte %zu", meta->origin, meta->src,
            sflow_strerror(dg->err.code), detail, dg->err.offset);
}

static int
on_datagram(void *ctx, const uint8_t *p, size_t len, const struct dgram_meta *meta)
{
    struct collector *c = ctx;
    struct sflow_datagram *dg = c->dg;

    sflow_decode(p, len, dg);
    stats_datagram(&c->stats, dg);
    if (dg->err.code != SFLOW_OK)
        report_bad(c, meta, dg);
    switch (c->output) {
    case OUT_TEXT:
        text_datagram(stdout, meta, dg);
        break;
    case OUT_LINE:
        line_datagram(stdout, meta, dg);
        break;
    case OUT_FIELDS:
        text_fields_datagram(stdout, c->fields, meta, dg);
        break;
    case OUT_GREP:
        text_grep_datagram(stdout, meta, dg);
        break;
    case OUT_JSON:
    case OUT_JSON_PRETTY:
        json_datagram(stdout, meta, dg, c->output == OUT_JSON_PRETTY);
        break;
    case OUT_NONE:
        break;
    }
    if (got_usr1) {
        got_usr1 = 0;
        stats_print(&c->stats, stderr);
    }
    return got_stop;
}

static void
on_tick(void *ctx)
{
    struct collector *c = ctx;

    fflush(stdout);
    if (got_usr1) {
        got_usr1 = 0;
        stats_print(&c->stats, stderr);
    }
}

static long
parse_number(const char *s, long min, long max, const char *what)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(s, &end, 10);
    if (errno || *s == '\0' || *end != '\0' || v < min || v > max) {
        log_warnx("%s must be a number from %ld to %ld, not '%s'", what, min, max, s);
        exit(2);
    }
    return v;
}

static void
set_output(struct collector *c, enum output o)
{
    if (c->output != OUT_TEXT && c->output != o) {
        log_warnx("choose one output format of -l, -L, -g, -j, -J, -q");
        exit(2);
    }
    c->output = o;
}

int
main(int argc, char **argv)
{
    enum { OPT_STATS = 256, OPT_RCVBUF };
    static const struct option longopts[] = {
        { "stats", no_argument, NULL, OPT_STATS },
        { "rcvbuf", required_argument, NULL, OPT_RCVBUF },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'z' },
        { NULL, 0, NULL, 0 },
    };
    struct collector c;
    struct recv_pcap_stats pst;
    struct recv_udp udp;
    struct sigaction sa;
    const char *file = NULL, *bind_addr = NULL;
    char err[256] = "";
    int ch, family = AF_UNSPEC, want_stats = 0, rc = 0;
    long port = SFLOW_PORT, rcvbuf = 8 << 20;

    log_init(argv[0], 0, 0);
    memset(&c, 0, sizeof(c));
    c.output = OUT_TEXT;
    while ((ch = getopt_long(argc, argv, "p:b:46r:lL:gjJqzh", longopts, NULL)) != -1) {
        switch (ch) {
        case 'p':
            port = parse_number(optarg, 1, 65535, "-p port");
            break;
        case 'b':
            bind_addr = optarg;
            break;
        case '4':
            family = AF_INET;
            break;
        case '6':
            family = AF_INET6;
            break;
        case 'r':
            file = optarg;
            break;
        case 'l':
            set_output(&c, OUT_LINE);
            break;
        case 'L':
            set_output(&c, OUT_FIELDS);
            c.fields = text_fields_parse(optarg);
            if (c.fields == NULL) {
                log_warnx("-L: bad field list '%s'", optarg);
                return 2;
            }
            break;
        case 'g':
            set_output(&c, OUT_GREP);
            break;
        case 'j':
            set_output(&c, OUT_JSON);
            break;
        case 'J':
            set_output(&c, OUT_JSON_PRETTY);
            break;
        case 'q':
            set_output(&c, OUT_NONE);
            break;
        case OPT_STATS:
            want_stats = 1;
            break;
        case OPT_RCVBUF:
            rcvbuf = parse_number(optarg, 0, INT_MAX, "--rcvbuf");
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
    if (optind != argc) {
        log_warnx("unexpected argument '%s'", argv[optind]);
        usage(stderr);
        return 2;
    }

    c.dg = malloc(sizeof(*c.dg));
    if (c.dg == NULL)
        fatal("malloc");
    stats_init(&c.stats);
    static char outbuf[1 << 16];
    setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGUSR1, &sa, NULL);

    if (file != NULL) {
        memset(&pst, 0, sizeof(pst));
        if (recv_pcap_file(file, on_datagram, &c, &pst, err, sizeof(err)) != 0) {
            log_warnx("%s", err);
            rc = 1;
        }
        c.stats.frames = pst.frames;
        c.stats.not_udp = pst.not_udp;
        c.stats.not_sflow = pst.not_sflow;
    } else {
        sigaction(SIGINT, &sa, NULL);
        sigaction(SIGTERM, &sa, NULL);
        c.live = 1;
        if (recv_udp_open(&udp, bind_addr, (uint16_t)port, family, (int)rcvbuf,
            err, sizeof(err)) != 0) {
            log_warnx("%s", err);
            return 1;
        }
        if (recv_udp_loop(&udp, on_datagram, &c, &got_stop, on_tick, 1000) != 0) {
            log_warn("receive");
            rc = 1;
        }
        c.stats.socket_drops = udp.stats.socket_drops;
        recv_udp_close(&udp);
    }
    if (fflush(stdout) != 0 && errno != EPIPE) {
        log_warn("stdout");
        rc = 1;
    }
    if (want_stats)
        stats_print(&c.stats, stderr);
    text_fields_free(c.fields);
    stats_free(&c.stats);
    free(c.dg);
    return rc;
}
