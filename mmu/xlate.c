/*
 * One paged translation: TLB lookup, walk on a miss or an A/D update, fill
 * (see xlate.h).
 */
#include "xlate.h"

#include <string.h>

static bool entry_allows(const tlb_entry_t *e, access_t access, priv_t priv)
{
    return e->ok >> tlb_ok_bit(priv, access) & 1;
}

trap_cause_t mmu_translate(tlb_t *tlb, const walker_t *w, uint8_t *mem, uint32_t mem_size, const mmu_regs_t *regs,
                           uint32_t vaddr, access_t access, priv_t priv, xlate_t *out)
{
    uint32_t vpn = paging_vpn(&w->geo, vaddr);
    memset(out, 0, sizeof *out);
    tlb_entry_t *e = tlb_lookup(tlb, vpn, regs->asid);
    out->tlb_hit = e != NULL;
    if (e && !entry_allows(e, access, priv)) {
        trap_cause_t denied = pte_access_fault(e->perm, access, priv);
        if (denied != TRAP_NONE)
            return denied;
    }
    if (!e || !entry_allows(e, access, priv)) {
        out->walked = true;
        trap_cause_t cause = mmu_walk(w, mem, mem_size, regs->ptbr, regs->ptlr, vaddr, access, priv, &out->walk);
        if (cause != TRAP_NONE)
            return cause;
        if (e)
            tlb_set_perm(e, pte_perm(out->walk.pte));
        else
            e = tlb_fill(tlb, vpn, regs->asid, pte_ppn(out->walk.pte), pte_perm(out->walk.pte), NULL);
    }
    out->entry = e;
    out->paddr = e->ppn << w->geo.page_shift | paging_offset(&w->geo, vaddr);
    return TRAP_NONE;
}

void xlate_to_retire(const xlate_t *x, retire_xlate_t *r)
{
    if (x->walked)
        walk_to_retire(&x->walk, r);
    else
        memset(r, 0, sizeof *r);
    r->valid = true;
    r->tlb_hit = x->tlb_hit;
}
