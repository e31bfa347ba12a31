/*
 * The C model's MMU, one unit as CVA6 splits it: the MMU registers, the
 * relocation unit of the contiguous modes (contiguous.h), the TLB (tlb.h) with
 * its replacement policies (tlb_policy.h), the page-table walker (walk.h)
 * and the translation timing, behind one translate function.  It is the
 * only implementation of translation in C: the CPU (cpu/), the random
 * co-simulation (cli/cosim_random.c), tlbsim and the viewer all use it.
 *
 * The unit owns the TLB, the walker, the registers, its counters (hits and
 * misses in the TLB, walks, PTE reads and writes) and the per-frame
 * reference stamps the OS's replacement reads.  It keeps no host-side speed
 * structure: the CPU's shortcuts live in cpu/ and only ever report to the
 * unit what the unit itself would have done (mmu_hit_at, mmu_reference_at).
 *
 * Paged translation follows the contract (docs/timing.md, docs/mmu.md):
 * every access pays tlb_hit_cycles; a hit whose entry allows the access
 * completes at once; a hit whose entry forbids it faults with the cause the
 * walker would give, without walking; a hit that needs A or D set walks
 * again and the walker writes the PTE back; a miss walks, and a walk that
 * succeeds fills the TLB (one that faults does not).
 *
 * Events (machine/events.h), only when someone listens: a miss, each walk
 * step, the A/D write-back, and on every fill which entry was replaced and
 * why (EV_TLB_FILL: its slot, the victim's page, the policy's rank of the
 * victim, the policy and the ways).
 */
#ifndef MMULAB_MMU_H
#define MMULAB_MMU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../machine/events.h"
#include "../machine/machine.h"
#include "contiguous.h"
#include "seg.h"
#include "tlb.h"
#include "walk.h"

/* Every walk (and every descriptor read) costs mem_cycles per word read or
 * written, so the walks' cycles are not counted apart: mmu_counters derives
 * them from the PTE traffic, one add less on every miss. */
typedef struct {
    uint64_t walks, pte_writes, pte_reads; /* not walks beside pte_reads: gcc made their two adds
                                              on every miss one slow vector update */
    uint64_t quick_walks; /* the quick walks (WALK_SETTLED): each read every level and wrote
                             nothing, so one count a miss; mmu_counters adds them in */
} mmu_counters_t;

typedef struct {
    mmu_regs_t regs;        /* as last set (mmu_set)                         */
    uint32_t asid;          /* regs.asid masked to the TLB's asid_bits       */
    uint8_t *mem;           /* physical memory, the walker's                 */
    uint32_t mem_size;
    uint32_t page_shift, page_size;
    timing_t timing;
    tlb_t *tlb;
    walker_t walker;
    walk_bounds_t walk_bounds; /* mem_size as the walker tests it           */
    uint32_t quick_levels;  /* the quick walk's levels for regs (walk_quick_levels) */
    const uint8_t *quick_root; /* with them, mem + regs.ptbr (else NULL)     */
    seg_unit_t seg;         /* segmented mode's descriptor cache (seg.h)     */
    mmu_counters_t cnt;
    frame_refs_t refs;      /* per-frame stamps and bits, if cfg.track_refs  */
    uint64_t ref_clock;     /* accesses translated so far, the stamps' clock */
    evbus_t *bus;
} mmu_t;

/* What one paged translation did, besides its cause. */
typedef struct {
    uint32_t paddr;        /* the physical address; on a fault the one it would
                              have reached (a bus error: the PTE's), else 0   */
    uint32_t cycles;       /* beyond tlb_hit_cycles: the walk, if any        */
    tlb_entry_t *entry;    /* the entry hit or filled (NULL after a miss that
                              faulted)                                        */
    bool filled;           /* a miss filled `entry`'s slot                   */
    bool pte_written;      /* the walker wrote the leaf back at pte_addr      */
    uint32_t pte_addr;     /* (valid when pte_written)                      */
} mmu_xlate_t;

/* Build the unit over physical memory mem (mem_size bytes) for cfg; the
 * paging part of cfg must be usable (false with one sentence in err). */
bool mmu_init(mmu_t *mmu, const machine_config_t *cfg, uint8_t *mem, uint32_t mem_size, evbus_t *bus, char *err,
              size_t errlen);
void mmu_destroy(mmu_t *mmu);

/* Load the MMU registers (mode, base/limit, fence, PTBR, PTLR, ASID, STBR,
 * STLR).  Empties the segment-descriptor cache. */
void mmu_set(mmu_t *mmu, const mmu_regs_t *regs);

/* The cycles the translation of one access adds to its memory access, in the
 * current mode (base/limit: reloc_cycles; paged: tlb_hit_cycles; segmented:
 * seg_hit_cycles).  A TLB or descriptor-cache miss adds its reads on top. */
static inline uint32_t mmu_access_cycles(const mmu_t *mmu)
{
    switch (mmu->regs.mode) {
    case MMU_RELOC: return mmu->timing.reloc_cycles;
    case MMU_PAGED: return mmu->timing.tlb_hit_cycles;
    case MMU_SEG: return mmu->timing.seg_hit_cycles;
    default: return 0;
    }
}

/*
 * Translate one aligned access of `size` bytes in any mode: TRAP_NONE with
 * out->paddr, or the fault with out->paddr where it would have gone.  `now`
 * is the cycle the access starts at (for events); rx, when not NULL, gets
 * the translation for the retirement record (hit, walk steps, PTEs).
 */
__attribute__((warn_unused_result)) trap_cause_t mmu_translate(mmu_t *mmu, uint32_t va, uint32_t size, access_t acc,
                                                               priv_t priv, uint64_t now, retire_xlate_t *rx,
                                                               mmu_xlate_t *out);

/*
 * Paged translation for a lookup already done (e the entry found by
 * tlb_find for va's page and the current ASID, or NULL): what
 * mmu_translate does after its lookup.  For callers that looked first.
 * mmu_translate_as (below) is the same, inline, with `record` a constant
 * (false: no retirement record and no events, for when nobody observes).
 */
__attribute__((warn_unused_result)) trap_cause_t mmu_translate_found(mmu_t *mmu, tlb_entry_t *e, uint32_t va,
                                                                     access_t acc, priv_t priv, uint64_t now,
                                                                     retire_xlate_t *rx, mmu_xlate_t *out);

/* The entry mapping va's page under the current ASID, or NULL (no counting). */
static inline tlb_entry_t *mmu_find(mmu_t *mmu, uint32_t va)
{
    return tlb_find(mmu->tlb, (uint64_t)(va >> mmu->page_shift), mmu->asid);
}

/* mmu_find, keeping the page's hash for the fill after a miss (the hash
 * argument of mmu_translate_as; see tlb_find_hashing). */
static inline __attribute__((always_inline)) tlb_entry_t *mmu_find_hashing(mmu_t *mmu, uint32_t va, uint32_t *hash)
{
    return tlb_find_hashing(mmu->tlb, (uint64_t)(va >> mmu->page_shift), mmu->asid, hash);
}

/* Note a reference to frame ppn as the `stamp`-th access (when the OS asked
 * for reference tracking). */
static inline void mmu_reference_at(mmu_t *mmu, uint32_t ppn, uint64_t stamp)
{
    if (mmu->refs.stamp) {
        mmu->refs.stamp[ppn] = stamp;
        mmu->refs.refbit[ppn] = 1;
    }
}

/* mmu_reference_at where the frame may have a later stamp already, which
 * it keeps (a reference reported late). */
static inline void mmu_reference_latest(mmu_t *mmu, uint32_t ppn, uint64_t stamp)
{
    if (mmu->refs.stamp && mmu->refs.stamp[ppn] > stamp)
        stamp = mmu->refs.stamp[ppn];
    mmu_reference_at(mmu, ppn, stamp);
}

/* mmu_hit_at (below) but for the frame's stamp, which the caller reports
 * itself (mmu_reference_latest) before anyone can read it. */
static inline void mmu_hit_unstamped(mmu_t *mmu, const tlb_entry_t *e, uint64_t count)
{
    mmu->tlb->hits += count;
    tlb_touch(mmu->tlb, e);
}

/* `count` accesses that hit e, the last of them the `stamp`-th access: what
 * translating them one by one would have done to the counters, the
 * replacement state and the frame's stamp.  The CPU's shortcuts report hits
 * through this (in the order the accesses happened, each entry's latest). */
static inline void mmu_hit_at(mmu_t *mmu, const tlb_entry_t *e, uint64_t count, uint64_t stamp)
{
    mmu_hit_unstamped(mmu, e, count);
    mmu_reference_at(mmu, e->ppn, stamp);
}

/* The same for a hit already counted, its replacement update queued in the
 * TLB (tlb_touch_at): for replaying many hits where few entries' latest
 * uses matter and nothing may be missing before long. */
static inline void mmu_hit_late(mmu_t *mmu, const tlb_entry_t *e, uint64_t stamp)
{
    tlb_touch_at(mmu->tlb, e, stamp);
    mmu_reference_at(mmu, e->ppn, stamp);
}

/* mmu_hit_late for hits reported in any order, where touches commute
 * (tlb_touches_commute): the entry and the frame keep the latest stamp they
 * were given, so a hit reported after a later one (on this entry, or on
 * another mapping the same frame) leaves them alone. */
static inline void mmu_hit_latest(mmu_t *mmu, const tlb_entry_t *e, uint64_t stamp)
{
    tlb_touch_latest(mmu->tlb, e, stamp);
    mmu_reference_latest(mmu, e->ppn, stamp);
}

/* The events of a walk (why: EV_TLB_MISS, or EV_AD_REWALK for a hit whose A
 * or D bit must be set first, which is no miss; its steps, the write-back)
 * and of a fill (which entry it replaced and why); for listeners only.  The
 * hardware knows no processes: the bus stamps them (EV_PID_RUNNING). */
void mmu_announce_walk(const mmu_t *mmu, ev_kind_t why, uint64_t now, uint32_t va, access_t acc,
                       const walk_result_t *r);
void mmu_announce_fill(const mmu_t *mmu, uint64_t now, const tlb_fill_info_t *f);

/* Walk for one access and account for it; `record` (a constant) keeps the
 * per-step record for the retirement record and the events. */
static inline __attribute__((always_inline)) trap_cause_t mmu_walk_counted(mmu_t *mmu, ev_kind_t why, uint32_t va,
                                                               access_t acc, priv_t priv, uint64_t now,
                                                               walk_result_t *r, mmu_xlate_t *out, const bool record)
{
    const walk_mem_t m = {.mem = mmu->mem, .bounds = &mmu->walk_bounds};
    trap_cause_t cause = walk_host(&mmu->walker, &m, mmu->regs.ptbr, mmu->regs.ptlr, va, acc, priv, r,
                                   record);
    mmu->cnt.walks++;
    mmu->cnt.pte_reads += r->steps;
    if (r->pte_written) /* a branch, not an add: the adds made one slow vector update */
        mmu->cnt.pte_writes++;
    out->cycles += r->cycles;
    out->pte_written = r->pte_written;
    out->pte_addr = r->leaf_addr;
    if (record && ev_enabled(mmu->bus))
        mmu_announce_walk(mmu, why, now, va, acc, r);
    return cause;
}

/*
 * The usual miss when nobody observes (no record, no listener; va's page
 * looked up and not found, hash as mmu_find_hashing set it): the quick walk
 * (walk_host_settled: a settled leaf, nothing written back), the fill and
 * the frame's stamp, with *out as mmu_translate_as would set it (paddr,
 * cycles, the entry filled).  False, having changed nothing, when the quick
 * walk gives up: then mmu_translate_as translates it (a fault, a leaf to
 * write back).  Its own function, so that a caller's test of what the rare
 * ways do (a written PTE, a fault) folds away after it.
 */
static inline __attribute__((always_inline)) bool mmu_miss_settled(mmu_t *mmu, uint32_t va, access_t acc,
                                                                   priv_t priv, mmu_xlate_t *out,
                                                                   const uint32_t *hash)
{
    const walk_mem_t m = {.mem = mmu->mem, .bounds = &mmu->walk_bounds, .root = mmu->quick_root};
    walk_result_t r;
    if (__builtin_expect(walk_host_settled(&mmu->walker, &m, mmu->quick_levels, &mmu->regs.ptlr, va, acc, priv, &r) !=
                             TRAP_NONE,
                         0))
        return false;
    mmu->tlb->misses++;
    mmu->cnt.quick_walks++;
    const uint32_t ppn = pte_ppn(r.pte);
    tlb_entry_t *e = tlb_fill_hashed(mmu->tlb, va >> mmu->page_shift, mmu->asid, ppn, pte_perm(r.pte), NULL, hash);
    mmu_reference_at(mmu, ppn, ++mmu->ref_clock);
    /* the cycles from the walker, not r: loaded here, they need no stack slot across the fill */
    *out = (mmu_xlate_t){.paddr = r.paddr, .cycles = mmu->walker.settled_cycles, .entry = e, .filled = true};
    return true;
}

/* hash: NULL, or the page's hash as mmu_find_hashing set it (for the fill).
 * A miss walks the plain way when `record` is false: its callers try
 * mmu_miss_settled first, so that the quick walk's values need not live on
 * into this one (gcc kept them for its second try, in stack slots). */
static inline __attribute__((always_inline)) trap_cause_t
mmu_translate_as(mmu_t *mmu, tlb_entry_t *e, uint32_t va, access_t acc, priv_t priv, uint64_t now, retire_xlate_t *rx,
                mmu_xlate_t *out, const bool record, const uint32_t *hash)
{
    const uint64_t vpn = va >> mmu->page_shift;
    const uint32_t offset = va & (mmu->page_size - 1);
    walk_result_t r;
    *out = (mmu_xlate_t){.entry = e};
    if (rx)
        *rx = (retire_xlate_t){.valid = true};
    if (e) {
        tlb_hit(mmu->tlb, e);
        if (rx)
            rx->tlb_hit = true;
        if (!((e->ok >> tlb_ok_bit(priv, acc)) & 1)) {
            trap_cause_t cause = pte_access_fault(e->perm, acc, priv);
            if (cause) {
                out->paddr = (e->ppn << mmu->page_shift) | offset;
                return cause;
            }
            /* allowed, but A or D must be set first: the walker does it */
            cause = mmu_walk_counted(mmu, EV_AD_REWALK, va, acc, priv, now, &r, out, record);
            if (rx) {
                walk_to_retire(&r, rx);
                rx->tlb_hit = true;
            }
            if (cause) /* the tables changed under the TLB: believe the tables */
                return cause;
            tlb_set_perm(e, pte_perm(r.pte));
        }
    } else {
        mmu->tlb->misses++;
        trap_cause_t cause = mmu_walk_counted(mmu, EV_TLB_MISS, va, acc, priv, now, &r, out, record);
        if (rx)
            walk_to_retire(&r, rx);
        if (cause) {
            out->paddr = cause == TRAP_BUS ? r.leaf_addr : 0;
            return cause;
        }
        tlb_fill_info_t fill;
        e = tlb_fill_hashed(mmu->tlb, vpn, mmu->asid, pte_ppn(r.pte), pte_perm(r.pte), record ? &fill : NULL, hash);
        if (record && ev_enabled(mmu->bus))
            mmu_announce_fill(mmu, now, &fill);
        out->entry = e;
        out->filled = true;
        mmu_reference_at(mmu, pte_ppn(r.pte), ++mmu->ref_clock);
        out->paddr = r.paddr;
        return TRAP_NONE;
    }
    mmu_reference_at(mmu, e->ppn, ++mmu->ref_clock);
    out->paddr = (e->ppn << mmu->page_shift) | offset;
    return TRAP_NONE;
}

/* Flush TLB entries (tlb_flush's kinds) and report it; returns how many.
 * TLB_FLUSH_ALL empties the segment-descriptor cache as well. */
uint32_t mmu_flush(mmu_t *mmu, tlb_flush_t kind, uint32_t asid, uint32_t vaddr, uint64_t now);

/* The frame reference stamps, or NULL if not tracked. */
static inline frame_refs_t *mmu_frame_refs(mmu_t *mmu) { return mmu->refs.stamp ? &mmu->refs : NULL; }

/* Add the unit's counters (TLB hits and misses, walks, PTE traffic) into c. */
void mmu_counters(const mmu_t *mmu, hw_counters_t *c);

#endif
