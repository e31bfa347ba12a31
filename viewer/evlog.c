/*
 * Event lists for the viewer: appended to by the bus observer during a live
 * run, or read back from a CSV trace for --replay.  Events arrive roughly in
 * cycle order (the OS stamps an action when it begins, the hardware its walk
 * steps inside an instruction), so lookups by cycle sort a copy only when
 * the list is out of order.
 */
#include "evlog.h"

#include "../obs/trace.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void evlog_init(evlog_t *log) { memset(log, 0, sizeof *log); }

void evlog_free(evlog_t *log)
{
    free(log->ev);
    evlog_init(log);
}

void evlog_clear(evlog_t *log) { log->count = 0; }

void evlog_append(evlog_t *log, const event_t *ev)
{
    if (log->count == log->cap) {
        size_t cap = log->cap ? log->cap * 2 : 256;
        event_t *grown = realloc(log->ev, cap * sizeof *grown);
        if (!grown) {
            log->out_of_memory = true;
            return;
        }
        log->ev = grown;
        log->cap = cap;
    }
    log->ev[log->count++] = *ev;
}

void evlog_observe(void *ctx, const event_t *ev) { evlog_append(ctx, ev); }

bool evlog_is_machine_internal(ev_kind_t kind)
{
    return kind == EV_TLB_MISS || kind == EV_AD_REWALK || kind == EV_WALK_STEP || kind == EV_PTE_WRITEBACK ||
           kind == EV_TLB_FILL;
}

bool evlog_stops_run_to_event(ev_kind_t kind)
{
    switch (kind) {
    case EV_TLB_MISS: case EV_TRAP: case EV_PAGE_FAULT: case EV_CTX_SWITCH: case EV_PROC_KILL:
    case EV_SWAP_OUT: case EV_SWAP_IN: case EV_MOVE:
        return true;
    default:
        return false;
    }
}

size_t evlog_first_at(const evlog_t *log, uint64_t cycle)
{
    for (size_t i = 0; i < log->count; i++)
        if (log->ev[i].cycle >= cycle)
            return i;
    return log->count;
}

ev_kind_t evlog_kind_from_label(const char *label)
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
    if (errno || end == text || *end)
        return false;
    *out = v;
    return true;
}

/* Where each field of an event sits in the file: the header names them. */
#define MAX_CSV_FIELDS 128
typedef struct {
    int fixed[TRACE_CSV_FIXED];  /* cycle, duration, event, category, pid */
    int arg[EV_COUNT][4];        /* -1: the kind has no such argument       */
    int nfields;
} csv_layout_t;

static int header_index(char **names, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(names[i], name))
            return i;
    return -1;
}

/* The layout from the header line: the named columns trace_csv_columns()
 * lists, or the older a,b,c,d for the four arguments.  False if a fixed
 * column is missing. */
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

/* One data line into ev: 1 an event, 0 a line to skip (the configuration),
 * -1 a field missing or malformed. */
static int parse_event_line(char *line, const csv_layout_t *lay, event_t *ev)
{
    char *f[MAX_CSV_FIELDS];
    int n = split_fields(line, f, MAX_CSV_FIELDS);
    if (n != lay->nfields)
        return -1;
    const char *label = f[lay->fixed[2]];
    if (!strcmp(label, "config"))
        return 0;
    ev_kind_t kind = evlog_kind_from_label(label);
    uint64_t cycle, duration, pid, arg[4] = {0};
    if (kind == EV_COUNT || !parse_number(f[lay->fixed[0]], &cycle) || !parse_number(f[lay->fixed[1]], &duration) ||
        !parse_number(f[lay->fixed[4]], &pid))
        return -1;
    for (int i = 0; i < 4; i++)
        if (lay->arg[kind][i] >= 0 && !parse_number(f[lay->arg[kind][i]], &arg[i]))
            return -1;
    *ev = (event_t){.cycle = cycle, .duration = duration, .kind = kind, .pid = (int)pid, .a = (uint32_t)arg[0],
                    .b = (uint32_t)arg[1], .c = (uint32_t)arg[2], .d = (uint32_t)arg[3]};
    return 1;
}

/* A line of at most `max` bytes into buf; false at the end of the file or if
 * the line is longer (then *too_long). */
static bool read_line(FILE *f, char *buf, size_t max, bool *too_long)
{
    *too_long = false;
    if (!fgets(buf, (int)max, f))
        return false;
    if (!strchr(buf, '\n') && !feof(f)) {
        *too_long = true;
        return false;
    }
    return true;
}

bool evlog_read_csv(evlog_t *log, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "%s: cannot open the trace (%s)", path, strerror(errno));
        return false;
    }
    enum { MAX_LINE = 16384 }; /* the configuration's command line is the longest */
    char *line = malloc(MAX_LINE);
    csv_layout_t lay;
    int lineno = 1;
    bool too_long = false;
    bool ok = line && read_line(f, line, MAX_LINE, &too_long) && read_layout(line, &lay);
    if (!ok)
        snprintf(err, errlen, "%s:1: %s", path,
                 !line      ? "out of memory"
                 : too_long ? "the line is too long"
                            : "not an mmulab CSV trace (its header names cycle,duration,event,category,pid)");
    while (ok && read_line(f, line, MAX_LINE, &too_long)) {
        lineno++;
        if (line[0] == '\n' || line[0] == '\0')
            continue;
        event_t ev;
        int got = parse_event_line(line, &lay, &ev);
        if (got < 0) {
            snprintf(err, errlen, "%s:%d: not a line of an mmulab CSV trace (cycle,duration,event,...)", path, lineno);
            ok = false;
        } else if (got) {
            evlog_append(log, &ev);
        }
    }
    if (ok && too_long) {
        snprintf(err, errlen, "%s:%d: the line is longer than %d bytes", path, lineno + 1, MAX_LINE);
        ok = false;
    }
    free(line);
    fclose(f);
    return ok;
}
