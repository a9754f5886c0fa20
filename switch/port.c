/*
 * port: interface open/close and counters; see port.h.
 */
#include "port.h"

#include <errno.h>
#include <linux/if_packet.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bridge.h"
#include "tap.h"

/* Interface 'name''s flags, read through 'fd', into 'ifr'; 0 or an errno. */
static int
link_flags(int fd, const char *name, struct ifreq *ifr)
{
    memset(ifr, 0, sizeof(*ifr));
    snprintf(ifr->ifr_name, sizeof(ifr->ifr_name), "%s", name);
    return ioctl(fd, SIOCGIFFLAGS, ifr) < 0 ? errno : 0;
}

int
port_link_set(const char *name, bool up)
{
    struct ifreq ifr;
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), e;

    if (fd < 0)
        return errno;
    if ((e = link_flags(fd, name, &ifr)) == 0 && !(ifr.ifr_flags & IFF_UP) != !up) {
        ifr.ifr_flags ^= IFF_UP;
        if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
            e = errno;
    }
    close(fd);
    return e;
}

/* Whether interface 'name' is administratively up (a host sets the local port's tap up). */
static bool
link_is_up(const char *name)
{
    struct ifreq ifr;
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    bool up;

    if (fd < 0)
        return false;
    up = link_flags(fd, name, &ifr) == 0 && (ifr.ifr_flags & IFF_UP) != 0;
    close(fd);
    return up;
}

/* Closes 'p', whose interface went away; false, for port_check() and port_bound(). */
static bool
lost(struct port *p)
{
    port_close(p);
    snprintf(p->error, sizeof(p->error), "interface lost");
    return false;
}

bool
port_check(struct port *p)
{
    int err = 0;
    socklen_t len = sizeof(err);
    unsigned idx;

    /* Reading SO_ERROR clears it (ENETDOWN when the link went down and up). */
    (void)getsockopt(p->ring.fd, SOL_SOCKET, SO_ERROR, &err, &len);
    idx = if_nametoindex(p->name);
    if (idx != 0 && (int)idx == p->ifindex)
        return true;
    return lost(p);
}

bool
port_bound(struct port *p)
{
    struct sockaddr_ll sll;
    socklen_t len = sizeof(sll);

    if (p->ring.fd < 0)
        return true;
    /* The kernel sets the socket's ifindex to -1 when its interface is unregistered. */
    if (getsockname(p->ring.fd, (struct sockaddr *)&sll, &len) < 0 || sll.sll_ifindex == p->ifindex)
        return true;
    return lost(p);
}

/* Registers the newly opened 'p' with the loop's epoll; 0, or an errno (then it is closed again). */
static int
watch(struct port *p)
{
    struct epoll_event ev;
    int e;

    p->ev.kind = SW_EV_PORT;
    ev.events = EPOLLIN;
    ev.data.ptr = &p->ev;
    if (epoll_ctl(p->br->sw->epfd, EPOLL_CTL_ADD, p->ring.fd, &ev) < 0) {
        e = errno;
        port_close(p);
        snprintf(p->error, sizeof(p->error), "epoll: %s", strerror(e));
        return e;
    }
    p->error[0] = '\0';
    p->tx.n = 0;
    return 0;
}

/* Creates the device of the bridge-local port 'p' (tap.h). */
static int
open_local(struct port *p)
{
    const char *what = "";
    uint8_t mac[6];
    int e;

    bridge_local_mac(p->br, mac);
    if ((e = tap_open(&p->ring, p->name, mac, &p->ifindex, &what)) != 0) {
        snprintf(p->error, sizeof(p->error), "cannot create the internal device: %s: %s",
            what, e == EBUSY || e == EINVAL ? "a device of that name exists" : strerror(e));
        return e;
    }
    return watch(p);
}

int
port_open(struct port *p)
{
    const char *what = "";
    unsigned idx;
    int e;

    if (p->ring.fd >= 0)
        return 0;
    if (p->local)
        return open_local(p);
    idx = if_nametoindex(p->name);
    if (idx == 0) {
        e = errno;
        snprintf(p->error, sizeof(p->error), "no such interface");
        return e == 0 ? ENODEV : e;
    }
    p->ifindex = (int)idx;
    /* Up before bind: a packet socket bound to a down interface reports ENETDOWN. */
    if ((e = port_link_set(p->name, !p->down)) != 0) {
        snprintf(p->error, sizeof(p->error), "cannot bring it up: %s", strerror(e));
        return e;
    }
    if ((e = ring_open(&p->ring, p->ifindex, &what)) != 0) {
        snprintf(p->error, sizeof(p->error), "%s: %s", what, strerror(e));
        return e;
    }
    return watch(p);
}

void
port_close(struct port *p)
{
    port_read_drops(p);
    /* The descriptor lives on a moment in a closer thread: leave the epoll now. */
    if (p->ring.fd >= 0)
        (void)epoll_ctl(p->br->sw->epfd, EPOLL_CTL_DEL, p->ring.fd, NULL);
    if (p->local)
        ring_close_now(&p->ring);
    else
        ring_close(&p->ring);
    p->tx.n = 0;
}

void
port_retry(struct port *p, uint64_t now_ms)
{
    if (p->ring.fd >= 0 || now_ms < p->retry_ms)
        return;
    p->retry_ms = now_ms + 1000;
    (void)port_open(p);
}

void
port_read_drops(struct port *p)
{
    uint64_t n = ring_drops(&p->ring);

    if (n == 0)
        return;
    p->ring_drops += n;
    sampler_lost(&p->smp, n);
}

static void
count_tx(struct port_stats *st, uint32_t bytes, uint16_t segs, uint8_t cast)
{
    st->tx_packets += segs;
    st->tx_bytes += bytes;
    if (cast == CAST_UCAST)
        st->tx_ucast += segs;
    else if (cast == CAST_MCAST)
        st->tx_mcast += segs;
    else
        st->tx_bcast += segs;
}

void
port_flush(struct port *p)
{
    bool sent[RING_TX_BATCH];
    unsigned n = p->tx.n;

    if (n == 0)
        return;
    if (p->local)
        tap_tx_flush(&p->ring, &p->tx, sent);
    else
        ring_tx_flush(&p->ring, &p->tx, sent);
    for (unsigned i = 0; i < n; i++) {
        if (sent[i])
            count_tx(&p->st, p->tx_bytes[i], p->tx_segs[i], p->tx_cast[i]);
        else
            p->st.tx_dropped += p->tx_segs[i];
    }
}

void
port_local_poll(struct port *p)
{
    p->local_up = p->ring.fd >= 0 && link_is_up(p->name);
}

unsigned
port_recv(struct port *p, struct ring_rx *rx)
{
    return p->local ? ring_recv_read(&p->ring, rx) : ring_recv(&p->ring, rx);
}

void
port_records(const struct port *p, struct records_port *rp)
{
    const struct port_stats *st = &p->st;

    records_port_unknown(rp);
    rp->ifindex = (uint32_t)p->ifindex;
    rp->iftype = RECORDS_IFTYPE_ETHERNET;
    rp->speed = 0;
    rp->direction = 1;
    /* ifAdminStatus and ifOperStatus up; the local port's device is up when the host set it so. */
    rp->status = p->ring.fd >= 0 && (!p->local || p->local_up) ? 3 : 0;
    rp->in_octets = st->rx_bytes;
    rp->in_ucast = (uint32_t)st->rx_ucast;
    rp->in_mcast = (uint32_t)st->rx_mcast;
    rp->in_bcast = (uint32_t)st->rx_bcast;
    rp->in_discards = (uint32_t)(st->rx_dropped + p->ring_drops);
    rp->in_errors = (uint32_t)st->rx_errors;
    rp->in_unknown = 0;
    rp->out_octets = st->tx_bytes;
    rp->out_ucast = (uint32_t)st->tx_ucast;
    rp->out_mcast = (uint32_t)st->tx_mcast;
    rp->out_bcast = (uint32_t)st->tx_bcast;
    rp->out_discards = (uint32_t)st->tx_dropped;
    rp->out_errors = (uint32_t)st->tx_errors;
    rp->promisc = 1;
    snprintf(rp->name, sizeof(rp->name), "%s", p->name);
}
