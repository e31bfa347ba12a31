/*
 * Fuzz harness: the workload-file parser (studies/workload.c, `mmulab
 * workload --file`) and, on what it accepts, the simulation under every
 * fit, with the options the first byte picks (memory, waiting or refusing,
 * compaction).  Every request must end satisfied, refused or pending, and
 * every figure must be a finite number (else abort()).
 */
#include <math.h>
#include <stdlib.h>

#include "fuzz_util.h"

#include "../../studies/workload.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    FILE *f = fmemopen((void *)(data + 1), size - 1, "r");
    if (!f)
        return 0; /* fmemopen refuses an empty buffer */
    wl_trace_t t = {0};
    char err[256];
    bool ok = wl_read_stream(f, "fuzz.wl", &t, err, sizeof err);
    fclose(f);
    if (ok) {
        wl_config_t cfg = {.mem = 1u << (12 + data[0] % 12), .granule = 16, .on_full = (data[0] >> 4) & 1
                           ? WL_REFUSE : WL_WAIT, .compact = (data[0] >> 5) & 1, .copy_word_cycles = 1,
                           .warmup = data[0] >> 6};
        for (int fit = 0; fit < FIT_COUNT; fit++) {
            wl_result_t r;
            wl_run(&t, &cfg, (fit_t)fit, &r);
            if (r.satisfied + r.refused + r.pending != r.requests || !isfinite(r.mean_wait) ||
                !isfinite(r.mean_holes) || !isfinite(r.mean_allocated) || !isfinite(r.lost_fraction) ||
                !isfinite(r.internal_fraction))
                abort();
        }
    }
    wl_trace_free(&t);
    return 0;
}
