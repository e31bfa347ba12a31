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
            "                        [--access load|store|fetch] [--pt FILE]\n\n"
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
            "Numbers are decimal or 0x hex.\n");
}

static bool parse_flags(const char *text, uint32_t *flags)
{
    static const char letters[] = "vrwxugad";
    static const uint32_t bits[] = {PTE_V, PTE_R, PTE_W, PTE_X, PTE_U, PTE_G, PTE_A, PTE_D};
    *flags = 0;
    for (const char *c = text; *c; c++) {
        const char *at = strchr(letters, *c);
        if (!at)
            return false;
        *flags |= bits[at - letters];
    }
    return true;
}

/* One directive of a --pt file into pt; false after a message naming the line. */
static bool pt_directive(pt_image_t *pt, char *line, const char *path, int lineno)
{
    char *word[4] = {0};
    int n = 0;
    for (char *tok = strtok(line, " \t\r\n"); tok && n < 4; tok = strtok(NULL, " \t\r\n"))
        word[n++] = tok;
    if (n == 0 || word[0][0] == '#')
        return true;
    uint32_t x = 0, y = 0, flags = PTE_V | PTE_R | PTE_W | PTE_X | PTE_U;
    bool ok = false;
    if (!strcmp(word[0], "map") && n >= 3 && parse_u32(word[1], &x) && parse_u32(word[2], &y) &&
        (n < 4 || parse_flags(word[3], &flags)))
        ok = y <= PTE_PPN_MAX && pt_image_set(pt, x, pte_make(y, flags));
    else if (!strcmp(word[0], "word") && n == 3 && parse_u32(word[1], &x) && parse_u32(word[2], &y))
        ok = pt_image_poke(pt, x, y);
    else if (!strcmp(word[0], "ptbr") && n == 2 && parse_u32(word[1], &x))
        ok = x < pt->cfg.mem_size && (pt->ptbr = x, true);
    if (!ok)
        fprintf(stderr, "%s:%d: error: expected `map VPN PPN [FLAGS]`, `word PADDR VALUE` or `ptbr PADDR` "
                        "within memory and the table area\n", path, lineno);
    return ok;
}

static bool pt_load(pt_image_t *pt, const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "mmulab translate: %s: cannot open (%s)\n", path, strerror(errno));
        return false;
    }
    char line[256];
    int lineno = 0;
    bool ok = true;
    while (ok && fgets(line, sizeof line, f)) {
        lineno++;
        if (!strchr(line, '\n') && !feof(f)) {
            fprintf(stderr, "%s:%d: error: line longer than %zu bytes\n", path, lineno, sizeof line - 2);
            ok = false;
        } else {
            ok = pt_directive(pt, line, path, lineno);
        }
    }
    fclose(f);
    return ok;
}

/* Take --pt FILE and --access out of argv; the rest are run options. */
static int split_own_options(int argc, char **argv, char **rest, const char **pt, access_t *access)
{
    int n = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        bool is_pt = !strcmp(a, "--pt"), is_acc = !strcmp(a, "--access");
        if ((is_pt || is_acc) && i + 1 < argc) {
            const char *v = argv[++i];
            if (is_pt)
                *pt = v;
            else if (!strcmp(v, "load") || !strcmp(v, "store") || !strcmp(v, "fetch"))
                *access = !strcmp(v, "load") ? ACC_LOAD : !strcmp(v, "store") ? ACC_STORE : ACC_FETCH;
            else {
                fprintf(stderr, "mmulab translate: --access '%s': allowed values are load|store|fetch\n", v);
                return -1;
            }
        } else if (is_pt || is_acc) {
            fprintf(stderr, "mmulab translate: %s needs a value\n", a);
            return -1;
        } else {
            rest[n++] = argv[i];
        }
    }
    return n;
}

int cmd_translate(int argc, char **argv)
{
    const char *pt_path = NULL;
    access_t access = ACC_LOAD;
    char **rest = calloc((size_t)argc + 1, sizeof *rest);
    if (!rest)
        return 2;
    int nrest = split_own_options(argc, argv, rest, &pt_path, &access);
    run_options_t opt;
    run_options_defaults(&opt);
    int rc = nrest < 0 ? 2 : run_options_parse(nrest, rest, &opt, stderr);
    free(rest);
    if (rc < 0) {
        translate_usage(stdout);
        return 0;
    }
    if (rc)
        return rc;
    uint32_t vaddr;
    char err[256];
    if (opt.nprograms != 1 || !parse_u32(opt.programs[0], &vaddr)) {
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
