/*
 * Workloads for contiguous allocation: many processes arriving, holding a
 * partition for a lifetime and leaving, run through the OS's own partition
 * allocator (os/partition.c) as a discrete-event simulation in abstract time
 * units.  It measures what the seed's slides 12-14 talk about: how each fit
 * (first, best, worst, next) copes, how many holes there are beside the
 * allocated blocks (Knuth's fifty-percent rule: at equilibrium under first
 * fit, holes ~ half the blocks), how much memory the holes waste, how long
 * requests wait, and what compaction would cost in cycles.
 *
 * A workload is a list of requests (arrival time, size in bytes, lifetime),
 * either read from a file (wl_read_file: one request per line, see
 * docs/multiprogramming.md) or generated from a seed (wl_generate).
 */
#ifndef MMULAB_WORKLOAD_H
#define MMULAB_WORKLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../os/partition.h"

typedef struct {
    double arrival;   /* time units since the start          */
    uint32_t size;    /* bytes asked for                     */
    double lifetime;  /* time units it holds its partition   */
} wl_request_t;

typedef struct {
    int n, cap;
    wl_request_t *req; /* sorted by arrival */
} wl_trace_t;

typedef enum { WL_SIZE_UNIFORM, WL_SIZE_EXPONENTIAL, WL_SIZE_DIST_COUNT } wl_size_dist_t;
extern const char *const wl_size_dist_name[WL_SIZE_DIST_COUNT]; /* "uniform" "exponential" */

/* How to generate a workload.  Inter-arrival times and lifetimes are
 * exponential (a Poisson arrival process); sizes uniform in [min, max] or
 * exponential with mean (min+max)/2 clamped to [min, max]. */
typedef struct {
    int count;
    double arrival_mean, lifetime_mean;
    uint32_t size_min, size_max;
    wl_size_dist_t size_dist;
} wl_gen_t;

typedef enum { WL_WAIT, WL_REFUSE } wl_on_full_t;

/* How to run one. */
/* The state at a sampling time: holes and allocated blocks. */
typedef void (*wl_sample_fn)(void *ctx, double time, uint32_t holes, int blocks);

typedef struct {
    uint32_t mem;             /* bytes of memory managed                      */
    uint32_t granule;         /* partitions are multiples of it               */
    wl_on_full_t on_full;     /* a request that does not fit waits (FIFO) or is refused */
    bool compact;             /* on a failed request with enough free memory, compact  */
    uint32_t copy_word_cycles;/* what compaction pays per word moved          */
    int warmup;               /* requests before measuring the time averages  */
    /* If set, called every few thousand requests with how many have arrived;
     * a false return ends the run there (SIGINT: the results so far). */
    bool (*tick)(void *ctx, int arrived);
    void *tick_ctx;
    wl_sample_fn sample;      /* if set, called every sample_every time units */
    void *sample_ctx;
    double sample_every;
} wl_config_t;

/* The most requests a workload file may hold (as --count's limit). */
#define WL_MAX_REQUESTS 10000000

typedef struct {
    fit_t fit;
    int requests;             /* requests in the workload                     */
    int satisfied;            /* given memory (at once or after waiting)      */
    int refused;              /* refused (--on-full refuse, or too big ever)  */
    int waited;               /* satisfied only after waiting                 */
    int pending;              /* still waiting when the last request arrived  */
    double mean_wait;         /* time units, over satisfied measured requests */
    double mean_holes;        /* time-averaged, after the warm-up             */
    double mean_allocated;    /* time-averaged allocated blocks               */
    double lost_fraction;     /* time-averaged bytes in holes / memory        */
    double internal_fraction; /* time-averaged (allocated - requested) / memory */
    uint64_t compactions, compaction_bytes, compaction_cycles;
} wl_result_t;

void wl_trace_free(wl_trace_t *t);
bool wl_trace_add(wl_trace_t *t, double arrival, uint32_t size, double lifetime);

/* Generate g->count requests from seed (same seed, same workload). */
bool wl_generate(wl_trace_t *t, const wl_gen_t *g, uint64_t seed);

/* Read a workload file; false with err set (naming the line) if malformed. */
bool wl_read_file(const char *path, wl_trace_t *t, char *err, size_t errlen);
/* Same from an open stream; path names it in the messages. */
bool wl_read_stream(FILE *f, const char *path, wl_trace_t *t, char *err, size_t errlen);

/* Run the workload under one fit. */
void wl_run(const wl_trace_t *t, const wl_config_t *cfg, fit_t fit, wl_result_t *out);

/* The two-sided 95% Student t quantile for n-1 degrees of freedom. */
double wl_t95(int n);

#endif
