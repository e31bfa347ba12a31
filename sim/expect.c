/*
 * Parsing and checking of `; expect:` clauses (see expect.h).
 */
#include "expect.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"

static const char *skip_space(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    return s;
}

/* Read one number token (decimal, 0x, K/M) from *s. */
static bool take_number(const char **s, uint32_t *out)
{
    char tok[32];
    size_t n = 0;
    const char *p = skip_space(*s);
    while ((isalnum((unsigned char)p[n]) || p[n] == '-') && n < sizeof tok - 1)
        n++;
    memcpy(tok, p, n);
    tok[n] = 0;
    bool neg = tok[0] == '-';
    uint32_t v;
    if (!n || !parse_u32(neg ? tok + 1 : tok, &v))
        return false;
    *out = neg ? (uint32_t)-v : v;
    *s = p + n;
    return true;
}

/* A double-quoted string with C escapes. */
static char *take_string(const char **s)
{
    const char *p = skip_space(*s);
    if (*p != '"')
        return NULL;
    char *out = malloc(strlen(p) + 1);
    size_t n = 0;
    if (!out)
        return NULL;
    for (p++; *p && *p != '"'; p++) {
        char c = *p;
        if (c == '\\' && p[1]) {
            p++;
            c = *p == 'n' ? '\n' : *p == 't' ? '\t' : *p == '0' ? '\0' : *p;
        }
        out[n++] = c;
    }
    if (*p != '"') {
        free(out);
        return NULL;
    }
    out[n] = 0;
    *s = p + 1;
    return out;
}

static bool parse_modes(const char **s, unsigned *modes)
{
    const char *p = *s;
    *modes = (1u << OS_MODE_COUNT) - 1;
    if (*p != '[')
        return true;
    *modes = 0;
    p++;
    while (*p && *p != ']') {
        size_t n = strcspn(p, ",]");
        bool found = false;
        for (int m = 0; m < OS_MODE_COUNT; m++)
            if (strlen(os_mode_name[m]) == n && !strncmp(p, os_mode_name[m], n)) {
                *modes |= 1u << m;
                found = true;
            }
        if (!found)
            return false;
        p += n;
        if (*p == ',')
            p++;
    }
    if (*p != ']')
        return false;
    *s = p + 1;
    return true;
}

static bool parse_clause(expect_clause_t *c, const char *p)
{
    if (!parse_modes(&p, &c->modes) || *p != ':')
        return false;
    p = skip_space(p + 1);
    size_t n = strcspn(p, " \t");
    if (n == 4 && !strncmp(p, "exit", 4)) {
        uint32_t v;
        p += 4;
        c->kind = EXPECT_EXIT;
        if (!take_number(&p, &v))
            return false;
        c->code = (int)v;
    } else if (n == 5 && !strncmp(p, "fault", 5)) {
        p = skip_space(p + 5);
        c->kind = EXPECT_FAULT;
        size_t k = strcspn(p, " \t\r\n");
        for (int t = 0; t < TRAP_COUNT; t++)
            if (strlen(trap_name[t]) == k && !strncmp(p, trap_name[t], k)) {
                c->cause = (trap_cause_t)t;
                return true;
            }
        return false;
    } else if (n == 6 && !strncmp(p, "output", 6)) {
        p += 6;
        c->kind = EXPECT_OUTPUT;
        return (c->text = take_string(&p)) != NULL;
    } else if (n == 4 && !strncmp(p, "word", 4)) {
        p += 4;
        c->kind = EXPECT_WORD;
        if (!take_number(&p, &c->addr))
            return false;
        p = skip_space(p);
        if (*p++ != '=')
            return false;
        return take_number(&p, &c->value);
    } else if (n == 4 && !strncmp(p, "same", 4)) {
        p += 4;
        c->kind = EXPECT_SAME;
        if (!take_number(&p, &c->addr) || !take_number(&p, &c->addr2))
            return false;
        p = skip_space(p);
        if (*p++ != '@')
            return false;
        return take_number(&p, &c->count_addr);
    } else
        return false;
    return true;
}

bool expect_parse_text(expect_t *e, const char *path, const char *text, FILE *err)
{
    memset(e, 0, sizeof *e);
    int line = 1;
    for (const char *p = text; *p; line++) {
        const char *eol = strchr(p, '\n');
        size_t len = eol ? (size_t)(eol - p) : strlen(p);
        const char *s = skip_space(p);
        if (*s == ';' && !strncmp(skip_space(s + 1), "expect", 6)) {
            const char *clause = skip_space(s + 1) + 6;
            char buf[512];
            size_t n = len - (size_t)(clause - p);
            if (n >= sizeof buf)
                n = sizeof buf - 1;
            memcpy(buf, clause, n);
            buf[n] = 0;
            if (e->n == EXPECT_MAX || !parse_clause(&e->c[e->n], buf)) {
                fprintf(err, "%s:%d:%d: error: malformed expectation (see sim/expect.h for the forms)\n", path,
                        line, (int)(clause - p) + 1);
                return false;
            }
            e->c[e->n++].line = line;
        }
        p += len + (eol ? 1 : 0);
    }
    return true;
}

bool expect_parse_file(expect_t *e, const char *path, FILE *err)
{
    memset(e, 0, sizeof *e);
    FILE *f = fopen(path, "rb");
    if (!f)
        return true;
    char *text = malloc(1 << 20);
    size_t n = text ? fread(text, 1, (1 << 20) - 1, f) : 0;
    fclose(f);
    if (!text)
        return true;
    text[n] = 0;
    bool ok = n < 4 || memcmp(text, "\177ELF", 4) ? expect_parse_text(e, path, text, err) : true;
    free(text);
    return ok;
}

void expect_free(expect_t *e)
{
    for (int i = 0; i < e->n; i++)
        free(e->c[i].text);
    e->n = 0;
}

static bool read_word(os_t *os, int pid, uint32_t addr, uint32_t *v)
{
    uint8_t b[4];
    if (!os_read_logical(os, pid, addr, b, 4))
        return false;
    *v = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
    return true;
}

static bool check_same(const expect_clause_t *c, os_t *os, int pid, FILE *report)
{
    uint32_t count, a, b;
    if (!read_word(os, pid, c->count_addr, &count) || count > (1u << 20)) {
        fprintf(report, "cannot read the count at %u\n", c->count_addr);
        return false;
    }
    uint32_t differ = 0;
    for (uint32_t i = 0; i < count; i++)
        if (!read_word(os, pid, c->addr + 4 * i, &a) || !read_word(os, pid, c->addr2 + 4 * i, &b) || a != b)
            differ++;
    if (differ)
        fprintf(report, "%u of %u words at %u differ from those at %u\n", differ, count, c->addr, c->addr2);
    return differ == 0;
}

static bool check_clause(const expect_clause_t *c, os_t *os, int pid, FILE *report)
{
    process_t *p = os_process(os, pid);
    uint32_t v = 0;
    switch (c->kind) {
    case EXPECT_EXIT:
        if (p->state == PROC_EXITED && p->exit_code == c->code)
            return true;
        if (p->state == PROC_EXITED)
            fprintf(report, "exit code %d, expected %d\n", p->exit_code, c->code);
        else
            fprintf(report, "expected exit %d: %s\n", c->code, p->fault_msg);
        return false;
    case EXPECT_FAULT:
        if (p->state == PROC_KILLED && p->fault.cause == c->cause)
            return true;
        fprintf(report, "expected a %s fault; %s\n", trap_name[c->cause],
                p->state == PROC_EXITED ? "it exited normally" : p->fault_msg);
        return false;
    case EXPECT_OUTPUT:
        if (p->output && strlen(c->text) == p->output_len && !memcmp(p->output, c->text, p->output_len))
            return true;
        fprintf(report, "output \"%.*s\", expected \"%s\"\n", (int)p->output_len, p->output ? p->output : "", c->text);
        return false;
    case EXPECT_WORD:
        if (read_word(os, pid, c->addr, &v) && v == c->value)
            return true;
        fprintf(report, "word at %u is %u, expected %u\n", c->addr, v, c->value);
        return false;
    case EXPECT_SAME:
        return check_same(c, os, pid, report);
    }
    return false;
}

bool expect_verify(const expect_t *e, os_t *os, int pid, os_mode_t mode, FILE *report, int *applied)
{
    bool ok = true;
    *applied = 0;
    for (int i = 0; i < e->n; i++) {
        if (!(e->c[i].modes & (1u << mode)))
            continue;
        (*applied)++;
        if (!check_clause(&e->c[i], os, pid, report))
            ok = false;
    }
    return ok;
}
