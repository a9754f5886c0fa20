/* forward_hash: agents to targets by rendezvous hashing; see forward_hash.h. */
#include "forward_hash.h"

#include <string.h>

uint64_t
forward_hash_fnv(uint64_t h, const void *data, size_t n)
{
    const uint8_t *p = data;
    size_t i;

    for (i = 0; i < n; i++)
        h = (h ^ p[i]) * 0x100000001b3ull;
    return h;
}

/* A finaliser (splitmix64's) so that keys differing in one bit score apart. */
static uint64_t
mix64(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ull;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

uint64_t
forward_hash_key(const char *name)
{
    return forward_hash_fnv(0xcbf29ce484222325ull, name, strlen(name));
}

int
forward_hash_pick(const struct sflow_addr *agent, const uint64_t *keys, int n)
{
    uint64_t h, best = 0, score;
    int i, pick = 0;

    if (n < 2)
        return 0;
    h = forward_hash_fnv(0xcbf29ce484222325ull ^ agent->type, agent->a,
        agent->type == SFLOW_ADDR_IP6 ? 16 : 4);
    for (i = 0; i < n; i++) {
        score = mix64(h ^ keys[i]);
        if (i == 0 || score > best) {
            best = score;
            pick = i;
        }
    }
    return pick;
}
