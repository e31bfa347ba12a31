/*
 * The thrashing model's shape (studies/thrash.c), with its defaults: 8-page
 * workers, 64 frames, so the working sets fit up to 8 processes.  Under
 * equal allocation utilisation rises, peaks inside the sweep and collapses
 * below 0.7 of the peak once a ninth process arrives; the fault rate is
 * zero while everything fits and not after; the working-set allocator
 * admits only as many as fit and keeps utilisation within 80% of its peak.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "../../studies/thrash.h"

#define MAX_DEGREE 12

static void sweep(frame_alloc_t alloc, thrash_point_t *pts)
{
    thrash_config_t c;
    thrash_config_defaults(&c);
    c.alloc = alloc;
    c.cycles = 6000000;
    c.warmup = 1000000;
    for (int d = 1; d <= MAX_DEGREE; d++)
        assert_true(thrash_run(&c, d, &pts[d - 1]));
}

static int peak(const thrash_point_t *pts)
{
    int k = 0;
    for (int i = 1; i < MAX_DEGREE; i++)
        if (pts[i].cpu_utilisation > pts[k].cpu_utilisation)
            k = i;
    return k;
}

static void test_equal_allocation_knee(void **state)
{
    (void)state;
    thrash_point_t pts[MAX_DEGREE];
    sweep(ALLOC_EQUAL, pts);
    int k = peak(pts);
    assert_true(k > 0 && k < MAX_DEGREE - 1);
    assert_int_equal(k + 1, 8); /* 8 x 8 pages = 64 frames: the last degree that fits */
    assert_true(pts[MAX_DEGREE - 1].cpu_utilisation < 0.7 * pts[k].cpu_utilisation);
    assert_true(pts[0].cpu_utilisation < pts[k].cpu_utilisation);
    assert_true(pts[7].fault_rate < 1e-4);  /* fits: cold misses only, before the warm-up */
    assert_true(pts[8].fault_rate > 1e-3);  /* a ninth: every visit faults */
    assert_true(pts[8].disk_busy > 0.9);    /* the paging disk is the bottleneck */
}

static void test_working_set_allocator_holds(void **state)
{
    (void)state;
    thrash_point_t pts[MAX_DEGREE];
    sweep(ALLOC_WS, pts);
    int k = peak(pts);
    assert_true(pts[MAX_DEGREE - 1].cpu_utilisation >= 0.8 * pts[k].cpu_utilisation);
    assert_true(pts[MAX_DEGREE - 1].active < 9); /* admission control: about 8 admitted */
    assert_true(pts[MAX_DEGREE - 1].mean_ws > 7.5 && pts[MAX_DEGREE - 1].mean_ws < 8.5);
}

static void test_one_process_mostly_waits(void **state)
{
    (void)state;
    thrash_config_t c;
    thrash_config_defaults(&c);
    thrash_point_t pt;
    assert_true(thrash_run(&c, 1, &pt));
    /* burst 2000 references x 5 cycles against I/O waits of 60000: about 10000 / 70000 */
    assert_true(pt.cpu_utilisation > 0.08 && pt.cpu_utilisation < 0.2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_equal_allocation_knee),
        cmocka_unit_test(test_working_set_allocator_holds),
        cmocka_unit_test(test_one_process_mostly_waits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
