/*
 * seqtrack: sequence-number gap and restart tracking per sFlow stream:
 * datagrams per (agent, sub-agent), samples per (agent, sub-agent, kind,
 * data source).  Memory grows with the number of streams, never with traffic,
 * and is capped.
 */
#ifndef SFK_SEQTRACK_H
#define SFK_SEQTRACK_H

#include <stddef.h>
#include <stdint.h>

#include "sflow_types.h"

enum seq_kind { SEQ_DATAGRAM, SEQ_FLOW, SEQ_COUNTER, SEQ_DISCARD };

struct seq_key {
    struct sflow_addr agent;
    uint32_t sub_agent;
    uint32_t kind;              /* enum seq_kind */
    uint32_t ds_class;
    uint32_t ds_index;
};

struct seq_stream {
    struct seq_key key;
    uint64_t hash;              /* seq_hash(key), never 0; 0: a free slot. */
    uint32_t last_seq;
    uint32_t last_uptime;
    uint64_t seen;
    uint64_t lost;              /* Sequence numbers skipped. */
    uint64_t restarts;          /* Sequence (or uptime) went backwards. */
    uint64_t duplicates;
};

struct seqtrack {
    struct seq_stream *tab;
    size_t cap;                 /* Power of two. */
    size_t n;
    size_t grow_at;             /* 'n' at which the table grows: 3/4 of 'cap'. */
    uint64_t untracked;         /* Updates dropped: table at SEQTRACK_MAX. */
};

#define SEQTRACK_MAX (1u << 20)

void seqtrack_init(struct seqtrack *);
void seqtrack_free(struct seqtrack *);

/*
 * Records 'seq' (and, for datagrams, 'uptime') of stream 'key'.  Returns the
 * stream, or NULL when it could not be tracked (out of memory or full).
 */
struct seq_stream *seqtrack_update(struct seqtrack *, const struct seq_key *,
    uint32_t seq, uint32_t uptime);

/*
 * A key's hash starts with its agent and sub-agent, which all the streams
 * of a datagram share: seqtrack_hash_agent() of one of the keys, passed to
 * seqtrack_update_agent() with each, spares hashing them again.
 */
uint64_t seqtrack_hash_agent(const struct seq_key *);
struct seq_stream *seqtrack_update_agent(struct seqtrack *, const struct seq_key *,
    uint64_t agent_hash, uint32_t seq, uint32_t uptime);

#endif /* SFK_SEQTRACK_H */
