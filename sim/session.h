/*
 * A session: one machine (C model or RTL), the OS on top of it, the
 * observers on its event bus, and the programs loaded as processes.  Every
 * front end (run, compare, cosim, the viewer) goes through it.
 */
#ifndef MMULAB_SESSION_H
#define MMULAB_SESSION_H

#include <stdio.h>

#include "../obs/breakdown.h"
#include "../obs/commitlog.h"
#include "../obs/explain.h"
#include "../obs/trace.h"
#include "../os/os.h"
#include "expect.h"
#include "options.h"
#include "runconfig.h"

typedef struct {
    run_options_t opt;
    evbus_t bus;
    machine_t *m;            /* the engine                                   */
    machine_t *wrapper;      /* what the OS runs on, if not m (session_open_wrapped) */
    os_t *os;
    trace_t *trace;
    commit_log_t *log;       /* --log                                        */
    run_config_t config;     /* what every output records (sim/runconfig.h) */
    explainer_t *explainer;  /* --explain                                    */
    char *lib_dirs;          /* the OS's library search path (library_dirs) */
    FILE *mem_trace;         /* --mem-trace                                  */
    expect_t expects[MAX_PROGRAMS];
    /* --audit: the stores that landed outside their process */
    uint64_t strays;
    event_t first_strays[8];
} session_t;

/* Read a program: an ELF32 executable, or assembly source (assembled in
 * memory).  Returns 0, or 2 after printing the errors to err. */
int program_load(const char *path, exe_t *out, FILE *err);

/* Create the engine named in the options ("c" or "rtl"). */
machine_t *engine_create(const char *engine, const machine_config_t *cfg, evbus_t *bus, char *err, size_t errlen);

/* Whether this binary has the Verilated RTL engine linked in (build/mmulab-rtl
 * has, build/mmulab has not). */
bool engine_rtl_linked(void);

/* Build the machine and OS and load every program.  0, or 2 after an error. */
int session_open(session_t *s, const run_options_t *opt, FILE *err);

/* The same, with the OS built on wrap(engine, ctx) (sim/lockstep.h) instead
 * of the engine itself; the session destroys the wrapper, then the engine. */
typedef machine_t *(*machine_wrap_fn)(machine_t *engine, void *ctx);
int session_open_wrapped(session_t *s, const run_options_t *opt, machine_wrap_fn wrap, void *ctx, FILE *err);
/* Run to the end; returns 0 if every process exited normally, 1 otherwise. */
int session_run(session_t *s);
/* Fault messages and summary (stderr), stats files, --dump (stdout, last).
 * Returns the exit status, which --check may turn to 1. */
int session_report(session_t *s, int status, FILE *out, FILE *err);
void session_close(session_t *s);
/* The clock split by cause (obs/breakdown.h): the OS's cycles from its
 * tally (os_cycle_tally), the hardware's from the machine's counters. */
void session_breakdown(session_t *s, cycle_breakdown_t *b);

#endif
