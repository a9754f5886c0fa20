/*
 * forward_hash: which of N targets an sFlow agent belongs to, so that all
 * of one agent's datagrams (or rows) go to the same place: rendezvous
 * (highest random weight) hashing of the agent address over the targets'
 * names.  Adding a target moves only the agents it wins, about 1/N of
 * them; removing one moves only its own.  Used by --forward-by agent and by
 * the ClickHouse sink to spread agents over its nodes.
 */
#ifndef SFK_FORWARD_HASH_H
#define SFK_FORWARD_HASH_H

#include <stddef.h>
#include <stdint.h>

#include "sflow_types.h"

/* FNV-1a (64 bits) of 'n' bytes at 'data', continuing from 'h'. */
uint64_t forward_hash_fnv(uint64_t h, const void *data, size_t n);

/* A target's key: a hash of its name as the user wrote it ("host/port", a URL). */
uint64_t forward_hash_key(const char *name);

/* The index (0 to 'n' - 1) of the target of 'agent' among 'n' 'keys'; 0 if 'n' < 2. */
int forward_hash_pick(const struct sflow_addr *agent, const uint64_t *keys, int n);

#endif /* SFK_FORWARD_HASH_H */
