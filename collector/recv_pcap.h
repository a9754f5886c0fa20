/* recv_pcap: sFlow datagrams out of a capture file (pcap or pcapng, via libpcap). */
#ifndef SFK_RECV_PCAP_H
#define SFK_RECV_PCAP_H

#include <stddef.h>
#include <stdint.h>

#include "dgram_meta.h"

/* Called once per UDP datagram that looks like sFlow; returns 0 to go on. */
typedef int (*recv_cb)(void *ctx, const uint8_t *p, size_t len, const struct dgram_meta *);

struct recv_pcap_stats {
    uint64_t frames;            /* Frames in the file. */
    uint64_t not_udp;           /* Frames that are not IPv4/IPv6 UDP. */
    uint64_t not_sflow;         /* UDP datagrams neither to/from 6343 nor version 5. */
};

/*
 * Reads 'path' ("-" = stdin) and calls 'cb' for each candidate datagram:
 * UDP to or from port 6343, or any UDP payload that starts with version 5.
 * Returns 0, or -1 with 'err' holding a message for the user.
 */
int recv_pcap_file(const char *path, recv_cb cb, void *ctx,
    struct recv_pcap_stats *stats, char *err, size_t errlen);

/*
 * Maps a frame of libpcap link type 'linktype' ('caplen' bytes at 'p') to
 * an sFlow header protocol (PKT_PROTO_*) and the offset of the Ethernet or
 * IP header.  Returns 0, or -1 for a link type it does not know.
 */
int recv_pcap_link(int linktype, const uint8_t *p, size_t caplen, uint32_t *proto,
    size_t *off);

#endif /* SFK_RECV_PCAP_H */
