/*
 * CSV and Chrome/Perfetto trace-event JSON writers for the event stream
 * (formats in trace.h and docs/outputs.md).
 *
 * JSON: {"displayTimeUnit", "otherData", "traceEvents"}: complete events
 * ("ph":"X") for events that last, instants ("ph":"i") for the rest; ts and
 * dur are cycles.  pid is the process that caused the event (hardware events
 * arrive stamped with the running process, machine/events.h), 0 for the
 * machine itself; tid a lane per category (cpu: the running slices, hw, os,
 * disk).  The lanes' names are metadata events ("ph":"M") written at close,
 * when every process's name is known.
 */
#include "trace.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quote.h"

/* Lanes (tids) by category; categories not listed get the next free lane. */
#define MAX_LANES 16
static const char *const known_lanes[] = {"cpu", "hw", "os", "disk"};

#define MAX_COLUMNS (TRACE_CSV_FIXED + 4 * EV_COUNT + 2)

struct trace {
    FILE *f;
    bool json;
    bool first;
    bool out_of_memory;
    const run_config_t *config;
    /* CSV: the events, sorted and written at close */
    event_t *ev;
    size_t count, cap;
    int ncolumns;
    int arg_column[EV_COUNT][4];
    /* JSON: lanes by category, and per pid the lanes used and the name */
    const char *lane[MAX_LANES];
    int nlanes;
    int npids;
    uint32_t *lanes_used; /* bit l: lane l + 1 has events; index pid */
    char **name;          /* index pid; NULL: not named */
};

/* ---- CSV columns ---------------------------------------------------------- */

static const char *const fixed_columns[TRACE_CSV_FIXED] = {"cycle", "duration", "event", "category", "pid"};

/* An argument's column: its own name, unless a fixed column has that name. */
static const char *arg_column_name(const char *arg)
{
    static const char *const renamed[TRACE_CSV_FIXED] = {"arg_cycle", "arg_duration", "arg_event", "arg_category",
                                                         "arg_pid"};
    for (int i = 0; i < TRACE_CSV_FIXED; i++)
        if (!strcmp(arg, fixed_columns[i]))
            return renamed[i];
    return arg;
}

static int find_name(const char *const *names, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(names[i], name))
            return i;
    return -1;
}

int trace_csv_columns(const char **names, int max)
{
    const char *all[MAX_COLUMNS];
    int n = 0;
    for (int i = 0; i < TRACE_CSV_FIXED; i++)
        all[n++] = fixed_columns[i];
    for (int k = 0; k < EV_COUNT; k++)
        for (int i = 0; i < 4; i++)
            if (ev_info[k].arg[i][0] && find_name(all, n, arg_column_name(ev_info[k].arg[i])) < 0)
                all[n++] = arg_column_name(ev_info[k].arg[i]);
    all[n++] = "config_key";
    all[n++] = "config_value";
    int shown = n < max ? n : max;
    memcpy(names, all, (size_t)shown * sizeof *names);
    return shown;
}

int trace_csv_arg_column(ev_kind_t kind, int i)
{
    if (kind < 0 || kind >= EV_COUNT || i < 0 || i > 3 || !ev_info[kind].arg[i][0])
        return -1;
    const char *names[MAX_COLUMNS];
    int n = trace_csv_columns(names, MAX_COLUMNS);
    return find_name(names, n, arg_column_name(ev_info[kind].arg[i]));
}

/* ---- opening ------------------------------------------------------------- */

static bool has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

static void json_other_data_item(void *ctx, const char *name, const char *value)
{
    FILE *f = ctx;
    fputs(",\n  ", f);
    char key[112];
    snprintf(key, sizeof key, "config.%s", name);
    json_write_string(f, key);
    fputc(':', f);
    json_write_string(f, value);
}

static void write_json_header(trace_t *t)
{
    uint32_t mhz = 0;
    for (int i = 0; t->config && i < t->config->n; i++)
        if (!strcmp(t->config->item[i].key, "cpu_mhz"))
            mhz = (uint32_t)strtoul(t->config->item[i].value, NULL, 10);
    /* displayTimeUnit only picks the ruler's labels (ms or ns are allowed);
     * ts itself counts cycles, which the viewers label microseconds. */
    fprintf(t->f, "{\"displayTimeUnit\":\"ns\",\n\"otherData\":{\"time_unit\":\"cycles\",\n"
                  "  \"clock\":\"ts and dur count modeled cycles (a viewer labels them us); the clock runs at "
                  "cpu_mhz MHz\",\n  \"cpu_mhz\":\"%" PRIu32 "\"",
            mhz);
    if (t->config)
        run_config_each(t->config, json_other_data_item, t->f);
    fputs("},\n\"traceEvents\":[\n", t->f);
}

static void write_csv_header(trace_t *t)
{
    const char *names[MAX_COLUMNS];
    t->ncolumns = trace_csv_columns(names, MAX_COLUMNS);
    for (int i = 0; i < t->ncolumns; i++)
        fprintf(t->f, "%s%s", i ? "," : "", names[i]);
    fputc('\n', t->f);
    for (int k = 0; k < EV_COUNT; k++)
        for (int i = 0; i < 4; i++)
            t->arg_column[k][i] = trace_csv_arg_column((ev_kind_t)k, i);
}

trace_t *trace_open(const char *path, const run_config_t *config, char *err, size_t errlen)
{
    bool json = has_suffix(path, ".json");
    if (!json && !has_suffix(path, ".csv")) {
        snprintf(err, errlen, "--trace %s: the name must end in .csv or .json", path);
        return NULL;
    }
    trace_t *t = calloc(1, sizeof *t);
    if (!t || !(t->f = fopen(path, "w"))) {
        snprintf(err, errlen, "--trace %s: cannot create the file", path);
        free(t);
        return NULL;
    }
    t->json = json;
    t->first = true;
    t->config = config;
    for (size_t i = 0; i < sizeof known_lanes / sizeof known_lanes[0]; i++)
        t->lane[t->nlanes++] = known_lanes[i];
    if (json)
        write_json_header(t);
    else
        write_csv_header(t);
    return t;
}

/* ---- JSON ------------------------------------------------------------------ */

/* The lane (tid, from 1) of a category, adding it if new; the last lane
 * takes every category past MAX_LANES. */
static int category_lane(trace_t *t, const char *category)
{
    for (int i = 0; i < t->nlanes; i++)
        if (!strcmp(t->lane[i], category))
            return i + 1;
    if (t->nlanes == MAX_LANES)
        return MAX_LANES;
    t->lane[t->nlanes++] = category;
    return t->nlanes;
}

/* Room for pid in the per-pid tables; false if out of memory. */
static bool reserve_pid(trace_t *t, int pid)
{
    if (pid < t->npids)
        return true;
    int n = pid + 16;
    uint32_t *used = realloc(t->lanes_used, (size_t)n * sizeof *used);
    if (used)
        t->lanes_used = used;
    char **name = realloc(t->name, (size_t)n * sizeof *name);
    if (name)
        t->name = name;
    if (!used || !name)
        return false;
    for (int i = t->npids; i < n; i++) {
        t->lanes_used[i] = 0;
        t->name[i] = NULL;
    }
    t->npids = n;
    return true;
}

static void write_json_event(trace_t *t, const event_t *ev)
{
    const ev_info_t *info = &ev_info[ev->kind];
    const uint32_t args[4] = {ev->a, ev->b, ev->c, ev->d};
    int pid = ev->pid > 0 ? ev->pid : 0;
    int tid = category_lane(t, info->category);
    if (reserve_pid(t, pid))
        t->lanes_used[pid] |= 1u << (tid - 1);
    else
        t->out_of_memory = true;
    fprintf(t->f, "%s{\"name\":\"%s\",\"cat\":\"%s\",\"ph\":\"%s\",\"ts\":%" PRIu64, t->first ? "" : ",\n",
            info->label, info->category, ev->duration ? "X" : "i", ev->cycle);
    if (ev->duration)
        fprintf(t->f, ",\"dur\":%" PRIu64, ev->duration);
    else
        fputs(",\"s\":\"t\"", t->f);
    fprintf(t->f, ",\"pid\":%d,\"tid\":%d,\"args\":{", pid, tid);
    bool any = false;
    for (int i = 0; i < 4; i++)
        if (info->arg[i][0]) {
            fprintf(t->f, "%s\"%s\":%" PRIu32, any ? "," : "", info->arg[i], args[i]);
            any = true;
        }
    fputs("}}", t->f);
    t->first = false;
}

static void write_metadata(trace_t *t, const char *what, int pid, int tid, const char *key, const char *text,
                           long number)
{
    fprintf(t->f, "%s{\"name\":\"%s\",\"ph\":\"M\",\"pid\":%d,\"tid\":%d,\"args\":{\"%s\":", t->first ? "" : ",\n",
            what, pid, tid, key);
    if (text)
        json_write_string(t->f, text);
    else
        fprintf(t->f, "%ld", number);
    fputs("}}", t->f);
    t->first = false;
}

/* Names and order of every process and lane that has events. */
static void write_json_names(trace_t *t)
{
    for (int pid = 0; pid < t->npids; pid++) {
        if (!t->lanes_used[pid])
            continue;
        char label[160]; /* "1 vcopy.s": the pid first, as Perfetto shows it beside the name */
        if (pid == 0)
            snprintf(label, sizeof label, "machine (no process running)");
        else
            snprintf(label, sizeof label, "%d %s", pid, t->name[pid] ? t->name[pid] : "process");
        write_metadata(t, "process_name", pid, 0, "name", label, 0);
        write_metadata(t, "process_sort_index", pid, 0, "sort_index", NULL, pid);
        for (int lane = 0; lane < t->nlanes; lane++)
            if (t->lanes_used[pid] & (1u << lane)) {
                write_metadata(t, "thread_name", pid, lane + 1, "name", t->lane[lane], 0);
                write_metadata(t, "thread_sort_index", pid, lane + 1, "sort_index", NULL, lane + 1);
            }
    }
}

void trace_name_process(trace_t *t, int pid, const char *name)
{
    if (!t || pid <= 0 || !reserve_pid(t, pid))
        return;
    free(t->name[pid]);
    t->name[pid] = strdup(name);
}

/* ---- CSV ------------------------------------------------------------------- */

static void keep_event(trace_t *t, const event_t *ev)
{
    if (t->count == t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 1024;
        event_t *grown = realloc(t->ev, cap * sizeof *grown);
        if (!grown) {
            t->out_of_memory = true;
            return;
        }
        t->ev = grown;
        t->cap = cap;
    }
    t->ev[t->count++] = *ev;
}

typedef struct {
    FILE *f;
    int ncolumns;
} config_rows_t;

static void csv_config_row(void *ctx, const char *name, const char *value)
{
    config_rows_t *r = ctx;
    fputs("0,0,config,config,0", r->f);
    for (int i = TRACE_CSV_FIXED; i < r->ncolumns - 2; i++)
        fputc(',', r->f);
    fputc(',', r->f);
    csv_write_field(r->f, name);
    fputc(',', r->f);
    csv_write_field(r->f, value);
    fputc('\n', r->f);
}

static void write_csv_row(trace_t *t, const event_t *ev)
{
    const ev_info_t *info = &ev_info[ev->kind];
    const uint32_t args[4] = {ev->a, ev->b, ev->c, ev->d};
    fprintf(t->f, "%" PRIu64 ",%" PRIu64 ",%s,%s,%d", ev->cycle, ev->duration, info->label, info->category,
            ev->pid > 0 ? ev->pid : 0);
    for (int col = TRACE_CSV_FIXED; col < t->ncolumns; col++) {
        fputc(',', t->f);
        for (int i = 0; i < 4; i++)
            if (t->arg_column[ev->kind][i] == col)
                fprintf(t->f, "%" PRIu32, args[i]);
    }
    fputc('\n', t->f);
}

/* Order by cycle; equal cycles keep the order the events were reported in. */
static int by_cycle(const void *a, const void *b)
{
    const event_t *x = *(const event_t *const *)a, *y = *(const event_t *const *)b;
    if (x->cycle != y->cycle)
        return x->cycle < y->cycle ? -1 : 1;
    return x < y ? -1 : x > y;
}

static void write_csv_rows(trace_t *t)
{
    if (t->config) {
        config_rows_t rows = {t->f, t->ncolumns};
        run_config_each(t->config, csv_config_row, &rows);
    }
    const event_t **order = malloc((t->count ? t->count : 1) * sizeof *order);
    if (!order) {
        t->out_of_memory = true;
        return;
    }
    for (size_t i = 0; i < t->count; i++)
        order[i] = &t->ev[i];
    qsort(order, t->count, sizeof *order, by_cycle);
    for (size_t i = 0; i < t->count; i++)
        write_csv_row(t, order[i]);
    free(order);
}

/* ---- both ------------------------------------------------------------------ */

void trace_observe(void *ctx, const event_t *ev)
{
    trace_t *t = ctx;
    if (t->json)
        write_json_event(t, ev);
    else
        keep_event(t, ev);
}

bool trace_close(trace_t *t)
{
    if (!t)
        return true;
    if (t->json) {
        write_json_names(t);
        fputs("\n]}\n", t->f);
    } else {
        write_csv_rows(t);
    }
    bool ok = !ferror(t->f) && !t->out_of_memory;
    ok = fclose(t->f) == 0 && ok;
    for (int i = 0; i < t->npids; i++)
        free(t->name[i]);
    free(t->name);
    free(t->lanes_used);
    free(t->ev);
    free(t);
    return ok;
}
