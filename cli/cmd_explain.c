/*
 * `mmulab explain TRACE`: the sentences of `run --explain`, from a recorded
 * trace (--trace FILE.csv or FILE.json) instead of a live run.
 */
#include <stdio.h>
#include <string.h>

#include "../obs/explain.h"
#include "../obs/trace_read.h"
#include "commands.h"

static void explain_usage(FILE *out)
{
    fprintf(out, "usage: mmulab explain [--only WHAT] TRACE\n\n"
                 "Prints one sentence per decision recorded in TRACE (a CSV or JSON trace from\n"
                 "`mmulab run --trace`): what happened, why, and what it cost, as `run --explain`\n"
                 "does during a run.  docs/explain.md describes the sentences.\n\n"
                 "options:\n"
                 "  --only WHAT   comma-separated: kinds, P<pid>, state (the policy's state, if the\n"
                 "                run recorded it with --explain=state). Kinds:\n");
    for (int k = 0; k < EXPLAIN_KIND_COUNT; k++)
        fprintf(out, "                  %-11s %s\n", explain_kind_word[k], explain_kind_help[k]);
    fprintf(out, "  --help        this text\n");
}

int cmd_explain(int argc, char **argv)
{
    explain_filter_t filter = {0};
    const char *path = NULL;
    char msg[512];
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            explain_usage(stdout);
            return 0;
        }
        if (!strcmp(argv[i], "--only") || !strncmp(argv[i], "--only=", 7)) {
            const char *what = argv[i][6] == '=' ? argv[i] + 7 : i + 1 < argc ? argv[++i] : NULL;
            if (!what || !explain_filter_parse(what, &filter, msg, sizeof msg)) {
                fprintf(stderr, "mmulab explain: --only: %s\n", what ? msg : "needs a value: WHAT");
                return 2;
            }
        } else if (argv[i][0] == '-') {
            fprintf(stderr, "mmulab explain: unknown option '%s' (see --help)\n", argv[i]);
            return 2;
        } else if (path) {
            fprintf(stderr, "mmulab explain: one trace at a time ('%s' and '%s')\n", path, argv[i]);
            return 2;
        } else {
            path = argv[i];
        }
    }
    if (!path) {
        fprintf(stderr, "mmulab explain: no trace given (see --help)\n");
        return 2;
    }
    explainer_t *x = explain_create(stdout, &filter);
    if (!x) {
        fprintf(stderr, "mmulab explain: out of host memory\n");
        return 2;
    }
    bool ok = trace_read(path, explain_observe, x, msg, sizeof msg);
    explain_flush(x);
    explain_destroy(x);
    if (!ok)
        fprintf(stderr, "mmulab explain: %s\n", msg);
    return ok ? 0 : 2;
}
