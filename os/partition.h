/*
 * Contiguous allocation: the OS's list of partitions and holes.
 *
 * Memory between `start` and `end` is divided into blocks, each allocated to
 * an owner or free (a hole).  Requests are rounded up to the granule (the
 * rounding is internal fragmentation), a hole is chosen by first, best,
 * worst or next fit (the seed's "dynamic storage-allocation problem"), and
 * adjacent holes merge when a partition is freed.
 */
#ifndef MMULAB_PARTITION_H
#define MMULAB_PARTITION_H

#include <stdbool.h>
#include <stdint.h>

typedef enum { FIT_FIRST, FIT_BEST, FIT_WORST, FIT_NEXT, FIT_COUNT } fit_t;
extern const char *const fit_name[FIT_COUNT];

typedef struct {
    uint32_t start, size;
    int owner;          /* > 0 a process, 0 free                        */
    uint32_t requested; /* bytes asked for (size - requested is internal) */
} block_t;

typedef struct {
    uint32_t start, end, granule;
    fit_t fit;
    int nblocks, cap;
    block_t *blocks;    /* sorted by address, covering [start, end)    */
    uint32_t next_from; /* next fit: where the last search stopped      */
    bool fixed;         /* MFT: blocks never split or merge; a process
                           takes a whole partition                     */
} partitions_t;

void partitions_init(partitions_t *p, uint32_t start, uint32_t end, uint32_t granule, fit_t fit);
void partitions_free_all(partitions_t *p);
/* MFT (the seed's fixed partitions): [start, end) cut once into partitions
 * of sizes[0..n-1] bytes, in that order, the rest unused; false if they do
 * not fit. */
bool partitions_init_fixed(partitions_t *p, uint32_t start, uint32_t end, const uint32_t *sizes, int n, fit_t fit);

/* Allocate `bytes` for owner; returns the base or UINT32_MAX if no hole fits. */
uint32_t partitions_alloc(partitions_t *p, uint32_t bytes, int owner);
/* Allocate exactly at `base` (if that range is a hole). */
bool partitions_alloc_at(partitions_t *p, uint32_t base, uint32_t bytes, int owner);
/* Free the partition starting at base; merges with neighbouring holes. */
bool partitions_free(partitions_t *p, uint32_t base);
/* Base of owner's (first) partition, or UINT32_MAX if it has none. */
uint32_t partitions_base_of(const partitions_t *p, int owner);
/* Owner of the block holding address a: pid, 0 free, -1 outside. */
int partitions_owner(const partitions_t *p, uint32_t a);

uint32_t partitions_holes(const partitions_t *p, uint32_t *free_bytes, uint32_t *largest);

/* Bytes asked for and bytes handed out over the allocated partitions: the
 * difference is internal fragmentation (the granule's rounding). */
void partitions_usage(const partitions_t *p, uint64_t *requested, uint64_t *allocated);

/* Told about one partition that compaction slid down from old_base to new_base. */
typedef void (*partition_moved_fn)(void *ctx, int owner, uint32_t old_base, uint32_t new_base, uint32_t size);

/* Compaction: slide every partition, in address order, down against the one
 * before it, so all free memory becomes one hole at the top.  Each moved
 * partition is reported to `moved` (may be NULL) in address order, so a
 * caller copying memory in that order never overwrites what it has still to
 * copy.  Returns the bytes moved. */
uint64_t partitions_compact(partitions_t *p, partition_moved_fn moved, void *ctx);

#endif
