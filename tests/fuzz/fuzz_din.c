/*
 * Fuzz harness: the din trace reader (obs/din.c) on an arbitrary file,
 * plain, gzip or xz as its first bytes say, read to its end or its first
 * error in batches whose size the last byte picks.
 *
 * Mutated compressed files mostly fail their checksums, so an input may
 * also ask the harness to compress it: a first byte 0xF1 means "gzip the
 * rest", 0xF2 "xz the rest", and 0xF3 / 0xF4 the same with the compressed
 * file cut short by 1 to 64 bytes (the second byte), so the parser behind
 * each decompressor and the handling of truncated files are reached too.
 */
#include <lzma.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "fuzz_util.h"

#include "../../obs/din.h"

#define MAX_BATCH 64

/* data gzip-compressed into a new buffer (free it); its size in *out_size. */
static uint8_t *gzip(const uint8_t *data, size_t size, size_t *out_size)
{
    z_stream z = {0};
    if (deflateInit2(&z, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        abort();
    size_t cap = deflateBound(&z, size);
    uint8_t *out = malloc(cap);
    if (!out)
        abort();
    z.next_in = (uint8_t *)data, z.avail_in = (uInt)size;
    z.next_out = out, z.avail_out = (uInt)cap;
    if (deflate(&z, Z_FINISH) != Z_STREAM_END)
        abort();
    *out_size = z.total_out;
    deflateEnd(&z);
    return out;
}

static uint8_t *xz(const uint8_t *data, size_t size, size_t *out_size)
{
    size_t cap = lzma_stream_buffer_bound(size);
    uint8_t *out = malloc(cap);
    *out_size = 0;
    if (!out || lzma_easy_buffer_encode(0, LZMA_CHECK_CRC32, NULL, data, size, out, out_size, cap) != LZMA_OK)
        abort();
    return out;
}

static void read_trace(const uint8_t *file, size_t size, size_t batch)
{
    char err[256];
    din_reader_t *r = din_open(fuzz_file(file, size), err, sizeof err);
    if (!r)
        abort(); /* an existing file always opens */
    din_ref_t refs[MAX_BATCH];
    long got;
    while ((got = din_read(r, refs, batch, err, sizeof err)) > 0)
        for (long i = 0; i < got; i++)
            if (refs[i].label > DIN_FLUSH)
                abort();
    din_close(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t batch = size ? 1 + data[size - 1] % MAX_BATCH : MAX_BATCH;
    if (size < 2 || data[0] < 0xF1 || data[0] > 0xF4) {
        read_trace(data, size, batch);
        return 0;
    }
    bool cut = data[0] >= 0xF3, use_xz = !(data[0] & 1);
    size_t packed_size;
    uint8_t *packed = use_xz ? xz(data + 2, size - 2, &packed_size) : gzip(data + 2, size - 2, &packed_size);
    size_t drop = cut ? 1 + data[1] % 64u : 0;
    read_trace(packed, packed_size > drop ? packed_size - drop : 0, batch);
    free(packed);
    return 0;
}
