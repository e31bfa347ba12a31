/*
 * The segmentation unit of the MMU (the seed's slides 18-19 and 44: regions,
 * the logical view of segmentation, demand segmentation).
 *
 * A logical address splits into a segment number, its top seg_bits bits,
 * and an offset, the seg_offset_bits below them:
 *
 *     va = segno << seg_offset_bits | offset
 *
 * The segment table sits in physical memory at STBR and has STLR entries of
 * two little-endian words each (a descriptor):
 *
 *     word 0: base   physical address of the segment's lowest byte
 *     word 1: limit << 8 | flags        limit: the segment's length in bytes
 *                                       flags: SEG_V R W X U DOWN (below)
 *
 * A grow-down segment (SEG_DOWN, the stack) is checked from the other end:
 * its bytes are the top `limit` offsets, [2^seg_offset_bits - limit,
 * 2^seg_offset_bits), so it grows by raising limit (and moving base down)
 * without any address the program holds changing.
 *
 * Descriptors are cached in a small fully associative descriptor cache of
 * seg_cache_entries entries (FIFO replacement; 0 entries: every access reads
 * the table).  Loading the MMU registers (a context switch) and a full TLB
 * flush empty it.  The OS changes a descriptor and then reloads the
 * registers, so the cache never holds a stale one.
 *
 * Checks, in this order (docs/mmu.md, docs/timing.md):
 *   segno >= STLR or >= 2^seg_bits        segment_bound, no memory read
 *   cache miss: descriptor beyond memory  bus_error (paddr: the descriptor)
 *   descriptor not valid                  segment_not_present (not cached)
 *   U clear for a user access, or the
 *   access kind's R/W/X clear             segment_protection
 *   offset outside the segment            segment_bound
 *   physical address beyond memory        bus_error
 * Kernel-mode accesses are physical, as in every other mode.
 *
 * Timing: every access pays seg_hit_cycles; a cache miss adds two
 * descriptor reads of mem_cycles each.
 */
#ifndef MMULAB_SEG_H
#define MMULAB_SEG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../machine/machine.h"

#ifdef __cplusplus
extern "C" { /* the Verilator harness checks its configuration with seg_config_check */
#endif

enum {
    SEG_V = 1u << 0,    /* valid: the segment is in memory               */
    SEG_R = 1u << 1,
    SEG_W = 1u << 2,
    SEG_X = 1u << 3,
    SEG_U = 1u << 4,    /* user accessible                               */
    SEG_DOWN = 1u << 5, /* grows down: checked from the top of its range  */
    SEG_FLAGS = 0xFFu,
};

#define SEG_DESC_BYTES 8u
#define SEG_LIMIT_MAX 0xFFFFFFu /* 24 bits of limit */
#define SEG_MAX_BITS 8
#define SEG_CACHE_MAX 16

typedef struct {
    uint32_t base, word1; /* word1: limit << 8 | flags */
} seg_desc_t;

static inline uint32_t seg_desc_limit(seg_desc_t d) { return d.word1 >> 8; }
static inline uint32_t seg_desc_flags(seg_desc_t d) { return d.word1 & SEG_FLAGS; }
static inline seg_desc_t seg_desc_make(uint32_t base, uint32_t limit, uint32_t flags)
{
    seg_desc_t d = {base, limit << 8 | (flags & SEG_FLAGS)}; /* no compound literal: C++ includes this */
    return d;
}

typedef struct {
    bool valid;
    uint32_t segno;
    seg_desc_t desc;
} seg_cache_entry_t;

typedef struct {
    uint32_t seg_bits, offset_bits, entries, mem_cycles;
    seg_cache_entry_t cache[SEG_CACHE_MAX];
    uint32_t next; /* FIFO: the slot the next fill takes */
} seg_unit_t;

/* What one segmented translation did. */
typedef struct {
    uint32_t paddr;     /* where it went, or would have gone (0: nowhere)  */
    uint32_t cycles;    /* beyond seg_hit_cycles: the descriptor reads     */
    bool looked_up;     /* the cache was consulted (segno < STLR)          */
    bool hit;           /* the descriptor came from the cache              */
    bool read;          /* a miss read the descriptor from the table       */
    uint32_t desc_addr; /* on a miss: where the descriptor was read        */
    seg_desc_t desc;    /* the descriptor used (or read)                   */
} seg_xlate_t;

/* True if the segmentation part of cfg is usable; else one sentence in err. */
bool seg_config_check(const machine_config_t *cfg, char *err, size_t errlen);

void seg_init(seg_unit_t *s, const machine_config_t *cfg);
void seg_flush(seg_unit_t *s);

/* The segment number and offset of va. */
static inline uint32_t seg_number(const seg_unit_t *s, uint32_t va) { return va >> s->offset_bits; }
static inline uint32_t seg_offset(const seg_unit_t *s, uint32_t va) { return va & ((1u << s->offset_bits) - 1); }

/*
 * The check of an access of `size` bytes at offset `off` against descriptor
 * d, as the hardware makes it after finding d: TRAP_NONE or the fault; *paddr
 * where it goes or would go.  The OS's checks of user buffers use it too.
 */
trap_cause_t seg_check(const seg_unit_t *s, seg_desc_t d, uint32_t off, uint32_t size, access_t acc, priv_t priv,
                       uint32_t mem_size, uint32_t *paddr);

/* Translate a user access (mmu_translate calls it for user accesses in
 * MMU_SEG): the lookup, the table read on a miss, the fill, the check. */
__attribute__((warn_unused_result)) trap_cause_t seg_translate(seg_unit_t *s, const uint8_t *mem, uint32_t mem_size,
                                                               uint32_t stbr, uint32_t stlr, uint32_t va,
                                                               uint32_t size, access_t acc, priv_t priv,
                                                               seg_xlate_t *out);

#ifdef __cplusplus
}
#endif

#endif
