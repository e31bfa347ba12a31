/*
 * Next uses of a reference string through a temporary file (see nextuse.h).
 */
#include "nextuse.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../os/replace.h"
#include "../os/u64map.h"

#define BLOCK_RECORDS 65536 /* 1 MiB of records in memory at a time */

static bool fail(nextuse_t *nu, const char *what)
{
    if (!nu->failed)
        snprintf(nu->why, sizeof nu->why, "OPT's temporary file: %s: %s", what, strerror(errno ? errno : EIO));
    nu->failed = true;
    return false;
}

bool nextuse_open(nextuse_t *nu, char *err, size_t errlen)
{
    memset(nu, 0, sizeof *nu);
    nu->fd = -1;
    const char *dir = getenv("TMPDIR");
    char path[4096];
    snprintf(path, sizeof path, "%s/mmulab-opt.XXXXXX", dir && *dir ? dir : "/tmp");
    nu->fd = mkstemp(path);
    nu->block = malloc(BLOCK_RECORDS * sizeof *nu->block);
    if (nu->fd < 0 || !nu->block) {
        snprintf(err, errlen, "OPT needs a temporary file: cannot create %s: %s", path, strerror(errno));
        nextuse_close(nu);
        return false;
    }
    unlink(path); /* gone when we close it, however we end */
    return true;
}

/* Write or read n records at record index `at`; false on error. */
static bool transfer(nextuse_t *nu, bool write, uint64_t at, size_t n)
{
    size_t bytes = n * sizeof *nu->block;
    off_t off = (off_t)(at * sizeof *nu->block);
    size_t done = 0;
    while (done < bytes) {
        ssize_t got = write ? pwrite(nu->fd, (char *)nu->block + done, bytes - done, off + (off_t)done)
                            : pread(nu->fd, (char *)nu->block + done, bytes - done, off + (off_t)done);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            return fail(nu, write ? "write" : "read");
        done += (size_t)got;
    }
    return true;
}

bool nextuse_add(nextuse_t *nu, uint64_t page)
{
    if (nu->failed)
        return false;
    nu->block[nu->fill++] = (nextuse_rec_t){.page = page, .next = REPL_NEVER};
    nu->count++;
    if (nu->fill == BLOCK_RECORDS) {
        nu->fill = 0;
        return transfer(nu, true, nu->count - BLOCK_RECORDS, BLOCK_RECORDS);
    }
    return true;
}

bool nextuse_finish(nextuse_t *nu, char *err, size_t errlen)
{
    if (nu->fill && !transfer(nu, true, nu->count - nu->fill, nu->fill))
        return nextuse_failed(nu, err, errlen), false;
    u64map_t later; /* page -> index of its next reference, filled from the end */
    if (!u64map_init(&later, 4096)) {
        snprintf(err, errlen, "OPT: out of memory");
        return false;
    }
    for (uint64_t end = nu->count; end > 0 && !nu->failed;) {
        size_t n = end < BLOCK_RECORDS ? (size_t)end : BLOCK_RECORDS;
        uint64_t start = end - n;
        if (!transfer(nu, false, start, n))
            break;
        for (size_t i = n; i-- > 0;) {
            nu->block[i].next = u64map_get(&later, nu->block[i].page, REPL_NEVER);
            if (!u64map_put(&later, nu->block[i].page, start + i)) {
                errno = ENOMEM;
                fail(nu, "the map of pages");
                break;
            }
        }
        if (!nu->failed)
            transfer(nu, true, start, n);
        end = start;
    }
    u64map_free(&later);
    nu->fill = nu->pos = 0;
    nu->read = 0;
    return !nextuse_failed(nu, err, errlen);
}

bool nextuse_next(nextuse_t *nu, nextuse_rec_t *rec)
{
    if (nu->pos == nu->fill) {
        uint64_t left = nu->count - nu->read;
        if (left == 0 || nu->failed)
            return false;
        size_t n = left < BLOCK_RECORDS ? (size_t)left : BLOCK_RECORDS;
        if (!transfer(nu, false, nu->read, n))
            return false;
        nu->pos = 0;
        nu->fill = n;
    }
    *rec = nu->block[nu->pos++];
    nu->read++;
    return true;
}

void nextuse_rewind(nextuse_t *nu)
{
    nu->read = 0;
    nu->pos = nu->fill = 0;
}

bool nextuse_share(nextuse_t *reader, const nextuse_t *file, char *err, size_t errlen)
{
    memset(reader, 0, sizeof *reader);
    reader->fd = file->fd;
    reader->shared = true;
    reader->count = file->count;
    if (!(reader->block = malloc(BLOCK_RECORDS * sizeof *reader->block))) {
        snprintf(err, errlen, "OPT: out of memory");
        reader->fd = -1;
        return false;
    }
    return true;
}

bool nextuse_failed(const nextuse_t *nu, char *err, size_t errlen)
{
    if (nu->failed)
        snprintf(err, errlen, "%s", nu->why);
    return nu->failed;
}

void nextuse_close(nextuse_t *nu)
{
    if (nu->fd >= 0 && !nu->shared)
        close(nu->fd);
    free(nu->block);
    memset(nu, 0, sizeof *nu);
    nu->fd = -1;
}
