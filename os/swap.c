/*
 * The backing store (the seed's slides 27-29): host memory standing in for
 * the swap area of a disk.  A map from (pid, vpn) to a slot holds the copy of
 * every page that was ever written out; a page read back keeps its copy, so
 * a clean page can later be dropped and read again.  Slots are reused after
 * a process ends.  What a transfer costs is the pager's business (it charges
 * timing_disk_cycles per page); this file only keeps the bytes.
 */
#include <stdlib.h>
#include <string.h>

#include "paging.h"

static uint64_t swap_key(int pid, uint32_t vpn) { return (uint64_t)(uint32_t)pid << 32 | vpn; }

bool swap_init(swap_t *s, uint32_t page_size)
{
    memset(s, 0, sizeof *s);
    s->page_size = page_size;
    return u64map_init(&s->slots, 64);
}

void swap_free_all(swap_t *s)
{
    for (uint32_t i = 0; i < s->nslots; i++)
        free(s->pages[i]);
    free(s->pages);
    free(s->free_list);
    u64map_free(&s->slots);
    memset(s, 0, sizeof *s);
}

const uint8_t *swap_get(const swap_t *s, int pid, uint32_t vpn)
{
    uint64_t slot = u64map_get(&s->slots, swap_key(pid, vpn), U64MAP_EMPTY);
    return slot == U64MAP_EMPTY ? NULL : s->pages[slot];
}

/* A slot for a new copy: a freed one, or a new one.  UINT32_MAX if out of memory. */
static uint32_t new_slot(swap_t *s)
{
    if (s->nfree)
        return s->free_list[--s->nfree];
    if (s->nslots == s->cap) {
        uint32_t cap = s->cap ? 2 * s->cap : 16;
        uint8_t **pages = realloc(s->pages, cap * sizeof *pages);
        uint32_t *free_list = realloc(s->free_list, cap * sizeof *free_list);
        if (pages)
            s->pages = pages;
        if (free_list)
            s->free_list = free_list;
        if (!pages || !free_list)
            return UINT32_MAX;
        s->cap = cap;
    }
    if (!(s->pages[s->nslots] = malloc(s->page_size)))
        return UINT32_MAX;
    return s->nslots++;
}

uint8_t *swap_slot(swap_t *s, int pid, uint32_t vpn)
{
    uint64_t key = swap_key(pid, vpn);
    uint64_t slot = u64map_get(&s->slots, key, U64MAP_EMPTY);
    if (slot == U64MAP_EMPTY) {
        uint32_t fresh = new_slot(s);
        if (fresh == UINT32_MAX || !u64map_put(&s->slots, key, fresh))
            return NULL;
        slot = fresh;
    }
    return s->pages[slot];
}

bool swap_put(swap_t *s, int pid, uint32_t vpn, const uint8_t *page)
{
    uint8_t *copy = swap_slot(s, pid, vpn);
    if (copy)
        memcpy(copy, page, s->page_size);
    return copy != NULL;
}

void swap_drop(swap_t *s, int pid, uint32_t vpn)
{
    uint64_t key = swap_key(pid, vpn);
    uint64_t slot = u64map_get(&s->slots, key, U64MAP_EMPTY);
    if (slot == U64MAP_EMPTY)
        return;
    u64map_remove(&s->slots, key);
    s->free_list[s->nfree++] = (uint32_t)slot;
}
