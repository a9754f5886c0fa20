/*
 * netflow5: the NetFlow v5 export format, both ways, and the mapping of a
 * decoded sFlow flow sample onto a NetFlow v5 record.
 *
 * Reference: Cisco's NetFlow v5 export format; summarised, with the rules
 * for converting from sFlow, in SFLOW_V5_NOTES.md section 9.  Fixed format,
 * IPv4 only, big-endian, no templates:
 *
 *   header (24):  version count sys_uptime unix_secs unix_nsecs
 *                 flow_sequence engine_type engine_id sampling_interval
 *   record (48):  srcaddr dstaddr nexthop input output dPkts dOctets first
 *                 last srcport dstport pad1 tcp_flags prot tos src_as dst_as
 *                 src_mask dst_mask pad2
 *
 * No I/O: the encoder fills a caller's buffer, the decoder reads one.
 */
#ifndef SFK_NETFLOW5_H
#define SFK_NETFLOW5_H

#include <stddef.h>
#include <stdint.h>

#include "flowrec.h"
#include "sflow_types.h"

#define NETFLOW5_VERSION 5
#define NETFLOW5_HEADER_LEN 24
#define NETFLOW5_RECORD_LEN 48
#define NETFLOW5_MAX_RECORDS 30
#define NETFLOW5_MAX_LEN (NETFLOW5_HEADER_LEN + NETFLOW5_MAX_RECORDS * NETFLOW5_RECORD_LEN)

/* sampling_interval: mode in the top 2 bits, interval in the low 14. */
#define NETFLOW5_SAMPLING_MODE_DETERMINISTIC 0x4000u
#define NETFLOW5_SAMPLING_MAX 0x3fffu

/* ASN for 4-byte AS numbers in a 2-byte field (RFC 6793 AS_TRANS). */
#define NETFLOW5_AS_TRANS 23456u

struct netflow5_header {
    uint16_t version;
    uint16_t count;
    uint32_t sys_uptime;        /* ms */
    uint32_t unix_secs;
    uint32_t unix_nsecs;
    uint32_t flow_sequence;     /* Flows exported before this packet. */
    uint8_t engine_type;
    uint8_t engine_id;
    uint16_t sampling_interval;
};

/* Addresses are host-order numbers (192.0.2.1 is 0xc0000201). */
struct netflow5_record {
    uint32_t srcaddr;
    uint32_t dstaddr;
    uint32_t nexthop;
    uint16_t input;
    uint16_t output;
    uint32_t dPkts;
    uint32_t dOctets;
    uint32_t first;             /* sys_uptime at the first packet */
    uint32_t last;
    uint16_t srcport;
    uint16_t dstport;
    uint8_t tcp_flags;
    uint8_t prot;
    uint8_t tos;
    uint16_t src_as;
    uint16_t dst_as;
    uint8_t src_mask;
    uint8_t dst_mask;
};

/*
 * Writes a packet of 'hdr' (whose 'count' is ignored: 'n' is written) and
 * 'n' records from 'recs' into 'buf' of 'cap' bytes.  Returns the packet's
 * length, or 0 if 'n' is not 1 to NETFLOW5_MAX_RECORDS or 'cap' is short.
 */
size_t netflow5_encode(void *buf, size_t cap, const struct netflow5_header *hdr,
    const struct netflow5_record *recs, unsigned int n);

/*
 * Reads the packet of 'len' bytes at 'buf' into 'hdr' and 'recs', which
 * holds NETFLOW5_MAX_RECORDS.  Returns 0, EPROTONOSUPPORT if the version is
 * not 5, or EBADMSG if 'count' is 0 or over 30 or the bytes are fewer than
 * it declares (trailing bytes are tolerated, as nfcapd tolerates them).
 */
int netflow5_decode(const void *buf, size_t len, struct netflow5_header *hdr,
    struct netflow5_record *recs);

/* What a flow sample gives for NetFlow v5 (netflow5_from_sample()). */
enum netflow5_kind {
    NETFLOW5_OK,                /* An IPv4 packet: 'rec' is filled. */
    NETFLOW5_NOT_FLOW,          /* Not a flow sample (0:1, 0:3), or not decoded. */
    NETFLOW5_IPV6,              /* An IPv6 packet: cannot be exported in v5. */
    NETFLOW5_NOT_IP,            /* No IP packet in the sample (ARP, cut header). */
};

/*
 * A flow sample as one NetFlow v5 record of one packet: 'rec' gets the
 * addresses, ports, protocol, ToS, TCP flags, interfaces (16 bits; the
 * internal interface 0x3FFFFFFF and non-ifIndex formats become 0), dPkts 1
 * and dOctets the packet's IP length (frame length - stripped - L2 header,
 * or the length of a 0:3 record), next hop and masks from extended_router,
 * and AS numbers from extended_gateway.  'first' and 'last' are left 0.
 * 'has_as' is set to 1 when a gateway record gave the AS numbers.
 *
 * The packet comes from the sampled header (0:1, outer packet of a tunnel)
 * if it holds IP, else from a 0:3 sampled_ipv4 / 0:4 sampled_ipv6 record.
 * For NETFLOW5_IPV6, 'src6'/'dst6' (may be NULL) get the addresses.
 */
enum netflow5_kind netflow5_from_sample(const struct sflow_datagram *dg,
    const struct sflow_sample *s, struct netflow5_record *rec, int *has_as,
    uint8_t *src6, uint8_t *dst6);

/*
 * The IPv4 flow record 'f' as a v5 record 'o': interfaces cut to 16 bits,
 * counters saturated at 32, AS numbers through netflow5_as16().
 */
void netflow5_from_flowrec(const struct flowrec *f, struct netflow5_record *o);

/* A 32-bit AS number in a 16-bit field: itself if it fits, else AS_TRANS. */
static inline uint16_t
netflow5_as16(uint32_t as)
{
    return as <= 0xffff ? (uint16_t)as : NETFLOW5_AS_TRANS;
}

#endif /* SFK_NETFLOW5_H */
