/*
 * A small open-addressing hash map from 64-bit keys to 64-bit values, for
 * page numbers of traces (which may be 64-bit) and reference strings: which
 * pages are resident and where, which were ever touched, when a page is next
 * used.  Linear probing, backward-shift deletion, doubling at half load.
 * U64MAP_EMPTY (all ones) cannot be a key.
 */
#ifndef MMULAB_U64MAP_H
#define MMULAB_U64MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define U64MAP_EMPTY UINT64_MAX

typedef struct {
    uint64_t *keys, *values;
    size_t mask, count;
} u64map_t;

/* false if out of memory */
bool u64map_init(u64map_t *m, size_t expected);
void u64map_free(u64map_t *m);

/* The value of key, or `missing`. */
uint64_t u64map_get(const u64map_t *m, uint64_t key, uint64_t missing);
/* Insert or replace; false if out of memory. */
bool u64map_put(u64map_t *m, uint64_t key, uint64_t value);
/* The value of key for reading and writing, inserted as `initial` if absent
 * (*added tells which); valid until the next insertion.  NULL if out of memory. */
uint64_t *u64map_ref(u64map_t *m, uint64_t key, uint64_t initial, bool *added);
/* Remove key if present; true if it was. */
bool u64map_remove(u64map_t *m, uint64_t key);

#endif
