/* One comparison of two machines for the differential tests (machine_compare.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "machine_compare.h"

#define SAME(what, x, y)                                                                                    \
    do {                                                                                                   \
        if ((x) != (y))                                                                                    \
            fail_msg("%s, stop %llu: %s %#llx (run) vs %#llx (step)", where, (unsigned long long)stop, what, \
                     (unsigned long long)(x), (unsigned long long)(y));                                     \
    } while (0)

stop_t run_and_step_to(machine_t *a, machine_t *b, uint64_t limit, const char *where, uint64_t stop)
{
    const stop_t sa = machine_run(a, limit);
    stop_t sb = STOP_BUDGET;
    retire_t rt;
    while (machine_cycles(b) < limit && (sb = machine_step(b, &rt)) == STOP_BUDGET)
        ;
    SAME("stop", sa, sb);
    return sa;
}

void same_traps(const trap_t *ta, const trap_t *tb, const char *where, uint64_t stop)
{
    SAME("trap cause", ta->cause, tb->cause);
    SAME("trap access", ta->access, tb->access);
    SAME("trap pc", ta->pc, tb->pc);
    SAME("trap insn", ta->insn, tb->insn);
    SAME("trap vaddr", ta->vaddr, tb->vaddr);
    SAME("trap paddr", ta->paddr, tb->paddr);
    SAME("trap number", ta->number, tb->number);
}

void same_cpus(machine_t *a, machine_t *b, const char *where, uint64_t stop)
{
    cpu_state_t x, y;
    machine_get_state(a, &x);
    machine_get_state(b, &y);
    char what[16];
    for (int r = 0; r < ISA_NREGS; r++) {
        snprintf(what, sizeof what, "R%d", r);
        SAME(what, x.r[r], y.r[r]);
    }
    SAME("pc", x.pc, y.pc);
    SAME("flags", x.flags, y.flags); /* a cut after a lean variant would show its dropped flags */
    SAME("priv", x.priv, y.priv);
    SAME("cycles", machine_cycles(a), machine_cycles(b));
    const hw_counters_t *ca = machine_counters(a), *cb = machine_counters(b);
    SAME("instructions", ca->instructions, cb->instructions);
    SAME("loads", ca->loads, cb->loads);
    SAME("stores", ca->stores, cb->stores);
    SAME("tlb_hits", ca->tlb_hits, cb->tlb_hits);
    SAME("tlb_misses", ca->tlb_misses, cb->tlb_misses);
    SAME("walks", ca->walks, cb->walks);
    SAME("walk_cycles", ca->walk_cycles, cb->walk_cycles);
    SAME("pte_reads", ca->pte_reads, cb->pte_reads);
    SAME("pte_writes", ca->pte_writes, cb->pte_writes);
    SAME("traps", ca->traps, cb->traps);
}

void same_tlbs(machine_t *a, machine_t *b, const char *where, uint64_t stop)
{
    tlb_view_t ta[64], tb[64];
    const int na = machine_tlb_read(a, ta, 64), nb = machine_tlb_read(b, tb, 64);
    SAME("TLB entries", na, nb);
    char what[40];
    for (int i = 0; i < na; i++) {
#define SAME_ENTRY(field)                                      \
    snprintf(what, sizeof what, "TLB[%d]." #field, i);         \
    SAME(what, ta[i].field, tb[i].field)
        SAME_ENTRY(valid);
        if (!ta[i].valid)
            continue;
        SAME_ENTRY(global);
        SAME_ENTRY(asid);
        SAME_ENTRY(vpn);
        SAME_ENTRY(ppn);
        SAME_ENTRY(perm);
        SAME_ENTRY(dirty);
        SAME_ENTRY(age);
#undef SAME_ENTRY
    }
}

void same_frames_and_memory(machine_t *a, machine_t *b, uint32_t mem_size, const char *where, uint64_t stop)
{
    const frame_refs_t *ra = machine_frame_refs(a), *rb = machine_frame_refs(b);
    SAME("frame references kept", ra != NULL, rb != NULL); /* a machine without frames keeps none */
    if (ra)
        SAME("frames", ra->nframes, rb->nframes);
    char what[40];
    for (uint32_t f = 0; ra && f < ra->nframes; f++) {
        snprintf(what, sizeof what, "frame %u stamp", f);
        SAME(what, ra->stamp[f], rb->stamp[f]);
        snprintf(what, sizeof what, "frame %u reference bit", f);
        SAME(what, ra->refbit[f], rb->refbit[f]);
    }
    uint32_t at;
    if (!same_memory(a, b, mem_size, &at))
        fail_msg("%s, stop %llu: memory differs first at %#x", where, (unsigned long long)stop, at);
}

void same_machines(machine_t *a, machine_t *b, uint32_t mem_size, const char *where, uint64_t stop)
{
    same_cpus(a, b, where, stop);
    same_tlbs(a, b, where, stop);
    same_frames_and_memory(a, b, mem_size, where, stop);
}

bool same_memory(machine_t *a, machine_t *b, uint32_t size, uint32_t *at)
{
    uint8_t *ma = malloc(size), *mb = malloc(size);
    bool same = ma && mb && machine_phys_read(a, 0, ma, size) && machine_phys_read(b, 0, mb, size);
    *at = size;
    if (same && memcmp(ma, mb, size)) {
        uint32_t i = 0;
        while (ma[i] == mb[i])
            i++;
        *at = i;
        same = false;
    }
    free(ma);
    free(mb);
    return same;
}
