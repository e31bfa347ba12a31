/*
 * Processes making processes: fork (with copy-on-write under paging, by
 * copying the partition under base/limit), and wait.  fork gives the child a copy of the parent: its registers (R0 = 0 in
 * the child, the child's pid in the parent), its image, region table, open
 * files, mappings and libraries, and page tables that map the parent's
 * resident frames once more, write-protected in both (os/pager.c,
 * pager_fork): the first write by either side to such a page copies it
 * (cow_fault), so frames are shared until someone writes.  Pages of shared
 * mappings (MAP_SHARED files, shared memory) stay shared and writable.
 * Under base/limit the child's partition is a copy of the parent's; under
 * segmentation the child's table holds copies of the parent's private
 * segments and the same blocks of its code and shared memory (os/seg_share.c); under
 * software relocation and on the bare machine fork is refused (-ENODEV):
 * a copy's relocated addresses would still point into the parent.
 *
 * wait(pid, status) returns a child that has ended (pid -1: any), writing
 * its exit code to *status; while the child still runs, the call is
 * retried: the parent's PC goes back to its SYSCALL and the scheduler runs
 * someone else, so a waiting parent costs a system call per time it is
 * scheduled.  A process without such a child gets -ECHILD.
 */
#include <stdlib.h>
#include <string.h>

#include "services.h"
#include "syscall.h"


/* Base/limit: the child gets a partition of its own holding a copy of the
 * parent's (the seed's fork before paging: every byte copied, charged as
 * loading); the program runs unchanged at its logical addresses. */
static bool copy_partition(os_t *os, process_t *parent, process_t *child)
{
    uint32_t base = partitions_alloc(&os->parts, parent->size, child->pid);
    uint8_t *bytes = base == UINT32_MAX ? NULL : malloc(parent->size);
    if (!bytes) {
        if (base != UINT32_MAX)
            partitions_free(&os->parts, base);
        return false;
    }
    machine_phys_read(os->m, parent->base, bytes, parent->size);
    machine_phys_write(os->m, base, bytes, parent->size);
    free(bytes);
    child->base = base;
    child->mmu.base = base;
    uint64_t words = parent->size / 4;
    os_charge(os, EV_LOAD, child->pid, words * os->m->cfg.timing.load_word_cycles, base, parent->size,
              (uint32_t)words, 0);
    return true;
}

/* Copy what the child inherits; false if out of memory. */
static bool inherit(os_t *os, process_t *parent, process_t *child, const cpu_state_t *cpu)
{
    child->cpu = *cpu;
    child->cpu.r[0] = 0;
    child->mmu = parent->mmu;
    child->base = parent->base, child->size = parent->size, child->image_end = parent->image_end;
    child->requested = parent->requested;
    memcpy(child->regions, parent->regions, sizeof child->regions);
    child->nregions = parent->nregions;
    child->brk = parent->brk, child->stack_top = parent->stack_top, child->frame_quota = parent->frame_quota;
    if (!exe_clone(&child->exe, &parent->exe))
        return false;
    struct proc_services *ps = services_of(parent);
    if (!ps || !(child->svc = services_fork(ps)))
        return false;
    child->svc->parent = parent->pid;
    if (os->cfg.mode == OS_SEG)
        return segments_fork(os, parent, child); /* os/seg_share.c */
    return os->pager ? pager_fork(os, parent, child) : copy_partition(os, parent, child);
}

static uint32_t sys_fork(os_t *os, process_t *p, const cpu_state_t *cpu)
{
    if (!os->pager && os->cfg.mode != OS_HWRELOC && os->cfg.mode != OS_SEG)
        return err_code(E_NODEV); /* a copy would hold the parent's physical addresses */
    if (os_process_count(os) >= OS_MAX_PROCESSES)
        return err_code(E_AGAIN);
    int parent_pid = p->pid;
    char name[64];
    memcpy(name, p->name, sizeof name);
    process_t *child = new_process(os, name); /* the table may move: p is stale now */
    process_t *parent = os_process(os, parent_pid);
    if (!child)
        return err_code(E_NOMEM);
    if (!inherit(os, parent, child, cpu)) {
        os_exit_process(os, child, -1);
        return err_code(E_NOMEM);
    }
    ev_emit(os->m->bus, EV_PROC_START, child->pid, machine_cycles(os->m), 0, child->mmu.ptbr, 0, child->cpu.pc, 0);
    return (uint32_t)child->pid;
}

static uint32_t sys_wait(os_t *os, process_t *p, cpu_state_t *cpu, uint32_t pid, uint32_t status)
{
    bool any = false;
    for (int i = 1; i <= os_process_count(os); i++) {
        process_t *c = os_process(os, i);
        if (!c->svc || c->svc->parent != p->pid || c->svc->reaped || (pid != UINT32_MAX && (uint32_t)c->pid != pid))
            continue;
        any = true;
        if (c->state == PROC_READY)
            continue;
        int32_t code = c->exit_code;
        if (status && !os_copy_to_user(os, p, status, &code, 4))
            return err_code(E_FAULT);
        c->svc->reaped = true;
        return (uint32_t)c->pid;
    }
    if (!any)
        return err_code(E_CHILD);
    cpu->pc -= 4; /* not yet: run the SYSCALL again when scheduled next */
    return 0;
}

bool process_syscall(os_t *os, process_t *p, uint32_t number, cpu_state_t *cpu, uint32_t *result)
{
    switch (number) {
    case SYS_FORK: *result = sys_fork(os, p, cpu); return true;
    case SYS_WAIT: *result = sys_wait(os, p, cpu, cpu->r[1], cpu->r[2]); return true;
    default: return false;
    }
}
