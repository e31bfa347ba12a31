/*
 * The viewer's driver of a live run: the machine and the OS on top of it,
 * moved forward one instruction, one event or a number of cycles at a time,
 * using only the public APIs of os/os.h, machine/machine.h and sim/session.h.
 *
 * One session is kept live and moved forward with os_run_until from where
 * it is; a move backward (or a reset) opens the session afresh and runs it
 * from the start (the model is deterministic).  Over the last stretch of
 * each move the OS's retire observer (os_set_retire_observer) gives the
 * record of every instruction run (the accesses, the translation of each,
 * TLB hit or miss, walk steps) for the flashes and the translation panel;
 * the last VM_RING are kept.
 * docs/viewer.md, "How the live mode moves", says more.
 */
#ifndef MMULAB_VIEWER_VM_H
#define MMULAB_VIEWER_VM_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "../machine/machine.h"
#include "../os/os.h"
#include "../sim/options.h"
#include "../sim/session.h"
#include "evlog.h"

/* The live run. */
typedef struct {
    session_t s;       /* opened exactly as `mmulab run` opens one */
    machine_t *m;      /* s.m and s.os, for short                   */
    os_t *os;
    evlog_t log;
    bool started;  /* the OS has been run (a process dispatched)           */
    bool finished; /* no process is left to run (or the user's limit hit)  */
} vm_world_t;

#define VM_RING 256 /* retirement records kept for flashes and the panels */

typedef struct {
    retire_t rt;
    int pid;
} vm_retired_t;

typedef struct {
    run_options_t opt;
    evlog_t load_events; /* what loading the programs emits             */
    FILE *console;     /* the guests' output (discarded: a replay prints it again) */
    vm_world_t *world; /* the displayed state                                 */
    uint64_t load_end; /* the clock once every program is loaded              */
    vm_retired_t ring[VM_RING];
    unsigned ring_next, ring_count;
    uint64_t records_from; /* cycle where the records of the last move began  */
    unsigned replays;      /* times the run was opened afresh (reset, backward) */
} vm_t;

/* Open the run (assembling or reading the programs) at the end of the
 * loading, no process dispatched.  Returns 0, or 2 after printing why to err. */
int vm_open(vm_t *vm, const run_options_t *opt, FILE *err);
void vm_close(vm_t *vm);

/* Back to the state right after loading. false only if out of memory. */
bool vm_reset(vm_t *vm);
/* Move to the first instruction boundary at or after `cycle` (backward:
 * from the start again).  false only if out of memory. */
bool vm_advance_to(vm_t *vm, uint64_t cycle);
/* One instruction of the current process (or the OS action due next). */
bool vm_step(vm_t *vm);
/* Run until the next TLB miss, trap, page fault, context switch, swap or
 * move, and stop right after it; to the end if there is none. */
bool vm_run_to_event(vm_t *vm);

uint64_t vm_now(const vm_t *vm);
bool vm_finished(const vm_t *vm);
/* The process on the CPU (or the one that was last), 0 before the first. */
int vm_current_pid(const vm_t *vm);
/* True if the process can still run. */
bool vm_process_alive(const vm_t *vm, const process_t *p);

/* The i-th most recent retirement record (0 = newest), or NULL. */
const vm_retired_t *vm_retired(const vm_t *vm, unsigned i);

#endif
