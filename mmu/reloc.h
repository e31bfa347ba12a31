/*
 * The relocation unit of the contiguous modes (the seed's "hardware
 * relocation, protection" and "monoprogramming" slides): base/limit adds
 * the base register to every user address and traps one at or beyond the
 * limit; the bare machine translates nothing and traps user accesses at or
 * above the fence.  Kernel-mode accesses go straight to physical memory.
 *
 * reloc_reach() folds the checks into one bound, so a caller may keep it
 * and test an access with one compare; reloc_translate() is the whole rule,
 * with the fault and where the access would have gone.
 */
#ifndef MMULAB_RELOC_H
#define MMULAB_RELOC_H

#include <stdbool.h>
#include <stdint.h>

#include "../machine/machine.h"

/* True when accesses at this privilege are relocated by base/limit. */
static inline bool reloc_active(const mmu_regs_t *r, priv_t priv)
{
    return r->mode == MMU_RELOC && priv == MODE_USER;
}

/* What is added to a logical address. */
static inline uint32_t reloc_base(const mmu_regs_t *r, priv_t priv) { return reloc_active(r, priv) ? r->base : 0; }

/* Accesses wholly below this logical bound go through without a fault
 * (min(limit, memory above base) relocated; else min(fence or the end of
 * memory)). */
static inline uint64_t reloc_reach(const mmu_regs_t *r, uint32_t mem_size, priv_t priv)
{
    if (reloc_active(r, priv)) {
        uint64_t room = r->base < mem_size ? (uint64_t)mem_size - r->base : 0;
        return r->limit < room ? r->limit : room;
    }
    uint64_t fence = r->mode == MMU_BARE && priv == MODE_USER ? r->fence : mem_size;
    return fence < mem_size ? fence : mem_size;
}

/* Translate an access of `size` bytes at va in a contiguous mode: TRAP_NONE,
 * or TRAP_PROTECTION (beyond the limit), TRAP_FENCE (at or above the fence)
 * or TRAP_BUS (no memory there); *paddr is where it goes or would have. */
static inline trap_cause_t reloc_translate(const mmu_regs_t *r, uint32_t mem_size, priv_t priv, uint32_t va,
                                           uint32_t size, uint32_t *paddr)
{
    *paddr = reloc_base(r, priv) + va;
    if ((uint64_t)va + size <= reloc_reach(r, mem_size, priv))
        return TRAP_NONE;
    if (reloc_active(r, priv))
        return (uint64_t)va + size > r->limit ? TRAP_PROTECTION : TRAP_BUS;
    return (uint64_t)va + size > mem_size ? TRAP_BUS : TRAP_FENCE;
}

#endif
