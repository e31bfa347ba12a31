/*
 * The assembler's driver: two passes over the source with a layout step
 * between them.  Pass 1 lexes and parses every line, defines labels, sizes
 * every statement (an instruction is 4 bytes, LI 8, data by count) and
 * records where each line's bytes go; sections float until an .org gives
 * them an absolute logical address.  The layout step (asm_image.c) places
 * .text, .data and .bss and turns every label into an address.  Pass 2
 * re-reads only the lines pass 1 accepted, encodes them into exactly the
 * place pass 1 recorded, and records a relocation for every field that holds
 * an address; asm_image.c then builds the exe_t.  Diagnostics from both
 * passes are printed in line order, at most one per line, so one bad line
 * never cascades into others.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <limits.h>
#include <sys/stat.h>

#include "asm_internal.h"
#include "../machine/isa.h"

enum { MAX_LINE = 65535 }; /* columns are ints; longer lines are an error */

/* ---- diagnostics, growth, symbols ------------------------------------- */

void *asm_grow(void *array, int *cap, int need, size_t elem)
{
    if (need <= *cap)
        return array;
    int n = *cap ? *cap : 16;
    while (n < need)
        n *= 2;
    void *p = realloc(array, (size_t)n * elem);
    if (!p)
        abort();
    *cap = n;
    return p;
}

static void diag_at(asm_t *as, int line, int col, const char *fmt, va_list ap)
{
    char msg[512];
    if (as->errors >= as->max_errors) {
        as->stopped = true;
        return;
    }
    vsnprintf(msg, sizeof msg, fmt, ap);
    as->diags = asm_grow(as->diags, &as->capdiags, as->ndiags + 1, sizeof *as->diags);
    as->diags[as->ndiags] = (diag_t){line, col, as->ndiags, strdup(msg)};
    as->ndiags++;
    as->errors++;
}

void asm_error(asm_t *as, int col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    diag_at(as, as->lineno, col, fmt, ap);
    va_end(ap);
    as->line_failed = true;
}

void asm_error_at(asm_t *as, int line, int col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    diag_at(as, line, col, fmt, ap);
    va_end(ap);
}

static int compare_diags(const void *a, const void *b)
{
    const diag_t *x = a, *y = b;
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    if (x->col != y->col)
        return x->col < y->col ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Print the diagnostics sorted by position, ties in the order reported. */
static void flush_diags(asm_t *as)
{
    if (as->ndiags)
        qsort(as->diags, (size_t)as->ndiags, sizeof *as->diags, compare_diags);
    for (int i = 0; i < as->ndiags; i++) {
        const diag_t *d = &as->diags[i];
        if (d->line > 0)
            fprintf(as->err, "%s:%d:%d: error: %s\n", as->filename, d->line, d->col, d->text);
        else
            fprintf(as->err, "%s: error: %s\n", as->filename, d->text);
        free(d->text);
    }
    free(as->diags);
    if (as->stopped)
        fprintf(as->err, "%s: error: too many errors, stopping (after %d; --max-errors N changes the limit)\n",
                as->filename, as->max_errors);
}

static unsigned name_hash(const char *name, int len)
{
    unsigned h = 2166136261u; /* FNV-1a */
    for (int i = 0; i < len; i++)
        h = (h ^ (unsigned char)name[i]) * 16777619u;
    return h;
}

/* The slot holding name, or the empty slot where it would go. */
static int *sym_slot(const asm_t *as, const char *name, int len)
{
    for (unsigned i = name_hash(name, len) & (unsigned)(as->nslots - 1);; i = (i + 1) & (unsigned)(as->nslots - 1)) {
        int *slot = &as->sym_slots[i];
        const char *have = *slot ? as->syms[*slot - 1].name : NULL;
        if (!have || (strncmp(have, name, (size_t)len) == 0 && have[len] == '\0'))
            return slot;
    }
}

/* Keep the index at most half full (a file may hold a million labels). */
static void grow_sym_index(asm_t *as)
{
    if (2 * (as->nsyms + 1) <= as->nslots)
        return;
    free(as->sym_slots);
    as->nslots = as->nslots ? 2 * as->nslots : 256;
    if (!(as->sym_slots = calloc((size_t)as->nslots, sizeof *as->sym_slots)))
        abort();
    for (int i = 0; i < as->nsyms; i++)
        *sym_slot(as, as->syms[i].name, (int)strlen(as->syms[i].name)) = i + 1;
}

int sym_find(const asm_t *as, const char *name, int len)
{
    return as->nslots ? *sym_slot(as, name, len) - 1 : -1;
}

int sym_add(asm_t *as, const char *name, int len)
{
    grow_sym_index(as);
    as->syms = asm_grow(as->syms, &as->capsyms, as->nsyms + 1, sizeof *as->syms);
    sym_t *s = &as->syms[as->nsyms];
    memset(s, 0, sizeof *s);
    s->name = strndup(name, (size_t)len);
    if (!s->name)
        abort();
    *sym_slot(as, name, len) = as->nsyms + 1;
    s->kind = SYM_UNDEF;
    return as->nsyms++;
}

/* ---- tokens ------------------------------------------------------------ */

static token_t *peek(asm_t *as) { return &as->tok[as->pos]; }

static bool accept(asm_t *as, int punct)
{
    if (!tok_is(peek(as), punct))
        return false;
    as->pos++;
    return true;
}

static void describe(const token_t *t, char *buf, size_t len)
{
    if (t->kind == TOK_END)
        snprintf(buf, len, "end of line");
    else if (t->kind == TOK_NUM)
        snprintf(buf, len, "'%lld'", (long long)t->num);
    else if (t->kind == TOK_STR)
        snprintf(buf, len, "a string");
    else
        snprintf(buf, len, "'%.*s'", t->len, t->text);
}

static bool expect(asm_t *as, int punct, const char *what)
{
    if (accept(as, punct))
        return true;
    char got[64];
    describe(peek(as), got, sizeof got);
    asm_error(as, peek(as)->col, "expected %s, got %s", what, got);
    return false;
}

static bool expect_end(asm_t *as)
{
    if (peek(as)->kind == TOK_END)
        return true;
    char got[64];
    describe(peek(as), got, sizeof got);
    asm_error(as, peek(as)->col, "unexpected %s after the statement", got);
    return false;
}

/* ---- location counter (pass 1) ---------------------------------------- */

static asm_section_t *cur_section(asm_t *as) { return &as->sec[as->cur]; }

static int64_t line_address(const asm_t *as, const line_rec_t *rec)
{
    return rec->floating ? as->sec[rec->section].start + rec->pos : rec->pos;
}

/* Reserve size bytes at the location counter for the current line. */
static bool place(asm_t *as, int col, int64_t size, listing_kind_t kind)
{
    if (as->pass != 1)
        return true;
    asm_section_t *s = cur_section(as);
    if (s->lc + size > ASM_MAX_ADDRESS) {
        asm_error(as, col, "location %lld is beyond the 256 MiB address space", (long long)(s->lc + size));
        return false;
    }
    if (!s->used)
        s->first_line = as->lineno;
    s->used = true;
    *as->rec = (line_rec_t){false, as->cur, !s->anchored, s->lc, (uint32_t)size, kind};
    s->lc += size;
    return true;
}

static void set_org(asm_t *as, int col, int64_t target)
{
    asm_section_t *s = cur_section(as);
    if (target < s->lc) {
        asm_error(as, col, ".org %lld moves backwards: %s is already at %s%lld", (long long)target,
                  asm_section_names[as->cur], s->anchored ? "" : "offset ", (long long)s->lc);
        return;
    }
    if (target > ASM_MAX_ADDRESS) {
        asm_error(as, col, ".org %lld is beyond the 256 MiB address space", (long long)target);
        return;
    }
    if (!s->anchored) {
        s->start_fixed = s->lc == 0;
        s->float_size = s->lc;
        s->first_org = target;
        s->org_line = as->lineno;
        s->org_col = col;
        s->anchored = true;
        if (!s->used)
            s->first_line = as->lineno;
        s->used = true;
    }
    s->lc = target;
}

static void set_align(asm_t *as, int64_t align)
{
    asm_section_t *s = cur_section(as);
    if (!s->anchored && align > s->align)
        s->align = (uint32_t)align;
    s->lc = (s->lc + align - 1) / align * align;
}

/* ---- directives -------------------------------------------------------- */

static bool constant_operand(asm_t *as, const char *what, int64_t *out, int *col)
{
    value_t v;
    *col = peek(as)->col;
    if (!expr_parse(as, &v) || !expr_constant(as, *col, &v, what))
        return false;
    *out = v.k;
    return true;
}

static bool dir_section(asm_t *as, const token_t *dir)
{
    for (int s = 0; s < ASM_NSECTIONS; s++)
        if (tok_ident_is(dir, asm_section_names[s]))
            as->cur = s;
    return expect_end(as);
}

static bool dir_org(asm_t *as, const token_t *dir)
{
    int64_t target;
    int col;
    if (!constant_operand(as, ".org address", &target, &col) || !expect_end(as))
        return false;
    if (as->pass == 1)
        set_org(as, dir->col, target);
    return true;
}

static bool dir_align(asm_t *as, const token_t *dir)
{
    int64_t align;
    int col;
    (void)dir;
    if (!constant_operand(as, ".align", &align, &col) || !expect_end(as))
        return false;
    if (align < 1 || align > 4096 || (align & (align - 1))) {
        asm_error(as, col, ".align %lld: must be a power of two from 1 to 4096", (long long)align);
        return false;
    }
    if (as->pass == 1)
        set_align(as, align);
    return true;
}

static bool dir_space(asm_t *as, const token_t *dir)
{
    int64_t n;
    int col;
    (void)dir;
    if (!constant_operand(as, ".space size", &n, &col) || !expect_end(as))
        return false;
    if (n < 0 || n > ASM_MAX_ADDRESS) {
        asm_error(as, col, ".space %lld: size must be 0..%d", (long long)n, ASM_MAX_ADDRESS);
        return false;
    }
    return place(as, col, n, LST_NONE);
}

static bool not_in_bss(asm_t *as, const token_t *what)
{
    if (as->cur != ASM_BSS)
        return true;
    asm_error(as, what->col, "'%.*s' needs initialized bytes, which .bss cannot hold (use .space there)",
              what->len, what->text);
    return false;
}

static bool emit(asm_t *as, const void *bytes, uint32_t n)
{
    line_rec_t *rec = as->rec;
    asm_section_t *s = &as->sec[rec->section];
    if (as->emitted + n > rec->size) {
        asm_error(as, 1, "internal error: line grew between passes");
        return false;
    }
    if (s->data && n) /* an empty string's bytes may be a null pointer */
        memcpy(s->data + (line_address(as, rec) - s->start) + as->emitted, bytes, n);
    as->emitted += n;
    return true;
}

static bool emit_word(asm_t *as, uint32_t w)
{
    uint8_t b[4] = {(uint8_t)w, (uint8_t)(w >> 8), (uint8_t)(w >> 16), (uint8_t)(w >> 24)};
    return emit(as, b, 4);
}

static void add_reloc(asm_t *as, reloc_type_t type, uint32_t value, int sym)
{
    as->relocs = asm_grow(as->relocs, &as->caprelocs, as->nrelocs + 1, sizeof *as->relocs);
    uint32_t at = (uint32_t)(line_address(as, as->rec) + as->emitted);
    as->relocs[as->nrelocs++] = (asm_reloc_t){at, type, value, sym};
}

/* The number an expression stands for in pass 2: an address for sym + k. */
static int64_t resolve(const asm_t *as, const value_t *v)
{
    return v->k + (v->sym >= 0 ? sym_address(as, v->sym) : 0);
}

/* One .word/.half/.byte item in pass 2. */
static bool emit_datum(asm_t *as, int col, const value_t *v, int width)
{
    int64_t x = resolve(as, v);
    int64_t lo = -((int64_t)1 << (8 * width - 1)), hi = ((int64_t)1 << (8 * width)) - 1;
    if (v->sym >= 0 && width != 4) {
        asm_error(as, col, "an address needs 32 bits: use .word");
        return false;
    }
    if (x < lo || x > hi) {
        asm_error(as, col, "value %lld out of range %lld..%lld for a %d-byte datum", (long long)x, (long long)lo,
                  (long long)hi, width);
        return false;
    }
    if (v->sym >= 0)
        add_reloc(as, R_MMU_32, (uint32_t)x, v->sym);
    uint8_t b[4] = {(uint8_t)x, (uint8_t)(x >> 8), (uint8_t)(x >> 16), (uint8_t)(x >> 24)};
    return emit(as, b, (uint32_t)width);
}

static bool dir_data(asm_t *as, const token_t *dir, int width)
{
    if (!not_in_bss(as, dir))
        return false;
    int64_t size = 0;
    do {
        value_t v;
        int col = peek(as)->col;
        if (!expr_parse(as, &v))
            return false;
        if (as->pass == 2 && !emit_datum(as, col, &v, width))
            return false;
        size += width;
    } while (accept(as, ','));
    return expect_end(as) && place(as, dir->col, size, width == 4 ? LST_WORDS : LST_BYTES);
}

static bool dir_word(asm_t *as, const token_t *dir) { return dir_data(as, dir, 4); }
static bool dir_half(asm_t *as, const token_t *dir) { return dir_data(as, dir, 2); }
static bool dir_byte(asm_t *as, const token_t *dir) { return dir_data(as, dir, 1); }

static bool dir_string(asm_t *as, const token_t *dir, bool nul)
{
    if (!not_in_bss(as, dir))
        return false;
    int64_t size = 0;
    do {
        const token_t *t = peek(as);
        if (t->kind != TOK_STR) {
            char got[64];
            describe(t, got, sizeof got);
            asm_error(as, t->col, "expected a string in double quotes, got %s", got);
            return false;
        }
        as->pos++;
        if (as->pass == 2 && !(emit(as, asm_string_bytes(as, t), (uint32_t)t->slen) && (!nul || emit(as, "", 1))))
            return false;
        size += (int64_t)t->slen + nul;
    } while (accept(as, ','));
    return expect_end(as) && place(as, dir->col, size, LST_BYTES);
}

static bool dir_ascii(asm_t *as, const token_t *dir) { return dir_string(as, dir, false); }
static bool dir_asciz(asm_t *as, const token_t *dir) { return dir_string(as, dir, true); }

static bool name_operand(asm_t *as, const token_t **name)
{
    *name = peek(as);
    if ((*name)->kind != TOK_IDENT || tok_register(*name) != -1) {
        char got[64];
        describe(*name, got, sizeof got);
        asm_error(as, (*name)->col, "expected a name, got %s", got);
        return false;
    }
    as->pos++;
    return true;
}

static bool define_symbol(asm_t *as, const token_t *name, sym_t how)
{
    int s = sym_find(as, name->text, name->len);
    if (s >= 0 && as->syms[s].kind != SYM_UNDEF) {
        asm_error(as, name->col, "duplicate label '%.*s' (first defined on line %d)", name->len, name->text,
                  as->syms[s].line);
        return false;
    }
    if (s < 0)
        s = sym_add(as, name->text, name->len);
    sym_t *sym = &as->syms[s];
    how.name = sym->name;
    how.global = sym->global;
    how.line = as->lineno;
    *sym = how;
    return true;
}

static bool dir_equ(asm_t *as, const token_t *dir)
{
    const token_t *name;
    value_t v;
    (void)dir;
    if (!name_operand(as, &name) || !expect(as, ',', "','"))
        return false;
    int col = peek(as)->col;
    if (!expr_parse(as, &v) || !expect_end(as))
        return false;
    if (as->pass != 1)
        return true;
    if (!v.known) {
        asm_error(as, col, ".equ value must use only names defined above it");
        return false;
    }
    if (v.sym < 0)
        return define_symbol(as, name, (sym_t){.kind = SYM_CONST, .value = v.k});
    const sym_t *base = &as->syms[v.sym];
    return define_symbol(as, name, (sym_t){.kind = SYM_LABEL, .section = base->section,
                                           .floating = base->floating, .pos = base->pos + v.k});
}

static bool dir_global(asm_t *as, const token_t *dir)
{
    (void)dir;
    do {
        const token_t *name;
        if (!name_operand(as, &name))
            return false;
        if (as->pass == 1) {
            int s = sym_find(as, name->text, name->len);
            if (s < 0)
                s = sym_add(as, name->text, name->len);
            as->syms[s].global = true;
        }
    } while (accept(as, ','));
    return expect_end(as);
}

typedef struct {
    const char *name;
    bool (*fn)(asm_t *as, const token_t *dir);
} directive_t;

static const directive_t directives[] = {
    {".text", dir_section}, {".data", dir_section},  {".bss", dir_section},     {".org", dir_org},
    {".align", dir_align},  {".space", dir_space},   {".word", dir_word},       {".half", dir_half},
    {".byte", dir_byte},    {".ascii", dir_ascii},   {".asciz", dir_asciz},     {".equ", dir_equ},
    {".global", dir_global}, {".globl", dir_global},
};

static void directive(asm_t *as, const token_t *dir)
{
    for (size_t i = 0; i < sizeof directives / sizeof directives[0]; i++)
        if (tok_ident_is(dir, directives[i].name)) {
            directives[i].fn(as, dir);
            return;
        }
    asm_error(as, dir->col, "unknown directive '%.*s'", dir->len, dir->text);
}

/* ---- instructions ------------------------------------------------------ */

typedef enum { OPD_REG, OPD_IMM, OPD_ABS, OPD_MEM, OPD_EXPR } opd_kind_t;

typedef struct {
    opd_kind_t kind;
    int col;      /* where the operand starts                         */
    int reg;      /* OPD_REG, or the base register of OPD_MEM         */
    value_t val;  /* OPD_IMM, OPD_ABS, OPD_EXPR, OPD_MEM displacement */
    int val_col;
} operand_t;

enum { MAX_OPERANDS = 3 };

static bool parse_register(asm_t *as, int *reg, const char *context)
{
    const token_t *t = peek(as);
    int r = tok_register(t);
    if (r == -2) {
        asm_error(as, t->col, "bad register '%.*s' (registers are R0-R15 and SP)", t->len, t->text);
        return false;
    }
    if (r < 0) {
        char got[64];
        describe(t, got, sizeof got);
        asm_error(as, t->col, "bad register: expected a register %s, got %s", context, got);
        return false;
    }
    as->pos++;
    *reg = r;
    return true;
}

static bool parse_memory(asm_t *as, operand_t *o)
{
    o->kind = OPD_MEM;
    if (!parse_register(as, &o->reg, "after '['"))
        return false;
    o->val = (value_t){0, -1, true};
    o->val_col = peek(as)->col;
    /* the sign belongs to the displacement: [R1-8+4] is R1 + (-8 + 4) */
    if ((tok_is(peek(as), '+') || tok_is(peek(as), '-')) && !expr_parse(as, &o->val))
        return false;
    return expect(as, ']', "']' or a +/- displacement");
}

static bool parse_operand(asm_t *as, operand_t *o)
{
    const token_t *t = peek(as);
    o->col = t->col;
    if (tok_register(t) != -1) {
        o->kind = OPD_REG;
        return parse_register(as, &o->reg, "");
    }
    if (tok_is(t, '['))
        return accept(as, '[') && parse_memory(as, o);
    o->kind = tok_is(t, '#') ? OPD_IMM : tok_is(t, '/') ? OPD_ABS : OPD_EXPR;
    if (o->kind != OPD_EXPR)
        as->pos++;
    o->val_col = peek(as)->col;
    return expr_parse(as, &o->val);
}

static bool parse_operands(asm_t *as, operand_t *ops, int *n)
{
    *n = 0;
    if (peek(as)->kind == TOK_END)
        return true;
    for (;;) {
        if (*n == MAX_OPERANDS) {
            asm_error(as, peek(as)->col, "too many operands");
            return false;
        }
        if (!parse_operand(as, &ops[(*n)++]))
            return false;
        if (peek(as)->kind == TOK_END)
            return true;
        if (!expect(as, ',', "',' between operands"))
            return false;
    }
}

/* The operand form the operands are written in; false if no form fits. */
static bool operands_form(const operand_t *ops, int n, isa_form_t *form)
{
    static const isa_form_t one[] = {[OPD_REG] = FORM_R, [OPD_IMM] = FORM_I, [OPD_ABS] = FORM_A,
                                     [OPD_MEM] = FORM_NONE, [OPD_EXPR] = FORM_A};
    static const isa_form_t two[] = {[OPD_REG] = FORM_RR, [OPD_IMM] = FORM_RI, [OPD_ABS] = FORM_RA,
                                     [OPD_MEM] = FORM_RM, [OPD_EXPR] = FORM_NONE};
    if (n == 0)
        *form = FORM_NONE;
    else if (n == 1)
        *form = one[ops[0].kind];
    else if (n == 2 && ops[0].kind == OPD_REG)
        *form = two[ops[1].kind];
    else
        return false;
    return n == 0 || *form != FORM_NONE;
}

static const char *const form_syntax[] = {
    [FORM_NONE] = "", [FORM_R] = " Ra", [FORM_RR] = " Ra, Rb", [FORM_RI] = " Ra, #imm",
    [FORM_RA] = " Ra, /addr", [FORM_RM] = " Ra, [Rb+disp]", [FORM_A] = " addr", [FORM_RJ] = " Rb",
    [FORM_I] = " #imm",
};
static const int form_operands[] = {
    [FORM_NONE] = 0, [FORM_R] = 1, [FORM_RR] = 2, [FORM_RI] = 2, [FORM_RA] = 2,
    [FORM_RM] = 2,   [FORM_A] = 1, [FORM_RJ] = 1, [FORM_I] = 1,
};

/* Explain which forms `canon` takes, given that the written one fits none. */
static void bad_form(asm_t *as, const char *canon, const operand_t *ops, int n)
{
    char allowed[256] = "";
    int fewest = MAX_OPERANDS, most = 0;
    for (int op = 0; op < 256; op++) {
        const isa_info_t *in = &isa_info[op];
        if (!in->valid || strcmp(in->mnemonic, canon) != 0)
            continue;
        size_t used = strlen(allowed);
        snprintf(allowed + used, sizeof allowed - used, "%s%s%s", used ? " | " : "", canon, form_syntax[in->form]);
        fewest = form_operands[in->form] < fewest ? form_operands[in->form] : fewest;
        most = form_operands[in->form] > most ? form_operands[in->form] : most;
    }
    if (n < fewest)
        asm_error(as, peek(as)->col, "missing operand: %s takes %s", canon, allowed);
    else if (n > most)
        asm_error(as, ops[most].col, "too many operands: %s takes %s", canon, allowed);
    else if (n == 2 && ops[1].kind == OPD_EXPR)
        asm_error(as, ops[1].col, "bad operand form for %s (write #value for an immediate, /address for an "
                  "absolute address); allowed: %s", canon, allowed);
    else /* point at the operand that does not fit: the second when the first is a register */
        asm_error(as, ops[n == 2 && ops[0].kind == OPD_REG].col, "bad operand form for %s; allowed: %s", canon,
                  allowed);
}

static int select_opcode(asm_t *as, const char *canon, const operand_t *ops, int n)
{
    isa_form_t form;
    int op = -1;
    if (operands_form(ops, n, &form)) {
        op = isa_lookup(canon, form);
        if (op < 0 && form == FORM_R)
            op = isa_lookup(canon, FORM_RJ);
    }
    if (op < 0)
        bad_form(as, canon, ops, n);
    return op;
}

static const char *imm_range(isa_imm_t kind)
{
    switch (kind) {
    case IMM_U20: return "0..1048575 (unsigned 20-bit)";
    case IMM_S20: return "-524288..524287 (signed 20-bit)";
    case IMM_S16: return "-32768..32767 (signed 16-bit)";
    case IMM_NONE: break;
    }
    return "none";
}

/* Range-check an immediate field and record its relocation; *bits gets it. */
static bool immediate_field(asm_t *as, const operand_t *o, const isa_info_t *in, reloc_type_t type, uint32_t *bits)
{
    int64_t x = resolve(as, &o->val);
    if (!isa_imm_fits(in->imm, x)) {
        asm_error(as, o->val_col, "value %lld out of range %s for %s%s", (long long)x, imm_range(in->imm),
                  in->mnemonic, in->form == FORM_RI ? " (LI Ra, value loads any 32-bit value)" : "");
        return false;
    }
    if (o->val.sym >= 0)
        add_reloc(as, type, (uint32_t)x, o->val.sym);
    *bits = (uint32_t)x;
    return true;
}

static bool encode(asm_t *as, int op, const operand_t *ops)
{
    const isa_info_t *in = &isa_info[op];
    uint32_t imm = 0;
    switch (in->form) {
    case FORM_NONE: return emit_word(as, isa_enc_r((unsigned)op, 0, 0, 0));
    case FORM_R: return emit_word(as, isa_enc_r((unsigned)op, (unsigned)ops[0].reg, 0, 0));
    case FORM_RJ: return emit_word(as, isa_enc_r((unsigned)op, 0, (unsigned)ops[0].reg, 0));
    case FORM_RR: return emit_word(as, isa_enc_r((unsigned)op, (unsigned)ops[0].reg, (unsigned)ops[1].reg, 0));
    case FORM_RM:
        return immediate_field(as, &ops[1], in, R_MMU_DISP16, &imm) &&
               emit_word(as, isa_enc_r((unsigned)op, (unsigned)ops[0].reg, (unsigned)ops[1].reg, imm));
    case FORM_RI:
    case FORM_RA:
        return immediate_field(as, &ops[1], in, R_MMU_ABS20, &imm) &&
               emit_word(as, isa_enc_i((unsigned)op, (unsigned)ops[0].reg, imm));
    case FORM_A:
    case FORM_I:
        return immediate_field(as, &ops[0], in, R_MMU_ABS20, &imm) && emit_word(as, isa_enc_i((unsigned)op, 0, imm));
    }
    return false;
}

/* LI Ra, expr: LUI Ra, #(expr >> 12) then OR Ra, #(expr & 0xFFF). */
static bool load_immediate(asm_t *as, const token_t *mn)
{
    int ra;
    value_t v;
    if (!parse_register(as, &ra, "as LI's first operand") || !expect(as, ',', "','"))
        return false;
    accept(as, '#');
    int col = peek(as)->col;
    if (!expr_parse(as, &v) || !expect_end(as))
        return false;
    if (as->pass == 1)
        return place(as, mn->col, 8, LST_WORDS);
    int64_t x = resolve(as, &v);
    if (x < INT32_MIN || x > (int64_t)UINT32_MAX) {
        asm_error(as, col, "value %lld does not fit in 32 bits", (long long)x);
        return false;
    }
    uint32_t u = (uint32_t)x;
    if (v.sym >= 0)
        add_reloc(as, R_MMU_HI20, u, v.sym);
    if (!emit_word(as, isa_enc_i(OP_LUI, (unsigned)ra, u >> 12)))
        return false;
    if (v.sym >= 0)
        add_reloc(as, R_MMU_LO12, u, v.sym);
    return emit_word(as, isa_enc_i(OP_ORI, (unsigned)ra, u & 0xFFF));
}

static void instruction(asm_t *as, const token_t *mn)
{
    char name[16];
    const char *canon;
    operand_t ops[MAX_OPERANDS];
    int n;
    if (!not_in_bss(as, mn))
        return;
    if (tok_ident_is(mn, "LI")) {
        load_immediate(as, mn);
        return;
    }
    snprintf(name, sizeof name, "%.*s", mn->len, mn->text);
    if (mn->len >= (int)sizeof name || !isa_is_mnemonic(name, &canon)) {
        asm_error(as, mn->col, "unknown mnemonic '%.*s'", mn->len, mn->text);
        return;
    }
    if (!parse_operands(as, ops, &n))
        return;
    int op = select_opcode(as, canon, ops, n);
    if (op < 0)
        return;
    if (as->pass == 1)
        place(as, mn->col, 4, LST_WORDS);
    else
        encode(as, op, ops);
}

/* ---- lines and passes -------------------------------------------------- */

static void define_label(asm_t *as, const token_t *name)
{
    if (tok_register(name) != -1) {
        asm_error(as, name->col, "'%.*s' is a register name, not a label", name->len, name->text);
        return;
    }
    asm_section_t *s = cur_section(as);
    if (!s->used)
        s->first_line = as->lineno;
    s->used = true;
    define_symbol(as, name, (sym_t){.kind = SYM_LABEL, .section = as->cur, .floating = !s->anchored, .pos = s->lc});
}

static void statement(asm_t *as)
{
    while (peek(as)->kind == TOK_IDENT && tok_is(&as->tok[as->pos + 1], ':')) {
        if (as->pass == 1)
            define_label(as, peek(as));
        as->pos += 2;
        if (as->line_failed)
            return;
    }
    const token_t *t = peek(as);
    if (t->kind == TOK_END)
        return;
    if (t->kind != TOK_IDENT) {
        char got[64];
        describe(t, got, sizeof got);
        asm_error(as, t->col, "expected a label, a mnemonic or a directive, got %s", got);
        return;
    }
    as->pos++;
    if (t->text[0] == '.')
        directive(as, t);
    else
        instruction(as, t);
}

static void list_line(asm_t *as, const char *src, int len)
{
    FILE *f = as->opt->listing;
    const line_rec_t *rec = as->rec;
    const asm_section_t *s = &as->sec[rec->section];
    if (!f)
        return;
    if (rec->failed || as->line_failed || rec->listing == LST_NONE || rec->size == 0 || !s->data) {
        fprintf(f, "%6s  %8s  %.*s\n", "", "", len, src);
        return;
    }
    int64_t addr = line_address(as, rec);
    const uint8_t *p = s->data + (addr - s->start);
    for (uint32_t off = 0; off < rec->size; off += 4) {
        uint32_t n = rec->size - off < 4 ? rec->size - off : 4;
        fprintf(f, "%6lld  ", (long long)(addr + off));
        if (rec->listing == LST_WORDS)
            fprintf(f, "%08X", (uint32_t)p[off] | (uint32_t)p[off + 1] << 8 | (uint32_t)p[off + 2] << 16 |
                                   (uint32_t)p[off + 3] << 24);
        else
            for (uint32_t i = 0; i < 4; i++)
                if (i < n)
                    fprintf(f, "%02X", p[off + i]);
                else
                    fputs("  ", f);
        fprintf(f, "  %.*s\n", off ? 0 : len, src);
    }
}

static void assemble_line(asm_t *as, const char *src, size_t len)
{
    as->line_failed = false;
    as->emitted = 0;
    if (as->pass == 1) {
        as->lines = asm_grow(as->lines, &as->caplines, as->nlines + 1, sizeof *as->lines);
        as->rec = &as->lines[as->nlines++];
        *as->rec = (line_rec_t){false, as->cur, !cur_section(as)->anchored, cur_section(as)->lc, 0, LST_NONE};
    } else {
        as->rec = &as->lines[as->lineno - 1];
    }
    if (len > MAX_LINE) {
        if (as->pass == 1)
            asm_error(as, 1, "line is longer than %d characters", MAX_LINE);
        len = MAX_LINE;
    } else if (as->pass == 1 || !as->rec->failed) {
        if (lex_line(as, src, (int)len))
            statement(as);
    }
    if (as->pass == 1)
        as->rec->failed = as->line_failed;
    else
        list_line(as, src, (int)len);
}

static void run_pass(asm_t *as, const char *text, size_t len, int pass)
{
    as->pass = pass;
    as->cur = ASM_TEXT;
    as->lineno = 0;
    size_t at = 0;
    const char *nl;
    do {
        nl = at < len ? memchr(text + at, '\n', len - at) : NULL;
        size_t end = nl ? (size_t)(nl - text) : len;
        size_t n = end - at;
        if (n && text[at + n - 1] == '\r')
            n--;
        as->lineno++;
        assemble_line(as, at < len ? text + at : "", n);
        at = end + 1;
    } while (nl && !as->stopped);
}

static void release(asm_t *as)
{
    free(as->tok);
    free(as->strbuf);
    for (int i = 0; i < as->nsyms; i++)
        free(as->syms[i].name);
    free(as->syms);
    free(as->sym_slots);
    for (int i = 0; i < ASM_NSECTIONS; i++)
        free(as->sec[i].data);
    free(as->lines);
    free(as->relocs);
}

/* Binary input is refused at its first NUL byte: true after the message.
 * `text` holds the bytes from offset `base` of the file. */
static bool not_text(const char *name, const char *text, size_t len, size_t base, FILE *err)
{
    const char *nul = memchr(text, 0, len);
    if (nul)
        fprintf(err, "%s: error: not assembly text: NUL byte at offset %zu\n", name, base + (size_t)(nul - text));
    return nul != NULL;
}

int asm_assemble(const char *filename, const char *text, size_t len, const asm_options_t *opt, exe_t *out)
{
    static const asm_options_t defaults = {0};
    asm_t as = {0};
    as.filename = filename ? filename : "<input>";
    as.opt = opt ? opt : &defaults;
    as.err = as.opt->errors ? as.opt->errors : stderr;
    as.max_errors = as.opt->max_errors < 0 ? INT_MAX
                    : as.opt->max_errors ? as.opt->max_errors : ASM_DEFAULT_MAX_ERRORS;
    memset(out, 0, sizeof *out);

    if (not_text(as.filename, text, len, 0, as.err))
        return 1;
    run_pass(&as, text, len, 1);
    if (!as.stopped)
        asm_layout(&as);
    if (!as.stopped)
        run_pass(&as, text, len, 2);
    if (as.errors == 0)
        asm_build_exe(&as, out);
    flush_diags(&as);
    release(&as);
    return as.errors;
}

/* Read a source file whole, refusing (with a message) binary input at its
 * first NUL byte and a file larger than ASM_MAX_SOURCE after its first block
 * (so a huge file is neither read nor held). */
static char *read_source(const char *path, size_t *len, FILE *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(err, "%s: error: cannot open: %s\n", path, strerror(errno));
        return NULL;
    }
    struct stat st;
    uint64_t size = fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0;
    char *text = NULL;
    size_t cap = 0, n;
    *len = 0;
    do {
        if (*len + 65536 > cap && !(text = realloc(text, cap = cap * 2 + 65536)))
            abort();
        size_t room = ASM_MAX_SOURCE + 1 - *len; /* one byte over the limit tells a pipe is too long */
        n = fread(text + *len, 1, cap - *len < room ? cap - *len : room, f);
        if (not_text(path, text + *len, n, *len, err))
            break;
        *len += n;
        if (size > ASM_MAX_SOURCE || *len > ASM_MAX_SOURCE) { /* size 0: a pipe, counted as read */
            fprintf(err, "%s: error: %llu bytes%s is more source than the assembler takes (%u MiB at most)\n", path,
                    (unsigned long long)(size ? size : *len), size ? "" : " or more", ASM_MAX_SOURCE >> 20);
            break;
        }
    } while (n > 0);
    bool failed = ferror(f);
    if (failed)
        fprintf(err, "%s: error: cannot read: %s\n", path, strerror(errno));
    fclose(f);
    if (failed || n > 0) { /* n > 0: stopped early above */
        free(text);
        return NULL;
    }
    return text;
}

int asm_assemble_file(const char *path, const asm_options_t *opt, exe_t *out)
{
    FILE *err = opt && opt->errors ? opt->errors : stderr;
    memset(out, 0, sizeof *out);
    size_t len;
    char *text = read_source(path, &len, err);
    if (!text)
        return 1;
    int errors = asm_assemble(path, text, len, opt, out);
    free(text);
    return errors;
}
