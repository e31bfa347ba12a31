/*
 * Rows of a study (see rows.h).
 */
#include "rows.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "../obs/quote.h"

void rows_init(rows_t *r) { memset(r, 0, sizeof *r); }

void rows_free(rows_t *r)
{
    for (size_t i = 0; i < r->nrows * ROWS_MAX_COLUMNS; i++)
        free(r->cells[i]);
    free(r->cells);
    for (int c = 0; c < r->ncols; c++)
        free(r->col[c]);
    rows_init(r);
}

void rows_begin(rows_t *r)
{
    if (r->nrows == r->cap) {
        size_t cap = r->cap ? 2 * r->cap : 16;
        char **cells = realloc(r->cells, cap * ROWS_MAX_COLUMNS * sizeof *cells);
        if (!cells) {
            r->oom = true;
            return;
        }
        r->cells = cells;
        r->cap = cap;
    }
    memset(&r->cells[r->nrows * ROWS_MAX_COLUMNS], 0, ROWS_MAX_COLUMNS * sizeof *r->cells);
    r->nrows++;
}

int rows_column(const rows_t *r, const char *col)
{
    for (int c = 0; c < r->ncols; c++)
        if (!strcmp(r->col[c], col))
            return c;
    return -1;
}

static int add_column(rows_t *r, const char *col)
{
    int c = rows_column(r, col);
    if (c >= 0)
        return c;
    if (r->ncols == ROWS_MAX_COLUMNS || !(r->col[r->ncols] = strdup(col))) {
        r->oom = true;
        return -1;
    }
    return r->ncols++;
}

const char *rows_cell(const rows_t *r, size_t row, int col)
{
    return col < 0 || row >= r->nrows ? NULL : r->cells[row * ROWS_MAX_COLUMNS + (size_t)col];
}

void rows_set(rows_t *r, const char *col, const char *text)
{
    if (r->nrows)
        rows_set_in(r, r->nrows - 1, col, text);
}

void rows_set_in(rows_t *r, size_t row, const char *col, const char *text)
{
    int c = add_column(r, col);
    if (c < 0 || row >= r->nrows)
        return;
    char **cell = &r->cells[row * ROWS_MAX_COLUMNS + (size_t)c];
    free(*cell);
    if (!(*cell = strdup(text ? text : "")))
        r->oom = true;
}

void rows_set_u64(rows_t *r, const char *col, uint64_t v)
{
    char buf[24];
    snprintf(buf, sizeof buf, "%" PRIu64, v);
    rows_set(r, col, buf);
}

void rows_set_double(rows_t *r, const char *col, double v)
{
    char buf[40];
    snprintf(buf, sizeof buf, "%.6g", v);
    rows_set(r, col, buf);
}

void rows_setf(rows_t *r, const char *col, const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    rows_set(r, col, buf);
}

int rows_distinct(const rows_t *r, int col, const char **out, int max)
{
    int n = 0;
    for (size_t i = 0; i < r->nrows; i++) {
        const char *v = rows_cell(r, i, col);
        v = v ? v : "";
        int k = 0;
        while (k < n && strcmp(out[k], v))
            k++;
        if (k == n && n < max)
            out[n++] = v;
    }
    return n;
}

void rows_append(rows_t *dst, const rows_t *src)
{
    for (size_t i = 0; i < src->nrows; i++) {
        rows_begin(dst);
        for (int c = 0; c < src->ncols; c++)
            if (rows_cell(src, i, c))
                rows_set(dst, src->col[c], rows_cell(src, i, c));
    }
    dst->oom |= src->oom;
}

static bool varies(const rows_t *r, int c)
{
    const char *first[2];
    return rows_distinct(r, c, first, 2) > 1;
}

static bool kept(const char *col, const char *const *keep)
{
    for (int i = 0; keep && keep[i]; i++)
        if (!strcmp(keep[i], col))
            return true;
    return false;
}

void rows_print(const rows_t *r, FILE *out, const char *const *keep)
{
    int width[ROWS_MAX_COLUMNS];
    bool shown[ROWS_MAX_COLUMNS];
    for (int c = 0; c < r->ncols; c++) {
        shown[c] = kept(r->col[c], keep) || varies(r, c);
        width[c] = (int)strlen(r->col[c]);
        for (size_t i = 0; i < r->nrows; i++) {
            const char *v = rows_cell(r, i, c);
            if (v && (int)strlen(v) > width[c])
                width[c] = (int)strlen(v);
        }
    }
    for (int c = 0; c < r->ncols; c++)
        if (shown[c])
            fprintf(out, "%-*s  ", width[c], r->col[c]);
    fputc('\n', out);
    for (size_t i = 0; i < r->nrows; i++) {
        for (int c = 0; c < r->ncols; c++)
            if (shown[c]) {
                const char *v = rows_cell(r, i, c);
                fprintf(out, "%-*s  ", width[c], v ? v : "-");
            }
        fputc('\n', out);
    }
}

bool rows_write_csv(const rows_t *r, FILE *out)
{
    for (int c = 0; c < r->ncols; c++) {
        fputs(c ? "," : "", out);
        csv_write_field(out, r->col[c]);
    }
    fputc('\n', out);
    for (size_t i = 0; i < r->nrows; i++) {
        for (int c = 0; c < r->ncols; c++) {
            const char *v = rows_cell(r, i, c);
            fputs(c ? "," : "", out);
            csv_write_field(out, v ? v : "");
        }
        fputc('\n', out);
    }
    return !r->oom && !ferror(out);
}

static bool is_number(const char *v)
{
    char *end;
    if (!*v || strchr(v, ' ') || (*v == '0' && v[1] && v[1] != '.') || (*v == '-' && v[1] == '0' && v[2] && v[2] != '.'))
        return false; /* leading zeros and hex are text, as JSON wants */
    double d = strtod(v, &end);
    return !*end && isfinite(d) && !strpbrk(v, "xXnNiI");
}

bool rows_write_json(const rows_t *r, FILE *out)
{
    fputs("[", out);
    for (size_t i = 0; i < r->nrows; i++) {
        fputs(i ? ",\n  {" : "\n  {", out);
        bool first = true;
        for (int c = 0; c < r->ncols; c++) {
            const char *v = rows_cell(r, i, c);
            if (!v)
                continue;
            fputs(first ? "" : ", ", out);
            first = false;
            json_write_string(out, r->col[c]);
            fputs(": ", out);
            if (is_number(v))
                fputs(v, out);
            else
                json_write_string(out, v);
        }
        fputs("}", out);
    }
    fputs("\n]\n", out);
    return !r->oom && !ferror(out);
}

static bool save_one(const rows_t *r, const char *cmd, const char *path, bool (*write)(const rows_t *, FILE *))
{
    FILE *f = !path ? NULL : strcmp(path, "-") ? fopen(path, "w") : stdout;
    if (!path)
        return true;
    if (!f) {
        fprintf(stderr, "mmulab %s: cannot write %s\n", cmd, path);
        return false;
    }
    bool ok = write(r, f);
    if (f != stdout)
        ok = fclose(f) == 0 && ok;
    if (!ok)
        fprintf(stderr, "mmulab %s: error writing %s%s\n", cmd, path, r->oom ? " (out of memory)" : "");
    return ok;
}

bool rows_save(const rows_t *r, const char *cmd, const char *csv_path, const char *json_path)
{
    return save_one(r, cmd, csv_path, rows_write_csv) && save_one(r, cmd, json_path, rows_write_json);
}

static void free_fields(char **fields, int n)
{
    for (int i = 0; i < n; i++)
        free(fields[i]);
}

/* One CSV record from f into fields (malloc'd); -1 at the end, -2 on error. */
static int read_record(FILE *f, char **fields, int max)
{
    int n = 0, ch = fgetc(f);
    if (ch == EOF)
        return -1;
    for (;;) {
        size_t len = 0, cap = 32;
        char *field = malloc(cap);
        bool quoted = ch == '"';
        if (quoted)
            ch = fgetc(f);
        for (;; ch = fgetc(f)) {
            if (ch == EOF && quoted) {
                free(field);
                free_fields(fields, n);
                return -2;
            }
            if (quoted && ch == '"') {
                ch = fgetc(f);
                if (ch != '"') {
                    quoted = false;
                    if (ch == ',' || ch == '\n' || ch == '\r' || ch == EOF)
                        break;
                }
            } else if (!quoted && (ch == ',' || ch == '\n' || ch == '\r' || ch == EOF)) {
                break;
            }
            char *grown = field && len + 1 == cap && len < (1u << 20) ? realloc(field, cap *= 2) : field;
            if (!grown || len + 1 == cap) {
                free(grown ? grown : field);
                free_fields(fields, n);
                return -2;
            }
            field = grown;
            field[len++] = (char)ch;
        }
        if (!field || n == max) {
            free(field);
            free_fields(fields, n);
            return -2;
        }
        field[len] = 0;
        fields[n++] = field;
        if (ch == '\r')
            ch = fgetc(f);
        if (ch != ',')
            return n;
        ch = fgetc(f);
    }
}

bool rows_read_csv(rows_t *r, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "cannot read %s", path);
        return false;
    }
    char *header[ROWS_MAX_COLUMNS], *fields[ROWS_MAX_COLUMNS];
    int ncols = read_record(f, header, ROWS_MAX_COLUMNS), n;
    bool ok = ncols > 0;
    size_t line = 1;
    while (ok && (n = read_record(f, fields, ROWS_MAX_COLUMNS)) != -1) {
        line++;
        ok = n == ncols || (n == 1 && !*fields[0]);
        if (ok && n == ncols) {
            rows_begin(r);
            for (int c = 0; c < ncols; c++)
                if (*fields[c])
                    rows_set(r, header[c], fields[c]);
        }
        if (n > 0)
            free_fields(fields, n);
    }
    if (!ok)
        snprintf(err, errlen, "%s:%zu: not a CSV of rows (wrong number of fields or bad quoting)", path, line);
    if (ncols > 0)
        free_fields(header, ncols);
    fclose(f);
    return ok && !r->oom;
}
