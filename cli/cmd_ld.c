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
#include "../sim/options.h"
#include "commands.h"

typedef struct {
    const char *output;
    bool shared;
} ld_args_t;

static const opt_spec_t ld_specs[] = {
    {"-o", .kind = OPT_STRING, .value_name = "FILE", OPT_AT(ld_args_t, output),
     .help = "the file to write (default a.x, or lib.so with -shared)"},
    {"-shared", "--shared", .kind = OPT_FLAG, OPT_AT(ld_args_t, shared),
     .help = "write a dynamic library: its global symbols are exported to programs that link against it or "
             "dlopen it"},
};

static void ld_usage(FILE *out, const opt_parser_t *p)
{
    fprintf(out,
            "usage: mmulab ld [-shared] FILE... -o OUTPUT\n"
            "\n"
            "Link relocatable objects (mmulab asm -c), archives (mmulab ar) and dynamic\n"
            "libraries (mmulab ld -shared) into an executable.\n"
            "\n");
    opt_help(p, out);
    fprintf(out,
            "\n"
            "A global symbol defined twice and a reference defined nowhere are errors.\n"
            "Archive members are pulled in only when they define a missing symbol.  Calls\n"
            "to a library's functions go through stubs and the import table (__imports)\n"
            "that the OS fills at program start; see docs/services.md.\n"
            "Exit status: 0 linked, 2 errors.\n");
}

int cmd_ld(int argc, char **argv)
{
    ld_args_t a = {0};
    const char **inputs = calloc((size_t)argc + 1, sizeof *inputs);
    if (!inputs)
        abort();
    opt_table_t table = {.specs = ld_specs, .n = OPT_COUNT(ld_specs), .target = &a};
    opt_parser_t p = {.prog = "mmulab ld", .tables = &table, .ntables = 1, .words = inputs, .max_words = argc,
                      .err = stderr};
    int rc = opt_parse(&p, argc, argv);
    if (rc < 0)
        ld_usage(stdout, &p);
    if (rc == 0 && p.nwords == 0) {
        ld_usage(stderr, &p);
        rc = 2;
    }
    int ninputs = p.nwords;
    const char *output = a.output;
    link_options_t opt = {.errors = stderr, .shared = a.shared};
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
