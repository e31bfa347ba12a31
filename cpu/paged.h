/*
 * The CPU's host-side speed structures for paged mode, in front of the MMU
 * unit (mmu/mmu.h): for each kind of access, one shortcut per TLB entry
 * ({page, host address, entry}, as TinyEMU's {tag, addend}), holding the
 * entry's page only while the entry allows that access as it stands (no
 * fault, no A or D to set), and a small direct-mapped index by page of the
 * shortcuts made last.  A decoded instruction keeps the shortcut its data
 * access hit (decoded_t.shortcut), so its next access through the same
 * entry is one compare, with no index and no entry compare.  A shortcut
 * never decides anything the model reports: a shortcut hit is a TLB hit on
 * its entry, reported to the unit (mmu_hit_at) in the order the accesses
 * happened; every change to an entry or to what it allows drops its
 * shortcuts.
 */
#ifndef MMULAB_PAGED_H
#define MMULAB_PAGED_H

#include "../mmu/mmu.h"
#include "cpu_internal.h"

struct paged_shortcut {
    uint64_t vpage;      /* virtual address of the page; PAGED_NO_PAGE if none */
    uintptr_t code_delta; /* cm->code_map's byte for va's granule, less va >> CODE_GRANULE_SHIFT
                             (pages are whole granules, so this holds throughout the page) */
    uintptr_t host_delta; /* where va lives in host memory, less va           */
    tlb_entry_t *entry;  /* the TLB entry it stands for, fixed (NULL: paged_no_shortcut) */
};

/* Above any 32-bit address: va - PAGED_NO_PAGE wraps to a huge offset. */
#define PAGED_NO_PAGE (1ull << 40)

#define PAGED_SHORTCUTS 8 /* index slots per access kind, by the page number's low bits */

struct paged {
    /* per TLB slot, in slot order: its shortcut for each kind of access (the
     * fourth unused, so that a slot's row is a shift away) */
    paged_shortcut_t (*by_entry)[4];
    /* per access kind, by page: the shortcut made last for a page there (a
     * hint: its page is compared; &paged_no_shortcut when none yet) */
    const paged_shortcut_t *index[3][PAGED_SHORTCUTS];
    const tlb_entry_t *entries; /* the TLB's, slot 0 first */
    uintptr_t row_bias;         /* by_entry less entries * PAGED_ROW_SCALE (paged_row) */
    uint32_t nentries, page_size, page_shift;
};

/* A row of shortcuts is this many times the size of a TLB entry, so that
 * an entry's row is found from its address in one scaled add (paged_row). */
#define PAGED_ROW_SCALE 8
_Static_assert(sizeof(paged_shortcut_t[4]) == PAGED_ROW_SCALE * sizeof(tlb_entry_t),
               "a row of shortcuts is PAGED_ROW_SCALE entries long");

/* Entry e's row of shortcuts, by_entry[e - entries], without the
 * subtraction and the division: the addresses scale together. */
static inline paged_shortcut_t *paged_row(const paged_t *p, const tlb_entry_t *e)
{
    return (paged_shortcut_t *)((uintptr_t)e * PAGED_ROW_SCALE + p->row_bias);
}

/* Where the index keeps the shortcut for va's page. */
static inline const paged_shortcut_t **paged_index_slot(paged_t *p, access_t acc, uint32_t va)
{
    return &p->index[acc][(va >> p->page_shift) & (PAGED_SHORTCUTS - 1)];
}

/* The shortcut for acc if the index has one covering va; else NULL and the reference path must run. */
static inline const paged_shortcut_t *paged_shortcut(paged_t *p, access_t acc, uint32_t va)
{
    const paged_shortcut_t *s = *paged_index_slot(p, acc, va);
    return (uint64_t)va - s->vpage < p->page_size ? s : NULL;
}

/* The physical address a shortcut sends va to. */
static inline uint32_t paged_shortcut_pa(const cmodel_t *cm, const paged_shortcut_t *s, uint32_t va)
{
    return (uint32_t)(s->host_delta + va - (uintptr_t)cm->mem);
}

/* Drop entry e's shortcuts (it was just refilled, or what it allows changed). */
static ALWAYS_INLINE void paged_forget_entry(paged_t *p, const tlb_entry_t *e)
{
    paged_shortcut_t *const row = paged_row(p, e);
    row[ACC_FETCH].vpage = PAGED_NO_PAGE;
    row[ACC_LOAD].vpage = PAGED_NO_PAGE;
    row[ACC_STORE].vpage = PAGED_NO_PAGE;
}

/* Make e's shortcut for acc cover va's page if e allows the access without
 * more ado. */
static ALWAYS_INLINE void paged_remember(cmodel_t *cm, access_t acc, tlb_entry_t *e, uint32_t va)
{
    paged_t *p = cm->paged;
    if (!((e->ok >> tlb_ok_bit(cm->s.priv, acc)) & 1))
        return;
    const uint32_t ppage = e->ppn << p->page_shift, vpage = va & ~(p->page_size - 1);
    paged_shortcut_t *s = &paged_row(p, e)[acc];
    s->vpage = vpage;
    s->code_delta = (uintptr_t)(cm->code_map + (ppage >> CODE_GRANULE_SHIFT)) - (vpage >> CODE_GRANULE_SHIFT);
    s->host_delta = (uintptr_t)(cm->mem + ppage) - vpage;
    *paged_index_slot(p, acc, va) = s;
}

/*
 * Translate one paged access through the unit (the lookup done: e, or NULL
 * for a miss), the access starting at cycle `now`; then keep the shortcuts
 * and the decoded code true to what it did.  A shortcut is made on a hit,
 * not at a fill: an entry filled by a miss gets its shortcut on its next
 * use (through the quick way below when nobody observes), so a fill whose
 * entry is evicted before that use, as in a sweep over more pages than the
 * TLB holds, costs no shortcut.  TRAP_NONE with *pa, or the
 * fault with cm->trap.paddr set.  Walk cycles are added to *extra.
 */
trap_cause_t paged_translate_found(cmodel_t *cm, tlb_entry_t *e, uint32_t va, access_t acc, uint64_t now,
                                   uint32_t *pa, uint64_t *extra);

/* The same, inline, with what the unit did in *x (x->cycles: the walk's) and
 * `record` a constant: false when nobody observes (no retirement record, no
 * listener), so the unit's walk and fill run without their records.
 * *changed (if not NULL): x->entry maps another page, or allows other
 * accesses, than before. */
static ALWAYS_INLINE trap_cause_t paged_translate_x(cmodel_t *cm, tlb_entry_t *e, uint32_t va, access_t acc,
                                                    uint64_t now, mmu_xlate_t *x, const bool record,
                                                    const uint32_t *hash, bool *changed)
{
    const uint8_t perm = e ? e->perm : 0; /* an A/D rewalk takes the tables' permissions */
    trap_cause_t cause = record ? mmu_translate_found(&cm->mmu, e, va, acc, cm->s.priv, now,
                                                      cm->observing ? &cm->last_xlate : NULL, x)
                                : mmu_translate_as(&cm->mmu, e, va, acc, cm->s.priv, now, NULL, x, false, hash);
    if (x->pte_written) /* page tables may sit in a granule with decoded code */
        block_cache_invalidate(cm, x->pte_addr, 4);
    const bool entry_changed = x->filled || (e && e->perm != perm);
    if (changed)
        *changed = entry_changed;
    if (entry_changed) /* the entry maps another page, or allows other accesses */
        paged_forget_entry(cm->paged, x->entry);
    if (cause) {
        cm->trap.paddr = x->paddr;
        return cause;
    }
    if (!x->filled)
        paged_remember(cm, acc, x->entry, va);
    return TRAP_NONE;
}

/* paged_translate_x with the physical address in *pa, the walk's cycles added to *extra. */
static ALWAYS_INLINE trap_cause_t paged_translate_as(cmodel_t *cm, tlb_entry_t *e, uint32_t va, access_t acc,
                                                     uint64_t now, uint32_t *pa, uint64_t *extra, const bool record)
{
    mmu_xlate_t x;
    const trap_cause_t cause = paged_translate_x(cm, e, va, acc, now, &x, record, NULL, NULL);
    *extra += x.cycles;
    if (!cause)
        *pa = x.paddr;
    return cause;
}

/* A translation nobody observes (no record, no listener), the lookup done
 * (hash: as mmu_find_hashing set it): paged_translate_x with the unit's
 * walk and fill quick (mmu_translate_as with `record` false), the usual
 * miss through mmu_miss_settled first, what paged_translate_x does after a
 * fill done here. */
static ALWAYS_INLINE trap_cause_t paged_translate_quick(cmodel_t *cm, tlb_entry_t *e, uint32_t va, access_t acc,
                                                        mmu_xlate_t *x, const uint32_t *hash, bool *changed)
{
    if (!e && mmu_miss_settled(&cm->mmu, va, acc, cm->s.priv, x, hash)) { /* the usual miss */
        if (changed)
            *changed = true;
        paged_forget_entry(cm->paged, x->entry);
        return TRAP_NONE;
    }
    return paged_translate_x(cm, e, va, acc, 0, x, false, hash, changed);
}


#endif
