/*
 * The configuration record of a run: every setting that decides its result
 * (mode, memory, paging geometry, TLB, OS policies, the timing table, the
 * programs with their SHA-256 and arguments, the mmulab version), as gem5's config.ini is
 * for its stats.txt.  One function builds it; every output (stats text and
 * JSON, CSV and JSON traces) writes it, so any result names how to make it
 * again: run_config_command() turns the record back into a command line.
 */
#ifndef MMULAB_RUNCONFIG_H
#define MMULAB_RUNCONFIG_H

#include <stdbool.h>
#include <stdio.h>

#include "options.h"

/* How an item goes back onto a command line. */
typedef enum {
    CFG_INFO,    /* not an option (version, hashes): reproduced, not set   */
    CFG_VALUE,   /* OPTION VALUE                                           */
    CFG_FLAG,    /* OPTION alone when the value is "true"                  */
    CFG_ASSIGN,  /* OPTION KEY=VALUE (the timing table)                     */
    CFG_PROGRAM, /* a program's path, positional                           */
    CFG_ARGS,    /* "--" on the command line: the argument block begins     */
    CFG_ARG,     /* an argument of the last program, after "--"             */
} cfg_how_t;

typedef struct {
    const char *section; /* "" for the top level, else e.g. "paged", "timing" */
    char key[32];
    char *value;         /* owned                                          */
    char *assignment;    /* CFG_ASSIGN: "KEY=VALUE", owned; else NULL        */
    bool number;         /* a JSON number rather than a string              */
    cfg_how_t how;
    const char *option;  /* the run option that sets it                     */
} config_item_t;

typedef struct {
    int n, cap;
    config_item_t *item;
} run_config_t;

/* The version of this build ("0.1.0+g<commit>"), from the VERSION file and git. */
const char *mmulab_version(void);

/* Build the record of a run with these options (a program that cannot be
 * read gets the hash "unreadable": loading it says why).  False, with a
 * message in err, only when memory runs out. */
bool run_config_build(run_config_t *rc, const run_options_t *o, char *err, size_t errlen);
void run_config_free(run_config_t *rc);

/* The command line that repeats the run: argv[0] "mmulab", "run", then the
 * options, the programs and, after "--", the last program's arguments.  A
 * NULL-terminated array of its own (free it; the words are the record's),
 * its length in *argc; NULL when out of memory. */
const char **run_config_command(const run_config_t *rc, int *argc);

/* The record as a JSON object ({"mmulab_version": ..., "paged": {...},
 * ..., "command": [...]}), nested by section, `indent` before each line. */
void run_config_write_json(const run_config_t *rc, FILE *f, const char *indent);

/* Each item as a flat name ("paged.page_size", "timing.mem_cycles") and its
 * value, then "command" with the command line (shell-quoted), for the flat
 * writers: stats.txt and the CSV trace. */
typedef void (*config_visit_fn)(void *ctx, const char *name, const char *value);
void run_config_each(const run_config_t *rc, config_visit_fn visit, void *ctx);

#endif
