/*
 * Sessions: wiring a machine, the OS and the observers for one run.
 */
#include "session.h"

#include "../obs/din.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "../toolchain/asm.h"
#include "runctl.h"

static bool is_elf_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    unsigned char magic[4] = {0};
    if (!f)
        return false;
    size_t n = fread(magic, 1, 4, f);
    fclose(f);
    return n == 4 && magic[0] == 0x7F && magic[1] == 'E' && magic[2] == 'L' && magic[3] == 'F';
}

static bool has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && !strcmp(s + n - k, suffix);
}

/* An executable by its magic or its name (.x, .o); anything else is assembly. */
static bool looks_like_executable(const char *path)
{
    return is_elf_file(path) || has_suffix(path, ".x") || has_suffix(path, ".o");
}

static bool has_code(const exe_t *exe)
{
    for (int i = 0; i < exe->nsections; i++)
        if ((exe->sections[i].perm & SEC_X) && exe->sections[i].size)
            return true;
    return false;
}

int program_load(const char *path, exe_t *out, FILE *err)
{
    FILE *probe = fopen(path, "rb");
    if (!probe) {
        fprintf(err, "mmulab: %s: cannot open the file\n", path);
        return 2;
    }
    fclose(probe);
    if (looks_like_executable(path)) {
        char msg[320];
        if (exe_read_elf(path, out, msg, sizeof msg) != 0) {
            fprintf(err, "mmulab: %s\n", msg); /* the reader names the file */
            return 2;
        }
    } else {
        asm_options_t ao = {.errors = err};
        if (asm_assemble_file(path, &ao, out))
            return 2;
    }
    if (!out->relocatable && !has_code(out)) {
        fprintf(err, "mmulab: %s: the program has no instructions\n", path);
        exe_free(out);
        return 2;
    }
    return 0;
}

/* Weak so the core links without the Verilated model (rtl/ provides it). */
machine_t *rtl_create(const machine_config_t *cfg, evbus_t *bus, char *err, size_t errlen) __attribute__((weak));

bool engine_rtl_linked(void) { return rtl_create != NULL; }

machine_t *engine_create(const char *engine, const machine_config_t *cfg, evbus_t *bus, char *err, size_t errlen)
{
    if (!strcmp(engine, "rtl")) {
        if (!rtl_create) {
            snprintf(err, errlen, "--engine rtl: this binary was built without the RTL engine and no mmulab-rtl is beside it (make rtl builds one)");
            return NULL;
        }
        return rtl_create(cfg, bus, err, errlen);
    }
    return cmodel_create(cfg, bus, err, errlen);
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

static int load_programs(session_t *s, FILE *err)
{
    bool arrivals = false;
    for (int i = 0; i < s->opt.nprograms; i++) {
        char path[PATH_MAX];
        uint64_t cycle;
        bool arrives = program_arrival(s->opt.programs[i], path, sizeof path, &cycle);
        exe_t exe;
        if (program_load(path, &exe, err))
            return 2;
        char msg[256];
        int pid = 0;
        bool ok = arrives ? os_add_arrival(s->os, &exe, base_name(path), cycle, msg, sizeof msg)
                          : !arrivals && (pid = os_load(s->os, &exe, base_name(path), msg, sizeof msg)) > 0;
        if (!arrives && arrivals)
            snprintf(msg, sizeof msg, "programs loaded at the start come before those arriving later (prog.s@CYCLE)");
        arrivals = arrivals || arrives;
        exe_free(&exe);
        if (ok && s->opt.prog_args && i == s->opt.nprograms - 1) {
            ok = pid > 0;
            if (!ok)
                snprintf(msg, sizeof msg, "program arguments (-- ARG...) go to a program loaded before the run");
            else
                ok = os_set_args(s->os, pid, s->opt.nprog_args, s->opt.prog_args, msg, sizeof msg);
        }
        if (!ok) {
            fprintf(err, "mmulab: %s: %s\n", s->opt.programs[i], msg);
            return 2;
        }
        if (!expect_parse_file(&s->expects[i], path, err))
            return 2;
    }
    return 0;
}

/*
 * OPT needs the future: run the same programs once with the pager recording
 * each process's page references (LRU, every frame, no observers), then hand
 * each process its string.  Each process's own instruction stream does not
 * depend on the schedule, so the recorded string is the one the real run
 * will make.  0, or 2 after an error.
 */
static int record_future(session_t *s, FILE *err)
{
    run_options_t o = s->opt;
    o.os.record_refs = true;
    o.os.replace = REPL_LRU;
    o.os.frames = 0;
    o.os.prefault = false;
    o.trace_path = NULL;
    o.log_path = NULL;
    o.explain = false;
    o.dump = false;
    session_t rec;
    int rc = session_open(&rec, &o, err);
    FILE *devnull = fopen("/dev/null", "w");
    if (rc == 0) {
        if (devnull)
            os_set_console(rec.os, devnull);
        session_run(&rec);
        if (os_recording_full(rec.os)) {
            fprintf(err, "mmulab: --replace opt: a process makes more than %u page references, and OPT keeps each "
                         "one in memory; use a shorter run (--max-cycles) or another --replace policy\n",
                    OS_OPT_MAX_REFS);
            rc = 2;
        }
        for (int pid = 1; pid <= os_process_count(rec.os) && rc == 0; pid++) {
            size_t n;
            const page_ref_t *refs = os_recorded_refs(rec.os, pid, &n);
            if (!os_set_future(s->os, pid, refs, n)) {
                fprintf(err, "mmulab: --replace opt: out of host memory for the reference strings\n");
                rc = 2;
            }
        }
    }
    if (devnull)
        fclose(devnull);
    session_close(&rec);
    return rc;
}

/* Observer for --audit: keep the first stray stores to report. */
static void collect_stray(void *ctx, const event_t *ev)
{
    session_t *s = ctx;
    if (ev->kind != EV_STRAY_STORE)
        return;
    if (s->strays < sizeof s->first_strays / sizeof s->first_strays[0])
        s->first_strays[s->strays] = *ev;
    s->strays++;
}

/* Append dir to the ':'-separated list unless it is there already. */
static void add_dir(char *list, size_t len, const char *dir, size_t dirlen)
{
    size_t n = strlen(list);
    for (const char *at = list; *at;) {
        size_t k = strcspn(at, ":");
        if (k == dirlen && !strncmp(at, dir, dirlen))
            return;
        at += k + (at[k] == ':');
    }
    snprintf(list + n, len - n, "%s%.*s", n ? ":" : "", (int)dirlen, dir);
}

/* Where the OS looks for dynamic libraries: the --lib-path directories,
 * then each program's own directory and its lib/ (as ld.so's $ORIGIN
 * does), never where mmulab itself was built.  NULL when out of memory. */
static char *library_dirs(const run_options_t *opt)
{
    size_t len = (opt->os.lib_path ? strlen(opt->os.lib_path) : 0) + 1;
    for (int i = 0; i < opt->nprograms; i++)
        len += 2 * strlen(opt->programs[i]) + 16;
    char *list = calloc(1, len);
    if (!list)
        return NULL;
    if (opt->os.lib_path)
        snprintf(list, len, "%s", opt->os.lib_path);
    for (int i = 0; i < opt->nprograms; i++) {
        const char *path = opt->programs[i], *slash = strrchr(path, '/');
        char dir[4096];
        int n = slash ? snprintf(dir, sizeof dir, "%.*s", (int)(slash - path + (slash == path)), path)
                      : snprintf(dir, sizeof dir, ".");
        if (n <= 0 || (size_t)n + 4 >= sizeof dir)
            continue;
        add_dir(list, len, dir, (size_t)n);
        n += snprintf(dir + n, sizeof dir - (size_t)n, "%slib", dir[n - 1] == '/' ? "" : "/");
        add_dir(list, len, dir, (size_t)n);
    }
    return list;
}

/* The OS's one retire observer: each completed instruction goes to the
 * commit log (--log) and its references to the din trace (--mem-trace). */
static void observe_retired(void *ctx, int pid, const retire_t *rt)
{
    session_t *s = ctx;
    if (s->log)
        commit_log_retire(s->log, pid, rt);
    if (s->mem_trace)
        din_write_retired(s->mem_trace, pid, rt);
}

static int open_mem_trace(session_t *s, FILE *err)
{
    if (!(s->mem_trace = fopen(s->opt.mem_trace, "w"))) {
        fprintf(err, "mmulab: --mem-trace %s: cannot write it\n", s->opt.mem_trace);
        return 2;
    }
    os_set_retire_observer(s->os, observe_retired, s);
    return 0;
}

int session_open(session_t *s, const run_options_t *opt, FILE *err)
{
    return session_open_wrapped(s, opt, NULL, NULL, err);
}

int session_open_wrapped(session_t *s, const run_options_t *opt, machine_wrap_fn wrap, void *ctx, FILE *err)
{
    memset(s, 0, sizeof *s);
    s->opt = *opt;
    evbus_init(&s->bus);
    if (opt->nprograms == 0) {
        fprintf(err, "mmulab: no program given (see --help)\n");
        return 2;
    }
    char msg[512];
    if (!run_config_build(&s->config, opt, msg, sizeof msg)) {
        fprintf(err, "mmulab: %s\n", msg);
        return 2;
    }
    if (opt->trace_path) {
        if (!(s->trace = trace_open(opt->trace_path, &s->config, msg, sizeof msg))) {
            fprintf(err, "mmulab: %s\n", msg);
            return 2;
        }
        evbus_subscribe(&s->bus, trace_observe, s->trace);
    }
    if (opt->explain) {
        if (!(s->explainer = explain_create(stdout, &opt->explain_filter))) {
            fprintf(err, "mmulab: out of host memory\n");
            return 2;
        }
        evbus_subscribe(&s->bus, explain_observe, s->explainer);
    }
    /* LRU and CLOCK learn about references from the MMU's per-frame stamps and
     * bits; set here, where the mode is final (compare changes it). */
    if (opt->os.audit_stores)
        evbus_subscribe(&s->bus, collect_stray, s);
    machine_config_t hw = opt->hw;
    hw.track_refs = opt->os.mode == OS_PAGED && (opt->os.replace == REPL_LRU || opt->os.replace == REPL_CLOCK);
    hw.track_refs = hw.track_refs || (opt->os.mode == OS_PAGED && opt->os.mp.ws_window); /* os/loadctl.c */
    os_config_t os_cfg = opt->os;
    if (!(s->lib_dirs = library_dirs(opt))) {
        fprintf(err, "mmulab: out of host memory\n");
        return 2;
    }
    os_cfg.lib_path = s->lib_dirs;
    s->m = engine_create(opt->engine, &hw, &s->bus, msg, sizeof msg);
    if (s->m && wrap && !(s->wrapper = wrap(s->m, ctx)))
        snprintf(msg, sizeof msg, "out of host memory");
    if (!s->m || (wrap && !s->wrapper) ||
        !(s->os = os_create(s->wrapper ? s->wrapper : s->m, &os_cfg, msg, sizeof msg))) {
        fprintf(err, "mmulab: %s\n", msg);
        return 2;
    }
    if (opt->dump)
        os_request_dump(s->os, opt->dump_addr, opt->dump_count);
    if (opt->log_path) { /* the OS then steps the machine: the log costs nothing when off */
        if (!(s->log = commit_log_open(opt->log_path, msg, sizeof msg))) {
            fprintf(err, "mmulab: %s\n", msg);
            return 2;
        }
        os_set_retire_observer(s->os, observe_retired, s);
    }
    int rc = load_programs(s, err);
    if (rc == 0 && opt->mem_trace && !opt->os.record_refs)
        rc = open_mem_trace(s, err);
    if (rc == 0 && opt->os.mode == OS_PAGED && opt->os.replace == REPL_OPT && !opt->os.record_refs)
        rc = record_future(s, err);
    return rc;
}

/* The run goes in slices of this many cycles; between two, the stop flag is
 * looked at and the progress line updated (the CPU's loop tests neither). */
#define RUN_SLICE_CYCLES (1u << 20)

static int processes_alive(session_t *s)
{
    int alive = 0;
    for (int pid = 1; pid <= os_process_count(s->os); pid++)
        alive += os_process(s->os, pid)->state == PROC_READY;
    return alive;
}

static void show_progress(session_t *s, progress_t *progress)
{
    if (!progress_due(progress))
        return;
    char detail[64];
    int alive = processes_alive(s);
    snprintf(detail, sizeof detail, "%d process%s alive", alive, alive == 1 ? "" : "es");
    progress_update(progress, machine_cycles(s->m), "cycles", machine_counters(s->m)->instructions, "instructions",
                    detail);
}

int session_run(session_t *s)
{
    progress_t progress;
    progress_start(&progress, "run", s->opt.quiet);
    while (os_run_until(s->os, machine_cycles(s->m) + RUN_SLICE_CYCLES)) {
        if (runctl_stopping()) {
            char why[64];
            snprintf(why, sizeof why, "interrupted by %s", runctl_signal_name());
            os_interrupt(s->os, why);
            break;
        }
        show_progress(s, &progress);
        if (s->opt.os.record_refs && os_recording_full(s->os)) { /* OPT's recording pass: no need to go on */
            os_interrupt(s->os, "OPT's recording is full");
            break;
        }
    }
    progress_end(&progress);
    int rc = os_run_status(s->os);
    if (s->explainer)
        explain_flush(s->explainer);
    return rc;
}

void session_close(session_t *s)
{
    if (s->trace && s->os) /* lane names for the processes, threads and children the run made */
        for (int pid = 1; pid <= os_process_count(s->os); pid++)
            trace_name_process(s->trace, pid, os_process(s->os, pid)->name);
    os_destroy(s->os);
    if (s->wrapper)
        machine_destroy(s->wrapper);
    if (s->m)
        machine_destroy(s->m);
    trace_close(s->trace);
    commit_log_close(s->log);
    run_config_free(&s->config);
    explain_destroy(s->explainer);
    if (s->mem_trace)
        fclose(s->mem_trace);
    free(s->lib_dirs);
    for (int i = 0; i < MAX_PROGRAMS; i++)
        expect_free(&s->expects[i]);
    memset(s, 0, sizeof *s);
}
