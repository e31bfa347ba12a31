/*
 * Segmented mode's OS side (see segment.h): loading a program into one
 * segment per region, the OS's checks of user addresses with the
 * hardware's own rule (seg_check), and releasing the segments.
 */
#include "segment.h"

#include <stdlib.h>
#include <string.h>

#include "../mmu/seg.h"
#include "mp_internal.h"
#include "overlay.h"
#include "seg_internal.h"
#include "services.h"
#include "syscall.h"

static seg_unit_t seg_rules(const os_t *os)
{
    seg_unit_t s;
    seg_init(&s, &os->m->cfg);
    return s;
}

uint32_t segments_room(const os_t *os, uint32_t va)
{
    const uint32_t span = 1u << os->m->cfg.seg_offset_bits;
    return span - (va & (span - 1));
}

uint32_t seg_sec_flags(uint32_t perm)
{
    return ((perm & SEC_R) ? SEG_R : 0) | ((perm & SEC_W) ? SEG_W : 0) | ((perm & SEC_X) ? SEG_X : 0);
}

static region_kind_t sec_kind(const exe_section_t *s)
{
    if (s->nobits)
        return REGION_BSS;
    return (s->perm & SEC_X) ? REGION_CODE : REGION_DATA;
}

/* Gather the sections into the segments their addresses name; the heap
 * is the segment after the highest of them, empty (its break at its start)
 * and in memory from the start (nothing to bring in); the stack segment is
 * the last.  False with err if a section crosses a segment boundary or
 * reaches the stack's segment. */
static bool plan_segments(os_t *os, process_t *p, struct proc_segs *t, char *err, size_t errlen)
{
    const uint32_t ob = os->m->cfg.seg_offset_bits, stack = t->nseg - 1;
    for (int i = 0; i < p->exe.nsections; i++) {
        const exe_section_t *s = &p->exe.sections[i];
        if (!s->size)
            continue;
        const uint32_t segno = s->addr >> ob, end_off = s->addr - (segno << ob) + s->size;
        if (segno >= stack || (uint64_t)end_off > (1ull << ob) || end_off > SEG_LIMIT_MAX) {
            snprintf(err, errlen, "section %s at 0x%x..0x%x does not fit one segment below the stack's (segment %u, %u-bit offsets)",
                     s->name, s->addr, s->addr + s->size, stack, ob);
            return false;
        }
        os_segment_t *g = &t->seg[segno];
        if (!g->used)
            *g = (os_segment_t){.used = true, .kind = sec_kind(s), .flags = SEG_V | SEG_U};
        g->flags |= seg_sec_flags(s->perm);
        if (end_off > g->limit)
            g->limit = end_off;
    }
    uint32_t heap = 0;
    for (uint32_t i = 0; i < stack; i++)
        heap = t->seg[i].used ? i + 1 : heap;
    t->heap = heap < stack ? heap : t->nseg;
    if (t->heap < t->nseg)
        t->seg[heap] = (os_segment_t){.used = true, .kind = REGION_HEAP, .resident = true,
                                      .flags = SEG_V | SEG_U | SEG_R | SEG_W};
    p->brk = heap << ob;
    uint32_t stack_bytes = os->cfg.stack_size ? os->cfg.stack_size : 16;
    if (stack_bytes > (1u << ob))
        stack_bytes = 1u << ob;
    t->seg[stack] = (os_segment_t){.used = true, .kind = REGION_STACK, .limit = stack_bytes,
                                   .flags = SEG_V | SEG_U | SEG_R | SEG_W | SEG_DOWN};
    return true;
}

/* The descriptor the hardware reads: V only while the segment is in memory. */
static void write_descriptor(os_t *os, const struct proc_segs *t, uint32_t segno)
{
    const os_segment_t *g = &t->seg[segno];
    const uint32_t flags = g->resident ? g->flags : g->flags & ~(uint32_t)SEG_V;
    seg_desc_t d = g->used ? seg_desc_make(g->base, g->limit, flags) : (seg_desc_t){0, 0};
    machine_write32(os->m, t->table + segno * SEG_DESC_BYTES, d.base);
    machine_write32(os->m, t->table + segno * SEG_DESC_BYTES + 4, d.word1);
}

void seg_descriptor_changed(os_t *os, process_t *p, uint32_t segno)
{
    write_descriptor(os, p->segs, segno);
    if (os->current == p->pid)
        machine_mmu_set(os->m, &p->mmu); /* empties the descriptor cache */
}

static void zero_range(os_t *os, uint32_t base, uint32_t bytes)
{
    if (!bytes)
        return;
    uint8_t *zeros = calloc(1, bytes ? bytes : 1);
    if (zeros) {
        machine_phys_write(os->m, base, zeros, bytes);
        free(zeros);
    }
}

/* Zero segment segno and copy into it the bytes of the executable's
 * sections that lie in it (overlay phases stay on disk); the words copied. */
static uint64_t fill_segment(os_t *os, const process_t *p, uint32_t segno)
{
    const os_segment_t *g = &p->segs->seg[segno];
    const uint32_t ob = os->m->cfg.seg_offset_bits, resident = overlay_resident_end(&p->exe, UINT32_MAX);
    uint64_t words = 0;
    zero_range(os, g->base, g->limit);
    if (g->flags & SEG_DOWN)
        return 0; /* the stack: zeros */
    for (int i = 0; i < p->exe.nsections; i++) {
        const exe_section_t *s = &p->exe.sections[i];
        if (s->nobits || !s->size || !s->data || s->addr >= resident || s->addr >> ob != segno)
            continue;
        const uint32_t bytes = resident - s->addr < s->size ? resident - s->addr : s->size;
        machine_phys_write(os->m, g->base + (s->addr & ((1u << ob) - 1)), s->data, bytes);
        words += (bytes + 3) / 4;
    }
    return words;
}

/* ---- making room: compaction, swapping whole segments ---------------------------- */

/* The resident segment that came in first, of any process but `spare`
 * (whose fault is being served); NULL if none. */
static os_segment_t *oldest_resident(os_t *os, const process_t *spare, process_t **owner, uint32_t *segno)
{
    os_segment_t *best = NULL;
    for (int pid = 1; pid <= os_process_count(os); pid++) {
        process_t *q = os_process(os, pid);
        if (q == spare || !q->segs || !q->segs->table || q->state != PROC_READY)
            continue;
        for (uint32_t i = 0; i < q->segs->nseg; i++) {
            os_segment_t *g = &q->segs->seg[i];
            if (seg_has_block(g) && !g->shared && (!best || g->loaded_at < best->loaded_at)) {
                best = g;
                *owner = q;
                *segno = i;
            }
        }
    }
    return best;
}

/* Swap one segment of another process out to the backing store: its bytes
 * leave memory, its descriptor says not present; it comes back at its next
 * reference.  False if there is none. */
static bool swap_out_one(os_t *os, const process_t *spare)
{
    process_t *q = NULL;
    uint32_t segno = 0;
    os_segment_t *g = oldest_resident(os, spare, &q, &segno);
    if (!g || !(g->backing = malloc(g->limit ? g->limit : 1)))
        return false;
    machine_phys_read(os->m, g->base, g->backing, g->limit);
    const uint64_t cycles = timing_disk_cycles(&os->m->cfg.timing, g->limit);
    os_charge(os, EV_SWAP_OUT, q->pid, cycles, (uint32_t)q->pid, g->limit, g->base, 0);
    partitions_free(&os->parts, g->base);
    g->resident = false;
    seg_descriptor_changed(os, q, segno);
    struct mp_state *m = mp_state(os);
    if (m) {
        m->swap_outs++;
        m->swap_bytes += g->limit;
        m->swap_cycles += cycles;
    }
    mp_log(os, "swapped out segment %u (%s, %u bytes) of process %d: %llu cycles of disk", segno,
           region_kind_name[g->kind], g->limit, q->pid, (unsigned long long)cycles);
    return true;
}

/* seg_allocate: compaction when the free memory is there in pieces, else
 * other processes' segments swapped out one by one. */
uint32_t seg_allocate(os_t *os, process_t *p, uint32_t bytes)
{
    const uint32_t size = seg_align16(bytes ? bytes : 16);
    for (;;) {
        uint32_t base = partitions_alloc(&os->parts, size, p->pid);
        if (base != UINT32_MAX)
            return base;
        if (os_compact_for(os, size)) /* moves segments and tables: segments_moved */
            continue;
        if (!os->cfg.mp.swap || !swap_out_one(os, p))
            return UINT32_MAX;
        os->keep_cpu = true;
    }
}

/* A live process other than p with a segment on the block at base. */
static process_t *other_user(os_t *os, const process_t *p, uint32_t base)
{
    for (int pid = 1; pid <= os_process_count(os); pid++) {
        process_t *q = os_process(os, pid);
        for (uint32_t i = 0; q != p && q->segs && q->segs->table && i < q->segs->nseg; i++)
            if (seg_has_block(&q->segs->seg[i]) && q->segs->seg[i].base == base)
                return q;
    }
    return NULL;
}

void seg_drop_block(os_t *os, process_t *p, os_segment_t *g)
{
    if (!seg_has_block(g))
        return;
    process_t *heir = g->shared ? other_user(os, p, g->base) : NULL;
    partitions_free(&os->parts, g->base);
    if (heir) /* the block stays for the others: it passes to one of them */
        partitions_alloc_at(&os->parts, g->base, seg_align16(g->limit), heir->pid);
    else if (g->shm)
        shm_keep_bytes(os, g->shm, g->base); /* the object outlives its last mapping */
}

void segments_moved(os_t *os, process_t *p, uint32_t old_base, uint32_t new_base)
{
    struct proc_segs *t = p->segs;
    if (!t)
        return;
    if (t->table == old_base) {
        t->table = p->base = p->mmu.stbr = new_base;
        if (os->current == p->pid)
            machine_mmu_set(os->m, &p->mmu);
        return;
    }
    /* the block is one segment of p's, and of every process that shares it */
    for (int pid = 1; pid <= os_process_count(os); pid++) {
        process_t *q = os_process(os, pid);
        for (uint32_t i = 0; q->segs && q->segs->table && i < q->segs->nseg; i++)
            if (seg_has_block(&q->segs->seg[i]) && q->segs->seg[i].base == old_base) {
                q->segs->seg[i].base = new_base;
                if (q->segs->seg[i].shm)
                    shm_block_moved(q->segs->seg[i].shm, new_base);
                seg_descriptor_changed(os, q, i);
            }
    }
}

/* Does the block of segment h hold the same `content` bytes? */
static bool same_bytes(os_t *os, const os_segment_t *h, const uint8_t *content)
{
    uint8_t *bytes = malloc(h->limit);
    bool same = bytes && machine_phys_read(os->m, h->base, bytes, h->limit) && !memcmp(bytes, content, h->limit);
    free(bytes);
    return same;
}

/* Do p and q run the same program (the same sections, the same bytes)? */
static bool same_program(const process_t *p, const process_t *q)
{
    bool same = q->exe.nsections == p->exe.nsections;
    for (int i = 0; same && i < p->exe.nsections; i++) {
        const exe_section_t *a = &p->exe.sections[i], *b = &q->exe.sections[i];
        same = a->addr == b->addr && a->size == b->size && a->nobits == b->nobits &&
               (!a->data || !b->data || !memcmp(a->data, b->data, a->size));
    }
    return same;
}

process_t *seg_twin(os_t *os, const process_t *p, uint32_t segno, const uint8_t *content)
{
    const os_segment_t *g = &p->segs->seg[segno];
    if ((g->flags & (SEG_W | SEG_DOWN)) || !(g->flags & SEG_X) || !g->limit ||
        (g->kind != REGION_CODE && g->kind != REGION_LIB_CODE) || (!content && g->kind != REGION_CODE))
        return NULL;
    for (int pid = 1; pid <= os_process_count(os); pid++) {
        process_t *q = os_process(os, pid);
        if (q == p || q->state != PROC_READY || !q->segs || !q->segs->table || q->leader || segno >= q->segs->nseg)
            continue;
        const os_segment_t *h = &q->segs->seg[segno];
        if (seg_has_block(h) && h->kind == g->kind && h->limit == g->limit && h->flags == g->flags &&
            (content ? same_bytes(os, h, content) : same_program(p, q)))
            return q;
    }
    return NULL;
}

/* ---- loading ------------------------------------------------------------------------ */

/* Bring segment segno of p into memory: the block another process holds
 * with the same code (the same program, or the same bytes), from the
 * backing store if it was swapped out, else from the executable (zeros for
 * bss and stack).  False if there is no room; *fill says how (SEG_FILL_*). */
static bool bring_in(os_t *os, process_t *p, uint32_t segno, int *fill)
{
    os_segment_t *g = &p->segs->seg[segno];
    process_t *twin = seg_twin(os, p, segno, g->backing);
    if (twin) { /* the same code is in memory already: map it, copy nothing */
        os_segment_t *h = &twin->segs->seg[segno];
        free(g->backing);
        g->backing = NULL;
        g->base = h->base;
        g->resident = g->shared = h->shared = true;
        g->loaded_at = machine_cycles(os->m);
        p->st.shared_maps++;
        seg_descriptor_changed(os, p, segno);
        *fill = SEG_FILL_SHARED;
        return true;
    }
    const uint32_t base = seg_allocate(os, p, g->limit);
    if (base == UINT32_MAX)
        return false;
    g->base = base;
    g->resident = true;
    g->loaded_at = machine_cycles(os->m);
    uint64_t bytes = 0;
    if (g->backing) {
        machine_phys_write(os->m, g->base, g->backing, g->limit);
        free(g->backing);
        g->backing = NULL;
        bytes = g->limit;
        struct mp_state *m = mp_state(os);
        if (m)
            m->swap_ins++;
    } else
        bytes = 4 * fill_segment(os, p, segno);
    if (bytes)
        os_charge(os, EV_DISK_READ, p->pid, timing_disk_cycles(&os->m->cfg.timing, bytes), segno, (uint32_t)bytes,
                  g->base, 0);
    *fill = bytes ? SEG_FILL_DISK : SEG_FILL_NONE;
    seg_descriptor_changed(os, p, segno);
    return true;
}

/* Allocate memory for every planned segment and zero it. */
static bool place_segments(os_t *os, process_t *p, struct proc_segs *t, char *err, size_t errlen)
{
    for (uint32_t i = 0; i < t->nseg; i++) {
        os_segment_t *g = &t->seg[i];
        if (!g->used || !g->limit) /* an empty heap has no block */
            continue;
        g->base = seg_allocate(os, p, g->limit);
        if (g->base == UINT32_MAX) {
            uint32_t free_bytes, largest;
            partitions_holes(&os->parts, &free_bytes, &largest);
            snprintf(err, errlen, "segment %u (%s, %u bytes) does not fit: the largest hole is %u of %u bytes free", i,
                     region_kind_name[g->kind], g->limit, largest, free_bytes);
            g->used = false;
            return false;
        }
        g->resident = true;
        g->loaded_at = machine_cycles(os->m);
    }
    return true;
}

bool segments_load(os_t *os, process_t *p, char *err, size_t errlen)
{
    const machine_config_t *hw = &os->m->cfg;
    const uint32_t nseg = 1u << hw->seg_bits;
    struct proc_segs *t = calloc(1, sizeof *t + nseg * sizeof t->seg[0]);
    if (!t) {
        snprintf(err, errlen, "out of host memory");
        return false;
    }
    t->nseg = nseg;
    p->segs = t;
    t->table = seg_allocate(os, p, nseg * SEG_DESC_BYTES);
    if (t->table == UINT32_MAX) {
        snprintf(err, errlen, "no room for a %u-byte segment table", nseg * SEG_DESC_BYTES);
        t->table = 0;
        segments_release(os, p);
        return false;
    }
    p->base = t->table;
    p->size = nseg * SEG_DESC_BYTES;
    p->mmu = (mmu_regs_t){.mode = MMU_SEG, .stbr = t->table, .stlr = nseg};
    if (!plan_segments(os, p, t, err, errlen) || (os->cfg.prefault && !place_segments(os, p, t, err, errlen))) {
        segments_release(os, p);
        return false;
    }
    uint64_t words = 0; /* demand segmentation: nothing comes in before its first reference */
    for (uint32_t i = 0; i < nseg; i++) {
        if (seg_has_block(&t->seg[i]))
            words += fill_segment(os, p, i);
        write_descriptor(os, t, i);
    }
    os_charge(os, EV_LOAD, p->pid, words * hw->timing.load_word_cycles, t->table, p->size, (uint32_t)words, 0);
    memset(&p->cpu, 0, sizeof p->cpu);
    p->cpu.pc = p->exe.entry;
    p->cpu.r[ISA_REG_SP] = nseg << hw->seg_offset_bits; /* one past the stack segment's top */
    p->cpu.priv = MODE_USER;
    return true;
}

/* ---- growth: the stack down, the heap up ------------------------------------------------- */

/* Move p's segment g (`old` bytes at old_base, its block already freed) to
 * a block of `want` bytes, the `keep` bytes from keep_from copied to offset
 * `to` of it (copy_word_cycles a word, an EV_MOVE event).  False, the old
 * block taken back, if no room can be made. */
static bool move_segment(os_t *os, process_t *p, os_segment_t *g, uint32_t want, uint32_t keep_from, uint32_t keep,
                         uint32_t to)
{
    const uint32_t old = g->limit, old_base = g->base;
    uint8_t *bytes = malloc(keep ? keep : 1);
    if (!bytes || !machine_phys_read(os->m, keep_from, bytes, keep)) {
        free(bytes);
        return false;
    }
    uint32_t base = seg_allocate(os, p, want);
    if (base == UINT32_MAX) { /* as it was (compaction may have moved others over the old place) */
        const uint32_t size = seg_align16(old);
        base = partitions_alloc_at(&os->parts, old_base, size, p->pid) ? old_base
                                                                       : partitions_alloc(&os->parts, size, p->pid);
        if (base != UINT32_MAX) { /* it was free a moment ago: it fits */
            machine_phys_write(os->m, base + (keep_from - old_base), bytes, keep);
            g->base = base;
        }
        free(bytes);
        return false;
    }
    machine_phys_write(os->m, base + to, bytes, keep);
    free(bytes);
    g->base = base;
    os_charge(os, EV_MOVE, p->pid, (uint64_t)(keep / 4) * os->m->cfg.timing.copy_word_cycles, (uint32_t)p->pid,
              keep_from, base + to, keep);
    mp_log(os, "moved the %s segment of process %d to %s it from %u to %u bytes", region_kind_name[g->kind], p->pid,
           want > old ? "grow" : "resize", old, want);
    return true;
}

/* Resize p's resident segment segno to `want` bytes, keeping its bytes at
 * their offsets (a grow-down segment's at the top of its range): in place
 * when it shrinks or the memory next to its block (above it; below it for
 * a grow-down segment) is free, else by moving it to a block that fits,
 * making room as a segment fault does.  New bytes are zeros.  False,
 * nothing changed, if there is no room. */
static bool resize_segment(os_t *os, process_t *p, uint32_t segno, uint32_t want)
{
    os_segment_t *g = &p->segs->seg[segno];
    const bool down = g->flags & SEG_DOWN;
    const uint32_t old = g->limit, old_base = g->base, keep = want < old ? want : old;
    const uint32_t keep_from = down ? old_base + (old - keep) : old_base; /* the bytes that stay */
    const uint32_t to = down ? want - keep : 0;                             /* their offset after */
    if (old)
        partitions_free(&os->parts, old_base);
    g->resident = false; /* while it has no block, compaction and swapping pass it by */
    const uint64_t in_place = down ? (uint64_t)old_base + old - want : old_base; /* the block's base if it stays */
    bool ok = true;
    if (!want) {
        g->base = 0;
    } else if (old && in_place >= os->cfg.os_size &&
               partitions_alloc_at(&os->parts, (uint32_t)in_place, seg_align16(want), p->pid)) {
        g->base = (uint32_t)in_place; /* no byte moves */
    } else if (!old) {
        g->base = seg_allocate(os, p, want);
        ok = g->base != UINT32_MAX;
        g->base = ok ? g->base : 0;
    } else {
        ok = move_segment(os, p, g, want, keep_from, keep, to);
    }
    g->resident = true;
    if (!ok) {
        seg_descriptor_changed(os, p, segno);
        return false;
    }
    g->limit = want;
    zero_range(os, g->base + (down ? 0 : keep), want - keep);
    seg_descriptor_changed(os, p, segno);
    return true;
}

/* Grow the grow-down segment segno of p to reach offset off: to the larger
 * of twice its size and what reaches off, up to its whole range. */
static bool grow_down(os_t *os, process_t *p, uint32_t segno, uint32_t off)
{
    const uint32_t span = 1u << os->m->cfg.seg_offset_bits, old = p->segs->seg[segno].limit;
    uint32_t want = seg_align16(span - (off & ~15u));
    want = want < 2 * old ? 2 * old : want;
    want = want > span ? span : want;
    return want <= SEG_LIMIT_MAX && want > old && resize_segment(os, p, segno, want);
}

uint32_t segments_heap_start(const os_t *os, const process_t *p)
{
    const struct proc_segs *t = p->segs;
    return t && t->table && t->heap < t->nseg ? t->heap << os->m->cfg.seg_offset_bits : UINT32_MAX;
}

uint32_t segments_brk(os_t *os, process_t *p, uint32_t new_break)
{
    const uint32_t start = segments_heap_start(os, p), span = 1u << os->m->cfg.seg_offset_bits;
    if (start == UINT32_MAX)
        return err_code(E_NOMEM);
    if (!new_break)
        return p->brk;
    if (new_break < start || new_break - start > span || new_break - start > SEG_LIMIT_MAX)
        return err_code(E_NOMEM); /* below the heap, or beyond its segment */
    const uint32_t segno = p->segs->heap;
    if (!segments_make_resident(os, p, start) || !resize_segment(os, p, segno, new_break - start))
        return err_code(E_NOMEM);
    p->brk = new_break;
    return new_break;
}

/* ---- faults --------------------------------------------------------------------------- */

bool segments_fault(os_t *os, process_t *p, const trap_t *t)
{
    struct proc_segs *s = p->segs;
    const uint32_t ob = os->m->cfg.seg_offset_bits, segno = t->vaddr >> ob, span = 1u << ob;
    if (!s || segno >= s->nseg || !s->seg[segno].used)
        return false;
    os_segment_t *g = &s->seg[segno];
    const uint32_t off = t->vaddr & (span - 1);
    bool served = false;
    int fill = SEG_FILL_NONE;
    if (t->cause == TRAP_SEG_NOT_PRESENT && !g->resident)
        served = bring_in(os, p, segno, &fill);
    else if (t->cause == TRAP_SEG_BOUND && (g->flags & SEG_DOWN) && g->resident && g->limit < span &&
             off < span - g->limit) /* below the stack: it may grow to its whole range */
        served = grow_down(os, p, segno, off);
    if (!served)
        return false;
    os_charge(os, EV_FAULT_HANDLER, p->pid, os->m->cfg.timing.fault_handler_cycles, t->vaddr, 0, 0, 0);
    p->st.page_faults++; /* segment faults served, in segmented mode */
    p->st.major_faults += fill == SEG_FILL_DISK;
    ev_emit(os->m->bus, EV_PAGE_FAULT, p->pid, machine_cycles(os->m), 0, t->vaddr, segno, g->base, (uint32_t)fill);
    return true;
}

void segments_release(os_t *os, process_t *p)
{
    struct proc_segs *t = p->segs;
    if (!t)
        return;
    t->final = t->table ? calloc(t->nseg, sizeof *t->final) : NULL; /* the debugger's view after the end */
    if (t->final)
        memcpy(t->final, t->seg, t->nseg * sizeof *t->final);
    for (uint32_t i = 0; i < t->nseg; i++) {
        os_segment_t *g = &t->seg[i];
        seg_drop_block(os, p, g);
        if (g->used && g->shm)
            shm_attach_count(g->shm, -1); /* the end detaches it */
        free(g->backing);
        g->backing = NULL;
    }
    if (t->table)
        partitions_free(&os->parts, t->table);
    t->table = 0;
    memset(t->seg, 0, t->nseg * sizeof t->seg[0]);
}

bool segments_make_resident(os_t *os, process_t *p, uint32_t va)
{
    struct proc_segs *t = p->segs;
    const uint32_t segno = va >> os->m->cfg.seg_offset_bits;
    if (!t || segno >= t->nseg || !t->seg[segno].used || t->seg[segno].resident)
        return true;
    trap_t fault = {.cause = TRAP_SEG_NOT_PRESENT, .vaddr = va};
    return segments_fault(os, p, &fault);
}

void segments_free(process_t *p)
{
    if (p->segs)
        free(p->segs->final);
    free(p->segs);
    p->segs = NULL;
}

/* The debugger's view: the OS's own record of the segments (after the
 * process ended, as they were then), bounds only. */
static bool debugger_address(os_t *os, const process_t *p, uint32_t va, uint32_t len, uint32_t *paddr)
{
    const struct proc_segs *t = p->segs;
    const os_segment_t *segs = t->table ? t->seg : t->final;
    const seg_unit_t rules = seg_rules(os);
    const uint32_t segno = seg_number(&rules, va);
    if (!segs || segno >= t->nseg || !segs[segno].used || !segs[segno].resident)
        return false; /* not in memory: nothing to read there (the debugger never faults it in) */
    const os_segment_t *g = &segs[segno];
    seg_desc_t d = seg_desc_make(g->base, g->limit, g->flags | SEG_R | SEG_U);
    return seg_check(&rules, d, seg_offset(&rules, va), len, ACC_LOAD, MODE_USER, os->m->cfg.mem_size, paddr) ==
           TRAP_NONE;
}

bool segments_user_address(os_t *os, const process_t *p, uint32_t va, uint32_t len, access_t acc, bool check_perm,
                           uint32_t *paddr)
{
    const struct proc_segs *t = p->segs;
    if (!t || !len)
        return false;
    if (!check_perm)
        return debugger_address(os, p, va, len, paddr);
    const seg_unit_t rules = seg_rules(os);
    const uint32_t segno = seg_number(&rules, va);
    if (segno >= p->mmu.stlr || segno >> rules.seg_bits)
        return false;
    /* the descriptor as the hardware would read it, from the table in memory */
    seg_desc_t d;
    const uint32_t at = p->mmu.stbr + segno * SEG_DESC_BYTES;
    if (!machine_read32(os->m, at, &d.base) || !machine_read32(os->m, at + 4, &d.word1))
        return false;
    if (!(seg_desc_flags(d) & SEG_V)) { /* not in memory: the OS's record answers a probe */
        const os_segment_t *g = &t->seg[segno];
        if (!g->used)
            return false;
        d = seg_desc_make(0, g->limit, g->flags);
    }
    return seg_check(&rules, d, seg_offset(&rules, va), len, acc, MODE_USER, os->m->cfg.mem_size, paddr) ==
           TRAP_NONE;
}

void segments_print(const os_t *os, const process_t *p, FILE *out)
{
    const struct proc_segs *t = p->segs;
    const os_segment_t *segs = !t ? NULL : t->table ? t->seg : t->final;
    fprintf(out, "process %d (%s): segment table%s\n", p->pid, p->name, t && !t->table ? " (at its end)" : "");
    if (!segs)
        return;
    fprintf(out, "  %-7s %-13s %-10s %-10s %-10s %-8s %s\n", "segment", "region", "logical", "base", "limit",
            "flags", "shared/private");
    for (uint32_t i = 0; i < t->nseg; i++) {
        const os_segment_t *g = &segs[i];
        if (!g->used)
            continue;
        const uint32_t span = 1u << os->m->cfg.seg_offset_bits;
        const uint32_t logical = (i << os->m->cfg.seg_offset_bits) + ((g->flags & SEG_DOWN) ? span - g->limit : 0);
        char flags[6] = {g->flags & SEG_R ? 'r' : '-', g->flags & SEG_W ? 'w' : '-', g->flags & SEG_X ? 'x' : '-',
                         g->flags & SEG_DOWN ? 'd' : '-', 0};
        char base[16];
        if (g->resident && g->limit)
            snprintf(base, sizeof base, "0x%08x", g->base);
        else
            snprintf(base, sizeof base, "%s", !g->limit ? "(empty)" : g->backing ? "(swapped)" : "(on disk)");
        fprintf(out, "  %-7u %-13s 0x%08x %-10s 0x%08x %-8s %s\n", i, region_kind_name[g->kind], logical, base,
                g->limit, flags, g->shared ? "shared" : "private");
    }
}
