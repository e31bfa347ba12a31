/*
 * Contiguous allocation with answers worked out by hand: each fit on one
 * arrival sequence (exact bases and hole counts), merging on free,
 * compaction (bytes moved, words x copy_word_cycles), the workload
 * simulator on a hand-made trace (waiting, compaction, refusal), the
 * workload file format, and the fifty-percent rule on the defaults.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../os/partition.h"
#include "../../studies/workload.h"

/*
 * Memory [0, 98), granule 1: A 10@0, B 20@10, C 10@30, D 30@40, E 10@70,
 * then B and D leave.  Holes: 20@10, 30@40, 18@80.
 */
static void fragmented(partitions_t *p, fit_t fit)
{
    static const uint32_t sizes[] = {10, 20, 10, 30, 10};
    partitions_init(p, 0, 98, 1, fit);
    for (int i = 0; i < 5; i++)
        partitions_alloc(p, sizes[i], i + 1);
    assert_true(partitions_free(p, 10));
    assert_true(partitions_free(p, 40));
    assert_int_equal(partitions_holes(p, NULL, NULL), 3);
}

/* Ask for 15 then 12; expect those bases and three holes after each. */
static void two_requests(fit_t fit, uint32_t base15, uint32_t base12)
{
    partitions_t p;
    fragmented(&p, fit);
    assert_int_equal(partitions_alloc(&p, 15, 6), base15);
    assert_int_equal(partitions_holes(&p, NULL, NULL), 3);
    assert_int_equal(partitions_alloc(&p, 12, 7), base12);
    assert_int_equal(partitions_holes(&p, NULL, NULL), 3);
    partitions_free_all(&p);
}

static void test_first_fit(void **state)
{
    (void)state;
    two_requests(FIT_FIRST, 10, 40); /* 15 in 20@10; 12 skips the 5 left there */
}

static void test_best_fit(void **state)
{
    (void)state;
    two_requests(FIT_BEST, 80, 10); /* 18 is the smallest for 15; then 20 for 12 */
}

static void test_worst_fit(void **state)
{
    (void)state;
    two_requests(FIT_WORST, 40, 10); /* 30 the largest; then 20 beats 15 and 18 */
}

static void test_next_fit(void **state)
{
    (void)state;
    two_requests(FIT_NEXT, 80, 10); /* starts where E's allocation stopped; wraps */
}

static void test_merge_on_free(void **state)
{
    (void)state;
    partitions_t p;
    uint32_t free_bytes, largest;
    fragmented(&p, FIT_FIRST);
    assert_true(partitions_free(&p, 30)); /* C between two holes: one hole 10..70 */
    assert_int_equal(partitions_holes(&p, &free_bytes, &largest), 2);
    assert_int_equal(free_bytes, 20 + 10 + 30 + 18);
    assert_int_equal(largest, 60);
    assert_int_equal(partitions_alloc(&p, 60, 9), 10);
    assert_false(partitions_free(&p, 11)); /* not the start of a partition */
    partitions_free_all(&p);
}

static void test_granule_is_internal_fragmentation(void **state)
{
    (void)state;
    partitions_t p;
    uint64_t requested, allocated;
    partitions_init(&p, 0, 4096, 64, FIT_FIRST);
    assert_int_equal(partitions_alloc(&p, 100, 1), 0);
    assert_int_equal(partitions_alloc(&p, 64, 2), 128);
    partitions_usage(&p, &requested, &allocated);
    assert_int_equal(requested, 164);
    assert_int_equal(allocated, 192);
    partitions_free_all(&p);
}

typedef struct {
    int n;
    int owner[8];
    uint32_t from[8], to[8];
} moves_t;

static void record_move(void *ctx, int owner, uint32_t old_base, uint32_t new_base, uint32_t size)
{
    moves_t *m = ctx;
    (void)size;
    m->owner[m->n] = owner;
    m->from[m->n] = old_base;
    m->to[m->n++] = new_base;
}

static void test_compaction(void **state)
{
    (void)state;
    partitions_t p;
    moves_t moves = {0};
    uint32_t free_bytes, largest;
    fragmented(&p, FIT_FIRST);
    assert_int_equal(partitions_compact(&p, record_move, &moves), 20); /* C and E, 10 bytes each */
    assert_int_equal(moves.n, 2);
    assert_int_equal(moves.owner[0], 3);
    assert_int_equal(moves.from[0], 30);
    assert_int_equal(moves.to[0], 10);
    assert_int_equal(moves.owner[1], 5);
    assert_int_equal(moves.from[1], 70);
    assert_int_equal(moves.to[1], 20);
    assert_int_equal(partitions_holes(&p, &free_bytes, &largest), 1);
    assert_int_equal(largest, 68);
    assert_int_equal(partitions_base_of(&p, 5), 20);
    partitions_free_all(&p);
}

/*
 * Memory 100, granule 4: A 32 (stays), B 32 (leaves at 3), C 32 (stays),
 * D 16 at 4 takes B's hole, E 20 at 5 finds holes of 16 and 4: compaction
 * moves C (32 bytes = 8 words) down, and E fits at 80.
 */
static void hand_trace(wl_trace_t *t)
{
    memset(t, 0, sizeof *t);
    wl_trace_add(t, 0, 32, 100);
    wl_trace_add(t, 1, 32, 2);
    wl_trace_add(t, 2, 32, 100);
    wl_trace_add(t, 4, 16, 100);
    wl_trace_add(t, 5, 20, 100);
}

static void test_workload_compaction_cycles(void **state)
{
    (void)state;
    wl_trace_t t;
    wl_result_t r;
    wl_config_t cfg = {.mem = 100, .granule = 4, .on_full = WL_WAIT, .compact = true, .copy_word_cycles = 4};
    hand_trace(&t);
    wl_run(&t, &cfg, FIT_FIRST, &r);
    assert_int_equal(r.satisfied, 5);
    assert_int_equal(r.compactions, 1);
    assert_int_equal(r.compaction_bytes, 32);
    assert_int_equal(r.compaction_cycles, 8 * 4);
    cfg.compact = false; /* E waits instead and is still waiting at the end */
    wl_run(&t, &cfg, FIT_FIRST, &r);
    assert_int_equal(r.compactions, 0);
    assert_int_equal(r.pending, 1);
    cfg.on_full = WL_REFUSE;
    wl_run(&t, &cfg, FIT_FIRST, &r);
    assert_int_equal(r.refused, 1);
    assert_int_equal(r.satisfied, 4);
    wl_trace_free(&t);
}

static void test_workload_waiting_time(void **state)
{
    (void)state;
    wl_trace_t t = {0};
    wl_result_t r;
    wl_config_t cfg = {.mem = 64, .granule = 4, .on_full = WL_WAIT};
    wl_trace_add(&t, 0, 64, 10); /* all the memory until 10 */
    wl_trace_add(&t, 2, 32, 5);  /* waits 8 */
    wl_trace_add(&t, 20, 4, 1);  /* the end of the measured period */
    wl_run(&t, &cfg, FIT_FIRST, &r);
    assert_int_equal(r.waited, 1);
    assert_true(r.mean_wait > 8.0 / 3 - 1e-9 && r.mean_wait < 8.0 / 3 + 1e-9);
    /* time averages over [0, 20): one block for 10, then one for 5, then none */
    assert_true(r.mean_allocated > 0.75 - 1e-9 && r.mean_allocated < 0.75 + 1e-9);
    wl_trace_free(&t);
}

static void test_workload_file(void **state)
{
    (void)state;
    char path[] = "/tmp/mmulab_wl_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fprintf(f, "# arrival size lifetime\n2 1K 5\n0 100 3   # first\n\n");
    fclose(f);
    wl_trace_t t = {0};
    char err[256];
    assert_true(wl_read_file(path, &t, err, sizeof err));
    assert_int_equal(t.n, 2);
    assert_int_equal(t.req[0].size, 100); /* sorted by arrival */
    assert_int_equal(t.req[1].size, 1024);
    wl_trace_free(&t);
    f = fopen(path, "a");
    fprintf(f, "3 lots 4\n");
    fclose(f);
    assert_false(wl_read_file(path, &t, err, sizeof err));
    assert_non_null(strstr(err, ":5:"));
    wl_trace_free(&t);
    remove(path);
}

static void test_fifty_percent_rule(void **state)
{
    (void)state;
    wl_gen_t g = {.count = 5000, .arrival_mean = 1, .lifetime_mean = 50, .size_min = 1024, .size_max = 32768};
    wl_config_t cfg = {.mem = 1u << 20, .granule = 16, .on_full = WL_WAIT, .warmup = 1000};
    wl_trace_t t = {0};
    wl_result_t r;
    assert_true(wl_generate(&t, &g, 1));
    wl_run(&t, &cfg, FIT_FIRST, &r);
    double ratio = r.mean_holes / r.mean_allocated;
    assert_true(ratio > 0.4 && ratio < 0.6);
    assert_true(r.mean_allocated > 30); /* heavily loaded */
    wl_trace_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_first_fit),
        cmocka_unit_test(test_best_fit),
        cmocka_unit_test(test_worst_fit),
        cmocka_unit_test(test_next_fit),
        cmocka_unit_test(test_merge_on_free),
        cmocka_unit_test(test_granule_is_internal_fragmentation),
        cmocka_unit_test(test_compaction),
        cmocka_unit_test(test_workload_compaction_cycles),
        cmocka_unit_test(test_workload_waiting_time),
        cmocka_unit_test(test_workload_file),
        cmocka_unit_test(test_fifty_percent_rule),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
