/*
 * `mmulab thrash`: sweep the degree of multiprogramming (1..--max-degree
 * copies of a worker with a known working set, sharing F frames) and print
 * CPU utilisation and fault rate per degree, for one frame allocator or all;
 * --csv/--json FILE write a row per degree and allocator (degree,
 * cpu_utilisation, fault_rate, allocator, then the configuration), --plot
 * draws utilisation against the degree, a curve per allocator.  The
 * knee shows where the working sets stop fitting the frames.  By default it
 * runs the real paged OS on programs/thrash_worker.s (cli/thrash_os.c);
 * --model runs the self-contained model of studies/thrash.c instead
 * (docs/multiprogramming.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../obs/plot.h"
#include "../studies/thrash.h"
#include "../sim/runctl.h"
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
    study_output_t out;      /* --csv, --json, --plot                       */
    bool ws_window_given;    /* else each engine's own default window        */
    char worker_path[4096];
    opt_given_t given;
} thrash_options_t;

#define ARG(f) OPT_AT(thrash_options_t, f)
#define D .show_default = true
static const opt_spec_t thrash_specs[] = {
    {"--frames", .kind = OPT_NUMBER, .value_name = "N", ARG(model.frames), .min = 1, .max = 1u << 20, D,
     .help = "frames shared by all processes"},
    {"--alloc", .kind = OPT_CHOICE, .value_name = "A", ARG(alloc), .choices = frame_alloc_name,
     .nchoices = ALLOC_COUNT, .keyword = "all", .keyword_value = ALLOC_COUNT, D, .help = "equal|proportional|ws|all"},
    {"--scope", .kind = OPT_CHOICE, .value_name = "S", ARG(model.scope), .choices = repl_scope_name,
     .nchoices = SCOPE_COUNT, D, .help = "local|global replacement (ws: global)"},
    {"--policy", .kind = OPT_CHOICE, .value_name = "P", ARG(model.policy), .choices = repl_policy_name,
     .nchoices = REPL_POLICY_COUNT, D, .help = "fifo|lru|clock (opt needs the future)"},
    {"--cycles", .kind = OPT_NUMBER, .value_name = "N", ARG(model.cycles), .min = 1000, .max = 1ull << 40, D,
     .help = "length of each run"},
    {"--ws-window", .kind = OPT_NUMBER, .value_name = "N", ARG(model.ws_window), .min = 1, .max = 1u << 30,
     OPT_GIVEN(thrash_options_t, ws_window_given), D, .help = "working-set window, references"},
    {"--max-degree", .kind = OPT_NUMBER, .value_name = "N", ARG(max_degree), .min = 1, .max = 256, D,
     .help = "sweep degrees 1..N"},
    {"--timing", .kind = OPT_LIST, .value_name = "NAME=V", ARG(os.timings),
     .help = "a timing parameter (see `mmulab timing`); repeatable"},
    {"--program", .kind = OPT_STRING, .value_name = "FILE", ARG(os.program),
     .help = "the worker under the OS (default programs/thrash_worker.s)"},
    {"--model", .kind = OPT_FLAG, ARG(use_model), .help = "the self-contained model, with the options below"},
};

/* The self-contained model's own options (studies/thrash.c). */
static const opt_spec_t model_specs[] = {
    {"--pages", .kind = OPT_NUMBER, .value_name = "K", ARG(model.pages), .min = 1, .max = 1u << 16, D,
     .help = "pages each worker loops over"},
    {"--pages-spread", .kind = OPT_NUMBER, .value_name = "S", ARG(model.pages_spread), .max = 1u << 15, D,
     .help = "worker i loops over K-S + i%(2S+1) pages"},
    {"--refs-per-page", .kind = OPT_NUMBER, .value_name = "R", ARG(model.refs_per_page), .min = 1, .max = 1u << 24,
     D, .help = "references to a page per visit"},
    {"--page-size", .kind = OPT_SIZE, .value_name = "SIZE", ARG(model.page_size), .min = 1, .max = 1u << 24, D,
     .help = "bytes per page, what a fault reads"},
    {"--burst", .kind = OPT_NUMBER, .value_name = "N", ARG(model.burst), .min = 1, .max = 1u << 30, D,
     .help = "mean references between I/O waits, exponential"},
    {"--io-cycles", .kind = OPT_NUMBER, .value_name = "N", ARG(model.io_cycles), .max = 1ull << 40, D,
     .help = "mean I/O wait in cycles, exponential"},
    {"--seed", .kind = OPT_NUMBER, .value_name = "N", ARG(model.seed), D, .help = "for the bursts and waits"},
    {"--warmup", .kind = OPT_NUMBER, .value_name = "N", ARG(model.warmup), .max = 1ull << 40, D,
     .help = "cycles before measuring"},
};
#undef D
#undef ARG

static void usage(FILE *out, const opt_parser_t *p)
{
    fprintf(out,
            "usage: mmulab thrash [options]\n\n"
            "Runs 1..N copies of programs/thrash_worker.s (8 data pages in a loop, a device\n"
            "wait every 16 page visits) under the paged OS with --frames frames, each for\n"
            "--cycles cycles, and prints CPU utilisation (cycles not idle and not spent by\n"
            "the OS, over all cycles) and page faults per reference for each degree.\n"
            "--model runs a self-contained model instead (studies/thrash.c: one CPU, one paging\n"
            "disk a faulting process waits on while others run).\n\n"
            "--csv and --json write a row per degree and allocator: degree, cpu_utilisation,\n"
            "fault_rate, allocator, then the configuration and the other columns; --plot\n"
            "draws CPU utilisation against the degree, a curve per allocator.\n\n"
            "options:\n");
    opt_help(p, out);
}

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

/* Each --timing, on the model's table (the OS engine passes them on). */
static bool apply_timings(thrash_options_t *o)
{
    char err[512];
    for (int i = 0; i < o->os.timings.n; i++)
        if (!timing_set(&o->model.timing, o->os.timings.v[i], err, sizeof err)) {
            fprintf(stderr, "mmulab " CMD ": %s\n", err);
            return false;
        }
    return true;
}

/* 0 go ahead, -1 help printed, 2 bad options. */
static int parse(int argc, char **argv, thrash_options_t *o)
{
    memset(o, 0, sizeof *o);
    thrash_config_defaults(&o->model);
    o->max_degree = 16;
    o->alloc = ALLOC_EQUAL;
    opt_table_t tables[] = {{.specs = thrash_specs, .n = OPT_COUNT(thrash_specs), .target = o,
                             OPT_GIVEN_SET(thrash_options_t, given)},
                            study_output_table(&o->out),
                            {.specs = model_specs, .n = OPT_COUNT(model_specs), .target = o, .heading = "  with --model:"}};
    opt_parser_t p = {.prog = "mmulab " CMD, .tables = tables, .ntables = 3, .err = stderr};
    int rc = opt_parse(&p, argc, argv);
    if (rc < 0)
        usage(stdout, &p);
    if (rc)
        return rc;
    if (!apply_timings(o))
        return 2;
    if (o->model.policy == REPL_OPT) {
        fprintf(stderr, "mmulab " CMD ": --policy opt needs the future: use fifo, lru or clock\n");
        return 2;
    }
    o->model_only = tables[2].used;
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
    opt_warn_idle(p.prog, &tables[0], "--program", o->use_model, "with --model (its workers are modelled)", stderr);
    opt_warn_idle(p.prog, &tables[0], "--scope", o->alloc == ALLOC_WS,
                  "with --alloc ws (working-set load control replaces globally)", stderr);
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

static void add_row(rows_t *rows, const thrash_options_t *o, frame_alloc_t alloc, int d, const thrash_point_t *pt)
{
    rows_begin(rows);
    rows_set_u64(rows, "degree", (uint64_t)d);
    rows_set_double(rows, "cpu_utilisation", pt->cpu_utilisation);
    rows_set_double(rows, "fault_rate", pt->fault_rate);
    rows_set(rows, "allocator", frame_alloc_name[alloc]);
    rows_set(rows, "engine", o->use_model ? "model" : "os");
    rows_set(rows, "program", o->use_model ? "studies/thrash.c model" : o->os.program);
    rows_set_u64(rows, "frames", o->model.frames);
    rows_set(rows, "policy", repl_policy_name[o->model.policy]);
    rows_set(rows, "scope", alloc == ALLOC_WS ? "global" : repl_scope_name[o->model.scope]);
    rows_set_u64(rows, "cycles", o->model.cycles);
    rows_set_double(rows, "active", pt->active);
    rows_set_double(rows, "pff", pt->pff);
    rows_set_double(rows, "mean_ws", pt->mean_ws);
    rows_set_double(rows, "disk_busy", pt->disk_busy);
}

/* Run one allocator's sweep; prints its table, appends its rows. */
static bool sweep(const thrash_options_t *o, frame_alloc_t alloc, rows_t *rows)
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
        add_row(rows, o, alloc, d, &pt);
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
    if (rc)
        return rc < 0 ? 0 : rc;
    rows_t rows;
    rows_init(&rows);
    describe(&o);
    runctl_catch_signals();
    bool ok = true;
    for (int a = 0; a < ALLOC_COUNT && ok && !runctl_stopping(); a++)
        if (o.alloc == ALLOC_COUNT || o.alloc == a)
            ok = sweep(&o, (frame_alloc_t)a, &rows);
    ok = ok && study_emit(&rows, CMD, &o.out);
    rows_free(&rows);
    return !ok ? 2 : runctl_stopping() ? runctl_exit_status() : 0;
}
