/*
 * The page-table walker (mmu/walk.c) and the paging geometry: every fault
 * cause and their order, A and D set and written back only when permitted,
 * cycles, 1/2/3 levels, PTLR and the seed's 14-bit exercise (2 KiB pages,
 * a program using addresses 0..10468).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../mmu/walk.h"

#define MEM_SIZE (256u * 1024)
#define MEM_CYCLES 3

static uint8_t mem[MEM_SIZE];

static void put32(uint32_t paddr, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        mem[paddr + i] = (uint8_t)(v >> (8 * i));
}

static uint32_t get32(uint32_t paddr)
{
    return (uint32_t)mem[paddr] | (uint32_t)mem[paddr + 1] << 8 | (uint32_t)mem[paddr + 2] << 16 |
           (uint32_t)mem[paddr + 3] << 24;
}

static machine_config_t config(uint32_t va_bits, uint32_t page_shift, uint32_t levels)
{
    machine_config_t cfg;
    machine_config_defaults(&cfg);
    cfg.mem_size = MEM_SIZE;
    cfg.va_bits = va_bits;
    cfg.page_shift = page_shift;
    cfg.levels = levels;
    cfg.timing.mem_cycles = MEM_CYCLES;
    char err[200];
    assert_true(paging_config_check(&cfg, err, sizeof err));
    return cfg;
}

/* 32-bit addresses, 4 KiB pages, two levels: root at 0x1000, leaf table in
 * frame 2 (0x2000).  VADDR maps root index 1, leaf index 3 -> frame 5. */
#define ROOT 0x1000u
#define VADDR ((1u << 22) | (3u << 12) | 0x123u)
#define LEAF_PTE (0x2000u + 3 * 4)

static walker_t two_level(uint32_t leaf_flags)
{
    memset(mem, 0, sizeof mem);
    machine_config_t cfg = config(32, 12, 2);
    walker_t w;
    walker_init(&w, &cfg);
    put32(ROOT + 1 * 4, pte_make(2, PTE_V).v);
    put32(LEAF_PTE, pte_make(5, leaf_flags).v);
    return w;
}

static trap_cause_t walk(const walker_t *w, uint32_t vaddr, access_t access, priv_t priv, walk_result_t *r)
{
    return mmu_walk(w, mem, MEM_SIZE, ROOT, 0, vaddr, access, priv, r);
}

/* A leaf whose frame is not in physical memory is a bus error, and the
 * leaf is left as it was (no A written back). */
static void test_frame_beyond_memory(void **state)
{
    (void)state;
    walker_t w = two_level(PTE_V | PTE_R | PTE_W | PTE_U);
    put32(LEAF_PTE, pte_make(MEM_SIZE >> 12, PTE_V | PTE_R | PTE_W | PTE_U).v); /* the first frame past the end */
    walk_result_t r;
    assert_int_equal(walk(&w, VADDR, ACC_LOAD, MODE_USER, &r), TRAP_BUS);
    assert_int_equal(r.steps, 2);
    assert_false(r.pte_written);
    assert_int_equal(get32(LEAF_PTE), pte_make(MEM_SIZE >> 12, PTE_V | PTE_R | PTE_W | PTE_U).v);
    put32(LEAF_PTE, pte_make((MEM_SIZE >> 12) - 1, PTE_V | PTE_R | PTE_W | PTE_U).v); /* the last frame is fine */
    assert_int_equal(walk(&w, VADDR, ACC_LOAD, MODE_USER, &r), TRAP_NONE);
}

static void test_geometry_splits(void **state)
{
    (void)state;
    paging_geometry_t g;
    machine_config_t cfg = config(32, 12, 2);
    paging_geometry(&cfg, &g);
    assert_int_equal(g.index_bits[0], 10);
    assert_int_equal(g.index_bits[1], 10);
    assert_int_equal(g.index_shift[0], 22);
    assert_int_equal(g.index_shift[1], 12);
    cfg = config(14, 11, 1);
    paging_geometry(&cfg, &g);
    assert_int_equal(g.index_bits[0], 3);
    assert_int_equal(paging_table_bytes(&g, 0), 32);
    cfg = config(32, 12, 3); /* 20 bits: 6 + 7 + 7 */
    paging_geometry(&cfg, &g);
    assert_int_equal(g.index_bits[0], 6);
    assert_int_equal(g.index_bits[1], 7);
    assert_int_equal(g.index_bits[2], 7);
    assert_int_equal(g.index_shift[0], 26);
    assert_int_equal(paging_index(&g, 0xffffffffu, 0), 63);
}

static void test_config_rejects(void **state)
{
    (void)state;
    machine_config_t cfg;
    char err[200];
    machine_config_defaults(&cfg);
    cfg.page_shift = 8;
    assert_false(paging_config_check(&cfg, err, sizeof err));
    assert_non_null(strstr(err, "page"));
    cfg.page_shift = 12;
    cfg.levels = 4;
    assert_false(paging_config_check(&cfg, err, sizeof err));
    assert_non_null(strstr(err, "levels"));
    cfg.levels = 3;
    cfg.va_bits = 14; /* 2 page-number bits cannot make 3 levels */
    assert_false(paging_config_check(&cfg, err, sizeof err));
    cfg.va_bits = 33;
    assert_false(paging_config_check(&cfg, err, sizeof err));
    cfg.va_bits = 32;
    cfg.tlb_ways = 5;
    assert_false(paging_config_check(&cfg, err, sizeof err));
    assert_non_null(strstr(err, "TLB"));
}

static void test_success_sets_accessed_then_dirty(void **state)
{
    (void)state;
    walker_t w = two_level(PTE_V | PTE_R | PTE_W | PTE_U);
    walk_result_t r;
    assert_int_equal(walk(&w, VADDR, ACC_LOAD, MODE_USER, &r), TRAP_NONE);
    assert_int_equal(r.paddr, 0x5123);
    assert_int_equal(r.steps, 2);
    assert_int_equal(r.pte_addr[0], ROOT + 4);
    assert_int_equal(r.pte_addr[1], LEAF_PTE);
    assert_true(r.pte_written);
    assert_int_equal(r.cycles, 3 * MEM_CYCLES);
    assert_int_equal(get32(LEAF_PTE), pte_make(5, PTE_V | PTE_R | PTE_W | PTE_U | PTE_A).v);
    assert_int_equal(walk(&w, VADDR, ACC_LOAD, MODE_USER, &r), TRAP_NONE);
    assert_false(r.pte_written); /* A already set */
    assert_int_equal(r.cycles, 2 * MEM_CYCLES);
    assert_int_equal(walk(&w, VADDR, ACC_STORE, MODE_USER, &r), TRAP_NONE);
    assert_true(r.pte_written);
    assert_true(pte_dirty(r.pte));
    assert_true(pte_dirty((pte_t){get32(LEAF_PTE)}));
    assert_int_equal(r.pte_read[1].v, pte_make(5, PTE_V | PTE_R | PTE_W | PTE_U | PTE_A).v);
    retire_xlate_t x;
    walk_to_retire(&r, &x);
    assert_int_equal(x.steps, 2);
    assert_int_equal(x.pte_addr[1], LEAF_PTE);
    assert_int_equal(x.pte_new, get32(LEAF_PTE));
}

static void expect_fault(uint32_t leaf_flags, access_t access, priv_t priv, trap_cause_t want)
{
    walker_t w = two_level(leaf_flags);
    uint32_t before = get32(LEAF_PTE);
    walk_result_t r;
    assert_int_equal(walk(&w, VADDR, access, priv, &r), want);
    assert_int_equal(r.cause, want);
    assert_false(r.pte_written);
    assert_int_equal(get32(LEAF_PTE), before); /* A and D untouched */
    assert_int_equal(r.cycles, r.steps * MEM_CYCLES);
}

static void test_leaf_faults(void **state)
{
    (void)state;
    expect_fault(0, ACC_LOAD, MODE_USER, TRAP_PAGE_NOT_MAPPED);
    expect_fault(PTE_R | PTE_U, ACC_LOAD, MODE_USER, TRAP_PAGE_NOT_PRESENT);
    expect_fault(PTE_V | PTE_R | PTE_U | (1u << 8), ACC_LOAD, MODE_USER, TRAP_PTE_MALFORMED);
    expect_fault(PTE_V | PTE_W | PTE_U, ACC_STORE, MODE_USER, TRAP_PTE_MALFORMED);
    expect_fault(PTE_V | PTE_R, ACC_LOAD, MODE_USER, TRAP_PAGE_USER);
    expect_fault(PTE_V | PTE_R | PTE_U, ACC_FETCH, MODE_USER, TRAP_PAGE_EXEC);
    expect_fault(PTE_V | PTE_X | PTE_U, ACC_LOAD, MODE_USER, TRAP_PAGE_READ);
    expect_fault(PTE_V | PTE_R | PTE_U, ACC_STORE, MODE_USER, TRAP_PAGE_WRITE);
    expect_fault(PTE_V | PTE_R | PTE_U, ACC_STORE, MODE_KERNEL, TRAP_PAGE_WRITE);
}

static void test_fault_order(void **state)
{
    (void)state;
    /* user before R/W/X: a read-only kernel page stored to from user mode */
    expect_fault(PTE_V | PTE_R, ACC_STORE, MODE_USER, TRAP_PAGE_USER);
    /* malformed before not present */
    expect_fault(PTE_W | PTE_U, ACC_LOAD, MODE_USER, TRAP_PTE_MALFORMED);
    /* not present before permissions (the permissions are the OS's) */
    expect_fault(PTE_R, ACC_STORE, MODE_USER, TRAP_PAGE_NOT_PRESENT);
}

static void test_kernel_may_access_user_pages(void **state)
{
    (void)state;
    walker_t w = two_level(PTE_V | PTE_R | PTE_X | PTE_U);
    walk_result_t r;
    assert_int_equal(walk(&w, VADDR, ACC_FETCH, MODE_KERNEL, &r), TRAP_NONE);
    assert_int_equal(walk(&w, VADDR, ACC_LOAD, MODE_KERNEL, &r), TRAP_NONE);
}

static void test_non_leaf_faults(void **state)
{
    (void)state;
    walker_t w = two_level(PTE_V | PTE_R | PTE_U);
    walk_result_t r;
    assert_int_equal(walk(&w, 2u << 22, ACC_LOAD, MODE_USER, &r), TRAP_PAGE_NOT_MAPPED);
    assert_int_equal(r.steps, 1);
    assert_int_equal(r.cycles, MEM_CYCLES);
    put32(ROOT + 4, pte_make(2, PTE_V | PTE_R).v); /* a pointer with leaf bits */
    assert_int_equal(walk(&w, VADDR, ACC_LOAD, MODE_USER, &r), TRAP_PTE_MALFORMED);
    put32(ROOT + 4, pte_make(2, PTE_V).v | 1u << 9); /* a pointer with a reserved bit */
    assert_int_equal(walk(&w, VADDR, ACC_LOAD, MODE_USER, &r), TRAP_PTE_MALFORMED);
    put32(ROOT + 4, pte_make(2, PTE_R).v); /* a page table swapped out */
    assert_int_equal(walk(&w, VADDR, ACC_LOAD, MODE_USER, &r), TRAP_PAGE_NOT_PRESENT);
    put32(ROOT + 4, pte_make(0x3fffff, PTE_V).v); /* next table beyond memory */
    assert_int_equal(walk(&w, VADDR, ACC_LOAD, MODE_USER, &r), TRAP_BUS);
    assert_int_equal(mmu_walk(&w, mem, MEM_SIZE, MEM_SIZE - 2, 0, VADDR, ACC_LOAD, MODE_USER, &r), TRAP_BUS);
    assert_int_equal(r.steps, 0);
}

static void test_three_levels(void **state)
{
    (void)state;
    memset(mem, 0, sizeof mem);
    machine_config_t cfg = config(32, 12, 3); /* 6 + 7 + 7 index bits */
    walker_t w;
    walker_init(&w, &cfg);
    uint32_t vaddr = (5u << 26) | (9u << 19) | (100u << 12) | 0xabc;
    put32(ROOT + 5 * 4, pte_make(2, PTE_V).v);
    put32(0x2000 + 9 * 4, pte_make(3, PTE_V).v);
    put32(0x3000 + 100 * 4, pte_make(40, PTE_V | PTE_R | PTE_X | PTE_U).v);
    walk_result_t r;
    assert_int_equal(walk(&w, vaddr, ACC_FETCH, MODE_USER, &r), TRAP_NONE);
    assert_int_equal(r.paddr, (40u << 12) | 0xabc);
    assert_int_equal(r.steps, 3);
    assert_int_equal(r.level[2], 2);
    assert_int_equal(r.pte_addr[2], 0x3000 + 100 * 4);
    assert_int_equal(r.cycles, 4 * MEM_CYCLES);
}

/*
 * The seed's exercise: 14-bit addresses (0..16383), 2 KiB pages, a program
 * using 0..10468, so pages 0-5 are valid and 6-7 invalid.  One level, the
 * table of 8 entries at 0x100, page p in frame 20 + p.
 */
static walker_t seed_exercise(void)
{
    memset(mem, 0, sizeof mem);
    machine_config_t cfg = config(14, 11, 1);
    walker_t w;
    walker_init(&w, &cfg);
    for (uint32_t page = 0; page < 6; page++)
        put32(0x100 + 4 * page, pte_make(20 + page, PTE_V | PTE_R | PTE_W | PTE_U).v);
    return w;
}

static void test_seed_14_bit_exercise(void **state)
{
    (void)state;
    walker_t w = seed_exercise();
    walk_result_t r;
    assert_int_equal(mmu_walk(&w, mem, MEM_SIZE, 0x100, 0, 10468, ACC_LOAD, MODE_USER, &r), TRAP_NONE);
    assert_int_equal(r.paddr, (25u << 11) | (10468 & 2047));
    assert_int_equal(r.steps, 1);
    assert_int_equal(r.cycles, 2 * MEM_CYCLES);
    /* 11000 is past the program but inside page 5: internal fragmentation */
    assert_int_equal(mmu_walk(&w, mem, MEM_SIZE, 0x100, 0, 11000, ACC_STORE, MODE_USER, &r), TRAP_NONE);
    /* 12288 is page 6: invalid */
    assert_int_equal(mmu_walk(&w, mem, MEM_SIZE, 0x100, 0, 12288, ACC_LOAD, MODE_USER, &r), TRAP_PAGE_NOT_MAPPED);
    assert_int_equal(r.steps, 1);
    /* above 14 bits */
    assert_int_equal(mmu_walk(&w, mem, MEM_SIZE, 0x100, 0, 16384, ACC_LOAD, MODE_USER, &r), TRAP_PAGE_NOT_MAPPED);
    assert_int_equal(r.steps, 0);
}

static void test_ptlr_bounds_without_reading(void **state)
{
    (void)state;
    walker_t w = seed_exercise();
    put32(0x100 + 4 * 6, pte_make(26, PTE_V | PTE_R | PTE_U).v); /* would map page 6 */
    walk_result_t r;
    assert_int_equal(mmu_walk(&w, mem, MEM_SIZE, 0x100, 6, 12288, ACC_LOAD, MODE_USER, &r), TRAP_PAGE_NOT_MAPPED);
    assert_int_equal(r.steps, 0);
    assert_int_equal(r.cycles, 0);
    assert_int_equal(mmu_walk(&w, mem, MEM_SIZE, 0x100, 7, 12288, ACC_LOAD, MODE_USER, &r), TRAP_NONE);
    assert_int_equal(mmu_walk(&w, mem, MEM_SIZE, 0x100, 6, 12287, ACC_LOAD, MODE_USER, &r), TRAP_NONE);
}

/* Memory whose size is no multiple of a page nor of a word: a PTE must fit
 * whole below the end, a leaf's frame must lie wholly below it. */
static void test_bounds_of_odd_memory(void **state)
{
    (void)state;
    walker_t w = two_level(PTE_V | PTE_R | PTE_U | PTE_A);
    const uint32_t size = MEM_SIZE - 4095; /* the last whole frame is (MEM_SIZE >> 12) - 2 */
    walk_result_t r;
    put32(size - 4, pte_make(2, PTE_V).v); /* the last whole word: a root entry 0 at size - 4 */
    assert_int_equal(mmu_walk(&w, mem, size, size - 4, 0, 3u << 12, ACC_LOAD, MODE_USER, &r), TRAP_NONE);
    assert_int_equal(r.paddr, 5u << 12);
    assert_int_equal(mmu_walk(&w, mem, size, size - 3, 0, 3u << 12, ACC_LOAD, MODE_USER, &r), TRAP_BUS);
    assert_int_equal(r.steps, 0);
    put32(LEAF_PTE, pte_make((MEM_SIZE >> 12) - 2, PTE_V | PTE_R | PTE_U | PTE_A).v);
    assert_int_equal(mmu_walk(&w, mem, size, ROOT, 0, VADDR, ACC_LOAD, MODE_USER, &r), TRAP_NONE);
    put32(LEAF_PTE, pte_make((MEM_SIZE >> 12) - 1, PTE_V | PTE_R | PTE_U | PTE_A).v); /* ends past size */
    assert_int_equal(mmu_walk(&w, mem, size, ROOT, 0, VADDR, ACC_LOAD, MODE_USER, &r), TRAP_BUS);
    assert_int_equal(r.steps, 2);
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint32_t rnd(uint32_t n) /* 0..n-1 (xorshift64*) */
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (uint32_t)((rng_state * 0x2545f4914f6cdd1dull) >> 32) % n;
}

/* A random geometry that passes paging_config_check, mostly small pages so
 * that tables and frames fit in the test's memory. */
static machine_config_t random_config(uint32_t mem_size)
{
    for (;;) {
        machine_config_t cfg;
        machine_config_defaults(&cfg);
        cfg.mem_size = mem_size;
        cfg.page_shift = rnd(4) ? 9 + rnd(5) : 9 + rnd(16);
        cfg.levels = 1 + rnd(3);
        cfg.va_bits = 14 + rnd(19);
        cfg.timing.mem_cycles = 1 + rnd(5);
        char err[200];
        if (paging_config_check(&cfg, err, sizeof err))
            return cfg;
    }
}

/* A PTE for a random path: at a level above the last mostly a pointer to a
 * table in memory, at the last mostly a leaf with random permissions; now
 * and then any word at all. */
static uint32_t random_pte(uint32_t frames, bool leaf)
{
    const uint32_t ppn = rnd(8) ? rnd(frames + 2) : rnd(1u << 22);
    if (!rnd(8))
        return ppn << PTE_PPN_SHIFT | rnd(1u << PTE_PPN_SHIFT);
    if (!leaf)
        return pte_make(ppn, PTE_V).v;
    uint32_t flags = PTE_V | PTE_A | (rnd(2) ? PTE_D : 0) | (rnd(4) ? PTE_U : 0) | (rnd(4) ? PTE_R : 0) |
                     (rnd(2) ? PTE_W : 0) | (rnd(3) ? 0 : PTE_X) | (rnd(4) ? 0 : PTE_G);
    if (!rnd(6))
        flags &= ~(uint32_t)(rnd(2) ? PTE_A : PTE_V);
    return pte_make(ppn, flags).v;
}

/* The test's own statement of a walk that completes and writes nothing
 * (docs/mmu.md), written apart from the walker: every address fits, every
 * level above the last holds V alone in its low ten bits, the leaf is well
 * formed, present, allows the access in this mode, has A (and D for a store)
 * and a frame wholly in memory.  Returns whether it does, with the address. */
static bool settled_by_the_rules(const paging_geometry_t *g, uint32_t mem_size, uint32_t ptbr, uint32_t ptlr,
                                 uint32_t vaddr, access_t access, priv_t priv, uint32_t *paddr)
{
    if ((g->va_bits < 32 && vaddr >> g->va_bits) || (g->levels == 1 && ptlr && vaddr >> g->page_shift >= ptlr))
        return false;
    uint64_t table = ptbr;
    for (uint32_t level = 0; level < g->levels; level++) {
        const uint64_t at = table + 4u * (uint64_t)paging_index(g, vaddr, level);
        if (at + 4 > mem_size)
            return false;
        const uint32_t pte = get32((uint32_t)at);
        table = (uint64_t)(pte >> PTE_PPN_SHIFT) << g->page_shift;
        if (level + 1 < g->levels) {
            if ((pte & 0x3ffu) != PTE_V)
                return false;
            continue;
        }
        const uint32_t needed = access == ACC_FETCH ? PTE_X : access == ACC_LOAD ? PTE_R : PTE_R | PTE_W | PTE_D;
        if ((pte & PTE_RESERVED) || (pte & (PTE_R | PTE_W)) == PTE_W || !(pte & PTE_V) || !(pte & PTE_A) ||
            (priv == MODE_USER && !(pte & PTE_U)) || (pte & needed) != needed || table + (1u << g->page_shift) > mem_size)
            return false;
        *paddr = (uint32_t)table | (vaddr & ((1u << g->page_shift) - 1));
    }
    return true;
}

/* The test's own statement of a root table wholly in memory: every PTE a
 * walk may read there (those below PTLR with one level and a PTLR) fits. */
static bool root_fits(const paging_geometry_t *g, uint32_t mem_size, uint32_t ptbr, uint32_t ptlr)
{
    uint64_t entries = 1ull << g->index_bits[0];
    if (g->levels == 1 && ptlr && ptlr < entries)
        entries = ptlr;
    return (uint64_t)ptbr + 4 * entries <= mem_size;
}

/*
 * The quick walk (walk_host_settled, the CPU's walk of a miss nobody
 * observes) against the recorded walk over random tables, geometries and
 * memory sizes: where it completes, the recorded walk completes the same
 * (address, leaf, steps, cycles) and writes nothing; where it gives up, the
 * recorded walk faults or writes the leaf back, or the root table does
 * not lie wholly in memory -- it never gives up on another walk it could
 * have done; and both agree with the rules as the test states them
 * (settled_by_the_rules, root_fits).
 */
static void test_quick_walk_agrees(void **state)
{
    (void)state;
    uint32_t completed = 0, gave_up = 0;
    for (int trial = 0; trial < 20000; trial++) {
        const uint32_t mem_size = rnd(2) ? MEM_SIZE : MEM_SIZE - rnd(5000);
        const machine_config_t cfg = random_config(mem_size);
        walker_t w;
        walker_init(&w, &cfg);
        const walk_bounds_t bounds = walk_bounds(&w, mem_size);
        const uint32_t frames = mem_size >> cfg.page_shift;
        const uint32_t ptbr = rnd(16) ? rnd(mem_size) & ~3u : rnd(UINT32_MAX);
        const uint32_t ptlr = rnd(2) ? 0 : rnd(1u << (cfg.va_bits - cfg.page_shift));
        const uint32_t vaddr = rnd(8) ? rnd(1u << (cfg.va_bits - 1)) * 2 + rnd(2) : rnd(UINT32_MAX);
        const access_t access = (access_t)rnd(3);
        const priv_t priv = rnd(4) ? MODE_USER : MODE_KERNEL;
        /* write the path's PTEs where they fall in memory */
        uint64_t table = ptbr;
        for (uint32_t level = 0; level < cfg.levels; level++) {
            const uint64_t at = table + 4u * (uint64_t)paging_index(&w.geo, vaddr, level);
            const bool leaf = level + 1 == cfg.levels;
            const uint32_t pte = random_pte(frames, leaf);
            if (at + 4 <= mem_size)
                put32((uint32_t)at, pte);
            table = (uint64_t)(pte >> PTE_PPN_SHIFT) << cfg.page_shift;
        }
        uint32_t paddr = 0;
        const bool settled = settled_by_the_rules(&w.geo, mem_size, ptbr, ptlr, vaddr, access, priv, &paddr);
        walk_result_t quick, full;
        const uint32_t levels = walk_quick_levels(&w, &bounds, ptbr, ptlr);
        const walk_mem_t m = {.mem = mem, .bounds = &bounds, .root = levels ? mem + ptbr : NULL};
        const trap_cause_t q = walk_host_settled(&w, &m, levels, &ptlr, vaddr, access, priv, &quick);
        const trap_cause_t f = mmu_walk(&w, mem, mem_size, ptbr, ptlr, vaddr, access, priv, &full);
        assert_int_equal(levels, root_fits(&w.geo, mem_size, ptbr, ptlr) ? cfg.levels : 0);
        assert_int_equal(q == TRAP_NONE, settled && levels != 0);
        if (q == TRAP_NONE) {
            completed++;
            assert_int_equal(quick.paddr, paddr);
            assert_int_equal(f, TRAP_NONE);
            assert_false(full.pte_written);
            assert_int_equal(quick.paddr, full.paddr);
            assert_int_equal(quick.pte.v, full.pte.v);
            assert_int_equal(quick.steps, full.steps);
            assert_int_equal(quick.steps, cfg.levels);
            assert_int_equal(quick.cycles, full.cycles);
        } else {
            gave_up++;
            assert_int_equal(q, WALK_AGAIN);
            assert_true(f != TRAP_NONE || full.pte_written || levels == 0);
        }
    }
    assert_true(completed > 1000 && gave_up > 1000); /* both ways taken often */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_geometry_splits),
        cmocka_unit_test(test_config_rejects),
        cmocka_unit_test(test_success_sets_accessed_then_dirty),
        cmocka_unit_test(test_leaf_faults),
        cmocka_unit_test(test_fault_order),
        cmocka_unit_test(test_kernel_may_access_user_pages),
        cmocka_unit_test(test_non_leaf_faults),
        cmocka_unit_test(test_three_levels),
        cmocka_unit_test(test_seed_14_bit_exercise),
        cmocka_unit_test(test_ptlr_bounds_without_reading),
        cmocka_unit_test(test_frame_beyond_memory),
        cmocka_unit_test(test_bounds_of_odd_memory),
        cmocka_unit_test(test_quick_walk_agrees),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
