/*
 * Exercises answered by the model itself (`mmulab quiz`, `mmulab translate`):
 * a page table built in a memory image and walked by the hardware walker
 * (mmu/walk.c), and a base/limit translation asked of the C model's MMU.
 * Nothing here computes an answer by a formula of its own.
 */
#ifndef MMULAB_EXERCISE_H
#define MMULAB_EXERCISE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../machine/machine.h"
#include "../mmu/walk.h"

typedef struct {
    machine_config_t cfg; /* mem_size, page_shift, levels, va_bits      */
    walker_t walker;
    uint8_t *mem;
    uint32_t ptbr;
    uint32_t next_table;  /* tables are handed out upward from one page in */
    uint32_t tables_end;  /* and must stay below this address             */
    uint32_t table_bytes; /* bytes of tables made so far                   */
} pt_image_t;

/* An empty root table at one page in; tables may use [page, tables_end).
 * False with a sentence in err if the geometry is unusable. */
bool pt_image_init(pt_image_t *pt, const machine_config_t *cfg, uint32_t tables_end, char *err, size_t errlen);
void pt_image_free(pt_image_t *pt);
/* Make the leaf PTE of page vpn `leaf`, making the tables above it; false if
 * the table area is full. */
bool pt_image_set(pt_image_t *pt, uint32_t vpn, pte_t leaf);
/* Write one word of physical memory (a table the caller lays out itself). */
bool pt_image_poke(pt_image_t *pt, uint32_t paddr, uint32_t value);
/* The walker's answer for a user access to vaddr. */
trap_cause_t pt_image_walk(const pt_image_t *pt, uint32_t vaddr, access_t access, walk_result_t *out);

/* Read a page-table description into pt, one directive a line (bounded):
 *     map VPN PPN [FLAGS]   the leaf PTE of page VPN: frame PPN, FLAGS from
 *                           v r w x u g a d (default vrwxu)
 *     word PADDR VALUE      one word of physical memory
 *     ptbr PADDR            the root table
 *     # ...                 a comment
 * False with "name:line: error: ..." in err. */
bool pt_image_load(pt_image_t *pt, FILE *f, const char *name, char *err, size_t errlen);

/* Base/limit: what the C model's MMU makes of a user load at logical address
 * va with these registers in mem_size bytes of memory: TRAP_NONE and
 * *paddr, or the fault.  False with err if the machine cannot be made. */
bool reloc_probe(uint32_t mem_size, uint32_t base, uint32_t limit, uint32_t va, trap_cause_t *cause,
                 uint32_t *paddr, char *err, size_t errlen);

#endif
