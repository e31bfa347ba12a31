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
 *
 * A divergence (or a failed RTL assertion) is reported with the
 * configuration, the access, the field and both values, then each engine's
 * log of its last steps; the configuration is then made again from the same
 * random state with the RTL traced over the accesses before the divergence
 * (docs/verification.md, "Readable failures").
 */
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "../mmu/geometry.h"
#include "../mmu/mmu.h"
#include "../rtl/harness/rtl.h"
#include "cosim.h"
#include "cosim_coverage.h"

machine_t *rtl_create(const machine_config_t *cfg, evbus_t *bus, char *err, size_t errlen) __attribute__((weak));
void rtl_mmu_access(machine_t *m, uint32_t vaddr, access_t acc, priv_t priv, uint32_t size, int flush_at,
                    tlb_flush_t kind, uint32_t asid, uint32_t flush_vaddr, rtl_access_t *out) __attribute__((weak));
bool rtl_trace_open(machine_t *m, const char *path, char *err, size_t errlen) __attribute__((weak));
bool rtl_trace_close(machine_t *m, char *err, size_t errlen) __attribute__((weak));
void rtl_assertions_soft(machine_t *m) __attribute__((weak));
bool rtl_assertion_failed(machine_t *m) __attribute__((weak));

#define RTL_MEM_MAX (4u << 20)
#define RTL_TLB_MAX 64
#define MAX_PAGES 96
#define ACCESS_LOG 8     /* accesses shown before a divergence, per engine */
#define WINDOW_ACCESSES 16 /* a divergence's waveform starts this many accesses before it */

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
    coverage_t *cov;              /* NULL: no coverage collected             */
    bool asid_switched;           /* an ASID switch with entries live, not yet followed by an access */
    struct {                      /* each engine's last steps, in words (a divergence prints them) */
        char c[ACCESS_LOG][160], rtl[ACCESS_LOG][160];
        uint64_t n;
    } log;
} rig_t;

/* ---- configuration ----------------------------------------------------------- */

/* A configuration drawn at random, within what steer asks for (see
 * coverage_steer: a missed bin's policy, levels or TLB shape). */
static void random_config(rng_t *r, machine_config_t *c, const cov_steer_t *steer)
{
    char err[200];
    for (;;) {
        machine_config_defaults(c);
        static const uint32_t mems[] = {64u << 10, 128u << 10, 256u << 10, 512u << 10, 1u << 20, 2u << 20, 4u << 20};
        c->mem_size = mems[below(r, 7)];
        c->page_shift = 9 + below(r, 8);                  /* 512 B .. 64 KiB */
        c->levels = steer->levels ? (uint32_t)steer->levels : 1 + below(r, 3);
        c->va_bits = c->page_shift + c->levels + below(r, 32 - c->page_shift - c->levels + 1);
        if (c->va_bits < 14)
            c->va_bits = 14;
        c->tlb_entries = 1 + below(r, RTL_TLB_MAX);
        uint32_t divisors[RTL_TLB_MAX], nd = 0;
        for (uint32_t w = 1; w <= c->tlb_entries; w++)
            if (c->tlb_entries % w == 0)
                divisors[nd++] = w;
        c->tlb_ways = divisors[below(r, nd)];
        if (steer->assoc == 0)
            c->tlb_ways = 1;
        else if (steer->assoc == 2)
            c->tlb_ways = c->tlb_entries;
        else if (steer->assoc == 1 && nd > 2)
            c->tlb_ways = divisors[1 + below(r, nd - 2)];
        c->tlb_policy = steer->policy >= 0 ? (tlb_policy_t)steer->policy : (tlb_policy_t)below(r, TLB_POLICY_COUNT);
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
        return pte_val(pte_make(ppn, PTE_V | PTE_W | (rnd(r) & (PTE_U | PTE_A | PTE_D | PTE_X)))); /* W without R */
    if (k < 12)
        return pte_val(pte_make(ppn, PTE_V | PTE_R | (1u << (8 + below(r, 2)))));           /* reserved */
    if (k < 13) /* a frame beyond the end of memory: the walk ends in a bus error */
        return pte_val(pte_make(g->nframes + below(r, 16), PTE_V | PTE_R | PTE_W | PTE_X | PTE_U | PTE_A | PTE_D));
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
            else if (chance(r, 1))
                flags |= 1u << (8 + below(r, 2)); /* reserved bits: malformed */
            if (chance(r, 5)) { /* a table beyond the end of memory: the next read is a bus error */
                write_word(g, pte_addr, pte_val(pte_make(g->nframes + below(r, 64), PTE_V)));
                g->vpn[g->npages] = vpn;
                g->leaf[g->npages++] = pte_addr;
                return true;
            }
            write_word(g, pte_addr, pte_val(pte_make(next >> g->cfg.page_shift, flags)));
            pte.v = read_word(g, pte_addr);
        }
        table = pte_ppn(pte) << g->cfg.page_shift;
        if ((uint64_t)table + paging_table_bytes(&g->geo, level + 1) > g->cfg.mem_size)
            return true; /* under a table beyond memory: nothing more to write */
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

/* How the TLB holds a's page before the access (coverage's tlb bins). */
static cov_tlb_t tlb_state(const rig_t *g, uint32_t va)
{
    static tlb_view_t v[RTL_TLB_MAX];
    int n = tlb_read(g->mmu.tlb, v, RTL_TLB_MAX);
    uint32_t vpn = va >> g->cfg.page_shift, ways = g->cfg.tlb_ways, sets = g->cfg.tlb_entries / ways;
    uint32_t asid = g->regs.asid & (uint32_t)((1ull << g->cfg.asid_bits) - 1), first = vpn % sets * ways;
    bool full = true;
    for (uint32_t i = first; i < first + ways && i < (uint32_t)n; i++) {
        full = full && v[i].valid;
        if (v[i].valid && v[i].vpn == vpn && (v[i].global || v[i].asid == asid))
            return v[i].asid == asid ? COV_TLB_HIT_ASID : COV_TLB_HIT_GLOBAL;
    }
    return full ? COV_TLB_MISS_FULL : COV_TLB_MISS_FREE;
}

static void cover_access(rig_t *g, const access_desc_t *a, cov_tlb_t tlb, tlb_flush_t kind, trap_cause_t cause,
                         const retire_xlate_t *rx)
{
    cov_access_t c = {.regs = g->regs, .mem_size = g->cfg.mem_size, .levels = g->cfg.levels,
                      .page_shift = g->cfg.page_shift, .policy = g->cfg.tlb_policy,
                      .tlb_entries = g->cfg.tlb_entries, .tlb_ways = g->cfg.tlb_ways, .vaddr = a->va,
                      .size = a->size, .acc = a->acc, .priv = a->priv, .cause = cause, .x = rx, .tlb = tlb,
                      .flush_kind = a->flush_at >= 0 ? (int)kind : -1, .asid_switched = g->asid_switched};
    coverage_access(g->cov, &c);
    g->asid_switched = false;
}

static const char *const kind_name[3] = {"all", "asid", "page"};

/* One line of each engine's log: what it did, as it did it. */
static void log_step(rig_t *g, const char *c_line, const char *rtl_line)
{
    snprintf(g->log.c[g->log.n % ACCESS_LOG], sizeof g->log.c[0], "%s", c_line);
    snprintf(g->log.rtl[g->log.n++ % ACCESS_LOG], sizeof g->log.rtl[0], "%s", rtl_line);
}

/* "load 0x00012344 (4 bytes, user): paddr 0x00345344, 3 cycles, miss walk 2 ad" */
static void describe_access(char *buf, size_t len, const access_desc_t *a, tlb_flush_t kind, trap_cause_t cause,
                            uint32_t pa, uint64_t cycles, const retire_xlate_t *x)
{
    int n = snprintf(buf, len, "%s 0x%08x (%u bytes, %s)%s%s: %s 0x%08x, %" PRIu64 " cycles", access_name[a->acc],
                     a->va, a->size, a->priv == MODE_USER ? "user" : "kernel",
                     a->flush_at >= 0 ? ", a flush in flight: " : "", a->flush_at >= 0 ? kind_name[kind] : "",
                     cause ? trap_name[cause] : "paddr", pa, cycles);
    if (n > 0 && (size_t)n < len && x->valid) /* as the commit log's `xl` (docs/outputs.md) */
        snprintf(buf + n, len - (size_t)n, x->tlb_hit && !x->steps ? ", hit" : ", %s walk %u%s",
                 x->tlb_hit ? "hit" : "miss", x->steps, x->pte_written ? " ad" : "");
}

static bool one_access(rig_t *g, const access_desc_t *a, tlb_flush_t kind, uint32_t fasid, uint32_t fva,
                       cosim_diff_t *d, uint64_t *cycles)
{
    uint32_t pa;
    uint64_t cc;
    retire_xlate_t rx = {0}; /* a contiguous translation leaves it empty */
    cov_tlb_t tlb = g->cov && g->regs.mode == MMU_PAGED ? tlb_state(g, a->va) : COV_TLB_UNKNOWN;
    trap_cause_t cause = translate_c(g, a, &pa, &cc, &rx);
    if (g->cov)
        cover_access(g, a, tlb, kind, cause, &rx);
    if (a->flush_at >= 0)
        mmu_flush(&g->mmu, kind, fasid, fva, 0);
    rtl_access_t o;
    rtl_mmu_access(g->rtl, a->va, a->acc, a->priv, a->size, a->flush_at, kind, fasid, fva, &o);
    char lc[160], lr[160];
    describe_access(lc, sizeof lc, a, kind, cause, pa, cc, &rx);
    describe_access(lr, sizeof lr, a, kind, o.cause, o.paddr, o.cycles, &o.xlate);
    log_step(g, lc, lr);
    *cycles += cc;
    seen.hits += rx.tlb_hit;
    seen.misses += !rx.tlb_hit;
    seen.ad_walks_on_hit += rx.tlb_hit && rx.steps;
    seen.writebacks += rx.pte_written;
    seen.flushes_in_flight += a->flush_at >= 0;
    seen.faults[cause]++;
    seen.fault_on_hit += cause && rx.tlb_hit;
    seen.fault_on_miss += cause && !rx.tlb_hit;
    if (rtl_assertion_failed && rtl_assertion_failed(g->rtl)) {
        snprintf(d->field, sizeof d->field, "RTL assertion (the line above names it)");
        d->c = d->rtl = 0;
        return false;
    }
    CMPF("cause", cause, o.cause);
    CMPF("paddr", pa, o.paddr);
    CMPF("cycles", cc, o.cycles);
    return cosim_same_xlate("xlate", &rx, &o.xlate, d);
}

/* ---- the stream ----------------------------------------------------------------- */

static void flush_both(rig_t *g, tlb_flush_t kind, uint32_t asid, uint32_t va)
{
    char line[80];
    snprintf(line, sizeof line, "flush %s (asid %u, vaddr 0x%08x)", kind_name[kind], asid, va);
    log_step(g, line, line);
    mmu_flush(&g->mmu, kind, asid, va, 0);
    machine_tlb_flush(g->rtl, kind, asid, va);
    if (g->cov)
        coverage_flush(g->cov, kind);
}

/* base/limit or bare: an address near the limit or fence, the end of memory
 * or the top of the address space, or anywhere */
static uint32_t contiguous_vaddr(rng_t *r, const rig_t *g, uint32_t size)
{
    uint32_t edge = g->regs.mode == MMU_RELOC ? g->regs.limit : g->regs.fence;
    uint32_t va;
    switch (below(r, 5)) {
    case 0: case 1: va = edge - size - 1 + below(r, size + 3); break;      /* limit-1 .. limit+1 */
    case 2: va = g->cfg.mem_size - g->regs.base * (g->regs.mode == MMU_RELOC) - below(r, 8); break;
    case 3: va = (uint32_t)-1 - below(r, 64); break;                        /* wraps around */
    default: va = below(r, edge + edge / 4 + 16); break;
    }
    return va & ~(size - 1);
}

/* MMU registers for base/limit or bare mode: a base within memory or beyond
 * it, a limit within it or beyond, a fence */
static void contiguous_regs(rng_t *r, rig_t *g, mmu_mode_t mode)
{
    uint32_t mem = g->cfg.mem_size;
    g->regs = (mmu_regs_t){.mode = mode};
    uint32_t k = below(r, 10);
    g->regs.base = k < 7 ? below(r, mem) & ~3u : k < 9 ? mem + below(r, mem) : (uint32_t)-1 - below(r, 1u << 16);
    g->regs.limit = chance(r, 80) ? 4 + below(r, mem) : mem + below(r, mem);
    g->regs.fence = below(r, mem + mem / 8);
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

/* some TLB entry is valid */
static bool tlb_live(const rig_t *g)
{
    static tlb_view_t v[RTL_TLB_MAX];
    int n = tlb_read(g->mmu.tlb, v, RTL_TLB_MAX);
    for (int i = 0; i < n; i++)
        if (v[i].valid)
            return true;
    return false;
}

/* One configuration's run: which, with what it collects, and (for the
 * waveform of a divergence) when to start tracing the RTL. */
typedef struct {
    int index; /* from 1 */
    bool seg;
    cov_steer_t steer;  /* what the configuration is aimed at */
    coverage_t *cov;    /* NULL: none */
    FILE *out;          /* where a divergence is reported; NULL: silent */
    const char *window; /* trace the RTL into this file ... */
    uint64_t window_from; /* ... from the access of this number on */
} config_run_t;

/* The divergence in words, then each engine's log of its last steps. */
static void report_divergence(const rig_t *g, const config_run_t *cr, uint64_t done, const char *what,
                              const cosim_diff_t *d)
{
    FILE *out = cr->out;
    fprintf(out, "cosim: divergence in configuration %d (", cr->index);
    describe_config(&g->cfg, cr->seg, out);
    fprintf(out, "), access %" PRIu64 ": %s: ", done, what);
    cosim_print_diff(d, out);
    uint64_t first = g->log.n > ACCESS_LOG ? g->log.n - ACCESS_LOG : 0;
    for (int side = 0; side < 2; side++) {
        fprintf(out, "log, %s (its last %" PRIu64 " steps; the last is the access where they part):\n",
                side ? "RTL" : "C model", g->log.n - first);
        for (uint64_t i = first; i < g->log.n; i++)
            fprintf(out, "%c %s\n", i + 1 == g->log.n ? '>' : ' ',
                    side ? g->log.rtl[i % ACCESS_LOG] : g->log.c[i % ACCESS_LOG]);
    }
}

/* Run the configuration's accesses: 0, 1 (a divergence, reported to
 * cr->out) or 2 (it could not be built); d gets the differing field. */
static int run_config(rng_t *r, uint64_t accesses, uint64_t *done, uint64_t *cycles, const config_run_t *cr,
                      cosim_diff_t *d)
{
    rig_t g;
    memset(&g, 0, sizeof g);
    g.cov = cr->cov;
    const bool seg = cr->seg;
    const cov_steer_t steer = cr->steer;
    mmu_mode_t mode = seg ? MMU_SEG : steer.mode >= 0 ? (mmu_mode_t)steer.mode : chance(r, 90) ? MMU_PAGED
                                                                 : chance(r, 50) ? MMU_RELOC : MMU_BARE;
    if (seg)
        random_seg_config(r, &g.cfg);
    else
        random_config(r, &g.cfg, &steer);
    char err[256];
    paging_geometry(&g.cfg, &g.geo);
    g.mem = calloc(1, g.cfg.mem_size);
    bool unit = g.mem && mmu_init(&g.mmu, &g.cfg, g.mem, g.cfg.mem_size, NULL, err, sizeof err);
    g.rtl = unit ? rtl_create(&g.cfg, NULL, err, sizeof err) : NULL;
    if (!g.rtl) {
        if (cr->out)
            fprintf(cr->out, "cosim: configuration %d: %s\n", cr->index, g.mem ? err : "out of host memory");
        if (unit)
            mmu_destroy(&g.mmu);
        free(g.mem);
        return 2;
    }
    if (rtl_assertions_soft)
        rtl_assertions_soft(g.rtl); /* a failed property is reported as a divergence */
    g.nframes = g.cfg.mem_size >> g.cfg.page_shift;
    g.regs = (mmu_regs_t){.mode = seg ? MMU_SEG : MMU_PAGED};
    if (seg)
        build_segment_table(r, &g);
    else
        build_tables(r, &g);
    g.regs.asid = below(r, 4);
    if (mode != MMU_PAGED && mode != MMU_SEG)
        contiguous_regs(r, &g, mode);
    mmu_set(&g.mmu, &g.regs);
    machine_mmu_set(g.rtl, &g.regs);
    int rc = 0;
    char what[160] = "";
    const char *window = cr->window;
    /* COSIM_TLB_EVERY=1: compare the TLB contents after every access (to find
     * the first access after which they differ) */
    const bool tlb_every = getenv("COSIM_TLB_EVERY") != NULL;
    for (uint64_t i = 0; i < accesses && rc == 0; i++) {
        if (window && *done >= cr->window_from) {
            if (!rtl_trace_open(g.rtl, window, err, sizeof err)) {
                fprintf(stderr, "mmulab cosim: %s\n", err);
                rc = 2;
                break;
            }
            window = NULL;
        }
        if (seg) {
            if (!seg_stream(r, &g, i, d, cycles, what, sizeof what))
                rc = 1;
            else if (i % 2048 == 2047 && !same_tlb(&g, d))
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
            g.asid_switched = tlb_live(&g);
            mmu_set(&g.mmu, &g.regs);
            machine_mmu_set(g.rtl, &g.regs);
            snprintf(what, sizeof what, "ASID switch to %u", g.regs.asid);
            log_step(&g, what, what);
            continue;
        } else if (k < 9) {
            edit_pte(r, &g);
            log_step(&g, "a page-table edit behind the TLB's back", "a page-table edit behind the TLB's back");
            continue;
        }
        access_desc_t a;
        a.size = chance(r, 70) ? 4 : 1;
        a.acc = (access_t)below(r, 3);
        if (a.acc == ACC_FETCH)
            a.size = 4;
        a.priv = chance(r, 80) ? MODE_USER : MODE_KERNEL;
        a.va = mode == MMU_PAGED ? random_vaddr(r, &g, a.size) : contiguous_vaddr(r, &g, a.size);
        a.flush_at = k < 13 ? (int)below(r, 8) : -1;
        tlb_flush_t kind = (tlb_flush_t)below(r, 3);
        uint32_t fva = chance(r, 70) ? a.va : random_vaddr(r, &g, 4);
        snprintf(what, sizeof what, "%s of 0x%08x (%u bytes, %s)%s%s", access_name[a.acc], a.va, a.size,
                 a.priv == MODE_USER ? "user" : "kernel", a.flush_at >= 0 ? " with a flush in flight: " : "",
                 a.flush_at >= 0 ? kind_name[kind] : "");
        if (!one_access(&g, &a, kind, asid_pick, fva, d, cycles))
            rc = 1;
        else if ((tlb_every || i % 2048 == 2047 || i + 1 == accesses) && !same_tlb(&g, d)) {
            snprintf(what, sizeof what, "TLB contents after access %" PRIu64, i);
            rc = 1;
        }
        (*done)++;
    }
    if (rc == 0 && !same_tlb(&g, d)) {
        snprintf(what, sizeof what, "TLB contents at the end");
        rc = 1;
    }
    if (rc == 1 && cr->out)
        report_divergence(&g, cr, *done, what, d);
    if (rtl_trace_close && !rtl_trace_close(g.rtl, err, sizeof err)) {
        fprintf(stderr, "mmulab cosim: %s\n", err);
        rc = rc ? rc : 2;
    }
    machine_destroy(g.rtl);
    mmu_destroy(&g.mmu);
    free(g.mem);
    return rc;
}

/* The divergence's waveform: the configuration made again from the same
 * random state (silently, collecting nothing), the RTL traced from
 * WINDOW_ACCESSES accesses before the one where the engines parted. */
static void write_window(const rng_t *at_start, uint64_t accesses, uint64_t done_before, uint64_t done_at,
                         config_run_t cr, const char *path, FILE *out)
{
    char where[PATH_MAX];
    if (!path && !(path = cosim_window_path(where, sizeof where))) {
        fprintf(out, "cosim: no waveform: cannot make a directory under $TMPDIR\n");
        return;
    }
    rng_t r = *at_start;
    uint64_t done = done_before, cycles = 0;
    cr.cov = NULL, cr.out = NULL, cr.window = path;
    cr.window_from = done_at > done_before + WINDOW_ACCESSES ? done_at - WINDOW_ACCESSES : done_before;
    cosim_diff_t d;
    int muted = cosim_mute_stdout();
    int rc = run_config(&r, accesses, &done, &cycles, &cr, &d);
    cosim_unmute_stdout(muted);
    if (rc == 1 && done == done_at)
        fprintf(out, "cosim: waveform of accesses %" PRIu64 "..%" PRIu64 " (the RTL, up to the divergence): %s "
                     "(gtkwave: its .gtkw beside it)\n", cr.window_from, done, path);
    else
        fprintf(out, "cosim: no waveform: the configuration made again did not part at the same access (status %d)\n",
                rc);
}

int cosim_random(uint64_t n, uint32_t seed, bool seg, coverage_t *cov, const char *window_path, FILE *out)
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
        uint64_t want = n - done < per ? n - done : per, before = done;
        config_run_t cr = {.index = ++configs, .seg = seg, .cov = cov, .out = out,
                           .steer = {.mode = -1, .levels = 0, .policy = -1, .assoc = -1}};
        /* every other configuration aims at a bin the stimulus has missed so far */
        if (cov && !seg && cr.index % 2 == 0)
            coverage_steer(cov, rnd(&r), &cr.steer);
        const rng_t at_start = r;
        cosim_diff_t d;
        int rc = run_config(&r, want, &done, &cycles, &cr, &d);
        if (rc == 1) {
            write_window(&at_start, want, before, done, cr, window_path, out);
            fprintf(out, "cosim: %" PRIu64 " accesses, 1 divergence (%s)\n", done, d.field);
        }
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
