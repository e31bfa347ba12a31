/*
 * Reading traces back: the CSV and the Perfetto JSON that obs/trace.c
 * writes, one event at a time to an observer, so a consumer of a recorded
 * trace (`mmulab explain`, the viewer's --replay) sees the same events a
 * live run's bus delivered.  Memory is bounded: one line at a time.
 */
#ifndef MMULAB_TRACE_READ_H
#define MMULAB_TRACE_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "../machine/events.h"

/* The kind whose label is `label` ("TLB miss"), or EV_COUNT. */
ev_kind_t trace_kind_from_label(const char *label);

/* Read path (.json: trace-event JSON, one event a line as trace.c writes it,
 * the header, otherData and the lanes' metadata skipped; anything else: CSV,
 * its header naming the columns -- trace.c's named ones or the older
 * a,b,c,d -- and its configuration rows skipped) and hand each event to fn.
 * Returns true, or false with a sentence naming the file and line in err. */
bool trace_read(const char *path, ev_observer_fn fn, void *ctx, char *err, size_t errlen);
/* The same from an open stream; json picks the format, name is for messages. */
bool trace_read_stream(FILE *f, bool json, const char *name, ev_observer_fn fn, void *ctx, char *err, size_t errlen);

#endif
