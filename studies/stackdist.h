/*
 * Mattson's stack algorithm in one pass (Mattson, Gecsei, Slutz and Traiger,
 * 1970; Cheetah's fully associative LRU simulator): a fully associative LRU
 * memory of N entries holds exactly the top N pages of the LRU stack, so a
 * reference misses in it exactly when its stack distance (its page's depth in
 * the stack) exceeds N, and one pass over the references answers every size
 * at once.
 *
 * The sizes asked for cut the stack into bands: band 0 is depths 1..size[0],
 * band k depths size[k-1]+1..size[k], the last band everything deeper.  The
 * stack is a doubly linked list of pages, each page knowing its band, and each
 * band its last page.  A reference in band b moves its page to the top and
 * pushes the last page of each band above b one band down: O(1) to find the
 * page (a hash map) and O(b) to restore the bands, never a scan of the stack.
 * Counting references per band gives the misses of every size.  Memory is one
 * node per distinct page, whatever the trace's length.
 *
 * Two counts come out per band: the memory's and the TLB's, where a flush
 * (din label 4) empties the TLB, so a page not referenced since the last
 * flush misses in the TLB whatever its depth.
 */
#ifndef MMULAB_STACKDIST_H
#define MMULAB_STACKDIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define STACKDIST_MAX_SIZES 512

typedef struct {
    uint64_t page;
    uint32_t prev, next; /* toward the top, toward the bottom; STACKDIST_NIL at the ends */
    uint32_t band;
    uint32_t epoch;      /* flushes before its last reference */
} stackdist_node_t;

typedef struct {
    uint32_t size[STACKDIST_MAX_SIZES + 1]; /* ascending; the last band is unbounded */
    int nbands;                              /* sizes + 1                            */
    uint32_t last[STACKDIST_MAX_SIZES + 1];  /* each band's deepest page, or NIL     */
    uint32_t count[STACKDIST_MAX_SIZES + 1];  /* pages in each band                   */
    uint32_t width[STACKDIST_MAX_SIZES + 1];  /* the most it holds                    */
    uint64_t hits[STACKDIST_MAX_SIZES + 1];     /* references found in each band          */
    uint64_t tlb_hits[STACKDIST_MAX_SIZES + 1]; /* ... and referenced since the last flush */
    stackdist_node_t *node;
    uint32_t nnodes, cap, top;
    uint64_t *keys;      /* page -> node: open addressing, linear probing */
    uint32_t *index;     /*   (here, not os/u64map.c: this lookup is the hot path) */
    size_t mask;
    uint32_t epoch;
    uint64_t references, distinct;
    bool oom;
} stackdist_t;

/* Tell the sizes in sizes[0..n) apart (any order, repeats allowed, each >= 1).
 * False if out of memory or n is out of range. */
bool stackdist_init(stackdist_t *sd, const uint32_t *sizes, int n);
void stackdist_free(stackdist_t *sd);

/* One reference to page; false if out of memory. */
bool stackdist_access(stackdist_t *sd, uint64_t page);

/* A TLB flush (din label 4). */
static inline void stackdist_flush(stackdist_t *sd) { sd->epoch++; }

/* A batch of din records (obs/din.h): each reference's page (address >>
 * page_shift), each flush a flush.  Returns the flushes seen; sd->oom tells
 * whether memory ran out. */
struct din_ref;
uint64_t stackdist_replay(stackdist_t *sd, const struct din_ref *refs, size_t n, uint32_t page_shift);

/* Misses of a fully associative LRU memory of `frames` pages, one of the
 * sizes given (0: unbounded, only the first references). */
uint64_t stackdist_misses(const stackdist_t *sd, uint32_t frames);

/* Misses of a fully associative LRU TLB of `entries` in front of a fully
 * associative LRU memory of `frames` (0: unbounded) whose evictions
 * invalidate the TLB's entry: a hit needs the page within both, so within
 * min(entries, frames), which must be one of the sizes given. */
uint64_t stackdist_tlb_misses(const stackdist_t *sd, uint32_t entries, uint32_t frames);

#endif
