/*
 * Fuzz harness: the reference-string parser (studies/refsim.c, `mmulab
 * refs`) and, on what it accepts, every replacement policy with 1 to 8
 * frames (the first byte), checking that a policy never faults less than
 * OPT nor more than once per reference (else abort()).
 */
#include <stdlib.h>

#include "fuzz_util.h"

#include "../../studies/refsim.h"

#define MAX_REFS 4096

static uint64_t faults_under(const refstring_t *rs, repl_policy_t policy, uint32_t frames, const uint64_t *next_use)
{
    refsim_t sim;
    if (!refsim_init(&sim, policy, frames, next_use))
        abort();
    for (size_t t = 0; t < rs->n; t++) {
        bool fault;
        uint64_t evicted;
        if (refsim_access(&sim, rs->pages[t], t, &fault, &evicted) == REPL_NONE)
            abort();
    }
    uint64_t faults = sim.faults;
    refsim_free(&sim);
    return faults;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    char *text = fuzz_cstring(data + 1, size - 1);
    refstring_t rs = {0};
    char err[256];
    if (refs_parse(text, &rs, err, sizeof err) && rs.n > 0 && rs.n <= MAX_REFS) {
        uint32_t frames = 1 + data[0] % 8;
        uint64_t *next_use = malloc(rs.n * sizeof *next_use);
        if (!next_use || !refs_next_use(rs.pages, rs.n, next_use))
            abort();
        uint64_t opt = faults_under(&rs, REPL_OPT, frames, next_use);
        for (int p = 0; p < REPL_POLICY_COUNT; p++) {
            uint64_t faults = faults_under(&rs, (repl_policy_t)p, frames, next_use);
            if (faults < opt || faults > rs.n)
                abort();
        }
        free(next_use);
    }
    free(rs.pages);
    free(text);
    return 0;
}
