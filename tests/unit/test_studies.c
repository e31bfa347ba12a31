/*
 * The study machinery: Mattson's stack algorithm (studies/stackdist.c) against
 * an LRU memory simulated frame count by frame count (studies/refsim.c) and
 * against a plain list-scan LRU stack; list and range syntax and the points of
 * a grid (studies/grid.c); the rows' CSV round trip and JSON (studies/rows.c);
 * Belady's anomaly found in rows (studies/belady.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../sim/options.h"
#include "../../studies/belady.h"
#include "../../studies/grid.h"
#include "../../studies/refsim.h"
#include "../../studies/rows.h"
#include "../../studies/stackdist.h"

static uint64_t rng_state = 88172645463325252ull;
static uint64_t next_random(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* A string with a hot set and a long tail, so every depth occurs. */
static uint64_t *random_pages(size_t n, uint64_t hot, uint64_t all)
{
    uint64_t *pages = malloc(n * sizeof *pages);
    assert_non_null(pages);
    for (size_t i = 0; i < n; i++)
        pages[i] = next_random() % 10 < 7 ? next_random() % hot : next_random() % all;
    return pages;
}

static uint64_t lru_faults(const uint64_t *pages, size_t n, uint32_t frames)
{
    refsim_t sim;
    assert_true(refsim_init(&sim, REPL_LRU, frames, NULL));
    for (size_t t = 0; t < n; t++) {
        bool fault;
        uint64_t evicted;
        refsim_access(&sim, pages[t], t, &fault, &evicted);
    }
    uint64_t faults = sim.faults;
    refsim_free(&sim);
    return faults;
}

/* Every frame count from one pass equals its own LRU run, on strings long
 * enough to renumber the stamps many times. */
static void test_stack_distance_equals_lru_runs(void **state)
{
    (void)state;
    const struct { size_t n; uint64_t hot, all; } cases[] = {{20000, 10, 50}, {30000, 40, 3000}, {5000, 3, 4}};
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        uint64_t *pages = random_pages(cases[c].n, cases[c].hot, cases[c].all);
        stackdist_t sd;
        uint32_t sizes[24];
        int n = 0;
        for (uint32_t frames = 64; frames >= 1; frames -= frames > 8 ? 7 : 1) /* any order */
            sizes[n++] = frames;
        sizes[n++] = 8; /* a repeat */
        assert_true(stackdist_init(&sd, sizes, n));
        for (size_t i = 0; i < cases[c].n; i++)
            assert_true(stackdist_access(&sd, pages[i]));
        for (int k = 0; k < n; k++)
            assert_int_equal(stackdist_misses(&sd, sizes[k]), lru_faults(pages, cases[c].n, sizes[k]));
        assert_int_equal(stackdist_misses(&sd, 0), sd.distinct);
        stackdist_free(&sd);
        free(pages);
    }
}

/* The distances themselves, against the textbook list scan of slide 56. */
static void test_stack_distance_histogram(void **state)
{
    (void)state;
    enum { N = 8000, MAXD = 32 };
    uint64_t *pages = random_pages(N, 12, 60), stack[64];
    uint64_t hist[MAXD + 2] = {0}, cold = 0;
    size_t depth = 0;
    for (size_t i = 0; i < N; i++) {
        size_t pos = 0;
        while (pos < depth && stack[pos] != pages[i])
            pos++;
        if (pos == depth) {
            cold++;
            depth++;
        } else {
            hist[pos + 1 > MAXD ? MAXD + 1 : pos + 1]++;
        }
        memmove(&stack[1], &stack[0], pos * sizeof *stack);
        stack[0] = pages[i];
    }
    stackdist_t sd;
    uint32_t sizes[MAXD];
    for (int d = 0; d < MAXD; d++)
        sizes[d] = (uint32_t)d + 1; /* a band per depth: the histogram itself */
    assert_true(stackdist_init(&sd, sizes, MAXD));
    for (size_t i = 0; i < N; i++)
        stackdist_access(&sd, pages[i]);
    assert_int_equal(sd.distinct, cold);
    for (int d = 1; d <= MAXD + 1; d++)
        assert_int_equal(sd.hits[d - 1], hist[d]);
    stackdist_free(&sd);
    free(pages);
}

/* A flush empties the TLB, not the memory; an LRU memory's evictions bound
 * what the TLB can hold. */
static void test_stack_distance_flush_and_frames(void **state)
{
    (void)state;
    stackdist_t sd;
    assert_true(stackdist_init(&sd, (const uint32_t[]){2, 8}, 2));
    const uint64_t before[] = {1, 2, 1, 2}, after[] = {1, 2, 3, 1};
    for (size_t i = 0; i < 4; i++)
        stackdist_access(&sd, before[i]);
    stackdist_flush(&sd);
    for (size_t i = 0; i < 4; i++)
        stackdist_access(&sd, after[i]);
    assert_int_equal(stackdist_misses(&sd, 8), 3);                /* 1 2 3: the memory keeps 1 and 2    */
    assert_int_equal(stackdist_tlb_misses(&sd, 8, 0), 5);         /* 1 2 before, 1 2 3 after the flush */
    assert_int_equal(stackdist_tlb_misses(&sd, 2, 0), 6);         /* and the last 1 is at depth 3      */
    assert_int_equal(stackdist_tlb_misses(&sd, 8, 2), 6);         /* two frames bound the TLB too      */
    assert_int_equal(stackdist_misses(&sd, 2), 4);
    stackdist_free(&sd);
}

static void test_grid_syntax(void **state)
{
    (void)state;
    grid_t g = {0};
    char err[200];
    static const char *const policies[] = {"fifo", "lru", "opt"};
    assert_true(grid_add(&g, "--frames", "1..3,8,16..24:4", NULL, 0, err, sizeof err));
    assert_true(grid_add(&g, "--replace", "all", policies, 3, err, sizeof err));
    assert_int_equal(grid_points(&g), 7 * 3);
    const char *frames = "1 2 3 8 16 20 24 ";
    char seen[64] = "";
    for (size_t p = 0; p < grid_points(&g); p += 3)
        snprintf(seen + strlen(seen), sizeof seen - strlen(seen), "%s ", grid_value(&g, p, 0));
    assert_string_equal(seen, frames);
    assert_string_equal(grid_value(&g, 4, 1), "lru");
    assert_true(grid_add(&g, "--tlb", "4K..12K:4K", NULL, 0, err, sizeof err));
    assert_string_equal(grid_value(&g, 2, 2), "12288");
    assert_false(grid_add(&g, "--x", "3..1", NULL, 0, err, sizeof err));
    assert_non_null(strstr(err, "--x '3..1'"));
    assert_false(grid_add(&g, "--x", "1,,2", NULL, 0, err, sizeof err));
    assert_false(grid_add(&g, "--x", "1..1000000", NULL, 0, err, sizeof err));
    assert_true(grid_is_list("full,4", false));
    assert_false(grid_is_list("all", false));
    assert_false(grid_is_list("4K", true));
    grid_free(&g);
}

/* The option engine's lists: axes on the first pass, every item checked,
 * each point's values on the next. */
typedef struct {
    uint32_t frames, tlb;
    int replace;
    const char *trace;
} list_args_t;

static const char *const policies3[] = {"fifo", "lru", "opt"};
static const opt_spec_t list_specs[] = {
    {"--frames", .lists = true, .kind = OPT_NUMBER, .value_name = "N", OPT_AT(list_args_t, frames), .min = 2,
     .max = 64, .help = ""},
    {"--tlb", .kind = OPT_NUMBER, .value_name = "N", OPT_AT(list_args_t, tlb), .min = 1, .max = 64, .help = ""},
    {"--replace", .lists = true, .kind = OPT_CHOICE, .value_name = "P", OPT_AT(list_args_t, replace),
     .choices = policies3, .nchoices = 3, .help = ""},
    {"--trace", .kind = OPT_STRING, .value_name = "FILE", OPT_AT(list_args_t, trace), .help = ""},
};

static int parse_list_args(char **argv, int argc, list_args_t *a, grid_t *g, long point, FILE *err)
{
    memset(a, 0, sizeof *a);
    opt_table_t t = {.specs = list_specs, .n = OPT_COUNT(list_specs), .target = a};
    opt_parser_t p = {.prog = "test", .tables = &t, .ntables = 1, .err = err, .grid = g, .point = point};
    return opt_parse(&p, argc, argv);
}

static void test_option_lists(void **state)
{
    (void)state;
    char *argv[] = {"x", "--frames=2..4", "--trace", "t.din", "--replace", "all", "--tlb", "8"};
    grid_t g = {0};
    list_args_t a;
    assert_int_equal(parse_list_args(argv, 8, &a, &g, -1, stderr), 0);
    assert_int_equal(g.naxes, 2);
    assert_int_equal(grid_points(&g), 9);
    assert_int_equal(parse_list_args(argv, 8, &a, &g, 5, stderr), 0);
    assert_int_equal(a.frames, 3);
    assert_int_equal(a.replace, 2);
    assert_int_equal(a.tlb, 8);
    assert_string_equal(a.trace, "t.din");
    grid_free(&g);

    char *text;
    size_t len;
    FILE *err = open_memstream(&text, &len);
    char *bad[] = {"x", "--frames", "2,99"};          /* an item out of range: named */
    assert_int_equal(parse_list_args(bad, 3, &a, &g, -1, err), 2);
    char *no_list[] = {"x", "--tlb", "8,16"};         /* not a .lists option */
    assert_int_equal(parse_list_args(no_list, 3, &a, &g, -1, err), 2);
    assert_int_equal(parse_list_args(no_list, 3, &a, NULL, -1, err), 2);
    fclose(err);
    assert_non_null(strstr(text, "--frames '99': expected a number from 2 to 64"));
    assert_non_null(strstr(text, "--tlb '8,16'"));
    free(text);
    grid_free(&g);
}

static void test_rows_csv_round_trip_and_json(void **state)
{
    (void)state;
    rows_t r, back;
    rows_init(&r);
    rows_begin(&r);
    rows_set(&r, "name", "a, \"quoted\" one");
    rows_set_u64(&r, "n", 10);
    rows_begin(&r);
    rows_set(&r, "name", "0x10");
    rows_set_double(&r, "x", 0.25);
    char path[] = "/tmp/mmulab-rows-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    assert_true(rows_write_csv(&r, f));
    fclose(f);
    rows_init(&back);
    char err[200];
    assert_true(rows_read_csv(&back, path, err, sizeof err));
    unlink(path);
    assert_int_equal(back.nrows, 2);
    assert_string_equal(rows_cell(&back, 0, rows_column(&back, "name")), "a, \"quoted\" one");
    assert_null(rows_cell(&back, 1, rows_column(&back, "n")));
    assert_string_equal(rows_cell(&back, 1, rows_column(&back, "x")), "0.25");
    char *json;
    size_t len;
    f = open_memstream(&json, &len);
    assert_true(rows_write_json(&r, f));
    fclose(f);
    assert_non_null(strstr(json, "\"n\": 10"));
    assert_non_null(strstr(json, "\"name\": \"0x10\"")); /* hex stays text */
    assert_non_null(strstr(json, "\"x\": 0.25"));
    free(json);
    rows_free(&r);
    rows_free(&back);
}

static void test_belady_in_rows(void **state)
{
    (void)state;
    rows_t r;
    rows_init(&r);
    const int faults[2][4] = {{12, 9, 10, 5}, {12, 10, 8, 5}};
    const char *const policy[2] = {"fifo", "lru"};
    for (int p = 0; p < 2; p++)
        for (int f = 0; f < 4; f++) {
            rows_begin(&r);
            rows_set(&r, "policy", policy[p]);
            rows_set_u64(&r, "frames", (uint64_t)(f + 2));
            rows_set_u64(&r, "faults", (uint64_t)faults[p][f]);
        }
    char *text;
    size_t len;
    FILE *f = open_memstream(&text, &len);
    assert_int_equal(belady_report(&r, "frames", "faults", "policy", f), 1);
    fclose(f);
    assert_string_equal(text, "Belady's anomaly: fifo: faults rise from 9 with 3 frames to 10 with 4 frames\n");
    free(text);
    rows_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stack_distance_equals_lru_runs),
        cmocka_unit_test(test_stack_distance_histogram),
        cmocka_unit_test(test_stack_distance_flush_and_frames),
        cmocka_unit_test(test_grid_syntax),
        cmocka_unit_test(test_option_lists),
        cmocka_unit_test(test_rows_csv_round_trip_and_json),
        cmocka_unit_test(test_belady_in_rows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
