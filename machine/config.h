/*
 * The one configuration struct both implementations of the hardware take.
 *
 * TIMING_TABLE lists every cycle cost of the timing contract (DESIGN.md,
 * docs/timing.md) with its default and meaning.  The C model reads it, the
 * RTL receives the same numbers as parameters, and the OS layer charges its
 * own work (handlers, disk, copies) from it, so a mismatch between engines is
 * a bug, never a configuration difference.  `--timing NAME=VALUE` sets any of
 * them; `mmulab timing` prints the table.
 */
#ifndef MMULAB_CONFIG_H
#define MMULAB_CONFIG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* X(name, default, description) */
#define TIMING_TABLE(X)                                                                          \
    X(mem_cycles, 2, "one physical memory access: a fetch, a load, a store, a PTE read or write") \
    X(exec_cycles, 1, "execute stage of an ALU, move or branch instruction")                      \
    X(mul_cycles, 4, "execute stage of MUL")                                                      \
    X(div_cycles, 16, "execute stage of DIVU and REMU")                                           \
    X(reloc_cycles, 0, "added to every access by the base/limit unit (0: the adder and the limit comparator work in parallel with the address calculation)") \
    X(tlb_hit_cycles, 1, "TLB lookup, paid by every access in paged mode")                        \
    X(seg_hit_cycles, 1, "segment-descriptor cache lookup, bound compare and base add, paid by every access in segmented mode") \
    X(trap_cycles, 20, "trap entry and return: save PC and mode, vector to the OS, return")       \
    X(syscall_cycles, 50, "OS system-call dispatch, besides the trap and the call's own work")   \
    X(fault_handler_cycles, 500, "OS page-fault handler: find the page, pick a frame, fix tables") \
    X(kill_cycles, 200, "OS work to stop a process on a fault and free its memory")               \
    X(ctx_switch_cycles, 200, "OS context switch: save and restore registers and MMU state")     \
    X(load_word_cycles, 2, "loader: per word copied from the executable into memory")           \
    X(reloc_patch_cycles, 8, "loader: per relocation patched (read the word, add, write back)")  \
    X(copy_word_cycles, 4, "OS memory-to-memory copy, per word (moving, compaction)")             \
    X(cpu_mhz, 100, "clock frequency in MHz, to turn disk time into cycles")                     \
    X(disk_mbps, 50, "backing-store transfer rate in MB/s (MB = 10^6 bytes), as in the seed")     \
    X(disk_latency_us, 0, "backing-store latency per transfer in microseconds")

typedef struct {
#define TIMING_FIELD(name, def, desc) uint32_t name;
    TIMING_TABLE(TIMING_FIELD)
#undef TIMING_FIELD
} timing_t;

/* TLB replacement policies (paged mode): X(ENUM, name), one C file each in
 * mmu/ (mmu/tlb_policy.h says what a policy provides). */
#define TLB_POLICY_TABLE(X) X(LRU, lru) X(FIFO, fifo) X(RANDOM, random) X(PLRU, plru)
typedef enum {
#define TLB_POLICY_ENUM(e, name) TLB_##e,
    TLB_POLICY_TABLE(TLB_POLICY_ENUM)
#undef TLB_POLICY_ENUM
    TLB_POLICY_COUNT
} tlb_policy_t;

/* Translation modes of the MMU. */
typedef enum {
    MMU_BARE,    /* no translation; a fence protects the OS at the top of memory  */
    MMU_RELOC,   /* base/limit: physical = base + logical, logical < limit        */
    MMU_PAGED,   /* TLB and page-table walk                                       */
    MMU_SEG,     /* segment table: per-segment base, limit, R/W/X/U (mmu/seg.h)   */
} mmu_mode_t;

/* Everything that describes the hardware, fixed for the life of a machine. */
typedef struct {
    uint32_t mem_size;      /* bytes of physical memory                          */
    timing_t timing;
    /* paged translation geometry */
    uint32_t page_shift;    /* log2 of the page size, 9..24                      */
    uint32_t levels;        /* page-table levels, 1..3                           */
    uint32_t va_bits;       /* virtual address width, 14..32                     */
    /* TLB */
    uint32_t tlb_entries;   /* 1..1024                                           */
    uint32_t tlb_ways;      /* 1..tlb_entries; tlb_entries means fully associative */
    tlb_policy_t tlb_policy;
    uint32_t asid_bits;     /* 0..16; 0 flushes the TLB on every context switch  */
    uint32_t seed;          /* for the random TLB policy                         */
    /* segmented translation (mmu/seg.h) */
    uint32_t seg_bits;          /* segment-number bits, 1..8: at most 2^seg_bits segments */
    uint32_t seg_offset_bits;   /* offset bits below them, 8..23                        */
    uint32_t seg_cache_entries; /* descriptor cache entries, 0..16 (0: no cache)         */
    bool track_refs;        /* keep per-frame reference stamps and bits (paged)  */
} machine_config_t;

void timing_defaults(timing_t *t);
void machine_config_defaults(machine_config_t *cfg);

/* Set one timing parameter from "name=value"; false (and a message in err) if bad. */
bool timing_set(timing_t *t, const char *assignment, char *err, size_t errlen);

/* Print the table (name, value, description) for `mmulab timing` and docs. */
void timing_print(FILE *out, const timing_t *t);

/* Cycles to move `bytes` to or from the backing store: latency plus transfer. */
uint64_t timing_disk_cycles(const timing_t *t, uint64_t bytes);

#endif
