/*
 * Trace files: an observer of the event stream that writes each event as a
 * CSV row (.csv) or as a Chrome/Perfetto trace event (.json), one timestamp
 * unit per modeled cycle, each file opening with the run's configuration
 * (sim/runconfig.h).  docs/outputs.md describes both formats.
 *
 * CSV: one row per event, sorted by cycle (events are held until the file is
 * closed: the OS reports a page fault when its handler ends, a process's
 * running slice when it leaves the CPU).  Columns: cycle, duration, event,
 * category, pid, then one column per argument name of the event table
 * (empty where an event has no such argument), then config_key and
 * config_value, filled only on the rows of event "config" at cycle 0.
 *
 * JSON: the Trace Event Format; a lane (tid) per category within the process
 * that caused the event, names as metadata events, the configuration and the
 * clock in otherData.
 */
#ifndef MMULAB_TRACE_H
#define MMULAB_TRACE_H

#include <stddef.h>

#include "../machine/events.h"
#include "../sim/runconfig.h"

typedef struct trace trace_t;

/* Open by extension (.csv or .json); NULL with a message in err otherwise.
 * config (kept, not copied: it must outlive the trace) may be NULL. */
trace_t *trace_open(const char *path, const run_config_t *config, char *err, size_t errlen);
/* The observer to subscribe with evbus_subscribe(bus, trace_observe, trace). */
void trace_observe(void *trace, const event_t *ev);
/* The name shown for a process's lanes (JSON); call before trace_close. */
void trace_name_process(trace_t *t, int pid, const char *name);
/* Finish the file; returns false if writing failed. */
bool trace_close(trace_t *t);

/* The CSV columns, shared by the writer and the readers (the viewer's
 * --replay): the fixed ones, the argument columns, the configuration's. */
enum { TRACE_CSV_FIXED = 5 }; /* cycle, duration, event, category, pid */
/* Every column name in order; returns the count (at most max). */
int trace_csv_columns(const char **names, int max);
/* The column (index into trace_csv_columns) of argument i (0..3) of kind,
 * or -1 when the kind has no such argument. */
int trace_csv_arg_column(ev_kind_t kind, int i);

#endif
