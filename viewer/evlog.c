/*
 * Event lists for the viewer: appended to by the bus observer during a live
 * run, or read back from a CSV trace for --replay.  Events arrive roughly in
 * cycle order (the OS stamps an action when it begins, the hardware its walk
 * steps inside an instruction), so lookups by cycle sort a copy only when
 * the list is out of order.
 */
#include "evlog.h"

#include "../obs/trace_read.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void evlog_init(evlog_t *log) { memset(log, 0, sizeof *log); }

void evlog_free(evlog_t *log)
{
    free(log->ev);
    evlog_init(log);
}

void evlog_clear(evlog_t *log) { log->count = 0; }

void evlog_append(evlog_t *log, const event_t *ev)
{
    if (log->count == log->cap) {
        size_t cap = log->cap ? log->cap * 2 : 256;
        event_t *grown = realloc(log->ev, cap * sizeof *grown);
        if (!grown) {
            log->out_of_memory = true;
            return;
        }
        log->ev = grown;
        log->cap = cap;
    }
    log->ev[log->count++] = *ev;
}

void evlog_observe(void *ctx, const event_t *ev) { evlog_append(ctx, ev); }

bool evlog_is_machine_internal(ev_kind_t kind)
{
    return kind == EV_TLB_MISS || kind == EV_WALK_STEP || kind == EV_PTE_WRITEBACK || kind == EV_TLB_FILL;
}

bool evlog_stops_run_to_event(ev_kind_t kind)
{
    switch (kind) {
    case EV_TLB_MISS: case EV_TRAP: case EV_PAGE_FAULT: case EV_CTX_SWITCH: case EV_PROC_KILL:
    case EV_SWAP_OUT: case EV_SWAP_IN: case EV_MOVE:
        return true;
    default:
        return false;
    }
}

size_t evlog_first_at(const evlog_t *log, uint64_t cycle)
{
    for (size_t i = 0; i < log->count; i++)
        if (log->ev[i].cycle >= cycle)
            return i;
    return log->count;
}

ev_kind_t evlog_kind_from_label(const char *label) { return trace_kind_from_label(label); }

bool evlog_read_csv(evlog_t *log, const char *path, char *err, size_t errlen)
{
    return trace_read(path, evlog_observe, log, err, errlen);
}
