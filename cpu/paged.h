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

/*
 * Translate one paged access through the unit (the lookup done: e, or NULL
 * for a miss), the access starting at cycle `now`; then keep the shortcuts
 * and the decoded code true to what it did.  TRAP_NONE with *pa, or the
 * fault with cm->trap.paddr set.  Walk cycles are added to *extra.
 */
trap_cause_t paged_translate_found(cmodel_t *cm, tlb_entry_t *e, uint32_t va, access_t acc, uint64_t now,
                                   uint32_t *pa, uint64_t *extra);

#endif
