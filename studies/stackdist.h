/*
 * Mattson's stack distances in one pass (Mattson, Gecsei, Slutz and Traiger,
 * 1970; Cheetah's fully associative LRU simulator): the depth of each
 * referenced page in the LRU stack.  A fully associative LRU memory of N
 * entries misses exactly on the references whose distance exceeds N, so one
 * histogram of distances answers every size at once.
 *
 * The stack is not kept as a list.  Each page holds the time stamp of its
 * last reference; a Fenwick tree over stamps marks the stamps that are some
 * page's latest, so a distance is the count of marks from the page's stamp
 * on: O(log S) per reference, where S (the stamps in use) stays below
 * eight times the distinct pages, because the stamps are renumbered densely
 * whenever they run out.  Memory is O(distinct pages), whatever the trace's
 * length.
 *
 * Two histograms come out: the memory's (a page's distance since its last
 * reference) and the TLB's, where a flush (din label 4) empties the TLB, so a
 * page not referenced since the last flush misses whatever the size.
 */
#ifndef MMULAB_STACKDIST_H
#define MMULAB_STACKDIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../os/u64map.h"

typedef struct {
    u64map_t stamp_of;   /* page -> stamp of its last reference */
    uint32_t *tree;      /* Fenwick tree over stamps 1..cap      */
    uint64_t *page_at;   /* page whose stamp this was            */
    size_t cap, next;    /* stamps 1..next-1 handed out          */
    size_t live;         /* distinct pages = marks in the tree   */
    size_t flush_stamp;  /* stamps up to this one precede the last flush */
    uint32_t max_distance;     /* histograms count distances 1..max; deeper ones in [max+1] */
    uint64_t *hist, *tlb_hist; /* [max_distance + 2] each           */
    uint64_t references, distinct, tlb_cold;
    bool oom;
} stackdist_t;

/* Distances up to max_distance are told apart.  False if out of memory. */
bool stackdist_init(stackdist_t *sd, uint32_t max_distance);
void stackdist_free(stackdist_t *sd);

/* One reference to page; false if out of memory. */
bool stackdist_access(stackdist_t *sd, uint64_t page);

/* A TLB flush (din label 4). */
static inline void stackdist_flush(stackdist_t *sd) { sd->flush_stamp = sd->next - 1; }

/* Misses of a fully associative LRU memory of `frames` pages (0: unbounded,
 * only the first references); frames <= max_distance. */
uint64_t stackdist_misses(const stackdist_t *sd, uint32_t frames);

/* Misses of a fully associative LRU TLB of `entries` in front of a fully
 * associative LRU memory of `frames` (0: unbounded) whose evictions
 * invalidate the TLB's entry: a TLB hit needs the page within both. */
uint64_t stackdist_tlb_misses(const stackdist_t *sd, uint32_t entries, uint32_t frames);

#endif
