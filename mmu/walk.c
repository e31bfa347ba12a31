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
}

_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "PTEs are read with host loads");

static uint32_t read_le32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

static void write_le32(uint8_t *p, uint32_t v)
{
    memcpy(p, &v, 4);
}

/* The permission bits an access needs in a leaf (user mode also needs U). */
static uint32_t needed_bits(access_t access, priv_t priv)
{
    static const uint32_t by_access[3] = {PTE_X, PTE_R, PTE_W};
    return PTE_V | by_access[access] | (priv == MODE_USER ? PTE_U : 0);
}

/* The fault one PTE raises for this access, in the documented order. */
static trap_cause_t pte_fault(pte_t pte, bool leaf, access_t access, priv_t priv)
{
    /* the common cases first: a pointer to the next table, a leaf that allows the access */
    if (!leaf && (pte.v & (PTE_V | PTE_LEAF_BITS | PTE_RESERVED)) == PTE_V)
        return TRAP_NONE;
    uint32_t need = needed_bits(access, priv);
    if (leaf && !(pte.v & PTE_RESERVED) && (pte.v & need) == need && (pte.v & (PTE_W | PTE_R)) != PTE_W)
        return TRAP_NONE;
    if (pte_malformed(pte, leaf))
        return TRAP_PTE_MALFORMED;
    if (!pte_valid(pte))
        return pte_swapped(pte) ? TRAP_PAGE_NOT_PRESENT : TRAP_PAGE_NOT_MAPPED;
    if (!leaf)
        return TRAP_NONE;
    return pte_access_fault(pte_perm(pte), access, priv);
}

/* Faults decided from the address alone, before any memory is read. */
static trap_cause_t address_fault(const paging_geometry_t *g, uint32_t ptlr, uint32_t vaddr)
{
    if (g->va_bits < 32 && (vaddr >> g->va_bits))
        return TRAP_PAGE_NOT_MAPPED;
    if (g->levels == 1 && ptlr && paging_vpn(g, vaddr) >= ptlr)
        return TRAP_PAGE_NOT_MAPPED;
    return TRAP_NONE;
}

/* Physical memory as one walk sees it: host bytes (the C model's own
 * memory), or words behind two functions (the OS's walks through the
 * machine interface).  The walk below is one body; each entry point passes
 * constant accessors, so the compiler makes a copy of it per kind. */
typedef struct {
    uint8_t *mem;               /* host memory (host accessors)        */
    const walk_io_t *io;        /* the functions (io accessors)        */
    uint32_t mem_size;
} walk_mem_t;

typedef uint32_t (*pte_load_fn)(const walk_mem_t *m, uint32_t pte_addr);
typedef void (*pte_store_fn)(const walk_mem_t *m, uint32_t pte_addr, uint32_t value);

static uint32_t host_load(const walk_mem_t *m, uint32_t pte_addr) { return read_le32(m->mem + pte_addr); }
static void host_store(const walk_mem_t *m, uint32_t pte_addr, uint32_t value) { write_le32(m->mem + pte_addr, value); }
static uint32_t io_load(const walk_mem_t *m, uint32_t pte_addr) { return m->io->read32(m->io->ctx, pte_addr); }
static void io_store(const walk_mem_t *m, uint32_t pte_addr, uint32_t value)
{
    if (m->io->write32) /* NULL: a probe, which leaves A and D as they are */
        m->io->write32(m->io->ctx, pte_addr, value);
}

/* A permitted leaf: the physical address, and the A/D update written back
 * if it changed.  Returns TRAP_BUS if the leaf's frame does not lie wholly
 * in physical memory (nothing is written then). */
static inline __attribute__((always_inline)) trap_cause_t
complete_leaf(const walker_t *w, const walk_mem_t *m, pte_store_fn store, uint32_t pte_addr, pte_t pte,
              uint32_t vaddr, access_t access, walk_result_t *out)
{
    uint64_t frame = (uint64_t)pte_ppn(pte) << w->geo.page_shift;
    if (frame + (1ull << w->geo.page_shift) > m->mem_size)
        return TRAP_BUS;
    uint64_t paddr = frame | paging_offset(&w->geo, vaddr);
    out->paddr = (uint32_t)paddr;
    out->pte = pte_after_access(pte, access);
    if (out->pte.v != pte.v) {
        store(m, pte_addr, out->pte.v);
        out->pte_written = true;
        out->cycles += w->mem_cycles;
    }
    return TRAP_NONE;
}

static inline __attribute__((always_inline)) trap_cause_t
walk_tables(const walker_t *w, const walk_mem_t *m, pte_load_fn load, pte_store_fn store, uint32_t ptbr,
            uint32_t ptlr, uint32_t vaddr, access_t access, priv_t priv, walk_result_t *out)
{
    const paging_geometry_t *g = &w->geo;
    /* only what every caller reads; the per-step arrays are filled as used */
    out->paddr = 0;
    out->pte = (pte_t){0};
    out->pte_written = false;
    out->steps = 0;
    out->cycles = 0;
    trap_cause_t cause = address_fault(g, ptlr, vaddr);
    uint64_t table = ptbr;
    for (uint32_t level = 0; cause == TRAP_NONE && level < g->levels; level++) {
        uint64_t pte_addr = table + 4u * (uint64_t)paging_index(g, vaddr, level);
        if (pte_addr + 4 > m->mem_size) {
            cause = TRAP_BUS;
            break;
        }
        pte_t pte = {load(m, (uint32_t)pte_addr)};
        bool leaf = level + 1 == g->levels;
        out->level[out->steps] = level;
        out->pte_addr[out->steps] = (uint32_t)pte_addr;
        out->pte_read[out->steps++] = pte;
        out->cycles += w->mem_cycles;
        out->pte = pte;
        cause = pte_fault(pte, leaf, access, priv);
        if (cause == TRAP_NONE && !leaf)
            table = (uint64_t)pte_ppn(pte) << g->page_shift;
        else if (cause == TRAP_NONE)
            cause = complete_leaf(w, m, store, (uint32_t)pte_addr, pte, vaddr, access, out);
    }
    out->cause = cause;
    return cause;
}

trap_cause_t mmu_walk(const walker_t *w, uint8_t *mem, uint32_t mem_size, uint32_t ptbr, uint32_t ptlr,
                      uint32_t vaddr, access_t access, priv_t priv, walk_result_t *out)
{
    const walk_mem_t m = {.mem = mem, .mem_size = mem_size};
    return walk_tables(w, &m, host_load, host_store, ptbr, ptlr, vaddr, access, priv, out);
}

trap_cause_t mmu_walk_io(const walker_t *w, const walk_io_t *io, uint32_t ptbr, uint32_t ptlr, uint32_t vaddr,
                         access_t access, priv_t priv, walk_result_t *out)
{
    const walk_mem_t m = {.io = io, .mem_size = io->mem_size};
    return walk_tables(w, &m, io_load, io_store, ptbr, ptlr, vaddr, access, priv, out);
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
