/*
 * What a run reports: fault messages and a summary line on stderr, the
 * statistics as JSON (--stats-json) and as gem5-style stats.txt (--stats),
 * the --check verdicts, and the --dump words, last, on stdout.
 *
 * Statistics are gathered once into a list of named values so the JSON and
 * the text can never disagree.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../obs/quote.h"
#include "session.h"

typedef struct {
    const char *name;
    uint64_t value;
    const char *desc;
} stat_t;

#define MAX_STATS 48

/* The scalar statistics of one process, or of the whole run (p == NULL). */
static int gather(const proc_stats_t *st, stat_t *out)
{
    int n = 0;
    out[n++] = (stat_t){"instructions", st->instructions, "instructions retired"};
    out[n++] = (stat_t){"cycles", st->cycles, "cycles, loading and OS work included"};
    out[n++] = (stat_t){"run_cycles", st->cycles - st->load_cycles, "cycles after loading"};
    out[n++] = (stat_t){"load_cycles", st->load_cycles, "cycles spent loading (copy and relocation)"};
    out[n++] = (stat_t){"relocations", st->relocations, "relocated fields patched by the loader"};
    out[n++] = (stat_t){"loads", st->loads, "data loads"};
    out[n++] = (stat_t){"stores", st->stores, "data stores"};
    out[n++] = (stat_t){"syscalls", st->syscalls, "system calls"};
    out[n++] = (stat_t){"context_switches", st->context_switches, "context switches onto this process"};
    out[n++] = (stat_t){"tlb_hits", st->tlb_hits, "TLB hits"};
    out[n++] = (stat_t){"tlb_misses", st->tlb_misses, "TLB misses"};
    out[n++] = (stat_t){"walks", st->walks, "page-table walks"};
    out[n++] = (stat_t){"walk_cycles", st->walk_cycles, "cycles spent walking page tables"};
    out[n++] = (stat_t){"page_faults", st->page_faults, "page faults the OS served (paged mode)"};
    out[n++] = (stat_t){"major_faults", st->major_faults, "page faults that read the disk (executable or backing store)"};
    out[n++] = (stat_t){"minor_faults", st->minor_faults, "page faults served by zero-filling a frame"};
    out[n++] = (stat_t){"evictions", st->evictions, "pages evicted to make room (charged to the faulting process)"};
    out[n++] = (stat_t){"writebacks", st->writebacks, "dirty victims written to the backing store"};
    out[n++] = (stat_t){"fault_cycles", st->fault_cycles, "cycles serving page faults: trap entry, handler, disk"};
    out[n++] = (stat_t){"shared_maps", st->shared_maps, "pages mapped onto a frame already in use (fork, shared memory, code): frames saved"};
    out[n++] = (stat_t){"cow_copies", st->cow_copies, "copy-on-write faults that copied a shared page"};
    out[n++] = (stat_t){"file_bytes_read", st->file_bytes_read, "bytes read() from files (disk transfer and copy charged)"};
    out[n++] = (stat_t){"file_bytes_written", st->file_bytes_written, "bytes write() to files (copy and disk transfer charged)"};
    out[n++] = (stat_t){"bcache_hits", st->bcache_hits, "blocks read() found in the buffer cache (--buffer-cache)"};
    out[n++] = (stat_t){"bcache_misses", st->bcache_misses, "blocks read() took from the disk"};
    out[n++] = (stat_t){"binds", st->binds, "imported symbols bound by the dynamic loader"};
    out[n++] = (stat_t){"lazy_binds", st->lazy_binds, "of them bound at their first call (lazy binding)"};
    out[n++] = (stat_t){"bind_cycles", st->bind_cycles, "cycles binding symbols: lookup and slot write (lazy: plus the trap)"};
    return n;
}

static void json_stats(FILE *f, const stat_t *s, int n, const uint64_t *faults, const char *indent)
{
    for (int i = 0; i < n; i++)
        fprintf(f, "%s\"%s\": %" PRIu64 ",\n", indent, s[i].name, s[i].value);
    fprintf(f, "%s\"faults\": {", indent);
    bool first = true;
    for (int t = 0; t < TRAP_COUNT; t++)
        if (faults[t] && t != TRAP_SYSCALL) {
            fprintf(f, "%s\"%s\": %" PRIu64, first ? "" : ", ", trap_name[t], faults[t]);
            first = false;
        }
    fprintf(f, "}");
}

/* The whole run's totals: the processes' counts, and the clock as its cycles
 * (the OS's work between processes included). */
static void run_totals(session_t *s, proc_stats_t *total)
{
    os_totals(s->os, total);
    total->cycles = machine_cycles(s->m);
}

void session_breakdown(session_t *s, cycle_breakdown_t *b)
{
    proc_stats_t total;
    os_totals(s->os, &total);
    const os_mode_t mode = s->opt.os.mode;
    const cycle_inputs_t in = {
        .clock = machine_cycles(s->m),
        .hw = *machine_counters(s->m),
        .timing = &s->m->cfg.timing,
        .mode = mode == OS_PAGED ? MMU_PAGED : mode == OS_HWRELOC ? MMU_RELOC : MMU_BARE,
        .levels = s->m->cfg.levels,
        .page_faults = total.page_faults,
    };
    cycle_breakdown(os_cycle_tally(s->os), &in, b);
}

typedef struct {
    const char *name;
    double value;
    const char *desc;
} rate_t;

enum { NRATES = 8 };
static void gather_rates(const cycle_breakdown_t *b, rate_t *r)
{
    r[0] = (rate_t){"cpi", b->cpi, "cycles per instruction (the clock over instructions retired)"};
    r[1] = (rate_t){"tlb_miss_rate", b->tlb_miss_rate, "TLB misses per translation"};
    r[2] = (rate_t){"faults_per_1000_instructions", b->faults_per_kilo_insn, "page faults per 1000 instructions"};
    r[3] = (rate_t){"hit_ratio", b->hit_ratio, "TLB hit ratio h the formula uses (1 without a TLB)"};
    r[4] = (rate_t){"eat_measured", b->eat_measured, "effective access time, cycles per access: translation, memory, walks, A/D"};
    r[5] = (rate_t){"eat_formula", b->eat_formula, "h(t_tlb + t_mem) + (1 - h)(t_tlb + levels t_mem + t_mem)"};
    r[6] = (rate_t){"eat_with_faults_measured", b->eat_faults_measured, "as eat_measured, page-fault service included"};
    r[7] = (rate_t){"eat_with_faults_formula", b->eat_faults_formula, "(1 - p) eat_formula + p (mean fault service), p faults per access"};
}

static void json_breakdown(session_t *s, FILE *f)
{
    cycle_breakdown_t b;
    session_breakdown(s, &b);
    fprintf(f, ",\n  \"cycle_breakdown\": {");
    for (int i = 0; i < CYC_COUNT; i++)
        fprintf(f, "%s\"%s\": %" PRId64, i ? ", " : "", cycle_part_name[i], b.part[i]);
    rate_t r[NRATES];
    gather_rates(&b, r);
    fprintf(f, "},\n  \"rates\": {");
    for (int i = 0; i < 3; i++)
        fprintf(f, "%s\"%s\": %.6g", i ? ", " : "", r[i].name, r[i].value);
    fprintf(f, "},\n  \"effective_access_time\": {");
    for (int i = 3; i < NRATES; i++)
        fprintf(f, "%s\"%s\": %.6g", i > 3 ? ", " : "", r[i].name, r[i].value);
    fprintf(f, "}");
}

static void text_breakdown(session_t *s, FILE *f)
{
    cycle_breakdown_t b;
    session_breakdown(s, &b);
    for (int i = 0; i < CYC_COUNT; i++) {
        char name[96];
        snprintf(name, sizeof name, "system.cycle_breakdown.%s", cycle_part_name[i]);
        fprintf(f, "%-44s %20" PRId64 "   # %s\n", name, b.part[i], cycle_part_desc[i]);
    }
    rate_t r[NRATES];
    gather_rates(&b, r);
    for (int i = 0; i < NRATES; i++) {
        char name[96];
        snprintf(name, sizeof name, "system.%s", r[i].name);
        fprintf(f, "%-44s %20.6f   # %s\n", name, r[i].value, r[i].desc);
    }
}

static void write_json(session_t *s, FILE *f)
{
    proc_stats_t total;
    stat_t st[MAX_STATS];
    run_totals(s, &total);
    int n = gather(&total, st);
    fprintf(f, "{\n  \"config\": ");
    run_config_write_json(&s->config, f, "  ");
    fprintf(f, ",\n  \"mode\": \"%s\",\n  \"engine\": \"%s\",\n", os_mode_name[s->opt.os.mode], s->opt.engine);
    fprintf(f, "  \"exit_code\": %d,\n  \"clock\": %" PRIu64 ",\n", os_first_exit_code(s->os), machine_cycles(s->m));
    json_stats(f, st, n, total.faults, "  ");
    json_breakdown(s, f);
    fprintf(f, ",\n  \"processes\": [");
    for (int pid = 1; pid <= os_process_count(s->os); pid++) {
        process_t *p = os_process(s->os, pid);
        n = gather(&p->st, st);
        fprintf(f, "%s\n    {\n      \"pid\": %d,\n      \"name\": \"%s\",\n      \"state\": \"%s\",\n", pid > 1 ? "," : "",
                pid, p->name, p->state == PROC_EXITED ? "exited" : p->state == PROC_KILLED ? "killed" : "ready");
        fprintf(f, "      \"exit_code\": %d,\n      \"base\": %" PRIu32 ",\n      \"size\": %" PRIu32 ",\n", p->exit_code,
                p->base, p->size);
        fprintf(f, "      \"frame_quota\": %" PRIu32 ",\n", p->frame_quota);
        json_stats(f, st, n, p->st.faults, "      ");
        fprintf(f, "\n    }");
    }
    fprintf(f, "\n  ]\n}\n");
}

static void text_stats(FILE *f, const char *prefix, const stat_t *s, int n, const uint64_t *faults)
{
    for (int i = 0; i < n; i++) {
        char name[96];
        snprintf(name, sizeof name, "%s%s", prefix, s[i].name);
        fprintf(f, "%-44s %20" PRIu64 "   # %s\n", name, s[i].value, s[i].desc);
    }
    for (int t = 0; t < TRAP_COUNT; t++)
        if (faults[t] && t != TRAP_SYSCALL) {
            char name[96];
            snprintf(name, sizeof name, "%sfaults::%s", prefix, trap_name[t]);
            fprintf(f, "%-44s %20" PRIu64 "   # %s\n", name, faults[t], trap_desc[t]);
        }
}

/* A configuration line; a value that is not a plain word (an argument with
 * spaces or a line break, an empty one) as a shell word, so that each item
 * stays one line.  The command is a shell line already. */
static void text_config_line(void *f, const char *name, const char *value)
{
    char full[112];
    snprintf(full, sizeof full, "config.%s", name);
    char *quoted = strcmp(name, "command") ? shell_quoted(value) : NULL;
    fprintf(f, "%-44s %20s\n", full, quoted ? quoted : value);
    free(quoted);
}

/* gem5's stats.txt layout: `name value # description` between banners,
 * after the configuration in the same layout (what gem5 keeps in config.ini). */
static void write_text(session_t *s, FILE *f)
{
    proc_stats_t total;
    stat_t st[MAX_STATS];
    run_totals(s, &total);
    fprintf(f, "\n---------- Begin Configuration ----------\n");
    run_config_each(&s->config, text_config_line, f);
    fprintf(f, "\n---------- End Configuration   ----------\n");
    fprintf(f, "\n---------- Begin Simulation Statistics ----------\n");
    fprintf(f, "%-44s %20" PRIu64 "   # %s\n", "sim_cycles", machine_cycles(s->m), "clock at the end of the run");
    text_stats(f, "system.", st, gather(&total, st), total.faults);
    text_breakdown(s, f);
    for (int pid = 1; pid <= os_process_count(s->os); pid++) {
        process_t *p = os_process(s->os, pid);
        char prefix[48];
        snprintf(prefix, sizeof prefix, "system.process%d.", pid);
        text_stats(f, prefix, st, gather(&p->st, st), p->st.faults);
        fprintf(f, "%-44s %20" PRIu32 "   # %s\n", strcat(prefix, "frame_quota"), p->frame_quota,
                "frames it may hold under --scope local (paged; 0: no quota)");
    }
    fprintf(f, "\n---------- End Simulation Statistics   ----------\n");
}

static bool write_file(session_t *s, const char *path, void (*writer)(session_t *, FILE *), FILE *out, FILE *err)
{
    if (!strcmp(path, "-")) {
        writer(s, out);
        return true;
    }
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(err, "mmulab: cannot write %s\n", path);
        return false;
    }
    writer(s, f);
    return fclose(f) == 0;
}

/* Stopped processes named one a line, up to this many. */
#define MAX_FAULT_LINES 20

static void summary(session_t *s, FILE *err)
{
    proc_stats_t total;
    os_totals(s->os, &total);
    os_mp_report(s->os, err); /* compaction and swapping, if any */
    int killed = 0;
    for (int pid = 1; pid <= os_process_count(s->os); pid++) {
        process_t *p = os_process(s->os, pid);
        if (p->state == PROC_KILLED && ++killed <= MAX_FAULT_LINES)
            fprintf(err, "mmulab: %s\n", p->fault_msg);
    }
    if (killed > MAX_FAULT_LINES) /* a fork bomb stopped at the cycle limit */
        fprintf(err, "mmulab: ... and %d more processes stopped (--stats-json lists every process)\n",
                killed - MAX_FAULT_LINES);
    if (!s->opt.quiet)
        fprintf(err, "mmulab: %s: %d process%s, %" PRIu64 " instructions, %" PRIu64 " cycles (%" PRIu64
                     " loading), first exit code %d\n",
                os_mode_name[s->opt.os.mode], os_process_count(s->os), os_process_count(s->os) == 1 ? "" : "es",
                total.instructions, machine_cycles(s->m), total.load_cycles, os_first_exit_code(s->os));
}

static bool check_expectations(session_t *s, FILE *err)
{
    bool ok = true;
    for (int i = 0; i < s->opt.nprograms; i++) {
        int applied;
        fprintf(err, "check %s: ", s->opt.programs[i]);
        bool good = expect_verify(&s->expects[i], s->os, i + 1, s->opt.os.mode, err, &applied);
        if (!applied)
            fprintf(err, "no expectation for %s mode\n", os_mode_name[s->opt.os.mode]);
        else if (good)
            fprintf(err, "ok (%d expectation%s)\n", applied, applied == 1 ? "" : "s");
        ok = ok && good && applied;
    }
    return ok;
}

/* --audit: where the stray stores went and whose memory that was. */
static void report_strays(session_t *s, FILE *err)
{
    fprintf(err, "audit: %" PRIu64 " store%s outside the storing process's memory\n", s->strays,
            s->strays == 1 ? "" : "s");
    size_t shown = s->strays < 8 ? (size_t)s->strays : 8;
    for (size_t i = 0; i < shown; i++) {
        const event_t *e = &s->first_strays[i];
        int owner = (int)e->c;
        fprintf(err, "audit: process %u at pc 0x%08" PRIx32 " stored at physical 0x%08" PRIx32 ": %s", e->a, e->d,
                e->b, owner == 0 ? "the operating system's memory\n" : owner < 0 ? "free memory\n" : "");
        if (owner > 0)
            fprintf(err, "process %d's memory (%s)\n", owner, os_process(s->os, owner)->name);
    }
}

static void print_dump(session_t *s, FILE *out, FILE *err)
{
    const os_dump_t *d = os_dump(s->os);
    if (!d->captured) {
        fprintf(err, "mmulab: --dump: nothing captured (process 1 never ran)\n");
        return;
    }
    for (uint32_t i = 0; i < d->count; i++) {
        uint32_t addr = d->addr + 4 * i;
        if (d->valid[i])
            fprintf(out, "0x%08" PRIx32 " 0x%08" PRIx32 "\n", addr, d->words[i]);
        else
            fprintf(out, "0x%08" PRIx32 " unmapped\n", addr);
    }
}

int session_report(session_t *s, int status, FILE *out, FILE *err)
{
    fflush(out);
    summary(s, err);
    if (s->opt.stats_json && !write_file(s, s->opt.stats_json, write_json, out, err))
        status = 2;
    if (s->opt.stats_txt && !write_file(s, s->opt.stats_txt, write_text, out, err))
        status = 2;
    if (s->opt.os.audit_stores)
        report_strays(s, err);
    if (s->opt.check && !check_expectations(s, err) && status == 0)
        status = 1;
    fflush(err);
    if (s->opt.dump)
        print_dump(s, out, err);
    fflush(out);
    return status;
}
