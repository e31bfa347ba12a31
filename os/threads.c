/*
 * Threads (paged mode): several flows of control in one address space, each
 * with a stack region of its own (the seed's slide 38: "Thread stacks.  Each
 * thread corresponds to a region.  Same characteristics as process stack").
 *
 * A thread is an entry of the process table with its own pid (its thread
 * id), registers, statistics and place in the round-robin, and `leader`
 * naming the process whose address space it runs in: same page tables and
 * ASID, same region table, same files, mappings and libraries, all held by
 * the leader's entry and reached through os_space().  Its vm, regions and
 * svc stay empty, so everything that frees memory still frees it once.
 *
 * thread_create(entry, arg) adds a REGION_THREAD_STACK region to the
 * leader's table -- private, RW, zero-filled, one page to begin with,
 * growing down on demand to a limit like the process stack, below a guard
 * page -- in a free part of the address space under the process stack's
 * growth limit (where mmap puts mappings), and a new entry with PC = entry,
 * R1 = arg, SP = the region's end.  thread_exit(code) ends the calling
 * thread; the last thread of a process to end ends the process (a leader
 * that calls thread_exit while its threads run is parked: off the
 * round-robin, its address space kept).  thread_join(tid) returns the code
 * of a thread of the same process that has ended and frees its stack
 * region; while the thread runs the call is retried like wait (os/fork.c).
 * exit(code) from any thread, or a fault in any thread, ends the whole
 * process (os/kernel.c); HALT in a thread is thread_exit(0).
 *
 * Outside paged mode there is one address space per partition and no
 * region table to put a stack in: thread_create returns -ENODEV.
 */
#include <string.h>

#include "os_internal.h"
#include "services.h"
#include "syscall.h"

#define THREAD_STACK_MAX_BYTES (64u << 10) /* how far a thread stack may grow */

/* Add a thread stack to leader's regions: its end, or 0 if there is no room. */
static uint32_t new_stack(os_t *os, process_t *leader)
{
    uint32_t page = page_size_of(os);
    if (leader->nregions == OS_MAX_REGIONS)
        return 0;
    for (uint32_t size = THREAD_STACK_MAX_BYTES; size >= 2 * page; size /= 2) {
        uint32_t floor = choose_address(os, leader, size); /* a guard page above it */
        if (!floor)
            continue;
        uint32_t end = floor + size;
        leader->regions[leader->nregions++] =
            (os_region_t){REGION_THREAD_STACK, end - page, end, PTE_R | PTE_W, false, floor};
        if (pager_map_range(os, leader, end - page, end))
            return end;
        leader->nregions--;
        return 0;
    }
    return 0;
}

static uint32_t sys_thread_create(os_t *os, process_t *p, uint32_t entry, uint32_t arg)
{
    if (!os->pager)
        return err_code(E_NODEV); /* no region table, no room for a second stack */
    int leader_pid = os_space(os, p)->pid;
    uint32_t end = new_stack(os, os_space(os, p));
    if (!end)
        return err_code(E_NOMEM);
    char name[64];
    memcpy(name, p->name, sizeof name);
    process_t *t = new_process(os, name); /* the table may move: p is stale now */
    process_t *leader = os_process(os, leader_pid);
    if (!t) {
        pager_unmap_range(os, leader, end - page_size_of(os), end);
        leader->nregions--;
        return err_code(E_NOMEM);
    }
    t->leader = leader_pid;
    t->tstack_end = end;
    t->mmu = leader->mmu; /* the same page tables and ASID */
    t->base = leader->base;
    t->image_end = leader->image_end;
    t->stack_top = end;
    t->cpu.pc = entry;
    t->cpu.r[1] = arg;
    t->cpu.r[ISA_REG_SP] = end;
    t->cpu.priv = MODE_USER;
    leader->threads++;
    os->threads_made = true;
    ev_emit(os->m->bus, EV_PROC_START, t->pid, machine_cycles(os->m), 0, t->mmu.ptbr, 0, entry, 0);
    return (uint32_t)t->pid;
}

void threads_exit(os_t *os, process_t *p, int code)
{
    process_t *leader = os_space(os, p);
    if (p == leader) {
        if (!p->threads) {
            os_exit_process(os, p, code);
            return;
        }
        p->parked = true; /* its threads carry on in its address space */
        p->exit_code = code;
        return;
    }
    os_end_thread(os, p, code);
    if (--leader->threads == 0 && leader->parked)
        os_exit_process(os, leader, leader->exit_code);
}

/* Remove the thread stack that ends at `end` from leader's space. */
static void free_stack(os_t *os, process_t *leader, uint32_t end)
{
    for (int i = 0; i < leader->nregions; i++) {
        os_region_t *r = &leader->regions[i];
        if (r->kind == REGION_THREAD_STACK && r->end == end) {
            pager_unmap_range(os, leader, r->start, r->end);
            leader->regions[i] = leader->regions[--leader->nregions];
            return;
        }
    }
}

static uint32_t sys_thread_join(os_t *os, process_t *p, cpu_state_t *cpu, uint32_t tid)
{
    process_t *leader = os_space(os, p);
    process_t *t = tid <= (uint32_t)os_process_count(os) ? os_process(os, (int)tid) : NULL;
    if (t == p)
        return err_code(E_DEADLK);
    if (!t || t->leader != leader->pid || t->joined)
        return err_code(E_SRCH); /* not a thread of this process, or joined already */
    if (t->state == PROC_READY) {
        cpu->pc -= 4; /* not yet: run the SYSCALL again when scheduled next */
        return 0;
    }
    t->joined = true;
    free_stack(os, leader, t->tstack_end);
    return (uint32_t)t->exit_code;
}

bool threads_syscall(os_t *os, process_t *p, uint32_t number, cpu_state_t *cpu, uint32_t *result)
{
    switch (number) {
    case SYS_THREAD_CREATE: *result = sys_thread_create(os, p, cpu->r[1], cpu->r[2]); return true;
    case SYS_THREAD_EXIT:
        *result = 0;
        if (!os->pager) {
            *result = err_code(E_NODEV);
            return true;
        }
        machine_set_state(os->m, cpu); /* the registers it ends with */
        threads_exit(os, p, (int)cpu->r[1]);
        return true;
    case SYS_THREAD_JOIN:
        *result = os->pager ? sys_thread_join(os, p, cpu, cpu->r[1]) : err_code(E_NODEV);
        return true;
    default: return false;
    }
}
