/*
 * The viewer's copy of the event stream: a growable list of cycle-stamped
 * events, filled either live (an observer on the machine's event bus) or from
 * a CSV trace written by `mmulab run --trace` (replay).  The timeline panel
 * and the replayed memory picture are drawn from it.  No SDL here.
 */
#ifndef MMULAB_VIEWER_EVLOG_H
#define MMULAB_VIEWER_EVLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../machine/events.h"

typedef struct {
    event_t *ev;
    size_t count, cap;
    bool out_of_memory;
} evlog_t;

void evlog_init(evlog_t *log);
void evlog_free(evlog_t *log);
void evlog_clear(evlog_t *log);
void evlog_append(evlog_t *log, const event_t *ev);

/* An ev_observer_fn: ctx is the evlog_t. */
void evlog_observe(void *ctx, const event_t *ev);

/* Events the hardware emits inside an instruction (a TLB miss, its walk
 * steps, an A/D write-back); every other kind marks the OS stepping in. */
bool evlog_is_machine_internal(ev_kind_t kind);

/* The kinds "run to the next event" (key e) stops after: a TLB miss, a
 * trap, a page fault, a context switch, a kill, a swap or a move. */
bool evlog_stops_run_to_event(ev_kind_t kind);

/* Index of the first event at or after `cycle` (count if none). */
size_t evlog_first_at(const evlog_t *log, uint64_t cycle);

/* Read a trace (CSV, or the JSON of a .json file) with obs/trace_read.c.
 * Returns true, or false with a sentence naming the line in err. */
bool evlog_read_csv(evlog_t *log, const char *path, char *err, size_t errlen);

/* The kind whose label is `label` ("TLB miss"), or EV_COUNT. */
ev_kind_t evlog_kind_from_label(const char *label);

#endif
