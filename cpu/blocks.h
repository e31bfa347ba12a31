/*
 * The block cache: instructions decoded once, in runs that end at a control
 * transfer, so the interpreter's fast path skips fetching, decoding and the
 * budget check for all but the first instruction of a run.
 *
 * It is a host-side speed device and must never change what is observed:
 * a block is keyed by the physical address of its first instruction, never
 * crosses a CODE_GRANULE, and any write into a granule that holds decoded
 * code (a guest store, the loader, the OS) bumps that granule's generation,
 * which retires its blocks (self-modifying code runs as written).  Timing,
 * traps and the fetch translation of every instruction stay the reference
 * interpreter's (cpu.c).
 */
#ifndef MMULAB_BLOCKS_H
#define MMULAB_BLOCKS_H

#include "cpu_internal.h"

#define BLOCK_MAX 32
#define BLOCK_CACHE_SIZE 4096 /* blocks, direct-mapped by physical address */

/* A decoded instruction. */
typedef struct {
    uint8_t op, ra, rb;
    uint8_t size;  /* bytes moved by its data access */
    uint32_t imm;  /* widened as the ISA table says */
    uint32_t raw;
    uint32_t cost; /* cycles when it completes without a TLB miss */
    /* prefix sums through this instruction, for a block that stops early */
    uint32_t cum_cost, cum_loads, cum_stores;
} decoded_t;

struct block {
    uint32_t pa;   /* physical address of the first instruction */
    uint32_t gen;  /* its granule's generation when decoded       */
    uint32_t n;    /* instructions; 0 = empty slot                 */
    uint64_t cost; /* cycles of the whole block without misses     */
    decoded_t insn[BLOCK_MAX];
};

static inline decoded_t decode(const cmodel_t *cm, uint32_t insn)
{
    unsigned op = isa_opcode(insn);
    return (decoded_t){(uint8_t)op,    (uint8_t)isa_ra(insn), (uint8_t)isa_rb(insn), isa_info[op].size, isa_imm(insn),
                       insn,           cm->cost[op],          0,                     0,                 0};
}

bool block_cache_create(cmodel_t *cm);
void block_cache_destroy(cmodel_t *cm);
/* Forget every block (the per-opcode costs changed). */
void block_cache_flush(cmodel_t *cm);
/* Decode the block starting at pa into slot b (slow path of block_lookup). */
const block_t *block_decode(cmodel_t *cm, block_t *b, uint32_t pa);

/* The block starting at pa, decoding it if needed. */
static inline const block_t *block_lookup(cmodel_t *cm, uint32_t pa)
{
    block_t *b = &cm->blocks[(pa >> 2) & (BLOCK_CACHE_SIZE - 1)];
    if (__builtin_expect(b->pa == pa && b->n && b->gen == cm->code_gen[pa >> CODE_GRANULE_SHIFT], 1))
        return b;
    return block_decode(cm, b, pa);
}

#endif
