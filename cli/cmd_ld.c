/*
 * `mmulab ld`: link relocatable objects, archives and dynamic libraries into
 * an executable, or (-shared) into a dynamic library.  The work is in
 * toolchain/link.c; this file reads the command line and writes the result with
 * the ELF writer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../toolchain/link.h"
#include "commands.h"

static void ld_usage(FILE *out)
{
    fprintf(out,
            "usage: mmulab ld [-shared] FILE... -o OUTPUT\n"
            "\n"
            "Link relocatable objects (mmulab asm -c), archives (mmulab ar) and dynamic\n"
            "libraries (mmulab ld -shared) into an executable.\n"
            "\n"
            "  -o OUTPUT   the file to write (default a.x, or lib.so with -shared)\n"
            "  -shared     write a dynamic library: its global symbols are exported to\n"
            "              programs that link against it or dlopen it\n"
            "  -h, --help  this text\n"
            "\n"
            "A global symbol defined twice and a reference defined nowhere are errors.\n"
            "Archive members are pulled in only when they define a missing symbol.  Calls\n"
            "to a library's functions go through stubs and the import table (__imports)\n"
            "that the OS fills at program start; see docs/services.md.\n"
            "Exit status: 0 linked, 2 errors.\n");
}

int cmd_ld(int argc, char **argv)
{
    const char *output = NULL;
    link_options_t opt = {.errors = stderr};
    const char **inputs = calloc((size_t)argc, sizeof *inputs);
    int ninputs = 0, rc = 0;
    if (!inputs)
        abort();
    for (int i = 1; i < argc && rc == 0; i++) {
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            ld_usage(stdout);
            rc = -1;
        } else if (!strcmp(argv[i], "-shared") || !strcmp(argv[i], "--shared")) {
            opt.shared = true;
        } else if (!strcmp(argv[i], "-o")) {
            if (i + 1 >= argc) {
                fprintf(stderr, "mmulab ld: -o needs a file name\n");
                rc = 2;
            } else {
                output = argv[++i];
            }
        } else if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, "mmulab ld: unknown option '%s' (allowed: -o FILE, -shared, --help)\n", argv[i]);
            rc = 2;
        } else {
            inputs[ninputs++] = argv[i];
        }
    }
    if (rc == 0 && ninputs == 0) {
        ld_usage(stderr);
        rc = 2;
    }
    exe_t exe;
    int errors = rc == 0 ? link_files(inputs, ninputs, &opt, &exe) : 0;
    if (rc == 0 && errors) {
        fprintf(stderr, "mmulab ld: %d error%s\n", errors, errors == 1 ? "" : "s");
        rc = 2;
    } else if (rc == 0) {
        char err[512];
        if (exe_write_elf(output ? output : opt.shared ? "lib.so" : "a.x", &exe, err, sizeof err) < 0) {
            fprintf(stderr, "mmulab ld: %s\n", err);
            rc = 2;
        }
        exe_free(&exe);
    }
    free(inputs);
    return rc < 0 ? 0 : rc;
}
