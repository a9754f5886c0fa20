/*
 * netflow_cache: the switch's NetFlow flow cache, counting every packet
 * it forwards (not a sample) by flow, as Open vSwitch's NetFlow does.
 *
 * A flow is the IPv4 5-tuple, ToS and the input and output ports.  The
 * cache is bounded: when it is full, the flow that started first is
 * handed out (exported) early to make room, and counted; nothing is ever
 * dropped uncounted.  A flow is handed out when it has been idle for the
 * idle timeout, when it is older than the active timeout (a long flow
 * then shows up in parts), or when everything is flushed.
 *
 * Flows live in a fixed array, chained from hash buckets, and in a list
 * by start time; nothing is allocated per packet.
 */
#ifndef SFK_NETFLOW_CACHE_H
#define SFK_NETFLOW_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Padding is zeroed: keys are compared with memcmp(). */
struct nfc_key {
    uint32_t src, dst;          /* IPv4, host order. */
    uint16_t sport, dport;      /* TCP/UDP ports; ICMP: 0 and type << 8 | code. */
    uint16_t in, out;           /* Interfaces as NetFlow gives them. */
    uint8_t proto, tos;
    uint8_t pad[2];
};

struct nfc_flow {
    struct nfc_key key;
    uint64_t packets, bytes;
    uint64_t first_ms, last_ms;
    uint8_t tcp_flags;          /* OR of the flows' packets' flags. */
    uint32_t hnext;             /* Next in its bucket's chain, or NFC_NONE. */
    uint32_t prev, next;        /* In the list by start time, or NFC_NONE. */
};

#define NFC_NONE UINT32_MAX

/* Called with each flow handed out; it is gone when this returns. */
typedef void nfc_emit_fn(void *ctx, const struct nfc_flow *f);

struct nfc {
    struct nfc_flow *flows;
    uint32_t cap, n;
    uint32_t *buckets, mask;
    uint32_t free;              /* Free slots, chained through 'hnext'. */
    uint32_t oldest, newest;
    uint64_t active_ms, idle_ms;
    uint64_t full_flushes;      /* Flows handed out early because the cache was full. */
    nfc_emit_fn *emit;
    void *ctx;
};

/*
 * Sets up 'c' for at most 'cap' flows (1 and up), with timeouts in ms;
 * 'emit' gets what is handed out.  0 or ENOMEM.
 */
int nfc_init(struct nfc *c, uint32_t cap, uint64_t active_ms, uint64_t idle_ms,
    nfc_emit_fn *emit, void *ctx);

/* Frees 'c' without handing anything out (nfc_flush() first for that). */
void nfc_destroy(struct nfc *c);

/* Counts 'packets' packets of 'bytes' bytes of flow 'k' at 'now_ms'. */
void nfc_count(struct nfc *c, const struct nfc_key *k, uint32_t packets, uint32_t bytes,
    uint8_t tcp_flags, uint64_t now_ms);

/* Hands out the flows whose idle or active timeout passed at 'now_ms'. */
void nfc_expire(struct nfc *c, uint64_t now_ms);

/* Hands out every flow. */
void nfc_flush(struct nfc *c);

#endif /* SFK_NETFLOW_CACHE_H */
