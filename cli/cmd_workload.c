/*
 * `mmulab workload`: many processes arriving and leaving, through the OS's
 * partition allocator, under each fit; a table (and --csv) of requests
 * satisfied, refused and waited, waiting time, holes, allocated blocks,
 * memory lost to holes and compaction; and the fifty-percent rule checked
 * over several seeds with a 95% confidence interval.
 * docs/multiprogramming.md explains every column and the defaults.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../machine/config.h"
#include "../studies/workload.h"
#include "../sim/runctl.h"
#include "argopt.h"
#include "commands.h"

#define CMD "workload"

typedef struct {
    const char *file, *csv;
    uint64_t seed, seeds;
    wl_gen_t gen;
    wl_config_t run;
    int fit; /* a fit_t, or FIT_COUNT for all */
} workload_options_t;

static void defaults(workload_options_t *o)
{
    timing_t timing;
    timing_defaults(&timing);
    memset(o, 0, sizeof *o);
    o->seed = 1;
    o->seeds = 10;
    o->gen = (wl_gen_t){.count = 5000, .arrival_mean = 1, .lifetime_mean = 50, .size_min = 1024,
                        .size_max = 32768, .size_dist = WL_SIZE_UNIFORM};
    o->run = (wl_config_t){.mem = 1u << 20, .granule = 16, .on_full = WL_WAIT, .compact = false,
                           .copy_word_cycles = timing.copy_word_cycles, .warmup = 1000};
    o->fit = FIT_COUNT;
}

static void usage(FILE *out)
{
    fprintf(out,
            "usage: mmulab workload [options]\n\n"
            "Processes arrive, hold a partition for a lifetime and leave; the OS's partition\n"
            "allocator places them under each fit.  Reports, per fit: requests, satisfied,\n"
            "refused, waited, mean wait, mean holes, mean allocated blocks, holes/blocks,\n"
            "memory lost to holes, internal fragmentation, compactions and their cycles;\n"
            "then the fifty-percent rule for first fit over --seeds seeds.\n\n"
            "options:\n"
            "  --file FILE          requests from FILE: `ARRIVAL SIZE LIFETIME` per line, # comments\n"
            "  --seed N             generate from seed N (default 1)\n"
            "  --seeds K            seeds N..N+K-1 for the fifty-percent confidence interval (default 10)\n"
            "  --count N            requests to generate (default 5000)\n"
            "  --arrival-mean T     mean time between arrivals, exponential (default 1)\n"
            "  --lifetime-mean T    mean lifetime, exponential (default 50)\n"
            "  --size-min SIZE      smallest request (default 1K)\n"
            "  --size-max SIZE      largest request (default 32K)\n"
            "  --size-dist D        uniform|exponential (default uniform)\n"
            "  --mem SIZE           memory managed (default 1M)\n"
            "  --granule BYTES      allocation granule, a power of two (default 16)\n"
            "  --fit F              first|best|worst|next|all (default all)\n"
            "  --on-full P          wait|refuse: a request that fits no hole (default wait)\n"
            "  --compact            compact when a request fails but enough memory is free\n"
            "  --copy-word-cycles N what compaction pays per word moved (default: timing table)\n"
            "  --warmup N           requests before measuring time averages (default 1000)\n"
            "  --csv FILE           also write the table as CSV\n");
}

static bool parse_double(const char *option, const char *text, double *out)
{
    if (!text)
        return false;
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (errno || end == text || *end || !(v > 0) || !isfinite(v)) {
        fprintf(stderr, "mmulab " CMD ": %s '%s': want a positive number (e.g. 2.5)\n", option, text);
        return false;
    }
    *out = v;
    return true;
}

static bool parse_size32(const char *option, const char *text, uint32_t *out)
{
    uint64_t v;
    if (!opt_size(CMD, option, text, &v))
        return false;
    if (v == 0 || v > UINT32_MAX) {
        fprintf(stderr, "mmulab " CMD ": %s '%s': want 1 byte to 4G-1\n", option, text);
        return false;
    }
    *out = (uint32_t)v;
    return true;
}

static bool parse_fit(const char *text, int *out)
{
    const char *names[FIT_COUNT + 1]; /* the fits, then "all" (= FIT_COUNT) */
    for (int f = 0; f < FIT_COUNT; f++)
        names[f] = fit_name[f];
    names[FIT_COUNT] = "all";
    return opt_choice(CMD, "--fit", text, names, FIT_COUNT + 1, out);
}

/* One option at argv[*i]; false after a message. */
static bool parse_one(int argc, char **argv, int *i, workload_options_t *o)
{
    const char *v;
    uint64_t n;
    int k;
    static const char *const on_full_names[] = {"wait", "refuse"};
    if (!strcmp(argv[*i], "--compact"))
        return (o->run.compact = true);
    if (opt_match(CMD, argc, argv, i, "--file", &v))
        return (o->file = v) != NULL;
    if (opt_match(CMD, argc, argv, i, "--csv", &v))
        return (o->csv = v) != NULL;
    if (opt_match(CMD, argc, argv, i, "--seed", &v))
        return opt_u64(CMD, "--seed", v, 0, UINT64_MAX, &o->seed);
    if (opt_match(CMD, argc, argv, i, "--seeds", &v))
        return opt_u64(CMD, "--seeds", v, 1, 1000, &o->seeds);
    if (opt_match(CMD, argc, argv, i, "--count", &v)) {
        bool ok = opt_u64(CMD, "--count", v, 1, 10000000, &n);
        o->gen.count = (int)n;
        return ok;
    }
    if (opt_match(CMD, argc, argv, i, "--warmup", &v)) {
        bool ok = opt_u64(CMD, "--warmup", v, 0, 10000000, &n);
        o->run.warmup = (int)n;
        return ok;
    }
    if (opt_match(CMD, argc, argv, i, "--copy-word-cycles", &v)) {
        bool ok = opt_u64(CMD, "--copy-word-cycles", v, 0, 1000000, &n);
        o->run.copy_word_cycles = (uint32_t)n;
        return ok;
    }
    if (opt_match(CMD, argc, argv, i, "--arrival-mean", &v))
        return parse_double("--arrival-mean", v, &o->gen.arrival_mean);
    if (opt_match(CMD, argc, argv, i, "--lifetime-mean", &v))
        return parse_double("--lifetime-mean", v, &o->gen.lifetime_mean);
    if (opt_match(CMD, argc, argv, i, "--size-min", &v))
        return parse_size32("--size-min", v, &o->gen.size_min);
    if (opt_match(CMD, argc, argv, i, "--size-max", &v))
        return parse_size32("--size-max", v, &o->gen.size_max);
    if (opt_match(CMD, argc, argv, i, "--mem", &v))
        return parse_size32("--mem", v, &o->run.mem);
    if (opt_match(CMD, argc, argv, i, "--granule", &v)) {
        if (!parse_size32("--granule", v, &o->run.granule))
            return false;
        if (o->run.granule & (o->run.granule - 1)) {
            fprintf(stderr, "mmulab " CMD ": --granule '%s': want a power of two\n", v);
            return false;
        }
        return true;
    }
    if (opt_match(CMD, argc, argv, i, "--size-dist", &v)) {
        bool ok = opt_choice(CMD, "--size-dist", v, wl_size_dist_name, WL_SIZE_DIST_COUNT, &k);
        o->gen.size_dist = (wl_size_dist_t)k;
        return ok;
    }
    if (opt_match(CMD, argc, argv, i, "--on-full", &v)) {
        bool ok = opt_choice(CMD, "--on-full", v, on_full_names, 2, &k);
        o->run.on_full = (wl_on_full_t)k;
        return ok;
    }
    if (opt_match(CMD, argc, argv, i, "--fit", &v))
        return parse_fit(v, &o->fit);
    fprintf(stderr, "mmulab " CMD ": unknown option '%s' (see --help)\n", argv[*i]);
    return false;
}

/* 0 go ahead, -1 help printed, 2 bad options. */
static int parse(int argc, char **argv, workload_options_t *o)
{
    defaults(o);
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
            return -1;
        if (!parse_one(argc, argv, &i, o))
            return 2;
    }
    if (o->gen.size_min > o->gen.size_max) {
        fprintf(stderr, "mmulab " CMD ": --size-min is above --size-max\n");
        return 2;
    }
    return 0;
}

static bool load_workload(const workload_options_t *o, uint64_t seed, wl_trace_t *t)
{
    memset(t, 0, sizeof *t);
    if (!o->file) {
        if (wl_generate(t, &o->gen, seed))
            return true;
        wl_trace_free(t);
        fprintf(stderr, "mmulab " CMD ": out of host memory\n");
        return false;
    }
    char err[512];
    if (wl_read_file(o->file, t, err, sizeof err))
        return true;
    wl_trace_free(t);
    fprintf(stderr, "mmulab " CMD ": %s\n", err);
    return false;
}

static double ratio(const wl_result_t *r)
{
    return r->mean_allocated > 0 ? r->mean_holes / r->mean_allocated : 0;
}

static void print_header(void)
{
    printf("%-6s %8s %9s %7s %6s %7s %9s %10s %10s %9s %6s %8s %11s %12s\n", "fit", "requests", "satisfied",
           "refused", "waited", "pending", "mean_wait", "mean_holes", "mean_alloc", "holes/blk", "lost", "internal",
           "compactions", "comp_cycles");
}

static void print_row(const wl_result_t *r)
{
    printf("%-6s %8d %9d %7d %6d %7d %9.2f %10.2f %10.2f %9.3f %5.1f%% %7.2f%% %11llu %12llu\n", fit_name[r->fit],
           r->requests, r->satisfied, r->refused, r->waited, r->pending, r->mean_wait, r->mean_holes,
           r->mean_allocated, ratio(r), 100 * r->lost_fraction, 100 * r->internal_fraction,
           (unsigned long long)r->compactions, (unsigned long long)r->compaction_cycles);
}

static bool write_csv(const char *path, const wl_result_t *rows, int n)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "mmulab " CMD ": cannot write %s\n", path);
        return false;
    }
    fprintf(f, "fit,requests,refused,mean_wait,mean_holes,mean_allocated,lost_fraction,compactions,"
               "compaction_cycles\n");
    for (int i = 0; i < n; i++) {
        const wl_result_t *r = &rows[i];
        fprintf(f, "%s,%d,%d,%.4f,%.4f,%.4f,%.5f,%llu,%llu\n", fit_name[r->fit], r->requests, r->refused,
                r->mean_wait, r->mean_holes, r->mean_allocated, r->lost_fraction,
                (unsigned long long)r->compactions, (unsigned long long)r->compaction_cycles);
    }
    return fclose(f) == 0;
}

static void describe(const workload_options_t *o, const wl_trace_t *t)
{
    if (o->file)
        printf("workload: %d requests from %s", t->n, o->file);
    else
        printf("workload: %d requests from seed %llu (arrivals every %.3g on average, lifetimes %.3g, sizes %s "
               "%u..%u bytes)",
               t->n, (unsigned long long)o->seed, o->gen.arrival_mean, o->gen.lifetime_mean,
               wl_size_dist_name[o->gen.size_dist], o->gen.size_min, o->gen.size_max);
    printf("\nmemory %u bytes, granule %u, a request that fits no hole %s%s; averages after request %d\n\n",
           o->run.mem, o->run.granule, o->run.on_full == WL_WAIT ? "waits" : "is refused",
           o->run.compact ? ", compaction on" : "", o->run.warmup);
}

/* The fifty-percent rule over seeds: mean of holes/blocks and its 95% CI. */
static void fifty_percent_rule(const workload_options_t *o)
{
    int k = (int)o->seeds;
    double sum = 0, sumsq = 0;
    for (int i = 0; i < k; i++) {
        if (runctl_stopping())
            return;
        wl_trace_t t;
        wl_result_t r;
        if (!load_workload(o, o->seed + (uint64_t)i, &t))
            return;
        wl_run(&t, &o->run, FIT_FIRST, &r);
        wl_trace_free(&t);
        sum += ratio(&r);
        sumsq += ratio(&r) * ratio(&r);
    }
    double mean = sum / k;
    double var = k > 1 ? (sumsq - k * mean * mean) / (k - 1) : 0;
    double half = wl_t95(k) * sqrt(var > 0 ? var : 0) / sqrt(k);
    printf("\nfifty-percent rule (first fit, seeds %llu..%llu): holes/blocks = %.3f +- %.3f (95%% CI), "
           "Knuth predicts 0.5\n",
           (unsigned long long)o->seed, (unsigned long long)(o->seed + (uint64_t)k - 1), mean, half);
    printf("  so about %.0f%% of the memory's pieces are holes (the rule's (0.5N)/(N+0.5N) = 1/3)\n",
           100 * mean / (1 + mean));
}

/* wl_config_t's tick: the progress line, and false once asked to stop. */
static bool workload_tick(void *ctx, int arrived)
{
    progress_update(ctx, (uint64_t)arrived, "requests", (uint64_t)arrived, "requests", NULL);
    return !runctl_stopping();
}

int cmd_workload(int argc, char **argv)
{
    workload_options_t o;
    int rc = parse(argc, argv, &o);
    if (rc < 0) {
        usage(stdout);
        return 0;
    }
    if (rc)
        return rc;
    progress_t progress;
    progress_start(&progress, "workload", false);
    runctl_catch_signals();
    o.run.tick = workload_tick;
    o.run.tick_ctx = &progress;
    wl_trace_t t;
    if (!load_workload(&o, o.seed, &t))
        return 2;
    describe(&o, &t);
    wl_result_t rows[FIT_COUNT];
    int n = 0;
    print_header();
    for (int f = 0; f < FIT_COUNT && !runctl_stopping(); f++)
        if (o.fit == FIT_COUNT || o.fit == f) {
            wl_run(&t, &o.run, (fit_t)f, &rows[n]);
            progress_end(&progress);
            print_row(&rows[n++]);
        }
    wl_trace_free(&t);
    if (runctl_stopping()) {
        printf("interrupted by %s: the last row covers the requests until then\n", runctl_signal_name());
        return runctl_exit_status();
    }
    if (!o.file && (o.fit == FIT_COUNT || o.fit == FIT_FIRST))
        fifty_percent_rule(&o);
    if (o.csv && !write_csv(o.csv, rows, n))
        return 2;
    return runctl_stopping() ? runctl_exit_status() : 0;
}
