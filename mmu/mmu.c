/*
 * The MMU unit (see mmu.h): registers, translation in every mode, the
 * accounting of walks and frame references, and the events that tell
 * observers what the hardware did and why.
 */
#include "mmu.h"

#include <stdio.h>
#include <stdlib.h>

#include "geometry.h"

bool mmu_init(mmu_t *mmu, const machine_config_t *cfg, uint8_t *mem, uint32_t mem_size, evbus_t *bus, char *err,
              size_t errlen)
{
    *mmu = (mmu_t){.mem = mem, .mem_size = mem_size, .timing = cfg->timing, .bus = bus};
    if (!paging_config_check(cfg, err, errlen) || !seg_config_check(cfg, err, errlen) ||
        !(mmu->tlb = tlb_create(cfg, err, errlen)))
        return false;
    walker_init(&mmu->walker, cfg);
    mmu->walk_bounds = walk_bounds(&mmu->walker, mem_size);
    seg_init(&mmu->seg, cfg);
    mmu->page_shift = cfg->page_shift;
    mmu->page_size = 1u << cfg->page_shift;
    if (cfg->track_refs) {
        mmu->refs.nframes = (uint32_t)(mem_size >> cfg->page_shift) + 1;
        mmu->refs.stamp = calloc(mmu->refs.nframes, sizeof *mmu->refs.stamp);
        mmu->refs.refbit = calloc(mmu->refs.nframes, 1);
        if (!mmu->refs.stamp || !mmu->refs.refbit) {
            mmu_destroy(mmu);
            snprintf(err, errlen, "out of host memory");
            return false;
        }
    }
    mmu->regs = (mmu_regs_t){.mode = MMU_BARE, .fence = mem_size};
    return true;
}

void mmu_destroy(mmu_t *mmu)
{
    tlb_destroy(mmu->tlb);
    free(mmu->refs.stamp);
    free(mmu->refs.refbit);
    mmu->tlb = NULL;
    mmu->refs.stamp = NULL;
    mmu->refs.refbit = NULL;
}

void mmu_set(mmu_t *mmu, const mmu_regs_t *regs)
{
    mmu->regs = *regs;
    mmu->asid = regs->asid & mmu->tlb->asid_mask;
    mmu->quick_levels = walk_quick_levels(&mmu->walker, &mmu->walk_bounds, regs->ptbr, regs->ptlr);
    mmu->quick_root = mmu->quick_levels ? mmu->mem + regs->ptbr : NULL;
    seg_flush(&mmu->seg);
}

/* ---- events ------------------------------------------------------------------ */

void mmu_announce_walk(const mmu_t *mmu, ev_kind_t why, uint64_t now, uint32_t va, access_t acc,
                       const walk_result_t *r)
{
    const uint32_t mem_cycles = mmu->walker.mem_cycles;
    ev_emit(mmu->bus, why, EV_PID_RUNNING, now, r->cycles, va, mmu->asid, r->steps, acc);
    for (uint32_t i = 0; i < r->steps; i++)
        ev_emit(mmu->bus, EV_WALK_STEP, EV_PID_RUNNING, now + (uint64_t)i * mem_cycles, mem_cycles, r->level[i],
                r->pte_addr[i], pte_val(r->pte_read[i]), va);
    if (r->pte_written)
        ev_emit(mmu->bus, EV_PTE_WRITEBACK, EV_PID_RUNNING, now + (uint64_t)r->steps * mem_cycles, mem_cycles,
                r->pte_addr[r->steps - 1], pte_val(r->pte), 0, 0);
}

void mmu_announce_fill(const mmu_t *mmu, uint64_t now, const tlb_fill_info_t *f)
{
    ev_emit(mmu->bus, EV_TLB_FILL, EV_PID_RUNNING, now, 0, f->slot,
            f->was_valid ? (uint32_t)f->victim_vpn : UINT32_MAX, f->rank,
            (uint32_t)mmu->tlb->policy | mmu->tlb->ways << 8);
}

/* ---- paged translation ---------------------------------------------------------- */

trap_cause_t mmu_translate_found(mmu_t *mmu, tlb_entry_t *e, uint32_t va, access_t acc, priv_t priv, uint64_t now,
                                 retire_xlate_t *rx, mmu_xlate_t *out)
{
    if (rx || ev_enabled(mmu->bus))
        return mmu_translate_as(mmu, e, va, acc, priv, now, rx, out, true, NULL);
    if (!e && mmu_miss_settled(mmu, va, acc, priv, out, NULL))
        return TRAP_NONE;
    return mmu_translate_as(mmu, e, va, acc, priv, now, NULL, out, false, NULL);
}

/* ---- segmented translation ------------------------------------------------------ */

/* A user access in segmented mode: the unit's lookup and check, counted as
 * the TLB's counters count (the descriptor cache is this mode's TLB: a hit,
 * or a miss and a two-word "walk" of the table), recorded as a walk is. */
static trap_cause_t mmu_translate_seg(mmu_t *mmu, uint32_t va, uint32_t size, access_t acc, priv_t priv,
                                      retire_xlate_t *rx, mmu_xlate_t *out)
{
    seg_xlate_t x;
    trap_cause_t cause = seg_translate(&mmu->seg, mmu->mem, mmu->mem_size, mmu->regs.stbr, mmu->regs.stlr, va, size,
                                       acc, priv, &x);
    *out = (mmu_xlate_t){.paddr = x.paddr, .cycles = x.cycles};
    if (rx)
        *rx = (retire_xlate_t){.valid = true, .tlb_hit = x.hit};
    if (!x.looked_up)
        return cause;
    if (x.hit) {
        mmu->tlb->hits++;
        return cause;
    }
    mmu->tlb->misses++;
    if (x.read) {
        mmu->cnt.walks++;
        mmu->cnt.pte_reads += 2; /* x.cycles: mem_cycles each */
        if (rx)
            *rx = (retire_xlate_t){.valid = true, .steps = 2, .pte_addr = {x.desc_addr, x.desc_addr + 4},
                                   .pte = {x.desc.base, x.desc.word1}};
    }
    return cause;
}

trap_cause_t mmu_translate(mmu_t *mmu, uint32_t va, uint32_t size, access_t acc, priv_t priv, uint64_t now,
                           retire_xlate_t *rx, mmu_xlate_t *out)
{
    if (mmu->regs.mode == MMU_SEG && priv == MODE_USER)
        return mmu_translate_seg(mmu, va, size, acc, priv, rx, out);
    if (mmu->regs.mode != MMU_PAGED) { /* the relocation unit: nothing to record */
        *out = (mmu_xlate_t){0};
        if (rx)
            *rx = (retire_xlate_t){0};
        return contiguous_translate(&mmu->regs, mmu->mem_size, priv, va, size, &out->paddr);
    }
    return mmu_translate_found(mmu, mmu_find(mmu, va), va, acc, priv, now, rx, out);
}

uint32_t mmu_flush(mmu_t *mmu, tlb_flush_t kind, uint32_t asid, uint32_t vaddr, uint64_t now)
{
    uint32_t n = tlb_flush(mmu->tlb, kind, asid, (uint64_t)(vaddr >> mmu->page_shift));
    if (kind == TLB_FLUSH_ALL)
        seg_flush(&mmu->seg);
    ev_emit(mmu->bus, EV_TLB_FLUSH, EV_PID_RUNNING, now, 0, kind, asid, vaddr, n);
    return n;
}

void mmu_counters(const mmu_t *mmu, hw_counters_t *c)
{
    c->tlb_hits = mmu->tlb->hits;
    c->tlb_misses = mmu->tlb->misses;
    c->walks = mmu->cnt.walks + mmu->cnt.quick_walks;
    c->pte_reads = mmu->cnt.pte_reads + mmu->cnt.quick_walks * mmu->walker.geo.levels;
    /* the descriptor cache's reads cost the walker's mem_cycles as well (both cfg.timing's) */
    c->walk_cycles = (c->pte_reads + mmu->cnt.pte_writes) * mmu->walker.mem_cycles;
    c->pte_writes = mmu->cnt.pte_writes;
}
