/*
 * Shared by the two modes of `mmulab cosim` (cmd_cosim.c, cosim_random.c).
 */
#ifndef MMULAB_COSIM_H
#define MMULAB_COSIM_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "../machine/machine.h"
#include "cosim_coverage.h"

/* The first field two records disagree on, and both values. */
typedef struct {
    char field[48];
    uint64_t c, rtl;
} cosim_diff_t;

/* "FIELD: C model V, RTL W" and a newline; a trap cause by name. */
void cosim_print_diff(const cosim_diff_t *d, FILE *out);

/* Silence stdout (Verilator prints a failed assertion there) while a run is
 * made again for its waveform; returns what cosim_unmute_stdout restores. */
int cosim_mute_stdout(void);
void cosim_unmute_stdout(int saved);

/* Compare two translation records (what: "fetch_xlate", ...); false fills d. */
bool cosim_same_xlate(const char *what, const retire_xlate_t *a, const retire_xlate_t *b, cosim_diff_t *d);

/* Where a divergence's waveform goes when --divergence-fst does not say: a
 * new directory under $TMPDIR; path (len bytes) filled and returned, or NULL. */
const char *cosim_window_path(char *path, size_t len);

/* The MMU alone under n random accesses from seed (seg: segmented mode, else
 * paged, base/limit and bare), counted into cov (NULL: none); the exit status.
 * A divergence's waveform goes to window_path (NULL: a new directory under
 * $TMPDIR). */
int cosim_random(uint64_t n, uint32_t seed, bool seg, coverage_t *cov, const char *window_path, FILE *out);

#endif
