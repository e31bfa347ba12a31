/*
 * GTKWave save files for the RTL's FST waveforms: the signals grouped by
 * module instance and every signal of an enumerated type (the state
 * machines, the trap causes) shown by name through a translate filter file,
 * generated from the RTL's own enums (scripts/rtl_enums.py).
 */
#ifndef MMULAB_GTKW_H
#define MMULAB_GTKW_H

#include <stdbool.h>
#include <stddef.h>

/* From a closed FST file w.fst write w.gtkw beside it, and a filter file
 * w.TYPE.filter per enumerated type it uses.  False with a message in err. */
bool gtkw_write(const char *fst_path, char *err, size_t errlen);

#endif
