/*
 * `mmulab refs`: page replacement on a reference string, as the seed's
 * slides 53-56 work it by hand.  For each policy it prints the frame table
 * (one column per reference, a row per frame, the column filled only where
 * the reference faulted, as on slide 54) and ends with one line per policy,
 * `fifo: 15 faults`.  --stack prints the LRU stack before and after each
 * reference (slide 56).  The policies are os/replace.c's, so the OS and the
 * textbook agree.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../obs/plot.h"
#include "../studies/belady.h"
#include "../studies/grid.h"
#include "../studies/refsim.h"
#include "../sim/options.h"
#include "commands.h"

#define CMD "refs"

static void refs_usage(FILE *out)
{
    fprintf(out,
            "usage: mmulab refs [--frames N|LIST] [--policy fifo|lru|opt|clock|all] [--stack]\n"
            "                   [--csv FILE] [--json FILE] [--plot FILE.png|FILE.svg] \"REFERENCES\"\n"
            "\n"
            "Runs page replacement on a reference string (page numbers separated by spaces\n"
            "or commas, in one or several arguments) with N frames (default 3), free frames\n"
            "filled lowest first, and prints for each policy the frame table: a column per\n"
            "reference, a row per frame.  As on the seed's slide 54, a column is filled only\n"
            "where the reference caused a page fault (hits are blank) and a '*' row marks\n"
            "the faults.  The last lines read `POLICY: N faults`, one per policy.\n"
            "\n"
            "--frames with a list or range (1..8, 3,4, 2..10:2) compares them instead: a row\n"
            "per frame count and policy, and a line for each rise of faults with more frames\n"
            "(Belady's anomaly).  --csv/--json write the rows, --plot draws page faults\n"
            "against frames, a curve per policy.\n"
            "\n"
            "example: mmulab refs --frames 3 --policy all \"7 0 1 2 0 3 0 4 2 3 0 3 2 1 2 0 1 7 0 1\"\n"
            "         mmulab refs --frames 1..6 --policy fifo --plot belady.png \"1 2 3 4 1 2 5 1 2 3 4 5\"\n"
            "\noptions:\n");
}

/* Append the page numbers of text; false after saying why. */
static bool parse_references(const char *text, refstring_t *rs)
{
    char err[160];
    if (refs_parse(text, rs, err, sizeof err))
        return true;
    fprintf(stderr, "mmulab refs: %s\n", err);
    return false;
}

typedef struct {
    uint64_t frames;
    unsigned policies;
    bool stack;
    refstring_t refs;
    study_output_t out;
    const char *text; /* the reference string as given, for the rows */
} refs_args_t;

/* --policy: bit p of the mask for each policy named ("all" or a comma list). */
static bool parse_policies(void *target, const char *text, char *why, size_t len)
{
    unsigned *mask = &((refs_args_t *)target)->policies;
    char name[32];
    *mask = 0;
    for (const char *p = text; *p;) {
        size_t n = strcspn(p, ",");
        repl_policy_t policy;
        snprintf(name, sizeof name, "%.*s", (int)(n < sizeof name ? n : sizeof name - 1), p);
        if (!strcmp(name, "all"))
            *mask |= (1u << REPL_POLICY_COUNT) - 1;
        else if (repl_policy_parse(name, &policy))
            *mask |= 1u << policy;
        else {
            snprintf(why, len, "unknown policy '%s'; allowed: fifo, lru, opt, clock, all (or several separated "
                               "by commas)", name);
            return false;
        }
        p += n + (p[n] == ',');
    }
    if (!*mask)
        snprintf(why, len, "expected fifo|lru|opt|clock|all");
    return *mask != 0;
}

static int digits(uint64_t v)
{
    int d = 1;
    while (v >= 10) {
        v /= 10;
        d++;
    }
    return d;
}

static int column_width(const refstring_t *rs)
{
    int width = 1;
    for (size_t i = 0; i < rs->n; i++)
        if (digits(rs->pages[i]) > width)
            width = digits(rs->pages[i]);
    return width + 1;
}

/* Run one policy, filling contents[t * frames + f] and faulted[t]. */
static bool simulate(const refstring_t *rs, repl_policy_t policy, uint32_t frames, const uint64_t *next_use,
                     uint64_t *contents, bool *faulted, uint64_t *faults)
{
    refsim_t sim;
    if (!refsim_init(&sim, policy, frames, next_use))
        return false;
    for (size_t t = 0; t < rs->n; t++) {
        uint64_t evicted;
        if (refsim_access(&sim, rs->pages[t], t, &faulted[t], &evicted) == REPL_NONE) {
            refsim_free(&sim);
            return false;
        }
        memcpy(&contents[t * frames], sim.frame_page, frames * sizeof *contents);
    }
    *faults = sim.faults;
    refsim_free(&sim);
    return true;
}

static void print_table(const refstring_t *rs, repl_policy_t policy, uint32_t frames, const uint64_t *contents,
                        const bool *faulted)
{
    int w = column_width(rs);
    printf("%s, %u frames (a column is filled only where the reference faulted)\n", repl_policy_name[policy],
           frames);
    printf("%-10s", "reference");
    for (size_t t = 0; t < rs->n; t++)
        printf("%*llu", w, (unsigned long long)rs->pages[t]);
    printf("\n");
    for (uint32_t f = 0; f < frames; f++) {
        char label[24];
        snprintf(label, sizeof label, "frame %u", f);
        printf("%-10s", label);
        for (size_t t = 0; t < rs->n; t++) {
            uint64_t page = contents[t * frames + f];
            if (faulted[t] && page != REFSIM_NO_PAGE)
                printf("%*llu", w, (unsigned long long)page);
            else
                printf("%*s", w, "");
        }
        printf("\n");
    }
    printf("%-10s", "fault");
    for (size_t t = 0; t < rs->n; t++)
        printf("%*s", w, faulted[t] ? "*" : "");
    printf("\n\n");
}

static void print_stack_line(const uint64_t *stack, size_t depth, int w)
{
    int used = depth ? 0 : printf("-");
    for (size_t i = 0; i < depth; i++)
        used += printf("%llu ", (unsigned long long)stack[i]);
    if (w > used)
        printf("%*s", w - used, "");
}

/* The LRU stack before and after each reference (slide 56); a fault with
 * `frames` frames is a page deeper than `frames` or not on the stack. */
static bool print_lru_stack(const refstring_t *rs, uint32_t frames)
{
    uint64_t *stack = calloc(rs->n + 1, sizeof *stack);
    if (!stack)
        return false;
    size_t depth = 0;
    int w = 0;
    for (size_t i = 0; i < rs->n; i++)
        w += digits(rs->pages[i]) + 1;
    w = w > 40 ? 40 : (w < 8 ? 8 : w);
    printf("LRU stack, most recent first (a fault with %u frames: depth > %u or new)\n", frames, frames);
    printf("%-10s%-6s%-*s  %-*s\n", "reference", "depth", w, "stack before", w, "stack after");
    for (size_t t = 0; t < rs->n; t++) {
        size_t pos = 0;
        while (pos < depth && stack[pos] != rs->pages[t])
            pos++;
        char where[24];
        snprintf(where, sizeof where, pos < depth ? "%zu" : "new", pos + 1);
        printf("%-10llu%-6s", (unsigned long long)rs->pages[t], where);
        print_stack_line(stack, depth, w);
        printf("  ");
        bool fault = pos == depth || pos >= frames;
        if (pos == depth)
            depth++;
        memmove(&stack[1], &stack[0], pos * sizeof *stack);
        stack[0] = rs->pages[t];
        print_stack_line(stack, depth, 0);
        printf("%s\n", fault ? "  fault" : "");
    }
    printf("\n");
    free(stack);
    return true;
}

static const opt_spec_t refs_specs[] = {
    {"--frames", .lists = true, .kind = OPT_NUMBER, .value_name = "N", OPT_AT(refs_args_t, frames), .min = 1, .max = 1u << 16,
     .help = "frames of memory (default 3); a list or range compares them"},
    {"--policy", .kind = OPT_CUSTOM, .value_name = "P", .hook = parse_policies, .help = "fifo, lru, opt, clock (second chance), or all (default); several may be given "
                          "separated by commas"},
    {"--stack", .kind = OPT_FLAG, OPT_AT(refs_args_t, stack),
     .help = "also print the LRU stack (most recent first) before and after each reference, with the stack "
             "depth of the page referenced"},
};

/* 0 to go on, otherwise the exit status; a list of --frames goes to grid. */
static int parse_args(int argc, char **argv, refs_args_t *a, grid_t *grid)
{
    const char **words = calloc((size_t)argc + 1, sizeof *words);
    if (!words)
        return 2;
    opt_table_t tables[] = {{refs_specs, OPT_COUNT(refs_specs), a, NULL, NULL}, study_output_table(&a->out)};
    opt_parser_t p = {.prog = "mmulab " CMD, .tables = tables, .ntables = 2, .words = words,
                      .max_words = argc, .err = stderr, .grid = grid, .point = -1};
    int rc = opt_parse(&p, argc, argv);
    if (rc < 0) {
        refs_usage(stdout);
        opt_help(&p, stdout);
    }
    for (int i = 0; i < p.nwords && rc == 0; i++)
        if (!parse_references(words[i], &a->refs))
            rc = 2;
    a->text = p.nwords == 1 ? words[0] : "(several arguments)";
    free(words);
    if (rc == 0 && !a->refs.n) {
        fprintf(stderr, "mmulab refs: no reference string given\n");
        refs_usage(stderr);
        rc = 2;
    }
    return rc;
}

static void add_row(rows_t *rows, const refs_args_t *a, repl_policy_t policy, uint64_t faults)
{
    rows_begin(rows);
    rows_set(rows, "reference_string", a->text);
    rows_set_u64(rows, "references", a->refs.n);
    rows_set_u64(rows, "frames", a->frames);
    rows_set(rows, "policy", repl_policy_name[policy]);
    rows_set_u64(rows, "faults", faults);
}

/* One point: every policy asked for with a->frames frames; the frame tables
 * (and the stack) when `tables`, a row per policy in rows. */
static int run_policies(const refs_args_t *a, bool tables, rows_t *rows)
{
    uint32_t frames = (uint32_t)a->frames;
    size_t n = a->refs.n;
    uint64_t *next_use = malloc(n * sizeof *next_use), *contents = malloc(n * frames * sizeof *contents);
    bool *faulted = malloc(n * sizeof *faulted);
    uint64_t faults[REPL_POLICY_COUNT] = {0};
    int status = 0;
    if (!next_use || !contents || !faulted || !refs_next_use(a->refs.pages, n, next_use))
        status = 3;
    for (int p = 0; p < REPL_POLICY_COUNT && !status; p++) {
        if (!(a->policies >> p & 1))
            continue;
        if (!simulate(&a->refs, (repl_policy_t)p, frames, next_use, contents, faulted, &faults[p]))
            status = 3;
        else if (tables)
            print_table(&a->refs, (repl_policy_t)p, frames, contents, faulted);
    }
    if (!status && tables && a->stack && !print_lru_stack(&a->refs, frames))
        status = 3;
    for (int p = 0; p < REPL_POLICY_COUNT && !status; p++)
        if (a->policies >> p & 1) {
            if (tables)
                printf("%s: %llu faults\n", repl_policy_name[p], (unsigned long long)faults[p]);
            add_row(rows, a, (repl_policy_t)p, faults[p]);
        }
    if (status) {
        fprintf(stderr, "mmulab refs: out of memory\n");
        status = 2;
    }
    free(next_use);
    free(contents);
    free(faulted);
    return status;
}

/* Every frame count of the grid (one point without a list). */
static int run_points(refs_args_t *a, const grid_t *g)
{
    rows_t rows;
    rows_init(&rows);
    size_t points = grid_points(g);
    int status = 0;
    for (size_t p = 0; p < points && !status; p++) {
        if (g->naxes && !parse_u64(grid_value(g, p, 0), &a->frames)) /* checked by the parser */
            status = 2;
        else
            status = run_policies(a, points == 1, &rows);
    }
    if (!status && points > 1) {
        rows_print(&rows, stdout, (const char *const[]){"frames", "policy", "faults", NULL});
        belady_report(&rows, "frames", "faults", "policy", stdout);
    }
    if (!status && !study_emit(&rows, CMD, &a->out))
        status = 2;
    rows_free(&rows);
    return status;
}

int cmd_refs(int argc, char **argv)
{
    refs_args_t a = {.frames = 3, .policies = (1u << REPL_POLICY_COUNT) - 1};
    grid_t grid = {0};
    int status = parse_args(argc, argv, &a, &grid);
    if (status == 0)
        status = run_points(&a, &grid);
    free(a.refs.pages);
    grid_free(&grid);
    return status < 0 ? 0 : status;
}
