/*
 * The MMU unit (mmu/mmu.h): translation through the TLB and the walker,
 * the same answers with the record on and off, the fill events that say
 * which entry was replaced and why, every policy's victim and rank through
 * the policy table, and the relocation unit's faults.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../mmu/mmu.h"
#include "../../mmu/tlb_policy.h"

#define MEM_SIZE (256u * 1024)
#define ROOT 0x1000u
#define LEAF 0x2000u
#define PAGES 16 /* virtual pages 0..15 map to frames 16..31 */

static uint8_t mem[MEM_SIZE];

static void put32(uint32_t paddr, uint32_t v) { memcpy(mem + paddr, &v, 4); }

static void build_tables(void)
{
    memset(mem, 0, sizeof mem);
    put32(ROOT, pte_make(LEAF >> 12, PTE_V).v);
    for (uint32_t vpn = 0; vpn < PAGES; vpn++)
        put32(LEAF + 4 * vpn, pte_make(16 + vpn, PTE_V | PTE_R | PTE_W | PTE_U).v);
}

static void make_mmu(mmu_t *mmu, evbus_t *bus, tlb_policy_t policy, uint32_t entries)
{
    machine_config_t cfg;
    machine_config_defaults(&cfg);
    cfg.mem_size = MEM_SIZE;
    cfg.tlb_entries = cfg.tlb_ways = entries;
    cfg.tlb_policy = policy;
    char err[200];
    build_tables();
    assert_true(mmu_init(mmu, &cfg, mem, MEM_SIZE, bus, err, sizeof err));
    mmu_regs_t regs = {.mode = MMU_PAGED, .ptbr = ROOT, .asid = 1};
    mmu_set(mmu, &regs);
}

static uint32_t load(mmu_t *mmu, uint32_t vpn, retire_xlate_t *rx)
{
    mmu_xlate_t x;
    assert_int_equal(mmu_translate(mmu, vpn << 12 | 0x10, 4, ACC_LOAD, MODE_USER, 0, rx, &x), TRAP_NONE);
    return x.paddr;
}

typedef struct {
    int fills;
    event_t last_fill;
} fills_t;

static void count_fills(void *ctx, const event_t *ev)
{
    fills_t *f = ctx;
    if (ev->kind == EV_TLB_FILL) {
        f->fills++;
        f->last_fill = *ev;
    }
}

static void test_translate_and_count(void **state)
{
    (void)state;
    mmu_t mmu;
    make_mmu(&mmu, NULL, TLB_LRU, 4);
    assert_int_equal(load(&mmu, 3, NULL), (16 + 3) << 12 | 0x10);
    assert_int_equal(load(&mmu, 3, NULL), (16 + 3) << 12 | 0x10);
    hw_counters_t c = {0};
    mmu_counters(&mmu, &c);
    assert_int_equal(c.tlb_misses, 1);
    assert_int_equal(c.tlb_hits, 1);
    assert_int_equal(c.walks, 1);
    assert_int_equal(c.pte_reads, 2);
    assert_int_equal(c.pte_writes, 1); /* A set on the first load */
    mmu_xlate_t x;
    assert_int_equal(mmu_translate(&mmu, 40u << 12, 4, ACC_LOAD, MODE_USER, 0, NULL, &x), TRAP_PAGE_NOT_MAPPED);
    mmu_destroy(&mmu);
}

/* The record (retirement record and events) changes nothing else. */
static void test_record_changes_nothing(void **state)
{
    (void)state;
    mmu_t quiet, loud;
    evbus_t bus;
    evbus_init(&bus);
    fills_t f = {0};
    assert_true(evbus_subscribe(&bus, count_fills, &f));
    make_mmu(&quiet, NULL, TLB_LRU, 2);
    static uint8_t quiet_mem[MEM_SIZE];
    memcpy(quiet_mem, mem, MEM_SIZE);
    quiet.mem = quiet_mem; /* each unit its own memory: the walker writes A and D */
    make_mmu(&loud, &bus, TLB_LRU, 2);
    static const uint32_t vpns[] = {1, 2, 1, 3, 4, 1, 2, 2, 5};
    for (size_t i = 0; i < sizeof vpns / sizeof vpns[0]; i++) {
        retire_xlate_t rx;
        assert_int_equal(load(&quiet, vpns[i], NULL), load(&loud, vpns[i], &rx));
    }
    hw_counters_t a = {0}, b = {0};
    mmu_counters(&quiet, &a);
    mmu_counters(&loud, &b);
    assert_memory_equal(&a, &b, sizeof a);
    assert_int_equal(f.fills, (int)b.tlb_misses);
    tlb_view_t va[2], vb[2];
    assert_int_equal(tlb_read(quiet.tlb, va, 2), tlb_read(loud.tlb, vb, 2));
    for (int i = 0; i < 2; i++) {
        assert_int_equal(va[i].vpn, vb[i].vpn);
        assert_int_equal(va[i].age, vb[i].age);
    }
    mmu_destroy(&quiet);
    mmu_destroy(&loud);
}

/* Fill 4 slots, use the first page again, then a fifth page: the event names
 * the slot, the new page, the page it replaced and the victim's rank. */
static void check_fill_victim(tlb_policy_t policy, uint32_t want_victim_vpn, uint32_t want_rank)
{
    mmu_t mmu;
    evbus_t bus;
    evbus_init(&bus);
    fills_t f = {0};
    assert_true(evbus_subscribe(&bus, count_fills, &f));
    make_mmu(&mmu, &bus, policy, 4);
    for (uint32_t vpn = 1; vpn <= 4; vpn++) {
        load(&mmu, vpn, NULL);
        assert_int_equal(f.last_fill.a, vpn - 1);        /* the lowest invalid slot */
        assert_int_equal(f.last_fill.b, UINT32_MAX);     /* it held nothing */
    }
    load(&mmu, 1, NULL); /* a hit */
    assert_int_equal(f.fills, 4);
    load(&mmu, 9, NULL);
    assert_int_equal(f.fills, 5);
    assert_int_equal(f.last_fill.b, want_victim_vpn);
    assert_int_equal(f.last_fill.c, want_rank);
    assert_int_equal(f.last_fill.d, (uint32_t)policy | 4u << 8); /* the policy and its ways */
    assert_int_equal(mmu.tlb->e[f.last_fill.a].vpn, 9);
    mmu_destroy(&mmu);
}

static void test_fill_events(void **state)
{
    (void)state;
    check_fill_victim(TLB_LRU, 2, 3);  /* page 1 was used again: page 2 is the oldest, rank 3 of 4 */
    check_fill_victim(TLB_FIFO, 1, 3); /* hits change nothing: page 1 was filled first */
    check_fill_victim(TLB_PLRU, 3, 2); /* the tree points away from 4 and then from 1: slot 2, both bits at it */
}

/* Every policy of the table has its operations; the names round-trip. */
static void test_policy_table(void **state)
{
    (void)state;
    for (int p = 0; p < TLB_POLICY_COUNT; p++) {
        tlb_policy_t back;
        assert_true(tlb_policy_parse(tlb_policy_name[p], &back));
        assert_int_equal(back, p);
        mmu_t mmu;
        make_mmu(&mmu, NULL, (tlb_policy_t)p, 4);
        assert_string_equal(mmu.tlb->ops->name, tlb_policy_name[p]);
        for (uint32_t vpn = 0; vpn < PAGES; vpn++) /* every victim a valid way */
            load(&mmu, vpn, NULL);
        mmu_destroy(&mmu);
    }
    tlb_policy_t none;
    assert_false(tlb_policy_parse("mru", &none));
}

static void test_relocation_unit(void **state)
{
    (void)state;
    mmu_regs_t r = {.mode = MMU_RELOC, .base = 0x1000, .limit = 0x800};
    uint32_t pa;
    assert_int_equal(contiguous_translate(&r, 0x4000, MODE_USER, 0x7FC, 4, &pa), TRAP_NONE);
    assert_int_equal(pa, 0x17FC);
    assert_int_equal(contiguous_translate(&r, 0x4000, MODE_USER, 0x7FE, 4, &pa), TRAP_PROTECTION);
    assert_int_equal(pa, 0x17FE);
    assert_int_equal(contiguous_translate(&r, 0x4000, MODE_KERNEL, 0x3000, 4, &pa), TRAP_NONE); /* not relocated */
    assert_int_equal(pa, 0x3000);
    r = (mmu_regs_t){.mode = MMU_RELOC, .base = 0x3C00, .limit = 0x800};
    assert_int_equal(contiguous_translate(&r, 0x4000, MODE_USER, 0x400, 4, &pa), TRAP_BUS); /* below the limit, past memory */
    r = (mmu_regs_t){.mode = MMU_BARE, .fence = 0x2000};
    assert_int_equal(contiguous_translate(&r, 0x4000, MODE_USER, 0x2000, 1, &pa), TRAP_FENCE);
    assert_int_equal(contiguous_translate(&r, 0x4000, MODE_USER, 0x4000, 1, &pa), TRAP_BUS);
    assert_int_equal(contiguous_translate(&r, 0x4000, MODE_KERNEL, 0x2000, 1, &pa), TRAP_NONE);
    assert_int_equal(contiguous_reach(&r, 0x4000, MODE_USER), 0x2000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_translate_and_count), cmocka_unit_test(test_record_changes_nothing),
        cmocka_unit_test(test_fill_events),         cmocka_unit_test(test_policy_table),
        cmocka_unit_test(test_relocation_unit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
