/*
 * `mmulab thrash` on the real paged OS: N copies of a worker program run
 * under --mode paged with a fixed number of frames, and what one run costs
 * is measured from the event stream (cli/thrash_os.c).
 */
#ifndef MMULAB_THRASH_OS_H
#define MMULAB_THRASH_OS_H

#include <stdbool.h>
#include <stdint.h>

#include "../sim/options.h"
#include "../studies/thrash.h"

typedef struct {
    const char *program;     /* the worker (programs/thrash_worker.s)           */
    uint32_t frames;
    const char *alloc;       /* equal|proportional|ws                           */
    const char *scope;       /* local|global                                    */
    const char *policy;      /* fifo|lru|clock                                  */
    uint64_t cycles;         /* --max-cycles of each run                        */
    uint32_t ws_window;      /* references; 0 for THRASH_OS_WS_WINDOW            */
    opt_strings_t timings;   /* --timing NAME=V, passed on                      */
} thrash_os_t;

/* The working-set window by default, in references (fetches and data
 * accesses): one pass of thrash_worker.s over its pages fits in it. */
#define THRASH_OS_WS_WINDOW 2500

/* The window a run uses. */
static inline uint32_t thrash_os_window(const thrash_os_t *t)
{
    return t->ws_window ? t->ws_window : THRASH_OS_WS_WINDOW;
}

/* Run `degree` copies; false after a message on stderr. */
bool thrash_os_run(const thrash_os_t *t, int degree, thrash_point_t *out);

/* The default worker's path: `wanted` if readable, else next to the binary
 * (argv0/../programs/thrash_worker.s); NULL if neither exists. */
const char *thrash_os_find_worker(const char *wanted, const char *argv0, char *buf, size_t len);

#endif
