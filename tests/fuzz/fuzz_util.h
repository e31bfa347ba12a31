/*
 * Helpers shared by the fuzz harnesses (tests/fuzz/fuzz_*.c): each harness
 * defines LLVMFuzzerTestOneInput and is linked either with libFuzzer
 * (`make fuzz`, clang -fsanitize=fuzzer) or with replay.c, which feeds it
 * the stored corpus and past crashes (`make check`, tests/fuzz.sh).
 */
#ifndef MMULAB_FUZZ_UTIL_H
#define MMULAB_FUZZ_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../../toolchain/exe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A stream that discards what is written (diagnostics, listings, consoles). */
FILE *fuzz_devnull(void);

/* A path naming a file that holds exactly data[0..size) (an in-memory file,
 * rewritten at each call), for readers that take a path. */
const char *fuzz_file(const uint8_t *data, size_t size);

/* data[0..size) as a NUL-terminated string (free it). */
char *fuzz_cstring(const uint8_t *data, size_t size);

/* Cut data at each occurrence of the 4-byte separator "\n--\n" into at most
 * max parts; returns how many (at least 1). */
#define FUZZ_SEPARATOR "\n--\n"
int fuzz_split(const uint8_t *data, size_t size, const uint8_t **part, size_t *part_size, int max);

/* exe written as ELF and read back must give the same sections, entry and
 * kind; abort() naming `what` otherwise. */
void fuzz_check_elf_round_trip(const exe_t *exe, const char *what);

#endif
