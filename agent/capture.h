/*
 * capture: one AF_PACKET socket per port, ingress only, sampled in the
 * kernel by sampler_bpf()'s filter, read in batches from a TPACKET_V3 ring.
 *
 * Only sampled packets reach user space, truncated to the header bytes the
 * agent sends; unsampled ones cost the kernel a filter run.
 */
#ifndef SFK_CAPTURE_H
#define SFK_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct capture {
    int fd;
    int ifindex;
    uint8_t *ring;
    size_t ring_len, block_size;
    unsigned block_nr, next_block;
    uint64_t drops;             /* Cumulative tp_drops (the kernel resets its own on read). */
};

/*
 * Called for each packet: 'caplen' bytes at 'frame' of a frame of 'len'
 * bytes (without FCS); 'vlan_tci' valid if 'has_vlan' (the tag the NIC or
 * veth took out of the frame).
 */
typedef void (*capture_fn)(void *arg, const uint8_t *frame, uint32_t caplen,
    uint32_t len, bool has_vlan, uint16_t vlan_tci);

/*
 * Opens 'c' on 'ifindex', passing 1 packet in 'rate', 'snaplen' bytes of
 * each.  Returns 0 or an errno.
 */
int capture_open(struct capture *c, int ifindex, uint32_t rate, uint32_t snaplen);

/* Replaces the filter of an open capture; 0 or an errno. */
int capture_set_rate(struct capture *c, uint32_t rate, uint32_t snaplen);

/* Hands every packet of the filled ring blocks to 'fn'; returns the packets read. */
size_t capture_read(struct capture *c, capture_fn fn, void *arg);

/* True if a ring block is ready (poll() may also be used on 'c->fd'). */
bool capture_ready(const struct capture *c);

/* Samples the kernel dropped for lack of ring space, since open. */
uint64_t capture_drops(struct capture *c);

void capture_close(struct capture *c);

#endif /* SFK_CAPTURE_H */
