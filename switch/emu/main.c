/*
 * sflow-emu: builds an emulated network of hosts (network namespaces) and
 * switches (Linux bridges sampled by sflow-agent, or sflow-switch), runs
 * traffic with exact accounting, and reports how close sFlow's estimates
 * come to the truth.  Mininet's topologies, CLI and --test/--cleanup, for
 * measuring sampling.  This file: options, the run's life, teardown.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "emu.h"
#include "log.h"
#include "mono.h"
#include "num_parse.h"
#include "version.h"

/* One sflow-agent takes at most this many bridges (-b) and ports. */
#define AGENT_MAX_BRIDGES 64
#define AGENT_MAX_PORTS 250

static int set_switch_sflow(struct emu_ctx *);

static void
on_signal(int sig)
{
    emu_stop = sig;
}

static void
usage(FILE *f)
{
    fprintf(f,
"usage: sflow-emu [--topo SPEC | --topo-file FILE] [options]\n"
"       sflow-emu --cleanup\n"
"\n"
"Builds an emulated network (hosts in network namespaces, veth links, switches\n"
"sampled with sFlow), generates traffic with exact accounting, and reports sFlow's\n"
"estimates beside the truth.  Needs root (CAP_NET_ADMIN, CAP_SYS_ADMIN).\n"
"\n"
"network:\n"
"  -t, --topo SPEC        minimal | single,N | linear,N | tree,DEPTH,FANOUT |\n"
"                         torus,X,Y[,N] (default tree,2,2)\n"
"  -f, --topo-file FILE   hosts, switches, links and VLANs from FILE (sflow-emu(1)),\n"
"                         or MiniEdit's FILE.mn\n"
"      --link default|tc[,bw=MBIT][,delay=TIME][,jitter=TIME][,loss=PCT][,max_queue_size=N]\n"
"                         plain links (default), or each shaped as Mininet's TCLink\n"
"      --switch user|bridge  one sflow-switch process for all switches (default),\n"
"                         or Linux bridges sampled by sflow-agent\n""      --mac              sequential MACs 00:00:00:00:00:01... (always so here)\n"
"sFlow:\n"
"  -s, --sampling N       sample 1 packet in N (default 64)\n"
"  -p, --polling S        counter polling interval in seconds (default 5)\n"
"      --sflow-target H:P also send the sFlow to H:P (repeatable)\n"
"      --no-sflow         run no agent and no collector\n"
"traffic:\n"
"      --traffic KIND     pingall | pairs | mix (default mix)\n"
"      --flows FILE       the flows listed in FILE instead (sflow-emu(1))\n"
"  -d, --duration S       seconds of traffic (default 10)\n"
"  -r, --rate PPS         packets/s in all (pairs, mix; default 2000)\n"
"      --size BYTES       frame size for pairs (default 500)\n"
"      --seed N           seed of the mix (default 1)\n"
"report:\n"
"      --json FILE        write the accuracy report as JSON to FILE ('-': stdout)\n"
"      --top N            top talkers shown (default 5)\n"
"run:\n"
"      --test TEST        build, do TEST, tear down (no CLI): build | none | pingall |\n"
"                         pingpair | iperf | iperfudp | all | traffic\n"
"      --cli              interactive CLI (the default without --test)\n"
"      --timings          print setup and teardown seconds on stderr\n"
"      --cleanup          remove what crashed runs left (only what their records list)\n"
"  -v, --verbose          more messages\n"
"  -h, --help             this help\n"
"      --version          print the version and exit\n"
"\n"
"examples:\n"
"  sflow-emu --topo tree,2,4 --sampling 64 --test traffic --traffic mix --duration 10\n"
"  sflow-emu --topo linear,4 --test pingall\n"
"  sflow-emu --topo single,3 --cli\n");
}

/* ---- build and teardown ---- */

static int
free_udp_port(void)
{
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t len = sizeof(sa);
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), port = -1;

    if (fd >= 0 && bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 &&
        getsockname(fd, (struct sockaddr *)&sa, &len) == 0)
        port = ntohs(sa.sin_port);
    if (fd >= 0)
        close(fd);
    return port;
}

/* Waits until someone has bound UDP 'port' on 127.0.0.1 (the collector is listening). */
static int
wait_bound(int port, int timeout_ms)
{
    for (int waited = 0; waited <= timeout_ms; waited += 10) {
        struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
            .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
        int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), r;

        if (fd < 0)
            return errno;
        r = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
        close(fd);
        if (r < 0 && errno == EADDRINUSE)
            return 0;
        usleep(10000);
    }
    return ETIMEDOUT;
}

static int
start_sflow(struct emu_ctx *c)
{
    char path[300], log[160], port[16], target[32], rate[16], poll[16];
    char *argv[16 + 2 * AGENT_MAX_BRIDGES];
    int fd, sw = 0, nagents = 0;

    snprintf(path, sizeof(path), "%s/sflowcollect", c->bindir);
    if (access(path, X_OK) != 0) {
        log_warnx("%s not found: build it with 'make', or use --no-sflow", path);
        return ENOENT;
    }
    if ((c->collector_port = free_udp_port()) < 0)
        return EADDRNOTAVAIL;
    snprintf(c->datagrams_path, sizeof(c->datagrams_path), "%s/datagrams.pcap", c->run.dir);
    snprintf(log, sizeof(log), "%s/collector.log", c->run.dir);
    snprintf(port, sizeof(port), "%d", c->collector_port);
    if ((fd = open(c->datagrams_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0)
        return errno;
    argv[0] = path;
    argv[1] = "-p";
    argv[2] = port;
    argv[3] = "-b";
    argv[4] = "127.0.0.1";
    argv[5] = "-M";             /* The datagrams as pcap, for the report (samples.c). */
    argv[6] = "--stats";
    argv[7] = NULL;
    c->collector = run_spawn(&c->run, argv, log, fd);
    close(fd);
    if (c->collector < 0 || wait_bound(c->collector_port, 5000) != 0) {
        log_warnx("sflowcollect did not start; see %s", log);
        return EIO;
    }
    if (c->sw != EMU_SW_BRIDGE)
        return set_switch_sflow(c);
    snprintf(path, sizeof(path), "%s/sflow-agent", c->bindir);
    snprintf(target, sizeof(target), "127.0.0.1:%d", c->collector_port);
    snprintf(rate, sizeof(rate), "%d", c->sampling);
    snprintf(poll, sizeof(poll), "%d", c->polling);
    /* As few agents as its limits allow; usually one. */
    while (sw < c->topo.nnodes) {
        int n = 0, ports = 0;
        char bnames[AGENT_MAX_BRIDGES][32];
        pid_t pid;

        argv[n++] = path;
        argv[n++] = "-d";
        argv[n++] = "-a";
        argv[n++] = "127.0.0.1";
        argv[n++] = "-s";
        argv[n++] = rate;
        argv[n++] = "-p";
        argv[n++] = poll;
        argv[n++] = "-c";
        argv[n++] = target;
        for (int k = 0; k < c->ntargets && k < 3; k++) {
            argv[n++] = "-c";
            argv[n++] = (char *)c->targets[k];
        }
        for (int nb = 0; sw < c->topo.nnodes && nb < AGENT_MAX_BRIDGES; sw++) {
            const struct emu_node *s = &c->topo.node[sw];

            if (s->kind != EMU_SWITCH)
                continue;
            if (nb > 0 && ports + s->nports > AGENT_MAX_PORTS)
                break;
            ports += s->nports;
            snprintf(bnames[nb], sizeof(bnames[nb]), "%s%s", c->run.prefix, s->name);
            argv[n++] = "-b";
            argv[n++] = bnames[nb++];
        }
        argv[n] = NULL;
        if (n == 10 + 2 * (c->ntargets < 3 ? c->ntargets : 3))
            break;
        snprintf(log, sizeof(log), "%s/agent%d.log", c->run.dir, nagents++);
        if ((pid = run_spawn(&c->run, argv, log, -1)) < 0)
            return errno;
    }
    /* All agents start together; each says "started:" once its ports are sampled. */
    for (int i = 0; i < nagents; i++) {
        snprintf(log, sizeof(log), "%s/agent%d.log", c->run.dir, i);
        if (run_wait_log(log, "started:", 30000) != 0) {
            log_warnx("sflow-agent did not start; see %s", log);
            return EIO;
        }
    }
    return 0;
}

/* Pairs (port number, link index) of one switch, to add its ports in order. */
static int
cmp_port(const void *a, const void *b)
{
    const int *x = a, *y = b;

    return x[0] - y[0];
}

/*
 * --switch user: one sflow-switch for all switches, its control socket and
 * state file in the run's directory; a bridge per switch (named as the
 * switch), its ports added in port order with OpenFlow numbers equal to
 * Mininet's ethN, VLAN tags and trunks from the topology.
 */
static int
start_user_switch(struct emu_ctx *c)
{
    char path[300], state[160], log[160], ans[512], num[16], tag[32], trunks[96];
    char *argv[12];
    int (*ports)[2] = calloc((size_t)c->topo.nlinks * 2 + 1, sizeof(*ports));

    if (ports == NULL)
        return ENOMEM;
    snprintf(path, sizeof(path), "%s/sflow-switch", c->bindir);
    snprintf(c->sw_sock, sizeof(c->sw_sock), "%s/switch.sock", c->run.dir);
    snprintf(state, sizeof(state), "%s/switch.state", c->run.dir);
    snprintf(log, sizeof(log), "%s/switch.log", c->run.dir);
    if (access(path, X_OK) != 0) {
        log_warnx("%s not found: build it with 'make', or use --switch bridge", path);
        free(ports);
        return ENOENT;
    }
    argv[0] = path;
    argv[1] = "-d";
    argv[2] = "--socket";
    argv[3] = c->sw_sock;
    argv[4] = "--state";
    argv[5] = state;
    argv[6] = NULL;
    if ((c->sw_pid = run_spawn(&c->run, argv, log, -1)) < 0) {
        free(ports);
        return errno;
    }
    for (int i = 0; ctl_cmd(c->sw_sock, NULL, 0, "list-br", NULL) != 0; i++) {
        if (i == 500) {
            log_warnx("sflow-switch did not start; see %s", log);
            free(ports);
            return EIO;
        }
        usleep(10000);
    }
    for (int i = 0; i < c->topo.nnodes; i++) {
        struct emu_node *sw = &c->topo.node[i];
        int np = 0;

        if (sw->kind != EMU_SWITCH)
            continue;
        if (ctl_cmd(c->sw_sock, ans, sizeof(ans), "add-br", sw->name, NULL) != 0) {
            log_warnx("sflow-switch: add-br %s: %s", sw->name, ans);
            free(ports);
            return EIO;
        }
        for (int k = 0; k < c->topo.nlinks; k++) {
            const struct emu_link *l = &c->topo.link[k];

            if (l->b == i)
                ports[np][0] = l->b_port, ports[np++][1] = k;
            if (l->a == i)
                ports[np][0] = l->a_port, ports[np++][1] = k;
        }
        qsort(ports, (size_t)np, sizeof(ports[0]), cmp_port);
        for (int k = 0; k < np; k++) {
            const struct emu_link *l = &c->topo.link[ports[k][1]];
            const char *ifname = l->b == i ? l->b_if : l->a_if;
            int n = 0;

            argv[n++] = "add-port";
            argv[n++] = sw->name;
            argv[n++] = (char *)ifname;
            snprintf(num, sizeof(num), "ofport=%d", ports[k][0]);
            argv[n++] = num;
            if (l->vlan) {
                snprintf(tag, sizeof(tag), "tag=%d", l->vlan);
                argv[n++] = tag;
            }
            if (l->ntrunk) {
                size_t o = (size_t)snprintf(trunks, sizeof(trunks), "trunks=");

                for (int v = 0; v < l->ntrunk && o < sizeof(trunks); v++)
                    o += (size_t)snprintf(trunks + o, sizeof(trunks) - o, "%s%d", v ? "," : "",
                        l->trunk[v]);
                argv[n++] = trunks;
            }
            argv[n] = NULL;
            if (ctl_cmdv(c->sw_sock, ans, sizeof(ans), argv) != 0) {
                log_warnx("sflow-switch: add-port %s %s: %s", sw->name, ifname, ans);
                free(ports);
                return EIO;
            }
        }
    }
    free(ports);
    return 0;
}

/* --switch user: sFlow on every bridge of the switch, to the collector. */
static int
set_switch_sflow(struct emu_ctx *c)
{
    char target[32], rate[32], poll[32], ans[512], extra[8][80], agent[40];
    char *argv[20];
    int nsw = 0;

    snprintf(target, sizeof(target), "target=127.0.0.1:%d", c->collector_port);
    snprintf(rate, sizeof(rate), "sampling=%d", c->sampling);
    snprintf(poll, sizeof(poll), "polling=%d", c->polling);
    for (int i = 0; i < c->topo.nnodes; i++) {
        int n = 0;

        if (c->topo.node[i].kind != EMU_SWITCH)
            continue;
        argv[n++] = "set-sflow";
        argv[n++] = c->topo.node[i].name;
        argv[n++] = target;
        for (int k = 0; k < c->ntargets && k < 8; k++) {
            snprintf(extra[k], sizeof(extra[k]), "target=%s", c->targets[k]);
            argv[n++] = extra[k];
        }
        argv[n++] = rate;
        argv[n++] = poll;
        /* An agent address per switch (127.1.x.y), so the collector keeps their sequences apart. */
        nsw++;
        snprintf(agent, sizeof(agent), "agent=127.1.%d.%d", (nsw >> 8) & 255, nsw & 255);
        argv[n++] = agent;
        argv[n] = NULL;
        if (ctl_cmdv(c->sw_sock, ans, sizeof(ans), argv) != 0) {
            log_warnx("sflow-switch: set-sflow %s: %s", c->topo.node[i].name, ans);
            return EIO;
        }
    }
    return 0;
}

/* Adds FLOW to switch 'sw' of sflow-switch; 0 or EIO (a message logged). */
static int
add_flow(struct emu_ctx *c, const char *sw, const char *flow)
{
    char ans[512];

    if (ctl_cmd(c->sw_sock, ans, sizeof(ans), "add-flow", sw, flow, NULL) == 0)
        return 0;
    log_warnx("sflow-switch: add-flow %s %s: %s", sw, flow, ans);
    return EIO;
}

/*
 * A topology with loops (a torus): what STP would leave, as flow rules the
 * emulator computes, since sflow-switch has no STP.  Links that close a
 * loop drop what comes in and are never sent to; a frame for a host goes
 * out of the port on the tree towards it; anything else (broadcast,
 * multicast) floods along the tree only.  Returns 0 or an errno.
 */
static int
set_tree_flows(struct emu_ctx *c)
{
    struct emu_topo *t = &c->topo;
    int *port = malloc((size_t)t->nnodes * sizeof(*port) + 1), e = 0;
    char flow[64 + 16 * 12];

    if (port == NULL)
        return ENOMEM;
    for (int j = 0; j < t->nlinks && e == 0; j++) {
        const struct emu_link *l = &t->link[j];

        for (int end = 0; end < 2 && e == 0; end++) {
            int sw = end ? l->b : l->a, in = end ? l->b_port : l->a_port;
            size_t o;
            int nout = 0;

            if (t->node[sw].kind != EMU_SWITCH)
                continue;
            o = (size_t)snprintf(flow, sizeof(flow), "priority=%d,in_port=%d,actions=",
                l->blocked ? 30 : 10, in);
            for (int k = 0; k < t->nlinks && !l->blocked; k++) {
                const struct emu_link *m = &t->link[k];
                int out = m->a == sw ? m->a_port : m->b == sw ? m->b_port : 0;

                if (out == 0 || out == in || m->blocked)
                    continue;
                if (++nout > 16) {
                    log_warnx("%s: more than 16 ports on the tree at %s", t->desc,
                        t->node[sw].name);
                    e = E2BIG;
                    break;
                }
                o += (size_t)snprintf(flow + o, sizeof(flow) - o, "%soutput:%d",
                    nout > 1 ? "," : "", out);
            }
            if (e == 0 && nout == 0)
                snprintf(flow + o, sizeof(flow) - o, "drop");
            if (e == 0)
                e = add_flow(c, t->node[sw].name, flow);
        }
    }
    for (int h = 0; h < t->nnodes && e == 0; h++) {
        const uint8_t *mac = t->node[h].mac;

        if (t->node[h].kind != EMU_HOST)
            continue;
        if (topo_toward(t, h, port) != 0) {
            e = ENOMEM;
            break;
        }
        for (int sw = 0; sw < t->nnodes && e == 0; sw++) {
            if (t->node[sw].kind != EMU_SWITCH || port[sw] == 0)
                continue;
            snprintf(flow, sizeof(flow),
                "priority=20,dl_dst=%02x:%02x:%02x:%02x:%02x:%02x,actions=output:%d",
                mac[0], mac[1], mac[2], mac[3], mac[4], mac[5], port[sw]);
            e = add_flow(c, t->node[sw].name, flow);
        }
    }
    free(port);
    return e;
}

static double t_setup, t_teardown;

/* Records the root-namespace interfaces link_build() will make (cleanup removes only those); 0 or an errno. */
static int
note_links(struct emu_ctx *c)
{
    struct emu_topo *t = &c->topo;
    char name[IF_NAMESIZE];
    int e = 0;

    for (int i = 0; i < t->nnodes && e == 0 && c->sw == EMU_SW_BRIDGE; i++)
        if (t->node[i].kind == EMU_SWITCH) {
            link_bridge_name(c->run.prefix, &t->node[i], name);
            e = run_note_link(&c->run, name);
        }
    for (int i = 0; i < t->nlinks && e == 0; i++) {
        e = run_note_link(&c->run, t->link[i].b_if);
        if (e == 0 && t->node[t->link[i].a].kind == EMU_SWITCH)
            e = run_note_link(&c->run, t->link[i].a_if);
    }
    return e;
}

/* Builds the network of 'c' and starts its processes; 0 or an errno. */
static int
emu_build(struct emu_ctx *c)
{
    struct rlimit rl;
    char err[256], ns[64];
    double t0 = mono_s();
    int e;

    if (c->topo.has_vlans && c->sw == EMU_SW_BRIDGE) {
        log_warnx("%s: VLANs need --switch user", c->topo.desc);
        return ENOTSUP;
    }
    if ((e = run_register(&c->run, err, sizeof(err))) != 0) {
        log_warnx("registering the run: %s", err);
        return e;
    }
    run_save(&c->run, &c->topo);
    if ((e = netns_prepare_dir()) != 0) {
        log_warnx("%s: %s", EMU_NETNS_DIR, strerror(e));
        return e;
    }
    /* Two descriptors per host while building (namespace, netlink socket). */
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    topo_name_links(&c->topo, c->run.prefix);
    log_debug("creating %d hosts", c->topo.nhosts);
    for (int i = 0; i < c->topo.nnodes && !emu_stop; i++) {
        struct emu_node *h = &c->topo.node[i];

        if (h->kind != EMU_HOST)
            continue;
        snprintf(ns, sizeof(ns), "%s-%s", c->run.prefix, h->name);
        if ((e = run_note_netns(&c->run, ns)) != 0) {
            log_warnx("recording namespace %s: %s", ns, strerror(e));
            return e;
        }
        if ((e = netns_create(ns, &h->netns_fd)) != 0) {
            log_warnx("namespace %s: %s", ns, strerror(e));
            return e;
        }
        if ((e = link_open(&h->nlb, h->netns_fd)) != 0) {
            log_warnx("netlink in %s: %s", ns, strerror(e));
            return e;
        }
    }
    if (emu_stop)
        return EINTR;
    log_debug("%.3f s: %d namespaces; creating %d links", mono_s() - t0, c->topo.nhosts,
        c->topo.nlinks);
    if ((e = note_links(c)) != 0) {
        log_warnx("recording the links in %s/%s.run: %s", EMU_RUN_DIR, c->run.prefix, strerror(e));
        return e;
    }
    if ((e = link_build(&c->topo, c->run.prefix, c->run.group, c->sw == EMU_SW_BRIDGE,
        err, sizeof(err))) != 0 ||
        (e = link_configure_hosts(&c->topo, err, sizeof(err))) != 0 ||
        (e = shape_apply(&c->topo, -1, err, sizeof(err))) != 0) {
        log_warnx("%s", err);
        return e;
    }
    for (int i = 0; i < c->topo.nnodes; i++)
        if (c->topo.node[i].netns_fd >= 0) {
            close(c->topo.node[i].netns_fd);
            c->topo.node[i].netns_fd = -1;
        }
    if (emu_stop)
        return EINTR;
    log_debug("%.3f s: links made, hosts configured", mono_s() - t0);
    if ((e = link_wait_up(&c->topo, 20000)) != 0) {
        log_warnx("links not up: %s", strerror(e));
        return e;
    }
    log_debug("%.3f s: links up", mono_s() - t0);
    if (c->sw == EMU_SW_USER && (e = start_user_switch(c)) != 0)
        return e;
    if (c->loops > 0 && (e = set_tree_flows(c)) != 0)
        return e;
    log_debug("%.3f s: switch configured", mono_s() - t0);
    if (c->sflow && (e = start_sflow(c)) != 0)
        return e;
    run_save(&c->run, &c->topo);
    t_setup = mono_s() - t0;
    printf("*** %s: %d hosts, %d switches, %d links ready (%s, run %s) in %.2f s\n",
        c->topo.desc, c->topo.nhosts, c->topo.nswitches, c->topo.nlinks,
        c->sw == EMU_SW_BRIDGE ? "Linux bridges" : "sflow-switch", c->run.prefix, t_setup);
    fflush(stdout);
    return 0;
}

static void
emu_teardown(struct emu_ctx *c)
{
    double t0 = mono_s();

    if (c->run.prefix[0] == '\0')
        return;
    run_stop_children(&c->run);
    log_debug("teardown: %.3f s: processes stopped", mono_s() - t0);
    for (int i = 0; i < c->topo.nnodes; i++) {
        struct emu_node *h = &c->topo.node[i];

        if (h->netns_fd >= 0)
            close(h->netns_fd);
        h->netns_fd = -1;
        if (h->nlb != NULL)
            link_close(h->nlb);
        h->nlb = NULL;
    }
    /* Root ends first, in one request: their peers in the hosts go with them. */
    run_clean(&c->run);
    log_debug("teardown: %.3f s: links and namespaces removed", mono_s() - t0);
    run_forget(&c->run);
    t_teardown = mono_s() - t0;
    c->run.prefix[0] = '\0';
}

/* Mininet's --test names, and ours (traffic). */
static const char *const test_names[] = {
    "build", "none", "pingall", "pingpair", "iperf", "iperfudp", "all", "traffic", NULL
};

/* --traffic's kinds (session_traffic() takes pairs and mix; do_test() pingall). */
static const char *const traffic_names[] = { "pingall", "pairs", "mix", NULL };

static bool
name_known(const char *const *names, const char *name)
{
    for (int i = 0; names[i] != NULL; i++)
        if (strcmp(name, names[i]) == 0)
            return true;
    return false;
}

/* pingall (all hosts) or pingpair (the first two); 0, or EHOSTUNREACH on a loss. */
static int
test_ping(struct emu_ctx *c, bool pair)
{
    int n = pair && c->topo.nhosts > 2 ? 2 : c->topo.nhosts, lost, e;
    int *hosts = malloc((size_t)n * sizeof(*hosts) + 1);

    if (hosts == NULL)
        return ENOMEM;
    for (int i = 0; i < n; i++)
        hosts[i] = topo_host(&c->topo, i);
    e = ping_print(&c->topo, c->run.prefix, hosts, n, false, 0, &lost, stdout);
    free(hosts);
    return e != 0 ? e : lost ? EHOSTUNREACH : 0;
}

static int
do_test(struct emu_ctx *c, const char *test)
{
    int e = 0;

    if (strcmp(test, "build") == 0 || strcmp(test, "none") == 0)
        return 0;
    if (strcmp(test, "pingall") == 0 || strcmp(test, "all") == 0 ||
        (strcmp(test, "traffic") == 0 && strcmp(c->traffic_kind, "pingall") == 0 && !c->flows_file)) {
        if ((e = test_ping(c, false)) != 0 || strcmp(test, "all") != 0)
            return e;
    }
    if (strcmp(test, "pingpair") == 0)
        return test_ping(c, true);
    if (strcmp(test, "iperf") == 0 || strcmp(test, "iperfudp") == 0 || strcmp(test, "all") == 0)
        return cli_command(c, test);
    if ((e = session_traffic(c, c->traffic_kind, c->flows_file, c->duration)) != 0)
        return e;
    session_report(c, false, stdout);
    if (c->json != NULL)
        session_report(c, true, c->json);
    return 0;
}

/*
 * An option's number in [min, max], 'whole' or not, into '*v'; the message
 * names the option (before log_init()).
 */
static int
opt_number(const char *opt, const char *arg, double min, double max, bool whole, double *v)
{
    long l;

    if (whole ? num_parse_long(arg, (long)min, (long)max, &l) == 0 :
        num_parse_double(arg, min, max, v) == 0) {
        if (whole)
            *v = (double)l;
        return 0;
    }
    fprintf(stderr, "sflow-emu: %s must be a number from %.15g to %.15g, not '%s'\n", opt, min,
        max, arg);
    return -1;
}

int
main(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "topo", required_argument, NULL, 't' },
        { "topo-file", required_argument, NULL, 'f' },
        { "switch", required_argument, NULL, 'W' },
        { "mac", no_argument, NULL, 'm' },
        { "link", required_argument, NULL, 'L' },
        { "sampling", required_argument, NULL, 's' },
        { "polling", required_argument, NULL, 'p' },
        { "sflow-target", required_argument, NULL, 'T' },
        { "no-sflow", no_argument, NULL, 'N' },
        { "traffic", required_argument, NULL, 'k' },
        { "flows", required_argument, NULL, 'F' },
        { "duration", required_argument, NULL, 'd' },
        { "rate", required_argument, NULL, 'r' },
        { "size", required_argument, NULL, 'S' },
        { "seed", required_argument, NULL, 'e' },
        { "json", required_argument, NULL, 'j' },
        { "top", required_argument, NULL, 'o' },
        { "test", required_argument, NULL, 'X' },
        { "cli", no_argument, NULL, 'c' },
        { "timings", no_argument, NULL, 'M' },
        { "cleanup", no_argument, NULL, 'C' },
        { "verbose", no_argument, NULL, 'v' },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 },
    };
    static struct emu_ctx ctx;
    struct emu_ctx *c = &ctx;
    const char *topo = "tree,2,2", *topo_file = NULL, *test = NULL, *link = "default";
    struct emu_shape link_shape;
    bool cli = false, timings = false, cleanup = false;
    int verbose = 0, ch, e = 0;
    double v;
    char err[256], self[256];
    ssize_t n;
    struct sigaction sa;

    c->sw = EMU_SW_USER;
    c->sflow = true;
    c->sampling = 64;
    c->polling = 5;
    c->traffic_kind = "mix";
    c->duration = 10;
    c->rate = 2000;
    c->size = 500;
    c->seed = 1;
    c->top = 5;
    while ((ch = getopt_long(argc, argv, "t:f:s:p:d:r:vh", longopts, NULL)) != -1) {
        switch (ch) {
        case 't': topo = optarg; break;
        case 'f': topo_file = optarg; break;
        case 'W':
            if (strcmp(optarg, "bridge") == 0)
                c->sw = EMU_SW_BRIDGE;
            else if (strcmp(optarg, "user") == 0)
                c->sw = EMU_SW_USER;
            else {
                fprintf(stderr, "sflow-emu: --switch bridge|user\n");
                return 2;
            }
            break;
        case 'm': break;        /* Hosts' MACs are always sequential here. */
        case 'L': link = optarg; break;
        case 's':
            if (opt_number("--sampling", optarg, 1, INT_MAX, true, &v) != 0)
                return 2;
            c->sampling = (int)v;
            break;
        case 'p':
            if (opt_number("--polling", optarg, 0, 86400, true, &v) != 0)
                return 2;
            c->polling = (int)v;
            break;
        case 'T':
            if (c->ntargets == EMU_MAX_TARGETS) {
                fprintf(stderr, "sflow-emu: at most %d --sflow-target\n", EMU_MAX_TARGETS);
                return 2;
            }
            c->targets[c->ntargets++] = optarg;
            break;
        case 'N': c->sflow = false; break;
        case 'k': c->traffic_kind = optarg; break;
        case 'F': c->flows_file = optarg; break;
        case 'd':
            if (opt_number("--duration", optarg, 0.001, 86400, false, &c->duration) != 0)
                return 2;
            break;
        case 'r':
            if (opt_number("--rate", optarg, 0.001, 1e7, false, &c->rate) != 0)
                return 2;
            break;
        case 'S':
            if (opt_number("--size", optarg, 1, EMU_MAX_FRAME, true, &v) != 0)
                return 2;
            c->size = (uint32_t)v;
            break;
        case 'e':
            if (opt_number("--seed", optarg, 0, UINT32_MAX, true, &v) != 0)
                return 2;
            c->seed = (unsigned)v;
            break;
        case 'j': c->json_path = optarg; break;
        case 'o':
            if (opt_number("--top", optarg, 0, 1000, true, &v) != 0)
                return 2;
            c->top = (int)v;
            break;
        case 'X': test = optarg; break;
        case 'c': cli = true; break;
        case 'M': timings = true; break;
        case 'C': cleanup = true; break;
        case 'v': verbose++; break;
        case 'h': usage(stdout); return 0;
        case 'V': printf("sflow-emu (sflowkit) %s\n", SFLOWKIT_VERSION); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind != argc) {
        usage(stderr);
        return 2;
    }
    log_init(argv[0], verbose, 0);
    if (test != NULL && !name_known(test_names, test)) {
        log_warnx("--test %s: build, none, pingall, pingpair, iperf, iperfudp, all or traffic",
            test);
        return 2;
    }
    /* Refused before anything is built, not after (as --test). */
    if (!name_known(traffic_names, c->traffic_kind)) {
        log_warnx("--traffic %s: pingall, pairs or mix", c->traffic_kind);
        return 2;
    }
    if (shape_spec(&link_shape, link, err, sizeof(err)) != 0) {
        log_warnx("%s", err);
        return 2;
    }
    if (geteuid() != 0) {
        log_warnx("needs root (network namespaces, veths, bridges)");
        return 1;
    }
    if (cleanup) {
        char msg[512];
        int k = run_cleanup(true, msg, sizeof(msg));

        if (k < 0) {
            log_warnx("cleanup: %s", msg);
            return 1;
        }
        printf("cleanup: %d run(s) removed\n", k);
        return 0;
    }
    if ((topo_file ? topo_load(&c->topo, topo_file, err, sizeof(err)) :
        topo_build(&c->topo, topo, err, sizeof(err))) != 0) {
        log_warnx("%s", err);
        return 2;
    }
    shape_default(&c->topo, &link_shape);
    if (shape_check(&c->topo, err, sizeof(err)) != 0) {
        log_warnx("%s", err);
        topo_free(&c->topo);
        return 2;
    }
    if ((c->loops = topo_span(&c->topo)) < 0) {
        log_warnx("%s: out of memory", c->topo.desc);
        return 1;
    }
    /* Loops need the flow rules set_tree_flows() gives sflow-switch. */
    if (c->loops > 0 && (c->sw == EMU_SW_BRIDGE || c->topo.has_vlans)) {
        log_warnx("%s has loops: it needs --switch user (the default), which gets loop-free"
            " flow rules, and no VLANs", c->topo.desc);
        topo_free(&c->topo);
        return 2;
    }
    /* A --json that cannot be written is found now, not after the run it reports. */
    if (c->json_path != NULL &&
        (c->json = strcmp(c->json_path, "-") == 0 ? stdout : fopen(c->json_path, "we")) == NULL) {
        log_warn("--json %s", c->json_path);
        topo_free(&c->topo);
        return 2;
    }
    if ((n = readlink("/proc/self/exe", self, sizeof(self) - 1)) > 0) {
        self[n] = '\0';
        snprintf(c->bindir, sizeof(c->bindir), "%s", dirname(self));
    }
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;  /* No SA_RESTART: a blocked wait returns EINTR. */
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    e = emu_build(c);
    if (e == 0 && !emu_stop) {
        if (test != NULL)
            e = do_test(c, test);
        else if (cli || test == NULL)
            e = cli_run(c);
    }
    if (emu_stop)
        fprintf(stderr, "*** interrupted: tearing down\n");
    fflush(stdout);
    emu_teardown(c);
    if (timings)
        fprintf(stderr, "timings: setup %.3f s, teardown %.3f s\n", t_setup, t_teardown);
    if (c->json != NULL && c->json != stdout && fclose(c->json) != 0) {
        log_warn("--json %s", c->json_path);
        e = e != 0 ? e : EIO;
    }
    traffic_free(&c->traffic);
    free(c->if_pkts);
    free(c->if_bytes);
    topo_free(&c->topo);
    return e == 0 && !emu_stop ? 0 : 1;
}
