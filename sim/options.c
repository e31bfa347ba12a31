/*
 * The option engine (options.h) and the runner's option table.
 */
#include "options.h"

#include "../mmu/geometry.h"
#include "../mmu/seg.h"
#include "../mmu/tlb.h"
#include "../studies/grid.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- numbers ---------------------------------------------------------------- */

/* A number with an optional K, M or G (powers of 1024); with `bytes` also
 * the spellings 4KiB, 4KB and 512B. */
static bool parse_quantity(const char *text, bool bytes, uint64_t *out)
{
    if (!text || !*text || *text == '-' || *text == '+' || isspace((unsigned char)*text))
        return false;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 0);
    if (errno || end == text)
        return false;
    unsigned shift = 0;
    switch (*end) {
    case 'K': case 'k': shift = 10; break;
    case 'M': case 'm': shift = 20; break;
    case 'G': case 'g': shift = 30; break;
    }
    if (shift)
        end++;
    if (bytes && shift && !strcmp(end, "iB"))
        end += 2;
    else if (bytes && !strcmp(end, "B"))
        end++;
    if (*end || (shift && v > (UINT64_MAX >> shift)))
        return false;
    *out = (uint64_t)v << shift;
    return true;
}

bool parse_u64(const char *text, uint64_t *out)
{
    return parse_quantity(text, false, out);
}

bool parse_u32(const char *text, uint32_t *out)
{
    uint64_t v;
    if (!parse_u64(text, &v) || v > UINT32_MAX)
        return false;
    *out = (uint32_t)v;
    return true;
}

/* ---- the engine -------------------------------------------------------------- */

static uint64_t field_max(const opt_spec_t *s)
{
    return s->width >= 8 ? UINT64_MAX : (UINT64_C(1) << (8 * s->width)) - 1;
}

static uint64_t spec_max(const opt_spec_t *s)
{
    uint64_t fmax = field_max(s);
    return s->max && s->max < fmax ? s->max : fmax;
}

static void store(void *base, const opt_spec_t *s, uint64_t v)
{
    char *at = (char *)base + s->offset;
    switch (s->width) {
    case 1: { bool b = v != 0; memcpy(at, &b, 1); break; }
    case 2: { uint16_t x = (uint16_t)v; memcpy(at, &x, 2); break; }
    case 4: { uint32_t x = (uint32_t)v; memcpy(at, &x, 4); break; }
    case 8: memcpy(at, &v, 8); break;
    default: break; /* no target */
    }
}

static uint64_t load(const void *base, const opt_spec_t *s)
{
    const char *at = (const char *)base + s->offset;
    switch (s->width) {
    case 1: { bool b; memcpy(&b, at, 1); return b; }
    case 2: { uint16_t x; memcpy(&x, at, 2); return x; }
    case 4: { uint32_t x; memcpy(&x, at, 4); return x; }
    case 8: { uint64_t x; memcpy(&x, at, 8); return x; }
    }
    return 0;
}

/* 4096 as "4K", 3000 as "3000". */
static void format_size(uint64_t v, char *buf, size_t len)
{
    static const char unit[] = " KMG";
    int u = 0;
    while (u < 3 && v >= 1024 && v % 1024 == 0) {
        v /= 1024;
        u++;
    }
    snprintf(buf, len, u ? "%llu%c" : "%llu", (unsigned long long)v, unit[u]);
}

static void format_value(const opt_spec_t *s, uint64_t v, char *buf, size_t len)
{
    if (s->kind == OPT_SIZE)
        format_size(v, buf, len);
    else
        snprintf(buf, len, "%llu", (unsigned long long)v);
}

static void list_choices(FILE *f, const opt_spec_t *s)
{
    for (int i = 0; i < s->nchoices; i++)
        fprintf(f, "%s%s", i ? "|" : "", s->choices[i]);
    if (s->keyword)
        fprintf(f, "|%s", s->keyword);
}

/* What a bad value of `s` should have been, after "expected ". */
static void describe_allowed(FILE *f, const opt_spec_t *s)
{
    if (s->kind == OPT_CHOICE || s->kind == OPT_STRING) {
        fprintf(f, "allowed values are ");
        list_choices(f, s);
        return;
    }
    char lo[32], hi[32];
    format_value(s, s->min, lo, sizeof lo);
    format_value(s, spec_max(s), hi, sizeof hi);
    fprintf(f, "expected %s%sa %s from %s to %s", s->keyword ? s->keyword : "", s->keyword ? " or " : "",
            s->kind == OPT_SIZE ? "size" : "number", lo, hi);
    if (s->pow2)
        fprintf(f, ", a power of two");
    if (s->multiple > 1) {
        format_value(s, s->multiple, lo, sizeof lo);
        fprintf(f, ", a multiple of %s", lo);
    }
}

static int find_choice(const opt_spec_t *s, const char *text)
{
    for (int i = 0; i < s->nchoices; i++)
        if (!strcmp(text, s->choices[i]))
            return i;
    return -1;
}

static bool number_ok(const opt_spec_t *s, const char *text, uint64_t *v)
{
    if (s->keyword && !strcmp(text, s->keyword)) {
        *v = s->keyword_value;
        return true;
    }
    if (!parse_quantity(text, s->kind == OPT_SIZE, v) || *v < s->min || *v > spec_max(s))
        return false;
    if (s->pow2 && (*v == 0 || (*v & (*v - 1))))
        return false;
    if (s->multiple > 1 && *v % s->multiple)
        return false;
    if (s->store_log2 && (!s->keyword || strcmp(text, s->keyword)))
        *v = (uint64_t)__builtin_ctzll(*v);
    return true;
}

/* Store `text` as the value of `s`; false after a message. */
static bool opt_store(const opt_parser_t *p, const opt_table_t *t, const opt_spec_t *s, const char *text)
{
    uint64_t v = 0;
    char *base = t->target;
    bool ok = true;
    char why[1024] = "";
    switch (s->kind) {
    case OPT_FLAG:
        v = 1;
        break;
    case OPT_NUMBER:
    case OPT_SIZE:
        ok = number_ok(s, text, &v);
        break;
    case OPT_REAL: {
        char *end;
        errno = 0;
        double d = strtod(text, &end);
        ok = !errno && end != text && !*end && d > 0 && isfinite(d) && s->width == sizeof d;
        if (ok)
            memcpy(base + s->offset, &d, sizeof d);
        else
            snprintf(why, sizeof why, "expected a positive number");
        break;
    }
    case OPT_CHOICE: {
        int i = find_choice(s, text);
        if (i < 0 && s->keyword && !strcmp(text, s->keyword))
            v = s->keyword_value;
        else
            v = (uint64_t)(int64_t)i;
        ok = i >= 0 || (s->keyword && !strcmp(text, s->keyword));
        break;
    }
    case OPT_STRING:
        ok = !s->choices || find_choice(s, text) >= 0;
        if (ok && s->width == sizeof text)
            memcpy(base + s->offset, &text, sizeof text);
        break;
    case OPT_LIST: {
        opt_strings_t *list = (opt_strings_t *)(void *)(base + s->offset);
        ok = list->n < OPT_STRINGS_MAX;
        if (ok)
            list->v[list->n++] = text;
        else
            snprintf(why, sizeof why, "at most %d of them", OPT_STRINGS_MAX);
        break;
    }
    case OPT_CUSTOM:
        ok = s->hook(base, text, why, sizeof why);
        break;
    }
    if (!ok) {
        if (!strncmp(why, s->name, strlen(s->name)))
            fprintf(p->err, "%s: %s\n", p->prog, why);
        else if (why[0])
            fprintf(p->err, "%s: %s '%s': %s\n", p->prog, s->name, text, why);
        else {
            fprintf(p->err, "%s: %s '%s': ", p->prog, s->name, text);
            describe_allowed(p->err, s);
            fputc('\n', p->err);
        }
        return false;
    }
    if (s->kind == OPT_FLAG || s->kind == OPT_NUMBER || s->kind == OPT_SIZE || s->kind == OPT_CHOICE)
        store(base, s, v);
    if (s->given) {
        bool yes = true;
        memcpy(base + s->given - 1, &yes, sizeof yes);
    }
    return true;
}

static bool name_is(const char *name, const char *arg, size_t len)
{
    return name && strlen(name) == len && !strncmp(name, arg, len);
}

/* The spec named by `arg` (up to an '='), and its table. */
static const opt_spec_t *find_spec(opt_parser_t *p, const char *arg, opt_table_t **table)
{
    const char *eq = strchr(arg, '=');
    size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
    for (int t = 0; t < p->ntables; t++)
        for (int i = 0; i < p->tables[t].n; i++) {
            const opt_spec_t *s = &p->tables[t].specs[i];
            if ((name_is(s->name, arg, len) || name_is(s->alias, arg, len))) {
                *table = &p->tables[t];
                return s;
            }
        }
    return NULL;
}

/* How a missing value is described: "a file name" for FILE. */
static void say_needs_value(const opt_parser_t *p, const opt_spec_t *s)
{
    if (s->value_name && !strcmp(s->value_name, "FILE"))
        fprintf(p->err, "%s: %s needs a file name\n", p->prog, s->name);
    else
        fprintf(p->err, "%s: %s needs a value: %s\n", p->prog, s->name, s->value_name ? s->value_name : "");
}

static bool is_option(const char *arg)
{
    return arg[0] == '-' && arg[1] != 0;
}

static int axis_of(const grid_t *g, const char *option)
{
    for (int a = 0; a < g->naxes; a++)
        if (!strcmp(g->axes[a].option, option))
            return a;
    return -1;
}

/* A list given to a `.lists` option: on the first pass a new axis, every
 * item checked as the option would check it alone; on a point's pass, that
 * point's value.  *value is replaced by the item to store, or NULL when
 * there is nothing more to do.  False after a message. */
static bool list_value(opt_parser_t *p, const opt_table_t *t, const opt_spec_t *s, const char **value)
{
    if (p->point >= 0) {
        int a = axis_of(p->grid, s->name);
        *value = a >= 0 ? grid_value(p->grid, (size_t)p->point, a) : *value;
        return a >= 0;
    }
    char why[512];
    bool named = s->kind == OPT_CHOICE && s->choices;
    if (!grid_add(p->grid, s->name, *value, named ? s->choices : NULL, named ? s->nchoices : 0, why, sizeof why)) {
        fprintf(p->err, "%s: %s\n", p->prog, why);
        return false;
    }
    const grid_axis_t *ax = &p->grid->axes[axis_of(p->grid, s->name)];
    for (int i = 0; i < ax->n; i++)
        if (!opt_store(p, t, s, ax->values[i]))
            return false;
    *value = NULL;
    return true;
}

/* The table's record of what was given (OPT_GIVEN_SET), if it keeps one. */
static void mark_given(const opt_table_t *t, const opt_spec_t *s)
{
    if (!t->given)
        return;
    opt_given_t *g = (opt_given_t *)(void *)((char *)t->target + t->given - 1);
    size_t i = (size_t)(s - t->specs);
    g->bits[i / 64] |= 1ull << (i % 64);
}

int opt_parse(opt_parser_t *p, int argc, char **argv)
{
    for (int t = 0; t < p->ntables; t++)
        if (p->tables[t].n > OPT_TABLE_MAX) { /* a programming error, found by every test */
            fprintf(p->err, "%s: internal error: more than %d options in a table\n", p->prog, OPT_TABLE_MAX);
            return 2;
        }
    p->nwords = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h"))
            return -1;
        if (!strcmp(a, "--") && p->takes_rest) {
            p->rest = argv + i + 1;
            p->nrest = argc - i - 1;
            return 0;
        }
        if (!is_option(a)) {
            if (p->nwords == p->max_words) {
                fprintf(p->err, "%s: at most %d %s\n", p->prog, p->max_words,
                        p->words_what ? p->words_what : "arguments");
                return 2;
            }
            p->words[p->nwords++] = a;
            continue;
        }
        opt_table_t *t;
        const opt_spec_t *s = find_spec(p, a, &t);
        if (!s) {
            fprintf(p->err, "%s: unknown option '%s' (see --help)\n", p->prog, a);
            return 2;
        }
        const char *eq = strchr(a, '='), *value = eq ? eq + 1 : NULL;
        if (s->kind == OPT_FLAG && value) {
            fprintf(p->err, "%s: %s takes no value\n", p->prog, s->name);
            return 2;
        }
        if (!value && s->value_optional)
            value = "";
        if (s->kind != OPT_FLAG && !value) {
            if (i + 1 >= argc) {
                say_needs_value(p, s);
                return 2;
            }
            value = argv[++i];
        }
        bool listed = s->lists && p->grid && grid_is_list(value, s->kind == OPT_CHOICE);
        if (listed && !list_value(p, t, s, &value))
            return 2;
        if ((!listed || value) && !opt_store(p, t, s, value))
            return 2;
        if (!t->used)
            t->used = s->name;
        mark_given(t, s);
    }
    return 0;
}

bool opt_given(const opt_table_t *t, const char *name)
{
    if (!t->given)
        return false;
    const opt_given_t *g = (const opt_given_t *)(const void *)((const char *)t->target + t->given - 1);
    for (int i = 0; i < t->n; i++)
        if (!strcmp(t->specs[i].name, name))
            return g->bits[i / 64] >> (i % 64) & 1;
    return false;
}

bool opt_warn_idle(const char *prog, const opt_table_t *t, const char *name, bool idle, const char *why, FILE *err)
{
    if (!idle || !opt_given(t, name))
        return false;
    fprintf(err, "%s: warning: %s does nothing %s\n", prog, name, why);
    return true;
}

int opt_warn_idle_in(const char *prog, const opt_table_t *t, int now, const char *setting, const char *const *names,
                     int nnames, FILE *err)
{
    int warned = 0;
    for (int i = 0; i < t->n; i++) {
        const opt_spec_t *s = &t->specs[i];
        if (!s->acts_in || s->acts_in >> now & 1 || !opt_given(t, s->name))
            continue;
        fprintf(err, "%s: warning: %s does nothing %s %s (it acts %s", prog, s->name, setting, names[now],
                setting);
        int left = __builtin_popcount(s->acts_in & ((1u << nnames) - 1)), listed = 0;
        for (int k = 0; k < nnames; k++)
            if (s->acts_in >> k & 1) /* "a", "a or b", "a, b or c" */
                fprintf(err, "%s%s", !listed++ ? " " : --left == 1 ? " or " : ", ", names[k]);
        fprintf(err, ")\n");
        warned++;
    }
    return warned;
}

/* "  NAME VALUE   help text", the text wrapped at 79 columns under itself. */
#define HELP_INDENT 27
#define HELP_WIDTH 79

static void print_wrapped(FILE *out, const char *left, const char *text)
{
    int col = fprintf(out, "  %-24s", left);
    while (*text) {
        while (*text == ' ')
            text++;
        int word = (int)strcspn(text, " ");
        if (col > HELP_INDENT && col + 1 + word > HELP_WIDTH)
            col = fprintf(out, "\n%*s", HELP_INDENT - 1, "") - 1;
        col += fprintf(out, " %.*s", word, text);
        text += word;
    }
    fputc('\n', out);
}

static void help_line(FILE *out, const opt_table_t *t, const opt_spec_t *s)
{
    char left[48], def[48] = "";
    snprintf(left, sizeof left, "%s%s%s%s%s", s->name, s->alias ? ", " : "", s->alias ? s->alias : "",
             s->value_name && !s->value_optional ? " " : "", s->value_name ? s->value_name : "");
    if (s->show_default && t->target) {
        uint64_t v = load(t->target, s);
        char num[32];
        if (s->kind == OPT_CHOICE && v < (uint64_t)s->nchoices)
            snprintf(def, sizeof def, " (default %s)", s->choices[v]);
        else if (s->kind == OPT_NUMBER || s->kind == OPT_SIZE) {
            format_value(s, s->store_log2 ? UINT64_C(1) << v : v, num, sizeof num);
            snprintf(def, sizeof def, " (default %s)", num);
        }
    }
    char text[512];
    snprintf(text, sizeof text, "%s%s", s->help, def);
    print_wrapped(out, left, text);
}

opt_table_t opt_table_only(opt_table_t t, const char *const *names, opt_spec_t *buf, int max)
{
    int n = 0;
    for (int i = 0; i < t.n; i++)
        for (const char *const *name = names; *name && n < max; name++)
            if (!strcmp(*name, t.specs[i].name)) {
                buf[n++] = t.specs[i];
                break;
            }
    t.specs = buf;
    t.n = n;
    t.given = 0; /* its indices are not the whole table's: it records nothing */
    return t;
}

void opt_help(const opt_parser_t *p, FILE *out)
{
    for (int t = 0; t < p->ntables; t++) {
        if (p->tables[t].heading)
            fprintf(out, "%s\n", p->tables[t].heading);
        for (int i = 0; i < p->tables[t].n; i++)
            help_line(out, &p->tables[t], &p->tables[t].specs[i]);
    }
    print_wrapped(out, "-h, --help", "this text");
}

/* ---- the runner's options ---------------------------------------------------- */

static const char *const run_engines[] = {"c", "rtl"};
static const char *const run_scopes[] = {"global", "local"};
static const char *const run_bind_modes[] = {"lazy", "now"}; /* index = os.bind_now */
static const char *const run_alloc_names[] = {"equal", "proportional", "ws", "priority"};
enum { RUN_ALLOC_EQUAL, RUN_ALLOC_PROPORTIONAL, RUN_ALLOC_WS, RUN_ALLOC_PRIORITY };

void run_options_defaults(run_options_t *o)
{
    memset(o, 0, sizeof *o);
    machine_config_defaults(&o->hw);
    os_config_defaults(&o->os);
    o->engine = "c";
}

/* --mft SIZE,SIZE,..: fixed partitions, in address order above the OS. */
static bool set_mft(void *target, const char *arg, char *why, size_t len)
{
    os_config_t *os = &((run_options_t *)target)->os;
    char copy[1024];
    snprintf(copy, sizeof copy, "%s", arg);
    os->nmft = 0;
    for (char *save = NULL, *w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
        uint64_t v;
        if (os->nmft == OS_MAX_MFT || !parse_quantity(w, true, &v) || v < 16 || v > (1ull << 31) || v % 4) {
            snprintf(why, len, "expected up to %d partition sizes, multiples of 4 from 16 bytes, e.g. 8K,8K,16K,32K",
                     OS_MAX_MFT);
            return false;
        }
        os->mft[os->nmft++] = (uint32_t)v;
    }
    if (!os->nmft)
        snprintf(why, len, "expected at least one partition size, e.g. 8K,16K");
    return os->nmft > 0;
}

/* --priority P1,P2,..: integers from -1000 to 1000, one per program. */
static bool set_priority(void *target, const char *arg, char *why, size_t len)
{
    mp_config_t *mp = &((run_options_t *)target)->os.mp;
    const char *p = arg;
    mp->npriorities = 0;
    while (*p && mp->npriorities < MP_MAX_PRIORITIES) {
        char *end;
        long v = strtol(p, &end, 10);
        if (end == p || (*end && *end != ',') || v < -1000 || v > 1000) {
            snprintf(why, len, "expected priorities per program from -1000 to 1000, e.g. 3,1,2 "
                               "(higher stays in memory)");
            return false;
        }
        mp->priority[mp->npriorities++] = (int)v;
        p = *end ? end + 1 : end;
    }
    if (mp->npriorities == 0)
        snprintf(why, len, "expected at least one priority");
    return mp->npriorities > 0;
}

/* --dump ADDR:COUNT */
static bool set_dump(void *target, const char *arg, char *why, size_t len)
{
    run_options_t *o = target;
    const char *colon = strchr(arg, ':');
    char addr[64];
    snprintf(why, len, "expected ADDR:COUNT with 1 <= COUNT <= 16M, e.g. 2000:10");
    if (!colon || (size_t)(colon - arg) >= sizeof addr)
        return false;
    memcpy(addr, arg, (size_t)(colon - arg));
    addr[colon - arg] = 0;
    if (!parse_u32(addr, &o->dump_addr) || !parse_u32(colon + 1, &o->dump_count) || o->dump_count == 0 ||
        o->dump_count > (1u << 24))
        return false;
    o->dump = true;
    return true;
}

/* --explain or --explain=WHAT (obs/explain.h): the filter words follow '='. */
static bool set_explain(void *target, const char *arg, char *why, size_t len)
{
    run_options_t *o = target;
    if (!explain_filter_parse(arg, &o->explain_filter, why, len))
        return false;
    o->explain = true;
    o->os.explain_state = o->explain_filter.state;
    return true;
}

/* --timing NAME=VALUE (machine/config.c names the parameters) */
static bool set_timing(void *target, const char *arg, char *why, size_t len)
{
    return timing_set(&((run_options_t *)target)->hw.timing, arg, why, len);
}

#define RUN(f) OPT_AT(run_options_t, f)
/* Where an option acts (.acts_in, the modes as bits): given under another
 * mode it is accepted with a warning (run_options_finish). */
#define PAGED .acts_in = 1u << OS_PAGED
#define PARTITIONED .acts_in = 1u << OS_SWRELOC | 1u << OS_HWRELOC /* processes in partitions */
#define MULTIPROGRAMMED .acts_in = 1u << OS_SWRELOC | 1u << OS_HWRELOC | 1u << OS_PAGED | 1u << OS_SEG
#define MOVABLE .acts_in = 1u << OS_SWRELOC | 1u << OS_HWRELOC | 1u << OS_SEG /* compaction, swapping */
#define SEGMENTED .acts_in = 1u << OS_SEG
static const opt_spec_t run_specs[] = {
    {"--mode", .lists = true, .kind = OPT_CHOICE, .value_name = "MODE", RUN(os.mode), .choices = os_mode_name,
     .nchoices = OS_MODE_COUNT, .help = "bare|swreloc|hwreloc|paged|seg (default hwreloc)"},
    {"--base", .kind = OPT_NUMBER, .value_name = "ADDR", RUN(os.base), .multiple = 4,
     OPT_GIVEN(run_options_t, os.base_given),
     PARTITIONED, .help = "physical address of the first process (default: just above the OS)"},
    {"--mem", .lists = true, .kind = OPT_SIZE, .value_name = "SIZE", RUN(hw.mem_size), .min = 16384, .max = 1ull << 31,
     .multiple = 4096, .help = "physical memory, e.g. 64K or 1M (default 1M)"},
    {"--stack", .lists = true, .kind = OPT_SIZE, .value_name = "SIZE", RUN(os.stack_size), .max = 1u << 28, .multiple = 4,
     .help = "stack above the image; paged: initial stack at the top, 0: none (default 4K)"},
    {"--fit", .lists = true, .kind = OPT_CHOICE, .value_name = "POLICY", RUN(os.fit), .choices = fit_name, .nchoices = FIT_COUNT,
     PARTITIONED, .help = "hole selection for partitions: first|best|worst|next (default first)"},
    {"--granule", .lists = true, .kind = OPT_SIZE, .value_name = "BYTES", RUN(os.granule), .min = 4, .pow2 = true,
     PARTITIONED, .help = "partition sizes are rounded up to this (default 16)"},
    {"--compact", .kind = OPT_FLAG, RUN(os.mp.compact),
     MOVABLE, .help = "compact base/limit partitions or segments when no hole fits (copy_word_cycles a word)"},
    {"--swap", .kind = OPT_FLAG, RUN(os.mp.swap),
     MOVABLE, .help = "roll processes (seg: whole segments) out to the backing store when memory is short (disk_mbps)"},
    {"--swap-back", .kind = OPT_CHOICE, .value_name = "HOW", RUN(os.mp.swap_back), .choices = swapback_name,
     .nchoices = SWAPBACK_COUNT, .acts_in = 1u << OS_SWRELOC, .help = "software relocation: same place (default) or relocate on swap-in"},
    {"--swap-threshold", .kind = OPT_SIZE, .value_name = "BYTES", RUN(os.mp.swap_threshold),
     PARTITIONED, .help = "with --swap: roll out only while more than BYTES are allocated (default 0: whenever short)"},
    {"--priority", .kind = OPT_CUSTOM, .value_name = "P1,P2,..", .hook = set_priority,
     MULTIPROGRAMMED, .help = "per-program priority: lower is rolled out first; --alloc priority shares frames by it (default all 0)"},
    {"--mft", .kind = OPT_CUSTOM, .value_name = "SIZES", .hook = set_mft,
     PARTITIONED, .help = "contiguous: fixed partitions (MFT) of these sizes, e.g. 8K,8K,16K; a process takes a whole "
             "free one chosen by --fit (default: variable partitions, MVT)"},
    {"--partitions", .kind = OPT_FLAG, RUN(os.mp.show_partitions),
     PARTITIONED, .help = "print the partition table when memory was fullest"},
    {"--ws-window", .kind = OPT_NUMBER, .value_name = "N", RUN(os.mp.ws_window), .min = 1,
     PAGED,
     .help = "paged: working sets over each process's last N references (report)"},
    {"--quantum", .lists = true, .kind = OPT_NUMBER, .value_name = "N", RUN(os.quantum), .min = 1,
     MULTIPROGRAMMED, .help = "cycles per time slice between processes (default 10000)"},
    {"--max-cycles", .lists = true, .kind = OPT_NUMBER, .value_name = "N", RUN(os.max_cycles),
     OPT_GIVEN(run_options_t, max_cycles_given),
     .help = "stop the run when the clock reaches N; 0: never (default 1G; --mem-trace 100M, rtl 50M)"},
    {"--timing", .kind = OPT_CUSTOM, .value_name = "NAME=V", .hook = set_timing,
     .help = "set a timing parameter (see `mmulab timing`); repeatable"},
    {"--engine", .kind = OPT_STRING, .value_name = "ENGINE", RUN(engine), .choices = run_engines, .nchoices = 2,
     .help = "c (the C model, default) or rtl (the Verilog under Verilator)"},
    {"--stats-json", .kind = OPT_STRING, .value_name = "FILE", RUN(stats_json), .help = "write the statistics as JSON"},
    {"--stats", .kind = OPT_STRING, .value_name = "FILE", RUN(stats_txt),
     .help = "write the statistics as gem5-style stats.txt (- for stdout)"},
    {"--trace", .kind = OPT_STRING, .value_name = "FILE", RUN(trace_path),
     .help = "write cycle-stamped events: CSV (.csv) or Perfetto JSON (.json)"},
    {"--mem-trace", .kind = OPT_STRING, .value_name = "FILE", RUN(mem_trace),
     .help = "write every fetch, read and write as din: LABEL VADDR PID per line"},
    {"--log", .kind = OPT_STRING, .value_name = "FILE", RUN(log_path),
     .help = "write the commit log: a line per retired instruction (docs/outputs.md)"},
    {"--dump", .kind = OPT_CUSTOM, .value_name = "ADDR:COUNT", .hook = set_dump,
     .help = "after the run, print COUNT words of process 1's logical memory"},
    {"--audit", .kind = OPT_FLAG, RUN(os.audit_stores),
     .help = "step the machine and report stores outside the process's memory"},
    {"--check", .kind = OPT_FLAG, RUN(check), .help = "check the results each program's header promises (exit 1 if not)"},
    {"--quiet", .kind = OPT_FLAG, RUN(quiet), .help = "no summary line or progress line on stderr"},
    {"--page-size", .lists = true, .kind = OPT_SIZE, .value_name = "SIZE", RUN(hw.page_shift), .min = 512, .max = 16u << 20,
     .pow2 = true, .store_log2 = true, PAGED,
     .help = "paged: page size, a power of two from 512 to 16M (default 4K)"},
    {"--levels", .lists = true, .kind = OPT_NUMBER, .value_name = "N", RUN(hw.levels), .min = 1, .max = PAGING_MAX_LEVELS,
     PAGED,
     .help = "paged: page-table levels 1..3 (default 2)"},
    {"--va-bits", .lists = true, .kind = OPT_NUMBER, .value_name = "N", RUN(hw.va_bits), .min = 14, .max = 32,
     PAGED,
     .help = "paged: virtual address width 14..32 (default 32)"},
    {"--tlb", .lists = true, .kind = OPT_NUMBER, .value_name = "N", RUN(hw.tlb_entries), .min = 1, .max = 1024,
     PAGED,
     .help = "paged: TLB entries 1..1024 (default 16)"},
    {"--tlb-ways", .lists = true, .kind = OPT_NUMBER, .value_name = "full|N", RUN(hw.tlb_ways), .min = 1, .max = 1024,
     .keyword = "full", .keyword_value = 0, OPT_GIVEN(run_options_t, tlb_ways_given), PAGED,
     .help = "paged: TLB associativity (default full)"},
    {"--tlb-policy", .lists = true, .kind = OPT_CHOICE, .value_name = "POLICY", RUN(hw.tlb_policy), .choices = tlb_policy_name,
     .nchoices = TLB_POLICY_COUNT, PAGED,
     .help = "paged: TLB replacement lru|fifo|random|plru (default lru)"},
    {"--asid-bits", .lists = true, .kind = OPT_NUMBER, .value_name = "N", RUN(hw.asid_bits), .max = 16,
     PAGED,
     .help = "paged: ASID bits 0..16; 0 flushes the TLB on every switch (default 8)"},
    {"--seg-bits", .lists = true, .kind = OPT_NUMBER, .value_name = "N", RUN(hw.seg_bits), .min = 1, .max = SEG_MAX_BITS,
     SEGMENTED, .help = "seg: segment-number bits 1..8, at most 2^N segments (default 4)"},
    {"--seg-offset-bits", .lists = true, .kind = OPT_NUMBER, .value_name = "N", RUN(hw.seg_offset_bits), .min = 8,
     .max = 23, SEGMENTED, .help = "seg: offset bits below the segment number 8..23 (default 16)"},
    {"--seg-cache", .lists = true, .kind = OPT_NUMBER, .value_name = "N", RUN(hw.seg_cache_entries), .max = SEG_CACHE_MAX,
     SEGMENTED, .help = "seg: segment-descriptor cache entries 0..16; 0 reads the table on every access (default 4)"},
    {"--frames", .lists = true, .kind = OPT_NUMBER, .value_name = "N", RUN(os.frames), .min = 2, .max = PTE_PPN_MAX,
     PAGED,
     .help = "paged: user frames, at least 2 (default: all that fit)"},
    {"--replace", .lists = true, .kind = OPT_CHOICE, .value_name = "POLICY", RUN(os.replace), .choices = repl_policy_name,
     .nchoices = REPL_POLICY_COUNT, PAGED,
     .help = "paged: page replacement fifo|lru|opt|clock (default lru)"},
    {"--scope", .lists = true, .kind = OPT_CHOICE, .value_name = "SCOPE", RUN(os.scope_local), .choices = run_scopes,
     .nchoices = 2, PAGED,
     .help = "paged: replace among global|local frames (default global)"},
    {"--alloc", .lists = true, .kind = OPT_CHOICE, .value_name = "HOW", RUN(alloc), .choices = run_alloc_names, .nchoices = 4,
     PAGED,
     .help = "paged: local quotas equal|proportional (to image size)|priority (to --priority), or ws: "
             "working-set load control (default equal)"},
    {"--prefault", .kind = OPT_FLAG, RUN(os.prefault), .acts_in = 1u << OS_PAGED | 1u << OS_SEG,
     .help = "paged, seg: load every page or segment at start instead of on demand"},
    {"--disk-mbps", .lists = true, .kind = OPT_NUMBER, .value_name = "N", RUN(hw.timing.disk_mbps), .min = 1, .max = 1000000,
     .help = "backing-store transfer rate in MB/s (default 50)"},
    {"--disk-latency-us", .lists = true, .kind = OPT_NUMBER, .value_name = "N", RUN(hw.timing.disk_latency_us), .max = 10000000,
     .help = "backing-store latency per transfer in us (default 0)"},
    {"--seed", .lists = true, .kind = OPT_NUMBER, .value_name = "S", RUN(hw.seed), PAGED, .help = "seed of the random TLB policy (default 1)"},
    {"--explain", .kind = OPT_CUSTOM, .value_name = "[=WHAT]", .hook = set_explain, .value_optional = true,
     .help = "a sentence per decision (why, what it cost); WHAT, comma-separated, filters: tlb, fault, "
             "evict, writeback, cow, protection, swap, compaction, switch, P<pid>; state adds the policy's "
             "queue/stack/clock"},
    {"--regions", .kind = OPT_FLAG, RUN(regions), .help = "after the run, print each process's region table (paged) or segment table (seg)"},
    {"--root", .kind = OPT_STRING, .value_name = "DIR", RUN(os.root),
     .help = "guest files (open, mmap) live in this directory, never outside (default .)"},
    {"--buffer-cache", .lists = true, .kind = OPT_NUMBER, .value_name = "BLOCKS", RUN(os.buffer_cache_blocks), .max = 65536,
     .help = "page-sized blocks of file data read/write keep in memory (default 0: every block goes to the disk)"},
    {"--lib-path", .kind = OPT_STRING, .value_name = "DIRS", RUN(os.lib_path),
     .help = "':'-separated directories of dynamic libraries, before the program's own and its lib/"},
    {"--bind", .kind = OPT_CHOICE, .value_name = "WHEN", RUN(os.bind_now), .choices = run_bind_modes, .nchoices = 2,
     .help = "bind imported symbols lazy (at the first call, through the linker's stub) or now (at load) "
             "(default lazy)"},
};
#undef RUN
#undef PAGED
#undef PARTITIONED
#undef MULTIPROGRAMMED

opt_table_t run_options_table(run_options_t *o)
{
    return (opt_table_t){.specs = run_specs, .n = OPT_COUNT(run_specs), .target = o, OPT_GIVEN_SET(run_options_t, given)};
}

/* Options the mode or the other options leave idle are accepted, with a
 * warning naming each (docs/cli.md). */
static void warn_idle(run_options_t *o, FILE *err)
{
    opt_table_t t = run_options_table(o);
    const char *prog = "mmulab";
    if (!o->every_mode)
        opt_warn_idle_in(prog, &t, o->os.mode, "under --mode", os_mode_name, OS_MODE_COUNT, err);
    else
        opt_warn_idle(prog, &t, "--mode", true, "in compare (it runs each mode in turn)", err);
    bool paged = o->os.mode == OS_PAGED;
    opt_warn_idle(prog, &t, "--swap-back", o->os.mode == OS_SWRELOC && !o->os.mp.swap, "without --swap", err);
    opt_warn_idle(prog, &t, "--seed", paged && o->hw.tlb_policy != TLB_RANDOM,
                  "without --tlb-policy random (the only policy with a random choice)", err);
    opt_warn_idle(prog, &t, "--scope", paged && o->alloc == RUN_ALLOC_WS,
                  "with --alloc ws (working-set load control replaces globally)", err);
}

/* Does every one of n programs have a priority of at least 1 (a share of frames)? */
static bool priorities_cover(const mp_config_t *mp, int n)
{
    if (mp->npriorities < n)
        return false;
    for (int i = 0; i < n; i++)
        if (mp->priority[i] < 1)
            return false;
    return true;
}

/* The working-set window by default, in references (fetches and data
 * accesses): long enough to hold one pass of thrash_worker.s over its pages. */
#define WS_WINDOW_DEFAULT 2500

int run_options_finish(run_options_t *o, FILE *err)
{
    warn_idle(o, err);
    if (!o->tlb_ways_given || o->hw.tlb_ways == 0) /* full, the default */
        o->hw.tlb_ways = o->hw.tlb_entries;
    if (!o->max_cycles_given)
        o->os.max_cycles = !strcmp(o->engine, "rtl") ? RUN_DEFAULT_MAX_CYCLES_RTL
                           : o->mem_trace           ? RUN_DEFAULT_MAX_CYCLES_MEM_TRACE
                                                    : RUN_DEFAULT_MAX_CYCLES_C;
    o->os.alloc_proportional = o->alloc == RUN_ALLOC_PROPORTIONAL;
    o->os.alloc_priority = o->alloc == RUN_ALLOC_PRIORITY;
    if (o->os.alloc_priority && o->os.mp.npriorities == 0) { /* e.g. from --alloc all: every program weighs 1 */
        fprintf(err, "mmulab: warning: --alloc priority without --priority: every program weighs 1, as under equal\n");
        for (int i = 0; i < o->nprograms && i < MP_MAX_PRIORITIES; i++)
            o->os.mp.priority[i] = 1;
        o->os.mp.npriorities = o->nprograms < MP_MAX_PRIORITIES ? o->nprograms : MP_MAX_PRIORITIES;
    }
    if (o->os.alloc_priority && !priorities_cover(&o->os.mp, o->nprograms)) {
        fprintf(err, "mmulab: --alloc priority: needs --priority with a priority of at least 1 for each program "
                     "(%d here; frames are shared in proportion to them), e.g. --priority 3,1\n", o->nprograms);
        return 2;
    }
    o->os.mp.alloc_ws = o->alloc == RUN_ALLOC_WS; /* working-set load control (os/loadctl.c) */
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

static int parse_runner(int argc, char **argv, run_options_t *o, grid_t *grid, long point, FILE *err)
{
    char prog[64];
    snprintf(prog, sizeof prog, "mmulab %s", argv[0]);
    opt_table_t tables[] = {run_options_table(o), study_output_table(&o->out)};
    opt_parser_t p = {.prog = prog, .tables = tables, .ntables = 2, .words = o->programs,
                      .max_words = MAX_PROGRAMS, .words_what = "programs at once", .err = err,
                      .grid = grid, .point = point, .takes_rest = true};
    int rc = opt_parse(&p, argc, argv);
    o->nprograms = p.nwords;
    o->prog_args = p.rest;
    o->nprog_args = p.nrest;
    return rc;
}

int run_options_parse(int argc, char **argv, run_options_t *o, FILE *err)
{
    int rc = parse_runner(argc, argv, o, NULL, -1, err);
    return rc ? rc : run_options_finish(o, err);
}

int run_options_grid(int argc, char **argv, run_options_t *o, grid_t *grid, FILE *err)
{
    return parse_runner(argc, argv, o, grid, -1, err); /* finished point by point */
}

int run_options_point(int argc, char **argv, run_options_t *o, grid_t *grid, long point, FILE *err)
{
    run_options_defaults(o);
    int rc = parse_runner(argc, argv, o, grid, point, err);
    return rc ? rc : run_options_finish(o, err);
}

void run_options_help(FILE *out)
{
    run_options_t o;
    run_options_defaults(&o);
    opt_table_t tables[] = {run_options_table(&o), study_output_table(&o.out)};
    opt_parser_t p = {.tables = tables, .ntables = 2};
    opt_help(&p, out);
}

/* "prog.s@5000": the path and the cycle it arrives at; false (and 0) for
 * a program loaded before the run. */
bool program_arrival(const char *word, char *path, size_t len, uint64_t *cycle)
{
    const char *at = strrchr(word, '@');
    *cycle = 0;
    if (!at || !at[1] || at[strspn(at + 1, "0123456789") + 1] || at - word >= (long)len) {
        snprintf(path, len, "%s", word);
        return false;
    }
    snprintf(path, len, "%.*s", (int)(at - word), word);
    *cycle = strtoull(at + 1, NULL, 10);
    return true;
}
