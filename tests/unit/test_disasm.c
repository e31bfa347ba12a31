/*
 * Unit tests of the disassembler: the seed's spellings come out exactly as
 * the lecture writes them, invalid and non-canonical words come out as
 * .word, and for any 32-bit word at all (every opcode with random fields,
 * then random words) assembling the disassembly gives back the same word.
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

static void expect_text(uint32_t insn, const char *want)
{
    char buf[64];
    int n = disasm(insn, buf, sizeof buf);
    assert_string_equal(buf, want);
    assert_int_equal(n, (int)strlen(want));
}

static void test_seed_spellings(void **state)
{
    (void)state;
    expect_text(isa_enc_i(OP_LOADI, 1, 1000), "LOAD R1, #1000");
    expect_text(isa_enc_i(OP_LOADA, 3, 1500), "LOAD R3, /1500");
    expect_text(isa_enc_r(OP_LOADM, 4, 1, 0), "LOAD R4, [R1]");
    expect_text(isa_enc_r(OP_LOADM, 4, 1, 8), "LOAD R4, [R1+8]");
    expect_text(isa_enc_r(OP_LOADM, 4, 1, 0xFFF8), "LOAD R4, [R1-8]");
    expect_text(isa_enc_r(OP_STOREM, 4, 2, 0), "STORE R4, [R2]");
    expect_text(isa_enc_i(OP_STOREA, 4, 2000), "STORE R4, /2000");
    expect_text(isa_enc_r(OP_INC, 1, 0, 0), "INC R1");
    expect_text(isa_enc_r(OP_DEC, 3, 0, 0), "DEC R3");
    expect_text(isa_enc_i(OP_JNZ, 0, 112), "JNZ /112");
    expect_text(isa_enc_i(OP_ADDI, 1, (uint32_t)-4), "ADD R1, #-4");
    expect_text(isa_enc_i(OP_CMPI, 2, 0x80000), "CMP R2, #-524288");
    expect_text(isa_enc_i(OP_ANDI, 2, 0xFFFFF), "AND R2, #1048575");
    expect_text(isa_enc_r(OP_ADD, 1, 2, 0), "ADD R1, R2");
    expect_text(isa_enc_r(OP_JMPR, 0, 3, 0), "JMP R3");
    expect_text(isa_enc_r(OP_CALLR, 0, 15, 0), "CALL R15");
    expect_text(isa_enc_i(OP_SYSCALL, 0, 1), "SYSCALL #1");
    expect_text(isa_enc_r(OP_RET, 0, 0, 0), "RET");
    expect_text(isa_enc_r(OP_LEA, 1, 2, 0x7FFF), "LEA R1, [R2+32767]");
    expect_text(isa_enc_r(OP_LOADBM, 1, 2, 0x8000), "LOADB R1, [R2-32768]");
}

static void test_invalid_words(void **state)
{
    (void)state;
    expect_text(0xFF000000, ".word 0xFF000000");
    expect_text(0x04123456, ".word 0x04123456");
    expect_text(isa_enc_r(OP_INC, 1, 2, 0), ".word 0x38120000");   /* rb unused by INC   */
    expect_text(isa_enc_r(OP_ADD, 1, 2, 5), ".word 0x20120005");   /* imm16 unused by RR */
    expect_text(isa_enc_i(OP_JNZ, 3, 112), ".word 0x42300070");    /* ra unused by JNZ   */
    expect_text(isa_enc_r(OP_JMPR, 1, 3, 0), ".word 0x4B130000");  /* ra unused by JMP R */
    expect_text(0x01000001, ".word 0x01000001");                   /* HALT with junk     */
}

static void test_small_buffer_is_truncated_safely(void **state)
{
    (void)state;
    char buf[6];
    memset(buf, 'x', sizeof buf);
    int n = disasm(isa_enc_i(OP_LOADI, 1, 1000), buf, sizeof buf);
    assert_int_equal(n, (int)strlen("LOAD R1, #1000"));
    assert_string_equal(buf, "LOAD ");
}

/* Assemble the disassembly of every word in words[] in one source and
 * compare the result word for word. */
static void check_round_trip(const uint32_t *words, size_t n)
{
    size_t cap = n * 40 + 1, len = 0;
    char *src = malloc(cap);
    assert_non_null(src);
    for (size_t i = 0; i < n; i++) {
        char line[64];
        disasm(words[i], line, sizeof line);
        len += (size_t)snprintf(src + len, cap - len, "%s\n", line);
    }
    exe_t exe;
    asm_options_t opt = {0};
    int errors = asm_assemble("rt.s", src, len, &opt, &exe);
    assert_int_equal(errors, 0);
    assert_int_equal(exe.nsections, 1);
    assert_int_equal(exe.sections[0].size, n * 4);
    for (size_t i = 0; i < n; i++) {
        const uint8_t *p = exe.sections[0].data + 4 * i;
        uint32_t w = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
        if (w != words[i])
            fail_msg("word %zu: %08X disassembles to a line that assembles to %08X", i, words[i], w);
    }
    exe_free(&exe);
    free(src);
}

static uint32_t random_word(void)
{
    return (uint32_t)rand() << 16 ^ (uint32_t)rand();
}

/* Written from docs/isa.md's encoding diagram, independently of disasm.c. */
static uint32_t used_fields(isa_form_t form)
{
    switch (form) {
    case FORM_NONE: return 0;
    case FORM_R: return 0x00F00000;
    case FORM_RR: return 0x00FF0000;
    case FORM_RJ: return 0x000F0000;
    case FORM_A:
    case FORM_I: return 0x000FFFFF;
    default: return 0x00FFFFFF;
    }
}

static void test_every_opcode_random_fields(void **state)
{
    (void)state;
    enum { PER_OPCODE = 200 };
    uint32_t *words = malloc(256 * PER_OPCODE * sizeof *words);
    size_t n = 0;
    srand(7);
    for (int op = 0; op < 256; op++) {
        if (!isa_info[op].valid)
            continue;
        for (int k = 0; k < PER_OPCODE; k++) {
            uint32_t fields = random_word() & 0xFFFFFF;
            if (k % 2) /* half of them canonical: clear the fields the form ignores */
                fields &= used_fields(isa_info[op].form);
            words[n++] = (uint32_t)op << 24 | fields;
        }
        words[n++] = (uint32_t)op << 24;                 /* all-zero fields        */
        words[n++] = (uint32_t)op << 24 | 0x00FFFFFF;    /* all-one fields         */
    }
    check_round_trip(words, n);
    free(words);
}

static void test_random_words(void **state)
{
    (void)state;
    enum { N = 50000 };
    uint32_t *words = malloc(N * sizeof *words);
    srand(99);
    for (size_t i = 0; i < N; i++)
        words[i] = random_word();
    check_round_trip(words, N);
    free(words);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seed_spellings),
        cmocka_unit_test(test_invalid_words),
        cmocka_unit_test(test_small_buffer_is_truncated_safely),
        cmocka_unit_test(test_every_opcode_random_fields),
        cmocka_unit_test(test_random_words),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
