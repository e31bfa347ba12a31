/*
 * Small helpers for subcommand options: `--name value` or `--name=value`,
 * and numbers with a clear complaint.  Messages go to stderr prefixed with
 * "mmulab CMD: "; callers exit 2 on a false return.
 */
#ifndef MMULAB_ARGOPT_H
#define MMULAB_ARGOPT_H

#include <stdbool.h>
#include <stdint.h>

/*
 * If argv[*i] is option `name` ("--frames"), set *value to its argument
 * (the next word or the text after '=') and advance *i past it; returns true.
 * A missing argument is reported and *value set to NULL.
 */
bool opt_match(const char *cmd, int argc, char **argv, int *i, const char *name, const char **value);

/* A decimal (or 0x hex) number in [min, max]; false after a message. */
bool opt_u64(const char *cmd, const char *option, const char *text, uint64_t min, uint64_t max, uint64_t *out);

/* `text` as the index of one of names[0..n); false after a message listing them. */
bool opt_choice(const char *cmd, const char *option, const char *text, const char *const *names, int n, int *out);

/* A byte size with an optional K, M or G suffix (powers of 1024). */
bool opt_size(const char *cmd, const char *option, const char *text, uint64_t *out);

/*
 * --csv FILE, --json FILE, --plot FILE.png|FILE.svg (obs/plot.h): if argv[*i]
 * is one of them, record it, advance *i and return true; *bad is set after a
 * message for a missing value or a picture name gnuplot cannot write.
 */
struct study_output;
bool opt_study_output(const char *cmd, int argc, char **argv, int *i, struct study_output *out, bool *bad);

/* The lines of --help for those three options. */
#define STUDY_OUTPUT_HELP                                                                                   \
    "  --csv FILE   write the rows (one per point, with its whole configuration) as CSV\n"                  \
    "  --json FILE  the same rows as a JSON array of objects\n"                                             \
    "  --plot FILE  draw the study's figure with gnuplot: FILE.png or FILE.svg\n"

#endif
