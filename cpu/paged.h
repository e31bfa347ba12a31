/*
 * The C model's paged-mode state, shared by paged.c (the reference path)
 * and the fast path in cpu.c.
 */
#ifndef MMULAB_PAGED_H
#define MMULAB_PAGED_H

#include "../mmu/tlb.h"
#include "../mmu/walk.h"
#include "cpu_internal.h"

struct paged {
    tlb_t *tlb;
    walker_t walker;
    uint32_t shift;        /* page_shift                                     */
    uint32_t asid;         /* the current ASID, masked to asid_bits          */
    tlb_entry_t none;      /* never matches: what `last` points at when unsure */
    tlb_entry_t *last[3];  /* the entry each access kind hit last             */
    frame_refs_t refs;     /* per-frame stamps and bits, if tracked           */
    uint64_t ref_clock;    /* the access count the stamps are taken from      */
};

/* Note a reference to frame ppn (when the OS asked for it). */
static inline void paged_reference(paged_t *p, uint32_t ppn)
{
    if (p->refs.stamp) {
        p->refs.stamp[ppn] = ++p->ref_clock;
        p->refs.refbit[ppn] = 1;
    }
}

/* The entry `acc` hit last, if it maps va and allows the access as it is
 * (no fault, no A/D to set); else NULL and the reference path must run. */
static inline tlb_entry_t *paged_cached_entry(paged_t *p, access_t acc, priv_t priv, uint32_t va)
{
    tlb_entry_t *e = p->last[acc];
    if (e->vpn == (uint64_t)(va >> p->shift) && ((e->ok >> tlb_ok_bit(priv, acc)) & 1))
        return e;
    return NULL;
}

frame_refs_t *paged_frame_refs(machine_t *m);
/* Copy the TLB's hit and miss counts into the machine's counters. */
void paged_sync_counters(cmodel_t *cm);

#endif
