/*
 * Lists, ranges and the points of a grid (see grid.h).
 */
#include "grid.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../sim/options.h"

bool grid_is_list(const char *text, bool has_names)
{
    return text && (strchr(text, ',') || strstr(text, "..") || (has_names && !strcmp(text, "all")));
}

static bool axis_push(grid_axis_t *ax, const char *text, size_t len)
{
    if (ax->n == GRID_MAX_VALUES)
        return false;
    char **values = realloc(ax->values, (size_t)(ax->n + 1) * sizeof *values);
    if (!values)
        return false;
    ax->values = values;
    if (!(values[ax->n] = strndup(text, len)))
        return false;
    ax->n++;
    return true;
}

/* `A..B` or `A..B:STEP`, item[0..len). */
static bool push_range(grid_axis_t *ax, const char *item, size_t len, char *err, size_t errlen)
{
    char buf[96], *dots, *colon;
    uint64_t from, to, step = 1;
    snprintf(buf, sizeof buf, "%.*s", (int)(len < sizeof buf ? len : sizeof buf - 1), item);
    dots = strstr(buf, "..");
    *dots = 0;
    colon = strchr(dots + 2, ':');
    if (colon)
        *colon = 0;
    if (!parse_u64(buf, &from) || !parse_u64(dots + 2, &to) || (colon && (!parse_u64(colon + 1, &step) || !step)) ||
        to < from) {
        snprintf(err, errlen, "%s '%.*s': a range is FROM..TO or FROM..TO:STEP with FROM <= TO (e.g. 1..8, 4K..16K:4K)",
                 ax->option, (int)len, item);
        return false;
    }
    if ((to - from) / step >= GRID_MAX_VALUES) {
        snprintf(err, errlen, "%s '%.*s': more than %d values", ax->option, (int)len, item, GRID_MAX_VALUES);
        return false;
    }
    for (uint64_t v = from; v <= to; v += step) {
        char num[24];
        int n = snprintf(num, sizeof num, "%" PRIu64, v);
        if (!axis_push(ax, num, (size_t)n))
            goto too_many;
        if (to - v < step)
            break;
    }
    return true;
too_many:
    snprintf(err, errlen, "%s: more than %d values (or out of memory)", ax->option, GRID_MAX_VALUES);
    return false;
}

static bool parse_axis(grid_axis_t *ax, const char *text, const char *const *names, int nnames, char *err,
                       size_t errlen)
{
    for (const char *p = text;;) {
        size_t len = strcspn(p, ",");
        bool ok;
        if (len == 0) {
            snprintf(err, errlen, "%s '%s': an empty item in the list", ax->option, text);
            return false;
        }
        if (names && len == 3 && !strncmp(p, "all", 3)) {
            ok = true;
            for (int i = 0; i < nnames && ok; i++)
                ok = axis_push(ax, names[i], strlen(names[i]));
        } else if (strstr(p, "..") && strstr(p, "..") < p + len) {
            if (!push_range(ax, p, len, err, errlen))
                return false;
            ok = true;
        } else {
            ok = axis_push(ax, p, len);
        }
        if (!ok) {
            snprintf(err, errlen, "%s: more than %d values (or out of memory)", ax->option, GRID_MAX_VALUES);
            return false;
        }
        if (!p[len])
            return true;
        p += len + 1;
    }
}

static void axis_free(grid_axis_t *ax)
{
    for (int i = 0; i < ax->n; i++)
        free(ax->values[i]);
    free(ax->values);
    *ax = (grid_axis_t){0};
}

bool grid_add(grid_t *g, const char *option, const char *text, const char *const *names, int nnames, char *err,
              size_t errlen)
{
    int a = 0;
    while (a < g->naxes && strcmp(g->axes[a].option, option))
        a++;
    if (a == GRID_MAX_AXES) {
        snprintf(err, errlen, "at most %d options may take lists at once", GRID_MAX_AXES);
        return false;
    }
    grid_axis_t ax = {.option = option};
    if (!parse_axis(&ax, text, names, nnames, err, errlen)) {
        axis_free(&ax);
        return false;
    }
    if (a < g->naxes)
        axis_free(&g->axes[a]);
    else
        g->naxes++;
    g->axes[a] = ax;
    if (grid_points(g) > 1000000) {
        snprintf(err, errlen, "the grid has more than a million points");
        return false;
    }
    return true;
}

void grid_free(grid_t *g)
{
    for (int a = 0; a < g->naxes; a++)
        axis_free(&g->axes[a]);
    g->naxes = 0;
}

size_t grid_points(const grid_t *g)
{
    size_t n = 1;
    for (int a = 0; a < g->naxes; a++)
        n *= (size_t)g->axes[a].n;
    return n;
}

const char *grid_value(const grid_t *g, size_t p, int a)
{
    size_t stride = 1;
    for (int b = g->naxes - 1; b > a; b--)
        stride *= (size_t)g->axes[b].n;
    return g->axes[a].values[(p / stride) % (size_t)g->axes[a].n];
}
