/*
 * The cycle breakdown (see breakdown.h).
 */
#include "breakdown.h"

const char *const cycle_part_name[CYC_COUNT] = {
#define BREAKDOWN_NAME(name, desc) #name,
    BREAKDOWN_TABLE(BREAKDOWN_NAME)
#undef BREAKDOWN_NAME
};
const char *const cycle_part_desc[CYC_COUNT] = {
#define BREAKDOWN_DESC(name, desc) desc,
    BREAKDOWN_TABLE(BREAKDOWN_DESC)
#undef BREAKDOWN_DESC
};

/* Did the trapping instruction pay for its fetch without retiring?  Yes for
 * a data access's fault and for an instruction that cannot execute; not for
 * a fault of the fetch itself (its vaddr is the pc), nor for SYSCALL and
 * HALT, which retire (docs/timing.md, "A trap"). */
static bool fetched_then_trapped(const event_t *trap)
{
    switch (trap->a) {
    case TRAP_SYSCALL:
    case TRAP_HALT:
    case TRAP_NONE: return false;
    case TRAP_ILLEGAL:
    case TRAP_DIV_ZERO: return true;
    default: return trap->c != trap->b;
    }
}

void cycle_tally_observe(void *ctx, const event_t *ev)
{
    cycle_tally_t *t = ctx;
    switch (ev->kind) {
    case EV_FAULT_HANDLER: t->in_fault = true; break;
    case EV_PAGE_FAULT:
    case EV_PROC_KILL: t->in_fault = false; break;
    case EV_DISK_READ:
    case EV_DISK_WRITE:
        if (t->in_fault)
            t->fault_disk += ev->duration;
        break;
    case EV_TRAP:
        t->syscall_traps += ev->a == TRAP_SYSCALL;
        t->trapped_fetches += fetched_then_trapped(ev);
        break;
    default: break;
    }
    t->by_kind[ev->kind] += ev->duration;
}

static double ratio(double num, double den) { return den > 0 ? num / den : 0; }

double eat_formula(double h, double t_tlb, double t_mem, unsigned levels)
{
    return h * (t_tlb + t_mem) + (1 - h) * (t_tlb + levels * t_mem + t_mem);
}

double eat_with_faults(double eat, double p, double service) { return (1 - p) * eat + p * service; }

/* The OS's parts, from the event durations. */
static void os_parts(const cycle_tally_t *t, int64_t *part)
{
    const uint64_t *k = t->by_kind;
    part[CYC_fault_handler] = (int64_t)k[EV_FAULT_HANDLER];
    part[CYC_fault_disk] = (int64_t)t->fault_disk;
    part[CYC_other_disk] = (int64_t)(k[EV_DISK_READ] + k[EV_DISK_WRITE] - t->fault_disk);
    part[CYC_syscalls] = (int64_t)(k[EV_SYSCALL] + k[EV_USER_COPY]); /* a call's copy is its work */
    part[CYC_loading] = (int64_t)(k[EV_LOAD] + k[EV_RELOCATE] + k[EV_BIND]); /* dynamic binding is loading */
    part[CYC_context_switches] = (int64_t)k[EV_CTX_SWITCH];
    part[CYC_swaps] = (int64_t)(k[EV_SWAP_OUT] + k[EV_SWAP_IN]);
    part[CYC_compaction] = (int64_t)k[EV_MOVE];
    part[CYC_kills] = (int64_t)k[EV_PROC_KILL];
    part[CYC_idle] = (int64_t)k[EV_IDLE];
}

/* The hardware's parts, from its counters and the timing contract. */
static void hw_parts(const cycle_tally_t *t, const cycle_inputs_t *in, int64_t *part)
{
    const hw_counters_t *c = &in->hw;
    const timing_t *tm = in->timing;
    /* a faulting access pays neither its translation nor its memory latency */
    uint64_t accesses = c->instructions + c->loads + c->stores + t->trapped_fetches;
    uint32_t xlate = in->mode == MMU_RELOC ? tm->reloc_cycles : in->mode == MMU_PAGED ? tm->tlb_hit_cycles : 0;
    uint64_t ad = c->pte_writes * tm->mem_cycles;
    part[CYC_memory] = (int64_t)(accesses * tm->mem_cycles);
    part[CYC_translation] = (int64_t)(accesses * xlate);
    part[CYC_walks] = (int64_t)(c->walk_cycles - ad);
    part[CYC_ad_writebacks] = (int64_t)ad;
    part[CYC_fault_trap] = (int64_t)((c->traps - t->syscall_traps) * tm->trap_cycles);
    part[CYC_syscalls] += (int64_t)(t->syscall_traps * tm->trap_cycles);
}

/* The derived rates and the effective access time, measured and by formula. */
static void rates(const cycle_inputs_t *in, cycle_breakdown_t *out)
{
    const hw_counters_t *c = &in->hw;
    const timing_t *tm = in->timing;
    const int64_t *part = out->part;
    double accesses = (double)(c->instructions + c->loads + c->stores);
    double translations = (double)(c->tlb_hits + c->tlb_misses);
    double xlate = in->mode == MMU_RELOC ? tm->reloc_cycles : in->mode == MMU_PAGED ? tm->tlb_hit_cycles : 0;
    out->cpi = ratio((double)in->clock, (double)c->instructions);
    out->tlb_miss_rate = ratio((double)c->tlb_misses, translations);
    out->faults_per_kilo_insn = ratio(1000.0 * (double)in->page_faults, (double)c->instructions);
    out->hit_ratio = in->mode == MMU_PAGED ? 1 - out->tlb_miss_rate : 1;
    double access_cycles = (double)(part[CYC_memory] + part[CYC_translation] + part[CYC_walks] + part[CYC_ad_writebacks]);
    out->eat_measured = ratio(access_cycles, accesses);
    out->eat_formula = eat_formula(out->hit_ratio, xlate, tm->mem_cycles, in->mode == MMU_PAGED ? in->levels : 0);
    /* with faults: (1 - p) EAT + p (fault service), p per access */
    double fault_cycles = (double)(part[CYC_fault_trap] + part[CYC_fault_handler] + part[CYC_fault_disk]);
    double p = ratio((double)in->page_faults, accesses);
    double service = ratio(fault_cycles, (double)in->page_faults);
    out->eat_faults_measured = ratio(access_cycles + fault_cycles, accesses);
    out->eat_faults_formula = eat_with_faults(out->eat_formula, p, service);
}

void cycle_breakdown(const cycle_tally_t *tally, const cycle_inputs_t *in, cycle_breakdown_t *out)
{
    *out = (cycle_breakdown_t){0};
    os_parts(tally, out->part);
    hw_parts(tally, in, out->part);
    int64_t others = 0;
    for (int i = 0; i < CYC_COUNT; i++)
        others += i == CYC_execute ? 0 : out->part[i];
    out->part[CYC_execute] = (int64_t)in->clock - others;
    rates(in, out);
}
