/*
 * sflow-agent: samples the ports of Linux bridges (or named interfaces)
 * 1-in-N in the kernel, polls their counters over netlink, and sends sFlow
 * v5 to collectors.  This file is the front end's glue: options, config
 * reload, the poll loop, and the mapping of kernel packets and counters
 * onto the agent core (sampler, poller, datagram, sender).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "capture.h"
#include "caps.h"
#include "config.h"
#include "datagram.h"
#include "hostctr.h"
#include "log.h"
#include "mono.h"
#include "poller.h"
#include "ports.h"
#include "records.h"
#include "sampler.h"
#include "sender.h"
#include "sflow_types.h"
#include "version.h"

#define MAX_PORTS 256
#define DEFAULT_PIDFILE "/run/sflow-agent.pid"
/* A sample waits at most this long for company before its datagram is sent. */
#define FLUSH_AGE_MS 500
#define TICK_MS 200
#define RESCAN_MS 10000

enum { EXIT_USAGE = 2 };

struct port {
    struct port_info info;
    struct capture cap;
    struct sampler smp;
    struct poller_src poll;
    uint32_t pvid;
    size_t siblings;            /* Other ports of its bridge, for flooded packets. */
};

struct agent {
    struct config cli, file, cfg;
    const char *cfg_path;
    struct ports *nl;
    struct sender snd;
    struct dgram *dg;
    struct port *port[MAX_PORTS];
    size_t np;
    struct rng rng;
    struct poller_src host_poll;
    int failing[SENDER_MAX];    /* Last errno logged per collector. */
    uint64_t boot_ms, now, last_scan;
    struct port *cur;           /* Port being read, for the capture callback. */
    uint8_t hdr[1100];
};

static void
usage(FILE *f)
{
    fprintf(f,
        "usage: sflow-agent [-b BRIDGE]... [-i IFACE]... -c HOST[:PORT]... [options]\n"
        "\n"
        "Samples the ports of Linux bridges 1-in-N in the kernel, polls their\n"
        "counters, and sends sFlow v5 to collectors.\n"
        "\n"
        "  -b, --bridge BRIDGE      sample every port of BRIDGE, following ports added\n"
        "                           and removed (repeatable)\n"
        "  -i, --interface IFACE    sample IFACE (repeatable)\n"
        "  -c, --collector H[:P]    send to collector H, port P (default 6343; repeatable)\n"
        "  -s, --sampling N         sample 1 packet in N (default 256; 1 = every packet)\n"
        "  -p, --polling SECONDS    counter polling interval (default 20; 0 = none)\n"
        "  -H, --header-bytes N     bytes of each sampled packet to send (default 128)\n"
        "  -a, --agent ADDR|IFACE   agent address (default: first global address)\n"
        "      --datagram-bytes N   largest datagram (default 1400; 200-8192)\n"
        "      --host-counters      also send host counters (CPU, memory, disk, net) as 2:1\n"
        "      --wait-bridge        start even if a -b bridge or -i interface does not\n"
        "                           exist yet, and sample it once it appears\n"
        "  -f, --config FILE        read settings from FILE (the command line wins);\n"
        "                           SIGHUP re-reads it\n"
        "  -d, --foreground         stay in the foreground, log to stderr\n"
        "  -v, --verbose            log debug messages\n"
        "  -P, --pidfile FILE       pidfile (default " DEFAULT_PIDFILE " when daemonised)\n"
        "  -h, --help               this help\n"
        "      --version            print the version and exit\n"
        "\n"
        "exit status: 0 after SIGTERM/SIGINT, 1 on a run-time failure, 2 on a usage\n"
        "or configuration error.  See sflow-agent(8).\n"
        "\n"
        "example:\n"
        "  sflow-agent -b br0 -c 127.0.0.1:6343 -s 256 -p 20\n");
}

/* ---- agent address ---- */

static void
resolve_agent(struct agent *ag, struct sflow_addr *a)
{
    const char *s = ag->cfg.agent;
    int e;

    memset(a, 0, sizeof(*a));
    if (s != NULL && inet_pton(AF_INET, s, a->a) == 1) {
        a->type = SFLOW_ADDR_IP4;
        return;
    }
    if (s != NULL && inet_pton(AF_INET6, s, a->a) == 1) {
        a->type = SFLOW_ADDR_IP6;
        return;
    }
    e = ports_agent_address(ag->nl, s, a);
    if (e != 0) {
        log_warnx("agent address: %s%s%s; sending 0.0.0.0", s ? s : "", s ? ": " : "",
            e == ENODEV ? "no such interface" : "no address found");
        memset(a, 0, sizeof(*a));
        a->type = SFLOW_ADDR_IP4;
    }
}

/* ---- ports ---- */

static void
port_free(struct port *p)
{
    capture_close(&p->cap);
    free(p);
}

static struct port *
port_new(struct agent *ag, const struct port_info *pi)
{
    struct port *p = calloc(1, sizeof(*p));
    int e;

    if (p == NULL)
        return NULL;
    p->info = *pi;
    e = capture_open(&p->cap, pi->ifindex, ag->cfg.rate, ag->cfg.header_bytes);
    if (e != 0) {
        log_warnx("%s: cannot capture: %s", pi->name, strerror(e));
        free(p);
        return NULL;
    }
    sampler_init(&p->smp, ag->cfg.rate, 0);
    poller_start(&p->poll, ag->cfg.polling, ag->now, &ag->rng);
    return p;
}

/* Follows the bridges' membership: opens new ports, closes removed ones. */
static void
rescan(struct agent *ag)
{
    static struct port_info list[MAX_PORTS];
    struct port *keep[MAX_PORTS];
    size_t n, nk = 0, missing;
    int e;

    ag->last_scan = ag->now;
    if ((e = ports_refresh(ag->nl)) != 0) {
        log_warnx("reading links: %s", strerror(e));
        return;
    }
    n = ports_list(ag->nl, ag->cfg.bridges, ag->cfg.nb, ag->cfg.ifaces, ag->cfg.ni,
        list, MAX_PORTS, &missing);
    for (size_t i = 0; i < ag->np; i++) {
        struct port *p = ag->port[i];
        size_t j;

        for (j = 0; j < n && list[j].ifindex != p->info.ifindex; j++)
            ;
        if (j == n) {
            log_info("%s (ifIndex %d): no longer sampled", p->info.name, p->info.ifindex);
            port_free(p);
            continue;
        }
        p->info = list[j];
        list[j].ifindex = 0;
        keep[nk++] = p;
    }
    for (size_t j = 0; j < n; j++) {
        struct port *p;

        if (list[j].ifindex == 0 || nk == MAX_PORTS)
            continue;
        if ((p = port_new(ag, &list[j])) == NULL)
            continue;
        log_info("%s (ifIndex %d%s%s): sampling 1 in %u", p->info.name, p->info.ifindex,
            p->info.bridge ? ", bridge port" : "", p->info.up ? "" : ", down", ag->cfg.rate);
        keep[nk++] = p;
    }
    memcpy(ag->port, keep, nk * sizeof(keep[0]));
    ag->np = nk;
    for (size_t i = 0; i < nk; i++) {
        struct port *p = ag->port[i];

        p->pvid = p->info.bridge ? ports_pvid(ag->nl, p->info.ifindex) : 0;
        p->siblings = 0;
        for (size_t j = 0; j < nk; j++)
            if (j != i && p->info.bridge && ag->port[j]->info.bridge == p->info.bridge)
                p->siblings++;
    }
    if (missing)
        log_debug("%zu named bridge(s) or interface(s) not found", missing);
}

/* ---- samples ---- */

static void
on_packet(void *arg, const uint8_t *frame, uint32_t caplen, uint32_t len,
    bool has_vlan, uint16_t tci)
{
    struct agent *ag = arg;
    struct port *p = ag->cur;
    struct records_flow fl;
    struct sflow_sample smp;
    uint32_t hlen = caplen, max = ag->cfg.header_bytes;
    int out = 0, e;

    if (caplen < 14)
        return;
    memset(&fl, 0, sizeof(fl));
    if (has_vlan) {
        /* Put back the tag the driver took out, as it was on the wire. */
        memcpy(ag->hdr, frame, 12);
        ag->hdr[12] = 0x81;
        ag->hdr[13] = 0x00;
        ag->hdr[14] = (uint8_t)(tci >> 8);
        ag->hdr[15] = (uint8_t)tci;
        hlen = caplen - 12 < max - 16 ? caplen - 12 : max - 16;
        memcpy(ag->hdr + 16, frame + 12, hlen);
        hlen += 16;
        len += 4;
        fl.in_vlan = tci & 0xfff;
        fl.in_priority = tci >> 13;
    } else {
        if (hlen > max)
            hlen = max;
        memcpy(ag->hdr, frame, hlen);
        fl.in_vlan = p->pvid;
    }
    fl.header_protocol = PKT_PROTO_ETHERNET;
    fl.frame_length = len + 4;
    fl.stripped = 4;
    fl.header = ag->hdr;
    fl.header_len = hlen;
    fl.out_vlan = fl.in_vlan;
    fl.out_priority = fl.in_priority;

    memset(&smp, 0, sizeof(smp));
    smp.tag = SFLOW_TAG(0, SFLOW_FLOW_SAMPLE_EXPANDED);
    smp.seq = ++p->smp.seq;
    smp.ds_class = SFLOW_DS_IFINDEX;
    smp.ds_index = (uint32_t)p->info.ifindex;
    smp.sampling_rate = p->smp.rate;
    smp.sample_pool = (uint32_t)p->smp.pool;
    smp.drops = (uint32_t)p->smp.drops;
    smp.input_format = SFLOW_IF_INDEX;
    smp.input = (uint32_t)p->info.ifindex;
    smp.output_format = SFLOW_IF_INDEX;
    smp.output = 0;
    if (p->info.bridge) {
        switch (ports_fdb_lookup(ag->nl, p->info.bridge, frame, (uint16_t)fl.in_vlan,
            ag->now, &out)) {
        case PORT_DEST_PORT:
            smp.output = (uint32_t)out;
            break;
        case PORT_DEST_LOCAL:
            smp.output = SFLOW_IF_INTERNAL;
            break;
        case PORT_DEST_UNKNOWN:
            smp.output_format = SFLOW_IF_MULTIPLE;
            smp.output = (uint32_t)p->siblings;
            break;
        }
    }
    if ((e = dgram_add(ag->dg, &smp, records_flow, &fl, ag->now)) != 0)
        log_debug("%s: flow sample dropped: %s", p->info.name, strerror(e));
}

static void
read_port(struct agent *ag, struct port *p)
{
    uint64_t rx;

    if (!capture_ready(&p->cap))
        return;
    /*
     * The pool is the kernel's packet count, read just before the batch:
     * every packet in the batch was counted by then.
     */
    if (ports_rx_packets(ag->nl, p->info.ifindex, &rx) == 0)
        p->smp.pool = rx;
    p->smp.drops = capture_drops(&p->cap);
    ag->cur = p;
    capture_read(&p->cap, on_packet, ag);
    ag->cur = NULL;
}

static void
poll_counters(struct agent *ag)
{
    struct records_port rp;
    struct sflow_sample smp;
    static struct hostctr hc;
    int e;

    for (size_t i = 0; i < ag->np; i++) {
        struct port *p = ag->port[i];

        if (!poller_due(&p->poll, ag->now))
            continue;
        if ((e = ports_counters(ag->nl, p->info.ifindex, &rp)) != 0) {
            log_debug("%s: counters: %s", p->info.name, strerror(e));
            continue;
        }
        memset(&smp, 0, sizeof(smp));
        smp.tag = SFLOW_TAG(0, SFLOW_COUNTERS_SAMPLE_EXPANDED);
        smp.seq = p->poll.seq;
        smp.ds_class = SFLOW_DS_IFINDEX;
        smp.ds_index = (uint32_t)p->info.ifindex;
        if ((e = dgram_add(ag->dg, &smp, records_port_counters, &rp, ag->now)) != 0)
            log_warnx("%s: counter sample dropped: %s", p->info.name, strerror(e));
    }
    if (ag->cfg.host_counters && poller_due(&ag->host_poll, ag->now)) {
        hostctr_read(&hc);
        memset(&smp, 0, sizeof(smp));
        smp.tag = SFLOW_TAG(0, SFLOW_COUNTERS_SAMPLE_EXPANDED);
        smp.seq = ag->host_poll.seq;
        smp.ds_class = SFLOW_DS_PHYSICAL;
        smp.ds_index = 1;
        if ((e = dgram_add(ag->dg, &smp, hostctr_write, &hc, ag->now)) != 0)
            log_warnx("host counter sample dropped: %s", strerror(e));
    }
}

/* Logs a collector's failures once, and its recovery. */
static void
check_collectors(struct agent *ag)
{
    for (size_t i = 0; i < ag->snd.n; i++) {
        int e = ag->snd.dst[i].last_errno;

        if (e == ag->failing[i])
            continue;
        if (e != 0)
            log_warnx("collector %s: %s (datagrams are dropped until it recovers)",
                ag->snd.dst[i].name, strerror(e));
        else
            log_info("collector %s: sending again", ag->snd.dst[i].name);
        ag->failing[i] = e;
    }
}

/* ---- configuration ---- */

/* Builds the effective config; 0, or EINVAL after logging why. */
static int
load_config(struct agent *ag, struct config *out)
{
    char err[512];
    int e;

    config_free(&ag->file);
    config_init(&ag->file);
    if (ag->cfg_path != NULL &&
        (e = config_load(&ag->file, ag->cfg_path, err, sizeof(err))) != 0) {
        log_warnx("%s", err);
        return EINVAL;
    }
    config_merge(out, &ag->file, &ag->cli);
    if (config_check(out, err, sizeof(err)) != 0) {
        log_warnx("%s", err);
        config_free(out);
        return EINVAL;
    }
    return 0;
}

static int
open_sender(const struct config *c, struct sender *s)
{
    int e;

    sender_init(s);
    for (size_t i = 0; i < c->nc; i++)
        if ((e = sender_add(s, c->collectors[i])) != 0) {
            log_warnx("collector %s: %s", c->collectors[i],
                e == ENOENT ? "host not found" : e == EINVAL ?
                "bad address (HOST, HOST:PORT or [IPV6]:PORT)" : strerror(e));
            sender_close(s);
            return e;
        }
    return 0;
}

static int
open_dgram(struct agent *ag)
{
    struct sflow_addr a;

    resolve_agent(ag, &a);
    return dgram_init(ag->dg, &a, 0, ag->cfg.datagram_bytes, ag->boot_ms,
        sender_output, &ag->snd);
}

static void
reload(struct agent *ag)
{
    struct config nc;
    struct sender ns;

    log_info("SIGHUP: reloading %s", ag->cfg_path ? ag->cfg_path : "(command line only)");
    if (load_config(ag, &nc) != 0) {
        log_warnx("reload failed; keeping the running configuration");
        return;
    }
    if (open_sender(&nc, &ns) != 0) {
        config_free(&nc);
        log_warnx("reload failed; keeping the running configuration");
        return;
    }
    dgram_flush(ag->dg, ag->now);
    sender_keep_seq(&ns, &ag->snd);
    sender_close(&ag->snd);
    ag->snd = ns;
    memset(ag->failing, 0, sizeof(ag->failing));
    config_free(&ag->cfg);
    ag->cfg = nc;
    {
        uint64_t dgs = ag->dg->datagrams, smps = ag->dg->samples, big = ag->dg->too_big;

        if (open_dgram(ag) != 0)
            fatalx("datagram setup failed");
        ag->dg->datagrams = dgs;
        ag->dg->samples = smps;
        ag->dg->too_big = big;
    }
    for (size_t i = 0; i < ag->np; i++) {
        struct port *p = ag->port[i];

        /* The header bytes are in the filter too: replace it whatever changed. */
        int e = capture_set_rate(&p->cap, ag->cfg.rate, ag->cfg.header_bytes);

        if (e != 0)
            log_warnx("%s: new filter: %s", p->info.name, strerror(e));
        else if (p->smp.rate != ag->cfg.rate)
            sampler_set_rate(&p->smp, ag->cfg.rate);
        poller_set_interval(&p->poll, ag->cfg.polling, ag->now, &ag->rng);
    }
    poller_set_interval(&ag->host_poll, ag->cfg.host_counters ? ag->cfg.polling : 0,
        ag->now, &ag->rng);
    rescan(ag);
}

/*
 * A -b bridge or -i interface that is not there is most likely a typo: the
 * agent would run and sample nothing.  Unless told to wait for it
 * ('wait'), that is a start-up error.  Returns 0 or an errno.
 */
static int
check_link(struct agent *ag, const char *name, bool bridge, bool wait)
{
    const char *kind = bridge ? "bridge" : "interface", *why;
    int e = ports_bridge_check(ag->nl, name);

    if (e == 0 || (!bridge && e == EMEDIUMTYPE))
        return 0;
    why = e == ENODEV ? "no such interface" : "not a bridge";
    if (wait) {
        log_info("%s %s: %s yet; waiting for it", kind, name, why);
        return 0;
    }
    log_warnx("%s %s: %s (--wait-bridge to start anyway and wait for it)", kind, name, why);
    return e;
}

static int
check_links(struct agent *ag, bool wait)
{
    int e;

    if ((e = ports_refresh(ag->nl)) != 0) {
        log_warnx("reading links: %s", strerror(e));
        return e;
    }
    for (size_t i = 0; i < ag->cfg.nb; i++)
        if ((e = check_link(ag, ag->cfg.bridges[i], true, wait)) != 0)
            return e;
    for (size_t i = 0; i < ag->cfg.ni; i++)
        if ((e = check_link(ag, ag->cfg.ifaces[i], false, wait)) != 0)
            return e;
    return 0;
}

static void
write_pidfile(const char *path)
{
    FILE *f = fopen(path, "we");

    if (f == NULL)
        fatal("pidfile %s", path);
    fprintf(f, "%ld\n", (long)getpid());
    fclose(f);
}

/* ---- main ---- */

static const struct option longopts[] = {
    { "bridge", required_argument, NULL, 'b' },
    { "interface", required_argument, NULL, 'i' },
    { "collector", required_argument, NULL, 'c' },
    { "sampling", required_argument, NULL, 's' },
    { "polling", required_argument, NULL, 'p' },
    { "header-bytes", required_argument, NULL, 'H' },
    { "agent", required_argument, NULL, 'a' },
    { "datagram-bytes", required_argument, NULL, 'D' },
    { "host-counters", no_argument, NULL, 'C' },
    { "wait-bridge", no_argument, NULL, 'W' },
    { "config", required_argument, NULL, 'f' },
    { "foreground", no_argument, NULL, 'd' },
    { "verbose", no_argument, NULL, 'v' },
    { "pidfile", required_argument, NULL, 'P' },
    { "help", no_argument, NULL, 'h' },
    { "version", no_argument, NULL, 'V' },
    { NULL, 0, NULL, 0 },
};

static const char *
optname(int c)
{
    for (const struct option *o = longopts; o->name; o++)
        if (o->val == c)
            return o->name;
    return "?";
}

int
main(int argc, char **argv)
{
    static struct agent agent;
    struct agent *ag = &agent;
    struct pollfd pfd[MAX_PORTS + 2];
    struct port *pfd_port[MAX_PORTS + 2];
    bool foreground = false, verbose = false, running = true, wait_bridge = false;
    char err[512];
    sigset_t mask;
    int c, e, sigfd;

    config_init(&ag->cli);
    config_init(&ag->file);
    while ((c = getopt_long(argc, argv, "b:i:c:s:p:H:a:f:dvP:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'f':
            ag->cfg_path = optarg;
            break;
        case 'd':
            foreground = true;
            break;
        case 'v':
            verbose = true;
            break;
        case 'h':
            usage(stdout);
            return 0;
        case 'V':
            printf("sflow-agent (sflowkit) %s\n", SFLOWKIT_VERSION);
            return 0;
        case 'C':
            (void)config_set(&ag->cli, "host-counters", "yes", err, sizeof(err));
            break;
        case 'W':
            wait_bridge = true;
            break;
        case 'P':
        case 'b': case 'i': case 'c': case 's': case 'p': case 'H': case 'a': case 'D':
            if (config_set(&ag->cli, optname(c), optarg, err, sizeof(err)) != 0) {
                fprintf(stderr, "sflow-agent: %s\n", err);
                return EXIT_USAGE;
            }
            break;
        default:
            usage(stderr);
            return EXIT_USAGE;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "sflow-agent: unexpected argument '%s'\n", argv[optind]);
        usage(stderr);
        return EXIT_USAGE;
    }
    log_init("sflow-agent", verbose, 0);
    if (load_config(ag, &ag->cfg) != 0)
        return EXIT_USAGE;
    if (open_sender(&ag->cfg, &ag->snd) != 0)
        return EXIT_USAGE;

    ag->boot_ms = ag->now = mono_ms();
    rng_seed_random(&ag->rng);
    if ((e = ports_open(&ag->nl)) != 0) {
        log_warnx("netlink: %s", strerror(e));
        return EXIT_FAILURE;
    }
    if ((ag->dg = malloc(sizeof(*ag->dg))) == NULL || open_dgram(ag) != 0) {
        log_warnx("datagram setup failed");
        return EXIT_FAILURE;
    }
    if (check_links(ag, wait_bridge) != 0)
        return EXIT_FAILURE;

    sigemptyset(&mask);
    sigaddset(&mask, SIGHUP);
    sigaddset(&mask, SIGTERM);
    sigaddset(&mask, SIGINT);
    sigprocmask(SIG_BLOCK, &mask, NULL);
    signal(SIGPIPE, SIG_IGN);
    if ((sigfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK)) < 0)
        fatal("signalfd");

    if (!foreground) {
        if (daemon(0, 0) < 0)
            fatal("daemon");
        log_init("sflow-agent", verbose, 1);
    }
    if (ag->cfg.pidfile != NULL || !foreground)
        write_pidfile(ag->cfg.pidfile ? ag->cfg.pidfile : DEFAULT_PIDFILE);

    rescan(ag);
    if ((e = caps_keep_net()) != 0)
        fatalx("dropping capabilities: %s", strerror(e));
    poller_start(&ag->host_poll, ag->cfg.host_counters ? ag->cfg.polling : 0, ag->now, &ag->rng);
    log_info("started: %zu port(s), %zu collector(s), sampling 1 in %u, polling %us",
        ag->np, ag->snd.n, ag->cfg.rate, ag->cfg.polling);

    while (running) {
        nfds_t n = 0;
        bool scan = false;

        pfd[n].fd = sigfd;
        pfd[n].events = POLLIN;
        pfd_port[n++] = NULL;
        pfd[n].fd = ports_event_fd(ag->nl);
        pfd[n].events = POLLIN;
        pfd_port[n++] = NULL;
        for (size_t i = 0; i < ag->np; i++) {
            pfd[n].fd = ag->port[i]->cap.fd;
            pfd[n].events = POLLIN;
            pfd_port[n++] = ag->port[i];
        }
        if (poll(pfd, n, TICK_MS) < 0 && errno != EINTR)
            fatal("poll");
        ag->now = mono_ms();

        if (pfd[0].revents & POLLIN) {
            struct signalfd_siginfo si;

            while (read(sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
                if (si.ssi_signo == SIGHUP)
                    reload(ag);
                else
                    running = false;
            }
        }
        if ((pfd[1].revents & POLLIN) && ports_events(ag->nl))
            scan = true;
        for (nfds_t i = 2; i < n; i++) {
            struct port *p = pfd_port[i];
            bool live = false;

            for (size_t j = 0; j < ag->np; j++)
                live |= ag->port[j] == p;
            if (!live)
                continue;       /* Closed by a reload meanwhile. */
            if (pfd[i].revents & (POLLERR | POLLHUP | POLLNVAL))
                scan = true;
            read_port(ag, p);
        }
        if (scan || ag->now - ag->last_scan >= RESCAN_MS)
            rescan(ag);
        poll_counters(ag);
        if (dgram_stale(ag->dg, ag->now, FLUSH_AGE_MS))
            dgram_flush(ag->dg, ag->now);
        check_collectors(ag);
    }

    for (size_t i = 0; i < ag->np; i++)
        read_port(ag, ag->port[i]);
    dgram_flush(ag->dg, mono_ms());
    log_info("exiting: %llu datagrams, %llu samples sent",
        (unsigned long long)ag->dg->datagrams, (unsigned long long)ag->dg->samples);
    for (size_t i = 0; i < ag->np; i++)
        port_free(ag->port[i]);
    sender_close(&ag->snd);
    ports_close(ag->nl);
    free(ag->dg);
    if (ag->cfg.pidfile != NULL || !foreground)
        unlink(ag->cfg.pidfile ? ag->cfg.pidfile : DEFAULT_PIDFILE);
    config_free(&ag->cfg);
    config_free(&ag->cli);
    config_free(&ag->file);
    close(sigfd);
    return 0;
}
