/*
 * `mmulab cosim`: the C model and the RTL in lockstep.
 *
 * Program mode (`mmulab cosim [run options] prog.s ...`): two sessions, one
 * per engine, each with its own OS running its ordinary os_run, as two
 * coroutines; each OS's machine is wrapped (sim/lockstep.h) so that it runs
 * one instruction at a time and hands the retirement record over.  Every retired instruction is compared field by field --
 * PC, instruction, register write, memory access, both translations (hit or
 * miss, walk steps, A/D write-back), trap, cycles -- and so is the clock
 * after the OS has served a trap.  The first difference is reported with
 * the last eight instructions and the exit status is 1; otherwise the last
 * line reads `cosim: N instructions, M cycles, 0 divergences`.
 *
 * Random mode (`mmulab cosim --random N --seed S`): cosim_random.c.
 *
 * The RTL engine lives in build/mmulab-rtl; the core binary has no RTL and
 * hands the whole command to that binary when it sits beside it.
 */
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>
#include <unistd.h>

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

typedef struct {
    const char *fst;
    uint64_t random_n, seed;
    bool random;
    opt_given_t given;
} cosim_args_t;

static const opt_spec_t cosim_specs[] = {
    {"--fst", .kind = OPT_STRING, .value_name = "FILE", OPT_AT(cosim_args_t, fst),
     .help = "write a waveform of the RTL, and beside it FILE's stem .gtkw: a GTKWave save file (signals by "
             "module, states by name: docs/outputs.md)"},
    {"--random", .kind = OPT_NUMBER, .value_name = "N", OPT_AT(cosim_args_t, random_n), .min = 1,
     .max = UINT64_MAX / 2, OPT_GIVEN(cosim_args_t, random), .help = "random MMU co-simulation of N accesses"},
    {"--seed", .kind = OPT_NUMBER, .value_name = "S", OPT_AT(cosim_args_t, seed), .max = UINT32_MAX,
     .help = "its seed (default 1)"},
};

static void cosim_usage(FILE *out, const opt_parser_t *p)
{
    fprintf(out, "usage: mmulab cosim [--fst FILE] [run options] prog.s ... [-- ARG...]\n"
                 "       mmulab cosim --random N [--seed S] [--mode seg]\n\n"
                 "Runs the C model and the RTL in lockstep, each under its own OS, and compares\n"
                 "every retired instruction (PC, instruction, register write, memory access,\n"
                 "translation, trap, cycles).  Exit status: 0 no divergence, 1 a divergence,\n"
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

#define HISTORY 8

typedef struct {
    retire_t last[HISTORY];
    uint64_t count;
} history_t;

static void remember(history_t *h, const retire_t *rt) { h->last[h->count++ % HISTORY] = *rt; }

static void print_history(const history_t *h, FILE *out)
{
    uint64_t first = h->count > HISTORY ? h->count - HISTORY : 0;
    fprintf(out, "last %" PRIu64 " instructions (C model):\n", h->count - first);
    for (uint64_t i = first; i < h->count; i++) {
        const retire_t *rt = &h->last[i % HISTORY];
        char text[64];
        disasm(rt->insn, text, sizeof text);
        fprintf(out, "  cycle %8" PRIu64 "  pc 0x%08" PRIx32 "  %08" PRIx32 "  %-24s%s%s\n", rt->cycle_begin, rt->pc,
                rt->insn, text, rt->trapped ? "  trap: " : "", rt->trapped ? trap_name[rt->trap.cause] : "");
    }
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

static void report_divergence(const cosim_diff_t *d, const retire_t *rt, const history_t *h, uint64_t count)
{
    printf("cosim: divergence after %" PRIu64 " instructions at cycle %" PRIu64 ", pc 0x%08" PRIx32 ": %s: "
           "C model 0x%" PRIx64 " (%" PRIu64 "), RTL 0x%" PRIx64 " (%" PRIu64 ")\n",
           count, rt->cycle_begin, rt->pc, d->field, d->c, d->c, d->rtl, d->rtl);
    print_history(h, stdout);
    printf("cosim: %" PRIu64 " instructions, 1 divergence (%s)\n", count, d->field);
}

/* ---- program mode ---------------------------------------------------------- */

/* One engine's OS, running os_run in its own coroutine. */
typedef struct {
    os_t *os;
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

/* The session's machine wrapper: each instruction hands the side its record. */
static machine_t *wrap_side(machine_t *engine, void *ctx)
{
    return lockstep_wrap(engine, side_yield, ctx);
}

/* Ready the side's coroutine over its session's OS. */
static bool side_init(side_t *s, os_t *os, ucontext_t *main_ctx)
{
    enum { STACK = 1 << 20 };
    s->os = os;
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

static int cosim_programs(const run_options_t *opt, const char *fst)
{
    session_t sc, sr;
    run_options_t oc = *opt, orl = *opt;
    oc.engine = "c";
    orl.engine = "rtl";
    orl.trace_path = NULL; /* one trace, one commit log, one din trace: the C side's */
    orl.log_path = NULL;
    orl.mem_trace = NULL;
    side_t c = {0}, r = {0};
    memset(&sr, 0, sizeof sr);
    int rc = session_open_wrapped(&sc, &oc, wrap_side, &c, stderr);
    if (rc == 0)
        rc = session_open_wrapped(&sr, &orl, wrap_side, &r, stderr);
    if (rc) {
        session_close(&sr);
        session_close(&sc);
        return rc;
    }
    FILE *devnull = fopen("/dev/null", "w");
    if (devnull)
        os_set_console(sr.os, devnull); /* the program's output once, from the C side */
    char err[256];
    ucontext_t main_ctx;
    history_t hist = {0};
    uint64_t count = 0;
    cosim_diff_t d;
    if (fst && !rtl_trace_open(sr.m, fst, err, sizeof err)) {
        fprintf(stderr, "mmulab cosim: %s\n", err);
        rc = 2;
        goto out;
    }
    if (!side_init(&c, sc.os, &main_ctx) || !side_init(&r, sr.os, &main_ctx)) {
        fprintf(stderr, "mmulab cosim: out of host memory\n");
        rc = 2;
        goto out;
    }
    progress_t progress;
    progress_start(&progress, "cosim", opt->quiet);
    for (;;) {
        if (count % 4096 == 0 && stopped_from_outside(sc.m, count, &progress)) {
            rc = runctl_exit_status();
            break;
        }
        bool more_c = side_next(&c), more_r = side_next(&r);
        if (more_c != more_r) {
            snprintf(d.field, sizeof d.field, "running");
            d.c = more_c;
            d.rtl = more_r;
            report_divergence(&d, more_c ? &c.rt : &r.rt, &hist, count);
            rc = 1;
            break;
        }
        if (!more_c)
            break;
        remember(&hist, &c.rt);
        count++;
        if (!same_retire(&c.rt, &r.rt, &d) ||
            ((c.rt.trapped || count % 4096 == 0) && !same_state(sc.m, sr.m, &d))) {
            report_divergence(&d, &c.rt, &hist, count);
            rc = 1;
            break;
        }
    }
    progress_end(&progress);
    if (rc == 0) {
        retire_t none = {0};
        none.cycle_begin = machine_cycles(sc.m);
        if (c.status != r.status) {
            snprintf(d.field, sizeof d.field, "exit status");
            d.c = (uint64_t)c.status;
            d.rtl = (uint64_t)r.status;
            rc = 1;
        } else if (!same_state(sc.m, sr.m, &d) || !same_outcome(sc.os, sr.os, &d)) {
            rc = 1;
        }
        if (rc) {
            report_divergence(&d, &none, &hist, count);
        } else {
            for (int pid = 1; pid <= os_process_count(sc.os); pid++) {
                process_t *p = os_process(sc.os, pid);
                if (p->state == PROC_KILLED)
                    fprintf(stderr, "mmulab: %s\n", p->fault_msg);
            }
            printf("cosim: %" PRIu64 " instructions, %" PRIu64 " cycles, 0 divergences\n", count,
                   machine_cycles(sc.m));
        }
    }
out:
    if (fst && sr.m && rtl_trace_close && !rtl_trace_close(sr.m, err, sizeof err)) { /* and its .gtkw */
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
    if (rc)
        return rc;
    if (!rtl_create) /* the RTL binary parses the options again: it says what is wrong, once */
        return exec_rtl_binary(argv - 1);
    opt_warn_idle(p.prog, &tables[0], "--seed", !a.random, "without --random", stderr);
    opt_warn_idle(p.prog, &tables[0], "--fst", a.random, "with --random (the random co-simulation drives the MMU alone)",
                  stderr);
    if ((rc = run_options_finish(&opt, stderr)))
        return rc;
    if (!opt.max_cycles_given)
        opt.os.max_cycles = RUN_DEFAULT_MAX_CYCLES_COSIM;
    runctl_catch_signals();
    if (a.random)
        return cosim_random(a.random_n, (uint32_t)a.seed, opt.os.mode == OS_SEG, stdout);
    return cosim_programs(&opt, a.fst);
}
