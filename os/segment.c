/*
 * Segmented mode's OS side (see segment.h): loading a program into one
 * segment per region, the OS's checks of user addresses with the
 * hardware's own rule (seg_check), and releasing the segments.
 */
#include "segment.h"

#include <stdlib.h>
#include <string.h>

#include "../mmu/seg.h"
#include "os_internal.h"
#include "overlay.h"

static uint32_t align16(uint32_t v) { return (uint32_t)(((uint64_t)v + 15) & ~15ull); }

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

static uint32_t sec_flags(uint32_t perm)
{
    return ((perm & SEC_R) ? SEG_R : 0) | ((perm & SEC_W) ? SEG_W : 0) | ((perm & SEC_X) ? SEG_X : 0);
}

static region_kind_t sec_kind(const exe_section_t *s)
{
    if (s->nobits)
        return REGION_BSS;
    return (s->perm & SEC_X) ? REGION_CODE : REGION_DATA;
}

/* Gather the sections into the segments their addresses name; the stack
 * segment is the last.  False with err if a section crosses a segment
 * boundary or reaches the stack's segment. */
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
        g->flags |= sec_flags(s->perm);
        if (end_off > g->limit)
            g->limit = end_off;
    }
    uint32_t stack_bytes = os->cfg.stack_size ? os->cfg.stack_size : 16;
    if (stack_bytes > (1u << ob))
        stack_bytes = 1u << ob;
    t->seg[stack] = (os_segment_t){.used = true, .kind = REGION_STACK, .limit = stack_bytes,
                                   .flags = SEG_V | SEG_U | SEG_R | SEG_W | SEG_DOWN};
    return true;
}

static void write_descriptor(os_t *os, const struct proc_segs *t, uint32_t segno)
{
    const os_segment_t *g = &t->seg[segno];
    seg_desc_t d = g->used ? seg_desc_make(g->base, g->limit, g->flags) : (seg_desc_t){0, 0};
    machine_write32(os->m, t->table + segno * SEG_DESC_BYTES, d.base);
    machine_write32(os->m, t->table + segno * SEG_DESC_BYTES + 4, d.word1);
}

/* Copy the image's sections into their segments; returns the words copied. */
static uint64_t copy_sections(os_t *os, const process_t *p, const struct proc_segs *t)
{
    const uint32_t ob = os->m->cfg.seg_offset_bits, resident = overlay_resident_end(&p->exe, UINT32_MAX);
    uint64_t words = 0;
    for (int i = 0; i < p->exe.nsections; i++) {
        const exe_section_t *s = &p->exe.sections[i];
        if (s->nobits || !s->size || !s->data || s->addr >= resident)
            continue; /* overlay phases stay on disk until loaded */
        const uint32_t bytes = resident - s->addr < s->size ? resident - s->addr : s->size;
        const os_segment_t *g = &t->seg[s->addr >> ob];
        machine_phys_write(os->m, g->base + (s->addr & ((1u << ob) - 1)), s->data, bytes);
        words += (bytes + 3) / 4;
    }
    return words;
}

static void zero_segment(os_t *os, const os_segment_t *g)
{
    uint8_t *zeros = calloc(1, g->limit ? g->limit : 1);
    if (zeros) {
        machine_phys_write(os->m, g->base, zeros, g->limit);
        free(zeros);
    }
}

/* Allocate memory for every planned segment and zero it. */
static bool place_segments(os_t *os, process_t *p, struct proc_segs *t, char *err, size_t errlen)
{
    for (uint32_t i = 0; i < t->nseg; i++) {
        os_segment_t *g = &t->seg[i];
        if (!g->used)
            continue;
        g->base = partitions_alloc(&os->parts, align16(g->limit ? g->limit : 16), p->pid);
        if (g->base == UINT32_MAX) {
            uint32_t free_bytes, largest;
            partitions_holes(&os->parts, &free_bytes, &largest);
            snprintf(err, errlen, "segment %u (%s, %u bytes) does not fit: the largest hole is %u of %u bytes free", i,
                     region_kind_name[g->kind], g->limit, largest, free_bytes);
            g->used = false;
            return false;
        }
        zero_segment(os, g);
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
    t->table = partitions_alloc(&os->parts, align16(nseg * SEG_DESC_BYTES), p->pid);
    if (t->table == UINT32_MAX) {
        snprintf(err, errlen, "no room for a %u-byte segment table", nseg * SEG_DESC_BYTES);
        t->table = 0;
        segments_release(os, p);
        return false;
    }
    if (!plan_segments(os, p, t, err, errlen) || !place_segments(os, p, t, err, errlen)) {
        segments_release(os, p);
        return false;
    }
    const uint64_t words = copy_sections(os, p, t);
    for (uint32_t i = 0; i < nseg; i++)
        write_descriptor(os, t, i);
    os_charge(os, EV_LOAD, p->pid, words * hw->timing.load_word_cycles, t->seg[0].base, t->seg[0].limit,
              (uint32_t)words, 0);
    p->base = t->table;
    p->size = nseg * SEG_DESC_BYTES;
    p->mmu = (mmu_regs_t){.mode = MMU_SEG, .stbr = t->table, .stlr = nseg};
    memset(&p->cpu, 0, sizeof p->cpu);
    p->cpu.pc = p->exe.entry;
    p->cpu.r[ISA_REG_SP] = nseg << hw->seg_offset_bits; /* one past the stack segment's top */
    p->cpu.priv = MODE_USER;
    return true;
}

uint32_t segments_add(os_t *os, process_t *p, uint32_t bytes, uint32_t perm, region_kind_t kind, uint32_t *paddr)
{
    struct proc_segs *t = p->segs;
    const uint32_t ob = os->m->cfg.seg_offset_bits;
    if (!t || !bytes || bytes > (1u << ob) || bytes > SEG_LIMIT_MAX)
        return UINT32_MAX;
    uint32_t segno = 0;
    while (segno + 1 < t->nseg && t->seg[segno].used)
        segno++;
    if (segno + 1 >= t->nseg)
        return UINT32_MAX;
    os_segment_t *g = &t->seg[segno];
    g->base = partitions_alloc(&os->parts, align16(bytes), p->pid);
    if (g->base == UINT32_MAX)
        return UINT32_MAX;
    *g = (os_segment_t){.used = true, .kind = kind, .base = g->base, .limit = bytes,
                        .flags = SEG_V | SEG_U | sec_flags(perm)};
    zero_segment(os, g);
    write_descriptor(os, t, segno);
    if (os->current == p->pid)
        machine_mmu_set(os->m, &p->mmu); /* the descriptor cache forgets */
    *paddr = g->base;
    return segno << ob;
}

void segments_release(os_t *os, process_t *p)
{
    struct proc_segs *t = p->segs;
    if (!t)
        return;
    t->final = t->table ? calloc(t->nseg, sizeof *t->final) : NULL; /* the debugger's view after the end */
    if (t->final)
        memcpy(t->final, t->seg, t->nseg * sizeof *t->final);
    for (uint32_t i = 0; i < t->nseg; i++)
        if (t->seg[i].used)
            partitions_free(&os->parts, t->seg[i].base);
    if (t->table)
        partitions_free(&os->parts, t->table);
    t->table = 0;
    memset(t->seg, 0, t->nseg * sizeof t->seg[0]);
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
    if (!segs || segno >= t->nseg || !segs[segno].used)
        return false;
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
    if (!machine_read32(os->m, at, &d.base) || !machine_read32(os->m, at + 4, &d.word1) ||
        !(seg_desc_flags(d) & SEG_V))
        return false;
    return seg_check(&rules, d, seg_offset(&rules, va), len, acc, MODE_USER, os->m->cfg.mem_size, paddr) ==
           TRAP_NONE;
}
