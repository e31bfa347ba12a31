/*
 * The coverage model of docs/verification.md.  A group is a cross of up to
 * three dimensions; its bins are every combination, named
 * group.value.value...; a group may declare some combinations unreachable
 * with the reason.  Counting is index arithmetic (no string work per
 * access); names are made only to write or merge a report.
 *
 * Report format (one bin a line, after `#` comment lines):
 *
 *     access.load.user.page_read               hit 1234
 *     tlb.plru.miss_full                       missed
 *     access.load.kernel.page_user             unreachable: <reason>
 *
 * Merging adds the hit counts of reports by bin name; a name the model does
 * not know is an error, so reports of another model are not mixed in.
 */
#include "cosim_coverage.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../mmu/pte.h"

#define MAX_DIMS 3

typedef struct {
    int n;
    const char *const *names;
} dim_t;

typedef struct group group_t;
struct group {
    const char *name;
    int ndims;
    dim_t dims[MAX_DIMS];
    /* the reason a combination cannot happen, or NULL */
    const char *(*unreachable)(const int *v);
    /* aim the next random configuration at the combination (NULL: no configuration choice reaches it) */
    void (*steer)(const int *v, cov_steer_t *s);
};

/* ---- dimensions ---------------------------------------------------------------- */

static const char *const kinds[] = {"fetch", "load", "store"};
static const char *const privs[] = {"user", "kernel"};
enum { OUT_OK, OUT_USER, OUT_EXEC, OUT_READ, OUT_WRITE, OUT_NOT_MAPPED, OUT_NOT_PRESENT, OUT_MALFORMED, OUT_BUS, OUT_N };
static const char *const outcomes[OUT_N] = {"ok",       "page_user",       "page_exec",     "page_read", "page_write",
                                            "not_mapped", "not_present", "pte_malformed", "bus_error"};
static const char *const rwx[] = {"---", "r--", "-w-", "rw-", "--x", "r-x", "-wx", "rwx"};
static const char *const page_owner[] = {"user_page", "kernel_page"};
static const char *const levels_n[] = {"1level", "2levels", "3levels"};
static const char *const reads_n[] = {"0reads", "1read", "2reads", "3reads"};
static const char *const walk_end[] = {"leaf", "fault"};
static const char *const tlb_out[] = {"hit_asid", "hit_global", "miss_free", "miss_full"};
static const char *const shapes[] = {"direct_mapped", "set_assoc", "fully_assoc"};
static const char *const hit_miss[] = {"hit", "miss"};
enum { AD_A, AD_D, AD_AD, AD_REWALK, AD_N };
static const char *const ad_n[AD_N] = {"set_a", "set_d", "set_a_and_d", "walk_again_on_hit"};
static const char *const flush_kinds[] = {"all", "asid", "page"};
enum { WHEN_BETWEEN, WHEN_WALK, WHEN_HIT };
static const char *const flush_when[] = {"between_accesses", "during_walk", "during_hit"};
enum {
    WE_BUS_PTE, WE_BUS_FRAME, WE_RES_LEAF, WE_RES_NONLEAF, WE_W_NO_R, WE_NONLEAF_LEAF_BITS,
    WE_VA_BITS, WE_PTLR, WE_SUPERPAGE, WE_MISALIGNED_SUPERPAGE, WE_N
};
static const char *const walk_errors[WE_N] = {
    "bus_error_pte_read", "bus_error_leaf_frame", "reserved_bits_leaf", "reserved_bits_nonleaf",
    "w_without_r",        "nonleaf_with_leaf_bits", "beyond_va_bits", "beyond_ptlr",
    "superpage_leaf",     "misaligned_superpage"};
enum { BL_END_AT_LIMIT, BL_CROSS_LIMIT, BL_AT_LIMIT, BL_BEYOND_LIMIT, BL_BEYOND_MEMORY, BL_WRAP, BL_KERNEL, BL_N };
static const char *const base_limit[BL_N] = {"last_byte_at_limit_minus_1", "crosses_limit", "starts_at_limit",
                                             "beyond_limit", "beyond_memory", "wraps_around", "kernel_unrelocated"};
enum { FE_BELOW, FE_ENDS_AT, FE_AT, FE_BEYOND_MEMORY, FE_KERNEL, FE_N };
static const char *const fence_n[FE_N] = {"below_fence", "last_byte_at_fence_minus_1", "at_fence", "beyond_memory",
                                          "kernel_above_fence"};
enum { CX_MISS, CX_GLOBAL, CX_MID_WALK, CX_N };
static const char *const context_n[CX_N] = {"switch_then_miss", "switch_then_global_hit", "switch_mid_walk"};
static const char *const core_n[] = {"misaligned_trap"};

#define DIM(a) {(int)(sizeof(a) / sizeof(a)[0]), a}

/* ---- unreachable combinations, with their reasons ----------------------------- */

static const char *access_unreachable(const int *v)
{
    static const int own_fault[] = {OUT_EXEC, OUT_READ, OUT_WRITE};
    if (v[1] == 1 && v[2] == OUT_USER)
        return "a supervisor access is not checked against U (pte_access_fault)";
    if (v[2] >= OUT_EXEC && v[2] <= OUT_WRITE && v[2] != own_fault[v[0]])
        return "a permission fault names the access's own permission (pte_access_fault)";
    return NULL;
}

static const char *walk_unreachable(const int *v)
{
    if (v[1] > v[0] + 1)
        return "a walk reads at most `levels` PTEs (proven: rtl/formal, ptw_reads_bounded)";
    if (v[2] == 0 && v[1] != v[0] + 1)
        return "a leaf sits at the last level only: an earlier one is malformed (walk_error.nonleaf_with_leaf_bits)";
    return NULL;
}

static const char *walk_error_unreachable(const int *v)
{
    if (v[0] == WE_SUPERPAGE || v[0] == WE_MISALIGNED_SUPERPAGE)
        return "mmulab has no superpages: a leaf sits at the last level only and a non-leaf with R/W/X is "
               "malformed (walk_error.nonleaf_with_leaf_bits)";
    return NULL;
}

static const char *context_unreachable(const int *v)
{
    if (v[0] == CX_MID_WALK)
        return "the OS writes the ASID and PTBR only at a trap, when the core is stopped and no walk is in "
               "flight (mmu_set between instructions); flushes can arrive mid-walk and are binned under flush";
    return NULL;
}

static const char *shape_unreachable(const int *v)
{
    (void)v;
    return NULL;
}

/* ---- steering ------------------------------------------------------------------ */

static void steer_tlb(const int *v, cov_steer_t *s)
{
    s->mode = MMU_PAGED;
    s->policy = v[0];
}
static void steer_shape(const int *v, cov_steer_t *s)
{
    s->mode = MMU_PAGED;
    s->assoc = v[0];
}
static void steer_walk(const int *v, cov_steer_t *s)
{
    s->mode = MMU_PAGED;
    s->levels = v[0] + 1;
}
static void steer_walk_error(const int *v, cov_steer_t *s)
{
    s->mode = MMU_PAGED;
    if (v[0] == WE_PTLR)
        s->levels = 1;
}
static void steer_reloc(const int *v, cov_steer_t *s)
{
    (void)v;
    s->mode = MMU_RELOC;
}
static void steer_bare(const int *v, cov_steer_t *s)
{
    (void)v;
    s->mode = MMU_BARE;
}

enum { G_ACCESS, G_PERM, G_WALK, G_TLB, G_SHAPE, G_AD, G_FLUSH, G_WALK_ERROR, G_BASE_LIMIT, G_FENCE, G_CONTEXT, G_CORE,
       G_N };

static const group_t groups[G_N] = {
    [G_ACCESS] = {"access", 3, {DIM(kinds), DIM(privs), DIM(outcomes)}, access_unreachable, NULL},
    [G_PERM] = {"leaf_perm", 3, {DIM(kinds), DIM(rwx), DIM(page_owner)}, NULL, NULL},
    [G_WALK] = {"walk", 3, {DIM(levels_n), DIM(reads_n), DIM(walk_end)}, walk_unreachable, steer_walk},
    [G_TLB] = {"tlb", 2, {DIM(tlb_policy_name), DIM(tlb_out)}, NULL, steer_tlb},
    [G_SHAPE] = {"tlb_shape", 2, {DIM(shapes), DIM(hit_miss)}, shape_unreachable, steer_shape},
    [G_AD] = {"ad_writeback", 1, {DIM(ad_n)}, NULL, steer_walk_error},
    [G_FLUSH] = {"flush", 2, {DIM(flush_kinds), DIM(flush_when)}, NULL, NULL},
    [G_WALK_ERROR] = {"walk_error", 1, {DIM(walk_errors)}, walk_error_unreachable, steer_walk_error},
    [G_BASE_LIMIT] = {"base_limit", 1, {DIM(base_limit)}, NULL, steer_reloc},
    [G_FENCE] = {"fence", 1, {DIM(fence_n)}, NULL, steer_bare},
    [G_CONTEXT] = {"context", 1, {DIM(context_n)}, context_unreachable, NULL},
    [G_CORE] = {"core", 1, {DIM(core_n)}, NULL, NULL},
};

static int group_bins(const group_t *g)
{
    int n = 1;
    for (int d = 0; d < g->ndims; d++)
        n *= g->dims[d].n;
    return n;
}

/* the dimension values of bin i of g (the last dimension varies fastest) */
static void bin_values(const group_t *g, int i, int *v)
{
    for (int d = g->ndims - 1; d >= 0; d--) {
        v[d] = i % g->dims[d].n;
        i /= g->dims[d].n;
    }
}

static void bin_name(const group_t *g, int i, char *buf, size_t len)
{
    int v[MAX_DIMS];
    bin_values(g, i, v);
    size_t at = (size_t)snprintf(buf, len, "%s", g->name);
    for (int d = 0; d < g->ndims && at < len; d++)
        at += (size_t)snprintf(buf + at, len - at, ".%s", g->dims[d].names[v[d]]);
}

static const char *bin_unreachable(const group_t *g, int i)
{
    int v[MAX_DIMS];
    bin_values(g, i, v);
    return g->unreachable ? g->unreachable(v) : NULL;
}

struct coverage {
    int first[G_N];   /* index of each group's first bin */
    int nbins;
    uint64_t runs;
    uint64_t *count;
};

coverage_t *coverage_new(void)
{
    coverage_t *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    for (int g = 0; g < G_N; g++) {
        c->first[g] = c->nbins;
        c->nbins += group_bins(&groups[g]);
    }
    c->count = calloc((size_t)c->nbins, sizeof *c->count);
    if (!c->count) {
        free(c);
        return NULL;
    }
    return c;
}

void coverage_free(coverage_t *c)
{
    if (c)
        free(c->count);
    free(c);
}

/* count bin (v0, v1, v2) of group g */
static void hit(coverage_t *c, int g, int v0, int v1, int v2)
{
    const group_t *gr = &groups[g];
    int v[MAX_DIMS] = {v0, v1, v2}, i = 0;
    for (int d = 0; d < gr->ndims; d++) {
        if (v[d] < 0 || v[d] >= gr->dims[d].n)
            return;
        i = i * gr->dims[d].n + v[d];
    }
    c->count[c->first[g] + i]++;
}

/* ---- classification ------------------------------------------------------------- */

static int outcome_of(trap_cause_t cause)
{
    switch (cause) {
    case TRAP_NONE: return OUT_OK;
    case TRAP_PAGE_USER: return OUT_USER;
    case TRAP_PAGE_EXEC: return OUT_EXEC;
    case TRAP_PAGE_READ: return OUT_READ;
    case TRAP_PAGE_WRITE: return OUT_WRITE;
    case TRAP_PAGE_NOT_MAPPED: return OUT_NOT_MAPPED;
    case TRAP_PAGE_NOT_PRESENT: return OUT_NOT_PRESENT;
    case TRAP_PTE_MALFORMED: return OUT_MALFORMED;
    case TRAP_BUS: return OUT_BUS;
    default: return -1;
    }
}

static int rwx_of(uint32_t pte) { return (pte & PTE_R ? 1 : 0) | (pte & PTE_W ? 2 : 0) | (pte & PTE_X ? 4 : 0); }

/* A fault the walk raised: which walk_error bin, or -1. */
static int walk_error_of(const cov_access_t *a)
{
    const retire_xlate_t *x = a->x;
    bool at_leaf = x->steps == a->levels;
    uint32_t pte = x->steps ? x->pte[x->steps - 1] : 0;
    switch (a->cause) {
    case TRAP_BUS: return at_leaf ? WE_BUS_FRAME : WE_BUS_PTE;
    case TRAP_PTE_MALFORMED:
        if (pte & 0x300u)
            return at_leaf ? WE_RES_LEAF : WE_RES_NONLEAF;
        return at_leaf ? WE_W_NO_R : WE_NONLEAF_LEAF_BITS;
    case TRAP_PAGE_NOT_MAPPED:
        if (x->steps)
            return -1; /* an invalid PTE: access.*.not_mapped */
        return a->levels == 1 && a->regs.ptlr && (a->vaddr >> a->page_shift) >= a->regs.ptlr ? WE_PTLR : WE_VA_BITS;
    default: return -1;
    }
}

static void paged_access(coverage_t *c, const cov_access_t *a)
{
    const retire_xlate_t *x = a->x;
    int out = outcome_of(a->cause);
    hit(c, G_ACCESS, a->acc, a->priv == MODE_KERNEL, out);
    bool hit_tlb = x->tlb_hit;
    if (x->steps || !hit_tlb)
        hit(c, G_WALK, (int)a->levels - 1, x->steps, a->cause == TRAP_NONE ? 0 : 1);
    if (x->steps == a->levels && x->steps) {
        uint32_t leaf = x->pte[x->steps - 1];
        if (leaf & PTE_V)
            hit(c, G_PERM, a->acc, rwx_of(leaf), leaf & PTE_U ? 0 : 1);
    }
    if (a->cause != TRAP_NONE && x->steps <= a->levels)
        hit(c, G_WALK_ERROR, walk_error_of(a), 0, 0);
    if (x->pte_written) {
        uint32_t old = x->pte[x->steps - 1], now = x->pte_new;
        bool a_set = !(old & PTE_A) && (now & PTE_A), d_set = !(old & PTE_D) && (now & PTE_D);
        hit(c, G_AD, a_set && d_set ? AD_AD : d_set ? AD_D : AD_A, 0, 0);
    }
    if (hit_tlb && x->steps)
        hit(c, G_AD, AD_REWALK, 0, 0);
    static const int tlb_bin[] = {[COV_TLB_HIT_ASID] = 0, [COV_TLB_HIT_GLOBAL] = 1, [COV_TLB_MISS_FREE] = 2,
                                  [COV_TLB_MISS_FULL] = 3};
    if (a->tlb != COV_TLB_UNKNOWN)
        hit(c, G_TLB, (int)a->policy, tlb_bin[a->tlb], 0);
    int shape = a->tlb_ways == 1 ? 0 : a->tlb_ways == a->tlb_entries ? 2 : 1;
    hit(c, G_SHAPE, shape, hit_tlb ? 0 : 1, 0);
    if (a->flush_kind >= 0)
        hit(c, G_FLUSH, a->flush_kind, x->steps ? WHEN_WALK : WHEN_HIT, 0);
    if (a->asid_switched)
        hit(c, G_CONTEXT, a->tlb == COV_TLB_HIT_GLOBAL ? CX_GLOBAL : CX_MISS, 0, 0);
}

static void reloc_access(coverage_t *c, const cov_access_t *a)
{
    uint64_t end = (uint64_t)a->vaddr + a->size, limit = a->regs.limit;
    if (a->priv == MODE_KERNEL) {
        hit(c, G_BASE_LIMIT, BL_KERNEL, 0, 0);
        return;
    }
    if (end == limit)
        hit(c, G_BASE_LIMIT, BL_END_AT_LIMIT, 0, 0);
    else if (a->vaddr < limit && end > limit)
        hit(c, G_BASE_LIMIT, BL_CROSS_LIMIT, 0, 0);
    else if (a->vaddr == limit)
        hit(c, G_BASE_LIMIT, BL_AT_LIMIT, 0, 0);
    else if (a->vaddr > limit)
        hit(c, G_BASE_LIMIT, BL_BEYOND_LIMIT, 0, 0);
    if ((uint64_t)a->regs.base + a->vaddr > UINT32_MAX)
        hit(c, G_BASE_LIMIT, BL_WRAP, 0, 0);
    if (a->cause == TRAP_BUS)
        hit(c, G_BASE_LIMIT, BL_BEYOND_MEMORY, 0, 0);
}

static void bare_access(coverage_t *c, const cov_access_t *a)
{
    uint64_t end = (uint64_t)a->vaddr + a->size, fence = a->regs.fence;
    if (a->cause == TRAP_BUS)
        hit(c, G_FENCE, FE_BEYOND_MEMORY, 0, 0);
    else if (a->priv == MODE_KERNEL)
        hit(c, G_FENCE, a->vaddr >= fence ? FE_KERNEL : FE_BELOW, 0, 0);
    else if (end == fence)
        hit(c, G_FENCE, FE_ENDS_AT, 0, 0);
    else if (a->vaddr >= fence)
        hit(c, G_FENCE, FE_AT, 0, 0);
    else
        hit(c, G_FENCE, FE_BELOW, 0, 0);
}

void coverage_access(coverage_t *c, const cov_access_t *a)
{
    switch (a->regs.mode) {
    case MMU_PAGED:
        if (a->x && a->x->valid)
            paged_access(c, a);
        break;
    case MMU_RELOC: reloc_access(c, a); break;
    default: bare_access(c, a); break;
    }
}

void coverage_add_run(coverage_t *c) { c->runs++; }

void coverage_flush(coverage_t *c, tlb_flush_t kind) { hit(c, G_FLUSH, (int)kind, WHEN_BETWEEN, 0); }

void coverage_trap(coverage_t *c, trap_cause_t cause)
{
    if (cause == TRAP_MISALIGNED)
        hit(c, G_CORE, 0, 0, 0);
}

/* ---- steering -------------------------------------------------------------------- */

bool coverage_steer(const coverage_t *c, uint32_t r, cov_steer_t *out)
{
    static char name[96];
    int candidates = 0;
    for (int pass = 0; pass < 2; pass++) {
        int k = 0, pick = candidates ? (int)(r % (uint32_t)candidates) : 0;
        for (int g = 0; g < G_N; g++) {
            if (!groups[g].steer)
                continue;
            for (int i = 0; i < group_bins(&groups[g]); i++) {
                if (c->count[c->first[g] + i] || bin_unreachable(&groups[g], i))
                    continue;
                if (pass == 1 && k == pick) {
                    int v[MAX_DIMS];
                    bin_values(&groups[g], i, v);
                    *out = (cov_steer_t){.mode = -1, .levels = 0, .policy = -1, .assoc = -1};
                    groups[g].steer(v, out);
                    bin_name(&groups[g], i, name, sizeof name);
                    out->bin = name;
                    return true;
                }
                k++;
            }
        }
        candidates = k;
        if (!candidates)
            return false;
    }
    return false;
}

/* ---- reports --------------------------------------------------------------------- */

void coverage_totals(const coverage_t *c, int *hit_n, int *missed, int *unreachable)
{
    *hit_n = *missed = *unreachable = 0;
    for (int g = 0; g < G_N; g++)
        for (int i = 0; i < group_bins(&groups[g]); i++) {
            if (c->count[c->first[g] + i])
                (*hit_n)++;
            else if (bin_unreachable(&groups[g], i))
                (*unreachable)++;
            else
                (*missed)++;
        }
}

bool coverage_write(const coverage_t *c, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return false;
    }
    int h, m, u;
    coverage_totals(c, &h, &m, &u);
    fprintf(f, "# mmulab co-simulation coverage (docs/verification.md, \"Coverage model\")\n");
    fprintf(f, "# runs %" PRIu64 "\n", c->runs);
    fprintf(f, "# %d bins: %d hit, %d missed, %d unreachable\n", c->nbins, h, m, u);
    char name[96];
    for (int g = 0; g < G_N; g++)
        for (int i = 0; i < group_bins(&groups[g]); i++) {
            bin_name(&groups[g], i, name, sizeof name);
            uint64_t n = c->count[c->first[g] + i];
            const char *why = bin_unreachable(&groups[g], i);
            if (n)
                fprintf(f, "%-44s hit %" PRIu64 "%s\n", name, n, why ? " (declared unreachable!)" : "");
            else if (why)
                fprintf(f, "%-44s unreachable: %s\n", name, why);
            else
                fprintf(f, "%-44s missed\n", name);
        }
    bool ok = !ferror(f);
    ok = fclose(f) == 0 && ok;
    if (!ok)
        snprintf(err, errlen, "%s: write failed", path);
    return ok;
}

/* the bin named name, or -1 */
static int bin_index(const coverage_t *c, const char *name)
{
    char buf[96];
    for (int g = 0; g < G_N; g++) {
        size_t len = strlen(groups[g].name);
        if (strncmp(name, groups[g].name, len) != 0 || name[len] != '.')
            continue;
        for (int i = 0; i < group_bins(&groups[g]); i++) {
            bin_name(&groups[g], i, buf, sizeof buf);
            if (strcmp(buf, name) == 0)
                return c->first[g] + i;
        }
    }
    return -1;
}

bool coverage_merge_file(coverage_t *c, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return false;
    }
    char line[512], name[97], word[16];
    int lineno = 0;
    bool ok = true;
    uint64_t runs = 0;
    while (ok && fgets(line, sizeof line, f)) {
        lineno++;
        if (!strchr(line, '\n') && !feof(f)) {
            snprintf(err, errlen, "%s:%d: line too long", path, lineno);
            ok = false;
        } else if (line[0] == '#') {
            uint64_t n;
            if (sscanf(line, "# runs %" SCNu64, &n) == 1)
                runs += n;
        } else if (sscanf(line, "%96s %15s", name, word) == 2) {
            int at = bin_index(c, name);
            uint64_t n = 0;
            if (at < 0) {
                snprintf(err, errlen, "%s:%d: unknown bin '%s' (a report of another coverage model?)", path,
                         lineno, name);
                ok = false;
            } else if (strcmp(word, "hit") == 0) {
                if (sscanf(line, "%*s hit %" SCNu64, &n) != 1) {
                    snprintf(err, errlen, "%s:%d: 'hit' without a count", path, lineno);
                    ok = false;
                }
                c->count[at] += n;
            } else if (strcmp(word, "missed") != 0 && strcmp(word, "unreachable:") != 0) {
                snprintf(err, errlen, "%s:%d: expected hit N, missed or unreachable: after the bin name", path,
                         lineno);
                ok = false;
            }
        } else if (strspn(line, " \t\r\n") != strlen(line)) {
            snprintf(err, errlen, "%s:%d: expected a bin name and its state", path, lineno);
            ok = false;
        }
    }
    if (ok && ferror(f)) {
        snprintf(err, errlen, "%s: read error", path);
        ok = false;
    }
    fclose(f);
    if (ok)
        c->runs += runs;
    return ok;
}

/* ---- program mode ------------------------------------------------------------------ */

/* One translation of a retired instruction (a completed one: its record is filled). */
static void retire_xlate(coverage_t *c, const machine_t *m, const retire_xlate_t *x, access_t acc, uint32_t va,
                         uint32_t size, priv_t priv, trap_cause_t cause)
{
    cov_access_t a = {.regs = m->mmu, .mem_size = m->cfg.mem_size, .levels = m->cfg.levels,
                      .page_shift = m->cfg.page_shift, .policy = m->cfg.tlb_policy,
                      .tlb_entries = m->cfg.tlb_entries, .tlb_ways = m->cfg.tlb_ways, .vaddr = va, .size = size,
                      .acc = acc, .priv = priv, .cause = cause, .x = x, .tlb = COV_TLB_UNKNOWN,
                      .flush_kind = -1};
    coverage_access(c, &a);
}

void coverage_retire(coverage_t *c, const machine_t *m, const retire_t *rt, priv_t priv)
{
    if (rt->fetch_xlate.valid)
        retire_xlate(c, m, &rt->fetch_xlate, ACC_FETCH, rt->pc, 4, priv, TRAP_NONE);
    if (rt->mem_valid)
        retire_xlate(c, m, &rt->data_xlate, rt->mem_write ? ACC_STORE : ACC_LOAD, rt->mem_vaddr, rt->mem_size,
                     priv, TRAP_NONE);
    if (!rt->trapped)
        return;
    coverage_trap(c, rt->trap.cause);
    /* a faulting access leaves its record empty: only its access bin */
    trap_cause_t cause = rt->trap.cause;
    if (m->mmu.mode == MMU_PAGED && outcome_of(cause) > OUT_OK)
        hit(c, G_ACCESS, rt->trap.access, priv == MODE_KERNEL, outcome_of(cause));
    else if (m->mmu.mode != MMU_PAGED && (cause == TRAP_PROTECTION || cause == TRAP_FENCE || cause == TRAP_BUS))
        retire_xlate(c, m, NULL, rt->trap.access, rt->trap.vaddr, 4, priv, cause);
}

/* ---- the command's two ends ------------------------------------------------------------ */

int cosim_write_coverage(coverage_t *c, const char *path, int rc)
{
    char err[300];
    coverage_add_run(c);
    if (!coverage_write(c, path, err, sizeof err)) {
        fprintf(stderr, "mmulab cosim: %s\n", err);
        return 2;
    }
    int h, m, u;
    coverage_totals(c, &h, &m, &u);
    printf("coverage: %d bins, %d hit, %d missed, %d unreachable: %s\n", h + m + u, h, m, u, path);
    return rc;
}

int cosim_merge_reports(const char *out, const char *const *reports, int n)
{
    char err[300];
    if (n == 0) {
        fprintf(stderr, "mmulab cosim: --merge: no reports given\n");
        return 2;
    }
    coverage_t *c = coverage_new();
    if (!c) {
        fprintf(stderr, "mmulab cosim: out of host memory\n");
        return 2;
    }
    int rc = 0;
    for (int i = 0; i < n && rc == 0; i++)
        if (!coverage_merge_file(c, reports[i], err, sizeof err)) {
            fprintf(stderr, "mmulab cosim: %s\n", err);
            rc = 2;
        }
    if (rc == 0 && !coverage_write(c, out, err, sizeof err)) {
        fprintf(stderr, "mmulab cosim: %s\n", err);
        rc = 2;
    }
    if (rc == 0) {
        int h, m, u;
        coverage_totals(c, &h, &m, &u);
        printf("coverage: %d reports merged: %d bins, %d hit, %d missed, %d unreachable: %s\n", n, h + m + u, h, m,
               u, out);
    }
    coverage_free(c);
    return rc;
}
