/*
 * Partitions and holes, kept as one address-ordered array of blocks.
 */
#include "partition.h"

#include <stdlib.h>
#include <string.h>

const char *const fit_name[FIT_COUNT] = {"first", "best", "worst", "next"};

/* Make room for `extra` more blocks. */
static void reserve(partitions_t *p, int extra)
{
    if (p->nblocks + extra <= p->cap)
        return;
    while (p->cap < p->nblocks + extra)
        p->cap = p->cap ? 2 * p->cap : 16;
    block_t *grown = realloc(p->blocks, (size_t)p->cap * sizeof *grown);
    if (!grown)
        abort(); /* host out of memory: nothing sensible to model */
    p->blocks = grown;
}

void partitions_init(partitions_t *p, uint32_t start, uint32_t end, uint32_t granule, fit_t fit)
{
    memset(p, 0, sizeof *p);
    p->start = start;
    p->end = end;
    p->granule = granule ? granule : 1;
    p->fit = fit;
    p->next_from = start;
    if (end > start) {
        reserve(p, 1);
        p->blocks[0] = (block_t){start, end - start, 0, 0};
        p->nblocks = 1;
    }
}

bool partitions_init_fixed(partitions_t *p, uint32_t start, uint32_t end, const uint32_t *sizes, int n, fit_t fit)
{
    partitions_init(p, start, start, 1, fit);
    p->end = end;
    p->fixed = true;
    uint64_t at = start;
    for (int i = 0; i < n; i++) {
        if (!sizes[i] || at + sizes[i] > end)
            return false;
        reserve(p, 1);
        p->blocks[p->nblocks++] = (block_t){(uint32_t)at, sizes[i], 0, 0};
        at += sizes[i];
    }
    return true;
}

void partitions_free_all(partitions_t *p)
{
    free(p->blocks);
    memset(p, 0, sizeof *p);
}

static uint32_t round_to_granule(const partitions_t *p, uint32_t bytes)
{
    uint64_t r = ((uint64_t)bytes + p->granule - 1) / p->granule * p->granule;
    return r > UINT32_MAX ? UINT32_MAX : (uint32_t)r;
}

/* Index of the hole to use under the fit policy, or -1. */
static int choose_hole(const partitions_t *p, uint32_t size)
{
    int chosen = -1;
    int first = 0;
    if (p->fit == FIT_NEXT) /* start at the block holding next_from, wrap around */
        while (first < p->nblocks - 1 && p->blocks[first].start + p->blocks[first].size <= p->next_from)
            first++;
    for (int k = 0; k < p->nblocks; k++) {
        int i = (first + k) % p->nblocks;
        const block_t *b = &p->blocks[i];
        if (b->owner || b->size < size)
            continue;
        if (p->fit == FIT_FIRST || p->fit == FIT_NEXT)
            return i;
        if (chosen < 0 || (p->fit == FIT_BEST ? b->size < p->blocks[chosen].size : b->size > p->blocks[chosen].size))
            chosen = i;
    }
    return chosen;
}

/* Give the first `size` bytes of hole i to owner, splitting off the rest. */
static uint32_t take_from_hole(partitions_t *p, int i, uint32_t offset, uint32_t size, uint32_t requested, int owner)
{
    reserve(p, 2);
    block_t hole = p->blocks[i];
    block_t parts[3];
    int n = 0;
    if (offset)
        parts[n++] = (block_t){hole.start, offset, 0, 0};
    parts[n++] = (block_t){hole.start + offset, size, owner, requested};
    if (hole.size > offset + size)
        parts[n++] = (block_t){hole.start + offset + size, hole.size - offset - size, 0, 0};
    memmove(&p->blocks[i + n], &p->blocks[i + 1], (size_t)(p->nblocks - i - 1) * sizeof(block_t));
    memcpy(&p->blocks[i], parts, (size_t)n * sizeof(block_t));
    p->nblocks += n - 1;
    p->next_from = hole.start + offset + size;
    return hole.start + offset;
}

uint32_t partitions_alloc(partitions_t *p, uint32_t bytes, int owner)
{
    uint32_t size = round_to_granule(p, bytes ? bytes : 1);
    int i = choose_hole(p, size);
    if (i < 0)
        return UINT32_MAX;
    if (p->fixed) { /* the whole partition: what is left of it is internal fragmentation */
        p->blocks[i].owner = owner;
        p->blocks[i].requested = bytes;
        p->next_from = p->blocks[i].start + p->blocks[i].size;
        return p->blocks[i].start;
    }
    return take_from_hole(p, i, 0, size, bytes, owner);
}

bool partitions_alloc_at(partitions_t *p, uint32_t base, uint32_t bytes, int owner)
{
    uint32_t size = round_to_granule(p, bytes ? bytes : 1);
    if (p->fixed) /* only a whole free partition starting there */
        for (int i = 0; i < p->nblocks; i++)
            if (p->blocks[i].start == base && !p->blocks[i].owner && p->blocks[i].size >= size) {
                p->blocks[i].owner = owner;
                p->blocks[i].requested = bytes;
                return true;
            }
    if (p->fixed)
        return false;
    for (int i = 0; i < p->nblocks; i++) {
        const block_t *b = &p->blocks[i];
        if (b->owner || base < b->start || (uint64_t)base + size > (uint64_t)b->start + b->size)
            continue;
        take_from_hole(p, i, base - b->start, size, bytes, owner);
        return true;
    }
    return false;
}

static void merge_with_next(partitions_t *p, int i)
{
    if (p->fixed || i < 0 || i + 1 >= p->nblocks || p->blocks[i].owner || p->blocks[i + 1].owner)
        return;
    p->blocks[i].size += p->blocks[i + 1].size;
    memmove(&p->blocks[i + 1], &p->blocks[i + 2], (size_t)(p->nblocks - i - 2) * sizeof(block_t));
    p->nblocks--;
}

bool partitions_free(partitions_t *p, uint32_t base)
{
    for (int i = 0; i < p->nblocks; i++)
        if (p->blocks[i].start == base && p->blocks[i].owner) {
            p->blocks[i].owner = 0;
            p->blocks[i].requested = 0;
            merge_with_next(p, i);
            merge_with_next(p, i - 1);
            return true;
        }
    return false;
}

int partitions_owner(const partitions_t *p, uint32_t a)
{
    for (int i = 0; i < p->nblocks; i++)
        if (a >= p->blocks[i].start && a - p->blocks[i].start < p->blocks[i].size)
            return p->blocks[i].owner;
    return -1;
}

uint32_t partitions_base_of(const partitions_t *p, int owner)
{
    for (int i = 0; i < p->nblocks; i++)
        if (p->blocks[i].owner == owner)
            return p->blocks[i].start;
    return UINT32_MAX;
}

uint32_t partitions_holes(const partitions_t *p, uint32_t *free_bytes, uint32_t *largest)
{
    uint32_t holes = 0, total = 0, big = 0;
    for (int i = 0; i < p->nblocks; i++)
        if (!p->blocks[i].owner) {
            holes++;
            total += p->blocks[i].size;
            if (p->blocks[i].size > big)
                big = p->blocks[i].size;
        }
    if (free_bytes)
        *free_bytes = total;
    if (largest)
        *largest = big;
    return holes;
}

void partitions_usage(const partitions_t *p, uint64_t *requested, uint64_t *allocated)
{
    uint64_t asked = 0, given = 0;
    for (int i = 0; i < p->nblocks; i++)
        if (p->blocks[i].owner) {
            asked += p->blocks[i].requested;
            given += p->blocks[i].size;
        }
    *requested = asked;
    *allocated = given;
}

uint64_t partitions_compact(partitions_t *p, partition_moved_fn moved, void *ctx)
{
    if (p->fixed)
        return 0; /* MFT: partitions stay where they were cut */
    uint64_t bytes_moved = 0;
    uint32_t cursor = p->start;
    int kept = 0;
    for (int i = 0; i < p->nblocks; i++) {
        block_t b = p->blocks[i];
        if (!b.owner)
            continue;
        if (b.start != cursor) {
            if (moved)
                moved(ctx, b.owner, b.start, cursor, b.size);
            bytes_moved += b.size;
            b.start = cursor;
        }
        p->blocks[kept++] = b;
        cursor += b.size;
    }
    if (cursor < p->end)
        p->blocks[kept++] = (block_t){cursor, p->end - cursor, 0, 0};
    p->nblocks = kept;
    p->next_from = p->start;
    return bytes_moved;
}
