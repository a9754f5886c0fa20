/*
 * sflow-switch: a userspace switch with MAC learning, VLANs, an
 * OpenFlow-style flow table and sFlow in its forwarding loop.
 *
 * One thread: poll() on every port's ring and the control socket; each
 * ready ring is drained block by block through the datapath; timers
 * (rule timeouts, MAC aging, counter polling, datagram flushing, reopening
 * missing interfaces) run at most every TICK_MS.  A configuration change
 * rewrites the state file before the next poll.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bridge.h"
#include "ctl.h"
#include "datapath.h"
#include "log.h"
#include "port.h"
#include "sflow_dp.h"
#include "state.h"

#define DEFAULT_SOCKET "/run/sflowkit/switch.sock"
#define DEFAULT_STATE "/var/lib/sflowkit/switch.state"
#define DEFAULT_PIDFILE "/run/sflowkit/switch.pid"
#define TICK_MS 100

static volatile sig_atomic_t stop;

static void
on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

static uint64_t
now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void
usage(FILE *f)
{
    fprintf(f,
        "usage: sflow-switch [-d] [-v] [--socket PATH] [--state FILE] [--pidfile FILE]\n"
        "  -d, --foreground  stay in the foreground, log to stderr\n"
        "  -v, --verbose     log debug messages\n"
        "  --socket PATH     control socket (default " DEFAULT_SOCKET ")\n"
        "  --state FILE      configuration kept across restarts (default " DEFAULT_STATE ")\n"
        "  --pidfile FILE    written when daemonised (default " DEFAULT_PIDFILE ")\n"
        "Configure it with sfctl(8).\n");
}

static void
daemonize(const char *pidfile)
{
    pid_t pid = fork();
    int fd;
    FILE *f;

    if (pid < 0)
        fatal("fork");
    if (pid > 0)
        _exit(0);
    setsid();
    if ((fd = open("/dev/null", O_RDWR)) >= 0) {
        dup2(fd, 0);
        dup2(fd, 1);
        dup2(fd, 2);
        if (fd > 2)
            close(fd);
    }
    if ((f = fopen(pidfile, "w")) != NULL) {
        fprintf(f, "%ld\n", (long)getpid());
        fclose(f);
    } else {
        log_warn("%s", pidfile);
    }
}

/* Makes the directory that will hold 'path' (one level), as /run/sflowkit may not exist. */
static void
make_parent(const char *path)
{
    char buf[4096];
    char *s;

    snprintf(buf, sizeof(buf), "%s", path);
    if ((s = strrchr(buf, '/')) != NULL && s != buf) {
        *s = '\0';
        (void)mkdir(buf, 0755);
    }
}

static void
timers(struct sw *sw)
{
    for (size_t i = 0; i < sw->n_br; i++) {
        struct bridge *br = sw->br[i];

        if (flow_table_expire(&br->flows, sw->now_ms) > 0)
            sw->config_gen++;
        mac_table_expire(&br->mac, sw->now_ms);
        for (size_t j = 0; j < br->n_ports; j++) {
            struct port *p = br->ports[j];

            port_retry(p, sw->now_ms);
            p->ring_drops += ring_drops(&p->ring);
        }
        sfdp_tick(sw, br);
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
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *sock = DEFAULT_SOCKET, *statef = DEFAULT_STATE, *pidfile = DEFAULT_PIDFILE;
    int fg = 0, verbose = 0, c, lfd, e;
    static struct sw sw;
    struct pollfd *pfd = NULL;
    struct port **pport = NULL;
    size_t pcap = 0;
    uint32_t saved_gen;
    uint64_t next_tick;
    struct sigaction sa;

    while ((c = getopt_long(argc, argv, "dvh", opts, NULL)) != -1) {
        switch (c) {
        case 'd': fg = 1; break;
        case 'v': verbose = 1; break;
        case 'S': sock = optarg; break;
        case 's': statef = optarg; break;
        case 'p': pidfile = optarg; break;
        case 'h': usage(stdout); return 0;
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

    if ((lfd = ctl_listen(sock)) < 0)
        fatal("control socket %s", sock);
    make_parent(statef);
    if (!fg) {
        make_parent(pidfile);
        daemonize(pidfile);
    }
    sw_init(&sw, now_ms());
    if ((e = state_load(&sw, statef)) != 0)
        log_warnx("%s: %s (starting empty)", statef, strerror(e));
    saved_gen = sw.config_gen;
    log_info("started: %zu bridges, control socket %s", sw.n_br, sock);
    next_tick = sw.now_ms;

    while (!stop) {
        size_t n = 1, nports = 0;
        int timeout;

        for (size_t i = 0; i < sw.n_br; i++)
            nports += sw.br[i]->n_ports;
        if (nports + 1 > pcap) {
            pcap = nports + 16;
            pfd = realloc(pfd, pcap * sizeof(*pfd));
            pport = realloc(pport, pcap * sizeof(*pport));
            if (pfd == NULL || pport == NULL)
                fatal("realloc");
        }
        pfd[0].fd = lfd;
        pfd[0].events = POLLIN;
        for (size_t i = 0; i < sw.n_br; i++) {
            for (size_t j = 0; j < sw.br[i]->n_ports; j++) {
                struct port *p = sw.br[i]->ports[j];

                if (p->ring.fd < 0)
                    continue;
                pfd[n].fd = p->ring.fd;
                pfd[n].events = POLLIN;
                pport[n++] = p;
            }
        }
        sw.now_ms = now_ms();
        timeout = next_tick > sw.now_ms ? (int)(next_tick - sw.now_ms) : 0;
        if (poll(pfd, n, timeout) < 0 && errno != EINTR)
            fatal("poll");
        sw.now_ms = now_ms();
        for (size_t i = 1; i < n; i++) {
            if (pfd[i].revents & (POLLERR | POLLHUP | POLLNVAL)) {
                /* The interface went away; port_retry() opens it when it is back. */
                struct port *p = pport[i];

                if (!port_check(p)) {
                    log_warnx("%s: interface lost", p->name);
                    p->retry_ms = sw.now_ms + 1000;
                    continue;
                }
            }
            if (pfd[i].revents & POLLIN)
                dp_input(&sw, pport[i]);
        }
        if (pfd[0].revents & POLLIN)
            ctl_serve(&sw, lfd);
        if (sw.now_ms >= next_tick) {
            timers(&sw);
            next_tick = sw.now_ms + TICK_MS;
        }
        if (sw.config_gen != saved_gen) {
            if ((e = state_save(&sw, statef)) != 0)
                log_warnx("%s: cannot save state: %s", statef, strerror(e));
            saved_gen = sw.config_gen;
        }
    }
    log_info("stopping");
    sw_destroy(&sw);
    close(lfd);
    unlink(sock);
    if (!fg)
        unlink(pidfile);
    free(pfd);
    free(pport);
    return 0;
}
