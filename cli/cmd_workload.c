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
#include "../obs/plot.h"
#include "../studies/workload.h"
#include "../sim/runctl.h"
#include "../sim/options.h"
#include "commands.h"

#define CMD "workload"

typedef struct {
    const char *file;
    study_output_t out; /* --csv, --json, --plot */
    uint64_t seed, seeds;
    wl_gen_t gen;
    wl_config_t run;
    int fit; /* a fit_t, or FIT_COUNT for all */
    opt_given_t given;
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
            "then the fifty-percent rule for first fit over --seeds seeds.  --csv and --json\n"
            "write the table; --plot draws holes per allocated block against time, a curve\n"
            "per fit (200 samples over the run).\n\n"
            "options:\n");
}

static const char *const on_full_names[] = {"wait", "refuse"};

#define ARG(f) OPT_AT(workload_options_t, f)
/* The generator's options do nothing with --file (.acts_in: bit 0 generated, bit 1 a file). */
#define GENERATED .acts_in = 1
static const char *const workload_sources[] = {"generated requests", "--file"};
static const opt_spec_t workload_specs[] = {
    {"--file", .kind = OPT_STRING, .value_name = "FILE", ARG(file),
     .help = "requests from FILE: `ARRIVAL SIZE LIFETIME` per line, # comments"},
    {"--seed", .kind = OPT_NUMBER, .value_name = "N", ARG(seed), GENERATED, .help = "generate from seed N (default 1)"},
    {"--seeds", .kind = OPT_NUMBER, .value_name = "K", ARG(seeds), .min = 1, .max = 1000, GENERATED,
     .help = "seeds N..N+K-1 for the fifty-percent confidence interval (default 10)"},
    {"--count", .kind = OPT_NUMBER, .value_name = "N", ARG(gen.count), .min = 1, .max = 10000000, GENERATED,
     .help = "requests to generate (default 5000)"},
    {"--arrival-mean", .kind = OPT_REAL, .value_name = "T", ARG(gen.arrival_mean), GENERATED,
     .help = "mean time between arrivals, exponential (default 1)"},
    {"--lifetime-mean", .kind = OPT_REAL, .value_name = "T", ARG(gen.lifetime_mean), GENERATED,
     .help = "mean lifetime, exponential (default 50)"},
    {"--size-min", .kind = OPT_SIZE, .value_name = "SIZE", ARG(gen.size_min), .min = 1, GENERATED,
     .help = "smallest request (default 1K)"},
    {"--size-max", .kind = OPT_SIZE, .value_name = "SIZE", ARG(gen.size_max), .min = 1, GENERATED,
     .help = "largest request (default 32K)"},
    {"--size-dist", .kind = OPT_CHOICE, .value_name = "D", ARG(gen.size_dist), .choices = wl_size_dist_name,
     .nchoices = WL_SIZE_DIST_COUNT, GENERATED, .help = "uniform|exponential (default uniform)"},
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
};
#undef GENERATED
#undef ARG

/* 0 go ahead, -1 help printed, 2 bad options. */
static int parse(int argc, char **argv, workload_options_t *o)
{
    defaults(o);
    opt_table_t tables[] = {{.specs = workload_specs, .n = OPT_COUNT(workload_specs), .target = o,
                              OPT_GIVEN_SET(workload_options_t, given)}, study_output_table(&o->out)};
    opt_parser_t p = {.prog = "mmulab " CMD, .tables = tables, .ntables = 2, .err = stderr};
    int rc = opt_parse(&p, argc, argv);
    if (rc < 0) {
        usage(stdout);
        opt_help(&p, stdout);
    }
    if (rc)
        return rc;
    opt_warn_idle_in(p.prog, &tables[0], o->file != NULL, "with", workload_sources, 2, stderr);
    opt_warn_idle(p.prog, &tables[0], "--copy-word-cycles", !o->run.compact, "without --compact", stderr);
    opt_warn_idle(p.prog, &tables[0], "--seeds", !o->file && o->fit != FIT_COUNT && o->fit != FIT_FIRST,
                  "without first fit (the fifty-percent rule is measured under first fit)", stderr);
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

static void add_row(rows_t *rows, const wl_result_t *r)
{
    rows_begin(rows);
    rows_set(rows, "fit", fit_name[r->fit]);
    rows_setf(rows, "requests", "%d", r->requests);
    rows_setf(rows, "refused", "%d", r->refused);
    rows_setf(rows, "mean_wait", "%.4f", r->mean_wait);
    rows_setf(rows, "mean_holes", "%.4f", r->mean_holes);
    rows_setf(rows, "mean_allocated", "%.4f", r->mean_allocated);
    rows_setf(rows, "lost_fraction", "%.5f", r->lost_fraction);
    rows_set_u64(rows, "compactions", r->compactions);
    rows_set_u64(rows, "compaction_cycles", r->compaction_cycles);
}

/* --plot: the samples of every fit, one row each. */
typedef struct {
    rows_t *rows;
    fit_t fit;
    const char *workload;
} samples_t;

static void add_sample(void *ctx, double time, uint32_t holes, int blocks)
{
    samples_t *s = ctx;
    rows_begin(s->rows);
    rows_set(s->rows, "workload", s->workload);
    rows_set(s->rows, "fit", fit_name[s->fit]);
    rows_set_double(s->rows, "time", time);
    rows_set_u64(s->rows, "holes", holes);
    rows_setf(s->rows, "blocks", "%d", blocks);
    rows_set_double(s->rows, "holes_per_block", blocks ? (double)holes / blocks : 0);
}

static bool plot_samples(const workload_options_t *o, const rows_t *samples)
{
    char err[512];
    if (plot_rows(o->out.plot, samples, figure_for(CMD, samples), figure_subject(samples), err, sizeof err))
        return true;
    fprintf(stderr, "mmulab " CMD ": %s\n", err);
    return false;
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
    rows_t rows, samples;
    rows_init(&rows);
    rows_init(&samples);
    char name[160];
    if (o.file)
        snprintf(name, sizeof name, "%s", o.file);
    else
        snprintf(name, sizeof name, "seed %llu, %d requests", (unsigned long long)o.seed, t.n);
    samples_t sampler = {.rows = &samples, .workload = name};
    wl_config_t run = o.run;
    if (o.out.plot && t.n) {
        run.sample = add_sample;
        run.sample_ctx = &sampler;
        run.sample_every = t.req[t.n - 1].arrival / 200;
    }
    print_header();
    for (int f = 0; f < FIT_COUNT && !runctl_stopping(); f++)
        if (o.fit == FIT_COUNT || o.fit == f) {
            wl_result_t r;
            sampler.fit = (fit_t)f;
            wl_run(&t, &run, (fit_t)f, &r);
            progress_end(&progress);
            print_row(&r);
            add_row(&rows, &r);
        }
    wl_trace_free(&t);
    if (runctl_stopping())
        printf("interrupted by %s: the last row covers the requests until then\n", runctl_signal_name());
    else if (!o.file && (o.fit == FIT_COUNT || o.fit == FIT_FIRST))
        fifty_percent_rule(&o);
    study_output_t table = {.csv = o.out.csv, .json = o.out.json};
    bool ok = study_emit(&rows, CMD, &table) && (!o.out.plot || plot_samples(&o, &samples));
    rows_free(&rows);
    rows_free(&samples);
    return !ok ? 2 : runctl_stopping() ? runctl_exit_status() : 0;
}
