/*
 * `mmulab thrash`: sweep the degree of multiprogramming (1..--max-degree
 * copies of a worker with a known working set, sharing F frames) and print
 * CPU utilisation and fault rate per degree, for one frame allocator or all;
 * --csv FILE writes degree, cpu_utilisation, fault_rate, allocator.  The
 * knee shows where the working sets stop fitting the frames.  By default it
 * runs the real paged OS on programs/thrash_worker.s (cli/thrash_os.c);
 * --model runs the self-contained model of studies/thrash.c instead
 * (docs/multiprogramming.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../studies/thrash.h"
#include "../sim/runctl.h"
#include "argopt.h"
#include "commands.h"
#include "thrash_os.h"
#include "../sim/options.h"

#define CMD "thrash"

typedef struct {
    thrash_config_t model;
    thrash_os_t os;
    bool use_model;          /* --model                                    */
    const char *model_only;  /* a model option given, for the complaint    */
    uint64_t max_degree;
    int alloc; /* frame_alloc_t, or ALLOC_COUNT for all */
    const char *csv;
    bool ws_window_given;    /* else each engine's own default window        */
    char worker_path[4096];
} thrash_options_t;

static void usage(FILE *out)
{
    thrash_config_t d;
    thrash_config_defaults(&d);
    fprintf(out,
            "usage: mmulab thrash [options]\n\n"
            "Runs 1..N copies of programs/thrash_worker.s (8 data pages in a loop, a device\n"
            "wait every 16 page visits) under the paged OS with --frames frames, each for\n"
            "--cycles cycles, and prints CPU utilisation (cycles not idle and not spent by\n"
            "the OS, over all cycles) and page faults per reference for each degree.\n"
            "--model runs a self-contained model instead (studies/thrash.c: one CPU, one paging\n"
            "disk a faulting process waits on while others run).\n\n"
            "options:\n"
            "  --frames N         frames shared by all processes (default %u)\n"
            "  --alloc A          equal|proportional|ws|all (default equal)\n"
            "  --scope S          local|global replacement (default local; ws: global)\n"
            "  --policy P         fifo|lru|clock (default lru)\n"
            "  --cycles N         length of each run (default %llu)\n"
            "  --ws-window N      working-set window, references (default %u)\n"
            "  --max-degree N     sweep degrees 1..N (default 16)\n"
            "  --timing NAME=V    a timing parameter (see `mmulab timing`)\n"
            "  --csv FILE         degree,cpu_utilisation,fault_rate,allocator\n"
            "  --program FILE     the worker under the OS (default programs/thrash_worker.s)\n"
            "  --model            the self-contained model, with these options:\n"
            "    --pages K          pages each worker loops over (default %u)\n"
            "    --pages-spread S worker i loops over K-S + i%%(2S+1) pages (default 0)\n"
            "    --refs-per-page Rreferences to a page per visit (default %u)\n"
            "    --page-size SIZE bytes per page, what a fault reads (default 4K)\n"
            "    --burst N        mean references between I/O waits, exponential (default %u)\n"
            "    --io-cycles N    mean I/O wait in cycles, exponential (default %llu)\n"
            "    --seed N         for the bursts and waits (default 1)\n"
            "    --warmup N       cycles before measuring (default %llu)\n",
            d.frames, (unsigned long long)d.cycles, d.ws_window, d.pages, d.refs_per_page, d.burst,
            (unsigned long long)d.io_cycles, (unsigned long long)d.warmup);
}

/* One of names, or with `all` also "all" (as n). */
static bool pick(const char *option, const char *text, const char *const *names, int n, bool all, int *out)
{
    const char *with_all[8];
    if (!all || n >= 8)
        return opt_choice(CMD, option, text, names, n, out);
    for (int i = 0; i < n; i++)
        with_all[i] = names[i];
    with_all[n] = "all";
    return opt_choice(CMD, option, text, with_all, n + 1, out);
}

static bool u32_option(const char *option, const char *text, uint64_t min, uint64_t max, uint32_t *out)
{
    uint64_t v;
    if (!opt_u64(CMD, option, text, min, max, &v))
        return false;
    *out = (uint32_t)v;
    return true;
}

static bool parse_named(const char *name, const char *v, thrash_options_t *o)
{
    thrash_config_t *m = &o->model;
    int k;
    if (!strcmp(name, "--alloc"))
        return pick(name, v, frame_alloc_name, ALLOC_COUNT, true, &o->alloc);
    if (!strcmp(name, "--scope")) {
        bool ok = pick(name, v, repl_scope_name, SCOPE_COUNT, false, &k);
        m->scope = (repl_scope_t)k;
        return ok;
    }
    if (!strcmp(name, "--policy")) {
        bool ok = pick(name, v, repl_policy_name, REPL_POLICY_COUNT, false, &k) && k != REPL_OPT;
        if (ok)
            m->policy = (repl_policy_t)k;
        else if (k == REPL_OPT)
            fprintf(stderr, "mmulab " CMD ": --policy opt needs the future: use fifo, lru or clock\n");
        return ok;
    }
    if (!strcmp(name, "--timing")) {
        char err[512];
        if (o->os.ntimings == (int)(sizeof o->os.timings / sizeof o->os.timings[0])) {
            fprintf(stderr, "mmulab " CMD ": too many --timing options\n");
            return false;
        }
        o->os.timings[o->os.ntimings++] = v;
        if (timing_set(&m->timing, v, err, sizeof err))
            return true;
        fprintf(stderr, "mmulab " CMD ": %s\n", err);
        return false;
    }
    if (!strcmp(name, "--program"))
        return (o->os.program = v) != NULL;
    if (!strcmp(name, "--page-size")) {
        uint64_t size;
        if (!opt_size(CMD, name, v, &size))
            return false;
        m->page_size = (uint32_t)(size > (1u << 24) ? (1u << 24) : size);
        return true;
    }
    if (!strcmp(name, "--csv"))
        return (o->csv = v) != NULL;
    if (!strcmp(name, "--frames"))
        return u32_option(name, v, 1, 1u << 20, &m->frames);
    if (!strcmp(name, "--pages"))
        return u32_option(name, v, 1, 1u << 16, &m->pages);
    if (!strcmp(name, "--pages-spread"))
        return u32_option(name, v, 0, 1u << 15, &m->pages_spread);
    if (!strcmp(name, "--refs-per-page"))
        return u32_option(name, v, 1, 1u << 24, &m->refs_per_page);
    if (!strcmp(name, "--burst"))
        return u32_option(name, v, 1, 1u << 30, &m->burst);
    if (!strcmp(name, "--ws-window")) {
        o->ws_window_given = true;
        return u32_option(name, v, 1, 1u << 30, &m->ws_window);
    }
    if (!strcmp(name, "--io-cycles"))
        return opt_u64(CMD, name, v, 0, 1ull << 40, &m->io_cycles);
    if (!strcmp(name, "--cycles"))
        return opt_u64(CMD, name, v, 1000, 1ull << 40, &m->cycles);
    if (!strcmp(name, "--warmup"))
        return opt_u64(CMD, name, v, 0, 1ull << 40, &m->warmup);
    if (!strcmp(name, "--seed"))
        return opt_u64(CMD, name, v, 0, UINT64_MAX, &m->seed);
    return opt_u64(CMD, name, v, 1, 256, &o->max_degree); /* --max-degree */
}

static const char *const option_names[] = {"--alloc",  "--scope",    "--policy",    "--timing", "--program",
                                           "--csv",    "--frames",   "--ws-window", "--cycles", "--max-degree",
                                           /* the model's own, from here on */
                                           "--page-size", "--pages", "--pages-spread", "--refs-per-page", "--burst",
                                           "--io-cycles", "--warmup", "--seed"};
#define FIRST_MODEL_OPTION 10

/* The OS engine takes the shared options from the model's settings. */
static void os_settings(thrash_options_t *o, const char *argv0)
{
    thrash_os_t *t = &o->os;
    const thrash_config_t *m = &o->model;
    t->frames = m->frames;
    t->scope = repl_scope_name[m->scope];
    t->policy = repl_policy_name[m->policy];
    t->cycles = m->cycles;
    t->ws_window = o->ws_window_given ? m->ws_window : 0; /* 0: the OS engine's own default */
    if (t->program)
        return; /* the user's worker, as given */
    const char *wanted = "programs/thrash_worker.s";
    const char *found = thrash_os_find_worker(wanted, argv0, o->worker_path, sizeof o->worker_path);
    t->program = found ? found : wanted;
}

/* 0 go ahead, -1 help printed, 2 bad options. */
static int parse(int argc, char **argv, thrash_options_t *o)
{
    memset(o, 0, sizeof *o);
    thrash_config_defaults(&o->model);
    o->max_degree = 16;
    o->alloc = ALLOC_EQUAL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
            return -1;
        bool matched = false;
        for (size_t k = 0; k < sizeof option_names / sizeof option_names[0] && !matched; k++) {
            const char *v;
            if (!opt_match(CMD, argc, argv, &i, option_names[k], &v))
                continue;
            matched = true;
            if (!v || !parse_named(option_names[k], v, o))
                return 2;
            if (k >= FIRST_MODEL_OPTION)
                o->model_only = option_names[k];
        }
        if (!strcmp(argv[i], "--model"))
            matched = o->use_model = true;
        if (!matched) {
            fprintf(stderr, "mmulab " CMD ": unknown option '%s' (see --help)\n", argv[i]);
            return 2;
        }
    }
    if (o->model.warmup >= o->model.cycles) {
        fprintf(stderr, "mmulab " CMD ": --warmup must be below --cycles\n");
        return 2;
    }
    if (!o->use_model && o->max_degree > MAX_PROGRAMS) {
        fprintf(stderr, "mmulab " CMD ": --max-degree %llu: the OS runs at most %d programs (or use --model)\n",
                (unsigned long long)o->max_degree, MAX_PROGRAMS);
        return 2;
    }
    if (o->model_only && !o->use_model) {
        fprintf(stderr, "mmulab " CMD ": %s belongs to the self-contained model: add --model\n", o->model_only);
        return 2;
    }
    os_settings(o, argv[-1]); /* main passes argv + 1: argv[-1] is the binary's path */
    return 0;
}

static void describe(const thrash_options_t *o)
{
    const thrash_config_t *m = &o->model;
    if (!o->use_model) {
        printf("thrash: 1..%d copies of %s under the paged OS, %u frames, %s replacement (%s;\n"
               "global under ws), %llu cycles per run; working sets over %u references.\n",
               (int)o->max_degree, o->os.program, o->os.frames, o->os.scope, o->os.policy,
               (unsigned long long)o->os.cycles, thrash_os_window(&o->os));
        return;
    }
    printf("thrash: %u frames of %u bytes; each worker loops over %u pages, %u references per visit,\n"
           "I/O waits of %llu cycles every %u references on average; a reference costs %llu cycles, a fault %llu\n"
           "cycles of handler and %llu of disk; %s replacement (%s); %llu cycles per run, measured after %llu.\n"
           "(the self-contained model of studies/thrash.c)\n",
           m->frames, m->page_size, m->pages, m->refs_per_page, (unsigned long long)m->io_cycles, m->burst,
           (unsigned long long)thrash_ref_cycles(&m->timing),
           (unsigned long long)(m->timing.trap_cycles + m->timing.fault_handler_cycles),
           (unsigned long long)thrash_fault_disk_cycles(m), repl_scope_name[m->scope], repl_policy_name[m->policy],
           (unsigned long long)m->cycles, (unsigned long long)m->warmup);
}

/* One degree under one allocator, on the model or the OS. */
static bool run_point(const thrash_options_t *o, frame_alloc_t alloc, int degree, thrash_point_t *pt)
{
    if (o->use_model) {
        thrash_config_t m = o->model;
        m.alloc = alloc;
        return thrash_run(&m, degree, pt);
    }
    thrash_os_t t = o->os;
    t.alloc = frame_alloc_name[alloc];
    return thrash_os_run(&t, degree, pt);
}

/* Run one allocator's sweep; prints its table, appends CSV rows. */
static bool sweep(const thrash_options_t *o, frame_alloc_t alloc, FILE *csv)
{
    printf("\nallocator %s:\n%6s %7s %9s %11s %9s %8s %9s\n", frame_alloc_name[alloc], "degree", "active",
           "cpu_util", "fault_rate", "pff/1000", "mean_ws", "disk_busy");
    double best = -1;
    int best_degree = 0;
    thrash_point_t pt = {0};
    progress_t progress;
    progress_start(&progress, "thrash", false);
    for (int d = 1; d <= (int)o->max_degree && !runctl_stopping(); d++) {
        /* the line stays while the point runs; the row replaces it */
        progress_update(&progress, (uint64_t)d - 1, "degrees", (uint64_t)d - 1, "degrees", frame_alloc_name[alloc]);
        bool ran = run_point(o, alloc, d, &pt);
        progress_end(&progress);
        if (!ran) {
            fprintf(stderr, "mmulab " CMD ": cannot run degree %d\n", d);
            return false;
        }
        printf("%6d %7.2f %9.3f %11.5f %9.2f %8.2f %9.3f\n", d, pt.active, pt.cpu_utilisation, pt.fault_rate, pt.pff,
               pt.mean_ws, pt.disk_busy);
        if (csv)
            fprintf(csv, "%d,%.5f,%.6f,%s\n", d, pt.cpu_utilisation, pt.fault_rate, frame_alloc_name[alloc]);
        if (pt.cpu_utilisation > best) {
            best = pt.cpu_utilisation;
            best_degree = d;
        }
    }
    if (runctl_stopping()) {
        printf("interrupted by %s: the degrees so far\n", runctl_signal_name());
        return true;
    }
    printf("peak utilisation %.3f at degree %d; at degree %d: %.3f (%.0f%% of the peak)\n", best, best_degree,
           (int)o->max_degree, pt.cpu_utilisation, best > 0 ? 100 * pt.cpu_utilisation / best : 0);
    return true;
}

int cmd_thrash(int argc, char **argv)
{
    thrash_options_t o;
    int rc = parse(argc, argv, &o);
    if (rc < 0) {
        usage(stdout);
        return 0;
    }
    if (rc)
        return rc;
    FILE *csv = NULL;
    if (o.csv && !(csv = fopen(o.csv, "w"))) {
        fprintf(stderr, "mmulab " CMD ": cannot write %s\n", o.csv);
        return 2;
    }
    if (csv)
        fprintf(csv, "degree,cpu_utilisation,fault_rate,allocator\n");
    describe(&o);
    runctl_catch_signals();
    bool ok = true;
    for (int a = 0; a < ALLOC_COUNT && ok && !runctl_stopping(); a++)
        if (o.alloc == ALLOC_COUNT || o.alloc == a)
            ok = sweep(&o, (frame_alloc_t)a, csv);
    if (csv && fclose(csv) != 0)
        ok = false;
    return !ok ? 2 : runctl_stopping() ? runctl_exit_status() : 0;
}
