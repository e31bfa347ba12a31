/*
 * Paged translation of one access: the TLB, then on a miss the walker, with
 * the TLB filled from the walk -- the slow path the CPU calls when its
 * host-side pointer to the last entry (re-validated by one compare and the
 * entry's `ok` bit) does not serve.  docs/mmu.md, "Calling it from the CPU".
 *
 * Counting: a TLB hit or miss is counted by the lookup here; a hit whose
 * entry lacks the permission faults without a walk (the TLB caches the PTE;
 * the OS flushes after changing one); a hit that only needs A or D set walks
 * again (counted in walks) and updates the entry in place.
 */
#ifndef MMULAB_XLATE_H
#define MMULAB_XLATE_H

#include <stdint.h>

#include "tlb.h"
#include "walk.h"

typedef struct {
    tlb_entry_t *entry;   /* the entry that translated (TRAP_NONE only)      */
    uint32_t paddr;       /* TRAP_NONE only                                   */
    bool tlb_hit;
    bool walked;
    walk_result_t walk;   /* valid when walked                                */
} xlate_t;

/*
 * Translate vaddr for access in mode priv under regs (ptbr, ptlr, asid).
 * Returns TRAP_NONE or the fault; out->walk.cycles are the walk's cycles
 * (the caller adds timing.tlb_hit_cycles for the lookup itself).
 */
__attribute__((warn_unused_result)) trap_cause_t mmu_translate(tlb_t *tlb, const walker_t *w, uint8_t *mem,
                                                               uint32_t mem_size, const mmu_regs_t *regs,
                                                               uint32_t vaddr, access_t access, priv_t priv,
                                                               xlate_t *out);

/* The retirement record of a translation. */
void xlate_to_retire(const xlate_t *x, retire_xlate_t *r);

#endif
