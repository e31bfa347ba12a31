/*
 * The thrashing model (see thrash.h): one CPU scheduled round-robin, one
 * paging disk served first come first served, N workers.
 *
 * A reference to a resident page costs thrash_ref_cycles and counts as
 * useful CPU work.  A reference to a missing page costs the fault handler
 * (fault_handler_cycles, on the CPU but not useful), takes a frame (a free
 * one, or a victim chosen by the replacement policy among the candidates the
 * allocator and scope allow), and queues a read on the paging disk; the
 * worker sleeps until the read completes and the CPU runs someone else.
 * Frames being read are never victims.  The working set of a worker is the
 * number of distinct pages among its last ws_window references.
 */
#include "thrash.h"

#include "../os/rng.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define THRASH_QUANTUM 10000 /* cycles, the OS's default quantum (os_config_defaults) */

const char *const frame_alloc_name[ALLOC_COUNT] = {"equal", "proportional", "ws"};
const char *const repl_scope_name[SCOPE_COUNT] = {"local", "global"};

typedef enum { W_READY, W_IO, W_PAGE, W_SUSPENDED } wstate_t;

typedef struct {
    wstate_t state;
    uint64_t wake;          /* end of the I/O wait or of the page read   */
    uint32_t npages;
    uint32_t *frame_of;     /* per page: its frame or REPL_NONE          */
    uint64_t *last_ref;     /* per page: own reference count + 1 at last use, 0 never */
    uint64_t refs;          /* references made                           */
    uint32_t page, visit;   /* where the loop is: page, reference within the visit */
    uint32_t burst_left;
    uint32_t held;          /* frames held                               */
    uint32_t ws;            /* last measured working set                 */
    bool measured;
    uint64_t faults_m, refs_m; /* faults and references while measuring */
} worker_t;

typedef struct {
    const thrash_config_t *c;
    int n;
    worker_t *w;
    replacer_t *repl;
    int *owner;             /* per frame: worker or -1                   */
    uint32_t *owner_page;
    uint64_t *settled;      /* bitmask: in use and not being read        */
    uint64_t *candidates;   /* scratch bitmask                           */
    int words;
    uint64_t now, end, disk_free;
    uint64_t useful, disk_busy, faults, refs;
    double active_area;
    int cursor;
    rng_t rng;
} tsim_t;

uint64_t thrash_ref_cycles(const timing_t *t) { return 2ull * t->mem_cycles + t->exec_cycles; }

uint64_t thrash_fault_disk_cycles(const thrash_config_t *c) { return timing_disk_cycles(&c->timing, c->page_size); }

void thrash_config_defaults(thrash_config_t *c)
{
    memset(c, 0, sizeof *c);
    timing_defaults(&c->timing);
    c->frames = 64;
    c->page_size = 4096;
    c->pages = 8;
    c->refs_per_page = 50;
    c->burst = 2000;
    c->io_cycles = 60000;
    c->seed = 1;
    c->cycles = 20000000;
    c->warmup = 2000000;
    c->ws_window = 1000;
    c->alloc = ALLOC_EQUAL;
    c->scope = SCOPE_LOCAL;
    c->policy = REPL_LRU;
}

static bool measuring(const tsim_t *s) { return s->now >= s->c->warmup; }

static void set_bit(uint64_t *m, uint32_t f, bool on)
{
    if (on)
        m[f / 64] |= 1ull << (f % 64);
    else
        m[f / 64] &= ~(1ull << (f % 64));
}

static bool is_active(const worker_t *w) { return w->state != W_SUSPENDED; }

/* ---- working sets and quotas --------------------------------------------- */

static uint32_t measure_ws(const tsim_t *s, const worker_t *w)
{
    uint64_t since = w->refs > s->c->ws_window ? w->refs - s->c->ws_window : 0;
    uint32_t n = 0;
    for (uint32_t p = 0; p < w->npages; p++)
        n += w->last_ref[p] > since;
    return n;
}

/* What the ws allocator believes a worker needs: its measured working set,
 * or before it has made a window of references, the mean of those measured. */
static uint32_t ws_estimate(const tsim_t *s, const worker_t *w)
{
    if (w->measured)
        return w->ws ? w->ws : 1;
    uint64_t sum = 0, n = 0;
    for (int i = 0; i < s->n; i++)
        if (s->w[i].measured) {
            sum += s->w[i].ws;
            n++;
        }
    return n ? (uint32_t)(sum / n) : 1;
}

static uint32_t quota(const tsim_t *s, const worker_t *w)
{
    uint32_t active = 0;
    uint64_t pages = 0;
    for (int i = 0; i < s->n; i++)
        if (is_active(&s->w[i])) {
            active++;
            pages += s->w[i].npages;
        }
    switch (s->c->alloc) {
    case ALLOC_PROPORTIONAL:
        return pages ? (uint32_t)((uint64_t)s->c->frames * w->npages / pages) : s->c->frames;
    case ALLOC_WS:
        return ws_estimate(s, w);
    default:
        return active ? s->c->frames / active : s->c->frames;
    }
}

/* ---- frames -------------------------------------------------------------- */

static void unmap_frame(tsim_t *s, uint32_t f)
{
    int o = s->owner[f];
    if (o >= 0) {
        s->w[o].frame_of[s->owner_page[f]] = REPL_NONE;
        s->w[o].held--;
    }
    s->owner[f] = -1;
    set_bit(s->settled, f, false);
}

/* Candidates: settled frames of worker `who` (-1: of every worker over its quota; -2: all). */
static bool gather_candidates(tsim_t *s, int who)
{
    bool any = false;
    memset(s->candidates, 0, (size_t)s->words * sizeof *s->candidates);
    for (uint32_t f = 0; f < s->c->frames; f++) {
        int o = s->owner[f];
        if (o < 0 || !(s->settled[f / 64] >> (f % 64) & 1))
            continue;
        bool take = who == -2 || o == who || (who == -1 && s->w[o].held > quota(s, &s->w[o]));
        if (take) {
            set_bit(s->candidates, f, true);
            any = true;
        }
    }
    return any;
}

static uint32_t victim_among(tsim_t *s, int who)
{
    if (!gather_candidates(s, who))
        return REPL_NONE;
    return repl_victim(s->repl, s->candidates, s->now);
}

/* A frame for worker i's fault: free, or a victim the scope allows. */
static uint32_t take_frame(tsim_t *s, int i)
{
    worker_t *w = &s->w[i];
    bool below_quota = s->c->scope == SCOPE_GLOBAL || w->held < quota(s, w);
    uint32_t f = below_quota ? repl_free_frame(s->repl) : REPL_NONE;
    if (f == REPL_NONE && s->c->scope == SCOPE_GLOBAL)
        f = victim_among(s, -2);
    if (f == REPL_NONE && below_quota)
        f = victim_among(s, -1);
    if (f == REPL_NONE)
        f = victim_among(s, i);
    if (f == REPL_NONE)
        f = repl_free_frame(s->repl);
    if (f == REPL_NONE)
        f = victim_among(s, -2);
    if (f != REPL_NONE)
        unmap_frame(s, f);
    return f;
}

static void release_frames(tsim_t *s, int i)
{
    for (uint32_t f = 0; f < s->c->frames; f++)
        if (s->owner[f] == i) {
            unmap_frame(s, f);
            repl_free(s->repl, f);
        }
}

/* ---- admission control (ws) ---------------------------------------------- */

/* Suspend the most recently admitted workers while the working sets do not
 * fit, then admit suspended ones (oldest first) while they do. */
static void admission_control(tsim_t *s)
{
    if (s->c->alloc != ALLOC_WS)
        return;
    uint64_t sum = 0;
    int active = 0;
    for (int i = 0; i < s->n; i++)
        if (is_active(&s->w[i])) {
            sum += ws_estimate(s, &s->w[i]);
            active++;
        }
    for (int i = s->n - 1; i >= 0 && sum > s->c->frames && active > 1; i--) {
        worker_t *w = &s->w[i];
        if (!is_active(w) || w->state == W_PAGE)
            continue;
        sum -= ws_estimate(s, w);
        active--;
        w->state = W_SUSPENDED;
        release_frames(s, i);
    }
    for (int i = 0; i < s->n; i++) {
        worker_t *w = &s->w[i];
        if (w->state == W_SUSPENDED && sum + ws_estimate(s, w) <= s->c->frames) {
            sum += ws_estimate(s, w);
            w->state = W_READY;
        }
    }
}

/* ---- running ------------------------------------------------------------- */

static void fault(tsim_t *s, int i)
{
    worker_t *w = &s->w[i];
    const timing_t *t = &s->c->timing;
    s->now += t->trap_cycles + t->fault_handler_cycles;
    if (measuring(s)) {
        s->faults++;
        w->faults_m++;
    }
    uint32_t f = take_frame(s, i);
    if (f == REPL_NONE) { /* no frame at all: wait for the disk and retry */
        w->state = W_PAGE;
        w->wake = s->disk_free > s->now ? s->disk_free : s->now + 1;
        return;
    }
    uint64_t service = thrash_fault_disk_cycles(s->c);
    uint64_t start = s->disk_free > s->now ? s->disk_free : s->now;
    s->disk_free = start + service;
    if (start >= s->c->warmup)
        s->disk_busy += service;
    s->owner[f] = i;
    s->owner_page[f] = w->page;
    w->frame_of[w->page] = f;
    w->held++;
    repl_load(s->repl, f, s->now);
    w->state = W_PAGE;
    w->wake = s->disk_free;
}

/* CPU bursts are exponential with mean `burst` references (at least 1). */
static uint32_t draw_burst(tsim_t *s)
{
    double v = rng_exponential(&s->rng, s->c->burst);
    return v < 1 ? 1 : v > 4e9 ? 4000000000u : (uint32_t)v;
}

/* One reference to a resident page: costs, counts, moves the loop on.
 * Returns false when the burst is over (the worker starts its I/O). */
static bool reference(tsim_t *s, worker_t *w, uint64_t ref_cycles)
{
    repl_reference(s->repl, w->frame_of[w->page], s->now);
    s->now += ref_cycles;
    w->refs++;
    w->last_ref[w->page] = w->refs;
    if (measuring(s)) {
        s->useful += ref_cycles;
        s->refs++;
        w->refs_m++;
    }
    if (++w->visit == s->c->refs_per_page) {
        w->visit = 0;
        w->page = (w->page + 1) % w->npages;
    }
    if (w->refs % s->c->ws_window == 0) {
        w->ws = measure_ws(s, w);
        w->measured = true;
        admission_control(s);
    }
    if (--w->burst_left)
        return true;
    w->burst_left = draw_burst(s);
    w->state = W_IO;
    w->wake = s->now + (uint64_t)rng_exponential(&s->rng, (double)s->c->io_cycles);
    return false;
}

/* Run worker i for one quantum or until it blocks. */
static void run_slice(tsim_t *s, int i)
{
    worker_t *w = &s->w[i];
    uint64_t ref_cycles = thrash_ref_cycles(&s->c->timing);
    uint64_t until = s->now + THRASH_QUANTUM;
    while (s->now < until && s->now < s->end && w->state == W_READY) {
        if (w->frame_of[w->page] == REPL_NONE) {
            fault(s, i);
            admission_control(s);
            return;
        }
        if (!reference(s, w, ref_cycles))
            return;
    }
}

static void wake_sleepers(tsim_t *s)
{
    for (int i = 0; i < s->n; i++) {
        worker_t *w = &s->w[i];
        if ((w->state == W_IO || w->state == W_PAGE) && w->wake <= s->now) {
            if (w->state == W_PAGE && w->frame_of[w->page] != REPL_NONE)
                set_bit(s->settled, w->frame_of[w->page], true);
            w->state = W_READY;
        }
    }
}

static int next_ready(tsim_t *s)
{
    for (int k = 0; k < s->n; k++) {
        int i = (s->cursor + k) % s->n;
        if (s->w[i].state == W_READY) {
            s->cursor = (i + 1) % s->n;
            return i;
        }
    }
    return -1;
}

/* Nobody can run: jump to the next wake-up (or the end). */
static void idle_until_wake(tsim_t *s)
{
    uint64_t next = s->end;
    for (int i = 0; i < s->n; i++)
        if ((s->w[i].state == W_IO || s->w[i].state == W_PAGE) && s->w[i].wake < next)
            next = s->w[i].wake;
    s->now = next > s->now ? next : s->now + 1;
}

static void account_active(tsim_t *s, uint64_t from)
{
    if (s->now <= s->c->warmup)
        return;
    uint64_t start = from > s->c->warmup ? from : s->c->warmup;
    int active = 0;
    for (int i = 0; i < s->n; i++)
        active += is_active(&s->w[i]);
    s->active_area += (double)(s->now - start) * active;
}

static void simulate(tsim_t *s)
{
    int last = -1;
    while (s->now < s->end) {
        uint64_t from = s->now;
        wake_sleepers(s);
        int i = next_ready(s);
        if (i < 0)
            idle_until_wake(s);
        else {
            if (last >= 0 && last != i)
                s->now += s->c->timing.ctx_switch_cycles;
            last = i;
            run_slice(s, i);
        }
        account_active(s, from);
    }
}

static void summarise(const tsim_t *s, int degree, thrash_point_t *out)
{
    double span = (double)(s->end - s->c->warmup);
    memset(out, 0, sizeof *out);
    out->degree = degree;
    out->faults = s->faults;
    out->references = s->refs;
    out->cpu_utilisation = (double)s->useful / span;
    out->fault_rate = s->refs ? (double)s->faults / (double)s->refs : (s->faults ? 1 : 0);
    out->disk_busy = (double)s->disk_busy / span;
    out->active = s->active_area / span;
    int active = 0, measured = 0;
    double ws = 0, pff = 0;
    for (int i = 0; i < s->n; i++) {
        const worker_t *w = &s->w[i];
        if (is_active(w)) {
            ws += w->ws;
            active++;
        }
        if (w->refs_m) {
            pff += 1000.0 * (double)w->faults_m / (double)w->refs_m;
            measured++;
        }
    }
    out->mean_ws = active ? ws / active : 0;
    out->pff = measured ? pff / measured : 0;
}

static bool setup(tsim_t *s, const thrash_config_t *c, int degree)
{
    memset(s, 0, sizeof *s);
    s->c = c;
    s->n = degree;
    s->end = c->cycles;
    s->rng = rng_seeded(c->seed);
    s->words = (int)((c->frames + 63) / 64);
    s->repl = repl_create(c->policy, c->frames);
    s->w = calloc((size_t)degree, sizeof *s->w);
    s->owner = malloc(c->frames * sizeof *s->owner);
    s->owner_page = calloc(c->frames, sizeof *s->owner_page);
    s->settled = calloc((size_t)s->words, sizeof *s->settled);
    s->candidates = calloc((size_t)s->words, sizeof *s->candidates);
    if (!s->repl || !s->w || !s->owner || !s->owner_page || !s->settled || !s->candidates)
        return false;
    for (uint32_t f = 0; f < c->frames; f++)
        s->owner[f] = -1;
    for (int i = 0; i < degree; i++) {
        worker_t *w = &s->w[i];
        uint32_t spread = c->pages_spread < c->pages ? c->pages_spread : c->pages - 1;
        w->npages = c->pages - spread + (uint32_t)i % (2 * spread + 1);
        w->frame_of = malloc(w->npages * sizeof *w->frame_of);
        w->last_ref = calloc(w->npages, sizeof *w->last_ref);
        if (!w->frame_of || !w->last_ref)
            return false;
        for (uint32_t p = 0; p < w->npages; p++)
            w->frame_of[p] = REPL_NONE;
        w->burst_left = draw_burst(s);
    }
    return true;
}

static void teardown(tsim_t *s)
{
    for (int i = 0; s->w && i < s->n; i++) {
        free(s->w[i].frame_of);
        free(s->w[i].last_ref);
    }
    free(s->w);
    free(s->owner);
    free(s->owner_page);
    free(s->settled);
    free(s->candidates);
    repl_destroy(s->repl);
}

bool thrash_run(const thrash_config_t *c, int degree, thrash_point_t *out)
{
    tsim_t s;
    memset(&s, 0, sizeof s);
    bool ok = degree > 0 && c->frames > 0 && c->pages > 0 && c->refs_per_page > 0 && c->burst > 0 &&
              c->ws_window > 0 && setup(&s, c, degree);
    if (ok) {
        simulate(&s);
        summarise(&s, degree, out);
    }
    teardown(&s);
    return ok;
}
