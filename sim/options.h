/*
 * Command-line options for every mmulab command, from one table per command
 * (the option engine below), and the runner's options, shared by `mmulab
 * run`, `mmulab compare`, the co-simulation and the viewer, so a program runs
 * the same way whichever front end starts it.
 */
#ifndef MMULAB_OPTIONS_H
#define MMULAB_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../machine/config.h"
#include "../obs/explain.h"
#include "../obs/plot.h"
#include "../os/os.h"

/* ---- the option engine ------------------------------------------------------
 *
 * A command describes its options as a table of opt_spec_t: the name, the
 * kind of value, the --help text and the field of the command's own struct
 * the value goes to (OPT_AT).  opt_parse() reads argv with the tables, opt_help()
 * prints them; a bad value is reported as
 *     mmulab CMD: --frames '0': expected a number from 2 to 1048575
 * naming the option and what it allows, and the command exits 2.
 *
 * An option marked `.lists` also takes a list or a range (`--frames 1..8`,
 * `--tlb 8,16,32`, `--tlb-ways full,4`, `--replace all`: studies/grid.h):
 * when the parser has a grid, such a value becomes an axis of it, each item
 * checked as the option's kind would check it alone, and the command runs
 * once per point of the grid, parsing again with `point` set (docs/studies.md).
 */
typedef enum {
    OPT_FLAG,   /* no value: the bool target becomes true                        */
    OPT_NUMBER, /* decimal or 0x hex (K/M/G allowed) in [min, max]; u32 or u64    */
    OPT_SIZE,   /* bytes: 512, 4K, 4KiB, 2M, 1G in [min, max]; u32 or u64          */
    OPT_REAL,   /* a positive finite number (double)                             */
    OPT_CHOICE, /* one of choices[]: its index into an int/enum/bool target      */
    OPT_STRING, /* the text itself (const char *); with choices[], one of them  */
    OPT_LIST,   /* repeatable string: each value appended to an opt_strings_t    */
    OPT_CUSTOM, /* the option's own parse function (opt_hook_fn)                 */
} opt_kind_t;

/* Parses `text` into the command's struct; false with `why` ("expected ...")
 * filled.  A `why` that starts with the option's name is printed alone. */
typedef bool (*opt_hook_fn)(void *target, const char *text, char *why, size_t whylen);

/* The values of a repeatable OPT_LIST option, in the order given. */
#define OPT_STRINGS_MAX 32
typedef struct {
    int n;
    const char *v[OPT_STRINGS_MAX];
} opt_strings_t;

typedef struct {
    const char *name;       /* "--frames", "-o"                                   */
    const char *alias;      /* another spelling ("--shared" for "-shared"), or NULL */
    opt_kind_t kind;
    const char *value_name; /* "N", "FILE" in --help (NULL for a flag)            */
    const char *help;
    size_t offset, width;   /* the target field (OPT_AT); width 0: none          */
    size_t given;           /* OPT_GIVEN: offset + 1 of a bool set when given    */
    uint64_t min, max;      /* numbers and sizes (max 0: the field's maximum)     */
    uint64_t multiple;      /* numbers and sizes: a multiple of this (0: any)     */
    bool pow2;              /* numbers and sizes: a power of two                 */
    bool store_log2;        /* ... store its log2 instead                        */
    const char *const *choices; /* OPT_CHOICE, OPT_STRING                        */
    int nchoices;
    const char *keyword;    /* OPT_NUMBER/OPT_CHOICE: one more word allowed ...  */
    uint64_t keyword_value; /* ... stored as this ("full" ways, "all" fits)      */
    opt_hook_fn hook;       /* OPT_CUSTOM                                        */
    bool value_optional;    /* OPT_CUSTOM: the value only as --name=VALUE; alone, "" */
    bool show_default;      /* --help appends the target's value as the default  */
    bool lists;             /* takes a list or range too (see above)             */
    unsigned acts_in;       /* the settings (bits, the command's: run's modes) in
                               which the option does anything; 0: all (opt_warn_idle) */
} opt_spec_t;

/* The field `f` of struct type T as an option's target. */
#define OPT_AT(T, f) .offset = offsetof(T, f), .width = sizeof(((T *)0)->f)
/* A bool field of T set when the option is given. */
#define OPT_GIVEN(T, f) .given = offsetof(T, f) + 1
#define OPT_COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* Which options of a table the command line gave: bit i for specs[i]. */
#define OPT_TABLE_MAX 128
typedef struct {
    uint64_t bits[OPT_TABLE_MAX / 64];
} opt_given_t;

/* One table and the struct its targets live in. */
typedef struct opt_table {
    const opt_spec_t *specs;
    int n;
    void *target;
    const char *heading; /* above its options in --help, or NULL            */
    const char *used;    /* out: the first of its options the command line gave */
    size_t given;        /* OPT_GIVEN_SET: offset + 1 of an opt_given_t in the
                            target, filled as options are given (0: none)   */
} opt_table_t;

/* The opt_given_t field `f` of struct type T, for a table's .given. */
#define OPT_GIVEN_SET(T, f) .given = offsetof(T, f) + 1

typedef struct {
    const char *prog;         /* "mmulab run": prefix of every message          */
    opt_table_t *tables;      /* looked up in order: the first match wins        */
    int ntables;
    const char **words;       /* out: the arguments that are not options ...     */
    int max_words, nwords;    /* ... at most max_words of them                   */
    const char *words_what;   /* "programs": "at most 64 programs at once"       */
    bool takes_rest;          /* `--` ends the options: the words after it ...   */
    char **rest;              /* ... out here (NULL when there was no `--`)      */
    int nrest;
    FILE *err;
    struct grid *grid;        /* lists of `.lists` options: NULL refuses them ... */
    long point;               /* ... -1 adds them to grid as axes, else the values of this point */
} opt_parser_t;

/* 0 to go ahead, -1 when --help (or -h) was asked for, 2 after a message. */
int opt_parse(opt_parser_t *p, int argc, char **argv);

/* Table t with just the options named (NULL-terminated), in t's order, their
 * specs copied to buf (room for max): a command that takes part of another's
 * options (translate: the runner's geometry). */
opt_table_t opt_table_only(opt_table_t t, const char *const *names, opt_spec_t *buf, int max);

/* Every table's options, one line each, with the headings. */
void opt_help(const opt_parser_t *p, FILE *out);

/* Options that do nothing say so (accepted, with a warning on err).  Both
 * need the table's .given.  Whether the option `name` was given: */
bool opt_given(const opt_table_t *t, const char *name);
/* The option `name`, if given and `idle`: "PROG: warning: NAME does nothing
 * WHY" (why: "without --swap").  True if it warned. */
bool opt_warn_idle(const char *prog, const opt_table_t *t, const char *name, bool idle, const char *why, FILE *err);
/* Every given option whose .acts_in leaves out the setting `now` (a bit
 * number), named through names[] after the words `setting` ("under --mode"
 * and "paged"): "PROG: warning: --fit does nothing under --mode paged (it acts
 * under --mode swreloc or hwreloc)".  The number of warnings. */
int opt_warn_idle_in(const char *prog, const opt_table_t *t, int now, const char *setting, const char *const *names,
                     int nnames, FILE *err);

/* Unsigned numbers: decimal, 0x hex, with an optional K, M or G suffix
 * (powers of 1024).  False if malformed or too big for 32 bits. */
bool parse_u32(const char *text, uint32_t *out);
bool parse_u64(const char *text, uint64_t *out);

/* ---- the runner's options ---------------------------------------------------- */

#define MAX_PROGRAMS 64

typedef struct {
    machine_config_t hw;
    os_config_t os;
    const char *engine;      /* "c" (default) or "rtl"                     */
    const char *stats_json;  /* --stats-json FILE                          */
    const char *stats_txt;   /* --stats FILE ("-" for stdout), gem5 style   */
    const char *trace_path;  /* --trace FILE.csv|FILE.json                  */
    const char *mem_trace;   /* --mem-trace FILE.din: every reference, din format */
    const char *log_path;    /* --log FILE: the commit log (obs/commitlog.h) */
    study_output_t out;      /* --csv, --json, --plot: a study's rows (run, compare) */
    bool dump;
    uint32_t dump_addr, dump_count;
    bool check;              /* --check: verify the programs' expectations */
    bool quiet;              /* no summary line on stderr                  */
    bool regions;            /* --regions: print the region tables at the end */
    int alloc;               /* --alloc: index into run_alloc_names        */
    bool tlb_ways_given;     /* else (or with "full") ways = entries       */
    bool max_cycles_given;   /* --max-cycles N (0: no limit); else the engine's default */
    opt_given_t given;       /* which options were given: those the mode ignores are warned about */
    bool every_mode;         /* compare: runs under each mode, so no option is idle for the mode */
    bool explain;            /* --explain[=WHAT]: a sentence per decision on stdout */
    explain_filter_t explain_filter;
    int nprograms;
    const char *programs[MAX_PROGRAMS];
    char **prog_args;        /* `run prog.s -- ARG...`: the last program's arguments, */
    int nprog_args;          /* put on its initial stack (NULL: no `--`, no argument block) */
} run_options_t;

/* The cycle limit of a run without --max-cycles, so that no guest (an endless
 * loop, a fork bomb) holds the tool for long: about 10 to 30 seconds of this
 * machine's wall time at each engine's slowest (docs/cli.md). */
#define RUN_DEFAULT_MAX_CYCLES_C 1000000000ull      /* the C model               */
#define RUN_DEFAULT_MAX_CYCLES_RTL 50000000ull      /* --engine rtl              */
#define RUN_DEFAULT_MAX_CYCLES_COMPARE 100000000ull /* compare: five audited runs */
#define RUN_DEFAULT_MAX_CYCLES_COSIM 10000000ull    /* both engines in lockstep  */
#define RUN_DEFAULT_MAX_CYCLES_MEM_TRACE 100000000ull /* --mem-trace steps the machine and writes a line a reference */

void run_options_defaults(run_options_t *o);

/* A program word, "prog.s" or "prog.s@5000" (it arrives at cycle 5000): its
 * path and that cycle; false (and 0) for a program loaded before the run. */
bool program_arrival(const char *word, char *path, size_t len, uint64_t *cycle);

/* The runner's option table, for commands that take it beside their own. */
opt_table_t run_options_table(run_options_t *o);

/* Settings that depend on several options, checked together; 0 or 2 after
 * a message (part of run_options_parse, for commands with more tables). */
int run_options_finish(run_options_t *o, FILE *err);

/* Parse argv (argv[0] is the command name).  Returns 0 when the run should
 * go ahead, 2 after printing an error to err, -1 after printing --help. */
int run_options_parse(int argc, char **argv, run_options_t *o, FILE *err);

/* The runner's options as a study (`mmulab run --frames 2..10 ...`): parse
 * argv with grid (lists become axes) into o; then run_options_point() fills o
 * for each point.  Both 0, -1 (help) or 2 as run_options_parse. */
int run_options_grid(int argc, char **argv, run_options_t *o, struct grid *grid, FILE *err);
int run_options_point(int argc, char **argv, run_options_t *o, struct grid *grid, long point, FILE *err);

/* The option list, for --help of every front end. */
void run_options_help(FILE *out);

#endif
