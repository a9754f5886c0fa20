/*
 * ports: interfaces, bridges, counters and FDB through libnl-3; see ports.h.
 */
#include "ports.h"

#include <errno.h>
#include <linux/ethtool.h>
#include <linux/if_bridge.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <netlink/cache.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/bridge.h>
#include <netlink/route/neighbour.h>

#define FDB_MAX 4096

/* RFC 2863 operational states as linux/if.h numbers them (that header clashes with net/if.h). */
#ifndef IF_OPER_UP
#define IF_OPER_UNKNOWN 0
#define IF_OPER_UP 6
#endif

struct fdb_entry {
    uint8_t mac[6];
    uint16_t vlan;
    int ifindex, master;
    bool local;
};

struct ports {
    struct nl_sock *sk;         /* Requests and dumps. */
    struct nl_sock *ev;         /* RTNLGRP_LINK events. */
    struct nl_cache *links;     /* AF_UNSPEC links. */
    struct nl_cache *brlinks;   /* AF_BRIDGE links: port VLAN settings. */
    bool changed;
    int ioctl_fd;               /* For SIOCETHTOOL. */
    uint64_t fdb_ms;            /* When the FDB was last read; 0 never. */
    size_t n_fdb;
    struct fdb_entry fdb[FDB_MAX];
};

/* libnl's negative NLE_* codes, as the errno this module returns. */
static int
nl_errno(int nle)
{
    switch (-nle) {
    case NLE_NOMEM:
        return ENOMEM;
    case NLE_PERM:
        return EPERM;
    case NLE_OBJ_NOTFOUND:
    case NLE_NODEV:
        return ENODEV;
    case NLE_AGAIN:
        return EAGAIN;
    default:
        return EIO;
    }
}

static int
on_event(struct nl_msg *msg, void *arg)
{
    struct ports *p = arg;

    (void)msg;
    p->changed = true;
    return NL_OK;
}

int
ports_open(struct ports **pp)
{
    struct ports *p = calloc(1, sizeof(*p));
    int e;

    if (p == NULL)
        return ENOMEM;
    p->ioctl_fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    p->sk = nl_socket_alloc();
    p->ev = nl_socket_alloc();
    if (p->sk == NULL || p->ev == NULL) {
        ports_close(p);
        return ENOMEM;
    }
    if ((e = nl_connect(p->sk, NETLINK_ROUTE)) < 0)
        goto fail;
    nl_socket_disable_seq_check(p->ev);
    nl_socket_modify_cb(p->ev, NL_CB_VALID, NL_CB_CUSTOM, on_event, p);
    if ((e = nl_connect(p->ev, NETLINK_ROUTE)) < 0 ||
        (e = nl_socket_add_memberships(p->ev, RTNLGRP_LINK, 0)) < 0 ||
        (e = nl_socket_set_nonblocking(p->ev)) < 0)
        goto fail;
    /* A burst of events (many ports at once) must not overflow the socket. */
    nl_socket_set_buffer_size(p->ev, 1 << 20, 0);
    if ((e = rtnl_link_alloc_cache(p->sk, AF_UNSPEC, &p->links)) < 0)
        goto fail;
    /* Without VLAN support for bridges, there are no PVIDs: not an error. */
    if (rtnl_link_alloc_cache(p->sk, AF_BRIDGE, &p->brlinks) < 0)
        p->brlinks = NULL;
    *pp = p;
    return 0;
fail:
    ports_close(p);
    return nl_errno(e);
}

void
ports_close(struct ports *p)
{
    if (p == NULL)
        return;
    if (p->links)
        nl_cache_free(p->links);
    if (p->brlinks)
        nl_cache_free(p->brlinks);
    if (p->sk)
        nl_socket_free(p->sk);
    if (p->ev)
        nl_socket_free(p->ev);
    if (p->ioctl_fd >= 0)
        close(p->ioctl_fd);
    free(p);
}

int
ports_event_fd(const struct ports *p)
{
    return nl_socket_get_fd(p->ev);
}

bool
ports_events(struct ports *p)
{
    int e;

    for (;;) {
        e = nl_recvmsgs_default(p->ev);
        if (e >= 0)
            continue;
        if (e == -NLE_AGAIN)
            break;
        /* Lost events (ENOBUFS) or a bad message: rescan all the same. */
        p->changed = true;
        if (e != -NLE_NOMEM && e != -NLE_MSG_OVERFLOW && e != -NLE_DUMP_INTR)
            break;
    }
    if (!p->changed)
        return false;
    p->changed = false;
    return true;
}

int
ports_refresh(struct ports *p)
{
    int e = nl_cache_refill(p->sk, p->links);

    if (p->brlinks != NULL)
        (void)nl_cache_refill(p->sk, p->brlinks);
    p->fdb_ms = 0;
    return e < 0 ? nl_errno(e) : 0;
}

static bool
link_up(struct rtnl_link *l)
{
    unsigned flags = rtnl_link_get_flags(l);
    uint8_t op = rtnl_link_get_operstate(l);

    return (flags & IFF_UP) && (op == IF_OPER_UP || op == IF_OPER_UNKNOWN);
}

static bool
is_bridge(struct rtnl_link *l)
{
    const char *t = rtnl_link_get_type(l);

    return t != NULL && strcmp(t, "bridge") == 0;
}

size_t
ports_list(struct ports *p, char *const *bridges, size_t nb,
    char *const *ifaces, size_t ni, struct port_info *out, size_t cap, size_t *missing)
{
    size_t n = 0, miss = 0;

    for (size_t b = 0; b < nb; b++) {
        struct rtnl_link *br = rtnl_link_get_by_name(p->links, bridges[b]);
        int bi;

        if (br == NULL || !is_bridge(br)) {
            miss++;
            if (br)
                rtnl_link_put(br);
            continue;
        }
        bi = rtnl_link_get_ifindex(br);
        rtnl_link_put(br);
        for (struct nl_object *o = nl_cache_get_first(p->links); o; o = nl_cache_get_next(o)) {
            struct rtnl_link *l = (struct rtnl_link *)o;

            if (rtnl_link_get_master(l) != bi || n == cap)
                continue;
            out[n].ifindex = rtnl_link_get_ifindex(l);
            out[n].bridge = bi;
            snprintf(out[n].name, sizeof(out[n].name), "%s", rtnl_link_get_name(l));
            out[n].up = link_up(l);
            n++;
        }
    }
    for (size_t i = 0; i < ni; i++) {
        struct rtnl_link *l = rtnl_link_get_by_name(p->links, ifaces[i]);
        bool dup = false;

        if (l == NULL) {
            miss++;
            continue;
        }
        for (size_t j = 0; j < n; j++)
            dup |= out[j].ifindex == rtnl_link_get_ifindex(l);
        if (!dup && n < cap) {
            out[n].ifindex = rtnl_link_get_ifindex(l);
            out[n].bridge = 0;
            snprintf(out[n].name, sizeof(out[n].name), "%s", rtnl_link_get_name(l));
            out[n].up = link_up(l);
            n++;
        }
        rtnl_link_put(l);
    }
    if (missing)
        *missing = miss;
    return n;
}

int
ports_bridge_check(struct ports *p, const char *name)
{
    struct rtnl_link *l = rtnl_link_get_by_name(p->links, name);
    bool bridge;

    if (l == NULL)
        return ENODEV;
    bridge = is_bridge(l);
    rtnl_link_put(l);
    return bridge ? 0 : EMEDIUMTYPE;
}

int
ports_rx_packets(struct ports *p, int ifindex, uint64_t *rx)
{
    struct rtnl_link *l = NULL;
    int e = rtnl_link_get_kernel(p->sk, ifindex, NULL, &l);

    if (e < 0)
        return nl_errno(e);
    *rx = rtnl_link_get_stat(l, RTNL_LINK_RX_PACKETS);
    rtnl_link_put(l);
    return 0;
}

/* ifSpeed and ifDirection from the driver, where it knows them. */
static void
ethtool_speed(struct ports *p, const char *name, struct records_port *rp)
{
    struct ethtool_cmd cmd;
    struct ifreq ifr;
    uint32_t speed;

    if (p->ioctl_fd < 0)
        return;
    memset(&cmd, 0, sizeof(cmd));
    memset(&ifr, 0, sizeof(ifr));
    cmd.cmd = ETHTOOL_GSET;
    memcpy(ifr.ifr_name, name, strnlen(name, sizeof(ifr.ifr_name) - 1));
    ifr.ifr_data = (void *)&cmd;
    if (ioctl(p->ioctl_fd, SIOCETHTOOL, &ifr) < 0)
        return;
    speed = ethtool_cmd_speed(&cmd);
    if (speed != 0 && speed != (uint32_t)SPEED_UNKNOWN)
        rp->speed = (uint64_t)speed * 1000000;
    rp->direction = cmd.duplex == DUPLEX_FULL ? 1 : cmd.duplex == DUPLEX_HALF ? 2 : 0;
}

static uint32_t
u32(uint64_t v)
{
    return (uint32_t)v;
}

int
ports_counters(struct ports *p, int ifindex, struct records_port *rp)
{
    struct rtnl_link *l = NULL;
    uint64_t mc, rxp;
    unsigned flags;
    int e = rtnl_link_get_kernel(p->sk, ifindex, NULL, &l);

    if (e < 0)
        return nl_errno(e);
    records_port_unknown(rp);
    rp->ifindex = (uint32_t)ifindex;
    rp->iftype = RECORDS_IFTYPE_ETHERNET;
    flags = rtnl_link_get_flags(l);
    rp->status = (flags & IFF_UP ? 1u : 0u) | (link_up(l) && (flags & IFF_RUNNING) ? 2u : 0u);
    /*
     * A bridge puts its ports in promiscuous mode through the promiscuity
     * count, which IFF_PROMISC does not show.  TruthValue: 1 true, 2 false.
     */
    rp->promisc = (flags & IFF_PROMISC) || rtnl_link_get_promiscuity(l) > 0 ? 1 : 2;
    snprintf(rp->name, sizeof(rp->name), "%s", rtnl_link_get_name(l));
    ethtool_speed(p, rp->name, rp);

    /*
     * Linux counts multicast received (broadcast included) but neither
     * broadcast alone nor anything by cast sent: those stay unknown.
     */
    rxp = rtnl_link_get_stat(l, RTNL_LINK_RX_PACKETS);
    mc = rtnl_link_get_stat(l, RTNL_LINK_MULTICAST);
    rp->in_octets = rtnl_link_get_stat(l, RTNL_LINK_RX_BYTES);
    rp->in_ucast = u32(rxp - (mc <= rxp ? mc : 0));
    rp->in_mcast = u32(mc);
    rp->in_discards = u32(rtnl_link_get_stat(l, RTNL_LINK_RX_DROPPED));
    rp->in_errors = u32(rtnl_link_get_stat(l, RTNL_LINK_RX_ERRORS));
    rp->out_octets = rtnl_link_get_stat(l, RTNL_LINK_TX_BYTES);
    rp->out_ucast = u32(rtnl_link_get_stat(l, RTNL_LINK_TX_PACKETS));
    rp->out_discards = u32(rtnl_link_get_stat(l, RTNL_LINK_TX_DROPPED));
    rp->out_errors = u32(rtnl_link_get_stat(l, RTNL_LINK_TX_ERRORS));
    /* dot3: alignment, FCS, ..., carrier sense (9), frame too long (10). */
    rp->dot3[0] = u32(rtnl_link_get_stat(l, RTNL_LINK_RX_FRAME_ERR));
    rp->dot3[1] = u32(rtnl_link_get_stat(l, RTNL_LINK_RX_CRC_ERR));
    rp->dot3[9] = u32(rtnl_link_get_stat(l, RTNL_LINK_TX_CARRIER_ERR));
    rp->dot3[10] = u32(rtnl_link_get_stat(l, RTNL_LINK_RX_OVER_ERR));
    rtnl_link_put(l);
    return 0;
}

uint32_t
ports_pvid(struct ports *p, int ifindex)
{
    struct rtnl_link *l;
    int pvid;

    if (p->brlinks == NULL)
        return 0;
    l = rtnl_link_get(p->brlinks, ifindex);
    if (l == NULL)
        return 0;
    pvid = rtnl_link_bridge_pvid(l);
    rtnl_link_put(l);
    return pvid > 0 && pvid < 4096 ? (uint32_t)pvid : 0;
}

/* Reads the FDB again, at 'now_ms' (0 stands in as 1: fdb_ms 0 is never). */
static void
fdb_reload(struct ports *p, uint64_t now_ms)
{
    struct nl_cache *c = NULL;

    p->fdb_ms = now_ms ? now_ms : 1;
    p->n_fdb = 0;
    /* NL_CACHE_AF_ITER dumps each family in turn, AF_BRIDGE (the FDB) among them. */
    if (rtnl_neigh_alloc_cache_flags(p->sk, &c, NL_CACHE_AF_ITER) < 0)
        return;
    for (struct nl_object *o = nl_cache_get_first(c); o && p->n_fdb < FDB_MAX;
        o = nl_cache_get_next(o)) {
        struct rtnl_neigh *n = (struct rtnl_neigh *)o;
        struct nl_addr *ll = rtnl_neigh_get_lladdr(n);
        struct fdb_entry *f;

        if (rtnl_neigh_get_family(n) != AF_BRIDGE || ll == NULL ||
            nl_addr_get_len(ll) != 6)
            continue;
        f = &p->fdb[p->n_fdb++];
        memcpy(f->mac, nl_addr_get_binary_addr(ll), 6);
        f->vlan = (uint16_t)(rtnl_neigh_get_vlan(n) > 0 ? rtnl_neigh_get_vlan(n) : 0);
        f->ifindex = rtnl_neigh_get_ifindex(n);
        f->master = rtnl_neigh_get_master(n);
        /* The bridge's and its ports' own addresses are permanent entries. */
        f->local = (rtnl_neigh_get_state(n) & NUD_PERMANENT) != 0;
    }
    nl_cache_free(c);
}

/* The entry of 'mac' on 'bridge', on 'vlan' if there is one; NULL if none. */
static const struct fdb_entry *
fdb_find(const struct ports *p, int bridge, const uint8_t mac[6], uint16_t vlan)
{
    const struct fdb_entry *best = NULL;

    for (size_t i = 0; i < p->n_fdb; i++) {
        const struct fdb_entry *f = &p->fdb[i];

        if (memcmp(f->mac, mac, 6) != 0 ||
            (f->master != bridge && f->ifindex != bridge))
            continue;
        if (best == NULL || (f->vlan == vlan && best->vlan != vlan))
            best = f;
    }
    return best;
}

enum port_dest
ports_fdb_lookup(struct ports *p, int bridge, const uint8_t mac[6], uint16_t vlan,
    uint64_t now_ms, int *ifindex)
{
    const struct fdb_entry *best;

    if (mac[0] & 1)
        return PORT_DEST_UNKNOWN;
    if (p->fdb_ms == 0 || now_ms - p->fdb_ms >= 1000)
        fdb_reload(p, now_ms);
    best = fdb_find(p, bridge, mac, vlan);
    /*
     * A miss may be an address learned since the last read: read again, at
     * most ten times a second, before calling the packet flooded.
     */
    if (best == NULL && now_ms - p->fdb_ms >= 100) {
        fdb_reload(p, now_ms);
        best = fdb_find(p, bridge, mac, vlan);
    }
    if (best == NULL)
        return PORT_DEST_UNKNOWN;
    if (best->local || best->ifindex == bridge)
        return PORT_DEST_LOCAL;
    *ifindex = best->ifindex;
    return PORT_DEST_PORT;
}

static int
addr_rank(struct rtnl_addr *a, int ifindex, struct rtnl_link *lo)
{
    int fam = rtnl_addr_get_family(a), scope = rtnl_addr_get_scope(a);
    bool loop = lo && rtnl_addr_get_ifindex(a) == rtnl_link_get_ifindex(lo);

    if (ifindex > 0 && rtnl_addr_get_ifindex(a) != ifindex)
        return -1;
    if (fam != AF_INET && fam != AF_INET6)
        return -1;
    if (fam == AF_INET6 && scope != RT_SCOPE_UNIVERSE)
        return -1;              /* Link-local: not stable, not routable. */
    return (scope == RT_SCOPE_UNIVERSE ? 4 : 0) + (fam == AF_INET ? 2 : 0) + (loop ? 0 : 1);
}

int
ports_agent_address(struct ports *p, const char *ifname, struct sflow_addr *out)
{
    struct nl_cache *c = NULL;
    struct rtnl_addr *best = NULL;
    struct rtnl_link *lo = rtnl_link_get_by_name(p->links, "lo");
    int ifindex = 0, best_rank = -1, e = ENOENT;

    if (ifname != NULL) {
        ifindex = rtnl_link_name2i(p->links, ifname);
        if (ifindex <= 0) {
            e = ENODEV;
            goto out;
        }
    }
    if (rtnl_addr_alloc_cache(p->sk, &c) < 0) {
        e = EIO;
        goto out;
    }
    for (struct nl_object *o = nl_cache_get_first(c); o; o = nl_cache_get_next(o)) {
        int r = addr_rank((struct rtnl_addr *)o, ifindex, lo);

        if (r > best_rank) {
            best_rank = r;
            best = (struct rtnl_addr *)o;
        }
    }
    if (best != NULL) {
        struct nl_addr *la = rtnl_addr_get_local(best);

        memset(out, 0, sizeof(*out));
        if (rtnl_addr_get_family(best) == AF_INET && nl_addr_get_len(la) == 4) {
            out->type = SFLOW_ADDR_IP4;
            memcpy(out->a, nl_addr_get_binary_addr(la), 4);
            e = 0;
        } else if (nl_addr_get_len(la) == 16) {
            out->type = SFLOW_ADDR_IP6;
            memcpy(out->a, nl_addr_get_binary_addr(la), 16);
            e = 0;
        }
    }
    nl_cache_free(c);
out:
    if (lo)
        rtnl_link_put(lo);
    return e;
}
