/*
 * Mattson's stack algorithm with the stack cut into bands at the sizes asked
 * for (see stackdist.h).
 */
#include "stackdist.h"

#include <stdlib.h>
#include <string.h>

#include "../obs/din.h"

#define NIL UINT32_MAX
#define NO_PAGE UINT64_MAX

static inline size_t slot_of(const stackdist_t *sd, uint64_t page)
{
    return (size_t)((page * 0x9e3779b97f4a7c15ull) >> 17) & sd->mask;
}

static bool alloc_index(stackdist_t *sd, size_t slots)
{
    sd->keys = malloc(slots * sizeof *sd->keys);
    sd->index = malloc(slots * sizeof *sd->index);
    if (!sd->keys || !sd->index)
        return false;
    memset(sd->keys, 0xff, slots * sizeof *sd->keys); /* NO_PAGE */
    sd->mask = slots - 1;
    return true;
}

/* The slot of page, or the empty slot where it would go. */
static inline size_t find_slot(const stackdist_t *sd, uint64_t page)
{
    size_t i = slot_of(sd, page);
    while (sd->keys[i] != page && sd->keys[i] != NO_PAGE)
        i = (i + 1) & sd->mask;
    return i;
}

/* Keep the index at most half full: rehash every page into twice the slots. */
static bool grow_index(stackdist_t *sd)
{
    uint64_t *keys = sd->keys;
    uint32_t *index = sd->index;
    size_t slots = sd->mask + 1;
    if (!alloc_index(sd, 2 * slots)) {
        free(sd->keys);
        free(sd->index);
        sd->keys = keys;
        sd->index = index;
        sd->mask = slots - 1;
        return false;
    }
    for (size_t i = 0; i < slots; i++)
        if (keys[i] != NO_PAGE) {
            size_t j = find_slot(sd, keys[i]);
            sd->keys[j] = keys[i];
            sd->index[j] = index[i];
        }
    free(keys);
    free(index);
    return true;
}

static int ascending(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

bool stackdist_init(stackdist_t *sd, const uint32_t *sizes, int n)
{
    memset(sd, 0, sizeof *sd);
    if (n < 1 || n > STACKDIST_MAX_SIZES)
        return false;
    memcpy(sd->size, sizes, (size_t)n * sizeof *sizes);
    qsort(sd->size, (size_t)n, sizeof *sd->size, ascending);
    int k = 0;
    for (int i = 0; i < n; i++)
        if (sd->size[i] && (k == 0 || sd->size[i] != sd->size[k - 1]))
            sd->size[k++] = sd->size[i];
    sd->size[k] = UINT32_MAX; /* the band below every size */
    sd->nbands = k + 1;
    for (int b = 0; b < sd->nbands; b++)
        sd->width[b] = sd->size[b] - (b ? sd->size[b - 1] : 0);
    for (int b = 0; b < sd->nbands; b++)
        sd->last[b] = NIL;
    sd->top = NIL;
    sd->cap = 1024;
    sd->node = malloc(sd->cap * sizeof *sd->node);
    if (!k || !sd->node || !alloc_index(sd, 2 * sd->cap)) {
        stackdist_free(sd);
        return false;
    }
    return true;
}

void stackdist_free(stackdist_t *sd)
{
    free(sd->node);
    free(sd->keys);
    free(sd->index);
    memset(sd, 0, sizeof *sd);
}

static uint32_t new_node(stackdist_t *sd, uint64_t page)
{
    if (sd->nnodes == sd->cap) {
        stackdist_node_t *grown = sd->cap < NIL / 2 ? realloc(sd->node, 2 * sd->cap * sizeof *grown) : NULL;
        if (!grown)
            return NIL;
        sd->node = grown;
        sd->cap *= 2;
    }
    sd->node[sd->nnodes].page = page;
    sd->distinct++;
    return sd->nnodes++;
}

/* Take node i (in band b) out of the list.  Its band's count is left as it
 * is: the page pushed down from the band above takes its place. */
static void unlink_node(stackdist_t *sd, uint32_t i, uint32_t b)
{
    stackdist_node_t *n = &sd->node[i];
    if (sd->last[b] == i)
        sd->last[b] = sd->count[b] > 1 ? n->prev : NIL;
    if (n->prev != NIL)
        sd->node[n->prev].next = n->next;
    else
        sd->top = n->next;
    if (n->next != NIL)
        sd->node[n->next].prev = n->prev;
}

static void put_on_top(stackdist_t *sd, uint32_t i)
{
    stackdist_node_t *n = &sd->node[i];
    n->prev = NIL;
    n->next = sd->top;
    n->band = 0;
    n->epoch = sd->epoch;
    if (sd->top != NIL)
        sd->node[sd->top].prev = i;
    sd->top = i;
}

/* The deepest page of band b goes to the top of band b + 1 (the caller
 * sets band b + 1's last page if it was empty); returns it. */
static inline uint32_t push_down(stackdist_t *sd, int b)
{
    uint32_t m = sd->last[b];
    sd->node[m].band = (uint32_t)b + 1;
    sd->last[b] = sd->node[m].prev;
    return m;
}

/* A page found in band b: every band above it is full, and stays so once
 * each has handed its deepest page down (no count changes). */
static void move_to_top(stackdist_t *sd, uint32_t i, uint32_t b)
{
    unlink_node(sd, i, b);
    put_on_top(sd, i);
    uint32_t m = i;
    int k = 0;
    for (; k + 1 < (int)b; k += 2) { /* two at a time: the loop's own cost is a third of it */
        push_down(sd, k);
        m = push_down(sd, k + 1);
    }
    if (k < (int)b)
        m = push_down(sd, k);
    if (sd->last[b] == NIL) /* i was alone in its band */
        sd->last[b] = m;
}

/* A new page: bands hand their deepest pages down until one has room. */
static void add_on_top(stackdist_t *sd, uint32_t i)
{
    put_on_top(sd, i);
    int b = 0;
    uint32_t m = i;
    while (b + 1 < sd->nbands && sd->count[b] == sd->width[b])
        m = push_down(sd, b++);
    if (sd->count[b]++ == 0)
        sd->last[b] = m;
}

static inline __attribute__((always_inline)) void hit(stackdist_t *sd, uint32_t i)
{
    uint32_t b = sd->node[i].band;
    sd->hits[b]++;
    sd->tlb_hits[b] += sd->node[i].epoch == sd->epoch;
    move_to_top(sd, i, b);
}

static inline __attribute__((always_inline)) bool access_page(stackdist_t *sd, uint64_t page)
{
    uint32_t top = sd->top;
    if (top != NIL && sd->node[top].page == page) { /* depth 1: nothing moves */
        stackdist_node_t *n = &sd->node[top];
        sd->hits[0]++;
        sd->tlb_hits[0] += n->epoch == sd->epoch;
        n->epoch = sd->epoch;
        return true;
    }
    uint32_t second = top != NIL ? sd->node[top].next : NIL;
    if (second != NIL && sd->node[second].page == page) { /* depth 2, common in fetch-data traces */
        hit(sd, second);
        return true;
    }
    size_t slot = find_slot(sd, page);
    if (sd->keys[slot] == page) {
        hit(sd, sd->index[slot]);
        return true;
    }
    uint32_t i = new_node(sd, page);
    if (i == NIL || (2 * (sd->nnodes + 1) > sd->mask + 1 && !grow_index(sd)))
        return !(sd->oom = true);
    slot = find_slot(sd, page);
    sd->keys[slot] = page;
    sd->index[slot] = i;
    add_on_top(sd, i);
    return true;
}

bool stackdist_access(stackdist_t *sd, uint64_t page)
{
    sd->references++;
    return access_page(sd, page);
}

uint64_t stackdist_replay(stackdist_t *sd, const din_ref_t *refs, size_t n, uint32_t page_shift)
{
    uint64_t flushes = 0;
    for (size_t i = 0; i < n; i++) {
        if (refs[i].label == DIN_FLUSH) {
            stackdist_flush(sd);
            flushes++;
        } else {
            access_page(sd, refs[i].addr >> page_shift);
        }
    }
    sd->references += n - flushes;
    return flushes;
}

/* The band whose deepest depth is `size`; nbands if it is not a size given. */
static int band_of(const stackdist_t *sd, uint32_t size)
{
    int b = 0;
    while (b + 1 < sd->nbands && sd->size[b] != size)
        b++;
    return b + 1 < sd->nbands ? b : sd->nbands;
}

/* References within depth `size` (a size given), counted by `hits`. */
static uint64_t within(const stackdist_t *sd, const uint64_t *hits, uint32_t size)
{
    uint64_t n = 0;
    int k = band_of(sd, size);
    if (k == sd->nbands)
        abort(); /* the caller asked for a size it did not give: a bug, not input */
    for (int b = 0; b <= k; b++)
        n += hits[b];
    return n;
}

uint64_t stackdist_misses(const stackdist_t *sd, uint32_t frames)
{
    return frames ? sd->references - within(sd, sd->hits, frames) : sd->distinct;
}

uint64_t stackdist_tlb_misses(const stackdist_t *sd, uint32_t entries, uint32_t frames)
{
    return sd->references - within(sd, sd->tlb_hits, frames && frames < entries ? frames : entries);
}
