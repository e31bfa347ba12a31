/*
 * A TLB replacement policy: one small table of operations, one file each
 * (tlb_lru.c, tlb_fifo.c, tlb_random.c, tlb_plru.c), listed once in
 * machine/config.h's TLB_POLICY_TABLE.  A new policy is one C file here, a
 * line in that table, and its RTL (rtl/mmulab_tlb.sv).
 *
 * The TLB (tlb.c) fills invalid slots first by itself; a policy is asked for
 * a victim only when the set is full.  Its state lives in the tlb_t (the
 * order lists, the PLRU bits, the generator), never in the entries.
 */
#ifndef MMULAB_TLB_POLICY_H
#define MMULAB_TLB_POLICY_H

#include "tlb.h"

struct tlb_policy_ops {
    const char *name;
    bool pow2_ways;                                      /* needs a power-of-two number of ways */
    void (*touch)(tlb_t *tlb, uint32_t slot);            /* a hit; NULL if hits change nothing */
    void (*filled)(tlb_t *tlb, uint32_t slot);           /* slot was just filled                */
    uint32_t (*victim)(tlb_t *tlb, uint32_t set);        /* the way to replace in a full set    */
    uint32_t (*rank)(const tlb_t *tlb, uint32_t slot);   /* tlb_read's age of a valid slot      */
};

#define TLB_POLICY_DECLARE(e, name) extern const tlb_policy_ops_t tlb_policy_##name;
TLB_POLICY_TABLE(TLB_POLICY_DECLARE)
#undef TLB_POLICY_DECLARE

/* --- the per-set order LRU and FIFO share: a circle of slot indexes that
 * runs head, newest, ..., oldest, head; the head of set s is index
 * entries + s; older[x] is the next in that direction, newer[x] the one
 * before (so older[head] is the newest slot, newer[head] the oldest) --- */

static inline uint32_t tlb_order_head(const tlb_t *tlb, uint32_t set) { return tlb->entries + set; }

/* Make slot the newest of its set. */
static inline void tlb_order_move_to_front(tlb_t *tlb, uint32_t slot)
{
    uint16_t *newer = tlb->newer, *older = tlb->older;
    uint32_t head = tlb_order_head(tlb, slot / tlb->ways);
    if (older[head] == slot)
        return; /* the newest already (always, with one way) */
    older[newer[slot]] = older[slot]; /* unlink */
    newer[older[slot]] = newer[slot];
    newer[slot] = (uint16_t)head; /* relink just after the head */
    older[slot] = older[head];
    newer[older[head]] = (uint16_t)slot;
    older[head] = (uint16_t)slot;
}

/* The oldest way of a set. */
static inline uint32_t tlb_order_oldest_way(const tlb_t *tlb, uint32_t set)
{
    return tlb->newer[tlb_order_head(tlb, set)] - set * tlb->ways;
}

/* How many valid entries of its set are newer than slot. */
uint32_t tlb_order_rank(const tlb_t *tlb, uint32_t slot);

#endif
