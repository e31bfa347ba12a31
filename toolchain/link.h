/*
 * The static linker: relocatable objects (`mmulab asm -c`), archives
 * (`mmulab ar`) and dynamic libraries (`mmulab ld -shared`) into one
 * executable or one dynamic library.  docs/services.md describes it.
 *
 * Every global symbol is defined once; every undefined reference is
 * resolved by an object, by an archive member (pulled in only when it
 * defines a symbol still missing), or by a dynamic library.  The output's
 * .text, .data and .bss are the inputs' sections laid end to end; every
 * field holding an address is patched and keeps its relocation, so the
 * software-relocating loader can still move the result.  A call to a
 * dynamic library's function goes to a stub in the output's .text that
 * jumps through a slot of the import table in .data (`__imports`), which
 * the OS fills at program start: code stays unmodified.
 */
#ifndef MMULAB_LINK_H
#define MMULAB_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "exe.h"

/* The register an import stub loads the target into (clobbered by calls
 * into a library, like ARM's ip or MIPS's at). */
#define LINK_STUB_REG 14

/* The system call a lazy-binding stub makes (SYS_BIND in os/syscall.h):
 * bind the import slot at the address in LINK_STUB_REG, then continue at
 * the symbol it names. */
#define LINK_BIND_SYSCALL 25

typedef struct {
    FILE *errors;  /* diagnostics ("mmulab ld: ..."); stderr if NULL          */
    bool shared;   /* produce a dynamic library (ET_DYN) exporting its globals */
} link_options_t;

/* Link the files named by paths (objects, archives, dynamic libraries).
 * Returns the number of errors; on 0, *out holds the result (exe_free it). */
int link_files(const char *const *paths, int npaths, const link_options_t *opt, exe_t *out);

/* One input held in memory: its name (for messages and, for a dynamic
 * library, the import table) and its bytes (an object, archive or library). */
typedef struct {
    const char *name;
    const uint8_t *data;
    size_t size;
} link_input_t;

/* Same as link_files from inputs in memory (for fuzzing and tests). */
int link_buffers(const link_input_t *inputs, int ninputs, const link_options_t *opt, exe_t *out);

/* The name a dynamic library is known by in an import table: the file's
 * name without directory and without a .so/.x/.s suffix. */
void link_library_name(const char *path, char *name, size_t len);

#endif
