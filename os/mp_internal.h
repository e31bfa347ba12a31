/*
 * The OS's multiprogramming state (compaction and swapping), shared by
 * os/compact.c and os/rollout.c, and the hooks the kernel and the loader
 * call.  See os/multiprog.h for what each part does.
 */
#ifndef MMULAB_MP_INTERNAL_H
#define MMULAB_MP_INTERNAL_H

#include "os_internal.h"

/* A process as the swapper sees it. */
typedef struct {
    bool swapped;        /* its image is on the backing store, not in memory */
    uint8_t *image;      /* the backing store's copy                         */
    uint32_t image_size;
    uint32_t home;       /* base it had when rolled out                      */
    uint64_t last_run;   /* clock when last dispatched (or loaded)           */
    uint64_t blocked_until; /* SYS_IOWAIT: waits for its device until then   */
    bool suspended;      /* load control took it out of the running          */
    uint32_t ws;         /* last working-set sample, pages                   */
    uint64_t ws_sum, ws_samples;
    uint32_t ws_max;
    uint64_t faults_at_dispatch; /* its page faults when its slice began       */
    bool ws_whole;       /* a sample from a slice without faults: all of it resident */
} mp_proc_t;

#define MP_LOG_LINES 12

struct mp_state {
    mp_proc_t *procs;    /* procs[pid - 1] */
    int cap;
    uint64_t compactions, compaction_bytes, compaction_cycles;
    uint64_t swap_outs, swap_ins, swap_bytes, swap_cycles, repatches;
    bool refused_noted;
    int nlog, log_total;
    char log[MP_LOG_LINES][400];
    partitions_t fullest; /* the partition table when most memory was allocated */
    uint64_t fullest_allocated;
    uint64_t idle_cycles, suspensions, resumptions;
    bool admission_started; /* load control has suspended everyone but the first */
};

/* The state, created on first use; NULL only if the host is out of memory. */
struct mp_state *mp_state(os_t *os);
mp_proc_t *mp_proc(os_t *os, int pid);

/* pid's --priority (0 if none given): the lower is rolled out or suspended first. */
int mp_priority(const os_t *os, int pid);

/* Record one line of what the OS did (kept: the first MP_LOG_LINES). */
void mp_log(os_t *os, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Take the running process off the CPU (registers and counters saved), so
 * the OS can move or swap it and charge its own work to nobody's slice. */
void mp_park_current(os_t *os);

/* Swapping (os/rollout.c): may the OS roll processes out to find `demand`
 * more bytes?  Only with --swap, and only while the memory allocated plus
 * the demand is above --swap-threshold (slide 28: swapping starts above a
 * threshold of allocated memory, stops below it). */
bool mp_may_swap(os_t *os, uint32_t demand);
/* Allocate [base, base + size) to pid, rolling out whoever holds any of it;
 * false (nothing allocated) if a part is not a process's to roll out. */
bool mp_reclaim_range(os_t *os, int pid, uint32_t base, uint32_t size);

/* Compaction (os/compact.c): true if it ran and now one hole holds `size`.
 * Under software relocation it refuses, says why in the log, returns false. */
bool os_compact_for(os_t *os, uint32_t size);

/* ---- hooks ---------------------------------------------------------------- */

/* Loader: no hole fits `size` for pid.  Compacts (--compact), rolls out
 * processes (--swap), and returns the base, or UINT32_MAX with err set. */
uint32_t os_make_room(os_t *os, uint32_t size, int pid, char *err, size_t errlen);

/* Rolls p back in first if it is swapped out (os/rollout.c). */
void os_ensure_resident(os_t *os, process_t *p);

/* Scheduler (os/loadctl.c): round-robin picked p.  Samples working sets,
 * applies load control, skips p while it waits for its device or is
 * suspended (idling the CPU if nobody can run), rolls it in if swapped out.
 * True if p is to run now. */
bool os_mp_dispatch(os_t *os, process_t *p);

/* The paging part of the report: idle time, load control, working sets. */
void mp_report_paging(os_t *os, FILE *out);

/* The paging part of the report: idle time, load control, working sets. */
void mp_report_paging(os_t *os, FILE *out);

/* SYS_IOWAIT: p waits `cycles` for its own device; returns the clock. */
uint32_t sys_iowait(os_t *os, process_t *p, uint32_t cycles);

/* Scheduler: p is being dispatched (for victim choice and --partitions). */
void os_mp_note_dispatch(os_t *os, process_t *p);

void os_mp_free(os_t *os);

#endif
