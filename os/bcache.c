/*
 * The buffer cache's timing (slide 63: "intermediate copies in the file
 * system cache"): which blocks of which files a read or write finds in the
 * kernel's memory, and so which ones go to the disk.  A block is a page
 * (the unit the pager moves, so a block costs what a page-in costs,
 * timing_disk_cycles(page size)).  The cache holds --buffer-cache blocks,
 * shared by every process and replaced least recently used; 0 (the default)
 * is no cache at all: every block a call touches goes to the disk.
 *
 * Only the tags are modelled: the bytes themselves always come from and go
 * to the host file, so the cache can never hold stale data.
 *
 *   read    each block of [offset, offset + bytes) the cache lacks is read
 *           from the disk (a miss), each one it holds is a hit.
 *   write   write-through: each block touched is written to the disk and
 *           is then in the cache (a partial block is not read first).
 */
#include <stdlib.h>

#include "os_internal.h"

typedef struct {
    uint64_t dev, ino, block, last_use;
    bool valid;
} bcache_slot_t;

struct bcache {
    uint32_t nslots;
    uint64_t clock; /* a use counter for LRU */
    bcache_slot_t slot[];
};

static struct bcache *bcache_of(os_t *os)
{
    uint32_t n = os->cfg.buffer_cache_blocks;
    if (!os->bcache && n && (os->bcache = calloc(1, sizeof *os->bcache + n * sizeof(bcache_slot_t))))
        os->bcache->nslots = n;
    return os->bcache;
}

/* Is the block cached?  Either way it is afterwards, as the newest. */
static bool bcache_touch(struct bcache *c, uint64_t dev, uint64_t ino, uint64_t block)
{
    bcache_slot_t *victim = &c->slot[0];
    for (uint32_t i = 0; i < c->nslots; i++) {
        bcache_slot_t *s = &c->slot[i];
        if (s->valid && s->dev == dev && s->ino == ino && s->block == block) {
            s->last_use = ++c->clock;
            return true;
        }
        if (!s->valid || (victim->valid && s->last_use < victim->last_use))
            victim = s;
    }
    *victim = (bcache_slot_t){dev, ino, block, ++c->clock, true};
    return false;
}

void bcache_transfer(os_t *os, process_t *p, ev_kind_t kind, const file_id_t *file, uint64_t offset, uint32_t bytes)
{
    if (!bytes)
        return;
    uint32_t block_size = 1u << os->m->cfg.page_shift;
    uint64_t disk_cycles = timing_disk_cycles(&os->m->cfg.timing, block_size);
    struct bcache *c = bcache_of(os);
    for (uint64_t b = offset / block_size; b <= (offset + bytes - 1) / block_size; b++) {
        bool hit = c && bcache_touch(c, file->dev, file->ino, b);
        if (kind == EV_DISK_READ && hit) {
            p->st.bcache_hits++;
            continue;
        }
        p->st.bcache_misses += kind == EV_DISK_READ;
        os_charge(os, kind, p->pid, disk_cycles, file->fd, block_size, (uint32_t)b, 0);
    }
}

void bcache_free(os_t *os)
{
    free(os->bcache);
    os->bcache = NULL;
}
