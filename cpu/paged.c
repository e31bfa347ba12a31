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

const paged_shortcut_t paged_no_shortcut = {.vpage = PAGED_NO_PAGE};

static void forget_shortcuts(paged_t *p)
{
    for (int a = 0; a < 3; a++)
        for (uint32_t i = 0; i < p->nentries; i++)
            p->by_entry[i][a].vpage = PAGED_NO_PAGE;
}

bool paged_create(cmodel_t *cm, char *err, size_t errlen)
{
    if (!mmu_init(&cm->mmu, &cm->m.cfg, cm->mem, cm->mem_size, cm->m.bus, err, errlen))
        return false;
    paged_t *p = calloc(1, sizeof *p);
    const uint32_t n = cm->mmu.tlb->entries;
    paged_shortcut_t(*by_entry)[4] = p ? calloc(n, sizeof *by_entry) : NULL;
    if (!by_entry) {
        free(p);
        mmu_destroy(&cm->mmu);
        snprintf(err, errlen, "out of host memory");
        return false;
    }
    p->by_entry = by_entry;
    p->entries = cm->mmu.tlb->e;
    p->row_bias = (uintptr_t)by_entry - (uintptr_t)p->entries * PAGED_ROW_SCALE; /* wraps: unsigned */
    p->nentries = n;
    for (int a = 0; a < 3; a++) {
        for (uint32_t i = 0; i < n; i++)
            p->by_entry[i][a].entry = &cm->mmu.tlb->e[i];
        for (int i = 0; i < PAGED_SHORTCUTS; i++)
            p->index[a][i] = &paged_no_shortcut;
    }
    p->page_size = cm->mmu.page_size;
    p->page_shift = cm->mmu.page_shift;
    forget_shortcuts(p);
    cm->paged = p;
    return true;
}

void paged_destroy(cmodel_t *cm)
{
    mmu_destroy(&cm->mmu);
    if (cm->paged)
        free(cm->paged->by_entry);
    free(cm->paged);
    cm->paged = NULL;
}

void paged_forget_shortcuts(cmodel_t *cm)
{
    forget_shortcuts(cm->paged); /* a shortcut is only good for one ASID and privilege */
}

trap_cause_t paged_translate_found(cmodel_t *cm, tlb_entry_t *e, uint32_t va, access_t acc, uint64_t now,
                                   uint32_t *pa, uint64_t *extra)
{
    return paged_translate_as(cm, e, va, acc, now, pa, extra, true);
}

trap_cause_t paged_translate(cmodel_t *cm, uint32_t va, access_t acc, uint64_t now, uint32_t *pa, uint64_t *extra)
{
    return paged_translate_found(cm, mmu_find(&cm->mmu, va), va, acc, now, pa, extra);
}

void paged_tlb_flush(machine_t *m, tlb_flush_t kind, uint32_t asid, uint32_t vaddr)
{
    cmodel_t *cm = (cmodel_t *)m;
    if (mmu_flush(&cm->mmu, kind, asid, vaddr, cm->cycles)) /* only valid entries have shortcuts */
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
