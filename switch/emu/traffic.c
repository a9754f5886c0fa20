/*
 * emu_traffic: traffic inside the hosts, with exact accounting.  One
 * process per host taking part joins the host's namespace (setns), binds
 * its receivers, and sends its flows on a timetable; every UDP or ICMP
 * packet is one send(), so the count of successful sends is the count of
 * frames the host put on its link (IPv6 is off and, for accuracy runs, ARP entries are
 * static, so nothing else leaves the host).  Results come back through a
 * pipe per process.
 *
 *   UDP:  frame = 14 (Ethernet) + 20 (IPv4) + 8 (UDP) + payload; the
 *         payload opens with the flow's number so receivers can count.
 *   ICMP: echo requests from a raw socket (frame = 14 + 20 + 8 + data);
 *         the kernel's echo replies form a flow of their own, whose truth
 *         is the replies the sender received (the requests that arrived).
 *   TCP:  one connection per flow (source port fixed per flow, destination
 *         TCP_DPORT, TCP_NODELAY), 'count' writes of size - 66 bytes (the
 *         frame of one segment with timestamps) paced at the flow's rate.
 *         The kernel chooses the segments, so the truth is not the number
 *         of writes: every host process opens an AF_PACKET socket (classic
 *         BPF filter: IPv4 TCP only) on all its interfaces
 *         and counts, per 5-tuple, the frames the kernel handed to the
 *         device (PACKET_OUTGOING) and their lengths: exactly what the
 *         link's counters see, handshake, retransmissions, FINs and any
 *         GSO-merged frame included.  A drop on that socket fails the run.
 *         The receiver's segments (ACKs, its FIN) form a flow of their own
 *         (reversed ports, marked 'reply'), counted the same way at the
 *         receiver.  The receiver closes first, once it has all the bytes,
 *         so the sender's port is not held in TIME_WAIT for the next run.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <linux/filter.h>
#include <linux/if_packet.h>
#include <linux/sock_diag.h>
#include <net/ethernet.h>
#include <netinet/in.h>
#include <netinet/ip_icmp.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "emu.h"
#include "mono.h"

#define UDP_DPORT 5001
#define TCP_DPORT 5002
#define HDR_TCP 66
#define SPORT_BASE 10000
#define HDR_UDP 42
#define HDR_ICMP 42
#define REPLY_WAIT_S 2.0

/* ---- building flow lists ---- */

static struct emu_flow *
add_flow(struct emu_traffic *tr)
{
    struct emu_flow *f;
    void *p;

    if ((p = emu_grow(tr->flow, tr->nflows, sizeof(*tr->flow))) == NULL)
        return NULL;
    tr->flow = p;
    f = &tr->flow[tr->nflows++];
    memset(f, 0, sizeof(*f));
    return f;
}

/*
 * Appends a flow of 'proto' from 'src' to 'dst'; frames of 'size' bytes,
 * kept between the protocol's smallest useful frame 'min' and EMU_MAX_FRAME.
 * Returns the flow, or NULL when out of memory.
 */
static struct emu_flow *
add_one(struct emu_traffic *tr, int proto, int src, int dst, uint16_t sport,
    uint16_t dport, uint32_t min, uint32_t size, uint64_t count, double rate,
    double start)
{
    struct emu_flow *f = add_flow(tr);

    if (f == NULL)
        return NULL;
    f->src = src;
    f->dst = dst;
    f->proto = proto;
    f->sport = sport;
    f->dport = dport;
    f->size = size < min ? min : size > EMU_MAX_FRAME ? EMU_MAX_FRAME : size;
    f->count = count;
    f->rate = rate;
    f->start = start;
    return f;
}

/* Appends the reply flow of the last flow: the other way, ports 'sport' -> 'dport'. */
static int
add_reply(struct emu_traffic *tr, uint16_t sport, uint16_t dport)
{
    struct emu_flow *r = add_flow(tr), *f;

    if (r == NULL)
        return ENOMEM;
    f = r - 1;                  /* add_flow() may have moved the array. */
    *r = *f;
    r->src = f->dst;
    r->dst = f->src;
    r->sport = sport;
    r->dport = dport;
    r->reply = true;
    return 0;
}

static uint16_t
next_sport(const struct emu_traffic *tr)
{
    return (uint16_t)(SPORT_BASE + tr->nflows % 50000);
}

static int
add_udp(struct emu_traffic *tr, int src, int dst, uint64_t count, uint32_t size,
    double rate, double start)
{
    return add_one(tr, FLOW_UDP, src, dst, next_sport(tr), UDP_DPORT, HDR_UDP + 4,
        size, count, rate, start) ? 0 : ENOMEM;
}

/* An ICMP echo flow from 'a' to 'b' and its reply flow. */
static int
add_icmp(struct emu_traffic *tr, int a, int b, uint64_t count, uint32_t size, double rate,
    double start)
{
    if (add_one(tr, FLOW_ICMP, a, b, ICMP_ECHO, 0, HDR_ICMP + 8, size, count, rate,
        start) == NULL)
        return ENOMEM;
    return add_reply(tr, ICMP_ECHOREPLY, 0);
}

/* A TCP flow from 'a' to 'b' and the flow of b's segments back (ACKs, FIN). */
static int
add_tcp(struct emu_traffic *tr, int a, int b, uint64_t count, uint32_t size, double rate,
    double start)
{
    struct emu_flow *f = add_one(tr, FLOW_TCP, a, b, next_sport(tr), TCP_DPORT,
        HDR_TCP + 4, size, count, rate, start);

    if (f == NULL)
        return ENOMEM;
    return add_reply(tr, f->dport, f->sport);
}

/*
 * "pairs": host i sends a UDP flow and a TCP flow to host i + n/2 (mod n),
 * so every host sends two flows and receives two, at 'rate' packets (UDP
 * datagrams and TCP writes) per second in all, frames of 'size' bytes, for
 * 'duration' seconds.
 */
int
traffic_pairs(struct emu_traffic *tr, const struct emu_topo *t, double duration,
    double rate, uint32_t size, unsigned seed)
{
    int n = t->nhosts, half = n / 2 ? n / 2 : 1;

    (void)seed;
    tr->duration = duration;
    if (n < 2)
        return EINVAL;
    for (int i = 0; i < n; i++) {
        double r = rate / n / 2;
        uint64_t count = (uint64_t)(r * duration);

        if (count == 0)
            count = 1;
        if (add_udp(tr, topo_host(t, i), topo_host(t, (i + half) % n), count, size,
            r, 0) != 0)
            return ENOMEM;
        /* TCP's data ends a little before the run does, for its FIN exchange. */
        if (add_tcp(tr, topo_host(t, i), topo_host(t, (i + half) % n), count, size,
            (double)count / (duration > 0.3 ? duration - 0.2 : 0.1), 0) != 0)
            return ENOMEM;
    }
    return 0;
}

/* splitmix64: a small, good generator; the mix must be the same for a seed. */
static uint64_t
rnd_next(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static double
rnd_unit(uint64_t *s)
{
    return ((double)(rnd_next(s) >> 11) + 0.5) / 9007199254740992.0;
}

/*
 * "mix": many flows between random pairs with Pareto-distributed sizes
 * (shape 1.2: a few elephants carry most packets, many mice carry few),
 * about 'rate' packets/s in all over 'duration' seconds.  Elephants send
 * full-size frames, mice small ones; a flow starts at a random time in the
 * first half of the run and ends before the run does.
 */
int
traffic_mix(struct emu_traffic *tr, const struct emu_topo *t, double duration,
    double rate, unsigned seed)
{
    int n = t->nhosts, nflows;
    uint64_t s = seed ? seed : 1;
    double *w, sum = 0, budget = rate * duration;

    tr->duration = duration;
    if (n < 2)
        return EINVAL;
    nflows = n * 4 < 16 ? 16 : n * 4 > 400 ? 400 : n * 4;
    if ((w = calloc((size_t)nflows, sizeof(*w))) == NULL)
        return ENOMEM;
    for (int i = 0; i < nflows; i++) {
        w[i] = 1.0 / pow(rnd_unit(&s), 1.0 / 1.2);
        if (w[i] > 1e4)
            w[i] = 1e4;
        sum += w[i];
    }
    for (int i = 0; i < nflows; i++) {
        int a = (int)(rnd_next(&s) % (uint64_t)n), b = (int)(rnd_next(&s) % (uint64_t)(n - 1));
        double start = rnd_unit(&s) * duration * 0.5;
        uint64_t count = (uint64_t)(budget * w[i] / sum) + 1;
        double span = duration - start - 0.1;
        uint32_t size;

        if (b >= a)
            b++;
        if (w[i] > 20)
            size = EMU_MAX_FRAME;
        else
            size = 64 + (uint32_t)(rnd_next(&s) % 400);
        if (add_udp(tr, topo_host(t, a), topo_host(t, b), count, size,
            (double)count / (span > 0.1 ? span : 0.1), start) != 0) {
            free(w);
            return ENOMEM;
        }
    }
    free(w);
    return 0;
}

/*
 * --flows FILE: one flow a line, '#' comments:
 *   SRC DST udp|tcp|icmp PACKETS [SIZE [RATE [START]]]
 * (tcp: PACKETS writes of a segment each).  SIZE is the frame size in bytes (default 500), RATE packets/s (default:
 * spread over the duration), START seconds from the start (default 0).
 */
int
traffic_load(struct emu_traffic *tr, const struct emu_topo *t, const char *path,
    double duration, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    int e;

    tr->duration = duration;
    if (f == NULL) {
        e = errno;
        snprintf(err, errlen, "%s: %s", path, strerror(e));
        return e;
    }
    e = traffic_read(tr, t, f, path, duration, err, errlen);
    fclose(f);
    return e;
}

/* traffic_load() of the lines of 'f' ('path' names it in messages). */
int
traffic_read(struct emu_traffic *tr, const struct emu_topo *t, FILE *f, const char *path,
    double duration, char *err, size_t errlen)
{
    char line[256];
    int lineno = 0;

    tr->duration = duration;
    while (fgets(line, sizeof(line), f) != NULL) {
        char src[32], dst[32], proto[8], *hash = strchr(line, '#');
        unsigned long long count;
        unsigned size = 500;
        double rate = 0, start = 0;
        int a, b, n, e;

        lineno++;
        /* The rest of a longer line would be read as a flow of its own. */
        if (strchr(line, '\n') == NULL && !feof(f)) {
            snprintf(err, errlen, "%s:%d: line too long (at most %zu bytes)", path, lineno,
                sizeof(line) - 2);
            return EINVAL;
        }
        if (hash)
            *hash = '\0';
        n = sscanf(line, "%31s %31s %7s %llu %u %lf %lf", src, dst, proto, &count, &size,
            &rate, &start);
        if (n <= 0)
            continue;
        /* strtod() takes "nan" and "inf": a flow with either never runs right. */
        if (n < 4 || (a = topo_find(t, src)) < 0 || (b = topo_find(t, dst)) < 0 ||
            t->node[a].kind != EMU_HOST || t->node[b].kind != EMU_HOST || a == b ||
            count == 0 || !isfinite(rate) || rate < 0 || !(start >= 0 && start < duration)) {
            snprintf(err, errlen, "%s:%d: expected SRC DST udp|tcp|icmp PACKETS [SIZE [RATE [START]]]"
                " with two different hosts and START below the duration", path, lineno);
            return EINVAL;
        }
        if (rate == 0)
            rate = (double)count / (duration - start > 0.2 ? duration - start - 0.1 : 0.1);
        if (strcmp(proto, "udp") == 0)
            e = add_udp(tr, a, b, count, size, rate, start);
        else if (strcmp(proto, "icmp") == 0)
            e = add_icmp(tr, a, b, count, size, rate, start);
        else if (strcmp(proto, "tcp") == 0)
            e = add_tcp(tr, a, b, count, size, rate, start);
        else {
            snprintf(err, errlen, "%s:%d: protocol %s: udp, tcp or icmp", path, lineno,
                proto);
            return EINVAL;
        }
        if (e != 0)
            return e;
    }
    return 0;
}

void
traffic_free(struct emu_traffic *tr)
{
    free(tr->flow);
    memset(tr, 0, sizeof(*tr));
}

/* ---- running: one process per host ---- */

struct result {
    int32_t flow;
    int32_t what;               /* 0 sent, 1 received, 2 echo replies, 3 sent (TCP reply), 4 socket drops */
    uint64_t pkts, bytes;
};

static uint16_t
csum(const void *p, size_t n)
{
    const uint8_t *b = p;
    uint32_t s = 0;

    for (size_t i = 0; i + 1 < n; i += 2)
        s += (uint32_t)(b[i] << 8 | b[i + 1]);
    if (n & 1)
        s += (uint32_t)b[n - 1] << 8;
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    return htons((uint16_t)~s);
}

struct hostjob {
    int node;
    int *flows;                 /* Indexes of flows this host sends. */
    int nflows;
    bool receives_udp, receives_tcp, pings;
    int *peers;                 /* Hosts it exchanges packets with (static ARP). */
    int npeers;
};

/* A TCP flow's 5-tuple as the host's tap sees it, and its counts there. */
struct tkey {
    int flow;
    uint32_t src, dst;          /* Host order. */
    uint16_t sport, dport;
    uint64_t out_pkts, out_bytes, in_pkts;
};

/* A receiver's end of a TCP flow. */
struct tconn {
    int fd, flow;
    uint64_t got, want;
};

/* The tap: IPv4 TCP frames only; recvfrom(MSG_TRUNC) reads 128 bytes and the length. */
static int
tap_open(void)
{
    static struct sock_filter code[] = {
        BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 12),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ETHERTYPE_IP, 0, 3),
        BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 23),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_TCP, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, 0x40000),    /* Whole: MSG_TRUNC then gives its length. */
        BPF_STMT(BPF_RET | BPF_K, 0),
    };
    struct sock_fprog prog = { .len = sizeof(code) / sizeof(code[0]), .filter = code };
    int fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, htons(ETH_P_ALL));
    int big = 8 << 20;

    if (fd < 0)
        return -1;
    setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big));
    if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static void
tap_drain(int fd, struct tkey *key, int nkeys)
{
    uint8_t pkt[128];
    struct sockaddr_ll sll;
    socklen_t slen = sizeof(sll);
    ssize_t n;

    while ((n = recvfrom(fd, pkt, sizeof(pkt), MSG_TRUNC, (struct sockaddr *)&sll,
        &slen)) >= 0) {
        size_t ihl;
        uint32_t src, dst;
        uint16_t sport, dport;

        slen = sizeof(sll);
        if (n < 54 || (pkt[12] << 8 | pkt[13]) != ETHERTYPE_IP || pkt[23] != IPPROTO_TCP)
            continue;
        if (sll.sll_pkttype != PACKET_OUTGOING && sll.sll_pkttype != PACKET_HOST)
            continue;
        ihl = (size_t)(pkt[14] & 15) * 4;
        if (14 + ihl + 4 > (size_t)n || 14 + ihl + 4 > sizeof(pkt))
            continue;
        memcpy(&src, pkt + 26, 4);
        memcpy(&dst, pkt + 30, 4);
        sport = (uint16_t)(pkt[14 + ihl] << 8 | pkt[15 + ihl]);
        dport = (uint16_t)(pkt[16 + ihl] << 8 | pkt[17 + ihl]);
        src = ntohl(src);
        dst = ntohl(dst);
        for (int k = 0; k < nkeys; k++) {
            struct tkey *e = &key[k];

            if (e->src != src || e->dst != dst || e->sport != sport || e->dport != dport)
                continue;
            if (sll.sll_pkttype == PACKET_OUTGOING) {
                e->out_pkts++;
                e->out_bytes += (uint64_t)n;
            } else {
                e->in_pkts++;
            }
            break;
        }
    }
}

/* What a host process's exit status (enum emu_exit) says failed. */
static const char *
exit_reason(int status)
{
    switch (status) {
    case EMU_EXIT_ORPHAN: return "the emulator was gone";
    case EMU_EXIT_NETNS: return "could not enter its namespace";
    case EMU_EXIT_RESULT: return "could not write its results";
    case EMU_EXIT_ARP: return "static ARP entries refused";
    case EMU_EXIT_NOMEM: return "out of memory";
    case EMU_EXIT_UDP_RECV: return "UDP receiving socket";
    case EMU_EXIT_ICMP: return "ICMP socket";
    case EMU_EXIT_UDP_SEND: return "UDP sending socket";
    case EMU_EXIT_READY: return "could not say it was ready";
    case EMU_EXIT_DONE: return "could not say it was done";
    case EMU_EXIT_POLL: return "poll failed";
    case EMU_EXIT_TAP: return "packet socket counting TCP";
    case EMU_EXIT_TCP_LISTEN: return "TCP listening socket";
    case EMU_EXIT_TCP_BIND: return "TCP socket";
    case EMU_EXIT_TCP_CONNECT: return "TCP connect";
    case EMU_EXIT_TCP_SEND: return "TCP send";
    case EMU_EXIT_TAP_DROPS: return "the packet socket dropped frames, the TCP truth would be wrong";
    default: return "unknown failure";
    }
}

static void
put_result(int fd, int32_t flow, int32_t what, uint64_t pkts, uint64_t bytes)
{
    struct result r = { flow, what, pkts, bytes };

    if (write(fd, &r, sizeof(r)) != (ssize_t)sizeof(r))
        _exit(EMU_EXIT_RESULT);
}

/* Packets the kernel dropped on socket 'fd' because its buffer was full (0 for -1). */
static uint64_t
sock_drops(int fd)
{
    uint32_t mi[SK_MEMINFO_VARS];
    socklen_t len = sizeof(mi);

    if (fd < 0 || getsockopt(fd, SOL_SOCKET, SO_MEMINFO, mi, &len) < 0 ||
        len < (socklen_t)((SK_MEMINFO_DROPS + 1) * sizeof(mi[0])))
        return 0;
    return mi[SK_MEMINFO_DROPS];
}

/*
 * The child's life: join the host, prepare sockets, say 'R', wait for the
 * go (EOF on 'go'), send on the timetable while counting what arrives, say
 * 'D', keep receiving until 'stop' closes, write the results.
 */
/*
 * How long a host process may sleep in poll(): until its next packet is
 * due ('due_s' from now), between 1 and 20 ms; 1 ms while it counts TCP
 * frames ('nkeys', its tap must not overflow); a second once it is done.
 * Sixty-four hosts waking every millisecond whatever their rates took the
 * CPU that the switch they send through needs.
 */
static int
wait_ms(bool done, int pending, int nkeys, double due_s)
{
    double ms = ceil(due_s * 1000);

    if (done)
        return 1000;
    if (nkeys || (pending && ms <= 1))
        return 1;
    if (!pending || ms >= 20)
        return 20;
    return (int)ms;
}

static void
host_main(const struct emu_traffic *tr, const struct emu_topo *t, const char *prefix,
    const struct hostjob *job, bool static_arp, int out, int go, int stop)
{
    const struct emu_node *me = &t->node[job->node];
    char ns[64];
    int udp_rx = -1, icmp = -1, *sk, tap = -1, tcp_ls = -1, nkeys = 0, nconns = 0;
    uint64_t *sent, *rcvd;
    size_t *off;
    struct tkey *key;
    struct tconn *conn;
    static uint8_t buf[2048];
    uint16_t echo_id = (uint16_t)(getpid() & 0xffff);
    double t0, end_send, last_send_ok;
    bool done = false;

    /* A killed emulator must not leave senders running in its hosts. */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() == 1)
        _exit(EMU_EXIT_ORPHAN);
    snprintf(ns, sizeof(ns), "%s-%s", prefix, me->name);
    if (netns_enter(ns) != 0)
        _exit(EMU_EXIT_NETNS);
    if (static_arp) {
        for (int i = 0; i < job->npeers; i++)
            link_neigh_add(2, t->node[job->peers[i]].ip, t->node[job->peers[i]].mac);
        if (link_neigh_add(0, 0, NULL) != 0)
            _exit(EMU_EXIT_ARP);
    }
    sk = calloc((size_t)job->nflows + 1, sizeof(*sk));
    sent = calloc((size_t)tr->nflows + 1, sizeof(*sent));
    rcvd = calloc((size_t)tr->nflows + 1, sizeof(*rcvd));
    off = calloc((size_t)job->nflows + 1, sizeof(*off));
    key = calloc((size_t)tr->nflows + 1, sizeof(*key));
    conn = calloc((size_t)tr->nflows + 1, sizeof(*conn));
    if (sk == NULL || sent == NULL || rcvd == NULL || off == NULL || key == NULL || conn == NULL)
        _exit(EMU_EXIT_NOMEM);
    /* The TCP flows this host sends or receives, both directions of each. */
    for (int fi = 0; fi < tr->nflows; fi++) {
        const struct emu_flow *f = &tr->flow[fi];

        if (f->proto != FLOW_TCP || (f->src != job->node && f->dst != job->node))
            continue;
        key[nkeys++] = (struct tkey){ .flow = fi, .src = t->node[f->src].ip,
            .dst = t->node[f->dst].ip, .sport = f->sport, .dport = f->dport };
    }
    if (nkeys > 0 && (tap = tap_open()) < 0)
        _exit(EMU_EXIT_TAP);
    if (job->receives_tcp) {
        struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(TCP_DPORT) };
        int one = 1;

        tcp_ls = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (tcp_ls < 0 || setsockopt(tcp_ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
            bind(tcp_ls, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(tcp_ls, 1024) < 0)
            _exit(EMU_EXIT_TCP_LISTEN);
    }
    if (job->receives_udp) {
        struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(UDP_DPORT) };
        /*
         * Room for seconds of a large flow: a receiver the scheduler leaves
         * waiting on a busy machine would otherwise drop in its own socket
         * (UDP RcvbufErrors), a loss no port reports and the report counts
         * as the network's.  A receiver stopped 1.5 s during sflow-emu's
         * tree,2,8 mix lost 17,078 packets so with 4 MiB.
         */
        int big = 32 << 20;

        udp_rx = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        setsockopt(udp_rx, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big));
        if (udp_rx < 0 || bind(udp_rx, (struct sockaddr *)&sa, sizeof(sa)) < 0)
            _exit(EMU_EXIT_UDP_RECV);
    }
    if (job->pings &&
        (icmp = socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_ICMP)) < 0)
        _exit(EMU_EXIT_ICMP);
    for (int i = 0; i < job->nflows; i++) {
        const struct emu_flow *f = &tr->flow[job->flows[i]];
        struct sockaddr_in src = { .sin_family = AF_INET, .sin_port = htons(f->sport),
            .sin_addr.s_addr = htonl(me->ip) };
        struct sockaddr_in dst = { .sin_family = AF_INET, .sin_port = htons(f->dport),
            .sin_addr.s_addr = htonl(t->node[f->dst].ip) };

        sk[i] = -1;
        if (f->proto == FLOW_TCP) {
            int one = 1;

            sk[i] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
            if (sk[i] < 0 || setsockopt(sk[i], SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
                setsockopt(sk[i], IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) < 0 ||
                bind(sk[i], (struct sockaddr *)&src, sizeof(src)) < 0)
                _exit(EMU_EXIT_TCP_BIND);
            continue;
        }
        if (f->proto != FLOW_UDP)
            continue;
        sk[i] = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (sk[i] < 0 || bind(sk[i], (struct sockaddr *)&src, sizeof(src)) < 0 ||
            connect(sk[i], (struct sockaddr *)&dst, sizeof(dst)) < 0)
            _exit(EMU_EXIT_UDP_SEND);
    }
    if (write(out, "R", 1) != 1)
        _exit(EMU_EXIT_READY);
    while (read(go, buf, 1) > 0)
        ;
    /* Every listener is up now: connect (blocking; a handshake on veths is quick). */
    for (int i = 0; i < job->nflows; i++) {
        const struct emu_flow *f = &tr->flow[job->flows[i]];
        struct sockaddr_in dst = { .sin_family = AF_INET, .sin_port = htons(f->dport),
            .sin_addr.s_addr = htonl(t->node[f->dst].ip) };

        if (f->proto != FLOW_TCP)
            continue;
        if (connect(sk[i], (struct sockaddr *)&dst, sizeof(dst)) < 0 ||
            fcntl(sk[i], F_SETFL, O_NONBLOCK) < 0)
            _exit(EMU_EXIT_TCP_CONNECT);
    }
    t0 = mono_s();
    end_send = t0;
    last_send_ok = t0;
    for (;;) {
        struct pollfd pfd[5];
        int np = 0, pending = 0;
        double now = mono_s() - t0, next = INFINITY;

        if (!done) {
            for (int i = 0; i < job->nflows; i++) {
                int fi = job->flows[i];
                const struct emu_flow *f = &tr->flow[fi];
                double due_d = (now - f->start) * f->rate;
                uint64_t due = due_d <= 0 ? 0 : due_d >= (double)f->count ? f->count :
                    (uint64_t)due_d + 1;

                while (sent[fi] < due) {
                    ssize_t n;

                    memcpy(buf, &fi, sizeof(fi));
                    if (f->proto == FLOW_UDP) {
                        n = send(sk[i], buf, f->size - HDR_UDP, MSG_DONTWAIT);
                    } else if (f->proto == FLOW_TCP) {
                        size_t len = f->size - HDR_TCP;

                        n = send(sk[i], buf + off[i], len - off[i], MSG_DONTWAIT | MSG_NOSIGNAL);
                        if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
                            _exit(EMU_EXIT_TCP_SEND);
                        if (n < 0)
                            break;
                        off[i] += (size_t)n;
                        if (off[i] < len)
                            break;      /* The rest of this write on the next turn. */
                        off[i] = 0;
                    } else {
                        struct icmphdr *ic = (struct icmphdr *)buf;
                        struct sockaddr_in dst = { .sin_family = AF_INET,
                            .sin_addr.s_addr = htonl(t->node[f->dst].ip) };
                        size_t len = f->size - 34;

                        memset(buf, 0, len);
                        ic->type = ICMP_ECHO;
                        ic->un.echo.id = htons(echo_id);
                        ic->un.echo.sequence = htons((uint16_t)fi);
                        memcpy(buf + 8, &fi, sizeof(fi));
                        ic->checksum = csum(buf, len);
                        n = sendto(icmp, buf, len, MSG_DONTWAIT, (struct sockaddr *)&dst,
                            sizeof(dst));
                    }
                    if (n < 0)
                        break;  /* Full queue: try again on the next turn. */
                    sent[fi]++;
                    last_send_ok = mono_s();
                }
                if (sent[fi] < f->count) {
                    double at = sent[fi] < due ? now : f->start + (double)sent[fi] / f->rate;

                    pending++;
                    next = at < next ? at : next;
                }
            }
            if (pending == 0) {
                /* Pings wait for their replies (or REPLY_WAIT_S) before 'D'. */
                bool waiting = false;

                for (int i = 0; i < job->nflows && !waiting; i++) {
                    int fi = job->flows[i];

                    if (tr->flow[fi].proto == FLOW_ICMP && rcvd[fi + 1] < sent[fi] &&
                        mono_s() - last_send_ok < REPLY_WAIT_S)
                        waiting = true;
                }
                /* TCP: the receiver closes once it has everything; then we close. */
                for (int i = 0; i < job->nflows; i++) {
                    ssize_t n;

                    if (tr->flow[job->flows[i]].proto != FLOW_TCP || sk[i] < 0)
                        continue;
                    n = recv(sk[i], buf, sizeof(buf), MSG_DONTWAIT);
                    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
                        waiting = true;
                        continue;
                    }
                    close(sk[i]);
                    sk[i] = -1;
                }
                if (!waiting) {
                    done = true;
                    end_send = mono_s();
                    if (write(out, "D", 1) != 1)
                        _exit(EMU_EXIT_DONE);
                }
            }
        }
        (void)end_send;
        if (udp_rx >= 0)
            pfd[np++] = (struct pollfd){ .fd = udp_rx, .events = POLLIN };
        if (icmp >= 0)
            pfd[np++] = (struct pollfd){ .fd = icmp, .events = POLLIN };
        if (tap >= 0)
            pfd[np++] = (struct pollfd){ .fd = tap, .events = POLLIN };
        if (tcp_ls >= 0)
            pfd[np++] = (struct pollfd){ .fd = tcp_ls, .events = POLLIN };
        if (done)
            pfd[np++] = (struct pollfd){ .fd = stop, .events = POLLIN };
        if (poll(pfd, (nfds_t)np, wait_ms(done, pending, nkeys, next - now)) < 0 && errno != EINTR)
            _exit(EMU_EXIT_POLL);
        if (tap >= 0)
            tap_drain(tap, key, nkeys);
        if (tcp_ls >= 0) {
            struct sockaddr_in pa;
            socklen_t plen = sizeof(pa);
            int fd;

            while ((fd = accept4(tcp_ls, (struct sockaddr *)&pa, &plen,
                SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
                int fi;

                plen = sizeof(pa);
                for (fi = 0; fi < tr->nflows; fi++) {
                    const struct emu_flow *f = &tr->flow[fi];

                    if (f->proto == FLOW_TCP && !f->reply && f->dst == job->node &&
                        f->sport == ntohs(pa.sin_port) &&
                        t->node[f->src].ip == ntohl(pa.sin_addr.s_addr))
                        break;
                }
                if (fi == tr->nflows || nconns > tr->nflows) {
                    close(fd);
                    continue;
                }
                conn[nconns++] = (struct tconn){ .fd = fd, .flow = fi,
                    .want = tr->flow[fi].count * (tr->flow[fi].size - HDR_TCP) };
            }
        }
        for (int c = 0; c < nconns; c++) {
            ssize_t n = 0;

            while (conn[c].fd >= 0 && (n = recv(conn[c].fd, buf, sizeof(buf), 0)) > 0)
                conn[c].got += (uint64_t)n;
            if (conn[c].fd >= 0 && (n == 0 || conn[c].got >= conn[c].want ||
                (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK))) {
                close(conn[c].fd);
                conn[c].fd = -1;
            }
        }
        if (udp_rx >= 0) {
            ssize_t n;

            while ((n = recv(udp_rx, buf, sizeof(buf), 0)) >= 4) {
                int fi;

                memcpy(&fi, buf, sizeof(fi));
                if (fi >= 0 && fi < tr->nflows)
                    rcvd[fi]++;
            }
        }
        if (icmp >= 0) {
            ssize_t n;

            while ((n = recv(icmp, buf, sizeof(buf), 0)) >= 28) {
                size_t ihl = (size_t)(buf[0] & 15) * 4;
                const struct icmphdr *ic = (const struct icmphdr *)(buf + ihl);
                int fi;

                if ((size_t)n < ihl + 12 || ic->type != ICMP_ECHOREPLY ||
                    ntohs(ic->un.echo.id) != echo_id)
                    continue;
                memcpy(&fi, buf + ihl + 8, sizeof(fi));
                /* The reply flow follows its request flow; count it there as fi + 1. */
                if (fi >= 0 && fi + 1 < tr->nflows)
                    rcvd[fi + 1]++;
            }
        }
        if (done && np > 0 && (pfd[np - 1].revents & (POLLIN | POLLHUP)))
            break;
    }
    if (tap >= 0) {
        struct tpacket_stats st;
        socklen_t sl = sizeof(st);

        tap_drain(tap, key, nkeys);
        /* A frame the tap dropped would make the truth wrong: fail instead. */
        if (getsockopt(tap, SOL_PACKET, PACKET_STATISTICS, &st, &sl) < 0 || st.tp_drops)
            _exit(EMU_EXIT_TAP_DROPS);
    }
    /*
     * Lost in this host, not in the network: the report tells them apart.
     * Not the ICMP socket's: it also gets a copy of each echo request the
     * kernel answers, and a copy dropped there is no packet lost.
     */
    put_result(out, -1, 4, sock_drops(udp_rx), 0);
    for (int k = 0; k < nkeys; k++) {
        const struct emu_flow *f = &tr->flow[key[k].flow];

        if (f->src == job->node)
            put_result(out, key[k].flow, f->reply ? 3 : 0, key[k].out_pkts, key[k].out_bytes);
        else
            put_result(out, key[k].flow, 1, key[k].in_pkts, 0);
    }
    for (int i = 0; i < job->nflows; i++) {
        int fi = job->flows[i];

        if (tr->flow[fi].proto == FLOW_TCP)
            continue;
        put_result(out, fi, 0, sent[fi], sent[fi] * tr->flow[fi].size);
        if (tr->flow[fi].proto == FLOW_ICMP)
            put_result(out, fi + 1, 2, rcvd[fi + 1], rcvd[fi + 1] * tr->flow[fi].size);
    }
    for (int fi = 0; fi < tr->nflows; fi++)
        if (tr->flow[fi].proto == FLOW_UDP && tr->flow[fi].dst == job->node && rcvd[fi])
            put_result(out, fi, 1, rcvd[fi], 0);
    _exit(EMU_EXIT_OK);
}

static int
add_peer(struct hostjob *j, int peer)
{
    void *p;

    for (int i = 0; i < j->npeers; i++)
        if (j->peers[i] == peer)
            return 0;
    if ((p = emu_grow(j->peers, j->npeers, sizeof(*j->peers))) == NULL)
        return ENOMEM;
    j->peers = p;
    j->peers[j->npeers++] = peer;
    return 0;
}

/*
 * Runs the flows of 'tr' and fills in their truth (sent_pkts, sent_bytes,
 * rcvd_pkts).  With 'static_arp', hosts get permanent neighbour entries
 * for their peers first, so that no ARP joins the counted traffic.
 * Returns 0, or an errno with a message in 'err'.
 */
int
traffic_run(struct emu_traffic *tr, const struct emu_topo *t, const char *prefix,
    bool static_arp, char *err, size_t errlen)
{
    struct hostjob *job = calloc((size_t)t->nnodes, sizeof(*job));
    int *out = calloc((size_t)t->nnodes, sizeof(int));
    pid_t *pid = calloc((size_t)t->nnodes, sizeof(pid_t));
    int go[2] = { -1, -1 }, stop[2] = { -1, -1 }, nkids = 0, e = 0, ready = 0, doneN = 0;
    struct pollfd *pfd = NULL;

    tr->host_drops = 0;
    if (job == NULL || out == NULL || pid == NULL || pipe2(go, O_CLOEXEC) < 0 ||
        pipe2(stop, O_CLOEXEC) < 0) {
        e = ENOMEM;
        snprintf(err, errlen, "traffic: %s", strerror(errno));
        goto out;
    }
    for (int i = 0; i < t->nnodes; i++) {
        job[i].node = i;
        out[i] = -1;
    }
    for (int fi = 0; fi < tr->nflows; fi++) {
        struct emu_flow *f = &tr->flow[fi];
        struct hostjob *s = &job[f->src], *d = &job[f->dst];
        void *p;

        f->sent_pkts = f->sent_bytes = f->rcvd_pkts = 0;
        if (f->reply)
            continue;
        if ((p = emu_grow(s->flows, s->nflows, sizeof(*s->flows))) == NULL) {
            e = ENOMEM;
            goto out;
        }
        s->flows = p;
        s->flows[s->nflows++] = fi;
        if (f->proto == FLOW_UDP)
            d->receives_udp = true;
        else if (f->proto == FLOW_TCP)
            d->receives_tcp = true;
        else
            s->pings = true;
        if (static_arp && (add_peer(s, f->dst) != 0 || add_peer(d, f->src) != 0)) {
            e = ENOMEM;
            goto out;
        }
    }
    signal(SIGPIPE, SIG_IGN);
    for (int i = 0; i < t->nnodes; i++) {
        int p[2];

        if (job[i].nflows == 0 && !job[i].receives_udp && !job[i].receives_tcp &&
            job[i].npeers == 0)
            continue;
        if (pipe2(p, O_CLOEXEC) < 0) {
            e = errno;
            snprintf(err, errlen, "traffic: pipe: %s", strerror(e));
            break;
        }
        fflush(NULL);
        if ((pid[i] = fork()) < 0) {
            e = errno;
            close(p[0]);
            close(p[1]);
            snprintf(err, errlen, "traffic: fork: %s", strerror(e));
            break;
        }
        if (pid[i] == 0) {
            close(p[0]);
            close(go[1]);
            close(stop[1]);
            host_main(tr, t, prefix, &job[i], static_arp, p[1], go[0], stop[0]);
        }
        close(p[1]);
        out[i] = p[0];
        nkids++;
    }
    close(go[0]);
    close(stop[0]);
    go[0] = stop[0] = -1;
    if ((pfd = calloc((size_t)t->nnodes, sizeof(*pfd))) == NULL)
        e = ENOMEM;
    /* Phase 1: every child ready ('R'); then the go.  Phase 2: every child done ('D'). */
    for (int phase = 0; phase < 2 && e == 0; phase++) {
        int want = nkids, have = 0;

        while (have < want) {
            int np = 0, r;

            for (int i = 0; i < t->nnodes; i++)
                if (out[i] >= 0)
                    pfd[np++] = (struct pollfd){ .fd = out[i], .events = POLLIN };
            r = poll(pfd, (nfds_t)np, 30000);
            if (r < 0 && errno == EINTR && !emu_stop)
                continue;
            if (r <= 0) {
                e = r < 0 ? EINTR : ETIMEDOUT;
                snprintf(err, errlen, "traffic: hosts did not %s in time",
                    phase ? "finish" : "start");
                break;
            }
            for (int k = 0; k < np; k++) {
                char c;

                if (!(pfd[k].revents & (POLLIN | POLLHUP)))
                    continue;
                if (read(pfd[k].fd, &c, 1) != 1) {
                    e = EIO;
                    snprintf(err, errlen, "traffic: a host process failed");
                    break;
                }
                have++;
            }
            if (e)
                break;
        }
        if (phase == 0) {
            ready = have;
            close(go[1]);       /* EOF: everyone starts now. */
            go[1] = -1;
        } else {
            doneN = have;
        }
    }
    (void)ready, (void)doneN;
    /* Let the last packets arrive, then collect. */
    usleep(300000);
    close(stop[1]);
    stop[1] = -1;
    for (int i = 0; i < t->nnodes; i++) {
        struct result r;

        if (out[i] < 0)
            continue;
        while (read(out[i], &r, sizeof(r)) == (ssize_t)sizeof(r)) {
            struct emu_flow *f;

            if (r.what == 4)
                tr->host_drops += r.pkts;
            if (r.flow < 0 || r.flow >= tr->nflows)
                continue;
            f = &tr->flow[r.flow];
            if (r.what == 0) {
                f->sent_pkts = r.pkts;
                f->sent_bytes = r.bytes;
            } else if (r.what == 1) {
                f->rcvd_pkts = r.pkts;
            } else if (r.what == 3) {
                f->sent_pkts = r.pkts;
                f->sent_bytes = r.bytes;
            } else if (r.what == 2 && r.flow > 0) {
                /* Echo replies (the flow after its requests'): the kernel sent one per request that arrived. */
                f->sent_pkts = f->rcvd_pkts = r.pkts;
                f->sent_bytes = r.bytes;
                tr->flow[r.flow - 1].rcvd_pkts = r.pkts;
            }
        }
        close(out[i]);
    }
    for (int i = 0; i < t->nnodes; i++) {
        int st;

        /* After a failure or a signal, senders still on their timetable are not waited for. */
        if (pid[i] > 0 && e != 0)
            kill(pid[i], SIGKILL);
        if (pid[i] > 0 && waitpid(pid[i], &st, 0) == pid[i] && e == 0 &&
            (!WIFEXITED(st) || WEXITSTATUS(st) != 0)) {
            e = EIO;
            if (WIFEXITED(st))
                snprintf(err, errlen, "traffic: the process of %s failed: %s (status %d)",
                    t->node[i].name, exit_reason(WEXITSTATUS(st)), WEXITSTATUS(st));
            else
                snprintf(err, errlen, "traffic: the process of %s was killed by signal %d",
                    t->node[i].name, WTERMSIG(st));
        }
    }
out:
    for (int k = 0; k < 2; k++) {
        if (go[k] >= 0)
            close(go[k]);
        if (stop[k] >= 0)
            close(stop[k]);
    }
    if (job != NULL)
        for (int i = 0; i < t->nnodes; i++) {
            free(job[i].flows);
            free(job[i].peers);
        }
    free(job);
    free(out);
    free(pid);
    free(pfd);
    return e;
}
