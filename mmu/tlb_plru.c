/*
 * Tree pseudo-LRU (ways a power of two): ways-1 bits per set in heap order
 * (node 1 is the root, node n has children 2n and 2n+1, the leaves
 * ways..2*ways-1 are the ways).  A bit of 0 sends the victim search left,
 * 1 right; a hit or fill of a way sets every bit on its path to point away
 * from it.  All bits start at 0.  A way's rank is how many bits on its path
 * point at it (log2(ways): the next victim).
 */
#include "tlb_policy.h"

static uint8_t *set_bits(const tlb_t *tlb, uint32_t set) { return &tlb->plru[(size_t)set * tlb->ways]; }

static void plru_touch(tlb_t *tlb, uint32_t slot)
{
    uint8_t *bits = set_bits(tlb, slot / tlb->ways);
    for (uint32_t node = slot % tlb->ways + tlb->ways; node > 1; node >>= 1)
        bits[node >> 1] = !(node & 1); /* came from the left child: point right */
}

static uint32_t plru_victim(tlb_t *tlb, uint32_t set)
{
    const uint8_t *bits = set_bits(tlb, set);
    uint32_t node = 1;
    while (node < tlb->ways)
        node = 2 * node + bits[node];
    return node - tlb->ways;
}

static uint32_t plru_rank(const tlb_t *tlb, uint32_t slot)
{
    const uint8_t *bits = set_bits(tlb, slot / tlb->ways);
    uint32_t rank = 0;
    for (uint32_t node = slot % tlb->ways + tlb->ways; node > 1; node >>= 1)
        rank += bits[node >> 1] == (node & 1);
    return rank;
}

const tlb_policy_ops_t tlb_policy_plru = {
    .name = "plru",
    .pow2_ways = true,
    .touch = plru_touch,
    .filled = plru_touch,
    .victim = plru_victim,
    .rank = plru_rank,
};
