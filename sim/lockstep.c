/*
 * The stepping wrapper of lockstep.h: a machine_t whose operations forward
 * to the engine's machine, with run() made of machine_step() calls, each
 * reported to the callback.
 */
#include "lockstep.h"

#include <stdlib.h>

typedef struct {
    machine_t m; /* first: a wrapper is a machine_t */
    machine_t *inner;
    lockstep_fn fn;
    void *ctx;
} wrapper_t;

static machine_t *inner(machine_t *m) { return ((wrapper_t *)m)->inner; }

static stop_t w_step(machine_t *m, retire_t *rt)
{
    wrapper_t *w = (wrapper_t *)m;
    stop_t stop = machine_step(w->inner, rt);
    w->fn(w->ctx, rt, stop);
    return stop;
}

static stop_t w_run(machine_t *m, uint64_t limit)
{
    while (machine_cycles(inner(m)) < limit) {
        retire_t rt;
        if (w_step(m, &rt) == STOP_TRAP)
            return STOP_TRAP;
    }
    return STOP_BUDGET;
}

static void w_destroy(machine_t *m) { free(m); }
static void w_get_state(machine_t *m, cpu_state_t *s) { machine_get_state(inner(m), s); }
static void w_set_state(machine_t *m, const cpu_state_t *s) { machine_set_state(inner(m), s); }
static bool w_phys_read(machine_t *m, uint32_t pa, void *buf, uint32_t len)
{
    return machine_phys_read(inner(m), pa, buf, len);
}
static bool w_phys_write(machine_t *m, uint32_t pa, const void *buf, uint32_t len)
{
    return machine_phys_write(inner(m), pa, buf, len);
}
static void w_mmu_set(machine_t *m, const mmu_regs_t *regs)
{
    m->mmu = *regs;
    machine_mmu_set(inner(m), regs);
}
static void w_tlb_flush(machine_t *m, tlb_flush_t kind, uint32_t asid, uint32_t va)
{
    machine_tlb_flush(inner(m), kind, asid, va);
}
static int w_tlb_read(machine_t *m, tlb_view_t *out, int max) { return machine_tlb_read(inner(m), out, max); }
static uint64_t w_cycles(machine_t *m) { return machine_cycles(inner(m)); }
static void w_charge(machine_t *m, uint64_t c) { machine_charge(inner(m), c); }
static const hw_counters_t *w_counters(machine_t *m) { return machine_counters(inner(m)); }
static const trap_t *w_trap(machine_t *m) { return machine_trap(inner(m)); }
static frame_refs_t *w_frame_refs(machine_t *m) { return machine_frame_refs(inner(m)); }

static const machine_ops_t wrapper_ops = {
    .name = "lockstep",
    .destroy = w_destroy,
    .run = w_run,
    .step = w_step,
    .get_state = w_get_state,
    .set_state = w_set_state,
    .phys_read = w_phys_read,
    .phys_write = w_phys_write,
    .mmu_set = w_mmu_set,
    .tlb_flush = w_tlb_flush,
    .tlb_read = w_tlb_read,
    .cycles = w_cycles,
    .charge = w_charge,
    .counters = w_counters,
    .trap = w_trap,
    .frame_refs = w_frame_refs,
};

machine_t *lockstep_wrap(machine_t *inner, lockstep_fn fn, void *ctx)
{
    wrapper_t *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    w->m = *inner; /* cfg, the MMU registers as last set, the event bus */
    w->m.ops = &wrapper_ops;
    w->inner = inner;
    w->fn = fn;
    w->ctx = ctx;
    return &w->m;
}
