/* Random guest programs (random_program.h). */
#include "random_program.h"

uint32_t xorshift(uint32_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

uint32_t random_insn(const random_layout_t *l, uint32_t *s)
{
    static const unsigned flag_setters[] = {OP_ADD, OP_ADDI, OP_SUB, OP_SUBI, OP_CMP, OP_CMPI, OP_INC,
                                            OP_DEC, OP_NEG,  OP_AND, OP_OR,   OP_XOR,  OP_SHL, OP_MUL};
    unsigned kind = xorshift(s) % 100, op;
    if (kind < 35)
        op = flag_setters[xorshift(s) % (sizeof flag_setters / sizeof flag_setters[0])];
    else if (kind < 55)
        op = cond_ops[xorshift(s) % (sizeof cond_ops / sizeof cond_ops[0])];
    else if (kind < 65)
        op = xorshift(s) % 2 ? OP_DIVU : OP_REMU; /* by R0..R7: now and then by zero */
    else if (kind < 80) {
        static const unsigned mem_ops[] = {OP_LOADM, OP_STOREM, OP_LOADBM, OP_STOREBM, OP_LOADA,
                                           OP_STOREA, OP_PUSH, OP_POP};
        op = mem_ops[xorshift(s) % (sizeof mem_ops / sizeof mem_ops[0])];
    } else {
        for (;;) {
            op = xorshift(s) & 0xFF;
            if (!isa_info[op].valid) {
                if (xorshift(s) % 97 == 0)
                    return op << 24 | (xorshift(s) & 0xFFFFFF); /* now and then an illegal word */
                continue;
            }
            if ((op == OP_HALT || op == OP_SYSCALL || op == OP_RET) && xorshift(s) % 4)
                continue; /* rarer: they end runs */
            break;
        }
    }
    unsigned ra = xorshift(s) % 8; /* results in R0..R7: R8..R15 keep their roles */
    unsigned rb = op == OP_DIVU || op == OP_REMU ? xorshift(s) % 8 : xorshift(s) % 16;
    uint32_t r = xorshift(s);
    switch (isa_info[op].form) {
    case FORM_A: return isa_enc_i(op, 0, l->code + 4 * (r % l->code_words));
    case FORM_RJ: return isa_enc_r(op, 0, 12 + r % 2, 0); /* R12, R13: code addresses */
    case FORM_RM: /* R8..R11 point at data, the program, the faults; sometimes misaligned */
        return isa_enc_r(op, ra, 8 + r % 4, (uint32_t)((int)(r >> 8) % 64 - 16) * (r & 0x100000 ? 1 : 4));
    case FORM_RA: return isa_enc_i(op, ra, l->data + ((r >> 4) % (l->data_bytes / 4)) * (r & 1 ? 1 : 4));
    case FORM_RI: return isa_enc_i(op, ra, r & 0x100 ? r >> 12 : r % 40);
    case FORM_I: return isa_enc_i(op, 0, r % 4);
    case FORM_RR: return isa_enc_r(op, ra, rb, 0);
    case FORM_R: return isa_enc_r(op, op == OP_PUSH ? rb : ra, 0, 0);
    default: return op << 24;
    }
}

void random_registers(const random_layout_t *l, uint32_t *s, cpu_state_t *st)
{
    for (int r = 0; r < 8; r++) {
        uint32_t k = xorshift(s) % 4;
        st->r[r] = k == 0 ? 0 : k == 1 ? xorshift(s) % 64 : k == 2 ? 0x80000000u - xorshift(s) % 4 : xorshift(s);
    }
    st->r[8] = l->data;
    st->r[9] = l->data + l->data_bytes / 2;
    st->r[10] = l->code + 4 * (xorshift(s) % l->code_words); /* stores here rewrite code */
    st->r[12] = l->code;
    st->r[13] = l->code + 4 * (xorshift(s) % l->code_words);
}
