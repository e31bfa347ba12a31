/*
 * Figures of a study drawn by gnuplot (Debian's gnuplot-nox): the rows'
 * y column against their x column, one curve per distinct value of the
 * series columns, into a PNG (pngcairo) or SVG (svg) chosen by the file's
 * extension.  The data go to gnuplot inline (datablocks) through a pipe, so
 * nothing but the picture is left behind.
 *
 * Each study names its natural figure once (figure_for): the commands'
 * --plot and `mmulab sweep` both draw through it.
 */
#ifndef MMULAB_PLOT_H
#define MMULAB_PLOT_H

#include <stdbool.h>
#include <stddef.h>

#include "../studies/rows.h"

#define PLOT_MAX_SERIES 4

typedef struct {
    const char *x, *y;                      /* column names                       */
    const char *series[PLOT_MAX_SERIES + 1]; /* NULL-terminated; one curve per value */
    const char *xlabel, *ylabel;            /* axis titles, with units             */
    const char *title;                      /* "Page faults against frames"        */
    bool bars;        /* x is a category (clustered boxes), not a number  */
    bool logx;        /* x on a log2 scale (sizes)                        */
    double yscale;    /* multiply y (100 for a percentage); 0 means 1      */
} plot_spec_t;

/* Draw rows to path (.png or .svg); `subject` (the program or trace) ends
 * the title.  False with a message in err. */
bool plot_rows(const char *path, const rows_t *rows, const plot_spec_t *spec, const char *subject, char *err,
               size_t errlen);

/* True if path ends in .png or .svg; otherwise a message naming them. */
bool plot_path_ok(const char *path, char *err, size_t errlen);

/*
 * The natural figure of a command's rows ("refs", "tlbsim", "run", "thrash",
 * "workload", "compare"): the first of its figures whose x column varies in
 * rows (or its first).  NULL for a command without one.
 */
const plot_spec_t *figure_for(const char *command, const rows_t *rows);

/* The subject of a figure: the rows' trace, program or reference string. */
const char *figure_subject(const rows_t *rows);

/*
 * What a study command does with its rows after printing them: --csv FILE,
 * --json FILE and --plot FILE (its natural figure).  False after a message
 * on stderr prefixed with "mmulab COMMAND: ".
 */
typedef struct study_output {
    const char *csv, *json, *plot;
} study_output_t;
bool study_emit(const rows_t *rows, const char *command, const study_output_t *out);

/* The option table of --csv FILE, --json FILE and --plot FILE.png|FILE.svg
 * (sim/options.h), for commands to parse beside their own. */
struct opt_table;
struct opt_table study_output_table(study_output_t *out);

#endif
