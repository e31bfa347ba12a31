/*
 * Unit tests of relocation: reloc_apply for each relocation type, and the
 * loaders of the OS layer (os/os.h) that use it.  The software-relocating
 * loader must add the load base to every relocated field and change nothing
 * else (the seed's slide 11: "program in memory different from executable",
 * but only in its addresses); the base/limit loader must copy the image
 * unmodified (slide 10); both charge load_word_cycles per word copied and,
 * for software relocation, reloc_patch_cycles per relocation
 * (docs/timing.md).  The test program is built by hand, word by word, so the
 * loader is tested apart from the assembler; it uses every relocation type
 * and computes a number from what it reads through each relocated address,
 * so a wrong patch shows as a wrong exit code.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../toolchain/exe.h"
#include "../../machine/isa.h"
#include "../../machine/machine.h"
#include "../../os/os.h"

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8), p[2] = (uint8_t)(v >> 16), p[3] = (uint8_t)(v >> 24);
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* ---- reloc_apply, type by type ------------------------------------------ */

static uint32_t patched(reloc_type_t type, uint32_t insn, uint32_t address, bool *ok)
{
    uint8_t field[4];
    put32(field, insn);
    *ok = reloc_apply(field, type, address);
    return get32(field);
}

static void test_reloc_32_writes_the_word(void **state)
{
    (void)state;
    bool ok;
    assert_int_equal(patched(R_MMU_32, 0, 0x12345678, &ok), 0x12345678);
    assert_true(ok);
    assert_int_equal(patched(R_MMU_32, 0xFFFFFFFF, 11000, &ok), 11000);
    assert_true(ok);
    uint8_t field[4] = {0};
    assert_true(reloc_apply(field, R_MMU_32, 0x0A0B0C0D));
    assert_int_equal(field[0], 0x0D); /* little-endian */
    assert_int_equal(field[3], 0x0A);
}

static void test_reloc_abs20_patches_the_immediate_only(void **state)
{
    (void)state;
    bool ok;
    /* the seed's LOAD R1, #1000 loaded at 10000 becomes LOAD R1, #11000 */
    assert_int_equal(patched(R_MMU_ABS20, isa_enc_i(OP_LOADI, 1, 1000), 11000, &ok), isa_enc_i(OP_LOADI, 1, 11000));
    assert_true(ok);
    /* LOAD R3, /1500 -> /11500 and JNZ /112 -> /10112 */
    assert_int_equal(patched(R_MMU_ABS20, isa_enc_i(OP_LOADA, 3, 1500), 11500, &ok), isa_enc_i(OP_LOADA, 3, 11500));
    assert_int_equal(patched(R_MMU_ABS20, isa_enc_i(OP_JNZ, 0, 112), 10112, &ok), isa_enc_i(OP_JNZ, 0, 10112));
    assert_true(ok);
    /* U20: up to 0xFFFFF, refused beyond, the field left alone */
    assert_int_equal(patched(R_MMU_ABS20, isa_enc_i(OP_CALL, 0, 4), 0xFFFFF, &ok), isa_enc_i(OP_CALL, 0, 0xFFFFF));
    assert_true(ok);
    assert_int_equal(patched(R_MMU_ABS20, isa_enc_i(OP_CALL, 0, 4), 0x100000, &ok), isa_enc_i(OP_CALL, 0, 4));
    assert_false(ok);
    /* S20 (ADD Ra, #label): up to 0x7FFFF */
    assert_int_equal(patched(R_MMU_ABS20, isa_enc_i(OP_ADDI, 2, 8), 0x7FFFF, &ok), isa_enc_i(OP_ADDI, 2, 0x7FFFF));
    assert_true(ok);
    patched(R_MMU_ABS20, isa_enc_i(OP_ADDI, 2, 8), 0x80000, &ok);
    assert_false(ok);
    /* an instruction without a 20-bit immediate cannot take it */
    patched(R_MMU_ABS20, isa_enc_r(OP_LOADM, 1, 2, 8), 100, &ok);
    assert_false(ok);
}

static void test_reloc_hi20_lo12_split_an_address(void **state)
{
    (void)state;
    bool ok;
    uint32_t lui = patched(R_MMU_HI20, isa_enc_i(OP_LUI, 5, 0), 0x12345678, &ok);
    assert_true(ok);
    assert_int_equal(lui, isa_enc_i(OP_LUI, 5, 0x12345));
    uint32_t ori = patched(R_MMU_LO12, isa_enc_i(OP_ORI, 5, 0x123), 0x12345678, &ok);
    assert_true(ok);
    assert_int_equal(ori, isa_enc_i(OP_ORI, 5, 0x678));
    /* together they rebuild the address */
    assert_int_equal(isa_u20(lui) << 12 | isa_u20(ori), 0x12345678);
    /* any 32-bit address fits */
    patched(R_MMU_HI20, isa_enc_i(OP_LUI, 5, 0), 0xFFFFFFFF, &ok);
    assert_true(ok);
}

static void test_reloc_disp16_keeps_both_registers(void **state)
{
    (void)state;
    bool ok;
    assert_int_equal(patched(R_MMU_DISP16, isa_enc_r(OP_LOADM, 4, 1, 16), 10016, &ok), isa_enc_r(OP_LOADM, 4, 1, 10016));
    assert_true(ok);
    assert_int_equal(patched(R_MMU_DISP16, isa_enc_r(OP_STOREBM, 7, 9, 0), 0x7FFF, &ok),
                     isa_enc_r(OP_STOREBM, 7, 9, 0x7FFF));
    assert_true(ok);
    assert_int_equal(patched(R_MMU_DISP16, isa_enc_r(OP_LOADM, 4, 1, 16), 0x8000, &ok), isa_enc_r(OP_LOADM, 4, 1, 16));
    assert_false(ok);
}

static void test_reloc_unknown_types_are_refused(void **state)
{
    (void)state;
    bool ok;
    patched(R_MMU_NONE, 0, 5, &ok);
    assert_false(ok);
    patched((reloc_type_t)42, 0, 5, &ok);
    assert_false(ok);
}

/* ---- a program with every relocation type -------------------------------- */

/*
 * Logical layout (the program is assembled as if loaded at 0):
 *
 *   .text  0x000  code (entry at 0x000)
 *   .data  0x100  src: 3, 5;  size: 4;  table: .word src, .word size
 *   .bss   0x140  16 bytes
 *
 * It reads through every relocated address and exits with
 * src[0] + size + src[1] + *table[1] + 6 = 3 + 4 + 5 + 4 + 6 = 22.
 */
#define SRC 0x100u
#define SIZE 0x108u
#define TABLE 0x10Cu
#define BSS 0x140u
#define SUB 0x40u
#define EXIT_CODE 22

typedef struct {
    uint32_t insn;
    reloc_type_t type; /* R_MMU_NONE: no relocation */
    uint32_t value;
} line_t;

static const line_t program[] = {
    {0, R_MMU_ABS20, SRC},          /* 0x00 LOAD R1, #src           */
    {0, R_MMU_NONE, 0},             /* 0x04 LOAD R2, [R1+0]          */
    {0, R_MMU_ABS20, SIZE},         /* 0x08 LOAD R3, /size           */
    {0, R_MMU_HI20, TABLE},         /* 0x0C LUI R5, #hi(table)       */
    {0, R_MMU_LO12, TABLE},         /* 0x10 OR R5, #lo(table)        */
    {0, R_MMU_NONE, 0},             /* 0x14 LOAD R6, [R5+0]  (= src) */
    {0, R_MMU_NONE, 0},             /* 0x18 LOAD R7, [R6+4]          */
    {0, R_MMU_DISP16, TABLE + 4},   /* 0x1C LOAD R8, [R0+table+4]    */
    {0, R_MMU_NONE, 0},             /* 0x20 LOAD R9, [R8+0]          */
    {0, R_MMU_ABS20, SUB},          /* 0x24 CALL sub                 */
    {0, R_MMU_NONE, 0},             /* 0x28 ADD R2, R3               */
    {0, R_MMU_NONE, 0},             /* 0x2C ADD R2, R7               */
    {0, R_MMU_NONE, 0},             /* 0x30 ADD R2, R9               */
    {0, R_MMU_NONE, 0},             /* 0x34 ADD R2, R10              */
    {0, R_MMU_NONE, 0},             /* 0x38 MOV R1, R2               */
    {0, R_MMU_NONE, 0},             /* 0x3C SYSCALL #0 (exit)        */
    {0, R_MMU_NONE, 0},             /* 0x40 sub: LOAD R10, #6        */
    {0, R_MMU_NONE, 0},             /* 0x44 RET                      */
};
#define NCODE (sizeof program / sizeof program[0])

static uint32_t code_word(size_t i)
{
    switch (i) {
    case 0: return isa_enc_i(OP_LOADI, 1, SRC);
    case 1: return isa_enc_r(OP_LOADM, 2, 1, 0);
    case 2: return isa_enc_i(OP_LOADA, 3, SIZE);
    case 3: return isa_enc_i(OP_LUI, 5, TABLE >> 12);
    case 4: return isa_enc_i(OP_ORI, 5, TABLE & 0xFFF);
    case 5: return isa_enc_r(OP_LOADM, 6, 5, 0);
    case 6: return isa_enc_r(OP_LOADM, 7, 6, 4);
    case 7: return isa_enc_r(OP_LOADM, 8, 0, TABLE + 4);
    case 8: return isa_enc_r(OP_LOADM, 9, 8, 0);
    case 9: return isa_enc_i(OP_CALL, 0, SUB);
    case 10: return isa_enc_r(OP_ADD, 2, 3, 0);
    case 11: return isa_enc_r(OP_ADD, 2, 7, 0);
    case 12: return isa_enc_r(OP_ADD, 2, 9, 0);
    case 13: return isa_enc_r(OP_ADD, 2, 10, 0);
    case 14: return isa_enc_r(OP_MOV, 1, 2, 0);
    case 15: return isa_enc_i(OP_SYSCALL, 0, 0);
    case 16: return isa_enc_i(OP_LOADI, 10, 6);
    default: return isa_enc_r(OP_RET, 0, 0, 0);
    }
}

static void build(exe_t *exe, bool with_disp16)
{
    memset(exe, 0, sizeof *exe);
    exe->entry = 0;
    exe->nsections = 3;
    exe_section_t *text = &exe->sections[0], *data = &exe->sections[1], *bss = &exe->sections[2];
    snprintf(text->name, sizeof text->name, ".text");
    text->addr = 0;
    text->size = 4 * NCODE;
    text->perm = SEC_R | SEC_X;
    text->data = malloc(text->size);
    snprintf(data->name, sizeof data->name, ".data");
    data->addr = SRC;
    data->size = 0x16; /* src[2], size, table[2], and 2 bytes: not a whole word */
    data->perm = SEC_R | SEC_W;
    data->data = calloc(1, data->size);
    snprintf(bss->name, sizeof bss->name, ".bss");
    bss->addr = BSS;
    bss->size = 16;
    bss->perm = SEC_R | SEC_W;
    bss->nobits = true;
    assert_non_null(text->data);
    assert_non_null(data->data);
    exe->relocs = calloc(NCODE + 2, sizeof *exe->relocs);
    assert_non_null(exe->relocs);
    for (size_t i = 0; i < NCODE; i++) {
        uint32_t w = code_word(i);
        if (i == 7 && !with_disp16) /* LOAD R8, /table+4 instead: ABS20 */
            w = isa_enc_i(OP_LOADA, 8, TABLE + 4);
        put32(text->data + 4 * i, w);
        if (program[i].type != R_MMU_NONE)
            exe->relocs[exe->nrelocs++] = (exe_reloc_t){
                (uint32_t)(4 * i), i == 7 && !with_disp16 ? R_MMU_ABS20 : program[i].type, program[i].value, -1};
    }
    put32(data->data + 0, 3);      /* src[0]                      */
    put32(data->data + 4, 5);      /* src[1]                      */
    put32(data->data + 8, 4);      /* size                        */
    put32(data->data + 12, SRC);   /* table[0] = .word src        */
    put32(data->data + 16, SIZE);  /* table[1] = .word size       */
    data->data[20] = 'h';
    data->data[21] = 'i';
    exe->relocs[exe->nrelocs++] = (exe_reloc_t){TABLE, R_MMU_32, SRC, -1};
    exe->relocs[exe->nrelocs++] = (exe_reloc_t){TABLE + 4, R_MMU_32, SIZE, -1};
}

typedef struct {
    machine_t *m;
    os_t *os;
    FILE *console;
} rig_t;

static void rig_open(rig_t *r, os_mode_t mode, uint32_t base, uint32_t mem, const timing_t *timing)
{
    machine_config_t hw;
    machine_config_defaults(&hw);
    hw.mem_size = mem;
    if (timing)
        hw.timing = *timing;
    char err[256] = "";
    r->m = cmodel_create(&hw, NULL, err, sizeof err);
    if (!r->m)
        fail_msg("cmodel_create: %s", err);
    os_config_t oc;
    os_config_defaults(&oc);
    oc.mode = mode;
    if (base) {
        oc.base = base;
        oc.base_given = true;
    }
    r->os = os_create(r->m, &oc, err, sizeof err);
    if (!r->os)
        fail_msg("os_create: %s", err);
    r->console = fopen("/dev/null", "w");
    os_set_console(r->os, r->console);
    /* Leftovers of earlier programs everywhere a process may go, so a loader
     * that forgets to clear its partition shows. */
    uint32_t lo = mode == OS_BARE ? 0 : oc.os_size, hi = mode == OS_BARE ? mem - oc.os_size : mem;
    uint8_t *junk = malloc(hi - lo);
    assert_non_null(junk);
    memset(junk, 0xA5, hi - lo);
    assert_true(machine_phys_write(r->m, lo, junk, hi - lo));
    free(junk);
}

static void rig_close(rig_t *r)
{
    os_destroy(r->os);
    machine_destroy(r->m);
    if (r->console)
        fclose(r->console);
}

/* The relocation covering logical address a, if any. */
static const exe_reloc_t *reloc_at(const exe_t *exe, uint32_t a)
{
    for (int i = 0; i < exe->nrelocs; i++)
        if (a >= exe->relocs[i].offset && a < exe->relocs[i].offset + 4)
            return &exe->relocs[i];
    return NULL;
}

/* The byte the image holds at logical address a (0 outside the sections). */
static uint8_t image_byte(const exe_t *exe, uint32_t a)
{
    for (int i = 0; i < exe->nsections; i++) {
        const exe_section_t *s = &exe->sections[i];
        if (a >= s->addr && a < s->addr + s->size)
            return s->nobits ? 0 : s->data[a - s->addr];
    }
    return 0;
}

/* Words the loader copies: every section with bytes in the file. */
static uint64_t image_words(const exe_t *exe)
{
    uint64_t w = 0;
    for (int i = 0; i < exe->nsections; i++)
        if (!exe->sections[i].nobits)
            w += (exe->sections[i].size + 3) / 4;
    return w;
}

/*
 * Compare a loaded process's memory, byte for byte over its whole partition,
 * with the image: relocated fields must hold value + base (shift = base) and
 * every other byte must be the image's (zero beyond the sections).
 */
static void check_loaded(rig_t *r, int pid, const exe_t *exe, uint32_t shift)
{
    process_t *p = os_process(r->os, pid);
    assert_non_null(p);
    uint8_t *mem = malloc(p->size);
    assert_non_null(mem);
    assert_true(os_read_logical(r->os, pid, 0, mem, p->size));
    /* the same bytes sit at the partition's physical place */
    uint8_t *phys = malloc(p->size);
    assert_non_null(phys);
    assert_true(machine_phys_read(r->m, p->base, phys, p->size));
    assert_memory_equal(mem, phys, p->size);
    free(phys);
    int patched_fields = 0;
    for (uint32_t a = 0; a < p->size; a++) {
        const exe_reloc_t *rel = reloc_at(exe, a);
        if (rel && shift) {
            if (a != rel->offset)
                continue;
            uint8_t want[4];
            for (int k = 0; k < 4; k++)
                want[k] = image_byte(exe, a + (uint32_t)k);
            assert_true(reloc_apply(want, rel->type, rel->value + shift));
            if (memcmp(mem + a, want, 4))
                fail_msg("relocated field at 0x%x: 0x%08x, want 0x%08x", a, get32(mem + a), get32(want));
            patched_fields++;
            continue;
        }
        if (mem[a] != image_byte(exe, a))
            fail_msg("byte at logical 0x%x: 0x%02x, image has 0x%02x", a, mem[a], image_byte(exe, a));
    }
    if (shift)
        assert_int_equal(patched_fields, exe->nrelocs);
    free(mem);
}

static void test_software_relocation_patches_exactly_the_relocated_fields(void **state)
{
    (void)state;
    /* the seed's 10000, others; DISP16 fields only reach 0x7FFF */
    const struct {
        uint32_t base;
        bool disp16;
    } cases[] = {{10000, true}, {0x2000, true}, {0x7000, true}, {0x12340, false}, {0xF0000, false}};
    for (size_t b = 0; b < sizeof cases / sizeof cases[0]; b++) {
        const uint32_t base = cases[b].base;
        exe_t exe;
        build(&exe, cases[b].disp16);
        rig_t r;
        rig_open(&r, OS_SWRELOC, base, 1u << 20, NULL);
        char err[256] = "";
        int pid = os_load(r.os, &exe, "every-reloc", err, sizeof err);
        if (pid < 0)
            fail_msg("os_load at 0x%x: %s", base, err);
        process_t *p = os_process(r.os, pid);
        assert_int_equal(p->base, base);
        check_loaded(&r, pid, &exe, base);
        /* the CPU runs untranslated, from the relocated entry point */
        assert_int_equal(p->mmu.mode, MMU_BARE);
        assert_int_equal(p->cpu.pc, base + exe.entry);
        assert_int_equal(p->cpu.r[ISA_REG_SP], base + p->size);
        assert_int_equal(p->st.relocations, (uint64_t)exe.nrelocs);
        /* and the program finds its data through every patched address */
        assert_int_equal(os_run(r.os), 0);
        assert_int_equal(p->state, PROC_EXITED);
        assert_int_equal(p->exit_code, EXIT_CODE);
        rig_close(&r);
        exe_free(&exe);
    }
}

static void test_hardware_relocation_copies_the_image_unmodified(void **state)
{
    (void)state;
    const os_mode_t modes[] = {OS_BARE, OS_HWRELOC};
    for (size_t k = 0; k < 2; k++) {
        const os_mode_t mode = modes[k];
        exe_t exe;
        build(&exe, true);
        rig_t r;
        rig_open(&r, mode, mode == OS_BARE ? 0 : 10000, 1u << 20, NULL);
        char err[256] = "";
        int pid = os_load(r.os, &exe, "every-reloc", err, sizeof err);
        if (pid < 0)
            fail_msg("os_load: %s", err);
        process_t *p = os_process(r.os, pid);
        check_loaded(&r, pid, &exe, 0);
        assert_int_equal(p->st.relocations, 0);
        assert_int_equal(p->cpu.pc, exe.entry); /* logical under base/limit, physical 0 bare */
        if (mode == OS_HWRELOC) {
            assert_int_equal(p->base, 10000);
            assert_int_equal(p->mmu.mode, MMU_RELOC);
            assert_int_equal(p->mmu.base, 10000);
            assert_int_equal(p->mmu.limit, p->size);
            assert_int_equal(p->cpu.r[ISA_REG_SP], p->size);
        } else {
            assert_int_equal(p->base, 0);
            assert_int_equal(p->mmu.mode, MMU_BARE);
            assert_true(p->mmu.fence < (1u << 20)); /* the OS sits above the fence */
        }
        assert_int_equal(os_run(r.os), 0);
        assert_int_equal(p->exit_code, EXIT_CODE);
        rig_close(&r);
        exe_free(&exe);
    }
}

static void test_loader_charges_words_and_relocations(void **state)
{
    (void)state;
    timing_t t;
    timing_defaults(&t);
    t.load_word_cycles = 3;
    t.reloc_patch_cycles = 7;
    for (int mode = OS_SWRELOC; mode <= OS_HWRELOC; mode++) {
        exe_t exe;
        build(&exe, true);
        rig_t r;
        rig_open(&r, (os_mode_t)mode, 10000, 1u << 20, &t);
        uint64_t t0 = machine_cycles(r.m);
        char err[256] = "";
        int pid = os_load(r.os, &exe, "every-reloc", err, sizeof err);
        assert_true(pid > 0);
        uint64_t want = image_words(&exe) * t.load_word_cycles;
        if (mode == OS_SWRELOC)
            want += (uint64_t)exe.nrelocs * t.reloc_patch_cycles;
        assert_int_equal(os_process(r.os, pid)->st.load_cycles, want);
        assert_int_equal(machine_cycles(r.m) - t0, want);
        rig_close(&r);
        exe_free(&exe);
    }
}

static void test_a_field_the_address_does_not_fit_is_refused(void **state)
{
    (void)state;
    exe_t exe;
    build(&exe, true);
    rig_t r;
    /* table + 4 + 0x8000 no longer fits a signed 16-bit displacement */
    rig_open(&r, OS_SWRELOC, 0x8000, 1u << 20, NULL);
    char err[256] = "";
    assert_int_equal(os_load(r.os, &exe, "every-reloc", err, sizeof err), -1);
    assert_non_null(strstr(err, "does not fit"));
    assert_int_equal(os_process_count(r.os), 0);
    /* the partition was given back: the same place takes the program written without DISP16 */
    exe_t absolute;
    build(&absolute, false);
    int pid = os_load(r.os, &absolute, "no-disp16", err, sizeof err);
    if (pid != 1)
        fail_msg("second load: %s", err);
    assert_int_equal(os_process(r.os, pid)->base, 0x8000);
    check_loaded(&r, pid, &absolute, 0x8000);
    assert_int_equal(os_run(r.os), 0);
    assert_int_equal(os_process(r.os, pid)->exit_code, EXIT_CODE);
    rig_close(&r);
    exe_free(&absolute);
    /* under base/limit the same program loads anywhere: nothing is patched */
    rig_open(&r, OS_HWRELOC, 0x8000, 1u << 20, NULL);
    pid = os_load(r.os, &exe, "every-reloc", err, sizeof err);
    assert_int_equal(pid, 1);
    assert_int_equal(os_run(r.os), 0);
    assert_int_equal(os_process(r.os, pid)->exit_code, EXIT_CODE);
    rig_close(&r);
    exe_free(&exe);
}

static void test_abs20_beyond_a_megabyte_is_refused(void **state)
{
    (void)state;
    exe_t exe;
    build(&exe, false);
    rig_t r;
    rig_open(&r, OS_SWRELOC, 0xFFF00, 2u << 20, NULL);
    char err[256] = "";
    assert_int_equal(os_load(r.os, &exe, "far", err, sizeof err), -1);
    assert_non_null(strstr(err, "does not fit"));
    rig_close(&r);
    exe_free(&exe);
}

static void test_objects_and_a_second_bare_program_are_refused(void **state)
{
    (void)state;
    exe_t exe;
    build(&exe, true);
    rig_t r;
    char err[256] = "";
    rig_open(&r, OS_SWRELOC, 0, 1u << 20, NULL);
    exe.relocatable = true;
    assert_int_equal(os_load(r.os, &exe, "obj", err, sizeof err), -1);
    assert_non_null(strstr(err, "object"));
    exe.relocatable = false;
    rig_close(&r);
    rig_open(&r, OS_BARE, 0, 1u << 20, NULL);
    assert_int_equal(os_load(r.os, &exe, "one", err, sizeof err), 1);
    assert_int_equal(os_load(r.os, &exe, "two", err, sizeof err), -1);
    assert_non_null(strstr(err, "monoprogrammed"));
    rig_close(&r);
    exe_free(&exe);
}

static void test_two_processes_get_their_own_bases(void **state)
{
    (void)state;
    exe_t exe;
    build(&exe, true);
    for (int mode = OS_SWRELOC; mode <= OS_HWRELOC; mode++) {
        rig_t r;
        rig_open(&r, (os_mode_t)mode, 10000, 1u << 20, NULL);
        char err[256] = "";
        assert_int_equal(os_load(r.os, &exe, "a", err, sizeof err), 1);
        assert_int_equal(os_load(r.os, &exe, "b", err, sizeof err), 2);
        process_t *a = os_process(r.os, 1), *b = os_process(r.os, 2);
        assert_true(b->base >= a->base + a->size || b->base + b->size <= a->base); /* disjoint */
        check_loaded(&r, 1, &exe, mode == OS_SWRELOC ? a->base : 0);
        check_loaded(&r, 2, &exe, mode == OS_SWRELOC ? b->base : 0);
        assert_int_equal(os_owner(r.os, a->base), 1);
        assert_int_equal(os_owner(r.os, b->base + b->size - 1), 2);
        assert_int_equal(os_owner(r.os, 0), 0); /* the resident OS */
        assert_int_equal(os_run(r.os), 0);
        assert_int_equal(a->exit_code, EXIT_CODE);
        assert_int_equal(b->exit_code, EXIT_CODE);
        rig_close(&r);
    }
    exe_free(&exe);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reloc_32_writes_the_word),
        cmocka_unit_test(test_reloc_abs20_patches_the_immediate_only),
        cmocka_unit_test(test_reloc_hi20_lo12_split_an_address),
        cmocka_unit_test(test_reloc_disp16_keeps_both_registers),
        cmocka_unit_test(test_reloc_unknown_types_are_refused),
        cmocka_unit_test(test_software_relocation_patches_exactly_the_relocated_fields),
        cmocka_unit_test(test_hardware_relocation_copies_the_image_unmodified),
        cmocka_unit_test(test_loader_charges_words_and_relocations),
        cmocka_unit_test(test_a_field_the_address_does_not_fit_is_refused),
        cmocka_unit_test(test_abs20_beyond_a_megabyte_is_refused),
        cmocka_unit_test(test_objects_and_a_second_bare_program_are_refused),
        cmocka_unit_test(test_two_processes_get_their_own_bases),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
