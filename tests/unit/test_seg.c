/*
 * The segmentation unit (mmu/seg.h) through the MMU unit: the address
 * split, each fault and its order, the grow-down check from the top, the
 * descriptor cache (hits, misses, FIFO replacement, emptied by a register
 * load and a full flush, a stale descriptor kept until then), the counters
 * and the retirement record; then the CPU's cycles in segmented mode
 * against docs/timing.md.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../mmu/mmu.h"

#define MEM_SIZE (256u * 1024)
#define STBR 0x1000u
#define OB 16u /* offset bits */

static uint8_t mem[MEM_SIZE];

static void put32(uint32_t paddr, uint32_t v) { memcpy(mem + paddr, &v, 4); }

static void put_desc(uint32_t segno, uint32_t base, uint32_t limit, uint32_t flags)
{
    seg_desc_t d = seg_desc_make(base, limit, flags);
    put32(STBR + 8 * segno, d.base);
    put32(STBR + 8 * segno + 4, d.word1);
}

enum { RX = SEG_V | SEG_U | SEG_R | SEG_X, RW = SEG_V | SEG_U | SEG_R | SEG_W };

static void make_mmu(mmu_t *mmu, uint32_t cache, uint32_t stlr)
{
    machine_config_t cfg;
    machine_config_defaults(&cfg);
    cfg.mem_size = MEM_SIZE;
    cfg.seg_offset_bits = OB;
    cfg.seg_bits = 4;
    cfg.seg_cache_entries = cache;
    char err[200];
    memset(mem, 0, sizeof mem);
    put_desc(0, 0x10000, 0x100, RX);                 /* code                        */
    put_desc(1, 0x20000, 0x80, RW);                  /* data                        */
    put_desc(2, 0x30000, 0x40, RW & ~SEG_V);         /* swapped out                 */
    put_desc(3, 0x31000, 0x40, RW & ~SEG_U);         /* the OS's                    */
    put_desc(4, MEM_SIZE - 8, 0x40, RW);             /* reaches beyond memory       */
    put_desc(15, 0x38000, 0x1000, RW | SEG_DOWN);    /* stack: the top 4K of its 64K */
    assert_true(mmu_init(mmu, &cfg, mem, MEM_SIZE, NULL, err, sizeof err));
    mmu_regs_t regs = {.mode = MMU_SEG, .stbr = STBR, .stlr = stlr};
    mmu_set(mmu, &regs);
}

static trap_cause_t xlate(mmu_t *mmu, uint32_t va, uint32_t size, access_t acc, uint32_t *pa, retire_xlate_t *rx)
{
    mmu_xlate_t x;
    trap_cause_t cause = mmu_translate(mmu, va, size, acc, MODE_USER, 0, rx, &x);
    *pa = x.paddr;
    return cause;
}

static void splits_and_relocates(void **state)
{
    (void)state;
    mmu_t mmu;
    make_mmu(&mmu, 4, 16);
    uint32_t pa;
    assert_int_equal(xlate(&mmu, 0x00010, 4, ACC_FETCH, &pa, NULL), TRAP_NONE);
    assert_int_equal(pa, 0x10010);
    assert_int_equal(xlate(&mmu, 1u << OB | 0x7C, 4, ACC_STORE, &pa, NULL), TRAP_NONE);
    assert_int_equal(pa, 0x2007C);
    /* a word must lie wholly inside: 0x7D + 4 > 0x80, a byte at 0x7F fits */
    assert_int_equal(xlate(&mmu, 1u << OB | 0x80, 1, ACC_LOAD, &pa, NULL), TRAP_SEG_BOUND);
    assert_int_equal(pa, 0x20080);
    assert_int_equal(xlate(&mmu, 1u << OB | 0x7F, 1, ACC_LOAD, &pa, NULL), TRAP_NONE);
    mmu_destroy(&mmu);
}

static void each_fault_in_order(void **state)
{
    (void)state;
    mmu_t mmu;
    make_mmu(&mmu, 4, 15); /* STLR 15: the stack's segment is beyond the table */
    uint32_t pa = 1;
    assert_int_equal(xlate(&mmu, 15u << OB | 0xFFF0, 4, ACC_LOAD, &pa, NULL), TRAP_SEG_BOUND);
    assert_int_equal(pa, 0);
    assert_int_equal(xlate(&mmu, 1u << 20, 4, ACC_LOAD, &pa, NULL), TRAP_SEG_BOUND); /* beyond 2^seg_bits */
    assert_int_equal(xlate(&mmu, 2u << OB, 4, ACC_LOAD, &pa, NULL), TRAP_SEG_NOT_PRESENT);
    assert_int_equal(pa, 0);
    assert_int_equal(xlate(&mmu, 3u << OB, 4, ACC_LOAD, &pa, NULL), TRAP_SEG_PROTECTION); /* no U */
    assert_int_equal(xlate(&mmu, 0x10, 4, ACC_STORE, &pa, NULL), TRAP_SEG_PROTECTION);    /* code: no W */
    assert_int_equal(xlate(&mmu, 1u << OB, 4, ACC_FETCH, &pa, NULL), TRAP_SEG_PROTECTION); /* data: no X */
    /* protection before the bound: a store beyond the code's end is a protection fault */
    assert_int_equal(xlate(&mmu, 0x200, 4, ACC_STORE, &pa, NULL), TRAP_SEG_PROTECTION);
    assert_int_equal(xlate(&mmu, 4u << OB | 0x10, 4, ACC_LOAD, &pa, NULL), TRAP_BUS); /* base + offset */
    mmu_destroy(&mmu);
    /* a table that ends beyond memory: the descriptor's read is the bus error */
    make_mmu(&mmu, 4, 16);
    mmu_regs_t regs = {.mode = MMU_SEG, .stbr = MEM_SIZE - 12, .stlr = 2};
    mmu_set(&mmu, &regs);
    assert_int_equal(xlate(&mmu, 1u << OB, 4, ACC_LOAD, &pa, NULL), TRAP_BUS);
    assert_int_equal(pa, MEM_SIZE - 4);
    /* kernel accesses are physical */
    mmu_xlate_t x;
    assert_int_equal(mmu_translate(&mmu, 0x1234, 4, ACC_LOAD, MODE_KERNEL, 0, NULL, &x), TRAP_NONE);
    assert_int_equal(x.paddr, 0x1234);
    mmu_destroy(&mmu);
}

static void grows_down_from_the_top(void **state)
{
    (void)state;
    mmu_t mmu;
    make_mmu(&mmu, 4, 16);
    uint32_t pa;
    const uint32_t top = 16u << OB; /* one past the stack segment: the initial SP */
    assert_int_equal(xlate(&mmu, top - 4, 4, ACC_STORE, &pa, NULL), TRAP_NONE);
    assert_int_equal(pa, 0x38000 + 0x1000 - 4);
    assert_int_equal(xlate(&mmu, top - 0x1000, 4, ACC_LOAD, &pa, NULL), TRAP_NONE);
    assert_int_equal(pa, 0x38000);
    assert_int_equal(xlate(&mmu, top - 0x1004, 4, ACC_LOAD, &pa, NULL), TRAP_SEG_BOUND); /* just below */
    assert_int_equal(xlate(&mmu, 15u << OB, 4, ACC_LOAD, &pa, NULL), TRAP_SEG_BOUND);   /* the far end */
    mmu_destroy(&mmu);
}

static void the_cache_hits_misses_and_forgets(void **state)
{
    (void)state;
    mmu_t mmu;
    make_mmu(&mmu, 2, 16);
    uint32_t pa;
    retire_xlate_t rx;
    hw_counters_t c = {0};
    assert_int_equal(xlate(&mmu, 0x10, 4, ACC_FETCH, &pa, &rx), TRAP_NONE);
    assert_false(rx.tlb_hit);
    assert_int_equal(rx.steps, 2);
    assert_int_equal(rx.pte_addr[0], STBR);
    assert_int_equal(rx.pte_addr[1], STBR + 4);
    assert_int_equal(rx.pte[0], 0x10000);
    assert_int_equal(xlate(&mmu, 0x14, 4, ACC_FETCH, &pa, &rx), TRAP_NONE);
    assert_true(rx.tlb_hit);
    assert_int_equal(rx.steps, 0);
    /* a stale descriptor stays cached until the registers are loaded again */
    put_desc(0, 0x11000, 0x100, RX);
    assert_int_equal(xlate(&mmu, 0x14, 4, ACC_FETCH, &pa, NULL), TRAP_NONE);
    assert_int_equal(pa, 0x10014);
    mmu_set(&mmu, &mmu.regs);
    assert_int_equal(xlate(&mmu, 0x14, 4, ACC_FETCH, &pa, NULL), TRAP_NONE);
    assert_int_equal(pa, 0x11014);
    /* FIFO: 0 is in; 1 and 15 fill, 15 evicts 0 (the oldest) */
    assert_int_equal(xlate(&mmu, 1u << OB, 4, ACC_LOAD, &pa, &rx), TRAP_NONE);
    assert_int_equal(xlate(&mmu, (16u << OB) - 4, 4, ACC_LOAD, &pa, &rx), TRAP_NONE);
    assert_int_equal(xlate(&mmu, 1u << OB, 4, ACC_LOAD, &pa, &rx), TRAP_NONE);
    assert_true(rx.tlb_hit);
    assert_int_equal(xlate(&mmu, 0x10, 4, ACC_FETCH, &pa, &rx), TRAP_NONE);
    assert_false(rx.tlb_hit);
    /* a not-present descriptor is read but never cached */
    assert_int_equal(xlate(&mmu, 2u << OB, 4, ACC_LOAD, &pa, &rx), TRAP_SEG_NOT_PRESENT);
    assert_int_equal(xlate(&mmu, 2u << OB, 4, ACC_LOAD, &pa, &rx), TRAP_SEG_NOT_PRESENT);
    assert_false(rx.tlb_hit);
    /* a full flush empties it */
    mmu_flush(&mmu, TLB_FLUSH_ALL, 0, 0, 0);
    assert_int_equal(xlate(&mmu, 1u << OB, 4, ACC_LOAD, &pa, &rx), TRAP_NONE);
    assert_false(rx.tlb_hit);
    mmu_counters(&mmu, &c);
    assert_int_equal(c.tlb_hits, 3);
    assert_int_equal(c.tlb_misses, 8);
    assert_int_equal(c.walks, 8);
    assert_int_equal(c.pte_reads, 16);
    assert_int_equal(c.walk_cycles, 8 * 2 * 2); /* two words, mem_cycles 2 each */
    mmu_destroy(&mmu);
}

static void no_cache_reads_every_time(void **state)
{
    (void)state;
    mmu_t mmu;
    make_mmu(&mmu, 0, 16);
    uint32_t pa;
    retire_xlate_t rx;
    for (int i = 0; i < 3; i++) {
        assert_int_equal(xlate(&mmu, 0x10, 4, ACC_FETCH, &pa, &rx), TRAP_NONE);
        assert_false(rx.tlb_hit);
        assert_int_equal(rx.steps, 2);
    }
    mmu_destroy(&mmu);
}

static void a_bad_configuration_is_named(void **state)
{
    (void)state;
    machine_config_t cfg;
    machine_config_defaults(&cfg);
    char err[200] = "";
    cfg.seg_cache_entries = SEG_CACHE_MAX + 1;
    assert_false(seg_config_check(&cfg, err, sizeof err));
    assert_non_null(strstr(err, "--seg-cache"));
    machine_config_defaults(&cfg);
    cfg.seg_bits = 9;
    assert_false(seg_config_check(&cfg, err, sizeof err));
    assert_non_null(strstr(err, "--seg-bits"));
    machine_config_defaults(&cfg);
    cfg.seg_offset_bits = 24;
    assert_false(seg_config_check(&cfg, err, sizeof err));
    assert_non_null(strstr(err, "--seg-offset-bits"));
}

/* The CPU in segmented mode: a LOAD [R1] costs fetch + execute + data, each
 * access seg_hit_cycles + mem_cycles, plus 2 * mem_cycles per cache miss. */
static void the_cpu_pays_the_contract(void **state)
{
    (void)state;
    machine_config_t cfg;
    machine_config_defaults(&cfg);
    cfg.mem_size = MEM_SIZE;
    cfg.timing.seg_hit_cycles = 3;
    char err[200];
    machine_t *m = cmodel_create(&cfg, NULL, err, sizeof err);
    assert_non_null(m);
    const uint32_t code = 0x10000, data = 0x20000;
    const uint32_t prog[] = {
        (uint32_t)OP_LOADM << 24 | 2u << 20 | 1u << 16, /* LOAD R2, [R1]   */
        (uint32_t)OP_LOADM << 24 | 3u << 20 | 1u << 16, /* LOAD R3, [R1]   */
        (uint32_t)OP_STOREM << 24 | 2u << 20 | 4u << 16, /* STORE R2, [R4]: code, no W */
    };
    assert_true(machine_phys_write(m, code, prog, sizeof prog));
    assert_true(machine_write32(m, data, 77));
    seg_desc_t d0 = seg_desc_make(code, 0x100, RX), d1 = seg_desc_make(data, 0x100, RW);
    assert_true(machine_write32(m, STBR, d0.base) && machine_write32(m, STBR + 4, d0.word1));
    assert_true(machine_write32(m, STBR + 8, d1.base) && machine_write32(m, STBR + 12, d1.word1));
    mmu_regs_t regs = {.mode = MMU_SEG, .stbr = STBR, .stlr = 2};
    machine_mmu_set(m, &regs);
    cpu_state_t s = {.pc = 0, .priv = MODE_USER};
    s.r[1] = 1u << OB;
    s.r[4] = 0x40;
    machine_set_state(m, &s);
    const timing_t *t = &cfg.timing;
    const uint64_t access = 3 + t->mem_cycles, miss = 2 * t->mem_cycles;
    retire_t rt;
    assert_int_equal(machine_step(m, &rt), STOP_BUDGET); /* both descriptors missed */
    assert_int_equal(rt.cycle_end - rt.cycle_begin, 2 * access + t->exec_cycles + 2 * miss);
    assert_int_equal(rt.rd_value, 77);
    assert_int_equal(machine_step(m, &rt), STOP_BUDGET); /* both hit */
    assert_int_equal(rt.cycle_end - rt.cycle_begin, 2 * access + t->exec_cycles);
    assert_int_equal(machine_step(m, &rt), STOP_TRAP);   /* fetch, then the fault: no data access charged */
    assert_true(rt.trapped);
    assert_int_equal(rt.trap.cause, TRAP_SEG_PROTECTION);
    assert_int_equal(rt.trap.vaddr, 0x40);
    assert_int_equal(rt.trap.paddr, code + 0x40);
    assert_int_equal(rt.cycle_end - rt.cycle_begin, access + t->trap_cycles);
    /* run() agrees with step() on the clock */
    machine_set_state(m, &s);
    uint64_t before = machine_cycles(m);
    assert_int_equal(machine_run(m, before + 1000), STOP_TRAP);
    assert_int_equal(machine_cycles(m) - before, 2 * (2 * access + t->exec_cycles) + access + t->trap_cycles);
    machine_destroy(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(splits_and_relocates),
        cmocka_unit_test(each_fault_in_order),
        cmocka_unit_test(grows_down_from_the_top),
        cmocka_unit_test(the_cache_hits_misses_and_forgets),
        cmocka_unit_test(no_cache_reads_every_time),
        cmocka_unit_test(a_bad_configuration_is_named),
        cmocka_unit_test(the_cpu_pays_the_contract),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
