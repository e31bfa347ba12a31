/*
 * Reader of Dinero IV "din" memory traces: one `label address` per line,
 * label 0 read, 1 write, 2 instruction fetch, 3 misc (counted as a read),
 * 4 flush; the address in hex, with or without 0x, up to 64 bits.  As in
 * Dinero IV, whatever follows the address on a line is ignored; blank lines
 * and lines starting with '#' are skipped.  The file may be plain, gzip or
 * xz, recognised by its first bytes, not its name.
 *
 * Built for speed (`mmulab tlbsim` replays millions of references): the
 * file is read in 1 MiB blocks and parsed by hand into batches of records,
 * with no per-line library call and no allocation after din_open.
 */
#ifndef MMULAB_DIN_H
#define MMULAB_DIN_H

#include <stddef.h>
#include <stdio.h>

#include "../machine/machine.h"
#include <stdint.h>

enum { DIN_READ = 0, DIN_WRITE = 1, DIN_FETCH = 2, DIN_MISC = 3, DIN_FLUSH = 4 };

typedef struct din_ref {
    uint64_t addr;
    uint32_t label;
} din_ref_t;

typedef struct din_reader din_reader_t;

/* Open a trace; NULL with a message in err (naming the file) on failure. */
din_reader_t *din_open(const char *path, char *err, size_t errlen);
void din_close(din_reader_t *r);

/* "plain", "gzip" or "xz". */
const char *din_compression(const din_reader_t *r);

/*
 * Parse up to max records into out.  Returns how many (0 at the end of the
 * trace), or -1 with "FILE:LINE: error: ..." in err for a malformed line or
 * a read/decompression error.
 */
long din_read(din_reader_t *r, din_ref_t *out, size_t max, char *err, size_t errlen);

/*
 * The writing side, for `mmulab run --mem-trace`: the references of one
 * instruction as din lines, `2 PC PID` for its fetch then `0 VADDR PID` or
 * `1 VADDR PID` for its data access, virtual addresses in hex.  The pid in
 * the third field is ignored by Dinero IV and tlbsim (whatever follows the
 * address); `awk '$3 == N'` keeps process N's lines.  Only completed
 * instructions are written (a system call counts): a reference that faulted
 * appears once, when its instruction is run again and completes.
 */
void din_write_retired(FILE *out, int pid, const retire_t *rt);

#endif
