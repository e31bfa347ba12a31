/*
 * The instruction table expanded into data the assembler, disassembler and
 * decoder look things up in.  See isa.h for the table itself.
 */
#include "isa.h"

#include <stddef.h>
#include <strings.h>

const isa_info_t isa_info[256] = {
#define ISA_ROW(nm, code, mn, fm, im, me, sz, cl) \
    [code] = {true, code, #nm, mn, fm, im, me, sz, CLASS_##cl},
    ISA_TABLE(ISA_ROW)
#undef ISA_ROW
};

const isa_alias_t isa_aliases[] = {
    {"JE", "JZ"},
    {"JNE", "JNZ"},
    {"LD", "LOAD"},
    {"ST", "STORE"},
    {NULL, NULL},
};

uint32_t isa_imm(uint32_t insn)
{
    switch (isa_info[isa_opcode(insn)].imm) {
    case IMM_U20: return isa_u20(insn);
    case IMM_S20: return isa_s20(insn);
    case IMM_S16: return isa_s16(insn);
    case IMM_NONE: break;
    }
    return 0;
}

bool isa_imm_fits(isa_imm_t kind, int64_t v)
{
    switch (kind) {
    case IMM_U20: return v >= 0 && v <= 0xFFFFF;
    case IMM_S20: return v >= -0x80000 && v <= 0x7FFFF;
    case IMM_S16: return v >= -0x8000 && v <= 0x7FFF;
    case IMM_NONE: return v == 0;
    }
    return false;
}

bool isa_writes_ra(unsigned op)
{
    const isa_info_t *info = &isa_info[op & 0xFF];
    if (!info->valid || info->mem == MEM_STORE || op == OP_CMP || op == OP_CMPI)
        return false;
    switch (info->form) {
    case FORM_R: case FORM_RR: case FORM_RI: case FORM_RA: case FORM_RM: return true;
    default: return false;
    }
}

bool isa_is_mnemonic(const char *mnemonic, const char **canon)
{
    for (const isa_alias_t *a = isa_aliases; a->alias; a++)
        if (strcasecmp(a->alias, mnemonic) == 0) {
            mnemonic = a->mnemonic;
            break;
        }
    for (int op = 0; op < 256; op++)
        if (isa_info[op].valid && strcasecmp(isa_info[op].mnemonic, mnemonic) == 0) {
            if (canon)
                *canon = isa_info[op].mnemonic;
            return true;
        }
    return false;
}

int isa_lookup(const char *mnemonic, isa_form_t form)
{
    const char *canon;
    if (!isa_is_mnemonic(mnemonic, &canon))
        return -1;
    for (int op = 0; op < 256; op++)
        if (isa_info[op].valid && isa_info[op].form == form &&
            strcasecmp(isa_info[op].mnemonic, canon) == 0)
            return op;
    return -1;
}
