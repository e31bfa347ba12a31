/*
 * Static libraries: archives in the common Unix `ar` format, the one GNU ar
 * and binutils read (`ar t lib.a`, `nm -s lib.a`).
 *
 * An archive is the magic "!<arch>\n" and a list of members, each a 60-byte
 * text header (name, date, owner, mode, size) and the member's bytes padded
 * to an even length.  The writer adds GNU's symbol index ("/", which global
 * symbol each member defines) and, for names longer than 15 characters,
 * GNU's long-name table ("//").  Dates, owners and modes are written as 0,
 * 0, 0 and 644 so an archive depends only on its members (like `ar D`).
 */
#ifndef MMULAB_ARCHIVE_H
#define MMULAB_ARCHIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    char *name;     /* the member's file name, without a directory */
    uint8_t *data;
    size_t size;
} ar_member_t;

typedef struct {
    int n, cap;
    ar_member_t *members;
} archive_t;

/* Does the buffer start with the archive magic? */
bool archive_is(const uint8_t *buf, size_t len);

/* Parse an archive held in memory.  Returns 0, or -1 with a message. */
int archive_parse(const uint8_t *buf, size_t len, archive_t *out, char *err, size_t errlen);

/* Add a member, or replace the member of the same name (`ar r`).  The
 * directory part of name is dropped.  Copies data. */
void archive_put(archive_t *a, const char *name, const uint8_t *data, size_t size);

/* Write the archive with its symbol index (each member's global symbols,
 * found by reading it as an ELF object).  Returns 0, or -1 with a message. */
int archive_write(const char *path, const archive_t *a, char *err, size_t errlen);

void archive_free(archive_t *a);

/* Read a whole file (at most max bytes, in at most max + 1 bytes of
 * memory).  Returns 0, or -1 with a message. */
int file_read_all(const char *path, size_t max, uint8_t **data, size_t *size, char *err, size_t errlen);

/* The same, and check_head (if not NULL) judges the first block (up to 4
 * KiB) before the rest is read, so that a pipe of the wrong kind is refused
 * at once: it returns 0, or -1 after writing why into err. */
typedef int (*file_head_check_fn)(const uint8_t *head, size_t len, char *err, size_t errlen);
int file_read_checked(const char *path, size_t max, file_head_check_fn check_head, uint8_t **data, size_t *size,
                      char *err, size_t errlen);

#endif
