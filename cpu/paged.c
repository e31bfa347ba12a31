/*
 * Paged translation in the C model: the modeled TLB (mmu/tlb.h) in front of
 * the hardware page-table walker (mmu/walk.h), with the timing of the
 * contract (docs/timing.md): every access pays tlb_hit_cycles (in the
 * per-opcode cost); a miss adds the walk's PTE reads and A/D write-back.
 *
 * A hit whose entry allows the access completes at once.  A hit whose entry
 * forbids it faults with the cause the walker would give, without walking
 * (the same cause, hit or miss).  A hit that needs A or D set (a store to a
 * page first read clean) walks again, and the walker writes the PTE back.
 * A miss walks; a walk that succeeds fills the TLB, one that faults does not.
 *
 * `last[access]` (paged.h) is the fast path's shortcut to the page each kind
 * of access hit last; every path that can change the TLB drops them.
 */
#include <stdlib.h>
#include <string.h>

#include "../mmu/geometry.h"
#include "blocks.h"
#include "../mmu/tlb.h"
#include "../mmu/walk.h"
#include "cpu_internal.h"
#include "paged.h"

static void forget_last_entries(paged_t *p)
{
    for (int a = 0; a < 3; a++)
        p->last[a] = (paged_shortcut_t){PAGED_NO_PAGE, 0, NULL, NULL};
}

/* What the quick walk reads, laid out for it once. */
static void init_quick_walk(paged_t *p)
{
    static const uint32_t by_access[3] = {PTE_X, PTE_R, PTE_W};
    const paging_geometry_t *g = &p->walker.geo;
    p->levels = g->levels;
    p->va_high = g->va_bits < 32 ? ~((1u << g->va_bits) - 1) : 0;
    for (uint32_t l = 0; l < g->levels; l++) {
        p->level_shift[l] = g->index_shift[l];
        p->level_mask[l] = (1u << g->index_bits[l]) - 1;
    }
    for (int a = 0; a < 3; a++) {
        p->need[MODE_USER][a] = PTE_V | by_access[a] | PTE_U;
        p->need[MODE_KERNEL][a] = PTE_V | by_access[a];
    }
}

bool paged_create(cmodel_t *cm, char *err, size_t errlen)
{
    const machine_config_t *cfg = &cm->m.cfg;
    if (!paging_config_check(cfg, err, errlen))
        return false;
    paged_t *p = calloc(1, sizeof *p);
    if (!p) {
        snprintf(err, errlen, "out of host memory");
        return false;
    }
    p->tlb = tlb_create(cfg, err, errlen);
    if (!p->tlb) {
        free(p);
        return false;
    }
    walker_init(&p->walker, cfg);
    p->shift = cfg->page_shift;
    p->frames = cm->mem_size >> p->shift;
    init_quick_walk(p);
    p->page_size = 1u << cfg->page_shift;
    forget_last_entries(p);
    if (cfg->track_refs) {
        p->refs.nframes = (uint32_t)(cm->mem_size >> cfg->page_shift) + 1;
        p->refs.stamp = calloc(p->refs.nframes, sizeof *p->refs.stamp);
        p->refs.refbit = calloc(p->refs.nframes, 1);
        if (!p->refs.stamp || !p->refs.refbit) {
            cm->paged = p;
            paged_destroy(cm);
            snprintf(err, errlen, "out of host memory");
            return false;
        }
    }
    cm->paged = p;
    return true;
}

void paged_destroy(cmodel_t *cm)
{
    paged_t *p = cm->paged;
    if (!p)
        return;
    tlb_destroy(p->tlb);
    free(p->refs.stamp);
    free(p->refs.refbit);
    free(p);
    cm->paged = NULL;
}

void paged_mmu_set(cmodel_t *cm)
{
    paged_t *p = cm->paged;
    p->asid = cm->mmu.asid & p->tlb->asid_mask;
    forget_last_entries(p); /* a cached entry is only good for one ASID */
}

/* Tell the observers about a walk: why (a TLB miss, or a hit whose A or D
 * bit must be set first: EV_AD_REWALK, not a miss), each step, the write-back. */
static NOINLINE void announce_walk(cmodel_t *cm, ev_kind_t why, uint32_t va, access_t acc, const walk_result_t *r)
{
    evbus_t *bus = cm->m.bus;
    uint64_t t = cm->cycles;
    ev_emit(bus, why, EV_PID_RUNNING, t, r->cycles, va, cm->paged->asid, r->steps, acc);
    for (uint32_t i = 0; i < r->steps; i++)
        ev_emit(bus, EV_WALK_STEP, EV_PID_RUNNING, t + (uint64_t)i * cm->paged->walker.mem_cycles,
                cm->paged->walker.mem_cycles, r->level[i], r->pte_addr[i], pte_val(r->pte_read[i]), va);
    if (r->pte_written)
        ev_emit(bus, EV_PTE_WRITEBACK, EV_PID_RUNNING, t + (uint64_t)r->steps * cm->paged->walker.mem_cycles,
                cm->paged->walker.mem_cycles, r->pte_addr[r->steps - 1], pte_val(r->pte), 0, 0);
}

/* Walk for one access and account for it. */
static ALWAYS_INLINE trap_cause_t walk(cmodel_t *cm, ev_kind_t why, uint32_t va, access_t acc, walk_result_t *r,
                                       uint64_t *extra)
{
    paged_t *p = cm->paged;
    trap_cause_t cause = mmu_walk(&p->walker, cm->mem, cm->mem_size, cm->mmu.ptbr, cm->mmu.ptlr, va, acc,
                                  cm->s.priv, r);
    cm->cnt.walks++;
    cm->cnt.walk_cycles += r->cycles;
    cm->cnt.pte_reads += r->steps;
    cm->cnt.pte_writes += r->pte_written;
    *extra += r->cycles;
    if (ev_enabled(cm->m.bus))
        announce_walk(cm, why, va, acc, r);
    if (r->pte_written) /* page tables may sit in a granule with decoded code */
        block_cache_invalidate(cm, r->pte_addr[r->steps - 1], 4);
    return cause;
}

trap_cause_t paged_translate(cmodel_t *cm, uint32_t va, uint32_t size, access_t acc, uint32_t *pa, uint64_t *extra)
{
    paged_t *p = cm->paged;
    tlb_entry_t *e = tlb_find(p->tlb, (uint64_t)(va >> p->shift), p->asid);
    if (!e && (e = paged_quick_miss(cm, va, acc, extra))) {
        *pa = (e->ppn << p->shift) | (va & (p->page_size - 1));
        return TRAP_NONE;
    }
    return paged_translate_found(cm, e, va, size, acc, pa, extra);
}

trap_cause_t paged_translate_found(cmodel_t *cm, tlb_entry_t *e, uint32_t va, uint32_t size, access_t acc, uint32_t *pa,
                                   uint64_t *extra)
{
    (void)size; /* aligned accesses never cross a page */
    paged_t *p = cm->paged;
    const uint64_t vpn = va >> p->shift;
    const uint32_t offset = va & ((1u << p->shift) - 1);
    retire_xlate_t *rx = &cm->last_xlate;
    walk_result_t r;
    if (cm->observing)
        *rx = (retire_xlate_t){.valid = true};
    if (e) {
        tlb_hit(p->tlb, e);
        rx->tlb_hit = true; /* harmless when not observing */
        if (!((e->ok >> tlb_ok_bit(cm->s.priv, acc)) & 1)) {
            trap_cause_t cause = pte_access_fault(e->perm, acc, cm->s.priv);
            if (cause) {
                cm->trap.paddr = (e->ppn << p->shift) | offset;
                return cause;
            }
            /* allowed, but A or D must be set first: the walker does it */
            cause = walk(cm, EV_AD_REWALK, va, acc, &r, extra);
            if (cm->observing) {
                walk_to_retire(&r, rx);
                rx->tlb_hit = true;
            }
            if (cause) { /* the tables changed under the TLB: believe the tables */
                cm->trap.paddr = 0;
                return cause;
            }
            tlb_set_perm(e, pte_perm(r.pte));
        }
    } else {
        p->tlb->misses++;
        trap_cause_t cause = walk(cm, EV_TLB_MISS, va, acc, &r, extra);
        if (cm->observing)
            walk_to_retire(&r, rx);
        if (cause) {
            cm->trap.paddr = cause == TRAP_BUS ? r.pte_addr[r.steps ? r.steps - 1 : 0] : 0;
            return cause;
        }
        e = tlb_fill(p->tlb, vpn, p->asid, pte_ppn(r.pte), pte_perm(r.pte), NULL);
        paged_forget_entry(p, e); /* the slot may have been a shortcut's */
    }
    paged_remember(cm, acc, e, va);
    paged_reference(p, e->ppn);
    *pa = (e->ppn << p->shift) | offset;
    return TRAP_NONE;
}

void paged_tlb_flush(machine_t *m, tlb_flush_t kind, uint32_t asid, uint32_t vaddr)
{
    cmodel_t *cm = (cmodel_t *)m;
    paged_t *p = cm->paged;
    uint32_t n = tlb_flush(p->tlb, kind, asid, (uint64_t)(vaddr >> p->shift));
    forget_last_entries(p);
    ev_emit(m->bus, EV_TLB_FLUSH, EV_PID_RUNNING, cm->cycles, 0, kind, asid, vaddr, n);
}

int paged_tlb_read(machine_t *m, tlb_view_t *out, int max)
{
    return tlb_read(((cmodel_t *)m)->paged->tlb, out, max);
}

frame_refs_t *paged_frame_refs(machine_t *m)
{
    paged_t *p = ((cmodel_t *)m)->paged;
    return p->refs.stamp ? &p->refs : NULL;
}

void paged_sync_counters(cmodel_t *cm)
{
    cm->cnt.tlb_hits = cm->paged->tlb->hits;
    cm->cnt.tlb_misses = cm->paged->tlb->misses;
}
