/*
 * ring: one switch port's AF_PACKET socket, the receive batch all ports
 * share, and batched transmit with sendmmsg().
 *
 * A port is a plain packet socket (no memory-mapped ring): frames wait in
 * the socket's queue, in the kernel's own buffers, and the forwarding loop
 * takes up to RING_RX_BATCH of them with one recvmmsg() into a buffer of
 * the whole switch.  What that buys, measured against the TPACKET_V3 rings
 * this replaced (4 MiB of kernel memory per port, blocks handed over when
 * full or after 1 ms):
 *  - memory: a port costs a socket, not a ring; a thousand ports need a
 *    few MB instead of 4 GB (the socket's queue, up to RING_RCVBUF, is
 *    charged only for frames waiting in it);
 *  - latency: poll() wakes up on each frame, so a lone ping is forwarded
 *    at once instead of waiting for its block to be retired;
 *  - setup: no PACKET_RX_RING, whose setsockopt() waits for an RCU grace
 *    period (about 13 ms here) on every port.
 * The copy count is the same: the kernel copied each frame into the ring,
 * recvmmsg() copies it into the batch.
 *
 * Closing a packet socket also waits for a grace period (packet_release()
 * calls synchronize_net()), so ring_close() hands the descriptor to a few
 * helper threads that do nothing but close(): their waits overlap, and
 * removing a thousand ports takes a fraction of a second instead of 13 s.
 *
 * PACKET_VNET_HDR puts a struct virtio_net_hdr before each received frame
 * and expects one before each sent frame, so that GSO super-frames from a
 * veth (up to 64 KiB of TCP) and frames whose checksum the sender left to
 * offload pass through the switch whole instead of being segmented or sent
 * with a wrong checksum.  PACKET_IGNORE_OUTGOING keeps the frames the
 * switch sends on a port from coming back into its own socket.
 *
 * A transmit batch points into the receive batch: flush every port's queue
 * before the next ring_recv().
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
    bool vnet;                  /* Frames carry a virtio_net_hdr. */
};

/* One received frame. */
struct ring_frame {
    const uint8_t *data;        /* Ethernet header onwards. */
    uint32_t len;               /* Bytes at 'data'. */
    uint32_t wire_len;          /* Length of the frame on the wire (more if it was cut). */
    bool has_vlan;              /* The kernel took a tag out into 'tci'. */
    uint16_t tci;
    const struct virtio_net_hdr *vnet;  /* NULL without PACKET_VNET_HDR. */
};

/*
 * Opens 'r' on interface 'ifindex' in promiscuous mode.  Returns 0 or an
 * errno ('what' names the step that failed).
 */
int ring_open(struct ring *r, int ifindex, const char **what);

/*
 * Sets the most a port's socket queue may hold for the sockets opened from
 * now on, in bytes (at most RING_RCVBUF_MAX; default 32 MiB, see ring.c).
 * The kernel doubles it for its bookkeeping and keeps a floor of its own
 * (a few kilobytes).  A small queue overflows at once under a burst: the
 * tests use it to make the kernel drop frames on a running switch.
 */
#define RING_RCVBUF_MAX (1u << 30)
void ring_set_rcvbuf(size_t bytes);

/* Closes 'r' (in the background; see above).  'r->fd' is -1 after. */
void ring_close(struct ring *r);

/*
 * Closes 'r' before it returns (a tap's device goes with its descriptor,
 * and a new bridge may take the name at once).  'r->fd' is -1 after.
 */
void ring_close_now(struct ring *r);

/* Waits until every descriptor given to ring_close() is closed. */
void ring_close_wait(void);

/* Packets the kernel dropped for lack of socket buffer since the last call. */
uint64_t ring_drops(struct ring *r);

/*
 * The receive batch.  Slots are big enough for a 64 KiB GSO frame; their
 * pages are touched only as far as frames fill them.  Sixteen slots (1 MiB)
 * stay in the L2 cache between the copy in and the copy out, and still
 * take sixteen small frames per system call; 64 forwarded TCP about 15 %
 * slower (medians of five runs).
 */
#define RING_RX_BATCH 16

struct ring_rx;

/* A batch, or NULL without memory.  Free it with ring_rx_free(). */
struct ring_rx *ring_rx_new(void);
void ring_rx_free(struct ring_rx *rx);

/*
 * Takes the frames waiting on 'r' (at most RING_RX_BATCH) into 'rx',
 * replacing what it held.  Returns how many (0 if none, or on an error,
 * which the next poll() reports).
 */
unsigned ring_recv(struct ring *r, struct ring_rx *rx);

/*
 * As ring_recv(), from a descriptor that is not a socket (a tap device,
 * tap.h): one read() per frame.
 */
unsigned ring_recv_read(struct ring *r, struct ring_rx *rx);

/* Frame 'i' (below what ring_recv() returned) of 'rx', received on 'r'. */
void ring_rx_frame(const struct ring *r, const struct ring_rx *rx, unsigned i, struct ring_frame *f);

/*
 * A transmit batch: each message is a header in 'hdr' (virtio_net_hdr,
 * Ethernet addresses, an optional tag) and a tail in the receive batch.
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
 * message that went out; returns how many did.  'tx->n' is 0 after.  If
 * the socket's send buffer is full, waits for room once, at most
 * RING_TX_WAIT_MS (ring.c), before dropping.
 */
unsigned ring_tx_flush(struct ring *r, struct ring_tx *tx, bool *sent);

#endif /* SFK_RING_H */
