/*
 * flowrec: one decoded sFlow flow sample as a flow record, the common
 * ground of the NetFlow v5, v9 and IPFIX encoders.
 *
 * The sample's packet comes from the sampled header (0:1, outer packet of a
 * tunnel) if it holds IP, else from a 0:3 sampled_ipv4 / 0:4 sampled_ipv6
 * record; an IPv4 packet wins over an IPv6 one (NetFlow v5 can carry only
 * the former), else the first wins.  The other records add to it: 0:2
 * ethernet (MACs), 0:1001 extended_switch (VLANs), 0:1002 extended_router
 * (next hop, prefix lengths), 0:1003 extended_gateway (AS numbers).
 */
#ifndef SFK_FLOWREC_H
#define SFK_FLOWREC_H

#include <stdint.h>
#include <string.h>

#include "pkt_parse.h"
#include "sflow_types.h"

struct flowrec {
    uint8_t family;             /* 4 or 6 */
    uint8_t src[16], dst[16];   /* IPv4 in the first 4 bytes */
    uint8_t nexthop[16];
    uint8_t nexthop_family;     /* 0 none, 4, 6 */
    uint8_t src_mask, dst_mask; /* 0 unknown */
    uint16_t src_port, dst_port;        /* ICMP: type << 8 | code in dst_port */
    uint8_t prot, tos, tcp_flags;
    uint32_t input, output;     /* ifIndex; 0 unknown, internal or not one port */
    uint16_t src_vlan, dst_vlan;        /* 0 none */
    uint8_t src_mac[6], dst_mac[6];     /* all 0 when unknown */
    uint64_t packets, octets;   /* 1 and the IP length, until scaled */
    uint32_t src_as, dst_as;    /* Origin: src_as (else the peer's), path's last */
    uint32_t src_peer_as, dst_peer_as;  /* Neighbours: src_peer_as, path's first */
    int has_as;                 /* A gateway record gave the four AS numbers. */
    uint64_t first_ms, last_ms; /* Set by the exporter. */
};

enum flowrec_kind {
    FLOWREC_OK,                 /* 'rec' is filled. */
    FLOWREC_NOT_FLOW,           /* Not a flow sample (0:1, 0:3), or not decoded. */
    FLOWREC_NOT_IP,             /* No IP packet in the sample (ARP, cut header). */
};

/*
 * The IP keys of one packet as its source gives them, before an encoder's
 * conventions (ICMP in the ports, which flags count): the shared ground
 * of flowrec_from_sample() and the ClickHouse rows (ch_row.c).
 */
struct flowrec_ip {
    uint8_t family;             /* 4 or 6 */
    uint8_t src[16], dst[16];   /* IPv4 in the first 4 bytes */
    uint8_t prot, tos, ttl;     /* ttl: 0 from a 0:3/0:4 record */
    uint8_t l4;                 /* Header: transport parsed (6, 17, 1, 58) or 0; record: 0 */
    uint16_t src_port, dst_port;        /* Header: its TCP/UDP ports; record: its fields */
    uint8_t tcp_flags;          /* Header: TCP's; record: its field */
    uint8_t icmp_type, icmp_code;       /* Header only */
};

/* The first (the peer's) and last (the destination's) ASN of a 0:1003 AS path; 0 if none. */
void flowrec_as_path_ends(const struct sflow_bytes *path, uint32_t *first, uint32_t *last);

/*
 * The IP packet of a parsed layer into 'ip' (cleared if none); returns its
 * family or 0.  Inline: its caller then reads the layer's fields straight
 * into its own record, for every sampled header.
 */
static inline int
flowrec_ip_from_layer(const struct pkt_layer *l, struct flowrec_ip *ip)
{
    if (l->l3 != 4 && l->l3 != 6) {
        memset(ip, 0, sizeof(*ip));
        return 0;
    }
    /* Every field is set.  pkt_parse() zeroes a layer's addresses past an IPv4 one. */
    ip->family = (uint8_t)l->l3;
    memcpy(ip->src, l->src_ip, 16);
    memcpy(ip->dst, l->dst_ip, 16);
    ip->prot = l->proto;
    ip->tos = l->tos;
    ip->ttl = l->ttl;
    ip->l4 = (uint8_t)l->l4;
    ip->src_port = l->src_port;
    ip->dst_port = l->dst_port;
    ip->tcp_flags = l->tcp_flags;
    ip->icmp_type = l->icmp_type;
    ip->icmp_code = l->icmp_code;
    return ip->family;
}

/* A 0:3 sampled_ipv4 / 0:4 sampled_ipv6 record into 'ip' (cleared); family or 0. */
int flowrec_ip_from_record(const struct sflow_record *rec, struct flowrec_ip *ip);

/* 1 if 's' is a decoded flow sample (0:1 or 0:3), else 0. */
int flowrec_is_flow_sample(const struct sflow_sample *s);

/*
 * The next record of sample 's' of 'dg' from '*i' on (0 first) that was
 * decoded, or NULL after the last; advances '*i' past it.
 */
const struct sflow_record *flowrec_next_record(const struct sflow_datagram *dg,
    const struct sflow_sample *s, uint32_t *i);

/*
 * Maps sample 's' of 'dg' onto 'rec' (cleared first): one packet, whose
 * octets are its IP length on the wire (frame length - stripped - L2
 * header, else the IP header's length, or a 0:3/0:4 record's length).
 */
enum flowrec_kind flowrec_from_sample(const struct sflow_datagram *dg,
    const struct sflow_sample *s, struct flowrec *rec);

#endif /* SFK_FLOWREC_H */
