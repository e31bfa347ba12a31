/*
 * The assembler's lexer: one source line into tokens (identifiers, numbers,
 * character and string literals, punctuators), each with its 1-based column
 * so that every diagnostic can point at the offending token.  Comments start
 * with `;` or `//` (`#` is the immediate prefix, not a comment).  Numbers
 * are decimal, hexadecimal (0x) or binary (0b) and must fit in 32 bits;
 * character literals ('a', '\n', '\0', '\'') are numbers too.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "asm_internal.h"

static bool is_ident_start(int c) { return isalpha(c) || c == '_' || c == '.' || c == '$'; }
static bool is_ident_char(int c) { return isalnum(c) || c == '_' || c == '.' || c == '$'; }

static token_t *new_token(asm_t *as, tok_kind_t kind, int col)
{
    as->tok = asm_grow(as->tok, &as->captok, as->ntok + 1, sizeof *as->tok);
    token_t *t = &as->tok[as->ntok++];
    memset(t, 0, sizeof *t);
    t->kind = kind;
    t->col = col;
    return t;
}

static void str_push(asm_t *as, char c)
{
    if (as->strused + 1 > as->strcap) {
        as->strcap = as->strcap ? as->strcap * 2 : 256;
        as->strbuf = realloc(as->strbuf, as->strcap);
        if (!as->strbuf)
            abort();
    }
    as->strbuf[as->strused++] = c;
}

const char *asm_string_bytes(const asm_t *as, const token_t *t)
{
    /* The buffer is only allocated by the first character pushed: an empty
     * string before any other has no bytes to point into (and NULL + 0 is
     * undefined behaviour). */
    return t->slen ? as->strbuf + t->str : "";
}

/* Decode one possibly escaped character at line[*i]; false on a bad escape. */
static bool lex_char(asm_t *as, const char *line, int len, int *i, int *out)
{
    if (line[*i] != '\\') {
        *out = (unsigned char)line[(*i)++];
        return true;
    }
    if (*i + 1 >= len) {
        asm_error(as, *i + 1, "unfinished escape sequence");
        return false;
    }
    char e = line[*i + 1];
    static const char from[] = "ntr0\\'\"";
    static const char to[] = "\n\t\r\0\\'\"";
    const char *p = e ? strchr(from, e) : NULL;
    if (!p) {
        asm_error(as, *i + 1, "unknown escape sequence '\\%c'", isprint((unsigned char)e) ? e : '?');
        return false;
    }
    *out = (unsigned char)to[p - from];
    *i += 2;
    return true;
}

static bool lex_number(asm_t *as, const char *line, int len, int *i)
{
    int start = *i, base = 10;
    if (line[*i] == '0' && *i + 1 < len && (line[*i + 1] == 'x' || line[*i + 1] == 'X'))
        base = 16, *i += 2;
    else if (line[*i] == '0' && *i + 1 < len && (line[*i + 1] == 'b' || line[*i + 1] == 'B'))
        base = 2, *i += 2;
    int digits_at = *i;
    uint64_t v = 0;
    bool too_big = false;
    for (; *i < len && is_ident_char((unsigned char)line[*i]); (*i)++) {
        int c = (unsigned char)line[*i], d;
        if (isdigit(c))
            d = c - '0';
        else if (isxdigit(c))
            d = 10 + tolower(c) - 'a';
        else
            d = 99;
        if (d >= base) {
            while (*i < len && is_ident_char((unsigned char)line[*i]))
                (*i)++;
            asm_error(as, start + 1, "bad number '%.*s'", *i - start, line + start);
            return false;
        }
        v = v * (uint64_t)base + (uint64_t)d;
        too_big |= v > 0xFFFFFFFFu;
    }
    if (*i == digits_at) {
        asm_error(as, start + 1, "bad number '%.*s': no digits", *i - start, line + start);
        return false;
    }
    if (too_big) {
        asm_error(as, start + 1, "number '%.*s' does not fit in 32 bits", *i - start, line + start);
        return false;
    }
    new_token(as, TOK_NUM, start + 1)->num = (int64_t)v;
    return true;
}

static bool lex_char_literal(asm_t *as, const char *line, int len, int *i)
{
    int start = *i, c;
    (*i)++;
    if (*i >= len || line[*i] == '\'') {
        asm_error(as, start + 1, "empty character literal");
        return false;
    }
    if (!lex_char(as, line, len, i, &c))
        return false;
    if (*i >= len || line[*i] != '\'') {
        asm_error(as, start + 1, "unterminated character literal");
        return false;
    }
    (*i)++;
    new_token(as, TOK_NUM, start + 1)->num = c;
    return true;
}

static bool lex_string(asm_t *as, const char *line, int len, int *i)
{
    int start = *i, c;
    size_t first = as->strused;
    (*i)++;
    while (*i < len && line[*i] != '"') {
        if (!lex_char(as, line, len, i, &c))
            return false;
        str_push(as, (char)c);
    }
    if (*i >= len) {
        asm_error(as, start + 1, "unterminated string");
        return false;
    }
    (*i)++;
    token_t *t = new_token(as, TOK_STR, start + 1);
    t->str = first;
    t->slen = as->strused - first;
    return true;
}

static bool lex_punct(asm_t *as, const char *line, int len, int *i)
{
    int c = (unsigned char)line[*i];
    if ((c == '<' || c == '>') && *i + 1 < len && line[*i + 1] == c) {
        token_t *t = new_token(as, TOK_PUNCT, *i + 1);
        t->punct = c == '<' ? PUNCT_SHL : PUNCT_SHR;
        t->text = line + *i;
        t->len = 2;
        *i += 2;
        return true;
    }
    if (!c || !strchr(",:#/[]+-*&|()~%", c)) {
        if (isprint(c))
            asm_error(as, *i + 1, "unexpected character '%c'", c);
        else
            asm_error(as, *i + 1, "unexpected byte 0x%02X", c);
        return false;
    }
    token_t *t = new_token(as, TOK_PUNCT, *i + 1);
    t->punct = c;
    t->text = line + *i;
    t->len = 1;
    (*i)++;
    return true;
}

static bool lex_token(asm_t *as, const char *line, int len, int *i)
{
    int c = (unsigned char)line[*i];
    if (is_ident_start(c)) {
        token_t *t = new_token(as, TOK_IDENT, *i + 1);
        t->text = line + *i;
        while (*i < len && is_ident_char((unsigned char)line[*i]))
            (*i)++;
        t->len = (int)(line + *i - t->text);
        return true;
    }
    if (isdigit(c))
        return lex_number(as, line, len, i);
    if (c == '\'')
        return lex_char_literal(as, line, len, i);
    if (c == '"')
        return lex_string(as, line, len, i);
    return lex_punct(as, line, len, i);
}

bool lex_line(asm_t *as, const char *line, int len)
{
    as->ntok = 0;
    as->pos = 0;
    as->strused = 0;
    int i = 0, end = 0;
    while (i < len) {
        char c = line[i];
        if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
            i++;
            continue;
        }
        if (c == ';' || (c == '/' && i + 1 < len && line[i + 1] == '/'))
            break;
        if (!lex_token(as, line, len, &i))
            return false;
        end = i;
    }
    new_token(as, TOK_END, end + 1);
    return true;
}

bool tok_is(const token_t *t, int punct)
{
    return t->kind == TOK_PUNCT && t->punct == punct;
}

bool tok_ident_is(const token_t *t, const char *word)
{
    return t->kind == TOK_IDENT && (int)strlen(word) == t->len && strncasecmp(t->text, word, (size_t)t->len) == 0;
}

int tok_register(const token_t *t)
{
    if (t->kind != TOK_IDENT)
        return -1;
    if (tok_ident_is(t, "SP"))
        return ISA_REG_SP;
    if (t->len < 2 || (t->text[0] != 'R' && t->text[0] != 'r'))
        return -1;
    int n = 0;
    for (int i = 1; i < t->len; i++) {
        if (!isdigit((unsigned char)t->text[i]))
            return -1;
        if (n < 1000)
            n = n * 10 + (t->text[i] - '0');
    }
    return n < ISA_NREGS ? n : -2;
}
