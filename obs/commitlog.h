/*
 * The commit log (`mmulab run --log FILE`): one line per retired instruction,
 * in the spirit of Spike's --log-commits, made from the machine interface's
 * retirement record (machine.h retire_t), so the C model and the RTL engine
 * write the same log and `diff` of the two shows where they part.  The line
 * format is in docs/outputs.md.
 */
#ifndef MMULAB_COMMITLOG_H
#define MMULAB_COMMITLOG_H

#include <stdbool.h>
#include <stddef.h>

#include "../machine/machine.h"

typedef struct commit_log commit_log_t;

/* NULL with a message in err if the file cannot be created. */
commit_log_t *commit_log_open(const char *path, char *err, size_t errlen);
/* An os_retire_fn (os/os.h): ctx is the log; writes rt's line. */
void commit_log_retire(void *ctx, int pid, const retire_t *rt);
/* Write one line for rt to buf; returns its length (without the newline). */
int commit_log_format(char *buf, size_t len, int pid, const retire_t *rt);
/* Finish the file; false if writing failed.  NULL is allowed. */
bool commit_log_close(commit_log_t *log);

#endif
