/*
 * tap: a bridge's local port, the internal device named like the bridge
 * (Open vSwitch's "type: internal" interface, OpenFlow port LOCAL).
 *
 * It is a tap device the switch makes through /dev/net/tun: what the host
 * sends on it, the switch reads from the descriptor (and forwards as if it
 * came in on port LOCAL); what the switch writes there, the host receives
 * on it.  The device exists while the descriptor is open (it is not
 * persistent), so it goes with the bridge, and with the switch if that
 * dies.  Like Open vSwitch's, it is created down: the host brings it up
 * when it gives it an address.
 *
 * Frames carry a virtio_net_hdr both ways (IFF_VNET_HDR), as on the
 * ports' packet sockets (ring.h): GSO super-frames and frames whose
 * checksum is left to offload pass between the host and the veths whole.
 */
#ifndef SFK_TAP_H
#define SFK_TAP_H

#include <stdbool.h>
#include <stdint.h>

#include "ring.h"

/*
 * Creates tap device 'name' with Ethernet address 'mac' (set through
 * rtnetlink) and opens it non-blocking into 'r' ('r->vnet' true);
 * '*ifindex' gets its index.  Never takes over a device that exists
 * (EBUSY for a tap in use, EINVAL for another kind).  Returns 0 or an
 * errno ('what' names the step that failed).  ring_close_now() closes it,
 * removing the device before it returns.
 */
int tap_open(struct ring *r, const char *name, const uint8_t mac[6], int *ifindex, const char **what);

/* As ring_tx_flush(), on a tap: one writev() per frame. */
unsigned tap_tx_flush(struct ring *r, struct ring_tx *tx, bool *sent);

#endif /* SFK_TAP_H */
