/*
 * datapath: per-frame forwarding; see datapath.h.
 *
 * A frame is never copied: the transmit queues hold, per output, a small
 * header (virtio_net_hdr, the possibly rewritten Ethernet addresses and
 * the 802.1Q tag the output wants) and a pointer to the rest of the frame
 * in the receive batch.  The batch is refilled only after every queue has
 * been flushed.
 */
#include "datapath.h"

#include <endian.h>
#include <stddef.h>
#include <string.h>

#include "bridge.h"
#include "mirror.h"
#include "netflow_dp.h"
#include "pkt_parse.h"
#include "port.h"
#include "rd.h"
#include "sflow_dp.h"
#include "sflow_types.h"

/* Frames taken from one port before the loop looks at the others and at sfctl. */
#define DP_PORT_BUDGET 256

#define ETH_VLAN 0x8100
#define ETH_IP 0x0800
#define ETH_IP6 0x86dd
#define ETH_ARP 0x0806

/* The packet as it travels through the actions. */
struct pkt {
    const struct ring_frame *f;
    uint8_t macs[12];           /* Destination and source, as they will leave. */
    bool tagged;
    uint16_t tci;
    const uint8_t *tail;        /* From the EtherType after any tag. */
    uint32_t tail_len;
    uint32_t prefix;            /* Bytes before 'tail' in the ring frame (12 or 16). */
    uint16_t segs;              /* Wire packets: > 1 for a GSO super-frame. */
    uint32_t seg_len;           /* Length of one of them. */
    uint32_t seg_hdr;           /* Header bytes each of them repeats (GSO only). */
    /* Where extract_key() found the transport header, for commit(): 0 if it did not. */
    uint32_t l4_off;            /* From the IP header (past IPv6's extension headers). */
    uint8_t l4_proto;
    uint8_t cast;
    /* What happened to it, for sFlow. */
    unsigned n_out;
    struct port *last_out;
    uint16_t in_vlan, out_vlan;
    bool rule_drop;
    /* Mirrors (mirror.h): the bits of those that select it; copies being sent. */
    uint32_t mirror_hit;
    bool mirroring;
};

static void
mark_dirty(struct sw *sw, struct port *p)
{
    if (!p->dirty) {
        p->dirty = true;
        p->dirty_next = sw->dirty;
        sw->dirty = p;
    }
}

void
dp_flush(struct sw *sw)
{
    struct port *p = sw->dirty;

    sw->dirty = NULL;
    while (p) {
        struct port *next = p->dirty_next;

        port_flush(p);
        p->dirty = false;
        p->dirty_next = NULL;
        p = next;
    }
}

/* Queues 'k' on 'out', tagged with 'tci' if 'tagged'. */
static void
enqueue(struct sw *sw, struct port *out, struct pkt *k, bool tagged, uint16_t tci)
{
    const struct virtio_net_hdr *vh = k->f->vnet;
    bool gso = vh && vh->gso_type != VIRTIO_NET_HDR_GSO_NONE;
    unsigned i;
    uint8_t *h;
    size_t off = 0;

    if (out->mirror_out && !k->mirroring)
        return;                 /* A mirror's output port carries its copies only. */
    if (out->local && !out->local_up)
        return;                 /* The host left the bridge's device down. */
    k->mirror_hit |= out->mirror_dst;
    if (out->ring.fd < 0 || (gso && !out->ring.vnet)) {
        out->st.tx_dropped += k->segs;
        return;
    }
    i = out->tx.n;
    h = out->tx.hdr[i];
    if (out->ring.vnet) {
        struct virtio_net_hdr v;
        int delta = (int)(12 + (tagged ? 4 : 0)) - (int)k->prefix;

        if (vh)
            v = *vh;
        else
            memset(&v, 0, sizeof(v));
        /* Offsets count from the frame's start, which moves with the tag. */
        if (delta != 0 && (v.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM))
            v.csum_start = htole16((uint16_t)(le16toh(v.csum_start) + delta));
        if (delta != 0 && v.hdr_len != 0)
            v.hdr_len = htole16((uint16_t)(le16toh(v.hdr_len) + delta));
        memcpy(h, &v, sizeof(v));
        off = sizeof(v);
    }
    memcpy(h + off, k->macs, 12);
    off += 12;
    if (tagged) {
        h[off++] = ETH_VLAN >> 8;
        h[off++] = ETH_VLAN & 0xff;
        h[off++] = (uint8_t)(tci >> 8);
        h[off++] = (uint8_t)tci;
    }
    out->tx.iov[i][0].iov_base = h;
    out->tx.iov[i][0].iov_len = off;
    out->tx.iov[i][1].iov_base = (void *)(uintptr_t)k->tail;
    out->tx.iov[i][1].iov_len = k->tail_len;
    memset(&out->tx.msg[i], 0, sizeof(out->tx.msg[i]));
    out->tx.msg[i].msg_hdr.msg_iov = out->tx.iov[i];
    out->tx.msg[i].msg_hdr.msg_iovlen = 2;
    out->tx_bytes[i] = (12 + (tagged ? 4u : 0u) + k->tail_len) +
        (k->segs - 1u) * (k->seg_hdr - k->prefix + 12 + (tagged ? 4u : 0u));
    out->tx_segs[i] = k->segs;
    out->tx_cast[i] = k->cast;
    out->tx.n++;
    mark_dirty(sw, out);
    if (out->tx.n == RING_TX_BATCH)
        port_flush(out);
    k->n_out++;
    k->last_out = out;
}

/* Sends 'k' out of 'p' as a member of VLAN 'vlan', if 'p' carries it. */
static void
output_vlan(struct sw *sw, struct port *p, struct pkt *k, uint16_t vlan)
{
    bool tagged;

    if (!vlan_egress(&p->vlan, vlan, &tagged))
        return;
    enqueue(sw, p, k, tagged, (uint16_t)((k->tagged ? k->tci & 0xf000 : 0) | vlan));
    k->out_vlan = vlan;
}

/*
 * Sends the copies of 'k' that its mirrors want (k->mirror_hit), each
 * output port once.  The copies are not outputs of the packet: sFlow
 * reports where the packet itself went.
 */
static void
mirror_copies(struct sw *sw, struct bridge *br, struct port *in, struct pkt *k)
{
    unsigned n_out = k->n_out;
    struct port *last_out = k->last_out, *sent[SW_MAX_MIRRORS];
    uint16_t out_vlan = k->out_vlan;
    size_t n_sent = 0;

    k->mirroring = true;
    for (uint32_t hit = k->mirror_hit; hit != 0; hit &= hit - 1) {
        const struct mirror *m = br->mirrors[__builtin_ctz(hit)];
        bool dup = false, tagged;

        if (!mirror_selects_vlan(m, k->in_vlan))
            continue;
        if (m->out == NULL) {
            uint16_t tci = (uint16_t)((k->tagged ? k->tci & 0xf000 : 0) | m->out_vlan);

            for (size_t j = 0; j < br->n_ports; j++) {
                struct port *p = br->ports[j];

                if (p != in && !p->mirror_out && vlan_egress(&p->vlan, m->out_vlan, &tagged) && tagged)
                    enqueue(sw, p, k, true, tci);
            }
            continue;
        }
        for (size_t j = 0; j < n_sent; j++)
            dup |= sent[j] == m->out;
        if (dup || m->out == in)
            continue;
        sent[n_sent++] = m->out;
        enqueue(sw, m->out, k, k->tagged, k->tci);
    }
    k->mirroring = false;
    k->n_out = n_out;
    k->last_out = last_out;
    k->out_vlan = out_vlan;
}

/* The learning switch (action NORMAL, and the behaviour of an empty table). */
static void
normal(struct sw *sw, struct bridge *br, struct port *in, struct pkt *k)
{
    uint16_t vid = k->tagged ? k->tci & 0xfff : 0, vlan, o;
    const uint8_t *dst = k->macs, *src = k->macs + 6;

    if (!vlan_ingress(&in->vlan, k->tagged, vid, &vlan)) {
        in->st.rx_dropped += k->segs;
        return;
    }
    k->in_vlan = vlan;
    if (!(src[0] & 1))
        mac_table_learn(&br->mac, src, vlan, in->ofport, sw->now_ms);
    if (!(dst[0] & 1) && (o = mac_table_lookup(&br->mac, dst, vlan, sw->now_ms)) != 0) {
        struct port *p = bridge_port(br, o);

        if (p != NULL && p != in)
            output_vlan(sw, p, k, vlan);
        return;             /* Never back out of its own port. */
    }
    for (size_t i = 0; i < br->n_ports; i++)
        if (br->ports[i] != in)
            output_vlan(sw, br->ports[i], k, vlan);
}

/* ---- the flow key ---- */

/*
 * Sets 'key''s transport fields from the 'n' bytes at 'l4': the ports of
 * TCP, UDP and SCTP (and TCP's flags), type and code of ICMP ('icmp' is
 * ICMP's or ICMPv6's protocol number), and an ICMPv6 neighbour message's
 * target.
 */
static void
key_l4(struct flow_key *key, const uint8_t *l4, uint32_t n, uint8_t icmp)
{
    uint8_t p = key->nw_proto;

    if ((p == 6 || p == 17 || p == 132) && n >= 4) {
        key->tp_src = rd_be16(l4);
        key->tp_dst = rd_be16(l4 + 2);
        if (p == 6 && n >= 14)
            key->tcp_flags = rd_be16(l4 + 12) & 0x0fff;
    } else if (p == icmp && n >= 2) {
        key->tp_src = l4[0];
        key->tp_dst = l4[1];
        if (icmp == 58 && (l4[0] == 135 || l4[0] == 136) && n >= 24)
            memcpy(key->nd_target, l4 + 8, 16);
    }
}

/*
 * The flow key of 'k' as it arrived on 'in': only the headers it has are
 * read.  'k' keeps where its transport header is.
 */
static void
extract_key(const struct port *in, struct pkt *k, struct flow_key *key)
{
    const uint8_t *l3 = k->tail + 2;
    uint32_t n = k->tail_len >= 2 ? k->tail_len - 2 : 0;

    k->l4_off = 0;
    memset(key, 0, sizeof(*key));
    memcpy(key->dl_dst, k->macs, 6);
    memcpy(key->dl_src, k->macs + 6, 6);
    key->in_port = in->ofport;
    key->vlan_tci = k->tagged ? (uint16_t)(k->tci | FLOW_TCI_PRESENT) : 0;
    if (k->tail_len < 2)
        return;
    key->dl_type = rd_be16(k->tail);
    if (key->dl_type == ETH_IP && n >= 20 && (l3[0] >> 4) == 4) {
        uint32_t ihl = (uint32_t)(l3[0] & 15) * 4;
        bool first = (rd_be16(l3 + 6) & 0x1fff) == 0;

        key->nw_tos = l3[1];
        key->nw_ttl = l3[8];
        key->nw_proto = l3[9];
        key->nw_src = rd_be32(l3 + 12);
        key->nw_dst = rd_be32(l3 + 16);
        if (ihl >= 20 && first && n > ihl) {
            k->l4_off = ihl;
            k->l4_proto = key->nw_proto;
            key_l4(key, l3 + ihl, n - ihl, 1);
        }
    } else if (key->dl_type == ETH_IP6 && n >= 40 && (l3[0] >> 4) == 6) {
        uint32_t w = rd_be32(l3);
        struct pkt_ipv6_ext x;
        bool l4 = pkt_ipv6_ext(l3 + 40, n - 40, l3[6], &x);

        key->nw_tos = (uint8_t)(w >> 20);
        key->ipv6_label = w & 0xfffff;
        key->nw_proto = x.proto;        /* Past the extension headers, as Open vSwitch reads it. */
        key->nw_ttl = l3[7];
        memcpy(key->ipv6_src, l3 + 8, 16);
        memcpy(key->ipv6_dst, l3 + 24, 16);
        if (l4) {
            k->l4_off = 40 + (uint32_t)x.len;
            k->l4_proto = x.proto;
            key_l4(key, l3 + k->l4_off, n - k->l4_off, 58);
        }
    } else if (key->dl_type == ETH_ARP && n >= 28 && rd_be16(l3 + 2) == ETH_IP &&
        l3[4] == 6 && l3[5] == 4) {
        key->nw_proto = l3[7];
        memcpy(key->arp_sha, l3 + 8, 6);
        key->nw_src = rd_be32(l3 + 14);
        memcpy(key->arp_tha, l3 + 18, 6);
        key->nw_dst = rd_be32(l3 + 24);
    }
}

/* ---- writing a changed key back into the packet ---- */

static void
wr_be16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

/* RFC 1624, eqn. 3: the checksum 'hc' after a 16-bit word changed from 'm' to 'm1'. */
static uint16_t
csum_update(uint16_t hc, uint16_t m, uint16_t m1)
{
    uint32_t s = (uint32_t)(uint16_t)~hc + (uint16_t)~m + m1;

    s = (s & 0xffff) + (s >> 16);
    s = (s & 0xffff) + (s >> 16);
    return (uint16_t)~s;
}

/*
 * The checksums a rewrite must keep right: the IPv4 header's, and the
 * transport's.  A transport checksum the sender left to offload
 * (VIRTIO_NET_HDR_F_NEEDS_CSUM) holds only the pseudo-header's sum, not
 * complemented ('seed'): it follows the addresses, and the ports are
 * summed when the checksum is finally computed.
 */
struct csums {
    uint8_t *ip;                /* NULL: none (IPv6). */
    uint8_t *l4;                /* NULL: none (UDP's 0, or not in the frame). */
    bool seed;
    bool udp;
};

/* Sets the big-endian word at 'p' to 'v'; 'in_l4' if the transport checksum covers it. */
static void
put16(struct csums *c, uint8_t *p, uint16_t v, bool in_ip, bool in_l4)
{
    uint16_t old = rd_be16(p);

    if (old == v)
        return;
    wr_be16(p, v);
    if (in_ip && c->ip)
        wr_be16(c->ip, csum_update(rd_be16(c->ip), old, v));
    if (in_l4 && c->l4) {
        uint16_t x = rd_be16(c->l4);

        if (c->seed) {
            x = (uint16_t)~csum_update((uint16_t)~x, old, v);
        } else {
            x = csum_update(x, old, v);
            if (c->udp && x == 0)
                x = 0xffff;     /* 0 would mean "no checksum". */
        }
        wr_be16(c->l4, x);
    }
}

/* Sets the 'n' bytes at 'p' (an even number) to 'v'. */
static void
put_bytes(struct csums *c, uint8_t *p, const uint8_t *v, size_t n, bool in_ip, bool in_l4)
{
    for (size_t i = 0; i < n; i += 2)
        put16(c, p + i, rd_be16(v + i), in_ip, in_l4);
}

static void
be32_bytes(uint8_t *a, uint32_t v)
{
    a[0] = (uint8_t)(v >> 24);
    a[1] = (uint8_t)(v >> 16);
    a[2] = (uint8_t)(v >> 8);
    a[3] = (uint8_t)v;
}

/*
 * Finds the transport checksum of the 'n' bytes at 'l4' (protocol 'proto'
 * of an IPv4 or IPv6 packet) for 'c'.
 */
static void
l4_csum(struct csums *c, const struct ring_frame *f, uint8_t *l4, uint32_t n, uint8_t proto, bool v6)
{
    const struct virtio_net_hdr *vh = f->vnet;
    uint32_t at = proto == 6 ? 16 : proto == 17 ? 6 : (proto == 1 || proto == 58) ? 2 : 0;

    c->l4 = NULL;
    c->udp = proto == 17;
    if (at == 0 || n < at + 2)
        return;
    c->l4 = l4 + at;
    c->seed = vh && (vh->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) &&
        (size_t)le16toh(vh->csum_start) + le16toh(vh->csum_offset) == (size_t)(c->l4 - f->data);
    if (c->udp && !v6 && !c->seed && rd_be16(c->l4) == 0)
        c->l4 = NULL;           /* Sent without a checksum: stays without. */
}

/* The transport fields: ports, or ICMP type and code, or an ND target. */
static void
commit_l4(struct csums *c, const struct flow_key *key, uint8_t *l4, uint32_t n, uint8_t proto)
{
    if ((proto == 6 || proto == 17) && n >= 4) {
        put16(c, l4, key->tp_src, false, !c->seed);
        put16(c, l4 + 2, key->tp_dst, false, !c->seed);
    } else if ((proto == 1 || proto == 58) && n >= 4) {
        put16(c, l4, (uint16_t)(key->tp_src << 8 | (key->tp_dst & 0xff)), false, !c->seed);
        if (proto == 58 && (l4[0] == 135 || l4[0] == 136) && n >= 24)
            for (size_t i = 0; i < 16; i += 2)
                put16(c, l4 + 8 + i, rd_be16(key->nd_target + i), false, !c->seed);
    }
}

/*
 * Writes the L3 and L4 fields of 'key' that differ from the packet's into
 * the packet, in the receive batch, keeping checksums right.  Copies of
 * the packet already queued point at the same bytes: they leave first.
 */
static void
commit(struct sw *sw, struct pkt *k, const struct flow_key *key)
{
    /* The receive batch is the switch's own memory; only this packet's bytes change. */
    uint8_t *l3 = (uint8_t *)(uintptr_t)k->tail + 2;
    uint32_t n = k->tail_len >= 2 ? k->tail_len - 2 : 0;
    uint16_t type = k->tail_len >= 2 ? rd_be16(k->tail) : 0;
    struct csums c = { NULL, NULL, false, false };
    /* The transport header extract_key() found (the headers' layout does not change). */
    uint8_t *l4 = k->l4_off != 0 ? l3 + k->l4_off : NULL;
    uint32_t l4n = n - k->l4_off;

    if (k->n_out > 0)
        dp_flush(sw);
    if (type == ETH_IP && n >= 20 && (l3[0] >> 4) == 4) {
        bool pseudo = l3[9] != 1;       /* ICMP's checksum has no pseudo-header. */
        uint8_t a[4];

        c.ip = l3 + 10;
        if (l4 != NULL)
            l4_csum(&c, k->f, l4, l4n, k->l4_proto, false);
        put16(&c, l3, (uint16_t)(l3[0] << 8 | key->nw_tos), true, false);
        put16(&c, l3 + 8, (uint16_t)(key->nw_ttl << 8 | l3[9]), true, false);
        be32_bytes(a, key->nw_src);
        put_bytes(&c, l3 + 12, a, 4, true, pseudo);
        be32_bytes(a, key->nw_dst);
        put_bytes(&c, l3 + 16, a, 4, true, pseudo);
        if (l4 != NULL)
            commit_l4(&c, key, l4, l4n, k->l4_proto);
    } else if (type == ETH_IP6 && n >= 40 && (l3[0] >> 4) == 6) {
        uint32_t w = 6u << 28 | (uint32_t)key->nw_tos << 20 | (key->ipv6_label & 0xfffff);

        /* The transport checksum covers the addresses too. */
        if (l4 != NULL)
            l4_csum(&c, k->f, l4, l4n, k->l4_proto, true);
        put16(&c, l3, (uint16_t)(w >> 16), false, false);
        put16(&c, l3 + 2, (uint16_t)w, false, false);
        l3[7] = key->nw_ttl;
        put_bytes(&c, l3 + 8, key->ipv6_src, 16, false, true);
        put_bytes(&c, l3 + 24, key->ipv6_dst, 16, false, true);
        if (l4 != NULL)
            commit_l4(&c, key, l4, l4n, k->l4_proto);
    } else if (type == ETH_ARP && n >= 28 && rd_be16(l3 + 2) == ETH_IP && l3[4] == 6 && l3[5] == 4) {
        l3[7] = key->nw_proto;
        memcpy(l3 + 8, key->arp_sha, 6);
        wr_be16(l3 + 14, (uint16_t)(key->nw_src >> 16));
        wr_be16(l3 + 16, (uint16_t)key->nw_src);
        memcpy(l3 + 18, key->arp_tha, 6);
        wr_be16(l3 + 24, (uint16_t)(key->nw_dst >> 16));
        wr_be16(l3 + 26, (uint16_t)key->nw_dst);
    }
}

/* ---- the pipeline: tables and actions ---- */

/* Resubmits and goto_tables one packet may nest (Open vSwitch allows 64). */
#define DP_MAX_DEPTH 64

/* One packet on its way through the tables. */
struct pipe {
    struct sw *sw;
    struct bridge *br;
    struct port *in;
    struct pkt *k;
    uint32_t wire;              /* Its bytes, for the rules' counters. */
    struct flow_key key;        /* As the actions so far changed it. */
    bool dirty;                 /* 'key''s L3/L4 fields differ from the packet's. */
    bool dropped;               /* dec_ttl ended it. */
};

/* The packet's L2 header as the key now says. */
static void
sync_l2(struct pipe *pp)
{
    memcpy(pp->k->macs, pp->key.dl_dst, 6);
    memcpy(pp->k->macs + 6, pp->key.dl_src, 6);
    pp->k->tagged = (pp->key.vlan_tci & FLOW_TCI_PRESENT) != 0;
    pp->k->tci = pp->k->tagged ? (uint16_t)(pp->key.vlan_tci & ~FLOW_TCI_PRESENT) : 0;
}

static void
set_field(struct pipe *pp, const struct flow_action *a)
{
    uint8_t *p = (uint8_t *)&pp->key + a->off;

    for (size_t i = 0; i < a->len; i++)
        p[i] = (uint8_t)((p[i] & ~a->mask[i]) | a->val[i]);
    if (a->off == offsetof(struct flow_key, dl_src) || a->off == offsetof(struct flow_key, dl_dst) ||
        a->off == offsetof(struct flow_key, vlan_tci))
        sync_l2(pp);
    else if (a->off >= offsetof(struct flow_key, ipv6_src))
        pp->dirty = true;   /* Not metadata or registers, which no packet carries. */
}

static void
output(struct pipe *pp, struct port *p)
{
    struct pkt *k = pp->k;

    if (p == NULL || p == pp->in)
        return;
    enqueue(pp->sw, p, k, k->tagged, k->tci);
    k->out_vlan = k->tagged ? k->tci & 0xfff : 0;
}

static void run_table(struct pipe *pp, uint8_t table, unsigned depth);

static bool
is_output(uint8_t type)
{
    return type == FA_OUTPUT || type == FA_IN_PORT || type == FA_FLOOD || type == FA_ALL ||
        type == FA_NORMAL;
}

static void
apply_actions(struct pipe *pp, const struct flow_rule *r, unsigned depth)
{
    struct bridge *br = pp->br;
    struct pkt *k = pp->k;

    for (size_t i = 0; i < r->n_actions && !pp->dropped; i++) {
        const struct flow_action *a = &r->actions[i];
        uint16_t saved;

        if (pp->dirty && is_output(a->type)) {
            commit(pp->sw, k, &pp->key);
            pp->dirty = false;
        }
        switch ((enum flow_action_type)a->type) {
        case FA_OUTPUT:
            output(pp, bridge_port(br, a->port));
            break;
        case FA_IN_PORT:
            enqueue(pp->sw, pp->in, k, k->tagged, k->tci);
            k->out_vlan = k->tagged ? k->tci & 0xfff : 0;
            break;
        case FA_FLOOD:
        case FA_ALL:
            for (size_t j = 0; j < br->n_ports; j++)
                output(pp, br->ports[j]);
            break;
        case FA_NORMAL:
            normal(pp->sw, br, pp->in, k);
            break;
        case FA_STRIP_VLAN:
            pp->key.vlan_tci = 0;
            sync_l2(pp);
            break;
        case FA_PUSH_VLAN:
            /* One tag is all the datapath carries: a tagged packet keeps its own. */
            if (!(pp->key.vlan_tci & FLOW_TCI_PRESENT))
                pp->key.vlan_tci = FLOW_TCI_PRESENT;
            sync_l2(pp);
            break;
        case FA_SET_FIELD:
            set_field(pp, a);
            break;
        case FA_DEC_TTL:
            if (pp->key.nw_ttl <= 1) {
                pp->dropped = true;
                break;
            }
            pp->key.nw_ttl--;
            pp->dirty = true;
            break;
        case FA_RESUBMIT:
            saved = pp->key.in_port;
            if (a->port != FLOW_PORT_IN)
                pp->key.in_port = a->port;
            run_table(pp, a->table == FLOW_TABLE_ALL ? r->table_id : a->table, depth + 1);
            pp->key.in_port = saved;
            break;
        case FA_GOTO_TABLE:
            run_table(pp, a->table, depth + 1);
            break;
        }
    }
}

/* Looks 'pp''s packet up in 'table' and applies the rule found; a miss drops it. */
static void
run_table(struct pipe *pp, uint8_t table, unsigned depth)
{
    struct flow_rule *r;

    if (depth > DP_MAX_DEPTH)
        return;
    r = flow_table_lookup(&pp->br->flows, table, &pp->key);
    if (r == NULL || r->n_actions == 0) {
        pp->k->rule_drop |= depth == 0;
        if (r == NULL)
            return;
    }
    r->n_packets += pp->k->segs;
    r->n_bytes += pp->wire;
    r->used_ms = pp->sw->now_ms;
    apply_actions(pp, r, depth);
}

/* Sends 'k' (of 'wire' bytes) through the flow tables, from table 0. */
static void
run_pipeline(struct sw *sw, struct bridge *br, struct port *in, struct pkt *k, uint32_t wire)
{
    struct pipe pp;

    pp.sw = sw;
    pp.br = br;
    pp.in = in;
    pp.k = k;
    pp.wire = wire;
    pp.dirty = pp.dropped = false;
    extract_key(in, k, &pp.key);
    run_table(&pp, 0, 0);
}

/*
 * Length of the Ethernet, IP and TCP/UDP headers of 'k', which a GSO
 * super-frame repeats in every segment; 0 if they cannot be read.  (The
 * virtio_net_hdr's hdr_len is only a hint: the kernel fills it with the
 * linear part of the skb.)
 */
static uint32_t
headers_len(const struct pkt *k)
{
    const uint8_t *l3 = k->tail + 2;
    uint32_t n = k->tail_len - 2, l3len, off;
    uint8_t proto;

    if (k->tail_len < 2)
        return 0;
    if (rd_be16(k->tail) == ETH_IP && n >= 20) {
        l3len = (uint32_t)(l3[0] & 15) * 4;
        proto = l3[9];
    } else if (rd_be16(k->tail) == ETH_IP6 && n >= 40) {
        struct pkt_ipv6_ext x;

        if (!pkt_ipv6_ext(l3 + 40, n - 40, l3[6], &x))
            return 0;
        l3len = 40 + (uint32_t)x.len;
        proto = x.proto;
    } else {
        return 0;
    }
    off = l3len;
    if (proto == 6 && n >= off + 20)
        off += (uint32_t)(l3[off + 12] >> 4) * 4;
    else if (proto == 17 && n >= off + 8)
        off += 8;
    else
        return 0;
    return k->prefix + 2 + off;
}

static void
input_frame(struct sw *sw, struct port *in, const struct ring_frame *f)
{
    struct bridge *br = in->br;
    struct pkt k;
    struct nfdp_pkt nfp;
    uint32_t wire;
    unsigned sampled = 0;

    if (f->len < 14 || f->len < f->wire_len) {
        in->st.rx_errors++;
        return;
    }
    memcpy(k.macs, f->data, 12);
    k.f = f;
    k.tagged = f->has_vlan;
    k.tci = f->tci;
    k.prefix = 12;
    if (!k.tagged && rd_be16(f->data + 12) == ETH_VLAN && f->len >= 18) {
        k.tagged = true;
        k.tci = rd_be16(f->data + 14);
        k.prefix = 16;
    }
    k.tail = f->data + k.prefix;
    k.tail_len = f->len - k.prefix;
    k.segs = 1;
    k.seg_len = f->len;
    k.seg_hdr = 0;
    if (f->vnet && f->vnet->gso_type != VIRTIO_NET_HDR_GSO_NONE && f->vnet->gso_size != 0) {
        uint32_t hl = headers_len(&k), gs = le16toh(f->vnet->gso_size);

        if (hl != 0 && hl < f->len) {
            uint32_t segs = (f->len - hl + gs - 1) / gs;

            k.segs = (uint16_t)(segs > 0xffff ? 0xffff : segs == 0 ? 1 : segs);
            k.seg_len = hl + gs < f->len ? hl + gs : f->len;
            k.seg_hdr = hl;
        }
    }
    k.cast = !(k.macs[0] & 1) ? CAST_UCAST :
        memcmp(k.macs, "\xff\xff\xff\xff\xff\xff", 6) == 0 ? CAST_BCAST : CAST_MCAST;
    k.n_out = 0;
    k.last_out = NULL;
    k.in_vlan = k.out_vlan = k.tagged ? k.tci & 0xfff : in->vlan.tag;
    k.rule_drop = false;
    k.mirror_hit = in->mirror_src | br->mirror_all;
    k.mirroring = false;

    /* Wire bytes: each segment repeats the headers (and the tag the kernel took out). */
    wire = f->len + (f->has_vlan ? 4 : 0);
    if (k.segs > 1)
        wire += (uint32_t)(k.segs - 1) * (k.seg_hdr + (f->has_vlan ? 4 : 0));
    in->st.rx_packets += k.segs;
    in->st.rx_bytes += wire;
    if (k.cast == CAST_UCAST)
        in->st.rx_ucast += k.segs;
    else if (k.cast == CAST_MCAST)
        in->st.rx_mcast += k.segs;
    else
        in->st.rx_bcast += k.segs;

    if (in->mirror_out) {
        in->st.rx_dropped += k.segs;
        return;
    }
    /* sFlow and NetFlow see the packet as it arrived: rules may rewrite it. */
    if (in->smp.rate != 0) {
        for (unsigned s = 0; s < k.segs; s++)
            sampled += sampler_take(&in->smp);
        if (sampled > 0)
            sfdp_keep_header(sw, in, f, k.seg_len);
    }
    if (br->nf != NULL)
        nfdp_read(&nfp, k.tail, k.tail_len);

    if (br->flows.n == 0) {
        normal(sw, br, in, &k);
    } else {
        run_pipeline(sw, br, in, &k, wire);
    }

    if (k.mirror_hit != 0)
        mirror_copies(sw, br, in, &k);
    if (br->nf != NULL)
        nfdp_count(br->nf, &nfp, in->ofport,
            k.n_out == 0 ? NFDP_OUT_DROP : k.n_out == 1 ? k.last_out->ofport : NFDP_OUT_MULTI,
            k.segs, wire, sw->now_ms);
    if (sampled > 0) {
        struct sfdp_out o;

        o.in_vlan = k.in_vlan;
        o.out_vlan = k.out_vlan;
        o.in_prio = o.out_prio = (uint8_t)(k.tagged ? k.tci >> 13 : 0);
        if (k.n_out == 0) {
            o.format = SFLOW_IF_DISCARD;
            o.value = k.rule_drop ? 258 : 256;
        } else if (k.n_out == 1) {
            o.format = SFLOW_IF_INDEX;
            o.value = (uint32_t)k.last_out->ifindex;
        } else {
            o.format = SFLOW_IF_MULTIPLE;
            o.value = k.n_out;
        }
        while (sampled-- > 0)
            sfdp_sample(sw, in, &o);
    }
}

size_t
dp_input(struct sw *sw, struct port *in)
{
    size_t total = 0;
    unsigned n;

    /* Each batch goes out before the next one overwrites the buffer it points into. */
    while ((n = port_recv(in, sw->rx)) > 0) {
        for (unsigned i = 0; i < n; i++) {
            struct ring_frame f;

            ring_rx_frame(&in->ring, sw->rx, i, &f);
            input_frame(sw, in, &f);
        }
        dp_flush(sw);
        total += n;
        /* Do not starve the other ports (nor the control socket). */
        if (n < RING_RX_BATCH || total >= DP_PORT_BUDGET)
            break;
    }
    return total;
}
