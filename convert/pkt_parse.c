/*
 * pkt_parse: flow keys from the first bytes of a sampled packet; see
 * pkt_parse.h for what is filled in.
 *
 *   Ethernet II, 802.3 + LLC/SNAP, 802.1Q / 802.1ad / 0x9100 tags  IEEE 802.1Q
 *   IPv4 with options                                             RFC 791
 *   IPv6 with extension headers                                   RFC 8200
 *     (AH RFC 4302, mobility header RFC 6275)
 *   TCP, UDP, ICMP, ICMPv6              RFC 9293, RFC 768, RFC 792, RFC 4443
 *   VXLAN on UDP 4789                                             RFC 7348
 *   GRE with checksum, key, sequence number               RFC 2784, RFC 2890
 *   MPLS label stack                                              RFC 3032
 *
 * One cursor runs once over the whole capture and is never rewound, so every
 * offset is a distance from the first captured byte, for the tunnel payload
 * as for the outer packet.  The payload goes through the same functions as
 * the outer packet with 'inner' set, which stops a second tunnel from being
 * opened.  Every loop is bounded both by the bytes left and by a count.
 */
#include "pkt_parse.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "rd.h"

#define ETH_TYPE_IPV4     0x0800
#define ETH_TYPE_IPV6     0x86dd
#define ETH_TYPE_VLAN     0x8100        /* 802.1Q C-tag. */
#define ETH_TYPE_QINQ     0x88a8        /* 802.1ad S-tag. */
#define ETH_TYPE_QINQ_OLD 0x9100        /* Pre-802.1ad S-tag, still seen. */
#define ETH_TYPE_MPLS     0x8847
#define ETH_TYPE_MPLS_MC  0x8848
#define ETH_TYPE_TEB      0x6558        /* Transparent Ethernet bridging. */
#define ETH_TYPE_MIN      0x0600        /* Below: an 802.3 length. */

/*
 * Bounds on header chains, beyond what real networks stack (QinQ is two
 * tags, segment routing pushes about ten labels), so a capture made of
 * repeated headers costs a bounded walk.
 */
#define ETH_MAX_TAGS  4
#define IPV6_MAX_EXT  8
#define MPLS_MAX_WALK 16

#define IP_PROTO_ICMP     1
#define IP_PROTO_TCP      6
#define IP_PROTO_UDP      17
#define IP_PROTO_GRE      47
#define IP_PROTO_ICMPV6   58

#define IP6_HOPOPTS  0
#define IP6_ROUTING  43
#define IP6_FRAGMENT 44
#define IP6_AH       51
#define IP6_DSTOPTS  60
#define IP6_MOBILITY 135

#define VXLAN_PORT   4789
#define VXLAN_FLAG_I 0x08

#define GRE_FLAG_C   0x8000
#define GRE_FLAG_R   0x4000
#define GRE_FLAG_K   0x2000
#define GRE_FLAG_S   0x1000
#define GRE_VERSION  0x0007

#define MPLS_BOS     0x00000100

struct walk {
    struct rd r;                /* Over the whole capture. */
    size_t len;                 /* Captured length, to turn 'r' into offsets. */
    struct pkt_info *info;
    int inner;                  /* In a tunnel payload: open no other tunnel. */
};

_Static_assert(offsetof(struct pkt_info, inner) + sizeof(struct pkt_layer) ==
    sizeof(struct pkt_info), "pkt_parse() clears what comes before 'inner'");

static void parse_eth(struct walk *, struct pkt_layer *);
static void parse_net(struct walk *, struct pkt_layer *, uint16_t type);

static size_t
walk_offset(const struct walk *w)
{
    return w->len - w->r.left;
}

/*
 * Marks tunnel 'encap' open.  Only now is 'inner' cleared: pkt_parse() leaves
 * it alone, as few sampled packets are tunnelled.
 */
static void
open_encap(struct walk *w, enum pkt_encap encap)
{
    w->info->encap = encap;
    memset(&w->info->inner, 0, sizeof(w->info->inner));
}

/* Parses the tunnel payload that starts at the cursor into 'info->inner'. */
static void
parse_inner(struct walk *w, uint16_t type)
{
    w->inner = 1;
    if (type == ETH_TYPE_TEB)
        parse_eth(w, &w->info->inner);
    else
        parse_net(w, &w->info->inner, type);
}

/*
 * VXLAN header:  flags(8, I = 0x08) reserved(24) VNI(24) reserved(8),
 * then an Ethernet frame.
 */
static void
open_vxlan(struct walk *w)
{
    struct rd *r = &w->r;
    uint8_t flags;
    uint32_t vni;

    flags = rd_u8(r);
    rd_skip(r, 3);
    vni = rd_u32(r) >> 8;
    /* Without I the VNI is not valid (RFC 7348 5): not ours to decode. */
    if (r->error || !(flags & VXLAN_FLAG_I))
        return;
    open_encap(w, PKT_ENCAP_VXLAN);
    w->info->vni = vni;
    parse_inner(w, ETH_TYPE_TEB);
}

/*
 * GRE header:  C R K S (4 bits) reserved0 (9) version (3) protocol (16),
 * then checksum + reserved1 if C, key if K, sequence number if S.
 */
static void
open_gre(struct walk *w)
{
    struct rd *r = &w->r;
    struct pkt_info *info = w->info;
    uint16_t flags, proto;
    uint32_t key = 0;

    flags = rd_u16(r);
    proto = rd_u16(r);
    /*
     * Version 1 is PPTP's enhanced GRE with a different layout; R is
     * RFC 1701 source routing, whose variable-length entries RFC 2784
     * dropped.  Neither leaves a payload we can locate safely.
     */
    if (r->error || (flags & GRE_VERSION) != 0 || (flags & GRE_FLAG_R))
        return;
    if (flags & GRE_FLAG_C)
        rd_skip(r, 4);
    if (flags & GRE_FLAG_K)
        key = rd_u32(r);
    if (flags & GRE_FLAG_S)
        rd_skip(r, 4);
    if (r->error)
        return;
    open_encap(w, PKT_ENCAP_GRE);
    info->gre_proto = proto;
    if (flags & GRE_FLAG_K) {
        info->gre_key = key;
        info->gre_has_key = 1;
    }
    parse_inner(w, proto);
}

/*
 * MPLS label stack entries: label(20) TC(3) S(1) TTL(8), until S is set.
 * Nothing on the wire says what the payload is; like routers hashing MPLS
 * traffic for ECMP, guess IP from the version in the first nibble.
 */
static void
open_mpls(struct walk *w)
{
    struct rd *r = &w->r;
    struct pkt_info *info = w->info;
    struct rd peek;
    uint32_t lse;
    uint8_t version;

    do {
        if (info->n_mpls_seen == MPLS_MAX_WALK)
            return;
        lse = rd_u32(r);
        if (r->error)
            return;
        if (info->n_mpls < PKT_MAX_MPLS)
            info->mpls_label[info->n_mpls++] = lse;
        info->n_mpls_seen++;
    } while (!(lse & MPLS_BOS));
    open_encap(w, PKT_ENCAP_MPLS);

    peek = *r;
    version = rd_u8(&peek) >> 4;
    if (peek.error)
        return;
    if (version == 4)
        parse_inner(w, ETH_TYPE_IPV4);
    else if (version == 6)
        parse_inner(w, ETH_TYPE_IPV6);
}

/*
 * The fixed headers below (TCP 20 bytes, UDP 8, IPv4 20, Ethernet 14) are
 * taken whole with one rd_bytes() and their fields loaded from that
 * pointer: one bounds check per header instead of one per field, on the
 * path every sampled header takes.
 */

/*
 * TCP: sport(16) dport(16) seq(32) ack(32) off(4) flags(12) win cksum urg.
 * A header cut short (Open vSwitch samples 64 bytes: an IPv6 packet's TCP
 * header loses its end) still gives the ports, and the flags if their
 * byte is there.
 */
static void
parse_tcp(struct walk *w, struct pkt_layer *l)
{
    const uint8_t *h = w->r.p;
    uint16_t off_flags;
    size_t hlen;

    if (w->r.left < 4)
        return;
    l->l4 = IP_PROTO_TCP;
    l->src_port = rd_be16(h);
    l->dst_port = rd_be16(h + 2);
    if (w->r.left < 20) {
        l->has_tcp_flags = w->r.left >= 14;
        l->tcp_flags = l->has_tcp_flags ? h[13] : 0;
        rd_skip(&w->r, w->r.left);
        return;
    }
    rd_skip(&w->r, 20);
    off_flags = rd_be16(h + 12);
    l->has_tcp_flags = 1;
    l->tcp_flags = off_flags & 0xff;

    /* A data offset under 5 or past the capture leaves the payload unknown. */
    hlen = (size_t)(off_flags >> 12) * 4;
    if (hlen < 20)
        return;
    rd_skip(&w->r, hlen - 20);
    if (!w->r.error)
        l->payload_offset = l->l4_offset + hlen;
}

/* UDP: sport(16) dport(16) length(16) checksum(16). */
static void
parse_udp(struct walk *w, struct pkt_layer *l)
{
    const uint8_t *h;

    if ((h = rd_bytes(&w->r, 8)) == NULL)
        return;
    l->l4 = IP_PROTO_UDP;
    l->src_port = rd_be16(h);
    l->dst_port = rd_be16(h + 2);
    l->udp_len = rd_be16(h + 4);
    l->payload_offset = l->l4_offset + 8;
    if (l->dst_port == VXLAN_PORT && !w->inner)
        open_vxlan(w);
}

/* ICMP and ICMPv6 share the type, code, checksum prefix. */
static void
parse_icmp(struct walk *w, struct pkt_layer *l)
{
    struct rd *r = &w->r;
    uint8_t type, code;

    type = rd_u8(r);
    code = rd_u8(r);
    rd_skip(r, 2);
    if (r->error)
        return;
    l->l4 = l->proto;
    l->icmp_type = type;
    l->icmp_code = code;
}

/* The cursor is at the first byte after the IP header(s). */
static void
parse_l4(struct walk *w, struct pkt_layer *l)
{
    l->l4_offset = walk_offset(w);
    switch (l->proto) {
    case IP_PROTO_TCP:
        parse_tcp(w, l);
        break;
    case IP_PROTO_UDP:
        parse_udp(w, l);
        break;
    case IP_PROTO_ICMP:
    case IP_PROTO_ICMPV6:
        parse_icmp(w, l);
        break;
    case IP_PROTO_GRE:
        if (!w->inner)
            open_gre(w);
        break;
    default:
        break;
    }
}

/*
 * IPv4: version(4) IHL(4) TOS(8) total length(16) id(16) flags(3)
 * fragment offset(13) TTL(8) protocol(8) checksum(16) src(32) dst(32).
 */
static void
parse_ipv4(struct walk *w, struct pkt_layer *l)
{
    struct rd *r = &w->r;
    const uint8_t *h;
    size_t hlen;

    if ((h = rd_bytes(r, 20)) == NULL)
        return;
    hlen = (size_t)(h[0] & 0x0f) * 4;
    if (h[0] >> 4 != 4 || hlen < 20)
        return;
    l->l3 = 4;
    l->tos = h[1];
    l->ip_total_len = rd_be16(h + 2);
    l->ip_id = rd_be16(h + 4);
    l->ip_frag_off = rd_be16(h + 6) & 0x1fff;
    l->ttl = h[8];
    l->proto = h[9];
    l->ip_header_len = (uint8_t)hlen;
    memcpy(l->src_ip, h + 12, 4);
    memcpy(l->dst_ip, h + 16, 4);

    /*
     * 'total_len' does not bound the transport header: agents sample TSO
     * super-frames whose total length is 0 or stale.  Only the capture does.
     */
    rd_skip(r, hlen - 20);
    if (r->error || l->ip_frag_off != 0)
        return;
    parse_l4(w, l);
}

static int
ipv6_is_ext(uint8_t nh)
{
    switch (nh) {
    case IP6_HOPOPTS:
    case IP6_ROUTING:
    case IP6_FRAGMENT:
    case IP6_AH:
    case IP6_DSTOPTS:
    case IP6_MOBILITY:
        return 1;
    default:
        return 0;
    }
}

int
pkt_ipv6_ext(const uint8_t *p, size_t len, uint8_t nh, struct pkt_ipv6_ext *x)
{
    struct rd r = rd_init(p, len);

    memset(x, 0, sizeof(*x));
    x->proto = nh;
    while (ipv6_is_ext(x->proto)) {
        uint16_t frag = 0;
        uint8_t next, hlen;
        size_t size;

        if (x->n_ext == IPV6_MAX_EXT)
            return 0;
        next = rd_u8(&r);
        hlen = rd_u8(&r);
        if (x->proto == IP6_FRAGMENT) {
            /* Fixed size: its second byte is reserved, not a length. */
            size = 8;
            frag = rd_u16(&r) >> 3;
        } else if (x->proto == IP6_AH) {
            /* AH counts 4-byte words minus 2 (RFC 4302 2.2). */
            size = ((size_t)hlen + 2) * 4;
            rd_skip(&r, 2);
        } else {
            size = ((size_t)hlen + 1) * 8;
            rd_skip(&r, 2);
        }
        rd_skip(&r, size - 4);
        if (r.error)
            return 0;
        x->proto = next;
        x->n_ext++;
        x->len += size;
        if (frag != 0) {
            x->frag_off = frag;
            return 0;
        }
    }
    return 1;
}

/*
 * The extension headers after the fixed IPv6 header at the cursor, which
 * moves past those it walked: 'l' takes the last next header as its
 * protocol.  Returns 1 if a transport header follows at the cursor.
 */
static int
ipv6_walk_ext(struct walk *w, struct pkt_layer *l)
{
    struct pkt_ipv6_ext x;
    int whole = pkt_ipv6_ext(w->r.p, w->r.left, l->proto, &x);
    size_t total = 40 + x.len;

    l->proto = x.proto;
    l->ip6_n_ext = x.n_ext;
    l->ip_frag_off = x.frag_off;
    l->ip_header_len = total > UINT8_MAX ? UINT8_MAX : (uint8_t)total;
    rd_skip(&w->r, x.len);
    return whole;
}

/*
 * IPv6: version(4) traffic class(8) flow label(20) payload length(16)
 * next header(8) hop limit(8) src(128) dst(128).
 */
static void
parse_ipv6(struct walk *w, struct pkt_layer *l)
{
    const uint8_t *h;
    uint32_t vtcfl;

    if ((h = rd_bytes(&w->r, 40)) == NULL)
        return;
    vtcfl = rd_be32(h);
    if (vtcfl >> 28 != 6)
        return;
    l->l3 = 6;
    l->tos = (vtcfl >> 20) & 0xff;
    l->ip6_flow_label = vtcfl & 0xfffff;
    l->ip6_payload_len = rd_be16(h + 4);
    l->ip6_first_nh = h[6];
    l->proto = h[6];
    l->ttl = h[7];
    l->ip_header_len = 40;
    memcpy(l->src_ip, h + 8, 16);
    memcpy(l->dst_ip, h + 24, 16);

    if (ipv6_walk_ext(w, l))
        parse_l4(w, l);
}

/* Parses the network header at the cursor, announced as EtherType 'type'. */
static void
parse_net(struct walk *w, struct pkt_layer *l, uint16_t type)
{
    l->l3_offset = walk_offset(w);
    switch (type) {
    case ETH_TYPE_IPV4:
        parse_ipv4(w, l);
        break;
    case ETH_TYPE_IPV6:
        parse_ipv6(w, l);
        break;
    case ETH_TYPE_MPLS:
    case ETH_TYPE_MPLS_MC:
        if (!w->inner)
            open_mpls(w);
        break;
    default:
        break;
    }
}

static int
eth_is_tag(uint16_t type)
{
    return type == ETH_TYPE_VLAN || type == ETH_TYPE_QINQ ||
           type == ETH_TYPE_QINQ_OLD;
}

/*
 * Walks the VLAN tags whose TPID is 'type' and returns the EtherType after
 * them, or 0 with the cursor in error if the capture ends first.
 */
static uint16_t
eth_walk_tags(struct rd *r, struct pkt_layer *l, uint16_t type)
{
    uint16_t tci;

    while (eth_is_tag(type) && l->n_vlans_seen < ETH_MAX_TAGS) {
        tci = rd_u16(r);
        if (r->error)
            return 0;
        if (l->n_vlans < PKT_MAX_VLANS) {
            l->vlan_tpid[l->n_vlans] = type;
            l->vlan_id[l->n_vlans] = tci & 0x0fff;
            l->vlan_prio[l->n_vlans] = tci >> 13;
            l->n_vlans++;
        }
        l->n_vlans_seen++;
        type = rd_u16(r);
    }
    return type;
}

/*
 * After an 802.3 length field: returns the EtherType of an LLC/SNAP
 * header, or 0 for any other LLC payload or a short capture.
 */
static uint16_t
eth_llc_snap(struct rd *r)
{
    const uint8_t *oui;
    uint8_t dsap, ssap, ctl;
    uint16_t type;

    dsap = rd_u8(r);
    ssap = rd_u8(r);
    ctl = rd_u8(r);
    if (r->error || dsap != 0xaa || ssap != 0xaa || ctl != 0x03)
        return 0;
    oui = rd_bytes(r, 3);
    type = rd_u16(r);
    if (r->error)
        return 0;
    /*
     * Only OUI 0 (RFC 1042) and 00-00-F8 (802.1H) carry an EtherType;
     * other OUIs number their own protocols (Cisco's CDP is 00-00-0C 2000).
     */
    if (oui[0] != 0 || oui[1] != 0 || (oui[2] != 0 && oui[2] != 0xf8))
        return 0;
    return type;
}

/* Ethernet II: dst(48) src(48) EtherType or 802.3 length(16). */
static void
parse_eth(struct walk *w, struct pkt_layer *l)
{
    struct rd *r = &w->r;
    const uint8_t *h;
    uint16_t type;

    if ((h = rd_bytes(r, 14)) == NULL)
        return;
    l->has_eth = 1;
    memcpy(l->dst_mac, h, 6);
    memcpy(l->src_mac, h + 6, 6);
    type = rd_be16(h + 12);

    type = eth_walk_tags(r, l, type);
    if (r->error)
        return;
    if (type < ETH_TYPE_MIN) {
        l->eth_len = type;
        type = eth_llc_snap(r);
        if (type == 0)
            return;
    }
    l->eth_type = type;
    parse_net(w, l, type);
}

/*
 * The whole walk is inlined here ('flatten'): without it, parsing costs a
 * third more (callgrind, 140 000 sfgen headers: 26 M against 34.5 M
 * instructions).
 */
/* A parse starts from an empty info: copied, this costs a tenth of what memset() does. */
static const struct pkt_info pkt_empty;

__attribute__((flatten)) int
pkt_parse(const uint8_t *p, size_t len, uint32_t proto, struct pkt_info *info)
{
    struct walk w;

    /* All but 'inner', which open_encap() clears if it is used. */
    memcpy(info, &pkt_empty, offsetof(struct pkt_info, inner));
    w.r = rd_init(p, len);
    w.len = len;
    w.info = info;
    w.inner = 0;

    switch (proto) {
    case PKT_PROTO_ETHERNET:
        parse_eth(&w, &info->outer);
        break;
    case PKT_PROTO_IPV4:
        parse_net(&w, &info->outer, ETH_TYPE_IPV4);
        break;
    case PKT_PROTO_IPV6:
        parse_net(&w, &info->outer, ETH_TYPE_IPV6);
        break;
    default:
        return EPROTONOSUPPORT;
    }
    return 0;
}
