/*
 * Unit tests of the C model of the CPU and its contiguous MMU modes, through
 * the machine interface only (machine/machine.h), the way the OS and the
 * co-simulation drive it: programs are built word by word with the encoders
 * of machine/isa.h, written into physical memory, and run with machine_run or
 * machine_step.  What is checked: every ALU operation's result and flags
 * (docs/isa.md, "Flags"), every conditional branch against the comparison it
 * stands for, the stack instructions, byte and word accesses, LEA, LUI + OR,
 * each trap with its fields (division by zero, illegal opcode, misaligned
 * load, store and fetch, base/limit protection at exactly the limit, the bare
 * machine's fence, bus errors), the cycles of each instruction under the
 * timing contract (docs/timing.md), budgets, machine_step's retirement
 * record, the seed's vector copy assembled from text (asm_assemble), and the
 * interpreter's fast path (decoded blocks) against single steps on random
 * programs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../toolchain/asm.h"
#include "../../machine/isa.h"
#include "../../machine/machine.h"
#include "machine_compare.h"
#include "random_program.h"

#define MEM (64u << 10) /* physical memory of the test machine     */
#define CODE 0x100u     /* where every test program starts          */
#define STACK 0x8000u   /* initial stack pointer                    */

enum { Z = FLAG_Z, N = FLAG_N, C = FLAG_C, V = FLAG_V };

/* ---- building and running tiny programs -------------------------------- */

static uint32_t I(unsigned op, unsigned ra, uint32_t imm20) { return isa_enc_i(op, ra, imm20); }
static uint32_t R(unsigned op, unsigned ra, unsigned rb, uint32_t imm16) { return isa_enc_r(op, ra, rb, imm16); }
static const uint32_t HALT = (uint32_t)OP_HALT << 24;

static machine_t *machine_with(const timing_t *timing)
{
    machine_config_t cfg;
    machine_config_defaults(&cfg);
    cfg.mem_size = MEM;
    if (timing)
        cfg.timing = *timing;
    char err[256] = "";
    machine_t *m = cmodel_create(&cfg, NULL, err, sizeof err);
    if (!m)
        fail_msg("cmodel_create: %s", err);
    return m;
}

static int setup(void **state)
{
    *state = machine_with(NULL);
    return 0;
}

static int teardown(void **state)
{
    machine_destroy(*state);
    return 0;
}

static void put(machine_t *m, uint32_t paddr, const uint32_t *words, size_t n)
{
    for (size_t i = 0; i < n; i++)
        assert_true(machine_write32(m, paddr + 4 * (uint32_t)i, words[i]));
}

static uint32_t word_at(machine_t *m, uint32_t paddr)
{
    uint32_t v = 0;
    assert_true(machine_read32(m, paddr, &v));
    return v;
}

/* User mode at CODE, SP at STACK, the given registers R1, R2 and flags. */
static void start(machine_t *m, uint32_t r1, uint32_t r2, uint32_t flags)
{
    cpu_state_t s;
    memset(&s, 0, sizeof s);
    s.pc = CODE;
    s.priv = MODE_USER;
    s.r[1] = r1;
    s.r[2] = r2;
    s.r[ISA_REG_SP] = STACK;
    s.flags = flags;
    machine_set_state(m, &s);
}

static void set_reg(machine_t *m, unsigned r, uint32_t v)
{
    cpu_state_t s;
    machine_get_state(m, &s);
    s.r[r] = v;
    machine_set_state(m, &s);
}

static cpu_state_t cpu(machine_t *m)
{
    cpu_state_t s;
    machine_get_state(m, &s);
    return s;
}

/* Run to the first trap (every test program ends in HALT or traps earlier). */
static const trap_t *run_to_trap(machine_t *m)
{
    assert_int_equal(machine_run(m, UINT64_MAX), STOP_TRAP);
    return machine_trap(m);
}

static void run_to_halt(machine_t *m)
{
    const trap_t *t = run_to_trap(m);
    if (t->cause != TRAP_HALT)
        fail_msg("trapped with %s at pc 0x%x, vaddr 0x%x", trap_name[t->cause], t->pc, t->vaddr);
}

static void mmu(machine_t *m, mmu_mode_t mode, uint32_t base, uint32_t limit, uint32_t fence)
{
    mmu_regs_t r;
    memset(&r, 0, sizeof r);
    r.mode = mode;
    r.base = base;
    r.limit = limit;
    r.fence = fence;
    machine_mmu_set(m, &r);
}

/* ---- ALU results and flags --------------------------------------------- */

typedef struct {
    const char *what;
    uint32_t insn;           /* operates on R1 (and R2)          */
    uint32_t r1, r2, flags;  /* before                            */
    uint32_t want, want_flags;
} alu_case_t;

#define RR(op) R(OP_##op, 1, 2, 0)
#define RI(op, imm) I(OP_##op, 1, (uint32_t)(imm) & 0xFFFFF)
#define R1(op) R(OP_##op, 1, 0, 0)


static void test_alu_results_and_flags(void **state)
{
    machine_t *m = *state;
    const alu_case_t alu_cases[] = {
        /* ADD, ADDI: C is the carry out, V the signed overflow */
        {"ADD 1+2", RR(ADD), 1, 2, 0, 3, 0},
        {"ADD carry to zero", RR(ADD), 0xFFFFFFFF, 1, 0, 0, Z | C},
        {"ADD signed overflow", RR(ADD), 0x7FFFFFFF, 1, 0, 0x80000000, N | V},
        {"ADD both", RR(ADD), 0x80000000, 0x80000000, 0, 0, Z | C | V},
        {"ADD -1 + -1", RR(ADD), 0xFFFFFFFF, 0xFFFFFFFF, 0, 0xFFFFFFFE, N | C},
        {"ADD clears old flags", RR(ADD), 1, 1, N | C | V, 2, 0},
        {"ADDI #-1 sign-extends", RI(ADDI, -1), 5, 0, 0, 4, C},
        {"ADDI #0x7FFFF", RI(ADDI, 0x7FFFF), 1, 0, 0, 0x80000, 0},
        /* SUB, SUBI, CMP, CMPI: C is the borrow (a < b unsigned) */
        {"SUB 5-3", RR(SUB), 5, 3, 0, 2, 0},
        {"SUB borrow", RR(SUB), 3, 5, 0, 0xFFFFFFFE, N | C},
        {"SUB equal", RR(SUB), 5, 5, C, 0, Z},
        {"SUB signed overflow", RR(SUB), 0x80000000, 1, 0, 0x7FFFFFFF, V},
        {"SUB max - (-1)", RR(SUB), 0x7FFFFFFF, 0xFFFFFFFF, 0, 0x80000000, N | C | V},
        {"SUBI #1 from 0", RI(SUBI, 1), 0, 0, 0, 0xFFFFFFFF, N | C},
        {"SUBI #-1 sign-extends", RI(SUBI, -1), 5, 0, 0, 6, C},
        {"CMP less keeps Ra", RR(CMP), 3, 5, 0, 3, N | C},
        {"CMP equal", RR(CMP), 7, 7, 0, 7, Z},
        {"CMP greater", RR(CMP), 9, 2, Z | C, 9, 0},
        {"CMP signed overflow", RR(CMP), 0x80000000, 1, 0, 0x80000000, V},
        {"CMPI #-1 sign-extends", RI(CMPI, -1), 0xFFFFFFFF, 0, 0, 0xFFFFFFFF, Z},
        /* NEG = 0 - Ra */
        {"NEG 0", R1(NEG), 0, 0, N | C, 0, Z},
        {"NEG 1", R1(NEG), 1, 0, 0, 0xFFFFFFFF, N | C},
        {"NEG most negative", R1(NEG), 0x80000000, 0, 0, 0x80000000, N | C | V},
        /* INC, DEC: Z N V, C kept */
        {"INC 5 keeps C", R1(INC), 5, 0, C, 6, C},
        {"INC wraps without C", R1(INC), 0xFFFFFFFF, 0, 0, 0, Z},
        {"INC overflow keeps C", R1(INC), 0x7FFFFFFF, 0, C, 0x80000000, N | V | C},
        {"INC clears V", R1(INC), 1, 0, V, 2, 0},
        {"DEC to zero", R1(DEC), 1, 0, 0, 0, Z},
        {"DEC wraps without C", R1(DEC), 0, 0, 0, 0xFFFFFFFF, N},
        {"DEC wraps keeps C", R1(DEC), 0, 0, C, 0xFFFFFFFF, N | C},
        {"DEC overflow", R1(DEC), 0x80000000, 0, 0, 0x7FFFFFFF, V},
        /* logic, shifts, MUL, DIVU, REMU: Z N from the result, C and V cleared */
        {"AND", RR(AND), 0xF0F0, 0x0FF0, C | V, 0x00F0, 0},
        {"AND to zero", RR(AND), 0xF0, 0x0F, C | V, 0, Z},
        {"ANDI zero-extends", RI(ANDI, 0xFFFFF), 0xFFFFFFFF, 0, C, 0xFFFFF, 0},
        {"OR", RR(OR), 0x80000000, 1, C | V, 0x80000001, N},
        {"ORI zero-extends", RI(ORI, 0x80000), 0, 0, V, 0x80000, 0},
        {"XOR self", RR(XOR), 5, 5, C, 0, Z},
        {"XORI", RI(XORI, 0xFF), 0xF0F, 0, V, 0xFF0, 0},
        {"NOT 0", R1(NOT), 0, 0, C | V, 0xFFFFFFFF, N},
        {"NOT -1", R1(NOT), 0xFFFFFFFF, 0, C, 0, Z},
        {"SHL to bit 31", RR(SHL), 1, 31, C | V, 0x80000000, N},
        {"SHL by 33 is by 1", RR(SHL), 1, 33, 0, 2, 0},
        {"SHL out of the word", RR(SHL), 0x80000000, 1, V, 0, Z},
        {"SHLI #4", RI(SHLI, 4), 0x0F, 0, C, 0xF0, 0},
        {"SHR is logical", RR(SHR), 0x80000000, 31, C, 1, 0},
        {"SHR by 32 is by 0", RR(SHR), 0x80000000, 32, 0, 0x80000000, N},
        {"SHRI #8", RI(SHRI, 8), 0xABCD00, 0, V, 0xABCD, 0},
        {"SAR is arithmetic", RR(SAR), 0x80000000, 4, C, 0xF8000000, N},
        {"SAR positive", RR(SAR), 0x40000000, 30, 0, 1, 0},
        {"SARI #31 of negative", RI(SARI, 31), 0x80000000, 0, 0, 0xFFFFFFFF, N},
        {"MUL", RR(MUL), 6, 7, C | V, 42, 0},
        {"MUL keeps the low word", RR(MUL), 0x10000, 0x10000, C | V, 0, Z},
        {"MUL negative", RR(MUL), 0xFFFFFFFF, 2, 0, 0xFFFFFFFE, N},
        {"MULI #-2 sign-extends", RI(MULI, -2), 3, 0, 0, 0xFFFFFFFA, N},
        {"DIVU", RR(DIVU), 100, 7, C | V, 14, 0},
        {"DIVU is unsigned", RR(DIVU), 0xFFFFFFFF, 2, 0, 0x7FFFFFFF, 0},
        {"DIVU to zero", RR(DIVU), 3, 7, C, 0, Z},
        {"REMU", RR(REMU), 100, 7, V, 2, 0},
        {"REMU is unsigned", RR(REMU), 0xFFFFFFFF, 10, 0, 5, 0},
        {"REMU exact", RR(REMU), 6, 3, 0, 0, Z},
        /* moves and constants leave the flags alone */
        {"MOV", RR(MOV), 1, 0x80000000, Z | C, 0x80000000, Z | C},
        {"LOADI zero-extends", RI(LOADI, 0xFFFFF), 9, 0, N | V, 0xFFFFF, N | V},
        {"LUI", RI(LUI, 0xFFFFF), 9, 0, C | V, 0xFFFFF000, C | V},
        {"LEA Rb-8", R(OP_LEA, 1, 2, 0xFFF8), 0, 0x1000, Z, 0xFF8, Z},
    };
    for (size_t i = 0; i < sizeof alu_cases / sizeof alu_cases[0]; i++) {
        const alu_case_t *k = &alu_cases[i];
        const uint32_t code[] = {k->insn, HALT};
        put(m, CODE, code, 2);
        start(m, k->r1, k->r2, k->flags);
        run_to_halt(m);
        cpu_state_t s = cpu(m);
        if (s.r[1] != k->want || s.flags != k->want_flags)
            fail_msg("%s: R1 = 0x%08x flags %x, want 0x%08x flags %x", k->what, s.r[1], s.flags, k->want,
                     k->want_flags);
        assert_int_equal(s.r[2], k->r2); /* the source is untouched */
    }
}

/* ---- branches ----------------------------------------------------------- */


/* docs/isa.md: which flags each conditional jump tests. */
static bool taken_by_flags(unsigned op, uint32_t f)
{
    bool z = f & Z, n = f & N, c = f & C, v = f & V;
    switch (op) {
    case OP_JZ: return z;
    case OP_JNZ: return !z;
    case OP_JLT: return n != v;
    case OP_JGE: return n == v;
    case OP_JLE: return z || n != v;
    case OP_JGT: return !z && n == v;
    case OP_JB: return c;
    case OP_JAE: return !c;
    case OP_JBE: return c || z;
    case OP_JA: return !c && !z;
    }
    return false;
}

/* What the jump means after CMP a, b. */
static bool taken_by_compare(unsigned op, uint32_t a, uint32_t b)
{
    int32_t sa = (int32_t)a, sb = (int32_t)b;
    switch (op) {
    case OP_JZ: return a == b;
    case OP_JNZ: return a != b;
    case OP_JLT: return sa < sb;
    case OP_JGE: return sa >= sb;
    case OP_JLE: return sa <= sb;
    case OP_JGT: return sa > sb;
    case OP_JB: return a < b;
    case OP_JAE: return a >= b;
    case OP_JBE: return a <= b;
    case OP_JA: return a > b;
    }
    return false;
}

#define TARGET 0x200u

/* JCC at CODE; HALT at CODE + 4 (not taken) and at TARGET (taken). */
static uint32_t halt_pc_after(machine_t *m, uint32_t first, unsigned op, uint32_t r1, uint32_t r2, uint32_t flags)
{
    const uint32_t code[] = {first, I(op, 0, TARGET), HALT};
    put(m, CODE - 4, code, 3);
    put(m, TARGET, &HALT, 1);
    start(m, r1, r2, flags);
    if (first == 0) { /* no CMP: start at the jump */
        cpu_state_t s = cpu(m);
        s.pc = CODE;
        machine_set_state(m, &s);
    } else {
        cpu_state_t s = cpu(m);
        s.pc = CODE - 4;
        machine_set_state(m, &s);
    }
    run_to_halt(m);
    return machine_trap(m)->pc;
}

static void test_branches_test_their_flags(void **state)
{
    machine_t *m = *state;
    /* every flag combination arithmetic can produce (never Z and N at once) */
    for (uint32_t f = 0; f < 16; f++) {
        if ((f & Z) && (f & N))
            continue;
        for (size_t i = 0; i < sizeof cond_ops / sizeof cond_ops[0]; i++) {
            unsigned op = cond_ops[i];
            uint32_t want = taken_by_flags(op, f) ? TARGET : CODE + 4;
            uint32_t got = halt_pc_after(m, 0, op, 0, 0, f);
            if (got != want)
                fail_msg("%s with flags %x: went to 0x%x, want 0x%x", isa_info[op].name, f, got, want);
            assert_int_equal(cpu(m).flags, f); /* jumps leave the flags alone */
        }
    }
}

static void test_branches_after_cmp_mean_the_comparison(void **state)
{
    machine_t *m = *state;
    static const uint32_t values[] = {0, 1, 2, 0x7FFFFFFF, 0x80000000, 0x80000001, 0xFFFFFFFE, 0xFFFFFFFF};
    const size_t nv = sizeof values / sizeof values[0];
    for (size_t a = 0; a < nv; a++)
        for (size_t b = 0; b < nv; b++)
            for (size_t i = 0; i < sizeof cond_ops / sizeof cond_ops[0]; i++) {
                unsigned op = cond_ops[i];
                uint32_t want = taken_by_compare(op, values[a], values[b]) ? TARGET : CODE + 4;
                uint32_t got = halt_pc_after(m, RR(CMP), op, values[a], values[b], 0);
                if (got != want)
                    fail_msg("CMP 0x%x, 0x%x; %s went to 0x%x, want 0x%x", values[a], values[b], isa_info[op].name,
                             got, want);
            }
}

static void test_unconditional_jumps(void **state)
{
    machine_t *m = *state;
    const uint32_t code[] = {I(OP_JMP, 0, 0x300)};
    put(m, CODE, code, 1);
    const uint32_t there[] = {R(OP_JMPR, 0, 3, 0), HALT};
    put(m, 0x300, there, 2);
    put(m, 0x400, &HALT, 1);
    start(m, 0, 0, Z);
    set_reg(m, 3, 0x400);
    run_to_halt(m);
    assert_int_equal(machine_trap(m)->pc, 0x400);
    assert_int_equal(cpu(m).flags, Z);
}

/* ---- stack -------------------------------------------------------------- */

static void test_push_pop_call_ret(void **state)
{
    machine_t *m = *state;
    const uint32_t code[] = {
        R(OP_PUSH, 1, 0, 0),          /* 0x100 */
        R(OP_PUSH, 2, 0, 0),          /* 0x104 */
        R(OP_POP, 3, 0, 0),           /* 0x108 */
        I(OP_CALL, 0, 0x200),         /* 0x10C */
        R(OP_CALLR, 0, 6, 0),         /* 0x110 */
        HALT,                         /* 0x114 */
    };
    const uint32_t sub[] = {R(OP_LOADM, 5, ISA_REG_SP, 0), R(OP_RET, 0, 0, 0)}; /* 0x200 */
    const uint32_t sub2[] = {R(OP_LOADM, 7, ISA_REG_SP, 0), R(OP_RET, 0, 0, 0)}; /* 0x300 */
    put(m, CODE, code, 6);
    put(m, 0x200, sub, 2);
    put(m, 0x300, sub2, 2);
    start(m, 0x11111111, 0x22222222, 0);
    set_reg(m, 6, 0x300);
    retire_t rt;

    assert_int_equal(machine_step(m, &rt), STOP_BUDGET); /* PUSH R1 */
    assert_int_equal(cpu(m).r[ISA_REG_SP], STACK - 4);
    assert_int_equal(word_at(m, STACK - 4), 0x11111111);
    machine_step(m, &rt); /* PUSH R2 */
    assert_int_equal(cpu(m).r[ISA_REG_SP], STACK - 8);
    assert_int_equal(word_at(m, STACK - 8), 0x22222222);
    machine_step(m, &rt); /* POP R3 */
    assert_int_equal(cpu(m).r[3], 0x22222222);
    assert_int_equal(cpu(m).r[ISA_REG_SP], STACK - 4);
    machine_step(m, &rt); /* CALL 0x200 */
    assert_int_equal(cpu(m).pc, 0x200);
    assert_int_equal(cpu(m).r[ISA_REG_SP], STACK - 8);
    assert_int_equal(word_at(m, STACK - 8), 0x110); /* the return address */
    machine_step(m, &rt); /* LOAD R5, [SP] */
    assert_int_equal(cpu(m).r[5], 0x110);
    machine_step(m, &rt); /* RET */
    assert_int_equal(cpu(m).pc, 0x110);
    assert_int_equal(cpu(m).r[ISA_REG_SP], STACK - 4);
    machine_step(m, &rt); /* CALL R6 */
    assert_int_equal(cpu(m).pc, 0x300);
    assert_int_equal(word_at(m, STACK - 8), 0x114);
    run_to_halt(m);
    assert_int_equal(cpu(m).r[7], 0x114);
    assert_int_equal(machine_trap(m)->pc, 0x114);
    assert_int_equal(cpu(m).r[ISA_REG_SP], STACK - 4);
    assert_int_equal(word_at(m, STACK - 4), 0x11111111); /* R1's slot untouched */
}

/* ---- memory accesses ---------------------------------------------------- */

static void test_byte_and_word_accesses(void **state)
{
    machine_t *m = *state;
    const uint8_t bytes[] = {0xF0, 0x01, 0x02, 0x03};
    assert_true(machine_phys_write(m, 0x3000, bytes, 4));
    const uint32_t code[] = {
        I(OP_LOADBA, 1, 0x3000),       /* R1 = 0xF0, zero-extended       */
        R(OP_LOADBM, 2, 3, 1),         /* R2 = byte at R3 + 1            */
        R(OP_STOREBM, 4, 3, 2),        /* byte at R3 + 2 = R4 & 0xFF     */
        I(OP_STOREBA, 4, 0x3003),      /* odd addresses are fine for bytes */
        I(OP_LOADA, 5, 0x3000),        /* the word                        */
        R(OP_STOREM, 4, 3, 0xFFFC),    /* word at R3 - 4                  */
        I(OP_STOREA, 5, 0x3008),
        R(OP_LOADM, 6, 3, 8),
        HALT,
    };
    put(m, CODE, code, 9);
    start(m, 0, 0, 0);
    set_reg(m, 3, 0x3000);
    set_reg(m, 4, 0x123456AB);
    run_to_halt(m);
    cpu_state_t s = cpu(m);
    assert_int_equal(s.r[1], 0xF0);
    assert_int_equal(s.r[2], 0x01);
    assert_int_equal(s.r[5], 0xABAB01F0);
    assert_int_equal(word_at(m, 0x3000), 0xABAB01F0);
    assert_int_equal(word_at(m, 0x2FFC), 0x123456AB);
    assert_int_equal(s.r[6], 0xABAB01F0);
    assert_int_equal(word_at(m, 0x3004), 0); /* nothing else written */
}

static void test_lui_or_builds_any_constant(void **state)
{
    machine_t *m = *state;
    const uint32_t code[] = {I(OP_LUI, 1, 0x12345), I(OP_ORI, 1, 0x678), I(OP_LUI, 2, 0xFFFFF), I(OP_ORI, 2, 0xFFF),
                             HALT};
    put(m, CODE, code, 5);
    start(m, 0, 0, 0);
    run_to_halt(m);
    assert_int_equal(cpu(m).r[1], 0x12345678);
    assert_int_equal(cpu(m).r[2], 0xFFFFFFFF);
}

static void test_lea_computes_without_access(void **state)
{
    machine_t *m = *state;
    const uint32_t code[] = {R(OP_LEA, 1, 2, 0x7FFF), HALT};
    put(m, CODE, code, 2);
    start(m, 0, MEM + 0x100000, C); /* far outside memory: no access happens */
    retire_t rt;
    assert_int_equal(machine_step(m, &rt), STOP_BUDGET);
    assert_false(rt.mem_valid);
    assert_int_equal(cpu(m).r[1], MEM + 0x100000 + 0x7FFF);
    assert_int_equal(cpu(m).flags, C);
}

/* ---- traps --------------------------------------------------------------- */

static void test_divide_by_zero_traps(void **state)
{
    machine_t *m = *state;
    const unsigned ops[] = {OP_DIVU, OP_REMU};
    for (int i = 0; i < 2; i++) {
        const uint32_t code[] = {R(ops[i], 1, 2, 0), HALT};
        put(m, CODE, code, 2);
        start(m, 5, 0, Z);
        uint64_t t0 = machine_cycles(m), n0 = machine_counters(m)->instructions;
        const trap_t *t = run_to_trap(m);
        assert_int_equal(t->cause, TRAP_DIV_ZERO);
        assert_int_equal(t->pc, CODE);
        assert_int_equal(t->insn, code[0]);
        cpu_state_t s = cpu(m);
        assert_int_equal(s.r[1], 5);  /* not written */
        assert_int_equal(s.pc, CODE); /* not retired */
        assert_int_equal(s.flags, Z);
        assert_int_equal(machine_counters(m)->instructions, n0);
        const timing_t *tm = &m->cfg.timing;
        assert_int_equal(machine_cycles(m) - t0, tm->mem_cycles + tm->trap_cycles);
    }
}

static void test_every_undefined_opcode_is_illegal(void **state)
{
    machine_t *m = *state;
    int undefined = 0;
    for (unsigned op = 0; op < 256; op++) {
        if (isa_info[op].valid)
            continue;
        undefined++;
        const uint32_t code[] = {op << 24 | 0x123456, HALT};
        put(m, CODE, code, 2);
        start(m, 0, 0, 0);
        const trap_t *t = run_to_trap(m);
        if (t->cause != TRAP_ILLEGAL)
            fail_msg("opcode 0x%02x: %s, want illegal_instruction", op, trap_name[t->cause]);
        assert_int_equal(t->pc, CODE);
        assert_int_equal(t->insn, code[0]);
        assert_int_equal(cpu(m).pc, CODE);
    }
    assert_true(undefined > 150); /* the table leaves most opcodes free */
}

typedef struct {
    const char *what;
    uint32_t insn;
    uint32_t r2;
    access_t access;
    uint32_t vaddr;
} misaligned_case_t;

static void test_misaligned_word_accesses_trap(void **state)
{
    machine_t *m = *state;
    const misaligned_case_t cases[] = {
        {"LOAD /0x1002", I(OP_LOADA, 1, 0x1002), 0, ACC_LOAD, 0x1002},
        {"LOAD [R2+1]", R(OP_LOADM, 1, 2, 1), 0x1000, ACC_LOAD, 0x1001},
        {"STORE /0x1003", I(OP_STOREA, 1, 0x1003), 0, ACC_STORE, 0x1003},
        {"STORE [R2-2]", R(OP_STOREM, 1, 2, 0xFFFE), 0x1000, ACC_STORE, 0xFFE},
        {"PUSH with SP odd", R(OP_PUSH, 1, 0, 0), 0, ACC_STORE, STACK - 2 - 4},
        {"POP with SP odd", R(OP_POP, 1, 0, 0), 0, ACC_LOAD, STACK - 2},
        {"RET with SP odd", R(OP_RET, 0, 0, 0), 0, ACC_LOAD, STACK - 2},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const uint32_t code[] = {cases[i].insn, HALT};
        put(m, CODE, code, 2);
        start(m, 0xAAAA, cases[i].r2, 0);
        set_reg(m, ISA_REG_SP, STACK - 2);
        uint64_t t0 = machine_cycles(m);
        const trap_t *t = run_to_trap(m);
        if (t->cause != TRAP_MISALIGNED || t->access != cases[i].access || t->vaddr != cases[i].vaddr)
            fail_msg("%s: %s %s at 0x%x", cases[i].what, trap_name[t->cause], access_name[t->access], t->vaddr);
        assert_int_equal(t->pc, CODE);
        assert_int_equal(t->insn, cases[i].insn);
        assert_int_equal(cpu(m).r[ISA_REG_SP], STACK - 2); /* SP not moved */
        assert_int_equal(cpu(m).r[1], 0xAAAA);
        const timing_t *tm = &m->cfg.timing;
        assert_int_equal(machine_cycles(m) - t0, tm->mem_cycles + tm->trap_cycles);
    }
    /* byte accesses have no alignment rule */
    const uint32_t code[] = {I(OP_LOADBA, 1, 0x1003), I(OP_STOREBA, 1, 0x1001), HALT};
    put(m, CODE, code, 3);
    start(m, 0, 0, 0);
    run_to_halt(m);
}

static void test_misaligned_fetch_traps(void **state)
{
    machine_t *m = *state;
    const uint32_t code[] = {R(OP_JMPR, 0, 2, 0)};
    put(m, CODE, code, 1);
    start(m, 0, 0x202, 0);
    retire_t rt;
    assert_int_equal(machine_step(m, &rt), STOP_BUDGET); /* the jump itself retires */
    assert_int_equal(cpu(m).pc, 0x202);
    uint64_t t0 = machine_cycles(m);
    assert_int_equal(machine_step(m, &rt), STOP_TRAP);
    assert_true(rt.trapped);
    const trap_t *t = machine_trap(m);
    assert_int_equal(t->cause, TRAP_MISALIGNED);
    assert_int_equal(t->access, ACC_FETCH);
    assert_int_equal(t->pc, 0x202);
    assert_int_equal(t->vaddr, 0x202);
    assert_int_equal(t->insn, 0);
    assert_int_equal(machine_cycles(m) - t0, m->cfg.timing.trap_cycles); /* nothing fetched */
}

#define BASE 0x4000u
#define LIMIT 0x1000u

static void test_base_limit_relocates_and_protects(void **state)
{
    machine_t *m = *state;
    mmu(m, MMU_RELOC, BASE, LIMIT, 0);
    assert_true(machine_write32(m, BASE + LIMIT - 4, 0xCAFEF00D));
    const uint32_t code[] = {
        I(OP_LOADA, 1, LIMIT - 4),     /* the last word inside          */
        I(OP_LOADBA, 2, LIMIT - 1),    /* the last byte inside          */
        I(OP_STOREA, 1, 0x10),         /* lands at BASE + 0x10          */
        I(OP_LOADA, 3, LIMIT),         /* exactly at the limit: traps   */
        HALT,
    };
    put(m, BASE + CODE, code, 5); /* logical CODE is physical BASE + CODE */
    start(m, 0, 0, 0);
    uint64_t t0 = machine_cycles(m);
    const trap_t *t = run_to_trap(m);
    assert_int_equal(t->cause, TRAP_PROTECTION);
    assert_int_equal(t->access, ACC_LOAD);
    assert_int_equal(t->pc, CODE + 12);
    assert_int_equal(t->insn, code[3]);
    assert_int_equal(t->vaddr, LIMIT);
    assert_int_equal(t->paddr, BASE + LIMIT);
    cpu_state_t s = cpu(m);
    assert_int_equal(s.r[1], 0xCAFEF00D);
    assert_int_equal(s.r[2], 0xCA);
    assert_int_equal(s.r[3], 0);
    assert_int_equal(word_at(m, BASE + 0x10), 0xCAFEF00D);
    assert_int_equal(word_at(m, 0x10), 0); /* not at the logical address */
    /* 3 completed instructions (2 loads, 1 store: 5 cycles each with the
     * default timing), then the trapping load's fetch and the trap */
    const timing_t *tm = &m->cfg.timing;
    uint64_t data = tm->mem_cycles + tm->exec_cycles + tm->mem_cycles + 2 * tm->reloc_cycles;
    assert_int_equal(machine_cycles(m) - t0, 3 * data + tm->reloc_cycles + tm->mem_cycles + tm->trap_cycles);
}

static void test_base_limit_checks_every_access_kind(void **state)
{
    machine_t *m = *state;
    mmu(m, MMU_RELOC, BASE, LIMIT, 0);
    struct {
        uint32_t insn;
        access_t access;
        uint32_t vaddr;
    } cases[] = {
        {I(OP_STOREBA, 1, LIMIT), ACC_STORE, LIMIT},           /* a byte at the limit */
        {I(OP_LOADBA, 1, 0xFFFFF), ACC_LOAD, 0xFFFFF},
        {R(OP_STOREM, 1, 2, 0), ACC_STORE, LIMIT + 0x100},     /* R2 = LIMIT + 0x100 */
        {R(OP_PUSH, 1, 0, 0), ACC_STORE, LIMIT},               /* SP = LIMIT + 4      */
        {I(OP_JMP, 0, LIMIT), ACC_FETCH, LIMIT},               /* fetch beyond        */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const uint32_t code[] = {cases[i].insn, HALT};
        put(m, BASE + CODE, code, 2);
        start(m, 0, LIMIT + 0x100, 0);
        set_reg(m, ISA_REG_SP, LIMIT + 4);
        const trap_t *t = run_to_trap(m);
        if (t->cause != TRAP_PROTECTION || t->access != cases[i].access || t->vaddr != cases[i].vaddr)
            fail_msg("case %zu: %s %s at 0x%x", i, trap_name[t->cause], access_name[t->access], t->vaddr);
        assert_int_equal(t->paddr, BASE + cases[i].vaddr);
    }
    /* kernel mode is not relocated */
    const uint32_t code[] = {I(OP_LOADA, 1, 0x3000), HALT};
    assert_true(machine_write32(m, 0x3000, 77));
    put(m, CODE, code, 2);
    start(m, 0, 0, 0);
    cpu_state_t s = cpu(m);
    s.priv = MODE_KERNEL;
    machine_set_state(m, &s);
    run_to_halt(m);
    assert_int_equal(cpu(m).r[1], 77);
}

static void test_bare_fence_protects_the_os(void **state)
{
    machine_t *m = *state;
    const uint32_t fence = 0x8000;
    mmu(m, MMU_BARE, 0, 0, fence);
    assert_true(machine_write32(m, fence - 4, 0x1234));
    const uint32_t code[] = {I(OP_LOADA, 1, fence - 4), I(OP_LOADBA, 2, fence - 1), I(OP_LOADA, 3, fence), HALT};
    put(m, CODE, code, 4);
    start(m, 0, 0, 0);
    const trap_t *t = run_to_trap(m);
    assert_int_equal(t->cause, TRAP_FENCE);
    assert_int_equal(t->access, ACC_LOAD);
    assert_int_equal(t->pc, CODE + 8);
    assert_int_equal(t->vaddr, fence);
    assert_int_equal(t->paddr, fence);
    assert_int_equal(cpu(m).r[1], 0x1234);
    /* the same load in kernel mode reaches the OS's memory */
    start(m, 0, 0, 0);
    cpu_state_t s = cpu(m);
    s.priv = MODE_KERNEL;
    machine_set_state(m, &s);
    run_to_halt(m);
    /* a user fetch at the fence traps too */
    const uint32_t jump[] = {I(OP_JMP, 0, fence)};
    put(m, CODE, jump, 1);
    start(m, 0, 0, 0);
    t = run_to_trap(m);
    assert_int_equal(t->cause, TRAP_FENCE);
    assert_int_equal(t->access, ACC_FETCH);
}

static void test_bus_error_beyond_memory(void **state)
{
    machine_t *m = *state;
    /* kernel mode on the bare machine: nothing but the end of memory */
    const uint32_t code[] = {R(OP_LOADM, 1, 2, 0), HALT};
    put(m, CODE, code, 2);
    start(m, 0, MEM, 0);
    cpu_state_t s = cpu(m);
    s.priv = MODE_KERNEL;
    machine_set_state(m, &s);
    const trap_t *t = run_to_trap(m);
    assert_int_equal(t->cause, TRAP_BUS);
    assert_int_equal(t->vaddr, MEM);
    assert_int_equal(t->paddr, MEM);
    /* base/limit whose partition runs past the end of memory: inside the
     * limit but beyond memory is a bus error, not a protection fault */
    mmu(m, MMU_RELOC, MEM - 0x800, 0x1000, 0);
    const uint32_t code2[] = {I(OP_LOADA, 1, 0x7FC), I(OP_STOREA, 1, 0x800), HALT};
    put(m, MEM - 0x800 + 0x100, code2, 3);
    start(m, 0, 0, 0);
    t = run_to_trap(m);
    assert_int_equal(t->cause, TRAP_BUS);
    assert_int_equal(t->access, ACC_STORE);
    assert_int_equal(t->vaddr, 0x800);
    assert_int_equal(t->paddr, MEM);
    /* a word ending exactly at the limit, beyond memory: still a bus error */
    const uint32_t code3[] = {I(OP_LOADA, 1, 0xFFC), HALT};
    put(m, MEM - 0x800 + 0x100, code3, 2);
    start(m, 0, 0, 0);
    t = run_to_trap(m);
    assert_int_equal(t->cause, TRAP_BUS);
    assert_int_equal(t->paddr, MEM - 0x800 + 0xFFC);
    /* and physical reads beyond memory fail on the interface too */
    uint32_t v;
    assert_false(machine_read32(m, MEM - 2, &v));
    assert_false(machine_write32(m, MEM, 1));
}

static void test_syscall_completes_then_traps(void **state)
{
    machine_t *m = *state;
    const uint32_t code[] = {I(OP_SYSCALL, 0, 0x12345)};
    put(m, CODE, code, 1);
    start(m, 0, 0, 0);
    uint64_t t0 = machine_cycles(m), n0 = machine_counters(m)->instructions;
    const trap_t *t = run_to_trap(m);
    assert_int_equal(t->cause, TRAP_SYSCALL);
    assert_int_equal(t->number, 0x12345);
    assert_int_equal(t->pc, CODE);
    assert_int_equal(cpu(m).pc, CODE + 4);   /* returns past itself */
    assert_int_equal(machine_counters(m)->instructions, n0 + 1);
    const timing_t *tm = &m->cfg.timing;
    assert_int_equal(machine_cycles(m) - t0, tm->mem_cycles + tm->exec_cycles + tm->trap_cycles);
}

static void test_halt_completes_then_traps(void **state)
{
    machine_t *m = *state;
    put(m, CODE, &HALT, 1);
    start(m, 0, 0, 0);
    uint64_t t0 = machine_cycles(m);
    const trap_t *t = run_to_trap(m);
    assert_int_equal(t->cause, TRAP_HALT);
    assert_int_equal(t->pc, CODE);
    assert_int_equal(t->insn, HALT);
    const timing_t *tm = &m->cfg.timing;
    assert_int_equal(machine_cycles(m) - t0, tm->mem_cycles + tm->exec_cycles + tm->trap_cycles);
}

/* ---- cycles --------------------------------------------------------------- */

/* docs/timing.md: fetch (translation + mem) + execute (exec, mul or div)
 * + data access (translation + mem) when the instruction has one. */
static uint64_t expected_cycles(const timing_t *t, unsigned op, uint32_t xlate)
{
    const isa_info_t *info = &isa_info[op];
    uint64_t exec = info->cls == CLASS_MUL ? t->mul_cycles : info->cls == CLASS_DIV ? t->div_cycles : t->exec_cycles;
    return xlate + t->mem_cycles + exec + (info->mem != MEM_NONE ? xlate + t->mem_cycles : 0);
}

/* One instance of each instruction that completes without trapping; the
 * registers are set so every address is inside the test's memory. */
static void every_completing_instruction(uint32_t *code, unsigned *ops, size_t *n)
{
    size_t k = 0;
    for (unsigned op = 0; op < 256; op++) {
        const isa_info_t *info = &isa_info[op];
        if (!info->valid || info->cls == CLASS_SYS)
            continue;
        uint32_t insn;
        switch (info->form) {
        case FORM_RA: insn = I(op, 1, 0x2000); break;                     /* absolute 0x2000      */
        case FORM_RM: insn = R(op, 1, 3, 4); break;                       /* R3 = 0x2000, +4      */
        case FORM_A: insn = I(op, 0, CODE + 4 * (uint32_t)(k + 1)); break; /* to the next one      */
        case FORM_RJ: insn = R(op, 0, 4, 0); break;                       /* R4 = next, see below */
        case FORM_RR: insn = R(op, 1, 2, 0); break;                       /* R2 = 3               */
        case FORM_NONE: insn = op << 24; break;                           /* NOP                  */
        default: insn = I(op, 1, 3); break;
        }
        if (op == OP_RET) /* returns to the next instruction: pushed by the CALL before it */
            continue;
        code[k] = insn;
        ops[k++] = op;
    }
    *n = k;
}

static void check_cycles_per_instruction(machine_t *m, uint32_t base, uint32_t xlate)
{
    uint32_t code[256];
    unsigned ops[256];
    size_t n;
    every_completing_instruction(code, ops, &n);
    put(m, base + CODE, code, n);
    start(m, 0x40, 3, 0);
    set_reg(m, 3, 0x2000);
    for (size_t i = 0; i < n; i++) {
        set_reg(m, 2, 3);                              /* a divisor that is never 0 */
        set_reg(m, 4, CODE + 4 * (uint32_t)(i + 1));   /* JMP Rb / CALL Rb: the next one */
        set_reg(m, ISA_REG_SP, 0x3000);
        assert_int_equal(cpu(m).pc, CODE + 4 * i);
        retire_t rt;
        assert_int_equal(machine_step(m, &rt), STOP_BUDGET);
        uint64_t want = expected_cycles(&m->cfg.timing, ops[i], xlate);
        if (rt.cycle_end - rt.cycle_begin != want)
            fail_msg("%s: %llu cycles, want %llu", isa_info[ops[i]].name,
                     (unsigned long long)(rt.cycle_end - rt.cycle_begin), (unsigned long long)want);
    }
}

static void test_cycles_per_instruction_default_timing(void **state)
{
    check_cycles_per_instruction(*state, 0, 0);
}

static void test_cycles_follow_the_timing_config(void **state)
{
    (void)state;
    timing_t t;
    timing_defaults(&t);
    t.mem_cycles = 7;
    t.exec_cycles = 3;
    t.mul_cycles = 11;
    t.div_cycles = 29;
    t.reloc_cycles = 5;
    t.trap_cycles = 13;
    machine_t *m = machine_with(&t);
    /* bare: no translation cost */
    check_cycles_per_instruction(m, 0, 0);
    /* base/limit: reloc_cycles on every access, fetch and data */
    mmu(m, MMU_RELOC, BASE, 0x4000, 0);
    check_cycles_per_instruction(m, BASE, t.reloc_cycles);
    /* a trap: HALT completes (fetch + exec), then trap_cycles */
    put(m, BASE + CODE, &HALT, 1);
    start(m, 0, 0, 0);
    uint64_t t0 = machine_cycles(m);
    run_to_halt(m);
    assert_int_equal(machine_cycles(m) - t0, t.reloc_cycles + t.mem_cycles + t.exec_cycles + t.trap_cycles);
    machine_destroy(m);
}

static void test_changing_one_timing_value_changes_the_count(void **state)
{
    (void)state;
    /* vcopy's loop: LOAD [R1], STORE [R2], ADD R1 #4, ADD R2 #4, DEC, JNZ */
    const uint32_t code[] = {
        R(OP_LOADM, 4, 1, 0), R(OP_STOREM, 4, 2, 0), I(OP_ADDI, 1, 4),
        I(OP_ADDI, 2, 4),     R(OP_DEC, 3, 0, 0),    I(OP_JNZ, 0, CODE), HALT,
    };
    uint64_t cycles[2];
    for (int k = 0; k < 2; k++) {
        timing_t t;
        timing_defaults(&t);
        t.mem_cycles = k ? 5 : 2;
        machine_t *m = machine_with(&t);
        put(m, CODE, code, 7);
        start(m, 0x1000, 0x2000, 0);
        set_reg(m, 3, 10);
        run_to_halt(m);
        cycles[k] = machine_cycles(m);
        /* 10 iterations: 2 data instructions and 4 others, then HALT */
        uint64_t alu = t.mem_cycles + t.exec_cycles, data = alu + t.mem_cycles;
        assert_int_equal(cycles[k], 10 * (2 * data + 4 * alu) + alu + t.trap_cycles);
        assert_int_equal(machine_counters(m)->instructions, 61); /* HALT completes, and counts */
        assert_int_equal(machine_counters(m)->loads, 10);
        assert_int_equal(machine_counters(m)->stores, 10);
        machine_destroy(m);
    }
    /* 61 fetches and 20 data accesses pay 3 more cycles each */
    assert_int_equal(cycles[1] - cycles[0], 3 * (61 + 20));
}

/* ---- budgets --------------------------------------------------------------- */

static void test_budget_stops_between_instructions(void **state)
{
    machine_t *m = *state;
    const uint32_t code[] = {R(OP_INC, 1, 0, 0), I(OP_JMP, 0, CODE)};
    put(m, CODE, code, 2);
    start(m, 0, 0, 0);
    uint64_t t0 = machine_cycles(m), each = m->cfg.timing.mem_cycles + m->cfg.timing.exec_cycles;
    assert_int_equal(machine_run(m, t0 + 10), STOP_BUDGET);
    /* stops at the first instruction boundary at or past the limit */
    uint64_t spent = machine_cycles(m) - t0;
    assert_true(spent >= 10 && spent < 10 + each);
    assert_int_equal(spent % each, 0);
    assert_int_equal(cpu(m).r[1], (spent / each + 1) / 2);
    /* a limit already reached runs nothing */
    uint64_t now = machine_cycles(m);
    assert_int_equal(machine_run(m, now), STOP_BUDGET);
    assert_int_equal(machine_cycles(m), now);
}

static void test_slices_give_the_same_result_as_one_run(void **state)
{
    (void)state;
    /* factorial(10) by recursion: CALL, PUSH, POP, RET, MUL */
    const uint32_t code[] = {
        I(OP_LOADI, 1, 10),   /* 0x100 */
        I(OP_CALL, 0, 0x10C), /* 0x104 */
        HALT,                 /* 0x108 */
        I(OP_CMPI, 1, 1),     /* 0x10C fact: */
        I(OP_JA, 0, 0x11C),   /* 0x110 */
        I(OP_LOADI, 0, 1),    /* 0x114 */
        R(OP_RET, 0, 0, 0),   /* 0x118 */
        R(OP_PUSH, 1, 0, 0),  /* 0x11C */
        R(OP_DEC, 1, 0, 0),   /* 0x120 */
        I(OP_CALL, 0, 0x10C), /* 0x124 */
        R(OP_POP, 1, 0, 0),   /* 0x128 */
        R(OP_MUL, 0, 1, 0),   /* 0x12C */
        R(OP_RET, 0, 0, 0),   /* 0x130 */
    };
    cpu_state_t whole;
    uint64_t whole_cycles = 0;
    hw_counters_t whole_counters;
    for (uint64_t slice = 0; slice <= 7; slice++) {
        machine_t *m = machine_with(NULL);
        put(m, CODE, code, sizeof code / sizeof code[0]);
        start(m, 0, 0, 0);
        if (slice == 0)
            run_to_halt(m);
        else {
            int slices = 0;
            while (machine_run(m, machine_cycles(m) + slice) == STOP_BUDGET)
                assert_true(++slices < 100000);
            assert_int_equal(machine_trap(m)->cause, TRAP_HALT);
            assert_true(slices > 10);
        }
        cpu_state_t s = cpu(m);
        assert_int_equal(s.r[0], 3628800);
        if (slice == 0) {
            whole = s;
            whole_cycles = machine_cycles(m);
            whole_counters = *machine_counters(m);
        } else {
            assert_memory_equal(&s, &whole, sizeof s);
            assert_int_equal(machine_cycles(m), whole_cycles);
            assert_memory_equal(machine_counters(m), &whole_counters, sizeof whole_counters);
        }
        machine_destroy(m);
    }
}

/* ---- machine_step's retirement record -------------------------------------- */

static void test_step_describes_what_retired(void **state)
{
    machine_t *m = *state;
    mmu(m, MMU_RELOC, BASE, LIMIT, 0);
    assert_true(machine_write32(m, BASE + 0x800, 0x5EED));
    const uint32_t code[] = {
        R(OP_LOADM, 4, 1, 0x10),   /* R4 = [R1 + 0x10], R1 = 0x7F0 */
        R(OP_STOREM, 4, 2, 0),     /* [R2] = R4, R2 = 0x900        */
        R(OP_ADD, 4, 4, 0),        /* R4 += R4                      */
        R(OP_CMP, 4, 2, 0),        /* no register written           */
        R(OP_STOREBM, 4, 2, 5),    /* a byte store                  */
        I(OP_LOADA, 5, LIMIT),     /* traps                          */
    };
    put(m, BASE + CODE, code, 6);
    start(m, 0x7F0, 0x900, 0);
    const timing_t *t = &m->cfg.timing;
    retire_t rt;

    assert_int_equal(machine_step(m, &rt), STOP_BUDGET);
    assert_int_equal(rt.pc, CODE);
    assert_int_equal(rt.insn, code[0]);
    assert_true(rt.rd_valid);
    assert_int_equal(rt.rd, 4);
    assert_int_equal(rt.rd_value, 0x5EED);
    assert_true(rt.mem_valid);
    assert_false(rt.mem_write);
    assert_int_equal(rt.mem_size, 4);
    assert_int_equal(rt.mem_vaddr, 0x800);
    assert_int_equal(rt.mem_paddr, BASE + 0x800);
    assert_int_equal(rt.mem_data, 0x5EED);
    assert_false(rt.trapped);
    assert_int_equal(rt.cycle_end - rt.cycle_begin, expected_cycles(t, OP_LOADM, t->reloc_cycles));

    assert_int_equal(machine_step(m, &rt), STOP_BUDGET);
    assert_int_equal(rt.pc, CODE + 4);
    assert_false(rt.rd_valid);
    assert_true(rt.mem_valid && rt.mem_write);
    assert_int_equal(rt.mem_vaddr, 0x900);
    assert_int_equal(rt.mem_paddr, BASE + 0x900);
    assert_int_equal(rt.mem_data, 0x5EED);
    assert_int_equal(word_at(m, BASE + 0x900), 0x5EED);

    assert_int_equal(machine_step(m, &rt), STOP_BUDGET);
    assert_true(rt.rd_valid);
    assert_int_equal(rt.rd, 4);
    assert_int_equal(rt.rd_value, 0xBDDA);
    assert_false(rt.mem_valid);
    assert_int_equal(rt.cycle_end - rt.cycle_begin, expected_cycles(t, OP_ADD, t->reloc_cycles));

    assert_int_equal(machine_step(m, &rt), STOP_BUDGET);
    assert_false(rt.rd_valid); /* CMP writes flags only */
    assert_false(rt.mem_valid);

    assert_int_equal(machine_step(m, &rt), STOP_BUDGET);
    assert_true(rt.mem_valid && rt.mem_write);
    assert_int_equal(rt.mem_size, 1);
    assert_int_equal(rt.mem_vaddr, 0x905);
    assert_int_equal(rt.mem_paddr, BASE + 0x905);
    assert_int_equal(rt.mem_data & 0xFF, 0xDA);

    assert_int_equal(machine_step(m, &rt), STOP_TRAP);
    assert_true(rt.trapped);
    assert_int_equal(rt.pc, CODE + 20);
    assert_int_equal(rt.trap.cause, TRAP_PROTECTION);
    assert_int_equal(rt.trap.vaddr, LIMIT);
    assert_int_equal(rt.trap.paddr, BASE + LIMIT);
    assert_false(rt.rd_valid);
    assert_int_equal(rt.cycle_end - rt.cycle_begin, t->reloc_cycles + t->mem_cycles + t->trap_cycles);
}

static void test_counters_count(void **state)
{
    machine_t *m = *state;
    hw_counters_t c0 = *machine_counters(m);
    const uint32_t code[] = {I(OP_LOADA, 1, 0x2000), I(OP_STOREA, 1, 0x2004), R(OP_PUSH, 1, 0, 0),
                             R(OP_POP, 2, 0, 0),     R(OP_NOP, 0, 0, 0),      I(OP_LOADA, 1, 0x2002)};
    put(m, CODE, code, 6);
    start(m, 0, 0, 0);
    assert_int_equal(run_to_trap(m)->cause, TRAP_MISALIGNED);
    const hw_counters_t *c = machine_counters(m);
    assert_int_equal(c->instructions - c0.instructions, 5);
    assert_int_equal(c->loads - c0.loads, 2);
    assert_int_equal(c->stores - c0.stores, 2);
    assert_int_equal(c->traps - c0.traps, 1);
}

/* ---- a program from source ------------------------------------------------- */

/* The seed's vector copy (slide 5), assembled from text, copied unmodified to
 * physical 10000 and run under base/limit (slide 10): the destination must
 * equal the source, and the clock must read what docs/timing.md says. */
static void test_seed_vector_copy_under_base_limit(void **state)
{
    machine_t *m = *state;
    static const char source[] = "        .text\n"
                                 "        .org 100\n"
                                 "start:  LOAD R1, #src\n"
                                 "        LOAD R2, #dst\n"
                                 "        LOAD R3, /size\n"
                                 "loop:   LOAD R4, [R1]\n"
                                 "        STORE R4, [R2]\n"
                                 "        ADD R1, #4\n"
                                 "        ADD R2, #4\n"
                                 "        DEC R3\n"
                                 "        JNZ loop\n"
                                 "        HALT\n"
                                 "        .data\n"
                                 "        .org 1000\n"
                                 "src:    .word 3, 1, 4, 1, 5, 9, 2, 6, 5, 3\n"
                                 "        .org 1500\n"
                                 "size:   .word 10\n"
                                 "        .bss\n"
                                 "        .org 2000\n"
                                 "dst:    .space 40\n";
    FILE *errors = tmpfile();
    asm_options_t opt = {.errors = errors};
    exe_t exe;
    assert_int_equal(asm_assemble("seed.s", source, sizeof source - 1, &opt, &exe), 0);
    fclose(errors);
    const uint32_t base = 10000;
    for (int i = 0; i < exe.nsections; i++)
        if (!exe.sections[i].nobits)
            assert_true(machine_phys_write(m, base + exe.sections[i].addr, exe.sections[i].data, exe.sections[i].size));
    assert_int_equal(word_at(m, base + 100), 0x101003E8); /* LOAD R1, #1000, as on the slide */
    assert_int_equal(word_at(m, base + 132), 0x42000070); /* JNZ /112 */
    mmu(m, MMU_RELOC, base, 2040, 0);
    start(m, 0, 0, 0);
    cpu_state_t s = cpu(m);
    s.pc = exe.entry;
    machine_set_state(m, &s);
    exe_free(&exe);
    uint64_t t0 = machine_cycles(m);
    run_to_halt(m);
    for (uint32_t i = 0; i < 10; i++)
        assert_int_equal(word_at(m, base + 2000 + 4 * i), word_at(m, base + 1000 + 4 * i));
    assert_int_equal(word_at(m, 2000), 0); /* nothing at the logical address itself */
    const timing_t *t = &m->cfg.timing;
    uint64_t alu = t->mem_cycles + t->exec_cycles, data = alu + t->mem_cycles;
    assert_int_equal(machine_cycles(m) - t0, 2 * alu + data + 10 * (2 * data + 4 * alu) + alu + t->trap_cycles);
}

/* ---- the fast path against the reference path ---------------------------- */

/*
 * machine_run may run decoded blocks (cpu/blocks.h) where machine_step runs
 * one instruction the reference way; what is observed must be the same.
 * Random programs -- every opcode, jumps anywhere in the program, accesses
 * around a data area, into the program itself (self-modifying code) and
 * across the limit, traps of every kind -- run on two machines, one with
 * machine_run for random budgets, the other stepped to the same clock;
 * after every stop the registers, flags, PC, clock, counters, trap and all
 * of memory must agree.  A trap is "served" the same way on both: the
 * program goes on after the trapping instruction.
 */
#define PROG 0x1000u   /* logical address of the random program */
#define NPROG 192u     /* its words                              */
#define DATA 0x3000u   /* data the pointer registers point into  */

static const random_layout_t random_layout = {.code = PROG, .code_words = NPROG, .data = DATA, .data_bytes = 0x400};

static void set_up_random(machine_t *m, uint32_t seed, uint32_t base, bool reloc)
{
    uint32_t s = seed;
    for (uint32_t i = 0; i < NPROG; i++)
        assert_true(machine_write32(m, base + PROG + 4 * i, random_insn(&random_layout, &s)));
    for (uint32_t a = DATA; a < DATA + 0x400; a += 4)
        assert_true(machine_write32(m, base + a, xorshift(&s)));
    if (reloc)
        mmu(m, MMU_RELOC, base, 0x4000, 0);
    else
        mmu(m, MMU_BARE, 0, 0, 0x8000);
    cpu_state_t st;
    memset(&st, 0, sizeof st);
    st.pc = PROG;
    st.priv = MODE_USER;
    random_registers(&random_layout, &s, &st);
    st.r[11] = 0x4000 - 8; /* next to the limit or into the OS */
    st.r[ISA_REG_SP] = DATA + 0x300;
    machine_set_state(m, &st);
}

static void test_fast_path_matches_single_steps(void **state)
{
    (void)state;
    uint64_t traps = 0, instructions = 0;
    for (uint32_t seed = 1; seed <= 40; seed++) {
        bool reloc = seed % 2;
        uint32_t base = reloc ? 0x8000 : 0;
        machine_t *a = machine_with(NULL), *b = machine_with(NULL);
        set_up_random(a, seed * 2654435761u, base, reloc);
        set_up_random(b, seed * 2654435761u, base, reloc);
        uint32_t s = seed;
        for (uint64_t stop = 0; stop < 300 && machine_cycles(a) < 20000; stop++) {
            uint64_t limit = machine_cycles(a) + 1 + xorshift(&s) % (xorshift(&s) % 4 ? 40 : 400);
            char where[32];
            snprintf(where, sizeof where, "seed %u", seed);
            const stop_t sa = run_and_step_to(a, b, limit, where, stop);
            same_machines(a, b, MEM, where, stop);
            if (sa != STOP_TRAP)
                continue;
            traps++;
            const trap_t *ta = machine_trap(a);
            same_traps(ta, machine_trap(b), where, stop);
            /* serve it: go on after the trapping instruction (a system call already has) */
            cpu_state_t st = cpu(a);
            if (ta->cause != TRAP_SYSCALL)
                st.pc = ta->pc + 4;
            if ((st.pc & 3) || st.pc < PROG || st.pc >= PROG + 4 * NPROG)
                st.pc = PROG;
            machine_set_state(a, &st);
            machine_set_state(b, &st);
        }
        instructions += machine_counters(a)->instructions;
        machine_destroy(a);
        machine_destroy(b);
    }
    /* the programs did run, and trapped in many ways */
    assert_true(instructions > 20000);
    assert_true(traps > 200);
}

static void test_bad_configuration_is_refused(void **state)
{
    (void)state;
    machine_config_t cfg;
    machine_config_defaults(&cfg);
    char err[256] = "";
    cfg.mem_size = 1000;
    assert_null(cmodel_create(&cfg, NULL, err, sizeof err));
    assert_non_null(strstr(err, "4K"));
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_alu_results_and_flags),
        T(test_branches_test_their_flags),
        T(test_branches_after_cmp_mean_the_comparison),
        T(test_unconditional_jumps),
        T(test_push_pop_call_ret),
        T(test_byte_and_word_accesses),
        T(test_lui_or_builds_any_constant),
        T(test_lea_computes_without_access),
        T(test_divide_by_zero_traps),
        T(test_every_undefined_opcode_is_illegal),
        T(test_misaligned_word_accesses_trap),
        T(test_misaligned_fetch_traps),
        T(test_base_limit_relocates_and_protects),
        T(test_base_limit_checks_every_access_kind),
        T(test_bare_fence_protects_the_os),
        T(test_bus_error_beyond_memory),
        T(test_syscall_completes_then_traps),
        T(test_halt_completes_then_traps),
        T(test_cycles_per_instruction_default_timing),
        T(test_cycles_follow_the_timing_config),
        T(test_changing_one_timing_value_changes_the_count),
        T(test_budget_stops_between_instructions),
        T(test_slices_give_the_same_result_as_one_run),
        T(test_step_describes_what_retired),
        T(test_counters_count),
        T(test_seed_vector_copy_under_base_limit),
        T(test_fast_path_matches_single_steps),
        T(test_bad_configuration_is_refused),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
