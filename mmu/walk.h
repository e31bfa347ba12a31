/*
 * The hardware page-table walker of paged mode.
 *
 * On a TLB miss the MMU walks the tables in physical memory from the root at
 * PTBR, one PTE read per level (each costing timing.mem_cycles), and either
 * produces the leaf PTE and the physical address, or a fault cause.  A
 * permitted access sets A (and D for a store) in the leaf and writes it back
 * if it changed (one more mem_cycles); a denied access changes nothing.
 *
 * Fault order (docs/mmu.md): an address above va_bits or, with one level,
 * vpn >= PTLR: page_not_mapped without reading memory; a PTE beyond the end
 * of memory: bus_error; then for each PTE read: pte_malformed,
 * page_not_mapped / page_not_present, and on the leaf page_user, then
 * page_exec / page_read / page_write.  Misalignment is the CPU's check.
 *
 * Usage:
 *     walker_t w;  walker_init(&w, &cfg);          (once, cfg checked)
 *     walk_result_t r;
 *     if (mmu_walk(&w, mem, mem_size, regs.ptbr, regs.ptlr, vaddr, ACC_LOAD, priv, &r) == TRAP_NONE)
 *         tlb_fill(tlb, vpn, asid, pte_ppn(r.pte), pte_perm(r.pte), NULL);
 *     charge r.cycles; walk_to_retire(&r, &retire.data_xlate);
 */
#ifndef MMULAB_WALK_H
#define MMULAB_WALK_H

#include <stdbool.h>
#include <stdint.h>

#include "../machine/machine.h"
#include "geometry.h"
#include "pte.h"

typedef struct {
    paging_geometry_t geo;
    uint32_t mem_cycles;
} walker_t;

typedef struct {
    trap_cause_t cause;       /* TRAP_NONE or the fault                            */
    uint32_t paddr;           /* valid when cause == TRAP_NONE                     */
    pte_t pte;                /* the leaf after the A/D update; on a fault the PTE
                                 that faulted (0 if none was read)                  */
    bool pte_written;         /* A/D changed and the leaf was written back          */
    uint32_t steps;           /* PTEs read, 0..levels                              */
    uint32_t level[PAGING_MAX_LEVELS];    /* 0 = root                              */
    uint32_t pte_addr[PAGING_MAX_LEVELS];
    pte_t pte_read[PAGING_MAX_LEVELS];    /* as read, before any update            */
    uint32_t cycles;          /* mem_cycles per PTE read, plus one for the write-back */
} walk_result_t;

/* Precompute the geometry; cfg must have passed paging_config_check. */
void walker_init(walker_t *w, const machine_config_t *cfg);

/*
 * Walk the tables for one access.  mem/mem_size is physical memory
 * (little-endian words); ptbr is the physical address of the root table;
 * ptlr bounds the VPN with one level (0: no bound).  Returns out->cause.
 */
__attribute__((warn_unused_result)) trap_cause_t mmu_walk(const walker_t *w, uint8_t *mem, uint32_t mem_size,
                                                          uint32_t ptbr, uint32_t ptlr, uint32_t vaddr,
                                                          access_t access, priv_t priv, walk_result_t *out);

/*
 * The same walk over memory reached through functions rather than host
 * bytes: the OS's own checks of user addresses (os/uaccess.c) walk a
 * process's tables through the machine interface with exactly the
 * hardware's rules.  read32 returns the word at a physical address (inside
 * mem_size); write32 writes the A/D update back (NULL: a probe that changes
 * nothing).  out->cycles is what the hardware would have spent.
 */
typedef struct {
    uint32_t (*read32)(void *ctx, uint32_t paddr);
    void (*write32)(void *ctx, uint32_t paddr, uint32_t value);
    void *ctx;
    uint32_t mem_size;
} walk_io_t;

__attribute__((warn_unused_result)) trap_cause_t mmu_walk_io(const walker_t *w, const walk_io_t *io, uint32_t ptbr,
                                                             uint32_t ptlr, uint32_t vaddr, access_t access,
                                                             priv_t priv, walk_result_t *out);

/* Copy the walk into a retirement record (tlb_hit false, steps, PTEs). */
void walk_to_retire(const walk_result_t *r, retire_xlate_t *x);

#endif
