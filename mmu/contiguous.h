/*
 * The contiguous modes' user access rule, in one place: under base/limit a
 * logical address va reaches base + va when va + size <= limit (else a
 * protection fault; a bus error if that lies beyond memory); on the bare
 * machine (and under software relocation, which runs on it) an address is
 * physical and user accesses stop at the fence (a fence fault; a bus error
 * beyond memory).  Kernel-mode accesses go straight to physical memory.
 * This is the MMU unit's relocation unit (mmu/mmu.h): its translation of
 * the contiguous modes, the CPU's one-compare reach (cpu/cpu.c) and the
 * OS's checks of system-call buffers (os/uaccess.c) all use it.
 */
#ifndef MMULAB_CONTIGUOUS_H
#define MMULAB_CONTIGUOUS_H

#include <stdbool.h>
#include <stdint.h>

#include "../machine/machine.h"

/* User accesses below this reach are allowed (at base + va under base/limit). */
static inline uint64_t contiguous_user_reach(const mmu_regs_t *regs, uint32_t mem_size)
{
    if (regs->mode == MMU_RELOC) {
        uint64_t room = regs->base < mem_size ? (uint64_t)mem_size - regs->base : 0;
        return regs->limit < room ? regs->limit : room;
    }
    return regs->fence < mem_size ? regs->fence : mem_size;
}

/* The fault a user access of size bytes at va raises (TRAP_NONE if allowed);
 * *paddr is where it went or would have gone. */
static inline trap_cause_t contiguous_user_fault(const mmu_regs_t *regs, uint32_t mem_size, uint32_t va,
                                                 uint32_t size, uint32_t *paddr)
{
    bool relocating = regs->mode == MMU_RELOC;
    *paddr = relocating ? regs->base + va : va;
    if ((uint64_t)va + size <= contiguous_user_reach(regs, mem_size))
        return TRAP_NONE;
    if (relocating)
        return (uint64_t)va + size > regs->limit ? TRAP_PROTECTION : TRAP_BUS;
    return (uint64_t)va + size > mem_size ? TRAP_BUS : TRAP_FENCE;
}

/* True when an access at this privilege goes through the user rule above. */
static inline bool contiguous_checked(const mmu_regs_t *regs, priv_t priv)
{
    return priv == MODE_USER && (regs->mode == MMU_RELOC || regs->mode == MMU_BARE);
}

/* What is added to a logical address at this privilege. */
static inline uint32_t contiguous_base(const mmu_regs_t *regs, priv_t priv)
{
    return priv == MODE_USER && regs->mode == MMU_RELOC ? regs->base : 0;
}

/* Accesses wholly below this logical bound go through without a fault, so
 * a caller may keep it and test an access with one compare. */
static inline uint64_t contiguous_reach(const mmu_regs_t *regs, uint32_t mem_size, priv_t priv)
{
    return contiguous_checked(regs, priv) ? contiguous_user_reach(regs, mem_size) : mem_size;
}

/* Translate an access in a contiguous mode at any privilege: TRAP_NONE, or
 * the fault; *paddr is where it goes or would have gone. */
static inline trap_cause_t contiguous_translate(const mmu_regs_t *regs, uint32_t mem_size, priv_t priv, uint32_t va,
                                                uint32_t size, uint32_t *paddr)
{
    if (contiguous_checked(regs, priv))
        return contiguous_user_fault(regs, mem_size, va, size, paddr);
    *paddr = va;
    return (uint64_t)va + size > mem_size ? TRAP_BUS : TRAP_NONE;
}

#endif
