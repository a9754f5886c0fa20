/* recv_udp: sFlow datagrams from a UDP socket, received in batches. */
#ifndef SFK_RECV_UDP_H
#define SFK_RECV_UDP_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "recv_pcap.h"

struct recv_udp_stats {
    uint64_t datagrams;
    uint64_t socket_drops;      /* SO_RXQ_OVFL: dropped by the kernel, queue full. */
};

struct recv_udp {
    int fd;
    int family;                 /* AF_INET or AF_INET6 (dual-stack). */
    uint8_t *bufs;              /* RECV_BATCH buffers of RECV_MAX bytes. */
    struct recv_udp_stats stats;
};

/*
 * Opens a UDP socket on 'addr' (NULL = any) and 'port'; 'family' is AF_INET,
 * AF_INET6 or AF_UNSPEC (dual-stack IPv6, else IPv4).  'rcvbuf' > 0 asks for
 * that receive buffer; 'reuseport' lets several sockets (threads) share the
 * port, the kernel spreading senders over them.  Returns 0, or -1 with a
 * message in 'err'.
 */
int recv_udp_open(struct recv_udp *, const char *addr, uint16_t port, int family,
    int rcvbuf, int reuseport, char *err, size_t errlen);

/*
 * Receives until '*stop' becomes nonzero or 'cb' returns nonzero; waits at
 * most 'tick_ms' between calls of 'tick' (may be NULL).  Returns 0 or -1.
 */
int recv_udp_loop(struct recv_udp *, recv_cb cb, void *ctx,
    volatile sig_atomic_t *stop, void (*tick)(void *), int tick_ms);

/* Datagrams the kernel dropped on this socket so far (queue full). */
uint64_t recv_udp_socket_drops(struct recv_udp *);

void recv_udp_close(struct recv_udp *);

#endif /* SFK_RECV_UDP_H */
