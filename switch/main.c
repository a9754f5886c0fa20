/*
 * sflow-switch: a userspace switch with MAC learning, VLANs, an
 * OpenFlow-style flow table and sFlow in its forwarding loop.
 *
 * One thread: epoll on every port's socket and the control connections;
 * each ready port is drained batch by batch through the datapath; timers
 * (rule timeouts, MAC aging, counter polling, datagram flushing, reopening
 * missing interfaces) run at most every TICK_MS.
 *
 * A configuration change is written to the state file before it is
 * acknowledged (ctl_sock.c; a batch of commands costs one write per read,
 * not one per command); changes of the switch's own (rule timeouts) are
 * written at most every STATE_SAVE_MS, and at exit.  The file is replaced
 * atomically, so a crash loses no acknowledged change.
 *
 * After start-up the switch keeps only the capabilities it needs to open
 * ports later (agent/caps.h).
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bridge.h"
#include "caps.h"
#include "ctl.h"
#include "ctl_sock.h"
#include "datapath.h"
#include "log.h"
#include "mono.h"
#include "netflow_dp.h"
#include "owndir.h"
#include "paths.h"
#include "port.h"
#include "sflow_dp.h"
#include "state.h"
#include "version.h"

#define TICK_MS 100
#define STATE_SAVE_MS 500
#define SLOW_EVERY 10                   /* Ticks between drop counters and binding checks. */
#define MAX_EVENTS 64

static volatile sig_atomic_t stop;

static void
on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

static void
usage(FILE *f)
{
    fprintf(f,
        "usage: sflow-switch [-d] [-v] [--socket PATH] [--state FILE] [--pidfile FILE] [--ring-kb KB]\n"
        "  -d, --foreground  stay in the foreground, log to stderr\n"
        "  -v, --verbose     log debug messages\n"
        "  --socket PATH     control socket (default " PATHS_SWITCH_SOCKET ")\n"
        "  --state FILE      configuration kept across restarts (default " PATHS_SWITCH_STATE ")\n"
        "  --pidfile FILE    written when daemonised (default " PATHS_SWITCH_PIDFILE ")\n"
        "  --ring-kb KB      most a port's socket queue holds, in KiB (default 32768)\n"
        "  --version         print the version and exit\n"
        "Configure it with sfctl(8).\n");
}

/* --ring-kb: 1 KiB to RING_RCVBUF_MAX, for the ports opened from now on; false if 'arg' is not that. */
static bool
ring_option(const char *arg)
{
    char *end;
    unsigned long kb;

    errno = 0;
    kb = strtoul(arg, &end, 10);
    if (errno != 0 || end == arg || *end != '\0' || arg[0] == '-' || kb == 0 ||
        kb > RING_RCVBUF_MAX / 1024)
        return false;
    ring_set_rcvbuf((size_t)kb * 1024);
    return true;
}

/*
 * Opens the directory of 'pidfile' (checked like the state's, owndir.h);
 * '*name' gets its last component.  Exits with a message when it fails.
 */
static int
open_piddir(const char *pidfile, const char **name)
{
    char dir[4096], msg[512];
    int fd;

    if ((*name = owndir_split(pidfile, dir, sizeof(dir))) == NULL)
        fatalx("%s: not a file name", pidfile);
    if ((fd = owndir_open(dir, msg, sizeof(msg))) < 0)
        fatalx("pidfile: %s", msg);
    return fd;
}

static void
daemonize(int piddir, const char *name, const char *pidfile)
{
    char buf[32];
    int e;

    /* Stay in the directory: --socket and --state may be relative to it. */
    if (daemon(1, 0) < 0)
        fatal("daemon");
    snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
    if ((e = owndir_replace(piddir, name, buf, strlen(buf), 0644)) != 0)
        log_warnx("%s: %s", pidfile, strerror(e));
}

/* Replays the state file, saying loudly what failed in it. */
static void
load_state(struct sw *sw)
{
    char *rep = NULL;
    size_t len = 0;
    unsigned n_bad = 0;
    FILE *f = open_memstream(&rep, &len);
    int e;

    if (f == NULL)
        fatal("memory");
    e = state_load(sw, f, &n_bad);
    fclose(f);
    for (char *line = rep, *nl; line && *line; line = nl + 1) {
        if ((nl = strchr(line, '\n')) == NULL)
            nl = line + strlen(line) - 1;
        else
            *nl = '\0';
        log_warnx("%s%s", n_bad ? "STATE NOT RESTORED: " : "", line);
    }
    free(rep);
    if (e != 0)
        fatalx("cannot use the state file %s", state_path());
}

/* 'slow': also the checks made every second rather than every tick. */
static void
timers(struct sw *sw, bool slow)
{
    ctl_sock_tick(sw, sw->now_ms);
    for (size_t i = 0; i < sw->n_br; i++) {
        struct bridge *br = sw->br[i];

        if (flow_table_expire(&br->flows, sw->now_ms) > 0)
            sw->config_gen++;
        /* Lookups already pass over stale entries: clearing them is bookkeeping, aged in seconds. */
        if (slow)
            mac_table_expire(&br->mac, sw->now_ms);
        for (size_t j = 0; j < br->n_ports; j++) {
            struct port *p = br->ports[j];

            port_retry(p, sw->now_ms);
            if (p->local)
                port_local_poll(p);
            if (!slow)
                continue;
            port_read_drops(p);
            /*
             * Removing an interface takes it down first: the error that
             * wakes us may come while its name still resolves, and the
             * kernel reports nothing more when it is then unregistered.
             */
            if (!port_bound(p)) {
                log_warnx("%s: interface lost", p->name);
                p->retry_ms = sw->now_ms + 1000;
            }
        }
        sfdp_tick(sw, br);
        nfdp_tick(sw, br);
    }
}

int
main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "foreground", no_argument, NULL, 'd' },
        { "verbose", no_argument, NULL, 'v' },
        { "socket", required_argument, NULL, 'S' },
        { "state", required_argument, NULL, 's' },
        { "pidfile", required_argument, NULL, 'p' },
        { "ring-kb", required_argument, NULL, 'r' },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 },
    };
    static struct sw_ev listen_ev = { SW_EV_LISTEN };
    const char *sock = PATHS_SWITCH_SOCKET, *statef = PATHS_SWITCH_STATE, *pidfile = PATHS_SWITCH_PIDFILE;
    int fg = 0, verbose = 0, c, lfd, e, save_err = 0, piddir = -1;
    const char *pidname = NULL;
    char msg[512];
    static struct sw sw;
    struct epoll_event evs[MAX_EVENTS], lev;
    uint64_t next_tick, saved_ms;
    unsigned ticks = 0;
    struct sigaction sa;

    while ((c = getopt_long(argc, argv, "dvh", opts, NULL)) != -1) {
        switch (c) {
        case 'd': fg = 1; break;
        case 'v': verbose = 1; break;
        case 'S': sock = optarg; break;
        case 's': statef = optarg; break;
        case 'p': pidfile = optarg; break;
        case 'r':
            if (!ring_option(optarg)) {
                fprintf(stderr, "sflow-switch: --ring-kb %s: not a size from 1 to %u KiB\n", optarg,
                    RING_RCVBUF_MAX / 1024);
                return 1;
            }
            break;
        case 'h': usage(stdout); return 0;
        case 'V': printf("sflow-switch (sflowkit) %s\n", SFLOWKIT_VERSION); return 0;
        default: usage(stderr); return 1;
        }
    }
    if (optind != argc) {
        usage(stderr);
        return 1;
    }
    log_init(argv[0], verbose, !fg);
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    if ((e = state_open(statef, msg, sizeof(msg))) != 0)
        fatalx("state: %s", msg);
    if ((lfd = ctl_sock_listen(sock, msg, sizeof(msg))) < 0)
        fatalx("control socket: %s", msg);
    if (!fg) {
        piddir = open_piddir(pidfile, &pidname);
        daemonize(piddir, pidname, pidfile);
    }
    if ((e = sw_init(&sw, mono_ms())) != 0)
        fatalx("cannot set up: %s", strerror(e));
    lev.events = EPOLLIN;
    lev.data.ptr = &listen_ev;
    if (epoll_ctl(sw.epfd, EPOLL_CTL_ADD, lfd, &lev) < 0)
        fatal("epoll");
    load_state(&sw);
    if ((e = caps_keep_net()) != 0)
        fatalx("dropping capabilities: %s", strerror(e));
    saved_ms = sw.now_ms;
    log_info("started: %zu bridges, control socket %s", sw.n_br, sock);
    next_tick = sw.now_ms;

    while (!stop) {
        int n, timeout;
        uint64_t freed;

        sw.now_ms = mono_ms();
        timeout = next_tick > sw.now_ms ? (int)(next_tick - sw.now_ms) : 0;
        n = epoll_wait(sw.epfd, evs, MAX_EVENTS, timeout);
        if (n < 0 && errno != EINTR)
            fatal("epoll_wait");
        sw.now_ms = mono_ms();
        /*
         * Control first, so that a flood cannot starve sfctl.  A command
         * that removed ports may have freed one that has an event in
         * 'evs': then leave the ports to the next epoll_wait(), which
         * reports those still ready.
         */
        freed = sw.ports_freed;
        for (int i = 0; i < n; i++) {
            struct sw_ev *ev = evs[i].data.ptr;

            if (ev->kind == SW_EV_PORT)
                continue;
            if (ev->kind == SW_EV_LISTEN)
                ctl_sock_accept(&sw, lfd);
            else
                ctl_sock_event(&sw, ev, evs[i].events);     /* May free 'ev'. */
            evs[i].data.ptr = NULL;
        }
        for (int i = 0; i < n && sw.ports_freed == freed; i++) {
            struct sw_ev *ev = evs[i].data.ptr;
            struct port *p;

            if (ev == NULL)
                continue;
            p = (struct port *)(void *)ev;
            if (evs[i].events & (EPOLLERR | EPOLLHUP)) {
                /* The interface went away; port_retry() opens it when it is back. */
                if (!port_check(p)) {
                    log_warnx("%s: interface lost", p->name);
                    p->retry_ms = sw.now_ms + 1000;
                    continue;
                }
            }
            if (evs[i].events & EPOLLIN)
                dp_input(&sw, p);
        }
        if (sw.now_ms >= next_tick) {
            timers(&sw, ++ticks % SLOW_EVERY == 0);
            next_tick = sw.now_ms + TICK_MS;
        }
        if (sw.now_ms - saved_ms >= STATE_SAVE_MS) {
            e = state_commit(&sw);
            if (e != 0 && e != save_err)
                log_warnx("%s: cannot save the configuration: %s (rule timeouts)", statef, strerror(e));
            else if (e == 0 && save_err != 0)
                log_info("%s: saved again", statef);
            save_err = e;
            saved_ms = sw.now_ms;
        }
    }
    log_info("stopping");
    if ((e = state_commit(&sw)) != 0)
        log_warnx("%s: cannot save the configuration: %s", statef, strerror(e));
    ctl_sock_close_all();
    sw_destroy(&sw);
    close(lfd);
    unlink(sock);
    if (piddir >= 0)
        unlinkat(piddir, pidname, 0);
    return 0;
}
