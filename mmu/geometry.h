/*
 * Paged-translation geometry: how a virtual address splits into per-level
 * table indexes and a page offset, computed once from the configuration.
 *
 * vpn_bits = va_bits - page_shift.  Each level below the root gets
 * ceil(vpn_bits / levels) index bits; the root (level 0) gets the remainder.
 * A table at a level holds 2^bits four-byte entries, so it may be smaller
 * than a page.  docs/mmu.md works two examples (32-bit, 4 KiB, 2 levels: 10+10+12;
 * the seed's 14-bit, 2 KiB, 1 level: 3+11).
 */
#ifndef MMULAB_GEOMETRY_H
#define MMULAB_GEOMETRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../machine/config.h"

#define PAGING_MAX_LEVELS 3

typedef struct {
    uint32_t levels, page_shift, va_bits, vpn_bits;
    uint32_t va_above;    /* the address bits above va_bits (0 if va_bits is 32) */
    uint32_t offset_mask; /* (1 << page_shift) - 1                               */
    uint32_t index_bits[PAGING_MAX_LEVELS];  /* level 0 is the root           */
    uint32_t index_shift[PAGING_MAX_LEVELS]; /* where that index sits in vaddr */
    uint32_t index_mask[PAGING_MAX_LEVELS];  /* (1 << index_bits) - 1          */
} paging_geometry_t;

/*
 * True if the paging part of cfg is usable; otherwise false with one sentence
 * naming the bad parameter and its allowed range in err.  Checks page_shift
 * 9..24, levels 1..3, va_bits 14..32 and above page_shift, every level at
 * least one index bit, frame numbers of mem_size fitting the PTE's PPN, and
 * the TLB (entries 1..1024, ways dividing entries, power-of-two ways for
 * PLRU, asid_bits 0..16).
 */
bool paging_config_check(const machine_config_t *cfg, char *err, size_t errlen);

/* Fill g from cfg; cfg must have passed paging_config_check. */
void paging_geometry(const machine_config_t *cfg, paging_geometry_t *g);

/* The index into the table at `level` (0 = root) for vaddr. */
static inline uint32_t paging_index(const paging_geometry_t *g, uint32_t vaddr, uint32_t level)
{
    return (vaddr >> g->index_shift[level]) & g->index_mask[level];
}

static inline uint32_t paging_vpn(const paging_geometry_t *g, uint32_t vaddr) { return vaddr >> g->page_shift; }
static inline uint32_t paging_offset(const paging_geometry_t *g, uint32_t vaddr)
{
    return vaddr & g->offset_mask;
}
/* Bytes of the table at `level`. */
static inline uint32_t paging_table_bytes(const paging_geometry_t *g, uint32_t level)
{
    return 4u << g->index_bits[level];
}

#endif
