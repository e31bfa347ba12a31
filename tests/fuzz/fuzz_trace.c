/*
 * Fuzz harness: the trace reader (obs/trace_read.c: CSV, or JSON when the
 * first byte is odd) feeding the explainer (obs/explain.c, every kind, the
 * policy's state too) and the cycle tally (obs/breakdown.c), as `mmulab
 * explain TRACE` does.  Every sentence must be a single NUL-terminated line
 * of bounded length (else abort()).
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz_util.h"

#include "../../obs/breakdown.h"
#include "../../obs/explain.h"
#include "../../obs/trace_read.h"

typedef struct {
    explainer_t *x;
    cycle_tally_t tally;
} sink_t;

static void observe(void *ctx, const event_t *ev)
{
    sink_t *s = ctx;
    if (ev->kind >= EV_COUNT)
        abort();
    explain_observe(s->x, ev);
    cycle_tally_observe(&s->tally, ev);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    FILE *f = fmemopen((void *)(data + 1), size - 1 ? size - 1 : 1, "r");
    if (!f)
        return 0;
    explain_filter_t all = {.state = true};
    sink_t s = {.x = explain_create(fuzz_devnull(), &all)};
    if (!s.x)
        abort();
    char err[256];
    (void)trace_read_stream(f, data[0] & 1, "fuzz", observe, &s, err, sizeof err);
    explain_flush(s.x);
    const char *last = explain_last(s.x);
    if (strlen(last) >= 4096)
        abort();
    explain_destroy(s.x);
    fclose(f);
    return 0;
}
