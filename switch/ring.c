/*
 * ring: packet sockets, the shared receive batch, sendmmsg() transmit and
 * the background closers; see ring.h.
 */
#include "ring.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

/*
 * A slot holds the largest GSO frame a veth makes (64 KiB) with its
 * virtio_net_hdr and Ethernet header; bigger ones are cut and counted as
 * errors.
 */
#define RING_SLOT (65536 + 512)

/*
 * The most a port's socket may hold while the loop is busy elsewhere or
 * not running: a limit, not an allocation (the kernel charges the frames
 * queued, a full-size frame from a veth about 4 KiB).  On a busy machine
 * the scheduler leaves the switch waiting for 100 ms and more while a
 * sender goes on; with 4 MiB, sflow-emu's tree,2,8 mix at 20,000 packets/s
 * lost 5-14 % of its packets on the ports of its largest flow, with 32 MiB
 * (about 8,000 full-size frames, 0.6 s of that flow) none in most runs;
 * see tests/bench/accuracy_bench.sh and README.md.
 */
#define RING_RCVBUF (32 << 20)

/* The limit of the ports opened from now on (ring_set_rcvbuf()). */
static int rcvbuf = RING_RCVBUF;

/*
 * How long a port whose send buffer is full may hold up the loop, once
 * per flush, before its frames are dropped.  The buffer holds the frames
 * the interface has not released yet: a veth releases them when the
 * receiving side's softirq has taken them, which on a busy machine runs
 * late (in ksoftirqd, a process like any other).  Waiting lets it run;
 * meanwhile arriving frames wait in the ports' sockets.  Dropping at once
 * (with a 4 MiB send buffer) lost 44 % of sflow-emu's tree,2,8 mix on one
 * run at nice -10.  The buffer keeps its default size (about 200 KiB): a
 * larger one can fill the receiving CPU's backlog (1000 frames) first,
 * and the kernel drops there without telling the switch.
 */
#define RING_TX_WAIT_MS 10

/* Closer threads: enough for a thousand closes to overlap in a few grace periods. */
#define CLOSERS_MAX 64
#define CLOSER_IDLE_S 2
#define CLOSER_STACK (64 << 10)

struct ring_rx {
    struct mmsghdr msg[RING_RX_BATCH];
    struct iovec iov[RING_RX_BATCH];
    union {
        struct cmsghdr align;
        char buf[CMSG_SPACE(sizeof(struct tpacket_auxdata))];
    } cmsg[RING_RX_BATCH];
    uint8_t *slots;             /* RING_RX_BATCH * RING_SLOT bytes. */
};

int
ring_open(struct ring *r, int ifindex, const char **what)
{
    struct sockaddr_ll sll;
    struct packet_mreq mr;
    int v, e;

    r->vnet = false;
    /* Protocol 0: no packet is queued before bind() says which interface (and ETH_P_ALL). */
    *what = "socket";
    r->fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (r->fd < 0)
        return errno;
    v = 1;
    r->vnet = setsockopt(r->fd, SOL_PACKET, PACKET_VNET_HDR, &v, sizeof(v)) == 0;
    *what = "PACKET_AUXDATA";
    if (setsockopt(r->fd, SOL_PACKET, PACKET_AUXDATA, &v, sizeof(v)) < 0)
        goto fail;
    /* Kernels before 4.20 lack it; the switch then sees its own frames (and drops them by MAC learning). */
    (void)setsockopt(r->fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &v, sizeof(v));
    /* Only root may go past rmem_max; anyone else keeps the default, which still works. */
    v = rcvbuf;
    if (setsockopt(r->fd, SOL_SOCKET, SO_RCVBUFFORCE, &v, sizeof(v)) < 0)
        (void)setsockopt(r->fd, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v));
    memset(&sll, 0, sizeof(sll));
    sll.sll_family = AF_PACKET;
    sll.sll_protocol = htons(ETH_P_ALL);
    sll.sll_ifindex = ifindex;
    *what = "bind";
    if (bind(r->fd, (struct sockaddr *)&sll, sizeof(sll)) < 0)
        goto fail;
    memset(&mr, 0, sizeof(mr));
    mr.mr_ifindex = ifindex;
    mr.mr_type = PACKET_MR_PROMISC;
    *what = "PACKET_ADD_MEMBERSHIP";
    if (setsockopt(r->fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof(mr)) < 0)
        goto fail;
    return 0;
fail:
    e = errno;
    ring_close(r);
    return e;
}

void
ring_set_rcvbuf(size_t bytes)
{
    rcvbuf = (int)(bytes > RING_RCVBUF_MAX ? RING_RCVBUF_MAX : bytes);
}

/* ---- closing in the background ---- */

static pthread_mutex_t closer_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t closer_work = PTHREAD_COND_INITIALIZER;
static pthread_cond_t closer_done = PTHREAD_COND_INITIALIZER;
static int *closer_q;                   /* Descriptors waiting to be closed. */
static size_t closer_n, closer_cap;
static unsigned closer_threads, closer_idle, closer_busy;

static void *
closer_main(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&closer_mu);
    for (;;) {
        struct timespec ts;
        int fd;

        while (closer_n == 0) {
            int e;

            clock_gettime(CLOCK_REALTIME, &ts);
            ts.tv_sec += CLOSER_IDLE_S;
            closer_idle++;
            e = pthread_cond_timedwait(&closer_work, &closer_mu, &ts);
            closer_idle--;
            if (e == ETIMEDOUT && closer_n == 0) {
                closer_threads--;
                pthread_mutex_unlock(&closer_mu);
                return NULL;
            }
        }
        fd = closer_q[--closer_n];
        closer_busy++;
        pthread_mutex_unlock(&closer_mu);
        close(fd);
        pthread_mutex_lock(&closer_mu);
        closer_busy--;
        if (closer_n == 0 && closer_busy == 0)
            pthread_cond_broadcast(&closer_done);
    }
}

/* Queues 'fd' for a closer thread; false (nothing queued) if none can take it. */
static bool
close_later(int fd)
{
    bool ok = true;

    pthread_mutex_lock(&closer_mu);
    if (closer_n == closer_cap) {
        size_t cap = closer_cap ? closer_cap * 2 : 64;
        int *q = realloc(closer_q, cap * sizeof(*q));

        if (q == NULL) {
            pthread_mutex_unlock(&closer_mu);
            return false;
        }
        closer_q = q;
        closer_cap = cap;
    }
    if (closer_idle <= closer_n && closer_threads < CLOSERS_MAX) {
        pthread_attr_t a;
        pthread_t t;

        pthread_attr_init(&a);
        pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
        pthread_attr_setstacksize(&a, CLOSER_STACK);
        if (pthread_create(&t, &a, closer_main, NULL) == 0)
            closer_threads++;
        pthread_attr_destroy(&a);
    }
    if (closer_threads == 0)
        ok = false;
    else {
        closer_q[closer_n++] = fd;
        pthread_cond_signal(&closer_work);
    }
    pthread_mutex_unlock(&closer_mu);
    return ok;
}

void
ring_close(struct ring *r)
{
    if (r->fd >= 0 && close_later(r->fd))
        r->fd = -1;
    ring_close_now(r);
}

void
ring_close_now(struct ring *r)
{
    if (r->fd >= 0)
        close(r->fd);
    r->fd = -1;
}

void
ring_close_wait(void)
{
    pthread_mutex_lock(&closer_mu);
    while (closer_n > 0 || closer_busy > 0)
        pthread_cond_wait(&closer_done, &closer_mu);
    pthread_mutex_unlock(&closer_mu);
}

uint64_t
ring_drops(struct ring *r)
{
    struct tpacket_stats st;
    socklen_t len = sizeof(st);

    if (r->fd < 0 || getsockopt(r->fd, SOL_PACKET, PACKET_STATISTICS, &st, &len) < 0)
        return 0;
    return st.tp_drops;
}

/* ---- receive ---- */

struct ring_rx *
ring_rx_new(void)
{
    struct ring_rx *rx = calloc(1, sizeof(*rx));

    if (rx == NULL)
        return NULL;
    /* Anonymous memory: a slot's pages exist only once a frame that long came in. */
    rx->slots = mmap(NULL, (size_t)RING_RX_BATCH * RING_SLOT, PROT_READ | PROT_WRITE,
        MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (rx->slots == MAP_FAILED) {
        free(rx);
        return NULL;
    }
    for (unsigned i = 0; i < RING_RX_BATCH; i++) {
        struct msghdr *m = &rx->msg[i].msg_hdr;

        rx->iov[i].iov_base = rx->slots + (size_t)i * RING_SLOT;
        rx->iov[i].iov_len = RING_SLOT;
        m->msg_iov = &rx->iov[i];
        m->msg_iovlen = 1;
        m->msg_control = rx->cmsg[i].buf;
    }
    return rx;
}

void
ring_rx_free(struct ring_rx *rx)
{
    if (rx == NULL)
        return;
    munmap(rx->slots, (size_t)RING_RX_BATCH * RING_SLOT);
    free(rx);
}

unsigned
ring_recv(struct ring *r, struct ring_rx *rx)
{
    int n;

    if (r->fd < 0)
        return 0;
    /* The kernel rewrites only the control length (and the flags, an output) of each message. */
    for (unsigned i = 0; i < RING_RX_BATCH; i++)
        rx->msg[i].msg_hdr.msg_controllen = sizeof(rx->cmsg[i].buf);
    do
        n = recvmmsg(r->fd, rx->msg, RING_RX_BATCH, MSG_DONTWAIT, NULL);
    while (n < 0 && errno == EINTR);
    return n > 0 ? (unsigned)n : 0;
}

unsigned
ring_recv_read(struct ring *r, struct ring_rx *rx)
{
    unsigned n = 0;

    if (r->fd < 0)
        return 0;
    for (; n < RING_RX_BATCH; n++) {
        ssize_t len;

        do
            len = read(r->fd, rx->iov[n].iov_base, rx->iov[n].iov_len);
        while (len < 0 && errno == EINTR);
        if (len <= 0)
            break;
        rx->msg[n].msg_len = (unsigned)len;
        rx->msg[n].msg_hdr.msg_controllen = 0;
        rx->msg[n].msg_hdr.msg_flags = 0;
    }
    return n;
}

void
ring_rx_frame(const struct ring *r, const struct ring_rx *rx, unsigned i, struct ring_frame *f)
{
    const struct msghdr *m = &rx->msg[i].msg_hdr;
    const uint8_t *p = rx->iov[i].iov_base;
    uint32_t n = rx->msg[i].msg_len, hdr = r->vnet ? sizeof(struct virtio_net_hdr) : 0;
    struct cmsghdr *c;

    memset(f, 0, sizeof(*f));
    if (n < hdr)
        n = hdr;
    f->vnet = r->vnet ? (const struct virtio_net_hdr *)p : NULL;
    f->data = p + hdr;
    f->len = n - hdr;
    f->wire_len = f->len;
    for (c = CMSG_FIRSTHDR((struct msghdr *)m); c; c = CMSG_NXTHDR((struct msghdr *)m, c)) {
        struct tpacket_auxdata aux;

        if (c->cmsg_level != SOL_PACKET || c->cmsg_type != PACKET_AUXDATA ||
            c->cmsg_len < CMSG_LEN(sizeof(aux)))
            continue;
        memcpy(&aux, CMSG_DATA(c), sizeof(aux));
        f->wire_len = aux.tp_len;
        if (aux.tp_status & TP_STATUS_VLAN_VALID) {
            f->has_vlan = true;
            f->tci = aux.tp_vlan_tci;
        }
    }
    /* A frame cut to the slot: say so, so that the datapath counts an error. */
    if ((m->msg_flags & MSG_TRUNC) && f->wire_len <= f->len)
        f->wire_len = f->len + 1;
}

/* ---- transmit ---- */

unsigned
ring_tx_flush(struct ring *r, struct ring_tx *tx, bool *sent)
{
    unsigned i = 0, ok = 0;
    bool waited = false;

    while (i < tx->n) {
        int n = sendmmsg(r->fd, &tx->msg[i], tx->n - i, MSG_DONTWAIT);

        if (n <= 0) {
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0 && errno == EAGAIN && !waited) {
                struct pollfd pfd = { .fd = r->fd, .events = POLLOUT };

                waited = true;
                if (poll(&pfd, 1, RING_TX_WAIT_MS) > 0)
                    continue;
            }
            /* The message at 'i' failed (full queue, too big, link down): skip it. */
            sent[i++] = false;
            continue;
        }
        for (int k = 0; k < n; k++)
            sent[i++] = true;
        ok += (unsigned)n;
    }
    tx->n = 0;
    return ok;
}
