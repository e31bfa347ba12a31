/*
 * Reading CSV and JSON traces back (see trace_read.h).
 */
#include "trace_read.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace.h"

#define LINE_MAX_BYTES 4096

ev_kind_t trace_kind_from_label(const char *label)
{
    for (int k = 0; k < EV_COUNT; k++)
        if (!strcmp(ev_info[k].label, label))
            return (ev_kind_t)k;
    return EV_COUNT;
}

/* Split a CSV line in place into at most `max` fields (RFC 4180 quotes
 * allowed: a quoted field may hold commas and doubled quotes); returns the
 * count. */
static int split_fields(char *line, char **field, int max)
{
    line[strcspn(line, "\r\n")] = '\0';
    int n = 0;
    char *p = line;
    while (n < max) {
        char *out = p;
        field[n++] = p;
        if (*p == '"') { /* unquote in place */
            for (p++; *p && !(p[0] == '"' && p[1] != '"'); p++)
                *out++ = *p == '"' ? *++p : *p;
            if (*p == '"')
                p++;
        } else {
            while (*p && *p != ',')
                *out++ = *p++;
        }
        char next = *p;
        *out = '\0';
        if (next != ',')
            break;
        p++;
    }
    return n;
}

static bool parse_number(const char *text, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (errno || end == text || (*end && *end != ',' && *end != '}') || *text == '-')
        return false;
    *out = v;
    return true;
}

/* Where each field of an event sits in a CSV trace: its header names them
 * (trace_csv_columns(), or the older a,b,c,d for the four arguments). */
#define MAX_CSV_FIELDS 128
typedef struct {
    int fixed[TRACE_CSV_FIXED]; /* cycle, duration, event, category, pid */
    int arg[EV_COUNT][4];       /* -1: the kind has no such argument       */
    int nfields;
} csv_layout_t;

static int header_index(char **names, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(names[i], name))
            return i;
    return -1;
}

/* The layout from the header line; false if a fixed column is missing. */
static bool read_layout(char *header, csv_layout_t *lay)
{
    char *names[MAX_CSV_FIELDS];
    int n = split_fields(header, names, MAX_CSV_FIELDS);
    const char *columns[TRACE_CSV_FIXED + 4 * EV_COUNT + 2];
    trace_csv_columns(columns, (int)(sizeof columns / sizeof columns[0]));
    lay->nfields = n;
    for (int i = 0; i < TRACE_CSV_FIXED; i++)
        if ((lay->fixed[i] = header_index(names, n, columns[i])) < 0)
            return false;
    static const char *const letters[4] = {"a", "b", "c", "d"};
    for (int k = 0; k < EV_COUNT; k++)
        for (int i = 0; i < 4; i++) {
            int col = trace_csv_arg_column((ev_kind_t)k, i);
            lay->arg[k][i] = col < 0 ? -1 : header_index(names, n, columns[col]);
            if (col >= 0 && lay->arg[k][i] < 0)
                lay->arg[k][i] = header_index(names, n, letters[i]);
        }
    return true;
}

/* One CSV data line into ev: 1 an event, 0 a line to skip (the
 * configuration), -1 a field missing or malformed. */
static int parse_csv_line(char *line, const csv_layout_t *lay, event_t *ev)
{
    char *f[MAX_CSV_FIELDS];
    if (split_fields(line, f, MAX_CSV_FIELDS) != lay->nfields)
        return -1;
    const char *label = f[lay->fixed[2]];
    if (!strcmp(label, "config"))
        return 0;
    ev_kind_t kind = trace_kind_from_label(label);
    uint64_t cycle, duration, pid, arg[4] = {0};
    if (kind == EV_COUNT || !parse_number(f[lay->fixed[0]], &cycle) || !parse_number(f[lay->fixed[1]], &duration) ||
        !parse_number(f[lay->fixed[4]], &pid) || pid > INT32_MAX)
        return -1;
    for (int i = 0; i < 4; i++)
        if (lay->arg[kind][i] >= 0 && (!parse_number(f[lay->arg[kind][i]], &arg[i]) || arg[i] > UINT32_MAX))
            return -1;
    *ev = (event_t){.cycle = cycle, .duration = duration, .kind = kind, .pid = (int)pid, .a = (uint32_t)arg[0],
                    .b = (uint32_t)arg[1], .c = (uint32_t)arg[2], .d = (uint32_t)arg[3]};
    return 1;
}

/* The number after "key": in a JSON object on one line; 0 if absent. */
static bool json_number(const char *line, const char *key, uint64_t *out)
{
    char pattern[64];
    snprintf(pattern, sizeof pattern, "\"%s\":", key);
    const char *at = strstr(line, pattern);
    *out = 0;
    return !at || parse_number(at + strlen(pattern), out);
}

/* One trace-event object (as trace.c writes it, one a line) into ev. */
static bool parse_json_line(const char *line, event_t *ev)
{
    const char *name = strstr(line, "{\"name\":\"");
    if (!name)
        return false;
    name += 9;
    const char *quote = strchr(name, '"');
    char label[64];
    if (!quote || (size_t)(quote - name) >= sizeof label)
        return false;
    memcpy(label, name, (size_t)(quote - name));
    label[quote - name] = 0;
    ev_kind_t kind = trace_kind_from_label(label);
    const char *args = strstr(line, "\"args\":{");
    uint64_t ts, dur, pid, v[4];
    if (kind == EV_COUNT || !args || !json_number(line, "ts", &ts) || !json_number(line, "dur", &dur) ||
        !json_number(line, "pid", &pid))
        return false;
    for (int i = 0; i < 4; i++)
        if (!(ev_info[kind].arg[i][0] ? json_number(args, ev_info[kind].arg[i], &v[i]) : (v[i] = 0, true)) ||
            v[i] > UINT32_MAX)
            return false;
    *ev = (event_t){.cycle = ts, .duration = dur, .kind = kind, .pid = (int)pid,
                    .a = (uint32_t)v[0], .b = (uint32_t)v[1], .c = (uint32_t)v[2], .d = (uint32_t)v[3]};
    return true;
}

static bool has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && !strcmp(s + n - k, suffix);
}

/* Where the reader is in the file. */
typedef struct {
    bool json;
    bool in_header;     /* JSON: before "traceEvents":[ (displayTimeUnit, otherData) */
    bool have_layout;   /* CSV: the header line was read                              */
    csv_layout_t lay;
    char line[LINE_MAX_BYTES];
} reader_t;

/* A line longer than the buffer can only be the configuration (the
 * command line of a run with long arguments): CSV's config rows, JSON's
 * otherData.  Anything else that long is not an mmulab trace. */
static bool may_be_long(const reader_t *r, const char *start)
{
    return r->json ? r->in_header : r->have_layout && !strncmp(start, "0,0,config,", 11);
}

/* One line: 1 an event in *ev, 0 nothing to hand on, -1 not a line of a trace. */
static int read_event(reader_t *r, char *line, event_t *ev)
{
    if (line[0] == '\n' || line[0] == '\r' || line[0] == '\0')
        return 0;
    if (!r->json) {
        if (r->have_layout)
            return parse_csv_line(line, &r->lay, ev);
        r->have_layout = read_layout(line, &r->lay);
        return r->have_layout ? 0 : -1;
    }
    if (r->in_header) {
        r->in_header = !strstr(line, "\"traceEvents\":[");
        return 0;
    }
    if (line[0] == ']' || strstr(line, "\"ph\":\"M\"")) /* the end; names and order of lanes */
        return 0;
    return parse_json_line(line, ev) ? 1 : -1;
}

/* Skip the rest of a line longer than the buffer. */
static void skip_rest_of_line(FILE *f)
{
    int c;
    while ((c = fgetc(f)) != EOF && c != '\n')
        ;
}

bool trace_read_stream(FILE *f, bool json, const char *name, ev_observer_fn fn, void *ctx, char *err, size_t errlen)
{
    reader_t *r = calloc(1, sizeof *r);
    if (!r) {
        snprintf(err, errlen, "%s: out of memory", name);
        return false;
    }
    r->json = json;
    char *line = r->line;
    unsigned long long lineno = 0; /* a file of blank lines may exceed an int's count */
    bool ok = true;
    while (ok && fgets(line, LINE_MAX_BYTES, f)) {
        lineno++;
        if (lineno == 1 && json && strncmp(line, "{\"displayTimeUnit\"", 18)) {
            snprintf(err, errlen, "%s:1: not an mmulab JSON trace (it begins with {\"displayTimeUnit\")", name);
            ok = false;
            break;
        }
        r->in_header = r->in_header || (json && lineno == 1);
        if (!strchr(line, '\n') && !feof(f)) {
            if (may_be_long(r, line)) {
                skip_rest_of_line(f);
                continue;
            }
            snprintf(err, errlen, "%s:%llu: line longer than %d bytes: not an mmulab trace", name, lineno,
                     LINE_MAX_BYTES - 2);
            ok = false;
            break;
        }
        event_t ev;
        int got = read_event(r, line, &ev);
        if (got < 0) {
            snprintf(err, errlen, "%s:%llu: not a line of an mmulab %s trace", name, lineno,
                     json ? "JSON (one trace event a line)" : "CSV (cycle,duration,event,category,pid,...)");
            ok = false;
        } else if (got) {
            fn(ctx, &ev);
        }
    }
    if (ok && lineno == 0) {
        snprintf(err, errlen, "%s: the trace is empty", name);
        ok = false;
    }
    free(r);
    return ok;
}

bool trace_read(const char *path, ev_observer_fn fn, void *ctx, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "%s: cannot open the trace (%s)", path, strerror(errno));
        return false;
    }
    bool ok = trace_read_stream(f, has_suffix(path, ".json"), path, fn, ctx, err, errlen);
    fclose(f);
    return ok;
}
