/*
 * `mmulab cosim`: the C model and the RTL in lockstep.
 *
 * Program mode (`mmulab cosim [run options] prog.s ...`): two sessions, one
 * per engine, each with its own OS running its ordinary os_run, as two
 * coroutines; each OS's machine is wrapped (sim/lockstep.h) so that it runs
 * one instruction at a time and hands the retirement record over.  Every retired instruction is compared field by field --
 * PC, instruction, register write, memory access, both translations (hit or
 * miss, walk steps, A/D write-back), trap, cycles -- and so is the clock
 * after the OS has served a trap.  The first difference (or a failed RTL
 * assertion) is reported in words with both engines' commit logs around it,
 * the run is made again to trace the RTL over the window before it, and the
 * exit status is 1; otherwise the last line reads `cosim: N instructions, M
 * cycles, 0 divergences`.
 *
 * Random mode (`mmulab cosim --random N --seed S`): cosim_random.c.
 *
 * The RTL engine lives in build/mmulab-rtl; the core binary has no RTL and
 * hands the whole command to that binary when it sits beside it.
 */
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>
#include <unistd.h>

#include "../obs/commitlog.h"
#include "../toolchain/disasm.h"
#include "../sim/lockstep.h"
#include "../rtl/harness/rtl.h"
#include "../sim/runctl.h"
#include "../sim/session.h"
#include "commands.h"
#include "cosim.h"

/* Weak: present only in build/mmulab-rtl. */
machine_t *rtl_create(const machine_config_t *cfg, evbus_t *bus, char *err, size_t errlen) __attribute__((weak));
bool rtl_trace_open(machine_t *m, const char *path, char *err, size_t errlen) __attribute__((weak));
bool rtl_trace_close(machine_t *m, char *err, size_t errlen) __attribute__((weak));
void rtl_assertions_soft(machine_t *m) __attribute__((weak));
bool rtl_assertion_failed(machine_t *m) __attribute__((weak));

typedef struct {
    const char *fst, *coverage, *divergence_fst;
    uint64_t random_n, seed;
    bool random, merge;
    opt_given_t given;
} cosim_args_t;

static const opt_spec_t cosim_specs[] = {
    {"--fst", .kind = OPT_STRING, .value_name = "FILE", OPT_AT(cosim_args_t, fst),
     .help = "write a waveform of the RTL, and beside it FILE's stem .gtkw: a GTKWave save file (signals by "
             "module, states by name: docs/outputs.md)"},
    {"--divergence-fst", .kind = OPT_STRING, .value_name = "FILE", OPT_AT(cosim_args_t, divergence_fst),
     .help = "where a divergence's waveform goes: the RTL over the cycles (or, with --random, the accesses) "
             "before it (default: a new directory under $TMPDIR; the path is printed)"},
    {"--random", .kind = OPT_NUMBER, .value_name = "N", OPT_AT(cosim_args_t, random_n), .min = 1,
     .max = UINT64_MAX / 2, OPT_GIVEN(cosim_args_t, random), .help = "random MMU co-simulation of N accesses"},
    {"--seed", .kind = OPT_NUMBER, .value_name = "S", OPT_AT(cosim_args_t, seed), .max = UINT32_MAX,
     .help = "its seed (default 1)"},
    {"--coverage", .kind = OPT_STRING, .value_name = "FILE", OPT_AT(cosim_args_t, coverage),
     .help = "write the functional coverage report (docs/verification.md)"},
    {"--merge", .kind = OPT_FLAG, OPT_AT(cosim_args_t, merge),
     .help = "with --coverage FILE: the words are coverage reports to merge into FILE; nothing runs"},
};

static void cosim_usage(FILE *out, const opt_parser_t *p)
{
    fprintf(out, "usage: mmulab cosim [--fst FILE] [--divergence-fst FILE] [run options] prog.s ... [-- ARG...]\n"
                 "       mmulab cosim --random N [--seed S] [--coverage FILE] [--divergence-fst FILE] [--mode seg]\n"
                 "       mmulab cosim --coverage FILE --merge REPORT...\n\n"
                 "Runs the C model and the RTL in lockstep, each under its own OS, and compares\n"
                 "every retired instruction (PC, instruction, register write, memory access,\n"
                 "translation, trap, cycles); a divergence (or a failed RTL assertion) is shown\n"
                 "with both engines' logs around it and a waveform of the window before it.\n"
                 "Exit status: 0 no divergence, 1 a divergence,\n"
                 "2 bad input.  --random drives the MMU alone with N random accesses over random\n"
                 "configurations, page tables, flushes, ASID switches and page-table edits\n"
                 "(with --mode seg: segment tables, descriptor-cache reloads and descriptor edits).\n\n"
                 "options:\n");
    opt_help(p, out);
}

/* The core binary: run the same command in build/mmulab-rtl, beside us. */
static int exec_rtl_binary(char **argv_full)
{
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 16);
    if (n > 0) {
        self[n] = 0;
        char *slash = strrchr(self, '/');
        if (slash) {
            strcpy(slash + 1, "mmulab-rtl");
            if (access(self, X_OK) == 0) {
                fflush(NULL);
                execv(self, argv_full);
            }
        }
    }
    fprintf(stderr, "mmulab cosim: this binary has no RTL engine and there is no mmulab-rtl beside it "
                    "(make rtl)\n");
    return 2;
}

/* ---- comparison ------------------------------------------------------------ */

#define HISTORY 8 /* retirements shown before a divergence, per engine */
/* A divergence's waveform starts this many cycles before the differing
 * instruction (a few walks and a trap's entry). */
#define WINDOW_CYCLES 500

/* One engine's last retirements, with the process that ran each. */
typedef struct {
    retire_t rt[HISTORY];
    int pid[HISTORY];
    uint64_t count;
} history_t;

static void remember(history_t *h, const retire_t *rt, int pid)
{
    h->pid[h->count % HISTORY] = pid;
    h->rt[h->count++ % HISTORY] = *rt;
}

/* The engine's commit log around the divergence (docs/outputs.md's format):
 * its last retirements and, marked `>`, the one that differs. */
static void print_commit_log(const char *engine, const history_t *h, const retire_t *differing, int pid, FILE *out)
{
    char line[256];
    uint64_t first = h->count > HISTORY ? h->count - HISTORY : 0;
    fprintf(out, "commit log, %s (the last %" PRIu64 " retirements before it, then the one that differs):\n", engine,
            h->count - first);
    for (uint64_t i = first; i < h->count; i++) {
        commit_log_format(line, sizeof line, h->pid[i % HISTORY], &h->rt[i % HISTORY]);
        fprintf(out, "  %s\n", line);
    }
    if (differing) {
        commit_log_format(line, sizeof line, pid, differing);
        fprintf(out, "> %s\n", line);
    } else {
        fprintf(out, "> (no instruction: its OS had finished)\n");
    }
}

void cosim_print_diff(const cosim_diff_t *d, FILE *out)
{
    const char *dot = strrchr(d->field, '.');
    if (strcmp(dot ? dot + 1 : d->field, "cause") == 0 && d->c < TRAP_COUNT && d->rtl < TRAP_COUNT)
        fprintf(out, "%s: C model %s, RTL %s\n", d->field, d->c ? trap_name[d->c] : "none",
                d->rtl ? trap_name[d->rtl] : "none");
    else
        fprintf(out, "%s: C model 0x%" PRIx64 " (%" PRIu64 "), RTL 0x%" PRIx64 " (%" PRIu64 ")\n", d->field, d->c,
                d->c, d->rtl, d->rtl);
}

#define CMP(name, a, b)                                                  \
    do {                                                                 \
        if ((uint64_t)(a) != (uint64_t)(b)) {                            \
            snprintf(d->field, sizeof d->field, "%s", name);             \
            d->c = (uint64_t)(a);                                        \
            d->rtl = (uint64_t)(b);                                      \
            return false;                                                \
        }                                                                \
    } while (0)

bool cosim_same_xlate(const char *what, const retire_xlate_t *a, const retire_xlate_t *b, cosim_diff_t *d)
{
#define XCMP(f, x, y)                                               \
    do {                                                            \
        if ((uint64_t)(x) != (uint64_t)(y)) {                       \
            snprintf(d->field, sizeof d->field, "%s.%s", what, f);  \
            d->c = (uint64_t)(x);                                   \
            d->rtl = (uint64_t)(y);                                 \
            return false;                                           \
        }                                                           \
    } while (0)
    XCMP("valid", a->valid, b->valid);
    XCMP("tlb_hit", a->tlb_hit, b->tlb_hit);
    XCMP("steps", a->steps, b->steps);
    static const char *const addr_name[RETIRE_MAX_WALK] = {"pte_addr[0]", "pte_addr[1]", "pte_addr[2]"};
    static const char *const pte_name[RETIRE_MAX_WALK] = {"pte[0]", "pte[1]", "pte[2]"};
    for (int i = 0; i < a->steps && i < RETIRE_MAX_WALK; i++) {
        XCMP(addr_name[i], a->pte_addr[i], b->pte_addr[i]);
        XCMP(pte_name[i], a->pte[i], b->pte[i]);
    }
    XCMP("pte_written", a->pte_written, b->pte_written);
    XCMP("pte_new", a->pte_new, b->pte_new);
#undef XCMP
    return true;
}

static bool same_retire(const retire_t *a, const retire_t *b, cosim_diff_t *d)
{
    CMP("pc", a->pc, b->pc);
    CMP("insn", a->insn, b->insn);
    CMP("trapped", a->trapped, b->trapped);
    CMP("cycle_begin", a->cycle_begin, b->cycle_begin);
    CMP("cycle_end", a->cycle_end, b->cycle_end);
    CMP("rd_valid", a->rd_valid, b->rd_valid);
    if (a->rd_valid) {
        CMP("rd", a->rd, b->rd);
        CMP("rd_value", a->rd_value, b->rd_value);
    }
    CMP("mem_valid", a->mem_valid, b->mem_valid);
    if (a->mem_valid) {
        CMP("mem_write", a->mem_write, b->mem_write);
        CMP("mem_size", a->mem_size, b->mem_size);
        CMP("mem_vaddr", a->mem_vaddr, b->mem_vaddr);
        CMP("mem_paddr", a->mem_paddr, b->mem_paddr);
        CMP("mem_data", a->mem_data, b->mem_data);
    }
    if (!cosim_same_xlate("fetch_xlate", &a->fetch_xlate, &b->fetch_xlate, d))
        return false;
    if (!cosim_same_xlate("data_xlate", &a->data_xlate, &b->data_xlate, d))
        return false;
    if (a->trapped) {
        CMP("trap.cause", a->trap.cause, b->trap.cause);
        CMP("trap.access", a->trap.access, b->trap.access);
        CMP("trap.pc", a->trap.pc, b->trap.pc);
        CMP("trap.insn", a->trap.insn, b->trap.insn);
        CMP("trap.vaddr", a->trap.vaddr, b->trap.vaddr);
        CMP("trap.paddr", a->trap.paddr, b->trap.paddr);
        CMP("trap.number", a->trap.number, b->trap.number);
    }
    return true;
}

static bool same_state(machine_t *a, machine_t *b, cosim_diff_t *d)
{
    cpu_state_t sa, sb;
    machine_get_state(a, &sa);
    machine_get_state(b, &sb);
    for (int i = 0; i < ISA_NREGS; i++) {
        if (sa.r[i] != sb.r[i]) {
            snprintf(d->field, sizeof d->field, "R%d", i);
            d->c = sa.r[i];
            d->rtl = sb.r[i];
            return false;
        }
    }
    CMP("state.pc", sa.pc, sb.pc);
    CMP("state.flags", sa.flags, sb.flags);
    CMP("state.priv", sa.priv, sb.priv);
    CMP("clock", machine_cycles(a), machine_cycles(b));
    const hw_counters_t *ca = machine_counters(a);
    hw_counters_t cb = *machine_counters(b);
    CMP("counters.instructions", ca->instructions, cb.instructions);
    CMP("counters.loads", ca->loads, cb.loads);
    CMP("counters.stores", ca->stores, cb.stores);
    CMP("counters.tlb_hits", ca->tlb_hits, cb.tlb_hits);
    CMP("counters.tlb_misses", ca->tlb_misses, cb.tlb_misses);
    CMP("counters.walks", ca->walks, cb.walks);
    CMP("counters.walk_cycles", ca->walk_cycles, cb.walk_cycles);
    CMP("counters.pte_reads", ca->pte_reads, cb.pte_reads);
    CMP("counters.pte_writes", ca->pte_writes, cb.pte_writes);
    CMP("counters.traps", ca->traps, cb.traps);
    return true;
}

static bool same_outcome(os_t *a, os_t *b, cosim_diff_t *d)
{
    CMP("processes", os_process_count(a), os_process_count(b));
    for (int pid = 1; pid <= os_process_count(a); pid++) {
        process_t *pa = os_process(a, pid), *pb = os_process(b, pid);
        CMP("process.state", pa->state, pb->state);
        CMP("process.exit_code", pa->exit_code, pb->exit_code);
        CMP("process.output_len", pa->output_len, pb->output_len);
        CMP("process.output", pa->output_len && memcmp(pa->output, pb->output, pa->output_len), 0);
        CMP("process.cycles", pa->st.cycles, pb->st.cycles);
        CMP("process.instructions", pa->st.instructions, pb->st.instructions);
    }
    return true;
}

#undef CMP

/* ---- program mode ---------------------------------------------------------- */

/* One engine's OS, running os_run in its own coroutine. */
typedef struct {
    os_t *os;
    machine_t *m; /* the engine (its bus knows the running process) */
    ucontext_t ctx, *main;
    void *stack;
    bool started, finished, has_rt;
    retire_t rt;
    int status;
} side_t;

static side_t *starting; /* the side whose coroutine is about to begin */

static void side_entry(void)
{
    side_t *s = starting;
    s->status = os_run(s->os);
    s->finished = true;
    swapcontext(&s->ctx, s->main); /* never resumed */
}

static void side_yield(void *ctx, const retire_t *rt, stop_t stop)
{
    side_t *s = ctx;
    (void)stop;
    s->rt = *rt;
    s->has_rt = true;
    swapcontext(&s->ctx, s->main);
}

/* Run the side to its next instruction: true with s->rt, false once its OS is done. */
static bool side_next(side_t *s)
{
    if (s->finished)
        return false;
    s->has_rt = false;
    if (!s->started) {
        s->started = true;
        starting = s;
    }
    swapcontext(s->main, &s->ctx);
    return s->has_rt;
}

static int side_pid(const side_t *s) { return s->m->bus ? s->m->bus->running_pid : 0; }

/* The session's machine wrapper: each instruction hands the side its record. */
static machine_t *wrap_side(machine_t *engine, void *ctx)
{
    return lockstep_wrap(engine, side_yield, ctx);
}

/* Ready the side's coroutine over its session's OS. */
static bool side_init(side_t *s, const session_t *session, ucontext_t *main_ctx)
{
    enum { STACK = 1 << 20 };
    s->os = session->os;
    s->m = session->m;
    s->main = main_ctx;
    if (!(s->stack = malloc(STACK)))
        return false;
    getcontext(&s->ctx);
    s->ctx.uc_stack.ss_sp = s->stack;
    s->ctx.uc_stack.ss_size = STACK;
    s->ctx.uc_link = NULL;
    makecontext(&s->ctx, side_entry, 0);
    return true;
}

/* Between blocks of instructions: the progress line, and true (after saying
 * how far the two engines agreed) if SIGINT or SIGTERM asked to stop. */
static bool stopped_from_outside(machine_t *m, uint64_t count, progress_t *progress)
{
    progress_update(progress, machine_cycles(m), "cycles", count, "instructions compared", NULL);
    if (!runctl_stopping())
        return false;
    progress_end(progress);
    printf("cosim: interrupted by %s after %" PRIu64 " instructions, %" PRIu64 " cycles, 0 divergences\n",
           runctl_signal_name(), count, machine_cycles(m));
    return true;
}

/* What one lockstep run found. */
typedef struct {
    uint64_t count, cycles; /* instructions compared (the differing one too), the clock */
    cosim_diff_t d;         /* the first difference (status 1) */
    bool has_c, has_r;      /* c_rt, r_rt: each engine's differing retirement */
    retire_t c_rt, r_rt;
    int c_pid, r_pid;
    history_t hc, hr; /* what both retired alike before it */
} outcome_t;

/* A waveform of part of the run: the RTL is traced from the first
 * instruction that begins at or after from_cycle. */
typedef struct {
    const char *path;
    uint64_t from_cycle;
} window_t;

/* Compare the two sides until they part or end: 0 (agreed), 1 (o says
 * where they parted), 2 (an error, printed) or an interrupted run's status. */
static int lockstep_loop(session_t *sc, session_t *sr, side_t *c, side_t *r, const window_t *win, coverage_t *cov,
                         bool quiet, outcome_t *o)
{
    char err[256];
    progress_t progress;
    progress_start(&progress, "cosim", quiet);
    int rc = 0;
    for (;;) {
        if (o->count % 4096 == 0 && stopped_from_outside(sc->m, o->count, &progress)) {
            rc = runctl_exit_status();
            break;
        }
        if (win && win->path && machine_cycles(sr->m) >= win->from_cycle) {
            if (!rtl_trace_open(sr->m, win->path, err, sizeof err)) {
                fprintf(stderr, "mmulab cosim: %s\n", err);
                rc = 2;
                break;
            }
            win = NULL;
        }
        bool more_c = side_next(c), more_r = side_next(r);
        cosim_diff_t *d = &o->d;
        bool differ = true;
        if (rtl_assertion_failed && rtl_assertion_failed(sr->m)) {
            snprintf(d->field, sizeof d->field, "RTL assertion (the line above names it)");
            d->c = d->rtl = 0;
        } else if (more_c != more_r) {
            snprintf(d->field, sizeof d->field, "running");
            d->c = more_c;
            d->rtl = more_r;
        } else if (!more_c) {
            break;
        } else {
            if (cov) {
                cpu_state_t st;
                machine_get_state(sc->m, &st);
                coverage_retire(cov, sc->m, &c->rt, st.priv);
            }
            differ = !same_retire(&c->rt, &r->rt, d) ||
                     ((c->rt.trapped || (o->count + 1) % 4096 == 0) && !same_state(sc->m, sr->m, d));
        }
        o->count += more_c || more_r;
        if (differ) {
            o->has_c = more_c, o->c_rt = c->rt, o->c_pid = side_pid(c);
            o->has_r = more_r, o->r_rt = r->rt, o->r_pid = side_pid(r);
            rc = 1;
            break;
        }
        remember(&o->hc, &c->rt, side_pid(c));
        remember(&o->hr, &r->rt, side_pid(r));
    }
    progress_end(&progress);
    o->cycles = machine_cycles(sc->m);
    if (rc == 0) { /* both ended: they must end alike */
        if (c->status != r->status) {
            snprintf(o->d.field, sizeof o->d.field, "exit status");
            o->d.c = (uint64_t)c->status;
            o->d.rtl = (uint64_t)r->status;
            rc = 1;
        } else if (!same_state(sc->m, sr->m, &o->d) || !same_outcome(sc->os, sr->os, &o->d)) {
            rc = 1;
        }
    }
    return rc;
}

/* Both sessions under their coroutines, compared by lockstep_loop; fst: a
 * waveform of the whole run; quiet: no program output, no progress, no
 * summary (the waveform's re-run). */
static int lockstep_run(const run_options_t *opt, const char *fst, const window_t *win, coverage_t *cov, bool quiet,
                        outcome_t *o)
{
    session_t sc, sr;
    run_options_t oc = *opt, orl = *opt;
    oc.engine = "c";
    orl.engine = "rtl";
    orl.trace_path = NULL; /* one trace, one commit log, one din trace: the C side's */
    orl.log_path = NULL;
    orl.mem_trace = NULL;
    if (quiet)
        oc.trace_path = oc.log_path = oc.mem_trace = NULL, oc.quiet = orl.quiet = true;
    side_t c = {0}, r = {0};
    memset(&sr, 0, sizeof sr);
    memset(o, 0, sizeof *o);
    int rc = session_open_wrapped(&sc, &oc, wrap_side, &c, stderr);
    if (rc == 0)
        rc = session_open_wrapped(&sr, &orl, wrap_side, &r, stderr);
    if (rc) {
        session_close(&sr);
        session_close(&sc);
        return rc;
    }
    if (rtl_assertions_soft)
        rtl_assertions_soft(sr.m); /* a failed property is reported as a divergence */
    FILE *devnull = fopen("/dev/null", "w");
    if (devnull) { /* the program's output once, from the C side */
        os_set_console(sr.os, devnull);
        if (quiet)
            os_set_console(sc.os, devnull);
    }
    char err[256];
    ucontext_t main_ctx;
    if (fst && !rtl_trace_open(sr.m, fst, err, sizeof err)) {
        fprintf(stderr, "mmulab cosim: %s\n", err);
        rc = 2;
        goto out;
    }
    if (!side_init(&c, &sc, &main_ctx) || !side_init(&r, &sr, &main_ctx)) {
        fprintf(stderr, "mmulab cosim: out of host memory\n");
        rc = 2;
        goto out;
    }
    rc = lockstep_loop(&sc, &sr, &c, &r, win, cov, quiet, o);
    if (rc == 0 && !quiet) {
        for (int pid = 1; pid <= os_process_count(sc.os); pid++) {
            process_t *p = os_process(sc.os, pid);
            if (p->state == PROC_KILLED)
                fprintf(stderr, "mmulab: %s\n", p->fault_msg);
        }
        printf("cosim: %" PRIu64 " instructions, %" PRIu64 " cycles, 0 divergences\n", o->count, o->cycles);
    }
out:
    if (sr.m && rtl_trace_close && !rtl_trace_close(sr.m, err, sizeof err)) { /* and its .gtkw */
        fprintf(stderr, "mmulab cosim: %s\n", err);
        rc = rc ? rc : 2;
    }
    /* a side stopped mid-run stays suspended; its stack goes, the OS is closed normally */
    free(c.stack);
    free(r.stack);
    session_close(&sr);
    session_close(&sc);
    if (devnull)
        fclose(devnull);
    return rc;
}

/* The differing retirement in words, then both engines' commit logs. */
static void report_divergence(const outcome_t *o)
{
    const retire_t *rt = o->has_c ? &o->c_rt : o->has_r ? &o->r_rt : NULL;
    const cosim_diff_t *d = &o->d;
    if (rt) {
        char text[64];
        disasm(rt->insn, text, sizeof text);
        printf("cosim: divergence after %" PRIu64 " instructions at cycle %" PRIu64 ", pc 0x%08" PRIx32 " (%s): ",
               o->count, rt->cycle_begin, rt->pc, text);
        cosim_print_diff(d, stdout);
    } else {
        printf("cosim: divergence when both had ended, after %" PRIu64 " instructions at cycle %" PRIu64 ": ",
               o->count, o->cycles);
        cosim_print_diff(d, stdout);
    }
    print_commit_log("C model", &o->hc, o->has_c ? &o->c_rt : NULL, o->c_pid, stdout);
    print_commit_log("RTL", &o->hr, o->has_r ? &o->r_rt : NULL, o->r_pid, stdout);
}

int cosim_mute_stdout(void)
{
    fflush(stdout);
    int saved = dup(STDOUT_FILENO), null = open("/dev/null", O_WRONLY);
    if (null >= 0) {
        dup2(null, STDOUT_FILENO);
        close(null);
    }
    return saved;
}

void cosim_unmute_stdout(int saved)
{
    fflush(stdout);
    if (saved >= 0) {
        dup2(saved, STDOUT_FILENO);
        close(saved);
    }
}

const char *cosim_window_path(char *path, size_t len)
{
    const char *tmp = getenv("TMPDIR");
    char dir[PATH_MAX - 32];
    snprintf(dir, sizeof dir, "%s/mmulab-cosim.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir))
        return NULL;
    snprintf(path, len, "%s/divergence.fst", dir);
    return path;
}

/* The waveform of the cycles before the divergence: the run is
 * deterministic, so it is made again with the RTL traced from
 * WINDOW_CYCLES before the differing instruction to the divergence. */
static void write_window(const run_options_t *opt, const char *fst, const char *path, const outcome_t *o)
{
    if (fst) {
        printf("cosim: waveform of the whole run: %s (gtkwave: its .gtkw beside it)\n", fst);
        return;
    }
    char where[PATH_MAX];
    if (!path && !(path = cosim_window_path(where, sizeof where))) {
        printf("cosim: no waveform: cannot make a directory under $TMPDIR\n");
        return;
    }
    const retire_t *rt = o->has_c ? &o->c_rt : o->has_r ? &o->r_rt : NULL;
    uint64_t at = rt ? rt->cycle_begin : o->cycles;
    window_t win = {.path = path, .from_cycle = at > WINDOW_CYCLES ? at - WINDOW_CYCLES : 0};
    outcome_t again;
    int muted = cosim_mute_stdout();
    int rc = lockstep_run(opt, NULL, &win, NULL, true, &again);
    cosim_unmute_stdout(muted);
    if (rc == 1 && again.count == o->count)
        printf("cosim: waveform of cycles %" PRIu64 "..%" PRIu64 " (the RTL, up to the divergence): %s "
               "(gtkwave: its .gtkw beside it)\n", win.from_cycle, again.cycles, win.path);
    else
        printf("cosim: no waveform: the run made again did not part at the same instruction (status %d, %" PRIu64
               " instructions)\n", rc, again.count);
}

static int cosim_programs(const run_options_t *opt, const char *fst, const char *window_path, coverage_t *cov)
{
    outcome_t o;
    int rc = lockstep_run(opt, fst, NULL, cov, false, &o);
    if (rc != 1)
        return rc;
    report_divergence(&o);
    write_window(opt, fst, window_path, &o);
    printf("cosim: %" PRIu64 " instructions, 1 divergence (%s)\n", o.count, o.d.field);
    return 1;
}

/* ---- the command ------------------------------------------------------------ */

int cmd_cosim(int argc, char **argv)
{
    cosim_args_t a = {.seed = 1};
    run_options_t opt;
    run_options_defaults(&opt);
    opt_table_t tables[] = {{.specs = cosim_specs, .n = OPT_COUNT(cosim_specs), .target = &a,
                             OPT_GIVEN_SET(cosim_args_t, given)}, run_options_table(&opt)};
    tables[1].heading = "run options:";
    opt_parser_t p = {.prog = "mmulab cosim", .tables = tables, .ntables = 2, .words = opt.programs,
                      .max_words = MAX_PROGRAMS, .words_what = "programs at once", .err = stderr,
                      .takes_rest = true};
    int rc = opt_parse(&p, argc, argv);
    opt.nprograms = p.nwords;
    opt.prog_args = p.rest; /* `-- ARG...`: both sides start the program with them */
    opt.nprog_args = p.nrest;
    if (rc < 0) {
        cosim_usage(stdout, &p);
        return 0;
    }
    if (a.merge && !a.coverage) {
        fprintf(stderr, "mmulab cosim: --merge needs --coverage FILE (where the merged report goes)\n");
        return 2;
    }
    if (rc)
        return rc;
    if (!rtl_create) /* the RTL binary parses the options again: it says what is wrong, once */
        return exec_rtl_binary(argv - 1);
    if (a.merge)
        return cosim_merge_reports(a.coverage, opt.programs, opt.nprograms);
    opt_warn_idle(p.prog, &tables[0], "--seed", !a.random, "without --random", stderr);
    opt_warn_idle(p.prog, &tables[0], "--divergence-fst", a.fst && !a.random,
                  "with --fst (that waveform covers the whole run)", stderr);
    opt_warn_idle(p.prog, &tables[0], "--fst", a.random, "with --random (the random co-simulation drives the MMU alone)",
                  stderr);
    if ((rc = run_options_finish(&opt, stderr)))
        return rc;
    if (!opt.max_cycles_given)
        opt.os.max_cycles = RUN_DEFAULT_MAX_CYCLES_COSIM;
    coverage_t *cov = a.coverage ? coverage_new() : NULL;
    if (a.coverage && !cov) {
        fprintf(stderr, "mmulab cosim: out of host memory\n");
        return 2;
    }
    runctl_catch_signals();
    rc = a.random ? cosim_random(a.random_n, (uint32_t)a.seed, opt.os.mode == OS_SEG, cov, a.divergence_fst, stdout)
                  : cosim_programs(&opt, a.fst, a.divergence_fst, cov);
    if (cov && rc != 2)
        rc = cosim_write_coverage(cov, a.coverage, rc);
    coverage_free(cov);
    return rc;
}
