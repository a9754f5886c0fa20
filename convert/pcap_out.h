/*
 * pcap_out: a sampled packet header (flow record 0:1) as a pcap packet.
 *
 * Pure functions, no I/O: they choose the link type, the bytes, the
 * captured and the original length; the caller writes the packet with
 * libpcap's dump API (collector/pcap_sink.c).
 *
 * A pcap file has one link type, while samples may carry Ethernet frames
 * (header_protocol 1) or bare IP packets (11 IPv4, 12 IPv6).  A packet of
 * the other kind is converted: bare IP gets a synthetic Ethernet header
 * (zero MAC addresses, EtherType from the header protocol), an Ethernet
 * frame that holds IPv4 or IPv6 loses its link layer (MACs, VLAN tags),
 * as the parsed header's 'l3_offset' says.
 */
#ifndef SFK_PCAP_OUT_H
#define SFK_PCAP_OUT_H

#include <stddef.h>
#include <stdint.h>

#include "sflow_types.h"

enum pcap_out_link {
    PCAP_OUT_LINK_NONE = 0,     /* No pcap link type for this header protocol. */
    PCAP_OUT_LINK_ETHERNET,     /* DLT_EN10MB */
    PCAP_OUT_LINK_RAW,          /* DLT_RAW: an IPv4 or IPv6 packet, no link header. */
};

/* Longest packet written; longer headers are cut (a UDP datagram is shorter). */
#define PCAP_OUT_SNAPLEN 65535
/* Length of the synthetic Ethernet header put before bare IP. */
#define PCAP_OUT_ETH_LEN 14

struct pcap_out_pkt {
    const uint8_t *bytes;       /* 'caplen' bytes: in the record or in the caller's buffer. */
    uint32_t caplen;            /* Bytes at 'bytes'. */
    uint32_t len;               /* Original length on the wire, never below the uncut caplen. */
    int converted;              /* 1: link layer added or removed. */
    int cut;                    /* 1: cut at the start of the L4 payload. */
};

/*
 * Link type in which sampled-header record 'rec' is written unchanged, or
 * PCAP_OUT_LINK_NONE if it is not a sampled header this module can write.
 */
enum pcap_out_link pcap_out_native(const struct sflow_record *rec);

/*
 * Fills 'out' with record 'rec' (a decoded 0:1 sampled_header) as a packet
 * of link type 'link'.  With 'cut_payload', the packet ends where the L4
 * payload of the outer packet starts (TCP and UDP; others stay whole).
 * 'buf' (at least PCAP_OUT_ETH_LEN + PCAP_OUT_SNAPLEN bytes) holds the
 * packet when a header must be added; otherwise 'out' points into the
 * record.  Returns 0; EINVAL if 'rec' is not a usable sampled header;
 * EPROTONOSUPPORT if it cannot be shown as 'link' (say, ARP as raw IP).
 */
int pcap_out_packet(const struct sflow_record *rec, enum pcap_out_link link,
    int cut_payload, uint8_t *buf, size_t buflen, struct pcap_out_pkt *out);

#endif /* SFK_PCAP_OUT_H */
