/*
 * Differential tests compare two machines that ran the same guest two ways
 * (machine_run's fast paths against machine_step's reference path): one
 * comparison of everything observable, shared by test_fastpath.c,
 * test_fastpath_random.c and test_cpu.c.  The first difference fails the
 * running cmocka test with `where` (what ran), `stop` (after which stop)
 * and both values, "run" being a's and "step" b's.
 */
#ifndef MMULAB_TEST_MACHINE_COMPARE_H
#define MMULAB_TEST_MACHINE_COMPARE_H

#include <stdbool.h>
#include <stdint.h>

#include "../../machine/machine.h"

/* Run a with machine_run to cycle `limit`, and step b through every
 * instruction that starts below it (or to its first trap); require both to
 * stop the same way and return how. */
stop_t run_and_step_to(machine_t *a, machine_t *b, uint64_t limit, const char *where, uint64_t stop);

/* The registers, flags, PC, privilege, clock and every hardware counter. */
void same_cpus(machine_t *a, machine_t *b, const char *where, uint64_t stop);
/* Every TLB entry, with its replacement age. */
void same_tlbs(machine_t *a, machine_t *b, const char *where, uint64_t stop);
/* The frames' reference stamps and bits (if the machines keep them), and the first mem_size bytes of
 * physical memory (page tables with their A/D bits included). */
void same_frames_and_memory(machine_t *a, machine_t *b, uint32_t mem_size, const char *where, uint64_t stop);
/* All of the above. */
void same_machines(machine_t *a, machine_t *b, uint32_t mem_size, const char *where, uint64_t stop);
/* Every field of two trap records. */
void same_traps(const trap_t *ta, const trap_t *tb, const char *where, uint64_t stop);

/* Whether the first `size` bytes of a's and b's physical memory are the
 * same; if not, *at is the first address that differs (`size` if either
 * could not be read). */
bool same_memory(machine_t *a, machine_t *b, uint32_t size, uint32_t *at);

#endif
