/*
 * Random guest programs for the differential tests of the fast path
 * (machine_run) against the reference path (machine_step): test_cpu.c runs
 * them in the contiguous modes, test_fastpath_random.c across the pages of a
 * paged address space.  One generator for both, so a weighting learnt in one
 * (flag-setting arithmetic next to conditional jumps, traps of every kind)
 * serves the other.  A layout says where the program and its data sit in the
 * guest's logical address space; the generator never looks at the MMU.
 */
#ifndef MMULAB_TEST_RANDOM_PROGRAM_H
#define MMULAB_TEST_RANDOM_PROGRAM_H

#include <stdbool.h>
#include <stdint.h>

#include "../../machine/isa.h"
#include "../../machine/machine.h"

/* Every conditional jump, in opcode order of the flags they test. */
static const unsigned cond_ops[] = {OP_JZ, OP_JNZ, OP_JLT, OP_JGE, OP_JLE, OP_JGT, OP_JB, OP_JAE, OP_JBE, OP_JA};

typedef struct {
    uint32_t code, code_words; /* the program: [code, code + 4 * code_words)            */
    uint32_t data, data_bytes; /* where absolute loads and stores land, and R8/R9 point */
} random_layout_t;

/* The next number of a xorshift32 sequence (*s must not be 0). */
uint32_t xorshift(uint32_t *s);

/*
 * One random instruction, weighted towards what the block decoder rewrites:
 * flag-setting arithmetic next to conditional jumps and possible traps.
 * Results go to R0..R7; R8..R11 are pointer registers for indirect accesses
 * (R8, R9 into the data, R10 into the program, R11 wherever the test wants
 * faults), R12 and R13 code addresses for register jumps.
 */
uint32_t random_insn(const random_layout_t *l, uint32_t *s);

/* Random values in R0..R7 and the pointers R8, R9, R10, R12, R13 for l;
 * R11, SP, PC and the rest of *st are left to the caller. */
void random_registers(const random_layout_t *l, uint32_t *s, cpu_state_t *st);

#endif
