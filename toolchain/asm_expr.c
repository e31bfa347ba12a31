/*
 * Assembler expressions: C-like precedence (| & << >> + - * / % unary - ~)
 * over numbers, .equ constants and labels.  A value is either a constant or
 * "label + constant" (relocatable: it names an address the loader may move);
 * label - label in the same section is a constant, and only + and - may
 * touch an address.  In pass 1 a name not defined yet gives an unknown value
 * (fine for instructions, an error where a constant is needed at once: .equ,
 * .space, .org, .align); in pass 2 it is an undefined label, unless the
 * output is a relocatable object, where it becomes an external symbol.
 */
#include <string.h>

#include "asm_internal.h"

enum { MAX_DEPTH = 64 };

static bool parse_binary(asm_t *as, int level, int depth, value_t *out);

static const value_t unknown = {0, -1, false};

static token_t *peek(asm_t *as) { return &as->tok[as->pos]; }

int64_t sym_address(const asm_t *as, int sym)
{
    return as->syms[sym].kind == SYM_LABEL ? as->syms[sym].pos : 0;
}

/* a - b for two labels: 1 and *diff set, 0 not known yet (pass 1), -1 never. */
static int label_difference(const asm_t *as, int a, int b, int64_t *diff)
{
    const sym_t *sa = &as->syms[a], *sb = &as->syms[b];
    if (sa->kind != SYM_LABEL || sb->kind != SYM_LABEL)
        return as->pass == 1 ? 0 : -1;
    if (sa->section != sb->section)
        return -1;
    if (sa->floating != sb->floating)
        return 0;
    *diff = sa->pos - sb->pos;
    return 1;
}

static bool parse_name(asm_t *as, const token_t *t, value_t *out)
{
    if (tok_register(t) != -1) {
        asm_error(as, t->col, "register '%.*s' where a value is expected", t->len, t->text);
        return false;
    }
    int s = sym_find(as, t->text, t->len);
    if (s >= 0 && as->syms[s].kind == SYM_CONST) {
        *out = (value_t){as->syms[s].value, -1, true};
        return true;
    }
    if (s >= 0 && as->syms[s].kind == SYM_LABEL) {
        *out = (value_t){0, s, true};
        return true;
    }
    if (as->pass == 1) {
        *out = unknown;
        return true;
    }
    if (!as->opt->relocatable) {
        asm_error(as, t->col, "undefined label '%.*s'", t->len, t->text);
        return false;
    }
    *out = (value_t){0, s >= 0 ? s : sym_add(as, t->text, t->len), true};
    return true;
}

static bool parse_primary(asm_t *as, int depth, value_t *out)
{
    token_t *t = peek(as);
    if (depth > MAX_DEPTH) {
        asm_error(as, t->col, "expression nested too deeply");
        return false;
    }
    if (t->kind == TOK_NUM) {
        as->pos++;
        *out = (value_t){t->num, -1, true};
        return true;
    }
    if (t->kind == TOK_IDENT) {
        as->pos++;
        return parse_name(as, t, out);
    }
    if (tok_is(t, '(')) {
        as->pos++;
        if (!parse_binary(as, 0, depth + 1, out))
            return false;
        if (!tok_is(peek(as), ')')) {
            asm_error(as, peek(as)->col, "expected ')'");
            return false;
        }
        as->pos++;
        return true;
    }
    if (tok_is(t, '-') || tok_is(t, '+') || tok_is(t, '~')) {
        as->pos++;
        if (!parse_primary(as, depth + 1, out))
            return false;
        if (tok_is(t, '+') || !out->known)
            return true;
        if (out->sym >= 0) {
            asm_error(as, t->col, "operator '%c' needs a constant, not an address", t->punct);
            return false;
        }
        out->k = tok_is(t, '-') ? (int64_t)(0 - (uint64_t)out->k) : ~out->k;
        return true;
    }
    if (t->kind == TOK_END)
        asm_error(as, t->col, "missing value");
    else if (t->kind == TOK_STR)
        asm_error(as, t->col, "a string is not a value");
    else
        asm_error(as, t->col, "expected a value, got '%.*s'", t->len, t->text);
    return false;
}

/* Operator levels, loosest first. */
static const int levels[][3] = {
    {'|', 0, 0}, {'&', 0, 0}, {PUNCT_SHL, PUNCT_SHR, 0}, {'+', '-', 0}, {'*', '/', '%'},
};
enum { NLEVELS = sizeof levels / sizeof levels[0] };

static bool at_level(const token_t *t, int level)
{
    for (int i = 0; i < 3; i++)
        if (levels[level][i] && tok_is(t, levels[level][i]))
            return true;
    return false;
}

static bool add_values(asm_t *as, const token_t *op, value_t a, value_t b, value_t *out)
{
    if (a.sym >= 0 && b.sym >= 0) {
        asm_error(as, op->col, "cannot add two addresses");
        return false;
    }
    *out = (value_t){(int64_t)((uint64_t)a.k + (uint64_t)b.k), a.sym >= 0 ? a.sym : b.sym, true};
    return true;
}

static bool subtract_values(asm_t *as, const token_t *op, value_t a, value_t b, value_t *out)
{
    int64_t k = (int64_t)((uint64_t)a.k - (uint64_t)b.k), diff = 0;
    if (b.sym < 0) {
        *out = (value_t){k, a.sym, true};
        return true;
    }
    if (a.sym < 0) {
        asm_error(as, op->col, "cannot subtract an address from a constant");
        return false;
    }
    int d = label_difference(as, a.sym, b.sym, &diff);
    if (d == 0) {
        *out = unknown;
        return true;
    }
    if (d < 0) {
        asm_error(as, op->col, "cannot subtract '%s' from '%s': not labels of the same section",
                  as->syms[b.sym].name, as->syms[a.sym].name);
        return false;
    }
    *out = (value_t){(int64_t)((uint64_t)k + (uint64_t)diff), -1, true};
    return true;
}

static bool constant_op(asm_t *as, const token_t *op, int64_t a, int64_t b, int64_t *out)
{
    uint64_t ua = (uint64_t)a, ub = (uint64_t)b;
    switch (op->punct) {
    case '|': *out = (int64_t)(ua | ub); return true;
    case '&': *out = (int64_t)(ua & ub); return true;
    case '*': *out = (int64_t)(ua * ub); return true;
    case PUNCT_SHL:
    case PUNCT_SHR:
        if (b < 0 || b > 63) {
            asm_error(as, op->col, "shift count %lld out of range 0..63", (long long)b);
            return false;
        }
        *out = op->punct == PUNCT_SHL ? (int64_t)(ua << b) : a >> b;
        return true;
    default: break;
    }
    if (b == 0) {
        asm_error(as, op->col, "division by zero");
        return false;
    }
    if (b == -1) /* INT64_MIN / -1 would overflow */
        *out = op->punct == '/' ? (int64_t)(0 - ua) : 0;
    else
        *out = op->punct == '/' ? a / b : a % b;
    return true;
}

static bool combine(asm_t *as, const token_t *op, value_t a, value_t b, value_t *out)
{
    if (!a.known || !b.known) {
        *out = unknown;
        return true;
    }
    if (tok_is(op, '+'))
        return add_values(as, op, a, b, out);
    if (tok_is(op, '-'))
        return subtract_values(as, op, a, b, out);
    if (a.sym >= 0 || b.sym >= 0) {
        asm_error(as, op->col, "operator '%.*s' needs constants, not addresses", op->len, op->text);
        return false;
    }
    *out = (value_t){0, -1, true};
    return constant_op(as, op, a.k, b.k, &out->k);
}

static bool parse_binary(asm_t *as, int level, int depth, value_t *out)
{
    if (level == NLEVELS)
        return parse_primary(as, depth, out);
    if (!parse_binary(as, level + 1, depth, out))
        return false;
    while (at_level(peek(as), level)) {
        const token_t *op = peek(as);
        value_t rhs;
        as->pos++;
        if (!parse_binary(as, level + 1, depth, &rhs) || !combine(as, op, *out, rhs, out))
            return false;
    }
    return true;
}

bool expr_parse(asm_t *as, value_t *out)
{
    return parse_binary(as, 0, 0, out);
}

bool expr_constant(asm_t *as, int col, const value_t *v, const char *what)
{
    if (!v->known) {
        asm_error(as, col, "%s must be a constant known at this line (a name in it is defined later)", what);
        return false;
    }
    if (v->sym >= 0) {
        asm_error(as, col, "%s must be a constant, not an address", what);
        return false;
    }
    return true;
}
