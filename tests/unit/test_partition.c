/*
 * Unit tests of contiguous allocation (os/partition.h): the seed's dynamic
 * storage-allocation problem (slide 13).  One hand-made memory of 1024 bytes
 * with four holes of different sizes, where first, best, worst and next fit
 * each pick a different hole; merging of adjacent holes when a partition is
 * freed (slide 12: "adjacent free partitions combined"); rounding of requests
 * to the granule (internal fragmentation, slide 14); external fragmentation
 * (enough free bytes in all, no hole large enough); and after every step the
 * block list's invariants.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../os/partition.h"

#define NONE UINT32_MAX

/* Blocks sorted, contiguous over [start, end), never two holes side by side,
 * allocated sizes whole granules. */
static void check_invariants(const partitions_t *p)
{
    uint32_t at = p->start;
    for (int i = 0; i < p->nblocks; i++) {
        const block_t *b = &p->blocks[i];
        if (b->start != at)
            fail_msg("block %d starts at %u, want %u", i, b->start, at);
        assert_true(b->size > 0);
        if (b->owner) {
            assert_int_equal(b->size % p->granule, 0);
            assert_true(b->requested <= b->size);
        }
        if (i > 0 && !b->owner && !p->blocks[i - 1].owner)
            fail_msg("holes %d and %d are adjacent and not merged", i - 1, i);
        at += b->size;
    }
    assert_int_equal(at, p->end);
}

/* "start+size:owner ..." of the whole list, for readable comparisons. */
static const char *layout(const partitions_t *p)
{
    static char text[1024];
    size_t n = 0;
    text[0] = 0;
    for (int i = 0; i < p->nblocks && n < sizeof text - 32; i++)
        n += (size_t)snprintf(text + n, sizeof text - n, "%s%u+%u:%d", i ? " " : "", p->blocks[i].start,
                              p->blocks[i].size, p->blocks[i].owner);
    return text;
}

/*
 * The hand-made memory [0, 1024), granule 16:
 *
 *   0    112  p1          (asked 100: 12 bytes of internal fragmentation)
 *   112   96  hole        (p2 freed)
 *   208   48  p3
 *   256  208  hole        (p4 freed)
 *   464   48  p5
 *   512   64  hole        (p6 freed)
 *   576   48  p7
 *   624  400  hole        (never allocated)
 */
static void make_holes(partitions_t *p, fit_t fit)
{
    partitions_init(p, 0, 1024, 16, fit);
    const uint32_t sizes[] = {100, 96, 40, 208, 48, 64, 33};
    const uint32_t bases[] = {0, 112, 208, 256, 464, 512, 576};
    for (int i = 0; i < 7; i++) {
        uint32_t got = partitions_alloc(p, sizes[i], i + 1);
        if (got != bases[i])
            fail_msg("set-up allocation %d of %u bytes at %u, want %u (%s)", i + 1, sizes[i], got, bases[i], layout(p));
        check_invariants(p);
    }
    assert_true(partitions_free(p, 112));
    assert_true(partitions_free(p, 256));
    assert_true(partitions_free(p, 512));
    check_invariants(p);
    assert_string_equal(layout(p), "0+112:1 112+96:0 208+48:3 256+208:0 464+48:5 512+64:0 576+48:7 624+400:0");
    uint32_t free_bytes, largest;
    assert_int_equal(partitions_holes(p, &free_bytes, &largest), 4);
    assert_int_equal(free_bytes, 96 + 208 + 64 + 400);
    assert_int_equal(largest, 400);
}

static void test_first_fit_takes_the_first_hole_big_enough(void **state)
{
    (void)state;
    partitions_t p;
    make_holes(&p, FIT_FIRST);
    assert_int_equal(partitions_alloc(&p, 60, 10), 112);   /* 96-byte hole, 32 left */
    assert_int_equal(partitions_alloc(&p, 60, 11), 256);   /* 32 is too small now  */
    assert_int_equal(partitions_alloc(&p, 32, 12), 176);   /* the 32 left at 176   */
    assert_int_equal(partitions_alloc(&p, 200, 13), 624);  /* only the last hole   */
    check_invariants(&p);
    partitions_free_all(&p);
}

static void test_best_fit_takes_the_smallest_hole_big_enough(void **state)
{
    (void)state;
    partitions_t p;
    make_holes(&p, FIT_BEST);
    assert_int_equal(partitions_alloc(&p, 60, 10), 512);   /* 64: exact             */
    assert_int_equal(partitions_alloc(&p, 60, 11), 112);   /* 96 is now the smallest */
    assert_int_equal(partitions_alloc(&p, 200, 12), 256);  /* 208 rather than 400   */
    check_invariants(&p);
    assert_int_equal(partitions_holes(&p, NULL, NULL), 2);  /* 32 at 176, 400 at 624 */
    assert_string_equal(layout(&p),
                        "0+112:1 112+64:11 176+32:0 208+48:3 256+208:12 464+48:5 512+64:10 576+48:7 624+400:0");
    partitions_free_all(&p);
}

static void test_worst_fit_takes_the_largest_hole(void **state)
{
    (void)state;
    partitions_t p;
    make_holes(&p, FIT_WORST);
    assert_int_equal(partitions_alloc(&p, 60, 10), 624);   /* 400, 336 left        */
    assert_int_equal(partitions_alloc(&p, 60, 11), 688);   /* 336 is still largest */
    assert_int_equal(partitions_alloc(&p, 200, 12), 752);  /* 272 left at 752: still the largest */
    assert_int_equal(partitions_alloc(&p, 60, 13), 256);   /* now the 208-byte hole is */
    check_invariants(&p);
    partitions_free_all(&p);
}

static void test_next_fit_continues_where_the_last_search_stopped(void **state)
{
    (void)state;
    partitions_t p;
    make_holes(&p, FIT_NEXT);
    /* the last allocation ended at 624: the search starts there */
    assert_int_equal(partitions_alloc(&p, 200, 10), 624);  /* first fit would say 256 */
    assert_int_equal(partitions_alloc(&p, 60, 11), 832);   /* first fit would say 112 */
    /* 128 left at 896 is too small for 200: wrap around to the start */
    assert_int_equal(partitions_alloc(&p, 200, 12), 256);
    assert_int_equal(partitions_alloc(&p, 60, 13), 512);   /* onwards from 464, not back to 112 */
    assert_int_equal(partitions_alloc(&p, 60, 14), 896);
    assert_int_equal(partitions_alloc(&p, 60, 15), 960);   /* the rest of the last hole */
    assert_int_equal(partitions_alloc(&p, 60, 16), 112);   /* wrapped again */
    check_invariants(&p);
    partitions_free_all(&p);
}

static void test_freeing_merges_adjacent_holes(void **state)
{
    (void)state;
    partitions_t p;
    make_holes(&p, FIT_FIRST);
    /* p3 sits between two holes: freeing it makes one hole of 96 + 48 + 208 */
    assert_true(partitions_free(&p, 208));
    check_invariants(&p);
    assert_string_equal(layout(&p), "0+112:1 112+352:0 464+48:5 512+64:0 576+48:7 624+400:0");
    /* p1 joins the hole after it */
    assert_true(partitions_free(&p, 0));
    assert_string_equal(layout(&p), "0+464:0 464+48:5 512+64:0 576+48:7 624+400:0");
    /* p7 joins the holes on both sides */
    assert_true(partitions_free(&p, 576));
    assert_string_equal(layout(&p), "0+464:0 464+48:5 512+512:0");
    assert_true(partitions_free(&p, 464));
    assert_string_equal(layout(&p), "0+1024:0");
    check_invariants(&p);
    /* the merged hole serves a request no single hole could before */
    assert_int_equal(partitions_alloc(&p, 1024, 9), 0);
    partitions_free_all(&p);
}

static void test_freeing_what_is_not_a_partition_is_refused(void **state)
{
    (void)state;
    partitions_t p;
    make_holes(&p, FIT_FIRST);
    const char *before = layout(&p);
    char copy[1024];
    snprintf(copy, sizeof copy, "%s", before);
    assert_false(partitions_free(&p, 112));  /* a hole           */
    assert_false(partitions_free(&p, 16));   /* inside p1        */
    assert_false(partitions_free(&p, 5000)); /* outside          */
    assert_true(partitions_free(&p, 0));
    assert_false(partitions_free(&p, 0));    /* twice            */
    check_invariants(&p);
    assert_string_not_equal(layout(&p), copy);
    partitions_free_all(&p);
}

static void test_requests_round_up_to_the_granule(void **state)
{
    (void)state;
    partitions_t p;
    partitions_init(&p, 0x2000, 0x2000 + 64 * 1024, 4096, FIT_FIRST);
    assert_int_equal(partitions_alloc(&p, 1, 1), 0x2000);
    assert_int_equal(partitions_alloc(&p, 4096, 2), 0x3000);  /* exactly one granule */
    assert_int_equal(partitions_alloc(&p, 4097, 3), 0x4000);  /* two granules         */
    assert_int_equal(partitions_alloc(&p, 0, 4), 0x6000);     /* nothing still takes one */
    check_invariants(&p);
    assert_int_equal(p.blocks[0].size, 4096);
    assert_int_equal(p.blocks[0].requested, 1); /* 4095 bytes of internal fragmentation */
    assert_int_equal(p.blocks[2].size, 8192);
    assert_int_equal(p.blocks[2].requested, 4097);
    uint32_t free_bytes;
    partitions_holes(&p, &free_bytes, NULL);
    assert_int_equal(free_bytes, 64 * 1024 - 5 * 4096);
    /* granule 0 means 1: no rounding */
    partitions_free_all(&p);
    partitions_init(&p, 0, 100, 0, FIT_FIRST);
    assert_int_equal(partitions_alloc(&p, 7, 1), 0);
    assert_int_equal(partitions_alloc(&p, 7, 2), 7);
    check_invariants(&p);
    partitions_free_all(&p);
}

static void test_external_fragmentation_refuses_a_request(void **state)
{
    (void)state;
    for (fit_t fit = FIT_FIRST; fit < FIT_COUNT; fit++) {
        partitions_t p;
        make_holes(&p, fit);
        /* 768 bytes are free, but the largest hole has 400 */
        assert_int_equal(partitions_alloc(&p, 401, 10), NONE);
        assert_int_equal(partitions_alloc(&p, 0xFFFFFFFF, 10), NONE);
        assert_int_equal(partitions_alloc(&p, 400, 10), 624);
        assert_int_equal(partitions_alloc(&p, 209, 11), NONE);
        check_invariants(&p);
        partitions_free_all(&p);
    }
}

static void test_alloc_at_takes_a_given_place_inside_a_hole(void **state)
{
    (void)state;
    partitions_t p;
    make_holes(&p, FIT_FIRST);
    assert_true(partitions_alloc_at(&p, 288, 100, 20));       /* inside the 208-byte hole, rounded to 112 */
    check_invariants(&p);
    assert_string_equal(layout(&p),
                        "0+112:1 112+96:0 208+48:3 256+32:0 288+112:20 400+64:0 464+48:5 512+64:0 576+48:7 624+400:0");
    assert_false(partitions_alloc_at(&p, 200, 16, 21));       /* overlaps p3 */
    assert_false(partitions_alloc_at(&p, 112, 112, 21));      /* runs past the hole */
    assert_false(partitions_alloc_at(&p, 1020, 16, 21));      /* runs past the end */
    assert_true(partitions_alloc_at(&p, 624, 400, 21));       /* a whole hole */
    check_invariants(&p);
    partitions_free_all(&p);
}

static void test_owner_of_an_address(void **state)
{
    (void)state;
    partitions_t p;
    make_holes(&p, FIT_FIRST);
    assert_int_equal(partitions_owner(&p, 0), 1);
    assert_int_equal(partitions_owner(&p, 111), 1);
    assert_int_equal(partitions_owner(&p, 112), 0);   /* a hole */
    assert_int_equal(partitions_owner(&p, 255), 3);
    assert_int_equal(partitions_owner(&p, 623), 7);
    assert_int_equal(partitions_owner(&p, 1023), 0);
    assert_int_equal(partitions_owner(&p, 1024), -1); /* outside */
    partitions_free_all(&p);
    partitions_init(&p, 0x2000, 0x3000, 16, FIT_FIRST);
    assert_int_equal(partitions_owner(&p, 0x1FFF), -1);
    assert_int_equal(partitions_owner(&p, 0x2000), 0);
    partitions_free_all(&p);
}

static void test_many_allocations_keep_the_invariants(void **state)
{
    (void)state;
    /* a deterministic churn: allocate and free, check after every step */
    for (fit_t fit = FIT_FIRST; fit < FIT_COUNT; fit++) {
        partitions_t p;
        partitions_init(&p, 4096, 4096 + 65536, 16, fit);
        uint32_t bases[64] = {0};
        uint32_t seed = 12345;
        int live = 0;
        for (int step = 0; step < 2000; step++) {
            seed = seed * 1103515245u + 12345u;
            int slot = (int)((seed >> 16) % 64);
            if (bases[slot]) {
                assert_true(partitions_free(&p, bases[slot]));
                bases[slot] = 0;
                live--;
            } else {
                uint32_t size = 1 + (seed >> 8) % 3000;
                uint32_t b = partitions_alloc(&p, size, slot + 1);
                if (b != NONE) {
                    assert_int_equal(partitions_owner(&p, b), slot + 1);
                    assert_int_equal(partitions_owner(&p, b + size - 1), slot + 1);
                    bases[slot] = b;
                    live++;
                }
            }
            check_invariants(&p);
        }
        for (int s = 0; s < 64; s++)
            if (bases[s])
                assert_true(partitions_free(&p, bases[s]));
        assert_string_equal(layout(&p), "4096+65536:0");
        assert_true(live >= 0);
        partitions_free_all(&p);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_first_fit_takes_the_first_hole_big_enough),
        cmocka_unit_test(test_best_fit_takes_the_smallest_hole_big_enough),
        cmocka_unit_test(test_worst_fit_takes_the_largest_hole),
        cmocka_unit_test(test_next_fit_continues_where_the_last_search_stopped),
        cmocka_unit_test(test_freeing_merges_adjacent_holes),
        cmocka_unit_test(test_freeing_what_is_not_a_partition_is_refused),
        cmocka_unit_test(test_requests_round_up_to_the_granule),
        cmocka_unit_test(test_external_fragmentation_refuses_a_request),
        cmocka_unit_test(test_alloc_at_takes_a_given_place_inside_a_hole),
        cmocka_unit_test(test_owner_of_an_address),
        cmocka_unit_test(test_many_allocations_keep_the_invariants),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
