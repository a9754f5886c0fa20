/*
 * resample: -R N, as sflowtool's: samples a capture of raw packets 1-in-N
 * with the agent's sampler (random skips of mean N) and builds sFlow v5
 * datagrams with the agent's datagram builder, one flow sample per taken
 * packet (sampled header of up to 128 bytes, data source 0:1, sampling
 * rate N, the pool of packets read).  Each datagram goes to 'cb' as if it
 * had been received, stamped with its last packet's capture time, so the
 * sinks (-f forwarding first of all) see the agent encoder's own output.
 * The agent address is the caller's ('agent').
 */
#ifndef SFK_RESAMPLE_H
#define SFK_RESAMPLE_H

#include <stddef.h>
#include <stdint.h>

#include "recv_pcap.h"
#include "sflow_types.h"

struct resample_opts {
    const char *path;           /* "-" = stdin */
    uint32_t rate;              /* N */
    struct sflow_addr agent;
    uint64_t seed;              /* 0: from getrandom() */
};

/*
 * Reads the capture and hands each datagram to 'cb' until it returns
 * nonzero.  Returns 0, or -1 with 'err' holding a message for the user.
 * 'stats' counts the frames read (and those of unknown link types).
 */
int resample_file(const struct resample_opts *o, recv_cb cb, void *ctx,
    struct recv_pcap_stats *stats, char *err, size_t errlen);

#endif /* SFK_RESAMPLE_H */
