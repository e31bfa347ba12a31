/*
 * The C model of the hardware: a multi-cycle, in-order CPU with its MMU and
 * physical memory, behind the machine interface (machine/machine.h).
 *
 * One instruction at a time: fetch (translate, read memory), execute,
 * optionally one data access (translate, read or write memory).  The cycles
 * of an instruction follow the timing contract in docs/timing.md; they are
 * precomputed per opcode (cost[]) whenever the MMU mode changes, so the hot
 * path adds one number.  A trap stops the run with the cause, the PC and the
 * addresses in `trap`; the OS layer decides what happens next.
 *
 * The interpreter body is written once (run_loop) and instantiated per MMU
 * mode and with/without the retirement record, so the compiler removes the
 * mode switch and the observer code from the fast paths.
 */
#include <stdlib.h>
#include <string.h>

#include "cpu_internal.h"

_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "the model reads guest words with host loads");

#define ALWAYS_INLINE inline __attribute__((always_inline))
#define LIKELY(x) __builtin_expect(!!(x), 1)
#define UNLIKELY(x) __builtin_expect(!!(x), 0)

static ALWAYS_INLINE uint32_t mem_read32(const cmodel_t *cm, uint32_t pa)
{
    uint32_t v;
    memcpy(&v, cm->mem + pa, 4);
    return v;
}

static ALWAYS_INLINE void mem_write32(cmodel_t *cm, uint32_t pa, uint32_t v)
{
    memcpy(cm->mem + pa, &v, 4);
}

/* ---- flags ------------------------------------------------------------ */

static ALWAYS_INLINE uint32_t flags_zn(uint32_t r)
{
    return (r == 0 ? FLAG_Z : 0) | (r >> 31 ? FLAG_N : 0);
}

static ALWAYS_INLINE uint32_t alu_add(cmodel_t *cm, uint32_t a, uint32_t b)
{
    uint32_t r = a + b;
    cm->s.flags = flags_zn(r) | (r < a ? FLAG_C : 0) | ((((a ^ r) & (b ^ r)) >> 31) ? FLAG_V : 0);
    return r;
}

static ALWAYS_INLINE uint32_t alu_sub(cmodel_t *cm, uint32_t a, uint32_t b)
{
    uint32_t r = a - b;
    cm->s.flags = flags_zn(r) | (a < b ? FLAG_C : 0) | ((((a ^ b) & (a ^ r)) >> 31) ? FLAG_V : 0);
    return r;
}

static ALWAYS_INLINE uint32_t alu_logic(cmodel_t *cm, uint32_t r)
{
    cm->s.flags = flags_zn(r);
    return r;
}

/* INC and DEC keep C, as on most classic machines, so loops can carry. */
static ALWAYS_INLINE uint32_t alu_incdec(cmodel_t *cm, uint32_t a, uint32_t r, uint32_t overflow_at)
{
    cm->s.flags = flags_zn(r) | (cm->s.flags & FLAG_C) | (a == overflow_at ? FLAG_V : 0);
    return r;
}

static ALWAYS_INLINE bool branch_taken(unsigned op, uint32_t f)
{
    bool z = f & FLAG_Z, n = f & FLAG_N, c = f & FLAG_C, v = f & FLAG_V;
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
    default: return true; /* JMP */
    }
}

/* ---- translation -------------------------------------------------------- */

/*
 * Translate one access.  Returns TRAP_NONE with *pa set, or the fault with
 * cm->trap.paddr set to the physical address it would have reached.  Word
 * alignment is the caller's check.  Extra cycles beyond the constant per-
 * access cost (a TLB miss's walk) are added to *extra.
 */
static ALWAYS_INLINE trap_cause_t translate(cmodel_t *cm, mmu_mode_t mode, uint32_t va, uint32_t size,
                                            access_t acc, uint32_t *pa, uint64_t *extra)
{
    if (mode == MMU_PAGED)
        return paged_translate(cm, va, size, acc, pa, extra);
    if (mode == MMU_RELOC && cm->s.priv == MODE_USER) {
        /* One compare on the fast path: reach = min(limit, memory beyond base). */
        if (LIKELY((uint64_t)va + size <= cm->reloc_reach)) {
            *pa = cm->mmu.base + va;
            return TRAP_NONE;
        }
        cm->trap.paddr = cm->mmu.base + va;
        return (uint64_t)va + size > cm->mmu.limit ? TRAP_PROTECTION : TRAP_BUS;
    }
    /* bare machine (or kernel mode): physical addressing, fence for the user */
    if (LIKELY((uint64_t)va + size <= cm->bare_reach)) {
        *pa = va;
        return TRAP_NONE;
    }
    cm->trap.paddr = va;
    if (cm->s.priv == MODE_USER && mode == MMU_BARE && (uint64_t)va + size > cm->mmu.fence)
        return TRAP_FENCE;
    return TRAP_BUS;
}

/* ---- the interpreter ---------------------------------------------------- */

/*
 * Raise a trap: record it, charge the partial instruction and the trap entry.
 * `spent` is what the instruction used before the trap (docs/timing.md).
 */
static NOINLINE void raise_trap(cmodel_t *cm, trap_cause_t cause, access_t acc, uint32_t insn,
                                uint32_t vaddr, uint64_t spent)
{
    cm->trap.cause = cause;
    cm->trap.access = acc;
    cm->trap.pc = cm->s.pc;
    cm->trap.insn = insn;
    cm->trap.vaddr = vaddr;
    cm->trap.number = cause == TRAP_SYSCALL ? isa_u20(insn) : 0;
    if (cause == TRAP_SYSCALL || cause == TRAP_HALT)
        cm->trap.paddr = 0;
    cm->cycles += spent + cm->cfg_timing.trap_cycles;
    cm->cnt.traps++;
}

/* The body of the machine: run until the clock reaches `limit` or a trap.
 * With `observe`, run exactly one instruction and fill *rt. */
static ALWAYS_INLINE stop_t run_loop(cmodel_t *cm, uint64_t limit, mmu_mode_t mode, bool observe, retire_t *rt)
{
    uint32_t *const r = cm->s.r;
    const uint32_t fetch_cost = cm->fetch_cost;
    while (observe || cm->cycles < limit) {
        const uint32_t pc = cm->s.pc;
        uint32_t pa, insn;
        uint64_t extra = 0;
        trap_cause_t cause;
        if (UNLIKELY(pc & 3)) {
            raise_trap(cm, TRAP_MISALIGNED, ACC_FETCH, 0, pc, 0);
            cm->trap.paddr = pc;
            goto trapped;
        }
        cause = translate(cm, mode, pc, 4, ACC_FETCH, &pa, &extra);
        if (UNLIKELY(cause)) {
            raise_trap(cm, cause, ACC_FETCH, 0, pc, extra);
            goto trapped;
        }
        insn = mem_read32(cm, pa);
        const unsigned op = isa_opcode(insn), ra = isa_ra(insn), rb = isa_rb(insn);
        if (observe) {
            rt->pc = pc;
            rt->insn = insn;
            rt->fetch_xlate = cm->last_xlate;
        }
        uint32_t next_pc = pc + 4;
        uint32_t va = 0, val = 0;
        switch (op) {
        case OP_NOP: break;
        case OP_LOADI: r[ra] = isa_u20(insn); break;
        case OP_LUI: r[ra] = isa_u20(insn) << 12; break;
        case OP_MOV: r[ra] = r[rb]; break;
        case OP_LEA: r[ra] = r[rb] + isa_s16(insn); break;
        case OP_ADD: r[ra] = alu_add(cm, r[ra], r[rb]); break;
        case OP_ADDI: r[ra] = alu_add(cm, r[ra], isa_s20(insn)); break;
        case OP_SUB: r[ra] = alu_sub(cm, r[ra], r[rb]); break;
        case OP_SUBI: r[ra] = alu_sub(cm, r[ra], isa_s20(insn)); break;
        case OP_CMP: alu_sub(cm, r[ra], r[rb]); break;
        case OP_CMPI: alu_sub(cm, r[ra], isa_s20(insn)); break;
        case OP_NEG: r[ra] = alu_sub(cm, 0, r[ra]); break;
        case OP_AND: r[ra] = alu_logic(cm, r[ra] & r[rb]); break;
        case OP_ANDI: r[ra] = alu_logic(cm, r[ra] & isa_u20(insn)); break;
        case OP_OR: r[ra] = alu_logic(cm, r[ra] | r[rb]); break;
        case OP_ORI: r[ra] = alu_logic(cm, r[ra] | isa_u20(insn)); break;
        case OP_XOR: r[ra] = alu_logic(cm, r[ra] ^ r[rb]); break;
        case OP_XORI: r[ra] = alu_logic(cm, r[ra] ^ isa_u20(insn)); break;
        case OP_NOT: r[ra] = alu_logic(cm, ~r[ra]); break;
        case OP_SHL: r[ra] = alu_logic(cm, r[ra] << (r[rb] & 31)); break;
        case OP_SHLI: r[ra] = alu_logic(cm, r[ra] << (isa_u20(insn) & 31)); break;
        case OP_SHR: r[ra] = alu_logic(cm, r[ra] >> (r[rb] & 31)); break;
        case OP_SHRI: r[ra] = alu_logic(cm, r[ra] >> (isa_u20(insn) & 31)); break;
        case OP_SAR: r[ra] = alu_logic(cm, (uint32_t)((int32_t)r[ra] >> (r[rb] & 31))); break;
        case OP_SARI: r[ra] = alu_logic(cm, (uint32_t)((int32_t)r[ra] >> (isa_u20(insn) & 31))); break;
        case OP_MUL: r[ra] = alu_logic(cm, r[ra] * r[rb]); break;
        case OP_MULI: r[ra] = alu_logic(cm, r[ra] * isa_s20(insn)); break;
        case OP_DIVU:
        case OP_REMU:
            if (UNLIKELY(r[rb] == 0)) {
                raise_trap(cm, TRAP_DIV_ZERO, ACC_FETCH, insn, pc, fetch_cost + extra);
                cm->trap.paddr = 0;
                goto trapped;
            }
            r[ra] = alu_logic(cm, op == OP_DIVU ? r[ra] / r[rb] : r[ra] % r[rb]);
            break;
        case OP_INC: r[ra] = alu_incdec(cm, r[ra], r[ra] + 1, 0x7FFFFFFF); break;
        case OP_DEC: r[ra] = alu_incdec(cm, r[ra], r[ra] - 1, 0x80000000); break;
        case OP_JMP: case OP_JZ: case OP_JNZ: case OP_JLT: case OP_JGE: case OP_JLE:
        case OP_JGT: case OP_JB: case OP_JAE: case OP_JBE: case OP_JA:
            if (branch_taken(op, cm->s.flags))
                next_pc = isa_u20(insn);
            break;
        case OP_JMPR: next_pc = r[rb]; break;

        /* data accesses: compute the address, then the shared access code */
        case OP_LOADA: case OP_LOADBA: va = isa_u20(insn); goto load;
        case OP_LOADM: case OP_LOADBM: va = r[rb] + isa_s16(insn); goto load;
        case OP_POP: va = r[ISA_REG_SP]; goto load;
        case OP_RET: va = r[ISA_REG_SP]; goto load;
        case OP_STOREA: case OP_STOREBA: va = isa_u20(insn); val = r[ra]; goto store;
        case OP_STOREM: case OP_STOREBM: va = r[rb] + isa_s16(insn); val = r[ra]; goto store;
        case OP_PUSH: va = r[ISA_REG_SP] - 4; val = r[ra]; goto store;
        case OP_CALL: va = r[ISA_REG_SP] - 4; val = next_pc; goto store;
        case OP_CALLR: va = r[ISA_REG_SP] - 4; val = next_pc; goto store;

        case OP_SYSCALL:
            raise_trap(cm, TRAP_SYSCALL, ACC_FETCH, insn, pc, cm->cost[op] + extra);
            cm->s.pc = next_pc; /* a system call returns past itself */
            cm->trap.pc = pc;
            cm->cnt.instructions++;
            goto trapped;
        case OP_HALT:
            raise_trap(cm, TRAP_HALT, ACC_FETCH, insn, pc, cm->cost[op] + extra);
            goto trapped;
        default:
            raise_trap(cm, TRAP_ILLEGAL, ACC_FETCH, insn, pc, fetch_cost + extra);
            cm->trap.paddr = pa;
            goto trapped;
        }
        goto retire;

    load: {
            const uint32_t size = isa_info[op].size;
            if (UNLIKELY(va & (size - 1))) {
                raise_trap(cm, TRAP_MISALIGNED, ACC_LOAD, insn, va, fetch_cost + extra);
                cm->trap.paddr = 0;
                goto trapped;
            }
            cause = translate(cm, mode, va, size, ACC_LOAD, &pa, &extra);
            if (UNLIKELY(cause)) {
                raise_trap(cm, cause, ACC_LOAD, insn, va, fetch_cost + extra);
                goto trapped;
            }
            val = size == 4 ? mem_read32(cm, pa) : cm->mem[pa];
            cm->cnt.loads++;
            if (op == OP_RET) {
                next_pc = val;
                r[ISA_REG_SP] += 4;
            } else {
                if (op == OP_POP)
                    r[ISA_REG_SP] += 4;
                r[ra] = val;
            }
            goto data_done;
        }
    store: {
            const uint32_t size = isa_info[op].size;
            if (UNLIKELY(va & (size - 1))) {
                raise_trap(cm, TRAP_MISALIGNED, ACC_STORE, insn, va, fetch_cost + extra);
                cm->trap.paddr = 0;
                goto trapped;
            }
            cause = translate(cm, mode, va, size, ACC_STORE, &pa, &extra);
            if (UNLIKELY(cause)) {
                raise_trap(cm, cause, ACC_STORE, insn, va, fetch_cost + extra);
                goto trapped;
            }
            if (size == 4)
                mem_write32(cm, pa, val);
            else
                cm->mem[pa] = (uint8_t)val;
            cm->cnt.stores++;
            if (op == OP_PUSH || op == OP_CALL || op == OP_CALLR) {
                r[ISA_REG_SP] = va;
                if (op == OP_CALL)
                    next_pc = isa_u20(insn);
                else if (op == OP_CALLR)
                    next_pc = r[rb];
            }
        }
    data_done:
        if (observe) {
            rt->mem_valid = true;
            rt->mem_write = isa_info[op].mem == MEM_STORE;
            rt->mem_size = (uint8_t)isa_info[op].size;
            rt->mem_vaddr = va;
            rt->mem_paddr = pa;
            rt->mem_data = val;
            rt->data_xlate = cm->last_xlate;
        }
    retire:
        cm->s.pc = next_pc;
        cm->cycles += cm->cost[op] + extra;
        cm->cnt.instructions++;
        if (observe)
            return STOP_BUDGET;
    }
    return STOP_BUDGET;

trapped:
    if (observe) {
        rt->trapped = true;
        rt->trap = cm->trap;
    }
    return STOP_TRAP;
}

static stop_t run_bare(cmodel_t *cm, uint64_t limit) { return run_loop(cm, limit, MMU_BARE, false, NULL); }
static stop_t run_reloc(cmodel_t *cm, uint64_t limit) { return run_loop(cm, limit, MMU_RELOC, false, NULL); }
static stop_t run_paged(cmodel_t *cm, uint64_t limit) { return run_loop(cm, limit, MMU_PAGED, false, NULL); }
static stop_t step_bare(cmodel_t *cm, retire_t *rt) { return run_loop(cm, 0, MMU_BARE, true, rt); }
static stop_t step_reloc(cmodel_t *cm, retire_t *rt) { return run_loop(cm, 0, MMU_RELOC, true, rt); }
static stop_t step_paged(cmodel_t *cm, retire_t *rt) { return run_loop(cm, 0, MMU_PAGED, true, rt); }

/* ---- machine interface -------------------------------------------------- */

static cmodel_t *as_cm(machine_t *m) { return (cmodel_t *)m; }

static stop_t cm_run(machine_t *m, uint64_t limit)
{
    cmodel_t *cm = as_cm(m);
    switch (cm->mmu.mode) {
    case MMU_BARE: return run_bare(cm, limit);
    case MMU_RELOC: return run_reloc(cm, limit);
    case MMU_PAGED: return run_paged(cm, limit);
    }
    return STOP_BUDGET;
}

static stop_t cm_step(machine_t *m, retire_t *rt)
{
    cmodel_t *cm = as_cm(m);
    memset(rt, 0, sizeof *rt);
    rt->cycle_begin = cm->cycles;
    rt->pc = cm->s.pc;
    cm->last_xlate = (retire_xlate_t){0};
    stop_t stop;
    switch (cm->mmu.mode) {
    case MMU_BARE: stop = step_bare(cm, rt); break;
    case MMU_RELOC: stop = step_reloc(cm, rt); break;
    default: stop = step_paged(cm, rt); break;
    }
    rt->cycle_end = cm->cycles;
    if (!rt->trapped && isa_writes_ra(isa_opcode(rt->insn))) {
        rt->rd_valid = true;
        rt->rd = (uint8_t)isa_ra(rt->insn);
        rt->rd_value = cm->s.r[rt->rd];
    }
    return stop;
}

static void cm_destroy(machine_t *m)
{
    cmodel_t *cm = as_cm(m);
    paged_destroy(cm);
    free(cm->mem);
    free(cm);
}

static void cm_get_state(machine_t *m, cpu_state_t *s) { *s = as_cm(m)->s; }
static void cm_set_state(machine_t *m, const cpu_state_t *s) { as_cm(m)->s = *s; }

static bool cm_phys_read(machine_t *m, uint32_t pa, void *buf, uint32_t len)
{
    cmodel_t *cm = as_cm(m);
    if ((uint64_t)pa + len > cm->mem_size)
        return false;
    memcpy(buf, cm->mem + pa, len);
    return true;
}

static bool cm_phys_write(machine_t *m, uint32_t pa, const void *buf, uint32_t len)
{
    cmodel_t *cm = as_cm(m);
    if ((uint64_t)pa + len > cm->mem_size)
        return false;
    memcpy(cm->mem + pa, buf, len);
    return true;
}

/* Per-opcode cycles of a completed instruction under the current MMU mode. */
static void compute_costs(cmodel_t *cm)
{
    const timing_t *t = &cm->cfg_timing;
    uint32_t xlate = cm->mmu.mode == MMU_RELOC ? t->reloc_cycles : cm->mmu.mode == MMU_PAGED ? t->tlb_hit_cycles : 0;
    cm->fetch_cost = xlate + t->mem_cycles;
    for (int op = 0; op < 256; op++) {
        const isa_info_t *info = &isa_info[op];
        uint32_t exec = t->exec_cycles;
        if (info->cls == CLASS_MUL)
            exec = t->mul_cycles;
        else if (info->cls == CLASS_DIV)
            exec = t->div_cycles;
        cm->cost[op] = cm->fetch_cost + exec + (info->mem != MEM_NONE ? xlate + t->mem_cycles : 0);
    }
}

/* The fence only binds user mode; kernel-mode accesses reach all memory. */
static void cm_update_reach(cmodel_t *cm)
{
    uint64_t fence = cm->mmu.mode == MMU_BARE && cm->s.priv == MODE_USER ? cm->mmu.fence : cm->mem_size;
    cm->bare_reach = fence < cm->mem_size ? fence : cm->mem_size;
}

static void cm_mmu_set(machine_t *m, const mmu_regs_t *regs)
{
    cmodel_t *cm = as_cm(m);
    cm->mmu = *regs;
    m->mmu = *regs;
    uint64_t room = regs->base < cm->mem_size ? cm->mem_size - regs->base : 0;
    cm->reloc_reach = regs->limit < room ? regs->limit : room;
    cm_update_reach(cm);
    compute_costs(cm);
    paged_mmu_set(cm);
}

static void cm_set_state_checked(machine_t *m, const cpu_state_t *s)
{
    cm_set_state(m, s);
    cm_update_reach(as_cm(m));
}

static uint64_t cm_cycles(machine_t *m) { return as_cm(m)->cycles; }
static void cm_charge(machine_t *m, uint64_t c) { as_cm(m)->cycles += c; }
static const hw_counters_t *cm_counters(machine_t *m) { return &as_cm(m)->cnt; }
static const trap_t *cm_trap(machine_t *m) { return &as_cm(m)->trap; }

static const machine_ops_t cmodel_ops = {
    .name = "c",
    .destroy = cm_destroy,
    .run = cm_run,
    .step = cm_step,
    .get_state = cm_get_state,
    .set_state = cm_set_state_checked,
    .phys_read = cm_phys_read,
    .phys_write = cm_phys_write,
    .mmu_set = cm_mmu_set,
    .tlb_flush = paged_tlb_flush,
    .tlb_read = paged_tlb_read,
    .cycles = cm_cycles,
    .charge = cm_charge,
    .counters = cm_counters,
    .trap = cm_trap,
};

machine_t *cmodel_create(const machine_config_t *cfg, evbus_t *bus, char *err, size_t errlen)
{
    if (cfg->mem_size < 4096 || cfg->mem_size % 4096) {
        snprintf(err, errlen, "--mem: %u bytes; physical memory must be a multiple of 4K, at least 4K",
                 cfg->mem_size);
        return NULL;
    }
    cmodel_t *cm = calloc(1, sizeof *cm);
    if (!cm || !(cm->mem = calloc(1, cfg->mem_size))) {
        free(cm);
        snprintf(err, errlen, "out of host memory for %u bytes of modeled memory", cfg->mem_size);
        return NULL;
    }
    cm->m.ops = &cmodel_ops;
    cm->m.cfg = *cfg;
    cm->m.bus = bus;
    cm->cfg_timing = cfg->timing;
    cm->mem_size = cfg->mem_size;
    cm->s.priv = MODE_USER;
    if (!paged_create(cm, err, errlen)) {
        free(cm->mem);
        free(cm);
        return NULL;
    }
    mmu_regs_t bare = {.mode = MMU_BARE, .fence = cfg->mem_size};
    cm_mmu_set(&cm->m, &bare);
    return &cm->m;
}
