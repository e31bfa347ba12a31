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

/* ---- hot state -------------------------------------------------------------
 *
 * The loop keeps the PC, the clock, the counters and the flags in locals (host
 * registers): guest stores go through a byte pointer, which may alias
 * anything in memory, so state left in *cm would be reloaded after each one.
 * The flags are kept lazily: `zn` is the last result that set Z and N.
 */
typedef struct {
    uint32_t pc;
    uint64_t cycles, instret, loads, stores;
    uint32_t zn;
    bool c, v;
} hot_t;

static ALWAYS_INLINE hot_t hot_load(const cmodel_t *cm)
{
    uint32_t f = cm->s.flags;
    hot_t h = {cm->s.pc, cm->cycles, cm->cnt.instructions, cm->cnt.loads, cm->cnt.stores, 0, false, false};
    h.zn = (f & FLAG_Z) ? 0 : (f & FLAG_N) ? 0x80000000u : 1;
    h.c = f & FLAG_C;
    h.v = f & FLAG_V;
    return h;
}

static ALWAYS_INLINE void hot_store(cmodel_t *cm, const hot_t *h)
{
    cm->s.pc = h->pc;
    cm->cycles = h->cycles;
    cm->cnt.instructions = h->instret;
    cm->cnt.loads = h->loads;
    cm->cnt.stores = h->stores;
    cm->s.flags = (h->zn == 0 ? FLAG_Z : 0) | (h->zn >> 31 ? FLAG_N : 0) | (h->c ? FLAG_C : 0) | (h->v ? FLAG_V : 0);
}

static ALWAYS_INLINE uint32_t alu_add(hot_t *h, uint32_t a, uint32_t b)
{
    uint32_t r = a + b;
    h->zn = r;
    h->c = r < a;
    h->v = ((a ^ r) & (b ^ r)) >> 31;
    return r;
}

static ALWAYS_INLINE uint32_t alu_sub(hot_t *h, uint32_t a, uint32_t b)
{
    uint32_t r = a - b;
    h->zn = r;
    h->c = a < b;
    h->v = ((a ^ b) & (a ^ r)) >> 31;
    return r;
}

/* Logic, shifts, MUL, DIVU, REMU: Z and N from the result, C and V cleared. */
static ALWAYS_INLINE uint32_t alu_logic(hot_t *h, uint32_t r)
{
    h->zn = r;
    h->c = h->v = false;
    return r;
}

/* INC and DEC keep C, as on most classic machines, so loops can carry. */
static ALWAYS_INLINE uint32_t alu_incdec(hot_t *h, uint32_t a, uint32_t r, uint32_t overflow_at)
{
    h->zn = r;
    h->v = a == overflow_at;
    return r;
}

static ALWAYS_INLINE bool branch_taken(unsigned op, const hot_t *h)
{
    bool z = h->zn == 0, n = h->zn >> 31, c = h->c, v = h->v;
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

/* What translation needs, copied into locals for the run. */
typedef struct {
    uint32_t base;
    uint64_t reach; /* user accesses below it need no further check */
} xlate_regs_t;

static ALWAYS_INLINE xlate_regs_t xlate_regs(const cmodel_t *cm, mmu_mode_t mode)
{
    bool relocating = mode == MMU_RELOC && cm->s.priv == MODE_USER;
    return (xlate_regs_t){relocating ? cm->mmu.base : 0, relocating ? cm->reloc_reach : cm->bare_reach};
}

/* The slow side of a contiguous-mode check: which fault, and where it went. */
static NOINLINE trap_cause_t contiguous_fault(cmodel_t *cm, mmu_mode_t mode, uint32_t va, uint32_t size)
{
    bool relocating = mode == MMU_RELOC && cm->s.priv == MODE_USER;
    if (relocating) {
        cm->trap.paddr = cm->mmu.base + va;
        return (uint64_t)va + size > cm->mmu.limit ? TRAP_PROTECTION : TRAP_BUS;
    }
    cm->trap.paddr = va;
    if (cm->s.priv == MODE_USER && mode == MMU_BARE && (uint64_t)va + size > cm->mmu.fence)
        return TRAP_FENCE;
    return TRAP_BUS;
}

/*
 * Translate one access.  Returns TRAP_NONE with *pa set, or the fault with
 * cm->trap.paddr set to the physical address it would have reached.  Word
 * alignment is the caller's check.  Extra cycles beyond the constant per-
 * access cost (a TLB miss's walk) are added to *extra.
 */
static ALWAYS_INLINE trap_cause_t translate(cmodel_t *cm, mmu_mode_t mode, const xlate_regs_t *x, uint32_t va,
                                            uint32_t size, access_t acc, uint32_t *pa, uint64_t *extra)
{
    if (mode == MMU_PAGED)
        return paged_translate(cm, va, size, acc, pa, extra);
    if (LIKELY((uint64_t)va + size <= x->reach)) {
        *pa = x->base + va;
        return TRAP_NONE;
    }
    return contiguous_fault(cm, mode, va, size);
}

/* ---- the interpreter ---------------------------------------------------- */

/*
 * Raise a trap: record it, charge the partial instruction and the trap entry
 * (`spent` is what the instruction used before the trap, docs/timing.md),
 * and write the hot state back.
 */
static NOINLINE void raise_trap(cmodel_t *cm, hot_t *h, trap_cause_t cause, access_t acc, uint32_t insn,
                                uint32_t vaddr, uint64_t spent)
{
    cm->trap.cause = cause;
    cm->trap.access = acc;
    cm->trap.pc = h->pc;
    cm->trap.insn = insn;
    cm->trap.vaddr = vaddr;
    cm->trap.number = cause == TRAP_SYSCALL ? isa_u20(insn) : 0;
    h->cycles += spent + cm->cfg_timing.trap_cycles;
    cm->cnt.traps++;
    hot_store(cm, h);
}

/* The body of the machine: run until the clock reaches `limit` or a trap.
 * With `observe`, run exactly one instruction and fill *rt. */
static ALWAYS_INLINE stop_t run_loop(cmodel_t *cm, uint64_t limit, mmu_mode_t mode, bool observe, retire_t *rt)
{
    uint32_t *const r = cm->s.r;
    uint8_t *const mem = cm->mem;
    const uint32_t *const cost = cm->cost;
    const uint32_t fetch_cost = cm->fetch_cost;
    const xlate_regs_t x = xlate_regs(cm, mode);
    hot_t h = hot_load(cm);
    while (observe || h.cycles < limit) {
        const uint32_t pc = h.pc;
        uint32_t pa = 0, insn;
        uint64_t extra = 0;
        trap_cause_t cause;
        if (UNLIKELY(pc & 3)) {
            cm->trap.paddr = pc;
            raise_trap(cm, &h, TRAP_MISALIGNED, ACC_FETCH, 0, pc, 0);
            goto trapped;
        }
        cause = translate(cm, mode, &x, pc, 4, ACC_FETCH, &pa, &extra);
        if (UNLIKELY(cause)) {
            raise_trap(cm, &h, cause, ACC_FETCH, 0, pc, extra);
            goto trapped;
        }
        memcpy(&insn, mem + pa, 4);
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
        case OP_ADD: r[ra] = alu_add(&h, r[ra], r[rb]); break;
        case OP_ADDI: r[ra] = alu_add(&h, r[ra], isa_s20(insn)); break;
        case OP_SUB: r[ra] = alu_sub(&h, r[ra], r[rb]); break;
        case OP_SUBI: r[ra] = alu_sub(&h, r[ra], isa_s20(insn)); break;
        case OP_CMP: alu_sub(&h, r[ra], r[rb]); break;
        case OP_CMPI: alu_sub(&h, r[ra], isa_s20(insn)); break;
        case OP_NEG: r[ra] = alu_sub(&h, 0, r[ra]); break;
        case OP_AND: r[ra] = alu_logic(&h, r[ra] & r[rb]); break;
        case OP_ANDI: r[ra] = alu_logic(&h, r[ra] & isa_u20(insn)); break;
        case OP_OR: r[ra] = alu_logic(&h, r[ra] | r[rb]); break;
        case OP_ORI: r[ra] = alu_logic(&h, r[ra] | isa_u20(insn)); break;
        case OP_XOR: r[ra] = alu_logic(&h, r[ra] ^ r[rb]); break;
        case OP_XORI: r[ra] = alu_logic(&h, r[ra] ^ isa_u20(insn)); break;
        case OP_NOT: r[ra] = alu_logic(&h, ~r[ra]); break;
        case OP_SHL: r[ra] = alu_logic(&h, r[ra] << (r[rb] & 31)); break;
        case OP_SHLI: r[ra] = alu_logic(&h, r[ra] << (isa_u20(insn) & 31)); break;
        case OP_SHR: r[ra] = alu_logic(&h, r[ra] >> (r[rb] & 31)); break;
        case OP_SHRI: r[ra] = alu_logic(&h, r[ra] >> (isa_u20(insn) & 31)); break;
        case OP_SAR: r[ra] = alu_logic(&h, (uint32_t)((int32_t)r[ra] >> (r[rb] & 31))); break;
        case OP_SARI: r[ra] = alu_logic(&h, (uint32_t)((int32_t)r[ra] >> (isa_u20(insn) & 31))); break;
        case OP_MUL: r[ra] = alu_logic(&h, r[ra] * r[rb]); break;
        case OP_MULI: r[ra] = alu_logic(&h, r[ra] * isa_s20(insn)); break;
        case OP_DIVU:
        case OP_REMU:
            if (UNLIKELY(r[rb] == 0)) {
                cm->trap.paddr = 0;
                raise_trap(cm, &h, TRAP_DIV_ZERO, ACC_FETCH, insn, pc, fetch_cost + extra);
                goto trapped;
            }
            r[ra] = alu_logic(&h, op == OP_DIVU ? r[ra] / r[rb] : r[ra] % r[rb]);
            break;
        case OP_INC: r[ra] = alu_incdec(&h, r[ra], r[ra] + 1, 0x7FFFFFFF); break;
        case OP_DEC: r[ra] = alu_incdec(&h, r[ra], r[ra] - 1, 0x80000000); break;
        case OP_JMP: case OP_JZ: case OP_JNZ: case OP_JLT: case OP_JGE: case OP_JLE:
        case OP_JGT: case OP_JB: case OP_JAE: case OP_JBE: case OP_JA:
            if (branch_taken(op, &h))
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

        case OP_SYSCALL: /* a system call completes, then traps; it returns past itself */
            cm->trap.paddr = 0;
            h.instret++;
            raise_trap(cm, &h, TRAP_SYSCALL, ACC_FETCH, insn, pc, cost[op] + extra);
            cm->s.pc = next_pc;
            goto trapped;
        case OP_HALT:
            cm->trap.paddr = 0;
            raise_trap(cm, &h, TRAP_HALT, ACC_FETCH, insn, pc, cost[op] + extra);
            goto trapped;
        default:
            cm->trap.paddr = pa;
            raise_trap(cm, &h, TRAP_ILLEGAL, ACC_FETCH, insn, pc, fetch_cost + extra);
            goto trapped;
        }
        goto retire;

    load: {
            const uint32_t size = isa_info[op].size;
            if (UNLIKELY(va & (size - 1))) {
                cm->trap.paddr = 0;
                raise_trap(cm, &h, TRAP_MISALIGNED, ACC_LOAD, insn, va, fetch_cost + extra);
                goto trapped;
            }
            cause = translate(cm, mode, &x, va, size, ACC_LOAD, &pa, &extra);
            if (UNLIKELY(cause)) {
                raise_trap(cm, &h, cause, ACC_LOAD, insn, va, fetch_cost + extra);
                goto trapped;
            }
            if (size == 4)
                memcpy(&val, mem + pa, 4);
            else
                val = mem[pa];
            h.loads++;
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
                cm->trap.paddr = 0;
                raise_trap(cm, &h, TRAP_MISALIGNED, ACC_STORE, insn, va, fetch_cost + extra);
                goto trapped;
            }
            cause = translate(cm, mode, &x, va, size, ACC_STORE, &pa, &extra);
            if (UNLIKELY(cause)) {
                raise_trap(cm, &h, cause, ACC_STORE, insn, va, fetch_cost + extra);
                goto trapped;
            }
            if (size == 4)
                memcpy(mem + pa, &val, 4);
            else
                mem[pa] = (uint8_t)val;
            h.stores++;
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
        h.pc = next_pc;
        h.cycles += cost[op] + extra;
        h.instret++;
        if (observe)
            break;
    }
    hot_store(cm, &h);
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
