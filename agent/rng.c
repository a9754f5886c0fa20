/*
 * rng: xoshiro256** seeded by splitmix64; see rng.h.  Written from the
 * published algorithm descriptions (prng.di.unimi.it).
 */
#include "rng.h"

#include <sys/random.h>
#include <time.h>
#include <unistd.h>

static uint64_t
splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ull);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

void
rng_seed(struct rng *r, uint64_t seed)
{
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&seed);
}

void
rng_seed_random(struct rng *r)
{
    uint64_t seed;
    struct timespec ts;

    if (getrandom(&seed, sizeof(seed), GRND_NONBLOCK) == (ssize_t)sizeof(seed)) {
        rng_seed(r, seed);
        return;
    }
    /* Early boot without entropy: still distinct per process and call. */
    clock_gettime(CLOCK_MONOTONIC, &ts);
    seed = (uint64_t)ts.tv_sec * 1000000007ull ^ (uint64_t)ts.tv_nsec ^
        (uint64_t)getpid() << 32 ^ (uint64_t)(uintptr_t)r;
    rng_seed(r, seed);
}

static inline uint64_t
rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

uint64_t
rng_next(struct rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;

    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

uint32_t
rng_below(struct rng *r, uint32_t n)
{
    uint64_t m;
    uint32_t lo, threshold;

    if (n == 0)
        return 0;
    /* Lemire's multiply-and-reject: exact uniformity, rarely a retry. */
    m = (uint64_t)(uint32_t)(rng_next(r) >> 32) * n;
    lo = (uint32_t)m;
    if (lo < n) {
        threshold = -n % n;
        while (lo < threshold) {
            m = (uint64_t)(uint32_t)(rng_next(r) >> 32) * n;
            lo = (uint32_t)m;
        }
    }
    return (uint32_t)(m >> 32);
}
