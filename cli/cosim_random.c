/*
 * `mmulab cosim --random N --seed S`: the MMU alone, C against RTL, under
 * random stimulus.
 *
 * Each configuration draws the paging geometry (page size, levels, virtual
 * address width), the TLB (entries, ways, policy, ASID bits, random seed),
 * the memory size and the timing; builds random page tables -- runs of
 * mapped pages with holes beside them, mostly usable permissions with A and
 * D often clear, global pages,
 * swapped-out and unmapped entries, malformed leaves and non-leaves -- in
 * both memories; then runs a stream of accesses (fetch, load, store, user and
 * kernel, word and byte) mixed with full, per-ASID and per-page flushes
 * (including ones written while a walk is in flight), ASID switches and
 * page-table edits behind the TLB's back.  Every access is compared:
 * fault cause, physical address (a fault's too), cycles, hit or miss, each
 * walk step's PTE address and value, and the A/D write-back; the TLB
 * contents (tlb_read, replacement ages included) and the hit and miss
 * counters are compared every 2048 accesses and at the end of each
 * configuration.
 *
 * With --mode seg the unit runs in segmented mode instead: random segment
 * geometry (segment and offset bits), descriptor cache size and timing, a
 * random segment table (invalid, grow-down and bounded descriptors, bases
 * near the end of memory, a table whose end lies beyond it, STLR short of
 * the full table), accesses on both sides of every bound, register reloads
 * (which empty the cache), full flushes and descriptor edits behind the
 * cache's back (both caches must keep the stale descriptor alike).
 *
 * The C side is the model's own MMU unit (mmu/mmu.h), the one the CPU
 * translates through; the RTL side is the Verilated MMU through its test
 * port (rtl_mmu_access).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../mmu/geometry.h"
#include "../mmu/mmu.h"
#include "../rtl/harness/rtl.h"
#include "cosim.h"

machine_t *rtl_create(const machine_config_t *cfg, evbus_t *bus, char *err, size_t errlen) __attribute__((weak));
void rtl_mmu_access(machine_t *m, uint32_t vaddr, access_t acc, priv_t priv, uint32_t size, int flush_at,
                    tlb_flush_t kind, uint32_t asid, uint32_t flush_vaddr, rtl_access_t *out) __attribute__((weak));

#define RTL_MEM_MAX (4u << 20)
#define RTL_TLB_MAX 64
#define MAX_PAGES 96

typedef struct {
    uint64_t s;
} rng_t;

/* What the stimulus reached, as the C side saw it (printed at the end). */
static struct {
    uint64_t hits, misses, ad_walks_on_hit, writebacks, flushes_in_flight, faults[TRAP_COUNT];
    uint64_t fault_on_hit, fault_on_miss;
} seen;

static uint32_t rnd(rng_t *r)
{
    r->s ^= r->s >> 12;
    r->s ^= r->s << 25;
    r->s ^= r->s >> 27;
    return (uint32_t)((r->s * 0x2545F4914F6CDD1Dull) >> 32);
}
static uint32_t below(rng_t *r, uint32_t n) { return n ? rnd(r) % n : 0; }
static bool chance(rng_t *r, uint32_t percent) { return below(r, 100) < percent; }

typedef struct {
    machine_config_t cfg;
    paging_geometry_t geo;
    mmu_t mmu;                    /* the C side                              */
    uint8_t *mem;
    machine_t *rtl;
    mmu_regs_t regs;
    uint32_t next_free;           /* bump allocator for tables, page aligned */
    uint32_t nframes;
    uint32_t vpn[MAX_PAGES];      /* pages the tables were built for         */
    uint32_t leaf[MAX_PAGES];     /* physical address of each one's leaf PTE  */
    int npages;
} rig_t;

/* ---- configuration ----------------------------------------------------------- */

static void random_config(rng_t *r, machine_config_t *c)
{
    char err[200];
    for (;;) {
        machine_config_defaults(c);
        static const uint32_t mems[] = {64u << 10, 128u << 10, 256u << 10, 512u << 10, 1u << 20, 2u << 20, 4u << 20};
        c->mem_size = mems[below(r, 7)];
        c->page_shift = 9 + below(r, 8);                  /* 512 B .. 64 KiB */
        c->levels = 1 + below(r, 3);
        c->va_bits = c->page_shift + c->levels + below(r, 32 - c->page_shift - c->levels + 1);
        if (c->va_bits < 14)
            c->va_bits = 14;
        c->tlb_entries = 1 + below(r, RTL_TLB_MAX);
        uint32_t divisors[RTL_TLB_MAX], nd = 0;
        for (uint32_t w = 1; w <= c->tlb_entries; w++)
            if (c->tlb_entries % w == 0)
                divisors[nd++] = w;
        c->tlb_ways = divisors[below(r, nd)];
        c->tlb_policy = (tlb_policy_t)below(r, TLB_POLICY_COUNT);
        c->asid_bits = below(r, 17);
        c->seed = rnd(r);
        c->timing.mem_cycles = below(r, 5);
        c->timing.tlb_hit_cycles = below(r, 4);
        if (!paging_config_check(c, err, sizeof err))
            continue;
        paging_geometry_t g;
        paging_geometry(c, &g);
        bool fits = true; /* every table within an eighth of memory, and enough frames */
        for (uint32_t l = 0; l < c->levels; l++)
            fits = fits && paging_table_bytes(&g, l) <= c->mem_size / 8;
        if (fits && (c->mem_size >> c->page_shift) >= 16)
            return;
    }
}

static void describe_config(const machine_config_t *c, bool seg, FILE *out)
{
    if (seg) {
        fprintf(out, "mem %uK, %u segment bits, %u offset bits, descriptor cache %u, mem_cycles %u, seg_hit_cycles %u",
                c->mem_size >> 10, c->seg_bits, c->seg_offset_bits, c->seg_cache_entries, c->timing.mem_cycles,
                c->timing.seg_hit_cycles);
        return;
    }
    fprintf(out, "mem %uK, page 2^%u, %u level(s), va %u bits, TLB %u entries %u ways %s, asid %u bits, "
                 "seed %u, mem_cycles %u, tlb_hit_cycles %u",
            c->mem_size >> 10, c->page_shift, c->levels, c->va_bits, c->tlb_entries, c->tlb_ways,
            tlb_policy_name[c->tlb_policy], c->asid_bits, c->seed, c->timing.mem_cycles, c->timing.tlb_hit_cycles);
}

/* ---- memory and tables -------------------------------------------------------- */

static void write_word(rig_t *g, uint32_t pa, uint32_t v)
{
    memcpy(g->mem + pa, &v, 4);
    machine_write32(g->rtl, pa, v);
}

static uint32_t read_word(const rig_t *g, uint32_t pa)
{
    uint32_t v;
    memcpy(&v, g->mem + pa, 4);
    return v;
}

/* A zeroed, page-aligned table for `level`; 0 if memory ran out. */
static uint32_t alloc_table(rig_t *g, uint32_t level)
{
    uint32_t page = 1u << g->cfg.page_shift;
    uint32_t bytes = (paging_table_bytes(&g->geo, level) + page - 1) & ~(page - 1);
    if ((uint64_t)g->next_free + bytes > g->cfg.mem_size / 2)
        return 0;
    uint32_t at = g->next_free;
    g->next_free += bytes;
    return at;
}

static uint32_t random_leaf(rng_t *r, const rig_t *g)
{
    uint32_t ppn = below(r, g->nframes);
    uint32_t k = below(r, 100);
    if (k < 4)
        return 0;                                                  /* not mapped */
    if (k < 9)
        return pte_val(pte_make(ppn, PTE_R | (rnd(r) & (PTE_W | PTE_X))));    /* not present */
    if (k < 11)
        return pte_val(pte_make(ppn, PTE_V | PTE_W | (rnd(r) & (PTE_U | PTE_A | PTE_D)))); /* W without R */
    if (k < 12)
        return pte_val(pte_make(ppn, PTE_V | PTE_R | (1u << (8 + below(r, 2)))));           /* reserved */
    /* present: mostly usable, with A and D often clear so the walker sets them */
    uint32_t flags = PTE_V;
    flags |= chance(r, 95) ? PTE_R : 0;
    flags |= (flags & PTE_R) && chance(r, 60) ? PTE_W : 0;
    flags |= chance(r, 70) ? PTE_X : 0;
    flags |= chance(r, 90) ? PTE_U : 0;
    flags |= chance(r, 15) ? PTE_G : 0;
    flags |= chance(r, 60) ? PTE_A : 0;
    flags |= chance(r, 50) ? PTE_D : 0;
    return pte_val(pte_make(ppn, flags));
}

/* Map vpn: make the tables down to its leaf, then write a random leaf. */
static bool map_page(rng_t *r, rig_t *g, uint32_t vpn)
{
    uint32_t va = vpn << g->cfg.page_shift, table = g->regs.ptbr;
    for (uint32_t level = 0; level < g->cfg.levels; level++) {
        uint32_t pte_addr = table + 4 * paging_index(&g->geo, va, level);
        if (level + 1 == g->cfg.levels) {
            write_word(g, pte_addr, random_leaf(r, g));
            g->vpn[g->npages] = vpn;
            g->leaf[g->npages++] = pte_addr;
            return true;
        }
        pte_t pte = {read_word(g, pte_addr)};
        if (!pte_valid(pte)) {
            uint32_t next = alloc_table(g, level + 1);
            if (!next)
                return false;
            uint32_t flags = PTE_V;
            if (chance(r, 2))
                flags |= PTE_A;            /* a non-leaf with leaf bits: malformed */
            write_word(g, pte_addr, pte_val(pte_make(next >> g->cfg.page_shift, flags)));
            pte.v = read_word(g, pte_addr);
        }
        table = pte_ppn(pte) << g->cfg.page_shift;
    }
    return false;
}

static void build_tables(rng_t *r, rig_t *g)
{
    g->npages = 0;
    g->next_free = 0;
    g->regs.ptbr = alloc_table(g, 0);
    uint32_t vpn_count = g->geo.vpn_bits >= 32 ? UINT32_MAX : (1u << g->geo.vpn_bits);
    while (g->npages < MAX_PAGES) {
        uint32_t run = 4 + below(r, 24), start = below(r, vpn_count);
        bool room = true;
        for (uint32_t i = 0; i < run && g->npages < MAX_PAGES && room; i++) {
            uint32_t vpn = start + i;
            if (vpn >= vpn_count)
                break;
            if (chance(r, 20))
                continue; /* a hole beside mapped pages */
            room = map_page(r, g, vpn);
        }
        if (!room)
            break;
    }
    if (g->cfg.levels == 1 && chance(r, 50) && g->npages) { /* a bound that cuts off the last few mapped pages */
        uint32_t top = 0;
        for (int i = 0; i < g->npages; i++)
            top = g->vpn[i] > top ? g->vpn[i] : top;
        g->regs.ptlr = top + 1 - (top > 4 ? below(r, 4) : 0);
    }
}

/* ---- one access, both sides ---------------------------------------------------- */

typedef struct {
    uint32_t va, size;
    access_t acc;
    priv_t priv;
    int flush_at;
} access_desc_t;

/* One access through the C model's MMU unit: its cause, physical address,
 * cycles and retirement record. */
static trap_cause_t translate_c(rig_t *g, const access_desc_t *a, uint32_t *pa, uint64_t *cycles, retire_xlate_t *rx)
{
    mmu_xlate_t x;
    trap_cause_t cause = mmu_translate(&g->mmu, a->va, a->size, a->acc, a->priv, 0, rx, &x);
    *cycles = mmu_access_cycles(&g->mmu) + x.cycles;
    *pa = x.paddr;
    return cause;
}

#define CMPF(name, a, b)                                   \
    do {                                                   \
        if ((uint64_t)(a) != (uint64_t)(b)) {              \
            snprintf(d->field, sizeof d->field, "%s", name); \
            d->c = (uint64_t)(a);                          \
            d->rtl = (uint64_t)(b);                        \
            return false;                                  \
        }                                                  \
    } while (0)

static bool same_tlb(rig_t *g, cosim_diff_t *d)
{
    static tlb_view_t a[RTL_TLB_MAX], b[RTL_TLB_MAX];
    int na = tlb_read(g->mmu.tlb, a, RTL_TLB_MAX), nb = machine_tlb_read(g->rtl, b, RTL_TLB_MAX);
    CMPF("tlb.rows", na, nb);
    for (int i = 0; i < na; i++) {
        CMPF("tlb.valid", a[i].valid, b[i].valid);
        if (!a[i].valid)
            continue;
        CMPF("tlb.vpn", a[i].vpn, b[i].vpn);
        CMPF("tlb.ppn", a[i].ppn, b[i].ppn);
        CMPF("tlb.asid", a[i].asid, b[i].asid);
        CMPF("tlb.perm", a[i].perm, b[i].perm);
        CMPF("tlb.global", a[i].global, b[i].global);
        CMPF("tlb.age", a[i].age, b[i].age);
    }
    const hw_counters_t *c = machine_counters(g->rtl);
    hw_counters_t own = {0};
    mmu_counters(&g->mmu, &own);
    CMPF("tlb_hits", own.tlb_hits, c->tlb_hits);
    CMPF("tlb_misses", own.tlb_misses, c->tlb_misses);
    return true;
}

static bool one_access(rig_t *g, const access_desc_t *a, tlb_flush_t kind, uint32_t fasid, uint32_t fva,
                       cosim_diff_t *d, uint64_t *cycles)
{
    uint32_t pa;
    uint64_t cc;
    retire_xlate_t rx;
    trap_cause_t cause = translate_c(g, a, &pa, &cc, &rx);
    if (a->flush_at >= 0)
        mmu_flush(&g->mmu, kind, fasid, fva, 0);
    rtl_access_t o;
    rtl_mmu_access(g->rtl, a->va, a->acc, a->priv, a->size, a->flush_at, kind, fasid, fva, &o);
    *cycles += cc;
    seen.hits += rx.tlb_hit;
    seen.misses += !rx.tlb_hit;
    seen.ad_walks_on_hit += rx.tlb_hit && rx.steps;
    seen.writebacks += rx.pte_written;
    seen.flushes_in_flight += a->flush_at >= 0;
    seen.faults[cause]++;
    seen.fault_on_hit += cause && rx.tlb_hit;
    seen.fault_on_miss += cause && !rx.tlb_hit;
    CMPF("cause", cause, o.cause);
    CMPF("paddr", pa, o.paddr);
    CMPF("cycles", cc, o.cycles);
    return cosim_same_xlate("xlate", &rx, &o.xlate, d);
}

/* ---- the stream ----------------------------------------------------------------- */

static void flush_both(rig_t *g, tlb_flush_t kind, uint32_t asid, uint32_t va)
{
    mmu_flush(&g->mmu, kind, asid, va, 0);
    machine_tlb_flush(g->rtl, kind, asid, va);
}

static uint32_t random_vaddr(rng_t *r, const rig_t *g, uint32_t size)
{
    uint32_t shift = g->cfg.page_shift, va;
    uint32_t k = below(r, 100);
    if (k < 60 && g->npages) /* a working set: the first pages mapped */
        va = g->vpn[below(r, g->npages < 6 ? (uint32_t)g->npages : 6)] << shift | below(r, 1u << shift);
    else if (k < 85 && g->npages)
        va = g->vpn[below(r, (uint32_t)g->npages)] << shift | below(r, 1u << shift);
    else if (k < 97 || g->cfg.va_bits == 32)
        va = below(r, g->cfg.va_bits >= 32 ? UINT32_MAX : (1u << g->cfg.va_bits));
    else
        va = rnd(r) | (1u << g->cfg.va_bits); /* beyond va_bits */
    return va & ~(size - 1);
}

static void edit_pte(rng_t *r, rig_t *g)
{
    if (!g->npages)
        return;
    uint32_t at = g->leaf[below(r, (uint32_t)g->npages)];
    pte_t pte = {read_word(g, at)};
    switch (below(r, 5)) {
    case 0: pte = pte_mkclean(pte_mkold(pte)); break;         /* the OS cleared A and D */
    case 1: pte = pte_wrprotect(pte); break;
    case 2: pte = pte_valid(pte) ? pte_mknotpresent(pte) : pte_mkpresent(pte); break;
    case 3: pte = pte_set_ppn(pte, below(r, g->nframes)); break;
    default: pte.v = random_leaf(r, g); break;
    }
    /* G stays as it was: changing it without a flush lets a global and a
     * per-ASID entry match one key, which tlb.h makes an invariant violation
     * (the OS must flush the page when it changes G) */
    pte.v = (pte.v & ~(uint32_t)PTE_G) | (read_word(g, at) & PTE_G);
    write_word(g, at, pte_val(pte));
}

/* ---- segmented mode ------------------------------------------------------------- */


static void random_seg_config(rng_t *r, machine_config_t *c)
{
    static const uint32_t mems[] = {64u << 10, 256u << 10, 1u << 20, 4u << 20};
    machine_config_defaults(c);
    c->mem_size = mems[below(r, 4)];
    c->seg_bits = 1 + below(r, SEG_MAX_BITS);
    c->seg_offset_bits = 8 + below(r, 16);
    c->seg_cache_entries = below(r, SEG_CACHE_MAX + 1);
    c->timing.mem_cycles = below(r, 5);
    c->timing.seg_hit_cycles = below(r, 4);
}

static uint32_t random_descriptor_word1(rng_t *r, const rig_t *g)
{
    const uint32_t span = 1u << g->cfg.seg_offset_bits;
    uint32_t limit = chance(r, 80) ? below(r, span + 1) : below(r, SEG_LIMIT_MAX + 1);
    uint32_t flags = chance(r, 90) ? SEG_V : 0;
    flags |= chance(r, 90) ? SEG_U : 0;
    flags |= chance(r, 85) ? SEG_R : 0;
    flags |= chance(r, 60) ? SEG_W : 0;
    flags |= chance(r, 60) ? SEG_X : 0;
    flags |= chance(r, 25) ? SEG_DOWN : 0;
    return seg_desc_make(0, limit, flags).word1;
}

static void write_descriptor(rng_t *r, rig_t *g, uint32_t segno)
{
    const uint32_t at = g->regs.stbr + segno * SEG_DESC_BYTES;
    if ((uint64_t)at + SEG_DESC_BYTES > g->cfg.mem_size)
        return;
    uint32_t base = chance(r, 85) ? below(r, g->cfg.mem_size) : g->cfg.mem_size - below(r, 1u << 12);
    write_word(g, at, base & ~3u);
    write_word(g, at + 4, random_descriptor_word1(r, g));
}

static void build_segment_table(rng_t *r, rig_t *g)
{
    const uint32_t nseg = 1u << g->cfg.seg_bits, bytes = nseg * SEG_DESC_BYTES;
    g->regs.stbr = chance(r, 95) ? below(r, g->cfg.mem_size / 2) & ~7u : g->cfg.mem_size - bytes / 2;
    g->regs.stlr = chance(r, 80) ? nseg : below(r, nseg + 2);
    for (uint32_t i = 0; i < nseg; i++)
        write_descriptor(r, g, i);
}

/* An address on either side of a segment's bounds, mostly in the table. */
static uint32_t random_seg_vaddr(rng_t *r, const rig_t *g, uint32_t size)
{
    const uint32_t ob = g->cfg.seg_offset_bits, span = 1u << ob;
    uint32_t segno = chance(r, 90) ? below(r, g->regs.stlr + 1) : rnd(r) >> ob;
    uint32_t at = g->regs.stbr + (segno & 0xFF) * SEG_DESC_BYTES, limit = 0, down = 0;
    if ((uint64_t)at + SEG_DESC_BYTES <= g->cfg.mem_size) {
        const seg_desc_t desc = {0, read_word(g, at + 4)};
        limit = seg_desc_limit(desc) < span ? seg_desc_limit(desc) : span;
        down = seg_desc_flags(desc) & SEG_DOWN;
    }
    const uint32_t lowest = down ? span - limit : 0;
    uint32_t off = below(r, span), k = below(r, 100);
    if (k < 50) /* inside the segment */
        off = lowest + below(r, limit);
    else if (k < 80) /* near the bound, from either end */
        off = (chance(r, 50) ? limit : span - limit) + below(r, 16) - 8;
    return ((segno << ob) | (off & (span - 1))) & ~(size - 1);
}

static bool seg_stream(rng_t *r, rig_t *g, uint64_t i, cosim_diff_t *d, uint64_t *cycles, char *what, size_t len)
{
    uint32_t k = below(r, 100);
    if (k < 1) {
        flush_both(g, TLB_FLUSH_ALL, 0, 0);
        return true;
    }
    if (k < 3) { /* a context switch: the registers again, the cache emptied */
        if (chance(r, 30))
            g->regs.stlr = below(r, (1u << g->cfg.seg_bits) + 1);
        mmu_set(&g->mmu, &g->regs);
        machine_mmu_set(g->rtl, &g->regs);
        return true;
    }
    if (k < 6) { /* behind the cache's back */
        write_descriptor(r, g, below(r, 1u << g->cfg.seg_bits));
        return true;
    }
    access_desc_t a = {.size = chance(r, 70) ? 4 : 1, .acc = (access_t)below(r, 3), .flush_at = -1};
    if (a.acc == ACC_FETCH)
        a.size = 4;
    a.priv = chance(r, 90) ? MODE_USER : MODE_KERNEL;
    a.va = random_seg_vaddr(r, g, a.size);
    snprintf(what, len, "access %" PRIu64 ": %s of 0x%08x (%u bytes, %s)", i, access_name[a.acc], a.va, a.size,
             a.priv == MODE_USER ? "user" : "kernel");
    return one_access(g, &a, TLB_FLUSH_ALL, 0, 0, d, cycles);
}

static const char *const kind_name[3] = {"all", "asid", "page"};

static int run_config(rng_t *r, uint64_t accesses, uint64_t *done, uint64_t *cycles, int index, bool seg, FILE *out)
{
    rig_t g;
    memset(&g, 0, sizeof g);
    if (seg)
        random_seg_config(r, &g.cfg);
    else
        random_config(r, &g.cfg);
    char err[256];
    paging_geometry(&g.cfg, &g.geo);
    g.mem = calloc(1, g.cfg.mem_size);
    bool unit = g.mem && mmu_init(&g.mmu, &g.cfg, g.mem, g.cfg.mem_size, NULL, err, sizeof err);
    g.rtl = unit ? rtl_create(&g.cfg, NULL, err, sizeof err) : NULL;
    if (!g.rtl) {
        fprintf(out, "cosim: configuration %d: %s\n", index, g.mem ? err : "out of host memory");
        if (unit)
            mmu_destroy(&g.mmu);
        free(g.mem);
        if (g.rtl)
            machine_destroy(g.rtl);
        return 2;
    }
    g.nframes = g.cfg.mem_size >> g.cfg.page_shift;
    g.regs = (mmu_regs_t){.mode = seg ? MMU_SEG : MMU_PAGED};
    if (seg)
        build_segment_table(r, &g);
    else
        build_tables(r, &g);
    g.regs.asid = below(r, 4);
    mmu_set(&g.mmu, &g.regs);
    machine_mmu_set(g.rtl, &g.regs);
    int rc = 0;
    cosim_diff_t d;
    char what[160] = "";
    /* COSIM_TLB_EVERY=1: compare the TLB contents after every access (to find
     * the first access after which they differ) */
    const bool tlb_every = getenv("COSIM_TLB_EVERY") != NULL;
    for (uint64_t i = 0; i < accesses && rc == 0; i++) {
        if (seg) {
            if (!seg_stream(r, &g, i, &d, cycles, what, sizeof what))
                rc = 1;
            else if (i % 2048 == 2047 && !same_tlb(&g, &d))
                snprintf(what, sizeof what, "counters after access %" PRIu64, i), rc = 1;
            (*done)++;
            continue;
        }
        uint32_t k = below(r, 100);
        uint32_t asid_pick = chance(r, 50) ? g.regs.asid : below(r, 4);
        if (k < 1) {
            flush_both(&g, TLB_FLUSH_ALL, 0, 0);
            continue;
        } else if (k < 3) {
            flush_both(&g, TLB_FLUSH_ASID, asid_pick, 0);
            continue;
        } else if (k < 5) {
            flush_both(&g, TLB_FLUSH_PAGE, asid_pick, random_vaddr(r, &g, 4));
            continue;
        } else if (k < 7) {
            g.regs.asid = below(r, 4) | (chance(r, 10) ? rnd(r) & 0xFFFF0 : 0);
            mmu_set(&g.mmu, &g.regs);
            machine_mmu_set(g.rtl, &g.regs);
            continue;
        } else if (k < 9) {
            edit_pte(r, &g);
            continue;
        }
        access_desc_t a;
        a.size = chance(r, 70) ? 4 : 1;
        a.acc = (access_t)below(r, 3);
        if (a.acc == ACC_FETCH)
            a.size = 4;
        a.priv = chance(r, 80) ? MODE_USER : MODE_KERNEL;
        a.va = random_vaddr(r, &g, a.size);
        a.flush_at = k < 13 ? (int)below(r, 8) : -1;
        tlb_flush_t kind = (tlb_flush_t)below(r, 3);
        uint32_t fva = chance(r, 70) ? a.va : random_vaddr(r, &g, 4);
        snprintf(what, sizeof what, "%s of 0x%08x (%u bytes, %s)%s%s", access_name[a.acc], a.va, a.size,
                 a.priv == MODE_USER ? "user" : "kernel", a.flush_at >= 0 ? " with a flush in flight: " : "",
                 a.flush_at >= 0 ? kind_name[kind] : "");
        if (!one_access(&g, &a, kind, asid_pick, fva, &d, cycles))
            rc = 1;
        else if ((tlb_every || i % 2048 == 2047 || i + 1 == accesses) && !same_tlb(&g, &d)) {
            snprintf(what, sizeof what, "TLB contents after access %" PRIu64, i);
            rc = 1;
        }
        (*done)++;
    }
    if (rc == 0 && !same_tlb(&g, &d)) {
        snprintf(what, sizeof what, "TLB contents at the end");
        rc = 1;
    }
    if (rc) {
        fprintf(out, "cosim: divergence in configuration %d (", index);
        describe_config(&g.cfg, seg, out);
        fprintf(out, "), access %" PRIu64 ": %s: %s: C model 0x%" PRIx64 ", RTL 0x%" PRIx64 "\n", *done, what,
                d.field, d.c, d.rtl);
        fprintf(out, "cosim: %" PRIu64 " accesses, 1 divergence (%s)\n", *done, d.field);
    }
    machine_destroy(g.rtl);
    mmu_destroy(&g.mmu);
    free(g.mem);
    return rc;
}

int cosim_random(uint64_t n, uint32_t seed, bool seg, FILE *out)
{
    if (!rtl_create || !rtl_mmu_access) {
        fprintf(stderr, "mmulab cosim: --random needs the RTL engine (build/mmulab-rtl)\n");
        return 2;
    }
    rng_t r = {0x9E3779B97F4A7C15ull ^ ((uint64_t)seed << 1 | 1)};
    uint64_t per = n / 20 < 10000 ? (n / 20 ? n / 20 : 1) : 10000;
    uint64_t done = 0, cycles = 0;
    int configs = 0;
    while (done < n) {
        uint64_t want = n - done < per ? n - done : per;
        int rc = run_config(&r, want, &done, &cycles, ++configs, seg, out);
        if (rc)
            return rc;
    }
    fprintf(out, "coverage: %" PRIu64 " TLB hits (%" PRIu64 " walking again to set A/D), %" PRIu64 " misses, %" PRIu64
                 " A/D write-backs, %" PRIu64 " flushes written during an access, %" PRIu64 " faults on a hit, %" PRIu64
                 " on a miss\ncoverage: faults by cause:",
            seen.hits, seen.ad_walks_on_hit, seen.misses, seen.writebacks, seen.flushes_in_flight, seen.fault_on_hit,
            seen.fault_on_miss);
    for (int c = 1; c < TRAP_COUNT; c++)
        if (seen.faults[c])
            fprintf(out, " %s %" PRIu64, trap_name[c], seen.faults[c]);
    fprintf(out, "\n");
    fprintf(out, "cosim: %" PRIu64 " random accesses over %d configurations, %" PRIu64 " cycles, 0 divergences\n",
            done, configs, cycles);
    return 0;
}
