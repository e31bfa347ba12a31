/*
 * Stack distances with a Fenwick tree over renumbered time stamps (see
 * stackdist.h).
 */
#include "stackdist.h"

#include <stdlib.h>
#include <string.h>

#define MIN_STAMPS 4096

static uint32_t prefix(const stackdist_t *sd, size_t i)
{
    uint32_t sum = 0;
    for (; i; i &= i - 1)
        sum += sd->tree[i];
    return sum;
}

static void add(stackdist_t *sd, size_t i, int32_t v)
{
    for (; i <= sd->cap; i += i & -i)
        sd->tree[i] += (uint32_t)v;
}

/* Renumber the live stamps 1..live in order into tables sized for the
 * distinct pages, and rebuild the tree (every stamp 1..live marked). */
static bool compact(stackdist_t *sd)
{
    size_t cap = 8 * (sd->live + 1) > MIN_STAMPS ? 8 * (sd->live + 1) : MIN_STAMPS;
    uint64_t *page_at = malloc((cap + 1) * sizeof *page_at);
    uint32_t *tree = malloc((cap + 1) * sizeof *tree);
    if (!page_at || !tree) {
        free(page_at);
        free(tree);
        return false;
    }
    size_t k = 0, flush = 0;
    for (size_t s = 1; s < sd->next; s++) {
        bool added;
        uint64_t *stamp = u64map_ref(&sd->stamp_of, sd->page_at[s], 0, &added); /* never added: pages are keys */
        if (*stamp != s)
            continue; /* not the page's latest */
        page_at[++k] = sd->page_at[s];
        *stamp = k;
        if (s <= sd->flush_stamp)
            flush = k;
    }
    for (size_t i = 1; i <= cap; i++) {
        size_t low = i - (i & -i), high = i < k ? i : k;
        tree[i] = high > low ? (uint32_t)(high - low) : 0;
    }
    free(sd->page_at);
    free(sd->tree);
    sd->page_at = page_at;
    sd->tree = tree;
    sd->cap = cap;
    sd->next = k + 1;
    sd->flush_stamp = flush;
    return true;
}

bool stackdist_init(stackdist_t *sd, uint32_t max_distance)
{
    memset(sd, 0, sizeof *sd);
    sd->max_distance = max_distance;
    sd->next = 1;
    sd->hist = calloc((size_t)max_distance + 2, sizeof *sd->hist);
    sd->tlb_hist = calloc((size_t)max_distance + 2, sizeof *sd->tlb_hist);
    if (!sd->hist || !sd->tlb_hist || !u64map_init(&sd->stamp_of, 1024) || !compact(sd)) {
        stackdist_free(sd);
        return false;
    }
    return true;
}

void stackdist_free(stackdist_t *sd)
{
    free(sd->hist);
    free(sd->tlb_hist);
    free(sd->tree);
    free(sd->page_at);
    if (sd->stamp_of.keys)
        u64map_free(&sd->stamp_of);
    memset(sd, 0, sizeof *sd);
}

bool stackdist_access(stackdist_t *sd, uint64_t page)
{
    if (sd->next > sd->cap && !compact(sd))
        return !(sd->oom = true);
    sd->references++;
    bool added;
    uint64_t *stamp = u64map_ref(&sd->stamp_of, page, 0, &added);
    if (!stamp)
        return !(sd->oom = true);
    if (added) {
        sd->distinct++;
        sd->live++;
    } else {
        size_t s = (size_t)*stamp;
        bool since_flush = s > sd->flush_stamp;
        if (s == sd->next - 1 && since_flush) { /* the top of the stack stays there */
            sd->hist[1]++;
            sd->tlb_hist[1]++;
            return true;
        }
        size_t d = sd->live - prefix(sd, s - 1);
        size_t bucket = d > sd->max_distance ? sd->max_distance + 1 : d;
        sd->hist[bucket]++;
        if (since_flush)
            sd->tlb_hist[bucket]++;
        else
            sd->tlb_cold++;
        add(sd, s, -1);
    }
    size_t s = sd->next++;
    sd->page_at[s] = page;
    *stamp = s;
    add(sd, s, 1);
    return true;
}

/* References deeper than depth (depth <= max_distance). */
static uint64_t deeper(const uint64_t *hist, uint32_t max_distance, uint32_t depth)
{
    uint64_t n = 0;
    for (uint32_t d = depth + 1; d <= max_distance + 1; d++)
        n += hist[d];
    return n;
}

uint64_t stackdist_misses(const stackdist_t *sd, uint32_t frames)
{
    return sd->distinct + (frames ? deeper(sd->hist, sd->max_distance, frames) : 0);
}

uint64_t stackdist_tlb_misses(const stackdist_t *sd, uint32_t entries, uint32_t frames)
{
    uint32_t depth = frames && frames < entries ? frames : entries;
    return sd->distinct + sd->tlb_cold + deeper(sd->tlb_hist, sd->max_distance, depth);
}
