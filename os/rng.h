/*
 * A small reproducible random-number generator (SplitMix64) for the OS's
 * simulations (workloads, the thrashing model): the same seed gives the same
 * numbers on every host, which the tests rely on.
 */
#ifndef MMULAB_RNG_H
#define MMULAB_RNG_H

#include <math.h>
#include <stdint.h>

typedef struct {
    uint64_t state;
} rng_t;

static inline rng_t rng_seeded(uint64_t seed)
{
    return (rng_t){seed * 0x2545F4914F6CDD1Dull + 1};
}

static inline uint64_t rng_next(rng_t *r)
{
    uint64_t z = (r->state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Uniform in (0, 1]. */
static inline double rng_uniform01(rng_t *r)
{
    return ((double)(rng_next(r) >> 11) + 1.0) / 9007199254740992.0;
}

/* Exponential with the given mean. */
static inline double rng_exponential(rng_t *r, double mean)
{
    return -mean * log(rng_uniform01(r));
}

#endif
