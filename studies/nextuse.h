/*
 * OPT's view of the future in bounded memory.  The pages of a reference
 * string are written, as they are read, to a temporary file ($TMPDIR, else
 * /tmp; unlinked at once, so nothing is left behind) as 16-byte records
 * {page, next use}; a backward pass over the file in blocks fills in each
 * reference's next use (the index of the next reference to the same page, or
 * REPL_NEVER); the forward pass reads the records back as a stream.  Memory:
 * one block and a map of the distinct pages, whatever the string's length;
 * disk: 16 bytes per reference (docs/tlbsim.md).
 */
#ifndef MMULAB_NEXTUSE_H
#define MMULAB_NEXTUSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint64_t page, next;
} nextuse_rec_t;

typedef struct {
    int fd;
    bool shared;         /* a reader of another's file: the fd is not ours */
    uint64_t count;      /* references written */
    uint64_t read;       /* references read back */
    nextuse_rec_t *block;
    size_t fill, pos;    /* writing: records in block; reading: block[pos..fill) unread */
    bool failed;
    char why[160];       /* the first error, for nextuse_error */
} nextuse_t;

/* false (with the reason in err) if no temporary file could be made. */
bool nextuse_open(nextuse_t *nu, char *err, size_t errlen);
/* Append the next reference's page; false after a write error. */
bool nextuse_add(nextuse_t *nu, uint64_t page);
/* The backward pass; then the records can be read from the first.  false
 * with the reason in err (disk full, out of memory). */
bool nextuse_finish(nextuse_t *nu, char *err, size_t errlen);
/* The next record in order: true with *rec, false at the end or on error
 * (nextuse_failed tells which). */
bool nextuse_next(nextuse_t *nu, nextuse_rec_t *rec);
/* Read the records again from the first (after nextuse_finish). */
void nextuse_rewind(nextuse_t *nu);
/* One more reader of a finished file, with a cursor of its own (several OPT
 * simulations of the same string read it side by side); close it first. */
bool nextuse_share(nextuse_t *reader, const nextuse_t *file, char *err, size_t errlen);
bool nextuse_failed(const nextuse_t *nu, char *err, size_t errlen);
void nextuse_close(nextuse_t *nu);

#endif
