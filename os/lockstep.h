/*
 * The OS one instruction at a time, for lockstep co-simulation.
 *
 * os_run (kernel.c) runs each time slice with machine_run; the lockstep
 * driver does the same scheduling, switching and trap service, but runs the
 * slice with machine_step so that a caller can compare every retired
 * instruction of two machines, each under its own OS.  Given the same
 * machine behaviour it produces the same clock, output and statistics as
 * os_run.  Not supported here: a mid-run move (--move), which os_run does
 * between slices; os_lockstep_init refuses a configuration that asks for it.
 */
#ifndef MMULAB_LOCKSTEP_H
#define MMULAB_LOCKSTEP_H

#include <stdbool.h>

#include "os.h"

typedef struct {
    os_t *os;
    process_t *p;    /* the process whose slice is running, NULL between slices */
    uint64_t limit;  /* the clock at which the slice ends                       */
    bool finished;
    int status;      /* as os_run returns it, once finished                     */
} os_lockstep_t;

/* False (and why in err) if the configuration cannot be stepped. */
bool os_lockstep_init(os_lockstep_t *ls, os_t *os, char *err, size_t errlen);

/*
 * Schedule, switch and serve traps as os_run does until the machine has run
 * one instruction (rt filled by machine_step; a trap it took has been served
 * when this returns) -- true -- or every process has ended (false, and
 * ls->status holds the run's exit status).
 */
bool os_lockstep_step(os_lockstep_t *ls, retire_t *rt);

#endif
