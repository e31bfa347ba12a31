/*
 * Page replacement (os/replace.c, studies/refsim.c, os/u64map.c): the textbook
 * fault counts, Belady's anomaly, second chance worked by hand, local
 * replacement with a candidate mask, OPT through its oracle, next-use
 * arrays and the hash map they rest on, and the next-use file (more than one
 * block of it) giving the same next uses and the same OPT as the array.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../studies/nextuse.h"
#include "../../studies/refsim.h"

static const uint64_t textbook[] = {7, 0, 1, 2, 0, 3, 0, 4, 2, 3, 0, 3, 2, 1, 2, 0, 1, 7, 0, 1};
static const uint64_t belady[] = {1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5};
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Faults of `frames` frames under policy; the final frame contents in last. */
static uint64_t faults_of(repl_policy_t policy, uint32_t frames, const uint64_t *pages, size_t n, uint64_t *last)
{
    uint64_t *next_use = malloc(n * sizeof *next_use);
    assert_true(refs_next_use(pages, n, next_use));
    refsim_t sim;
    assert_true(refsim_init(&sim, policy, frames, next_use));
    for (size_t t = 0; t < n; t++) {
        bool fault;
        uint64_t evicted;
        assert_int_not_equal(refsim_access(&sim, pages[t], t, &fault, &evicted), REPL_NONE);
    }
    uint64_t faults = sim.faults;
    if (last)
        memcpy(last, sim.frame_page, frames * sizeof *last);
    refsim_free(&sim);
    free(next_use);
    return faults;
}

static void test_textbook_counts(void **state)
{
    (void)state;
    assert_int_equal(faults_of(REPL_FIFO, 3, textbook, COUNT(textbook), NULL), 15);
    assert_int_equal(faults_of(REPL_OPT, 3, textbook, COUNT(textbook), NULL), 9);
    assert_int_equal(faults_of(REPL_LRU, 3, textbook, COUNT(textbook), NULL), 12);
}

static void test_lru_final_frames_as_on_slide_54(void **state)
{
    (void)state;
    uint64_t last[3];
    faults_of(REPL_LRU, 3, textbook, COUNT(textbook), last);
    assert_int_equal(last[0], 1); /* the slide's last column: 1 0 7 */
    assert_int_equal(last[1], 0);
    assert_int_equal(last[2], 7);
}

static void test_belady_anomaly(void **state)
{
    (void)state;
    assert_int_equal(faults_of(REPL_FIFO, 3, belady, COUNT(belady), NULL), 9);
    assert_int_equal(faults_of(REPL_FIFO, 4, belady, COUNT(belady), NULL), 10);
    /* LRU and OPT are stack algorithms: more frames never hurt */
    assert_true(faults_of(REPL_LRU, 4, belady, COUNT(belady), NULL) <=
                faults_of(REPL_LRU, 3, belady, COUNT(belady), NULL));
    assert_true(faults_of(REPL_OPT, 4, belady, COUNT(belady), NULL) <=
                faults_of(REPL_OPT, 3, belady, COUNT(belady), NULL));
}

/* Worked by hand in docs/replacement.md: 14 faults, frames end 0 7 1. */
static void test_clock_by_hand(void **state)
{
    (void)state;
    uint64_t last[3];
    assert_int_equal(faults_of(REPL_CLOCK, 3, textbook, COUNT(textbook), last), 14);
    assert_int_equal(last[0], 0);
    assert_int_equal(last[1], 7);
    assert_int_equal(last[2], 1);
}

static void test_clock_steps(void **state)
{
    (void)state;
    replacer_t *r = repl_create(REPL_CLOCK, 3);
    for (uint32_t f = 0; f < 3; f++) {
        assert_int_equal(repl_free_frame(r), f);
        repl_load(r, f, f);
    }
    assert_int_equal(repl_hand(r), 0); /* filling free frames leaves it */
    /* all bits set: a full sweep clears them and takes frame 0 */
    assert_int_equal(repl_victim(r, NULL, 3), 0);
    assert_int_equal(repl_hand(r), 1);
    assert_false(repl_refbit(r, 1));
    repl_load(r, 0, 3);
    repl_reference(r, 1, 4); /* second chance for frame 1 */
    assert_int_equal(repl_victim(r, NULL, 5), 2);
    assert_int_equal(repl_hand(r), 0);
    repl_destroy(r);
}

static void test_free_frames_lowest_first(void **state)
{
    (void)state;
    replacer_t *r = repl_create(REPL_LRU, 4);
    for (uint32_t f = 0; f < 4; f++)
        repl_load(r, f, f);
    assert_int_equal(repl_free_frame(r), REPL_NONE);
    repl_free(r, 2);
    repl_free(r, 1);
    assert_int_equal(repl_free_frame(r), 1);
    assert_false(repl_in_use(r, 2));
    repl_destroy(r);
}

static void test_local_replacement_mask(void **state)
{
    (void)state;
    replacer_t *lru = repl_create(REPL_LRU, 4), *fifo = repl_create(REPL_FIFO, 4);
    for (uint32_t f = 0; f < 4; f++) {
        repl_load(lru, f, f);
        repl_load(fifo, f, f);
    }
    repl_reference(lru, 1, 10);
    repl_reference(fifo, 1, 10);
    uint64_t mine = (1u << 1) | (1u << 3);
    assert_int_equal(repl_victim(lru, NULL, 11), 0);
    assert_int_equal(repl_victim(lru, &mine, 11), 3); /* 1 was used at 10 */
    assert_int_equal(repl_victim(fifo, &mine, 11), 1); /* loaded first of the two */
    uint64_t none = 0;
    assert_int_equal(repl_victim(lru, &none, 11), REPL_NONE);
    repl_destroy(lru);
    repl_destroy(fifo);

    replacer_t *clock = repl_create(REPL_CLOCK, 4);
    for (uint32_t f = 0; f < 4; f++)
        repl_load(clock, f, f);
    uint64_t odd = (1u << 1) | (1u << 3);
    assert_int_equal(repl_victim(clock, &odd, 4), 1);
    assert_true(repl_refbit(clock, 0)); /* not a candidate: left alone */
    assert_true(repl_refbit(clock, 2));
    assert_false(repl_refbit(clock, 3));
    repl_destroy(clock);
}

static uint64_t table_oracle(void *ctx, uint32_t frame, uint64_t last_use, uint64_t now)
{
    (void)last_use;
    (void)now;
    return ((const uint64_t *)ctx)[frame];
}

static void test_opt_oracle(void **state)
{
    (void)state;
    uint64_t next[4] = {50, REPL_NEVER, 70, REPL_NEVER};
    replacer_t *r = repl_create(REPL_OPT, 4);
    repl_set_oracle(r, table_oracle, next);
    for (uint32_t f = 0; f < 4; f++)
        repl_load(r, f, f);
    assert_int_equal(repl_victim(r, NULL, 5), 1); /* never used again; ties: lowest */
    uint64_t some = (1u << 0) | (1u << 2);
    assert_int_equal(repl_victim(r, &some, 5), 2);
    repl_destroy(r);
}

static void test_next_use(void **state)
{
    (void)state;
    const uint64_t pages[] = {1, 2, 1, 3, 2, 0x7ff000000ull, 1};
    uint64_t next[7];
    assert_true(refs_next_use(pages, 7, next));
    assert_int_equal(next[0], 2);
    assert_int_equal(next[1], 4);
    assert_int_equal(next[2], 6);
    assert_int_equal(next[3], REPL_NEVER);
    assert_int_equal(next[5], REPL_NEVER);
}

static void test_policy_names(void **state)
{
    (void)state;
    repl_policy_t p;
    assert_true(repl_policy_parse("clock", &p));
    assert_int_equal(p, REPL_CLOCK);
    assert_false(repl_policy_parse("mru", &p));
    assert_null(repl_create(REPL_LRU, 0));
}

static void test_u64map(void **state)
{
    (void)state;
    u64map_t m;
    assert_true(u64map_init(&m, 4));
    for (uint64_t k = 0; k < 20000; k++)
        assert_true(u64map_put(&m, k * 4096 + (k & 7), k));
    for (uint64_t k = 1; k < 20000; k += 2)
        assert_true(u64map_remove(&m, k * 4096 + (k & 7)));
    assert_false(u64map_remove(&m, 12345678));
    assert_int_equal(m.count, 10000);
    for (uint64_t k = 0; k < 20000; k++)
        assert_int_equal(u64map_get(&m, k * 4096 + (k & 7), 99999), k % 2 ? 99999 : k);
    u64map_free(&m);
}

/* A string longer than one block of the next-use file (65536 records). */
static uint64_t *long_string(size_t n, unsigned seed)
{
    uint64_t *pages = malloc(n * sizeof *pages);
    uint64_t x = seed * 2654435761u + 1;
    for (size_t i = 0; i < n; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        pages[i] = (x % 7 == 0) ? x % 5000 : x % 37; /* a hot set and a long tail */
    }
    return pages;
}

/* pages[0..n) through a next-use file, ready to be read back. */
static void spool(nextuse_t *nu, const uint64_t *pages, size_t n)
{
    char err[200];
    assert_true(nextuse_open(nu, err, sizeof err));
    for (size_t i = 0; i < n; i++)
        assert_true(nextuse_add(nu, pages[i]));
    assert_true(nextuse_finish(nu, err, sizeof err));
}

static void test_nextuse_file_matches_array(void **state)
{
    (void)state;
    enum { N = 150000 };
    uint64_t *pages = long_string(N, 3), *next_use = malloc(N * sizeof *next_use);
    assert_true(refs_next_use(pages, N, next_use));
    nextuse_t nu;
    char err[200];
    spool(&nu, pages, N);
    nextuse_rec_t rec;
    size_t i = 0;
    while (nextuse_next(&nu, &rec)) {
        assert_true(i < N);
        assert_int_equal(rec.page, pages[i]);
        assert_int_equal(rec.next, next_use[i]);
        i++;
    }
    assert_int_equal(i, N);
    assert_false(nextuse_failed(&nu, err, sizeof err));
    nextuse_close(&nu);
    free(pages);
    free(next_use);
}

/* OPT fed its future as a stream (s->next) faults exactly as with the array. */
static void test_opt_streamed_equals_array(void **state)
{
    (void)state;
    enum { N = 100000 };
    uint64_t *pages = long_string(N, 5);
    for (uint32_t frames = 3; frames <= 300; frames *= 10) {
        nextuse_t nu;
        spool(&nu, pages, N);
        refsim_t sim;
        assert_true(refsim_init(&sim, REPL_OPT, frames, NULL));
        nextuse_rec_t rec;
        for (uint64_t t = 0; nextuse_next(&nu, &rec); t++) {
            bool fault;
            uint64_t evicted;
            sim.next = rec.next;
            assert_int_not_equal(refsim_access(&sim, rec.page, t, &fault, &evicted), REPL_NONE);
        }
        assert_int_equal(sim.faults, faults_of(REPL_OPT, frames, pages, N, NULL));
        refsim_free(&sim);
        nextuse_close(&nu);
    }
    free(pages);
}

/* The choice record says why: FIFO's and LRU's victim heads repl_order, with
 * its load and use times; CLOCK names the bits it cleared, in sweep order. */
static void test_choice_and_order(void **state)
{
    (void)state;
    replacer_t *r = repl_create(REPL_LRU, 4);
    for (uint32_t f = 0; f < 4; f++)
        repl_load(r, f, 10 + f); /* loaded at 10, 11, 12, 13 */
    repl_reference(r, 0, 20);    /* frame 0 used last: 1 is least recent */
    uint32_t order[4];
    assert_int_equal(repl_order(r, order, 4), 4);
    assert_int_equal(order[0], 1);
    assert_int_equal(order[3], 0);
    assert_int_equal(repl_victim(r, NULL, 30), 1);
    const repl_choice_t *c = repl_last_choice(r);
    assert_int_equal(c->frame, 1);
    assert_int_equal(c->candidates, 4);
    assert_int_equal(c->loaded_at, 11);
    assert_int_equal(c->used_at, 0); /* not used since its load */
    assert_int_equal(repl_used_at(r, 0), 20);
    repl_destroy(r);

    r = repl_create(REPL_CLOCK, 4);
    for (uint32_t f = 0; f < 4; f++)
        repl_load(r, f, f);
    repl_victim(r, NULL, 5); /* every bit set: clears 0..3, takes 0 */
    c = repl_last_choice(r);
    assert_int_equal(c->frame, 0);
    assert_int_equal(c->hand_from, 0);
    assert_int_equal(c->ncleared, 4);
    for (uint32_t i = 0; i < 4; i++)
        assert_int_equal(c->cleared[i], i);
    repl_load(r, 0, 6);
    repl_reference(r, 1, 7);
    assert_int_equal(repl_victim(r, NULL, 8), 2); /* from the hand at 1: clears 1, takes 2 */
    assert_int_equal(c->ncleared, 1);
    assert_int_equal(c->cleared[0], 1);
    assert_int_equal(repl_order(r, order, 4), 4);
    assert_int_equal(order[0], 3); /* the ring from the hand, one past the victim */
    const uint64_t only_frame_1 = 1u << 1;
    assert_int_equal(repl_victim(r, &only_frame_1, 9), 1); /* the hand at 3 passes over 3 and 0 */
    assert_int_equal(c->hand_from, 1);
    assert_int_equal(c->ncleared, 0);
    assert_int_equal(repl_hand(r), 2);
    repl_destroy(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_textbook_counts),
        cmocka_unit_test(test_lru_final_frames_as_on_slide_54),
        cmocka_unit_test(test_belady_anomaly),
        cmocka_unit_test(test_clock_by_hand),
        cmocka_unit_test(test_clock_steps),
        cmocka_unit_test(test_free_frames_lowest_first),
        cmocka_unit_test(test_local_replacement_mask),
        cmocka_unit_test(test_opt_oracle),
        cmocka_unit_test(test_next_use),
        cmocka_unit_test(test_policy_names),
        cmocka_unit_test(test_u64map),
        cmocka_unit_test(test_nextuse_file_matches_array),
        cmocka_unit_test(test_opt_streamed_equals_array),
        cmocka_unit_test(test_choice_and_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
