/*
 * Paged translation for the C model.  Until the TLB and walker (mmu/) are
 * wired in, no page is mapped: the OS does not offer paged mode yet.
 */
#include "cpu_internal.h"

bool paged_create(cmodel_t *cm, char *err, size_t errlen)
{
    (void)cm;
    (void)err;
    (void)errlen;
    return true;
}

void paged_destroy(cmodel_t *cm) { (void)cm; }
void paged_mmu_set(cmodel_t *cm) { (void)cm; }

trap_cause_t paged_translate(cmodel_t *cm, uint32_t va, uint32_t size, access_t acc, uint32_t *pa, uint64_t *extra)
{
    (void)size;
    (void)acc;
    (void)pa;
    (void)extra;
    cm->trap.paddr = va;
    return TRAP_PAGE_NOT_MAPPED;
}

void paged_tlb_flush(machine_t *m, tlb_flush_t kind, uint32_t asid, uint32_t vaddr)
{
    (void)m;
    (void)kind;
    (void)asid;
    (void)vaddr;
}

int paged_tlb_read(machine_t *m, tlb_view_t *out, int max)
{
    (void)m;
    (void)out;
    (void)max;
    return 0;
}
