/*
 * Unit tests for convert/pkt_parse.c.  Packets are written byte by byte into
 * a small buffer; every test packet is also cut at each length and parsed
 * from an exact-size heap copy, so ASan sees any read past the capture.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pkt_parse.h"

struct pb {
    uint8_t b[512];
    size_t n;
};

static void
pb_u8(struct pb *pb, uint8_t v)
{
    assert_true(pb->n < sizeof pb->b);
    pb->b[pb->n++] = v;
}

static void
pb_u16(struct pb *pb, uint16_t v)
{
    pb_u8(pb, v >> 8);
    pb_u8(pb, v & 0xff);
}

static void
pb_u32(struct pb *pb, uint32_t v)
{
    pb_u16(pb, v >> 16);
    pb_u16(pb, v & 0xffff);
}

static void
pb_mem(struct pb *pb, const uint8_t *p, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        pb_u8(pb, p[i]);
}

static void
pb_fill(struct pb *pb, uint8_t v, size_t n)
{
    while (n-- > 0)
        pb_u8(pb, v);
}

static const uint8_t mac_a[6] = { 0x02, 0x00, 0x5e, 0x10, 0x20, 0x30 };
static const uint8_t mac_b[6] = { 0x0c, 0xc4, 0x7a, 0x01, 0x02, 0x03 };
static const uint8_t mac_c[6] = { 0x52, 0x54, 0x00, 0xaa, 0xbb, 0xcc };
static const uint8_t mac_d[6] = { 0x52, 0x54, 0x00, 0xdd, 0xee, 0xff };
static const uint8_t ip4_a[4] = { 192, 0, 2, 1 };
static const uint8_t ip4_b[4] = { 198, 51, 100, 7 };
static const uint8_t ip4_c[4] = { 10, 1, 2, 3 };
static const uint8_t ip4_d[4] = { 10, 9, 8, 7 };
static const uint8_t ip6_a[16] = {
    0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01 };
static const uint8_t ip6_b[16] = {
    0x20, 0x01, 0x0d, 0xb8, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xca, 0xfe };

static void
pb_eth(struct pb *pb, const uint8_t *dst, const uint8_t *src, uint16_t type)
{
    pb_mem(pb, dst, 6);
    pb_mem(pb, src, 6);
    pb_u16(pb, type);
}

/* IPv4 with TOS 0x10, id 0x1234, TTL 64; 'ihl' > 5 adds NOP options. */
static void
pb_ipv4(struct pb *pb, uint8_t ihl, uint16_t total_len, uint16_t frag,
        uint8_t proto, const uint8_t *src, const uint8_t *dst)
{
    pb_u8(pb, 0x40 | ihl);
    pb_u8(pb, 0x10);
    pb_u16(pb, total_len);
    pb_u16(pb, 0x1234);
    pb_u16(pb, frag);
    pb_u8(pb, 64);
    pb_u8(pb, proto);
    pb_u16(pb, 0xbeef);
    pb_mem(pb, src, 4);
    pb_mem(pb, dst, 4);
    if (ihl > 5)
        pb_fill(pb, 0x01, (size_t)(ihl - 5) * 4);
}

/* IPv6 with traffic class 0xb8, flow label 0x12345. */
static void
pb_ipv6(struct pb *pb, uint16_t plen, uint8_t nh, uint8_t hlim)
{
    pb_u32(pb, 6u << 28 | 0xb8u << 20 | 0x12345);
    pb_u16(pb, plen);
    pb_u8(pb, nh);
    pb_u8(pb, hlim);
    pb_mem(pb, ip6_a, 16);
    pb_mem(pb, ip6_b, 16);
}

static void
pb_tcp(struct pb *pb, uint16_t sport, uint16_t dport, uint8_t doff,
       uint8_t flags)
{
    pb_u16(pb, sport);
    pb_u16(pb, dport);
    pb_u32(pb, 0x01020304);
    pb_u32(pb, 0x05060708);
    pb_u8(pb, doff << 4);
    pb_u8(pb, flags);
    pb_u16(pb, 65535);
    pb_u16(pb, 0);
    pb_u16(pb, 0);
    if (doff > 5)
        pb_fill(pb, 0x01, (size_t)(doff - 5) * 4);
}

static void
pb_udp(struct pb *pb, uint16_t sport, uint16_t dport, uint16_t len)
{
    pb_u16(pb, sport);
    pb_u16(pb, dport);
    pb_u16(pb, len);
    pb_u16(pb, 0);
}

/* Packet builders, shared by the value tests and the truncation sweep. */

static void
build_eth_ipv4_tcp(struct pb *pb)
{
    pb_eth(pb, mac_a, mac_b, 0x0800);
    pb_ipv4(pb, 6, 24 + 32 + 4, 0x4000, 6, ip4_a, ip4_b);
    pb_tcp(pb, 40000, 443, 8, 0x18);
    pb_mem(pb, (const uint8_t *)"data", 4);
}

static void
build_qinq_ipv6_hbh_udp(struct pb *pb)
{
    pb_eth(pb, mac_a, mac_b, 0x88a8);
    pb_u16(pb, 5 << 13 | 100);
    pb_u16(pb, 0x8100);
    pb_u16(pb, 3 << 13 | 1 << 12 | 200);    /* DEI set: not part of the VID. */
    pb_u16(pb, 0x86dd);
    pb_ipv6(pb, 8 + 12, 0, 64);
    pb_u8(pb, 17);                          /* Hop-by-hop: next header. */
    pb_u8(pb, 0);
    pb_u8(pb, 1);                           /* PadN, 4 bytes. */
    pb_u8(pb, 4);
    pb_fill(pb, 0, 4);
    pb_udp(pb, 5353, 53, 12);
    pb_u32(pb, 0xabcd0100);
}

static void
build_llc_snap(struct pb *pb)
{
    pb_eth(pb, mac_a, mac_b, 8 + 20 + 8);
    pb_u8(pb, 0xaa);
    pb_u8(pb, 0xaa);
    pb_u8(pb, 0x03);
    pb_fill(pb, 0, 3);
    pb_u16(pb, 0x0800);
    pb_ipv4(pb, 5, 28, 0, 17, ip4_a, ip4_b);
    pb_udp(pb, 123, 123, 8);
}

static void
build_icmp(struct pb *pb)
{
    pb_eth(pb, mac_a, mac_b, 0x0800);
    pb_ipv4(pb, 5, 28, 0, 1, ip4_a, ip4_b);
    pb_u8(pb, 8);
    pb_u8(pb, 0);
    pb_u16(pb, 0xf7ff);
    pb_u32(pb, 0x00010001);
}

static void
build_icmpv6(struct pb *pb)
{
    pb_eth(pb, mac_a, mac_b, 0x86dd);
    pb_ipv6(pb, 24, 58, 255);
    pb_u8(pb, 135);
    pb_u8(pb, 0);
    pb_u16(pb, 0x1234);
    pb_u32(pb, 0);
    pb_mem(pb, ip6_b, 16);
}

static void
build_raw_ipv4_udp(struct pb *pb)
{
    pb_ipv4(pb, 5, 20 + 8 + 2, 0, 17, ip4_c, ip4_d);
    pb_udp(pb, 33434, 33435, 10);
    pb_u16(pb, 0xffff);
}

static void
build_raw_ipv6_tcp(struct pb *pb)
{
    pb_ipv6(pb, 20, 6, 1);
    pb_tcp(pb, 22, 51000, 5, 0x12);
}

static void
build_vxlan_tcp(struct pb *pb)
{
    pb_eth(pb, mac_a, mac_b, 0x0800);
    pb_ipv4(pb, 5, 20 + 8 + 8 + 14 + 20 + 20, 0, 17, ip4_a, ip4_b);
    pb_udp(pb, 49152, 4789, 8 + 8 + 14 + 20 + 20);
    pb_u8(pb, 0x08);
    pb_fill(pb, 0, 3);
    pb_u32(pb, 0x123456u << 8);
    pb_eth(pb, mac_c, mac_d, 0x0800);
    pb_ipv4(pb, 5, 40, 0, 6, ip4_c, ip4_d);
    pb_tcp(pb, 8080, 80, 5, 0x02);
}

static void
build_gre_ipv4(struct pb *pb)
{
    pb_eth(pb, mac_a, mac_b, 0x0800);
    pb_ipv4(pb, 5, 20 + 12 + 20 + 8, 0, 47, ip4_a, ip4_b);
    pb_u16(pb, 0x3000);                     /* K and S. */
    pb_u16(pb, 0x0800);
    pb_u32(pb, 0xdeadbeef);
    pb_u32(pb, 7);
    pb_ipv4(pb, 5, 28, 0, 17, ip4_c, ip4_d);
    pb_udp(pb, 1000, 2000, 8);
}

static void
build_gre_teb(struct pb *pb)
{
    pb_eth(pb, mac_a, mac_b, 0x86dd);
    pb_ipv6(pb, 8 + 14 + 28, 47, 64);
    pb_u16(pb, 0x8000);                     /* C only. */
    pb_u16(pb, 0x6558);
    pb_u32(pb, 0xaaaa0000);
    pb_eth(pb, mac_c, mac_d, 0x0800);
    pb_ipv4(pb, 5, 28, 0, 1, ip4_c, ip4_d);
    pb_u8(pb, 0);
    pb_u8(pb, 0);
    pb_u16(pb, 0);
    pb_u32(pb, 0);
}

static void
build_mpls_ipv4(struct pb *pb)
{
    pb_eth(pb, mac_a, mac_b, 0x8847);
    pb_u32(pb, 100u << 12 | 5u << 9 | 255);
    pb_u32(pb, 200u << 12 | 0x100 | 64);
    pb_ipv4(pb, 5, 40, 0, 6, ip4_c, ip4_d);
    pb_tcp(pb, 179, 34567, 5, 0x10);
}

static void
build_ipv4_frag(struct pb *pb)
{
    pb_eth(pb, mac_a, mac_b, 0x0800);
    pb_ipv4(pb, 5, 20 + 16, 185, 17, ip4_a, ip4_b);
    pb_udp(pb, 1, 2, 3);                    /* Mid-payload bytes, not UDP. */
    pb_fill(pb, 0x5a, 8);
}

static void
build_ipv6_frag(struct pb *pb)
{
    pb_eth(pb, mac_a, mac_b, 0x86dd);
    pb_ipv6(pb, 8 + 16, 44, 64);
    pb_u8(pb, 17);
    pb_u8(pb, 0);
    pb_u16(pb, 185 << 3 | 1);
    pb_u32(pb, 0xcafef00d);
    pb_udp(pb, 1, 2, 3);
    pb_fill(pb, 0x5a, 8);
}

static void
build_ipv6_ah_dst_tcp(struct pb *pb)
{
    pb_ipv6(pb, 24 + 8 + 20, 51, 64);
    pb_u8(pb, 60);                          /* AH: next header. */
    pb_u8(pb, 4);                           /* (4 + 2) * 4 = 24 bytes. */
    pb_fill(pb, 0, 22);
    pb_u8(pb, 6);                           /* Destination options. */
    pb_u8(pb, 0);
    pb_fill(pb, 0, 6);
    pb_tcp(pb, 1234, 5678, 5, 0x01);
}

struct pb_case {
    const char *name;
    void (*build)(struct pb *);
    uint32_t proto;
};

static const struct pb_case cases[] = {
    { "eth_ipv4_tcp", build_eth_ipv4_tcp, PKT_PROTO_ETHERNET },
    { "qinq_ipv6_hbh_udp", build_qinq_ipv6_hbh_udp, PKT_PROTO_ETHERNET },
    { "llc_snap", build_llc_snap, PKT_PROTO_ETHERNET },
    { "icmp", build_icmp, PKT_PROTO_ETHERNET },
    { "icmpv6", build_icmpv6, PKT_PROTO_ETHERNET },
    { "raw_ipv4_udp", build_raw_ipv4_udp, PKT_PROTO_IPV4 },
    { "raw_ipv6_tcp", build_raw_ipv6_tcp, PKT_PROTO_IPV6 },
    { "vxlan_tcp", build_vxlan_tcp, PKT_PROTO_ETHERNET },
    { "gre_ipv4", build_gre_ipv4, PKT_PROTO_ETHERNET },
    { "gre_teb", build_gre_teb, PKT_PROTO_ETHERNET },
    { "mpls_ipv4", build_mpls_ipv4, PKT_PROTO_ETHERNET },
    { "ipv4_frag", build_ipv4_frag, PKT_PROTO_ETHERNET },
    { "ipv6_frag", build_ipv6_frag, PKT_PROTO_ETHERNET },
    { "ipv6_ah_dst_tcp", build_ipv6_ah_dst_tcp, PKT_PROTO_IPV6 },
};

/* What parse_prefix() fills 'info' with before pkt_parse() sees it. */
#define STALE 0xa5

/* No tunnel opened: pkt_parse() did not touch 'inner'. */
static void
assert_inner_untouched(const struct pkt_info *info)
{
    size_t i;

    for (i = 0; i < sizeof(info->inner); i++)
        assert_int_equal(((const uint8_t *)&info->inner)[i], STALE);
}

/* Parses the first 'n' bytes of 'pb' from an exact-size heap copy. */
static int
parse_prefix(const struct pb *pb, size_t n, uint32_t proto,
             struct pkt_info *info)
{
    uint8_t *copy;
    int error;

    assert_true(n <= pb->n);
    copy = malloc(n ? n : 1);
    assert_non_null(copy);
    memcpy(copy, pb->b, n);
    /* Stale bytes, as in a reused struct: all must be cleared but 'inner'. */
    memset(info, STALE, sizeof(*info));
    error = pkt_parse(copy, n, proto, info);
    free(copy);
    return error;
}

static void
parse_full(const struct pb *pb, uint32_t proto, struct pkt_info *info)
{
    assert_int_equal(parse_prefix(pb, pb->n, proto, info), 0);
}

static void
test_eth_ipv4_tcp(void **state)
{
    struct pb pb = { .n = 0 };
    struct pkt_info info;
    const struct pkt_layer *l = &info.outer;

    (void)state;
    build_eth_ipv4_tcp(&pb);
    parse_full(&pb, PKT_PROTO_ETHERNET, &info);
    assert_int_equal(info.encap, PKT_ENCAP_NONE);
    assert_int_equal(l->has_eth, 1);
    assert_memory_equal(l->dst_mac, mac_a, 6);
    assert_memory_equal(l->src_mac, mac_b, 6);
    assert_int_equal(l->n_vlans, 0);
    assert_int_equal(l->eth_type, 0x0800);
    assert_int_equal(l->eth_len, 0);
    assert_int_equal(l->l3_offset, 14);
    assert_int_equal(l->l3, 4);
    assert_int_equal(l->ip_header_len, 24);
    assert_int_equal(l->tos, 0x10);
    assert_int_equal(l->ip_total_len, 60);
    assert_int_equal(l->ip_id, 0x1234);
    assert_int_equal(l->ip_frag_off, 0);    /* DF is a flag, not offset. */
    assert_int_equal(l->ttl, 64);
    assert_int_equal(l->proto, 6);
    assert_memory_equal(l->src_ip, ip4_a, 4);
    assert_memory_equal(l->dst_ip, ip4_b, 4);
    assert_int_equal(l->l4_offset, 14 + 24);
    assert_int_equal(l->l4, 6);
    assert_int_equal(l->src_port, 40000);
    assert_int_equal(l->dst_port, 443);
    assert_int_equal(l->tcp_flags, 0x18);
    assert_int_equal(l->payload_offset, 14 + 24 + 32);
    assert_memory_equal(pb.b + l->payload_offset, "data", 4);
}

static void
test_qinq_ipv6_hbh_udp(void **state)
{
    struct pb pb = { .n = 0 };
    struct pkt_info info;
    const struct pkt_layer *l = &info.outer;

    (void)state;
    build_qinq_ipv6_hbh_udp(&pb);
    parse_full(&pb, PKT_PROTO_ETHERNET, &info);
    assert_int_equal(l->n_vlans, 2);
    assert_int_equal(l->n_vlans_seen, 2);
    assert_int_equal(l->vlan_tpid[0], 0x88a8);
    assert_int_equal(l->vlan_id[0], 100);
    assert_int_equal(l->vlan_prio[0], 5);
    assert_int_equal(l->vlan_tpid[1], 0x8100);
    assert_int_equal(l->vlan_id[1], 200);
    assert_int_equal(l->vlan_prio[1], 3);
    assert_int_equal(l->eth_type, 0x86dd);
    assert_int_equal(l->l3_offset, 22);
    assert_int_equal(l->l3, 6);
    assert_int_equal(l->tos, 0xb8);
    assert_int_equal(l->ip6_flow_label, 0x12345);
    assert_int_equal(l->ip6_payload_len, 20);
    assert_int_equal(l->ttl, 64);
    assert_memory_equal(l->src_ip, ip6_a, 16);
    assert_memory_equal(l->dst_ip, ip6_b, 16);
    assert_int_equal(l->ip6_first_nh, 0);
    assert_int_equal(l->ip6_n_ext, 1);
    assert_int_equal(l->proto, 17);
    assert_int_equal(l->ip_header_len, 48);
    assert_int_equal(l->l4_offset, 22 + 48);
    assert_int_equal(l->l4, 17);
    assert_int_equal(l->src_port, 5353);
    assert_int_equal(l->dst_port, 53);
    assert_int_equal(l->udp_len, 12);
    assert_int_equal(l->payload_offset, 22 + 48 + 8);
}

static void
test_llc_snap(void **state)
{
    struct pb pb = { .n = 0 };
    struct pkt_info info;
    const struct pkt_layer *l = &info.outer;

    (void)state;
    build_llc_snap(&pb);
    parse_full(&pb, PKT_PROTO_ETHERNET, &info);
    assert_int_equal(l->has_eth, 1);
    assert_int_equal(l->eth_len, 36);
    assert_int_equal(l->eth_type, 0x0800);
    assert_int_equal(l->l3_offset, 22);
    assert_int_equal(l->l3, 4);
    assert_int_equal(l->l4, 17);
    assert_int_equal(l->src_port, 123);
    assert_int_equal(l->payload_offset, 22 + 20 + 8);
}

static void
test_llc_not_snap(void **state)
{
    struct pb pb = { .n = 0 };
    struct pkt_info info;
    const struct pkt_layer *l = &info.outer;

    (void)state;
    pb_eth(&pb, mac_a, mac_b, 38);          /* Spanning tree BPDU. */
    pb_u8(&pb, 0x42);
    pb_u8(&pb, 0x42);
    pb_u8(&pb, 0x03);
    pb_fill(&pb, 0, 35);
    parse_full(&pb, PKT_PROTO_ETHERNET, &info);
    assert_int_equal(l->has_eth, 1);
    assert_int_equal(l->eth_len, 38);
    assert_int_equal(l->eth_type, 0);
    assert_int_equal(l->l3, 0);

    /* SNAP with a vendor OUI: the PID is not an EtherType. */
    pb.n = 0;
    pb_eth(&pb, mac_a, mac_b, 30);
    pb_u8(&pb, 0xaa);
    pb_u8(&pb, 0xaa);
    pb_u8(&pb, 0x03);
    pb_u8(&pb, 0x00);
    pb_u8(&pb, 0x00);
    pb_u8(&pb, 0x0c);
    pb_u16(&pb, 0x0800);
    pb_ipv4(&pb, 5, 20, 0, 6, ip4_a, ip4_b);
    parse_full(&pb, PKT_PROTO_ETHERNET, &info);
    assert_int_equal(l->eth_len, 30);
    assert_int_equal(l->eth_type, 0);
    assert_int_equal(l->l3, 0);
}

static void
test_icmp(void **state)
{
    struct pb pb = { .n = 0 };
    struct pkt_info info;
    const struct pkt_layer *l = &info.outer;

    (void)state;
    build_icmp(&pb);
    parse_full(&pb, PKT_PROTO_ETHERNET, &info);
    assert_int_equal(l->l3, 4);
    assert_int_equal(l->proto, 1);
    assert_int_equal(l->l4, 1);
    assert_int_equal(l->l4_offset, 34);
    assert_int_equal(l->icmp_type, 8);
    assert_int_equal(l->icmp_code, 0);
    assert_int_equal(l->src_port, 0);
}

static void
test_icmpv6(void **state)
{
    struct pb pb = { .n = 0 };
    struct pkt_info info;
    const struct pkt_layer *l = &info.outer;

    (void)state;
    build_icmpv6(&pb);
    parse_full(&pb, PKT_PROTO_ETHERNET, &info);
    assert_int_equal(l->l3, 6);
    assert_int_equal(l->ttl, 255);
    assert_int_equal(l->ip6_n_ext, 0);
    assert_int_equal(l->ip6_first_nh, 58);
    assert_int_equal(l->proto, 58);
    assert_int_equal(l->l4_offset, 54);
    assert_int_equal(l->l4, 58);
    assert_int_equal(l->icmp_type, 135);
    assert_int_equal(l->icmp_code, 0);
}

static void
test_raw_ip(void **state)
{
    struct pb pb = { .n = 0 };
    struct pkt_info info;
    const struct pkt_layer *l = &info.outer;

    (void)state;
    build_raw_ipv4_udp(&pb);
    parse_full(&pb, PKT_PROTO_IPV4, &info);
    assert_int_equal(l->has_eth, 0);
    assert_int_equal(l->eth_type, 0);
    assert_int_equal(l->l3_offset, 0);
    assert_int_equal(l->l3, 4);
    assert_memory_equal(l->src_ip, ip4_c, 4);
    assert_memory_equal(l->dst_ip, ip4_d, 4);
    assert_int_equal(l->ip_total_len, 30);
    assert_int_equal(l->l4_offset, 20);
    assert_int_equal(l->l4, 17);
    assert_int_equal(l->src_port, 33434);
    assert_int_equal(l->dst_port, 33435);
    assert_int_equal(l->udp_len, 10);
    assert_int_equal(l->payload_offset, 28);

    pb.n = 0;
    build_raw_ipv6_tcp(&pb);
    parse_full(&pb, PKT_PROTO_IPV6, &info);
    assert_int_equal(l->has_eth, 0);
    assert_int_equal(l->l3, 6);
    assert_int_equal(l->ttl, 1);
    assert_int_equal(l->l4_offset, 40);
    assert_int_equal(l->l4, 6);
    assert_int_equal(l->src_port, 22);
    assert_int_equal(l->tcp_flags, 0x12);
    assert_int_equal(l->payload_offset, 60);

    /* The header protocol, not the version nibble, picks the parser. */
    parse_full(&pb, PKT_PROTO_IPV4, &info);
    assert_int_equal(l->l3, 0);
}

static void
test_unsupported(void **state)
{
    struct pb pb = { .n = 0 };
    struct pkt_info info;

    (void)state;
    build_eth_ipv4_tcp(&pb);
    memset(&info, 0xff, sizeof info);
    assert_int_equal(pkt_parse(pb.b, pb.n, 2, &info), EPROTONOSUPPORT);
    assert_int_equal(info.outer.l3, 0);
    assert_int_equal(info.outer.has_eth, 0);
    assert_int_equal(pkt_parse(pb.b, pb.n, 0, &info), EPROTONOSUPPORT);
    assert_int_equal(pkt_parse(NULL, 0, PKT_PROTO_ETHERNET, &info), 0);
    assert_int_equal(info.outer.has_eth, 0);
}

static void
test_vxlan(void **state)
{
    struct pb pb = { .n = 0 };
    struct pkt_info info;
    const struct pkt_layer *o = &info.outer, *in = &info.inner;

    (void)state;
    build_vxlan_tcp(&pb);
    parse_full(&pb, PKT_PROTO_ETHERNET, &info);
    assert_int_equal(o->l4, 17);
    assert_int_equal(o->dst_port, 4789);
    assert_int_equal(o->payload_offset, 42);
    assert_int_equal(info.encap, PKT_ENCAP_VXLAN);
    assert_int_equal(info.vni, 0x123456);
    assert_int_equal(in->has_eth, 1);
    assert_memory_equal(in->dst_mac, mac_c, 6);
    assert_memory_equal(in->src_mac, mac_d, 6);
    assert_int_equal(in->eth_type, 0x0800);
    assert_int_equal(in->l3_offset, 50 + 14);
    assert_int_equal(in->l3, 4);
    assert_memory_equal(in->src_ip, ip4_c, 4);
    assert_memory_equal(in->dst_ip, ip4_d, 4);
    assert_int_equal(in->proto, 6);
    assert_int_equal(in->l4_offset, 84);
    assert_int_equal(in->l4, 6);
    assert_int_equal(in->src_port, 8080);
    assert_int_equal(in->dst_port, 80);
    assert_int_equal(in->tcp_flags, 0x02);
    assert_int_equal(in->payload_offset, 104);
    assert_int_equal(in->payload_offset, pb.n);

    /* Without the I flag the VNI is not valid and nothing is opened. */
    pb.b[42] = 0x00;
    parse_full(&pb, PKT_PROTO_ETHERNET, &info);
    assert_int_equal(info.encap, PKT_ENCAP_NONE);
    assert_int_equal(info.vni, 0);
    assert_inner_untouched(&info);
}

static void
test_gre(void **state)
{
    struct pb pb = { .n = 0 };
    struct pkt_info info;
    const struct pkt_layer *o = &info.outer, *in = &info.inner;

    (void)state;
    build_gre_ipv4(&pb);
    parse_full(&pb, PKT_PROTO_ETHERNET, &info);
    assert_int_equal(o->proto, 47);
    assert_int_equal(o->l4_offset, 34);
    assert_int_equal(o->l4, 0);
    assert_int_equal(info.encap, PKT_ENCAP_GRE);
    assert_int_equal(info.gre_proto, 0x0800);
    assert_int_equal(info.gre_has_key, 1);
    assert_int_equal(info.gre_key, 0xdeadbeef);
    assert_int_equal(in->has_eth, 0);
    assert_int_equal(in->eth_type, 0);
    assert_int_equal(in->l3_offset, 34 + 12);
    assert_int_equal(in->l3, 4);
    assert_memory_equal(in->src_ip, ip4_c, 4);
    assert_int_equal(in->l4_offset, 66);
    assert_int_equal(in->l4, 17);
    assert_int_equal(in->src_port, 1000);
    assert_int_equal(in->dst_port, 2000);

    /* Version 1 (PPTP) has another layout: left closed. */
    pb.b[35] = 0x01;
    parse_full(&pb, PKT_PROTO_ETHERNET, &info);
    assert_int_equal(info.encap, PKT_ENCAP_NONE);
    assert_inner_untouched(&info);

    pb.n = 0;
    build_gre_teb(&pb);
    parse_full(&pb, PKT_PROTO_ETHERNET, &info);
    assert_int_equal(o->l3, 6);
    assert_int_equal(o->l4_offset, 54);
    assert_int_equal(info.encap, PKT_ENCAP_GRE);
    assert_int_equal(info.gre_proto, 0x6558);
    assert_int_equal(info.gre_has_key, 0);
    assert_int_equal(in->has_eth, 1);
    assert_memory_equal(in->dst_mac, mac_c, 6);
    assert_int_equal(in->l3_offset, 54 + 8 + 14);
    assert_int_equal(in->l3, 4);
    assert_int_equal(in->l4, 1);
    assert_int_equal(in->l4_offset, 96);
    assert_int_equal(in->icmp_type, 0);
}

static void
test_mpls(void **state)
{
    struct pb pb = { .n = 0 };
    struct pkt_info info;
    const struct pkt_layer *o = &info.outer, *in = &info.inner;

    (void)state;
    build_mpls_ipv4(&pb);
    parse_full(&pb, PKT_PROTO_ETHERNET, &info);
    assert_int_equal(o->eth_type, 0x8847);
    assert_int_equal(o->l3_offset, 14);
    assert_int_equal(o->l3, 0);
    assert_int_equal(info.encap, PKT_ENCAP_MPLS);
    assert_int_equal(info.n_mpls, 2);
    assert_int_equal(info.n_mpls_seen, 2);
    assert_int_equal(info.mpls_label[0], 100u << 12 | 5u << 9 | 255);
    assert_int_equal(info.mpls_label[0] >> 12, 100);
    assert_int_equal(info.mpls_label[1] >> 12, 200);
    assert_int_equal(info.mpls_label[1] & 0x100, 0x100);
    assert_int_equal(in->has_eth, 0);
    assert_int_equal(in->l3_offset, 22);
    assert_int_equal(in->l3, 4);
    assert_memory_equal(in->dst_ip, ip4_d, 4);
    assert_int_equal(in->l4_offset, 42);
    assert_int_equal(in->l4, 6);
    assert_int_equal(in->src_port, 179);
    assert_int_equal(in->tcp_flags, 0x10);
    assert_int_equal(in->payload_offset, 62);
}

static void
test_fragments(void **state)
{
    struct pb pb = { .n = 0 };
    struct pkt_info info;
    const struct pkt_layer *l = &info.outer;

    (void)state;
    build_ipv4_frag(&pb);
    parse_full(&pb, PKT_PROTO_ETHERNET, &info);
    assert_int_equal(l->l3, 4);
    assert_int_equal(l->ip_frag_off, 185);
    assert_int_equal(l->proto, 17);
    assert_int_equal(l->l4, 0);
    assert_int_equal(l->l4_offset, 0);
    assert_int_equal(l->src_port, 0);
    assert_int_equal(l->payload_offset, 0);

    /* The first fragment (MF, offset 0) carries the transport header. */
    pb.b[20] = 0x20;
    pb.b[21] = 0x00;
    parse_full(&pb, PKT_PROTO_ETHERNET, &info);
    assert_int_equal(l->ip_frag_off, 0);
    assert_int_equal(l->l4, 17);
    assert_int_equal(l->src_port, 1);

    pb.n = 0;
    build_ipv6_frag(&pb);
    parse_full(&pb, PKT_PROTO_ETHERNET, &info);
    assert_int_equal(l->l3, 6);
    assert_int_equal(l->ip6_first_nh, 44);
    assert_int_equal(l->ip6_n_ext, 1);
    assert_int_equal(l->proto, 17);
    assert_int_equal(l->ip_frag_off, 185);
    assert_int_equal(l->ip_header_len, 48);
    assert_int_equal(l->l4, 0);
    assert_int_equal(l->src_port, 0);

    pb.b[56] = 0x00;
    pb.b[57] = 0x01;
    parse_full(&pb, PKT_PROTO_ETHERNET, &info);
    assert_int_equal(l->ip_frag_off, 0);
    assert_int_equal(l->l4, 17);
    assert_int_equal(l->l4_offset, 62);
    assert_int_equal(l->dst_port, 2);
}

static void
test_ipv6_ah_dst(void **state)
{
    struct pb pb = { .n = 0 };
    struct pkt_info info;
    const struct pkt_layer *l = &info.outer;

    (void)state;
    build_ipv6_ah_dst_tcp(&pb);
    parse_full(&pb, PKT_PROTO_IPV6, &info);
    assert_int_equal(l->ip6_first_nh, 51);
    assert_int_equal(l->ip6_n_ext, 2);
    assert_int_equal(l->proto, 6);
    assert_int_equal(l->ip_header_len, 40 + 24 + 8);
    assert_int_equal(l->l4_offset, 72);
    assert_int_equal(l->l4, 6);
    assert_int_equal(l->src_port, 1234);
    assert_int_equal(l->payload_offset, 92);
}

static void
test_malformed(void **state)
{
    struct pb pb = { .n = 0 };
    struct pkt_info info;
    const struct pkt_layer *l = &info.outer;
    int i;

    (void)state;
    /* Six tags: two stored, four walked, then the walk gives up. */
    pb_eth(&pb, mac_a, mac_b, 0x8100);
    for (i = 0; i < 6; i++) {
        pb_u16(&pb, (uint16_t)(i + 1));
        pb_u16(&pb, 0x8100);
    }
    pb_ipv4(&pb, 5, 20, 0, 6, ip4_a, ip4_b);
    parse_full(&pb, PKT_PROTO_ETHERNET, &info);
    assert_int_equal(l->n_vlans, PKT_MAX_VLANS);
    assert_int_equal(l->n_vlans_seen, 4);
    assert_int_equal(l->vlan_id[1], 2);
    assert_int_equal(l->l3, 0);

    /* IHL below 5 is not a header. */
    pb.n = 0;
    pb_eth(&pb, mac_a, mac_b, 0x0800);
    pb_ipv4(&pb, 4, 40, 0, 6, ip4_a, ip4_b);
    pb_tcp(&pb, 1, 2, 5, 0);
    parse_full(&pb, PKT_PROTO_ETHERNET, &info);
    assert_int_equal(l->eth_type, 0x0800);
    assert_int_equal(l->l3, 0);
    assert_int_equal(l->l4, 0);

    /* An MPLS stack with no bottom: walked to the cap, nothing opened. */
    pb.n = 0;
    pb_eth(&pb, mac_a, mac_b, 0x8847);
    for (i = 0; i < 40; i++)
        pb_u32(&pb, 0x45000000);
    parse_full(&pb, PKT_PROTO_ETHERNET, &info);
    assert_int_equal(info.encap, PKT_ENCAP_NONE);
    assert_int_equal(info.n_mpls, PKT_MAX_MPLS);
    assert_true(info.n_mpls_seen < 40);
    assert_inner_untouched(&info);

    /* Endless hop-by-hop chain: capped, no transport header claimed. */
    pb.n = 0;
    pb_ipv6(&pb, 20 * 8, 0, 64);
    for (i = 0; i < 20; i++) {
        pb_u8(&pb, 0);
        pb_fill(&pb, 0, 7);
    }
    parse_full(&pb, PKT_PROTO_IPV6, &info);
    assert_int_equal(l->l3, 6);
    assert_true(l->ip6_n_ext > 0 && l->ip6_n_ext < 20);
    assert_int_equal(l->proto, 0);
    assert_int_equal(l->l4, 0);
    assert_int_equal(l->l4_offset, 0);

    /* VXLAN inside VXLAN: one level only. */
    pb.n = 0;
    build_vxlan_tcp(&pb);
    pb.n = 50;
    pb_eth(&pb, mac_c, mac_d, 0x0800);
    pb_ipv4(&pb, 5, 20 + 8 + 8, 0, 17, ip4_c, ip4_d);
    pb_udp(&pb, 1, 4789, 16);
    pb_u8(&pb, 0x08);
    pb_fill(&pb, 0, 7);
    pb_eth(&pb, mac_a, mac_a, 0x0800);
    parse_full(&pb, PKT_PROTO_ETHERNET, &info);
    assert_int_equal(info.encap, PKT_ENCAP_VXLAN);
    assert_int_equal(info.inner.l4, 17);
    assert_int_equal(info.inner.dst_port, 4789);
}

/*
 * What a parse of 'n' bytes may claim: every layer it reports lies within
 * the bytes, and, if 'full' is the parse of the whole packet, agrees with it.
 */
static void
check_layer(const struct pkt_layer *l, const struct pkt_layer *full, size_t n)
{
    /* A TCP header cut short keeps its ports, and its flags from 14 bytes. */
    static const size_t l4_min[256] = { [1] = 4, [6] = 4, [17] = 8, [58] = 4 };

    assert_true(l->n_vlans >= 0 && l->n_vlans <= PKT_MAX_VLANS);
    assert_true(l->n_vlans <= l->n_vlans_seen);
    /* A tag counts once its TCI is in, before the type that follows it. */
    if (l->has_eth)
        assert_true(n >= 14 && n >= 12 + 4 * (size_t)l->n_vlans_seen);
    if (l->eth_type != 0)
        assert_true(l->l3_offset <= n);
    if (l->l3 == 4)
        assert_true(l->l3_offset + 20 <= n);
    else if (l->l3 == 6)
        assert_true(l->l3_offset + 40 <= n);
    else
        assert_int_equal(l->l3, 0);
    if (l->l4 != 0) {
        assert_true(l->l4 == 1 || l->l4 == 6 || l->l4 == 17 || l->l4 == 58);
        assert_int_not_equal(l->l3, 0);
        assert_true(l->l4_offset >= l->l3_offset + 20);
        assert_true(l->l4_offset + l4_min[l->l4] <= n);
        if (l->l4 == 6)
            assert_int_equal(l->has_tcp_flags, l->l4_offset + 14 <= n);
    } else {
        assert_int_equal(l->src_port, 0);
        assert_int_equal(l->payload_offset, 0);
    }
    assert_true(l->payload_offset <= n);
    if (full == NULL)
        return;
    if (l->has_eth) {
        assert_memory_equal(l->dst_mac, full->dst_mac, 6);
        assert_memory_equal(l->src_mac, full->src_mac, 6);
    }
    if (l->l3 != 0) {
        assert_int_equal(l->l3, full->l3);
        assert_int_equal(l->l3_offset, full->l3_offset);
        assert_memory_equal(l->src_ip, full->src_ip, 16);
        assert_memory_equal(l->dst_ip, full->dst_ip, 16);
        assert_int_equal(l->ttl, full->ttl);
    }
    if (l->l4 != 0) {
        assert_int_equal(l->l4, full->l4);
        assert_int_equal(l->l4_offset, full->l4_offset);
        assert_int_equal(l->src_port, full->src_port);
        assert_int_equal(l->dst_port, full->dst_port);
        assert_int_equal(l->icmp_type, full->icmp_type);
        if (l->has_tcp_flags)
            assert_int_equal(l->tcp_flags, full->tcp_flags);
    }
    if (l->payload_offset != 0)
        assert_int_equal(l->payload_offset, full->payload_offset);
}

static void
check_info(const struct pkt_info *info, const struct pkt_info *full, size_t n)
{
    check_layer(&info->outer, full ? &full->outer : NULL, n);
    assert_true(info->n_mpls >= 0 && info->n_mpls <= PKT_MAX_MPLS);
    assert_true(info->n_mpls <= info->n_mpls_seen);
    assert_true(info->outer.l3_offset + 4 * (size_t)info->n_mpls_seen <= n);
    switch (info->encap) {
    case PKT_ENCAP_NONE:
        assert_inner_untouched(info);
        return;
    case PKT_ENCAP_VXLAN:
        assert_int_equal(info->outer.l4, 17);
        assert_true(info->outer.payload_offset + 8 <= n);
        break;
    case PKT_ENCAP_GRE:
        assert_true(info->outer.l4_offset + 4 <= n);
        break;
    case PKT_ENCAP_MPLS:
        assert_true(info->n_mpls > 0);
        break;
    default:
        fail();
    }
    if (full != NULL) {
        assert_int_equal(info->encap, full->encap);
        assert_int_equal(info->vni, full->vni);
        assert_int_equal(info->gre_proto, full->gre_proto);
    }
    check_layer(&info->inner, full ? &full->inner : NULL, n);
}

static void
test_truncation_sweep(void **state)
{
    struct pkt_info full, info;
    struct pb pb;
    size_t i, n;

    (void)state;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        pb.n = 0;
        cases[i].build(&pb);
        parse_full(&pb, cases[i].proto, &full);
        check_info(&full, NULL, pb.n);
        for (n = 0; n < pb.n; n++) {
            assert_int_equal(parse_prefix(&pb, n, cases[i].proto, &info), 0);
            check_info(&info, &full, n);
        }
    }
}

/* Deterministic junk shaped to reach the deeper layers. */
static void
test_random(void **state)
{
    static const uint16_t types[] = { 0x0800, 0x86dd, 0x8100, 0x88a8,
                                      0x8847, 0x0030, 0x9100 };
    static const uint32_t protos[] = { PKT_PROTO_ETHERNET, PKT_PROTO_IPV4,
                                       PKT_PROTO_IPV6 };
    struct pkt_info info;
    struct pb pb;
    uint32_t seed = 12345;
    size_t n;
    int iter;

    (void)state;
    for (iter = 0; iter < 50000; iter++) {
        pb.n = 0;
        while (pb.n < 160) {
            seed = seed * 1103515245 + 12345;
            pb_u8(&pb, seed >> 16);
        }
        pb.b[12] = types[(seed >> 8) % 7] >> 8;
        pb.b[13] = types[(seed >> 8) % 7] & 0xff;
        pb.b[(seed >> 4) % 2 ? 0 : 14] = (seed & 1) ? 0x45 : 0x60;
        pb.b[23] = (uint8_t[]){ 6, 17, 47, 1, 58, 0, 44 }[(seed >> 3) % 7];
        n = (seed >> 20) % (pb.n + 1);
        assert_int_equal(parse_prefix(&pb, n, protos[iter % 3], &info), 0);
        check_info(&info, NULL, n);
    }
}

/* pkt_ipv6_ext() alone, as sflow-switch's flow key reads it: the bytes after the fixed header. */
static void
test_ipv6_ext_chain(void **state)
{
    /* Hop-by-hop (PadN), destination options (8 bytes), then UDP's 8 bytes. */
    static const uint8_t chain[] = {
        60, 0, 1, 4, 0, 0, 0, 0,
        17, 0, 1, 4, 0, 0, 0, 0,
        0x13, 0x88, 0x17, 0x70, 0, 8, 0, 0,
    };
    /* A fragment header at offset 185 (x 8 bytes), TCP's bytes mid-payload after it. */
    static const uint8_t later_fragment[] = { 6, 0, 0x05, 0xc9, 0, 0, 0, 1, 0xde, 0xad };
    struct pkt_ipv6_ext x;

    (void)state;
    assert_int_equal(pkt_ipv6_ext(chain, sizeof(chain), 0, &x), 1);
    assert_int_equal(x.proto, 17);
    assert_int_equal(x.n_ext, 2);
    assert_int_equal(x.len, 16);
    assert_int_equal(x.frag_off, 0);
    /* No extension header: the transport starts at once. */
    assert_int_equal(pkt_ipv6_ext(chain + 16, 8, 17, &x), 1);
    assert_int_equal(x.len, 0);
    assert_int_equal(x.proto, 17);
    /* Cut in the second header: no transport, the first one counted. */
    assert_int_equal(pkt_ipv6_ext(chain, 12, 0, &x), 0);
    assert_int_equal(x.proto, 60);
    assert_int_equal(x.n_ext, 1);
    assert_int_equal(pkt_ipv6_ext(later_fragment, sizeof(later_fragment), 44, &x), 0);
    assert_int_equal(x.proto, 6);
    assert_int_equal(x.frag_off, 185);
    assert_int_equal(x.len, 8);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_eth_ipv4_tcp),
        cmocka_unit_test(test_qinq_ipv6_hbh_udp),
        cmocka_unit_test(test_llc_snap),
        cmocka_unit_test(test_llc_not_snap),
        cmocka_unit_test(test_icmp),
        cmocka_unit_test(test_icmpv6),
        cmocka_unit_test(test_raw_ip),
        cmocka_unit_test(test_unsupported),
        cmocka_unit_test(test_vxlan),
        cmocka_unit_test(test_gre),
        cmocka_unit_test(test_mpls),
        cmocka_unit_test(test_fragments),
        cmocka_unit_test(test_ipv6_ah_dst),
        cmocka_unit_test(test_ipv6_ext_chain),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_truncation_sweep),
        cmocka_unit_test(test_random),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
