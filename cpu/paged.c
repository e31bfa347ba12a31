/*
 * Paged translation on the CPU's side: the MMU unit translates
 * (mmu/mmu.h); this keeps the CPU's shortcuts and its decoded code in step
 * with what the unit did (a fill drops the shortcuts that stood for the
 * slot; a walk that wrote a PTE back retires decoded code there).
 */
#include <stdlib.h>
#include <string.h>

#include "blocks.h"
#include "cpu_internal.h"
#include "paged.h"

static void forget_shortcuts(paged_t *p)
{
    for (int a = 0; a < 3; a++)
        p->last[a] = (paged_shortcut_t){PAGED_NO_PAGE, 0, NULL, NULL};
}

/* Drop the shortcuts that stand for entry e (its slot was just refilled). */
static void forget_entry(paged_t *p, const tlb_entry_t *e)
{
    for (int a = 0; a < 3; a++)
        if (p->last[a].entry == e)
            p->last[a] = (paged_shortcut_t){PAGED_NO_PAGE, 0, NULL, NULL};
}

/* Remember e as acc's shortcut if it allows the access without more ado. */
static void remember(cmodel_t *cm, access_t acc, tlb_entry_t *e, uint32_t va)
{
    paged_t *p = cm->paged;
    if (!((e->ok >> tlb_ok_bit(cm->s.priv, acc)) & 1))
        return;
    uint32_t ppage = e->ppn << cm->mmu.page_shift;
    p->last[acc] = (paged_shortcut_t){va & ~(p->page_size - 1), ppage, cm->mem + ppage, e};
}

bool paged_create(cmodel_t *cm, char *err, size_t errlen)
{
    if (!mmu_init(&cm->mmu, &cm->m.cfg, cm->mem, cm->mem_size, cm->m.bus, err, errlen))
        return false;
    paged_t *p = calloc(1, sizeof *p);
    if (!p) {
        mmu_destroy(&cm->mmu);
        snprintf(err, errlen, "out of host memory");
        return false;
    }
    p->page_size = cm->mmu.page_size;
    forget_shortcuts(p);
    cm->paged = p;
    return true;
}

void paged_destroy(cmodel_t *cm)
{
    mmu_destroy(&cm->mmu);
    free(cm->paged);
    cm->paged = NULL;
}

void paged_mmu_set(cmodel_t *cm)
{
    forget_shortcuts(cm->paged); /* a cached entry is only good for one ASID */
}

trap_cause_t paged_translate_found(cmodel_t *cm, tlb_entry_t *e, uint32_t va, access_t acc, uint64_t now,
                                   uint32_t *pa, uint64_t *extra)
{
    mmu_xlate_t x;
    trap_cause_t cause =
        mmu_translate_found(&cm->mmu, e, va, acc, cm->s.priv, now, cm->observing ? &cm->last_xlate : NULL, &x);
    *extra += x.cycles;
    if (x.pte_written) /* page tables may sit in a granule with decoded code */
        block_cache_invalidate(cm, x.pte_addr, 4);
    if (x.filled)
        forget_entry(cm->paged, x.entry); /* the slot may have been a shortcut's */
    if (cause) {
        cm->trap.paddr = x.paddr;
        return cause;
    }
    remember(cm, acc, x.entry, va);
    *pa = x.paddr;
    return TRAP_NONE;
}

trap_cause_t paged_translate(cmodel_t *cm, uint32_t va, access_t acc, uint32_t *pa, uint64_t *extra)
{
    return paged_translate_found(cm, mmu_find(&cm->mmu, va), va, acc, cm->cycles, pa, extra);
}

void paged_tlb_flush(machine_t *m, tlb_flush_t kind, uint32_t asid, uint32_t vaddr)
{
    cmodel_t *cm = (cmodel_t *)m;
    mmu_flush(&cm->mmu, kind, asid, vaddr, cm->cycles);
    forget_shortcuts(cm->paged);
}

int paged_tlb_read(machine_t *m, tlb_view_t *out, int max)
{
    return tlb_read(((cmodel_t *)m)->mmu.tlb, out, max);
}

frame_refs_t *paged_frame_refs(machine_t *m)
{
    return mmu_frame_refs(&((cmodel_t *)m)->mmu);
}
