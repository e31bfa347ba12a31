/*
 * Run control: the stop flag set by SIGINT/SIGTERM and the progress line.
 */
#include "runctl.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

volatile sig_atomic_t runctl_stop_signal;

/* After this long a run shows its progress, then once every PROGRESS_EVERY. */
#define PROGRESS_AFTER 3.0
#define PROGRESS_EVERY 1.0

static void on_signal(int sig)
{
    runctl_stop_signal = sig;
}

void runctl_catch_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    /* reads of traces and input carry on; the loop stops at its next check */
    sa.sa_flags = SA_RESTART | SA_RESETHAND;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

const char *runctl_signal_name(void)
{
    switch (runctl_stop_signal) {
    case SIGINT: return "SIGINT";
    case SIGTERM: return "SIGTERM";
    default: return "a signal";
    }
}

int runctl_exit_status(void)
{
    return 128 + runctl_stop_signal;
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

void progress_start(progress_t *p, const char *what, bool quiet)
{
    memset(p, 0, sizeof *p);
    p->what = what;
    p->enabled = !quiet && isatty(STDERR_FILENO);
    p->start = p->last_time = now_seconds();
    p->next = p->start + PROGRESS_AFTER;
}

bool progress_due(const progress_t *p)
{
    return p->enabled && now_seconds() >= p->next;
}

/* 1234567 -> "1.23 M" */
static void human(char *buf, size_t len, double v)
{
    static const char *const prefix[] = {"", " k", " M", " G", " T"};
    int i = 0;
    while (v >= 1000 && i < 4)
        v /= 1000, i++;
    snprintf(buf, len, i ? "%.2f%s" : "%.0f%s", v, prefix[i]);
}

void progress_update(progress_t *p, uint64_t done, const char *done_unit, uint64_t rated, const char *rated_unit,
                     const char *detail)
{
    if (!p->enabled)
        return;
    double t = now_seconds();
    if (t < p->next)
        return;
    double dt = t - p->last_time;
    double rate = dt > 0 && rated >= p->last_rated ? (double)(rated - p->last_rated) / dt : 0;
    char done_text[32], rate_text[32];
    human(done_text, sizeof done_text, (double)done);
    human(rate_text, sizeof rate_text, rate);
    fprintf(stderr, "\r\033[Kmmulab %s: %.0f s, %s %s, %s %s/s%s%s", p->what, t - p->start, done_text, done_unit,
            rate_text, rated_unit, detail ? ", " : "", detail ? detail : "");
    fflush(stderr);
    p->shown = true;
    p->last_time = t;
    p->last_rated = rated;
    p->next = t + PROGRESS_EVERY;
}

void progress_end(progress_t *p)
{
    if (p->shown)
        fprintf(stderr, "\r\033[K");
    p->shown = false;
}
