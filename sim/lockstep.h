/*
 * A machine one instruction at a time, for lockstep co-simulation.
 *
 * lockstep_wrap puts a thin machine in front of an engine's: every call goes
 * through to the real machine unchanged, except that a run is carried out as
 * single steps, and after each one the retirement record goes to a callback.
 * An OS built on the wrapper (session_open_wrapped) runs its unmodified
 * os_run, so its scheduling, trap service, paging and accounting are exactly
 * those of a normal run: the clock, the output and the statistics come out
 * the same, because machine_step and machine_run have the same effect.
 * cli/cmd_cosim.c runs two such OS instances as coroutines and compares what
 * each callback receives.  The OS is used only through machine_t, its
 * public interface to the hardware.
 */
#ifndef MMULAB_LOCKSTEP_H
#define MMULAB_LOCKSTEP_H

#include "../machine/machine.h"

/* Called after every instruction the wrapped machine runs (or traps on). */
typedef void (*lockstep_fn)(void *ctx, const retire_t *rt, stop_t stop);

/* A machine forwarding to inner that steps and calls fn; NULL if out of
 * memory.  machine_destroy on it frees the wrapper only: inner stays its
 * owner's. */
machine_t *lockstep_wrap(machine_t *inner, lockstep_fn fn, void *ctx);

#endif
