/*
 * Event lists for the viewer: appended to by the bus observer during a live
 * run, or read back from a CSV trace for --replay.  Events arrive roughly in
 * cycle order (the OS stamps an action when it begins, the hardware its walk
 * steps inside an instruction), so lookups by cycle sort a copy only when
 * the list is out of order.
 */
#include "evlog.h"

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
    return kind == EV_TLB_MISS || kind == EV_WALK_STEP || kind == EV_PTE_WRITEBACK || kind == EV_TLB_FILL;
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
    if (errno || end == text || *end)
        return false;
    *out = v;
    return true;
}

/* One data line into ev; false if a field is missing or malformed. */
static bool parse_event_line(char *line, event_t *ev)
{
    char *f[9];
    if (split_fields(line, f, 9) != 9)
        return false;
    uint64_t num[7];
    const int numeric[7] = {0, 1, 4, 5, 6, 7, 8};
    for (int i = 0; i < 7; i++)
        if (!parse_number(f[numeric[i]], &num[i]))
            return false;
    ev_kind_t kind = evlog_kind_from_label(f[2]);
    if (kind == EV_COUNT)
        return false;
    *ev = (event_t){.cycle = num[0], .duration = num[1], .kind = kind, .pid = (int)num[2],
                    .a = (uint32_t)num[3], .b = (uint32_t)num[4], .c = (uint32_t)num[5], .d = (uint32_t)num[6]};
    return true;
}

bool evlog_read_csv(evlog_t *log, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "%s: cannot open the trace (%s)", path, strerror(errno));
        return false;
    }
    char line[512];
    unsigned long long lineno = 0;
    bool ok = true;
    while (ok && fgets(line, sizeof line, f)) {
        lineno++;
        if (lineno == 1 && !strncmp(line, "cycle,", 6))
            continue;
        if (line[0] == '\n' || line[0] == '\0')
            continue;
        event_t ev;
        if (!parse_event_line(line, &ev)) {
            snprintf(err, errlen, "%s:%llu: not a line of an mmulab CSV trace (cycle,duration,event,...)", path, lineno);
            ok = false;
        } else if (log->count >= EVLOG_MAX_EVENTS) { /* replay keeps every event: bounded memory */
            snprintf(err, errlen, "%s:%llu: more than %u events, the most the viewer replays (cut the trace: head -n)",
                     path, lineno, EVLOG_MAX_EVENTS);
            ok = false;
        } else {
            evlog_append(log, &ev);
        }
    }
    fclose(f);
    if (ok && lineno == 0) {
        snprintf(err, errlen, "%s: the trace is empty", path);
        ok = false;
    }
    return ok;
}
