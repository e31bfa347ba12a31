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
    /* a policy that keeps the set's order list (tlb.h) says when a slot
     * moves to its front, and the TLB does it inline */
    bool front_on_touch, front_on_fill;
    bool victim_oldest;                                  /* the victim is the order list's oldest */
    void (*touch)(tlb_t *tlb, uint32_t slot);            /* a hit: other state; NULL if none    */
    void (*filled)(tlb_t *tlb, uint32_t slot);           /* slot was just filled; NULL if none  */
    uint32_t (*victim)(tlb_t *tlb, uint32_t set);        /* the way to replace in a full set    */
    uint32_t (*rank)(const tlb_t *tlb, uint32_t slot);   /* tlb_read's age of a valid slot      */
};

#define TLB_POLICY_DECLARE(e, name) extern const tlb_policy_ops_t tlb_policy_##name;
TLB_POLICY_TABLE(TLB_POLICY_DECLARE)
#undef TLB_POLICY_DECLARE

/* How many valid entries of its set are newer than slot. */
uint32_t tlb_order_rank(const tlb_t *tlb, uint32_t slot);

#endif
