/*
 * Table-driven parsing of the runner's options.  Each option names its
 * argument and a setter; a bad value names the option and what it allows.
 */
#include "options.h"

#include "../mmu/geometry.h"
#include "../mmu/tlb.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

void run_options_defaults(run_options_t *o)
{
    memset(o, 0, sizeof *o);
    machine_config_defaults(&o->hw);
    os_config_defaults(&o->os);
    o->engine = "c";
    o->tlb_fully_assoc = true;
}

bool parse_u64(const char *text, uint64_t *out)
{
    if (!text || !*text || *text == '-' || isspace((unsigned char)*text))
        return false;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 0);
    if (errno || end == text)
        return false;
    unsigned shift = 0;
    if (*end == 'K' || *end == 'k')
        shift = 10;
    else if (*end == 'M' || *end == 'm')
        shift = 20;
    else if (*end == 'G' || *end == 'g')
        shift = 30;
    if (shift)
        end++;
    if (*end || (shift && v > (UINT64_MAX >> shift)))
        return false;
    *out = (uint64_t)v << shift;
    return true;
}

bool parse_u32(const char *text, uint32_t *out)
{
    uint64_t v;
    if (!parse_u64(text, &v) || v > UINT32_MAX)
        return false;
    *out = (uint32_t)v;
    return true;
}

/* Index of `value` in names[0..n), or -1. */
static int choose(const char *value, const char *const *names, int n)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(value, names[i]))
            return i;
    return -1;
}

static void list_allowed(FILE *err, const char *const *names, int n)
{
    for (int i = 0; i < n; i++)
        fprintf(err, "%s%s", i ? "|" : "", names[i]);
}

typedef bool (*setter_fn)(run_options_t *o, const char *arg, FILE *err, const char *opt);

static bool bad_number(FILE *err, const char *opt, const char *arg, const char *what)
{
    fprintf(err, "mmulab: %s '%s': expected %s\n", opt, arg, what);
    return false;
}

/* One of names[0..n) into *index; else a message listing them. */
static bool set_choice(const char *arg, FILE *err, const char *opt, const char *const *names, int n, int *index)
{
    *index = choose(arg, names, n);
    if (*index >= 0)
        return true;
    fprintf(err, "mmulab: %s '%s': allowed values are ", opt, arg);
    list_allowed(err, names, n);
    fputc('\n', err);
    return false;
}

/* A number in [min, max] into *out; else a message naming the range. */
static bool set_bounded(const char *arg, FILE *err, const char *opt, uint32_t min, uint32_t max, uint32_t *out)
{
    uint32_t v;
    if (!parse_u32(arg, &v) || v < min || v > max) {
        fprintf(err, "mmulab: %s '%s': expected a number from %u to %u\n", opt, arg, min, max);
        return false;
    }
    *out = v;
    return true;
}

static bool set_mode(run_options_t *o, const char *arg, FILE *err, const char *opt)
{
    int i = choose(arg, os_mode_name, OS_MODE_COUNT);
    if (i < 0) {
        fprintf(err, "mmulab: %s '%s': allowed values are ", opt, arg);
        list_allowed(err, os_mode_name, OS_MODE_COUNT);
        fputc('\n', err);
        return false;
    }
    o->os.mode = (os_mode_t)i;
    return true;
}

static bool set_fit(run_options_t *o, const char *arg, FILE *err, const char *opt)
{
    int i = choose(arg, fit_name, FIT_COUNT);
    if (i < 0) {
        fprintf(err, "mmulab: %s '%s': allowed values are ", opt, arg);
        list_allowed(err, fit_name, FIT_COUNT);
        fputc('\n', err);
        return false;
    }
    o->os.fit = (fit_t)i;
    return true;
}

static bool set_base(run_options_t *o, const char *arg, FILE *err, const char *opt)
{
    if (!parse_u32(arg, &o->os.base) || o->os.base % 4)
        return bad_number(err, opt, arg, "a word-aligned address (decimal, 0x hex, K/M suffix)");
    o->os.base_given = true;
    return true;
}

static bool set_mem(run_options_t *o, const char *arg, FILE *err, const char *opt)
{
    uint64_t v;
    if (!parse_u64(arg, &v) || v < 16384 || v > (1ull << 31) || v % 4096)
        return bad_number(err, opt, arg, "a size from 16K to 2G, a multiple of 4K (e.g. 64K, 1M)");
    o->hw.mem_size = (uint32_t)v;
    return true;
}

static bool set_stack(run_options_t *o, const char *arg, FILE *err, const char *opt)
{
    if (!parse_u32(arg, &o->os.stack_size) || o->os.stack_size % 4 || o->os.stack_size > (1u << 28))
        return bad_number(err, opt, arg, "a stack size in bytes, a multiple of 4");
    return true;
}

static bool set_granule(run_options_t *o, const char *arg, FILE *err, const char *opt)
{
    uint32_t g;
    if (!parse_u32(arg, &g) || g < 4 || (g & (g - 1)))
        return bad_number(err, opt, arg, "a power of two of at least 4 bytes");
    o->os.granule = g;
    return true;
}

/* ---- compaction and swapping (os/multiprog.h) ---- */

static bool set_compact(run_options_t *o, const char *arg, FILE *err, const char *opt)
{
    (void)arg, (void)err, (void)opt;
    o->os.mp.compact = true;
    return true;
}

static bool set_swap(run_options_t *o, const char *arg, FILE *err, const char *opt)
{
    (void)arg, (void)err, (void)opt;
    o->os.mp.swap = true;
    return true;
}

static bool set_partitions(run_options_t *o, const char *arg, FILE *err, const char *opt)
{
    (void)arg, (void)err, (void)opt;
    o->os.mp.show_partitions = true;
    return true;
}

static bool set_swap_back(run_options_t *o, const char *arg, FILE *err, const char *opt)
{
    int i = choose(arg, swapback_name, SWAPBACK_COUNT);
    if (i < 0) {
        fprintf(err, "mmulab: %s '%s': allowed values are same|relocate\n", opt, arg);
        return false;
    }
    o->os.mp.swap_back = (swapback_t)i;
    return true;
}

static bool set_priority(run_options_t *o, const char *arg, FILE *err, const char *opt)
{
    mp_config_t *mp = &o->os.mp;
    const char *p = arg;
    mp->npriorities = 0;
    while (*p && mp->npriorities < MP_MAX_PRIORITIES) {
        char *end;
        long v = strtol(p, &end, 10);
        if (end == p || (*end && *end != ',') || v < -1000 || v > 1000)
            return bad_number(err, opt, arg, "priorities per program, e.g. 3,1,2 (higher stays in memory)");
        mp->priority[mp->npriorities++] = (int)v;
        p = *end ? end + 1 : end;
    }
    return mp->npriorities > 0 || bad_number(err, opt, arg, "at least one priority");
}

static bool set_ws_window(run_options_t *o, const char *arg, FILE *err, const char *opt)
{
    if (!parse_u32(arg, &o->os.mp.ws_window) || o->os.mp.ws_window == 0)
        return bad_number(err, opt, arg, "a positive number of references");
    return true;
}

static bool set_quantum(run_options_t *o, const char *arg, FILE *err, const char *opt)
{
    if (!parse_u64(arg, &o->os.quantum) || o->os.quantum == 0)
        return bad_number(err, opt, arg, "a positive number of cycles");
    return true;
}

static bool set_max_cycles(run_options_t *o, const char *arg, FILE *err, const char *opt)
{
    if (!parse_u64(arg, &o->os.max_cycles) || o->os.max_cycles == 0)
        return bad_number(err, opt, arg, "a positive number of cycles");
    return true;
}

static bool set_dump(run_options_t *o, const char *arg, FILE *err, const char *opt)
{
    const char *colon = strchr(arg, ':');
    char addr[64];
    if (!colon || (size_t)(colon - arg) >= sizeof addr)
        return bad_number(err, opt, arg, "ADDR:COUNT, e.g. 2000:10");
    memcpy(addr, arg, (size_t)(colon - arg));
    addr[colon - arg] = 0;
    if (!parse_u32(addr, &o->dump_addr) || !parse_u32(colon + 1, &o->dump_count) || o->dump_count == 0 ||
        o->dump_count > (1u << 24))
        return bad_number(err, opt, arg, "ADDR:COUNT with 1 <= COUNT <= 16M, e.g. 2000:10");
    o->dump = true;
    return true;
}

static bool set_timing(run_options_t *o, const char *arg, FILE *err, const char *opt)
{
    char msg[1024];
    (void)opt;
    if (!timing_set(&o->hw.timing, arg, msg, sizeof msg)) {
        fprintf(err, "mmulab: %s\n", msg);
        return false;
    }
    return true;
}

static bool set_engine(run_options_t *o, const char *arg, FILE *err, const char *opt)
{
    static const char *const engines[] = {"c", "rtl"};
    if (choose(arg, engines, 2) < 0) {
        fprintf(err, "mmulab: %s '%s': allowed values are c|rtl\n", opt, arg);
        return false;
    }
    o->engine = arg;
    return true;
}

static bool set_stats_json(run_options_t *o, const char *arg, FILE *err, const char *opt)
{
    (void)err, (void)opt;
    o->stats_json = arg;
    return true;
}

static bool set_stats_txt(run_options_t *o, const char *arg, FILE *err, const char *opt)
{
    (void)err, (void)opt;
    o->stats_txt = arg;
    return true;
}

static bool set_trace(run_options_t *o, const char *arg, FILE *err, const char *opt)
{
    (void)err, (void)opt;
    o->trace_path = arg;
    return true;
}

static bool set_log(run_options_t *o, const char *arg, FILE *err, const char *opt)
{
    (void)err, (void)opt;
    o->log_path = arg;
    return true;
}

static bool set_audit(run_options_t *o, const char *arg, FILE *err, const char *opt)
{
    (void)arg, (void)err, (void)opt;
    o->os.audit_stores = true;
    return true;
}

static bool set_check(run_options_t *o, const char *arg, FILE *err, const char *opt)
{
    (void)arg, (void)err, (void)opt;
    o->check = true;
    return true;
}

static bool set_quiet(run_options_t *o, const char *arg, FILE *err, const char *opt)
{
    (void)arg, (void)err, (void)opt;
    o->quiet = true;
    return true;
}

/* ---- paged mode ---- */

static bool set_page_size(run_options_t *o, const char *arg, FILE *err, const char *opt)
{
    uint32_t size;
    if (!parse_u32(arg, &size) || size < 512 || size > (16u << 20) || (size & (size - 1)))
        return bad_number(err, opt, arg, "a power of two from 512 to 16M (e.g. 4K)");
    o->hw.page_shift = (uint32_t)__builtin_ctz(size);
    return true;
}

static bool set_levels(run_options_t *o, const char *arg, FILE *err, const char *opt)
{
    return set_bounded(arg, err, opt, 1, PAGING_MAX_LEVELS, &o->hw.levels);
}

static bool set_va_bits(run_options_t *o, const char *arg, FILE *err, const char *opt)
{
    return set_bounded(arg, err, opt, 14, 32, &o->hw.va_bits);
}

static bool set_tlb(run_options_t *o, const char *arg, FILE *err, const char *opt)
{
    return set_bounded(arg, err, opt, 1, 1024, &o->hw.tlb_entries);
}

static bool set_tlb_ways(run_options_t *o, const char *arg, FILE *err, const char *opt)
{
    o->tlb_fully_assoc = !strcmp(arg, "full");
    if (o->tlb_fully_assoc)
        return true;
    if (!parse_u32(arg, &o->hw.tlb_ways) || o->hw.tlb_ways < 1 || o->hw.tlb_ways > 1024)
        return bad_number(err, opt, arg, "full or a number of ways from 1 to 1024");
    return true;
}

static bool set_tlb_policy(run_options_t *o, const char *arg, FILE *err, const char *opt)
{
    int i;
    if (!set_choice(arg, err, opt, tlb_policy_name, 4, &i))
        return false;
    o->hw.tlb_policy = (tlb_policy_t)i;
    return true;
}

static bool set_asid_bits(run_options_t *o, const char *arg, FILE *err, const char *opt)
{
    return set_bounded(arg, err, opt, 0, 16, &o->hw.asid_bits);
}

static bool set_frames(run_options_t *o, const char *arg, FILE *err, const char *opt)
{
    return set_bounded(arg, err, opt, 2, PTE_PPN_MAX, &o->os.frames);
}

static bool set_replace(run_options_t *o, const char *arg, FILE *err, const char *opt)
{
    int i;
    if (!set_choice(arg, err, opt, repl_policy_name, REPL_POLICY_COUNT, &i))
        return false;
    o->os.replace = (repl_policy_t)i;
    return true;
}

static bool set_scope(run_options_t *o, const char *arg, FILE *err, const char *opt)
{
    static const char *const scopes[] = {"global", "local"};
    int i;
    if (!set_choice(arg, err, opt, scopes, 2, &i))
        return false;
    o->os.scope_local = i == 1;
    return true;
}

static bool set_alloc(run_options_t *o, const char *arg, FILE *err, const char *opt)
{
    static const char *const allocs[] = {"equal", "proportional", "ws"};
    int i;
    if (!set_choice(arg, err, opt, allocs, 3, &i))
        return false;
    o->os.alloc_proportional = i == 1;
    o->os.mp.alloc_ws = i == 2; /* working-set load control (os/loadctl.c) */
    return true;
}

static bool set_prefault(run_options_t *o, const char *arg, FILE *err, const char *opt)
{
    (void)arg, (void)err, (void)opt;
    o->os.prefault = true;
    return true;
}

static bool set_disk_mbps(run_options_t *o, const char *arg, FILE *err, const char *opt)
{
    return set_bounded(arg, err, opt, 1, 1000000, &o->hw.timing.disk_mbps);
}

static bool set_disk_latency(run_options_t *o, const char *arg, FILE *err, const char *opt)
{
    return set_bounded(arg, err, opt, 0, 10000000, &o->hw.timing.disk_latency_us);
}

static bool set_seed(run_options_t *o, const char *arg, FILE *err, const char *opt)
{
    return set_bounded(arg, err, opt, 0, UINT32_MAX, &o->hw.seed);
}

static bool set_regions(run_options_t *o, const char *arg, FILE *err, const char *opt)
{
    (void)arg, (void)err, (void)opt;
    o->regions = true;
    return true;
}

/* --root and --lib-path: host directories for guest files and libraries. */
static bool set_root(run_options_t *o, const char *arg, FILE *err, const char *opt)
{
    (void)err, (void)opt;
    o->os.root = arg;
    return true;
}

static bool set_lib_path(run_options_t *o, const char *arg, FILE *err, const char *opt)
{
    (void)err, (void)opt;
    o->os.lib_path = arg;
    return true;
}

typedef struct {
    const char *name;
    const char *arg; /* NULL for a flag */
    setter_fn set;
    const char *help;
} option_t;

static const option_t options[] = {
    {"--mode", "MODE", set_mode, "bare|swreloc|hwreloc|paged (default hwreloc)"},
    {"--base", "ADDR", set_base, "physical address of the first process (default: just above the OS)"},
    {"--mem", "SIZE", set_mem, "physical memory, e.g. 64K or 1M (default 1M)"},
    {"--stack", "SIZE", set_stack, "stack above the image; paged: initial stack at the top, 0: none (default 4K)"},
    {"--fit", "POLICY", set_fit, "hole selection for partitions: first|best|worst|next (default first)"},
    {"--granule", "BYTES", set_granule, "partition sizes are rounded up to this (default 16)"},
    {"--compact", NULL, set_compact, "compact base/limit partitions when no hole fits (copy_word_cycles a word)"},
    {"--swap", NULL, set_swap, "roll processes out to the backing store when memory is short (disk_mbps)"},
    {"--swap-back", "HOW", set_swap_back, "software relocation: same place (default) or relocate on swap-in"},
    {"--priority", "P1,P2,..", set_priority, "per-program priority: lower is rolled out first (default all 0)"},
    {"--partitions", NULL, set_partitions, "print the partition table when memory was fullest"},
    {"--ws-window", "N", set_ws_window, "paged: working sets over each process's last N references (report)"},
    {"--quantum", "N", set_quantum, "cycles per time slice between processes (default 10000)"},
    {"--max-cycles", "N", set_max_cycles, "stop the run when the clock reaches N"},
    {"--timing", "NAME=V", set_timing, "set a timing parameter (see `mmulab timing`); repeatable"},
    {"--engine", "ENGINE", set_engine, "c (the C model, default) or rtl (the Verilog under Verilator)"},
    {"--stats-json", "FILE", set_stats_json, "write the statistics as JSON"},
    {"--stats", "FILE", set_stats_txt, "write the statistics as gem5-style stats.txt (- for stdout)"},
    {"--trace", "FILE", set_trace, "write cycle-stamped events: CSV (.csv) or Perfetto JSON (.json)"},
    {"--log", "FILE", set_log, "write the commit log: a line per retired instruction (docs/outputs.md)"},
    {"--dump", "ADDR:COUNT", set_dump, "after the run, print COUNT words of process 1's logical memory"},
    {"--audit", NULL, set_audit, "step the machine and report stores outside the process's memory"},
    {"--check", NULL, set_check, "check the results each program's header promises (exit 1 if not)"},
    {"--quiet", NULL, set_quiet, "no summary line on stderr"},
    {"--page-size", "SIZE", set_page_size, "paged: page size, a power of two from 512 to 16M (default 4K)"},
    {"--levels", "N", set_levels, "paged: page-table levels 1..3 (default 2)"},
    {"--va-bits", "N", set_va_bits, "paged: virtual address width 14..32 (default 32)"},
    {"--tlb", "N", set_tlb, "paged: TLB entries 1..1024 (default 16)"},
    {"--tlb-ways", "full|N", set_tlb_ways, "paged: TLB associativity (default full)"},
    {"--tlb-policy", "POLICY", set_tlb_policy, "paged: TLB replacement lru|fifo|random|plru (default lru)"},
    {"--asid-bits", "N", set_asid_bits, "paged: ASID bits 0..16; 0 flushes the TLB on every switch (default 8)"},
    {"--frames", "N", set_frames, "paged: user frames, at least 2 (default: all that fit)"},
    {"--replace", "POLICY", set_replace, "paged: page replacement fifo|lru|opt|clock (default lru)"},
    {"--scope", "SCOPE", set_scope, "paged: replace among global|local frames (default global)"},
    {"--alloc", "HOW", set_alloc, "paged: local quotas equal|proportional, or ws: working-set load control (default equal)"},
    {"--prefault", NULL, set_prefault, "paged: load every page at start instead of on demand"},
    {"--disk-mbps", "N", set_disk_mbps, "backing-store transfer rate in MB/s (default 50)"},
    {"--disk-latency-us", "N", set_disk_latency, "backing-store latency per transfer in us (default 0)"},
    {"--seed", "S", set_seed, "seed of the random TLB policy (default 1)"},
    {"--regions", NULL, set_regions, "after the run, print each process's region table (paged)"},
    {"--root", "DIR", set_root, "guest files (open, mmap) live in this directory, never outside (default .)"},
    {"--lib-path", "DIRS", set_lib_path, "':'-separated directories of dynamic libraries (default: the program's)"},
};

void run_options_help(FILE *out)
{
    for (size_t i = 0; i < sizeof options / sizeof options[0]; i++) {
        char left[40];
        snprintf(left, sizeof left, "%s%s%s", options[i].name, options[i].arg ? " " : "",
                 options[i].arg ? options[i].arg : "");
        fprintf(out, "  %-24s %s\n", left, options[i].help);
    }
    fprintf(out, "  %-24s %s\n", "--help", "this text");
}

static const option_t *find_option(const char *name, const char **inline_arg)
{
    *inline_arg = NULL;
    const char *eq = strchr(name, '=');
    size_t len = eq ? (size_t)(eq - name) : strlen(name);
    for (size_t i = 0; i < sizeof options / sizeof options[0]; i++)
        if (strlen(options[i].name) == len && !strncmp(options[i].name, name, len)) {
            if (eq)
                *inline_arg = eq + 1;
            return &options[i];
        }
    return NULL;
}

/* After parsing: settings that depend on several options, and the paging
 * configuration as a whole (mmu/geometry.h).  0, or 2 after a message. */
/* The working-set window by default, in references (fetches and data
 * accesses): long enough to hold one pass of thrash_worker.s over its pages. */
#define WS_WINDOW_DEFAULT 2500

static int finish_options(run_options_t *o, FILE *err)
{
    if (o->tlb_fully_assoc)
        o->hw.tlb_ways = o->hw.tlb_entries;
    if (o->os.mp.alloc_ws) { /* load control measures working sets; replacement is global */
        o->os.mp.ws_window = o->os.mp.ws_window ? o->os.mp.ws_window : WS_WINDOW_DEFAULT;
        o->os.scope_local = false;
    }
    char msg[256];
    if (o->os.mode == OS_PAGED && !paging_config_check(&o->hw, msg, sizeof msg)) {
        fprintf(err, "mmulab: paging configuration (--page-size, --levels, --va-bits, --tlb, --tlb-ways, "
                     "--tlb-policy, --asid-bits, --mem): %s\n", msg);
        return 2;
    }
    return 0;
}

int run_options_parse(int argc, char **argv, run_options_t *o, FILE *err)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h"))
            return -1;
        if (a[0] != '-' || !strcmp(a, "-")) {
            if (o->nprograms == MAX_PROGRAMS) {
                fprintf(err, "mmulab: at most %d programs at once\n", MAX_PROGRAMS);
                return 2;
            }
            o->programs[o->nprograms++] = a;
            continue;
        }
        const char *value;
        const option_t *opt = find_option(a, &value);
        if (!opt) {
            fprintf(err, "mmulab %s: unknown option '%s' (see --help)\n", argv[0], a);
            return 2;
        }
        if (opt->arg && !value) {
            if (i + 1 >= argc) {
                fprintf(err, "mmulab: %s needs a value: %s\n", opt->name, opt->arg);
                return 2;
            }
            value = argv[++i];
        }
        if (!opt->set(o, value, err, opt->name))
            return 2;
    }
    return finish_options(o, err);
}
