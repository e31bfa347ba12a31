/*
 * Commit-log lines from retirement records:
 *
 *   CYCLE pPID 0xPC (0xINSN) DISASSEMBLY [rN 0xVALUE] [load|store 0xVADDR -> 0xPADDR 0xDATA] [xl ...]
 *
 * CYCLE is the cycle the instruction retired at (cycle_end); the register
 * and memory parts appear when the instruction wrote a register or accessed
 * memory (a byte access shows its byte).  An instruction that trapped ends
 * with "trap CAUSE 0xVADDR" (a SYSCALL or HALT completes so, a faulting one
 * runs again after the OS served the fault; a faulting fetch shows "-" for
 * its disassembly).  The translation part ("xl fetch
 * hit, data miss walk 2 ad") appears in paged mode: per access, a TLB hit or
 * a miss with its walk steps, and "ad" when the walker wrote an A/D bit.
 */
#include "commitlog.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "../toolchain/disasm.h"

struct commit_log {
    FILE *f;
};

commit_log_t *commit_log_open(const char *path, char *err, size_t errlen)
{
    commit_log_t *log = calloc(1, sizeof *log);
    if (!log || !(log->f = fopen(path, "w"))) {
        snprintf(err, errlen, "--log %s: cannot create the file", path);
        free(log);
        return NULL;
    }
    return log;
}

/* Append to buf (len bytes, n used so far, maybe past len); returns the new n. */
static size_t append(char *buf, size_t len, size_t n, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static size_t append(char *buf, size_t len, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(buf + (n < len ? n : len), n < len ? len - n : 0, fmt, ap);
    va_end(ap);
    return n + (k > 0 ? (size_t)k : 0);
}

/* " fetch hit" or " data miss walk 2 ad"; nothing if the access was not translated. */
static size_t append_xlate(char *buf, size_t len, size_t n, const char *which, const retire_xlate_t *x)
{
    if (!x->valid)
        return n;
    if (x->tlb_hit && !x->steps)
        return append(buf, len, n, " %s hit", which);
    return append(buf, len, n, " %s %s walk %u%s", which, x->tlb_hit ? "hit" : "miss", x->steps,
                  x->pte_written ? " ad" : "");
}

int commit_log_format(char *buf, size_t len, int pid, const retire_t *rt)
{
    char text[64] = "-"; /* a fetch that faulted has no instruction to show */
    if (!rt->trapped || rt->trap.insn)
        disasm(rt->insn, text, sizeof text);
    size_t n = append(buf, len, 0, "%" PRIu64 " p%d 0x%08" PRIx32 " (0x%08" PRIx32 ") %-24s", rt->cycle_end, pid,
                      rt->pc, rt->insn, text);
    if (rt->rd_valid)
        n = append(buf, len, n, " r%u 0x%08" PRIx32, rt->rd, rt->rd_value);
    if (rt->mem_valid)
        n = append(buf, len, n, " %s 0x%08" PRIx32 " -> 0x%08" PRIx32 " 0x%0*" PRIx32, rt->mem_write ? "store" : "load",
                   rt->mem_vaddr, rt->mem_paddr, rt->mem_size == 1 ? 2 : 8, rt->mem_data);
    if (rt->fetch_xlate.valid || rt->data_xlate.valid) {
        n = append(buf, len, n, " xl");
        n = append_xlate(buf, len, n, "fetch", &rt->fetch_xlate);
        n = append_xlate(buf, len, n, "data", &rt->data_xlate);
    }
    if (rt->trapped)
        n = append(buf, len, n, " trap %s 0x%08" PRIx32, trap_name[rt->trap.cause], rt->trap.vaddr);
    return (int)n;
}

void commit_log_retire(void *ctx, int pid, const retire_t *rt)
{
    commit_log_t *log = ctx;
    char line[256];
    commit_log_format(line, sizeof line, pid, rt);
    fprintf(log->f, "%s\n", line);
}

bool commit_log_close(commit_log_t *log)
{
    if (!log)
        return true;
    bool ok = !ferror(log->f);
    ok = fclose(log->f) == 0 && ok;
    free(log);
    return ok;
}
