/*
 * `mmulab tlbsim`: replay a Dinero IV din trace through the modeled TLB
 * (mmu/tlb.c, one TLB for every kind of access, ASID 0) and, with --frames,
 * through a fully associative memory of N frames under a replacement policy
 * (os/replace.c).  A TLB miss fills the entry whatever the access (write
 * allocate), so the miss count equals Dinero IV's for a cache whose block is
 * the page, with the same associativity and LRU or FIFO.  docs/tlbsim.md
 * shows how to make traces from real programs with valgrind.
 *
 * The loop keeps, per page (direct-mapped), a pointer to the entry found for
 * it last and re-validates it with one compare: a hit on a page the memo
 * holds skips the TLB's lookup, so a run of references to one page costs
 * little more than parsing.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../mmu/tlb.h"
#include "../obs/din.h"
#include "../obs/plot.h"
#include "../obs/quote.h"
#include "../studies/belady.h"
#include "../studies/grid.h"
#include "../studies/nextuse.h"
#include "../studies/refsim.h"
#include "../studies/stackdist.h"
#include "../sim/options.h"
#include "../sim/runctl.h"
#include "commands.h"

#define CMD "tlbsim"
#define BATCH 4096
#define ALL_PERM (PTE_V | PTE_R | PTE_W | PTE_X | PTE_U | PTE_A | PTE_D)
#define SEEN_CACHE 1024 /* direct-mapped memo of pages known to be touched */
#define RECENT 256      /* direct-mapped memo of the entries found, by page */

static void tlbsim_usage(FILE *out)
{
    fprintf(out,
            "usage: mmulab tlbsim --trace FILE [--page-size 4K] [--tlb N] [--tlb-ways full|N]\n"
            "                     [--tlb-policy lru|fifo|random|plru] [--seed S]\n"
            "                     [--frames N --replace fifo|lru|opt|clock] [--stats-json FILE]\n"
            "                     [--csv FILE] [--json FILE] [--plot FILE.png|FILE.svg] [--simulate-all]\n"
            "\n"
            "Replays a Dinero IV din trace (`LABEL ADDRESS` per line: 0 read, 1 write,\n"
            "2 instruction fetch, 3 misc, 4 flush the TLB; hex address, 64-bit allowed;\n"
            "plain, gzip or xz) through one TLB (default 64 entries, fully associative,\n"
            "lru, 4K pages) and reports references, tlb_hits, tlb_misses and page_faults.\n"
            "Without --frames memory is unbounded and page_faults counts the distinct pages\n"
            "touched; with --frames N it counts the faults of N frames under --replace\n"
            "(default lru), and an evicted page's TLB entry is invalidated.\n"
            "--stats-json writes the same figures and the configuration as JSON.\n"
            "\n"
            "Lists and ranges compare configurations in one pass over the trace: --tlb,\n"
            "--tlb-ways, --tlb-policy, --page-size, --frames, --replace and --seed each take\n"
            "a comma list or a range (--tlb 8,16,32,64 --tlb-ways full,4 --page-size 4K,8K\n"
            "--replace all --frames 2..10); every combination is a point, printed as one\n"
            "row.  The trace is read and parsed once for all of them.  Fully associative LRU\n"
            "TLBs (with no --frames, or with --replace lru) of every size come from one\n"
            "histogram of Mattson stack distances per page size; the other points are\n"
            "simulated side by side.  --simulate-all simulates every point instead (to check\n"
            "the two agree).\n"
            "--plot draws the miss rate against entries, or page faults against frames.\n"
            "\n"
            "--replace opt reads the trace twice and keeps each reference's next use in a\n"
            "temporary file in $TMPDIR (16 bytes a reference, per page size), so memory does\n"
            "not grow with the trace.  SIGINT or SIGTERM stops the replay with the figures\n"
            "so far (exit 130/143).  A truncated or corrupt .gz/.xz trace is an error naming\n"
            "the reference after which it broke.\n"
            "\noptions:\n");
}

typedef struct {
    const char *trace, *stats_json;
    uint64_t page_size;
    uint32_t page_shift;
    machine_config_t cfg; /* the TLB part */
    bool full_assoc;
    uint64_t frames;
    repl_policy_t replace;
    bool replace_given;
    bool simulate_all;     /* --simulate-all: no stack distances */
    study_output_t out;
    opt_given_t given;
} tlbsim_args_t;

typedef struct {
    uint64_t references, by_label[5], tlb_hits, tlb_misses, page_faults, evictions;
} tlbsim_stats_t;

typedef struct {
    tlb_t *tlb;
    uint32_t page_shift;
    tlb_entry_t *recent[RECENT]; /* host-side: per slot vpn % RECENT, the entry
                                    found there last, or &no_entry       */
    bool bounded;
    refsim_t mem;      /* with --frames                              */
    u64map_t touched;  /* without: the pages seen                    */
    uint64_t seen[SEEN_CACHE]; /* a few of them, to skip the map      */
    uint64_t time;     /* references so far (with --frames)          */
    uint64_t by_label[5], page_faults;
} tlbsim_t;

static tlb_entry_t no_entry = {.vpn = TLB_VPN_NONE};

/* What the replay of a reference reads of its tlbsim_t, copied into a local
 * by each loop: the TLB's stores cannot change the copy, so its fields stay
 * in registers instead of being read again for every reference. */
typedef struct {
    tlbsim_t *s;
    tlb_t *tlb;
    uint32_t page_shift;
} replayer_t;

static inline replayer_t replayer_of(tlbsim_t *s) { return (replayer_t){s, s->tlb, s->page_shift}; }

/* A TLB miss: find (or fault in) the page's frame, then fill the TLB
 * (`bounded` is s->bounded, a constant where it is inlined). */
static inline __attribute__((always_inline)) tlb_entry_t *handle_miss(const replayer_t *r, uint64_t vpn,
                                                                       bool bounded)
{
    tlbsim_t *const s = r->s;
    uint32_t frame = (uint32_t)vpn;
    if (bounded) {
        bool fault;
        uint64_t evicted;
        frame = refsim_access(&s->mem, vpn, s->time, &fault, &evicted);
        if (evicted != REFSIM_NO_PAGE)
            tlb_flush(r->tlb, TLB_FLUSH_PAGE, 0, evicted);
    } else if (s->seen[vpn % SEEN_CACHE] != vpn) {
        s->seen[vpn % SEEN_CACHE] = vpn;
        if (u64map_get(&s->touched, vpn, 0) == 0) {
            u64map_put(&s->touched, vpn, 1);
            s->page_faults++;
        }
    }
    return tlb_fill(r->tlb, vpn, 0, frame, ALL_PERM, NULL);
}

/* One reference; `bounded` is a constant at each call, so each loop of
 * replay() is compiled for its own case. */
static inline __attribute__((always_inline)) void replay_one(const replayer_t *r, uint64_t addr, uint32_t label,
                                                             bool bounded)
{
    tlbsim_t *const s = r->s;
    if (label == DIN_FLUSH) {
        tlb_flush(r->tlb, TLB_FLUSH_ALL, 0, 0);
        s->by_label[DIN_FLUSH]++;
        return;
    }
    uint64_t vpn = addr >> r->page_shift;
    tlb_entry_t **recent = &s->recent[vpn % RECENT], *e = *recent;
    s->by_label[label]++;
    if (e->vpn == vpn) {
        tlb_hit(r->tlb, e);
        if (bounded)
            refsim_touch(&s->mem, e->ppn, s->time);
    } else if ((e = tlb_find(r->tlb, vpn, 0)) != NULL) { /* tlb_lookup, inline */
        tlb_hit(r->tlb, e);
        if (bounded)
            refsim_touch(&s->mem, e->ppn, s->time);
        *recent = e;
    } else {
        r->tlb->misses++;
        *recent = handle_miss(r, vpn, bounded);
    }
    if (bounded)
        s->time++;
}

static void replay(tlbsim_t *s, const din_ref_t *refs, size_t n)
{
    const replayer_t r = replayer_of(s);
    if (s->bounded)
        for (size_t i = 0; i < n; i++)
            replay_one(&r, refs[i].addr, refs[i].label, true);
    else
        for (size_t i = 0; i < n; i++)
            replay_one(&r, refs[i].addr, refs[i].label, false);
}

/* The same as din_scan's visitors: each reference replayed as it is parsed. */
static inline __attribute__((always_inline)) void visit_bounded(void *s, uint64_t addr, uint32_t label)
{
    replay_one(s, addr, label, true);
}

static inline __attribute__((always_inline)) void visit_unbounded(void *s, uint64_t addr, uint32_t label)
{
    replay_one(s, addr, label, false);
}

/* Parse up to max references of the trace and replay them: how many, 0 at
 * its end, -1 on an error (err set). */
static long scan_and_replay(tlbsim_t *s, din_reader_t *in, size_t max, char *err, size_t errlen)
{
    replayer_t r = replayer_of(s);
    return s->bounded ? din_scan(in, max, visit_bounded, &r, err, errlen)
                      : din_scan(in, max, visit_unbounded, &r, err, errlen);
}

/* --- OPT's future, through next-use files (studies/nextuse.h) ---------------------- */

/* OPT's replay of one batch: each reference gets its next use from the
 * point's file first.  false (err set) if the trace and the file disagree. */
static bool replay_with_future(tlbsim_t *s, const din_ref_t *refs, size_t n, nextuse_t *nu, char *err,
                               size_t errlen)
{
    const replayer_t r = replayer_of(s);
    for (size_t i = 0; i < n; i++) {
        if (refs[i].label != DIN_FLUSH) {
            nextuse_rec_t rec;
            if (!nextuse_next(nu, &rec) || rec.page != refs[i].addr >> s->page_shift) {
                if (!nextuse_failed(nu, err, errlen))
                    snprintf(err, errlen, "mmulab tlbsim: the trace changed between OPT's two readings of it");
                return false;
            }
            s->mem.next = rec.next;
        }
        replay_one(&r, refs[i].addr, refs[i].label, true);
    }
    return true;
}

/* --- setup and report -------------------------------------------------------- */

static bool tlbsim_init(tlbsim_t *s, const tlbsim_args_t *a, char *err, size_t errlen)
{
    memset(s, 0, sizeof *s);
    s->page_shift = a->page_shift;
    for (size_t i = 0; i < RECENT; i++)
        s->recent[i] = &no_entry;
    memset(s->seen, 0xff, sizeof s->seen); /* U64MAP_EMPTY: no page */
    s->bounded = a->frames > 0;
    s->tlb = tlb_create(&a->cfg, err, errlen);
    if (!s->tlb)
        return false;
    bool ok = s->bounded ? refsim_init(&s->mem, a->replace, (uint32_t)a->frames, NULL)
                         : u64map_init(&s->touched, 4096);
    if (!ok)
        snprintf(err, errlen, "out of memory");
    return ok;
}

static void tlbsim_free(tlbsim_t *s)
{
    tlb_destroy(s->tlb);
    if (s->bounded)
        refsim_free(&s->mem);
    else
        u64map_free(&s->touched);
}

static void collect(const tlbsim_t *s, tlbsim_stats_t *st)
{
    memset(st, 0, sizeof *st);
    memcpy(st->by_label, s->by_label, sizeof st->by_label);
    st->references = s->by_label[DIN_READ] + s->by_label[DIN_WRITE] + s->by_label[DIN_FETCH] + s->by_label[DIN_MISC];
    st->tlb_hits = s->tlb->hits;
    st->tlb_misses = s->tlb->misses;
    st->page_faults = s->bounded ? s->mem.faults : s->page_faults;
    st->evictions = s->bounded ? s->mem.evictions : 0;
}

static bool write_json(const char *path, const tlbsim_args_t *a, const char *compression, const tlbsim_stats_t *st)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "mmulab tlbsim: cannot write %s\n", path);
        return false;
    }
    fprintf(f, "{\n  \"trace\": ");
    json_write_string(f, a->trace);
    fprintf(f,
            ",\n  \"compression\": \"%s\",\n  \"page_size\": %" PRIu64 ",\n  \"tlb_entries\": %u,\n"
            "  \"tlb_ways\": %u,\n  \"tlb_sets\": %u,\n  \"tlb_policy\": \"%s\",\n  \"seed\": %u,\n"
            "  \"frames\": %" PRIu64 ",\n  \"replace\": %s%s%s,\n",
            compression, a->page_size, a->cfg.tlb_entries, a->cfg.tlb_ways, a->cfg.tlb_entries / a->cfg.tlb_ways,
            tlb_policy_name[a->cfg.tlb_policy], a->cfg.seed, a->frames, a->frames ? "\"" : "",
            a->frames ? repl_policy_name[a->replace] : "null", a->frames ? "\"" : "");
    fprintf(f,
            "  \"references\": %" PRIu64 ",\n  \"reads\": %" PRIu64 ",\n  \"writes\": %" PRIu64
            ",\n  \"fetches\": %" PRIu64 ",\n  \"misc\": %" PRIu64 ",\n  \"flushes\": %" PRIu64
            ",\n  \"tlb_hits\": %" PRIu64 ",\n  \"tlb_misses\": %" PRIu64 ",\n  \"page_faults\": %" PRIu64
            ",\n  \"evictions\": %" PRIu64 "\n}\n",
            st->references, st->by_label[DIN_READ], st->by_label[DIN_WRITE], st->by_label[DIN_FETCH],
            st->by_label[DIN_MISC], st->by_label[DIN_FLUSH], st->tlb_hits, st->tlb_misses, st->page_faults,
            st->evictions);
    return fclose(f) == 0;
}

static void print_text(const tlbsim_args_t *a, const char *compression, const tlbsim_stats_t *st)
{
    char ways[32];
    if (a->full_assoc)
        snprintf(ways, sizeof ways, "fully associative");
    else
        snprintf(ways, sizeof ways, "%u-way", a->cfg.tlb_ways);
    printf("trace        %s (%s)\n", a->trace, compression);
    printf("tlb          %u entries, %s, %s, %" PRIu64 "-byte pages\n", a->cfg.tlb_entries, ways,
           tlb_policy_name[a->cfg.tlb_policy], a->page_size);
    printf("references   %" PRIu64 "  (reads %" PRIu64 ", writes %" PRIu64 ", fetches %" PRIu64 ", misc %" PRIu64
           "; flushes %" PRIu64 ")\n",
           st->references, st->by_label[DIN_READ], st->by_label[DIN_WRITE], st->by_label[DIN_FETCH],
           st->by_label[DIN_MISC], st->by_label[DIN_FLUSH]);
    printf("tlb_hits     %" PRIu64 "\n", st->tlb_hits);
    printf("tlb_misses   %" PRIu64 "  (miss rate %.4f%%)\n", st->tlb_misses,
           st->references ? 100.0 * (double)st->tlb_misses / (double)st->references : 0.0);
    if (a->frames)
        printf("page_faults  %" PRIu64 "  (%" PRIu64 " frames, %s; %" PRIu64 " evictions)\n", st->page_faults,
               a->frames, repl_policy_name[a->replace], st->evictions);
    else
        printf("page_faults  %" PRIu64 "  (unbounded memory: distinct pages touched)\n", st->page_faults);
}

/* --- arguments --------------------------------------------------------------- */

#define ARG(f) OPT_AT(tlbsim_args_t, f)
static const opt_spec_t tlbsim_specs[] = {
    {"--trace", .kind = OPT_STRING, .value_name = "FILE", ARG(trace), .help = "the din trace (plain, .gz or .xz)"},
    {"--page-size", .lists = true, .kind = OPT_SIZE, .value_name = "SIZE", ARG(page_size), .min = 4, .max = 1u << 30,
     .pow2 = true, .help = "page size, a power of two from 4 bytes to 1G (default 4K)"},
    {"--tlb", .lists = true, .kind = OPT_NUMBER, .value_name = "N", ARG(cfg.tlb_entries), .min = 1, .max = 1024,
     .help = "TLB entries 1..1024 (default 64)"},
    {"--tlb-ways", .lists = true, .kind = OPT_NUMBER, .value_name = "full|N", ARG(cfg.tlb_ways), .min = 1, .max = 1024,
     .keyword = "full", .keyword_value = 0, .help = "TLB associativity (default full)"},
    {"--tlb-policy", .lists = true, .kind = OPT_CHOICE, .value_name = "POLICY", ARG(cfg.tlb_policy), .choices = tlb_policy_name,
     .nchoices = 4, .help = "TLB replacement lru|fifo|random|plru (default lru)"},
    {"--seed", .lists = true, .kind = OPT_NUMBER, .value_name = "S", ARG(cfg.seed), .help = "seed of the random TLB policy (default 1)"},
    {"--frames", .lists = true, .kind = OPT_NUMBER, .value_name = "N", ARG(frames), .min = 1, .max = 1u << 24,
     .help = "N frames of memory (default: unbounded)"},
    {"--replace", .lists = true, .kind = OPT_CHOICE, .value_name = "POLICY", ARG(replace), .choices = repl_policy_name,
     .nchoices = REPL_POLICY_COUNT, OPT_GIVEN(tlbsim_args_t, replace_given),
     .help = "with --frames: page replacement fifo|lru|opt|clock (default lru)"},
    {"--stats-json", .kind = OPT_STRING, .value_name = "FILE", ARG(stats_json),
     .help = "also write the figures and the configuration as JSON (one configuration)"},
    {"--simulate-all", .kind = OPT_FLAG, ARG(simulate_all),
     .help = "simulate every configuration (no stack distances), to check they agree"},
};
#undef ARG

/* A TLB geometry that cannot be built (2 ways of 1 entry): in a grid, that
 * point is left out; alone, it is bad input. */
#define BAD_COMBINATION 3

/* 0 to go on, -1 after --help, 2 on bad arguments, BAD_COMBINATION.  The
 * first pass (point -1) gathers lists into grid; then each point's pass. */
/* Whether some point of the study uses the random TLB policy. */
static bool uses_random_policy(const tlbsim_args_t *a, const grid_t *grid)
{
    for (int i = 0; i < grid->naxes; i++)
        if (!strcmp(grid->axes[i].option, "--tlb-policy"))
            for (int v = 0; v < grid->axes[i].n; v++)
                if (!strcmp(grid->axes[i].values[v], tlb_policy_name[TLB_RANDOM]))
                    return true;
    return a->cfg.tlb_policy == TLB_RANDOM;
}

static int parse_args(int argc, char **argv, tlbsim_args_t *a, grid_t *grid, long point)
{
    memset(a, 0, sizeof *a);
    machine_config_defaults(&a->cfg);
    a->cfg.tlb_entries = 64;
    a->cfg.tlb_ways = 0; /* full */
    a->cfg.tlb_policy = TLB_LRU;
    a->cfg.asid_bits = 0;
    a->replace = REPL_LRU;
    a->page_size = 4096;
    opt_table_t tables[] = {{.specs = tlbsim_specs, .n = OPT_COUNT(tlbsim_specs), .target = a,
                              OPT_GIVEN_SET(tlbsim_args_t, given)}, study_output_table(&a->out)};
    opt_parser_t p = {.prog = "mmulab " CMD, .tables = tables, .ntables = 2, .err = stderr, .grid = grid,
                      .point = point};
    int rc = opt_parse(&p, argc, argv);
    if (rc < 0) {
        tlbsim_usage(stdout);
        opt_help(&p, stdout);
    }
    if (rc)
        return rc;
    a->full_assoc = a->cfg.tlb_ways == 0;
    if (a->full_assoc)
        a->cfg.tlb_ways = a->cfg.tlb_entries;
    a->page_shift = (uint32_t)__builtin_ctzll(a->page_size);
    char err[200];
    if (!a->trace) {
        fprintf(stderr, "mmulab tlbsim: --trace FILE is required\n");
        return 2;
    }
    if (point < 0) { /* said once, on the study's first reading, not per point */
        opt_warn_idle(p.prog, &tables[0], "--replace", !a->frames,
                      "without --frames N (memory is then unbounded and no page is replaced; --tlb-policy is the "
                      "TLB's replacement)", stderr);
        opt_warn_idle(p.prog, &tables[0], "--seed", !uses_random_policy(a, grid),
                      "without --tlb-policy random (the only policy with a random choice)", stderr);
    }
    if (point >= 0 && !tlb_config_check(&a->cfg, err, sizeof err)) {
        fprintf(stderr, "mmulab tlbsim: TLB configuration (--tlb, --tlb-ways, --tlb-policy): %s\n", err);
        return BAD_COMBINATION;
    }
    return 0;
}

/* --- many configurations, one pass ------------------------------------------- */

#define MAX_POINTS 4096
#define MAX_PAGE_SIZES 16

typedef struct {
    tlbsim_args_t a;
    int engine;         /* its stack-distance engine, or -1: simulated */
    bool ready;         /* sim set up                                   */
    tlbsim_t sim;
    bool has_future;    /* OPT: its reader of the spool for its page size */
    nextuse_t future;
    tlbsim_stats_t st;
} point_t;

typedef struct {
    point_t *points;
    size_t n;
    stackdist_t sd[MAX_PAGE_SIZES];
    uint32_t sd_shift[MAX_PAGE_SIZES];
    int nsd;
    uint64_t flushes;     /* seen by the stack-distance engines         */
    bool one_pass;        /* some engine is in use                      */
    nextuse_t spool[MAX_PAGE_SIZES]; /* OPT: next uses, one per page size */
    uint32_t spool_shift[MAX_PAGE_SIZES];
    int nspools;
} study_t;

/* Answered by stack distances: fully associative LRU TLB before unbounded
 * memory or an LRU memory. */
static bool one_pass_point(const tlbsim_args_t *a)
{
    return !a->simulate_all && a->full_assoc && a->cfg.tlb_policy == TLB_LRU && (!a->frames || a->replace == REPL_LRU);
}

static int engine_for(study_t *s, uint32_t shift)
{
    for (int e = 0; e < s->nsd; e++)
        if (s->sd_shift[e] == shift)
            return e;
    if (s->nsd == MAX_PAGE_SIZES)
        return -1;
    s->sd_shift[s->nsd] = shift;
    return s->nsd++;
}

/* The sizes a one-pass point needs told apart: its TLB's, and its memory's. */
static int point_sizes(const tlbsim_args_t *a, uint32_t *out)
{
    int n = 0;
    out[n++] = a->cfg.tlb_entries;
    if (a->frames)
        out[n++] = (uint32_t)a->frames;
    return n;
}

/* One stack-distance engine per page size that has two one-pass points or
 * more (a single configuration is cheaper to simulate), each telling apart
 * every size its points need. */
static bool plan(study_t *s)
{
    static uint32_t sizes[MAX_PAGE_SIZES][STACKDIST_MAX_SIZES];
    int nsizes[MAX_PAGE_SIZES] = {0}, users[MAX_PAGE_SIZES] = {0};
    for (size_t i = 0; i < s->n; i++) {
        point_t *p = &s->points[i];
        p->engine = one_pass_point(&p->a) ? engine_for(s, p->a.page_shift) : -1;
        if (p->engine >= 0 && nsizes[p->engine] + 2 > STACKDIST_MAX_SIZES)
            p->engine = -1;
        if (p->engine >= 0) {
            users[p->engine]++;
            nsizes[p->engine] += point_sizes(&p->a, &sizes[p->engine][nsizes[p->engine]]);
        }
    }
    for (size_t i = 0; i < s->n; i++)
        if (s->points[i].engine >= 0 && users[s->points[i].engine] < 2)
            s->points[i].engine = -1;
    for (int e = 0; e < s->nsd; e++) {
        if (users[e] >= 2 && !stackdist_init(&s->sd[e], sizes[e], nsizes[e]))
            return false;
        s->one_pass |= users[e] >= 2;
    }
    return true;
}

static void stack_distances(study_t *s, const din_ref_t *refs, size_t n)
{
    uint64_t flushes = 0;
    for (int e = 0; e < s->nsd; e++)
        if (s->sd[e].nbands) /* else its one point is simulated */
            flushes = stackdist_replay(&s->sd[e], refs, n, s->sd_shift[e]);
    s->flushes += flushes;
}

static bool replay_all(study_t *s, const din_ref_t *refs, size_t n, char *err, size_t errlen)
{
    if (s->one_pass)
        stack_distances(s, refs, n);
    for (size_t i = 0; i < s->n; i++) {
        point_t *p = &s->points[i];
        if (p->has_future && !replay_with_future(&p->sim, refs, n, &p->future, err, errlen))
            return false;
        if (p->engine < 0 && !p->has_future)
            replay(&p->sim, refs, n);
    }
    return true;
}

static bool is_opt(const point_t *p)
{
    return p->engine < 0 && p->a.frames && p->a.replace == REPL_OPT;
}

/* The spool of next uses for pages of 1 << shift bytes, made if new. */
static nextuse_t *spool_for(study_t *s, uint32_t shift, char *err, size_t errlen)
{
    for (int k = 0; k < s->nspools; k++)
        if (s->spool_shift[k] == shift)
            return &s->spool[k];
    if (s->nspools == MAX_PAGE_SIZES || !nextuse_open(&s->spool[s->nspools], err, errlen))
        return NULL;
    s->spool_shift[s->nspools] = shift;
    return &s->spool[s->nspools++];
}

/* OPT, before the replay: a first reading of the trace writes each
 * reference's page (flush records skipped, as the replay's clock skips them)
 * to the spool of every page size an OPT point uses; then each OPT point gets
 * a reader of its spool. */
static bool spool_futures(study_t *s, char *err, size_t errlen)
{
    for (size_t i = 0; i < s->n; i++)
        if (is_opt(&s->points[i]) && !spool_for(s, s->points[i].a.page_shift, err, errlen))
            return false;
    din_reader_t *in = din_open(s->points[0].a.trace, err, errlen);
    if (!in)
        return false;
    static din_ref_t batch[BATCH];
    long got = 0;
    bool written = true;
    while (written && !runctl_stopping() && (got = din_read(in, batch, BATCH, err, errlen)) > 0)
        for (long i = 0; i < got && written; i++)
            for (int k = 0; k < s->nspools && written; k++)
                written = batch[i].label == DIN_FLUSH || nextuse_add(&s->spool[k], batch[i].addr >> s->spool_shift[k]);
    din_close(in);
    for (int k = 0; k < s->nspools && !written; k++)
        nextuse_failed(&s->spool[k], err, errlen);
    if (!written || got < 0)
        return false;
    for (int k = 0; k < s->nspools; k++)
        if (!nextuse_finish(&s->spool[k], err, errlen))
            return false;
    for (size_t i = 0; i < s->n; i++) {
        point_t *p = &s->points[i];
        if (is_opt(p) && !(p->has_future = nextuse_share(&p->future, spool_for(s, p->a.page_shift, err, errlen),
                                                          err, errlen)))
            return false;
    }
    return true;
}

static bool setup_simulated(study_t *s, char *err, size_t errlen)
{
    for (size_t i = 0; i < s->n; i++) {
        point_t *p = &s->points[i];
        if (p->engine < 0 && !(p->ready = tlbsim_init(&p->sim, &p->a, err, errlen)))
            return false;
    }
    return true;
}

static void stack_stats(const study_t *s, point_t *p)
{
    const stackdist_t *sd = &s->sd[p->engine];
    tlbsim_stats_t *st = &p->st;
    uint32_t frames = (uint32_t)p->a.frames;
    st->by_label[DIN_FLUSH] = s->flushes; /* the rows show no other label */
    st->references = sd->references;
    st->tlb_misses = stackdist_tlb_misses(sd, p->a.cfg.tlb_entries, frames);
    st->tlb_hits = st->references - st->tlb_misses;
    st->page_faults = stackdist_misses(sd, frames);
    st->evictions = frames ? st->page_faults - (frames < sd->distinct ? frames : sd->distinct) : 0;
}

static void add_row(rows_t *rows, const point_t *p, const char *compression)
{
    const tlbsim_args_t *a = &p->a;
    const tlbsim_stats_t *st = &p->st;
    rows_begin(rows);
    rows_set(rows, "trace", a->trace);
    rows_set(rows, "compression", compression);
    rows_set_u64(rows, "page_size", a->page_size);
    rows_set_u64(rows, "tlb_entries", a->cfg.tlb_entries);
    if (a->full_assoc)
        rows_set(rows, "tlb_ways", "full");
    else
        rows_set_u64(rows, "tlb_ways", a->cfg.tlb_ways);
    rows_set(rows, "tlb_policy", tlb_policy_name[a->cfg.tlb_policy]);
    rows_set_u64(rows, "seed", a->cfg.seed);
    rows_set_u64(rows, "frames", a->frames);
    rows_set(rows, "replace", a->frames || a->replace_given ? repl_policy_name[a->replace] : "none");
    rows_set_u64(rows, "references", st->references);
    rows_set_u64(rows, "flushes", st->by_label[DIN_FLUSH]);
    rows_set_u64(rows, "tlb_hits", st->tlb_hits);
    rows_set_u64(rows, "tlb_misses", st->tlb_misses);
    rows_set_double(rows, "miss_rate", st->references ? (double)st->tlb_misses / (double)st->references : 0);
    rows_set_u64(rows, "page_faults", st->page_faults);
    rows_set_u64(rows, "evictions", st->evictions);
    rows_set(rows, "method", p->engine >= 0 ? "stack-distance" : "simulated");
}

static bool report(study_t *s, const char *compression)
{
    rows_t rows;
    rows_init(&rows);
    for (size_t i = 0; i < s->n; i++) {
        point_t *p = &s->points[i];
        if (p->engine >= 0)
            stack_stats(s, p);
        else
            collect(&p->sim, &p->st);
        add_row(&rows, p, compression);
    }
    const tlbsim_args_t *first = &s->points[0].a;
    bool ok = true;
    if (s->n == 1) {
        print_text(first, compression, &s->points[0].st);
        ok = !first->stats_json || write_json(first->stats_json, first, compression, &s->points[0].st);
    } else {
        printf("trace %s (%s), %" PRIu64 " references, one pass for %zu configurations\n\n", first->trace,
               compression, s->points[0].st.references, s->n);
        rows_print(&rows, stdout, (const char *const[]){"tlb_entries", "tlb_misses", "miss_rate", "page_faults", NULL});
        belady_report(&rows, "frames", "page_faults", "replace", stdout);
    }
    ok = ok && study_emit(&rows, CMD, &first->out);
    rows_free(&rows);
    return ok;
}

static void study_free(study_t *s)
{
    for (size_t i = 0; i < s->n; i++) {
        if (s->points[i].ready)
            tlbsim_free(&s->points[i].sim);
        if (s->points[i].has_future)
            nextuse_close(&s->points[i].future);
    }
    for (int k = 0; k < s->nspools; k++)
        nextuse_close(&s->spool[k]);
    for (int e = 0; e < s->nsd; e++)
        if (s->sd[e].nbands)
            stackdist_free(&s->sd[e]);
    free(s->points);
}

/* The replay, a batch at a time; stops early (true) on SIGINT/SIGTERM. */
static bool replay_trace(study_t *s, din_reader_t *in, char *err, size_t errlen)
{
    static din_ref_t batch[BATCH];
    progress_t progress;
    progress_start(&progress, "tlbsim", false);
    long got = 0;
    uint64_t done = 0;
    bool ok = true;
    /* One simulated point (no OPT, no stack distances) replays as it parses. */
    point_t *alone = s->n == 1 && !s->one_pass && !s->points[0].has_future ? &s->points[0] : NULL;
    while (ok && !runctl_stopping()) {
        if (alone)
            got = scan_and_replay(&alone->sim, in, BATCH, err, errlen);
        else if ((got = din_read(in, batch, BATCH, err, errlen)) > 0)
            ok = replay_all(s, batch, (size_t)got, err, errlen);
        if (got <= 0)
            break;
        done += (uint64_t)got;
        progress_update(&progress, done, "references", done, "references", NULL);
    }
    progress_end(&progress);
    for (size_t i = 0; i < s->n && ok && got == 0; i++)
        if (s->points[i].has_future && s->points[i].future.read != s->points[i].future.count) {
            snprintf(err, errlen, "mmulab tlbsim: the trace changed between OPT's two readings of it");
            ok = false;
        }
    return ok && (runctl_stopping() || got == 0);
}

static int run(study_t *s)
{
    char err[512];
    const char *trace = s->points[0].a.trace;
    bool ok = plan(s);
    if (!ok)
        snprintf(err, sizeof err, "out of memory");
    bool opt = false;
    for (size_t i = 0; i < s->n; i++)
        opt |= is_opt(&s->points[i]);
    struct stat file;
    if (ok && opt && (stat(trace, &file) != 0 || !S_ISREG(file.st_mode))) {
        snprintf(err, sizeof err, "mmulab tlbsim: --replace opt reads the trace twice: %s must be a regular file",
                 trace);
        ok = false;
    }
    ok = ok && (!opt || spool_futures(s, err, sizeof err));
    din_reader_t *in = ok ? din_open(trace, err, sizeof err) : NULL;
    ok = in && setup_simulated(s, err, sizeof err) && replay_trace(s, in, err, sizeof err);
    for (int e = 0; e < s->nsd && ok; e++)
        if (s->sd[e].oom) {
            snprintf(err, sizeof err, "out of memory");
            ok = false;
        }
    if (ok && runctl_stopping())
        printf("interrupted by %s: the figures so far\n", runctl_signal_name());
    if (ok)
        ok = report(s, din_compression(in));
    else {
        bool named = !strncmp(err, "mmulab", 6) || !strncmp(err, trace, strlen(trace)); /* din's FILE:LINE: */
        fprintf(stderr, "%s%s\n", named ? "" : "mmulab tlbsim: ", err);
    }
    study_free(s);
    din_close(in);
    return !ok ? 2 : runctl_stopping() ? runctl_exit_status() : 0;
}

/* Every point's arguments, each parsed as a run of its own would be. */
static int parse_points(int argc, char **argv, grid_t *g, study_t *s)
{
    tlbsim_args_t first;
    int status = parse_args(argc, argv, &first, g, -1);
    if (status)
        return status == BAD_COMBINATION ? 2 : status;
    size_t n = grid_points(g);
    if (n > MAX_POINTS) {
        fprintf(stderr, "mmulab tlbsim: %zu configurations; at most %d in one pass\n", n, MAX_POINTS);
        return 2;
    }
    if (n > 1 && first.stats_json) {
        fprintf(stderr, "mmulab tlbsim: --stats-json describes one configuration; use --json or --csv for several\n");
        return 2;
    }
    if (!(s->points = calloc(n, sizeof *s->points))) {
        fprintf(stderr, "mmulab tlbsim: out of memory\n");
        return 2;
    }
    size_t left_out = 0;
    for (size_t p = 0; p < n; p++) {
        status = parse_args(argc, argv, &s->points[s->n].a, g, (long)p);
        if (status == BAD_COMBINATION && n > 1) {
            left_out++; /* e.g. 2 ways of 1 entry: the grid's other points stand */
            continue;
        }
        if (status)
            return status == BAD_COMBINATION ? 2 : status;
        s->n++;
    }
    if (left_out)
        fprintf(stderr, "mmulab tlbsim: %zu configuration%s of the grid left out (see above)\n", left_out,
                left_out > 1 ? "s" : "");
    return s->n ? 0 : 2;
}

int cmd_tlbsim(int argc, char **argv)
{
    grid_t grid = {0};
    study_t study = {0};
    int status = parse_points(argc, argv, &grid, &study);
    runctl_catch_signals();
    if (!status)
        status = run(&study);
    else
        free(study.points);
    grid_free(&grid);
    return status < 0 ? 0 : status;
}
