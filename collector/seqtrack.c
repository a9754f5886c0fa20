/*
 * seqtrack: open-addressing hash table of sFlow streams and their sequence
 * numbers.  A jump forward of less than 2^31 is loss; a step back (or, for a
 * datagram stream, uptime going back) is an agent restart (spec section 5:
 * "A decrease in uptime or sequence number indicates the agent restarted").
 */
#include "seqtrack.h"

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

/*
 * Multiply-xorshift over the key's 64-bit words: one step per word, not per
 * byte, written out for the five words (the last one half padding), as the
 * loop it replaced was not unrolled.  The values are the loop's, so the
 * table, and the order --stats prints streams in, are unchanged.
 */
static uint64_t
seq_hash(const struct seq_key *k)
{
    uint64_t w[5] = { 0 };
    uint64_t h = 0x9E3779B97F4A7C15ULL;

    memcpy(w, k, sizeof(*k));
    h = seq_mix(h, w[0]);
    h = seq_mix(h, w[1]);
    h = seq_mix(h, w[2]);
    h = seq_mix(h, w[3]);
    h = seq_mix(h, w[4]);
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

static int
seq_grow(struct seqtrack *t)
{
    size_t ncap = t->cap ? t->cap * 2 : 64, i;
    struct seq_stream *ntab = calloc(ncap, sizeof(*ntab));

    if (ntab == NULL)
        return -1;
    for (i = 0; i < t->cap; i++)
        if (t->tab[i].hash != 0)
            *seq_slot(ntab, ncap, &t->tab[i].key, t->tab[i].hash) = t->tab[i];
    free(t->tab);
    t->tab = ntab;
    t->cap = ncap;
    return 0;
}

struct seq_stream *
seqtrack_update(struct seqtrack *t, const struct seq_key *key, uint32_t seq,
    uint32_t uptime)
{
    struct seq_stream *s;
    uint64_t h = seq_hash(key);
    uint32_t delta;

    if (t->cap == 0 || (t->n + 1) * 4 > t->cap * 3) {
        if (t->n >= SEQTRACK_MAX || seq_grow(t) != 0) {
            t->untracked++;
            if (t->cap == 0)
                return NULL;
            s = seq_slot(t->tab, t->cap, key, h);
            if (s->hash == 0)
                return NULL;
        }
    }
    s = seq_slot(t->tab, t->cap, key, h);
    if (s->hash == 0) {
        memset(s, 0, sizeof(*s));
        s->key = *key;
        s->hash = h;
        s->last_seq = seq;
        s->last_uptime = uptime;
        s->seen = 1;
        t->n++;
        return s;
    }
    s->seen++;
    delta = seq - s->last_seq;
    if (delta == 0 && (key->kind != SEQ_DATAGRAM || uptime == s->last_uptime)) {
        s->duplicates++;
    } else if (delta >= 0x80000000u || delta == 0 ||
        (key->kind == SEQ_DATAGRAM && uptime < s->last_uptime)) {
        s->restarts++;
    } else {
        s->lost += delta - 1;
    }
    s->last_seq = seq;
    s->last_uptime = uptime;
    return s;
}
