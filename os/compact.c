/*
 * Compaction (the seed's answer to external fragmentation): when a request
 * fails although enough memory is free in pieces, slide every partition down
 * against the one below it so the free memory becomes one hole.  Each moved
 * partition is copied word by word (copy_word_cycles per word of the
 * partition, charged to the clock as an EV_MOVE event) and, under
 * base/limit, its base register is changed: the process never notices.
 *
 * Under software relocation the OS cannot do this: the loader patched the
 * partition's base into the program's absolute addresses, and the program
 * has since computed more addresses in its registers and memory that the OS
 * cannot find.  It says so (the run's report) and the request waits for
 * swapping or fails.
 */
#include <stdlib.h>

#include "mp_internal.h"

typedef struct {
    os_t *os;
    uint64_t cycles;
} compact_ctx_t;

/* partitions_compact's callback: move one partition's bytes and its base. */
static void move_partition(void *ctx, int owner, uint32_t old_base, uint32_t new_base, uint32_t size)
{
    compact_ctx_t *c = ctx;
    os_t *os = c->os;
    uint8_t *buf = malloc(size ? size : 1);
    if (buf) {
        machine_phys_read(os->m, old_base, buf, size);
        machine_phys_write(os->m, new_base, buf, size);
        free(buf);
    }
    uint64_t cycles = (uint64_t)(size / 4) * os->m->cfg.timing.copy_word_cycles;
    os_charge(os, EV_MOVE, owner, cycles, (uint32_t)owner, old_base, new_base, size);
    c->cycles += cycles;
    process_t *p = os_process(os, owner);
    if (p && os->cfg.mode == OS_SEG)
        segments_moved(os, p, old_base, new_base); /* one of its segments, or its table */
    else if (p) {
        p->base = new_base;
        p->mmu.base = new_base;
    }
}

bool os_compact_for(os_t *os, uint32_t size)
{
    struct mp_state *s = mp_state(os);
    uint32_t free_bytes;
    partitions_holes(&os->parts, &free_bytes, NULL);
    if (!os->cfg.mp.compact || !s || free_bytes < size)
        return false;
    if (os->cfg.mode != OS_HWRELOC && os->cfg.mode != OS_SEG) {
        if (!s->refused_noted)
            mp_log(os,
                   "compaction refused: %u bytes are free in pieces, but software-relocated processes cannot be "
                   "moved (their absolute addresses were patched at load time)",
                   free_bytes);
        s->refused_noted = true;
        return false;
    }
    mp_park_current(os);
    compact_ctx_t ctx = {os, 0};
    uint64_t moved = partitions_compact(&os->parts, move_partition, &ctx);
    s->compactions++;
    s->compaction_bytes += moved;
    s->compaction_cycles += ctx.cycles;
    mp_log(os, "compaction %llu: moved %llu bytes (%llu words x %u cycles = %llu cycles) to free %u bytes in one hole",
           (unsigned long long)s->compactions, (unsigned long long)moved, (unsigned long long)(moved / 4),
           os->m->cfg.timing.copy_word_cycles, (unsigned long long)ctx.cycles, free_bytes);
    return true;
}
