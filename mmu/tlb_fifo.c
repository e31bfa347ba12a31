/*
 * FIFO replacement: the victim is the entry of the set filled longest ago;
 * hits change nothing.  The set's order list (tlb.h) moves on fills only.
 */
#include "tlb_policy.h"

static uint32_t fifo_victim(tlb_t *tlb, uint32_t set) { return tlb_order_oldest_way(tlb, set); }

const tlb_policy_ops_t tlb_policy_fifo = {
    .name = "fifo",
    .front_on_fill = true,
    .victim_oldest = true,
    .victim = fifo_victim,
    .rank = tlb_order_rank,
};
