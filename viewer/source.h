/*
 * Where the viewer's picture comes from: a live run (the driver in vm.h) or
 * a recorded trace (--replay).  The keys act on either the same way: a step
 * is one instruction live and one event in a replay; "run to the next event"
 * stops at the next TLB miss, fault, trap or switch in both.  No SDL here.
 */
#ifndef MMULAB_VIEWER_SOURCE_H
#define MMULAB_VIEWER_SOURCE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "evlog.h"
#include "model.h"
#include "vm.h"

typedef struct {
    bool live;
    run_options_t opt;
    vm_t vm;            /* live                                  */
    evlog_t trace;      /* replay                                */
    uint64_t replay_now;
} source_t;

/* Open a live run of opt's programs, or (trace_path not NULL) a trace.
 * Returns 0, or 2 after printing why to err. */
int source_open(source_t *s, const run_options_t *opt, const char *trace_path, FILE *err);
void source_close(source_t *s);

bool source_reset(source_t *s);
bool source_step(source_t *s);
bool source_run_to_event(source_t *s);
bool source_advance(source_t *s, uint64_t cycles);
bool source_goto(source_t *s, uint64_t cycle);
bool source_finished(const source_t *s);
uint64_t source_now(const source_t *s);

void source_fill(source_t *s, model_t *m);

#endif
