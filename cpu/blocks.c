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
        }
}

/* Instructions after which the next one is not simply pc + 4, or that trap. */
static bool ends_block(unsigned op)
{
    const isa_info_t *info = &isa_info[op];
    return op == DECODED_ILLEGAL || info->cls == CLASS_BR || info->cls == CLASS_SYS;
}

block_t *block_decode(cmodel_t *cm, block_t *b, uint32_t pa)
{
    if ((uint64_t)pa + 4 > cm->mem_size)
        return NULL;
    uint32_t granule = pa >> CODE_GRANULE_SHIFT;
    uint32_t granule_end = (granule + 1) << CODE_GRANULE_SHIFT;
    b->pa = pa;
    b->gen = cm->code_gen[granule];
    b->n = 0;
    b->cost = 0;
    b->chain = NULL;
    for (uint32_t a = pa; b->n < BLOCK_MAX && a + 4 <= granule_end && a + 4 <= cm->mem_size; a += 4) {
        uint32_t raw;
        memcpy(&raw, cm->mem + a, 4);
        decoded_t *d = &b->insn[b->n++];
        *d = decode(cm, raw);
        b->cost += d->cost;
        const decoded_t *prev = b->n > 1 ? d - 1 : NULL;
        d->cum_cost = (prev ? prev->cum_cost : 0) + d->cost;
        d->cum_loads = (prev ? prev->cum_loads : 0) + (isa_info[d->op].mem == MEM_LOAD);
        d->cum_stores = (prev ? prev->cum_stores : 0) + (isa_info[d->op].mem == MEM_STORE);
        if (ends_block(d->op))
            break;
    }
    b->insn[b->n] = (decoded_t){.op = DECODED_END};
    b->loads = b->insn[b->n - 1].cum_loads;
    b->stores = b->insn[b->n - 1].cum_stores;
    cm->code_map[granule] = 1;
    return b;
}
