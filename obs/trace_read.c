/*
 * Reading CSV and JSON traces back (see trace_read.h).
 */
#include "trace_read.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LINE_MAX_BYTES 1024

ev_kind_t trace_kind_from_label(const char *label)
{
    for (int k = 0; k < EV_COUNT; k++)
        if (!strcmp(ev_info[k].label, label))
            return (ev_kind_t)k;
    return EV_COUNT;
}

/* Split a CSV line in place into at most `max` fields; returns the count. */
static int split_fields(char *line, char **field, int max)
{
    int n = 0;
    char *p = line;
    while (n < max) {
        field[n++] = p;
        char *comma = strchr(p, ',');
        if (!comma)
            break;
        *comma = '\0';
        p = comma + 1;
    }
    p[strcspn(p, "\r\n")] = '\0';
    return n;
}

static bool parse_number(const char *text, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (errno || end == text || (*end && *end != ',' && *end != '}'))
        return false;
    *out = v;
    return true;
}

/* One CSV data line into ev; false if a field is missing or malformed. */
static bool parse_csv_line(char *line, event_t *ev)
{
    char *f[10];
    if (split_fields(line, f, 10) != 9)
        return false;
    uint64_t num[7];
    const int numeric[7] = {0, 1, 4, 5, 6, 7, 8};
    for (int i = 0; i < 7; i++)
        if (!parse_number(f[numeric[i]], &num[i]) || (i >= 3 && num[i] > UINT32_MAX))
            return false;
    ev_kind_t kind = trace_kind_from_label(f[2]);
    if (kind == EV_COUNT)
        return false;
    *ev = (event_t){.cycle = num[0], .duration = num[1], .kind = kind, .pid = (int)num[2],
                    .a = (uint32_t)num[3], .b = (uint32_t)num[4], .c = (uint32_t)num[5], .d = (uint32_t)num[6]};
    return true;
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

/* Lines that carry no event: the CSV header, JSON's opening and closing. */
static bool is_frame_line(const char *line, bool json, unsigned long long lineno)
{
    if (line[0] == '\n' || line[0] == '\r' || line[0] == '\0')
        return true;
    if (!json)
        return lineno == 1 && !strncmp(line, "cycle,", 6);
    return !strncmp(line, "{\"displayTimeUnit\"", 18) || line[0] == ']';
}

bool trace_read_stream(FILE *f, bool json, const char *name, ev_observer_fn fn, void *ctx, char *err, size_t errlen)
{
    char line[LINE_MAX_BYTES];
    unsigned long long lineno = 0; /* a file of blank lines may exceed an int's count */
    while (fgets(line, sizeof line, f)) {
        lineno++;
        if (!strchr(line, '\n') && !feof(f)) {
            snprintf(err, errlen, "%s:%llu: line longer than %d bytes: not an mmulab trace", name, lineno,
                     LINE_MAX_BYTES - 2);
            return false;
        }
        if (is_frame_line(line, json, lineno))
            continue;
        event_t ev;
        if (!(json ? parse_json_line(line, &ev) : parse_csv_line(line, &ev))) {
            snprintf(err, errlen, "%s:%llu: not a line of an mmulab %s trace", name, lineno,
                     json ? "JSON (one trace event a line)" : "CSV (cycle,duration,event,...)");
            return false;
        }
        fn(ctx, &ev);
    }
    if (lineno == 0) {
        snprintf(err, errlen, "%s: the trace is empty", name);
        return false;
    }
    return true;
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
