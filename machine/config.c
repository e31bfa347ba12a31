/*
 * Defaults and parsing for the machine configuration and its timing table.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

void timing_defaults(timing_t *t)
{
#define TIMING_DEFAULT(name, def, desc) t->name = def;
    TIMING_TABLE(TIMING_DEFAULT)
#undef TIMING_DEFAULT
}

void machine_config_defaults(machine_config_t *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->mem_size = 1u << 20;
    timing_defaults(&cfg->timing);
    cfg->page_shift = 12;
    cfg->levels = 2;
    cfg->va_bits = 32;
    cfg->tlb_entries = 16;
    cfg->tlb_ways = 16;
    cfg->tlb_policy = TLB_LRU;
    cfg->asid_bits = 8;
    cfg->seed = 1;
    cfg->seg_bits = 4;
    cfg->seg_offset_bits = 16;
    cfg->seg_cache_entries = 4;
}

bool timing_set(timing_t *t, const char *assignment, char *err, size_t errlen)
{
    const char *eq = strchr(assignment, '=');
    if (!eq) {
        snprintf(err, errlen, "--timing wants NAME=VALUE, got '%s'", assignment);
        return false;
    }
    size_t len = (size_t)(eq - assignment);
    char *end;
    errno = 0;
    unsigned long v = strtoul(eq + 1, &end, 0);
    /* A rate or the execute stage at 0 would make time stand still (or divide by it). */
    static const char *const at_least_one[] = {"exec_cycles", "cpu_mhz", "disk_mbps"};
    unsigned long lowest = 0;
    for (size_t i = 0; i < sizeof at_least_one / sizeof at_least_one[0]; i++)
        if (len == strlen(at_least_one[i]) && !strncmp(assignment, at_least_one[i], len))
            lowest = 1;
    if (end == eq + 1 || *end || eq[1] == '-' || errno || v > UINT32_MAX || v < lowest) {
        snprintf(err, errlen, "--timing %.*s: '%s': expected a whole number from %lu to %u", (int)len, assignment,
                 eq + 1, lowest, UINT32_MAX);
        return false;
    }
#define TIMING_MATCH(name, def, desc)                                           \
    if (len == strlen(#name) && strncmp(assignment, #name, len) == 0) {         \
        t->name = (uint32_t)v;                                                   \
        return true;                                                             \
    }
    TIMING_TABLE(TIMING_MATCH)
#undef TIMING_MATCH
    int n = snprintf(err, errlen, "--timing: unknown parameter '%.*s'; allowed:", (int)len, assignment);
#define TIMING_NAME(name, def, desc)                                             \
    if (n >= 0 && (size_t)n < errlen)                                            \
        n += snprintf(err + n, errlen - (size_t)n, " %s", #name);
    TIMING_TABLE(TIMING_NAME)
#undef TIMING_NAME
    return false;
}

void timing_print(FILE *out, const timing_t *t)
{
#define TIMING_LINE(name, def, desc) \
    fprintf(out, "%-22s %8" PRIu32 "   (default %d) %s\n", #name, t->name, def, desc);
    TIMING_TABLE(TIMING_LINE)
#undef TIMING_LINE
}

uint64_t timing_disk_cycles(const timing_t *t, uint64_t bytes)
{
    /* bytes / (mbps * 10^6 B/s) seconds * (mhz * 10^6 cycles/s) = bytes * mhz / mbps */
    uint64_t mbps = t->disk_mbps ? t->disk_mbps : 1;
    uint64_t transfer = (bytes * t->cpu_mhz + mbps - 1) / mbps;
    return (uint64_t)t->disk_latency_us * t->cpu_mhz + transfer;
}
