/*
 * The disassembler: one instruction back into the syntax the assembler
 * reads, so that assemble -> disassemble -> assemble is the identity.
 */
#ifndef MMULAB_DISASM_H
#define MMULAB_DISASM_H

#include <stddef.h>
#include <stdint.h>

/* Writes e.g. "LOAD R4, [R1]" or "JNZ /112" into buf; an invalid opcode
 * gives ".word 0x...".  Returns the number of characters written. */
int disasm(uint32_t insn, char *buf, size_t len);

#endif
