/*
 * SHA-256 (FIPS 180-4), for the program hashes the configuration record
 * carries.  No library the project already links offers one (zlib has CRCs,
 * liblzma keeps its SHA-256 internal), so it is written here, small and
 * checked against the standard's test vectors (tests/unit/test_outputs.c).
 */
#ifndef MMULAB_SHA256_H
#define MMULAB_SHA256_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint32_t h[8];
    uint64_t length;      /* bytes hashed so far */
    uint8_t block[64];
    size_t used;          /* bytes waiting in block */
} sha256_t;

void sha256_init(sha256_t *s);
void sha256_update(sha256_t *s, const void *data, size_t len);
/* The digest as 64 lowercase hex digits and a NUL. */
void sha256_hex(sha256_t *s, char out[65]);
/* Hash a whole file in fixed-size chunks; false if it cannot be read. */
bool sha256_file(const char *path, char out[65]);

#endif
