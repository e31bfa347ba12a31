/*
 * Open-addressing u64 -> u64 map (see u64map.h).
 */
#include "u64map.h"

#include <stdlib.h>

static size_t slot_of(const u64map_t *m, uint64_t key)
{
    return (size_t)((key * 0x9e3779b97f4a7c15ull) >> 17) & m->mask;
}

static bool alloc_table(u64map_t *m, size_t capacity)
{
    m->keys = malloc(capacity * sizeof *m->keys);
    m->values = malloc(capacity * sizeof *m->values);
    if (!m->keys || !m->values) {
        free(m->keys);
        free(m->values);
        return false;
    }
    for (size_t i = 0; i < capacity; i++)
        m->keys[i] = U64MAP_EMPTY;
    m->mask = capacity - 1;
    m->count = 0;
    return true;
}

bool u64map_init(u64map_t *m, size_t expected)
{
    size_t capacity = 16;
    while (capacity < 2 * expected)
        capacity *= 2;
    return alloc_table(m, capacity);
}

void u64map_free(u64map_t *m)
{
    free(m->keys);
    free(m->values);
    m->keys = m->values = NULL;
}

static size_t find_slot(const u64map_t *m, uint64_t key)
{
    size_t i = slot_of(m, key);
    while (m->keys[i] != key && m->keys[i] != U64MAP_EMPTY)
        i = (i + 1) & m->mask;
    return i;
}

uint64_t u64map_get(const u64map_t *m, uint64_t key, uint64_t missing)
{
    size_t i = find_slot(m, key);
    return m->keys[i] == key ? m->values[i] : missing;
}

static bool grow(u64map_t *m)
{
    u64map_t old = *m;
    if (!alloc_table(m, 2 * (old.mask + 1))) {
        *m = old;
        return false;
    }
    for (size_t i = 0; i <= old.mask; i++)
        if (old.keys[i] != U64MAP_EMPTY)
            u64map_put(m, old.keys[i], old.values[i]);
    u64map_free(&old);
    return true;
}

bool u64map_put(u64map_t *m, uint64_t key, uint64_t value)
{
    if (2 * (m->count + 1) > m->mask + 1 && !grow(m))
        return false;
    size_t i = find_slot(m, key);
    if (m->keys[i] == U64MAP_EMPTY) {
        m->keys[i] = key;
        m->count++;
    }
    m->values[i] = value;
    return true;
}

uint64_t *u64map_ref(u64map_t *m, uint64_t key, uint64_t initial, bool *added)
{
    size_t i = find_slot(m, key);
    *added = m->keys[i] != key;
    if (*added) {
        if (2 * (m->count + 1) > m->mask + 1) {
            if (!grow(m))
                return NULL;
            i = find_slot(m, key);
        }
        m->keys[i] = key;
        m->values[i] = initial;
        m->count++;
    }
    return &m->values[i];
}

bool u64map_remove(u64map_t *m, uint64_t key)
{
    size_t hole = find_slot(m, key);
    if (m->keys[hole] != key)
        return false;
    /* Backward-shift: pull later entries of the probe run into the hole. */
    for (size_t i = (hole + 1) & m->mask; m->keys[i] != U64MAP_EMPTY; i = (i + 1) & m->mask) {
        size_t home = slot_of(m, m->keys[i]);
        bool movable = hole <= i ? (home <= hole || home > i) : (home <= hole && home > i);
        if (movable) {
            m->keys[hole] = m->keys[i];
            m->values[hole] = m->values[i];
            hole = i;
        }
    }
    m->keys[hole] = U64MAP_EMPTY;
    m->count--;
    return true;
}
