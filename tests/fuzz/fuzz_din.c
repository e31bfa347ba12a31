/*
 * Fuzz harness: the din trace reader (obs/din.c) on an arbitrary file,
 * plain, gzip or xz as its first bytes say, read to its end or its first
 * error in batches whose size the last byte picks.
 */
#include <stdlib.h>

#include "fuzz_util.h"

#include "../../obs/din.h"

#define MAX_BATCH 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[256];
    din_reader_t *r = din_open(fuzz_file(data, size), err, sizeof err);
    if (!r)
        abort(); /* an existing file always opens */
    din_ref_t refs[MAX_BATCH];
    size_t batch = size ? 1 + data[size - 1] % MAX_BATCH : MAX_BATCH;
    long got;
    while ((got = din_read(r, refs, batch, err, sizeof err)) > 0)
        for (long i = 0; i < got; i++)
            if (refs[i].label > DIN_FLUSH)
                abort();
    din_close(r);
    return 0;
}
