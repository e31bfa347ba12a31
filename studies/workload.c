/*
 * The workload simulator: requests arrive in time order, wait in one FIFO
 * queue when no hole fits (or are refused), hold their partition for their
 * lifetime and leave.  Between events the state does not change, so the
 * time averages (holes, allocated blocks, bytes in holes) are sums of
 * value x interval over the measured period, divided by its length.  The
 * measured period runs from the arrival of request `warmup` to the arrival
 * of the last request, so neither the empty start nor the draining end
 * counts: that is the equilibrium the fifty-percent rule talks about.
 */
#include "workload.h"

#include "../os/rng.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const wl_size_dist_name[WL_SIZE_DIST_COUNT] = {"uniform", "exponential"};

/* ---- requests ------------------------------------------------------------ */

void wl_trace_free(wl_trace_t *t)
{
    free(t->req);
    memset(t, 0, sizeof *t);
}

bool wl_trace_add(wl_trace_t *t, double arrival, uint32_t size, double lifetime)
{
    if (t->n == t->cap) {
        int cap = t->cap ? 2 * t->cap : 256;
        wl_request_t *grown = realloc(t->req, (size_t)cap * sizeof *grown);
        if (!grown)
            return false;
        t->req = grown;
        t->cap = cap;
    }
    t->req[t->n++] = (wl_request_t){arrival, size, lifetime};
    return true;
}

static uint32_t draw_size(rng_t *rng, const wl_gen_t *g)
{
    double lo = g->size_min, hi = g->size_max, v;
    if (g->size_dist == WL_SIZE_EXPONENTIAL)
        v = rng_exponential(rng, (lo + hi) / 2);
    else
        v = lo + floor(rng_uniform01(rng) * (hi - lo + 1));
    if (v < lo)
        v = lo;
    if (v > hi)
        v = hi;
    return (uint32_t)v;
}

bool wl_generate(wl_trace_t *t, const wl_gen_t *g, uint64_t seed)
{
    rng_t rng = rng_seeded(seed);
    double now = 0;
    for (int i = 0; i < g->count; i++) {
        now += rng_exponential(&rng, g->arrival_mean);
        uint32_t size = draw_size(&rng, g);
        if (!wl_trace_add(t, now, size, rng_exponential(&rng, g->lifetime_mean)))
            return false;
    }
    return true;
}

static int by_arrival(const void *a, const void *b)
{
    double x = ((const wl_request_t *)a)->arrival, y = ((const wl_request_t *)b)->arrival;
    return (x > y) - (x < y);
}

/* Arrivals and lifetimes are at most this many time units: finite, and
 * small enough that the time averages' sums (time x bytes) stay finite. */
#define WL_MAX_TIME 1e12

static bool valid_time(double t) { return t >= 0 && t <= WL_MAX_TIME; } /* false for NaN */

/* One line: "ARRIVAL SIZE LIFETIME"; SIZE may end in K or M. */
static bool parse_line(const char *line, double *arrival, uint32_t *size, double *lifetime)
{
    char unit[4] = "";
    double bytes;
    int n = sscanf(line, "%lf %lf%3[KkMm] %lf", arrival, &bytes, unit, lifetime);
    if (n != 4) {
        unit[0] = 0;
        if (sscanf(line, "%lf %lf %lf", arrival, &bytes, lifetime) != 3)
            return false;
    }
    if (unit[0] == 'K' || unit[0] == 'k')
        bytes *= 1024;
    else if (unit[0] == 'M' || unit[0] == 'm')
        bytes *= 1024 * 1024;
    if (!valid_time(*arrival) || !valid_time(*lifetime) || !(bytes >= 1 && bytes <= UINT32_MAX))
        return false;
    *size = (uint32_t)bytes;
    return true;
}

/* The next line of f into line (without its newline): "" if it is good,
 * what is wrong with it otherwise, NULL at the end of the file. */
static const char *read_line(FILE *f, char *line, size_t size)
{
    size_t n = 0;
    int c;
    while ((c = getc(f)) != EOF && c != '\n') {
        if (c == 0)
            return "not text: a NUL byte";
        if (n + 1 >= size)
            return "line too long";
        line[n++] = (char)c;
    }
    line[n] = 0;
    return c == EOF && n == 0 ? NULL : "";
}

bool wl_read_file(const char *path, wl_trace_t *t, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "%s: cannot open the file", path);
        return false;
    }
    bool ok = wl_read_stream(f, path, t, err, errlen);
    fclose(f);
    return ok;
}

bool wl_read_stream(FILE *f, const char *path, wl_trace_t *t, char *err, size_t errlen)
{
    char line[512];
    unsigned long long lineno = 0; /* a file of blank lines may exceed an int's count */
    bool ok = true;
    const char *bad;
    while (ok && (bad = read_line(f, line, sizeof line)) != NULL) {
        lineno++;
        if (*bad) {
            snprintf(err, errlen, "%s:%llu: %s", path, lineno, bad);
            ok = false;
            break;
        }
        char *hash = strchr(line, '#');
        if (hash)
            *hash = 0;
        if (strspn(line, " \t\r\n") == strlen(line))
            continue;
        double arrival, lifetime;
        uint32_t size;
        if (!parse_line(line, &arrival, &size, &lifetime)) {
            snprintf(err, errlen, "%s:%llu: expected ARRIVAL SIZE LIFETIME (e.g. 0 4K 10; times from 0 to 1e12, size from 1 to 4G-1)", path, lineno);
            ok = false;
        } else if (t->n >= WL_MAX_REQUESTS) {
            snprintf(err, errlen, "%s:%llu: more than %d requests", path, lineno, WL_MAX_REQUESTS);
            ok = false;
        } else if (!wl_trace_add(t, arrival, size, lifetime)) {
            snprintf(err, errlen, "out of host memory");
            ok = false;
        }
    }
    if (ok && t->n == 0) {
        snprintf(err, errlen, "%s: no requests", path);
        ok = false;
    }
    if (ok)
        qsort(t->req, (size_t)t->n, sizeof *t->req, by_arrival);
    return ok;
}

/* ---- departures: a binary min-heap on time ------------------------------- */

typedef struct {
    double time;
    int id;
} departure_t;

typedef struct {
    int n;
    departure_t *d;
} heap_t;

static void heap_push(heap_t *h, departure_t v)
{
    int i = h->n++;
    while (i > 0 && h->d[(i - 1) / 2].time > v.time) {
        h->d[i] = h->d[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    h->d[i] = v;
}

static departure_t heap_pop(heap_t *h)
{
    departure_t top = h->d[0], last = h->d[--h->n];
    int i = 0;
    for (;;) {
        int c = 2 * i + 1;
        if (c >= h->n)
            break;
        if (c + 1 < h->n && h->d[c + 1].time < h->d[c].time)
            c++;
        if (h->d[c].time >= last.time)
            break;
        h->d[i] = h->d[c];
        i = c;
    }
    h->d[i] = last;
    return top;
}

/* ---- the simulation ------------------------------------------------------ */

typedef struct {
    const wl_trace_t *t;
    const wl_config_t *cfg;
    partitions_t parts;
    heap_t leaving;
    int *queue, qhead, qtail; /* waiting request ids, FIFO            */
    double now, measure_from, measure_to;
    double area_holes, area_blocks, area_free, area_internal, measured_time;
    double wait_sum;
    int wait_count;
    double next_sample;
    wl_result_t *r;
} sim_t;

/* The samples falling in [now, until): the state is constant there. */
static void sample_to(sim_t *s, double until)
{
    if (!s->cfg->sample || !(s->cfg->sample_every > 0))
        return;
    if (s->next_sample < until) {
        uint32_t free_bytes, holes = partitions_holes(&s->parts, &free_bytes, NULL);
        for (; s->next_sample < until; s->next_sample += s->cfg->sample_every)
            s->cfg->sample(s->cfg->sample_ctx, s->next_sample, holes, s->parts.nblocks - (int)holes);
    }
}

/* Add the current state's contribution over [now, until) to the averages. */
static void advance_to(sim_t *s, double until)
{
    sample_to(s, until);
    double from = s->now > s->measure_from ? s->now : s->measure_from;
    double to = until < s->measure_to ? until : s->measure_to;
    if (to > from) {
        uint32_t free_bytes;
        double dt = to - from;
        uint32_t holes = partitions_holes(&s->parts, &free_bytes, NULL);
        uint64_t requested, allocated;
        partitions_usage(&s->parts, &requested, &allocated);
        s->area_holes += dt * holes;
        s->area_blocks += dt * (s->parts.nblocks - (int)holes);
        s->area_free += dt * free_bytes;
        s->area_internal += dt * (double)(allocated - requested);
        s->measured_time += dt;
    }
    if (until > s->now)
        s->now = until;
}

/* Compact when the request fails but enough memory is free in pieces. */
static bool compact_for(sim_t *s, uint32_t size)
{
    uint32_t free_bytes;
    partitions_holes(&s->parts, &free_bytes, NULL);
    if (!s->cfg->compact || free_bytes < size)
        return false;
    uint64_t moved = partitions_compact(&s->parts, NULL, NULL);
    s->r->compactions++;
    s->r->compaction_bytes += moved;
    s->r->compaction_cycles += moved / 4 * s->cfg->copy_word_cycles;
    return true;
}

/* Try to place request id now; true if it got memory. */
static bool try_place(sim_t *s, int id)
{
    const wl_request_t *q = &s->t->req[id];
    uint32_t base = partitions_alloc(&s->parts, q->size, id + 1);
    if (base == UINT32_MAX && compact_for(s, q->size))
        base = partitions_alloc(&s->parts, q->size, id + 1);
    if (base == UINT32_MAX)
        return false;
    heap_push(&s->leaving, (departure_t){s->now + q->lifetime, id});
    s->r->satisfied++;
    if (s->now > q->arrival)
        s->r->waited++;
    if (q->arrival >= s->measure_from) {
        s->wait_sum += s->now - q->arrival;
        s->wait_count++;
    }
    return true;
}

/* Serve the queue in order until its head does not fit (FIFO: no overtaking). */
static void admit_waiting(sim_t *s)
{
    while (s->qhead < s->qtail && try_place(s, s->queue[s->qhead]))
        s->qhead++;
}

static void arrive(sim_t *s, int id)
{
    uint32_t size = s->t->req[id].size;
    bool never_fits = (uint64_t)size > s->parts.end - s->parts.start;
    if (never_fits) {
        s->r->refused++;
        return;
    }
    if (s->qhead == s->qtail && try_place(s, id))
        return;
    if (s->cfg->on_full == WL_REFUSE)
        s->r->refused++;
    else
        s->queue[s->qtail++] = id;
}

static void finish(sim_t *s)
{
    wl_result_t *r = s->r;
    double T = s->measured_time > 0 ? s->measured_time : 1;
    r->pending = s->qtail - s->qhead;
    r->mean_holes = s->area_holes / T;
    r->mean_allocated = s->area_blocks / T;
    r->lost_fraction = s->area_free / T / s->cfg->mem;
    r->internal_fraction = s->area_internal / T / s->cfg->mem;
    r->mean_wait = s->wait_count ? s->wait_sum / s->wait_count : 0;
}

void wl_run(const wl_trace_t *t, const wl_config_t *cfg, fit_t fit, wl_result_t *out)
{
    memset(out, 0, sizeof *out);
    out->fit = fit;
    out->requests = t->n;
    sim_t s = {.t = t, .cfg = cfg, .r = out};
    partitions_init(&s.parts, 0, cfg->mem, cfg->granule, fit);
    s.leaving.d = malloc((size_t)(t->n ? t->n : 1) * sizeof *s.leaving.d);
    s.queue = malloc((size_t)(t->n ? t->n : 1) * sizeof *s.queue);
    if (!s.leaving.d || !s.queue)
        abort(); /* host out of memory */
    int warm = cfg->warmup < t->n ? cfg->warmup : 0;
    s.measure_from = t->n ? t->req[warm].arrival : 0;
    s.measure_to = t->n ? t->req[t->n - 1].arrival : 0;
    int next = 0;
    while (next < t->n) {
        bool departure_first = s.leaving.n && s.leaving.d[0].time <= t->req[next].arrival;
        if (departure_first) {
            departure_t d = heap_pop(&s.leaving);
            advance_to(&s, d.time);
            partitions_free(&s.parts, partitions_base_of(&s.parts, d.id + 1)); /* compaction may have moved it */
            admit_waiting(&s);
        } else {
            advance_to(&s, t->req[next].arrival);
            arrive(&s, next++);
            if (cfg->tick && next % 4096 == 0 && !cfg->tick(cfg->tick_ctx, next))
                break;
        }
    }
    finish(&s);
    free(s.leaving.d);
    free(s.queue);
    partitions_free_all(&s.parts);
}

double wl_t95(int n)
{
    static const double t[] = {0,      12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
                               2.201,  2.179,  2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
                               2.080,  2.074,  2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};
    int df = n - 1;
    if (df < 1)
        return 0;
    return df < (int)(sizeof t / sizeof t[0]) ? t[df] : 1.96;
}
