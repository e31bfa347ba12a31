/*
 * The two sources of a picture behind one set of moves: live (the driver)
 * and replay (an event list and a playhead).
 */
#include "source.h"

#include <string.h>

int source_open(source_t *s, const run_options_t *opt, const char *trace_path, FILE *err)
{
    memset(s, 0, sizeof *s);
    s->opt = *opt;
    if (!trace_path) {
        s->live = true;
        return vm_open(&s->vm, opt, err);
    }
    char msg[512];
    evlog_init(&s->trace);
    if (!evlog_read_csv(&s->trace, trace_path, msg, sizeof msg)) {
        fprintf(err, "mmulab-view: --replay %s\n", msg);
        return 2;
    }
    return 0;
}

void source_close(source_t *s)
{
    if (s->live)
        vm_close(&s->vm);
    else
        evlog_free(&s->trace);
}

static uint64_t trace_end(const source_t *s)
{
    const evlog_t *log = &s->trace;
    uint64_t end = 0;
    for (size_t i = 0; i < log->count; i++)
        if (log->ev[i].cycle + log->ev[i].duration > end)
            end = log->ev[i].cycle + log->ev[i].duration;
    return end;
}

uint64_t source_now(const source_t *s) { return s->live ? vm_now(&s->vm) : s->replay_now; }

bool source_finished(const source_t *s)
{
    return s->live ? vm_finished(&s->vm) : s->replay_now >= trace_end(s);
}

bool source_reset(source_t *s)
{
    s->replay_now = 0;
    return s->live ? vm_reset(&s->vm) : true;
}

bool source_goto(source_t *s, uint64_t cycle)
{
    if (s->live)
        return vm_advance_to(&s->vm, cycle);
    uint64_t end = trace_end(s);
    s->replay_now = cycle < end ? cycle : end;
    return true;
}

bool source_advance(source_t *s, uint64_t cycles) { return source_goto(s, source_now(s) + cycles); }

/* Replay: the playhead to the next event (of a kind `want` accepts). */
static bool replay_next(source_t *s, bool (*want)(ev_kind_t))
{
    for (size_t i = 0; i < s->trace.count; i++) {
        const event_t *ev = &s->trace.ev[i];
        if (ev->cycle > s->replay_now && (!want || want(ev->kind))) {
            s->replay_now = ev->cycle;
            return true;
        }
    }
    s->replay_now = trace_end(s);
    return true;
}

bool source_step(source_t *s) { return s->live ? vm_step(&s->vm) : replay_next(s, NULL); }
bool source_run_to_event(source_t *s) { return s->live ? vm_run_to_event(&s->vm) : replay_next(s, evlog_stops_run_to_event); }

void source_fill(source_t *s, model_t *m)
{
    if (s->live)
        model_from_vm(m, &s->vm);
    else
        model_from_trace(m, &s->trace, &s->opt, s->replay_now);
}
