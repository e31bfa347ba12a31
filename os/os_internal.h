/*
 * The OS's own state, shared by its parts (kernel, loader, system calls).
 */
#ifndef MMULAB_OS_INTERNAL_H
#define MMULAB_OS_INTERNAL_H

#include "../obs/breakdown.h"
#include "os.h"
#include "paging.h"
#include "segment.h"
#include "../mmu/seg.h"

struct os {
    machine_t *m;
    os_config_t cfg;
    cycle_tally_t tally; /* every cycle the OS charged, by event kind (os_charge, os_note) */
    process_t *procs; /* procs[pid - 1] */
    int nprocs, cap;
    int current;      /* pid on the CPU, 0 for none */
    int rr_cursor;    /* round-robin position       */
    partitions_t parts;
    FILE *console;
    os_dump_t dump;
    bool moved;
    char move_note[400];
    pager_t *pager;   /* paged mode only (os/pager.c) */
    struct shm_table *shm; /* shared-memory segments (os/shm.c), made on first use */
    struct mp_state *mp; /* compaction and swapping (os/mp_internal.h) */
    /* os_run_until: where the run is, so a later call carries on */
    bool run_started, run_over;
    int slice_pid;       /* the process whose slice is in progress, 0 none */
    uint32_t slice_ended_by; /* CTX_QUANTUM or CTX_TRAP: why the last slice ended */
    uint64_t slice_end;  /* ... and the clock at which it ends           */
    bool keep_cpu;       /* the trap being served swapped out another process's
                            memory for this one: it runs on (os_run_until) */
    os_retire_fn retire_fn; /* os_set_retire_observer */
    void *retire_ctx;
    bool threads_made;   /* some thread_create succeeded (os/threads.c) */
    struct arrival *arrivals; /* programs arriving during the run (os/arrivals.c) */
    int narrivals, next_arrival, arrivals_dropped;
    struct bcache *bcache; /* the buffer cache's tags (os/bcache.c), made on first use */
};

/* arrivals.c: load the arrivals that are due and fit; with nobody ready,
 * idle until the next one comes (true) or drop those that never can (false). */
void os_admit_arrivals(os_t *os);
uint64_t os_next_arrival_cycle(const os_t *os); /* UINT64_MAX if none is pending */
bool os_wait_for_arrival(os_t *os);
void os_free_arrivals(os_t *os);

/* The process whose address space (vm, regions, services) p uses: its
 * leader if p is a thread (os/threads.c), else p itself. */
static inline process_t *os_space(os_t *os, process_t *p)
{
    return p && p->leader ? &os->procs[p->leader - 1] : p;
}

/* threads.c: thread_create, thread_exit, thread_join; false if `number` is
 * none of them. */
bool threads_syscall(os_t *os, process_t *p, uint32_t number, cpu_state_t *cpu, uint32_t *result);
/* thread_exit of p (also HALT in a thread): p ends; the process ends with
 * its last thread. */
void threads_exit(os_t *os, process_t *p, int code);
/* kernel.c: thread t alone leaves the CPU and ends with code. */
void os_end_thread(os_t *os, process_t *t, int code);

/* bcache.c: the disk's part of a read (kind EV_DISK_READ) or write
 * (EV_DISK_WRITE) of bytes at offset of a file: a block-sized disk transfer,
 * charged to p, per block the buffer cache lacks (read) or per block touched
 * (write-through); p's bcache_hits/misses count the read's blocks. */
typedef struct {
    uint64_t dev, ino;
    uint32_t fd;
} file_id_t;
void bcache_transfer(os_t *os, process_t *p, ev_kind_t kind, const file_id_t *file, uint64_t offset, uint32_t bytes);
void bcache_free(os_t *os);

/* The running process's hardware counters, folded into its stats. */
void os_account(os_t *os, process_t *p);
void os_leave_cpu(os_t *os, process_t *p);

/* End a process: normally (exit code) or killed (fault already recorded). */
void os_exit_process(os_t *os, process_t *p, int code);
void os_kill_process(os_t *os, process_t *p, const trap_t *trap);

/* uaccess.c: every copy the OS makes between the host and a process's
 * CPU-visible addresses (physical ones under software relocation and on the
 * bare machine) meets the checks the process's own load or store meets;
 * false for -EFAULT.  A copy into the process writes nothing unless all of it
 * can be written.  os_user_writable asks whether a copy into [addr, addr+len)
 * would succeed, changing nothing (a system call's check of its buffer
 * before it acts). */
/* args.c: the argument block of p onto its stack, once the run has started. */
void os_write_args(os_t *os, process_t *p);

bool os_copy_from_user(os_t *os, process_t *p, uint32_t addr, void *buf, uint32_t len);
bool os_copy_to_user(os_t *os, process_t *p, uint32_t addr, const void *buf, uint32_t len);
bool os_user_writable(os_t *os, process_t *p, uint32_t addr, uint32_t len);
/* The same copies for a file's data (read, write): they also charge the CPU's
 * work of moving the bytes, copy_word_cycles per word (EV_USER_COPY), as a
 * kernel pays to copy between its buffer and the process (docs/timing.md). */
bool os_copy_from_user_charged(os_t *os, process_t *p, uint32_t addr, void *buf, uint32_t len);
bool os_copy_to_user_charged(os_t *os, process_t *p, uint32_t addr, const void *buf, uint32_t len);

/* loader.c: a new process-table entry (pointers into the table move);
 * a deep copy of an image. */
process_t *new_process(os_t *os, const char *name);
bool exe_clone(exe_t *dst, const exe_t *src);

/* Registers back to process pid once the OS has served it: into the
 * machine while pid is on the CPU, else into its saved state (making room
 * in memory -- compaction, a roll-out -- may have taken it off the CPU,
 * mp_park_current), so a call's result is not lost. */
void os_return_to_user(os_t *os, int pid, const cpu_state_t *cpu);

/* Serve a system call; returns false when the process has ended. */
bool os_syscall(os_t *os, process_t *p, const trap_t *trap);

/* Capture the --dump range of p if it is the dump target. */
void os_capture_dump(os_t *os, process_t *p);

/* Software relocation at a new base: re-patch the relocated words and the
 * PC (charged reloc_patch_cycles each); registers holding computed
 * addresses stay stale, as os->move_note says. */
void os_repatch_relocations(os_t *os, process_t *p, uint32_t new_base);

/* Charge OS work to the clock and announce it on the event bus. */
void os_charge(os_t *os, ev_kind_t kind, int pid, uint64_t cycles, uint32_t a, uint32_t b, uint32_t c, uint32_t d);
/* Announce an event the cycle breakdown must see (a trap, a fault's end) without charging. */
void os_note(os_t *os, ev_kind_t kind, int pid, uint64_t cycle, uint64_t duration, uint32_t a, uint32_t b, uint32_t c,
             uint32_t d);

#endif
