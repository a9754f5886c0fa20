/*
 * emu_link: the network's links through rtnetlink (libnl-3 route), in
 * batches.  Requests are sent back to back, up to a window of
 * BATCH_WINDOW unacknowledged ones per socket, and their acks collected as
 * they come: the kernel's work per request stays, the round trip per
 * request goes.  Teardown deletes the root-namespace interfaces a run
 * recorded with one RTM_DELLINK naming the run's link group when they are
 * all the group holds: the kernel then unregisters them (and the veth peers
 * in the hosts) in one batch, where deleting veths one by one costs a
 * synchronize_net() (~20 ms) each.  When the group holds others too, the
 * recorded ones go one by one and the others stay.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/inet6.h>
#include <netlink/route/link/veth.h>
#include <netlink/route/neighbour.h>
#include <netlink/route/route.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "emu.h"
#include "mono.h"

/* Acks are small, but each costs a socket buffer's overhead (~1 KiB). */
#define BATCH_WINDOW 256
#define SOCK_BUF (4 << 20)
#ifndef IF_OPER_UP
#define IF_OPER_UP 6             /* RFC 2863 "up", as linux/if.h has it. */
#endif
#ifndef IN6_ADDR_GEN_MODE_NONE
#define IN6_ADDR_GEN_MODE_NONE 1
#endif

struct nlbatch {
    struct nl_sock *sk;
    struct nl_cb *cb;
    int inflight;
    int errors;
    int first_err;              /* Positive errno of the first failed request. */
    int ignore;                 /* An errno that is not a failure (ENODEV on delete). */
};

static int
on_ack(struct nl_msg *msg, void *arg)
{
    struct nlbatch *b = arg;

    (void)msg;
    b->inflight--;
    return NL_OK;
}

static int
on_err(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
    struct nlbatch *b = arg;

    (void)nla;
    b->inflight--;
    if (e->error != 0 && -e->error != b->ignore) {
        if (b->errors++ == 0)
            b->first_err = -e->error;
    }
    return NL_OK;
}

static int
no_seq_check(struct nl_msg *msg, void *arg)
{
    (void)msg, (void)arg;
    return NL_OK;
}

/*
 * Opens a batch on a new rtnetlink socket in namespace 'netns_fd', or in
 * the caller's with -1 (a socket stays in the namespace it was made in).
 */
int
link_open(struct nlbatch **bp, int netns_fd)
{
    struct nlbatch *b;
    int e;

    if (netns_fd >= 0) {
        static int self = -1;

        if (self < 0 && (self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC)) < 0)
            return errno;
        if (setns(netns_fd, CLONE_NEWNET) < 0)
            return errno;
        e = link_open(bp, -1);
        if (setns(self, CLONE_NEWNET) < 0)
            abort();            /* Left in a host's namespace: nothing is safe now. */
        return e;
    }
    if ((b = calloc(1, sizeof(*b))) == NULL)
        return ENOMEM;
    b->sk = nl_socket_alloc();
    b->cb = nl_cb_alloc(NL_CB_CUSTOM);
    if (b->sk == NULL || b->cb == NULL) {
        link_close(b);
        return ENOMEM;
    }
    if ((e = nl_connect(b->sk, NETLINK_ROUTE)) < 0) {
        link_close(b);
        return EPROTO;
    }
    nl_socket_set_buffer_size(b->sk, SOCK_BUF, SOCK_BUF);
    nl_socket_disable_seq_check(b->sk);
    nl_cb_set(b->cb, NL_CB_ACK, NL_CB_CUSTOM, on_ack, b);
    nl_cb_set(b->cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, no_seq_check, NULL);
    nl_cb_err(b->cb, NL_CB_CUSTOM, on_err, b);
    *bp = b;
    return 0;
}

void
link_close(struct nlbatch *b)
{
    if (b == NULL)
        return;
    if (b->sk)
        nl_socket_free(b->sk);
    if (b->cb)
        nl_cb_put(b->cb);
    free(b);
}

/* Collects acks until at most 'upto' requests are outstanding. */
static int
batch_drain(struct nlbatch *b, int upto)
{
    while (b->inflight > upto) {
        int e = nl_recvmsgs(b->sk, b->cb);

        if (e < 0 && e != -NLE_INTR && e != -NLE_AGAIN) {
            if (b->errors++ == 0)
                b->first_err = EIO;
            b->inflight = 0;
            return EIO;
        }
    }
    return 0;
}

/* Sends 'msg' (freed here) as part of batch 'b'. */
int
link_send(struct nlbatch *b, struct nl_msg *msg)
{
    int e;

    if (msg == NULL)
        return ENOMEM;
    if (b->inflight >= BATCH_WINDOW)
        batch_drain(b, BATCH_WINDOW / 2);
    e = nl_send_auto(b->sk, msg);
    nlmsg_free(msg);
    if (e < 0) {
        if (b->errors++ == 0)
            b->first_err = EIO;
        return EIO;
    }
    b->inflight++;
    return 0;
}

/* Waits for every ack; returns the first errno of the batch, or 0. */
int
link_finish(struct nlbatch *b)
{
    batch_drain(b, 0);
    return b->errors ? b->first_err : 0;
}

static int
send_link(struct nlbatch *b, struct rtnl_link *l, int flags)
{
    struct nl_msg *msg = NULL;

    if (rtnl_link_build_add_request(l, flags, &msg) < 0)
        return ENOMEM;
    return link_send(b, msg);
}

/*
 * Brings the root-namespace interface 'name' up with no IPv6 address (a
 * switch port sends nothing of its own), enslaved to 'master' if not 0.
 * The kernel refuses IFLA_AF_SPEC in a creating request (EAFNOSUPPORT), so
 * interfaces are made down and this follows in the same batch: requests
 * on one socket are handled in order, before the link could come up.
 */
static int
send_up(struct nlbatch *b, const char *name, int master)
{
    struct rtnl_link *l = rtnl_link_alloc();
    int e;

    if (l == NULL)
        return ENOMEM;
    rtnl_link_set_name(l, name);
    rtnl_link_inet6_set_addr_gen_mode(l, IN6_ADDR_GEN_MODE_NONE);
    if (master)
        rtnl_link_set_master(l, master);
    e = send_link(b, l, 0);
    rtnl_link_put(l);
    /* Separately: do_setlink() applies flags before IFLA_AF_SPEC, and up first means an address. */
    if (e == 0 && (l = rtnl_link_alloc()) != NULL) {
        rtnl_link_set_name(l, name);
        rtnl_link_set_flags(l, IFF_UP);
        e = send_link(b, l, 0);
        rtnl_link_put(l);
    }
    return e;
}

/* ifindexes of the root namespace's interfaces named in 'names', from one dump. */
static int
resolve(struct nl_sock *sk, const char *const *names, int *idx, int n)
{
    struct nl_cache *cache;

    if (rtnl_link_alloc_cache(sk, AF_UNSPEC, &cache) < 0)
        return EIO;
    for (int i = 0; i < n; i++)
        idx[i] = rtnl_link_name2i(cache, names[i]);
    nl_cache_free(cache);
    return 0;
}

static int
fail(char *err, size_t errlen, const char *what, int e)
{
    snprintf(err, errlen, "%s: %s", what, strerror(e));
    return e;
}

void
link_bridge_name(const char *prefix, const struct emu_node *sw, char name[IF_NAMESIZE])
{
    snprintf(name, IF_NAMESIZE, "%s%s", prefix, sw->name);
}

/*
 * Queues on 'b' the creation of link 'lk''s veth: the switch end in the
 * root namespace in link group 'group' (enslaved to its bridge with
 * 'bridges'), the other end a host's ifindex 2 with its MAC in the host's
 * namespace (node netns_fd; link_configure_hosts() brings it up) or
 * another switch's port; then the root ends up without IPv6 (send_up()).
 */
static int
send_veth(struct nlbatch *b, const struct emu_topo *t, const struct emu_link *lk, uint32_t group,
    bool bridges)
{
    const struct emu_node *a = &t->node[lk->a], *sw = &t->node[lk->b];
    struct rtnl_link *l = rtnl_link_veth_alloc(), *peer;

    if (l == NULL)
        return ENOMEM;
    peer = rtnl_link_veth_get_peer(l);
    rtnl_link_set_name(l, lk->b_if);
    /*
     * Made again (link_recreate()): the index it had.  The kernel gives the
     * peer the index asked for (a host's 2) only when the veth's own is asked too.
     */
    if (lk->b_ifindex)
        rtnl_link_set_ifindex(l, lk->b_ifindex);
    rtnl_link_set_group(l, group);
    if (bridges)
        rtnl_link_set_master(l, sw->ifindex);
    rtnl_link_set_name(peer, lk->a_if);
    if (a->kind == EMU_HOST) {
        /* Not up yet: veth_open() fails (ENOTCONN) while its peer is unregistered. */
        struct nl_addr *mac = nl_addr_build(AF_LLC, a->mac, 6);

        rtnl_link_set_ns_fd(peer, a->netns_fd);
        rtnl_link_set_ifindex(peer, 2);
        if (mac != NULL) {
            rtnl_link_set_addr(peer, mac);
            nl_addr_put(mac);
        }
    } else {
        rtnl_link_set_group(peer, group);
    }
    send_link(b, l, NLM_F_CREATE | NLM_F_EXCL);
    rtnl_link_put(peer);
    rtnl_link_put(l);
    /* A veth peer's IFLA_MASTER is not applied at creation: enslave it now. */
    send_up(b, lk->b_if, 0);
    if (a->kind == EMU_SWITCH)
        send_up(b, lk->a_if, bridges ? a->ifindex : 0);
    return 0;
}

/*
 * Creates the links of 't': one veth per link, a host's end created
 * directly in the host's namespace (node netns_fd) as ifindex 2 with the
 * host's MAC (link_configure_hosts() brings it up); switch ends in the root namespace in link group 'group',
 * then up without IPv6 (send_up()).  With
 * 'bridges', each switch is a Linux bridge named PREFIX + name and its
 * ports are enslaved to it.  Fills the links' root ifindexes.
 */
int
link_build(struct emu_topo *t, const char *prefix, uint32_t group, bool bridges,
    char *err, size_t errlen)
{
    struct nlbatch *b;
    const char **names;
    int *idx, e, n = 0;

    if ((e = link_open(&b, -1)) != 0)
        return fail(err, errlen, "netlink", e);
    names = calloc((size_t)(t->nnodes + 2 * t->nlinks), sizeof(*names));
    idx = calloc((size_t)(t->nnodes + 2 * t->nlinks), sizeof(*idx));
    if (names == NULL || idx == NULL) {
        e = fail(err, errlen, "links", ENOMEM);
        goto out;
    }
    if (bridges) {
        char (*bn)[IF_NAMESIZE] = calloc((size_t)t->nnodes, IF_NAMESIZE);

        if (bn == NULL) {
            e = fail(err, errlen, "bridges", ENOMEM);
            goto out;
        }
        for (int i = 0; i < t->nnodes; i++) {
            struct rtnl_link *l;

            if (t->node[i].kind != EMU_SWITCH)
                continue;
            link_bridge_name(prefix, &t->node[i], bn[i]);
            if ((l = rtnl_link_alloc()) == NULL) {
                free(bn);
                e = fail(err, errlen, "bridges", ENOMEM);
                goto out;
            }
            rtnl_link_set_name(l, bn[i]);
            rtnl_link_set_type(l, "bridge");
            rtnl_link_set_group(l, group);
            send_link(b, l, NLM_F_CREATE | NLM_F_EXCL);
            rtnl_link_put(l);
            send_up(b, bn[i], 0);
            names[n++] = bn[i];
        }
        if ((e = link_finish(b)) != 0) {
            free(bn);
            fail(err, errlen, "creating bridges", e);
            goto out;
        }
        resolve(b->sk, names, idx, n);
        for (int i = 0, k = 0; i < t->nnodes; i++)
            if (t->node[i].kind == EMU_SWITCH)
                t->node[i].ifindex = idx[k++];
        free(bn);
    }
    for (int i = 0; i < t->nlinks; i++)
        if ((e = send_veth(b, t, &t->link[i], group, bridges)) != 0) {
            fail(err, errlen, "veth", e);
            goto out;
        }
    if ((e = link_finish(b)) != 0) {
        fail(err, errlen, "creating veths", e);
        goto out;
    }
    n = 0;
    for (int i = 0; i < t->nlinks; i++) {
        names[n++] = t->link[i].b_if;
        if (t->node[t->link[i].a].kind == EMU_SWITCH)
            names[n++] = t->link[i].a_if;
    }
    resolve(b->sk, names, idx, n);
    n = 0;
    for (int i = 0; i < t->nlinks; i++) {
        t->link[i].b_ifindex = idx[n++];
        if (t->node[t->link[i].a].kind == EMU_SWITCH)
            t->link[i].a_ifindex = idx[n++];
    }
    e = 0;
out:
    free(names);
    free(idx);
    link_close(b);
    return e;
}

/* Sends an RTM_NEWLINK that changes link 'l' (flags only) on batch 'b'. */
static int
send_change(struct nlbatch *b, struct rtnl_link *l)
{
    struct nl_msg *msg = NULL;

    if (rtnl_link_build_change_request(l, l, 0, &msg) < 0)
        return ENOMEM;
    return link_send(b, msg);
}

static int
host_requests(struct emu_node *h)
{
    struct rtnl_link *lo = rtnl_link_alloc();
    struct rtnl_addr *ad = rtnl_addr_alloc();
    struct rtnl_route *rt = rtnl_route_alloc();
    struct rtnl_nexthop *nh = rtnl_route_nh_alloc();
    uint32_t ip = htonl(h->ip), any = 0;
    struct nl_addr *a = nl_addr_build(AF_INET, &ip, 4);
    struct nl_addr *dflt = nl_addr_build(AF_INET, &any, 4);
    struct nl_msg *msg;
    int e = ENOMEM;

    if (lo == NULL || ad == NULL || rt == NULL || nh == NULL || a == NULL || dflt == NULL) {
        if (nh)
            rtnl_route_nh_free(nh);
        goto out;
    }
    rtnl_link_set_ifindex(lo, 1);
    rtnl_link_set_flags(lo, IFF_UP);
    send_change(h->nlb, lo);
    rtnl_link_set_ifindex(lo, 2);
    send_change(h->nlb, lo);

    nl_addr_set_prefixlen(a, h->plen);
    rtnl_addr_set_ifindex(ad, 2);
    rtnl_addr_set_local(ad, a);
    msg = NULL;
    if (rtnl_addr_build_add_request(ad, NLM_F_CREATE | NLM_F_EXCL, &msg) == 0)
        link_send(h->nlb, msg);

    nl_addr_set_prefixlen(dflt, 0);
    rtnl_route_set_family(rt, AF_INET);
    rtnl_route_set_dst(rt, dflt);
    rtnl_route_set_scope(rt, RT_SCOPE_LINK);
    rtnl_route_set_table(rt, RT_TABLE_MAIN);
    rtnl_route_set_protocol(rt, RTPROT_BOOT);
    rtnl_route_set_type(rt, RTN_UNICAST);
    rtnl_route_nh_set_ifindex(nh, 2);
    rtnl_route_add_nexthop(rt, nh);
    msg = NULL;
    if (rtnl_route_build_add_request(rt, NLM_F_CREATE | NLM_F_EXCL, &msg) == 0)
        link_send(h->nlb, msg);
    e = 0;
out:
    if (lo)
        rtnl_link_put(lo);
    if (ad)
        rtnl_addr_put(ad);
    if (rt)
        rtnl_route_put(rt);
    if (a)
        nl_addr_put(a);
    if (dflt)
        nl_addr_put(dflt);
    return e;
}

/*
 * Inside each host, through the host's own socket (node nlb, closed
 * here): loopback and ifindex 2 (the link) up, the address on the link, a
 * default route out of it.
 * Every host's requests go out before any ack is awaited.
 */
int
link_configure_hosts(struct emu_topo *t, char *err, size_t errlen)
{
    int first = 0;

    for (int i = 0; i < t->nnodes; i++) {
        struct emu_node *h = &t->node[i];

        if (h->kind == EMU_HOST && h->nlb != NULL && host_requests(h) != 0 && first == 0)
            first = ENOMEM;
    }
    for (int i = 0; i < t->nnodes; i++) {
        struct emu_node *h = &t->node[i];
        int e;

        if (h->kind != EMU_HOST || h->nlb == NULL)
            continue;
        if ((e = link_finish(h->nlb)) != 0 && first == 0) {
            first = e;
            snprintf(err, errlen, "configuring %s: %s", h->name, strerror(e));
        }
        link_close(h->nlb);
        h->nlb = NULL;
    }
    if (first == ENOMEM)
        snprintf(err, errlen, "configuring hosts: %s", strerror(first));
    return first;
}

/*
 * Waits until every root-namespace end of 't's links (and so its peer) is
 * operationally up, as is every bridge; links marked down are skipped.
 * Returns 0, or ETIMEDOUT after 'timeout_ms'.
 */
int
link_wait_up(struct emu_topo *t, int timeout_ms)
{
    struct nlbatch *b;
    uint64_t end = mono_ms() + (uint64_t)timeout_ms;
    int e;

    if ((e = link_open(&b, -1)) != 0)
        return e;
    for (;;) {
        struct nl_cache *cache;
        int down = 0;

        if (rtnl_link_alloc_cache(b->sk, AF_UNSPEC, &cache) < 0) {
            link_close(b);
            return EIO;
        }
        for (int i = 0; i < t->nlinks && down == 0; i++) {
            const struct emu_link *lk = &t->link[i];
            int ix[2] = { lk->b_ifindex, lk->a_ifindex };

            if (lk->down)
                continue;
            for (int k = 0; k < 2; k++) {
                struct rtnl_link *l;

                if (ix[k] == 0)
                    continue;
                l = rtnl_link_get(cache, ix[k]);
                if (l == NULL || rtnl_link_get_operstate(l) != IF_OPER_UP)
                    down++;
                if (l)
                    rtnl_link_put(l);
            }
        }
        for (int i = 0; i < t->nnodes && down == 0; i++) {
            struct rtnl_link *l;

            if (t->node[i].kind != EMU_SWITCH || t->node[i].ifindex == 0 ||
                t->node[i].nports == 0)
                continue;
            l = rtnl_link_get(cache, t->node[i].ifindex);
            if (l == NULL || rtnl_link_get_operstate(l) != IF_OPER_UP)
                down++;
            if (l)
                rtnl_link_put(l);
        }
        nl_cache_free(cache);
        if (down == 0)
            break;
        if (mono_ms() > end) {
            link_close(b);
            return ETIMEDOUT;
        }
        usleep(5000);
    }
    link_close(b);
    return 0;
}

/* Queues on 'b' the deletion of every interface of the root namespace in link 'group'. */
static int
send_delete_group(struct nlbatch *b, uint32_t group)
{
    struct nl_msg *msg = nlmsg_alloc_simple(RTM_DELLINK, 0);
    struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };

    if (msg == NULL || nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0 ||
        nla_put_u32(msg, IFLA_GROUP, group) < 0) {
        nlmsg_free(msg);
        return ENOMEM;
    }
    return link_send(b, msg);
}

static int
cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Deletes the interfaces of the root namespace that are both in link group
 * 'group' and named in 'names' ('n' of them; sorted here).  When they are
 * the whole group, one request deletes them all at once; otherwise they go
 * one by one, and the others of the group stay.  Returns how many it
 * deleted, or -1.
 */
int
link_delete_recorded(uint32_t group, char **names, size_t n)
{
    struct nlbatch *b;
    struct nl_cache *cache;
    struct nl_object *o;
    int in_group = 0, ours = 0;

    if (link_open(&b, -1) != 0)
        return -1;
    if (rtnl_link_alloc_cache(b->sk, AF_UNSPEC, &cache) < 0) {
        link_close(b);
        return -1;
    }
    qsort(names, n, sizeof(*names), cmp_name);
    b->ignore = ENODEV;         /* A veth's peer goes with it. */
    for (int pass = 0; pass < 2; pass++) {
        for (o = nl_cache_get_first(cache); o != NULL; o = nl_cache_get_next(o)) {
            struct rtnl_link *l = (struct rtnl_link *)o;
            const char *name = rtnl_link_get_name(l);
            struct nl_msg *msg = NULL;
            bool recorded;

            if (name == NULL || rtnl_link_get_group(l) != group)
                continue;
            recorded = bsearch(&name, names, n, sizeof(*names), cmp_name) != NULL;
            if (pass == 0) {
                in_group++;
                ours += recorded;
            } else if (recorded && rtnl_link_build_delete_request(l, &msg) == 0) {
                link_send(b, msg);
            }
        }
        if (pass == 0 && ours == in_group) {
            if (ours > 0)
                send_delete_group(b, group);
            break;
        }
    }
    link_finish(b);
    nl_cache_free(cache);
    link_close(b);
    return ours;
}

/*
 * Sets the root-namespace interfaces 'ix[0..n-1]' (0: none) up or down,
 * those gone too with 'gone_ok' set; 0 or an errno.
 */
static int
set_up(const int *ix, int n, bool up, bool gone_ok)
{
    struct nlbatch *b;
    int e;

    if ((e = link_open(&b, -1)) != 0)
        return e;
    if (gone_ok)
        b->ignore = ENODEV;
    for (int k = 0; k < n; k++) {
        struct rtnl_link *l;

        if (ix[k] == 0 || (l = rtnl_link_alloc()) == NULL)
            continue;
        rtnl_link_set_ifindex(l, ix[k]);
        if (up)
            rtnl_link_set_flags(l, IFF_UP);
        else
            rtnl_link_unset_flags(l, IFF_UP);
        send_change(b, l);
        rtnl_link_put(l);
    }
    e = link_finish(b);
    link_close(b);
    return e;
}

/* Sets link 'li' of 't' administratively up or down (its root-namespace ends). */
int
link_set_state(struct emu_topo *t, int li, bool up)
{
    struct emu_link *lk = &t->link[li];
    int ix[2] = { lk->b_ifindex, lk->a_ifindex }, e;

    if ((e = set_up(ix, 2, up, false)) == 0)
        lk->down = !up;
    return e;
}

/*
 * Sets every port of switch 'sw' up or down (Mininet's "switch s1 stop"):
 * the switch's own ends only, its links' other ends stay as they are; a
 * port deleted from outside is passed over.
 */
int
link_set_switch(struct emu_topo *t, int sw, bool up)
{
    int *ix = calloc((size_t)t->node[sw].nports + 1, sizeof(*ix)), n = 0, e;

    if (ix == NULL)
        return ENOMEM;
    for (int i = 0; i < t->nlinks; i++) {
        const struct emu_link *lk = &t->link[i];

        if (lk->b == sw && n < t->node[sw].nports)
            ix[n++] = lk->b_ifindex;
        else if (lk->a == sw && n < t->node[sw].nports)
            ix[n++] = lk->a_ifindex;
    }
    e = set_up(ix, n, up, true);
    free(ix);
    return e;
}

/* A socket in namespace 'netns_fd' (-1: ours) and the dump of its interfaces; 0 or an errno. */
static int
dump_links(struct nlbatch **b, int netns_fd, struct nl_cache **cache)
{
    int e;

    if ((e = link_open(b, netns_fd)) != 0)
        return e;
    if (rtnl_link_alloc_cache((*b)->sk, AF_UNSPEC, cache) < 0) {
        link_close(*b);
        return EIO;
    }
    return 0;
}

/*
 * Packets and bytes each host has sent, from the receive counters of its
 * link's switch end (the same frames, counted by the kernel); arrays are
 * indexed by node.
 */
int
link_rx_stats(struct emu_topo *t, uint64_t *pkts, uint64_t *bytes)
{
    struct nlbatch *b;
    struct nl_cache *cache;
    int e;

    if ((e = dump_links(&b, -1, &cache)) != 0)
        return e;
    for (int i = 0; i < t->nnodes; i++) {
        const struct emu_node *h = &t->node[i];
        struct rtnl_link *l;

        pkts[i] = bytes[i] = 0;
        if (h->kind != EMU_HOST)
            continue;
        l = rtnl_link_get(cache, t->link[h->uplink].b_ifindex);
        if (l == NULL)
            continue;
        pkts[i] = rtnl_link_get_stat(l, RTNL_LINK_RX_PACKETS);
        bytes[i] = rtnl_link_get_stat(l, RTNL_LINK_RX_BYTES);
        rtnl_link_put(l);
    }
    nl_cache_free(cache);
    link_close(b);
    return 0;
}

/*
 * Adds a permanent neighbour entry ('ip' host order is at 'mac') on
 * 'ifindex' of the calling process's namespace: traffic with exact
 * accounting must not be joined by ARP.
 */
int
link_neigh_add(int ifindex, uint32_t ip, const uint8_t mac[6])
{
    static struct nlbatch *b;
    struct rtnl_neigh *n;
    struct nl_addr *dst, *ll;
    struct nl_msg *msg = NULL;
    uint32_t nip = htonl(ip);
    int e;

    if (b == NULL && (e = link_open(&b, -1)) != 0)
        return e;
    if (ifindex == 0)
        return link_finish(b);
    n = rtnl_neigh_alloc();
    dst = nl_addr_build(AF_INET, &nip, 4);
    ll = nl_addr_build(AF_LLC, mac, 6);
    if (n == NULL || dst == NULL || ll == NULL)
        return ENOMEM;
    rtnl_neigh_set_ifindex(n, ifindex);
    rtnl_neigh_set_dst(n, dst);
    rtnl_neigh_set_lladdr(n, ll);
    rtnl_neigh_set_state(n, NUD_PERMANENT);
    if (rtnl_neigh_build_add_request(n, NLM_F_CREATE | NLM_F_REPLACE, &msg) == 0)
        link_send(b, msg);
    nl_addr_put(dst);
    nl_addr_put(ll);
    rtnl_neigh_put(n);
    return 0;
}

/* What interface 'name' (ifindex 'ix' if known, else looked up by name) is in 'cache'. */
static enum emu_end_state
end_state(struct nl_cache *cache, int ix, const char *name)
{
    struct rtnl_link *l = ix ? rtnl_link_get(cache, ix) : rtnl_link_get_by_name(cache, name);
    enum emu_end_state s = END_MISSING;

    if (l == NULL)
        return s;
    /* Another interface may have taken a deleted one's index. */
    if (strcmp(rtnl_link_get_name(l), name) == 0)
        s = rtnl_link_get_flags(l) & IFF_UP ? END_OK : END_DOWN;
    rtnl_link_put(l);
    return s;
}

/*
 * Finds the state of both ends of every link of 't' (a_state, b_state):
 * root-namespace ends from one dump, each host's end from a dump in its
 * namespace 'prefix'-NAME.  Returns 0 or an errno.
 */
int
link_status(struct emu_topo *t, const char *prefix)
{
    struct nlbatch *b;
    struct nl_cache *root;
    int e;

    if ((e = dump_links(&b, -1, &root)) != 0)
        return e;
    for (int i = 0; i < t->nlinks; i++) {
        struct emu_link *l = &t->link[i];
        const struct emu_node *h = &t->node[l->a];
        struct nlbatch *hb;
        struct nl_cache *hc;
        char path[128];
        int fd;

        l->b_state = end_state(root, l->b_ifindex, l->b_if);
        if (h->kind == EMU_SWITCH) {
            l->a_state = end_state(root, l->a_ifindex, l->a_if);
            continue;
        }
        l->a_state = END_MISSING;
        snprintf(path, sizeof(path), "%s/%s-%s", EMU_NETNS_DIR, prefix, h->name);
        if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
            continue;
        if (dump_links(&hb, fd, &hc) == 0) {
            l->a_state = end_state(hc, 0, l->a_if);
            nl_cache_free(hc);
            link_close(hb);
        }
        close(fd);
    }
    nl_cache_free(root);
    link_close(b);
    return 0;
}

/*
 * Makes link 'li' of 't' again after it was deleted from outside (deleting
 * either end of a veth takes both): the veth as link_build() made it and,
 * for a host, its address and route as link_configure_hosts() did, and
 * its qdiscs as shape_apply() put them; run
 * 'prefix', link group 'group', Linux bridges with 'bridges'.  Returns 0
 * or an errno.
 */
int
link_recreate(struct emu_topo *t, int li, const char *prefix, uint32_t group, bool bridges)
{
    struct emu_link *lk = &t->link[li];
    struct emu_node *a = &t->node[lk->a];
    const char *names[2] = { lk->b_if, lk->a_if };
    int idx[2] = { 0, 0 }, e;
    struct nlbatch *b;

    if (a->kind == EMU_HOST) {
        char path[128];

        snprintf(path, sizeof(path), "%s/%s-%s", EMU_NETNS_DIR, prefix, a->name);
        if ((a->netns_fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
            return errno;
    }
    if ((e = link_open(&b, -1)) == 0) {
        if ((e = send_veth(b, t, lk, group, bridges)) == 0)
            e = link_finish(b);
        if (e == 0)
            e = resolve(b->sk, names, idx, a->kind == EMU_SWITCH ? 2 : 1);
        link_close(b);
    }
    if (e == 0 && a->kind == EMU_HOST && (e = link_open(&a->nlb, a->netns_fd)) == 0) {
        if ((e = host_requests(a)) == 0)
            e = link_finish(a->nlb);
        link_close(a->nlb);
        a->nlb = NULL;
    }
    if (e == 0) {
        char err[160];

        lk->b_ifindex = idx[0];
        lk->a_ifindex = a->kind == EMU_SWITCH ? idx[1] : 0;
        lk->down = false;
        /* Its qdiscs went with it. */
        e = shape_apply(t, li, err, sizeof(err));
    }
    if (a->netns_fd >= 0)
        close(a->netns_fd);
    a->netns_fd = -1;
    return e;
}
