/*
 * Study figures through gnuplot (see plot.h).
 */
#include "plot.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#define MAX_CURVES 64
#define MAX_CATEGORIES 256

bool plot_path_ok(const char *path, char *err, size_t errlen)
{
    size_t n = path ? strlen(path) : 0;
    if (n > 4 && (!strcmp(path + n - 4, ".png") || !strcmp(path + n - 4, ".svg")))
        return true;
    snprintf(err, errlen, "--plot '%s': the picture's name must end in .png or .svg", path ? path : "");
    return false;
}

/* A gnuplot string literal (double quotes, noenhanced text). */
static void gp_string(FILE *gp, const char *text)
{
    fputc('"', gp);
    for (; *text; text++) {
        if (*text == '"' || *text == '\\')
            fputc('\\', gp);
        fputc(*text == '\n' ? ' ' : *text, gp);
    }
    fputc('"', gp);
}

/* The curve a row belongs to: its series values joined, e.g. "4096, full". */
static void curve_key(const rows_t *rows, size_t i, const int *scol, int ns, char *out, size_t len)
{
    out[0] = 0;
    for (int s = 0; s < ns; s++) {
        const char *v = rows_cell(rows, i, scol[s]);
        size_t used = strlen(out);
        snprintf(out + used, len - used, "%s%s", s ? ", " : "", v ? v : "-");
    }
}

static int curves(const rows_t *rows, const int *scol, int ns, char keys[][96])
{
    int n = 0;
    char key[96];
    for (size_t i = 0; i < rows->nrows; i++) {
        curve_key(rows, i, scol, ns, key, sizeof key);
        int k = 0;
        while (k < n && strcmp(keys[k], key))
            k++;
        if (k == n && n < MAX_CURVES)
            strcpy(keys[n++], key);
    }
    return n;
}

typedef struct {
    double x, y;
} point_t;

static int by_x(const void *a, const void *b)
{
    double d = ((const point_t *)a)->x - ((const point_t *)b)->x;
    return (d > 0) - (d < 0);
}

static double yscaled(const plot_spec_t *spec, const char *v)
{
    return strtod(v, NULL) * (spec->yscale ? spec->yscale : 1);
}

/* One datablock per curve, x sorted, then the plot command. */
static void lines(FILE *gp, const rows_t *rows, const plot_spec_t *spec, int xc, int yc, const int *scol, int ns)
{
    char keys[MAX_CURVES][96], key[96];
    int n = curves(rows, scol, ns, keys);
    point_t *pts = malloc((rows->nrows + 1) * sizeof *pts);
    double lo = 0, hi = 0;
    for (size_t i = 0; i < rows->nrows; i++) {
        const char *x = rows_cell(rows, i, xc);
        double v = x ? strtod(x, NULL) : 0;
        lo = i == 0 || v < lo ? v : lo;
        hi = i == 0 || v > hi ? v : hi;
    }
    double pad = (hi - lo) * 0.04 + (hi == lo);
    if (spec->logx && lo > 0)
        fprintf(gp, "set xrange [%.10g:%.10g]\n", lo / 1.15, hi * 1.15);
    else if (!spec->logx)
        fprintf(gp, "set xrange [%.10g:%.10g]\n", lo >= 0 && lo - pad < 0 ? 0 : lo - pad, hi + pad);
    for (int k = 0; k < n && pts; k++) {
        size_t np = 0;
        for (size_t i = 0; i < rows->nrows; i++) {
            curve_key(rows, i, scol, ns, key, sizeof key);
            const char *x = rows_cell(rows, i, xc), *y = rows_cell(rows, i, yc);
            if (!strcmp(key, keys[k]) && x && y)
                pts[np++] = (point_t){strtod(x, NULL), yscaled(spec, y)};
        }
        qsort(pts, np, sizeof *pts, by_x);
        fprintf(gp, "$c%d << EOD\n", k);
        for (size_t i = 0; i < np; i++)
            fprintf(gp, "%.10g %.10g\n", pts[i].x, pts[i].y);
        fprintf(gp, "EOD\n");
    }
    free(pts);
    fprintf(gp, "plot ");
    bool dense = rows->nrows > 60 * (size_t)(n ? n : 1); /* markers would hide the curves */
    for (int k = 0; k < n; k++) {
        fprintf(gp, "%s$c%d using 1:2 with %s linewidth 2 dashtype %d title ", k ? ", " : "", k,
                dense ? "lines" : "linespoints pointsize 1.2", k % 5 + 1);
        gp_string(gp, ns ? keys[k] : spec->ylabel);
    }
    fprintf(gp, "\n");
}

/* Clustered boxes: a category per x value, a box per curve. */
static void bars(FILE *gp, const rows_t *rows, const plot_spec_t *spec, int xc, int yc, const int *scol, int ns)
{
    char keys[MAX_CURVES][96], key[96];
    const char *cats[MAX_CATEGORIES];
    int n = curves(rows, scol, ns, keys), nc = rows_distinct(rows, xc, cats, MAX_CATEGORIES);
    fprintf(gp, "set style data histogram\nset style histogram clustered gap 1\n"
                "set style fill solid 0.85 border -1\nset boxwidth 0.9\nset xtics nomirror\n");
    fprintf(gp, "$bars << EOD\n");
    for (int c = 0; c < nc; c++) {
        gp_string(gp, cats[c]);
        for (int k = 0; k < n; k++) {
            const char *y = NULL;
            for (size_t i = 0; i < rows->nrows && !y; i++) {
                curve_key(rows, i, scol, ns, key, sizeof key);
                const char *x = rows_cell(rows, i, xc);
                if (x && !strcmp(x, cats[c]) && !strcmp(key, keys[k]))
                    y = rows_cell(rows, i, yc);
            }
            fprintf(gp, " %.10g", y ? yscaled(spec, y) : 0.0);
        }
        fprintf(gp, "\n");
    }
    fprintf(gp, "EOD\nplot ");
    for (int k = 0; k < n; k++) {
        fprintf(gp, "%s$bars using %d%s title ", k ? ", " : "", k + 2, k ? "" : ":xtic(1)");
        gp_string(gp, ns ? keys[k] : spec->ylabel);
    }
    fprintf(gp, "\n");
}

static void preamble(FILE *gp, const char *path, const plot_spec_t *spec, const char *subject)
{
    bool svg = !strcmp(path + strlen(path) - 4, ".svg");
    fprintf(gp, "set terminal %s size 960,600 font \"DejaVu Sans,%d\" noenhanced\n",
            svg ? "svg dynamic background rgb 'white'" : "pngcairo", svg ? 13 : 11);
    fprintf(gp, "set output ");
    gp_string(gp, path);
    char title[512];
    snprintf(title, sizeof title, "%s%s%s", spec->title, subject && *subject ? ": " : "", subject ? subject : "");
    fprintf(gp, "\nset title ");
    gp_string(gp, title);
    fprintf(gp, "\nset xlabel ");
    gp_string(gp, spec->xlabel);
    fprintf(gp, "\nset ylabel ");
    gp_string(gp, spec->ylabel);
    fprintf(gp, "\nset grid\nset key outside right top box\nset yrange [0:*]\n");
    if (spec->logx)
        fprintf(gp, "set logscale x 2\n");
}

bool plot_rows(const char *path, const rows_t *rows, const plot_spec_t *spec, const char *subject, char *err,
               size_t errlen)
{
    if (!plot_path_ok(path, err, errlen))
        return false;
    int xc = rows_column(rows, spec->x), yc = rows_column(rows, spec->y), scol[PLOT_MAX_SERIES], ns = 0;
    if (xc < 0 || yc < 0 || !rows->nrows) {
        snprintf(err, errlen, "--plot %s: no %s and %s to draw", path, spec->x, spec->y);
        return false;
    }
    for (int s = 0; spec->series[s] && s < PLOT_MAX_SERIES; s++) {
        const char *two[2];
        int c = rows_column(rows, spec->series[s]);
        if (c >= 0 && rows_distinct(rows, c, two, 2) > 1) /* a constant says nothing in a legend */
            scol[ns++] = c;
    }
    fflush(NULL);
    FILE *gp = popen("gnuplot", "w");
    if (!gp) {
        snprintf(err, errlen, "--plot %s: cannot start gnuplot", path);
        return false;
    }
    void (*old)(int) = signal(SIGPIPE, SIG_IGN);
    preamble(gp, path, spec, subject);
    if (ns) {
        char names[160] = "";
        for (int s = 0; s < ns; s++)
            snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s", s ? ", " : "", rows->col[scol[s]]);
        fprintf(gp, "set key title ");
        gp_string(gp, names);
        fprintf(gp, "\n");
    }
    (spec->bars ? bars : lines)(gp, rows, spec, xc, yc, scol, ns);
    int status = pclose(gp);
    signal(SIGPIPE, old);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
        snprintf(err, errlen, "--plot %s: gnuplot is not installed (scripts/deps.sh plot installs Debian's gnuplot-nox)",
                 path);
    else if (status != 0)
        snprintf(err, errlen, "--plot %s: gnuplot failed (status %d)", path, status);
    return status == 0;
}
