/*
 * `mmulab run` and `mmulab compare` as studies: lists and ranges in the
 * runner's options (`--frames 2..10 --replace all`), each point a full run of
 * the programs, one row per point with its configuration and figures.
 */
#ifndef MMULAB_RUN_STUDY_H
#define MMULAB_RUN_STUDY_H

#include <stdbool.h>

#include "../sim/session.h"
#include "../studies/rows.h"

/*
 * If argv gives any runner option a list (or asks for --csv, --json or
 * --plot), run every point and print the table; *handled says whether it
 * did (else, and for --help, the caller runs argv as one run).  Returns the
 * exit status: 0 every point ran and every program exited normally, 1 some
 * did not, 2 bad options (reported here, *handled set).
 */
int run_study(int argc, char **argv, bool *handled);

/* Options that write one run's files (--stats-json, --stats, --trace,
 * --mem-trace, --log, --dump) make no sense where a command makes several
 * runs: true, after a message "mmulab CMD: ... describe one run; ADVICE". */
bool refuse_one_run_outputs(const run_options_t *o, const char *cmd, const char *advice);

/* The row of one finished run: the configuration, then the figures. */
void run_row(rows_t *rows, const session_t *s, int status, const char *scheme);

#endif
