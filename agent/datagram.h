/*
 * datagram: assembles samples into sFlow v5 datagrams of at most a set size
 * (SFLOW_V5_NOTES.md sections 2 and 7) and hands each finished datagram to
 * an output function.
 *
 * Samples are added whole: the caller's writer puts the records, and a
 * sample that does not fit is cancelled back to the last sample boundary,
 * the datagram is sent, and the sample is written again into a new one.
 * The datagram header's sequence_number is left for the output to patch
 * (each collector has its own stream, see sender.h); uptime is written at
 * send time.  Nothing here does I/O or reads a clock: times come in.
 */
#ifndef SFK_DATAGRAM_H
#define SFK_DATAGRAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sflow_types.h"
#include "wbuf.h"

#define DGRAM_MIN_BYTES 200
#define DGRAM_MAX_BYTES 8192
#define DGRAM_DEFAULT_BYTES 1400

/*
 * Receives a finished datagram: 'len' bytes at 'buf', whose
 * sequence_number (a 32-bit big-endian word) is at 'seq_off'.  It may
 * overwrite that word; the bytes are not kept after it returns.
 */
typedef void (*dgram_out_fn)(void *ctx, uint8_t *buf, size_t len, size_t seq_off);

/* Writes 'seq' as the sequence_number of the datagram handed to a dgram_out_fn. */
void dgram_set_seq(uint8_t *buf, size_t len, size_t seq_off, uint32_t seq);

/* Writes the records of one sample into 'w'; returns 0 or w->error. */
typedef int (*dgram_write_fn)(struct wbuf *w, void *arg);

struct dgram {
    uint8_t buf[DGRAM_MAX_BYTES];
    struct wbuf w;
    size_t max;                 /* Datagram size limit. */
    struct sflow_addr agent;
    uint32_t sub_agent;
    uint64_t boot_ms;           /* Uptime 0. */
    size_t seq_off, uptime_off; /* Header words patched at send time. */
    bool open;                  /* A datagram header is written. */
    uint64_t oldest_ms;         /* When the first sample of the open datagram came. */
    dgram_out_fn out;
    void *out_ctx;
    /* Statistics. */
    uint64_t datagrams, samples, too_big;
};

/*
 * Sets up 'd' for 'agent'/'sub_agent', datagrams of at most 'max_bytes'
 * (DGRAM_MIN_BYTES..DGRAM_MAX_BYTES), uptime counted from 'boot_ms', sent
 * through 'out'('out_ctx').  Returns 0 or EINVAL.
 */
int dgram_init(struct dgram *d, const struct sflow_addr *agent, uint32_t sub_agent,
    size_t max_bytes, uint64_t boot_ms, dgram_out_fn out, void *out_ctx);

/*
 * Adds the sample whose fields are in 'smp' (tag and header fields as
 * sflow_enc_sample_begin() takes them) and whose records 'write'('arg')
 * puts.  Sends the open datagram first if the sample does not fit in it.
 * Returns 0; EMSGSIZE if the sample alone is larger than a datagram (it is
 * dropped and counted in 'too_big'); or the encoder's error.
 */
int dgram_add(struct dgram *d, const struct sflow_sample *smp,
    dgram_write_fn write, void *arg, uint64_t now_ms);

/* Sends the open datagram, if it holds any sample. */
void dgram_flush(struct dgram *d, uint64_t now_ms);

/* True if the open datagram holds a sample that arrived 'max_age_ms' or more ago. */
bool dgram_stale(const struct dgram *d, uint64_t now_ms, uint64_t max_age_ms);

/* Changes the agent address (the next datagram carries it). */
void dgram_set_agent(struct dgram *d, const struct sflow_addr *agent, uint64_t now_ms);

#endif /* SFK_DATAGRAM_H */
