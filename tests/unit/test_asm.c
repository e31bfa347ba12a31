/*
 * Unit tests of the assembler: the seed's vector copy assembles to the
 * encodings and relocations the lecture implies; every opcode of the ISA
 * table assembles, disassembles and assembles again to the same word with
 * its operands at the extremes of their ranges; every kind of diagnostic
 * comes out with its exact file:line:col, all of them in one run; LI, the
 * layout directives, literals, expressions and the listing do what
 * docs/isa.md says; and no input, however broken, crashes it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../toolchain/asm.h"
#include "../../toolchain/disasm.h"
#include "../../machine/isa.h"

/* ---- helpers ----------------------------------------------------------- */

static char errors[16384];

/* Assemble src (named "t.s"); diagnostics go to `errors`. Returns the count. */
static int assemble_opts(const char *src, exe_t *exe, bool relocatable, FILE *listing)
{
    FILE *err = fmemopen(errors, sizeof errors, "w");
    assert_non_null(err);
    setvbuf(err, NULL, _IONBF, 0);
    asm_options_t opt = {.errors = err, .listing = listing, .relocatable = relocatable};
    int n = asm_assemble("t.s", src, strlen(src), &opt, exe);
    fclose(err);
    return n;
}

static int assemble(const char *src, exe_t *exe) { return assemble_opts(src, exe, false, NULL); }

static void assemble_ok(const char *src, exe_t *exe)
{
    int n = assemble(src, exe);
    if (n)
        print_error("unexpected errors:\n%s", errors);
    assert_int_equal(n, 0);
}

static const exe_section_t *section(const exe_t *exe, const char *name)
{
    for (int i = 0; i < exe->nsections; i++)
        if (!strcmp(exe->sections[i].name, name))
            return &exe->sections[i];
    return NULL;
}

static uint32_t word_at(const exe_t *exe, uint32_t addr)
{
    for (int i = 0; i < exe->nsections; i++) {
        const exe_section_t *s = &exe->sections[i];
        if (addr >= s->addr && addr + 4 <= s->addr + s->size && s->data) {
            const uint8_t *p = s->data + (addr - s->addr);
            return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
        }
    }
    fail_msg("no initialized word at %u", addr);
    return 0;
}

static uint32_t symbol_value(const exe_t *exe, const char *name)
{
    for (int i = 0; i < exe->nsymbols; i++)
        if (!strcmp(exe->symbols[i].name, name))
            return exe->symbols[i].value;
    fail_msg("no symbol %s", name);
    return 0;
}

static const exe_reloc_t *reloc_at(const exe_t *exe, uint32_t offset)
{
    for (int i = 0; i < exe->nrelocs; i++)
        if (exe->relocs[i].offset == offset)
            return &exe->relocs[i];
    return NULL;
}

/* One instruction (or line) assembled alone at address 0. */
static uint32_t one_word(const char *line)
{
    exe_t exe;
    assemble_ok(line, &exe);
    uint32_t w = word_at(&exe, 0);
    exe_free(&exe);
    return w;
}

/* ---- the seed's program ------------------------------------------------ */

static const char vcopy[] =
    "; The seed's vector copy (slide 5)\n"
    "        .text\n"
    "header: .word 0\n"
    "        .org 100\n"
    "start:  LOAD R1, #src\n"
    "        LOAD R2, #dst\n"
    "        LOAD R3, /size\n"
    "loop:   LOAD R4, [R1]\n"
    "        STORE R4, [R2]\n"
    "        INC R1\n"
    "        INC R2\n"
    "        DEC R3\n"
    "        JNZ loop\n"
    "        HALT\n"
    "        .data\n"
    "        .org 1000\n"
    "src:    .word 1, 2, 3, 4\n"
    "        .org 1500\n"
    "size:   .word 4\n"
    "        .bss\n"
    "        .org 2000\n"
    "dst:    .space 16\n";

static void test_seed_vcopy_encodings(void **state)
{
    (void)state;
    exe_t exe;
    assemble_ok(vcopy, &exe);
    static const uint32_t expected[] = {
        0x101003E8, /* 100 LOAD R1, #1000  */
        0x102007D0, /* 104 LOAD R2, #2000  */
        0x113005DC, /* 108 LOAD R3, /1500  */
        0x12410000, /* 112 LOAD R4, [R1]   */
        0x16420000, /* 116 STORE R4, [R2]  */
        0x38100000, /* 120 INC R1          */
        0x38200000, /* 124 INC R2          */
        0x39300000, /* 128 DEC R3          */
        0x42000070, /* 132 JNZ /112        */
    };
    for (unsigned i = 0; i < sizeof expected / sizeof expected[0]; i++)
        assert_int_equal(word_at(&exe, 100 + 4 * i), expected[i]);
    assert_int_equal(expected[0], isa_enc_i(OP_LOADI, 1, 1000));
    assert_int_equal(expected[3], isa_enc_r(OP_LOADM, 4, 1, 0));
    assert_int_equal(exe.entry, 100);
    const exe_section_t *text = section(&exe, ".text"), *data = section(&exe, ".data"), *bss = section(&exe, ".bss");
    assert_non_null(text);
    assert_non_null(data);
    assert_non_null(bss);
    assert_int_equal(text->addr, 0);
    assert_int_equal(text->size, 140);
    assert_int_equal(text->perm, SEC_R | SEC_X);
    assert_int_equal(data->addr, 1000);
    assert_int_equal(data->size, 504);
    assert_int_equal(word_at(&exe, 1500), 4);
    assert_int_equal(bss->addr, 2000);
    assert_int_equal(bss->size, 16);
    assert_true(bss->nobits);
    assert_null(bss->data);
    assert_int_equal(symbol_value(&exe, "loop"), 112);
    exe_free(&exe);
}

static void test_seed_vcopy_relocations(void **state)
{
    (void)state;
    exe_t exe;
    assemble_ok(vcopy, &exe);
    assert_int_equal(exe.nrelocs, 4);
    static const struct { uint32_t at, value; const char *sym; } want[] = {
        {100, 1000, "src"}, {104, 2000, "dst"}, {108, 1500, "size"}, {132, 112, "loop"},
    };
    for (int i = 0; i < 4; i++) {
        const exe_reloc_t *r = reloc_at(&exe, want[i].at);
        assert_non_null(r);
        assert_int_equal(r->type, R_MMU_ABS20);
        assert_int_equal(r->value, want[i].value);
        assert_in_range(r->symbol, 0, exe.nsymbols - 1);
        assert_string_equal(exe.symbols[r->symbol].name, want[i].sym);
    }
    exe_free(&exe);
}

/* The seed's own spelling, with numbers: the same words, no relocations. */
static void test_numbers_get_no_relocations(void **state)
{
    (void)state;
    exe_t exe;
    assemble_ok("  .org 100\n"
                "  LOAD R1, #1000\n  LOAD R2, #2000\n  LOAD R3, /1500\n  LOAD R4, [R1]\n"
                "  STORE R4, [R2]\n  INC R1\n  INC R2\n  DEC R3\n  JNZ /112\n"
                "  .equ K, 1000\n  LOAD R1, #K\n  .word K, 7\n",
                &exe);
    assert_int_equal(exe.nrelocs, 0);
    assert_int_equal(word_at(&exe, 100), 0x101003E8);
    assert_int_equal(word_at(&exe, 132), 0x42000070);
    assert_int_equal(word_at(&exe, 136), 0x101003E8);
    assert_int_equal(word_at(&exe, 140), 1000);
    exe_free(&exe);
}

/* ---- every opcode ------------------------------------------------------ */

/* Operand texts for each form, including the extremes of each range. */
static int operand_samples(const isa_info_t *in, const char **out)
{
    static const char *u20[] = {" R0, #0", " R15, #1048575", " R7, #0xFFFFF", " R1, #'a'"};
    static const char *s20[] = {" R0, #-524288", " R15, #524287", " R3, #-1", " R4, #0"};
    static const char *ra[] = {" R0, /0", " R15, /1048575", " R5, /1500"};
    static const char *rm[] = {" R0, [R15]", " R15, [R0+32767]", " R4, [R1-32768]", " R4, [R1+8]", " R9, [SP-4]"};
    static const char *a[] = {" /0", " /1048575", " /112"};
    static const char *i[] = {" #0", " #1048575", " #1"};
    static const char *r[] = {" R0", " R15", " R9"};
    static const char *rr[] = {" R0, R15", " R15, R0", " R3, R3"};
    static const char *none[] = {""};
    const char **set;
    int n;
    switch (in->form) {
    case FORM_RI: set = in->imm == IMM_S20 ? s20 : u20, n = 4; break;
    case FORM_RA: set = ra, n = 3; break;
    case FORM_RM: set = rm, n = 5; break;
    case FORM_A: set = a, n = 3; break;
    case FORM_I: set = i, n = 3; break;
    case FORM_R:
    case FORM_RJ: set = r, n = 3; break;
    case FORM_RR: set = rr, n = 3; break;
    default: set = none, n = 1; break;
    }
    memcpy(out, set, (size_t)n * sizeof *out);
    return n;
}

static void test_every_opcode_round_trips(void **state)
{
    (void)state;
    int opcodes = 0, samples = 0;
    for (int op = 0; op < 256; op++) {
        const isa_info_t *in = &isa_info[op];
        if (!in->valid)
            continue;
        opcodes++;
        const char *ops[8];
        int n = operand_samples(in, ops);
        for (int k = 0; k < n; k++) {
            char line[64], back[64];
            snprintf(line, sizeof line, "%s%s\n", in->mnemonic, ops[k]);
            uint32_t w = one_word(line);
            assert_int_equal(isa_opcode(w), op);
            disasm(w, back, sizeof back);
            assert_int_equal(one_word(back), w);
            samples++;
        }
    }
    assert_true(opcodes >= 55);
    assert_true(samples > 150);
}

/* The fields land where docs/isa.md's diagram says. */
static void test_operand_fields(void **state)
{
    (void)state;
    uint32_t w = one_word("ADD R3, R12");
    assert_int_equal(isa_opcode(w), OP_ADD);
    assert_int_equal(isa_ra(w), 3);
    assert_int_equal(isa_rb(w), 12);
    w = one_word("LOAD R4, [R1-8]");
    assert_int_equal(isa_rb(w), 1);
    assert_int_equal((int32_t)isa_imm(w), -8);
    w = one_word("ADD R1, #-4");
    assert_int_equal(w, 0x211FFFFC);
    assert_int_equal((int32_t)isa_imm(w), -4);
    w = one_word("JMP R3");
    assert_int_equal(isa_opcode(w), OP_JMPR);
    assert_int_equal(isa_rb(w), 3);
    assert_int_equal(isa_ra(w), 0);
    w = one_word("CALL R7");
    assert_int_equal(isa_opcode(w), OP_CALLR);
    w = one_word("CALL /64");
    assert_int_equal(w, isa_enc_i(OP_CALL, 0, 64));
    w = one_word("SYSCALL #1");
    assert_int_equal(w, isa_enc_i(OP_SYSCALL, 0, 1));
    assert_int_equal(one_word("PUSH SP"), isa_enc_r(OP_PUSH, 15, 0, 0));
    assert_int_equal(one_word("store r4, /2000"), isa_enc_i(OP_STOREA, 4, 2000));
    assert_int_equal(one_word("ld r1, #5"), isa_enc_i(OP_LOADI, 1, 5));
    assert_int_equal(one_word("ST R2, [R3]"), isa_enc_r(OP_STOREM, 2, 3, 0));
    assert_int_equal(one_word("JE /8"), isa_enc_i(OP_JZ, 0, 8));
    assert_int_equal(one_word("jne /8"), isa_enc_i(OP_JNZ, 0, 8));
    assert_int_equal(one_word("LEA R1, [R2+4]"), isa_enc_r(OP_LEA, 1, 2, 4));
    assert_int_equal(one_word("LUI R1, #0x12345"), isa_enc_i(OP_LUI, 1, 0x12345));
    assert_int_equal(one_word("LOAD R4, [R1 + 8 + 4]"), isa_enc_r(OP_LOADM, 4, 1, 12));
    assert_int_equal(one_word("LOAD R4, [R1-8+4]"), isa_enc_r(OP_LOADM, 4, 1, 0xFFFC));
    /* the extremes, spelled out bit by bit */
    assert_int_equal(one_word("LOAD R15, #1048575"), 0x10FFFFFF);
    assert_int_equal(one_word("ADD R0, #-524288"), 0x21080000);
    assert_int_equal(one_word("ADD R2, #524287"), 0x2127FFFF);
    assert_int_equal(one_word("LOAD R15, [R0+32767]"), 0x12F07FFF);
    assert_int_equal(one_word("LOAD R4, [R1-32768]"), 0x12418000);
    assert_int_equal(one_word("STOREB R1, /1048575"), 0x171FFFFF);
    assert_int_equal(one_word("CALL R15"), 0x4D0F0000);
    assert_int_equal(one_word("JA /0"), 0x4A000000);
}

/* ---- diagnostics ------------------------------------------------------- */

static void test_every_error_kind_in_one_run(void **state)
{
    (void)state;
    static const char src[] =
        "start:  FOO R1\n"                /* 1 */
        "        LOAD R1, R2\n"           /* 2 */
        "        LOAD R1, #1048576\n"     /* 3 */
        "        JNZ nowhere\n"           /* 4 */
        "        INC\n"                   /* 5 */
        "        ADD R1, R16\n"           /* 6 */
        "        LOAD R4, [X1]\n"         /* 7 */
        "start:  NOP\n"                   /* 8 */
        "        .data\n"                 /* 9 */
        "        .org 1000\n"             /* 10 */
        "        .word 1\n"               /* 11 */
        "        .org 999\n"              /* 12 */
        "        ADD R1, #-524289\n"      /* 13 */
        "        LOAD R4, [R1+32768]\n"   /* 14 */
        "        ADD R1, 5\n"             /* 15 */
        "        RET R1\n"                /* 16 */
        "        .bogus 3\n"              /* 17 */
        "        LOAD R1, #'ab'\n"        /* 18 */
        "        .space later\n"          /* 19 */
        "later:  .byte 256\n"             /* 20 */
        "        LOAD R1, #(1+\n"         /* 21 */
        "        .equ K, 3\n"             /* 22 */
        "        .equ K, 4\n"             /* 23 */
        "        CMP R1, #1 2\n"          /* 24 */
        "        .align 3\n"              /* 25 */
        "        LOAD R1, #later*2\n"     /* 26 */
        "        .word 1 / 0\n"           /* 27 */
        "        @\n"                     /* 28 */
        "        .bss\n"                  /* 29 */
        "        .word 1\n";              /* 30 */
    static const char want[] =
        "t.s:1:9: error: unknown mnemonic 'FOO'\n"
        "t.s:2:18: error: bad operand form for LOAD; allowed: LOAD Ra, #imm | LOAD Ra, /addr | LOAD Ra, [Rb+disp]\n"
        "t.s:3:19: error: value 1048576 out of range 0..1048575 (unsigned 20-bit) for LOAD (LI Ra, value loads any "
        "32-bit value)\n"
        "t.s:4:13: error: undefined label 'nowhere'\n"
        "t.s:5:12: error: missing operand: INC takes INC Ra\n"
        "t.s:6:17: error: bad register 'R16' (registers are R0-R15 and SP)\n"
        "t.s:7:19: error: bad register: expected a register after '[', got 'X1'\n"
        "t.s:8:1: error: duplicate label 'start' (first defined on line 1)\n"
        "t.s:12:9: error: .org 999 moves backwards: .data is already at 1004\n"
        "t.s:13:18: error: value -524289 out of range -524288..524287 (signed 20-bit) for ADD (LI Ra, value loads "
        "any 32-bit value)\n"
        "t.s:14:21: error: value 32768 out of range -32768..32767 (signed 16-bit) for LOAD\n"
        "t.s:15:17: error: bad operand form for ADD (write #value for an immediate, /address for an absolute "
        "address); allowed: ADD Ra, Rb | ADD Ra, #imm\n"
        "t.s:16:13: error: too many operands: RET takes RET\n"
        "t.s:17:9: error: unknown directive '.bogus'\n"
        "t.s:18:19: error: unterminated character literal\n"
        "t.s:19:16: error: .space size must be a constant known at this line (a name in it is defined later)\n"
        "t.s:20:15: error: value 256 out of range -128..255 for a 1-byte datum\n"
        "t.s:21:22: error: missing value\n"
        "t.s:23:14: error: duplicate label 'K' (first defined on line 22)\n"
        "t.s:24:20: error: expected ',' between operands, got '2'\n"
        "t.s:25:16: error: .align 3: must be a power of two from 1 to 4096\n"
        "t.s:26:24: error: operator '*' needs constants, not addresses\n"
        "t.s:27:17: error: division by zero\n"
        "t.s:28:9: error: unexpected character '@'\n"
        "t.s:30:9: error: '.word' needs initialized bytes, which .bss cannot hold (use .space there)\n";
    exe_t exe;
    assert_int_equal(assemble(src, &exe), 25);
    assert_string_equal(errors, want);
    assert_int_equal(exe.nsections, 0);
    assert_null(exe.relocs);
}

/* Check that src gives exactly one diagnostic, `want`. */
static void expect_error(const char *src, const char *want)
{
    exe_t exe;
    int n = assemble(src, &exe);
    assert_string_equal(errors, want);
    assert_int_equal(n, 1);
    exe_free(&exe);
}

static void test_more_errors(void **state)
{
    (void)state;
    expect_error("  .data\n  .org 100\n  .word 1\n",
                 "t.s: error: the entry point 0 is outside every section: define 'start' or put code in .text\n");
    expect_error("  LOAD R1, #x\n  .global y\nx:\n", "t.s: error: 'y' is declared .global but never defined\n");
    expect_error("  .text\n  .org 8\n  NOP\n  .data\n  .org 4\n  .word 1, 2, 3\n",
                 "t.s:5:1: error: .data (4..15) overlaps .text (8..11)\n");
    expect_error("  NOP\n  NOP\n  .org 4\n", "t.s:3:3: error: .org 4 moves backwards: .text is already at offset 8\n");
    expect_error("a: NOP\n  .data\nb: .word 0\n  .word b - a\n",
                 "t.s:4:11: error: cannot subtract 'a' from 'b': not labels of the same section\n");
    expect_error("  .equ N, later\nlater: NOP\n", "t.s:1:11: error: .equ value must use only names defined above it\n");
    expect_error("  LI R1, 0x100000000\n", "t.s:1:10: error: number '0x100000000' does not fit in 32 bits\n");
    expect_error("  .ascii \"abc\n", "t.s:1:10: error: unterminated string\n");
    expect_error("  .byte '\\q'\n", "t.s:1:10: error: unknown escape sequence '\\q'\n");
    expect_error("  .byte 12ab\n", "t.s:1:9: error: bad number '12ab'\n");
    expect_error("  .half x\nx: .byte 1\n", "t.s:1:9: error: an address needs 32 bits: use .word\n");
    expect_error("R3: NOP\n", "t.s:1:1: error: 'R3' is a register name, not a label\n");
    expect_error("  .equ x, 1 << 64\n", "t.s:1:13: error: shift count 64 out of range 0..63\n");
    expect_error("  LOAD R1, [R2\n", "t.s:1:15: error: expected ']' or a +/- displacement, got end of line\n");
    expect_error("  SYSCALL 1\n", "t.s:1:11: error: bad operand form for SYSCALL; allowed: SYSCALL #imm\n");
    expect_error("  JMP R1, R2\n", "t.s:1:11: error: too many operands: JMP takes JMP addr | JMP Rb\n");
    expect_error("  INC R1, R2, R3, R4\n", "t.s:1:19: error: too many operands\n");
    expect_error("  .word 5000000000 - 1\n", "t.s:1:9: error: number '5000000000' does not fit in 32 bits\n");
    expect_error("  .word -1 - 0xFFFFFFFF\n", "t.s:1:9: error: value -4294967296 out of range -2147483648..4294967295 "
                                             "for a 4-byte datum\n");
    expect_error("  LOAD R1, #x + y\nx: NOP\ny: NOP\n", "t.s:1:15: error: cannot add two addresses\n");
    char *long_line = malloc(70000);
    memset(long_line, ' ', 70000);
    long_line[69999] = '\0';
    expect_error(long_line, "t.s:1:1: error: line is longer than 65535 characters\n");
    free(long_line);
    expect_error("  JNZ /0x100000\n", "t.s:1:8: error: value 1048576 out of range 0..1048575 (unsigned 20-bit) for JNZ\n");
}

/* Errors on one line must not hide errors on later lines nor cause others. */
static void test_no_cascades(void **state)
{
    (void)state;
    exe_t exe;
    assert_int_equal(assemble("  BAD\nx: LOAD R1, #y\n  JNZ x\n  JNZ zz\n", &exe), 3);
    assert_non_null(strstr(errors, "t.s:1:3: error: unknown mnemonic 'BAD'"));
    assert_non_null(strstr(errors, "t.s:2:14: error: undefined label 'y'"));
    assert_non_null(strstr(errors, "t.s:4:7: error: undefined label 'zz'"));
}

/* ---- LI, layout, literals, expressions --------------------------------- */

static void test_li_expansion(void **state)
{
    (void)state;
    exe_t exe;
    assemble_ok("  LI R1, 0x12345678\n  LI R2, #-1\n  LI R3, buf+4\n  NOP\n  .data\n  .org 0x54320\nbuf: .space 8\n",
                &exe);
    assert_int_equal(word_at(&exe, 0), isa_enc_i(OP_LUI, 1, 0x12345));
    assert_int_equal(word_at(&exe, 4), isa_enc_i(OP_ORI, 1, 0x678));
    assert_int_equal(word_at(&exe, 8), isa_enc_i(OP_LUI, 2, 0xFFFFF));
    assert_int_equal(word_at(&exe, 12), isa_enc_i(OP_ORI, 2, 0xFFF));
    assert_int_equal(word_at(&exe, 16), isa_enc_i(OP_LUI, 3, 0x54));
    assert_int_equal(word_at(&exe, 20), isa_enc_i(OP_ORI, 3, 0x324));
    assert_int_equal(exe.nrelocs, 2);
    const exe_reloc_t *hi = reloc_at(&exe, 16), *lo = reloc_at(&exe, 20);
    assert_non_null(hi);
    assert_non_null(lo);
    assert_int_equal(hi->type, R_MMU_HI20);
    assert_int_equal(lo->type, R_MMU_LO12);
    assert_int_equal(hi->value, 0x54324);
    assert_int_equal(lo->value, 0x54324);
    assert_int_equal(symbol_value(&exe, "buf"), 0x54320);
    exe_free(&exe);
}

static void test_layout_directives(void **state)
{
    (void)state;
    exe_t exe;
    assemble_ok("a:  .byte 1\n"    /* text 0 */
                "    .align 4\n"
                "b:  .half 0x1234\n" /* 4 */
                "    .space 3\n"
                "c:  .byte 9\n"      /* 9 */
                "    .align 8\n"
                "d:  NOP\n"          /* 16 */
                "    .data\n"        /* floats right after text: 20 */
                "e:  .word 5\n"
                "    .bss\n"
                "f:  .space 6\n"     /* 24 */
                "g:\n",
                &exe);
    assert_int_equal(symbol_value(&exe, "a"), 0);
    assert_int_equal(symbol_value(&exe, "b"), 4);
    assert_int_equal(symbol_value(&exe, "c"), 9);
    assert_int_equal(symbol_value(&exe, "d"), 16);
    assert_int_equal(symbol_value(&exe, "e"), 20);
    assert_int_equal(symbol_value(&exe, "f"), 24);
    assert_int_equal(symbol_value(&exe, "g"), 30);
    assert_int_equal(section(&exe, ".text")->size, 20);
    assert_int_equal(section(&exe, ".data")->addr, 20);
    assert_int_equal(section(&exe, ".bss")->size, 6);
    assert_int_equal(word_at(&exe, 4), 0x00001234);
    assert_int_equal(word_at(&exe, 8), 0x00000900);
    exe_free(&exe);
}

/* A section whose first statement is .org starts there; one with bytes
 * before its first .org starts where the previous section ends. */
static void test_org_places_sections(void **state)
{
    (void)state;
    exe_t exe;
    assemble_ok("  .data\n  .org 3000\nx: .word 1\n  .text\n  .word 2\n  .org 64\ny: NOP\n"
                "  .bss\nz: .space 4\n  .org 3100\nw: .space 4\n",
                &exe);
    assert_int_equal(section(&exe, ".bss")->addr, 3004);
    assert_int_equal(section(&exe, ".bss")->size, 100);
    assert_int_equal(symbol_value(&exe, "w"), 3100);
    assert_int_equal(section(&exe, ".text")->addr, 0);
    assert_int_equal(symbol_value(&exe, "y"), 64);
    assert_int_equal(section(&exe, ".data")->addr, 3000);
    assert_int_equal(symbol_value(&exe, "x"), 3000);
    /* .bss floats after .data (3004), so its .org 512 is behind it */
    exe_free(&exe);
    assert_int_equal(assemble("  .data\n  .org 3000\nx: .word 1\n  .bss\nz: .space 4\n  .org 512\n  .text\n  NOP\n", &exe), 1);
    assert_string_equal(errors, "t.s:6:3: error: .org 512 moves backwards: .bss already reaches 3008 there\n");
}

static void test_literals_and_expressions(void **state)
{
    (void)state;
    exe_t exe;
    assemble_ok("  .byte 'a', '\\n', '\\0', '\\'', '\\\\', 0x7F, 0b101, -1\n"
                "  .equ N, (1 + 2) * 4 - 10 / 3 % 2\n"
                "  .word N, 1 << 4 | 1, 0xF0 & 0x3C, ~0, -N\n"
                "  .ascii \"hi\\t\", \"!\"\n"
                "  .asciz \"\"\n"
                "  .align 4\n"
                "s: .word e - s, e\n"
                "e:\n",
                &exe);
    static const uint8_t bytes[] = {'a', '\n', 0, '\'', '\\', 0x7F, 5, 0xFF};
    const exe_section_t *t = section(&exe, ".text");
    assert_memory_equal(t->data, bytes, sizeof bytes);
    assert_int_equal(word_at(&exe, 8), 11);
    assert_int_equal(word_at(&exe, 12), 17);
    assert_int_equal(word_at(&exe, 16), 0x30);
    assert_int_equal(word_at(&exe, 20), 0xFFFFFFFF);
    assert_int_equal(word_at(&exe, 24), (uint32_t)-11);
    assert_memory_equal(t->data + 28, "hi\t!\0", 5);
    assert_int_equal(word_at(&exe, 36), 8);
    assert_int_equal(word_at(&exe, 40), 44);
    assert_int_equal(exe.nrelocs, 1);
    assert_int_equal(exe.relocs[0].type, R_MMU_32);
    assert_int_equal(exe.relocs[0].offset, 40);
    exe_free(&exe);
}

static void test_every_relocation_kind(void **state)
{
    (void)state;
    exe_t exe;
    assemble_ok("start: CMP R1, #tbl+4\n"      /* 0  ABS20 (S20)  */
                "       LOAD R2, [R3+tbl]\n"   /* 4  DISP16       */
                "       LOAD R2, [R3-8]\n"     /* 8  none         */
                "       CALL fn\n"             /* 12 ABS20        */
                "fn:    STORE R1, /tbl\n"      /* 16 ABS20        */
                "       RET\n"
                "       .data\n"
                "tbl:   .word fn, 3, tbl+8\n"  /* 24, 32: R_MMU_32 */
                "       .equ ptr, tbl+4\n"
                "       LOAD R1, #ptr\n",      /* 36 ABS20        */
                &exe);
    assert_int_equal(exe.nrelocs, 7);
    static const struct { uint32_t at; reloc_type_t type; uint32_t value; } want[] = {
        {0, R_MMU_ABS20, 28}, {4, R_MMU_DISP16, 24}, {12, R_MMU_ABS20, 16}, {16, R_MMU_ABS20, 24},
        {24, R_MMU_32, 16},   {32, R_MMU_32, 32},    {36, R_MMU_ABS20, 28},
    };
    for (int i = 0; i < 7; i++) {
        const exe_reloc_t *r = reloc_at(&exe, want[i].at);
        assert_non_null(r);
        assert_int_equal(r->type, want[i].type);
        assert_int_equal(r->value, want[i].value);
    }
    assert_null(reloc_at(&exe, 8));
    assert_int_equal(word_at(&exe, 4), isa_enc_r(OP_LOADM, 2, 3, 24));
    exe_free(&exe);
}

static void test_entry_point(void **state)
{
    (void)state;
    exe_t exe;
    assemble_ok("  .org 8\n  NOP\n_start: NOP\n", &exe);
    assert_int_equal(exe.entry, 12);
    exe_free(&exe);
    assemble_ok("  .data\n  .word 1\n  .text\n  .org 40\n  NOP\n", &exe);
    assert_int_equal(exe.entry, 40);
    exe_free(&exe);
}

static void test_relocatable_object(void **state)
{
    (void)state;
    exe_t exe;
    assert_int_equal(assemble_opts("  .global main, lib\nmain: CALL lib\n  LOAD R1, #ext+4\n", &exe, true, NULL), 0);
    assert_true(exe.relocatable);
    assert_int_equal(exe.nrelocs, 2);
    const exe_reloc_t *r = reloc_at(&exe, 4);
    assert_non_null(r);
    assert_string_equal(exe.symbols[r->symbol].name, "ext");
    assert_int_equal(exe.symbols[r->symbol].section, -2);
    assert_int_equal(r->value, 4);
    r = reloc_at(&exe, 0);
    assert_string_equal(exe.symbols[r->symbol].name, "lib");
    assert_true(exe.symbols[r->symbol].global);
    exe_free(&exe);
    /* `start` in an object is a symbol, not an entry point (exe.h). */
    assert_int_equal(assemble_opts("  .org 100\n  NOP\nstart: NOP\n", &exe, true, NULL), 0);
    assert_int_equal(exe.entry, 0);
    exe_free(&exe);
}

/* An empty string before any other: the string buffer is not allocated
 * yet (UBSan: NULL + 0; found by fuzz_asm). */
static void test_empty_string_first(void **state)
{
    (void)state;
    exe_t exe;
    assemble_ok("  .asciz \"\"\n  .ascii \"\", \"ab\"\n  .asciz \"\"\n", &exe);
    const exe_section_t *t = section(&exe, ".text");
    assert_int_equal(t->size, 4);
    assert_memory_equal(t->data, "\0ab\0", 4);
    exe_free(&exe);
}

static void test_listing(void **state)
{
    (void)state;
    char *text = NULL;
    size_t len = 0;
    FILE *lst = open_memstream(&text, &len);
    exe_t exe;
    assert_int_equal(assemble_opts("  .org 100\nloop: JNZ loop ; back\n  .data\nmsg: .ascii \"hello\"\n", &exe, false,
                                   lst),
                     0);
    fclose(lst);
    assert_string_equal(text, "                    .org 100\n"
                              "   100  42000064  loop: JNZ loop ; back\n"
                              "                    .data\n"
                              "   104  68656C6C  msg: .ascii \"hello\"\n"
                              "   108  6F        \n"
                              "                  \n");
    free(text);
    exe_free(&exe);
}

/* ---- robustness -------------------------------------------------------- */

static void test_never_crashes(void **state)
{
    (void)state;
    srand(12345);
    char buf[512];
    exe_t exe;
    FILE *sink = fopen("/dev/null", "w");
    asm_options_t opt = {.errors = sink, .listing = sink};
    for (size_t n = 0; n <= sizeof vcopy - 1; n++) { /* every truncation */
        asm_assemble("t.s", vcopy, n, &opt, &exe);
        exe_free(&exe);
    }
    static const char alphabet[] = "LOADSTRE #/[]+-,:;.'\"\\0x1Rr5 \n\tabcJNZ()*<>&|~%";
    for (int iter = 0; iter < 3000; iter++) {
        size_t n = (size_t)(rand() % (int)sizeof buf);
        for (size_t i = 0; i < n; i++)
            buf[i] = iter % 2 ? (char)(rand() % 256) : alphabet[rand() % (int)(sizeof alphabet - 1)];
        int errs = asm_assemble("t.s", buf, n, &opt, &exe);
        assert_true(errs >= 0);
        if (errs)
            assert_int_equal(exe.nsections, 0);
        exe_free(&exe);
    }
    for (int iter = 0; iter < 2000; iter++) { /* mutations of a good program */
        memcpy(buf, vcopy, sizeof vcopy);
        for (int k = 0; k < 3; k++)
            buf[rand() % (int)(sizeof vcopy - 1)] = alphabet[rand() % (int)(sizeof alphabet - 1)];
        asm_assemble("t.s", buf, sizeof vcopy - 1, &opt, &exe);
        exe_free(&exe);
    }
    fclose(sink);
}

static void test_assemble_file(void **state)
{
    (void)state;
    exe_t exe;
    FILE *err = fmemopen(errors, sizeof errors, "w");
    asm_options_t opt = {.errors = err};
    assert_int_equal(asm_assemble_file("/nonexistent/x.s", &opt, &exe), 1);
    fclose(err);
    assert_non_null(strstr(errors, "/nonexistent/x.s: error: cannot open"));
}

/* ---- docs/isa.md ------------------------------------------------------- */

static char *read_docs(void)
{
    char path[512];
    const char *slash = strrchr(__FILE__, '/');
    snprintf(path, sizeof path, "%.*s/../../docs/isa.md", slash ? (int)(slash - __FILE__) : 1,
             slash ? __FILE__ : ".");
    FILE *f = fopen(path, "r");
    if (!f)
        fail_msg("cannot open %s (run the tests from the repository root)", path);
    static char text[65536];
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = '\0';
    fclose(f);
    return text;
}

static const char *const form_names[] = {"NONE", "R", "RR", "RI", "RA", "RM", "A", "RJ", "I"};
static const char *const imm_names[] = {"—", "U20", "S20", "S16"};

/* Every opcode row of docs/isa.md agrees with isa_info, and every opcode has one. */
static void test_docs_match_the_isa_table(void **state)
{
    (void)state;
    char *text = read_docs(), *save = NULL;
    int rows[256] = {0};
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        unsigned code;
        char name[16], syntax[40], form[8], imm[8], mem[16];
        if (sscanf(line, "| 0x%2x | %15s | `%39[^`]` | %7s | %7s | %15[^|]|", &code, name, syntax, form, imm,
                   mem) != 6)
            continue;
        const isa_info_t *in = &isa_info[code];
        assert_true(in->valid);
        rows[code]++;
        assert_string_equal(name, in->name);
        assert_int_equal(strncmp(syntax, in->mnemonic, strlen(in->mnemonic)), 0);
        assert_string_equal(form, form_names[in->form]);
        assert_string_equal(imm, imm_names[in->imm]);
        char want_mem[16];
        if (in->mem == MEM_NONE)
            snprintf(want_mem, sizeof want_mem, "— ");
        else
            snprintf(want_mem, sizeof want_mem, "%s %u ", in->mem == MEM_LOAD ? "load" : "store", in->size);
        assert_string_equal(mem, want_mem);
    }
    for (int op = 0; op < 256; op++)
        assert_int_equal(rows[op], isa_info[op].valid ? 1 : 0);
}

/* The examples of the encoding table assemble to the encodings it shows. */
static void test_docs_encoding_examples(void **state)
{
    (void)state;
    char *text = read_docs(), *save = NULL;
    int examples = 0;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char example[40];
        unsigned encoding;
        if (sscanf(line, "| %*[A-Z] | `%*[^`]` | %*[^|]| `%39[^`]` | `%8x` |", example, &encoding) != 2)
            continue;
        assert_int_equal(one_word(example), encoding);
        examples++;
    }
    assert_int_equal(examples, 9);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seed_vcopy_encodings),
        cmocka_unit_test(test_seed_vcopy_relocations),
        cmocka_unit_test(test_numbers_get_no_relocations),
        cmocka_unit_test(test_every_opcode_round_trips),
        cmocka_unit_test(test_operand_fields),
        cmocka_unit_test(test_every_error_kind_in_one_run),
        cmocka_unit_test(test_more_errors),
        cmocka_unit_test(test_no_cascades),
        cmocka_unit_test(test_li_expansion),
        cmocka_unit_test(test_layout_directives),
        cmocka_unit_test(test_org_places_sections),
        cmocka_unit_test(test_literals_and_expressions),
        cmocka_unit_test(test_every_relocation_kind),
        cmocka_unit_test(test_entry_point),
        cmocka_unit_test(test_relocatable_object),
        cmocka_unit_test(test_empty_string_first),
        cmocka_unit_test(test_listing),
        cmocka_unit_test(test_never_crashes),
        cmocka_unit_test(test_assemble_file),
        cmocka_unit_test(test_docs_match_the_isa_table),
        cmocka_unit_test(test_docs_encoding_examples),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
