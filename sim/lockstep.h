/*
 * The OS one instruction at a time, for lockstep co-simulation.
 *
 * os_lockstep_wrap puts a thin machine in front of the OS's own: every call
 * goes through to the real machine unchanged, except that a run is carried
 * out as single steps, and after each one the retirement record goes to a
 * callback.  The OS keeps running its unmodified os_run (kernel.c) on top,
 * so its scheduling, trap service, paging and accounting are exactly those of
 * a normal run: the clock, the output and the statistics come out the same,
 * because machine_step and machine_run have the same effect.  cmd_cosim.c
 * runs two such OS instances as coroutines and compares what each callback
 * receives.
 */
#ifndef MMULAB_LOCKSTEP_H
#define MMULAB_LOCKSTEP_H

#include "os.h"

/* Called after every instruction the wrapped machine runs (or traps on). */
typedef void (*lockstep_fn)(void *ctx, const retire_t *rt, stop_t stop);

/* Route the OS's machine through a stepping wrapper that calls fn; false if
 * out of memory.  os_lockstep_unwrap restores the machine and frees it. */
bool os_lockstep_wrap(os_t *os, lockstep_fn fn, void *ctx);
void os_lockstep_unwrap(os_t *os);

#endif
