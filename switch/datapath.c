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
#include <string.h>

#include "bridge.h"
#include "mirror.h"
#include "netflow_dp.h"
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

/*
 * Sets 'key''s tp_src/tp_dst from the transport header at 'l4': the ports
 * of TCP, UDP and SCTP, or type and code of 'icmp' (ICMP or ICMPv6).
 */
static void
key_l4(struct flow_key *key, const uint8_t *l4, uint8_t icmp)
{
    if (key->nw_proto == 6 || key->nw_proto == 17 || key->nw_proto == 132) {
        key->tp_src = rd_be16(l4);
        key->tp_dst = rd_be16(l4 + 2);
    } else if (key->nw_proto == icmp) {
        key->tp_src = l4[0];
        key->tp_dst = l4[1];
    }
}

/* The flow key of 'k' as it is now (for the table lookup). */
static void
extract_key(const struct port *in, const struct pkt *k, struct flow_key *key)
{
    const uint8_t *l3 = k->tail + 2;
    uint32_t n = k->tail_len >= 2 ? k->tail_len - 2 : 0;

    memset(key, 0, sizeof(*key));
    memcpy(key->dl_dst, k->macs, 6);
    memcpy(key->dl_src, k->macs + 6, 6);
    key->in_port = in->ofport;
    key->dl_vlan = k->tagged ? k->tci & 0xfff : FLOW_VLAN_NONE;
    if (k->tail_len < 2)
        return;
    key->dl_type = rd_be16(k->tail);
    if (key->dl_type == ETH_IP && n >= 20 && (l3[0] >> 4) == 4) {
        uint32_t ihl = (uint32_t)(l3[0] & 15) * 4;
        bool first = (rd_be16(l3 + 6) & 0x1fff) == 0;

        key->nw_proto = l3[9];
        key->nw_src = rd_be32(l3 + 12);
        key->nw_dst = rd_be32(l3 + 16);
        if (ihl >= 20 && first && n >= ihl + 4)
            key_l4(key, l3 + ihl, 1);
    } else if (key->dl_type == ETH_IP6 && n >= 40) {
        key->nw_proto = l3[6];
        if (n >= 44)
            key_l4(key, l3 + 40, 58);
    } else if (key->dl_type == ETH_ARP && n >= 28) {
        key->nw_proto = l3[7];
        key->nw_src = rd_be32(l3 + 14);
        key->nw_dst = rd_be32(l3 + 24);
    }
}

static void
apply_actions(struct sw *sw, struct bridge *br, struct port *in, struct pkt *k,
    const struct flow_rule *r)
{
    for (size_t i = 0; i < r->n_actions; i++) {
        const struct flow_action *a = &r->actions[i];

        switch (a->type) {
        case FA_OUTPUT:
            if (bridge_port(br, a->arg) != NULL && bridge_port(br, a->arg) != in) {
                enqueue(sw, bridge_port(br, a->arg), k, k->tagged, k->tci);
                k->out_vlan = k->tagged ? k->tci & 0xfff : 0;
            }
            break;
        case FA_IN_PORT:
            enqueue(sw, in, k, k->tagged, k->tci);
            k->out_vlan = k->tagged ? k->tci & 0xfff : 0;
            break;
        case FA_FLOOD:
            for (size_t j = 0; j < br->n_ports; j++)
                if (br->ports[j] != in)
                    enqueue(sw, br->ports[j], k, k->tagged, k->tci);
            k->out_vlan = k->tagged ? k->tci & 0xfff : 0;
            break;
        case FA_NORMAL:
            normal(sw, br, in, k);
            break;
        case FA_MOD_DL_SRC:
            memcpy(k->macs + 6, a->mac, 6);
            break;
        case FA_MOD_DL_DST:
            memcpy(k->macs, a->mac, 6);
            break;
        case FA_MOD_VLAN_VID:
            k->tci = (uint16_t)((k->tagged ? k->tci & 0xf000 : 0) | a->arg);
            k->tagged = true;
            break;
        case FA_STRIP_VLAN:
            k->tagged = false;
            k->tci = 0;
            break;
        }
    }
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
        l3len = 40;
        proto = l3[6];
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
    uint32_t wire;

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
    if (br->flows.n == 0) {
        normal(sw, br, in, &k);
    } else {
        struct flow_key key;
        struct flow_rule *r;

        extract_key(in, &k, &key);
        r = flow_table_lookup(&br->flows, &key);
        if (r == NULL) {
            k.rule_drop = true;
        } else {
            r->n_packets += k.segs;
            r->n_bytes += wire;
            r->used_ms = sw->now_ms;
            if (r->n_actions == 0)
                k.rule_drop = true;
            apply_actions(sw, br, in, &k, r);
        }
    }

    if (k.mirror_hit != 0)
        mirror_copies(sw, br, in, &k);
    if (br->nf != NULL)
        nfdp_count(br->nf, k.tail, k.tail_len, in->ofport,
            k.n_out == 0 ? NFDP_OUT_DROP : k.n_out == 1 ? k.last_out->ofport : NFDP_OUT_MULTI,
            k.segs, wire, sw->now_ms);

    if (in->smp.rate != 0) {
        for (unsigned s = 0; s < k.segs; s++) {
            struct sfdp_out o;

            if (!sampler_take(&in->smp))
                continue;
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
            sfdp_sample(sw, in, f, k.seg_len, &o);
        }
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
