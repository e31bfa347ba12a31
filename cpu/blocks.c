/*
 * The block cache's slow side: decoding a block and retiring stale ones.
 */
#include "blocks.h"

#include <stdlib.h>
#include <string.h>

bool block_cache_create(cmodel_t *cm)
{
    size_t granules = ((size_t)cm->mem_size >> CODE_GRANULE_SHIFT) + 1;
    cm->blocks = calloc(BLOCK_CACHE_SIZE, sizeof *cm->blocks);
    cm->code_map = calloc(granules, 1);
    cm->code_gen = calloc(granules, sizeof *cm->code_gen);
    return cm->blocks && cm->code_map && cm->code_gen;
}

void block_cache_destroy(cmodel_t *cm)
{
    free(cm->blocks);
    free(cm->code_map);
    free(cm->code_gen);
}

void block_cache_flush(cmodel_t *cm)
{
    if (cm->blocks)
        for (int i = 0; i < BLOCK_CACHE_SIZE; i++)
            cm->blocks[i].n = 0;
    cm->link_epoch++;
}

void block_cache_invalidate(cmodel_t *cm, uint32_t pa, uint32_t len)
{
    if (!len)
        return;
    uint32_t last = (uint32_t)(((uint64_t)pa + len - 1) >> CODE_GRANULE_SHIFT);
    for (uint32_t g = pa >> CODE_GRANULE_SHIFT; g <= last; g++)
        if (cm->code_map[g]) {
            cm->code_map[g] = 0;
            cm->code_gen[g]++;
            cm->link_epoch++;
        }
}

/* Instructions after which the next one is not simply pc + 4, or that trap. */
static bool ends_block(unsigned op)
{
    const isa_info_t *info = &isa_info[op];
    return op == DECODED_ILLEGAL || info->cls == CLASS_BR || info->cls == CLASS_SYS;
}

enum { ALL_FLAGS = FLAG_Z | FLAG_N | FLAG_C | FLAG_V };

/* Flags an instruction sets. */
static unsigned flags_written(unsigned op)
{
    const isa_info_t *info = &isa_info[op];
    if (op == OP_INC || op == OP_DEC)
        return FLAG_Z | FLAG_N | FLAG_V; /* they keep C */
    if (info->cls == CLASS_MUL || info->cls == CLASS_DIV)
        return ALL_FLAGS;
    if (info->cls != CLASS_ALU || info->mem != MEM_NONE)
        return 0;
    switch (op) {
    case OP_LOADI: case OP_LUI: case OP_MOV: case OP_LEA: case OP_NOP: return 0;
    default: return ALL_FLAGS;
    }
}

/* Flags an instruction reads; one that may trap shows them all to the OS. */
static unsigned flags_read(unsigned op)
{
    const isa_info_t *info = &isa_info[op];
    switch (op) {
    case OP_JZ: case OP_JNZ: return FLAG_Z;
    case OP_JLT: case OP_JGE: return FLAG_N | FLAG_V;
    case OP_JLE: case OP_JGT: return FLAG_Z | FLAG_N | FLAG_V;
    case OP_JB: case OP_JAE: return FLAG_C;
    case OP_JBE: case OP_JA: return FLAG_C | FLAG_Z;
    default: break;
    }
    bool may_trap = op == DECODED_ILLEGAL || info->mem != MEM_NONE || info->cls == CLASS_DIV || info->cls == CLASS_SYS;
    return may_trap ? ALL_FLAGS : 0;
}

/* The lean variant of op for the flags `needed` of those it sets, or op. */
static uint8_t lean_variant(unsigned op, unsigned needed)
{
    static const struct { uint8_t op, nf, zn, znc; } lean[] = {
        {OP_ADD, DECODED_ADD_NF, DECODED_ADD_ZN, DECODED_ADD_ZNC},
        {OP_ADDI, DECODED_ADDI_NF, DECODED_ADDI_ZN, DECODED_ADDI_ZNC},
        {OP_SUB, DECODED_SUB_NF, DECODED_SUB_ZN, DECODED_SUB_ZNC},
        {OP_SUBI, DECODED_SUBI_NF, DECODED_SUBI_ZN, DECODED_SUBI_ZNC},
        {OP_INC, DECODED_INC_NF, DECODED_INC_ZN, 0},
        {OP_DEC, DECODED_DEC_NF, DECODED_DEC_ZN, 0},
        {OP_CMP, OP_NOP, 0, 0},
        {OP_CMPI, OP_NOP, 0, 0},
    };
    for (size_t i = 0; i < sizeof lean / sizeof lean[0]; i++) {
        if (lean[i].op != op)
            continue;
        if (!needed)
            return lean[i].nf;
        if (!(needed & ~(FLAG_Z | FLAG_N)) && lean[i].zn)
            return lean[i].zn;
        if (!(needed & FLAG_V) && lean[i].znc)
            return lean[i].znc;
        break;
    }
    return (uint8_t)op;
}

/* Backward liveness over the block: every flag is live at its end. */
static void lean_flags(block_t *b)
{
    unsigned live = ALL_FLAGS;
    b->cuts = 0;
    for (uint32_t i = b->n; i-- > 0;) {
        decoded_t *d = &b->insn[i];
        unsigned op = d->op, written = flags_written(op);
        d->op = lean_variant(op, written & live);
        live = (live & ~written) | flags_read(op);
        if (live == ALL_FLAGS) /* every flag's latest writer before i set it in full */
            b->cuts |= UINT32_C(1) << i;
    }
}

/* b->quiet_before: for each instruction, the run of instructions without a
 * data access that ends right before it, counted back round the loop the
 * block may make (the round before ends in the block's trailing ones). */
static void block_quiet_runs(block_t *b)
{
    const uint32_t n = b->n;
    uint32_t quiet = 0; /* before insn[0]: the block's trailing instructions without data */
    while (quiet < n && b->data_before[n - quiet] == b->data_before[n - quiet - 1])
        quiet++;
    for (uint32_t i = 0; i < n; i++) {
        b->quiet_before[i] = (uint8_t)(quiet < n - 1 ? quiet : n - 1);
        quiet = b->data_before[i + 1] != b->data_before[i] ? 0 : quiet + 1;
    }
}

block_t *block_decode(cmodel_t *cm, block_t *b, uint32_t pa)
{
    if ((uint64_t)pa + 4 > cm->mem_size)
        return NULL;
    uint32_t granule = pa >> CODE_GRANULE_SHIFT;
    uint32_t granule_end = (granule + 1) << CODE_GRANULE_SHIFT;
    cm->link_epoch++; /* the slot's old block may be linked to */
    b->pa = pa;
    b->gen = cm->code_gen[granule];
    b->n = 0;
    b->cost = 0;
    b->chain = NULL;
    b->chain_epoch = 0; /* the epoch is 1 or more by now */
    b->threaded_by = NULL;
    b->data_before[0] = 0;
    for (uint32_t a = pa; b->n < BLOCK_MAX && a + 4 <= granule_end && a + 4 <= cm->mem_size; a += 4) {
        uint32_t raw;
        memcpy(&raw, cm->mem + a, 4);
        decoded_t *d = &b->insn[b->n++];
        *d = decode(raw);
        const uint32_t cost = cm->cost[d->op]; /* cycles when it completes without a TLB miss */
        b->cost += cost;
        const decoded_t *prev = b->n > 1 ? d - 1 : NULL;
        d->cum_cost = (prev ? prev->cum_cost : 0) + cost;
        d->cum_loads = (uint16_t)((prev ? prev->cum_loads : 0) + (isa_info[d->op].mem == MEM_LOAD));
        d->cum_stores = (uint16_t)((prev ? prev->cum_stores : 0) + (isa_info[d->op].mem == MEM_STORE));
        b->data_before[b->n] = (uint8_t)(d->cum_loads + d->cum_stores);
        if (b->data_before[b->n] != b->data_before[b->n - 1])
            b->data_insn[b->data_before[b->n - 1]] = (uint8_t)(b->n - 1);
        if (ends_block(d->op))
            break;
    }
    b->insn[b->n] = (decoded_t){.op = DECODED_END};
    lean_flags(b);
    b->loads = b->insn[b->n - 1].cum_loads;
    b->stores = b->insn[b->n - 1].cum_stores;
    b->accesses = b->n + b->loads + b->stores;
    b->last_fetch = b->n + b->data_before[b->n - 1];
    b->counts = block_counts(b->n, b->loads, b->stores);
    block_quiet_runs(b);
    b->need = b->cost + (b->n == 1 ? b->cost == 0 : b->cost == b->insn[b->n - 2].cum_cost);
    cm->code_map[granule] = 1;
    return b;
}

uint32_t block_run_full(const cmodel_t *cm, uint32_t pa, decoded_t *insn, uint32_t k, uint8_t *lean_op,
                        const void *const *dispatch)
{
    uint32_t changed = 0;
    for (uint32_t i = 0; i < k; i++) {
        uint32_t raw; /* still what was decoded: a write there retires the block */
        memcpy(&raw, cm->mem + pa + 4 * i, 4);
        const uint8_t op = decode(raw).op;
        if (op == insn[i].op)
            continue;
        changed |= UINT32_C(1) << i;
        if (lean_op)
            lean_op[i] = insn[i].op;
        insn[i].op = op;
        insn[i].handler = dispatch[op];
    }
    return changed;
}

void block_run_lean(const block_stop_t *stop, const void *const *dispatch)
{
    for (uint32_t full = stop->full; full; full &= full - 1) {
        const int i = __builtin_ctz(full);
        stop->first[i].op = stop->lean_op[i];
        stop->first[i].handler = dispatch[stop->lean_op[i]];
    }
}
