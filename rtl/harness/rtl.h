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

#ifdef __cplusplus
}
#endif

#endif
