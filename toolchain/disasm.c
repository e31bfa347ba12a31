/*
 * The disassembler: one instruction word back into the syntax the assembler
 * reads (`LOAD R1, #1000`, `LOAD R3, /1500`, `LOAD R4, [R1+8]`, `JNZ /112`),
 * driven by the operand form in the ISA table.  A word with an unknown opcode,
 * or with bits set in a field its form does not use, is printed as
 * `.word 0x...`, so that disassembling and assembling again always gives back
 * the same bytes.  Immediates are decimal, as in the seed's listings.
 */
#include <stdio.h>
#include <stdlib.h>

#include "disasm.h"
#include "../machine/isa.h"

/* Bits each form leaves unused; a canonical encoding has them all zero. */
static const uint32_t unused_bits[] = {
    [FORM_NONE] = 0x00FFFFFF, [FORM_R] = 0x000FFFFF, [FORM_RR] = 0x0000FFFF,
    [FORM_RI] = 0,            [FORM_RA] = 0,         [FORM_RM] = 0,
    [FORM_A] = 0x00F00000,    [FORM_RJ] = 0x00F0FFFF, [FORM_I] = 0x00F00000,
};

static int memory_operand(char *buf, size_t len, const char *mn, unsigned ra, unsigned rb, int32_t disp)
{
    if (disp == 0)
        return snprintf(buf, len, "%s R%u, [R%u]", mn, ra, rb);
    return snprintf(buf, len, "%s R%u, [R%u%c%ld]", mn, ra, rb, disp < 0 ? '-' : '+', labs((long)disp));
}

int disasm(uint32_t insn, char *buf, size_t len)
{
    const isa_info_t *in = &isa_info[isa_opcode(insn)];
    if (!in->valid || (insn & unused_bits[in->form]))
        return snprintf(buf, len, ".word 0x%08X", insn);
    const char *mn = in->mnemonic;
    unsigned ra = isa_ra(insn), rb = isa_rb(insn);
    uint32_t imm = isa_imm(insn);
    long simm = in->imm == IMM_U20 ? (long)imm : (long)(int32_t)imm;
    switch (in->form) {
    case FORM_NONE: return snprintf(buf, len, "%s", mn);
    case FORM_R: return snprintf(buf, len, "%s R%u", mn, ra);
    case FORM_RR: return snprintf(buf, len, "%s R%u, R%u", mn, ra, rb);
    case FORM_RI: return snprintf(buf, len, "%s R%u, #%ld", mn, ra, simm);
    case FORM_RA: return snprintf(buf, len, "%s R%u, /%ld", mn, ra, simm);
    case FORM_RM: return memory_operand(buf, len, mn, ra, rb, (int32_t)imm);
    case FORM_A: return snprintf(buf, len, "%s /%ld", mn, simm);
    case FORM_RJ: return snprintf(buf, len, "%s R%u", mn, rb);
    case FORM_I: return snprintf(buf, len, "%s #%ld", mn, simm);
    }
    return snprintf(buf, len, ".word 0x%08X", insn);
}
