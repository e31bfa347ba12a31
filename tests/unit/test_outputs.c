/*
 * The pieces of the outputs (docs/outputs.md) on their own: SHA-256 against
 * FIPS 180-4's test vectors, the configuration record and the command line
 * it gives back (parsed again, it builds the same record), the CSV columns,
 * and the commit-log line of a retirement record.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../obs/commitlog.h"
#include "../../obs/quote.h"
#include "../../obs/sha256.h"
#include "../../obs/trace.h"
#include "../../sim/runconfig.h"

static void hash_of(const void *data, size_t len, char out[65])
{
    sha256_t s;
    sha256_init(&s);
    sha256_update(&s, data, len);
    sha256_hex(&s, out);
}

static void test_sha256_vectors(void **state)
{
    (void)state;
    char hex[65];
    hash_of("", 0, hex);
    assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    hash_of("abc", 3, hex);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const char *two_blocks = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"; /* 448 bits */
    hash_of(two_blocks, strlen(two_blocks), hex);
    assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    /* a million 'a' in uneven pieces: the block boundary falls inside updates */
    sha256_t s;
    sha256_init(&s);
    char chunk[997];
    memset(chunk, 'a', sizeof chunk);
    size_t left = 1000000;
    while (left) {
        size_t n = left < sizeof chunk ? left : sizeof chunk;
        sha256_update(&s, chunk, n);
        left -= n;
    }
    sha256_hex(&s, hex);
    assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

static void test_sha256_file(void **state)
{
    (void)state;
    char path[] = "/tmp/mmulab-sha-XXXXXX", hex[65];
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs("abc", f);
    fclose(f);
    assert_true(sha256_file(path, hex));
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    remove(path);
    assert_false(sha256_file(path, hex));
}

static const char *item(const run_config_t *rc, const char *section, const char *key)
{
    for (int i = 0; i < rc->n; i++)
        if (!strcmp(rc->item[i].section, section) && !strcmp(rc->item[i].key, key))
            return rc->item[i].value;
    return NULL;
}

/* The record's command line, parsed again and recorded again: every item
 * must come out the same.  Returns the command (free it) with its length. */
static const char **record_round_trip(const run_config_t *first, int *n)
{
    const char **cmd = run_config_command(first, n);
    assert_non_null(cmd);
    assert_true(*n > 2);
    assert_null(cmd[*n]);
    assert_string_equal(cmd[0], "mmulab");
    assert_string_equal(cmd[1], "run");
    run_options_t o2;
    run_options_defaults(&o2);
    assert_int_equal(run_options_parse(*n - 1, (char **)cmd + 1, &o2, stderr), 0);
    run_config_t again;
    char err[128];
    assert_true(run_config_build(&again, &o2, err, sizeof err));
    assert_int_equal(first->n, again.n);
    for (int i = 0; i < first->n; i++) {
        assert_string_equal(first->item[i].section, again.item[i].section);
        assert_string_equal(first->item[i].key, again.item[i].key);
        assert_string_equal(first->item[i].value, again.item[i].value);
    }
    run_config_free(&again);
    return cmd;
}

static void build_record(run_config_t *rc, char **argv, int argc)
{
    run_options_t o;
    run_options_defaults(&o);
    assert_int_equal(run_options_parse(argc, argv, &o, stderr), 0);
    char err[128];
    assert_true(run_config_build(rc, &o, err, sizeof err));
}

static void test_record_round_trip(void **state)
{
    (void)state;
    char *argv[] = {"run", "--mode", "paged", "--page-size", "2K", "--levels", "3", "--tlb", "32", "--tlb-ways", "4",
                    "--tlb-policy", "plru", "--frames", "9", "--replace", "clock", "--scope", "local", "--prefault",
                    "--timing", "mem_cycles=7", "--priority", "3,-1", "--max-cycles", "123456", "--swap",
                    "--bind", "now", "no-such-program.s"};
    run_config_t first;
    build_record(&first, argv, (int)(sizeof argv / sizeof argv[0]));
    assert_string_equal(item(&first, "paged", "page_size"), "2048");
    assert_string_equal(item(&first, "tlb", "tlb_policy"), "plru");
    assert_string_equal(item(&first, "os", "priority"), "3,-1");
    assert_string_equal(item(&first, "timing", "mem_cycles"), "7");
    assert_string_equal(item(&first, "os", "bind"), "now");
    assert_string_equal(item(&first, "programs", "program1_sha256"), "unreadable");
    assert_string_equal(item(&first, "", "mmulab_version"), mmulab_version());
    assert_null(item(&first, "programs", "args")); /* no `--`: no argument block */
    int n;
    const char **cmd = record_round_trip(&first, &n);
    assert_string_equal(cmd[n - 1], "no-such-program.s");
    free(cmd);
    run_config_free(&first);
}

/* `-- ARG...`: the arguments are recorded, option-like words and all, and
 * the command gives them back after "--"; `--` alone is recorded too (the
 * program then gets an argument block with argc 1). */
static void test_record_program_arguments(void **state)
{
    (void)state;
    char *argv[] = {"run", "a.s", "b.s", "--", "--mode", "two words", ""};
    run_config_t rc;
    build_record(&rc, argv, 7);
    assert_string_equal(item(&rc, "programs", "args"), "3");
    assert_string_equal(item(&rc, "programs", "arg1"), "--mode");
    assert_string_equal(item(&rc, "programs", "arg2"), "two words");
    assert_string_equal(item(&rc, "programs", "arg3"), "");
    int n;
    const char **cmd = record_round_trip(&rc, &n);
    assert_string_equal(cmd[n - 5], "b.s");
    assert_string_equal(cmd[n - 4], "--");
    assert_string_equal(cmd[n - 3], "--mode");
    free(cmd);
    run_config_free(&rc);

    char *bare[] = {"run", "a.s", "--"};
    build_record(&rc, bare, 3);
    assert_string_equal(item(&rc, "programs", "args"), "0");
    cmd = record_round_trip(&rc, &n);
    assert_string_equal(cmd[n - 1], "--");
    free(cmd);
    run_config_free(&rc);
}

/* Shell words: plain as they are, others quoted so bash reads them back
 * as one word on one line. */
static void test_shell_words(void **state)
{
    (void)state;
    static const char *const cases[][2] = {
        {"programs/vcopy.s", "programs/vcopy.s"},
        {"mem_cycles=3", "mem_cycles=3"},
        {"", "''"},
        {"two words", "'two words'"},
        {"it's", "'it'\\''s'"},
        {"$HOME", "'$HOME'"},
        {"line\nbreak", "$'line\\nbreak'"},
        {"a\tb'\\\x01", "$'a\\tb\\'\\\\\\x01'"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *q = shell_quoted(cases[i][0]);
        assert_non_null(q);
        assert_string_equal(q, cases[i][1]);
        assert_null(strchr(q, '\n'));
        free(q);
    }
}

static void test_csv_columns(void **state)
{
    (void)state;
    const char *names[256];
    int n = trace_csv_columns(names, 256);
    assert_true(n > TRACE_CSV_FIXED + 2);
    assert_string_equal(names[0], "cycle");
    assert_string_equal(names[4], "pid");
    assert_string_equal(names[n - 1], "config_value");
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++)
            assert_string_not_equal(names[i], names[j]);
    /* every argument has a column named after it, and no two of one kind share */
    for (int k = 0; k < EV_COUNT; k++)
        for (int i = 0; i < 4; i++) {
            int col = trace_csv_arg_column((ev_kind_t)k, i);
            if (!ev_info[k].arg[i][0]) {
                assert_int_equal(col, -1);
                continue;
            }
            assert_true(col >= TRACE_CSV_FIXED && col < n - 2);
            assert_non_null(strstr(names[col], ev_info[k].arg[i]));
            for (int j = 0; j < i; j++)
                assert_int_not_equal(col, trace_csv_arg_column((ev_kind_t)k, j));
        }
    assert_string_equal(names[trace_csv_arg_column(EV_TLB_MISS, 0)], "vaddr");
    assert_string_equal(names[trace_csv_arg_column(EV_SWAP_OUT, 0)], "arg_pid"); /* "pid" is the row's */
    assert_string_equal(names[trace_csv_arg_column(EV_TLB_FILL, 1)], "victim_vpn"); /* the reasons are kept */
}

static void test_commit_log_line(void **state)
{
    (void)state;
    retire_t rt = {.cycle_begin = 90, .cycle_end = 100, .pc = 0x70, .insn = 0x12410000, .rd_valid = true, .rd = 4,
                   .rd_value = 3, .mem_valid = true, .mem_size = 4, .mem_vaddr = 0x3e8, .mem_paddr = 0x53e8,
                   .mem_data = 3};
    rt.fetch_xlate = (retire_xlate_t){.valid = true, .tlb_hit = true};
    rt.data_xlate = (retire_xlate_t){.valid = true, .steps = 2, .pte_written = true};
    char line[256];
    commit_log_format(line, sizeof line, 2, &rt);
    assert_string_equal(line, "100 p2 0x00000070 (0x12410000) LOAD R4, [R1]            r4 0x00000003 "
                              "load 0x000003e8 -> 0x000053e8 0x00000003 xl fetch hit data miss walk 2 ad");
    retire_t sys = {.cycle_end = 7, .pc = 0x8c, .insn = 0x02000000, .trapped = true};
    sys.trap = (trap_t){.cause = TRAP_SYSCALL, .insn = 0x02000000, .vaddr = 0x8c};
    commit_log_format(line, sizeof line, 1, &sys);
    assert_string_equal(line, "7 p1 0x0000008c (0x02000000) SYSCALL #0               trap syscall 0x0000008c");
    retire_t fetch_fault = {.cycle_end = 30, .pc = 0x64, .trapped = true};
    fetch_fault.trap = (trap_t){.cause = TRAP_PAGE_NOT_PRESENT, .vaddr = 0x64};
    commit_log_format(line, sizeof line, 1, &fetch_fault);
    assert_string_equal(line, "30 p1 0x00000064 (0x00000000) -                        trap page_not_present 0x00000064");
    /* a short buffer: cut, terminated, and the full length reported */
    char small[16];
    int full = commit_log_format(small, sizeof small, 2, &rt);
    assert_int_equal(strlen(small), sizeof small - 1);
    assert_true(full > (int)sizeof small);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sha256_vectors),    cmocka_unit_test(test_sha256_file),
        cmocka_unit_test(test_record_round_trip), cmocka_unit_test(test_record_program_arguments),
        cmocka_unit_test(test_csv_columns), cmocka_unit_test(test_shell_words),
        cmocka_unit_test(test_commit_log_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
