/*
 * `mmulab asm` and `mmulab disasm`: the assembler and the disassembler on
 * the command line.  asm turns a source file into an ELF32 executable (or,
 * with -c, a relocatable object) and optionally the seed's listing table;
 * disasm prints an executable's sections back as address, encoding and
 * instruction, with the labels from its symbol table and a note on every
 * field that carries a relocation.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../toolchain/asm.h"
#include "../toolchain/disasm.h"
#include "../toolchain/exe.h"
#include "../sim/options.h"
#include "commands.h"

static void asm_usage(FILE *out, const opt_parser_t *p)
{
    fprintf(out, "usage: mmulab asm SOURCE.s [-o OUTPUT] [-l LISTING] [-c] [--max-errors N]\n"
                 "\n"
                 "Assemble SOURCE.s into an ELF32 executable.\n"
                 "Errors are reported as FILE:LINE:COL: error: MESSAGE, in one run, up to the\n"
                 "limit (then `too many errors, stopping`).  Input with a NUL byte is refused at\n"
                 "once as not assembly text, and a source over 16 MiB after its first block.\n"
                 "Exit status: 0 assembled, 2 errors in the source or bad options.\n"
                 "The syntax and the instruction set are described in docs/isa.md.\n"
                 "\noptions:\n");
    opt_help(p, out);
}

/* SOURCE.s -> SOURCE.x (or .o); any other name gets the suffix appended. */
static char *default_output(const char *source, bool object)
{
    size_t n = strlen(source);
    char *out = malloc(n + 3);
    if (!out)
        abort();
    memcpy(out, source, n + 1);
    const char *slash = strrchr(source, '/');
    const char *dot = strrchr(source, '.');
    if (dot && (!slash || dot > slash) && dot != source && dot[-1] != '/')
        out[dot - source] = '\0';
    strcat(out, object ? ".o" : ".x");
    return out;
}

typedef struct {
    const char *source, *output, *listing;
    bool object;
    uint32_t max_errors; /* --max-errors N: 0 for every one */
    bool max_errors_given;
} asm_args_t;

static const opt_spec_t asm_specs[] = {
    {"-o", .kind = OPT_STRING, .value_name = "FILE", OPT_AT(asm_args_t, output),
     .help = "output file (default: SOURCE with .s replaced by .x, or by .o with -c, in the same directory)"},
    {"-l", .kind = OPT_STRING, .value_name = "FILE", OPT_AT(asm_args_t, listing),
     .help = "write the listing: address, encoding, source line"},
    {"-c", .kind = OPT_FLAG, OPT_AT(asm_args_t, object),
     .help = "produce a relocatable object (ET_REL): undefined names become external symbols"},
    {"--max-errors", .kind = OPT_NUMBER, .value_name = "N", OPT_AT(asm_args_t, max_errors), .max = 1000000,
     OPT_GIVEN(asm_args_t, max_errors_given), .help = "stop after N errors (default 100; 0: report every one)"},
};

/* 0 parsed, 1 --help shown, 2 bad options (reported). */
static int parse_asm_args(int argc, char **argv, asm_args_t *a)
{
    const char *words[2];
    opt_table_t table = {.specs = asm_specs, .n = OPT_COUNT(asm_specs), .target = a};
    opt_parser_t p = {.prog = "mmulab asm", .tables = &table, .ntables = 1, .words = words, .max_words = 2,
                      .err = stderr};
    int rc = opt_parse(&p, argc, argv);
    if (rc < 0) {
        asm_usage(stdout, &p);
        return 1;
    }
    if (rc)
        return rc;
    if (p.nwords > 1) {
        fprintf(stderr, "mmulab asm: more than one source file ('%s' and '%s')\n", words[0], words[1]);
        return 2;
    }
    if (p.nwords == 0) {
        asm_usage(stderr, &p);
        return 2;
    }
    a->source = words[0];
    return 0;
}

int cmd_asm(int argc, char **argv)
{
    asm_args_t a = {0};
    int rc = parse_asm_args(argc, argv, &a);
    if (rc)
        return rc == 1 ? 0 : 2;
    asm_options_t opt = {.errors = stderr, .relocatable = a.object,
                         .max_errors = !a.max_errors_given ? 0 : a.max_errors ? (int)a.max_errors : -1};
    if (a.listing && !(opt.listing = fopen(a.listing, "w"))) {
        perror(a.listing);
        return 2;
    }
    exe_t exe;
    int errors = asm_assemble_file(a.source, &opt, &exe);
    if (opt.listing)
        fclose(opt.listing);
    if (errors) {
        fprintf(stderr, "mmulab asm: %d error%s in %s\n", errors, errors == 1 ? "" : "s", a.source);
        return 2;
    }
    char *output = a.output ? NULL : default_output(a.source, a.object);
    char err[512];
    rc = exe_write_elf(a.output ? a.output : output, &exe, err, sizeof err);
    if (rc < 0)
        fprintf(stderr, "mmulab asm: %s\n", err);
    free(output);
    exe_free(&exe);
    return rc < 0 ? 2 : 0;
}

/* ---- disasm ------------------------------------------------------------ */

static void disasm_usage(FILE *out)
{
    fprintf(out,
            "usage: mmulab disasm PROGRAM.x\n"
            "\n"
            "Print each section of an mmulab ELF32 file: address (decimal), encoding\n"
            "(hex word) and the instruction (text) or .word (data), with labels from the\n"
            "symbol table and the relocation on each field that holds an address.\n"
            "Exit status: 0 printed, 2 unreadable or bad options.\n");
}

static const char *const reloc_names[] = {"NONE", "32", "ABS20", "HI20", "LO12", "DISP16"};

static void print_labels(const exe_t *exe, int section, uint32_t addr)
{
    for (int i = 0; i < exe->nsymbols; i++)
        if (exe->symbols[i].section == section && exe->symbols[i].value == addr)
            printf("%s:\n", exe->symbols[i].name);
}

static void print_reloc_note(const exe_t *exe, uint32_t addr)
{
    for (int i = 0; i < exe->nrelocs; i++) {
        const exe_reloc_t *r = &exe->relocs[i];
        if (r->offset != addr || r->type > R_MMU_DISP16)
            continue;
        printf("  ; R_MMU_%s %u", reloc_names[r->type], r->value);
        if (r->symbol < 0 || r->symbol >= exe->nsymbols)
            continue;
        const exe_symbol_t *sym = &exe->symbols[r->symbol];
        int addend = (int)(r->value - (sym->section == -2 ? 0 : sym->value));
        if (addend)
            printf(" (%s%+d)", sym->name, addend);
        else
            printf(" (%s)", sym->name);
    }
}

static bool has_label_or_reloc(const exe_t *exe, int section, uint32_t addr)
{
    for (int i = 0; i < exe->nsymbols; i++)
        if (exe->symbols[i].section == section && exe->symbols[i].value == addr)
            return true;
    for (int i = 0; i < exe->nrelocs; i++)
        if (exe->relocs[i].offset == addr)
            return true;
    return false;
}

static uint32_t word_at(const exe_section_t *s, uint32_t off)
{
    return (uint32_t)s->data[off] | (uint32_t)s->data[off + 1] << 8 | (uint32_t)s->data[off + 2] << 16 |
           (uint32_t)s->data[off + 3] << 24;
}

/* How many words after off repeat the word at off, with nothing to show on
 * them (no label, no relocation): such runs (padding, zeroed vectors) print
 * as one line. */
static uint32_t repeats(const exe_t *exe, int index, uint32_t off)
{
    const exe_section_t *s = &exe->sections[index];
    uint32_t n = 0;
    while (off + 4 * (n + 2) <= s->size && word_at(s, off + 4 * (n + 1)) == word_at(s, off) &&
           !has_label_or_reloc(exe, index, s->addr + off + 4 * (n + 1)))
        n++;
    return n;
}

static void print_section(const exe_t *exe, int index)
{
    const exe_section_t *s = &exe->sections[index];
    bool code = s->perm & SEC_X;
    printf("\n%s  ; %u..%u, %u bytes, %c%c%c\n", s->name, s->addr, s->addr + s->size - (s->size > 0), s->size,
           s->perm & SEC_R ? 'r' : '-', s->perm & SEC_W ? 'w' : '-', code ? 'x' : '-');
    for (uint32_t off = 0; off < s->size; off += 4) {
        uint32_t addr = s->addr + off;
        print_labels(exe, index, addr);
        if (s->nobits)
            continue;
        if (s->size - off < 4) {
            for (uint32_t i = off; i < s->size; i++)
                printf("%6u  %02X        .byte 0x%02X\n", s->addr + i, s->data[i], s->data[i]);
            break;
        }
        uint32_t word = word_at(s, off), same = repeats(exe, index, off);
        if (same >= 2) {
            printf("%6u  %08X  ; the same word %u times, up to %u\n", addr, word, same + 1, addr + 4 * same + 3);
            off += 4 * same;
            continue;
        }
        char text[64];
        if (code)
            disasm(word, text, sizeof text);
        else
            snprintf(text, sizeof text, ".word 0x%08X", word);
        printf("%6u  %08X  %s", addr, word, text);
        print_reloc_note(exe, addr);
        printf("\n");
    }
    if (s->nobits)
        printf("%6u  (%u bytes of zeros)\n", s->addr, s->size);
}

int cmd_disasm(int argc, char **argv)
{
    const char *words[2];
    opt_parser_t p = {.prog = "mmulab disasm", .words = words, .max_words = 2, .err = stderr};
    int rc = opt_parse(&p, argc, argv);
    if (rc < 0) {
        disasm_usage(stdout);
        return 0;
    }
    if (rc)
        return rc;
    if (p.nwords > 1) {
        fprintf(stderr, "mmulab disasm: more than one file ('%s' and '%s')\n", words[0], words[1]);
        return 2;
    }
    if (p.nwords == 0) {
        disasm_usage(stderr);
        return 2;
    }
    const char *path = words[0];
    exe_t exe;
    char err[512];
    if (exe_read_elf(path, &exe, err, sizeof err) < 0) {
        fprintf(stderr, "mmulab disasm: %s\n", err);
        return 2;
    }
    printf("; %s: %s, entry %u, %d relocations\n", path, exe.relocatable ? "object" : "executable", exe.entry,
           exe.nrelocs);
    for (int i = 0; i < exe.nsections; i++)
        print_section(&exe, i);
    exe_free(&exe);
    return 0;
}
