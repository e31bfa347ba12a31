/*
 * The assembler: the seed's listing syntax into an exe_t (then ELF32).
 *
 * Two passes over the source: the first sizes every statement and records
 * labels per section, a layout step gives each section its address (.org is
 * an absolute logical address), the second encodes and records a relocation
 * for every field that holds an address.  Every error in the file is
 * reported, each as `file:line:col: error: message`.
 */
#ifndef MMULAB_ASM_H
#define MMULAB_ASM_H

#include <stdbool.h>
#include <stdio.h>

#include "exe.h"

typedef struct {
    FILE *errors;      /* diagnostics; stderr if NULL                         */
    FILE *listing;     /* if set, the seed's table: address, encoding, source */
    bool relocatable;  /* produce an object with undefined symbols allowed    */
} asm_options_t;

/* Assemble `len` bytes of source named `filename`.  Returns the number of
 * errors; on 0, *out holds the program (release with exe_free). */
int asm_assemble(const char *filename, const char *text, size_t len, const asm_options_t *opt, exe_t *out);

/* Same, reading the file.  A file that cannot be read counts as one error. */
int asm_assemble_file(const char *path, const asm_options_t *opt, exe_t *out);

#endif
