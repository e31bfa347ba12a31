/*
 * The C model's state, shared by the interpreter (cpu.c) and its paged-mode
 * translation (paged.c).  Nothing outside cpu/ includes this: everyone else
 * sees the machine interface only.
 */
#ifndef MMULAB_CPU_INTERNAL_H
#define MMULAB_CPU_INTERNAL_H

#include "../machine/machine.h"
#include "../mmu/mmu.h"

#define NOINLINE __attribute__((noinline))
#define ALWAYS_INLINE inline __attribute__((always_inline))
#define COLD __attribute__((cold)) /* rare: laid out apart, kept small */

typedef struct paged paged_t;
typedef struct paged_shortcut paged_shortcut_t;
/* A shortcut that covers no page and stands for no entry (paged.h): what a
 * decoded instruction holds until its data access hits one. */
extern const paged_shortcut_t paged_no_shortcut;
typedef struct block block_t;

#define CODE_GRANULE_SHIFT 8 /* decoded code is tracked per 256 bytes */

typedef struct {
    machine_t m; /* must stay first: a cmodel_t is a machine_t */
    cpu_state_t s;
    mmu_t mmu;   /* the MMU unit: registers, TLB, walker, its counters */
    uint8_t *mem;
    uint32_t mem_size;
    uint64_t cycles;
    hw_counters_t cnt;
    trap_t trap;
    timing_t cfg_timing;
    uint32_t fetch_cost;  /* cycles of a fetch: translation + memory            */
    uint32_t cost[256];   /* cycles of a completed instruction, per opcode       */
    int costs_for_mode;   /* the MMU mode cost[] was computed for, -1 none       */
    /* paged translation: the CPU's host-side shortcuts (paged.h) */
    paged_t *paged;
    retire_xlate_t last_xlate; /* the latest translation, for the retire record */
    bool observing;            /* filling a retirement record (machine_step)      */
    /* the block cache (blocks.h): decoded code, and per-granule bookkeeping */
    block_t *blocks;
    uint8_t *code_map;   /* 1 where a granule holds decoded code */
    uint32_t *code_gen;  /* bumped when such a granule is written */
    uint64_t link_epoch; /* bumped when any block is retired or replaced, and
                            when a contiguous run starts: a block link made
                            in an older epoch is not to be followed blindly */
    /* what the paged runner's settled chains counted (cpu.c chain_replay),
     * added to its hot counters before it stores them */
    uint64_t chain_instret, chain_loads, chain_stores;
} cmodel_t;

/* Retire decoded blocks in [pa, pa+len) after a write (blocks.c). */
void block_cache_invalidate(cmodel_t *cm, uint32_t pa, uint32_t len);

/* Paged-mode pieces (paged.c). */
bool paged_create(cmodel_t *cm, char *err, size_t errlen);
void paged_destroy(cmodel_t *cm);
/* Drop the host-side shortcuts (the ASID or the privilege changed). */
void paged_forget_shortcuts(cmodel_t *cm);
/* Translate through the unit, the access made at cycle `now` (the reference path). */
trap_cause_t paged_translate(cmodel_t *cm, uint32_t va, access_t acc, uint64_t now, uint32_t *pa, uint64_t *extra);
frame_refs_t *paged_frame_refs(machine_t *m);
void paged_tlb_flush(machine_t *m, tlb_flush_t kind, uint32_t asid, uint32_t vaddr);
int paged_tlb_read(machine_t *m, tlb_view_t *out, int max);

#endif
