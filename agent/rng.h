/*
 * rng: xoshiro256** (Blackman and Vigna), seeded through splitmix64.
 *
 * The sampler needs every skip value in its range to be possible (sFlow v5
 * Appendix B) and no short period: host-sflow's 15-bit LCG truncates the
 * skip distribution for rates above ~16k.  xoshiro256** has period 2^256-1
 * and passes BigCrush; each sampler owns its generator, so instances are
 * independent as the spec asks.
 */
#ifndef SFK_RNG_H
#define SFK_RNG_H

#include <stdint.h>

struct rng {
    uint64_t s[4];
};

/* Seeds 'r' from 'seed' (any value, 0 included) via splitmix64. */
void rng_seed(struct rng *r, uint64_t seed);

/* Seeds 'r' from getrandom(); falls back to time and pid if that fails. */
void rng_seed_random(struct rng *r);

uint64_t rng_next(struct rng *r);

/* Uniform in [0, 'n'), without modulo bias; 'n' 0 returns 0. */
uint32_t rng_below(struct rng *r, uint32_t n);

#endif /* SFK_RNG_H */
