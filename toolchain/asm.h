/*
 * The assembler: the seed's listing syntax into an exe_t (then ELF32).
 *
 * Two passes over the source: the first sizes every statement and records
 * labels per section, a layout step gives each section its address (.org is
 * an absolute logical address), the second encodes and records a relocation
 * for every field that holds an address.  Every error in the file is
 * reported, each as `file:line:col: error: message`, up to a limit (then
 * `too many errors, stopping`).  Text with a NUL byte is refused at once as
 * not assembly, and a file larger than ASM_MAX_SOURCE before it is read.
 */
#ifndef MMULAB_ASM_H
#define MMULAB_ASM_H

#include <stdbool.h>
#include <stdio.h>

#include "exe.h"

/* Source files larger than this are refused before they are read. */
#define ASM_MAX_SOURCE (16u << 20)
/* The assembler stops after this many errors by default (gcc's -fmax-errors). */
#define ASM_DEFAULT_MAX_ERRORS 100

typedef struct {
    FILE *errors;      /* diagnostics; stderr if NULL                         */
    FILE *listing;     /* if set, the seed's table: address, encoding, source */
    bool relocatable;  /* produce an object with undefined symbols allowed    */
    int max_errors;    /* stop after this many (0: the default; < 0: never)   */
} asm_options_t;

/* Assemble `len` bytes of source named `filename`.  Returns the number of
 * errors; on 0, *out holds the program (release with exe_free). */
int asm_assemble(const char *filename, const char *text, size_t len, const asm_options_t *opt, exe_t *out);

/* Same, reading the file.  A file that cannot be read counts as one error. */
int asm_assemble_file(const char *path, const asm_options_t *opt, exe_t *out);

#endif
