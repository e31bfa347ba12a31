/*
 * `mmulab translate ADDR`: one paged translation as a textbook works it --
 * the address split into indexes and offset, the tables' sizes per level,
 * and with --pt FILE the walk through a page table by the model's walker.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../sim/options.h"
#include "../studies/exercise.h"
#include "commands.h"
#include "xlate_print.h"

static void translate_usage(FILE *out)
{
    fprintf(out,
            "usage: mmulab translate ADDR [--page-size SIZE] [--levels N] [--va-bits N] [--mem SIZE]\n"
            "                        [--access fetch|load|store] [--pt FILE]\n\n"
            "Splits the virtual address ADDR into its per-level table indexes and page offset\n"
            "for the geometry given (defaults: 4K pages, 2 levels, 32 bits, as `mmulab run`),\n"
            "and prints the size of the tables at each level.  With --pt FILE it also walks\n"
            "the page table FILE describes, with the model's walker, to the physical address\n"
            "or the fault (docs/explain.md, \"translate\").  FILE has one directive a line:\n"
            "  map VPN PPN [FLAGS]   page VPN in frame PPN; FLAGS from v r w x u a d\n"
            "                        (default vrwxu; without v: mapped but not present)\n"
            "  word PADDR VALUE      one word of physical memory (a table laid out by hand)\n"
            "  ptbr PADDR            the root table (default: the one `map` lines build)\n"
            "  # ...                 a comment\n"
            "Numbers are decimal or 0x hex.\n\n");
}

static bool pt_load(pt_image_t *pt, const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "mmulab translate: %s: cannot open (%s)\n", path, strerror(errno));
        return false;
    }
    char err[512];
    bool ok = pt_image_load(pt, f, path, err, sizeof err);
    fclose(f);
    if (!ok)
        fprintf(stderr, "%s\n", err);
    return ok;
}

typedef struct {
    const char *pt;
    int access;
} translate_args_t;

static const opt_spec_t translate_specs[] = {
    {"--pt", .kind = OPT_STRING, .value_name = "FILE", OPT_AT(translate_args_t, pt),
     .help = "walk the page table FILE describes (map/word/ptbr lines)"},
    {"--access", .kind = OPT_CHOICE, .value_name = "KIND", OPT_AT(translate_args_t, access), .choices = access_name,
     .nchoices = 3, .help = "the access the walk makes: fetch|load|store (default load)"},
};

int cmd_translate(int argc, char **argv)
{
    translate_args_t a = {.access = ACC_LOAD};
    run_options_t opt;
    run_options_defaults(&opt);
    const char *words[1];
    static const char *const geometry[] = {"--page-size", "--levels", "--va-bits", "--mem", NULL};
    opt_spec_t geometry_specs[4];
    opt_table_t tables[2] = {{.specs = translate_specs, .n = OPT_COUNT(translate_specs), .target = &a},
                             opt_table_only(run_options_table(&opt), geometry, geometry_specs, 4)};
    tables[1].heading = "geometry (as `mmulab run`):";
    opt_parser_t p = {.prog = "mmulab translate", .tables = tables, .ntables = 2, .words = words, .max_words = 1,
                      .words_what = "address", .err = stderr};
    int rc = opt_parse(&p, argc, argv);
    if (rc < 0) {
        translate_usage(stdout);
        opt_help(&p, stdout);
        return 0;
    }
    if (rc || (rc = run_options_finish(&opt, stderr)))
        return rc;
    const char *pt_path = a.pt;
    access_t access = (access_t)a.access;
    uint32_t vaddr;
    char err[256];
    if (p.nwords != 1 || !parse_u32(words[0], &vaddr)) {
        fprintf(stderr, "mmulab translate: expected one virtual address (decimal or 0x hex) (see --help)\n");
        return 2;
    }
    if (!paging_config_check(&opt.hw, err, sizeof err)) {
        fprintf(stderr, "mmulab translate: %s\n", err);
        return 2;
    }
    paging_geometry_t g;
    paging_geometry(&opt.hw, &g);
    if (g.va_bits < 32 && vaddr >> g.va_bits) {
        fprintf(stderr, "mmulab translate: 0x%" PRIx32 " does not fit in %" PRIu32 " bits\n", vaddr, g.va_bits);
        return 2;
    }
    printf("virtual address 0x%08" PRIx32 " (%" PRIu32 "): ", vaddr, vaddr);
    print_geometry(stdout, &g);
    print_split(stdout, &g, vaddr, "  ");
    printf("tables:\n");
    print_table_sizes(stdout, &g, "  ");
    if (!pt_path)
        return 0;
    pt_image_t pt;
    if (!pt_image_init(&pt, &opt.hw, opt.hw.mem_size, err, sizeof err)) {
        fprintf(stderr, "mmulab translate: %s\n", err);
        return 2;
    }
    rc = pt_load(&pt, pt_path) ? 0 : 2;
    if (rc == 0) {
        walk_result_t r;
        (void)pt_image_walk(&pt, vaddr, access, &r);
        printf("walk of a user %s from the root at 0x%08" PRIx32 ":\n", access_name[access], pt.ptbr);
        print_walk(stdout, &g, vaddr, &r, "  ");
    }
    pt_image_free(&pt);
    return rc;
}
