/*
 * LRU replacement: the victim is the entry of the set least recently hit or
 * filled (true LRU), kept as the set's order list (tlb_policy.h), so a touch
 * and a victim are O(1).
 */
#include "tlb_policy.h"

static void lru_touch(tlb_t *tlb, uint32_t slot) { tlb_order_move_to_front(tlb, slot); }
static uint32_t lru_victim(tlb_t *tlb, uint32_t set) { return tlb_order_oldest_way(tlb, set); }

const tlb_policy_ops_t tlb_policy_lru = {
    .name = "lru",
    .touch = lru_touch,
    .filled = lru_touch,
    .victim = lru_victim,
    .rank = tlb_order_rank,
};
