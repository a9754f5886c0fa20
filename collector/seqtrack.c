/*
 * seqtrack: open-addressing hash table of sFlow streams and their sequence
 * numbers.  A jump forward of less than 2^31 is loss; a step back (or, for a
 * datagram stream, uptime going back) is an agent restart (spec section 5:
 * "A decrease in uptime or sequence number indicates the agent restarted").
 */
#include "seqtrack.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

void
seqtrack_init(struct seqtrack *t)
{
    memset(t, 0, sizeof(*t));
}

void
seqtrack_free(struct seqtrack *t)
{
    free(t->tab);
    memset(t, 0, sizeof(*t));
}

_Static_assert(sizeof(struct seq_key) == 36, "seq_key is hashed as 5 words");

static inline uint64_t
seq_mix(uint64_t h, uint64_t w)
{
    h = (h ^ w) * 0xFF51AFD7ED558CCDULL;
    return h ^ (h >> 29);
}

/* 'len' bytes of 'k' from 'off' as a 64-bit word, zero-filled past them. */
static inline uint64_t
seq_word(const struct seq_key *k, size_t off, size_t len)
{
    uint64_t w = 0;

    memcpy(&w, (const unsigned char *)k + off, len);
    return w;
}

/*
 * Multiply-xorshift over the key's 64-bit words: one step per word, not per
 * byte, written out for the five words (the last one half padding), as the
 * loop it replaced was not unrolled.  The values are the loop's, so the
 * table, and the order --stats prints streams in, are unchanged.  Each word
 * is loaded where it lies: a copy of the key into a zeroed array went
 * through the stack.  The first three words are the agent and sub-agent,
 * hashed apart by seqtrack_hash_agent().
 */
_Static_assert(offsetof(struct seq_key, kind) == 24, "the agent is 3 words");

uint64_t
seqtrack_hash_agent(const struct seq_key *k)
{
    uint64_t h = 0x9E3779B97F4A7C15ULL;

    h = seq_mix(h, seq_word(k, 0, 8));
    h = seq_mix(h, seq_word(k, 8, 8));
    return seq_mix(h, seq_word(k, 16, 8));
}

/* The hash of 'k', whose first three words hashed to 'agent_hash'. */
static inline uint64_t
seq_hash(const struct seq_key *k, uint64_t agent_hash)
{
    uint64_t h = agent_hash;

    h = seq_mix(h, seq_word(k, 24, 8));
    h = seq_mix(h, seq_word(k, 32, 4));
    return h | 1;               /* Never 0: 0 marks a free slot's hash. */
}

static struct seq_stream *
seq_slot(struct seq_stream *tab, size_t cap, const struct seq_key *k, uint64_t h)
{
    size_t i = (size_t)h & (cap - 1);

    /* The stored hash settles almost every comparison without memcmp(). */
    while (tab[i].hash != 0 && (tab[i].hash != h || memcmp(&tab[i].key, k, sizeof(*k)) != 0))
        i = (i + 1) & (cap - 1);
    return &tab[i];
}

/* Doubles the table, or counts an update that finds it full (or no memory). */
static int
seq_grow(struct seqtrack *t)
{
    size_t ncap = t->cap ? t->cap * 2 : 64, i;
    struct seq_stream *ntab;

    if (t->n >= SEQTRACK_MAX || (ntab = calloc(ncap, sizeof(*ntab))) == NULL) {
        t->untracked++;
        return -1;
    }
    for (i = 0; i < t->cap; i++)
        if (t->tab[i].hash != 0)
            *seq_slot(ntab, ncap, &t->tab[i].key, t->tab[i].hash) = t->tab[i];
    free(t->tab);
    t->tab = ntab;
    t->cap = ncap;
    t->grow_at = ncap / 4 * 3;
    return 0;
}

/* A new stream at free slot 's'. */
static __attribute__((noinline)) struct seq_stream *
seq_add(struct seqtrack *t, struct seq_stream *s, const struct seq_key *key,
    uint64_t h, uint32_t seq, uint32_t uptime)
{
    memset(s, 0, sizeof(*s));
    s->key = *key;
    s->hash = h;
    s->last_seq = seq;
    s->last_uptime = uptime;
    s->seen = 1;
    t->n++;
    return s;
}

/* Sequence number 'seq' (and 'uptime') of known stream 's'. */
static inline void
seq_step(struct seq_stream *s, uint32_t kind, uint32_t seq, uint32_t uptime)
{
    uint32_t delta = seq - s->last_seq;

    s->seen++;
    if (delta == 0 && (kind != SEQ_DATAGRAM || uptime == s->last_uptime)) {
        s->duplicates++;
    } else if (delta >= 0x80000000u || delta == 0 ||
        (kind == SEQ_DATAGRAM && uptime < s->last_uptime)) {
        s->restarts++;
    } else {
        s->lost += delta - 1;
    }
    s->last_seq = seq;
    s->last_uptime = uptime;
}

/*
 * seqtrack_update() with the table at its load limit: grows it and starts
 * over, or, when it is full, follows the streams already in it.
 */
static __attribute__((noinline)) struct seq_stream *
seq_update_grow(struct seqtrack *t, const struct seq_key *key, uint64_t agent_hash,
    uint64_t h, uint32_t seq, uint32_t uptime)
{
    struct seq_stream *s;

    if (seq_grow(t) == 0)
        return seqtrack_update_agent(t, key, agent_hash, seq, uptime);
    if (t->cap == 0)
        return NULL;
    s = seq_slot(t->tab, t->cap, key, h);
    if (s->hash == 0)
        return NULL;
    seq_step(s, key->kind, seq, uptime);
    return s;
}

/*
 * The update of a known stream, nearly every update, makes no call and so
 * saves few registers: growing the table and adding a stream, which call
 * calloc() and memset(), are tail calls out of line.
 */
struct seq_stream *
seqtrack_update_agent(struct seqtrack *t, const struct seq_key *key,
    uint64_t agent_hash, uint32_t seq, uint32_t uptime)
{
    struct seq_stream *s;
    uint64_t h = seq_hash(key, agent_hash);

    if (t->n >= t->grow_at)
        return seq_update_grow(t, key, agent_hash, h, seq, uptime);
    s = seq_slot(t->tab, t->cap, key, h);
    if (s->hash == 0)
        return seq_add(t, s, key, h, seq, uptime);
    seq_step(s, key->kind, seq, uptime);
    return s;
}

struct seq_stream *
seqtrack_update(struct seqtrack *t, const struct seq_key *key, uint32_t seq,
    uint32_t uptime)
{
    return seqtrack_update_agent(t, key, seqtrack_hash_agent(key), seq, uptime);
}
