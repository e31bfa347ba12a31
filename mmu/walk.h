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
#include <string.h>

#include "../machine/machine.h"
#include "geometry.h"
#include "pte.h"

/* The bits of a leaf a walk looks at for one kind of access (walk_leaf_settled). */
typedef struct {
    uint32_t mask, want;
} walk_leaf_test_t;

typedef struct {
    paging_geometry_t geo;
    uint32_t mem_cycles;
    uint32_t settled_cycles;        /* a walk that reads every level and writes
                                       nothing: levels * mem_cycles          */
    walk_leaf_test_t settled[3][2]; /* by access_t and priv_t (walker_init)    */
} walker_t;

typedef struct {
    trap_cause_t cause;       /* TRAP_NONE or the fault                            */
    uint32_t paddr;           /* valid when cause == TRAP_NONE                     */
    pte_t pte;                /* the leaf after the A/D update; on a fault the PTE
                                 that faulted (0 if none was read)                  */
    bool pte_written;         /* A/D changed and the leaf was written back          */
    uint32_t steps;           /* PTEs read, 0..levels                              */
    uint32_t leaf_addr;       /* where the last PTE read sits (0 if none)          */
    /* the per-step record, filled only when recording (always by mmu_walk) */
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

/* The walk itself, one loop over the levels (as Spike's walk()), with one
 * place where a fault is decided (walk_pte_fault).  Its kind (walk_kind_t)
 * is a constant at each call: without the record the per-step arrays are
 * left alone, and the compiler drops their stores (the walk the CPU uses
 * when nobody observes the steps); the quick kind stops at anything but the
 * usual leaf; everything else is the same walk. */
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "PTEs are read with host loads");

static inline uint32_t walk_read_le32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

static inline void walk_write_le32(uint8_t *p, uint32_t v)
{
    memcpy(p, &v, 4);
}

/* The bounds of physical memory as a walk tests them, computed once for
 * a memory (walk_bounds). */
typedef struct {
    int64_t pte_last;  /* the last address a whole PTE fits at: mem_size - 4        */
    uint32_t frames;   /* the frames wholly in memory: a leaf's PPN must be below */
} walk_bounds_t;

/* The bounds of mem_size bytes of memory for walks over w's geometry. */
static inline walk_bounds_t walk_bounds(const walker_t *w, uint32_t mem_size)
{
    return (walk_bounds_t){.pte_last = (int64_t)mem_size - 4, .frames = mem_size >> w->geo.page_shift};
}

/* Physical memory as one walk sees it: host bytes (the C model's own
 * memory), or words behind two functions (the OS's walks through the
 * machine interface).  Each entry point passes constant accessors, so the
 * compiler makes a copy of the walk per kind. */
typedef struct {
    uint8_t *mem;               /* host memory (host accessors)        */
    const walk_io_t *io;        /* the functions (io accessors)        */
    const walk_bounds_t *bounds;
    const uint8_t *root;        /* the quick walk's root table in host memory
                                   (walk_host_settled; NULL for the others) */
} walk_mem_t;

typedef uint32_t (*walk_load_fn)(const walk_mem_t *m, uint64_t pte_addr);
typedef void (*walk_store_fn)(const walk_mem_t *m, uint64_t pte_addr, uint32_t value);

static inline uint32_t walk_host_load(const walk_mem_t *m, uint64_t pte_addr) { return walk_read_le32(m->mem + pte_addr); }
static inline void walk_host_store(const walk_mem_t *m, uint64_t pte_addr, uint32_t value)
{
    walk_write_le32(m->mem + pte_addr, value);
}

/* The permission bits an access needs in a leaf (user mode also needs U:
 * priv ^ MODE_KERNEL is 1 for user mode and 0 for kernel mode, two
 * instructions on the walk of every miss where the compare took four). */
_Static_assert(MODE_USER == 0 && MODE_KERNEL == 1, "the two modes are the values 0 and 1");
static inline uint32_t walk_needed_bits(access_t access, priv_t priv)
{
    static const uint32_t by_access[3] = {PTE_X, PTE_R, PTE_W};
    return PTE_V | by_access[access] | ((uint32_t)priv ^ MODE_KERNEL) * PTE_U;
}

/* The fault one PTE raises for this access, in the documented order. */
static inline trap_cause_t walk_pte_fault(pte_t pte, bool leaf, access_t access, priv_t priv)
{
    /* the common cases first: a pointer to the next table, a leaf that allows the access */
    if (!leaf && ((pte.v - PTE_V) & (PTE_V | PTE_LEAF_BITS | PTE_RESERVED)) == 0) /* the low ten bits are V alone */
        return TRAP_NONE;
    uint32_t need = walk_needed_bits(access, priv);
    /* W without R is malformed: a store's W needs R as well, a load's R
     * rules it out already, so only a fetch tests it apart */
    const uint32_t want = need | (access == ACC_STORE ? PTE_R : 0);
    if (leaf && (pte.v & (PTE_RESERVED | want)) == want &&
        (access != ACC_FETCH || (pte.v & (PTE_W | PTE_R)) != PTE_W))
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
static inline __attribute__((always_inline)) trap_cause_t walk_address_fault(const paging_geometry_t *g,
                                                                             uint32_t levels, uint32_t ptlr,
                                                                             uint32_t vaddr)
{
    if (vaddr & g->va_above)
        return TRAP_PAGE_NOT_MAPPED;
    if (levels == 1 && ptlr && paging_vpn(g, vaddr) >= ptlr)
        return TRAP_PAGE_NOT_MAPPED;
    return TRAP_NONE;
}

/* The usual leaf: it allows the access (walk_pte_fault finds nothing) and
 * has A, and D for a store, set already, so the walk writes nothing back.
 * One masked compare with walker_init's bits for this access and privilege,
 * and for a fetch the test of W without R. */
static inline bool walk_leaf_settled(const walker_t *w, pte_t pte, access_t access, priv_t priv)
{
    const walk_leaf_test_t t = w->settled[access][priv];
    return (pte.v & t.mask) == t.want && (access != ACC_FETCH || (pte.v & (PTE_W | PTE_R)) != PTE_W);
}

/* Where a permitted leaf maps vaddr, or TRAP_BUS if the leaf's frame does
 * not lie wholly in physical memory (its PPN is not below the frame count). */
static inline __attribute__((always_inline)) trap_cause_t walk_leaf_frame(const paging_geometry_t *g,
                                                                          const walk_mem_t *m, pte_t pte,
                                                                          uint32_t vaddr, uint32_t *paddr)
{
    const uint32_t ppn = pte_ppn(pte);
    if (ppn >= m->bounds->frames)
        return TRAP_BUS;
    *paddr = ppn << g->page_shift | paging_offset(g, vaddr);
    return TRAP_NONE;
}

/* paging_index for a walk that passed walk_address_fault, with what the
 * geometry implies (the compiler folds it where the level is a constant):
 * the last level's index sits right above the offset, so its shift is the
 * page shift the walk uses anyway, and with more levels than one the root's
 * is the address's top bits, which need no mask once the address fits in
 * va_bits. */
static inline __attribute__((always_inline)) uint32_t walk_index(const paging_geometry_t *g, uint32_t levels,
                                                                 uint32_t vaddr, uint32_t level)
{
    if (level + 1 == levels)
        return (vaddr >> g->page_shift) & g->index_mask[level];
    if (level == 0)
        return vaddr >> g->index_shift[0];
    return paging_index(g, vaddr, level);
}

/* What one call of walk_tables keeps and how far it goes (a constant at
 * each call, so the compiler makes a copy per kind). */
typedef enum {
    WALK_RECORDED, /* every outcome, with the per-step record (events, retirement, the OS) */
    WALK_PLAIN,    /* every outcome, without the record                                   */
    WALK_SETTLED,  /* the quick walk of the usual miss: only a settled leaf
                      (walk_leaf_settled) completes; at any other outcome (a
                      fault, a leaf to write back) the walk returns WALK_AGAIN
                      having changed nothing, for the caller to walk it plainly */
} walk_kind_t;
#define WALK_AGAIN TRAP_COUNT

/* `levels_k` is the geometry's number of levels as a constant (the loop
 * then unrolls into that many steps), or 0 to read it from the geometry. */
__attribute__((always_inline)) static inline trap_cause_t
walk_tables(const walker_t *w, const walk_mem_t *m, walk_load_fn load, walk_store_fn store, uint32_t ptbr,
            uint32_t ptlr, uint32_t vaddr, access_t access, priv_t priv, walk_result_t *out, const walk_kind_t kind,
            const uint32_t levels_k)
{
    const paging_geometry_t *g = &w->geo;
    const uint32_t levels = levels_k ? levels_k : g->levels;
    const bool settled_only = kind == WALK_SETTLED;
    /* kept in locals and stored once at the end, so that a walk inlined
     * without its record keeps them in registers */
    trap_cause_t cause = walk_address_fault(g, levels, ptlr, vaddr);
    uint64_t table = ptbr;
    uint32_t steps = 0, pte_addr = 0; /* the last PTE read */
    uint32_t paddr = 0;
    bool written = false;
    pte_t pte = {0};
    for (uint32_t level = 0; cause == TRAP_NONE && level < levels; level++) {
        const uint64_t at = table + 4u * (uint64_t)walk_index(g, levels, vaddr, level);
        /* the quick walk's root table lies wholly in memory (walk_quick_levels) */
        if (!(settled_only && level == 0) && (int64_t)at > m->bounds->pte_last) {
            cause = TRAP_BUS;
            break;
        }
        pte_addr = (uint32_t)at;
        if (settled_only && level == 0) /* one load from the host address of the root */
            pte = (pte_t){walk_read_le32(m->root + 4 * (uintptr_t)walk_index(g, levels, vaddr, 0))};
        else
            pte = (pte_t){load(m, at)};
        const bool leaf = level + 1 == levels;
        if (kind == WALK_RECORDED) {
            out->level[steps] = level;
            out->pte_addr[steps] = pte_addr;
            out->pte_read[steps] = pte;
        }
        steps++;
        /* a settled leaf is the quick walk's usual end, and rare in a plain
         * one (which runs when the quick walk gave up) */
        if (leaf && (kind == WALK_RECORDED ? walk_leaf_settled(w, pte, access, priv)
                                           : __builtin_expect(walk_leaf_settled(w, pte, access, priv), settled_only))) {
            cause = walk_leaf_frame(g, m, pte, vaddr, &paddr);
            break;
        }
        cause = walk_pte_fault(pte, leaf, access, priv);
        if (settled_only && (cause != TRAP_NONE || leaf))
            return WALK_AGAIN;
        if (cause == TRAP_NONE && leaf) { /* permitted, A or D to set: written back */
            cause = walk_leaf_frame(g, m, pte, vaddr, &paddr);
            if (cause == TRAP_NONE) {
                const pte_t after = pte_after_access(pte, access);
                written = after.v != pte.v;
                if (written)
                    store(m, pte_addr, after.v);
                pte = after;
            }
            break;
        }
        table = (uint64_t)pte_ppn(pte) << g->page_shift;
    }
    if (settled_only && cause != TRAP_NONE)
        return WALK_AGAIN;
    out->paddr = paddr;
    out->pte = pte;
    out->pte_written = written;
    out->steps = steps;
    out->leaf_addr = pte_addr;
    out->cycles = settled_only ? w->settled_cycles : steps * w->mem_cycles + (written ? w->mem_cycles : 0);
    out->cause = cause;
    return cause;
}

/* walk_tables over host memory, recorded or plain. */
__attribute__((always_inline)) static inline trap_cause_t walk_host(const walker_t *w, const walk_mem_t *m,
                                                                   uint32_t ptbr, uint32_t ptlr, uint32_t vaddr,
                                                                   access_t access, priv_t priv, walk_result_t *out,
                                                                   const bool record)
{
    return walk_tables(w, m, walk_host_load, walk_host_store, ptbr, ptlr, vaddr, access, priv, out,
                       record ? WALK_RECORDED : WALK_PLAIN, 0);
}

/* The number of levels the quick walk (walk_host_settled) runs for the
 * tables at ptbr (and ptlr, as the walk takes it): the geometry's when the
 * root table lies wholly in memory as b bounds it (with one level and a
 * PTLR, its entries below PTLR), so that the quick walk's root PTE needs no
 * bound test; else 0, and the quick walk always gives up.  The registers
 * decide it, so it is computed when they are set (mmu_set). */
static inline uint32_t walk_quick_levels(const walker_t *w, const walk_bounds_t *b, uint32_t ptbr, uint32_t ptlr)
{
    const paging_geometry_t *g = &w->geo;
    int64_t entries = (int64_t)1 << g->index_bits[0];
    if (g->levels == 1 && ptlr && ptlr < entries)
        entries = ptlr;
    return (int64_t)ptbr + 4 * (entries - 1) <= b->pte_last ? g->levels : 0;
}

/* The quick walk (WALK_SETTLED) over host memory for the tables whose root
 * m->root holds (at PTBR, in host memory; ptlr: PTLR, read with one level),
 * `levels` as walk_quick_levels gave it for them: TRAP_NONE with out's
 * paddr, pte, steps and cycles (nothing written back), or WALK_AGAIN (out
 * left undefined, memory unchanged).  One copy per number of levels, each
 * unrolled. */
__attribute__((always_inline)) static inline trap_cause_t walk_host_settled(const walker_t *w, const walk_mem_t *m,
                                                                           uint32_t levels, const uint32_t *ptlr,
                                                                           uint32_t vaddr, access_t access,
                                                                           priv_t priv, walk_result_t *out)
{
    if (vaddr & w->geo.va_above) /* here once, not in each copy (walk_tables finds it done) */
        return WALK_AGAIN;
    /* the root's PTE is read through m->root, so PTBR is not passed on */
    switch (levels) {
    case 1:
        return walk_tables(w, m, walk_host_load, walk_host_store, 0, *ptlr, vaddr, access, priv, out, WALK_SETTLED,
                           1);
    case 2: /* PTLR bounds one level only */
        return walk_tables(w, m, walk_host_load, walk_host_store, 0, 0, vaddr, access, priv, out, WALK_SETTLED, 2);
    case 3:
        return walk_tables(w, m, walk_host_load, walk_host_store, 0, 0, vaddr, access, priv, out, WALK_SETTLED, 3);
    default: /* the root table does not lie wholly in memory */
        return WALK_AGAIN;
    }
}

/* Copy the walk into a retirement record (tlb_hit false, steps, PTEs). */
void walk_to_retire(const walk_result_t *r, retire_xlate_t *x);

#endif
