/*
 * Working sets, load control and device waits: the scheduler's side of
 * thrashing (the seed's slides 57-60).
 *
 * Working set.  The MMU stamps every frame with a global reference count on
 * each access (machine_frame_refs).  When a process leaves the CPU its most
 * recent references are the latest of all, so the frames it owns with a
 * stamp among the last --ws-window references are its working set over its
 * own last ws_window references -- exactly, when its slice made at least
 * that many; of the pages still resident, so a thrashing process's working
 * set shows as the frames it manages to keep.  Page-fault frequency is its
 * page faults per 1000 instructions.  Each sample is an EV_WS_SAMPLE event
 * (pages, the page faults of the slice just ended, the window), which the
 * viewer plots.
 *
 * Load control (--alloc ws).  Processes start suspended and are admitted one
 * at a time, lowest pid first, once every admitted process has been measured
 * and the newcomer's need (the mean of those measured) fits beside theirs in
 * the frames.  Before each dispatch the admitted processes' needs (each its
 * largest working set seen) are added up; while the sum exceeds the frames,
 * the lowest-priority, most recently admitted one is suspended (it is not
 * scheduled; global replacement reclaims its frames as they age).  The last
 * admitted process is never suspended.
 *
 * Device waits.  SYS_IOWAIT blocks the caller for the cycles it asks; the
 * scheduler passes over it until then and runs others, and when nobody can
 * run the CPU idles to the earliest wake-up (an EV_IDLE event, counted).
 */
#include <string.h>

#include "mp_internal.h"
#include "paging.h"

/* ---- working sets ---------------------------------------------------------- */

/* The working set of pid: its frames stamped among the last `window` references. */
static uint32_t measure(os_t *os, int pid, uint32_t window)
{
    frame_refs_t *fr = machine_frame_refs(os->m);
    if (!fr)
        return 0;
    uint64_t latest = 0;
    for (uint32_t f = 0; f < fr->nframes; f++)
        if (fr->stamp[f] > latest)
            latest = fr->stamp[f];
    uint64_t since = latest > window ? latest - window : 0;
    uint32_t n = 0;
    for (uint32_t f = 0; f < fr->nframes; f++)
        if (fr->stamp[f] > since && pager_owner(os, f << os->m->cfg.page_shift) == pid)
            n++;
    return n;
}

/* Sample the process that just ran (the CPU's current, before the switch). */
static void sample_leaving(os_t *os)
{
    process_t *p = os_process(os, os->current);
    mp_proc_t *mp = p ? mp_proc(os, p->pid) : NULL;
    if (!mp || !os->pager || !os->cfg.mp.ws_window || p->state != PROC_READY)
        return;
    mp->ws = measure(os, p->pid, os->cfg.mp.ws_window);
    uint64_t faults = p->st.page_faults - mp->faults_at_dispatch; /* in the slice it just had */
    ev_emit(os->m->bus, EV_WS_SAMPLE, p->pid, machine_cycles(os->m), 0, mp->ws, (uint32_t)faults,
            os->cfg.mp.ws_window, 0);
    mp->ws_whole = mp->ws_whole || faults == 0;
    mp->ws_sum += mp->ws;
    mp->ws_samples++;
    if (mp->ws > mp->ws_max)
        mp->ws_max = mp->ws;
}

/* ---- load control ---------------------------------------------------------- */

static uint32_t frames_for_users(const os_t *os)
{
    if (os->cfg.frames)
        return os->cfg.frames;
    return (os->m->cfg.mem_size - os->cfg.os_size) >> os->m->cfg.page_shift;
}

/* What a process needs: the largest working set it has shown (samples taken
 * while it thrashed would understate it: they count resident pages only),
 * or before any sample, the mean need of those measured. */
static uint32_t ws_estimate(os_t *os, int pid)
{
    mp_proc_t *mp = mp_proc(os, pid);
    if (mp->ws_samples)
        return mp->ws_max ? mp->ws_max : 1;
    uint64_t sum = 0, n = 0;
    for (int q = 1; q <= os->nprocs; q++) {
        mp_proc_t *other = mp_proc(os, q);
        if (other->ws_samples) {
            sum += other->ws_max;
            n++;
        }
    }
    return n ? (uint32_t)(sum / n) : 1;
}

static bool admitted(os_t *os, int pid)
{
    return os_process(os, pid)->state == PROC_READY && !mp_proc(os, pid)->suspended;
}

/* The admitted process to suspend: lowest priority, then most recently admitted. */
static int suspension_victim(os_t *os)
{
    int victim = 0;
    for (int pid = 1; pid <= os->nprocs; pid++)
        if (admitted(os, pid) && (!victim || mp_priority(os, pid) <= mp_priority(os, victim)))
            victim = pid;
    return victim;
}

/* The suspended process to admit next (lowest pid), or 0. */
static int next_to_admit(os_t *os)
{
    for (int pid = 1; pid <= os->nprocs; pid++)
        if (os_process(os, pid)->state == PROC_READY && mp_proc(os, pid)->suspended)
            return pid;
    return 0;
}

/*
 * Admission is gradual: everyone starts suspended, and one process is
 * admitted at a time, only once every admitted process has been measured
 * whole (a sample after a slice without page faults, when all its working
 * set was resident) and the newcomer's estimate fits beside their working
 * sets -- so the measurements that decide are taken while nobody thrashes.
 */
static void load_control(os_t *os)
{
    struct mp_state *s = mp_state(os);
    if (!s->admission_started) {
        for (int pid = 2; pid <= os->nprocs; pid++)
            mp_proc(os, pid)->suspended = true;
        s->admission_started = true;
    }
    uint64_t sum = 0;
    int active = 0;
    bool all_measured = true;
    for (int pid = 1; pid <= os->nprocs; pid++)
        if (admitted(os, pid)) {
            sum += ws_estimate(os, pid);
            active++;
            all_measured = all_measured && mp_proc(os, pid)->ws_whole;
        }
    uint32_t frames = frames_for_users(os);
    while (sum > frames && active > 1) {
        int victim = suspension_victim(os);
        sum -= ws_estimate(os, victim);
        active--;
        mp_proc(os, victim)->suspended = true;
        s->suspensions++;
    }
    int next = next_to_admit(os);
    if (next && (active == 0 || (all_measured && sum + ws_estimate(os, next) <= frames))) {
        mp_proc(os, next)->suspended = false;
        s->resumptions++;
    }
}

/* ---- device waits and idling ----------------------------------------------- */

uint32_t sys_iowait(os_t *os, process_t *p, uint32_t cycles)
{
    mp_proc_t *mp = mp_proc(os, p->pid);
    uint64_t now = machine_cycles(os->m);
    if (mp)
        mp->blocked_until = now + cycles;
    return (uint32_t)now;
}

static bool runnable(os_t *os, int pid, uint64_t now)
{
    mp_proc_t *mp = mp_proc(os, pid);
    return os_process(os, pid)->state == PROC_READY && !mp->suspended && mp->blocked_until <= now;
}

/* Nobody can run: idle to the earliest wake-up (not past --max-cycles). */
static void idle_until_wake(os_t *os, uint64_t now)
{
    uint64_t wake = UINT64_MAX;
    for (int pid = 1; pid <= os->nprocs; pid++) {
        mp_proc_t *mp = mp_proc(os, pid);
        if (os_process(os, pid)->state == PROC_READY && !mp->suspended && mp->blocked_until < wake)
            wake = mp->blocked_until;
    }
    if (os->cfg.max_cycles && wake > os->cfg.max_cycles)
        wake = os->cfg.max_cycles;
    if (wake == UINT64_MAX || wake <= now)
        return;
    mp_park_current(os); /* the idle time is nobody's */
    os_charge(os, EV_IDLE, 0, wake - now, 0, 0, 0, 0);
    mp_state(os)->idle_cycles += wake - now;
}

/* May p run now?  If nobody can, idle until someone may. */
static bool may_run(os_t *os, process_t *p)
{
    uint64_t now = machine_cycles(os->m);
    if (runnable(os, p->pid, now))
        return true;
    for (int pid = 1; pid <= os->nprocs; pid++)
        if (runnable(os, pid, now))
            return false; /* someone else can: round-robin will reach them */
    idle_until_wake(os, now);
    return runnable(os, p->pid, machine_cycles(os->m));
}

/* Is any of this in use?  Only then does the scheduler pay for it. */
static bool in_use(const os_t *os)
{
    return os->mp || os->cfg.mp.swap || os->cfg.mp.show_partitions || os->cfg.mp.ws_window || os->cfg.mp.alloc_ws;
}

bool os_mp_dispatch(os_t *os, process_t *p)
{
    if (!in_use(os))
        return true;
    if (!mp_proc(os, p->pid))
        return true; /* host out of memory: schedule as if none of this existed */
    sample_leaving(os); /* the process that ran last, even if it runs again */
    if (os->cfg.mp.alloc_ws && os->pager)
        load_control(os);
    if (!may_run(os, p))
        return false;
    os_ensure_resident(os, p);
    return p->state == PROC_READY;
}

/* ---- reports --------------------------------------------------------------- */

uint64_t os_mp_idle_cycles(os_t *os) { return os->mp ? os->mp->idle_cycles : 0; }

bool os_mp_working_set(os_t *os, int pid, double *mean, uint32_t *largest)
{
    mp_proc_t *mp = os->mp && pid >= 1 && pid <= os->mp->cap ? &os->mp->procs[pid - 1] : NULL;
    if (!mp || !mp->ws_samples)
        return false;
    *mean = (double)mp->ws_sum / (double)mp->ws_samples;
    *largest = mp->ws_max;
    return true;
}

void os_mp_load_control(os_t *os, uint64_t *suspensions, int *suspended_now)
{
    *suspensions = os->mp ? os->mp->suspensions : 0;
    *suspended_now = 0;
    for (int pid = 1; os->mp && pid <= os->nprocs && pid <= os->mp->cap; pid++)
        *suspended_now += os->mp->procs[pid - 1].suspended;
}

void mp_report_paging(os_t *os, FILE *out)
{
    struct mp_state *s = os->mp;
    if (s->idle_cycles)
        fprintf(out, "CPU idle %llu cycles: every process was waiting for its device (SYS_IOWAIT)\n",
                (unsigned long long)s->idle_cycles);
    if (os->cfg.mp.alloc_ws)
        fprintf(out, "load control (--alloc ws): %llu suspension(s), %llu resumption(s)\n",
                (unsigned long long)s->suspensions, (unsigned long long)s->resumptions);
    for (int pid = 1; os->cfg.mp.ws_window && pid <= os->nprocs; pid++) {
        process_t *p = os_process(os, pid);
        double mean;
        uint32_t largest;
        if (!os_mp_working_set(os, pid, &mean, &largest))
            continue;
        double pff = p->st.instructions ? 1000.0 * (double)p->st.page_faults / (double)p->st.instructions : 0;
        fprintf(out,
                "process %d (%s): working set over %u references: mean %.1f pages, largest %u; "
                "%.2f page faults per 1000 instructions\n",
                pid, p->name, os->cfg.mp.ws_window, mean, largest, pff);
    }
}
