/*
 * RANDOM replacement: the victim is way xorshift32() % ways, one generator
 * for the whole TLB (seeded with cfg.seed, 0 meaning 1), advanced only when
 * it picks a victim.  Hits and fills change nothing; every rank is 0.
 */
#include "tlb_policy.h"

static uint32_t xorshift32(uint32_t *state)
{
    uint32_t x = *state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *state = x;
}

static uint32_t random_victim(tlb_t *tlb, uint32_t set) { return (void)set, xorshift32(&tlb->rng) % tlb->ways; }
static uint32_t random_rank(const tlb_t *tlb, uint32_t slot) { return (void)tlb, (void)slot, 0; }

const tlb_policy_ops_t tlb_policy_random = {
    .name = "random",
    .victim = random_victim,
    .rank = random_rank,
};
