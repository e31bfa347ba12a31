/*
 * Segmented mode's sharing (docs/segmentation.md): segments added at run
 * time (a library's code and data, the lecture's "sharing with segments":
 * one block in several segment tables), shared memory attached as a
 * segment of the attaching process, and fork, which gives the child a
 * table of its own over copies of the parent's private segments and the
 * same blocks of its code and shared memory.
 */
#include <stdlib.h>
#include <string.h>

#include "../mmu/seg.h"
#include "mp_internal.h"
#include "seg_internal.h"
#include "services.h"

uint32_t segments_free_number(const process_t *p, uint32_t besides)
{
    const struct proc_segs *t = p->segs;
    for (uint32_t segno = 0; t && t->table && segno + 1 < t->nseg; segno++)
        if (!t->seg[segno].used && segno != besides)
            return segno;
    return UINT32_MAX;
}

bool segments_number_free(const process_t *p, uint32_t segno)
{
    const struct proc_segs *t = p->segs;
    return t && t->table && segno + 1 < t->nseg && !t->seg[segno].used;
}

/* p's segment segno maps the block of q's segment h, shared by both. */
static void map_twin(os_t *os, process_t *p, uint32_t segno, os_segment_t *h)
{
    os_segment_t *g = &p->segs->seg[segno];
    g->base = h->base;
    g->resident = g->shared = h->shared = true;
    g->loaded_at = machine_cycles(os->m);
    p->st.shared_maps++;
    seg_descriptor_changed(os, p, segno);
}

uint32_t segments_add_at(os_t *os, process_t *p, uint32_t segno, uint32_t bytes, uint32_t perm, region_kind_t kind,
                         const uint8_t *content, bool *shared)
{
    const uint32_t ob = os->m->cfg.seg_offset_bits;
    *shared = false;
    if (!segments_number_free(p, segno) || !bytes || bytes > (1u << ob) || bytes > SEG_LIMIT_MAX)
        return UINT32_MAX;
    os_segment_t *g = &p->segs->seg[segno];
    *g = (os_segment_t){.used = true, .kind = kind, .limit = bytes, .flags = SEG_V | SEG_U | seg_sec_flags(perm),
                        .loaded_at = machine_cycles(os->m)};
    process_t *twin = content ? seg_twin(os, p, segno, content) : NULL;
    if (twin) { /* the same code is in memory: map it, copy nothing */
        map_twin(os, p, segno, &twin->segs->seg[segno]);
        *shared = true;
        return segno << ob;
    }
    const uint32_t base = seg_allocate(os, p, bytes);
    if (base == UINT32_MAX) {
        *g = (os_segment_t){0};
        return UINT32_MAX;
    }
    g->base = base;
    g->resident = true;
    uint8_t *zeros = content ? NULL : calloc(1, bytes);
    machine_phys_write(os->m, base, content ? content : zeros, bytes);
    free(zeros);
    seg_descriptor_changed(os, p, segno);
    return segno << ob;
}

/* ---- shared memory ------------------------------------------------------------------------ */

uint32_t segments_map_shm(os_t *os, process_t *p, uint32_t segno, struct shm_segment *shm, uint32_t base,
                          uint32_t bytes, uint32_t perm, const uint8_t *content)
{
    bool shared;
    if (base == UINT32_MAX) { /* its first mapping: a block of its own, with the object's bytes */
        if (segments_add_at(os, p, segno, bytes, perm, REGION_SHARED_MEMORY, content, &shared) == UINT32_MAX)
            return UINT32_MAX;
        p->segs->seg[segno].shm = shm;
        p->segs->seg[segno].shared = true; /* never swapped out: its sharers find it by its block */
        return p->segs->seg[segno].base;
    }
    if (!segments_number_free(p, segno))
        return UINT32_MAX;
    os_segment_t *g = &p->segs->seg[segno];
    *g = (os_segment_t){.used = true, .kind = REGION_SHARED_MEMORY, .base = base, .limit = bytes, .resident = true,
                        .shared = true, .shm = shm, .flags = SEG_V | SEG_U | seg_sec_flags(perm),
                        .loaded_at = machine_cycles(os->m)};
    p->st.shared_maps++;
    seg_descriptor_changed(os, p, segno);
    return base;
}

/* The segment of p that starts at va, if it is one of `kind`; NULL if not. */
static os_segment_t *segment_at(const os_t *os, process_t *p, uint32_t va, region_kind_t kind)
{
    struct proc_segs *t = p->segs;
    const uint32_t ob = os->m->cfg.seg_offset_bits, segno = va >> ob;
    if (!t || !t->table || segno >= t->nseg || va != segno << ob || !t->seg[segno].used || t->seg[segno].kind != kind)
        return NULL;
    return &t->seg[segno];
}

bool segments_remove(os_t *os, process_t *p, uint32_t va, region_kind_t kind)
{
    os_segment_t *g = segment_at(os, p, va, kind);
    if (!g)
        return false;
    if (g->shm)
        shm_attach_count(g->shm, -1);
    seg_drop_block(os, p, g);
    free(g->backing);
    *g = (os_segment_t){0};
    seg_descriptor_changed(os, p, va >> os->m->cfg.seg_offset_bits); /* not valid: a later reference faults */
    return true;
}

/* ---- fork ------------------------------------------------------------------------------------ */

/* The child's copy of the parent's segment g (the child's entry c, a copy
 * of g's record): a block of its own holding g's bytes.  Returns the words
 * copied, or -1 if there is no room. */
static int64_t copy_segment(os_t *os, process_t *child, os_segment_t *c, const os_segment_t *g)
{
    uint8_t *bytes = malloc(g->limit);
    if (!bytes || !machine_phys_read(os->m, g->base, bytes, g->limit)) {
        free(bytes);
        return -1;
    }
    const uint32_t base = seg_allocate(os, child, g->limit); /* may move or swap out the parent's: copied already */
    if (base != UINT32_MAX) {
        machine_phys_write(os->m, base, bytes, g->limit);
        c->base = base;
        c->resident = true;
        c->loaded_at = machine_cycles(os->m);
    }
    free(bytes);
    return base == UINT32_MAX ? -1 : (int64_t)(g->limit + 3) / 4;
}

/* The child's segment segno from the parent's as it is now: swapped out, a
 * copy of the backing store's bytes; not loaded yet, the same (the child
 * brings it in from its own copy of the executable); code and shared
 * memory, the same block; else a copy.  The words copied, or -1. */
static int64_t inherit_segment(os_t *os, process_t *parent, process_t *child, uint32_t segno)
{
    os_segment_t *g = &parent->segs->seg[segno], *c = &child->segs->seg[segno];
    *c = *g;
    c->resident = c->shared = false;
    c->backing = NULL;
    if (!g->used || (!g->resident && !g->backing))
        return 0;
    if (g->backing) {
        if (!(c->backing = malloc(g->limit ? g->limit : 1)))
            return -1;
        memcpy(c->backing, g->backing, g->limit);
        return 0;
    }
    if (!g->limit) { /* the empty heap */
        c->resident = true;
        return 0;
    }
    if (g->shm || (!(g->flags & (SEG_W | SEG_DOWN)) && (g->flags & SEG_X))) { /* never written: one block */
        if (g->shm)
            shm_attach_count(g->shm, +1);
        map_twin(os, child, segno, g);
        return 0;
    }
    return copy_segment(os, child, c, g);
}

bool segments_fork(os_t *os, process_t *parent, process_t *child)
{
    const struct proc_segs *ps = parent->segs;
    struct proc_segs *t = ps ? calloc(1, sizeof *t + ps->nseg * sizeof t->seg[0]) : NULL;
    if (!t)
        return false;
    t->nseg = ps->nseg;
    t->heap = ps->heap;
    child->segs = t;
    t->table = seg_allocate(os, child, t->nseg * SEG_DESC_BYTES);
    if (t->table == UINT32_MAX) {
        t->table = 0;
        return false;
    }
    child->base = child->mmu.stbr = t->table;
    for (uint32_t i = 0; i < t->nseg; i++)
        seg_descriptor_changed(os, child, i); /* all not valid until each is made */
    uint64_t words = 0;
    for (uint32_t i = 0; i < t->nseg; i++) {
        const int64_t copied = inherit_segment(os, parent, child, i);
        if (copied < 0)
            return false;
        words += (uint64_t)copied;
        seg_descriptor_changed(os, child, i);
    }
    os_charge(os, EV_LOAD, child->pid, words * os->m->cfg.timing.load_word_cycles, t->table, 0, (uint32_t)words, 0);
    return true;
}
