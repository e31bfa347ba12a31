/*
 * The contiguous modes' user access rule, in one place: under base/limit a
 * logical address va reaches base + va when va + size <= limit (else a
 * protection fault; a bus error if that lies beyond memory); on the bare
 * machine (and under software relocation, which runs on it) an address is
 * physical and user accesses stop at the fence (a fence fault; a bus error
 * beyond memory).  The C model's CPU (cpu/cpu.c, its reach and slow path)
 * and the OS's checks of system-call buffers (os/uaccess.c) both use it.
 */
#ifndef MMULAB_CONTIGUOUS_H
#define MMULAB_CONTIGUOUS_H

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

#endif
