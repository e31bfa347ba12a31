/*
 * `mmulab quiz TOPIC`: seeded exercises in the manner of the OSTEP homework
 * scripts -- the same seed gives the same problem, and -c prints the
 * answers.  Every answer is the model's own: the walker and a page table
 * built in memory (studies/exercise.c), the C model's base/limit MMU, the
 * partition allocator (os/partition.c), the replacement policies through
 * `mmulab refs` (os/replace.c, studies/refsim.c), the stats' EAT formula
 * (obs/breakdown.c).  docs/explain.md describes each topic.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../mmu/geometry.h"
#include "../mmu/mmu.h"
#include "../obs/breakdown.h"
#include "../os/partition.h"
#include "../os/rng.h"
#include "../studies/exercise.h"
#include "../studies/refsim.h"
#include "../sim/options.h"
#include "commands.h"
#include "xlate_print.h"

#define CMD "quiz"

typedef struct {
    rng_t rng;
    uint64_t seed;
    unsigned count;
    bool answers;
    machine_config_t fixed; /* paging, ptsize: --page-size, --levels, --va-bits given (0: random) */
} quiz_t;

/* Uniform in [lo, hi]. */
static uint32_t pick(quiz_t *q, uint32_t lo, uint32_t hi)
{
    return lo + (uint32_t)(rng_next(&q->rng) % ((uint64_t)hi - lo + 1));
}

static bool chance(quiz_t *q, unsigned percent) { return pick(q, 1, 100) <= percent; }

static void answer_heading(const quiz_t *q)
{
    if (q->answers)
        printf("\nAnswers (computed by the model):\n");
    else
        printf("\nWork out the answers, then check them with -c.\n");
}

/* ---- relocation ---------------------------------------------------------------------- */

static int quiz_relocation(quiz_t *q)
{
    uint32_t mem = 1u << pick(q, 14, 20), limit = pick(q, 1, 16) * 256;
    uint32_t base = pick(q, 0, (mem - limit) / 16) * 16; /* the partition lies in memory */
    printf("Base/limit relocation: the MMU adds the base to every logical address and traps\n"
           "an access at or beyond the limit.  Each access below loads one 4-byte word.\n\n");
    printf("  base   0x%08" PRIx32 " (decimal %" PRIu32 ")\n  limit  0x%08" PRIx32 " (decimal %" PRIu32 ")\n",
           base, base, limit, limit);
    printf("  physical memory %" PRIu32 " bytes\n\nLogical address trace:\n", mem);
    uint32_t va[64];
    for (unsigned i = 0; i < q->count; i++) {
        va[i] = chance(q, 65) ? pick(q, 0, limit / 4 - 1) * 4 : pick(q, limit / 4, limit / 2) * 4;
        printf("  VA %2u: 0x%08" PRIx32 " (decimal %6" PRIu32 ") --> physical address or fault?\n", i, va[i], va[i]);
    }
    answer_heading(q);
    for (unsigned i = 0; q->answers && i < q->count; i++) {
        trap_cause_t cause;
        uint32_t pa;
        char err[256];
        if (!reloc_probe(mem, base, limit, va[i], &cause, &pa, err, sizeof err)) {
            fprintf(stderr, "mmulab quiz: %s\n", err);
            return 2;
        }
        if (cause == TRAP_NONE)
            printf("  VA %2u: 0x%08" PRIx32 " --> physical 0x%08" PRIx32 " (decimal %" PRIu32 ")\n", i, va[i], pa, pa);
        else
            printf("  VA %2u: 0x%08" PRIx32 " --> %s\n", i, va[i], trap_desc[cause]);
    }
    return 0;
}

/* ---- paging ----------------------------------------------------------------------------- */

/* The geometry the command line fixed over the random one in cfg; va_bits,
 * unless fixed, follows a fixed page size or level count (the random
 * index bits a level kept), and the levels, unless fixed, shrink to fit. */
static void apply_fixed_geometry(const quiz_t *q, machine_config_t *cfg, uint32_t bits)
{
    const machine_config_t *f = &q->fixed;
    if (!f->page_shift && !f->levels && !f->va_bits)
        return;
    cfg->page_shift = f->page_shift ? f->page_shift : cfg->page_shift;
    cfg->levels = f->levels ? f->levels : cfg->levels;
    cfg->va_bits = f->va_bits ? f->va_bits : cfg->page_shift + cfg->levels * bits;
    if (cfg->va_bits > 32)
        cfg->va_bits = 32;
    if (!f->va_bits && cfg->va_bits < 14)
        cfg->va_bits = 14;
    while (!f->page_shift && cfg->page_shift > 9 && cfg->va_bits < cfg->page_shift + cfg->levels)
        cfg->page_shift--;
    while (!f->levels && cfg->levels > 1 && cfg->va_bits < cfg->page_shift + cfg->levels)
        cfg->levels--;
}

/* A random geometry whose tables are at most 1 KiB each (unless fixed) and
 * whose memory holds the tables in its lower half. */
static void random_geometry(quiz_t *q, machine_config_t *cfg)
{
    machine_config_defaults(cfg);
    cfg->levels = pick(q, 1, 3);
    cfg->page_shift = pick(q, 9, 14);
    uint32_t bits = pick(q, 2, 8);
    cfg->va_bits = cfg->page_shift + cfg->levels * bits;
    if (cfg->va_bits < 14)
        cfg->va_bits = 14;
    if (cfg->va_bits > 32)
        cfg->va_bits = 32;
    uint32_t frame_bits = pick(q, 6, 8);
    apply_fixed_geometry(q, cfg, bits);
    const uint32_t mem_bits = cfg->page_shift + frame_bits > 26 ? 26 : cfg->page_shift + frame_bits;
    cfg->mem_size = 1u << mem_bits;
    if (cfg->mem_size < 65536)
        cfg->mem_size = 65536;
    cfg->tlb_entries = cfg->tlb_ways = 16;
}

#define MAPPED_PAGES 8
#define QUIZ_MAX_MEM (1u << 28)

/* Double cfg's memory until its lower half holds the tables of `pages`
 * mapped pages (each table starts a page) and its upper half their frames;
 * false if that needs more than QUIZ_MAX_MEM. */
static bool grow_memory_for_tables(machine_config_t *cfg, uint32_t pages)
{
    paging_geometry_t g;
    paging_geometry(cfg, &g);
    const uint64_t page = 1ull << cfg->page_shift;
    uint64_t table_pages = 1 + (paging_table_bytes(&g, 0) + page - 1) / page; /* page 0, the root */
    for (uint32_t level = 1; level < g.levels; level++) /* a table per mapped page at worst */
        table_pages += (uint64_t)pages * ((paging_table_bytes(&g, level) + page - 1) / page);
    const uint64_t need = 2 * page * table_pages;
    while (cfg->mem_size < need && cfg->mem_size < QUIZ_MAX_MEM)
        cfg->mem_size <<= 1;
    return cfg->mem_size >= need && cfg->mem_size >= 4 * page;
}

static uint32_t random_perm(quiz_t *q)
{
    static const uint32_t perms[] = {PTE_R, PTE_R | PTE_W, PTE_R | PTE_X, PTE_R | PTE_W | PTE_X, PTE_X};
    return perms[pick(q, 0, 4)] | PTE_U;
}

/* Map a few random pages into frames of the upper half of memory. */
static bool random_mappings(quiz_t *q, pt_image_t *pt, uint32_t *vpns, unsigned n)
{
    const paging_geometry_t *g = &pt->walker.geo;
    uint32_t frames = pt->cfg.mem_size >> g->page_shift;
    for (unsigned i = 0; i < n; i++) {
        vpns[i] = (uint32_t)(rng_next(&q->rng) & ((1ull << g->vpn_bits) - 1));
        uint32_t flags = random_perm(q) | (chance(q, 80) ? PTE_V : 0);
        if (!pt_image_set(pt, vpns[i], pte_make(pick(q, frames / 2, frames - 1), flags)))
            return false;
    }
    return true;
}

static void print_table_memory(const pt_image_t *pt)
{
    printf("Page-table memory (physical; every non-zero word, the rest are 0):\n");
    for (uint32_t a = 0; a < pt->next_table; a += 4) {
        uint32_t w;
        memcpy(&w, pt->mem + a, 4);
        if (w)
            printf("  0x%08" PRIx32 ": 0x%08" PRIx32 "\n", a, w);
    }
}

static int quiz_paging(quiz_t *q)
{
    machine_config_t cfg;
    random_geometry(q, &cfg);
    pt_image_t pt;
    char err[256];
    if (!paging_config_check(&cfg, err, sizeof err)) {
        fprintf(stderr, "mmulab quiz: no paged geometry with these options: %s\n", err);
        return 2;
    }
    if (!grow_memory_for_tables(&cfg, MAPPED_PAGES)) {
        fprintf(stderr, "mmulab quiz: the page tables of %d mapped %" PRIu32 "-byte pages need more than %u bytes of "
                "memory: choose smaller pages or fewer levels\n", MAPPED_PAGES, 1u << cfg.page_shift,
                QUIZ_MAX_MEM);
        return 2;
    }
    if (!pt_image_init(&pt, &cfg, cfg.mem_size / 2, err, sizeof err)) {
        fprintf(stderr, "mmulab quiz: %s\n", err);
        return 2;
    }
    const paging_geometry_t *g = &pt.walker.geo;
    uint32_t vpns[MAPPED_PAGES];
    if (!random_mappings(q, &pt, vpns, MAPPED_PAGES)) {
        pt_image_free(&pt);
        fprintf(stderr, "mmulab quiz: the tables do not fit (seed %" PRIu64 ")\n", q->seed);
        return 2;
    }
    printf("Paged translation: ");
    print_geometry(stdout, g);
    printf("physical memory %" PRIu32 " bytes; the root table (PTBR) is at 0x%08" PRIx32 ".\n", cfg.mem_size, pt.ptbr);
    printf("A PTE is PPN << 10 | D A G U X W R V (bits 7..0); a valid PTE above the last level\n"
           "with no R W X U G A D points to the next table at PPN << page_shift.\n\n");
    print_table_memory(&pt);
    printf("\nFor each access: the page, offset and table indexes, the PTE addresses read,\n"
           "and the physical address -- or which fault.\n\nVirtual address trace:\n");
    uint32_t va[64];
    access_t acc[64];
    uint32_t page = 1u << g->page_shift;
    for (unsigned i = 0; i < q->count; i++) {
        uint32_t vpn = chance(q, 75) ? vpns[pick(q, 0, MAPPED_PAGES - 1)] : (uint32_t)(rng_next(&q->rng) & ((1ull << g->vpn_bits) - 1));
        va[i] = vpn << g->page_shift | (pick(q, 0, page / 4 - 1) * 4);
        acc[i] = (access_t)pick(q, 0, 2);
        printf("  VA %2u: 0x%08" PRIx32 " (%s) --> ?\n", i, va[i], access_name[acc[i]]);
    }
    answer_heading(q);
    for (unsigned i = 0; q->answers && i < q->count; i++) {
        walk_result_t r;
        (void)pt_image_walk(&pt, va[i], acc[i], &r);
        printf("  VA %2u: 0x%08" PRIx32 " (%s)\n", i, va[i], access_name[acc[i]]);
        print_split(stdout, g, va[i], "      ");
        print_walk(stdout, g, va[i], &r, "      ");
    }
    pt_image_free(&pt);
    return 0;
}

/* ---- page-table size ------------------------------------------------------------------------ */

static int quiz_ptsize(quiz_t *q)
{
    for (unsigned i = 0; i < q->count; i++) {
        machine_config_t cfg;
        machine_config_defaults(&cfg);
        paging_geometry_t g;
        char err[256];
        int tries = 0;
        do { /* a geometry whose root table is at most 1 MiB, unless fixed */
            cfg.va_bits = pick(q, 16, 32);
            cfg.page_shift = pick(q, 9, cfg.va_bits - 2 < 16 ? cfg.va_bits - 2 : 16);
            cfg.levels = pick(q, 1, 3);
            cfg.mem_size = 1u << 30;
            const bool follows = (q->fixed.page_shift || q->fixed.levels) && !q->fixed.va_bits;
            apply_fixed_geometry(q, &cfg, follows ? pick(q, 2, 10) : 0);
            if (++tries > 1000) {
                fprintf(stderr, "mmulab quiz: no paged geometry with these options: %s\n", err);
                return 2;
            }
        } while (!paging_config_check(&cfg, err, sizeof err) ||
                 (paging_geometry(&cfg, &g), !q->fixed.va_bits && paging_table_bytes(&g, 0) > (1u << 20)));
        uint32_t low = pick(q, 1, 64), high = pick(q, 1, 8);
        printf("%sProblem %u: ", i ? "\n" : "", i);
        print_geometry(stdout, &g);
        printf("  How many entries and bytes has a table at each level, and how many bytes do\n"
               "  all tables of a full address space take?  How many bytes of tables does a\n"
               "  process need that uses its lowest %" PRIu32 " pages and its highest %" PRIu32 " (a stack)?\n",
               low, high);
        if (!q->answers)
            continue;
        printf("  Answer:\n");
        print_table_sizes(stdout, &g, "    ");
        /* the process's tables, built and counted */
        uint64_t need = (uint64_t)(2 + 2 * (low + high)) * (1u << cfg.page_shift) + 4ull * paging_table_bytes(&g, 0) +
                        (uint64_t)(low + high) * 2 * (g.levels > 1 ? paging_table_bytes(&g, 1) : 0) +
                        (uint64_t)(low + high) * (g.levels > 2 ? paging_table_bytes(&g, 2) : 0);
        cfg.mem_size = need > (1u << 30) ? 1u << 30 : (uint32_t)((need + 4095) & ~4095ull);
        if (cfg.mem_size < 65536)
            cfg.mem_size = 65536;
        pt_image_t pt;
        bool ok = pt_image_init(&pt, &cfg, cfg.mem_size, err, sizeof err);
        uint32_t top = (uint32_t)((1ull << g.vpn_bits) - 1);
        for (uint32_t k = 0; ok && k < low; k++)
            ok = pt_image_set(&pt, k, pte_make(1, PTE_V | PTE_R | PTE_U));
        for (uint32_t k = 0; ok && k < high; k++)
            ok = pt_image_set(&pt, top - k, pte_make(1, PTE_V | PTE_R | PTE_W | PTE_U));
        if (ok)
            printf("    the process: %" PRIu32 " bytes of tables (built and counted)\n", pt.table_bytes);
        else
            printf("    the process: (too large to build here: %s)\n", err);
        if (pt.mem)
            pt_image_free(&pt);
    }
    if (!q->answers)
        answer_heading(q);
    return 0;
}

/* ---- effective access time ------------------------------------------------------------------ */

static int quiz_eat(quiz_t *q)
{
    printf("Effective access time with a TLB in front of a multi-level page table\n"
           "(no caches; a miss reads one PTE per level, then the data).\n");
    for (unsigned i = 0; i < q->count; i++) {
        double t_mem = pick(q, 5, 20) * 10, t_tlb = pick(q, 1, 20), h = pick(q, 800, 995) / 1000.0;
        unsigned levels = pick(q, 1, 3);
        bool faults = chance(q, 40);
        double p = pick(q, 1, 50) / 1000000.0, service_ms = pick(q, 2, 10);
        printf("\nProblem %u: memory %.0f ns, TLB %.0f ns, hit ratio %.3f, %u level%s", i, t_mem, t_tlb, h, levels,
               levels == 1 ? "" : "s");
        if (faults)
            printf(", and a page fault on %.6f of accesses costing %.0f ms each", p, service_ms);
        printf(".\n  What is the effective access time?\n");
        if (!q->answers)
            continue;
        double eat = eat_formula(h, t_tlb, t_mem, levels);
        printf("  Answer: h(t_tlb + t_mem) + (1 - h)(t_tlb + %u t_mem + t_mem) = %.3f ns\n", levels, eat);
        if (faults)
            printf("          with faults: (1 - p) %.3f + p %.0f ns = %.3f ns\n", eat, service_ms * 1e6,
                   eat_with_faults(eat, p, service_ms * 1e6));
    }
    if (!q->answers)
        answer_heading(q);
    return 0;
}

/* ---- fits -------------------------------------------------------------------------------------- */

typedef struct {
    bool free_op;
    uint32_t bytes;   /* request size (alloc) */
    int target;       /* request number to free (free) */
} fit_step_t;

static void print_holes(const partitions_t *p)
{
    printf("[");
    bool first = true;
    for (int i = 0; i < p->nblocks; i++)
        if (p->blocks[i].owner == 0) {
            printf("%s%" PRIu32 "+%" PRIu32, first ? "" : " ", p->blocks[i].start, p->blocks[i].size);
            first = false;
        }
    printf("]");
}

/* Lay out the starting memory: alternate holes and blocks of owner 1000+. */
static void fit_initial(partitions_t *p, const uint32_t *layout, int n)
{
    uint32_t at = 0;
    for (int i = 0; i < n; i++) {
        if (i % 2)
            partitions_alloc_at(p, at, layout[i], 1000 + i);
        at += layout[i];
    }
}

static void fit_answer(fit_t fit, const uint32_t *layout, int nlayout, uint32_t total, const fit_step_t *steps,
                       unsigned n)
{
    partitions_t p;
    partitions_init(&p, 0, total, 1, fit);
    fit_initial(&p, layout, nlayout);
    uint32_t bases[64];
    printf("  %s fit:\n    start      holes ", fit_name[fit]);
    print_holes(&p);
    printf("\n");
    for (unsigned i = 0; i < n; i++) {
        bases[i] = UINT32_MAX;
        if (steps[i].free_op) {
            uint32_t b = bases[steps[i].target];
            if (b != UINT32_MAX)
                partitions_free(&p, b);
            bases[steps[i].target] = UINT32_MAX;
            printf("    free R%-3d %s holes ", steps[i].target, b == UINT32_MAX ? "(never placed)" : "             ");
        } else {
            bases[i] = partitions_alloc(&p, steps[i].bytes, (int)i + 1);
            if (bases[i] == UINT32_MAX)
                printf("    R%-2u %5" PRIu32 " fails          holes ", i, steps[i].bytes);
            else
                printf("    R%-2u %5" PRIu32 " at %-10" PRIu32 " holes ", i, steps[i].bytes, bases[i]);
        }
        print_holes(&p);
        printf("\n");
    }
    partitions_free_all(&p);
}

static int quiz_fit(quiz_t *q)
{
    uint32_t layout[9], total = 0, largest_hole = 0;
    int nlayout = 2 * (int)pick(q, 2, 4) + 1;
    for (int i = 0; i < nlayout; i++) {
        total += layout[i] = pick(q, 5, 60) * 10;
        if (i % 2 == 0 && layout[i] > largest_hole)
            largest_hole = layout[i];
    }
    fit_step_t steps[64];
    bool freed[64] = {false};
    unsigned n = q->count;
    for (unsigned i = 0; i < n; i++) {
        /* mostly requests some hole can take, so the fits differ; now and then one too big */
        steps[i] = (fit_step_t){.bytes = pick(q, 3, chance(q, 85) ? largest_hole / 10 : 60) * 10};
        unsigned live = 0;
        for (unsigned j = 0; j < i; j++)
            live += !steps[j].free_op && !freed[j];
        if (live && i >= 2 && chance(q, 25)) {
            steps[i].free_op = true;
            do
                steps[i].target = (int)pick(q, 0, i - 1);
            while (steps[steps[i].target].free_op || freed[steps[i].target]);
            freed[steps[i].target] = true;
        }
    }
    printf("Contiguous allocation: memory of %" PRIu32 " bytes from address 0 starts with these holes\n"
           "(start+size) between allocated blocks:\n  ",
           total);
    partitions_t p;
    partitions_init(&p, 0, total, 1, FIT_FIRST);
    fit_initial(&p, layout, nlayout);
    print_holes(&p);
    partitions_free_all(&p);
    printf("\nRequests in order (Rn: allocate bytes; free Rn: release it, merging with neighbouring holes):\n");
    for (unsigned i = 0; i < n; i++)
        if (steps[i].free_op)
            printf("  free R%d\n", steps[i].target);
        else
            printf("  R%u %" PRIu32 "\n", i, steps[i].bytes);
    printf("Under first, best and worst fit: where does each request go, and what is the\n"
           "hole list after each?\n");
    answer_heading(q);
    for (int f = FIT_FIRST; q->answers && f <= FIT_WORST; f++)
        fit_answer((fit_t)f, layout, nlayout, total, steps, n);
    return 0;
}

/* ---- reference strings ----------------------------------------------------------------------------- */

static void random_refs(quiz_t *q, uint64_t *refs, unsigned n, uint32_t pages)
{
    for (unsigned i = 0; i < n; i++)
        refs[i] = pick(q, 0, pages - 1);
}

static void format_refs(const uint64_t *refs, unsigned n, char *out, size_t len)
{
    size_t used = 0;
    out[0] = 0;
    for (unsigned i = 0; i < n && used < len; i++)
        used += (size_t)snprintf(out + used, len - used, "%s%" PRIu64, i ? " " : "", refs[i]);
}

/* `mmulab refs` answers: the model's policies, the tables it prints. */
static int refs_answer(const char *string, uint32_t frames, const char *policies, bool stack)
{
    char nframes[16];
    snprintf(nframes, sizeof nframes, "%" PRIu32, frames);
    char *argv[] = {"refs", "--frames", nframes, "--policy", (char *)policies, (char *)string, stack ? "--stack" : NULL,
                    NULL};
    fflush(stdout);
    int rc = cmd_refs(stack ? 7 : 6, argv);
    fflush(stdout);
    return rc;
}

static int quiz_replacement(quiz_t *q)
{
    unsigned n = q->count < 10 ? 12 + q->count : q->count;
    uint64_t refs[64];
    uint32_t frames = pick(q, 3, 4);
    random_refs(q, refs, n > 64 ? 64 : n, pick(q, 5, 7));
    char string[512];
    format_refs(refs, n > 64 ? 64 : n, string, sizeof string);
    printf("Page replacement with %" PRIu32 " frames, all empty at the start (free frames fill lowest first).\n"
           "Reference string: %s\n"
           "For FIFO, LRU, OPT and CLOCK (second chance): the frames after each reference,\n"
           "which references fault, and how many faults in all.\n",
           frames, string);
    answer_heading(q);
    return q->answers ? refs_answer(string, frames, "all", false) : 0;
}

static int quiz_lrustack(quiz_t *q)
{
    unsigned n = q->count < 10 ? 10 + q->count : q->count;
    uint64_t refs[64];
    random_refs(q, refs, n > 64 ? 64 : n, pick(q, 4, 6));
    uint32_t frames = pick(q, 2, 4);
    char string[512];
    format_refs(refs, n > 64 ? 64 : n, string, sizeof string);
    printf("The LRU stack (most recently used on top).  Reference string: %s\n"
           "Write the stack after each reference and the depth at which each page is found;\n"
           "which references fault with %" PRIu32 " frames?\n",
           string, frames);
    answer_heading(q);
    return q->answers ? refs_answer(string, frames, "lru", true) : 0;
}

/* W(t, delta) from the LRU order: the pages whose latest use is among the last delta references. */
static bool working_set(const uint64_t *refs, unsigned t, unsigned delta, uint32_t pages, char *out, size_t len)
{
    refsim_t sim;
    if (!refsim_init(&sim, REPL_LRU, pages, NULL))
        return false;
    for (unsigned i = 1; i <= t; i++) {
        bool fault;
        uint64_t evicted;
        refsim_access(&sim, refs[i - 1], i, &fault, &evicted);
    }
    uint32_t order[64];
    uint32_t n = repl_order(sim.repl, order, pages);
    size_t used = (size_t)snprintf(out, len, "{");
    unsigned count = 0;
    for (uint32_t k = n; k-- > 0;) { /* most recent first */
        uint64_t last = repl_used_at(sim.repl, order[k]) ? repl_used_at(sim.repl, order[k])
                                                          : repl_loaded_at(sim.repl, order[k]);
        if (last + delta > t && used < len)
            used += (size_t)snprintf(out + used, len - used, "%s%" PRIu64, count++ ? ", " : "", sim.frame_page[order[k]]);
    }
    if (used < len)
        snprintf(out + used, len - used, "}, %u page%s", count, count == 1 ? "" : "s");
    refsim_free(&sim);
    return true;
}

static int quiz_ws(quiz_t *q)
{
    unsigned n = pick(q, 14, 20), delta = pick(q, 3, 6);
    uint32_t pages = pick(q, 5, 8);
    uint64_t refs[20];
    random_refs(q, refs, n, pages);
    char string[256];
    format_refs(refs, n, string, sizeof string);
    printf("Working sets: W(t, delta) is the set of pages referenced in the window of the\n"
           "last delta references up to and including reference t (references count from 1).\n"
           "Reference string: %s\ndelta = %u\n",
           string, delta);
    unsigned times[64];
    for (unsigned i = 0; i < q->count && i < 64; i++) {
        times[i] = pick(q, delta, n);
        printf("  W(%u, %u) = ?\n", times[i], delta);
    }
    answer_heading(q);
    for (unsigned i = 0; q->answers && i < q->count && i < 64; i++) {
        char set[256];
        if (!working_set(refs, times[i], delta, pages, set, sizeof set))
            return 2;
        printf("  W(%u, %u) = %s\n", times[i], delta, set);
    }
    return 0;
}

static uint64_t fifo_faults(const uint64_t *refs, unsigned n, uint32_t frames)
{
    refsim_t sim;
    if (!refsim_init(&sim, REPL_FIFO, frames, NULL))
        return 0;
    for (unsigned i = 0; i < n; i++) {
        bool fault;
        uint64_t evicted;
        refsim_access(&sim, refs[i], i, &fault, &evicted);
    }
    uint64_t faults = sim.faults;
    refsim_free(&sim);
    return faults;
}

/* Belady's string a b c d a b e a b c d e under a seeded choice of page
 * numbers, lengthened by random references while the model's FIFO still
 * faults more with 4 frames than with 3. */
static unsigned belady_string(quiz_t *q, uint64_t *refs, unsigned max)
{
    static const unsigned shape[12] = {0, 1, 2, 3, 0, 1, 4, 0, 1, 2, 3, 4};
    uint64_t label[5];
    for (unsigned k = 0; k < 5; k++) { /* five distinct page numbers 0..9 */
        bool again;
        do {
            label[k] = pick(q, 0, 9);
            again = false;
            for (unsigned j = 0; j < k; j++)
                again |= label[j] == label[k];
        } while (again);
    }
    unsigned n = 12;
    for (unsigned i = 0; i < n; i++)
        refs[i] = label[shape[i]];
    for (unsigned extra = pick(q, 0, max - n); extra--;) {
        refs[n] = label[pick(q, 0, 4)];
        if (fifo_faults(refs, n + 1, 4) > fifo_faults(refs, n + 1, 3))
            n++;
    }
    return n;
}

static int quiz_belady(quiz_t *q)
{
    uint64_t refs[16];
    unsigned n = belady_string(q, refs, 16);
    if (fifo_faults(refs, n, 4) <= fifo_faults(refs, n, 3)) {
        fprintf(stderr, "mmulab quiz belady: the model's FIFO shows no anomaly on this string\n");
        return 2;
    }
    char string[128];
    format_refs(refs, n, string, sizeof string);
    printf("Belady's anomaly.  Reference string: %s\n"
           "Count FIFO's page faults with 3 frames and with 4.  Which has more, and why\n"
           "can that not happen under LRU (a stack algorithm)?\n",
           string);
    answer_heading(q);
    if (!q->answers)
        return 0;
    int rc = refs_answer(string, 3, "fifo,lru", false);
    if (!rc)
        rc = refs_answer(string, 4, "fifo,lru", false);
    printf("FIFO faults more with 4 frames than with 3; LRU's 4 frames always hold the 3\n"
           "most recent pages LRU would hold with 3 (the inclusion property), so it cannot.\n");
    return rc;
}

/* ---- segmentation (OSTEP's segmentation.py, on the model's own unit) ------------------- */

#define QUIZ_SEG_TABLE 0x100u /* where the table sits in the quiz's memory */

/* A table of four segments, as OSTEP draws an address space: code, heap
 * (growing up), an unused one, the stack (growing down). */
static void random_segments(quiz_t *q, uint32_t ob, uint32_t mem, seg_desc_t d[4])
{
    const uint32_t span = 1u << ob, slot = mem / 4;
    static const uint32_t flags[4] = {SEG_V | SEG_U | SEG_R | SEG_X, SEG_V | SEG_U | SEG_R | SEG_W, 0,
                                      SEG_V | SEG_U | SEG_R | SEG_W | SEG_DOWN};
    for (int i = 0; i < 4; i++) {
        uint32_t limit = flags[i] ? pick(q, 1, span / 64) * 16 : 0;
        uint32_t base = flags[i] ? slot * (uint32_t)i + pick(q, 0, (slot - limit) / 16 - 1) * 16 : 0;
        d[i] = seg_desc_make(flags[i] ? base : 0, limit, flags[i]);
    }
    d[0].base = d[0].base < QUIZ_SEG_TABLE + 32 ? QUIZ_SEG_TABLE + 32 : d[0].base; /* clear of the table */
}

static int quiz_seg(quiz_t *q)
{
    const uint32_t ob = pick(q, 10, 14), mem = 1u << pick(q, ob + 2, ob + 4);
    machine_config_t cfg;
    machine_config_defaults(&cfg);
    cfg.mem_size = mem;
    cfg.seg_bits = 2;
    cfg.seg_offset_bits = ob;
    cfg.seg_cache_entries = 0;
    seg_desc_t d[4];
    random_segments(q, ob, mem, d);
    static const char *const names[4] = {"code", "heap", "(unused)", "stack"};
    printf("Segmentation: a %u-bit logical address is a 2-bit segment number and a %u-bit\n"
           "offset.  A grow-down segment (the stack) holds the top `limit` bytes of its\n"
           "%u-byte range; its base is the physical address of its lowest byte.  Each access\n"
           "below loads one 4-byte word.  Physical memory is %u bytes.\n\n"
           "  seg  base        limit   flags\n",
           ob + 2, ob, 1u << ob, mem);
    for (int i = 0; i < 4; i++)
        printf("  %u    0x%08" PRIx32 "  %5" PRIu32 "   %s%s%s%s  %s\n", i, d[i].base, seg_desc_limit(d[i]),
               seg_desc_flags(d[i]) & SEG_V ? "v" : "-", seg_desc_flags(d[i]) & SEG_W ? "rw" : "r-",
               seg_desc_flags(d[i]) & SEG_X ? "x" : "-", seg_desc_flags(d[i]) & SEG_DOWN ? " down" : "", names[i]);
    printf("\nLogical address trace:\n");
    uint32_t va[64];
    for (unsigned i = 0; i < q->count; i++) {
        static const uint32_t used[3] = {0, 1, 3};
        const uint32_t s = chance(q, 10) ? 2 : used[pick(q, 0, 2)], limit = seg_desc_limit(d[s]), span = 1u << ob;
        uint32_t off = pick(q, 0, span / 4 - 1) * 4;
        if (chance(q, 60) && limit >= 4) /* inside, mostly */
            off = (seg_desc_flags(d[s]) & SEG_DOWN ? span - limit : 0) + pick(q, 0, limit / 4 - 1) * 4;
        va[i] = s << ob | off;
        printf("  VA %2u: 0x%05" PRIx32 " (segment %u, offset %5" PRIu32 ") --> physical address or fault?\n", i,
               va[i], s, off);
    }
    answer_heading(q);
    if (!q->answers)
        return 0;
    uint8_t *memory = calloc(1, mem);
    mmu_t mmu;
    char err[200];
    if (!memory || !mmu_init(&mmu, &cfg, memory, mem, NULL, err, sizeof err)) {
        fprintf(stderr, "mmulab quiz: %s\n", memory ? err : "out of host memory");
        free(memory);
        return 2;
    }
    for (int i = 0; i < 4; i++) {
        memcpy(memory + QUIZ_SEG_TABLE + 8 * i, &d[i].base, 4);
        memcpy(memory + QUIZ_SEG_TABLE + 8 * i + 4, &d[i].word1, 4);
    }
    mmu_set(&mmu, &(mmu_regs_t){.mode = MMU_SEG, .stbr = QUIZ_SEG_TABLE, .stlr = 4});
    for (unsigned i = 0; i < q->count; i++) {
        mmu_xlate_t x;
        trap_cause_t cause = mmu_translate(&mmu, va[i], 4, ACC_LOAD, MODE_USER, 0, NULL, &x);
        if (cause == TRAP_NONE)
            printf("  VA %2u: 0x%05" PRIx32 " --> physical 0x%08" PRIx32 " (decimal %" PRIu32 ")\n", i, va[i], x.paddr,
                   x.paddr);
        else
            printf("  VA %2u: 0x%05" PRIx32 " --> %s\n", i, va[i], trap_desc[cause]);
    }
    mmu_destroy(&mmu);
    free(memory);
    return 0;
}

/* ---- the command ----------------------------------------------------------------------------------------- */

typedef struct {
    const char *name;
    int (*fn)(quiz_t *q);
    const char *help;
} topic_t;

static const topic_t topics[] = {
    {"relocation", quiz_relocation, "base/limit translation and protection"},
    {"paging", quiz_paging, "paged translation, 1-3 levels: indexes, PTE addresses, frame, address or fault"},
    {"ptsize", quiz_ptsize, "page-table sizes per level, full and for a sparse process"},
    {"eat", quiz_eat, "effective access time with a TLB (and page faults)"},
    {"fit", quiz_fit, "first/best/worst fit step by step, the hole list after each request"},
    {"replacement", quiz_replacement, "FIFO/LRU/OPT/CLOCK tables and fault counts"},
    {"lrustack", quiz_lrustack, "the LRU stack and stack depths"},
    {"ws", quiz_ws, "the working set W(t, delta)"},
    {"belady", quiz_belady, "Belady's anomaly under FIFO"},
    {"seg", quiz_seg, "segmentation: segment number and offset, bounds (the stack's from the top), faults"},
};
#define NTOPICS (sizeof topics / sizeof topics[0])

static void quiz_usage(FILE *out)
{
    fprintf(out, "usage: mmulab quiz TOPIC [--seed N] [--count K] [-c]\n\n"
                 "Prints a seeded exercise (the same seed, the same problem); -c adds the answers,\n"
                 "which the model computes (its walker, MMU, allocator and replacement policies).\n\ntopics:\n");
    for (size_t i = 0; i < NTOPICS; i++)
        fprintf(out, "  %-12s %s\n", topics[i].name, topics[i].help);
    fprintf(out, "\noptions:\n");
}

typedef struct {
    uint64_t seed, count;
    bool answers;
} quiz_args_t;

static const opt_spec_t quiz_specs[] = {
    {"--seed", .alias = "-s", .kind = OPT_NUMBER, .value_name = "N", OPT_AT(quiz_args_t, seed),
     .help = "the problem's seed (default 0)"},
    {"--count", .alias = "-n", .kind = OPT_NUMBER, .value_name = "K", OPT_AT(quiz_args_t, count), .min = 1,
     .max = 64, .help = "how many questions, 1..64 (default 5)"},
    {"-c", .kind = OPT_FLAG, OPT_AT(quiz_args_t, answers), .help = "print the answers too"},
};

static const topic_t *find_topic(const char *name)
{
    for (size_t t = 0; t < NTOPICS; t++)
        if (!strcmp(name, topics[t].name))
            return &topics[t];
    fprintf(stderr, "mmulab quiz: unknown topic '%s'; allowed:", name);
    for (size_t t = 0; t < NTOPICS; t++)
        fprintf(stderr, " %s", topics[t].name);
    fprintf(stderr, "\n");
    return NULL;
}

int cmd_quiz(int argc, char **argv)
{
    quiz_args_t a = {.count = 5};
    const char *words[1];
    /* paging and ptsize take the runner's geometry options; what is not given is random */
    static const char *const geometry[] = {"--page-size", "--levels", "--va-bits", NULL};
    opt_spec_t geometry_specs[3];
    run_options_t fixed = {0};
    opt_table_t tables[2] = {{.specs = quiz_specs, .n = OPT_COUNT(quiz_specs), .target = &a},
                             opt_table_only(run_options_table(&fixed), geometry, geometry_specs, 3)};
    tables[1].heading = "paging, ptsize: fix the geometry (as `mmulab run`; what is not given is random):";
    char help[3][160];
    for (int i = 0; i < tables[1].n; i++) { /* the default here is random: the runner's is cut off */
        const char *h = geometry_specs[i].help, *def = strstr(h, " (default");
        snprintf(help[i], sizeof help[i], "%.*s", def ? (int)(def - h) : (int)strlen(h), h);
        geometry_specs[i].help = help[i];
        geometry_specs[i].show_default = false;
    }
    opt_parser_t p = {.prog = "mmulab " CMD, .tables = tables, .ntables = 2, .words = words, .max_words = 1,
                      .words_what = "topic", .err = stderr};
    int rc = opt_parse(&p, argc, argv);
    if (rc < 0) {
        quiz_usage(stdout);
        opt_help(&p, stdout);
        return 0;
    }
    if (rc)
        return rc;
    if (!p.nwords) {
        fprintf(stderr, "mmulab quiz: no topic given (see --help)\n");
        return 2;
    }
    const topic_t *topic = find_topic(words[0]);
    if (!topic)
        return 2;
    quiz_t q = {.seed = a.seed, .count = (unsigned)a.count, .answers = a.answers, .fixed = fixed.hw};
    q.rng = rng_seeded(q.seed ^ (uint64_t)(topic - topics) << 56);
    printf("ARG topic %s\nARG seed %" PRIu64 "\nARG count %u\n\n", topic->name, q.seed, q.count);
    return topic->fn(&q);
}
