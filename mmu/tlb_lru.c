/*
 * LRU replacement: the victim is the entry of the set least recently hit or
 * filled (true LRU), kept as the set's order list (tlb.h), so a touch and a
 * victim are O(1): every hit and fill moves its slot to the front.
 */
#include "tlb_policy.h"

static uint32_t lru_victim(tlb_t *tlb, uint32_t set) { return tlb_order_oldest_way(tlb, set); }

const tlb_policy_ops_t tlb_policy_lru = {
    .name = "lru",
    .front_on_touch = true,
    .front_on_fill = true,
    .victim_oldest = true,
    .victim = lru_victim,
    .rank = tlb_order_rank,
};
