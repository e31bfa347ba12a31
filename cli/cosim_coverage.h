/*
 * Functional coverage of co-simulation (docs/verification.md, "Coverage
 * model"): named bins, grouped as crosses of a few dimensions, counted from
 * every access both engines translated, written as a report of each bin hit,
 * missed or unreachable (with its reason), and merged across runs.
 */
#ifndef MMULAB_COSIM_COVERAGE_H
#define MMULAB_COSIM_COVERAGE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "../machine/machine.h"
#include "../mmu/tlb.h"

typedef struct coverage coverage_t;

/* How a paged lookup found the TLB before the access. */
typedef enum { COV_TLB_UNKNOWN, COV_TLB_MISS_FREE, COV_TLB_MISS_FULL, COV_TLB_HIT_ASID, COV_TLB_HIT_GLOBAL } cov_tlb_t;

/* One translation as the C side saw it. */
typedef struct {
    mmu_regs_t regs;           /* the MMU registers it ran under           */
    uint32_t mem_size;
    uint32_t levels, page_shift; /* paging geometry and TLB                */
    tlb_policy_t policy;
    uint32_t tlb_entries, tlb_ways;
    uint32_t vaddr, size;
    access_t acc;
    priv_t priv;
    trap_cause_t cause;
    const retire_xlate_t *x;   /* paged: the walk record, NULL otherwise   */
    cov_tlb_t tlb;
    int flush_kind;            /* a flush written during the access: tlb_flush_t, or -1 */
    bool asid_switched;        /* the first access after an ASID switch with entries live */
} cov_access_t;

/* What the random stimulus should aim its next configuration at. */
typedef struct {
    int mode;                  /* mmu_mode_t, or -1: any   */
    int levels;                /* 1..3, or 0: any          */
    int policy;                /* tlb_policy_t, or -1: any */
    int assoc;                 /* 0 direct-mapped, 1 set-associative, 2 fully associative, -1 any */
    const char *bin;           /* the missed bin it aims at (for -v)    */
} cov_steer_t;

coverage_t *coverage_new(void);
void coverage_free(coverage_t *c);

/* Count one more run in the report's header. */
void coverage_add_run(coverage_t *c);

void coverage_access(coverage_t *c, const cov_access_t *a);
/* A flush written between accesses (kind: tlb_flush_t). */
void coverage_flush(coverage_t *c, tlb_flush_t kind);
/* A trap the core raised before any translation (misaligned access). */
void coverage_trap(coverage_t *c, trap_cause_t cause);

/* The translations and trap of one instruction that retired on m in
 * program mode (priv: the mode it ran in). */
void coverage_retire(coverage_t *c, const machine_t *m, const retire_t *rt, priv_t priv);

/* Pick a missed, reachable bin that a configuration choice can reach, from
 * the random number r; false when none is left. */
bool coverage_steer(const coverage_t *c, uint32_t r, cov_steer_t *out);

/* Add the counts of a report written by coverage_write; false with a
 * message in err (file:line: ...) on a malformed or foreign report. */
bool coverage_merge_file(coverage_t *c, const char *path, char *err, size_t errlen);
/* Write the report; false with a message in err. */
bool coverage_write(const coverage_t *c, const char *path, char *err, size_t errlen);
/* Bins hit, missed, unreachable. */
void coverage_totals(const coverage_t *c, int *hit, int *missed, int *unreachable);

/* `cosim --coverage FILE`: write c to path after a run that ended with rc
 * and print its totals; rc, or 2 if the report cannot be written. */
int cosim_write_coverage(coverage_t *c, const char *path, int rc);
/* `cosim --coverage OUT --merge REPORT...`: the exit status. */
int cosim_merge_reports(const char *out, const char *const *reports, int n);

#endif
