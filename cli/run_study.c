/*
 * Runs as points of a study (see run_study.h).
 */
#include "run_study.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../mmu/geometry.h"
#include "../mmu/tlb.h"
#include "../obs/plot.h"
#include "../sim/runctl.h"
#include "../studies/belady.h"
#include "../studies/grid.h"

static void program_names(const run_options_t *o, char *out, size_t len)
{
    out[0] = 0;
    for (int i = 0; i < o->nprograms; i++) {
        const char *slash = strrchr(o->programs[i], '/');
        size_t used = strlen(out);
        snprintf(out + used, len - used, "%s%s", i ? " " : "", slash ? slash + 1 : o->programs[i]);
    }
}

static int by_first(const void *a, const void *b)
{
    uint64_t x = ((const uint64_t *)a)[0], y = ((const uint64_t *)b)[0];
    return x < y ? -1 : x > y;
}

/* How many tables of one level p's regions need: one per distinct range of
 * 2^cover_shift bytes that a mapped address falls in. */
static uint64_t tables_at_level(const process_t *p, uint32_t cover_shift)
{
    uint64_t span[OS_MAX_REGIONS][2], count = 0, last = UINT64_MAX;
    int n = 0;
    for (int i = 0; i < p->nregions; i++)
        if (p->regions[i].end > p->regions[i].start) {
            span[n][0] = (uint64_t)p->regions[i].start >> cover_shift;
            span[n++][1] = ((uint64_t)p->regions[i].end - 1) >> cover_shift;
        }
    qsort(span, (size_t)n, sizeof span[0], by_first);
    for (int i = 0; i < n; i++) { /* merged, so a table two regions share counts once */
        uint64_t from = last != UINT64_MAX && span[i][0] <= last ? last + 1 : span[i][0];
        if (span[i][1] >= from)
            count += span[i][1] - from + 1;
        if (last == UINT64_MAX || span[i][1] > last)
            last = span[i][1];
    }
    return count;
}

/*
 * Paged: slide 20's trade-off.  The bytes of page tables the processes'
 * address spaces need at each level (their regions at the end of the run),
 * the internal fragmentation of their images (the unused part of the pages
 * an image spans) and the TLB's reach (entries x page size).
 */
static void page_size_columns(rows_t *rows, const session_t *s)
{
    paging_geometry_t g;
    paging_geometry(&s->opt.hw, &g);
    uint64_t bytes[PAGING_MAX_LEVELS] = {0}, all = 0, frag = 0, page = 1ull << g.page_shift;
    for (int pid = 1; pid <= os_process_count(s->os); pid++) {
        const process_t *p = os_process(s->os, pid);
        if (!p || p->leader) /* a thread shares its process's tables */
            continue;
        uint32_t lo, hi;
        exe_extent(&p->exe, &lo, &hi);
        if (hi > lo)
            frag += ((uint64_t)hi + page - 1) / page * page - (uint64_t)lo / page * page - (hi - lo);
        uint32_t cover_shift = g.page_shift;
        for (int l = (int)g.levels - 1; l >= 0; l--) { /* a table at level l spans the index bits from l down */
            cover_shift += g.index_bits[l];
            bytes[l] += tables_at_level(p, cover_shift) * paging_table_bytes(&g, (uint32_t)l);
        }
    }
    char col[32];
    for (uint32_t l = 0; l < g.levels; l++) {
        snprintf(col, sizeof col, "pt_bytes_l%u", l);
        rows_set_u64(rows, col, bytes[l]);
        all += bytes[l];
    }
    rows_set_u64(rows, "pt_bytes", all);
    rows_set_u64(rows, "internal_frag", frag);
    rows_set_u64(rows, "tlb_reach", (uint64_t)s->opt.hw.tlb_entries * page);
}

void run_row(rows_t *rows, const session_t *s, int status, const char *scheme)
{
    const run_options_t *o = &s->opt;
    char names[512];
    proc_stats_t t;
    os_totals(s->os, &t);
    program_names(o, names, sizeof names);
    rows_begin(rows);
    rows_set(rows, "program", names);
    rows_set(rows, "mode", scheme ? scheme : os_mode_name[o->os.mode]);
    rows_set_u64(rows, "mem", o->hw.mem_size);
    rows_set_u64(rows, "frames", o->os.frames);
    rows_set(rows, "replace", repl_policy_name[o->os.replace]);
    rows_set(rows, "scope", o->os.scope_local ? "local" : "global");
    rows_set_u64(rows, "page_size", 1ull << o->hw.page_shift);
    rows_set_u64(rows, "levels", o->hw.levels);
    rows_set_u64(rows, "tlb_entries", o->hw.tlb_entries);
    if (!o->tlb_ways_given || o->hw.tlb_ways == o->hw.tlb_entries)
        rows_set(rows, "tlb_ways", "full");
    else
        rows_set_u64(rows, "tlb_ways", o->hw.tlb_ways);
    rows_set(rows, "tlb_policy", tlb_policy_name[o->hw.tlb_policy]);
    rows_set_u64(rows, "asid_bits", o->hw.asid_bits);
    rows_set(rows, "fit", fit_name[o->os.fit]);
    rows_set_u64(rows, "quantum", o->os.quantum);
    rows_set(rows, "status", status == 0 ? "exited" : "stopped");
    rows_set_u64(rows, "instructions", t.instructions);
    rows_set_u64(rows, "cycles", machine_cycles(s->m));
    rows_set_u64(rows, "load_cycles", t.load_cycles);
    rows_set_u64(rows, "tlb_hits", t.tlb_hits);
    rows_set_u64(rows, "tlb_misses", t.tlb_misses);
    rows_set_u64(rows, "walks", t.walks);
    rows_set_u64(rows, "page_faults", t.page_faults);
    rows_set_u64(rows, "major_faults", t.major_faults);
    rows_set_u64(rows, "evictions", t.evictions);
    rows_set_u64(rows, "writebacks", t.writebacks);
    rows_set_u64(rows, "fault_cycles", t.fault_cycles);
    rows_set_u64(rows, "context_switches", t.context_switches);
    if (o->os.mode == OS_PAGED)
        page_size_columns(rows, s);
}

bool refuse_one_run_outputs(const run_options_t *o, const char *cmd, const char *advice)
{
    if (!o->stats_json && !o->stats_txt && !o->trace_path && !o->mem_trace && !o->log_path && !o->dump)
        return false;
    fprintf(stderr, "mmulab %s: --stats-json, --stats, --trace, --mem-trace, --log and --dump describe one run; %s\n",
            cmd, advice);
    return true;
}

/* One point: a full run with the console silenced.  0, 1 or 2 as run. */
static int run_point(int argc, char **argv, grid_t *g, long point, bool several, rows_t *rows, FILE *devnull)
{
    run_options_t opt;
    int rc = run_options_point(argc, argv, &opt, g, point, stderr);
    if (rc)
        return rc < 0 ? 2 : rc;
    if (several && refuse_one_run_outputs(&opt, "run", "with lists, use --csv or --json"))
        return 2;
    opt.quiet = opt.quiet || several;
    session_t s;
    rc = session_open(&s, &opt, stderr);
    if (rc == 0) {
        if (several && devnull)
            os_set_console(s.os, devnull);
        int status = session_run(&s);
        rc = session_report(&s, status, several && devnull ? devnull : stdout, several && devnull ? devnull : stderr);
        run_row(rows, &s, status, NULL);
    }
    session_close(&s);
    return rc;
}

static int run_points(int argc, char **argv, grid_t *g, const run_options_t *first)
{
    rows_t rows;
    rows_init(&rows);
    size_t n = grid_points(g);
    FILE *devnull = fopen("/dev/null", "w");
    int status = 0;
    for (size_t p = 0; p < n && status != 2 && !runctl_stopping(); p++) { /* SIGINT: the rows so far */
        int rc = run_point(argc, argv, g, (long)p, n > 1, &rows, devnull);
        status = rc > status ? rc : status;
    }
    if (devnull)
        fclose(devnull);
    if (status != 2 && n > 1) {
        rows_print(&rows, stdout, (const char *const[]){"cycles", "page_faults", "tlb_misses", NULL});
        belady_report(&rows, "frames", "page_faults", "replace", stdout);
    }
    if (status != 2 && !study_emit(&rows, "run", &first->out))
        status = 2;
    rows_free(&rows);
    return status;
}

int run_study(int argc, char **argv, bool *handled)
{
    grid_t g = {0};
    run_options_t first;
    run_options_defaults(&first);
    int status = run_options_grid(argc, argv, &first, &g, stderr);
    *handled = status != 0 || g.naxes > 0 || first.out.csv || first.out.json || first.out.plot;
    if (status < 0) /* --help: the caller prints it */
        *handled = false;
    else if (*handled && status == 0)
        status = run_points(argc, argv, &g, &first);
    grid_free(&g);
    return status;
}
