/*
 * `mmulab compare`: the same programs under software relocation, hardware
 * relocation, segmentation and paging, side by side, in cycles; what happens to a store
 * outside a process's memory under each; and whether a process can be moved
 * mid-run (not asked of paging, which places pages, not processes).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "../obs/plot.h"
#include "../sim/runctl.h"
#include "../sim/session.h"
#include "commands.h"
#include "run_study.h"

static const os_mode_t compared_modes[] = {OS_SWRELOC, OS_HWRELOC, OS_SEG, OS_PAGED};
#define NMODES (sizeof compared_modes / sizeof compared_modes[0])

typedef struct {
    int status;
    proc_stats_t total;
    bool right, checked;
    int stray_count;
    event_t stray[8];
    char verdicts[1024];
    char faults[1024];
    char move_note[400];
    bool moved;          /* the move happened (the process was still running) */
    char output[256];
    uint64_t clock;
    uint64_t first_end; /* when process 1 exited or was stopped */
} outcome_t;

/* Observer: when process 1 ended (the session keeps the stray stores). */
static void collect_events(void *ctx, const event_t *ev)
{
    outcome_t *o = ctx;
    if ((ev->kind == EV_PROC_EXIT || ev->kind == EV_PROC_KILL) && ev->pid == 1)
        o->first_end = ev->cycle;
}

/* Append each process's verdict (expectations) and fault message. */
static void judge(session_t *s, outcome_t *o)
{
    FILE *v = fmemopen(o->verdicts, sizeof o->verdicts - 1, "w");
    o->right = true;
    o->checked = false;
    for (int i = 0; i < s->opt.nprograms; i++) {
        int applied;
        if (v)
            fprintf(v, "    %s: ", s->opt.programs[i]);
        bool ok = expect_verify(&s->expects[i], s->os, i + 1, s->opt.os.mode, v ? v : stderr, &applied);
        if (applied) {
            o->checked = true;
            if (v && ok)
                fprintf(v, "right\n");
        } else if (v)
            fprintf(v, "(no expectation)\n");
        o->right = o->right && ok;
    }
    if (v)
        fclose(v);
    size_t n = 0;
    o->faults[0] = 0;
    for (int pid = 1; pid <= os_process_count(s->os); pid++) {
        process_t *p = os_process(s->os, pid);
        if (p->state == PROC_KILLED && n < sizeof o->faults - 8)
            n += (size_t)snprintf(o->faults + n, sizeof o->faults - n, "    %s\n", p->fault_msg);
    }
}

/* The first line each process printed, so a reader sees what it computed. */
static void describe_output(session_t *s, outcome_t *o)
{
    size_t n = 0;
    for (int pid = 1; pid <= os_process_count(s->os) && n < sizeof o->output - 1; pid++) {
        process_t *p = os_process(s->os, pid);
        if (!p->output_len)
            continue;
        int len = (int)strcspn(p->output, "\n");
        if (len > (int)p->output_len)
            len = (int)p->output_len;
        n += (size_t)snprintf(o->output + n, sizeof o->output - n, "    %s printed: %.*s\n", p->name, len, p->output);
    }
}

static int run_once(const run_options_t *base_opt, os_mode_t mode, uint64_t move_at, uint32_t move_to,
                    outcome_t *o, FILE *devnull)
{
    run_options_t opt = *base_opt;
    opt.os.mode = mode;
    opt.os.audit_stores = true;
    opt.os.move_at_cycle = move_at;
    opt.os.move_to = move_to;
    memset(o, 0, sizeof *o);
    session_t s;
    int rc = session_open(&s, &opt, stderr);
    if (rc == 0) {
        os_set_console(s.os, devnull);
        evbus_subscribe(&s.bus, collect_events, o);
        o->status = session_run(&s);
        o->stray_count = (int)s.strays;
        memcpy(o->stray, s.first_strays, sizeof o->stray);
        os_totals(s.os, &o->total);
        o->clock = machine_cycles(s.m);
        judge(&s, o);
        snprintf(o->move_note, sizeof o->move_note, "%s", os_move_note(s.os));
        o->moved = o->move_note[0] != 0;
        describe_output(&s, o);
    }
    session_close(&s);
    return rc;
}

static const char *result_word(const outcome_t *o)
{
    if (!o->checked)
        return o->status == 0 ? "exited" : "faulted";
    return o->right ? "right" : "WRONG";
}

static void print_table(const outcome_t *o)
{
    printf("%-10s %12s %12s %12s %12s  %s\n", "mode", "load cycles", "run cycles", "total", "relocations",
           "result");
    for (size_t i = 0; i < NMODES; i++)
        printf("%-10s %12" PRIu64 " %12" PRIu64 " %12" PRIu64 " %12" PRIu64 "  %s\n", os_mode_name[compared_modes[i]],
               o[i].total.load_cycles, o[i].clock - o[i].total.load_cycles, o[i].clock, o[i].total.relocations,
               result_word(&o[i]));
}

static void print_details(const run_options_t *opt, const outcome_t *o)
{
    for (size_t i = 0; i < NMODES; i++) {
        printf("\n%s:\n%s%s%s", os_mode_name[compared_modes[i]], o[i].verdicts, o[i].output, o[i].faults);
        for (int k = 0; k < o[i].stray_count && k < 8; k++) {
            const event_t *e = &o[i].stray[k];
            int owner = (int)e->c;
            char whose[96];
            if (owner == 0)
                snprintf(whose, sizeof whose, "the operating system's memory");
            else if (owner > 0 && owner <= opt->nprograms)
                snprintf(whose, sizeof whose, "process %d's memory (%s)", owner, opt->programs[owner - 1]);
            else
                snprintf(whose, sizeof whose, "free memory");
            printf("    process %d stored at physical 0x%08" PRIx32 " (pc 0x%08" PRIx32 "): that is %s\n", e->a, e->b,
                   e->d, whose);
        }
        if (o[i].stray_count > 8)
            printf("    ... %d stray stores in all\n", o[i].stray_count);
    }
}

/* --csv, --json, --plot: a row per scheme, the figure cycles per scheme. */
static bool emit_rows(const run_options_t *opt, const outcome_t *o)
{
    rows_t rows;
    char names[512] = "";
    rows_init(&rows);
    for (int i = 0; i < opt->nprograms; i++) {
        const char *slash = strrchr(opt->programs[i], '/');
        snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s", i ? " " : "",
                 slash ? slash + 1 : opt->programs[i]);
    }
    for (size_t i = 0; i < NMODES; i++) {
        rows_begin(&rows);
        rows_set(&rows, "program", names);
        rows_set(&rows, "scheme", os_mode_name[compared_modes[i]]);
        rows_set_u64(&rows, "load_cycles", o[i].total.load_cycles);
        rows_set_u64(&rows, "run_cycles", o[i].clock - o[i].total.load_cycles);
        rows_set_u64(&rows, "cycles", o[i].clock);
        rows_set_u64(&rows, "relocations", o[i].total.relocations);
        rows_set_u64(&rows, "instructions", o[i].total.instructions);
        rows_set_u64(&rows, "page_faults", o[i].total.page_faults);
        rows_set(&rows, "result", result_word(&o[i]));
    }
    bool ok = study_emit(&rows, "compare", &opt->out);
    rows_free(&rows);
    return ok;
}

/* Move process 1 half-way through its run, under each mode. */
static int move_experiment(const run_options_t *opt, const outcome_t *plain, FILE *devnull)
{
    printf("\nMoving process 1 (%s) to another place in memory half-way through its run:\n", opt->programs[0]);
    for (size_t i = 0; i < NMODES; i++) {
        if (compared_modes[i] == OS_PAGED) {
            printf("  paged: not attempted: under paging the OS never moves a process as a whole; each page\n"
                   "    goes to any free frame and can leave and come back to another (docs/paging.md)\n");
            continue;
        }
        if (compared_modes[i] == OS_SEG) {
            printf("  seg: not attempted: under segmentation each segment has its own base and moves on its\n"
                   "    own, by rewriting its descriptor (docs/segmentation.md)\n");
            continue;
        }
        uint64_t end = plain[i].first_end ? plain[i].first_end : plain[i].clock;
        uint64_t at = plain[i].total.load_cycles + (end - plain[i].total.load_cycles) / 2;
        uint32_t to = opt->hw.mem_size / 2;
        outcome_t moved;
        if (run_once(opt, compared_modes[i], at, to, &moved, devnull))
            return 2;
        printf("  %s: at cycle %" PRIu64 ": %s\n    result: %s\n", os_mode_name[compared_modes[i]], at,
               moved.move_note[0] ? moved.move_note : "(the process had already ended)", result_word(&moved));
        if (!moved.right || moved.status)
            printf("%s%s", moved.verdicts, moved.faults);
        if (moved.stray_count && moved.moved)
            printf("    after the move it stored %d time(s) into memory that is no longer its own, e.g. 0x%08" PRIx32
                   "\n",
                   moved.stray_count, moved.stray[0].b);
    }
    return 0;
}

int cmd_compare(int argc, char **argv)
{
    run_options_t opt;
    run_options_defaults(&opt);
    opt.os.mode = OS_PAGED; /* compare runs paged too: the paging configuration is checked */
    opt.every_mode = true;
    int rc = run_options_parse(argc, argv, &opt, stderr);
    if (rc < 0) {
        printf("usage: mmulab compare [options] prog.s [more.s ...]\n\n"
               "Runs the programs under software relocation, base/limit hardware relocation\n"
               "and demand paging, and compares load and run cycles, relocations patched and\n"
               "whether each result is right (the programs' `; expect:` header lines).  Reports\n"
               "stores that land outside their process, and moves process 1 mid-run under the\n"
               "contiguous schemes.  --csv/--json write a row per scheme; --plot draws the\n"
               "cycles of each scheme (gnuplot; FILE.png or FILE.svg).\n\n"
               "options (as for run):\n");
        run_options_help(stdout);
        return 0;
    }
    if (rc)
        return rc;
    if (!opt.max_cycles_given)
        opt.os.max_cycles = RUN_DEFAULT_MAX_CYCLES_COMPARE;
    if (refuse_one_run_outputs(&opt, "compare", "it makes several runs: use run --mode MODE for one, or --csv/--json"))
        return 2;
    if (!opt.os.base_given) {
        opt.os.base = 10000; /* the seed's example: a program placed at 10000 */
        opt.os.base_given = true;
    }
    FILE *devnull = fopen("/dev/null", "w");
    outcome_t o[NMODES];
    runctl_catch_signals();
    for (size_t i = 0; i < NMODES && rc == 0; i++) {
        rc = run_once(&opt, compared_modes[i], 0, 0, &o[i], devnull);
        if (rc == 0 && runctl_stopping()) { /* the runs so far are not comparable: say where it stopped */
            fprintf(stderr, "mmulab compare: interrupted by %s in the %s run at cycle %" PRIu64 ", %" PRIu64
                            " instructions\n", runctl_signal_name(), os_mode_name[compared_modes[i]], o[i].clock,
                    o[i].total.instructions);
            rc = runctl_exit_status();
        }
    }
    if (rc == 0) {
        print_table(o);
        print_details(&opt, o);
        rc = move_experiment(&opt, o, devnull);
        if (rc == 0 && !emit_rows(&opt, o))
            rc = 2;
    }
    if (devnull)
        fclose(devnull);
    return rc;
}
