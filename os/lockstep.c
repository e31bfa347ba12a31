/*
 * The lockstep driver of the OS (see lockstep.h).  The scheduling, switching
 * and trap service below follow kernel.c's static helpers line for line;
 * kernel.c belongs to the OS engineers, so rather than reach into it this
 * file keeps its own copy, and tests/rtl/run.sh checks that a lockstep run
 * and os_run agree on the clock and the output of every program.
 */
#include "lockstep.h"

#include <inttypes.h>
#include <string.h>

#include "os_internal.h"

static void leave_cpu(os_t *os, process_t *p)
{
    if (os->current == p->pid) {
        os_account(os, p);
        machine_get_state(os->m, &p->cpu);
        os->current = 0;
    }
}

static process_t *next_ready(os_t *os)
{
    for (int k = 0; k < os->nprocs; k++) {
        int i = (os->rr_cursor + k) % os->nprocs;
        if (os->procs[i].state == PROC_READY) {
            os->rr_cursor = (i + 1) % os->nprocs;
            return &os->procs[i];
        }
    }
    return NULL;
}

static void switch_to(os_t *os, process_t *next)
{
    if (os->current == next->pid)
        return;
    process_t *prev = os_process(os, os->current);
    if (prev)
        leave_cpu(os, prev);
    bool first_dispatch = prev == NULL && machine_counters(os->m)->instructions == 0;
    if (!first_dispatch) {
        os_charge(os, EV_CTX_SWITCH, next->pid, os->m->cfg.timing.ctx_switch_cycles, prev ? (uint32_t)prev->pid : 0,
                  (uint32_t)next->pid, 0, 0);
        next->st.context_switches++;
    }
    machine_set_state(os->m, &next->cpu);
    machine_mmu_set(os->m, &next->mmu);
    next->snap = *machine_counters(os->m);
    next->snap_cycles = machine_cycles(os->m);
    os->current = next->pid;
}

static void serve_trap(os_t *os, process_t *p)
{
    const trap_t *t = machine_trap(os->m);
    ev_emit(os->m->bus, EV_TRAP, p->pid, machine_cycles(os->m), 0, t->cause, t->pc, t->vaddr, t->paddr);
    switch (t->cause) {
    case TRAP_SYSCALL:
        os_syscall(os, p, t);
        break;
    case TRAP_HALT:
        os_exit_process(os, p, 0);
        break;
    default: {
        trap_t copy = *t;
        os_kill_process(os, p, &copy);
        break;
    }
    }
}

static uint64_t slice_end(const os_t *os, uint64_t now)
{
    uint64_t end = now + os->cfg.quantum;
    if (os->cfg.max_cycles && end > os->cfg.max_cycles)
        end = os->cfg.max_cycles;
    return end;
}

static void stop_at_cycle_limit(os_t *os)
{
    for (int i = 0; i < os->nprocs; i++) {
        process_t *p = &os->procs[i];
        if (p->state != PROC_READY)
            continue;
        leave_cpu(os, p);
        p->state = PROC_KILLED;
        p->exit_code = -1;
        snprintf(p->fault_msg, sizeof p->fault_msg,
                 "process %d (%s) stopped: cycle limit of %" PRIu64 " cycles reached at pc 0x%08" PRIx32, p->pid,
                 p->name, os->cfg.max_cycles, p->cpu.pc);
        os_capture_dump(os, p);
    }
}

static void finish(os_lockstep_t *ls)
{
    os_t *os = ls->os;
    process_t *cur = os_process(os, os->current);
    if (cur)
        leave_cpu(os, cur);
    ls->status = 0;
    for (int i = 0; i < os->nprocs; i++)
        if (os->procs[i].state == PROC_KILLED)
            ls->status = 1;
    ls->finished = true;
    ls->p = NULL;
}

bool os_lockstep_init(os_lockstep_t *ls, os_t *os, char *err, size_t errlen)
{
    memset(ls, 0, sizeof *ls);
    ls->os = os;
    if (os->cfg.move_at_cycle) {
        snprintf(err, errlen, "a mid-run move (--move) is not supported in lockstep");
        return false;
    }
    return true;
}

bool os_lockstep_step(os_lockstep_t *ls, retire_t *rt)
{
    os_t *os = ls->os;
    while (!ls->finished) {
        if (!ls->p) {
            process_t *p = next_ready(os);
            if (!p) {
                finish(ls);
                break;
            }
            if (os->cfg.max_cycles && machine_cycles(os->m) >= os->cfg.max_cycles) {
                stop_at_cycle_limit(os);
                finish(ls);
                break;
            }
            switch_to(os, p);
            ls->p = p;
            ls->limit = slice_end(os, machine_cycles(os->m));
        }
        if (machine_cycles(os->m) >= ls->limit) {
            ls->p = NULL;
            continue;
        }
        if (machine_step(os->m, rt) == STOP_TRAP) {
            serve_trap(os, ls->p);
            ls->p = NULL;
        }
        return true;
    }
    return false;
}
