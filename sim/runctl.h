/*
 * Run control for every long-running command: SIGINT and SIGTERM ask the
 * run to stop (the handler only sets a flag; each command's loop looks at it
 * between its units of work -- a slice of cycles, a block of references --
 * never on the CPU's hot path), and a progress line on stderr for a run
 * longer than a few seconds, shown only when stderr is a terminal and the
 * command is not --quiet.
 */
#ifndef MMULAB_RUNCTL_H
#define MMULAB_RUNCTL_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

/* The signal that asked the run to stop (SIGINT, SIGTERM), or 0. */
extern volatile sig_atomic_t runctl_stop_signal;

/* Catch SIGINT and SIGTERM from now on (idempotent); a second one of the
 * same kind ends the process at once, as if uncaught. */
void runctl_catch_signals(void);
/* True once a stop was asked for: the caller ends its work and reports. */
static inline bool runctl_stopping(void) { return runctl_stop_signal != 0; }
/* "SIGINT" / "SIGTERM". */
const char *runctl_signal_name(void);
/* The exit status for a run stopped by the signal: 128 + its number (130, 143). */
int runctl_exit_status(void);

/* The progress line.  `what` names the command ("run", "tlbsim"). */
typedef struct {
    bool enabled;        /* stderr is a terminal and not --quiet */
    bool shown;          /* a line is on the screen (to clear at the end) */
    double start, next;  /* seconds (monotonic) */
    double last_time;
    uint64_t last_rated;
    const char *what;
} progress_t;

void progress_start(progress_t *p, const char *what, bool quiet);
/* Called often (it reads the clock and returns at once most of the time):
 * after the first few seconds, once a second, rewrite the line with `done`
 * `done_unit` so far (e.g. cycles), the rate of `rated` `rated_unit` per
 * second since the last line (e.g. instructions), and `detail` (or NULL). */
void progress_update(progress_t *p, uint64_t done, const char *done_unit, uint64_t rated, const char *rated_unit,
                     const char *detail);
/* True when progress_update would print now (to skip building `detail`). */
bool progress_due(const progress_t *p);
/* Clear the line, if one was shown. */
void progress_end(progress_t *p);

#endif
