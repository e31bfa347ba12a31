/*
 * The segmentation unit (see seg.h): the descriptor cache, the table read
 * on a miss and the per-segment check.
 */
#include "seg.h"

#include <stdio.h>
#include <string.h>

bool seg_config_check(const machine_config_t *cfg, char *err, size_t errlen)
{
    if (cfg->seg_bits < 1 || cfg->seg_bits > SEG_MAX_BITS) {
        snprintf(err, errlen, "--seg-bits %u: segment-number bits must be 1..%d", cfg->seg_bits, SEG_MAX_BITS);
        return false;
    }
    if (cfg->seg_offset_bits < 8 || cfg->seg_offset_bits > 23) {
        snprintf(err, errlen, "--seg-offset-bits %u: offset bits must be 8..23", cfg->seg_offset_bits);
        return false;
    }
    if (cfg->seg_cache_entries > SEG_CACHE_MAX) {
        snprintf(err, errlen, "--seg-cache %u: descriptor cache entries must be 0..%d", cfg->seg_cache_entries,
                 SEG_CACHE_MAX);
        return false;
    }
    return true;
}

void seg_init(seg_unit_t *s, const machine_config_t *cfg)
{
    memset(s, 0, sizeof *s);
    s->seg_bits = cfg->seg_bits;
    s->offset_bits = cfg->seg_offset_bits;
    s->entries = cfg->seg_cache_entries;
    s->mem_cycles = cfg->timing.mem_cycles;
}

void seg_flush(seg_unit_t *s)
{
    for (uint32_t i = 0; i < SEG_CACHE_MAX; i++)
        s->cache[i].valid = false;
    s->next = 0;
}

/* The access kind's permission bit. */
static uint32_t seg_needed(access_t acc)
{
    return acc == ACC_FETCH ? SEG_X : acc == ACC_LOAD ? SEG_R : SEG_W;
}

trap_cause_t seg_check(const seg_unit_t *s, seg_desc_t d, uint32_t off, uint32_t size, access_t acc, priv_t priv,
                       uint32_t mem_size, uint32_t *paddr)
{
    const uint32_t flags = seg_desc_flags(d), limit = seg_desc_limit(d);
    const uint64_t span = 1ull << s->offset_bits, end = (uint64_t)off + size;
    /* a grow-down segment holds the top `limit` offsets of its range */
    const uint64_t lowest = (flags & SEG_DOWN) ? (limit < span ? span - limit : 0) : 0;
    const uint64_t highest = (flags & SEG_DOWN) ? span : limit;
    *paddr = d.base + (uint32_t)(off - lowest);
    if ((priv == MODE_USER && !(flags & SEG_U)) || !(flags & seg_needed(acc)))
        return TRAP_SEG_PROTECTION;
    if (off < lowest || end > highest)
        return TRAP_SEG_BOUND;
    if ((uint64_t)*paddr + size > mem_size)
        return TRAP_BUS;
    return TRAP_NONE;
}

static seg_cache_entry_t *seg_lookup(seg_unit_t *s, uint32_t segno)
{
    for (uint32_t i = 0; i < s->entries; i++)
        if (s->cache[i].valid && s->cache[i].segno == segno)
            return &s->cache[i];
    return NULL;
}

static uint32_t read_word(const uint8_t *mem, uint32_t pa)
{
    uint32_t v;
    memcpy(&v, mem + pa, 4);
    return v;
}

trap_cause_t seg_translate(seg_unit_t *s, const uint8_t *mem, uint32_t mem_size, uint32_t stbr, uint32_t stlr,
                           uint32_t va, uint32_t size, access_t acc, priv_t priv, seg_xlate_t *out)
{
    const uint32_t segno = seg_number(s, va);
    *out = (seg_xlate_t){0};
    if (segno >= stlr || segno >> s->seg_bits)
        return TRAP_SEG_BOUND;
    out->looked_up = true;
    const seg_cache_entry_t *e = seg_lookup(s, segno);
    if (e) {
        out->hit = true;
        out->desc = e->desc;
    } else {
        const uint64_t addr = (uint64_t)stbr + (uint64_t)segno * SEG_DESC_BYTES;
        out->desc_addr = (uint32_t)addr;
        if (addr + SEG_DESC_BYTES > mem_size) {
            out->paddr = (uint32_t)addr;
            return TRAP_BUS;
        }
        out->desc = (seg_desc_t){read_word(mem, (uint32_t)addr), read_word(mem, (uint32_t)addr + 4)};
        out->cycles = 2 * s->mem_cycles;
        out->read = true;
        if (!(seg_desc_flags(out->desc) & SEG_V))
            return TRAP_SEG_NOT_PRESENT;
        if (s->entries) {
            s->cache[s->next] = (seg_cache_entry_t){true, segno, out->desc};
            s->next = (s->next + 1) % s->entries;
        }
    }
    return seg_check(s, out->desc, seg_offset(s, va), size, acc, priv, mem_size, &out->paddr);
}
