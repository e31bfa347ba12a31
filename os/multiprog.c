/*
 * The multiprogramming state the OS keeps beside its process table: who is
 * swapped out, what compaction and swapping cost, a short log of what the
 * OS did and why, and the partition table at its fullest, for the report.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "mp_internal.h"

const char *const swapback_name[SWAPBACK_COUNT] = {"same", "relocate"};

struct mp_state *mp_state(os_t *os)
{
    if (!os->mp)
        os->mp = calloc(1, sizeof *os->mp);
    return os->mp;
}

mp_proc_t *mp_proc(os_t *os, int pid)
{
    struct mp_state *s = mp_state(os);
    if (!s || pid < 1)
        return NULL;
    if (pid > s->cap || os->nprocs > s->cap) { /* room for every process: pointers stay valid while none is added */
        int cap = pid > 2 * s->cap ? pid : 2 * s->cap;
        if (cap < os->nprocs)
            cap = os->nprocs;
        mp_proc_t *grown = realloc(s->procs, (size_t)cap * sizeof *grown);
        if (!grown)
            return NULL;
        memset(grown + s->cap, 0, (size_t)(cap - s->cap) * sizeof *grown);
        s->procs = grown;
        s->cap = cap;
    }
    return &s->procs[pid - 1];
}

int mp_priority(const os_t *os, int pid)
{
    const mp_config_t *c = &os->cfg.mp;
    return pid >= 1 && pid <= c->npriorities ? c->priority[pid - 1] : 0;
}

void mp_log(os_t *os, const char *fmt, ...)
{
    struct mp_state *s = mp_state(os);
    if (!s)
        return;
    s->log_total++;
    if (s->nlog == MP_LOG_LINES)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->log[s->nlog++], sizeof s->log[0], fmt, ap);
    va_end(ap);
}

void mp_park_current(os_t *os)
{
    process_t *p = os_process(os, os->current);
    if (p)
        os_leave_cpu(os, p);
}

/* Keep a copy of the partition table when it holds the most allocated bytes. */
static void note_fullest(os_t *os)
{
    struct mp_state *s = mp_state(os);
    uint64_t requested, allocated;
    partitions_usage(&os->parts, &requested, &allocated);
    if (!s || allocated <= s->fullest_allocated)
        return;
    partitions_free_all(&s->fullest);
    s->fullest = os->parts;
    s->fullest.blocks = malloc((size_t)os->parts.nblocks * sizeof *s->fullest.blocks);
    s->fullest.cap = os->parts.nblocks;
    if (s->fullest.blocks)
        memcpy(s->fullest.blocks, os->parts.blocks, (size_t)os->parts.nblocks * sizeof *s->fullest.blocks);
    else
        memset(&s->fullest, 0, sizeof s->fullest);
    s->fullest_allocated = allocated;
}

void os_mp_note_dispatch(os_t *os, process_t *p)
{
    mp_proc_t *mp = mp_proc(os, p->pid);
    if (mp) {
        mp->last_run = machine_cycles(os->m);
        mp->faults_at_dispatch = p->st.page_faults;
    }
    if (os->cfg.mp.show_partitions && os->cfg.mode != OS_BARE)
        note_fullest(os);
}

static void print_partitions(const partitions_t *p, FILE *out)
{
    uint64_t requested, allocated;
    uint32_t free_bytes, largest;
    partitions_usage(p, &requested, &allocated);
    uint32_t holes = partitions_holes(p, &free_bytes, &largest);
    fprintf(out, "%s when memory was fullest (0x%x..0x%x):\n", p->fixed ? "fixed partitions (MFT)" : "partitions",
            p->start, p->end);
    const char *lost = p->fixed ? "left unused in the partition" : "lost to the granule";
    for (int i = 0; i < p->nblocks; i++) {
        const block_t *b = &p->blocks[i];
        if (b->owner)
            fprintf(out, "  0x%08x %8u bytes  process %d (asked %u, %u %s)\n", b->start, b->size, b->owner,
                    b->requested, b->size - b->requested, lost);
        else
            fprintf(out, "  0x%08x %8u bytes  %s\n", b->start, b->size, p->fixed ? "free partition" : "hole");
    }
    uint32_t cut_end = p->nblocks ? p->blocks[p->nblocks - 1].start + p->blocks[p->nblocks - 1].size : p->start;
    if (p->fixed && cut_end < p->end)
        fprintf(out, "  0x%08x %8u bytes  not in any partition\n", cut_end, p->end - cut_end);
    fprintf(out,
            "  requested %llu bytes, allocated %llu (%s%u): internal fragmentation %llu bytes;\n"
            "  %u %s of %u bytes, the largest %u: external fragmentation %u bytes\n",
            (unsigned long long)requested, (unsigned long long)allocated, p->fixed ? "whole partitions, granule " : "granule ",
            p->granule, (unsigned long long)(allocated - requested), holes, p->fixed ? "free partition(s)" : "hole(s)",
            free_bytes, largest, free_bytes - largest);
}

void os_mp_report(os_t *os, FILE *out)
{
    struct mp_state *s = os->mp;
    if (!s)
        return;
    if (os->cfg.mp.show_partitions && s->fullest.blocks)
        print_partitions(&s->fullest, out);
    if (s->compactions || s->swap_outs || s->log_total)
        fprintf(out,
                "multiprogramming: %llu compaction(s) moving %llu bytes in %llu cycles; %llu swap-out(s), "
                "%llu swap-in(s), %llu bytes, %llu cycles of disk\n",
                (unsigned long long)s->compactions, (unsigned long long)s->compaction_bytes,
                (unsigned long long)s->compaction_cycles, (unsigned long long)s->swap_outs,
                (unsigned long long)s->swap_ins, (unsigned long long)s->swap_bytes,
                (unsigned long long)s->swap_cycles);
    for (int i = 0; i < s->nlog; i++)
        fprintf(out, "  %s\n", s->log[i]);
    mp_report_paging(os, out);
    if (s->log_total > s->nlog)
        fprintf(out, "  ... %d more (see --trace for every event)\n", s->log_total - s->nlog);
}

void os_mp_free(os_t *os)
{
    struct mp_state *s = os->mp;
    if (!s)
        return;
    for (int i = 0; i < s->cap; i++)
        free(s->procs[i].image);
    free(s->procs);
    partitions_free_all(&s->fullest);
    free(s);
    os->mp = NULL;
}
