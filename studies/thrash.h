/*
 * Thrashing (the seed's slides 57-60), on a self-contained model of a paged,
 * multiprogrammed machine: N copies of a worker that loops over K pages,
 * sharing F frames, one CPU and one paging disk.  It stands in for the
 * paged OS until that lands on main (branch ospaging); it uses the OS's own
 * replacement policies (os/replace.h) and the timing table
 * (machine/config.h), so its cycles mean what the OS's cycles mean.
 *
 * Each worker alternates a CPU burst of about `burst` references with an
 * I/O wait of about `io_cycles` on its own device (both exponential), so that one process alone leaves the CPU
 * idle most of the time and raising the degree of multiprogramming raises
 * CPU utilisation -- until the working sets no longer fit the frames and
 * every process queues on the paging disk: thrashing.
 *
 * Frame allocation: equal (F/N each), proportional (F x K_i / sum K), or ws
 * (each active process gets its measured working set; admission control
 * suspends processes while the working sets' sum exceeds F).  Replacement is
 * local (a process replaces only its own frames once at its quota) or global
 * (any frame).  Definitions are in docs/multiprogramming.md.
 */
#ifndef MMULAB_THRASH_H
#define MMULAB_THRASH_H

#include <stdbool.h>
#include <stdint.h>

#include "../machine/config.h"
#include "../os/replace.h"

typedef enum { ALLOC_EQUAL, ALLOC_PROPORTIONAL, ALLOC_WS, ALLOC_COUNT } frame_alloc_t;
extern const char *const frame_alloc_name[ALLOC_COUNT]; /* "equal" "proportional" "ws" */

typedef enum { SCOPE_LOCAL, SCOPE_GLOBAL, SCOPE_COUNT } repl_scope_t;
extern const char *const repl_scope_name[SCOPE_COUNT]; /* "local" "global" */

typedef struct {
    uint32_t frames;          /* F: frames shared by all processes          */
    uint32_t page_size;       /* bytes per page (disk transfer per fault)   */
    uint32_t pages;           /* K: pages each worker loops over            */
    uint32_t pages_spread;    /* worker i loops over K + (i % (2s+1)) - s pages */
    uint32_t refs_per_page;   /* consecutive references to a page per visit */
    uint32_t burst;           /* mean references between I/O waits (exponential) */
    uint64_t io_cycles;       /* mean I/O wait (exponential), on the process's own device */
    uint64_t seed;            /* for the bursts and waits                   */
    uint64_t cycles;          /* length of the run                          */
    uint64_t warmup;          /* cycles before measuring                    */
    uint32_t ws_window;       /* working-set window, in the process's references */
    frame_alloc_t alloc;
    repl_scope_t scope;
    repl_policy_t policy;     /* fifo, lru or clock                         */
    timing_t timing;
} thrash_config_t;

typedef struct {
    int degree;               /* processes started                          */
    double active;            /* time-averaged processes admitted           */
    double cpu_utilisation;   /* reference cycles / measured cycles         */
    double fault_rate;        /* page faults per reference                  */
    double mean_ws;           /* mean measured working set of active processes, pages */
    double pff;               /* page faults per 1000 references, per process mean */
    double disk_busy;         /* fraction of measured cycles the paging disk was busy */
    uint64_t faults, references;
} thrash_point_t;

void thrash_config_defaults(thrash_config_t *c);

/* Cycles one reference costs: an instruction fetch, its data access and
 * its execute stage (2 x mem_cycles + exec_cycles). */
uint64_t thrash_ref_cycles(const timing_t *t);
/* Cycles the paging disk takes per fault: timing_disk_cycles(page_size). */
uint64_t thrash_fault_disk_cycles(const thrash_config_t *c);

/* Run `degree` workers; false if out of host memory. */
bool thrash_run(const thrash_config_t *c, int degree, thrash_point_t *out);

#endif
