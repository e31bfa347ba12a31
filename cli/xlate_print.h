/*
 * Printing a translation as a textbook works it: the address split into
 * indexes and offset, the tables' sizes per level, and a walk step by step.
 * Shared by `mmulab translate` and `mmulab quiz paging|ptsize`; the numbers
 * all come from mmu/geometry.h and the walker's result.
 */
#ifndef MMULAB_XLATE_PRINT_H
#define MMULAB_XLATE_PRINT_H

#include <stdio.h>

#include "../mmu/geometry.h"
#include "../mmu/walk.h"

void print_geometry(FILE *out, const paging_geometry_t *g);
void print_split(FILE *out, const paging_geometry_t *g, uint32_t vaddr, const char *indent);
void print_table_sizes(FILE *out, const paging_geometry_t *g, const char *indent);
/* The walk's steps and its outcome (physical address or fault). */
void print_walk(FILE *out, const paging_geometry_t *g, uint32_t vaddr, const walk_result_t *r, const char *indent);
/* One line: "physical address 0x..." or "fault: ..." */
void print_outcome(FILE *out, const paging_geometry_t *g, const walk_result_t *r);

#endif
