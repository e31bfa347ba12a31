/*
 * Sweep specs, points and their files (see sweep.h).
 */
#include "sweep.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The commands that write their own rows with --csv. */
static const char *const row_commands[] = {"refs", "tlbsim", "run", "compare", "thrash", "workload", NULL};

#define MAX_LINE 8192

/* Split a line into words: blanks separate, '...' and "..." quote, # starts
 * a comment outside quotes.  Returns the count, or -1 for an open quote. */
static int split_words(char *line, char **words, int max)
{
    int n = 0;
    char *p = line, *out;
    for (;;) {
        while (*p == ' ' || *p == '\t')
            p++;
        if (!*p || *p == '#' || *p == '\n' || *p == '\r')
            return n;
        if (n == max)
            return -2;
        words[n++] = out = p;
        while (*p && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r') {
            if (*p == '\'' || *p == '"') {
                char q = *p++;
                while (*p && *p != q)
                    *out++ = *p++;
                if (!*p)
                    return -1;
                p++;
            } else {
                *out++ = *p++;
            }
        }
        bool end = !*p;
        *out = 0;
        if (end)
            return n;
        p++;
    }
}

static bool add_word(sweep_t *s, const char *w)
{
    if (s->nfixed == SWEEP_MAX_WORDS)
        return false;
    return (s->fixed[s->nfixed++] = strdup(w)) != NULL;
}

/* One line of the spec; false with a message (without the location) in err. */
static bool spec_line(sweep_t *s, char **w, int n, char *err, size_t errlen)
{
    if (!strcmp(w[0], "command") && n == 2) {
        snprintf(s->command, sizeof s->command, "%s", w[1]);
        for (int i = 0; row_commands[i]; i++)
            s->rows_native |= !strcmp(row_commands[i], w[1]);
        return true;
    }
    if (!strcmp(w[0], "fixed")) {
        for (int i = 1; i < n; i++)
            if (!add_word(s, w[i])) {
                snprintf(err, errlen, "more than %d fixed words", SWEEP_MAX_WORDS);
                return false;
            }
        return true;
    }
    if (!strcmp(w[0], "axis") && n == 3 && !strncmp(w[1], "--", 2)) {
        for (int a = 0; a < s->grid.naxes; a++)
            if (!strcmp(s->grid.axes[a].option, w[1])) {
                snprintf(err, errlen, "axis %s given twice", w[1]);
                return false;
            }
        char *option = strdup(w[1]); /* the grid's axis keeps it; sweep_free frees it */
        if (option && grid_add(&s->grid, option, w[2], NULL, 0, err, errlen))
            return true;
        if (!option)
            snprintf(err, errlen, "out of memory");
        else if (s->grid.naxes && s->grid.axes[s->grid.naxes - 1].option == option)
            return false; /* added, then the grid grew too big: freed with the grid */
        free(option);
        return false;
    }
    if ((!strcmp(w[0], "output") || !strcmp(w[0], "plot")) && n == 2) {
        snprintf(!strcmp(w[0], "output") ? s->output : s->plot, sizeof s->output, "%s", w[1]);
        return true;
    }
    snprintf(err, errlen,
             "expected `command NAME`, `fixed WORDS...`, `axis --OPTION VALUES`, `output DIR` or `plot FILE`");
    return false;
}

static void default_output(sweep_t *s, const char *path)
{
    size_t n = strlen(path);
    if (n > 5 && !strcmp(path + n - 5, ".spec"))
        n -= 5;
    snprintf(s->output, sizeof s->output, "%.*s.out", (int)n, path);
}

bool sweep_read(sweep_t *s, const char *path, char *err, size_t errlen)
{
    memset(s, 0, sizeof *s);
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "%s: cannot read the sweep spec (%s)", path, strerror(errno));
        return false;
    }
    char line[MAX_LINE], msg[512];
    char *w[SWEEP_MAX_WORDS];
    unsigned long long lineno = 0;
    bool ok = true;
    while (ok && fgets(line, sizeof line, f)) {
        lineno++;
        if (!strchr(line, '\n') && !feof(f)) {
            snprintf(err, errlen, "%s:%llu: error: line longer than %d characters", path, lineno, MAX_LINE - 2);
            ok = false;
            break;
        }
        int n = split_words(line, w, SWEEP_MAX_WORDS);
        if (n < 0) {
            snprintf(err, errlen, "%s:%llu: error: %s", path, lineno, n == -1 ? "unclosed quote" : "too many words");
            ok = false;
        } else if (n > 0 && !spec_line(s, w, n, msg, sizeof msg)) {
            snprintf(err, errlen, "%s:%llu: error: %s", path, lineno, msg);
            ok = false;
        }
    }
    fclose(f);
    if (ok && !s->command[0]) {
        snprintf(err, errlen, "%s: error: no `command NAME` line", path);
        ok = false;
    }
    if (ok && !s->output[0])
        default_output(s, path);
    return ok;
}

void sweep_free(sweep_t *s)
{
    for (int i = 0; i < s->nfixed; i++)
        free(s->fixed[i]);
    for (int a = 0; a < s->grid.naxes; a++)
        free((char *)s->grid.axes[a].option);
    grid_free(&s->grid);
    s->nfixed = 0;
}

size_t sweep_points(const sweep_t *s) { return grid_points(&s->grid); }

char **sweep_point_argv(const sweep_t *s, size_t i, const char *mmulab, const char *rows_path, int *argc)
{
    char **argv = calloc((size_t)(s->nfixed + 2 * s->grid.naxes + 5), sizeof *argv);
    if (!argv)
        return NULL;
    int n = 0;
    argv[n++] = (char *)mmulab;
    argv[n++] = (char *)s->command;
    for (int k = 0; k < s->nfixed; k++)
        argv[n++] = s->fixed[k];
    for (int a = 0; a < s->grid.naxes; a++) {
        argv[n++] = (char *)s->grid.axes[a].option;
        argv[n++] = (char *)grid_value(&s->grid, i, a);
    }
    if (s->rows_native && rows_path) {
        argv[n++] = "--csv";
        argv[n++] = (char *)rows_path;
    }
    *argc = n;
    return argv;
}

void sweep_point_text(const sweep_t *s, size_t i, char *out, size_t len)
{
    int argc;
    char **argv = sweep_point_argv(s, i, "mmulab", NULL, &argc);
    out[0] = 0;
    for (int k = 0; argv && k < argc; k++) {
        size_t used = strlen(out);
        bool quote = strpbrk(argv[k], " \t'\"") != NULL || !*argv[k];
        snprintf(out + used, len - used, "%s%s%s%s", k ? " " : "", quote ? "'" : "", argv[k], quote ? "'" : "");
    }
    free(argv);
}

void sweep_point_path(const sweep_t *s, size_t i, const char *ext, char *out, size_t len)
{
    snprintf(out, len, "%s/points/%06zu.%s", s->output, i, ext);
}

/* Same command and the same point list, so existing point files belong. */
static bool sweep_same_points(const sweep_t *a, const sweep_t *b)
{
    size_t n = sweep_points(a);
    if (strcmp(a->command, b->command) || n != sweep_points(b))
        return false;
    char x[8192], y[8192];
    for (size_t i = 0; i < n; i++) {
        sweep_point_text(a, i, x, sizeof x);
        sweep_point_text(b, i, y, sizeof y);
        if (strcmp(x, y))
            return false;
    }
    return true;
}

static bool make_dir(const char *path, char *err, size_t errlen)
{
    if (mkdir(path, 0777) == 0 || errno == EEXIST)
        return true;
    snprintf(err, errlen, "cannot create %s (%s)", path, strerror(errno));
    return false;
}

bool sweep_prepare(const sweep_t *s, const char *spec_path, char *err, size_t errlen)
{
    char points[4200], info[4200], line[MAX_LINE];
    snprintf(points, sizeof points, "%s/points", s->output);
    snprintf(info, sizeof info, "%s/sweep.spec", s->output);
    if (!make_dir(s->output, err, errlen) || !make_dir(points, err, errlen))
        return false;
    sweep_t before;
    char why[512];
    if (access(info, R_OK) == 0 && sweep_read(&before, info, why, sizeof why)) {
        bool same = sweep_same_points(s, &before);
        sweep_free(&before);
        if (!same) { /* its point files would be taken for this sweep's */
            snprintf(err, errlen, "%s holds the results of another sweep (its sweep.spec has other points); "
                                  "remove it or give this one another output", s->output);
            return false;
        }
    }
    FILE *in = fopen(spec_path, "r"), *out = fopen(info, "w");
    bool ok = in && out;
    while (ok && fgets(line, sizeof line, in))
        ok = fputs(line, out) >= 0;
    if (in)
        fclose(in);
    if (out && fclose(out) != 0)
        ok = false;
    if (!ok)
        snprintf(err, errlen, "cannot copy %s to %s", spec_path, info);
    return ok;
}

bool sweep_from_dir(sweep_t *s, const char *dir, char *err, size_t errlen)
{
    char info[4200];
    snprintf(info, sizeof info, "%s/sweep.spec", dir);
    if (access(info, R_OK) != 0) {
        snprintf(err, errlen, "%s: not a sweep's results (no sweep.spec in it)", dir);
        return false;
    }
    if (!sweep_read(s, info, err, errlen))
        return false;
    snprintf(s->output, sizeof s->output, "%s", dir);
    return true;
}

bool sweep_write_plain_row(const sweep_t *s, size_t i, int exit_code, double seconds, const char *path)
{
    rows_t rows;
    char text[8192];
    rows_init(&rows);
    rows_begin(&rows);
    rows_set(&rows, "command", s->command);
    for (int a = 0; a < s->grid.naxes; a++)
        rows_set(&rows, s->grid.axes[a].option + 2, grid_value(&s->grid, i, a));
    rows_setf(&rows, "exit_code", "%d", exit_code);
    rows_setf(&rows, "seconds", "%.3f", seconds);
    sweep_point_text(s, i, text, sizeof text);
    rows_set(&rows, "arguments", text);
    FILE *f = fopen(path, "w");
    bool ok = f && rows_write_csv(&rows, f);
    ok = f && fclose(f) == 0 && ok;
    rows_free(&rows);
    return ok;
}

bool sweep_merge(const sweep_t *s, rows_t *rows, size_t *missing, char *err, size_t errlen)
{
    size_t n = sweep_points(s);
    *missing = 0;
    for (size_t i = 0; i < n; i++) {
        char path[4200];
        rows_t point;
        sweep_point_path(s, i, "csv", path, sizeof path);
        if (access(path, R_OK) != 0) {
            (*missing)++;
            continue;
        }
        rows_init(&point);
        bool ok = rows_read_csv(&point, path, err, errlen);
        char index[24];
        snprintf(index, sizeof index, "%zu", i);
        for (size_t r = 0; ok && r < point.nrows; r++)
            rows_set_in(&point, r, "point", index);
        if (ok)
            rows_append(rows, &point);
        rows_free(&point);
        if (!ok)
            return false;
    }
    return true;
}
