/*
 * Text quoted for the formats mmulab writes: a JSON string literal, a CSV
 * field.  One implementation for every writer (stats, traces, study rows).
 */
#ifndef MMULAB_QUOTE_H
#define MMULAB_QUOTE_H

#include <stdio.h>

/* text as a JSON string literal, quotes, backslashes and control characters escaped. */
void json_write_string(FILE *out, const char *text);

/* text as a CSV field, quoted (RFC 4180) only when it holds a comma, a quote or a line break. */
void csv_write_field(FILE *out, const char *text);

#endif
