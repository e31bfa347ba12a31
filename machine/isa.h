/*
 * The instruction set, written once.
 *
 * ISA_TABLE is the single description of every instruction: its opcode byte,
 * its mnemonic, its operand form and what it costs to execute.  The opcode
 * enum, the decoder, the disassembler, the assembler's mnemonic table and the
 * RTL decoder's test vectors are all generated from it (X-macro, as rv32emu's
 * decode.h does), so they cannot drift apart.  docs/isa.md is its prose twin.
 *
 * Encoding: fixed 32-bit little-endian words, as in the seed's listings.
 *
 *   31      24 23  20 19  16 15                0
 *   +---------+------+------+-------------------+
 *   | opcode  |  ra  |  rb  |      imm16        |   forms RR, RM, R, RJ
 *   +---------+------+------+-------------------+
 *   | opcode  |  ra  |         imm20            |   forms RI, RA, A, I
 *   +---------+------+--------------------------+
 */
#ifndef MMULAB_ISA_H
#define MMULAB_ISA_H

#include <stdbool.h>
#include <stdint.h>

#define ISA_NREGS 16
#define ISA_REG_SP 15 /* PUSH, POP, CALL and RET use R15 as the stack pointer */

/* Operand forms: the assembler syntax and which fields are used. */
typedef enum {
    FORM_NONE, /* RET                                                  */
    FORM_R,    /* INC Ra                                               */
    FORM_RR,   /* ADD Ra, Rb                                           */
    FORM_RI,   /* ADD Ra, #imm20        immediate                      */
    FORM_RA,   /* LOAD Ra, /addr20      absolute                       */
    FORM_RM,   /* LOAD Ra, [Rb+disp16]  register indirect + displacement */
    FORM_A,    /* JNZ /addr20 (or JNZ label)                           */
    FORM_RJ,   /* JMP Rb                jump to the address in Rb      */
    FORM_I,    /* SYSCALL #imm20                                       */
} isa_form_t;

/* How an immediate field is widened to 32 bits. */
typedef enum { IMM_NONE, IMM_U20, IMM_S20, IMM_S16 } isa_imm_t;

/* What an instruction does with memory (drives timing and the MMU access kind). */
typedef enum { MEM_NONE, MEM_LOAD, MEM_STORE } isa_mem_t;

/*
 * X(NAME, opcode, "MNEMONIC", form, immediate, memory access, size, exec class)
 *   size:  bytes moved by the data access (0 if none)
 *   class: ALU, MUL (multi-cycle), DIV, BR (control transfer), SYS (traps)
 */
#define ISA_TABLE(X)                                                    \
    X(NOP,     0x00, "NOP",     FORM_NONE, IMM_NONE, MEM_NONE,  0, ALU) \
    X(HALT,    0x01, "HALT",    FORM_NONE, IMM_NONE, MEM_NONE,  0, SYS) \
    X(SYSCALL, 0x02, "SYSCALL", FORM_I,    IMM_U20,  MEM_NONE,  0, SYS) \
    X(RET,     0x03, "RET",     FORM_NONE, IMM_NONE, MEM_LOAD,  4, BR)  \
    X(LOADI,   0x10, "LOAD",    FORM_RI,   IMM_U20,  MEM_NONE,  0, ALU) \
    X(LOADA,   0x11, "LOAD",    FORM_RA,   IMM_U20,  MEM_LOAD,  4, ALU) \
    X(LOADM,   0x12, "LOAD",    FORM_RM,   IMM_S16,  MEM_LOAD,  4, ALU) \
    X(LOADBA,  0x13, "LOADB",   FORM_RA,   IMM_U20,  MEM_LOAD,  1, ALU) \
    X(LOADBM,  0x14, "LOADB",   FORM_RM,   IMM_S16,  MEM_LOAD,  1, ALU) \
    X(STOREA,  0x15, "STORE",   FORM_RA,   IMM_U20,  MEM_STORE, 4, ALU) \
    X(STOREM,  0x16, "STORE",   FORM_RM,   IMM_S16,  MEM_STORE, 4, ALU) \
    X(STOREBA, 0x17, "STOREB",  FORM_RA,   IMM_U20,  MEM_STORE, 1, ALU) \
    X(STOREBM, 0x18, "STOREB",  FORM_RM,   IMM_S16,  MEM_STORE, 1, ALU) \
    X(LUI,     0x19, "LUI",     FORM_RI,   IMM_U20,  MEM_NONE,  0, ALU) \
    X(MOV,     0x1A, "MOV",     FORM_RR,   IMM_NONE, MEM_NONE,  0, ALU) \
    X(LEA,     0x1B, "LEA",     FORM_RM,   IMM_S16,  MEM_NONE,  0, ALU) \
    X(ADD,     0x20, "ADD",     FORM_RR,   IMM_NONE, MEM_NONE,  0, ALU) \
    X(ADDI,    0x21, "ADD",     FORM_RI,   IMM_S20,  MEM_NONE,  0, ALU) \
    X(SUB,     0x22, "SUB",     FORM_RR,   IMM_NONE, MEM_NONE,  0, ALU) \
    X(SUBI,    0x23, "SUB",     FORM_RI,   IMM_S20,  MEM_NONE,  0, ALU) \
    X(AND,     0x24, "AND",     FORM_RR,   IMM_NONE, MEM_NONE,  0, ALU) \
    X(ANDI,    0x25, "AND",     FORM_RI,   IMM_U20,  MEM_NONE,  0, ALU) \
    X(OR,      0x26, "OR",      FORM_RR,   IMM_NONE, MEM_NONE,  0, ALU) \
    X(ORI,     0x27, "OR",      FORM_RI,   IMM_U20,  MEM_NONE,  0, ALU) \
    X(XOR,     0x28, "XOR",     FORM_RR,   IMM_NONE, MEM_NONE,  0, ALU) \
    X(XORI,    0x29, "XOR",     FORM_RI,   IMM_U20,  MEM_NONE,  0, ALU) \
    X(SHL,     0x2A, "SHL",     FORM_RR,   IMM_NONE, MEM_NONE,  0, ALU) \
    X(SHLI,    0x2B, "SHL",     FORM_RI,   IMM_U20,  MEM_NONE,  0, ALU) \
    X(SHR,     0x2C, "SHR",     FORM_RR,   IMM_NONE, MEM_NONE,  0, ALU) \
    X(SHRI,    0x2D, "SHR",     FORM_RI,   IMM_U20,  MEM_NONE,  0, ALU) \
    X(SAR,     0x2E, "SAR",     FORM_RR,   IMM_NONE, MEM_NONE,  0, ALU) \
    X(SARI,    0x2F, "SAR",     FORM_RI,   IMM_U20,  MEM_NONE,  0, ALU) \
    X(MUL,     0x30, "MUL",     FORM_RR,   IMM_NONE, MEM_NONE,  0, MUL) \
    X(MULI,    0x31, "MUL",     FORM_RI,   IMM_S20,  MEM_NONE,  0, MUL) \
    X(CMP,     0x32, "CMP",     FORM_RR,   IMM_NONE, MEM_NONE,  0, ALU) \
    X(CMPI,    0x33, "CMP",     FORM_RI,   IMM_S20,  MEM_NONE,  0, ALU) \
    X(DIVU,    0x34, "DIVU",    FORM_RR,   IMM_NONE, MEM_NONE,  0, DIV) \
    X(REMU,    0x35, "REMU",    FORM_RR,   IMM_NONE, MEM_NONE,  0, DIV) \
    X(INC,     0x38, "INC",     FORM_R,    IMM_NONE, MEM_NONE,  0, ALU) \
    X(DEC,     0x39, "DEC",     FORM_R,    IMM_NONE, MEM_NONE,  0, ALU) \
    X(NOT,     0x3A, "NOT",     FORM_R,    IMM_NONE, MEM_NONE,  0, ALU) \
    X(NEG,     0x3B, "NEG",     FORM_R,    IMM_NONE, MEM_NONE,  0, ALU) \
    X(JMP,     0x40, "JMP",     FORM_A,    IMM_U20,  MEM_NONE,  0, BR)  \
    X(JZ,      0x41, "JZ",      FORM_A,    IMM_U20,  MEM_NONE,  0, BR)  \
    X(JNZ,     0x42, "JNZ",     FORM_A,    IMM_U20,  MEM_NONE,  0, BR)  \
    X(JLT,     0x43, "JLT",     FORM_A,    IMM_U20,  MEM_NONE,  0, BR)  \
    X(JGE,     0x44, "JGE",     FORM_A,    IMM_U20,  MEM_NONE,  0, BR)  \
    X(JLE,     0x45, "JLE",     FORM_A,    IMM_U20,  MEM_NONE,  0, BR)  \
    X(JGT,     0x46, "JGT",     FORM_A,    IMM_U20,  MEM_NONE,  0, BR)  \
    X(JB,      0x47, "JB",      FORM_A,    IMM_U20,  MEM_NONE,  0, BR)  \
    X(JAE,     0x48, "JAE",     FORM_A,    IMM_U20,  MEM_NONE,  0, BR)  \
    X(JBE,     0x49, "JBE",     FORM_A,    IMM_U20,  MEM_NONE,  0, BR)  \
    X(JA,      0x4A, "JA",      FORM_A,    IMM_U20,  MEM_NONE,  0, BR)  \
    X(JMPR,    0x4B, "JMP",     FORM_RJ,   IMM_NONE, MEM_NONE,  0, BR)  \
    X(CALL,    0x4C, "CALL",    FORM_A,    IMM_U20,  MEM_STORE, 4, BR)  \
    X(CALLR,   0x4D, "CALL",    FORM_RJ,   IMM_NONE, MEM_STORE, 4, BR)  \
    X(PUSH,    0x50, "PUSH",    FORM_R,    IMM_NONE, MEM_STORE, 4, ALU) \
    X(POP,     0x51, "POP",     FORM_R,    IMM_NONE, MEM_LOAD,  4, ALU)

typedef enum {
#define ISA_ENUM(name, code, mn, form, imm, mem, size, cls) OP_##name = code,
    ISA_TABLE(ISA_ENUM)
#undef ISA_ENUM
} isa_op_t;

typedef enum { CLASS_ALU, CLASS_MUL, CLASS_DIV, CLASS_BR, CLASS_SYS } isa_class_t;

/* One row of the table, indexed by opcode byte (valid == false for holes). */
typedef struct {
    bool valid;
    uint8_t opcode;
    const char *name;     /* enum name without OP_, e.g. "LOADA"      */
    const char *mnemonic; /* assembler spelling, e.g. "LOAD"           */
    isa_form_t form;
    isa_imm_t imm;
    isa_mem_t mem;
    uint8_t size;
    isa_class_t cls;
} isa_info_t;

extern const isa_info_t isa_info[256];

/* Aliases the assembler accepts for the same opcode (e.g. JE for JZ). */
typedef struct { const char *alias; const char *mnemonic; } isa_alias_t;
extern const isa_alias_t isa_aliases[];

/* Field extraction. */
static inline unsigned isa_opcode(uint32_t insn) { return insn >> 24; }
static inline unsigned isa_ra(uint32_t insn) { return (insn >> 20) & 0xF; }
static inline unsigned isa_rb(uint32_t insn) { return (insn >> 16) & 0xF; }
static inline uint32_t isa_u20(uint32_t insn) { return insn & 0xFFFFF; }
static inline uint32_t isa_s20(uint32_t insn) { return (uint32_t)((int32_t)(insn << 12) >> 12); }
static inline uint32_t isa_s16(uint32_t insn) { return (uint32_t)(int32_t)(int16_t)(insn & 0xFFFF); }

/* The immediate of an instruction widened as its table row says. */
uint32_t isa_imm(uint32_t insn);

/* Encoders; the caller has range-checked imm against the form. */
static inline uint32_t isa_enc_r(unsigned op, unsigned ra, unsigned rb, uint32_t imm16)
{
    return (uint32_t)op << 24 | (ra & 0xF) << 20 | (rb & 0xF) << 16 | (imm16 & 0xFFFF);
}
static inline uint32_t isa_enc_i(unsigned op, unsigned ra, uint32_t imm20)
{
    return (uint32_t)op << 24 | (ra & 0xF) << 20 | (imm20 & 0xFFFFF);
}

/* Does value v fit the immediate field kind? */
bool isa_imm_fits(isa_imm_t kind, int64_t v);

/* Does the instruction write register ra (the retirement record's rd)? */
bool isa_writes_ra(unsigned op);

/* Find the opcode for mnemonic + form; -1 if none. Case-insensitive. */
int isa_lookup(const char *mnemonic, isa_form_t form);
/* Is this a known mnemonic (or alias) at all? Resolves aliases into *canon. */
bool isa_is_mnemonic(const char *mnemonic, const char **canon);

#endif
