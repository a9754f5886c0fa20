/*
 * netflow_cache: the bounded flow cache; see netflow_cache.h.
 */
#include "netflow_cache.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int
nfc_init(struct nfc *c, uint32_t cap, uint64_t active_ms, uint64_t idle_ms,
    nfc_emit_fn *emit, void *ctx)
{
    uint32_t nb = 1;

    memset(c, 0, sizeof(*c));
    while (nb < cap * 2 && nb < (1u << 30))
        nb <<= 1;
    c->flows = calloc(cap, sizeof(*c->flows));
    c->buckets = malloc(nb * sizeof(*c->buckets));
    if (cap == 0 || c->flows == NULL || c->buckets == NULL) {
        nfc_destroy(c);
        return ENOMEM;
    }
    memset(c->buckets, 0xff, nb * sizeof(*c->buckets));
    c->mask = nb - 1;
    c->cap = cap;
    for (uint32_t i = 0; i < cap; i++)
        c->flows[i].hnext = i + 1 < cap ? i + 1 : NFC_NONE;
    c->free = 0;
    c->oldest = c->newest = NFC_NONE;
    c->active_ms = active_ms;
    c->idle_ms = idle_ms;
    c->emit = emit;
    c->ctx = ctx;
    return 0;
}

void
nfc_destroy(struct nfc *c)
{
    free(c->flows);
    free(c->buckets);
    c->flows = NULL;
    c->buckets = NULL;
    c->n = c->cap = 0;
}

static uint32_t
hash(const struct nfc_key *k)
{
    uint64_t h = ((uint64_t)k->src << 32 | k->dst) * 0x9e3779b97f4a7c15ull;

    h ^= ((uint64_t)k->sport << 48 | (uint64_t)k->dport << 32 | (uint64_t)k->in << 16 | k->out) *
        0xc2b2ae3d27d4eb4full;
    h ^= ((uint64_t)k->proto << 8 | k->tos) * 0x165667b19e3779f9ull;
    return (uint32_t)(h ^ h >> 32);
}

/* Hands out flow 'i' and frees its slot. */
static void
hand_out(struct nfc *c, uint32_t i)
{
    struct nfc_flow *f = &c->flows[i];
    uint32_t *pp = &c->buckets[hash(&f->key) & c->mask];

    while (*pp != i)
        pp = &c->flows[*pp].hnext;
    *pp = f->hnext;
    if (f->prev != NFC_NONE)
        c->flows[f->prev].next = f->next;
    else
        c->oldest = f->next;
    if (f->next != NFC_NONE)
        c->flows[f->next].prev = f->prev;
    else
        c->newest = f->prev;
    c->emit(c->ctx, f);
    f->hnext = c->free;
    c->free = i;
    c->n--;
}

void
nfc_count(struct nfc *c, const struct nfc_key *k, uint32_t packets, uint32_t bytes,
    uint8_t tcp_flags, uint64_t now_ms)
{
    uint32_t b = hash(k) & c->mask, i;
    struct nfc_flow *f;

    for (i = c->buckets[b]; i != NFC_NONE; i = c->flows[i].hnext) {
        f = &c->flows[i];
        if (memcmp(&f->key, k, sizeof(*k)) == 0) {
            f->packets += packets;
            f->bytes += bytes;
            f->tcp_flags |= tcp_flags;
            f->last_ms = now_ms;
            return;
        }
    }
    if (c->free == NFC_NONE) {
        hand_out(c, c->oldest);
        c->full_flushes++;
    }
    i = c->free;
    f = &c->flows[i];
    c->free = f->hnext;
    f->key = *k;
    f->packets = packets;
    f->bytes = bytes;
    f->tcp_flags = tcp_flags;
    f->first_ms = f->last_ms = now_ms;
    f->hnext = c->buckets[b];
    c->buckets[b] = i;
    f->prev = c->newest;
    f->next = NFC_NONE;
    if (c->newest != NFC_NONE)
        c->flows[c->newest].next = i;
    else
        c->oldest = i;
    c->newest = i;
    c->n++;
}

void
nfc_expire(struct nfc *c, uint64_t now_ms)
{
    for (uint32_t i = c->oldest, next; i != NFC_NONE; i = next) {
        const struct nfc_flow *f = &c->flows[i];

        next = f->next;
        if (now_ms - f->first_ms >= c->active_ms || now_ms - f->last_ms >= c->idle_ms)
            hand_out(c, i);
    }
}

void
nfc_flush(struct nfc *c)
{
    while (c->oldest != NFC_NONE)
        hand_out(c, c->oldest);
}
