/*
 * The view model: everything the panels draw, as plain data, filled from a
 * live run (model_from_vm: registers, memory, the TLB read back with
 * machine_tlb_read, page tables read from physical memory) or from a trace
 * (model_from_trace).  The renderer draws only from here, so a test can hold
 * the model next to the machine and compare.  No SDL here.
 */
#ifndef MMULAB_VIEWER_MODEL_H
#define MMULAB_VIEWER_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include "../machine/machine.h"
#include "../mmu/geometry.h"
#include "../os/os.h"
#include "../obs/breakdown.h"
#include "evlog.h"
#include "vm.h"

/* What a piece of physical memory holds. */
typedef enum {
    RG_FREE, RG_OS, RG_CODE, RG_DATA, RG_BSS, RG_HEAP, RG_STACK, RG_PTABLE,
    RG_FILE, RG_LIBRARY, RG_SHARED, /* paged: a mapped file, library code or data, shared memory */
    RG_COUNT
} region_t;

/* A run of physical memory with one owner and one region: a frame in paged
 * mode; in the contiguous modes a part of a partition, a hole or the OS. */
typedef struct {
    uint32_t start, size;
    int owner;          /* pid, 0 the OS, -1 free                        */
    region_t region;
    int block;          /* the partition or hole it belongs to            */
    bool mapped;        /* paged: a present leaf PTE maps it              */
    uint32_t vpage;     /* ... the virtual page number it maps            */
    bool accessed, dirty;
    uint64_t last_access; /* cycle of the newest access seen, 0 none     */
    bool in_tlb;        /* paged: a valid TLB entry points at this frame  */
    int table_of_pid;   /* paged: a page table of this process is here    */
    bool shared_tables; /* ... and of another one too (owner is then 0)  */
} span_t;

/* Contiguous modes: a partition, a hole or the OS, spanning spans. */
typedef struct {
    uint32_t start, size;
    int owner;          /* as span_t                                       */
} mem_block_t;

typedef struct {
    int pid;
    char name[64];
    const char *state;  /* "ready", "running", "swapped out", "exited", "killed" */
    uint32_t base, size;
    bool swapped;       /* rolled out (--swap): swap_home is where it was */
    uint32_t swap_home, swap_bytes;
    mmu_regs_t mmu;
} proc_view_t;

/* Paged: one row of a process's region table (os_regions), with the
 * words `mmulab run --regions` prints for it (os_region_info). */
typedef struct {
    os_region_t r;
    char support[64];
    const char *use;    /* "shared" or "private"                          */
    const char *size;   /* "fixed" or "variable"                          */
} region_row_t;

/* One entry of a page table, decoded. */
typedef struct {
    uint32_t index, pte_addr, pte;
    bool looked_up;     /* the entry the last translation used            */
} pte_row_t;

/* Segmented: one descriptor of the current process's segment table, as it
 * is in memory. */
typedef struct {
    uint32_t segno, base, limit, flags;
    bool looked_up;     /* the segment the last translation named         */
} seg_row_t;

#define MODEL_SEG_ROWS 16
#define MODEL_PT_ROWS 16
#define MODEL_DISASM 9
#define MODEL_TLB_MAX 1024
#define MODEL_POLICY_ROWS 64
#define EXPLAIN_TEXT_MAX 1024

/* The last translation worked out. */
typedef struct {
    bool valid;
    access_t access;
    uint32_t pc, vaddr, paddr;
    bool tlb_hit;       /* paged                                           */
    uint8_t walk_steps;
    uint32_t pte_addr[RETIRE_MAX_WALK], pte[RETIRE_MAX_WALK];
    bool trapped;
    trap_cause_t cause;
    uint64_t cycle;
} xlate_view_t;

typedef struct {
    bool live;          /* false: replayed from a trace                   */
    os_mode_t mode;
    uint32_t mem_size;
    paging_geometry_t geo;
    uint64_t now, load_end, end_hint;
    uint64_t flash_from; /* accesses at or after it flash (the last move) */
    const char *status; /* "running", "paused", "finished", ...           */
    char note[160];     /* a line for the status bar                       */

    int nprocs;
    proc_view_t procs[MAX_PROGRAMS];
    int current_pid;

    int nspans, nblocks, cap; /* cap: room in spans and blocks */
    span_t *spans;
    mem_block_t *blocks;

    /* translation */
    mmu_regs_t mmu;
    xlate_view_t last;
    int npt_path;                   /* walk levels shown              */
    pte_row_t pt_path[PAGING_MAX_LEVELS];
    int npt_rows;                   /* the leaf table around the index */
    pte_row_t pt_rows[MODEL_PT_ROWS];
    uint32_t pt_table;              /* physical address of that table  */
    int nseg_rows;                  /* segmented: the descriptors in use */
    seg_row_t seg_rows[MODEL_SEG_ROWS];
    uint32_t seg_offset_bits;

    /* TLB, exactly the rows machine_tlb_read returned */
    int ntlb;
    tlb_view_t tlb[MODEL_TLB_MAX];
    uint32_t tlb_sets, tlb_ways;
    int tlb_set_looked_up;          /* -1 none                         */
    int tlb_slot_hit;               /* -1 none                         */

    /* the region table of the current process (paged; pid 1 before the first dispatch) */
    int regions_pid;
    int nregions;
    region_row_t regions[OS_MAX_REGIONS];

    /* CPU */
    bool have_cpu;
    cpu_state_t cpu;
    int ndisasm;
    uint32_t disasm_addr[MODEL_DISASM];
    char disasm_text[MODEL_DISASM][48];

    /* counters */
    uint64_t cycles, instructions, tlb_hits, tlb_misses, faults, ctx_switches, walks;
    /* why (obs/explain.h): the sentence of the last event, or of the one under the cursor */
    char explanation[EXPLAIN_TEXT_MAX];
    /* paged: the replacement policy's order beside the frame map */
    repl_policy_t policy;
    int npolicy;
    os_policy_row_t policy_rows[MODEL_POLICY_ROWS];
    /* where the cycles went (live runs: the machine's counters are needed) */
    bool have_breakdown;
    int64_t breakdown[CYC_COUNT];

    const evlog_t *events;          /* the timeline's events (not owned) */
} model_t;

/* Allocate the span and block arrays for the machine's frames (or the
 * contiguous modes' partitions, whichever needs more). */
/* A region's name as the panels show it (the table is the segment table under seg). */
const char *model_region_name(const model_t *m, region_t r);

bool model_init(model_t *m, const machine_config_t *hw);
void model_free(model_t *m);

/* Fill from the live run. */
void model_from_vm(model_t *m, vm_t *vm);
/* Fill from a trace at `now` (events up to and including it). */
void model_from_trace(model_t *m, const evlog_t *log, const run_options_t *opt, uint64_t now);

/* How frames of a region table's kind are coloured (a mapped file, library
 * code or data, shared memory have their own shades). */
region_t model_region_of_kind(region_kind_t kind);

/* m->explanation: the sentence the explainer makes of the events up to and
 * including log->ev[last] (a story reaches back a few hundred at most). */
void model_explain(model_t *m, const evlog_t *log, size_t last);

/* The span holding physical address pa, or -1. */
int model_span_at(const model_t *m, uint32_t pa);

/* Text of one TLB row as the panel prints it. */
void model_tlb_row_text(const model_t *m, int slot, char *buf, size_t len);

#endif
