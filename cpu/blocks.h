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

#include <string.h>

#include "../mmu/tlb.h"
#include "cpu_internal.h"

#define BLOCK_MAX 32
#define BLOCK_CACHE_SIZE 4096 /* blocks, direct-mapped by physical address */

/* Decoded opcodes outside the ISA: every invalid opcode decodes to
 * DECODED_ILLEGAL, and each block ends with a DECODED_END sentinel, so the
 * dispatch covers all 256 values and needs no range check. */
#define DECODED_ILLEGAL 0xFE
#define DECODED_END 0xFF
/* A fast path's stop before an instruction that must not run in this round
 * (the run's last round, cut at its cycle limit: block_stop_at); put in
 * place of the instruction only while the block runs. */
#define DECODED_STOP 0xFD

/* Flag-lean variants the block decoder substitutes where its liveness pass
 * proves the flags an instruction would set are overwritten before anything
 * can read them (a branch, a later instruction, or a trap that shows the
 * state to the OS): _NF sets none, _ZN only Z and N, _ZNC Z, N and C.
 * Listed once; the interpreter's threaded dispatch (cpu.c) is built from it. */
#define DECODED_LEAN_TABLE(X)                                                                                  \
    X(ADD_NF) X(ADD_ZN) X(ADD_ZNC) X(ADDI_NF) X(ADDI_ZN) X(ADDI_ZNC) X(SUB_NF) X(SUB_ZN) X(SUB_ZNC) X(SUBI_NF) \
    X(SUBI_ZN) X(SUBI_ZNC) X(INC_NF) X(INC_ZN) X(DEC_NF) X(DEC_ZN)

enum {
    DECODED_LEAN_BEFORE = 0xDF, /* the lean variants are 0xE0 on */
#define DECODED_LEAN_ENUM(name) DECODED_##name,
    DECODED_LEAN_TABLE(DECODED_LEAN_ENUM)
#undef DECODED_LEAN_ENUM
};

/* A decoded instruction. */
typedef struct {
    uint8_t op, ra, rb;
    uint8_t size;  /* bytes moved by its data access */
    uint32_t imm;  /* widened as the ISA table says */
    const void *handler; /* its handler in the threaded dispatch of the fast
                            path that runs the block (block_thread), or NULL */
    /* prefix sums through this instruction, for a block that stops early */
    uint32_t cum_cost;
    uint16_t cum_loads, cum_stores;
    /* paged fast path: the shortcut (paged.h) its data access hit this time
     * round, whose entry the replacement updates at the block's end touch
     * (cpu.c); paged_no_shortcut when none (its entry NULL) */
    const paged_shortcut_t *shortcut;
} decoded_t;

_Static_assert(sizeof(decoded_t) == 32, "an index into a block should be a shift away");

struct block {
    uint32_t pa;   /* physical address of the first instruction */
    uint32_t gen;  /* its granule's generation when decoded       */
    uint32_t n;    /* instructions; 0 = empty slot                 */
    uint32_t loads, stores; /* data accesses of the whole block   */
    uint32_t cuts;          /* bit i: every flag is live before insn[i], so
                               a run may stop there with the flags as
                               stepping leaves them (lean variants before
                               any other place dropped flags it would show):
                               block_prefix, block_starting_below */
    uint32_t accesses;      /* paged: translations of one whole round,
                               fetches and data: n + loads + stores       */
    uint32_t last_fetch;    /* the place of the last instruction's fetch
                               among them, counting from 1                */
    uint64_t cost; /* cycles of the whole block without misses     */
    uint64_t need; /* cycles of room a whole round needs below a clock
                      limit: its cost, and one more if it ends in free
                      instructions (a timing may make one cost 0), which
                      start at its end and must start below the limit */
    block_t *chain; /* the block that followed last time (a hint)  */
    uint64_t chain_epoch; /* cm->link_epoch when chain was set (0: never) */
    uint32_t chain_step;  /* paged: the chain's virtual address less this
                             block's, when linked (a link on the same page) */
    uint32_t chain_pc;    /* contiguous: the chain's virtual address, when
                             linked (a run's base does not change)         */
    uint64_t counts;      /* n, loads and stores packed (block_counts)     */
    uint64_t chain_after; /* paged: the access clock after its latest run in
                             the chain whose TLB replay is held back
                             (run_paged, chain_replay); below that chain's
                             start when it did not run in it            */
    uint64_t chain_runs;  /* paged: its runs in that chain so far          */
    const void *const *threaded_by; /* the dispatch table of its handlers  */
    uint8_t data_before[BLOCK_MAX + 1]; /* data accesses of insn[0..i) */
    uint8_t data_insn[BLOCK_MAX];       /* the index of each instruction with a
                                           data access, in order (the paged
                                           block-end replay walks only these) */
    uint8_t quiet_before[BLOCK_MAX];    /* how many instructions right before insn[i],
                                           going back round the block's loop, make
                                           no data access (at most n - 1): a miss's
                                           test for unsettled data accesses */
    decoded_t insn[BLOCK_MAX + 1]; /* n instructions and the sentinel */
};

/* A block's instructions, loads and stores in one word, so that a run of
 * linked blocks sums them with one add (cpu.c's chain).  Each field holds
 * up to 2^BLOCK_COUNT_BITS - 1; the summer keeps its sums below that. */
#define BLOCK_COUNT_BITS 21
#define BLOCK_COUNT_MASK ((UINT64_C(1) << BLOCK_COUNT_BITS) - 1)
static inline uint64_t block_counts(uint64_t n, uint64_t loads, uint64_t stores)
{
    return n | loads << BLOCK_COUNT_BITS | stores << 2 * BLOCK_COUNT_BITS;
}

static inline decoded_t decode(uint32_t insn)
{
    unsigned op = isa_opcode(insn);
    return (decoded_t){.op = isa_info[op].valid ? (uint8_t)op : DECODED_ILLEGAL,
                       .ra = (uint8_t)isa_ra(insn),
                       .rb = (uint8_t)isa_rb(insn),
                       .size = isa_info[op].size,
                       .imm = isa_imm(insn),
                       .shortcut = &paged_no_shortcut};
}

bool block_cache_create(cmodel_t *cm);
void block_cache_destroy(cmodel_t *cm);
/* Forget every block (the per-opcode costs changed). */
void block_cache_flush(cmodel_t *cm);
/* Decode the block starting at pa into slot b (slow path of block_lookup). */
block_t *block_decode(cmodel_t *cm, block_t *b, uint32_t pa);

/* Give b's instructions their handlers from a fast path's dispatch table
 * (indexed by decoded opcode), if they come from another table. */
static inline void block_thread(block_t *b, const void *const *dispatch)
{
    if (__builtin_expect(b->threaded_by == dispatch, 1))
        return;
    for (uint32_t i = 0; i <= b->n; i++) /* the sentinel too */
        b->insn[i].handler = dispatch[b->insn[i].op];
    b->threaded_by = dispatch;
}

/* How many of b's instructions start less than `room` cycles after b does
 * (at least one): those the machine runs before a clock limit inside b. */
static inline uint32_t block_reach(const block_t *b, uint64_t room)
{
    uint32_t n = 1;
    while (n < b->n && b->insn[n - 1].cum_cost < room)
        n++;
    return n;
}

/*
 * A clock limit inside a block is met two ways, each where its runner's
 * accounting wants it: the contiguous runner adds a block's totals as a
 * whole, so it runs a copy whose totals are the prefix's (block_prefix);
 * the paged runner's replay and links name the block's own instructions, so
 * it stops the block in place for one round (block_stop_at).  Either stops
 * where stepping would, with the flags stepping leaves: where a flag is not
 * live (not a cut, b->cuts), the instructions before the stop that the
 * decoder gave a lean opcode (a variant of DECODED_LEAN_TABLE, or a CMP as
 * a NOP) run their instruction word's own opcode instead (block_run_full).
 */

/* Give insn[0..k), decoded from the words at physical address pa on, their
 * words' own opcodes and handlers where they hold lean ones; returns the
 * places changed (bit i), their lean opcodes in lean_op[i] unless NULL. */
uint32_t block_run_full(const cmodel_t *cm, uint32_t pa, decoded_t *insn, uint32_t k, uint8_t *lean_op,
                        const void *const *dispatch);

/* Instruction `at` of a block, replaced by DECODED_STOP for one round
 * (block_stop_at), and its own decoded opcode; the instructions before it
 * that run in full in that round (block_run_full) are bit i of `full`,
 * their lean opcodes in lean_op.  block_unstop puts all back. */
typedef struct {
    decoded_t *at;
    uint8_t op;
    uint32_t full;
    decoded_t *first;
    uint8_t lean_op[BLOCK_MAX];
} block_stop_t;

/* The instructions block_stop_at ran in full back to their lean opcodes. */
void block_run_lean(const block_stop_t *stop, const void *const *dispatch);

static inline block_stop_t block_stop_at(const cmodel_t *cm, block_t *b, uint32_t k, const void *const *dispatch)
{
    decoded_t *d = &b->insn[k];
    block_stop_t stop = {.at = d, .op = d->op, .first = b->insn};
    d->op = DECODED_STOP;
    d->handler = dispatch[DECODED_STOP];
    if (!(b->cuts >> k & 1)) /* else every flag is live there: nothing lean before it shows */
        stop.full = block_run_full(cm, b->pa, b->insn, k, stop.lean_op, dispatch);
    return stop;
}

static inline void block_unstop(const block_stop_t *stop, const void *const *dispatch)
{
    stop->at->op = stop->op;
    stop->at->handler = dispatch[stop->op];
    if (stop->full)
        block_run_lean(stop, dispatch);
}

/* Whether b's last instruction transfers control (else it ends at its
 * size or its granule's end, and goes on at the next address). */
static inline bool ends_in_transfer(const block_t *b)
{
    return isa_info[b->insn[b->n - 1].op].cls == CLASS_BR;
}

/*
 * Into `part`, the first instructions of b that start less than `room`
 * cycles after b does (the last may end beyond), and a sentinel: what
 * stepping runs of b before a clock limit inside it, with the flags it
 * leaves (block_run_full where the flags are not all live).  Its totals
 * are the prefix sums; only the contiguous fast path runs it, never linked
 * and never looked up.
 */
static inline block_t *block_prefix(const cmodel_t *cm, block_t *part, const block_t *b, uint64_t room,
                                    const void *const *dispatch)
{
    const uint32_t n = block_reach(b, room);
    const decoded_t *last = &b->insn[n - 1];
    memcpy(part->insn, b->insn, n * sizeof b->insn[0]);
    if (n < b->n && !(b->cuts >> n & 1))
        block_run_full(cm, b->pa, part->insn, n, NULL, dispatch);
    part->insn[n] = b->insn[b->n]; /* the sentinel, with its handler */
    part->pa = b->pa;
    part->n = n;
    part->cost = last->cum_cost;
    part->need = part->cost; /* it never ends in a free instruction: that one would start at room */
    part->loads = last->cum_loads;
    part->stores = last->cum_stores;
    part->counts = block_counts(n, last->cum_loads, last->cum_stores);
    part->chain = NULL;
    part->chain_epoch = 0;
    return part;
}

static inline bool block_valid(const cmodel_t *cm, const block_t *b, uint32_t pa)
{
    return b->pa == pa && b->n && b->gen == cm->code_gen[pa >> CODE_GRANULE_SHIFT];
}

/* The block starting at pa, decoding it if needed.  `hint` is a guess (the
 * block that followed the previous one last time), checked like any other. */
static inline block_t *block_lookup(cmodel_t *cm, block_t *hint, uint32_t pa)
{
    if (hint && __builtin_expect(block_valid(cm, hint, pa), 1))
        return hint;
    block_t *b = &cm->blocks[(pa >> 2) & (BLOCK_CACHE_SIZE - 1)];
    if (__builtin_expect(block_valid(cm, b, pa), 1))
        return b;
    return block_decode(cm, b, pa);
}

#endif
