/*
 * spoof: sends UDP datagrams with another host's source address (-S), so
 * that NetFlow and forwarded sFlow reach their collectors from the sFlow
 * agent they describe, as analyzers keying on the exporter's address
 * (nfdump's exporter list, pmacct's peer_src_ip) expect.
 *
 * Raw sockets with the IP header written here (IP_HDRINCL, IPV6_HDRINCL):
 * needs CAP_NET_RAW, opened before privileges are dropped.  A datagram
 * whose source and destination families differ cannot be spoofed; the
 * caller sends it the ordinary way.
 */
#ifndef SFK_SPOOF_H
#define SFK_SPOOF_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "sflow_types.h"

struct spoof;

/* Opens the raw sockets.  Returns 0 with '*out' set, or an errno value with 'err' set. */
int spoof_open(struct spoof **out, char *err, size_t errlen);

/*
 * Sends 'len' bytes at 'payload' to 'dst' (AF_INET or AF_INET6, its port
 * included) from 'src' port 'sport'.  Returns 0, EAFNOSUPPORT when the
 * families differ or 'src' is not an address, or the send's errno.
 */
int spoof_send(struct spoof *, const struct sflow_addr *src, uint16_t sport,
    const struct sockaddr *dst, const void *payload, size_t len);

/* Datagrams sent and failed, for --stats. */
void spoof_counts(const struct spoof *, uint64_t *sent, uint64_t *failed);

void spoof_close(struct spoof *);

#endif /* SFK_SPOOF_H */
