/*
 * The option engine (sim/options.c): each kind of value is parsed into its
 * field, a bad value is refused with a message naming the option and what it
 * allows, and --help lists every option of every table.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../sim/options.h"

typedef struct {
    bool flag, count_given;
    uint32_t count;
    uint64_t big, size;
    uint32_t shift;
    int choice;
    uint32_t ways;
    const char *name, *engine;
    double mean;
    opt_strings_t list;
    int custom;
    opt_given_t given;
} demo_t;

static const char *const colours[] = {"red", "green", "blue"};
static const char *const engines[] = {"c", "rtl"};

static bool parse_even(void *target, const char *text, char *why, size_t len)
{
    int v = atoi(text);
    if (v % 2) {
        snprintf(why, len, "expected an even number");
        return false;
    }
    ((demo_t *)target)->custom = v;
    return true;
}

#define ARG(f) OPT_AT(demo_t, f)
static const opt_spec_t demo_specs[] = {
    {"--flag", "-f", .kind = OPT_FLAG, ARG(flag), .help = "a flag"},
    {"--count", .kind = OPT_NUMBER, .value_name = "N", ARG(count), .min = 2, .max = 100,
     OPT_GIVEN(demo_t, count_given), .help = "a count"},
    {"--big", .kind = OPT_NUMBER, .value_name = "N", ARG(big), .help = "a 64-bit number"},
    {"--size", .kind = OPT_SIZE, .value_name = "SIZE", ARG(size), .min = 4096, .max = 1u << 30, .multiple = 4096,
     .help = "a size"},
    {"--page", .kind = OPT_SIZE, .value_name = "SIZE", ARG(shift), .min = 512, .max = 1u << 24, .pow2 = true,
     .store_log2 = true, .help = "a page size"},
    {"--colour", .kind = OPT_CHOICE, .value_name = "C", ARG(choice), .choices = colours, .nchoices = 3,
     .keyword = "all", .keyword_value = 3, .help = "a colour"},
    {"--ways", .kind = OPT_NUMBER, .value_name = "full|N", ARG(ways), .min = 1, .max = 64, .keyword = "full",
     .keyword_value = 0, .acts_in = 1u << 1 | 1u << 2 | 1u << 3, .help = "ways (in settings 1, 2 and 3)"},
    {"--name", .kind = OPT_STRING, .value_name = "FILE", ARG(name), .help = "a name"},
    {"--engine", .kind = OPT_STRING, .value_name = "E", ARG(engine), .choices = engines, .nchoices = 2,
     .help = "an engine"},
    {"--mean", .kind = OPT_REAL, .value_name = "T", ARG(mean), .acts_in = 1u << 0, .help = "a mean (in setting 0)"},
    {"--set", .kind = OPT_LIST, .value_name = "K=V", ARG(list), .help = "repeatable"},
    {"--even", .kind = OPT_CUSTOM, .value_name = "N", .hook = parse_even, .help = "an even number"},
};
#undef ARG

/* Parse the NULL-terminated words; returns the status, the message in err. */
static int parse(demo_t *d, char *err, size_t errlen, const char **words, int *nwords, ...)
{
    char *argv[32] = {"demo"};
    int argc = 1;
    va_list ap;
    va_start(ap, nwords);
    for (const char *a; (a = va_arg(ap, const char *)) != NULL;)
        argv[argc++] = (char *)a;
    va_end(ap);
    memset(d, 0, sizeof *d);
    FILE *f = fmemopen(err, errlen, "w");
    assert_non_null(f);
    opt_table_t table = {.specs = demo_specs, .n = OPT_COUNT(demo_specs), .target = d, OPT_GIVEN_SET(demo_t, given)};
    opt_parser_t p = {.prog = "mmulab demo", .tables = &table, .ntables = 1, .words = words, .max_words = 2,
                      .words_what = "files", .err = f};
    int rc = opt_parse(&p, argc, argv);
    fclose(f);
    if (nwords)
        *nwords = p.nwords;
    return rc;
}

static void every_kind_lands_in_its_field(void **state)
{
    (void)state;
    demo_t d;
    char err[512] = "";
    const char *words[2];
    int n;
    assert_int_equal(parse(&d, err, sizeof err, words, &n, "-f", "--count=7", "--big", "0x100000000", "--size", "8K",
                           "--page", "4KiB", "--colour", "blue", "--ways", "full", "--name", "x.s", "--engine", "rtl",
                           "--mean", "2.5", "--set", "a=1", "--set", "b=2", "--even", "4", "prog.s", NULL),
                     0);
    assert_true(d.flag);
    assert_int_equal(d.count, 7);
    assert_true(d.count_given);
    assert_true(d.big == 1ull << 32);
    assert_true(d.size == 8192);
    assert_int_equal(d.shift, 12);
    assert_int_equal(d.choice, 2);
    assert_int_equal(d.ways, 0);
    assert_string_equal(d.name, "x.s");
    assert_string_equal(d.engine, "rtl");
    assert_true(d.mean == 2.5);
    assert_int_equal(d.list.n, 2);
    assert_string_equal(d.list.v[1], "b=2");
    assert_int_equal(d.custom, 4);
    assert_int_equal(n, 1);
    assert_string_equal(words[0], "prog.s");
    assert_int_equal(parse(&d, err, sizeof err, words, &n, "--colour", "all", "--ways", "8", NULL), 0);
    assert_int_equal(d.choice, 3);
    assert_int_equal(d.ways, 8);
    assert_false(d.count_given);
}

/* Each bad value: exit status 2 and the exact message. */
static void bad_values_name_the_option_and_what_it_allows(void **state)
{
    (void)state;
    static const struct {
        const char *option, *value, *message;
    } cases[] = {
        {"--count", "1", "mmulab demo: --count '1': expected a number from 2 to 100\n"},
        {"--count", "x", "mmulab demo: --count 'x': expected a number from 2 to 100\n"},
        {"--count", "-3", "mmulab demo: --count '-3': expected a number from 2 to 100\n"},
        {"--size", "5000", "mmulab demo: --size '5000': expected a size from 4K to 1G, a multiple of 4K\n"},
        {"--page", "3K", "mmulab demo: --page '3K': expected a size from 512 to 16M, a power of two\n"},
        {"--colour", "pink", "mmulab demo: --colour 'pink': allowed values are red|green|blue|all\n"},
        {"--ways", "0", "mmulab demo: --ways '0': expected full or a number from 1 to 64\n"},
        {"--engine", "vhdl", "mmulab demo: --engine 'vhdl': allowed values are c|rtl\n"},
        {"--mean", "0", "mmulab demo: --mean '0': expected a positive number\n"},
        {"--even", "3", "mmulab demo: --even '3': expected an even number\n"},
        {"--big", "99999999999999999999", "mmulab demo: --big '99999999999999999999': expected a number from 0 to "
                                          "18446744073709551615\n"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        demo_t d;
        char err[512] = "";
        const char *words[2];
        assert_int_equal(parse(&d, err, sizeof err, words, NULL, cases[i].option, cases[i].value, NULL), 2);
        assert_string_equal(err, cases[i].message);
    }
}

static void unknown_missing_and_extra(void **state)
{
    (void)state;
    demo_t d;
    char err[512] = "";
    const char *words[2];
    assert_int_equal(parse(&d, err, sizeof err, words, NULL, "--nope", NULL), 2);
    assert_string_equal(err, "mmulab demo: unknown option '--nope' (see --help)\n");
    assert_int_equal(parse(&d, err, sizeof err, words, NULL, "--count", NULL), 2);
    assert_string_equal(err, "mmulab demo: --count needs a value: N\n");
    assert_int_equal(parse(&d, err, sizeof err, words, NULL, "--name", NULL), 2);
    assert_string_equal(err, "mmulab demo: --name needs a file name\n");
    assert_int_equal(parse(&d, err, sizeof err, words, NULL, "--flag=1", NULL), 2);
    assert_string_equal(err, "mmulab demo: --flag takes no value\n");
    assert_int_equal(parse(&d, err, sizeof err, words, NULL, "a", "b", "c", NULL), 2);
    assert_string_equal(err, "mmulab demo: at most 2 files\n");
    assert_int_equal(parse(&d, err, sizeof err, words, NULL, "--count", "5", "-h", NULL), -1);
}

static void help_lists_every_option_and_a_shown_default(void **state)
{
    (void)state;
    char out[4096] = "";
    FILE *f = fmemopen(out, sizeof out, "w");
    assert_non_null(f);
    demo_t d = {.count = 9};
    opt_spec_t with_default = demo_specs[1];
    with_default.show_default = true;
    opt_table_t tables[] = {{.specs = demo_specs, .n = OPT_COUNT(demo_specs), .target = &d, .heading = "demo:"},
                            {.specs = &with_default, .n = 1, .target = &d}};
    opt_parser_t p = {.tables = tables, .ntables = 2};
    opt_help(&p, f);
    fclose(f);
    for (int i = 0; i < OPT_COUNT(demo_specs); i++)
        assert_non_null(strstr(out, demo_specs[i].name));
    assert_non_null(strstr(out, "demo:\n"));
    assert_non_null(strstr(out, "--flag, -f "));
    assert_non_null(strstr(out, "a count (default 9)"));
    assert_non_null(strstr(out, "-h, --help"));
}

/* The runner's own table through run_options_parse, with the settings that
 * follow from several options. */
static void runner_options_finish_together(void **state)
{
    (void)state;
    run_options_t o;
    run_options_defaults(&o);
    const char *argv[] = {"run", "--mode", "paged", "--tlb", "32", "--alloc", "ws", "--page-size", "1K", "a.s",
                          "b.s"};
    assert_int_equal(run_options_parse(OPT_COUNT(argv), (char **)argv, &o, stderr), 0);
    assert_int_equal(o.hw.tlb_ways, 32); /* full by default */
    assert_int_equal(o.hw.page_shift, 10);
    assert_true(o.os.mp.alloc_ws);
    assert_false(o.os.scope_local);
    assert_int_equal(o.nprograms, 2);
    run_options_defaults(&o);
    const char *ways[] = {"run", "--tlb", "32", "--tlb-ways", "4", "x.s"};
    assert_int_equal(run_options_parse(OPT_COUNT(ways), (char **)ways, &o, stderr), 0);
    assert_int_equal(o.hw.tlb_ways, 4);
}

/* What was given is recorded; an option given where its .acts_in leaves
 * the setting out is warned about, named, with where it acts; one that is
 * not given, or acts there, is not. */
static void idle_options_are_named(void **state)
{
    (void)state;
    demo_t d;
    char err[512] = "", out[512] = "";
    const char *words[2];
    assert_int_equal(parse(&d, err, sizeof err, words, NULL, "--ways", "4", "--count", "3", NULL), 0);
    opt_table_t t = {.specs = demo_specs, .n = OPT_COUNT(demo_specs), .target = &d, OPT_GIVEN_SET(demo_t, given)};
    assert_true(opt_given(&t, "--ways"));
    assert_true(opt_given(&t, "--count"));
    assert_false(opt_given(&t, "--mean"));
    static const char *const names[] = {"zero", "one", "two", "three"};
    FILE *f = fmemopen(out, sizeof out, "w");
    assert_int_equal(opt_warn_idle_in("mmulab demo", &t, 0, "in setting", names, 4, f), 1);
    assert_int_equal(opt_warn_idle_in("mmulab demo", &t, 2, "in setting", names, 4, f), 0);
    assert_true(opt_warn_idle("mmulab demo", &t, "--count", true, "without --flag", f));
    assert_false(opt_warn_idle("mmulab demo", &t, "--count", false, "without --flag", f));
    assert_false(opt_warn_idle("mmulab demo", &t, "--mean", true, "ever", f));
    fclose(f);
    assert_string_equal(out, "mmulab demo: warning: --ways does nothing in setting zero (it acts in setting one, two "
                             "or three)\n"
                             "mmulab demo: warning: --count does nothing without --flag\n");
    t.given = 0; /* a table that records nothing knows nothing given */
    assert_false(opt_given(&t, "--ways"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_kind_lands_in_its_field),
        cmocka_unit_test(bad_values_name_the_option_and_what_it_allows),
        cmocka_unit_test(unknown_missing_and_extra),
        cmocka_unit_test(help_lists_every_option_and_a_shown_default),
        cmocka_unit_test(runner_options_finish_together),
        cmocka_unit_test(idle_options_are_named),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
