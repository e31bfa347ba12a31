/*
 * Trace files: an observer of the event stream that writes each event as a
 * CSV row (.csv) or as a Chrome/Perfetto trace event (.json), one timestamp
 * unit per modeled cycle.
 */
#ifndef MMULAB_TRACE_H
#define MMULAB_TRACE_H

#include <stddef.h>

#include "../machine/events.h"

typedef struct trace trace_t;

/* Open by extension (.csv or .json); NULL with a message in err otherwise. */
trace_t *trace_open(const char *path, char *err, size_t errlen);
/* The observer to subscribe with evbus_subscribe(bus, trace_observe, trace). */
void trace_observe(void *trace, const event_t *ev);
/* Finish the file; returns false if writing failed. */
bool trace_close(trace_t *t);

#endif
