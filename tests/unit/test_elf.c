/*
 * Unit tests of the ELF32 writer and reader and of reloc_apply: an
 * executable and an object survive write -> read unchanged; readelf reads
 * both without a warning; every relocation type patches its field and
 * refuses an address that does not fit; the seed's software relocation
 * (slide 11: the program loaded at 10000) comes out of the relocations; and
 * every truncation, thousands of random byte flips and a list of targeted
 * corruptions are rejected with a message, never a crash.
 */
#include <elf.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../toolchain/asm.h"
#include "../../toolchain/exe.h"
#include "../../machine/isa.h"

static const char vcopy[] =
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
    "        LI R5, table\n"
    "        LOAD R6, [R5+table]\n"
    "        .global start\n"
    "        .data\n"
    "        .org 1000\n"
    "src:    .word 1, 2, 3, 4\n"
    "        .org 1500\n"
    "size:   .word 4\n"
    "table:  .word src, dst+4\n"
    "        .equ COUNT, 4\n"
    "        .bss\n"
    "        .org 2000\n"
    "dst:    .space 16\n";

static char path[64];

static void assemble(const char *src, bool relocatable, exe_t *exe)
{
    FILE *sink = fopen("/dev/null", "w");
    asm_options_t opt = {.errors = sink, .relocatable = relocatable};
    assert_int_equal(asm_assemble("t.s", src, strlen(src), &opt, exe), 0);
    fclose(sink);
}

static void write_exe(const exe_t *exe)
{
    char err[256] = "";
    snprintf(path, sizeof path, "/tmp/test_elf_%d.x", (int)getpid());
    if (exe_write_elf(path, exe, err, sizeof err) != 0)
        fail_msg("write: %s", err);
}

static uint8_t *slurp(const char *file, size_t *len)
{
    FILE *f = fopen(file, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    *len = (size_t)ftell(f);
    rewind(f);
    uint8_t *buf = malloc(*len);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, *len, f), *len);
    fclose(f);
    return buf;
}

static const char *symbol_name(const exe_t *exe, int index)
{
    return index < 0 ? "(section)" : exe->symbols[index].name;
}

static void assert_same_image(const exe_t *a, const exe_t *b)
{
    assert_int_equal(a->relocatable, b->relocatable);
    assert_int_equal(a->entry, b->entry);
    assert_int_equal(a->nsections, b->nsections);
    for (int i = 0; i < a->nsections; i++) {
        const exe_section_t *x = &a->sections[i], *y = &b->sections[i];
        assert_string_equal(x->name, y->name);
        assert_int_equal(x->addr, y->addr);
        assert_int_equal(x->size, y->size);
        assert_int_equal(x->perm, y->perm);
        assert_int_equal(x->nobits, y->nobits);
        if (!x->nobits)
            assert_memory_equal(x->data, y->data, x->size);
    }
    assert_int_equal(a->nrelocs, b->nrelocs);
    for (int i = 0; i < a->nrelocs; i++) {
        const exe_reloc_t *x = &a->relocs[i], *y = &b->relocs[i];
        assert_int_equal(x->offset, y->offset);
        assert_int_equal(x->type, y->type);
        assert_int_equal(x->value, y->value);
        assert_string_equal(symbol_name(a, x->symbol), symbol_name(b, y->symbol));
    }
    assert_int_equal(a->nsymbols, b->nsymbols);
    for (int i = 0; i < a->nsymbols; i++) { /* the writer puts locals first */
        const exe_symbol_t *x = &a->symbols[i];
        bool found = false;
        for (int j = 0; j < b->nsymbols; j++) {
            const exe_symbol_t *y = &b->symbols[j];
            if (strcmp(x->name, y->name))
                continue;
            found = true;
            assert_int_equal(x->value, y->value);
            assert_int_equal(x->section, y->section);
            assert_int_equal(x->global, y->global);
        }
        assert_true(found);
    }
}

static void round_trip(const char *src, bool relocatable)
{
    exe_t exe, back;
    char err[256] = "";
    assemble(src, relocatable, &exe);
    write_exe(&exe);
    if (exe_read_elf(path, &back, err, sizeof err) != 0)
        fail_msg("read: %s", err);
    assert_same_image(&exe, &back);
    exe_free(&exe);
    exe_free(&back);
    unlink(path);
}

static void test_executable_round_trip(void **state)
{
    (void)state;
    round_trip(vcopy, false);
}

static void test_object_round_trip(void **state)
{
    (void)state;
    round_trip("  .global f\nf: CALL ext\n  LOAD R1, #ext+8\n  RET\n  .data\nv: .word ext, f\n", true);
    /* A `start` in an object is only a symbol: an object has no entry point
     * (ELF writes e_entry 0 for ET_REL), so none is kept to be lost. */
    round_trip("  .org 100\n  NOP\nstart: JMP start\n", true);
}

/* An ET_REL file with a non-zero e_entry: the reader ignores it (found by
 * fuzz_elf: the value did not survive a write and a read). */
static void test_object_entry_is_ignored(void **state)
{
    (void)state;
    exe_t exe, back;
    char err[256] = "";
    assemble("start: NOP\n  .org 64\nf: RET\n", true, &exe);
    write_exe(&exe);
    exe_free(&exe);
    size_t len;
    uint8_t *file = slurp(path, &len);
    ((Elf32_Ehdr *)file)->e_entry = 64;
    if (exe_parse_elf(file, len, &back, err, sizeof err) != 0)
        fail_msg("read: %s", err);
    assert_true(back.relocatable);
    assert_int_equal(back.entry, 0);
    exe_free(&back);
    free(file);
    unlink(path);
}

/* Run readelf on the file at `path`; fail on any warning or error line. */
static void readelf_is_clean(const char *want)
{
    char cmd[256], line[512];
    snprintf(cmd, sizeof cmd, "readelf -W -h -S -s -r -l %s 2>&1", path);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    bool saw = false;
    while (fgets(line, sizeof line, p)) {
        if (strstr(line, "Warning") || strstr(line, "warning") || strstr(line, "Error") || strstr(line, "error"))
            fail_msg("readelf: %s", line);
        saw |= strstr(line, want) != NULL;
    }
    assert_int_equal(pclose(p), 0);
    assert_true(saw);
}

static void test_readelf_reads_it(void **state)
{
    (void)state;
    if (system("command -v readelf >/dev/null 2>&1") != 0)
        skip();
    exe_t exe;
    assemble(vcopy, false, &exe);
    write_exe(&exe);
    readelf_is_clean("EXEC (Executable file)");
    readelf_is_clean(".rela.text");
    readelf_is_clean("0x4d4d");
    exe_free(&exe);
    assemble("  .global f\nf: CALL ext\n  .data\n  .word ext\n", true, &exe);
    write_exe(&exe);
    readelf_is_clean("REL (Relocatable file)");
    readelf_is_clean(".rela.data");
    exe_free(&exe);
    unlink(path);
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8), p[2] = (uint8_t)(v >> 16), p[3] = (uint8_t)(v >> 24);
}

static uint32_t apply(uint32_t insn, reloc_type_t type, uint32_t address, bool *ok)
{
    uint8_t field[4];
    put32(field, insn);
    *ok = reloc_apply(field, type, address);
    return get32(field);
}

static void test_reloc_apply_each_type(void **state)
{
    (void)state;
    bool ok;
    /* ABS20 in an unsigned immediate: 0..0xFFFFF */
    assert_int_equal(apply(isa_enc_i(OP_LOADI, 1, 1000), R_MMU_ABS20, 11000, &ok), isa_enc_i(OP_LOADI, 1, 11000));
    assert_true(ok);
    assert_int_equal(apply(isa_enc_i(OP_JNZ, 0, 0), R_MMU_ABS20, 0xFFFFF, &ok), isa_enc_i(OP_JNZ, 0, 0xFFFFF));
    assert_true(ok);
    assert_int_equal(apply(isa_enc_i(OP_JNZ, 0, 112), R_MMU_ABS20, 0x100000, &ok), isa_enc_i(OP_JNZ, 0, 112));
    assert_false(ok);
    /* ABS20 in a signed immediate (CMP #label): -0x80000..0x7FFFF */
    apply(isa_enc_i(OP_CMPI, 1, 0), R_MMU_ABS20, 0x7FFFF, &ok);
    assert_true(ok);
    apply(isa_enc_i(OP_CMPI, 1, 0), R_MMU_ABS20, 0x80000, &ok);
    assert_false(ok);
    /* ABS20 on an instruction without an immediate */
    apply(isa_enc_r(OP_ADD, 1, 2, 0), R_MMU_ABS20, 4, &ok);
    assert_false(ok);
    /* DISP16: -32768..32767 */
    assert_int_equal(apply(isa_enc_r(OP_LOADM, 4, 1, 8), R_MMU_DISP16, 32767, &ok), isa_enc_r(OP_LOADM, 4, 1, 0x7FFF));
    assert_true(ok);
    apply(isa_enc_r(OP_LOADM, 4, 1, 8), R_MMU_DISP16, 32768, &ok);
    assert_false(ok);
    /* HI20 / LO12 of LI: any 32-bit address */
    assert_int_equal(apply(isa_enc_i(OP_LUI, 5, 0), R_MMU_HI20, 0xDEADBEEF, &ok), isa_enc_i(OP_LUI, 5, 0xDEADB));
    assert_true(ok);
    assert_int_equal(apply(isa_enc_i(OP_ORI, 5, 0), R_MMU_LO12, 0xDEADBEEF, &ok), isa_enc_i(OP_ORI, 5, 0xEEF));
    assert_true(ok);
    /* 32: a data word */
    assert_int_equal(apply(1000, R_MMU_32, 0xFFFFFFFF, &ok), 0xFFFFFFFF);
    assert_true(ok);
    apply(0, R_MMU_NONE, 0, &ok);
    assert_false(ok);
    apply(0, (reloc_type_t)99, 0, &ok);
    assert_false(ok);
}

/* Slide 11: loaded at 10000, the program reads LOAD R1, #11000 etc. */
static void test_software_relocation_of_the_seed(void **state)
{
    (void)state;
    exe_t exe;
    assemble(vcopy, false, &exe);
    exe_section_t *text = &exe.sections[0];
    for (int i = 0; i < exe.nrelocs; i++) {
        const exe_reloc_t *r = &exe.relocs[i];
        for (int s = 0; s < exe.nsections; s++) {
            exe_section_t *sec = &exe.sections[s];
            if (!sec->nobits && r->offset >= sec->addr && r->offset < sec->addr + sec->size)
                assert_true(reloc_apply(sec->data + (r->offset - sec->addr), r->type, r->value + 10000));
        }
    }
    assert_int_equal(get32(text->data + 100), isa_enc_i(OP_LOADI, 1, 11000));
    assert_int_equal(get32(text->data + 104), isa_enc_i(OP_LOADI, 2, 12000));
    assert_int_equal(get32(text->data + 108), isa_enc_i(OP_LOADA, 3, 11500));
    assert_int_equal(get32(text->data + 112), isa_enc_r(OP_LOADM, 4, 1, 0)); /* not an address: unchanged */
    assert_int_equal(get32(text->data + 132), isa_enc_i(OP_JNZ, 0, 10112));
    exe_free(&exe);
}

static void test_extent(void **state)
{
    (void)state;
    exe_t exe;
    uint32_t lo, hi;
    assemble(vcopy, false, &exe);
    exe_extent(&exe, &lo, &hi);
    assert_int_equal(lo, 0);
    assert_int_equal(hi, 2016);
    exe_free(&exe);
    exe_t empty = {0};
    exe_extent(&empty, &lo, &hi);
    assert_int_equal(lo, 0);
    assert_int_equal(hi, 0);
}

static uint8_t *good_file(size_t *len)
{
    exe_t exe;
    assemble(vcopy, false, &exe);
    write_exe(&exe);
    exe_free(&exe);
    uint8_t *buf = slurp(path, len);
    unlink(path);
    return buf;
}

/* Every invariant a loader relies on, for a file the reader accepted. */
static void assert_sane(const exe_t *exe)
{
    uint64_t total = 0;
    assert_in_range(exe->nsections, 0, EXE_MAX_SECTIONS);
    for (int i = 0; i < exe->nsections; i++) {
        const exe_section_t *s = &exe->sections[i];
        total += s->size;
        assert_true((uint64_t)s->addr + s->size <= (uint64_t)UINT32_MAX + 1);
        assert_true(s->nobits || s->data != NULL);
    }
    assert_true(total <= 256u << 20);
    for (int i = 0; i < exe->nrelocs; i++) {
        const exe_reloc_t *r = &exe->relocs[i];
        bool inside = false;
        for (int s = 0; s < exe->nsections; s++) {
            const exe_section_t *sec = &exe->sections[s];
            inside |= !sec->nobits && r->offset >= sec->addr && (uint64_t)r->offset + 4 <= (uint64_t)sec->addr + sec->size;
        }
        assert_true(inside);
        assert_true(r->symbol >= -1 && r->symbol < exe->nsymbols);
    }
    for (int i = 0; i < exe->nsymbols; i++)
        assert_true(exe->symbols[i].section >= -2 && exe->symbols[i].section < exe->nsections);
}

static void test_every_truncation_is_rejected(void **state)
{
    (void)state;
    size_t len;
    uint8_t *buf = good_file(&len);
    exe_t exe;
    char err[256];
    assert_int_equal(exe_parse_elf(buf, len, &exe, err, sizeof err), 0);
    exe_free(&exe);
    for (size_t n = 0; n < len; n++) {
        uint8_t *copy = malloc(n ? n : 1); /* exact size, so ASan sees any overread */
        memcpy(copy, buf, n);
        err[0] = '\0';
        if (exe_parse_elf(copy, n, &exe, err, sizeof err) != -1)
            fail_msg("a %zu-byte prefix of a %zu-byte file was accepted", n, len);
        assert_true(err[0] != '\0');
        assert_int_equal(exe.nsections, 0);
        assert_null(exe.relocs);
        free(copy);
    }
    assert_int_equal(exe_parse_elf(NULL, 0, &exe, err, sizeof err), -1);
    free(buf);
}

static void test_random_flips_never_crash(void **state)
{
    (void)state;
    size_t len;
    uint8_t *buf = good_file(&len);
    uint8_t *copy = malloc(len);
    exe_t exe;
    char err[256];
    int accepted = 0;
    srand(2024);
    for (int iter = 0; iter < 20000; iter++) {
        memcpy(copy, buf, len);
        int flips = 1 + rand() % 4;
        for (int k = 0; k < flips; k++) {
            size_t at = (size_t)rand() % (iter % 3 ? len : 52 + 3 * 32 + 8); /* often in the headers */
            copy[at] ^= (uint8_t)(1 + rand() % 255);
        }
        if (exe_parse_elf(copy, len, &exe, err, sizeof err) == 0) {
            accepted++;
            assert_sane(&exe);
            exe_free(&exe);
        } else {
            assert_true(err[0] != '\0');
        }
    }
    assert_true(accepted > 0); /* flips in section contents are harmless */
    free(copy);
    free(buf);
}

/* Targeted corruptions, each with the message it must give. */
static void expect_rejected(uint8_t *buf, size_t len, const char *message)
{
    exe_t exe;
    char err[256] = "";
    assert_int_equal(exe_parse_elf(buf, len, &exe, err, sizeof err), -1);
    if (!strstr(err, message))
        fail_msg("expected '%s' in '%s'", message, err);
}

static Elf32_Shdr *find_section(uint8_t *buf, Elf32_Word type)
{
    Elf32_Ehdr *eh = (Elf32_Ehdr *)buf;
    Elf32_Shdr *sh = (Elf32_Shdr *)(buf + eh->e_shoff);
    for (int i = 0; i < eh->e_shnum; i++)
        if (sh[i].sh_type == type)
            return &sh[i];
    fail_msg("no section of type %u", type);
    return NULL;
}

static uint8_t *good, *buf;
static size_t good_len;

/* A fresh copy of the good file in buf, to corrupt one thing in. */
static Elf32_Ehdr *fresh(void)
{
    memcpy(buf, good, good_len);
    return (Elf32_Ehdr *)buf;
}

static void test_targeted_corruptions(void **state)
{
    (void)state;
    good = good_file(&good_len);
    buf = malloc(good_len);
    size_t len = good_len;

    fresh()->e_ident[1] = 'X';
    expect_rejected(buf, len, "bad magic");
    fresh()->e_ident[EI_CLASS] = ELFCLASS64;
    expect_rejected(buf, len, "32-bit little-endian");
    fresh()->e_ident[EI_DATA] = ELFDATA2MSB;
    expect_rejected(buf, len, "32-bit little-endian");
    fresh()->e_machine = EM_RISCV;
    expect_rejected(buf, len, "machine 0xF3");
    fresh()->e_type = ET_CORE;
    expect_rejected(buf, len, "neither an executable, a library nor an object");
    fresh()->e_shnum = 60000;
    expect_rejected(buf, len, "section headers");
    fresh()->e_shoff = (Elf32_Off)len;
    expect_rejected(buf, len, "section headers beyond the end");
    fresh()->e_shstrndx = ((Elf32_Ehdr *)good)->e_shnum;
    expect_rejected(buf, len, "section name table index");
    fresh()->e_phoff = 0xFFFFFFF0;
    expect_rejected(buf, len, "program headers");
    fresh()->e_entry = 5000;
    expect_rejected(buf, len, "entry point 5000");

    fresh();
    find_section(buf, SHT_PROGBITS)->sh_size = 0x7FFFFFF0;
    expect_rejected(buf, len, "beyond the end of the file");
    fresh();
    find_section(buf, SHT_NOBITS)->sh_size = 0x20000000;
    expect_rejected(buf, len, "256 MiB");
    fresh();
    find_section(buf, SHT_NOBITS)->sh_addr = 1200;
    expect_rejected(buf, len, "overlap");
    fresh();
    find_section(buf, SHT_SYMTAB)->sh_entsize = 12;
    expect_rejected(buf, len, "malformed symbol table");
    fresh();
    find_section(buf, SHT_RELA)->sh_info = 0;
    expect_rejected(buf, len, "targets no loaded section");
    fresh();
    find_section(buf, SHT_RELA)->sh_link = 0;
    expect_rejected(buf, len, "malformed");
    Elf32_Ehdr *eh = fresh();
    ((Elf32_Shdr *)(buf + eh->e_shoff))[1].sh_name = 0xFFFF;
    expect_rejected(buf, len, "bad name index");

    fresh();
    Elf32_Rela *rela = (Elf32_Rela *)(buf + find_section(buf, SHT_RELA)->sh_offset);
    rela[0].r_offset = 5000;
    expect_rejected(buf, len, "patches outside .text");
    fresh();
    rela[0].r_info = ELF32_R_INFO(9999, R_MMU_ABS20);
    expect_rejected(buf, len, "symbol 9999");
    fresh();
    rela[0].r_info = ELF32_R_INFO(1, 77);
    expect_rejected(buf, len, "bad type 77");

    eh = fresh();
    Elf32_Shdr *strtab = &((Elf32_Shdr *)(buf + eh->e_shoff))[find_section(buf, SHT_SYMTAB)->sh_link];
    buf[strtab->sh_offset + strtab->sh_size - 1] = 'x';
    expect_rejected(buf, len, "NUL-terminated string table");
    fresh();
    Elf32_Sym *sym = (Elf32_Sym *)(buf + find_section(buf, SHT_SYMTAB)->sh_offset);
    sym[5].st_name = 0xFFFFFF;
    expect_rejected(buf, len, "bad name index");
    fresh();
    sym[5].st_shndx = 7;
    expect_rejected(buf, len, "not loaded");
    free(buf);
    free(good);
}

static void test_file_errors(void **state)
{
    (void)state;
    exe_t exe;
    char err[256];
    assert_int_equal(exe_read_elf("/nonexistent/p.x", &exe, err, sizeof err), -1);
    assert_non_null(strstr(err, "/nonexistent/p.x: cannot open"));
    assemble(vcopy, false, &exe);
    assert_int_equal(exe_write_elf("/nonexistent/p.x", &exe, err, sizeof err), -1);
    assert_non_null(strstr(err, "cannot create"));
    exe.relocs[0].offset = 5000; /* in .bss: no bytes to patch */
    assert_int_equal(exe_write_elf("/tmp/never.x", &exe, err, sizeof err), -1);
    assert_non_null(strstr(err, "relocation at 5000"));
    exe_free(&exe);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_executable_round_trip),
        cmocka_unit_test(test_object_round_trip),
        cmocka_unit_test(test_object_entry_is_ignored),
        cmocka_unit_test(test_readelf_reads_it),
        cmocka_unit_test(test_reloc_apply_each_type),
        cmocka_unit_test(test_software_relocation_of_the_seed),
        cmocka_unit_test(test_extent),
        cmocka_unit_test(test_every_truncation_is_rejected),
        cmocka_unit_test(test_random_flips_never_crash),
        cmocka_unit_test(test_targeted_corruptions),
        cmocka_unit_test(test_file_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
