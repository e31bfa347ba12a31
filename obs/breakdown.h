/*
 * Where the cycles went: the run's clock split by cause, summing exactly to
 * it, with the derived rates and the effective access time (docs/explain.md).
 *
 * The OS's work is timed by its events: every cycle the OS charges to the
 * clock is an event with that duration (os_charge), so an observer that sums
 * durations by kind (cycle_tally_t) knows the OS's share exactly.  The
 * hardware's share comes from its counters: each access costs its
 * translation and memory latency, a miss its walk, an A/D write-back one
 * memory write, a trap its entry.  What remains of the clock is the execute
 * stages (and the part of an instruction that ran before it trapped).
 */
#ifndef MMULAB_BREAKDOWN_H
#define MMULAB_BREAKDOWN_H

#include <stdbool.h>
#include <stdint.h>

#include "../machine/config.h"
#include "../machine/events.h"
#include "../machine/machine.h"

/* X(name, description) in the order they are reported */
#define BREAKDOWN_TABLE(X)                                                                      \
    X(execute, "execute stages: the clock less every other part")                               \
    X(memory, "memory latency of fetches, loads and stores")                                    \
    X(translation, "address translation on every access: TLB lookups, the relocation adder")    \
    X(walks, "page-table walks: one memory read per level")                                     \
    X(ad_writebacks, "A/D bits written back into PTEs by the walker")                           \
    X(fault_trap, "trap entry and return for faults (page faults, protection faults, kills)")   \
    X(fault_handler, "the OS's page-fault handler")                                             \
    X(fault_disk, "disk transfers while serving page faults (write-backs and reads)")           \
    X(syscalls, "system calls: trap entry, the OS's dispatch and work, file data copied")           \
    X(loading, "loading programs and libraries, relocation patching")                           \
    X(context_switches, "context switches: saving and restoring registers and MMU state")        \
    X(swaps, "whole processes rolled out and in")                                               \
    X(compaction, "partitions moved by compaction (or a requested move)")                        \
    X(kills, "the OS stopping a process on a fault")                                            \
    X(other_disk, "disk transfers outside page faults: file read/write, overlays, mapped-file write-backs") \
    X(idle, "nobody could run: waiting for a process to wake")

typedef enum {
#define BREAKDOWN_ENUM(name, desc) CYC_##name,
    BREAKDOWN_TABLE(BREAKDOWN_ENUM)
#undef BREAKDOWN_ENUM
    CYC_COUNT
} cycle_part_t;
extern const char *const cycle_part_name[CYC_COUNT];
extern const char *const cycle_part_desc[CYC_COUNT];

/* The OS's cycles by event kind: the OS feeds every event it charges (and its
 * traps and faults' ends) to cycle_tally_observe, so the sums need no
 * observer on the bus (which would slow the machine's miss path). */
typedef struct cycle_tally {
    uint64_t by_kind[EV_COUNT]; /* durations of the OS's charged events */
    uint64_t fault_disk;        /* disk transfers inside a page fault's service */
    uint64_t syscall_traps;
    uint64_t trapped_fetches;   /* instructions fetched, then trapped unretired */
    bool in_fault;
} cycle_tally_t;
void cycle_tally_observe(void *tally, const event_t *ev);

typedef struct {
    int64_t part[CYC_COUNT]; /* execute is signed so an over-count shows */
    /* derived */
    double cpi, tlb_miss_rate, faults_per_kilo_insn;
    double hit_ratio;        /* TLB hits / translations (paged)            */
    double eat_measured;     /* cycles per access: translation, memory, walks, A/D */
    double eat_formula;      /* the textbook's, from the measured hit ratio */
    double eat_faults_measured, eat_faults_formula; /* with page-fault service */
} cycle_breakdown_t;

typedef struct {
    uint64_t clock;
    hw_counters_t hw;
    const timing_t *timing;
    mmu_mode_t mode;
    uint32_t levels;
    uint64_t page_faults;
} cycle_inputs_t;

void cycle_breakdown(const cycle_tally_t *tally, const cycle_inputs_t *in, cycle_breakdown_t *out);

/* The textbook's effective access time with a TLB of hit ratio h in front of
 * a `levels`-level table: h (t_tlb + t_mem) + (1 - h)(t_tlb + levels t_mem + t_mem). */
double eat_formula(double h, double t_tlb, double t_mem, unsigned levels);
/* With page faults at rate p per access, each served in `service`: (1 - p) eat + p service. */
double eat_with_faults(double eat, double p, double service);

#endif
