/*
 * fwd_guard: keeps -f forwarding from looping.  A target that is this
 * collector's own listening address and port is refused at start-up; a
 * datagram that comes back after this collector forwarded it (through
 * another collector forwarding to us, or an address the first check
 * cannot see as ours) is recognised by its sFlow header and not forwarded
 * again.
 */
#ifndef SFK_FWD_GUARD_H
#define SFK_FWD_GUARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "config.h"
#include "sflow_types.h"

#define FWD_GUARD_SLOTS 8192    /* Datagrams remembered (a power of two). */

/*
 * Whether 'sa' is where this collector listens, as 'cfg' says (port, -b
 * address, -4/-6); a wildcard bind listens on every local address,
 * loopback and the unspecified address included.  Never for -r.
 */
bool fwd_guard_is_self(const struct config *cfg, const struct sockaddr *sa);

/*
 * The datagrams forwarded lately, by a hash of the agent address,
 * sub-agent, sequence number, uptime and length, which together identify
 * one datagram of one agent (an agent that restarts has another uptime);
 * datagrams that are not sFlow v5 by a hash of their first bytes.  Direct
 * mapped: a newer datagram replaces an older one in its slot.
 */
struct fwd_guard {
    uint64_t slot[FWD_GUARD_SLOTS];
};

/* Whether 'dg' (the decode of 'raw', 'len' bytes) was seen before; remembers it. */
bool fwd_guard_seen(struct fwd_guard *, const uint8_t *raw, size_t len,
    const struct sflow_datagram *dg);

#endif /* SFK_FWD_GUARD_H */
