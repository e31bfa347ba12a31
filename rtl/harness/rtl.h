/*
 * The RTL engine's entry points beyond the machine interface, for C callers
 * (sim/session.c, cli/cmd_cosim.c).  They are declared weak there, so the
 * core binary links without the Verilated model; build/mmulab-rtl has them.
 */
#ifndef MMULAB_RTL_H
#define MMULAB_RTL_H

#include <stdbool.h>
#include <stddef.h>

#include "../../machine/machine.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The Verilated machine; NULL with a message in err if cfg does not fit it. */
machine_t *rtl_create(const machine_config_t *cfg, evbus_t *bus, char *err, size_t errlen);
/* Write an FST waveform of everything from now on (GTKWave opens it). */
bool rtl_trace_open(machine_t *m, const char *path, char *err, size_t errlen);
/* Finish the waveform and write its GTKWave save file beside it (gtkw.h);
 * true if there was none.  False with a message in err. */
bool rtl_trace_close(machine_t *m, char *err, size_t errlen);

/* The RTL's properties (docs/verification.md, "Formal") are immediate
 * assertions in simulation (verilator --assert).  By default a failed one
 * prints `Assertion failed in ...<property>` and aborts, as Verilator does;
 * after rtl_assertions_soft it prints the same line and the model stops
 * clocking (a run or step returns at once), so that the caller can report
 * it as a divergence: rtl_assertion_failed is then true. */
void rtl_assertions_soft(machine_t *m);
bool rtl_assertion_failed(machine_t *m);

/* One translation through the MMU's test port, the core stopped: the
 * outcome, its cycles and its record.  When flush_at >= 0 a TLB flush
 * (kind, asid, vaddr) is written flush_at clocks after the request, while
 * the translation may still be in flight. */
typedef struct {
    trap_cause_t cause;
    uint32_t paddr;
    uint64_t cycles;
    retire_xlate_t xlate;
} rtl_access_t;
void rtl_mmu_access(machine_t *m, uint32_t vaddr, access_t acc, priv_t priv, uint32_t size, int flush_at,
                    tlb_flush_t kind, uint32_t asid, uint32_t flush_vaddr, rtl_access_t *out);

#ifdef __cplusplus
}
#endif

#endif
