/*
 * Shared by the two modes of `mmulab cosim` (cmd_cosim.c, cosim_random.c).
 */
#ifndef MMULAB_COSIM_H
#define MMULAB_COSIM_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "../machine/machine.h"

/* The first field two records disagree on, and both values. */
typedef struct {
    char field[48];
    uint64_t c, rtl;
} cosim_diff_t;

/* Compare two translation records (what: "fetch_xlate", ...); false fills d. */
bool cosim_same_xlate(const char *what, const retire_xlate_t *a, const retire_xlate_t *b, cosim_diff_t *d);

/* The MMU alone under n random accesses from seed; the exit status. */
int cosim_random(uint64_t n, uint32_t seed, bool seg, FILE *out); /* seg: segmented mode, else paged */

#endif
