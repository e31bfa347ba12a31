/*
 * CSV and Chrome/Perfetto trace-event JSON writers for the event stream.
 *
 * JSON: {"traceEvents":[...]} with complete events ("ph":"X") for events
 * that last, instants ("ph":"i") for the rest; ts and dur are in cycles
 * (shown by Perfetto as microseconds), pid is the modeled process (0 for
 * the machine itself), tid the category (hw, os, disk) so each gets a lane.
 */
#include "trace.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct trace {
    FILE *f;
    bool json;
    bool first;
};

static bool has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

trace_t *trace_open(const char *path, char *err, size_t errlen)
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
    if (json)
        fputs("{\"displayTimeUnit\":\"ns\",\"otherData\":{\"time_unit\":\"cycles\"},\"traceEvents\":[\n", t->f);
    else
        fputs("cycle,duration,event,category,pid,a,b,c,d\n", t->f);
    return t;
}

static int category_lane(const char *category)
{
    return !strcmp(category, "hw") ? 1 : !strcmp(category, "os") ? 2 : 3;
}

static void write_json_event(trace_t *t, const event_t *ev)
{
    const ev_info_t *info = &ev_info[ev->kind];
    const uint32_t args[4] = {ev->a, ev->b, ev->c, ev->d};
    fprintf(t->f, "%s{\"name\":\"%s\",\"cat\":\"%s\",\"ph\":\"%s\",\"ts\":%" PRIu64, t->first ? "" : ",\n",
            info->label, info->category, ev->duration ? "X" : "i", ev->cycle);
    if (ev->duration)
        fprintf(t->f, ",\"dur\":%" PRIu64, ev->duration);
    else
        fputs(",\"s\":\"t\"", t->f);
    fprintf(t->f, ",\"pid\":%d,\"tid\":%d,\"args\":{", ev->pid, category_lane(info->category));
    bool any = false;
    for (int i = 0; i < 4; i++)
        if (info->arg[i][0]) {
            fprintf(t->f, "%s\"%s\":%" PRIu32, any ? "," : "", info->arg[i], args[i]);
            any = true;
        }
    fputs("}}", t->f);
    t->first = false;
}

void trace_observe(void *ctx, const event_t *ev)
{
    trace_t *t = ctx;
    if (t->json) {
        write_json_event(t, ev);
        return;
    }
    const ev_info_t *info = &ev_info[ev->kind];
    fprintf(t->f, "%" PRIu64 ",%" PRIu64 ",%s,%s,%d,%" PRIu32 ",%" PRIu32 ",%" PRIu32 ",%" PRIu32 "\n", ev->cycle,
            ev->duration, info->label, info->category, ev->pid, ev->a, ev->b, ev->c, ev->d);
}

bool trace_close(trace_t *t)
{
    if (!t)
        return true;
    if (t->json)
        fputs("\n]}\n", t->f);
    bool ok = !ferror(t->f);
    ok = fclose(t->f) == 0 && ok;
    free(t);
    return ok;
}
