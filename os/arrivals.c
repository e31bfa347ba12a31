/*
 * Programs that arrive during a run (`mmulab run prog.s@CYCLE`, the seed's
 * slides 12 and 13): the contiguous allocator meets requests over time, as
 * `mmulab workload` models them, so first, best and worst fit leave
 * different layouts.  Arrivals wait in one FIFO queue in arrival order: the
 * head is loaded when the clock reaches its cycle and a hole fits it (after
 * compaction or swapping, if they are on); until then it and everyone
 * behind it wait.  Processes keep the pids of their place on the command
 * line.  With --partitions each placement is logged: the hole it took and
 * the holes left.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "mp_internal.h"
#include "os_internal.h"
#include "services.h"

struct arrival {
    exe_t exe;
    char name[64];
    uint64_t cycle;
};

bool os_add_arrival(os_t *os, const exe_t *exe, const char *name, uint64_t cycle, char *err, size_t errlen)
{
    if (os->cfg.mode != OS_SWRELOC && os->cfg.mode != OS_HWRELOC) {
        snprintf(err, errlen, "programs arriving during the run (prog.s@CYCLE) are for the contiguous "
                              "multiprogrammed modes: --mode swreloc|hwreloc");
        return false;
    }
    if (os->narrivals && cycle < os->arrivals[os->narrivals - 1].cycle) {
        snprintf(err, errlen, "arrival at cycle %" PRIu64 " listed after one at %" PRIu64
                              ": list arrivals in the order they arrive", cycle, os->arrivals[os->narrivals - 1].cycle);
        return false;
    }
    struct arrival *grown = realloc(os->arrivals, (size_t)(os->narrivals + 1) * sizeof *grown);
    if (!grown || (os->arrivals = grown, !exe_clone(&grown[os->narrivals].exe, exe))) {
        snprintf(err, errlen, "out of host memory");
        return false;
    }
    snprintf(grown[os->narrivals].name, sizeof grown[os->narrivals].name, "%s", name);
    grown[os->narrivals].cycle = cycle;
    os->narrivals++;
    return true;
}

bool os_arrivals_pending(const os_t *os) { return os->next_arrival < os->narrivals; }

uint64_t os_next_arrival_cycle(const os_t *os)
{
    return os_arrivals_pending(os) ? os->arrivals[os->next_arrival].cycle : UINT64_MAX;
}

/* "0x5400 (1027136)" for each hole, comma-separated, into out. */
static void describe_holes(const partitions_t *parts, char *out, size_t len)
{
    size_t n = 0;
    out[0] = 0;
    for (int i = 0; i < parts->nblocks && n < len; i++)
        if (!parts->blocks[i].owner)
            n += (size_t)snprintf(out + n, len - n, "%s0x%x (%u)", n ? ", " : "", parts->blocks[i].start,
                                  parts->blocks[i].size);
    if (!out[0])
        snprintf(out, len, "none");
}

/* The hole that holds [base, base + size) before the allocation: its start and size. */
static void hole_around(const partitions_t *parts, uint32_t base, uint32_t *start, uint32_t *size)
{
    *start = base, *size = 0;
    for (int i = 0; i < parts->nblocks; i++) {
        const block_t *b = &parts->blocks[i];
        if (!b->owner && b->start <= base && base < b->start + b->size)
            *start = b->start, *size = b->size;
    }
}

/* Load the head of the queue if its time has come and memory has room. */
static bool admit_one(os_t *os, struct arrival *a)
{
    if (machine_cycles(os->m) < a->cycle)
        return false;
    partitions_t before = os->parts;
    before.blocks = malloc((size_t)os->parts.nblocks * sizeof *before.blocks);
    if (before.blocks)
        memcpy(before.blocks, os->parts.blocks, (size_t)os->parts.nblocks * sizeof *before.blocks);
    char err[256];
    uint64_t now = machine_cycles(os->m);
    int pid = os_load(os, &a->exe, a->name, err, sizeof err);
    if (pid > 0 && os->cfg.mp.show_partitions && before.blocks) {
        process_t *p = os_process(os, pid);
        uint32_t hole, hole_size;
        char holes[300];
        hole_around(&before, p->base, &hole, &hole_size);
        describe_holes(&os->parts, holes, sizeof holes);
        mp_log(os, "cycle %" PRIu64 ": process %d (%s, %u bytes, due at %" PRIu64 ") placed at 0x%x by %s fit, "
                   "in the hole 0x%x (%u bytes); holes now: %s",
               now, pid, a->name, p->size, a->cycle, p->base, fit_name[os->parts.fit], hole,
               hole_size, holes);
    }
    free(before.blocks);
    if (pid < 0)
        return false; /* no room yet: it waits, and so does everyone behind it */
    dynlib_start(os, os_process(os, pid)); /* os_load announced it (EV_PROC_START) */
    exe_free(&a->exe);
    return true;
}

void os_admit_arrivals(os_t *os)
{
    while (os->next_arrival < os->narrivals && admit_one(os, &os->arrivals[os->next_arrival]))
        os->next_arrival++;
}

bool os_wait_for_arrival(os_t *os)
{
    if (!os_arrivals_pending(os))
        return false;
    struct arrival *a = &os->arrivals[os->next_arrival];
    uint64_t now = machine_cycles(os->m);
    if (a->cycle > now && (!os->cfg.max_cycles || a->cycle <= os->cfg.max_cycles)) {
        os_charge(os, EV_IDLE, 0, a->cycle - now, 0, 0, 0, 0); /* nobody runs until it comes */
        os_admit_arrivals(os);
        return true;
    }
    /* due, nobody left to free memory, and still no hole: it can never come in */
    for (int i = os->next_arrival; i < os->narrivals; i++) {
        fprintf(os->console, "mmulab: %s (due at cycle %" PRIu64 ") never found a hole: dropped\n", os->arrivals[i].name,
                os->arrivals[i].cycle);
        exe_free(&os->arrivals[i].exe);
    }
    os->arrivals_dropped = os->narrivals - os->next_arrival;
    os->next_arrival = os->narrivals;
    return false;
}

void os_free_arrivals(os_t *os)
{
    for (int i = os->next_arrival; i < os->narrivals; i++)
        exe_free(&os->arrivals[i].exe);
    free(os->arrivals);
}
