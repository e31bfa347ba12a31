/*
 * Swapping whole processes: roll out, roll in (the seed's slides 27-30).
 *
 * When a process needs a partition and none fits (a program loading, or a
 * swapped-out process the scheduler has picked), the OS first compacts if
 * allowed, then rolls out resident processes to the backing store -- lowest
 * priority first (--priority, per program; higher stays), and among equals
 * the one dispatched most recently, since round-robin will reach it last --
 * until a hole fits.  Each transfer costs timing_disk_cycles(partition size)
 * (the seed's 100 MB at 50 MB/s: 2 s out and 2 s in) and is an EV_SWAP_OUT
 * or EV_SWAP_IN event.  The registers stay in the process table and the
 * memory image in the backing store, so the process resumes where it was.
 *
 * Where it comes back depends on the binding (slide 28): under base/limit
 * anywhere (the base register changes); under software relocation to the
 * same place, rolling out whoever is there now (--swap-back same), or at a
 * new place with its relocated words and PC patched again (--swap-back
 * relocate, reloc_patch_cycles per relocation; addresses the program
 * computed into registers or memory still point at the old place).
 */
#include <stdlib.h>
#include <string.h>

#include "mp_internal.h"

static bool resident(os_t *os, int pid)
{
    return partitions_base_of(&os->parts, pid) != UINT32_MAX;
}

/* Is a the better victim than b (b may be 0: none yet)? */
static bool better_victim(os_t *os, int a, int b)
{
    if (!b)
        return true;
    int pa = mp_priority(os, a), pb = mp_priority(os, b);
    if (pa != pb)
        return pa < pb;
    uint64_t ra = mp_proc(os, a)->last_run, rb = mp_proc(os, b)->last_run;
    return ra != rb ? ra > rb : a > b;
}

/* The resident live process to roll out for `for_pid`, or 0. */
static int pick_victim(os_t *os, int for_pid)
{
    int victim = 0;
    for (int pid = 1; pid <= os->nprocs; pid++) {
        process_t *p = os_process(os, pid);
        if (pid == for_pid || p->state != PROC_READY || !resident(os, pid) || !mp_proc(os, pid))
            continue;
        if (better_victim(os, pid, victim))
            victim = pid;
    }
    return victim;
}

static void roll_out(os_t *os, int pid)
{
    process_t *p = os_process(os, pid);
    mp_proc_t *mp = mp_proc(os, pid);
    struct mp_state *s = mp_state(os);
    if (os->current == pid)
        mp_park_current(os);
    free(mp->image);
    mp->image = malloc(p->size ? p->size : 1);
    if (!mp->image)
        abort(); /* host out of memory: nothing sensible to model */
    machine_phys_read(os->m, p->base, mp->image, p->size);
    mp->image_size = p->size;
    mp->home = p->base;
    mp->swapped = true;
    partitions_free(&os->parts, p->base);
    uint64_t cycles = timing_disk_cycles(&os->m->cfg.timing, p->size);
    os_charge(os, EV_SWAP_OUT, pid, cycles, (uint32_t)pid, p->size, p->base, (uint32_t)mp_priority(os, pid));
    s->swap_outs++;
    s->swap_bytes += p->size;
    s->swap_cycles += cycles;
    mp_log(os, "cycle %llu: rolled out process %d (%s, priority %d): %u bytes from 0x%x, %llu cycles",
           (unsigned long long)machine_cycles(os->m), pid, p->name, mp_priority(os, pid), p->size, p->base,
           (unsigned long long)cycles);
}

bool mp_may_swap(os_t *os, uint32_t demand)
{
    if (!os->cfg.mp.swap)
        return false;
    uint64_t requested, allocated;
    partitions_usage(&os->parts, &requested, &allocated);
    return allocated + demand > os->cfg.mp.swap_threshold;
}

uint32_t os_make_room(os_t *os, uint32_t size, int pid, char *err, size_t errlen)
{
    mp_park_current(os);
    for (;;) {
        uint32_t base = partitions_alloc(&os->parts, size, pid);
        if (base != UINT32_MAX)
            return base;
        if (os_compact_for(os, size))
            continue;
        int victim = mp_may_swap(os, size) ? pick_victim(os, pid) : 0;
        if (!victim)
            break;
        roll_out(os, victim);
    }
    uint32_t free_bytes, largest;
    partitions_holes(&os->parts, &free_bytes, &largest);
    snprintf(err, errlen, "no hole of %u bytes left in memory for this process (%u bytes free, the largest hole %u)%s",
             size, free_bytes, largest,
             os->cfg.mp.compact && os->cfg.mode != OS_HWRELOC && free_bytes >= size
                 ? "; compaction is impossible: software-relocated processes cannot be moved"
                 : "");
    return UINT32_MAX;
}

bool mp_reclaim_range(os_t *os, int pid, uint32_t base, uint32_t size)
{
    while (!partitions_alloc_at(&os->parts, base, size, pid)) {
        int occupant = 0;
        for (uint32_t a = base; a < base + size && !occupant; a += os->parts.granule)
            if (partitions_owner(&os->parts, a) > 0)
                occupant = partitions_owner(&os->parts, a);
        if (!occupant || occupant == pid)
            return false;
        roll_out(os, occupant);
    }
    return true;
}

/* Software relocation, same place: roll out whoever holds [home, home+size). */
static bool reclaim_home(os_t *os, process_t *p, uint32_t home) { return mp_reclaim_range(os, p->pid, home, p->size); }

/* Choose where p comes back; UINT32_MAX if nowhere (cannot happen when p
 * once fitted, since every other process can be rolled out). */
static uint32_t place_rolled_in(os_t *os, process_t *p, uint32_t home)
{
    char err[256];
    if (os->cfg.mode == OS_SWRELOC && os->cfg.mp.swap_back == SWAPBACK_SAME)
        return reclaim_home(os, p, home) ? home : UINT32_MAX;
    if (partitions_alloc_at(&os->parts, home, p->size, p->pid))
        return home; /* its old place is free: no need to move it */
    return os_make_room(os, p->size, p->pid, err, sizeof err);
}

static void roll_in(os_t *os, process_t *p)
{
    struct mp_state *s = mp_state(os);
    mp_park_current(os);
    uint32_t base = place_rolled_in(os, p, mp_proc(os, p->pid)->home);
    mp_proc_t *mp = mp_proc(os, p->pid);
    if (base == UINT32_MAX) { /* it holds no memory, so nothing to free */
        p->state = PROC_KILLED;
        p->exit_code = -1;
        snprintf(p->fault_msg, sizeof p->fault_msg, "process %d (%s) stopped: no room to roll it back in", p->pid,
                 p->name);
        return;
    }
    machine_phys_write(os->m, base, mp->image, mp->image_size);
    uint64_t cycles = timing_disk_cycles(&os->m->cfg.timing, p->size);
    os_charge(os, EV_SWAP_IN, p->pid, cycles, (uint32_t)p->pid, p->size, base, 0);
    s->swap_ins++;
    s->swap_bytes += p->size;
    s->swap_cycles += cycles;
    mp->swapped = false;
    free(mp->image);
    mp->image = NULL;
    const char *how = base == mp->home ? "at its old place" : "at a new place";
    if (os->cfg.mode == OS_HWRELOC && base != mp->home)
        how = "at a new place: the OS changed its base register";
    else if (os->cfg.mode == OS_SWRELOC && base != mp->home) {
        os_repatch_relocations(os, p, base);
        s->repatches++;
        how = os->move_note;
    }
    p->base = base;
    p->mmu.base = base;
    mp_log(os, "cycle %llu: rolled in process %d (%s) at 0x%x (was 0x%x), %llu cycles, %s",
           (unsigned long long)machine_cycles(os->m), p->pid, p->name, base, mp->home, (unsigned long long)cycles,
           how);
}

void os_ensure_resident(os_t *os, process_t *p)
{
    mp_proc_t *mp = os->mp ? mp_proc(os, p->pid) : NULL;
    if (mp && mp->swapped)
        roll_in(os, p);
    if (os->mp || os->cfg.mp.swap || os->cfg.mp.show_partitions)
        os_mp_note_dispatch(os, p);
}

bool os_mp_swapped_out(os_t *os, int pid, uint32_t *home, uint32_t *bytes)
{
    const process_t *p = os_process(os, pid);
    if (!os->mp || !p || pid > os->mp->cap || p->state == PROC_EXITED || !os->mp->procs[pid - 1].swapped)
        return false;
    *home = os->mp->procs[pid - 1].home;
    *bytes = os->mp->procs[pid - 1].image_size;
    return true;
}
