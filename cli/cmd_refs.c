/*
 * `mmulab refs`: page replacement on a reference string, as the seed's
 * slides 53-56 work it by hand.  For each policy it prints the frame table
 * (one column per reference, a row per frame, the column filled only where
 * the reference faulted, as on slide 54) and ends with one line per policy,
 * `fifo: 15 faults`.  --stack prints the LRU stack before and after each
 * reference (slide 56).  The policies are os/replace.c's, so the OS and the
 * textbook agree.
 *
 * The string comes from the arguments, a file (--file F) or standard input
 * (-).  It is read once, as a stream, into a next-use file
 * (studies/nextuse.h), so a string of any length runs in bounded memory: the
 * tables (which need every reference at hand) are printed only while they fit
 * a screen, or with --tables up to a bound; beyond, one pass runs every
 * policy at once and prints the counts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../obs/plot.h"
#include "../sim/options.h"
#include "../sim/runctl.h"
#include "../studies/belady.h"
#include "../studies/grid.h"
#include "../studies/nextuse.h"
#include "../studies/refsim.h"
#include "commands.h"

#define CMD "refs"

/* Tables are printed by default while a line is at most this wide and the
 * frames this many; --tables prints them up to TABLE_CELLS_MAX references
 * times frames, --stack up to STACK_CELLS_MAX references times distinct
 * pages (the work and output both grow with these products). */
#define SCREEN_COLUMNS 160
#define SCREEN_FRAMES 32
#define TABLE_CELLS_MAX 1000000u
#define STACK_CELLS_MAX 1000000u
/* How often the reading and the summary pass look at the stop flag. */
#define CHECK_EVERY 65536

static void refs_usage(FILE *out)
{
    fprintf(out,
            "usage: mmulab refs [--frames N|LIST] [--policy fifo|lru|opt|clock|all] [--stack] [--tables]\n"
            "                   [--csv FILE] [--json FILE] [--plot FILE.png|FILE.svg]\n"
            "                   \"REFERENCES\" | --file FILE | -\n"
            "\n"
            "Runs page replacement on a reference string (page numbers separated by spaces,\n"
            "commas or newlines: in one or several arguments, in a file, or on standard\n"
            "input with -) with N frames (default 3), free frames filled lowest first, and\n"
            "prints for each policy the frame table: a column per reference, a row per\n"
            "frame.  As on the seed's slide 54, a column is filled only where the reference\n"
            "caused a page fault (hits are blank) and a '*' row marks the faults.  The last\n"
            "lines read `POLICY: N faults`, one per policy.  Tables that would not fit a\n"
            "screen (wider than 160 columns, more than 32 frames) are left out, with a line\n"
            "saying so; any length of string then runs in bounded memory.\n"
            "\n"
            "--frames with a list or range (1..8, 3,4, 2..10:2) compares them instead: a row\n"
            "per frame count and policy, and a line for each rise of faults with more frames\n"
            "(Belady's anomaly).  --csv/--json write the rows, --plot draws page faults\n"
            "against frames, a curve per policy.\n"
            "\n"
            "OPT reads each reference's next use from a temporary file in $TMPDIR (16 bytes\n"
            "a reference).  SIGINT or SIGTERM stops a long run (exit 130/143).\n"
            "\n"
            "example: mmulab refs --frames 3 --policy all \"7 0 1 2 0 3 0 4 2 3 0 3 2 1 2 0 1 7 0 1\"\n"
            "         mmulab refs --frames 1..6 --policy fifo --plot belady.png \"1 2 3 4 1 2 5 1 2 3 4 5\"\n"
            "\noptions:\n");
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

typedef struct {
    uint64_t frames;
    unsigned policies;
    bool stack, tables;
    const char *file;  /* --file F, or "-" (also as a word) */
    char *text;        /* the references given as arguments, joined */
    size_t text_len;
    study_output_t out;
    const char *label; /* the reference string as given, for the rows */
    opt_given_t given;
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

static const opt_spec_t refs_specs[] = {
    {"--frames", .lists = true, .kind = OPT_NUMBER, .value_name = "N", OPT_AT(refs_args_t, frames), .min = 1,
     .max = 1u << 16, .help = "frames of memory (default 3); a list or range compares them"},
    {"--policy", .kind = OPT_CUSTOM, .value_name = "P", .hook = parse_policies,
     .help = "fifo, lru, opt, clock (second chance), or all (default); several may be given separated by commas"},
    {"--file", .kind = OPT_STRING, .value_name = "FILE", OPT_AT(refs_args_t, file),
     .help = "read the references from FILE (- for standard input, as a lone - does)"},
    {"--tables", .kind = OPT_FLAG, OPT_AT(refs_args_t, tables),
     .help = "print the frame tables however wide (up to 1M references x frames)"},
    {"--stack", .kind = OPT_FLAG, OPT_AT(refs_args_t, stack),
     .help = "also print the LRU stack (most recent first) before and after each reference, with the stack "
             "depth of the page referenced (up to 1M references x distinct pages)"},
};

static bool append_text(refs_args_t *a, const char *arg)
{
    size_t n = strlen(arg);
    char *grown = realloc(a->text, a->text_len + n + 2);
    if (!grown)
        return false;
    a->text = grown;
    memcpy(a->text + a->text_len, arg, n);
    a->text_len += n;
    a->text[a->text_len++] = ' ';
    a->text[a->text_len] = 0;
    return true;
}

/* 0 to go on, otherwise the exit status; a list of --frames goes to grid. */
static int parse_args(int argc, char **argv, refs_args_t *a, grid_t *grid)
{
    const char **words = calloc((size_t)argc + 1, sizeof *words);
    if (!words)
        return 2;
    opt_table_t tables[] = {{.specs = refs_specs, .n = OPT_COUNT(refs_specs), .target = a,
                              OPT_GIVEN_SET(refs_args_t, given)}, study_output_table(&a->out)};
    opt_parser_t p = {.prog = "mmulab " CMD, .tables = tables, .ntables = 2, .words = words,
                      .max_words = argc, .err = stderr, .grid = grid, .point = -1};
    int rc = opt_parse(&p, argc, argv);
    a->label = a->file ? a->file : p.nwords == 1 ? words[0] : "(several arguments)";
    if (rc < 0) {
        refs_usage(stdout);
        opt_help(&p, stdout);
    }
    for (int i = 0; i < p.nwords && rc == 0; i++)
        if (!strcmp(words[i], "-"))
            a->file = "-";
        else if (!append_text(a, words[i])) {
            fprintf(stderr, "mmulab refs: out of memory\n");
            rc = 2;
        }
    free(words);
    for (int i = 0; i < 2 && rc == 0; i++)
        opt_warn_idle(p.prog, &tables[0], i ? "--stack" : "--tables", grid_points(grid) > 1,
                      "with a list of --frames (the tables are for one frame count)", stderr);
    if (rc == 0 && a->file && a->text) {
        fprintf(stderr, "mmulab refs: references both as arguments and from %s: give one or the other\n",
                !strcmp(a->file, "-") ? "standard input (-)" : "--file");
        rc = 2;
    }
    if (rc == 0 && !a->file && !a->text) {
        fprintf(stderr, "mmulab refs: no reference string given\n");
        refs_usage(stderr);
        rc = 2;
    }
    return rc;
}

/* The string, read once: every reference to the next-use file, the first
 * few a table or the stack could show also kept in memory.  0, or the exit
 * status. */
static int read_references(const refs_args_t *a, nextuse_t *future, refstring_t *kept)
{
    uint64_t keep = a->stack ? STACK_CELLS_MAX : TABLE_CELLS_MAX / a->frames; /* the most a table or stack shows */
    const char *name = !a->file ? "the arguments" : strcmp(a->file, "-") ? a->file : "standard input";
    refs_source_t src = {.text = a->text};
    if (a->file && !strcmp(a->file, "-"))
        src.in = stdin;
    else if (a->file && !(src.in = fopen(a->file, "r"))) {
        fprintf(stderr, "mmulab refs: %s: cannot open the file\n", a->file);
        return 2;
    }
    uint64_t page;
    int got;
    bool ok = true;
    char err[200];
    while (ok && (got = refs_next(&src, &page, err, sizeof err)) > 0) {
        ok = nextuse_add(future, page) && (future->count > keep || refs_push(kept, page));
        if (future->count % CHECK_EVERY == 0 && runctl_stopping())
            break;
    }
    if (src.in && src.in != stdin)
        fclose(src.in);
    if (got < 0 || !ok) {
        if (got < 0)
            fprintf(stderr, "mmulab refs: %s: %s\n", name, err);
        else if (nextuse_failed(future, err, sizeof err))
            fprintf(stderr, "mmulab refs: %s\n", err);
        else
            fprintf(stderr, "mmulab refs: out of memory\n");
        return 2;
    }
    if (runctl_stopping()) {
        fprintf(stderr, "mmulab refs: interrupted by %s while reading, after %llu references\n",
                runctl_signal_name(), (unsigned long long)future->count);
        return runctl_exit_status();
    }
    if (!future->count) {
        fprintf(stderr, "mmulab refs: %s: no references\n", name);
        return 2;
    }
    if (!nextuse_finish(future, err, sizeof err)) {
        fprintf(stderr, "mmulab refs: %s\n", err);
        return 2;
    }
    return 0;
}

static uint64_t distinct_pages(const refstring_t *rs)
{
    u64map_t seen;
    uint64_t n = 0;
    if (!u64map_init(&seen, 1024))
        return UINT64_MAX;
    for (size_t i = 0; i < rs->n; i++)
        if (u64map_get(&seen, rs->pages[i], 0) == 0) {
            n++;
            if (!u64map_put(&seen, rs->pages[i], 1)) {
                n = UINT64_MAX;
                break;
            }
        }
    u64map_free(&seen);
    return n;
}

/* Whether to print the tables: 1 yes, 0 no (a summary instead), or -1
 * after a message refusing --tables or --stack with the reason. */
static int want_tables(const refs_args_t *a, const refstring_t *rs, uint64_t count)
{
    if (a->stack) {
        uint64_t distinct = count > rs->n ? 0 : distinct_pages(rs);
        if (count > rs->n || distinct > STACK_CELLS_MAX / count) {
            fprintf(stderr, "mmulab refs: --stack: ");
            if (distinct)
                fprintf(stderr, "%llu references over %llu distinct pages", (unsigned long long)count,
                        (unsigned long long)distinct);
            else
                fprintf(stderr, "more than %llu references", (unsigned long long)rs->n);
            fprintf(stderr, " would print more than %u stack entries (references x distinct pages); use a "
                            "shorter string\n", STACK_CELLS_MAX);
            return -1;
        }
    }
    if (a->tables) {
        if (count > rs->n || a->frames > TABLE_CELLS_MAX / count) {
            fprintf(stderr,
                    "mmulab refs: --tables: %llu references x %llu frames is more than %u table cells; use fewer "
                    "frames or a shorter string (without --tables the fault counts need no table)\n",
                    (unsigned long long)count, (unsigned long long)a->frames, TABLE_CELLS_MAX);
            return -1;
        }
        return 1;
    }
    return count <= rs->n && a->frames <= SCREEN_FRAMES &&
           10 + (uint64_t)column_width(rs) * count <= SCREEN_COLUMNS;
}

/* The tables (and the stack), from the references in memory. */
static bool run_tables(const refs_args_t *a, const refstring_t *rs, uint64_t *faults)
{
    uint32_t frames = (uint32_t)a->frames;
    size_t n = rs->n;
    uint64_t *next_use = malloc(n * sizeof *next_use), *contents = malloc(n * frames * sizeof *contents);
    bool *faulted = malloc(n * sizeof *faulted);
    bool ok = next_use && contents && faulted && refs_next_use(rs->pages, n, next_use);
    for (int p = 0; p < REPL_POLICY_COUNT && ok; p++) {
        if (!(a->policies >> p & 1))
            continue;
        ok = simulate(rs, (repl_policy_t)p, frames, next_use, contents, faulted, &faults[p]);
        if (ok)
            print_table(rs, (repl_policy_t)p, frames, contents, faulted);
    }
    free(next_use);
    free(contents);
    free(faulted);
    return ok;
}

/* Every chosen policy in one pass over the next-use file: bounded memory.
 * 0, or the exit status. */
static int run_summary(const refs_args_t *a, nextuse_t *future, bool say, uint64_t *faults)
{
    nextuse_rewind(future);
    refsim_t sims[REPL_POLICY_COUNT];
    memset(sims, 0, sizeof sims);
    int status = 0;
    for (int p = 0; p < REPL_POLICY_COUNT && !status; p++)
        if (a->policies >> p & 1 && !refsim_init(&sims[p], (repl_policy_t)p, (uint32_t)a->frames, NULL))
            status = 2;
    progress_t progress;
    progress_start(&progress, "refs", false);
    nextuse_rec_t rec;
    uint64_t t = 0, distinct = 0;
    while (!status && nextuse_next(future, &rec)) {
        for (int p = 0; p < REPL_POLICY_COUNT && !status; p++) {
            bool fault;
            uint64_t evicted;
            sims[p].next = rec.next;
            if (a->policies >> p & 1 && refsim_access(&sims[p], rec.page, t, &fault, &evicted) == REPL_NONE)
                status = 2;
        }
        distinct += rec.next == REPL_NEVER; /* a page's last reference */
        if (++t % CHECK_EVERY == 0) {
            progress_update(&progress, t, "references", t, "references", NULL);
            if (runctl_stopping())
                break;
        }
    }
    progress_end(&progress);
    char err[200];
    if (status || nextuse_failed(future, err, sizeof err)) {
        fprintf(stderr, "mmulab refs: %s\n", status ? "out of memory" : err);
        status = 2;
    } else if (runctl_stopping()) {
        printf("interrupted by %s after %llu of %llu references: the counts so far\n", runctl_signal_name(),
               (unsigned long long)t, (unsigned long long)future->count);
    } else if (say) {
        printf("%llu references, %llu distinct pages, %llu frames: no frame tables (they would not fit a screen; "
               "--tables prints them)\n",
               (unsigned long long)t, (unsigned long long)distinct, (unsigned long long)a->frames);
    }
    for (int p = 0; p < REPL_POLICY_COUNT; p++) {
        faults[p] = sims[p].faults;
        if (a->policies >> p & 1)
            refsim_free(&sims[p]);
    }
    return status;
}

static void add_row(rows_t *rows, const refs_args_t *a, uint64_t count, repl_policy_t policy, uint64_t faults)
{
    rows_begin(rows);
    rows_set(rows, "reference_string", a->label);
    rows_set_u64(rows, "references", count);
    rows_set_u64(rows, "frames", a->frames);
    rows_set(rows, "policy", repl_policy_name[policy]);
    rows_set_u64(rows, "faults", faults);
}

/* One point: every policy asked for with a->frames frames; alone (`single`),
 * the frame tables and the stack when they fit, else the summary, and the
 * `POLICY: N faults` lines; a row per policy in rows.  0, or the exit status. */
static int run_policies(const refs_args_t *a, nextuse_t *future, const refstring_t *kept, bool single, rows_t *rows)
{
    uint64_t faults[REPL_POLICY_COUNT] = {0};
    int status = 0;
    int tables = single ? want_tables(a, kept, future->count) : 0;
    if (tables < 0)
        status = 2;
    else if (tables && !run_tables(a, kept, faults))
        status = 3;
    else if (!tables)
        status = run_summary(a, future, single, faults);
    if (!status && tables && a->stack && !print_lru_stack(kept, (uint32_t)a->frames))
        status = 3;
    for (int p = 0; p < REPL_POLICY_COUNT && !status; p++)
        if (a->policies >> p & 1) {
            if (single)
                printf("%s: %llu faults\n", repl_policy_name[p], (unsigned long long)faults[p]);
            add_row(rows, a, future->count, (repl_policy_t)p, faults[p]);
        }
    if (status == 3) {
        fprintf(stderr, "mmulab refs: out of memory\n");
        status = 2;
    }
    return status;
}

/* Every frame count of the grid (one point without a list), over the string
 * read once.  0, or the exit status. */
static int run_points(refs_args_t *a, const grid_t *g)
{
    nextuse_t future;
    refstring_t kept = {0};
    char err[200];
    if (!nextuse_open(&future, err, sizeof err)) {
        fprintf(stderr, "mmulab refs: %s\n", err);
        return 2;
    }
    rows_t rows;
    rows_init(&rows);
    size_t points = grid_points(g);
    int status = read_references(a, &future, &kept);
    for (size_t p = 0; p < points && !status && !runctl_stopping(); p++) {
        if (g->naxes && !parse_u64(grid_value(g, p, 0), &a->frames)) /* checked by the parser */
            status = 2;
        else
            status = run_policies(a, &future, &kept, points == 1, &rows);
    }
    if (!status && points > 1) {
        rows_print(&rows, stdout, (const char *const[]){"frames", "policy", "faults", NULL});
        belady_report(&rows, "frames", "faults", "policy", stdout);
    }
    if (!status && !study_emit(&rows, CMD, &a->out))
        status = 2;
    if (!status && runctl_stopping())
        status = runctl_exit_status();
    rows_free(&rows);
    nextuse_close(&future);
    free(kept.pages);
    return status;
}

int cmd_refs(int argc, char **argv)
{
    refs_args_t a = {.frames = 3, .policies = (1u << REPL_POLICY_COUNT) - 1};
    grid_t grid = {0};
    int status = parse_args(argc, argv, &a, &grid);
    runctl_catch_signals();
    if (status == 0)
        status = run_points(&a, &grid);
    free(a.text);
    grid_free(&grid);
    return status < 0 ? 0 : status;
}
