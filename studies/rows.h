/*
 * The rows of a study: one row per point, each carrying the point's whole
 * configuration and its figures, printed as an aligned table, written as
 * CSV or JSON (an array of objects), and read back from CSV to merge the
 * rows of a sweep made elsewhere.  Cells are text; a cell that reads as a
 * number is written to JSON as a number.
 */
#ifndef MMULAB_ROWS_H
#define MMULAB_ROWS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define ROWS_MAX_COLUMNS 64

typedef struct {
    int ncols;
    char *col[ROWS_MAX_COLUMNS];
    size_t nrows, cap;
    char **cells; /* nrows * ROWS_MAX_COLUMNS, NULL where a row has no value */
    bool oom;     /* an allocation failed: writers report it */
} rows_t;

void rows_init(rows_t *r);
void rows_free(rows_t *r);

/* Start a new row; the setters fill the last row, adding columns as needed. */
void rows_begin(rows_t *r);
void rows_set(rows_t *r, const char *col, const char *text);
void rows_set_in(rows_t *r, size_t row, const char *col, const char *text); /* any row */
void rows_set_u64(rows_t *r, const char *col, uint64_t v);
void rows_set_double(rows_t *r, const char *col, double v);
void rows_setf(rows_t *r, const char *col, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Index of a column, or -1; the cell of row i (NULL if empty). */
int rows_column(const rows_t *r, const char *col);
const char *rows_cell(const rows_t *r, size_t row, int col);

/* Distinct values of a column, in order of first appearance (at most max). */
int rows_distinct(const rows_t *r, int col, const char **out, int max);

/* Append every row of src (columns matched by name). */
void rows_append(rows_t *dst, const rows_t *src);

/* Only the columns whose values differ between rows, plus keep[] (NULL-terminated). */
void rows_print(const rows_t *r, FILE *out, const char *const *keep);
bool rows_write_csv(const rows_t *r, FILE *out);
bool rows_write_json(const rows_t *r, FILE *out);

/* --csv FILE / --json FILE for a command: false after a message on stderr
 * prefixed with "mmulab CMD: ". */
bool rows_save(const rows_t *r, const char *cmd, const char *csv_path, const char *json_path);

/* Read a CSV written by rows_write_csv (RFC 4180 quoting), appending its rows.
 * False with a message in err. */
bool rows_read_csv(rows_t *r, const char *path, char *err, size_t errlen);

#endif
