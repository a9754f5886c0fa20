/*
 * udpip: one UDP datagram with its IPv4 (RFC 791) or IPv6 (RFC 8200)
 * header, checksums included, for the senders and writers that must show
 * a source address of their choosing: -S (spoof.c) and -M (dgram_pcap.c).
 */
#ifndef SFK_UDPIP_H
#define SFK_UDPIP_H

#include <stddef.h>
#include <stdint.h>

#include "wbuf.h"

/*
 * Writes into 'w' an IPv4 ('v6' 0, 4-byte addresses) or IPv6 (16-byte)
 * header from 'src' to 'dst', a UDP header from 'sport' to 'dport' and
 * 'len' bytes of 'payload'.  Returns 0, or EMSGSIZE if it does not fit
 * 'w' or a UDP datagram.
 */
int udpip_build(struct wbuf *w, int v6, const uint8_t *src, const uint8_t *dst,
    uint16_t sport, uint16_t dport, const void *payload, size_t len);

#endif /* SFK_UDPIP_H */
