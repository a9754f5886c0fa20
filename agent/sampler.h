/*
 * sampler: one sFlow packet-sampling instance (sFlow v5 section 3.1,
 * SFLOW_V5_NOTES.md section 5), and the kernel filter that does the same
 * job for AF_PACKET sockets.
 *
 * Userspace callers (a switch's forwarding loop) call sampler_take() once
 * per packet: a skip counter, reloaded with a random skip uniform in
 * [1, 2N-1] (mean N), so each packet costs one decrement and
 * Total_Packets / Total_Samples converges to N.  Kernel callers cannot see
 * unsampled packets; they build the filter with sampler_bpf(), which passes
 * each packet with probability 1/N, and set 'pool' from the port's kernel
 * packet counter instead.
 */
#ifndef SFK_SAMPLER_H
#define SFK_SAMPLER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/filter.h>

#include "rng.h"

/* The largest rate: 2N-1 must fit the 32-bit skip. */
#define SAMPLER_MAX_RATE 0x80000000u

struct sampler {
    uint32_t rate;      /* N in use (reported as sampling_rate); 0 = off. */
    uint32_t skip;      /* Packets until the next sample. */
    uint32_t seq;       /* Flow samples taken (sequence_number). */
    uint64_t pool;      /* Packets seen (sample_pool). */
    uint64_t drops;     /* Samples lost for lack of resources. */
    struct rng rng;
};

/*
 * Starts 'sp' at 'rate' (clamped to SAMPLER_MAX_RATE) with its own
 * generator, seeded from 'seed', or from getrandom() if 'seed' is 0.
 */
void sampler_init(struct sampler *sp, uint32_t rate, uint64_t seed);

/*
 * Changes the rate of 'sp'; the pool and sequence carry on (the spec resets
 * them only together).  The next skip is drawn for the new rate.
 */
void sampler_set_rate(struct sampler *sp, uint32_t rate);

/* Returns a skip for 'sp''s rate: uniform in [1, 2N-1]. */
uint32_t sampler_next_skip(struct sampler *sp);

/* Counts one packet; true if it is to be sampled. */
static inline bool
sampler_take(struct sampler *sp)
{
    sp->pool++;
    if (sp->rate == 0 || --sp->skip != 0)
        return false;
    sp->skip = sampler_next_skip(sp);
    return true;
}

/*
 * Counts 'n' packets that reached the data source but were lost before
 * sampler_take() could see them (the kernel dropped them on a full socket
 * buffer).  They join the pool, as the spec's sample_pool counts every
 * packet that could have been sampled, and the skip counter runs over them
 * as over any packet: each that it would have picked counts in 'drops'
 * (sFlow v5: packets marked to be sampled that were lost for lack of
 * resources).  Samples plus drops thus stay one in N of the pool.
 */
void sampler_lost(struct sampler *sp, uint64_t n);

/*
 * Writes into 'prog' (room for 'cap' instructions) a classic BPF program
 * that drops outgoing packets and passes each other packet with
 * probability 1/'rate', truncated to 'snaplen' bytes.  Rate 1 passes every
 * incoming packet.  Returns the number of instructions, or 0 if 'cap' is
 * too small or 'rate' is 0.
 */
size_t sampler_bpf(uint32_t rate, uint32_t snaplen, struct sock_filter *prog, size_t cap);

#endif /* SFK_SAMPLER_H */
