/*
 * The C model's paged-mode state, shared by paged.c (the reference path)
 * and the fast path in cpu.c.
 */
#ifndef MMULAB_PAGED_H
#define MMULAB_PAGED_H

#include <string.h>

#include "../mmu/tlb.h"
#include "../mmu/walk.h"
#include "cpu_internal.h"

/*
 * For each kind of access, the page its last TLB hit was on, if that entry
 * allows the access as it stands (no fault, no A or D to set): a one-entry
 * host-side shortcut in front of the modeled TLB, as TinyEMU keeps.  It never
 * changes what is observed: a shortcut hit is a TLB hit on `entry`, counted
 * and ordered like one; every change to the TLB drops the shortcuts.
 */
typedef struct {
    uint64_t vpage;      /* virtual address of the page; PAGED_NO_PAGE if none */
    uint32_t ppage;      /* its physical address                              */
    uint8_t *host;       /* where the page lives in host memory                */
    tlb_entry_t *entry;  /* the TLB entry it stands for                        */
} paged_shortcut_t;

/* Above any 32-bit address: va - PAGED_NO_PAGE wraps to a huge offset. */
#define PAGED_NO_PAGE (1ull << 40)

struct paged {
    tlb_t *tlb;
    walker_t walker;
    uint32_t shift;        /* page_shift                                     */
    uint32_t page_size;
    uint32_t asid;         /* the current ASID, masked to asid_bits          */
    paged_shortcut_t last[3];
    frame_refs_t refs;     /* per-frame stamps and bits, if tracked           */
    uint64_t ref_clock;    /* the access count the stamps are taken from      */
    /* the quick walk's view of the geometry (paged.c) */
    uint32_t levels, va_high;            /* va_high: address bits above va_bits */
    uint32_t level_shift[3], level_mask[3];
    uint32_t need[2][3];                 /* PTE bits a leaf needs, by privilege and access */
    uint32_t frames;                     /* frames wholly inside physical memory  */
};

/* Note a reference to frame ppn, the `stamp`-th access (when the OS asked). */
static inline void paged_reference_at(paged_t *p, uint32_t ppn, uint64_t stamp)
{
    if (p->refs.stamp) {
        p->refs.stamp[ppn] = stamp;
        p->refs.refbit[ppn] = 1;
    }
}

/* Note the next reference, to frame ppn. */
static inline void paged_reference(paged_t *p, uint32_t ppn)
{
    paged_reference_at(p, ppn, ++p->ref_clock);
}

/* The shortcut for acc if it covers va; else NULL and the reference path must run. */
static inline const paged_shortcut_t *paged_shortcut(const paged_t *p, access_t acc, uint32_t va)
{
    const paged_shortcut_t *s = &p->last[acc];
    return (uint64_t)va - s->vpage < p->page_size ? s : NULL;
}

/* Drop the shortcuts that stand for entry e (its slot was just refilled). */
static ALWAYS_INLINE void paged_forget_entry(paged_t *p, const tlb_entry_t *e)
{
    static const paged_shortcut_t none = {PAGED_NO_PAGE, 0, NULL, NULL};
    if (p->last[ACC_FETCH].entry == e) /* unrolled: this runs on every quick miss */
        p->last[ACC_FETCH] = none;
    if (p->last[ACC_LOAD].entry == e)
        p->last[ACC_LOAD] = none;
    if (p->last[ACC_STORE].entry == e)
        p->last[ACC_STORE] = none;
}

/* Remember e as acc's shortcut if it allows the access without more ado. */
static ALWAYS_INLINE void paged_remember(cmodel_t *cm, access_t acc, tlb_entry_t *e, uint32_t va)
{
    paged_t *p = cm->paged;
    if (!((e->ok >> tlb_ok_bit(cm->s.priv, acc)) & 1))
        return;
    uint32_t ppage = e->ppn << p->shift;
    p->last[acc] = (paged_shortcut_t){va & ~(p->page_size - 1), ppage, cm->mem + ppage, e};
}

/*
 * The walk of the common miss -- every table present, the leaf allowing the
 * access -- done without the per-step record, for when nobody observes the
 * steps.  Returns false, having changed nothing, whenever anything is
 * unusual; then the full walker runs and finds the same answer or the fault.
 * On success it has set A (and D), written the leaf back if that changed it,
 * and accounted for the walk exactly as the full walk is accounted for.
 */
static ALWAYS_INLINE bool paged_quick_walk(cmodel_t *cm, uint32_t va, access_t acc, pte_t *leaf, uint64_t *extra)
{
    const paged_t *p = cm->paged;
    if ((va & p->va_high) || (p->levels == 1 && cm->mmu.ptlr))
        return false;
    const uint32_t need = p->need[cm->s.priv][acc], last = p->levels - 1;
    uint64_t table = cm->mmu.ptbr, pte_addr;
    uint32_t pte, level = 0;
    for (;; level++) {
        pte_addr = table + 4u * ((va >> p->level_shift[level]) & p->level_mask[level]);
        if (pte_addr + 4 > cm->mem_size)
            return false;
        memcpy(&pte, cm->mem + pte_addr, 4);
        if (level == last)
            break;
        if ((pte & (PTE_V | PTE_LEAF_BITS | PTE_RESERVED)) != PTE_V)
            return false;
        table = (uint64_t)(pte >> PTE_PPN_SHIFT) << p->shift;
    }
    if ((pte & (need | PTE_RESERVED)) != need || (acc != ACC_LOAD && (pte & (PTE_R | PTE_W)) == PTE_W) ||
        (pte >> PTE_PPN_SHIFT) >= p->frames) /* (a load needs R: write-only fails the first test) */
        return false; /* the full walk says which fault (a frame beyond memory: a bus error) */
    uint32_t updated = pte | PTE_A | (acc == ACC_STORE ? PTE_D : 0);
    uint64_t cycles = (uint64_t)p->levels * p->walker.mem_cycles;
    if (updated != pte) {
        memcpy(cm->mem + pte_addr, &updated, 4);
        block_cache_invalidate(cm, (uint32_t)pte_addr, 4);
        cycles += p->walker.mem_cycles;
        cm->cnt.pte_writes++;
    }
    cm->cnt.walks++;
    cm->cnt.walk_cycles += cycles;
    cm->cnt.pte_reads += p->levels;
    *extra += cycles;
    *leaf = (pte_t){updated};
    return true;
}

/*
 * A TLB miss served whole the quick way, when nobody observes the walk's
 * steps: walk, fill, drop the shortcuts the victim stood for, remember the
 * new entry and note the frame's reference.  Returns the filled entry, or
 * NULL having changed nothing (the full path must run).
 */
static ALWAYS_INLINE tlb_entry_t *paged_quick_miss(cmodel_t *cm, uint32_t va, access_t acc, uint64_t *extra)
{
    paged_t *p = cm->paged;
    pte_t leaf;
    if (cm->observing || ev_enabled(cm->m.bus) || !paged_quick_walk(cm, va, acc, &leaf, extra))
        return NULL;
    p->tlb->misses++;
    tlb_entry_t *e = tlb_fill_fast(p->tlb, (uint64_t)(va >> p->shift), p->asid, pte_ppn(leaf), pte_perm(leaf));
    paged_forget_entry(p, e);
    paged_remember(cm, acc, e, va);
    paged_reference(p, e->ppn);
    return e;
}

frame_refs_t *paged_frame_refs(machine_t *m);
/* paged_translate for a TLB lookup already done (e the hit, or NULL), going
 * the full way (the retirement record, events, every fault). */
trap_cause_t paged_translate_found(cmodel_t *cm, tlb_entry_t *e, uint32_t va, uint32_t size, access_t acc, uint32_t *pa,
                                   uint64_t *extra);
/* Copy the TLB's hit and miss counts into the machine's counters. */
void paged_sync_counters(cmodel_t *cm);

#endif
