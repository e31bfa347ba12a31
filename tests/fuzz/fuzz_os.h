/*
 * A small machine and OS for the harnesses that load and run guests
 * (fuzz_elf.c, fuzz_syscall.c): the C model with 256 KiB of memory, the OS
 * in a given mode with a cycle limit, the guests' console discarded and
 * their files kept in a private directory emptied after each input.
 */
#ifndef MMULAB_FUZZ_OS_H
#define MMULAB_FUZZ_OS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../../os/os.h"

typedef struct {
    evbus_t bus;
    machine_t *m;
    os_t *os;
} fuzz_os_t;

/* Build the machine and OS; aborts if it cannot (a harness bug). */
void fuzz_os_open(fuzz_os_t *r, os_mode_t mode, uint64_t max_cycles, uint64_t quantum);
/* Destroy them and empty the guests' file directory; abort() if a guest
 * made a file outside it. */
void fuzz_os_close(fuzz_os_t *r);

/* The i-th file in the guests' directory: its name and its first 1 MiB
 * (free *data).  false when there is no i-th file. */
bool fuzz_os_guest_file(int i, char *name, size_t namelen, uint8_t **data, size_t *len);

#endif
