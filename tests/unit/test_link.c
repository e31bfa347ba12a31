/*
 * Unit tests of the static linker (toolchain/link.c) and the archive format
 * (toolchain/archive.c).  Objects are assembled from small sources into a
 * temporary directory, linked, and the result is checked field by field:
 * each module's sections at their place, every reference patched with the
 * definition's final address and its relocation kept, duplicate and missing
 * symbols reported, archive members pulled in only when they resolve
 * something, and a dynamic library's functions reached through stubs and the
 * import table.  Archives round-trip through write and parse, long names too,
 * and a corrupt archive is an error, not a crash.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../toolchain/archive.h"
#include "../../toolchain/asm.h"
#include "../../machine/isa.h"
#include "../../toolchain/link.h"

static char dir[64];

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Assemble source as an object (or, shared, as a library via ld -shared) at dir/name. */
static const char *object(const char *name, const char *source)
{
    static char paths[8][128];
    static int next;
    char *path = paths[next++ % 8];
    snprintf(path, 128, "%s/%s", dir, name);
    asm_options_t opt = {.errors = stderr, .relocatable = true};
    exe_t obj;
    assert_int_equal(asm_assemble(name, source, strlen(source), &opt, &obj), 0);
    char err[256];
    assert_int_equal(exe_write_elf(path, &obj, err, sizeof err), 0);
    exe_free(&obj);
    return path;
}

static int link_quiet(const char *const *paths, int n, bool shared, exe_t *out, char *messages, size_t len)
{
    FILE *errors = fmemopen(messages, len, "w");
    link_options_t opt = {.errors = errors, .shared = shared};
    int rc = link_files(paths, n, &opt, out);
    fclose(errors);
    return rc;
}

static const exe_symbol_t *symbol(const exe_t *exe, const char *name)
{
    for (int i = 0; i < exe->nsymbols; i++)
        if (!strcmp(exe->symbols[i].name, name))
            return &exe->symbols[i];
    return NULL;
}

static uint32_t word_at(const exe_t *exe, uint32_t addr)
{
    for (int i = 0; i < exe->nsections; i++) {
        const exe_section_t *s = &exe->sections[i];
        if (!s->nobits && addr >= s->addr && addr + 4 <= s->addr + s->size)
            return get32(s->data + (addr - s->addr));
    }
    fail_msg("no word at %u", addr);
    return 0;
}

static const exe_reloc_t *reloc_at(const exe_t *exe, uint32_t offset)
{
    for (int i = 0; i < exe->nrelocs; i++)
        if (exe->relocs[i].offset == offset)
            return &exe->relocs[i];
    return NULL;
}

static const char *const main_src = ".global start\n.text\nstart: CALL helper\n LOAD R1, /shared_word\n"
                                    " LI R2, shared_word\n SYSCALL #0\n.data\nmine: .word 1\n";
static const char *const helper_src = ".global helper, shared_word\n.text\nhelper: LOAD R3, #local\n RET\n"
                                      ".data\nlocal: .word 2\nshared_word: .word 42\n";

static void test_two_modules(void **state)
{
    (void)state;
    const char *paths[] = {object("main.o", main_src), object("helper.o", helper_src)};
    exe_t out;
    char msg[1024];
    assert_int_equal(link_quiet(paths, 2, false, &out, msg, sizeof msg), 0);
    assert_false(out.relocatable);
    const exe_symbol_t *helper = symbol(&out, "helper"), *word = symbol(&out, "shared_word");
    const exe_symbol_t *local = symbol(&out, "local"), *start = symbol(&out, "start");
    assert_non_null(helper), assert_non_null(word), assert_non_null(local), assert_non_null(start);
    assert_int_equal(out.entry, start->value);
    /* main's CALL helper and LOAD /shared_word hold the final addresses */
    assert_int_equal(isa_u20(word_at(&out, start->value)), helper->value);
    assert_int_equal(isa_u20(word_at(&out, start->value + 4)), word->value);
    /* LI: LUI + OR halves */
    assert_int_equal((isa_u20(word_at(&out, start->value + 8)) << 12) | isa_u20(word_at(&out, start->value + 12)),
                     word->value);
    /* helper's own data reference moved with its module */
    assert_int_equal(isa_u20(word_at(&out, helper->value)), local->value);
    assert_int_equal(word_at(&out, word->value), 42);
    /* every patched field keeps its relocation, with the final address */
    const uint32_t fields[] = {start->value, start->value + 4, start->value + 8, start->value + 12, helper->value};
    const uint32_t values[] = {helper->value, word->value, word->value, word->value, local->value};
    for (int i = 0; i < 5; i++) {
        const exe_reloc_t *r = reloc_at(&out, fields[i]);
        assert_non_null(r);
        assert_int_equal(r->value, values[i]);
    }
    assert_int_equal(out.nrelocs, 5);
    exe_free(&out);
}

static void test_duplicate_and_missing(void **state)
{
    (void)state;
    const char *dup[] = {object("h1.o", helper_src), object("h2.o", helper_src)};
    exe_t out;
    char msg[1024] = "";
    assert_int_equal(link_quiet(dup, 2, false, &out, msg, sizeof msg), 2); /* helper, shared_word */
    assert_non_null(strstr(msg, "'helper' is defined twice"));
    assert_non_null(strstr(msg, "h1.o and in"));
    assert_non_null(strstr(msg, "h2.o"));
    const char *missing[] = {object("m.o", main_src)};
    memset(msg, 0, sizeof msg);
    assert_int_equal(link_quiet(missing, 1, false, &out, msg, sizeof msg), 2);
    assert_non_null(strstr(msg, "undefined reference to 'helper'"));
    assert_non_null(strstr(msg, "undefined reference to 'shared_word'"));
}

static void test_archive_pulls_only_what_resolves(void **state)
{
    (void)state;
    const char *unused = object("unused.o", ".global unused\n.text\nunused: RET\n");
    const char *helper = object("helper.o", helper_src);
    archive_t ar = {0};
    const char *members[] = {unused, helper};
    for (int i = 0; i < 2; i++) {
        uint8_t *data;
        size_t size;
        char err[256];
        assert_int_equal(file_read_all(members[i], 1 << 20, &data, &size, err, sizeof err), 0);
        archive_put(&ar, members[i], data, size);
        free(data);
    }
    char lib[128], err[256];
    snprintf(lib, sizeof lib, "%s/lib.a", dir);
    assert_int_equal(archive_write(lib, &ar, err, sizeof err), 0);
    archive_free(&ar);
    const char *paths[] = {object("main.o", main_src), lib};
    exe_t out;
    char msg[1024];
    assert_int_equal(link_quiet(paths, 2, false, &out, msg, sizeof msg), 0);
    assert_non_null(symbol(&out, "helper"));
    assert_null(symbol(&out, "unused"));
    exe_free(&out);
}

static void test_archive_round_trip(void **state)
{
    (void)state;
    archive_t ar = {0};
    archive_put(&ar, "dir/short.o", (const uint8_t *)"abc", 3);
    archive_put(&ar, "a_member_name_longer_than_fifteen.o", (const uint8_t *)"hello!", 6);
    archive_put(&ar, "short.o", (const uint8_t *)"xy", 2); /* replaces */
    assert_int_equal(ar.n, 2);
    char path[128], err[256];
    snprintf(path, sizeof path, "%s/round.a", dir);
    assert_int_equal(archive_write(path, &ar, err, sizeof err), 0);
    archive_free(&ar);
    uint8_t *buf;
    size_t len;
    assert_int_equal(file_read_all(path, 1 << 20, &buf, &len, err, sizeof err), 0);
    assert_int_equal(archive_parse(buf, len, &ar, err, sizeof err), 0);
    assert_int_equal(ar.n, 2);
    assert_string_equal(ar.members[0].name, "short.o");
    assert_int_equal(ar.members[0].size, 2);
    assert_memory_equal(ar.members[0].data, "xy", 2);
    assert_string_equal(ar.members[1].name, "a_member_name_longer_than_fifteen.o");
    assert_memory_equal(ar.members[1].data, "hello!", 6);
    archive_free(&ar);
    /* every truncation is an error message, never a crash */
    for (size_t cut = 0; cut < len; cut++) {
        if (archive_parse(buf, cut, &ar, err, sizeof err) == 0)
            archive_free(&ar);
        else
            assert_true(err[0] != '\0');
    }
    buf[8 + 48] = 'x'; /* the first member's size field */
    assert_int_equal(archive_parse(buf, len, &ar, err, sizeof err), -1);
    free(buf);
}

static void test_library_through_import_table(void **state)
{
    (void)state;
    const char *libsrc[] = {object("greet.o", ".global greet\n.text\ngreet: LOAD R1, #msg\n RET\n.data\nmsg: .word 7\n")};
    exe_t lib;
    char msg[1024], err[256], libpath[128];
    assert_int_equal(link_quiet(libsrc, 1, true, &lib, msg, sizeof msg), 0);
    assert_true(lib.shared);
    snprintf(libpath, sizeof libpath, "%s/greet.so", dir);
    assert_int_equal(exe_write_elf(libpath, &lib, err, sizeof err), 0);
    exe_free(&lib);
    const char *paths[] = {object("caller.o", ".text\nstart: CALL greet\n SYSCALL #0\n"), libpath};
    exe_t out;
    assert_int_equal(link_quiet(paths, 2, false, &out, msg, sizeof msg), 0);
    const exe_symbol_t *stub = symbol(&out, "greet@plt"), *table = symbol(&out, "__imports");
    assert_non_null(stub), assert_non_null(table);
    /* the call goes to the stub; the stub loads the slot and jumps */
    assert_int_equal(isa_u20(word_at(&out, 0)), stub->value);
    uint32_t load = word_at(&out, stub->value), jump = word_at(&out, stub->value + 4);
    assert_int_equal(isa_opcode(load), OP_LOADA);
    assert_int_equal(isa_ra(load), LINK_STUB_REG);
    assert_int_equal(isa_opcode(jump), OP_JMPR);
    assert_int_equal(isa_rb(jump), LINK_STUB_REG);
    /* the lazy half: greet@bind passes the slot's address and asks the OS to bind it */
    const exe_symbol_t *bind = symbol(&out, "greet@bind");
    assert_non_null(bind);
    assert_int_equal(bind->value, stub->value + 8);
    uint32_t pass = word_at(&out, bind->value), call = word_at(&out, bind->value + 4);
    assert_int_equal(isa_opcode(pass), OP_LOADI);
    assert_int_equal(isa_ra(pass), LINK_STUB_REG);
    assert_int_equal(isa_u20(pass), table->value + 8);
    assert_int_equal(isa_opcode(call), OP_SYSCALL);
    assert_int_equal(isa_u20(call), LINK_BIND_SYSCALL);
    /* the table: "greet" library, symbol "greet", the slot (greet@bind until bound), 0, 0 */
    uint32_t lib_name = word_at(&out, table->value), sym_name = word_at(&out, table->value + 4);
    assert_int_equal(isa_u20(load), table->value + 8);
    assert_int_equal(word_at(&out, table->value + 8), bind->value);
    assert_non_null(reloc_at(&out, table->value + 8)); /* the slot moves with the program */
    assert_int_equal(word_at(&out, table->value + 12), 0);
    assert_int_equal(word_at(&out, table->value + 16), 0);
    assert_non_null(reloc_at(&out, table->value));
    assert_non_null(reloc_at(&out, table->value + 4));
    const exe_section_t *data = &out.sections[table->section];
    assert_string_equal((const char *)data->data + (lib_name - data->addr), "greet");
    assert_string_equal((const char *)data->data + (sym_name - data->addr), "greet");
    exe_free(&out);
}

static void test_library_name(void **state)
{
    (void)state;
    char name[64];
    link_library_name("a/b/libfoo.so", name, sizeof name);
    assert_string_equal(name, "libfoo");
    link_library_name("hello_lib.s", name, sizeof name);
    assert_string_equal(name, "hello_lib");
    link_library_name("x.tar", name, sizeof name);
    assert_string_equal(name, "x.tar");
}

static int make_dir(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/test_link.XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int remove_dir(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_two_modules),
        cmocka_unit_test(test_duplicate_and_missing),
        cmocka_unit_test(test_archive_pulls_only_what_resolves),
        cmocka_unit_test(test_archive_round_trip),
        cmocka_unit_test(test_library_through_import_table),
        cmocka_unit_test(test_library_name),
    };
    return cmocka_run_group_tests(tests, make_dir, remove_dir);
}
