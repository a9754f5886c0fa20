/*
 * ring: one switch port's AF_PACKET socket: a TPACKET_V3 memory-mapped
 * receive ring, and batched transmit with sendmmsg().
 *
 * PACKET_VNET_HDR puts a struct virtio_net_hdr before each received frame
 * and expects one before each sent frame, so that GSO super-frames from a
 * veth (up to 64 KiB of TCP) and frames whose checksum the sender left to
 * offload pass through the switch whole instead of being segmented or sent
 * with a wrong checksum.  PACKET_IGNORE_OUTGOING keeps the frames the
 * switch sends on a port from coming back into its own ring.
 *
 * Received frames stay in the ring until the block is released; a transmit
 * batch may point into the block, so flush it before ring_release().
 */
#ifndef SFK_RING_H
#define SFK_RING_H

#include <linux/virtio_net.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/uio.h>

struct ring {
    int fd;                     /* -1 when closed. */
    uint8_t *map;
    size_t map_len, block_size;
    unsigned block_nr, next;
    bool vnet;                  /* Frames carry a virtio_net_hdr. */
};

/* One received frame. */
struct ring_frame {
    const uint8_t *data;        /* Ethernet header onwards. */
    uint32_t len;               /* Bytes at 'data' (the whole frame). */
    uint32_t wire_len;          /* Length of the frame on the wire (tp_len). */
    bool has_vlan;              /* The kernel took a tag out into 'tci'. */
    uint16_t tci;
    const struct virtio_net_hdr *vnet;  /* NULL without PACKET_VNET_HDR. */
};

/*
 * Opens 'r' on interface 'ifindex' in promiscuous mode.  Returns 0 or an
 * errno ('what' names the step that failed).
 */
int ring_open(struct ring *r, int ifindex, const char **what);
void ring_close(struct ring *r);

/*
 * The next filled block, or NULL.  Walk it with ring_block_frames() /
 * ring_frame_next() and give it back with ring_release().
 */
void *ring_block(struct ring *r);
uint32_t ring_block_frames(const void *block, const void **first);
const void *ring_frame_get(const struct ring *r, const void *pkt, struct ring_frame *f);
void ring_release(struct ring *r, void *block);

/* Packets the kernel dropped for lack of ring space since the last call. */
uint64_t ring_drops(struct ring *r);

/*
 * A transmit batch: each message is a header in 'hdr' (virtio_net_hdr,
 * Ethernet addresses, an optional tag) and a tail in the ring.
 */
#define RING_TX_BATCH 64
#define RING_TX_HDR 32

struct ring_tx {
    unsigned n;
    struct mmsghdr msg[RING_TX_BATCH];
    struct iovec iov[RING_TX_BATCH][2];
    uint8_t hdr[RING_TX_BATCH][RING_TX_HDR];
};

/*
 * Sends the 'tx->n' queued messages on 'r'.  Sets 'sent[i]' for each
 * message that went out; returns how many did.  'tx->n' is 0 after.
 */
unsigned ring_tx_flush(struct ring *r, struct ring_tx *tx, bool *sent);

#endif /* SFK_RING_H */
