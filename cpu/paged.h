/*
 * The CPU's host-side speed structures for paged mode, in front of the MMU
 * unit (mmu/mmu.h): for each kind of access, the page its last TLB hit was
 * on, if that entry allows the access as it stands (no fault, no A or D to
 * set) -- a one-entry shortcut as TinyEMU keeps.  A shortcut never decides
 * anything the model reports: a shortcut hit is a TLB hit on `entry`,
 * reported to the unit (mmu_hit_at) in the order the accesses happened;
 * every change to the TLB drops the shortcuts it could affect.
 */
#ifndef MMULAB_PAGED_H
#define MMULAB_PAGED_H

#include "../mmu/mmu.h"
#include "cpu_internal.h"

typedef struct {
    uint64_t vpage;      /* virtual address of the page; PAGED_NO_PAGE if none */
    uint32_t ppage;      /* its physical address                              */
    uint8_t *host;       /* where the page lives in host memory                */
    tlb_entry_t *entry;  /* the TLB entry it stands for                        */
} paged_shortcut_t;

/* Above any 32-bit address: va - PAGED_NO_PAGE wraps to a huge offset. */
#define PAGED_NO_PAGE (1ull << 40)

struct paged {
    paged_shortcut_t last[3];
    uint32_t page_size;
};

/* The shortcut for acc if it covers va; else NULL and the reference path must run. */
static inline const paged_shortcut_t *paged_shortcut(const paged_t *p, access_t acc, uint32_t va)
{
    const paged_shortcut_t *s = &p->last[acc];
    return (uint64_t)va - s->vpage < p->page_size ? s : NULL;
}

static const paged_shortcut_t paged_no_shortcut = {PAGED_NO_PAGE, 0, NULL, NULL};

/* Drop the shortcuts that stand for entry e (its slot was just refilled). */
static ALWAYS_INLINE void paged_forget_entry(paged_t *p, const tlb_entry_t *e)
{
    if (p->last[ACC_FETCH].entry == e) /* unrolled: this runs on every miss */
        p->last[ACC_FETCH] = paged_no_shortcut;
    if (p->last[ACC_LOAD].entry == e)
        p->last[ACC_LOAD] = paged_no_shortcut;
    if (p->last[ACC_STORE].entry == e)
        p->last[ACC_STORE] = paged_no_shortcut;
}

/* Remember e as acc's shortcut if it allows the access without more ado. */
static ALWAYS_INLINE void paged_remember(cmodel_t *cm, access_t acc, tlb_entry_t *e, uint32_t va)
{
    paged_t *p = cm->paged;
    if (!((e->ok >> tlb_ok_bit(cm->s.priv, acc)) & 1))
        return;
    uint32_t ppage = e->ppn << cm->mmu.page_shift;
    p->last[acc] = (paged_shortcut_t){va & ~(p->page_size - 1), ppage, cm->mem + ppage, e};
}

/*
 * Translate one paged access through the unit (the lookup done: e, or NULL
 * for a miss), the access starting at cycle `now`; then keep the shortcuts
 * and the decoded code true to what it did.  TRAP_NONE with *pa, or the
 * fault with cm->trap.paddr set.  Walk cycles are added to *extra.
 */
trap_cause_t paged_translate_found(cmodel_t *cm, tlb_entry_t *e, uint32_t va, access_t acc, uint64_t now,
                                   uint32_t *pa, uint64_t *extra);

/* The same, inline, with
 * `record` a constant: false when nobody observes (no retirement record, no
 * listener), so the unit's walk and fill run without their records. */
static ALWAYS_INLINE trap_cause_t paged_translate_as(cmodel_t *cm, tlb_entry_t *e, uint32_t va, access_t acc,
                                                     uint64_t now, uint32_t *pa, uint64_t *extra, const bool record)
{
    mmu_xlate_t x;
    trap_cause_t cause = record ? mmu_translate_found(&cm->mmu, e, va, acc, cm->s.priv, now,
                                                      cm->observing ? &cm->last_xlate : NULL, &x)
                                : mmu_translate_as(&cm->mmu, e, va, acc, cm->s.priv, now, NULL, &x, false);
    *extra += x.cycles;
    if (x.pte_written) /* page tables may sit in a granule with decoded code */
        block_cache_invalidate(cm, x.pte_addr, 4);
    if (x.filled)
        paged_forget_entry(cm->paged, x.entry); /* the slot may have been a shortcut's */
    if (cause) {
        cm->trap.paddr = x.paddr;
        return cause;
    }
    paged_remember(cm, acc, x.entry, va);
    *pa = x.paddr;
    return TRAP_NONE;
}



#endif
