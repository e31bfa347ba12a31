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
#include "../sim/options.h"
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
            "options:\n");
}

static const char *const on_full_names[] = {"wait", "refuse"};

#define ARG(f) OPT_AT(workload_options_t, f)
static const opt_spec_t workload_specs[] = {
    {"--file", .kind = OPT_STRING, .value_name = "FILE", ARG(file),
     .help = "requests from FILE: `ARRIVAL SIZE LIFETIME` per line, # comments"},
    {"--seed", .kind = OPT_NUMBER, .value_name = "N", ARG(seed), .help = "generate from seed N (default 1)"},
    {"--seeds", .kind = OPT_NUMBER, .value_name = "K", ARG(seeds), .min = 1, .max = 1000,
     .help = "seeds N..N+K-1 for the fifty-percent confidence interval (default 10)"},
    {"--count", .kind = OPT_NUMBER, .value_name = "N", ARG(gen.count), .min = 1, .max = 10000000,
     .help = "requests to generate (default 5000)"},
    {"--arrival-mean", .kind = OPT_REAL, .value_name = "T", ARG(gen.arrival_mean),
     .help = "mean time between arrivals, exponential (default 1)"},
    {"--lifetime-mean", .kind = OPT_REAL, .value_name = "T", ARG(gen.lifetime_mean),
     .help = "mean lifetime, exponential (default 50)"},
    {"--size-min", .kind = OPT_SIZE, .value_name = "SIZE", ARG(gen.size_min), .min = 1,
     .help = "smallest request (default 1K)"},
    {"--size-max", .kind = OPT_SIZE, .value_name = "SIZE", ARG(gen.size_max), .min = 1,
     .help = "largest request (default 32K)"},
    {"--size-dist", .kind = OPT_CHOICE, .value_name = "D", ARG(gen.size_dist), .choices = wl_size_dist_name,
     .nchoices = WL_SIZE_DIST_COUNT, .help = "uniform|exponential (default uniform)"},
    {"--mem", .kind = OPT_SIZE, .value_name = "SIZE", ARG(run.mem), .min = 1, .help = "memory managed (default 1M)"},
    {"--granule", .kind = OPT_SIZE, .value_name = "BYTES", ARG(run.granule), .min = 1, .pow2 = true,
     .help = "allocation granule, a power of two (default 16)"},
    {"--fit", .kind = OPT_CHOICE, .value_name = "F", ARG(fit), .choices = fit_name, .nchoices = FIT_COUNT,
     .keyword = "all", .keyword_value = FIT_COUNT, .help = "first|best|worst|next|all (default all)"},
    {"--on-full", .kind = OPT_CHOICE, .value_name = "P", ARG(run.on_full), .choices = on_full_names, .nchoices = 2,
     .help = "wait|refuse: a request that fits no hole (default wait)"},
    {"--compact", .kind = OPT_FLAG, ARG(run.compact),
     .help = "compact when a request fails but enough memory is free"},
    {"--copy-word-cycles", .kind = OPT_NUMBER, .value_name = "N", ARG(run.copy_word_cycles), .max = 1000000,
     .help = "what compaction pays per word moved (default: timing table)"},
    {"--warmup", .kind = OPT_NUMBER, .value_name = "N", ARG(run.warmup), .max = 10000000,
     .help = "requests before measuring time averages (default 1000)"},
    {"--csv", .kind = OPT_STRING, .value_name = "FILE", ARG(csv), .help = "also write the table as CSV"},
};
#undef ARG

/* 0 go ahead, -1 help printed, 2 bad options. */
static int parse(int argc, char **argv, workload_options_t *o)
{
    defaults(o);
    opt_table_t table = {workload_specs, OPT_COUNT(workload_specs), o, NULL, NULL};
    opt_parser_t p = {.prog = "mmulab " CMD, .tables = &table, .ntables = 1, .err = stderr};
    int rc = opt_parse(&p, argc, argv);
    if (rc < 0) {
        usage(stdout);
        opt_help(&p, stdout);
    }
    if (rc)
        return rc;
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
    if (rc)
        return rc < 0 ? 0 : rc;
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
