/*
 * The page-table walker: one loop over the levels, one place where a fault
 * is decided (pte_fault) and one epilogue that reports it, as Spike's walk().
 * See walk.h for the contract and docs/mmu.md for the PTE format.
 */
#include "walk.h"

#include <string.h>

void walker_init(walker_t *w, const machine_config_t *cfg)
{
    paging_geometry(cfg, &w->geo);
    w->mem_cycles = cfg->timing.mem_cycles;
    w->settled_cycles = w->geo.levels * w->mem_cycles;
    for (access_t access = ACC_FETCH; access <= ACC_STORE; access++)
        for (priv_t priv = MODE_USER; priv <= MODE_KERNEL; priv++) {
            /* what walk_pte_fault wants of a permitted leaf (a store's W needs R), and A (D) */
            const uint32_t want = walk_needed_bits(access, priv) | PTE_A | (access == ACC_STORE ? PTE_R | PTE_D : 0);
            w->settled[access][priv] = (walk_leaf_test_t){.mask = want | PTE_RESERVED, .want = want};
        }
}

trap_cause_t mmu_walk(const walker_t *w, uint8_t *mem, uint32_t mem_size, uint32_t ptbr, uint32_t ptlr,
                      uint32_t vaddr, access_t access, priv_t priv, walk_result_t *out)
{
    const walk_bounds_t bounds = walk_bounds(w, mem_size);
    const walk_mem_t m = {.mem = mem, .bounds = &bounds};
    return walk_host(w, &m, ptbr, ptlr, vaddr, access, priv, out, true);
}

static uint32_t io_load(const walk_mem_t *m, uint64_t pte_addr)
{
    return m->io->read32(m->io->ctx, (uint32_t)pte_addr);
}
static void io_store(const walk_mem_t *m, uint64_t pte_addr, uint32_t value)
{
    if (m->io->write32) /* NULL: a probe, which leaves A and D as they are */
        m->io->write32(m->io->ctx, (uint32_t)pte_addr, value);
}

trap_cause_t mmu_walk_io(const walker_t *w, const walk_io_t *io, uint32_t ptbr, uint32_t ptlr, uint32_t vaddr,
                         access_t access, priv_t priv, walk_result_t *out)
{
    const walk_bounds_t bounds = walk_bounds(w, io->mem_size);
    const walk_mem_t m = {.io = io, .bounds = &bounds};
    return walk_tables(w, &m, io_load, io_store, ptbr, ptlr, vaddr, access, priv, out, WALK_RECORDED, 0);
}

void walk_to_retire(const walk_result_t *r, retire_xlate_t *x)
{
    memset(x, 0, sizeof *x);
    x->valid = true;
    x->tlb_hit = false;
    x->steps = (uint8_t)r->steps;
    for (uint32_t i = 0; i < r->steps && i < RETIRE_MAX_WALK; i++) {
        x->pte_addr[i] = r->pte_addr[i];
        x->pte[i] = r->pte_read[i].v;
    }
    x->pte_written = r->pte_written;
    x->pte_new = r->pte.v;
}
