/*
 * The operating-system layer: host C code entered on a trap, that drives the
 * hardware only through the machine interface.
 *
 * It keeps the process table, loads programs under each memory-management
 * scheme (the seed's monoprogramming, software relocation, base/limit
 * hardware relocation), schedules processes round-robin with a quantum in
 * cycles, serves system calls, stops a process that faults with a message
 * naming the cause, the PC and the addresses, and charges all its own work in
 * modeled cycles so the cost of each scheme shows.
 */
#ifndef MMULAB_OS_H
#define MMULAB_OS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "../toolchain/exe.h"
#include "../machine/machine.h"
#include "multiprog.h"
#include "partition.h"
#include "replace.h"

/* How the OS manages memory; the hardware mode follows from it. */
typedef enum {
    OS_BARE,    /* monoprogramming: program at 0, OS at the top, fence       */
    OS_SWRELOC, /* loader relocates to a base; translation off; no protection */
    OS_HWRELOC, /* program unmodified; MMU adds base, checks limit          */
    OS_PAGED,   /* page tables, TLB, demand paging                           */
    OS_SEG,     /* a segment table: one segment per region (os/segment.h)    */
    OS_MODE_COUNT
} os_mode_t;

extern const char *const os_mode_name[OS_MODE_COUNT];

#define OS_MAX_MFT 64 /* fixed partitions (--mft) at most */

typedef struct {
    os_mode_t mode;
    uint32_t base;          /* where the first process goes (contiguous modes)  */
    bool base_given;
    uint32_t os_size;       /* bytes the resident OS occupies                     */
    uint32_t stack_size;    /* stack reserved above each program image            */
    uint32_t granule;       /* partition sizes are multiples of this              */
    fit_t fit;              /* hole-selection policy for partitions               */
    int nmft;               /* MFT: fixed partitions of these sizes (0: MVT)      */
    uint32_t mft[OS_MAX_MFT];
    uint64_t quantum;       /* cycles per time slice                              */
    uint64_t max_cycles;    /* stop everything at this clock (0: no limit)        */
    bool audit_stores;      /* step and report stores that land outside the owner */
    /* a mid-run move, to show which schemes allow it (compare) */
    uint64_t move_at_cycle; /* 0: never                                           */
    uint32_t move_to;       /* new base for process 1                             */
    /* paged mode (docs/paging.md) */
    uint32_t frames;        /* user frames (0: all that fit)                      */
    repl_policy_t replace;  /* page replacement policy (default lru)              */
    bool scope_local;       /* replace among the faulting process's own frames    */
    bool alloc_proportional;/* local quotas by image size instead of equal shares */
    bool alloc_priority;    /* local quotas by --priority instead (slide 57)        */
    bool prefault;          /* load every page at start instead of on demand      */
    bool explain_state;     /* announce the replacement policy's order before each choice (EV_POLICY_STATE) */
    bool record_refs;       /* step and record each process's page references (OPT's first pass) */
    /* services (docs/services.md) */
    const char *root;       /* guest files live in this host directory (NULL: ".") */
    uint32_t buffer_cache_blocks; /* read/write's buffer cache, in page-sized blocks (0: none, os/bcache.c) */
    bool bind_now;          /* bind every import at load (LD_BIND_NOW), not at its first call */
    const char *lib_path;   /* where dynamic libraries are looked for (':'-separated) */
    mp_config_t mp;         /* compaction and swapping (os/multiprog.h)           */
} os_config_t;

void os_config_defaults(os_config_t *c);

typedef enum { PROC_READY, PROC_EXITED, PROC_KILLED } proc_state_t;

/* What the OS counts per process (hardware counters are split at switches). */
typedef struct {
    uint64_t instructions, cycles, loads, stores;
    uint64_t tlb_hits, tlb_misses, walks, walk_cycles;
    uint64_t load_cycles, relocations;
    uint64_t faults[TRAP_COUNT];
    uint64_t syscalls, context_switches;
    /* paged mode: serviced page faults (a fault that kills is in faults[]) */
    uint64_t page_faults, major_faults, minor_faults; /* major: a disk read */
    uint64_t evictions, writebacks;
    uint64_t fault_cycles; /* trap entry + handler + disk, per serviced fault */
    /* sharing (os/fork.c, os/shm.c): each shared mapping is a frame saved */
    uint64_t shared_maps;  /* pages mapped onto a frame another mapping holds */
    uint64_t cow_copies;   /* copy-on-write faults that copied a shared page   */
    /* files (os/sys_files.c): bytes read and written through read/write */
    uint64_t file_bytes_read, file_bytes_written;
    uint64_t bcache_hits, bcache_misses; /* blocks read() found / did not find in the buffer cache */
    /* dynamic linking (os/dynlib.c): imported symbols bound, at start or lazily */
    uint64_t binds, lazy_binds, bind_cycles;
} proc_stats_t;

/*
 * Paged mode: one entry of a process's region table (the seed's slides
 * 36-40).  [start, end) is page-aligned and virtual.  Regions built from
 * sections that share a page both cover it, and the page gets the union of
 * their permissions (docs/paging.md).  Heap and stack are variable: brk moves
 * the heap's end, a fault just below the stack moves its start down.
 */
typedef enum {
    REGION_CODE, REGION_DATA, REGION_BSS, REGION_HEAP, REGION_STACK,
    REGION_MAPPED_FILE, REGION_LIB_CODE, REGION_LIB_DATA, /* os/sys_mmap.c, os/dynlib.c */
    REGION_SHARED_MEMORY,                                 /* os/shm.c                    */
    REGION_THREAD_STACK,                                  /* os/threads.c                */
    REGION_KIND_COUNT
} region_kind_t;
extern const char *const region_kind_name[REGION_KIND_COUNT];

typedef struct {
    region_kind_t kind;
    uint32_t start, end;  /* virtual, page-aligned; end may equal start (empty heap) */
    uint32_t perm;        /* PTE_R | PTE_W | PTE_X (mmu/pte.h)                      */
    bool file_backed;     /* support in the executable (else zero-filled)           */
    uint32_t limit;       /* stacks: lowest start they may reach; heap: highest end */
} os_region_t;

#define OS_MAX_REGIONS 32

/* One page reference of a process: its insn-th instruction touched vpn,
 * by its fetch or by its data access. */
typedef struct {
    uint64_t insn;
    uint32_t vpn;
    bool data;
} page_ref_t;

/* Paged mode: the frame table's view of one physical frame. */
typedef enum { FRAME_FREE, FRAME_OS, FRAME_PAGE_TABLE, FRAME_USER, FRAME_KIND_COUNT } frame_kind_t;
extern const char *const frame_kind_name[FRAME_KIND_COUNT];

#define OS_FRAME_MAX_OWNERS 4
typedef struct {
    int pid;
    uint32_t vpn;
} frame_owner_t;

typedef struct {
    frame_kind_t kind;
    uint32_t mappings;                        /* how many (pid, vpn) map it   */
    frame_owner_t owner[OS_FRAME_MAX_OWNERS]; /* the first few of them        */
    bool dirty;                               /* the mapping PTE's D bit      */
    bool referenced;                          /* PTE A bit or the frame's reference bit */
    uint64_t loaded;                          /* cycle the page came in       */
    uint64_t last_use;                        /* latest reference stamp (LRU) */
    uint32_t tables;                          /* page-table kind: tables in it */
} os_frame_t;

/* A program's argument block, laid out at load, written at the run's start (os/args.c). */
typedef struct {
    uint8_t *block;         /* host copy of [sp, sp + bytes), NULL once written */
    uint32_t bytes, sp;
} os_args_t;

typedef struct {
    int pid;
    char name[64];
    proc_state_t state;
    cpu_state_t cpu;
    mmu_regs_t mmu;
    exe_t exe;              /* kept: relocations, symbols                     */
    uint32_t base, size;    /* physical partition (contiguous modes)          */
    uint32_t requested;     /* of size: bytes request_memory added (os/memuse.c) */
    uint32_t image_end;     /* one past the highest logical image byte         */
    int exit_code;
    trap_t fault;           /* why it was killed                              */
    char fault_msg[320];
    char *output;           /* what it wrote to the console (first 64K)       */
    uint32_t output_len;
    proc_stats_t st;
    hw_counters_t snap;     /* hardware counters when switched in             */
    uint64_t snap_cycles;
    /* paged mode (os/regions.c, os/pager.c) */
    os_region_t regions[OS_MAX_REGIONS];
    int nregions;
    uint32_t brk;           /* the program break: one past the heap's last byte */
    uint32_t stack_top;     /* the initial SP: the stack region's end           */
    uint32_t frame_quota;   /* local scope: frames it may hold                   */
    uint32_t resident;      /* frames it holds                                   */
    struct proc_vm *vm;     /* page tables and references, private to os/pager.c */
    struct proc_services *svc; /* files, mappings, libraries (os/services.h)   */
    struct proc_segs *segs; /* segmented mode: its segments (os/segment.h)   */
    /* threads (os/threads.c, docs/services.md): a thread is an entry of its
     * own (registers, stats, place in the round-robin) that uses its
     * leader's address space: vm, regions and svc are the leader's, never its own */
    int leader;             /* thread: the pid whose address space it runs in (0: a process) */
    int threads;            /* leader: its threads still running                 */
    bool parked;            /* leader: called thread_exit while threads still run */
    bool joined;            /* thread: its code was collected by thread_join      */
    uint32_t tstack_end;    /* thread: the end of its REGION_THREAD_STACK         */
    os_args_t args;         /* `run prog -- ARG...`: not yet on its stack        */
} process_t;

/* A logical range of the first process to capture when it ends (--dump). */
typedef struct {
    bool wanted;
    uint32_t addr, count;
    bool captured;
    uint32_t *words;
    bool *valid;
} os_dump_t;

typedef struct os os_t;

/* Entries in the process table (processes and threads, ended ones included:
 * pids are never reused), so a fork bomb cannot exhaust the host; a fork
 * beyond it gets -EAGAIN. */
#define OS_MAX_PROCESSES 1024

os_t *os_create(machine_t *m, const os_config_t *cfg, char *err, size_t errlen);
void os_destroy(os_t *os);

/* Console output of the guests goes here (stdout by default). */
void os_set_console(os_t *os, FILE *out);

/* Load an executable as a new process. Returns the pid, or -1 with err set. */
int os_load(os_t *os, const exe_t *exe, const char *name, char *err, size_t errlen);
/* A program that arrives at `cycle` (`run prog.s@CYCLE`, os/arrivals.c):
 * loaded then, or when memory has room, in arrival order, after the
 * programs loaded with os_load.  Contiguous multiprogrammed modes only. */
bool os_add_arrival(os_t *os, const exe_t *exe, const char *name, uint64_t cycle, char *err, size_t errlen);
bool os_arrivals_pending(const os_t *os);

/* Put argc, argv (the process's name, then argv[0..argc-1]) and the strings
 * on a just-loaded process's initial stack, System V style (os/args.c).
 * False with err set if they do not fit or the stack cannot be written. */
bool os_set_args(os_t *os, int pid, int argc, char *const *argv, char *err, size_t errlen);

/* Run every process to its end (or the cycle limit).  Returns the exit status
 * of the run: 0 all exited normally, 1 some process was stopped on a fault or
 * the cycle limit was reached. */
int os_run(os_t *os);
/* That status for the run so far (once os_run_until has returned false). */
int os_run_status(const os_t *os);

/* Run the OS -- scheduling, traps, everything os_run does -- until the clock
 * reaches `cycle` at an instruction boundary (or an OS action ends past it),
 * then return; the next call carries on from there, in the middle of a time
 * slice if one is in progress, so a run cut into any pieces is the same run
 * as os_run's (os_run is a loop over this).  Returns true while processes
 * are left to run; false once the run is over (every process ended, or the
 * cycle limit in the configuration stopped them). */
bool os_run_until(os_t *os, uint64_t cycle);

/* End the run now, between instructions (after os_run_until returned): every
 * process still running is stopped with "stopped: WHY at pc ...", as the
 * cycle limit stops them.  For a run interrupted from outside (SIGINT). */
void os_interrupt(os_t *os, const char *why);

/* An observer of every instruction the processes retire (or trap on), with
 * the pid that ran it.  While one is set the OS steps the machine
 * (machine_step) instead of running it in batches: slower, the same cycles
 * and events.  NULL turns it off. */
typedef void (*os_retire_fn)(void *ctx, int pid, const retire_t *rt);
void os_set_retire_observer(os_t *os, os_retire_fn fn, void *ctx);

/* Read a process's logical memory through its own translation, in software.
 * Returns false if the range is not the process's memory. */
bool os_read_logical(os_t *os, int pid, uint32_t vaddr, void *buf, uint32_t len);
/* The physical address a process's logical address reaches, if any. */
bool os_translate(os_t *os, int pid, uint32_t vaddr, uint32_t *paddr);

/* Capture dump words of pid 1 when it ends. */
void os_request_dump(os_t *os, uint32_t addr, uint32_t count);
const os_dump_t *os_dump(os_t *os);

int os_process_count(const os_t *os);
process_t *os_process(os_t *os, int pid); /* pids are 1-based */
const os_config_t *os_config(const os_t *os);
machine_t *os_machine(os_t *os);
/* Which process owns physical address pa: pid, 0 for the OS, -1 for free. */
int os_owner(os_t *os, uint32_t pa);

/* Move a process to a new base mid-run (copy + charge).  Under base/limit it
 * keeps working; under software relocation the OS can re-patch the relocated
 * words and the PC but not addresses the program computed, so it breaks.
 * Returns false (and why in err) if no room. */
bool os_move_process(os_t *os, int pid, uint32_t new_base, char *err, size_t errlen);

/* What the last move did (or why it was refused), for reports. */
const char *os_move_note(os_t *os);

/* ---- paged mode: read-only views for stats, tests and the viewer ---- */

/* Physical frames (0 unless paged), and frame i refreshed from the page
 * tables and the MMU's reference bits; NULL if out of range. */
uint32_t os_frame_count(os_t *os);
const os_frame_t *os_frame(os_t *os, uint32_t frame);

/* Paged: the replacement policy's view of the frames in its order (FIFO's
 * queue and LRU's stack next victim first, CLOCK's ring from the hand, OPT's
 * by frame), as of the OS's last look at the MMU's references; key and
 * flags as in EV_POLICY_STATE (machine/events.h).  Returns how many. */
typedef struct {
    uint32_t frame, vpn, key, flags;
    int pid;
} os_policy_row_t;
uint32_t os_policy_state(os_t *os, os_policy_row_t *out, uint32_t max, repl_policy_t *policy);

/* The OS's cycles so far by event kind, for the stats' cycle breakdown
 * (obs/breakdown.h); kept whether anyone observes the bus or not. */
struct cycle_tally;
const struct cycle_tally *os_cycle_tally(const os_t *os);
/* The region table of pid; *count set (0 for none). */
const os_region_t *os_regions(os_t *os, int pid, int *count);
/* The leaf PTE of pid's page vpn as it is in memory; false if it has none. */
bool os_pte(os_t *os, int pid, uint32_t vpn, uint32_t *pte);

/* OPT: what the recording pass (cfg.record_refs) saw pid reference, and
 * giving the real run that future.  os_set_future copies; false if out of
 * host memory or no such pid (a thread, or a pid not made yet, with no
 * references is fine: a thread's are recorded with its leader's). */
const page_ref_t *os_recorded_refs(os_t *os, int pid, size_t *count);
bool os_set_future(os_t *os, int pid, const page_ref_t *refs, size_t count);
/* OPT keeps every page reference of the recording in memory (24 bytes each),
 * so a process may make at most this many; past it the recording is full. */
#define OS_OPT_MAX_REFS (4u << 20)
bool os_recording_full(os_t *os);

/* Row i of pid's region table in os_print_regions's words: its support
 * ("file (prog)", "none (zeros)", "file NAME", "library NAME", ...), `use`
 * "shared" or "private", `size` "fixed" or "variable".  false if no row i. */
bool os_region_info(os_t *os, int pid, int i, char *support, size_t len, const char **use, const char **size);

/* Print every process's region table (paged mode) as the seed's slide 40
 * lays it out: region, addresses, support, protection, shared/private, size. */
void os_print_regions(os_t *os, FILE *out);

/* Start the run now (os_run does it on its first call): the pager shares
 * out the frames, the services and the arguments are set up. */
void os_start(os_t *os);
/* Paged mode with quotas (--scope local, --alloc proportional|priority):
 * one line, each process's frame quota (slide 57). */
void os_print_frame_quotas(os_t *os, FILE *out);

/* Totals over all processes. */
void os_totals(os_t *os, proc_stats_t *out);
/* The first process's exit code (or -1 if killed). */
int os_first_exit_code(os_t *os);

#endif
