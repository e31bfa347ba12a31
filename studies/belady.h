/*
 * Belady's anomaly found in a study's rows: along each curve (rows with the
 * same series value), a count of faults that rises when the frames rise.
 * Used by every command whose rows have frames and faults (refs, tlbsim,
 * run), so the anomaly is named wherever it appears.
 */
#ifndef MMULAB_BELADY_H
#define MMULAB_BELADY_H

#include <stdio.h>

#include "rows.h"

/* Print one line per rise of column y between consecutive x values of a
 * curve (curves by the `series` column); returns how many were found. */
int belady_report(const rows_t *rows, const char *x, const char *y, const char *series, FILE *out);

#endif
