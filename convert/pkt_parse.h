/*
 * pkt_parse: flow keys of a sampled packet header.
 *
 * Parses the first bytes of a packet as an sFlow agent captured them
 * (sampled_header, flow record 0:1): Ethernet II, 802.1Q and QinQ (802.1ad,
 * 0x9100), LLC/SNAP, IPv4 (with options), IPv6 (with extension headers),
 * TCP, UDP, ICMP and ICMPv6; or a raw IPv4/IPv6 packet (header protocols 11
 * and 12).  One level of tunnel is opened (VXLAN on UDP 4789, GRE, MPLS) and
 * its inner packet is parsed into 'inner'.
 *
 * Every header is read through the bounds-checked cursor (a fixed-size one
 * with a single check); a header cut short leaves the deeper layers unset
 * ('l3' or 'l4' stays 0).  No allocation.
 */
#ifndef SFK_PKT_PARSE_H
#define SFK_PKT_PARSE_H

#include <stddef.h>
#include <stdint.h>

#define PKT_MAX_VLANS 2
#define PKT_MAX_MPLS 4

enum pkt_encap {
    PKT_ENCAP_NONE = 0,
    PKT_ENCAP_VXLAN,
    PKT_ENCAP_GRE,
    PKT_ENCAP_MPLS,
};

/* One parsed packet (outer or inner).  'has_*' / 'l3' / 'l4' tell what was seen. */
struct pkt_layer {
    /* Link layer; has_eth is 0 for raw IP (header protocol 11/12) and GRE IP payloads. */
    int has_eth;
    uint8_t dst_mac[6];
    uint8_t src_mac[6];
    int n_vlans;                        /* Tags stored (<= PKT_MAX_VLANS), outermost first. */
    int n_vlans_seen;                   /* Tags walked; may exceed n_vlans. */
    uint16_t vlan_tpid[PKT_MAX_VLANS];
    uint16_t vlan_id[PKT_MAX_VLANS];
    uint8_t vlan_prio[PKT_MAX_VLANS];
    uint16_t eth_type;                  /* Innermost EtherType (or from SNAP); 0 if none. */
    uint16_t eth_len;                   /* 802.3 length field when < 0x600, else 0. */
    size_t l3_offset;                   /* Offset of the network header in the bytes. */

    /* Network layer: 0 none, 4 IPv4, 6 IPv6. */
    int l3;
    uint8_t src_ip[16];                 /* IPv4 in the first 4 bytes. */
    uint8_t dst_ip[16];
    uint8_t tos;                        /* IPv4 TOS / IPv6 traffic class. */
    uint8_t ttl;                        /* IPv4 TTL / IPv6 hop limit. */
    uint8_t proto;                      /* IPv4 protocol / IPv6 final next header. */
    uint16_t ip_total_len;              /* IPv4 total length (header + payload). */
    uint16_t ip_id;                     /* IPv4 identification, host order. */
    uint16_t ip_frag_off;               /* IPv4 (or IPv6 fragment header) fragment
                                         * offset (8-byte units); 0 if first. */
    uint8_t ip_header_len;              /* IPv4 IHL*4 / IPv6 40 + extension headers
                                         * walked, saturating at 255. */
    uint32_t ip6_flow_label;            /* 20 bits. */
    uint16_t ip6_payload_len;
    int ip6_n_ext;                      /* Extension headers walked. */
    uint8_t ip6_first_nh;               /* Next header in the fixed IPv6 header. */
    size_t l4_offset;                   /* Offset of the transport header in the bytes. */

    /* Transport layer: 0 none, else the IP protocol that was parsed (6, 17, 1, 58). */
    int l4;
    uint16_t src_port;
    uint16_t dst_port;
    uint8_t tcp_flags;                  /* Low 8 flag bits of the TCP header... */
    int has_tcp_flags;                  /* ...if their byte was captured. */
    uint16_t udp_len;                   /* UDP length field. */
    uint8_t icmp_type;
    uint8_t icmp_code;
    size_t payload_offset;              /* Offset of the L4 payload; 0 if unknown. */
};

struct pkt_info {
    struct pkt_layer outer;
    enum pkt_encap encap;               /* Tunnel opened, if any. */
    uint32_t vni;                       /* VXLAN network identifier. */
    uint16_t gre_proto;                 /* GRE protocol type. */
    uint32_t gre_key;                   /* GRE key (RFC 2890; NVGRE VSID), if gre_has_key. */
    int gre_has_key;
    int n_mpls;                         /* Entries stored (<= PKT_MAX_MPLS). */
    int n_mpls_seen;                    /* Entries walked; may exceed n_mpls. */
    uint32_t mpls_label[PKT_MAX_MPLS];  /* Label stack entries as on the wire. */
    /* Last.  Cleared and valid only when encap != PKT_ENCAP_NONE. */
    struct pkt_layer inner;
};

/* sFlow header_protocol values that pkt_parse() understands. */
#define PKT_PROTO_ETHERNET 1
#define PKT_PROTO_IPV4 11
#define PKT_PROTO_IPV6 12

/*
 * Parses 'len' bytes at 'p', captured with sFlow header protocol 'proto',
 * into 'info' (which it clears first, but for 'inner' when no tunnel is
 * opened).  Returns 0, or EPROTONOSUPPORT for a header protocol it does not
 * know (info then holds nothing).
 */
int pkt_parse(const uint8_t *p, size_t len, uint32_t proto, struct pkt_info *info);

/* An IPv6 packet's chain of extension headers, as pkt_ipv6_ext() walked it. */
struct pkt_ipv6_ext {
    uint8_t proto;              /* The last next header read: the transport's when whole. */
    uint8_t n_ext;              /* Extension headers walked. */
    uint16_t frag_off;          /* A fragment header's offset (8-byte units), else 0. */
    size_t len;                 /* Their bytes, after the 40 of the fixed header. */
};

/*
 * Walks the extension headers of an IPv6 packet: 'p' is where they start
 * (after the fixed header, whose next header is 'nh'), 'len' the bytes
 * captured from there.  Returns 1 if a transport header follows them,
 * 0 if the chain runs past the capture, is longer than the walk allows,
 * or ends in a fragment other than the first (mid-payload bytes).  The
 * sampled-header parser and sflow-switch's flow key both read it.
 */
int pkt_ipv6_ext(const uint8_t *p, size_t len, uint8_t nh, struct pkt_ipv6_ext *x);

#endif /* SFK_PKT_PARSE_H */
