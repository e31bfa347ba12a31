/*
 * Text quoted for the formats mmulab writes: a JSON string literal, a CSV
 * field, a shell word.  One implementation for every writer (stats, traces,
 * study rows).
 */
#ifndef MMULAB_QUOTE_H
#define MMULAB_QUOTE_H

#include <stdio.h>

/* text as a JSON string literal, quotes, backslashes and control characters escaped. */
void json_write_string(FILE *out, const char *text);

/* text as a CSV field, quoted (RFC 4180) only when it holds a comma, a quote or a line break. */
void csv_write_field(FILE *out, const char *text);

/* text as one word for bash, on one line: as it is when a shell would
 * neither split nor expand it, else in single quotes, or as $'...' with
 * C escapes (\n, \t, \xHH) when it holds control characters. */
void shell_write_word(FILE *out, const char *text);

/* The same into a string of its own (free it); NULL if out of memory. */
char *shell_quoted(const char *text);

#endif
