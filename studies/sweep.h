/*
 * A sweep: a small spec file naming one mmulab command, its fixed options
 * and the axes of a grid (docs/sweeps.md):
 *
 *     # TLB entries against page size on a trace
 *     command tlbsim
 *     fixed   --trace traces/gcc.din --tlb-policy lru
 *     axis    --tlb 8,16,32,64
 *     axis    --page-size 4K,8K
 *     output  tlb-sweep          # the directory of results (default: SPEC without .spec, + ".out")
 *     plot    tlb.png            # optional; default OUTPUT/plot.png when the command has a figure
 *
 * Every combination of the axes' values is one independent point, a full
 * `mmulab COMMAND FIXED... --AXIS VALUE...` run.  Point i's rows go to
 * OUTPUT/points/NNNNNN.csv, whoever ran it (a local worker or a Slurm array
 * task), so a sweep resumes by skipping the points whose file exists and the
 * merge never depends on where a row was made.
 *
 * This file knows the spec, the points and the files; cli/cmd_sweep.c runs
 * the processes.
 */
#ifndef MMULAB_SWEEP_H
#define MMULAB_SWEEP_H

#include <stdbool.h>
#include <stddef.h>

#include "grid.h"
#include "rows.h"

#define SWEEP_MAX_WORDS 256

typedef struct {
    char command[64];
    int nfixed;
    char *fixed[SWEEP_MAX_WORDS];
    grid_t grid;
    char output[4096];  /* the results directory        */
    char plot[4096];    /* "" for the default            */
    bool rows_native;   /* the command writes rows with --csv itself */
} sweep_t;

/* Read a spec; false with "FILE:LINE: error: ..." in err. */
bool sweep_read(sweep_t *s, const char *path, char *err, size_t errlen);
void sweep_free(sweep_t *s);

size_t sweep_points(const sweep_t *s);

/*
 * argv of point i (NULL-terminated, argv[0] = mmulab): the command, the fixed
 * words, the axes' values and, for a command that writes rows, `--csv
 * rows_path`.  Strings point into s and rows_path; free the array only.
 */
char **sweep_point_argv(const sweep_t *s, size_t i, const char *mmulab, const char *rows_path, int *argc);

/* The point's command line as one string (for reports), without --csv. */
void sweep_point_text(const sweep_t *s, size_t i, char *out, size_t len);

/* OUTPUT/points/NNNNNN.csv (and .log for its messages). */
void sweep_point_path(const sweep_t *s, size_t i, const char *ext, char *out, size_t len);

/* Create OUTPUT and OUTPUT/points and record the sweep (OUTPUT/sweep.info,
 * read back by --merge); false with err. */
bool sweep_prepare(const sweep_t *s, const char *spec_path, char *err, size_t errlen);

/* A sweep from OUTPUT/sweep.info (for --merge DIR). */
bool sweep_from_dir(sweep_t *s, const char *dir, char *err, size_t errlen);

/* For a command that writes no rows: the row of a finished point (its axis
 * values, exit status and time), written where its rows go. */
bool sweep_write_plain_row(const sweep_t *s, size_t i, int exit_code, double seconds, const char *path);

/* The rows of every finished point in order; *missing lists how many have
 * no result yet. */
bool sweep_merge(const sweep_t *s, rows_t *rows, size_t *missing, char *err, size_t errlen);

#endif
