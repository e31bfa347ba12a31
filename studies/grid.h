/*
 * A study's grid: options whose value is a list or a range (`--frames 1..8`,
 * `--tlb 8,16,32`, `--tlb-ways full,4`, `--replace all`) become axes, and
 * every combination of their values is one point.  Values stay text: the
 * option engine (sim/options.c, `.lists` options) checks each item as it
 * would check one value, and hands each point's values to the command.
 *
 * Value syntax (docs/studies.md): items separated by commas; an item is a
 * value, a range `A..B` or `A..B:STEP` of numbers (decimal or 0x hex, an
 * optional K/M/G suffix on both ends: `4K..16K:4K`), or `all` (the names a
 * choice option allows, when it has such a list).
 */
#ifndef MMULAB_GRID_H
#define MMULAB_GRID_H

#include <stdbool.h>
#include <stddef.h>

#define GRID_MAX_AXES 16
#define GRID_MAX_VALUES 4096

typedef struct {
    const char *option; /* "--frames" */
    int n;
    char **values;
} grid_axis_t;

typedef struct grid {
    int naxes;
    grid_axis_t axes[GRID_MAX_AXES];
} grid_t;

/* True if text reads as more than one value (a comma, a range or `all`). */
bool grid_is_list(const char *text, bool has_names);

/*
 * Add an axis for `option` from text; `all` expands to names[0..nnames)
 * (names may be NULL).  An option given twice replaces its axis.  False
 * with a message in err for a malformed item, an empty or huge list.
 */
bool grid_add(grid_t *g, const char *option, const char *text, const char *const *names, int nnames, char *err,
              size_t errlen);
void grid_free(grid_t *g);

/* Number of points (1 with no axes). */
size_t grid_points(const grid_t *g);

/* The value of axis a at point p; the first axis varies slowest. */
const char *grid_value(const grid_t *g, size_t p, int a);

#endif
