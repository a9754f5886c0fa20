/* flowrec: an sFlow flow sample as a flow record; see flowrec.h. */
#include "flowrec.h"

#include <string.h>

#include "pkt_parse.h"
#include "rd.h"
#include "sflow_decode.h"
#include "sflow_schema.h"

/* A record starts empty: copied, this costs a fraction of what memset() does (rep stos). */
static const struct flowrec flowrec_empty;

/* An input/output word as an ifIndex: only format 0 names one interface. */
static uint32_t
fr_ifindex(uint32_t format, uint32_t value)
{
    if (format != SFLOW_IF_INDEX || value == SFLOW_IF_INTERNAL)
        return 0;
    return value;
}

int
flowrec_ip_from_record(const struct sflow_record *rec, struct flowrec_ip *ip)
{
    int v6 = rec->tag == SFLOW_TAG(0, SFLOW_FLOW_IPV6);

    memset(ip, 0, sizeof(*ip));
    if (rec->n_values < rec->schema->n_fields)
        return 0;
    ip->family = v6 ? 6 : 4;
    ip->prot = (uint8_t)rec->v[SF_IP_PROTOCOL].u;
    memcpy(ip->src, rec->v[SF_IP_SRC].b.p, v6 ? 16 : 4);
    memcpy(ip->dst, rec->v[SF_IP_DST].b.p, v6 ? 16 : 4);
    ip->src_port = (uint16_t)rec->v[SF_IP_SRC_PORT].u;
    ip->dst_port = (uint16_t)rec->v[SF_IP_DST_PORT].u;
    ip->tcp_flags = (uint8_t)rec->v[SF_IP_TCP_FLAGS].u;
    ip->tos = (uint8_t)rec->v[SF_IP_TOS].u;
    return ip->family;
}

/* The addresses of 'ip' into 'o'. */
static void
fr_addrs(struct flowrec *o, const struct flowrec_ip *ip)
{
    o->family = ip->family;
    memcpy(o->src, ip->src, 16);
    memcpy(o->dst, ip->dst, 16);
    o->prot = ip->prot;
    o->tos = ip->tos;
}

/* The IP packet of a parsed sampled header (0:1) into 'o'; returns its family or 0. */
static int
fr_from_header(const struct sflow_record *rec, struct flowrec *o)
{
    const struct pkt_layer *l;
    struct flowrec_ip ip;
    uint32_t frame, stripped;

    if (rec->pkt == NULL || rec->n_values < rec->schema->n_fields)
        return 0;
    l = &rec->pkt->outer;
    if (flowrec_ip_from_layer(l, &ip) == 0)
        return 0;
    fr_addrs(o, &ip);
    /* Ports, with Cisco's convention for ICMP (type, code in dst_port). */
    if (ip.l4 == 6 || ip.l4 == 17) {
        o->src_port = ip.src_port;
        o->dst_port = ip.dst_port;
        if (ip.l4 == 6)
            o->tcp_flags = ip.tcp_flags;
    } else if (ip.l4 == 1 || ip.l4 == 58) {
        o->dst_port = (uint16_t)(ip.icmp_type << 8 | ip.icmp_code);
    }
    /* The packet's IP length on the wire, as the agent reports its frame. */
    frame = (uint32_t)rec->v[SF_HEADER_FRAME_LENGTH].u;
    stripped = (uint32_t)rec->v[SF_HEADER_STRIPPED].u;
    if ((uint64_t)stripped + l->l3_offset < frame)
        o->octets = frame - stripped - (uint32_t)l->l3_offset;
    else if (l->l3 == 4)
        o->octets = l->ip_total_len;
    else
        o->octets = (uint64_t)l->ip6_payload_len + 40;
    return o->family;
}

/* 0:3 sampled_ipv4 / 0:4 sampled_ipv6 into 'o'; returns the family or 0. */
static int
fr_from_ip_record(const struct sflow_record *rec, struct flowrec *o)
{
    struct flowrec_ip ip;

    if (flowrec_ip_from_record(rec, &ip) == 0)
        return 0;
    fr_addrs(o, &ip);
    o->octets = rec->v[SF_IP_LENGTH].u;
    if (o->prot == 1 || o->prot == 58) {
        /* Agents disagree on where ICMP type goes; the spec says dst_port. */
        o->dst_port = (uint16_t)(ip.dst_port << 8);
    } else {
        o->src_port = ip.src_port;
        o->dst_port = ip.dst_port;
    }
    o->tcp_flags = o->prot == 6 ? ip.tcp_flags : 0;
    return o->family;
}

/* MACs and the outer VLAN of a sampled header, unless records said otherwise. */
static void
fr_header_l2(const struct sflow_record *rec, struct flowrec *o)
{
    static const uint8_t zero[6];
    const struct pkt_layer *l;

    if (rec->pkt == NULL || !rec->pkt->outer.has_eth)
        return;
    l = &rec->pkt->outer;
    if (memcmp(o->src_mac, zero, 6) == 0 && memcmp(o->dst_mac, zero, 6) == 0) {
        memcpy(o->src_mac, l->src_mac, 6);
        memcpy(o->dst_mac, l->dst_mac, 6);
    }
    if (o->src_vlan == 0 && l->n_vlans > 0)
        o->src_vlan = l->vlan_id[0];
}

static void
fr_ethernet(const struct sflow_record *rec, struct flowrec *o)
{
    if (rec->n_values < rec->schema->n_fields)
        return;
    memcpy(o->src_mac, rec->v[SF_ETH_SRC].b.p, 6);
    memcpy(o->dst_mac, rec->v[SF_ETH_DST].b.p, 6);
}

static void
fr_switch(const struct sflow_record *rec, struct flowrec *o)
{
    if (rec->n_values < rec->schema->n_fields)
        return;
    o->src_vlan = (uint16_t)(rec->v[SF_SWITCH_IN_VLAN].u & 0xfff);
    o->dst_vlan = (uint16_t)(rec->v[SF_SWITCH_OUT_VLAN].u & 0xfff);
}

static void
fr_router(const struct sflow_record *rec, struct flowrec *o)
{
    const struct sflow_addr *nh = &rec->v[SF_ROUTER_NEXTHOP].addr;
    uint64_t src_mask, dst_mask;

    if (rec->n_values < rec->schema->n_fields)
        return;
    if (nh->type == SFLOW_ADDR_IP4) {
        memcpy(o->nexthop, nh->a, 4);
        o->nexthop_family = 4;
    } else if (nh->type == SFLOW_ADDR_IP6) {
        memcpy(o->nexthop, nh->a, 16);
        o->nexthop_family = 6;
    }
    /* Checked against the packet's family once it is known. */
    src_mask = rec->v[SF_ROUTER_SRC_MASK].u;
    dst_mask = rec->v[SF_ROUTER_DST_MASK].u;
    o->src_mask = src_mask <= 128 ? (uint8_t)src_mask : 0;
    o->dst_mask = dst_mask <= 128 ? (uint8_t)dst_mask : 0;
}

void
flowrec_as_path_ends(const struct sflow_bytes *path, uint32_t *first, uint32_t *last)
{
    uint32_t type, n, seg;
    const uint8_t *asns;
    size_t pos = 0, next;

    *first = *last = 0;
    for (seg = 0; seg < path->count; seg++) {
        next = sflow_as_path_next(path, pos, &type, &n, &asns);
        if (next == 0)
            break;
        if (seg == 0 && n > 0)
            *first = rd_be32(asns);
        /* The last segment alone names the destination AS, as sflowtool reads it: 0 if empty. */
        *last = n > 0 ? rd_be32(asns + (size_t)(n - 1) * 4) : 0;
        pos = next;
    }
}

/* Source AS: src_as, else the peer's; destination: the path's last and first ASN. */
static void
fr_gateway(const struct sflow_record *rec, struct flowrec *o)
{
    if (rec->n_values < rec->schema->n_fields)
        return;
    o->src_peer_as = (uint32_t)rec->v[SF_GW_SRC_PEER_AS].u;
    o->src_as = rec->v[SF_GW_SRC_AS].u != 0 ? (uint32_t)rec->v[SF_GW_SRC_AS].u : o->src_peer_as;
    flowrec_as_path_ends(&rec->v[SF_GW_AS_PATH].b, &o->dst_peer_as, &o->dst_as);
    o->has_as = 1;
}

/* Takes the packet fields of 'c' into 'o'. */
static void
fr_take_packet(struct flowrec *o, const struct flowrec *c)
{
    o->family = c->family;
    memcpy(o->src, c->src, 16);
    memcpy(o->dst, c->dst, 16);
    o->src_port = c->src_port;
    o->dst_port = c->dst_port;
    o->prot = c->prot;
    o->tos = c->tos;
    o->tcp_flags = c->tcp_flags;
    o->octets = c->octets;
}

/*
 * The packet of a 0:1, 0:3 or 0:4 record into 'o' if it is IP and 'o' has
 * none yet, or an IPv6 one and this is IPv4.  The readers write only when
 * they find IP, so an empty 'o' is filled in place.
 */
static void
fr_packet(const struct sflow_record *rec, struct flowrec *o)
{
    int header = rec->tag == SFLOW_TAG(0, SFLOW_FLOW_HEADER);
    struct flowrec cand;

    if (o->family == 0) {
        if (header)
            fr_from_header(rec, o);
        else
            fr_from_ip_record(rec, o);
        return;
    }
    if (o->family == 4)
        return;
    cand = flowrec_empty;
    if ((header ? fr_from_header(rec, &cand) : fr_from_ip_record(rec, &cand)) == 4)
        fr_take_packet(o, &cand);
}

int
flowrec_is_flow_sample(const struct sflow_sample *s)
{
    uint32_t fmt = SFLOW_FORMAT(s->tag);

    return SFLOW_ENTERPRISE(s->tag) == 0 && s->known && s->header_ok &&
        (fmt == SFLOW_FLOW_SAMPLE || fmt == SFLOW_FLOW_SAMPLE_EXPANDED);
}

const struct sflow_record *
flowrec_next_record(const struct sflow_datagram *dg, const struct sflow_sample *s,
    uint32_t *i)
{
    const struct sflow_record *rec;

    while (*i < s->n_records && s->first_record + *i < dg->n_records) {
        rec = &dg->records[s->first_record + (*i)++];
        if (rec->schema != NULL && !rec->error)
            return rec;
    }
    return NULL;
}

enum flowrec_kind
flowrec_from_sample(const struct sflow_datagram *dg, const struct sflow_sample *s,
    struct flowrec *o)
{
    const struct sflow_record *rec;
    uint32_t i, max;

    *o = flowrec_empty;
    if (!flowrec_is_flow_sample(s))
        return FLOWREC_NOT_FLOW;
    for (i = 0; (rec = flowrec_next_record(dg, s, &i)) != NULL;) {
        switch (rec->tag) {
        case SFLOW_TAG(0, SFLOW_FLOW_HEADER):
            fr_header_l2(rec, o);
            /* FALLTHROUGH */
        case SFLOW_TAG(0, SFLOW_FLOW_IPV4):
        case SFLOW_TAG(0, SFLOW_FLOW_IPV6):
            fr_packet(rec, o);
            break;
        case SFLOW_TAG(0, SFLOW_FLOW_ETHERNET):
            fr_ethernet(rec, o);
            break;
        case SFLOW_TAG(0, SFLOW_FLOW_EX_SWITCH):
            fr_switch(rec, o);
            break;
        case SFLOW_TAG(0, SFLOW_FLOW_EX_ROUTER):
            fr_router(rec, o);
            break;
        case SFLOW_TAG(0, SFLOW_FLOW_EX_GATEWAY):
            fr_gateway(rec, o);
            break;
        default:
            break;
        }
    }
    if (o->family == 0)
        return FLOWREC_NOT_IP;
    max = o->family == 4 ? 32 : 128;
    if (o->src_mask > max)
        o->src_mask = 0;
    if (o->dst_mask > max)
        o->dst_mask = 0;
    o->packets = 1;
    o->input = fr_ifindex(s->input_format, s->input);
    o->output = fr_ifindex(s->output_format, s->output);
    return FLOWREC_OK;
}
