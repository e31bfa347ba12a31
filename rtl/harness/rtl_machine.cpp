// The Verilated RTL behind the machine interface (machine/machine.h).
//
// rtl_create() builds the model (rtl/mmulab_top.sv), resets it with the
// configuration written through the debug port, and returns a machine_t whose
// operations drive the ports: run and step clock the core until it stops,
// the registers, the MMU registers, flushes and counters go through the debug
// port, the retirement port fills retire_t, and physical memory is the
// memory's array, reached through the model's public signal (a backdoor, as a
// testbench's $readmemh).  The C side never sees a C++ type.
//
// Reset randomisation: Verilator's --x-initial unique values come from the
// seed in MMULAB_RTL_SEED (default 1); the tests run two seeds.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>

#include <verilated.h>
#if VM_TRACE
#include <verilated_fst_c.h>

#include "gtkw.h"
#endif

#include "Vmmulab_top.h"
#include "Vmmulab_top___024root.h"

#include "../../mmu/seg.h"
#include "dbg_map.h"
#include "rtl.h"

extern "C" {
#include "../../mmu/geometry.h"
#include "../../mmu/tlb.h"
}

namespace {

constexpr uint32_t MEM_BYTES = 4u << 20; // MEM_WORDS * 4 of the Verilated top
constexpr uint32_t TLB_MAX = 64;

struct rtl_machine {
    machine_t m; // first: an rtl_machine is a machine_t
    VerilatedContext *ctx;
    Vmmulab_top *top;
    uint8_t *mem;
    trap_t trap;
    hw_counters_t cnt;
    frame_refs_t refs;
#if VM_TRACE
    VerilatedFstC *fst;
    std::string fst_path;
#endif
};

rtl_machine *as_rtl(machine_t *m) { return reinterpret_cast<rtl_machine *>(m); }

void tick(rtl_machine *r)
{
    Vmmulab_top *t = r->top;
    t->clk_i = 0;
    t->eval();
#if VM_TRACE
    if (r->fst)
        r->fst->dump(r->ctx->time());
    r->ctx->timeInc(1);
#endif
    t->clk_i = 1;
    t->eval();
#if VM_TRACE
    if (r->fst)
        r->fst->dump(r->ctx->time());
    r->ctx->timeInc(1);
#endif
}

// The inputs are registered (mmulab_top's input stage): a write lands one
// clock after it is presented, a read shows one clock after its address.
void dbg_write(rtl_machine *r, uint32_t addr, uint32_t value)
{
    r->top->dbg_we_i = 1;
    r->top->dbg_addr_i = addr;
    r->top->dbg_wdata_i = value;
    tick(r);
    r->top->dbg_we_i = 0;
    tick(r);
}

uint32_t dbg_read(rtl_machine *r, uint32_t addr)
{
    if (r->top->dbg_addr_i != addr || r->top->dbg_we_i) {
        r->top->dbg_addr_i = addr;
        r->top->dbg_we_i = 0;
        tick(r);
    }
    return r->top->dbg_rdata_o;
}

uint64_t dbg_read64(rtl_machine *r, uint32_t addr)
{
    return dbg_read(r, addr) | (uint64_t)dbg_read(r, addr + 1) << 32;
}

// Clock until the core stops; true if it stopped on a trap.
bool run_until_stopped(rtl_machine *r, uint64_t limit, bool single)
{
    Vmmulab_top *t = r->top;
    if (single) {
        t->step_i = 1;
        tick(r);
        t->step_i = 0;
    } else {
        t->limit_i = limit;
        t->run_i = 1;
    }
    do
        tick(r);
    while (!t->stopped_o && !r->ctx->gotFinish()); // (a failed assertion: rtl_assertions_soft)
    bool trapped = t->rvfi_valid_o && t->rvfi_trap_o;
    if (trapped) {
        trap_t *tr = &r->trap;
        tr->cause = (trap_cause_t)t->rvfi_trap_cause_o;
        tr->access = (access_t)t->rvfi_trap_access_o;
        tr->pc = t->rvfi_pc_o;
        tr->insn = t->rvfi_insn_o;
        tr->vaddr = t->rvfi_trap_vaddr_o;
        tr->paddr = t->rvfi_trap_paddr_o;
        tr->number = tr->cause == TRAP_SYSCALL ? (t->rvfi_insn_o & 0xFFFFF) : 0;
    }
    return trapped;
}

void stop_running(rtl_machine *r)
{
    r->top->run_i = 0;
    tick(r); // run_i is registered,
    tick(r); // then the core forgets its stop
}

stop_t rtl_run(machine_t *m, uint64_t limit)
{
    rtl_machine *r = as_rtl(m);
    bool trapped = run_until_stopped(r, limit, false);
    stop_running(r);
    return trapped ? STOP_TRAP : STOP_BUDGET;
}

void fill_xlate(Vmmulab_top *t, int k, retire_xlate_t *x)
{
    std::memset(x, 0, sizeof *x);
    x->valid = (t->rvfi_xl_valid_o >> k) & 1;
    x->tlb_hit = (t->rvfi_xl_hit_o >> k) & 1;
    x->steps = (uint8_t)((t->rvfi_xl_steps_o >> (2 * k)) & 3);
    for (int i = 0; i < RETIRE_MAX_WALK; i++) {
        x->pte_addr[i] = t->rvfi_xl_pte_addr_o[3 * k + i];
        x->pte[i] = t->rvfi_xl_pte_o[3 * k + i];
    }
    x->pte_written = (t->rvfi_xl_pte_written_o >> k) & 1;
    x->pte_new = (uint32_t)(t->rvfi_xl_pte_new_o >> (32 * k));
}

stop_t rtl_step(machine_t *m, retire_t *rt)
{
    rtl_machine *r = as_rtl(m);
    Vmmulab_top *t = r->top;
    bool trapped = run_until_stopped(r, UINT64_MAX, true);
    std::memset(rt, 0, sizeof *rt);
    rt->cycle_begin = t->rvfi_cycle_begin_o;
    rt->cycle_end = t->rvfi_cycle_end_o;
    rt->pc = t->rvfi_pc_o;
    rt->insn = t->rvfi_insn_o;
    rt->rd_valid = t->rvfi_rd_valid_o && !trapped;
    if (rt->rd_valid) {
        rt->rd = t->rvfi_rd_addr_o;
        rt->rd_value = t->rvfi_rd_wdata_o;
    }
    rt->mem_valid = t->rvfi_mem_valid_o;
    if (rt->mem_valid) {
        rt->mem_write = t->rvfi_mem_write_o;
        rt->mem_size = t->rvfi_mem_size_o;
        rt->mem_vaddr = t->rvfi_mem_vaddr_o;
        rt->mem_paddr = t->rvfi_mem_paddr_o;
        rt->mem_data = t->rvfi_mem_data_o;
    }
    if (t->rvfi_fetched_o) {
        fill_xlate(t, 0, &rt->fetch_xlate);
        if (rt->mem_valid)
            fill_xlate(t, 1, &rt->data_xlate);
    }
    rt->trapped = trapped;
    if (trapped)
        rt->trap = r->trap;
    return trapped ? STOP_TRAP : STOP_BUDGET;
}

void rtl_get_state(machine_t *m, cpu_state_t *s)
{
    rtl_machine *r = as_rtl(m);
    for (int i = 0; i < ISA_NREGS; i++)
        s->r[i] = dbg_read(r, (uint32_t)i);
    s->pc = dbg_read(r, DBG_PC);
    s->flags = dbg_read(r, DBG_FLAGS);
    s->priv = dbg_read(r, DBG_PRIV) ? MODE_KERNEL : MODE_USER;
}

void rtl_set_state(machine_t *m, const cpu_state_t *s)
{
    rtl_machine *r = as_rtl(m);
    for (int i = 0; i < ISA_NREGS; i++)
        dbg_write(r, (uint32_t)i, s->r[i]);
    dbg_write(r, DBG_PC, s->pc);
    dbg_write(r, DBG_FLAGS, s->flags & 0xF);
    dbg_write(r, DBG_PRIV, s->priv == MODE_KERNEL);
}

bool rtl_phys_read(machine_t *m, uint32_t pa, void *buf, uint32_t len)
{
    rtl_machine *r = as_rtl(m);
    if ((uint64_t)pa + len > m->cfg.mem_size)
        return false;
    std::memcpy(buf, r->mem + pa, len);
    return true;
}

bool rtl_phys_write(machine_t *m, uint32_t pa, const void *buf, uint32_t len)
{
    rtl_machine *r = as_rtl(m);
    if ((uint64_t)pa + len > m->cfg.mem_size)
        return false;
    std::memcpy(r->mem + pa, buf, len);
    return true;
}

void rtl_mmu_set(machine_t *m, const mmu_regs_t *regs)
{
    rtl_machine *r = as_rtl(m);
    m->mmu = *regs;
    dbg_write(r, DBG_MODE, regs->mode);
    dbg_write(r, DBG_BASE, regs->base);
    dbg_write(r, DBG_LIMIT, regs->limit);
    dbg_write(r, DBG_FENCE, regs->fence);
    dbg_write(r, DBG_PTBR, regs->ptbr);
    dbg_write(r, DBG_PTLR, regs->ptlr);
    dbg_write(r, DBG_ASID, regs->asid);
    dbg_write(r, DBG_STLR, regs->stlr);
    dbg_write(r, DBG_STBR, regs->stbr); // empties the segment-descriptor cache
}

void rtl_tlb_flush(machine_t *m, tlb_flush_t kind, uint32_t asid, uint32_t vaddr)
{
    rtl_machine *r = as_rtl(m);
    dbg_write(r, DBG_FLUSH_ASID, asid);
    dbg_write(r, DBG_FLUSH_VADDR, vaddr);
    dbg_write(r, DBG_FLUSH, kind);
    tick(r); // the MMU applies it in its next idle clock
}

uint32_t tlb_field(rtl_machine *r, uint32_t slot, uint32_t field)
{
    return dbg_read(r, DBG_TLB + slot * 8 + field);
}

int rtl_tlb_read(machine_t *m, tlb_view_t *out, int max)
{
    rtl_machine *r = as_rtl(m);
    const machine_config_t *c = &m->cfg;
    uint32_t ways = c->tlb_ways, entries = c->tlb_entries;
    int rows = 0;
    for (uint32_t slot = 0; slot < entries && rows < max; slot++, rows++) {
        tlb_view_t *v = &out[rows];
        std::memset(v, 0, sizeof *v);
        v->valid = tlb_field(r, slot, 0);
        v->vpn = v->valid ? tlb_field(r, slot, 1) : 0;
        v->ppn = tlb_field(r, slot, 2);
        v->asid = tlb_field(r, slot, 3);
        v->perm = (uint8_t)tlb_field(r, slot, 4);
        v->global = v->valid && (v->perm & PTE_G);
        v->dirty = (v->perm & PTE_D) ? 1 : 0;
        if (!v->valid)
            continue;
        uint32_t set = slot / ways, lo = set * ways, age = 0;
        if (c->tlb_policy == TLB_LRU || c->tlb_policy == TLB_FIFO) {
            uint32_t mine = tlb_field(r, slot, 5);
            for (uint32_t s = lo; s < lo + ways; s++)
                if (s != slot && tlb_field(r, s, 0) && tlb_field(r, s, 5) > mine)
                    age++;
        } else if (c->tlb_policy == TLB_PLRU) {
            for (uint32_t node = slot - lo + ways; node > 1; node >>= 1)
                age += tlb_field(r, lo + (node >> 1), 6) == (node & 1);
        }
        v->age = age;
    }
    return rows;
}

// The modeled clock from its own port: reading it costs no clock.
uint64_t rtl_cycles(machine_t *m) { return as_rtl(m)->top->cycle_o; }

void rtl_charge(machine_t *m, uint64_t cycles)
{
    rtl_machine *r = as_rtl(m);
    while (cycles) {
        uint32_t chunk = cycles > 0xFFFFFFFFu ? 0xFFFFFFFFu : (uint32_t)cycles;
        dbg_write(r, DBG_CHARGE, chunk);
        cycles -= chunk;
    }
}

const hw_counters_t *rtl_counters(machine_t *m)
{
    rtl_machine *r = as_rtl(m);
    hw_counters_t *c = &r->cnt;
    c->instructions = dbg_read64(r, DBG_CNT_CORE + 0);
    c->loads = dbg_read64(r, DBG_CNT_CORE + 2);
    c->stores = dbg_read64(r, DBG_CNT_CORE + 4);
    c->traps = dbg_read64(r, DBG_CNT_CORE + 6);
    c->tlb_hits = dbg_read64(r, DBG_CNT_MMU + 0);
    c->tlb_misses = dbg_read64(r, DBG_CNT_MMU + 2);
    c->walks = dbg_read64(r, DBG_CNT_MMU + 4);
    c->walk_cycles = dbg_read64(r, DBG_CNT_MMU + 6);
    c->pte_reads = dbg_read64(r, DBG_CNT_MMU + 8);
    c->pte_writes = dbg_read64(r, DBG_CNT_MMU + 10);
    return c;
}

const trap_t *rtl_trap(machine_t *m) { return &as_rtl(m)->trap; }

// The stamps and bits live in the model (mmulab_refs); the OS reads them, and
// clears bits, in place, as it does the C model's.
frame_refs_t *rtl_frame_refs(machine_t *m)
{
    rtl_machine *r = as_rtl(m);
    return m->cfg.track_refs ? &r->refs : nullptr;
}

void rtl_destroy(machine_t *m)
{
    rtl_machine *r = as_rtl(m);
#if VM_TRACE
    if (r->fst) {
        r->fst->close();
        delete r->fst;
    }
#endif
    // Verilator finds a model's context through the thread's current one on
    // destruction; another model made since may have replaced it.
    Verilated::threadContextp(r->ctx);
    r->top->final();
    delete r->top;
    delete r->ctx;
    delete r;
}

const machine_ops_t rtl_ops = {
    "rtl", rtl_destroy, rtl_run, rtl_step, rtl_get_state, rtl_set_state, rtl_phys_read, rtl_phys_write,
    rtl_mmu_set, rtl_tlb_flush, rtl_tlb_read, rtl_cycles, rtl_charge, rtl_counters, rtl_trap, rtl_frame_refs,
};

void configure(rtl_machine *r, const machine_config_t *c)
{
    const timing_t *t = &c->timing;
    dbg_write(r, DBG_CFG_MEM_SIZE, c->mem_size);
    dbg_write(r, DBG_CFG_MEM, t->mem_cycles);
    dbg_write(r, DBG_CFG_EXEC, t->exec_cycles);
    dbg_write(r, DBG_CFG_MUL, t->mul_cycles);
    dbg_write(r, DBG_CFG_DIV, t->div_cycles);
    dbg_write(r, DBG_CFG_RELOC, t->reloc_cycles);
    dbg_write(r, DBG_CFG_TLBHIT, t->tlb_hit_cycles);
    dbg_write(r, DBG_CFG_TRAP, t->trap_cycles);
    dbg_write(r, DBG_CFG_SHIFT, c->page_shift);
    dbg_write(r, DBG_CFG_LEVELS, c->levels);
    dbg_write(r, DBG_CFG_VABITS, c->va_bits);
    dbg_write(r, DBG_CFG_ENTRIES, c->tlb_entries);
    dbg_write(r, DBG_CFG_WAYS, c->tlb_ways);
    dbg_write(r, DBG_CFG_POLICY, c->tlb_policy);
    dbg_write(r, DBG_CFG_ASIDBITS, c->asid_bits);
    dbg_write(r, DBG_CFG_SEED, c->seed);
    dbg_write(r, DBG_CFG_SEGHIT, t->seg_hit_cycles);
    dbg_write(r, DBG_CFG_SEGBITS, c->seg_bits);
    dbg_write(r, DBG_CFG_SEGOFF, c->seg_offset_bits);
    dbg_write(r, DBG_CFG_SEGCACHE, c->seg_cache_entries);
}

} // namespace

extern "C" machine_t *rtl_create(const machine_config_t *cfg, evbus_t *bus, char *err, size_t errlen)
{
    if (cfg->mem_size < 4096 || cfg->mem_size % 4096 || cfg->mem_size > MEM_BYTES) {
        snprintf(err, errlen, "--engine rtl: memory of %u bytes; the RTL model has room for 4K..%u bytes",
                 cfg->mem_size, MEM_BYTES);
        return nullptr;
    }
    if (!paging_config_check(cfg, err, errlen) || !seg_config_check(cfg, err, errlen))
        return nullptr;
    if (cfg->tlb_entries > TLB_MAX) {
        snprintf(err, errlen, "--engine rtl: the RTL TLB holds up to %u entries, not %u", TLB_MAX,
                 cfg->tlb_entries);
        return nullptr;
    }
    rtl_machine *r = new (std::nothrow) rtl_machine();
    if (!r) {
        snprintf(err, errlen, "out of host memory");
        return nullptr;
    }
    r->ctx = new VerilatedContext;
    const char *seed = getenv("MMULAB_RTL_SEED");
    r->ctx->randReset(2);
    r->ctx->randSeed(seed ? atoi(seed) : 1);
#if VM_TRACE
    r->ctx->traceEverOn(true);
#endif
    r->top = new Vmmulab_top(r->ctx, "mmulab");
    r->mem = reinterpret_cast<uint8_t *>(r->top->rootp->mmulab_top__DOT__u_mem__DOT__mem_q.m_storage);
    r->m.ops = &rtl_ops;
    r->m.cfg = *cfg;
    r->m.bus = bus;
    Vmmulab_top *t = r->top;
    t->clk_i = 0;
    t->rst_ni = 1;
    t->run_i = 0;
    t->step_i = 0;
    t->dbg_we_i = 0;
    t->dbg_addr_i = 0;
    t->dbg_wdata_i = 0;
    t->limit_i = 0;
    t->tb_start_i = 0;
    t->tb_vaddr_i = 0;
    t->tb_acc_i = 0;
    t->tb_size_i = 0;
    t->tb_priv_i = 0;
    t->eval();
    t->rst_ni = 0;
    t->eval();
    tick(r);
    t->rst_ni = 1;
    t->eval();
    std::memset(r->mem, 0, MEM_BYTES);
    auto &stamps = r->top->rootp->mmulab_top__DOT__u_refs__DOT__stamp_q;
    auto &bits = r->top->rootp->mmulab_top__DOT__u_refs__DOT__refbit_q;
    std::memset(stamps.m_storage, 0, sizeof stamps.m_storage);
    std::memset(bits.m_storage, 0, sizeof bits.m_storage);
    r->refs.nframes = (cfg->mem_size >> cfg->page_shift) + 1;
    r->refs.stamp = reinterpret_cast<uint64_t *>(stamps.m_storage);
    r->refs.refbit = reinterpret_cast<uint8_t *>(bits.m_storage);
    configure(r, cfg);
    mmu_regs_t bare = {};
    bare.mode = MMU_BARE;
    bare.fence = cfg->mem_size;
    rtl_mmu_set(&r->m, &bare);
    cpu_state_t s = {};
    s.priv = MODE_USER;
    rtl_set_state(&r->m, &s);
    return &r->m;
}

extern "C" bool rtl_trace_open(machine_t *m, const char *path, char *err, size_t errlen)
{
#if VM_TRACE
    rtl_machine *r = as_rtl(m);
    r->fst = new VerilatedFstC;
    r->top->trace(r->fst, 99);
    r->fst->open(path);
    if (!r->fst->isOpen()) {
        snprintf(err, errlen, "--fst %s: cannot open the file", path);
        delete r->fst;
        r->fst = nullptr;
        return false;
    }
    r->fst_path = path;
    return true;
#else
    (void)m;
    snprintf(err, errlen, "--fst %s: this RTL build has no tracing", path);
    return false;
#endif
}

extern "C" bool rtl_trace_close(machine_t *m, char *err, size_t errlen)
{
#if VM_TRACE
    rtl_machine *r = as_rtl(m);
    if (!r->fst)
        return true;
    r->fst->close();
    delete r->fst;
    r->fst = nullptr;
    return gtkw_write(r->fst_path.c_str(), err, errlen);
#else
    (void)m, (void)err, (void)errlen;
    return true;
#endif
}

extern "C" void rtl_assertions_soft(machine_t *m) { as_rtl(m)->ctx->fatalOnError(false); }

extern "C" bool rtl_assertion_failed(machine_t *m) { return as_rtl(m)->ctx->gotError(); }

extern "C" void rtl_mmu_access(machine_t *m, uint32_t vaddr, access_t acc, priv_t priv, uint32_t size,
                               int flush_at, tlb_flush_t kind, uint32_t asid, uint32_t flush_vaddr,
                               rtl_access_t *out)
{
    rtl_machine *r = as_rtl(m);
    Vmmulab_top *t = r->top;
    const uint32_t flush_addr[3] = {DBG_FLUSH_ASID, DBG_FLUSH_VADDR, DBG_FLUSH};
    const uint32_t flush_data[3] = {asid, flush_vaddr, (uint32_t)kind};
    uint64_t before = rtl_cycles(m);
    t->tb_vaddr_i = vaddr;
    t->tb_acc_i = acc;
    t->tb_priv_i = priv == MODE_KERNEL;
    t->tb_size_i = size;
    t->tb_start_i = 1;
    tick(r);
    t->tb_start_i = 0;
    int stage = flush_at >= 0 ? 0 : 3;
    bool done = false;
    for (int clk = 0; (!done || stage < 3) && !r->ctx->gotFinish(); clk++) {
        if (!done && t->tb_done_o) {
            done = true;
            out->cause = (trap_cause_t)t->tb_cause_o;
            out->paddr = t->tb_paddr_o;
        }
        if (stage < 3 && clk >= flush_at) {
            t->dbg_we_i = 1;
            t->dbg_addr_i = flush_addr[stage];
            t->dbg_wdata_i = flush_data[stage];
            stage++;
        } else {
            t->dbg_we_i = 0;
        }
        tick(r);
    }
    t->dbg_we_i = 0;
    tick(r); // the last flush write lands
    tick(r); // a pending flush lands
    fill_xlate(t, 0, &out->xlate);
    out->cycles = rtl_cycles(m) - before;
}
