/*
 * Belady's anomaly in a study's rows (see belady.h).
 */
#include "belady.h"

#include <stdlib.h>
#include <string.h>

#define MAX_CURVES 64

/* Row of curve `key` with the largest x below `x`, or -1. */
static long previous_point(const rows_t *rows, int xc, int sc, const char *key, double x)
{
    long best = -1;
    double best_x = 0;
    for (size_t i = 0; i < rows->nrows; i++) {
        const char *s = sc < 0 ? "" : rows_cell(rows, i, sc), *xv = rows_cell(rows, i, xc);
        double xi = xv ? strtod(xv, NULL) : 0;
        if (xv && s && !strcmp(s, key) && xi < x && (best < 0 || xi > best_x)) {
            best = (long)i;
            best_x = xi;
        }
    }
    return best;
}

int belady_report(const rows_t *rows, const char *x, const char *y, const char *series, FILE *out)
{
    int xc = rows_column(rows, x), yc = rows_column(rows, y), sc = rows_column(rows, series), found = 0;
    if (xc < 0 || yc < 0)
        return 0;
    for (size_t i = 0; i < rows->nrows; i++) {
        const char *key = sc < 0 ? "" : rows_cell(rows, i, sc), *xv = rows_cell(rows, i, xc),
                   *yv = rows_cell(rows, i, yc);
        if (!key || !xv || !yv)
            continue;
        long prev = previous_point(rows, xc, sc, key, strtod(xv, NULL));
        if (prev < 0 || strtod(rows_cell(rows, (size_t)prev, yc), NULL) >= strtod(yv, NULL))
            continue;
        fprintf(out, "Belady's anomaly: %s%s%s rise from %s with %s %s to %s with %s %s\n", key, *key ? ": " : "",
                y, rows_cell(rows, (size_t)prev, yc), rows_cell(rows, (size_t)prev, xc), x, yv, xv, x);
        found++;
    }
    return found;
}
