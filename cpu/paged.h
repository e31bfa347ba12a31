/*
 * The C model's paged-mode state, shared by paged.c (the reference path)
 * and the fast path in cpu.c.
 */
#ifndef MMULAB_PAGED_H
#define MMULAB_PAGED_H

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
};

/* Note a reference to frame ppn (when the OS asked for it). */
static inline void paged_reference(paged_t *p, uint32_t ppn)
{
    if (p->refs.stamp) {
        p->refs.stamp[ppn] = ++p->ref_clock;
        p->refs.refbit[ppn] = 1;
    }
}

/* The shortcut for acc if it covers va; else NULL and the reference path must run. */
static inline const paged_shortcut_t *paged_shortcut(const paged_t *p, access_t acc, uint32_t va)
{
    const paged_shortcut_t *s = &p->last[acc];
    return (uint64_t)va - s->vpage < p->page_size ? s : NULL;
}

frame_refs_t *paged_frame_refs(machine_t *m);
/* paged_translate for a TLB lookup already done (e the hit, or NULL). */
trap_cause_t paged_translate_found(cmodel_t *cm, tlb_entry_t *e, uint32_t va, uint32_t size, access_t acc, uint32_t *pa,
                                   uint64_t *extra);
/* Make e the shortcut for acc at va's page, if it allows the access as it stands. */
void paged_remember(cmodel_t *cm, access_t acc, tlb_entry_t *e, uint32_t va);
/* Copy the TLB's hit and miss counts into the machine's counters. */
void paged_sync_counters(cmodel_t *cm);

#endif
