/*
 * `mmulab explain TRACE`: the sentences of `run --explain`, from a recorded
 * trace (--trace FILE.csv or FILE.json) instead of a live run.
 */
#include <stdio.h>
#include <string.h>

#include "../obs/explain.h"
#include "../obs/trace_read.h"
#include "../sim/options.h"
#include "commands.h"

static void explain_usage(FILE *out)
{
    fprintf(out, "usage: mmulab explain [--only WHAT] TRACE\n\n"
                 "Prints one sentence per decision recorded in TRACE (a CSV or JSON trace from\n"
                 "`mmulab run --trace`): what happened, why, and what it cost, as `run --explain`\n"
                 "does during a run.  docs/explain.md describes the sentences.  WHAT is\n"
                 "comma-separated: kinds, P<pid>, state (the policy's state, if the run recorded\n"
                 "it with --explain=state).  Kinds:\n");
    for (int k = 0; k < EXPLAIN_KIND_COUNT; k++)
        fprintf(out, "  %-11s %s\n", explain_kind_word[k], explain_kind_help[k]);
    fprintf(out, "\noptions:\n");
}

static bool set_only(void *target, const char *text, char *why, size_t len)
{
    return explain_filter_parse(text, target, why, len);
}

static const opt_spec_t explain_specs[] = {
    {"--only", .kind = OPT_CUSTOM, .value_name = "WHAT", .hook = set_only,
     .help = "only these kinds and processes (as run --explain=WHAT)"},
};

int cmd_explain(int argc, char **argv)
{
    explain_filter_t filter = {0};
    const char *words[1];
    opt_table_t table = {.specs = explain_specs, .n = OPT_COUNT(explain_specs), .target = &filter};
    opt_parser_t p = {.prog = "mmulab explain", .tables = &table, .ntables = 1, .words = words, .max_words = 1,
                      .words_what = "trace", .err = stderr};
    int rc = opt_parse(&p, argc, argv);
    if (rc < 0) {
        explain_usage(stdout);
        opt_help(&p, stdout);
        return 0;
    }
    if (rc)
        return rc;
    if (!p.nwords) {
        fprintf(stderr, "mmulab explain: no trace given (see --help)\n");
        return 2;
    }
    explainer_t *x = explain_create(stdout, &filter);
    if (!x) {
        fprintf(stderr, "mmulab explain: out of host memory\n");
        return 2;
    }
    char msg[512];
    bool ok = trace_read(words[0], explain_observe, x, msg, sizeof msg);
    explain_flush(x);
    explain_destroy(x);
    if (!ok)
        fprintf(stderr, "mmulab explain: %s\n", msg);
    return ok ? 0 : 2;
}
