/*
 * Overlays (os/overlay.c): the phases of a program that live only on disk,
 * and the system call that loads one into the overlay area.
 */
#ifndef MMULAB_OVERLAY_H
#define MMULAB_OVERLAY_H

#include <stdint.h>

#include "os_internal.h"

/* One past the last byte the loader loads: the symbol __overlays if the
 * program defines it below image_end, else image_end. */
uint32_t overlay_resident_end(const exe_t *exe, uint32_t image_end);

/* Relocations the loader patches: those below the overlay phases. */
uint32_t overlay_loaded_relocs(const exe_t *exe);

/* SYS_OVERLAY: load the phase at [home, home+len) into the area; the length,
 * or a negative error code as a two's-complement word. */
uint32_t sys_overlay(os_t *os, process_t *p, uint32_t home, uint32_t len, uint32_t area);

#endif
