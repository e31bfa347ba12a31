/*
 * `mmulab tlbsim`: replay a Dinero IV din trace through the modeled TLB
 * (mmu/tlb.c, one TLB for every kind of access, ASID 0) and, with --frames,
 * through a fully associative memory of N frames under a replacement policy
 * (os/replace.c).  A TLB miss fills the entry whatever the access (write
 * allocate), so the miss count equals Dinero IV's for a cache whose block is
 * the page, with the same associativity and LRU or FIFO.  docs/tlbsim.md
 * shows how to make traces from real programs with valgrind.
 *
 * The loop keeps a pointer to the entry hit last and re-validates it with one
 * compare, so a run of references to one page costs little more than parsing.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../mmu/tlb.h"
#include "../obs/din.h"
#include "../sim/runctl.h"
#include "../studies/nextuse.h"
#include "../studies/refsim.h"
#include "../sim/options.h"
#include "commands.h"

#define CMD "tlbsim"
#define BATCH 4096
#define ALL_PERM (PTE_V | PTE_R | PTE_W | PTE_X | PTE_U | PTE_A | PTE_D)
#define SEEN_CACHE 1024 /* direct-mapped memo of pages known to be touched */

static void tlbsim_usage(FILE *out)
{
    fprintf(out,
            "usage: mmulab tlbsim --trace FILE [--page-size 4K] [--tlb N] [--tlb-ways full|N]\n"
            "                     [--tlb-policy lru|fifo|random|plru] [--seed S]\n"
            "                     [--frames N --replace fifo|lru|opt|clock] [--stats-json FILE]\n"
            "\n"
            "Replays a Dinero IV din trace (`LABEL ADDRESS` per line: 0 read, 1 write,\n"
            "2 instruction fetch, 3 misc, 4 flush the TLB; hex address, 64-bit allowed;\n"
            "plain, gzip or xz) through one TLB (default 64 entries, fully associative,\n"
            "lru, 4K pages) and reports references, tlb_hits, tlb_misses and page_faults.\n"
            "Without --frames memory is unbounded and page_faults counts the distinct pages\n"
            "touched; with --frames N it counts the faults of N frames under --replace\n"
            "(default lru), and an evicted page's TLB entry is invalidated.\n"
            "--stats-json writes the same figures and the configuration as JSON.\n"
            "--replace opt reads the trace twice and keeps each reference's next use in a\n"
            "temporary file in $TMPDIR (16 bytes a reference), so memory does not grow with\n"
            "the trace.  SIGINT or SIGTERM stops the replay with the figures so far (exit\n"
            "130/143).  A truncated or corrupt .gz/.xz trace is an error naming the\n"
            "reference after which it broke.\n\noptions:\n");
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
} tlbsim_args_t;

typedef struct {
    uint64_t references, by_label[5], tlb_hits, tlb_misses, page_faults, evictions;
} tlbsim_stats_t;

typedef struct {
    tlb_t *tlb;
    uint32_t page_shift;
    tlb_entry_t *last[2]; /* host-side: the entry last used by data [0] and
                             fetches [1], or &no_entry                   */
    bool bounded;
    refsim_t mem;      /* with --frames                              */
    u64map_t touched;  /* without: the pages seen                    */
    uint64_t seen[SEEN_CACHE]; /* a few of them, to skip the map      */
    uint64_t time;     /* references so far (with --frames)          */
    uint64_t by_label[5], page_faults;
} tlbsim_t;

static tlb_entry_t no_entry = {.vpn = TLB_VPN_NONE};

/* A TLB miss: find (or fault in) the page's frame, then fill the TLB. */
static inline tlb_entry_t *handle_miss(tlbsim_t *s, uint64_t vpn)
{
    uint32_t frame = (uint32_t)vpn;
    if (s->bounded) {
        bool fault;
        uint64_t evicted;
        frame = refsim_access(&s->mem, vpn, s->time, &fault, &evicted);
        if (evicted != REFSIM_NO_PAGE)
            tlb_flush(s->tlb, TLB_FLUSH_PAGE, 0, evicted);
    } else if (s->seen[vpn % SEEN_CACHE] != vpn) {
        s->seen[vpn % SEEN_CACHE] = vpn;
        if (u64map_get(&s->touched, vpn, 0) == 0) {
            u64map_put(&s->touched, vpn, 1);
            s->page_faults++;
        }
    }
    return tlb_fill_fast(s->tlb, vpn, 0, frame, ALL_PERM);
}

/* One reference; `bounded` is a constant at each call, so each loop of
 * replay() is compiled for its own case. */
static inline __attribute__((always_inline)) void replay_one(tlbsim_t *s, uint64_t addr, uint32_t label,
                                                             bool bounded)
{
    if (label == DIN_FLUSH) {
        tlb_flush(s->tlb, TLB_FLUSH_ALL, 0, 0);
        s->by_label[DIN_FLUSH]++;
        return;
    }
    uint64_t vpn = addr >> s->page_shift;
    tlb_entry_t **last = &s->last[label == DIN_FETCH], *e = *last;
    s->by_label[label]++;
    if (e->vpn == vpn) {
        tlb_hit(s->tlb, e);
        if (bounded)
            refsim_touch(&s->mem, e->ppn, s->time);
    } else if ((e = tlb_lookup(s->tlb, vpn, 0)) != NULL) {
        if (bounded)
            refsim_touch(&s->mem, e->ppn, s->time);
        *last = e;
    } else {
        *last = handle_miss(s, vpn);
    }
    if (bounded)
        s->time++;
}

static void replay(tlbsim_t *s, const din_ref_t *refs, size_t n)
{
    if (s->bounded)
        for (size_t i = 0; i < n; i++)
            replay_one(s, refs[i].addr, refs[i].label, true);
    else
        for (size_t i = 0; i < n; i++)
            replay_one(s, refs[i].addr, refs[i].label, false);
}

/* --- the trace, streamed (OPT: twice) ----------------------------------------- */

/* OPT, before the replay: each reference's page into a next-use file
 * (studies/nextuse.h), flush records skipped as the replay's clock skips them. */
static bool spool_future(const tlbsim_args_t *a, nextuse_t *nu, char *err, size_t errlen)
{
    din_reader_t *in = din_open(a->trace, err, errlen);
    if (!in)
        return false;
    static din_ref_t batch[BATCH];
    long got = 0;
    bool written = true;
    while (written && !runctl_stopping() && (got = din_read(in, batch, BATCH, err, errlen)) > 0)
        for (long i = 0; i < got && written; i++)
            written = batch[i].label == DIN_FLUSH || nextuse_add(nu, batch[i].addr >> a->page_shift);
    din_close(in);
    if (!written)
        return !nextuse_failed(nu, err, errlen);
    return got == 0 || runctl_stopping() ? nextuse_finish(nu, err, errlen) : false;
}

/* OPT's replay: each reference gets its next use from the file first. */
static bool replay_with_future(tlbsim_t *s, const din_ref_t *refs, size_t n, nextuse_t *nu, char *err, size_t errlen)
{
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
        replay_one(s, refs[i].addr, refs[i].label, true);
    }
    return true;
}

/* The replay, a batch at a time; stops early (true) on SIGINT/SIGTERM. */
static bool replay_streamed(tlbsim_t *s, din_reader_t *in, nextuse_t *future, char *err, size_t errlen)
{
    static din_ref_t batch[BATCH];
    progress_t progress;
    progress_start(&progress, "tlbsim", false);
    long got = 0;
    uint64_t done = 0;
    while (!runctl_stopping() && (got = din_read(in, batch, BATCH, err, errlen)) > 0) {
        if (future && !replay_with_future(s, batch, (size_t)got, future, err, errlen))
            return false;
        if (!future)
            replay(s, batch, (size_t)got);
        done += (uint64_t)got;
        progress_update(&progress, done, "references", done, "references", NULL);
    }
    progress_end(&progress);
    return runctl_stopping() || got == 0;
}

/* --- setup and report -------------------------------------------------------- */

static bool tlbsim_init(tlbsim_t *s, const tlbsim_args_t *a, char *err, size_t errlen)
{
    memset(s, 0, sizeof *s);
    s->page_shift = a->page_shift;
    s->last[0] = s->last[1] = &no_entry;
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

static void json_string(FILE *f, const char *text)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p < 0x20)
            fprintf(f, "\\u%04x", *p);
        else
            fputc(*p, f);
    }
    fputc('"', f);
}

static bool write_json(const char *path, const tlbsim_args_t *a, const char *compression, const tlbsim_stats_t *st)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "mmulab tlbsim: cannot write %s\n", path);
        return false;
    }
    fprintf(f, "{\n  \"trace\": ");
    json_string(f, a->trace);
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
    {"--page-size", .kind = OPT_SIZE, .value_name = "SIZE", ARG(page_size), .min = 4, .max = 1u << 30,
     .pow2 = true, .help = "page size, a power of two from 4 bytes to 1G (default 4K)"},
    {"--tlb", .kind = OPT_NUMBER, .value_name = "N", ARG(cfg.tlb_entries), .min = 1, .max = 1024,
     .help = "TLB entries 1..1024 (default 64)"},
    {"--tlb-ways", .kind = OPT_NUMBER, .value_name = "full|N", ARG(cfg.tlb_ways), .min = 1, .max = 1024,
     .keyword = "full", .keyword_value = 0, .help = "TLB associativity (default full)"},
    {"--tlb-policy", .kind = OPT_CHOICE, .value_name = "POLICY", ARG(cfg.tlb_policy), .choices = tlb_policy_name,
     .nchoices = 4, .help = "TLB replacement lru|fifo|random|plru (default lru)"},
    {"--seed", .kind = OPT_NUMBER, .value_name = "S", ARG(cfg.seed), .help = "seed of the random TLB policy (default 1)"},
    {"--frames", .kind = OPT_NUMBER, .value_name = "N", ARG(frames), .min = 1, .max = 1u << 24,
     .help = "N frames of memory (default: unbounded)"},
    {"--replace", .kind = OPT_CHOICE, .value_name = "POLICY", ARG(replace), .choices = repl_policy_name,
     .nchoices = REPL_POLICY_COUNT, OPT_GIVEN(tlbsim_args_t, replace_given),
     .help = "with --frames: page replacement fifo|lru|opt|clock (default lru)"},
    {"--stats-json", .kind = OPT_STRING, .value_name = "FILE", ARG(stats_json),
     .help = "also write the figures and the configuration as JSON"},
};
#undef ARG

/* 0 to go on, -1 after --help, 2 on bad arguments. */
static int parse_args(int argc, char **argv, tlbsim_args_t *a)
{
    machine_config_defaults(&a->cfg);
    a->cfg.tlb_entries = 64;
    a->cfg.tlb_ways = 0; /* full */
    a->cfg.tlb_policy = TLB_LRU;
    a->cfg.asid_bits = 0;
    a->replace = REPL_LRU;
    a->page_size = 4096;
    opt_table_t table = {tlbsim_specs, OPT_COUNT(tlbsim_specs), a, NULL, NULL};
    opt_parser_t p = {.prog = "mmulab " CMD, .tables = &table, .ntables = 1, .err = stderr};
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
    if (a->replace_given && !a->frames) {
        fprintf(stderr, "mmulab tlbsim: --replace needs --frames N\n");
        return 2;
    }
    if (!tlb_config_check(&a->cfg, err, sizeof err)) {
        fprintf(stderr, "mmulab tlbsim: TLB configuration (--tlb, --tlb-ways, --tlb-policy): %s\n", err);
        return 2;
    }
    return 0;
}

static int run(const tlbsim_args_t *a)
{
    char err[512];
    bool opt = a->frames && a->replace == REPL_OPT;
    nextuse_t future;
    struct stat file;
    if (opt && (stat(a->trace, &file) != 0 || !S_ISREG(file.st_mode))) {
        fprintf(stderr, "mmulab tlbsim: --replace opt reads the trace twice: %s must be a regular file\n", a->trace);
        return 2;
    }
    if (opt && !nextuse_open(&future, err, sizeof err)) {
        fprintf(stderr, "mmulab tlbsim: %s\n", err);
        return 2;
    }
    din_reader_t *in = NULL;
    bool ok = !opt || spool_future(a, &future, err, sizeof err);
    if (ok && !(in = din_open(a->trace, err, sizeof err)))
        ok = false;
    tlbsim_t sim;
    bool sim_ready = ok && tlbsim_init(&sim, a, err, sizeof err);
    ok = sim_ready && replay_streamed(&sim, in, opt ? &future : NULL, err, sizeof err);
    if (ok && opt && !runctl_stopping() && future.read != future.count) {
        snprintf(err, sizeof err, "mmulab tlbsim: the trace changed between OPT's two readings of it");
        ok = false;
    }
    tlbsim_stats_t st;
    if (ok) {
        collect(&sim, &st);
        if (runctl_stopping())
            printf("interrupted  by %s: the figures so far\n", runctl_signal_name());
        print_text(a, din_compression(in), &st);
        ok = !a->stats_json || write_json(a->stats_json, a, din_compression(in), &st);
    } else {
        bool named = !strncmp(err, "mmulab", 6) || !strncmp(err, a->trace, strlen(a->trace)); /* din's FILE:LINE: */
        fprintf(stderr, "%s%s\n", named ? "" : "mmulab tlbsim: ", err);
    }
    if (sim_ready)
        tlbsim_free(&sim);
    din_close(in);
    if (opt)
        nextuse_close(&future);
    return !ok ? 2 : runctl_stopping() ? runctl_exit_status() : 0;
}

int cmd_tlbsim(int argc, char **argv)
{
    tlbsim_args_t a = {0};
    int status = parse_args(argc, argv, &a);
    if (status)
        return status < 0 ? 0 : status;
    runctl_catch_signals();
    return run(&a);
}
