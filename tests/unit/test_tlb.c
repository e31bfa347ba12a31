/*
 * The modeled TLB (mmu/tlb.c): hit and miss counts for hand-worked
 * sequences under each policy and geometry, set = vpn % sets, ASIDs, global
 * entries and flushes, the PLRU tree, the random policy's generator, the
 * `ok` masks, the state read back, and a cross-check against a naive
 * reference model on long pseudo-random streams.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../mmu/tlb.h"

#define ALL (PTE_V | PTE_R | PTE_W | PTE_X | PTE_U | PTE_A | PTE_D)

static tlb_t *make_tlb(uint32_t entries, uint32_t ways, tlb_policy_t policy, uint32_t asid_bits)
{
    machine_config_t cfg;
    char err[200];
    machine_config_defaults(&cfg);
    cfg.tlb_entries = entries;
    cfg.tlb_ways = ways;
    cfg.tlb_policy = policy;
    cfg.asid_bits = asid_bits;
    cfg.seed = 1;
    tlb_t *tlb = tlb_create(&cfg, err, sizeof err);
    assert_non_null(tlb);
    return tlb;
}

/* One access as the hardware does it: lookup, fill on a miss. */
static bool touch_page(tlb_t *tlb, uint64_t vpn, uint32_t asid)
{
    if (tlb_lookup(tlb, vpn, asid))
        return true;
    tlb_fill(tlb, vpn, asid, (uint32_t)vpn + 100, ALL, NULL);
    return false;
}

static void run(tlb_t *tlb, const uint64_t *vpns, size_t n)
{
    for (size_t i = 0; i < n; i++)
        touch_page(tlb, vpns[i], 0);
}

/* The slot holding vpn, or -1. */
static int slot_of_vpn(tlb_t *tlb, uint64_t vpn)
{
    tlb_view_t rows[1024];
    int n = tlb_read(tlb, rows, 1024);
    for (int i = 0; i < n; i++)
        if (rows[i].valid && rows[i].vpn == vpn)
            return i;
    return -1;
}

static void test_direct_mapped(void **state)
{
    (void)state;
    tlb_t *tlb = make_tlb(4, 1, TLB_LRU, 0);
    const uint64_t seq[] = {0, 4, 0, 1, 5, 1, 2, 2};
    run(tlb, seq, 8);
    assert_int_equal(tlb->misses, 7); /* 0 and 4 share set 0, 1 and 5 set 1 */
    assert_int_equal(tlb->hits, 1);
    assert_int_equal(slot_of_vpn(tlb, 2), 2);
    tlb_destroy(tlb);
}

static void test_set_is_vpn_mod_sets(void **state)
{
    (void)state;
    tlb_t *tlb = make_tlb(6, 2, TLB_LRU, 0); /* 3 sets */
    const uint64_t seq[] = {0, 3, 6, 3, 0};
    run(tlb, seq, 5);
    assert_int_equal(tlb->misses, 4); /* 6 evicts 0 (LRU of set 0), 3 hits, 0 misses */
    assert_int_equal(tlb->hits, 1);
    assert_in_range(slot_of_vpn(tlb, 3), 0, 1);
    assert_in_range(slot_of_vpn(tlb, 0), 0, 1);
    assert_int_equal(slot_of_vpn(tlb, 6), -1);
    touch_page(tlb, 4, 0);
    assert_in_range(slot_of_vpn(tlb, 4), 2, 3); /* set 1 */
    touch_page(tlb, 8, 0);
    assert_in_range(slot_of_vpn(tlb, 8), 4, 5); /* set 2 */
    tlb_destroy(tlb);
}

static void test_lru_and_fifo_differ(void **state)
{
    (void)state;
    const uint64_t seq[] = {1, 2, 3, 1, 4, 1, 2};
    tlb_t *lru = make_tlb(3, 3, TLB_LRU, 0), *fifo = make_tlb(3, 3, TLB_FIFO, 0);
    run(lru, seq, 7);
    run(fifo, seq, 7);
    assert_int_equal(lru->hits, 2); /* 4 evicts 2; 1 hits twice; 2 misses */
    assert_int_equal(lru->misses, 5);
    assert_int_equal(fifo->hits, 1); /* 4 evicts 1, which then misses */
    assert_int_equal(fifo->misses, 6);
    tlb_destroy(lru);
    tlb_destroy(fifo);
}

static void test_two_way_lru(void **state)
{
    (void)state;
    tlb_t *tlb = make_tlb(4, 2, TLB_LRU, 0); /* 2 sets of 2 */
    const uint64_t seq[] = {0, 2, 0, 4, 2, 1, 3, 5, 1};
    run(tlb, seq, 9);
    /* set 0: 0m 2m 0h 4m(evicts 2) 2m(evicts 0); set 1: 1m 3m 5m(evicts 1) 1m */
    assert_int_equal(tlb->hits, 1);
    assert_int_equal(tlb->misses, 8);
    tlb_destroy(tlb);
}

static void test_lru_ages_read_back(void **state)
{
    (void)state;
    tlb_t *tlb = make_tlb(4, 4, TLB_LRU, 0);
    const uint64_t seq[] = {10, 11, 12, 10};
    run(tlb, seq, 4);
    tlb_view_t rows[4];
    assert_int_equal(tlb_read(tlb, rows, 4), 4);
    assert_true(rows[0].valid && rows[0].vpn == 10 && rows[0].age == 0);
    assert_true(rows[2].valid && rows[2].vpn == 12 && rows[2].age == 1);
    assert_true(rows[1].valid && rows[1].vpn == 11 && rows[1].age == 2);
    assert_false(rows[3].valid);
    assert_int_equal(rows[0].ppn, 110);
    assert_int_equal(rows[0].dirty, 1);
    tlb_destroy(tlb);
}

static void test_invalid_slots_filled_first(void **state)
{
    (void)state;
    tlb_t *tlb = make_tlb(4, 4, TLB_LRU, 0);
    const uint64_t seq[] = {1, 2, 3, 4};
    run(tlb, seq, 4);
    assert_int_equal(slot_of_vpn(tlb, 3), 2);
    assert_int_equal(tlb_flush(tlb, TLB_FLUSH_PAGE, 0, 3), 1);
    touch_page(tlb, 9, 0); /* the hole, not the LRU entry (1) */
    assert_int_equal(slot_of_vpn(tlb, 9), 2);
    assert_int_equal(slot_of_vpn(tlb, 1), 0);
    tlb_destroy(tlb);
}

static void test_plru_tree(void **state)
{
    (void)state;
    tlb_t *plru = make_tlb(4, 4, TLB_PLRU, 0), *lru = make_tlb(4, 4, TLB_LRU, 0);
    const uint64_t seq[] = {0, 1, 2, 3, 3, 0};
    run(plru, seq, 6);
    run(lru, seq, 6);
    /* After the fills all bits are 0; touching 3 keeps them, touching 0 sets
     * the root to 1 (go right) and node 2 to 1: the victim is slot 2 (vpn 2),
     * where true LRU evicts vpn 1. */
    tlb_view_t rows[4];
    tlb_read(plru, rows, 4);
    assert_int_equal(rows[2].age, 2);
    assert_int_equal(rows[0].age, 0);
    touch_page(plru, 7, 0);
    touch_page(lru, 7, 0);
    assert_int_equal(slot_of_vpn(plru, 7), 2);
    assert_int_equal(slot_of_vpn(plru, 1), 1);
    assert_int_equal(slot_of_vpn(lru, 1), -1);
    assert_int_equal(slot_of_vpn(lru, 2), 2);
    tlb_destroy(plru);
    tlb_destroy(lru);
}

static uint32_t xorshift32(uint32_t x)
{
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return x;
}

static void test_random_is_the_documented_generator(void **state)
{
    (void)state;
    tlb_t *tlb = make_tlb(4, 4, TLB_RANDOM, 0);
    const uint64_t fill[] = {0, 1, 2, 3};
    run(tlb, fill, 4);
    uint32_t x = 1;
    for (uint64_t vpn = 100; vpn < 120; vpn++) {
        x = xorshift32(x);
        uint32_t slot = x % 4;
        touch_page(tlb, vpn, 0);
        assert_int_equal(slot_of_vpn(tlb, vpn), slot);
    }
    tlb_destroy(tlb);
}

static void test_random_deterministic_per_seed(void **state)
{
    (void)state;
    tlb_t *a = make_tlb(16, 4, TLB_RANDOM, 0), *b = make_tlb(16, 4, TLB_RANDOM, 0);
    uint32_t x = 12345;
    for (int i = 0; i < 5000; i++) {
        x = xorshift32(x);
        uint64_t vpn = x % 40;
        assert_int_equal(touch_page(a, vpn, 0), touch_page(b, vpn, 0));
    }
    assert_int_equal(a->misses, b->misses);
    assert_true(a->hits > 0 && a->misses > 40);
    tlb_destroy(a);
    tlb_destroy(b);
}

static void test_asid_tags_and_global(void **state)
{
    (void)state;
    tlb_t *tlb = make_tlb(8, 8, TLB_LRU, 8);
    tlb_fill(tlb, 5, 1, 50, ALL, NULL);
    tlb_fill(tlb, 7, 1, 70, ALL | PTE_G, NULL);
    assert_null(tlb_lookup(tlb, 5, 2));
    assert_non_null(tlb_lookup(tlb, 5, 1));
    assert_non_null(tlb_lookup(tlb, 7, 2)); /* global: any ASID */
    assert_int_equal(tlb_flush(tlb, TLB_FLUSH_ASID, 1, 0), 1);
    assert_null(tlb_find(tlb, 5, 1));
    assert_non_null(tlb_find(tlb, 7, 1)); /* survives flush-by-ASID */
    assert_int_equal(tlb_flush(tlb, TLB_FLUSH_PAGE, 3, 7), 1); /* global included */
    assert_null(tlb_find(tlb, 7, 1));
    tlb_fill(tlb, 1, 4, 10, ALL, NULL);
    tlb_fill(tlb, 2, 5, 20, ALL | PTE_G, NULL);
    assert_int_equal(tlb_flush(tlb, TLB_FLUSH_PAGE, 5, 1), 0); /* other ASID */
    assert_int_equal(tlb_flush(tlb, TLB_FLUSH_ALL, 0, 0), 2);
    assert_null(tlb_find(tlb, 2, 5));
    tlb_destroy(tlb);
}

static void test_zero_asid_bits(void **state)
{
    (void)state;
    tlb_t *tlb = make_tlb(4, 4, TLB_LRU, 0);
    tlb_fill(tlb, 3, 9, 30, ALL, NULL);
    assert_non_null(tlb_lookup(tlb, 3, 5)); /* every entry is ASID 0 */
    tlb_view_t rows[4];
    tlb_read(tlb, rows, 4);
    assert_int_equal(rows[0].asid, 0);
    tlb_destroy(tlb);
}

static void test_ok_masks(void **state)
{
    (void)state;
    tlb_t *tlb = make_tlb(4, 4, TLB_LRU, 0);
    tlb_entry_t *ro = tlb_fill(tlb, 1, 0, 1, PTE_V | PTE_R | PTE_U | PTE_A, NULL);
    tlb_entry_t *clean = tlb_fill(tlb, 2, 0, 2, PTE_V | PTE_R | PTE_W | PTE_U | PTE_A, NULL);
    tlb_entry_t *kernel = tlb_fill(tlb, 3, 0, 3, PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D, NULL);
    assert_true(ro->ok & 1u << tlb_ok_bit(MODE_USER, ACC_LOAD));
    assert_false(ro->ok & 1u << tlb_ok_bit(MODE_USER, ACC_STORE));
    assert_false(ro->ok & 1u << tlb_ok_bit(MODE_USER, ACC_FETCH));
    assert_false(clean->ok & 1u << tlb_ok_bit(MODE_USER, ACC_STORE)); /* needs D set */
    assert_int_equal(pte_access_fault(clean->perm, ACC_STORE, MODE_USER), TRAP_NONE);
    tlb_set_perm(clean, clean->perm | PTE_D);
    assert_true(clean->ok & 1u << tlb_ok_bit(MODE_USER, ACC_STORE));
    assert_false(kernel->ok & 1u << tlb_ok_bit(MODE_USER, ACC_LOAD));
    assert_true(kernel->ok & 1u << tlb_ok_bit(MODE_KERNEL, ACC_STORE));
    assert_true(kernel->ok & 1u << tlb_ok_bit(MODE_KERNEL, ACC_FETCH));
    tlb_destroy(tlb);
}

static void test_uniqueness_invariant_aborts(void **state)
{
    (void)state;
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        freopen("/dev/null", "w", stderr);
        tlb_t *tlb = make_tlb(16, 16, TLB_LRU, 8);
        tlb_fill(tlb, 1, 1, 10, ALL | PTE_G, NULL);
        tlb_fill(tlb, 1, 2, 11, ALL, NULL); /* an OS bug: both match (1, 2) */
        tlb_lookup(tlb, 1, 2);
        _exit(0);
    }
    int status;
    waitpid(pid, &status, 0);
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), SIGABRT);
}

static void test_config_check(void **state)
{
    (void)state;
    machine_config_t cfg;
    char err[200];
    machine_config_defaults(&cfg);
    cfg.tlb_entries = 6;
    cfg.tlb_ways = 4;
    assert_false(tlb_config_check(&cfg, err, sizeof err));
    assert_non_null(strstr(err, "ways"));
    cfg.tlb_ways = 3;
    cfg.tlb_policy = TLB_PLRU;
    assert_false(tlb_config_check(&cfg, err, sizeof err));
    assert_non_null(strstr(err, "power-of-two"));
    cfg.tlb_entries = 2048;
    assert_false(tlb_config_check(&cfg, err, sizeof err));
    cfg.tlb_entries = 16;
    cfg.tlb_ways = 16;
    cfg.asid_bits = 17;
    assert_false(tlb_config_check(&cfg, err, sizeof err));
    cfg.asid_bits = 16;
    assert_true(tlb_config_check(&cfg, err, sizeof err));
}

/* --- a naive reference: per set, an array ordered by recency or insertion --- */

typedef struct {
    uint64_t vpn[64];
    int n;
} ref_set_t;

static bool ref_access(ref_set_t *sets, uint32_t nsets, uint32_t ways, bool lru, uint64_t vpn)
{
    ref_set_t *s = &sets[vpn % nsets];
    for (int i = 0; i < s->n; i++) {
        if (s->vpn[i] != vpn)
            continue;
        if (lru) { /* move to the back (most recent) */
            memmove(&s->vpn[i], &s->vpn[i + 1], (size_t)(s->n - i - 1) * sizeof s->vpn[0]);
            s->vpn[s->n - 1] = vpn;
        }
        return true;
    }
    if ((uint32_t)s->n == ways) {
        memmove(&s->vpn[0], &s->vpn[1], (size_t)(s->n - 1) * sizeof s->vpn[0]);
        s->n--;
    }
    s->vpn[s->n++] = vpn;
    return false;
}

static void cross_check(uint32_t entries, uint32_t ways, tlb_policy_t policy)
{
    tlb_t *tlb = make_tlb(entries, ways, policy, 0);
    uint32_t nsets = entries / ways;
    ref_set_t *sets = calloc(nsets, sizeof *sets);
    uint32_t x = 2463534242u;
    for (int i = 0; i < 30000; i++) {
        x = xorshift32(x);
        uint64_t vpn = (x % 7 == 0) ? 0x7ff000000ull + x % 9 : x % (entries + entries / 2 + 3);
        bool want = ref_access(sets, nsets, ways, policy == TLB_LRU, vpn);
        assert_int_equal(touch_page(tlb, vpn, 0), want);
    }
    free(sets);
    tlb_destroy(tlb);
}

static void test_cross_check_reference_model(void **state)
{
    (void)state;
    const uint32_t shapes[][2] = {{64, 64}, {16, 4}, {12, 3}, {6, 2}, {8, 1}, {32, 16}, {48, 12}, {1, 1}};
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
        cross_check(shapes[i][0], shapes[i][1], TLB_LRU);
        cross_check(shapes[i][0], shapes[i][1], TLB_FIFO);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_direct_mapped),
        cmocka_unit_test(test_set_is_vpn_mod_sets),
        cmocka_unit_test(test_lru_and_fifo_differ),
        cmocka_unit_test(test_two_way_lru),
        cmocka_unit_test(test_lru_ages_read_back),
        cmocka_unit_test(test_invalid_slots_filled_first),
        cmocka_unit_test(test_plru_tree),
        cmocka_unit_test(test_random_is_the_documented_generator),
        cmocka_unit_test(test_random_deterministic_per_seed),
        cmocka_unit_test(test_asid_tags_and_global),
        cmocka_unit_test(test_zero_asid_bits),
        cmocka_unit_test(test_ok_masks),
        cmocka_unit_test(test_uniqueness_invariant_aborts),
        cmocka_unit_test(test_config_check),
        cmocka_unit_test(test_cross_check_reference_model),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
