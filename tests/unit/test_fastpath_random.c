/*
 * The paged fast path against the reference path on random programs.
 *
 * test_cpu.c compares machine_run with machine_step on random programs in
 * the contiguous modes; test_fastpath.c on fixed programs in every mode.
 * This file does the first in paged mode, where the fast path does the most
 * on its own (cpu.c run_paged: TLB misses served inside a block, late LRU
 * touches replayed at a block's end, chains, a block cut in place where a
 * clock limit falls inside it).  Segmented mode is not here: machine_run
 * steps it the reference way (cpu.c run_seg).
 *
 * A random program (random_program.h) is laid out across the pages of a
 * paged address space: its code spans several pages, its data and its stack
 * cross page boundaries, and the other pages are mapped at random (unmapped,
 * not present, read-only, not executable, kernel-only, malformed, some with A
 * and D already set, one aliasing a code frame).  Two machines run it, one in
 * machine_run budgets of 1 to ~400 cycles (now and then thousands), the other
 * stepped to the same clock, under every TLB replacement policy, three TLB
 * shapes, four page-table geometries and three timing tables.  After every
 * stop everything observable must agree: the stop, the trap record, the
 * registers, flags and PC, the clock, every hardware counter, the whole TLB
 * (entries and replacement ages), the frame stamps and reference bits, and
 * physical memory (page tables with their A/D bits included).
 *
 * A trap is served alike on both machines, as a small OS would: the program
 * goes on after the trapping instruction (from the program's start after a
 * fetch fault); now and then the faulting page is mapped and its TLB entry
 * flushed, the whole TLB flushed, or the reference bits cleared.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../machine/machine.h"
#include "../../mmu/geometry.h"
#include "../../mmu/pte.h"
#include "machine_compare.h"
#include "random_program.h"

#define MEM (256u << 10) /* physical memory                                  */
#define TABLES 0x1000u   /* page tables, allocated upwards from here         */
#define FRAMES 0x10000u  /* the guest's frames, from here                    */
#define VPAGES 16u       /* virtual pages 0..15 may be mapped                */
#define VA_BITS 20u      /* absolute addresses are 20 bits wide anyway       */

/* One configuration of the machine under test. */
typedef struct {
    uint32_t page_shift, levels;
    uint32_t tlb_entries, tlb_ways;
    tlb_policy_t policy;
    int timing; /* index into the timing tables below */
} setup_t;

static const struct {
    uint32_t page_shift, levels;
} geometries[] = {{9, 2}, {10, 3}, {12, 1}, {12, 2}};

static const struct {
    uint32_t entries, ways;
} tlb_shapes[] = {{2, 2}, {16, 4}, {64, 64}};

enum { TIMING_DEFAULT, TIMING_CHEAP, TIMING_DEAR, TIMINGS };
static const char *const timing_names[TIMINGS] = {"default", "cheap", "dear"};

static timing_t timing_table(int which)
{
    timing_t t;
    timing_defaults(&t);
    if (which == TIMING_CHEAP) { /* everything that may cost nothing does: a MUL, DIVU or REMU costs no cycle at all */
        t.mem_cycles = t.tlb_hit_cycles = t.mul_cycles = t.div_cycles = t.trap_cycles = 0;
        t.exec_cycles = 1;
    } else if (which == TIMING_DEAR) {
        t.mem_cycles = 7;
        t.tlb_hit_cycles = 3;
        t.exec_cycles = 2;
        t.mul_cycles = 9;
        t.div_cycles = 40;
        t.trap_cycles = 100;
    }
    return t;
}

/* What the guest's address space looks like for one seed. */
typedef struct {
    random_layout_t prog;
    uint32_t page;                 /* bytes                                  */
    uint32_t leaf[VPAGES];         /* physical address of each page's PTE    */
    uint32_t frame[VPAGES];        /* and the frame it maps                  */
    uint32_t fault_ptr, stack_ptr; /* R11 and SP at the start                */
} space_t;

/* The run's totals, for the floors at the end. */
typedef struct {
    uint64_t instructions, traps, page_faults, fetch_faults, tlb_misses, pte_writes, stops;
} totals_t;

static char where[200]; /* the configuration and seed, for failure messages */

/* ---- building the address space ------------------------------------------ */

static uint32_t table_top; /* next free page-table byte */

static uint32_t new_table(machine_t *m, const space_t *sp, uint32_t bytes)
{
    const uint32_t align = bytes > sp->page ? bytes : sp->page;
    const uint32_t at = (table_top + align - 1) & ~(align - 1);
    table_top = at + bytes;
    assert_true(table_top <= FRAMES);
    static const uint8_t zeros[1u << 14];
    assert_true(bytes <= sizeof zeros);
    assert_true(machine_phys_write(m, at, zeros, bytes));
    return at;
}

/* The leaf PTE's physical address for vaddr, building the tables to it. */
static uint32_t leaf_slot(machine_t *m, const space_t *sp, const paging_geometry_t *g, uint32_t vaddr)
{
    uint32_t table = TABLES;
    for (uint32_t level = 0;; level++) {
        const uint32_t slot = table + 4 * paging_index(g, vaddr, level);
        if (level + 1 == g->levels)
            return slot;
        uint32_t v;
        assert_true(machine_read32(m, slot, &v));
        if (!pte_valid((pte_t){v})) {
            v = pte_val(pte_make(new_table(m, sp, paging_table_bytes(g, level + 1)) >> g->page_shift, PTE_V));
            assert_true(machine_write32(m, slot, v));
        }
        table = pte_ppn((pte_t){v}) << g->page_shift;
    }
}

/* Random permissions for a page that holds no code. */
static uint32_t random_perm(uint32_t *s)
{
    static const uint32_t kinds[] = {
        PTE_V | PTE_R | PTE_W | PTE_X | PTE_U, PTE_V | PTE_R | PTE_W | PTE_X | PTE_U,
        PTE_V | PTE_R | PTE_W | PTE_X | PTE_U, PTE_V | PTE_R | PTE_W | PTE_U, /* not executable */
        PTE_V | PTE_R | PTE_U,                                               /* read-only      */
        PTE_V | PTE_R | PTE_W | PTE_X,                                       /* kernel only    */
        PTE_R | PTE_W | PTE_U,                                               /* not present    */
        0,                                                                   /* not mapped     */
        PTE_V | PTE_W | PTE_U,                                               /* malformed      */
        PTE_V | PTE_X | PTE_U,                                               /* execute only   */
    };
    return kinds[xorshift(s) % (sizeof kinds / sizeof kinds[0])];
}

/*
 * Lay a random program out across the pages of one address space on m (the
 * same on every machine for one seed): code over several pages, data and
 * stack across page boundaries, the other pages mapped at random to shuffled
 * frames, the last one aliasing a frame of the code.
 */
static space_t build_space(machine_t *m, const setup_t *su, uint32_t seed)
{
    machine_config_t cfg = m->cfg;
    paging_geometry_t g;
    paging_geometry(&cfg, &g);
    space_t sp = {.page = 1u << su->page_shift};
    const uint32_t P = sp.page;
    const uint32_t code_bytes = P <= 1024 ? 3 * P : 1536;
    sp.prog = (random_layout_t){.code = 3 * P - code_bytes / 2, .code_words = code_bytes / 4,
                                .data = 8 * P - 0x200, .data_bytes = 0x400};
    sp.fault_ptr = 10 * P - 8;  /* on the edge of a randomly mapped page */
    sp.stack_ptr = 12 * P + 8; /* pushes cross into the page below      */
    uint32_t s = seed;
    /* frames: a shuffle of the first VPAGES */
    for (uint32_t i = 0; i < VPAGES; i++)
        sp.frame[i] = i;
    for (uint32_t i = VPAGES - 1; i > 0; i--) {
        uint32_t j = xorshift(&s) % (i + 1), t = sp.frame[i];
        sp.frame[i] = sp.frame[j];
        sp.frame[j] = t;
    }
    const uint32_t code_first = sp.prog.code / P, code_last = (sp.prog.code + code_bytes - 1) / P;
    sp.frame[VPAGES - 1] = sp.frame[code_last];
    table_top = TABLES;
    new_table(m, &sp, paging_table_bytes(&g, 0));
    for (uint32_t vpn = 0; vpn < VPAGES; vpn++) {
        uint32_t perm = random_perm(&s);
        if (vpn >= code_first && vpn <= code_last) /* code: the first page runs; the others may be read-only */
            perm = vpn > code_first && xorshift(&s) % 4 == 0 ? PTE_V | PTE_R | PTE_X | PTE_U
                                                             : PTE_V | PTE_R | PTE_W | PTE_X | PTE_U;
        if (vpn == sp.stack_ptr / P || vpn == sp.stack_ptr / P - 1)
            perm = PTE_V | PTE_R | PTE_W | PTE_U;
        if (perm && xorshift(&s) % 3 == 0)
            perm |= xorshift(&s) % 2 ? PTE_A : PTE_A | PTE_D;
        sp.leaf[vpn] = leaf_slot(m, &sp, &g, vpn * P);
        const uint32_t ppn = (FRAMES >> su->page_shift) + sp.frame[vpn];
        assert_true(machine_write32(m, sp.leaf[vpn], pte_val(pte_make(perm ? ppn : 0, perm))));
    }
    /* every frame filled: the program over its pages, random words elsewhere */
    for (uint32_t a = 0; a < VPAGES * P; a += 4)
        assert_true(machine_write32(m, FRAMES + a, xorshift(&s)));
    for (uint32_t i = 0; i < sp.prog.code_words; i++) {
        const uint32_t va = sp.prog.code + 4 * i;
        const uint32_t pa = FRAMES + sp.frame[va / P] * P + va % P;
        assert_true(machine_write32(m, pa, random_insn(&sp.prog, &s)));
    }
    return sp;
}

static machine_t *new_machine(const setup_t *su, uint32_t seed)
{
    machine_config_t cfg;
    machine_config_defaults(&cfg);
    cfg.mem_size = MEM;
    cfg.timing = timing_table(su->timing);
    cfg.page_shift = su->page_shift;
    cfg.levels = su->levels;
    cfg.va_bits = VA_BITS;
    cfg.tlb_entries = su->tlb_entries;
    cfg.tlb_ways = su->tlb_ways;
    cfg.tlb_policy = su->policy;
    cfg.seed = seed;
    cfg.track_refs = true;
    char err[256] = "";
    machine_t *m = cmodel_create(&cfg, NULL, err, sizeof err);
    if (!m)
        fail_msg("%s: cmodel_create: %s", where, err);
    return m;
}

/* Paged mode on, and the CPU in user mode at pc with st's registers. */
static void start_paged(machine_t *m, cpu_state_t *st, uint32_t pc)
{
    mmu_regs_t regs = {.mode = MMU_PAGED, .ptbr = TABLES, .asid = 1};
    machine_mmu_set(m, &regs);
    st->pc = pc;
    st->priv = MODE_USER;
    machine_set_state(m, st);
}

/* A machine running seed's random program (build_space) under su. */
static machine_t *boot(const setup_t *su, uint32_t seed, space_t *sp)
{
    machine_t *m = new_machine(su, seed);
    *sp = build_space(m, su, seed);
    cpu_state_t st;
    memset(&st, 0, sizeof st);
    uint32_t s = seed ^ 0x9E3779B9u;
    random_registers(&sp->prog, &s, &st);
    st.r[11] = sp->fault_ptr;
    st.r[ISA_REG_SP] = sp->stack_ptr;
    start_paged(m, &st, sp->prog.code);
    return m;
}

/* A machine running the n words at logical address `at` under su in `mode`:
 * paged, its first VPAGES pages mapped to the frames at FRAMES in order, for
 * everything; base/limit, from base FRAMES; bare, where they are. */
static machine_t *boot_words(const setup_t *su, mmu_mode_t mode, const uint32_t *words, uint32_t n, uint32_t at)
{
    machine_t *m = new_machine(su, 1);
    machine_config_t cfg = m->cfg;
    paging_geometry_t g;
    paging_geometry(&cfg, &g);
    const space_t sp = {.page = 1u << su->page_shift};
    table_top = TABLES;
    new_table(m, &sp, paging_table_bytes(&g, 0));
    for (uint32_t vpn = 0; vpn < VPAGES; vpn++)
        assert_true(machine_write32(m, leaf_slot(m, &sp, &g, vpn * sp.page),
                                    pte_val(pte_make((FRAMES >> su->page_shift) + vpn,
                                                     PTE_V | PTE_R | PTE_W | PTE_X | PTE_U))));
    const uint32_t base = mode == MMU_BARE ? 0 : FRAMES;
    for (uint32_t i = 0; i < n; i++)
        assert_true(machine_write32(m, base + at + 4 * i, words[i]));
    cpu_state_t st;
    memset(&st, 0, sizeof st);
    start_paged(m, &st, at);
    if (mode != MMU_PAGED) {
        mmu_regs_t regs = {.mode = mode, .base = FRAMES, .limit = VPAGES * sp.page, .fence = FRAMES};
        machine_mmu_set(m, &regs);
    }
    return m;
}

/* ---- comparing ------------------------------------------------------------ */

/* Run a to limit, step b to the same clock, and compare all of them. */
static stop_t run_both_to(machine_t *a, machine_t *b, uint64_t limit, uint64_t stop)
{
    const stop_t sa = run_and_step_to(a, b, limit, where, stop);
    same_machines(a, b, MEM, where, stop);
    if (sa == STOP_TRAP)
        same_traps(machine_trap(a), machine_trap(b), where, stop);
    return sa;
}

/* ---- serving traps ------------------------------------------------------- */

static bool is_page_fault(trap_cause_t c) { return c >= TRAP_PAGE_NOT_MAPPED && c <= TRAP_PTE_MALFORMED; }

/*
 * What a small OS does on a trap, the same on both machines: go on after the
 * trapping instruction (from the program's start after a fetch fault, or when
 * the next PC leaves the program); now and then map the faulting page and
 * flush its TLB entry, flush the whole TLB, or clear the reference bits.
 */
static void serve(machine_t *const ms[2], const space_t *sp, const trap_t *t, uint32_t *s)
{
    cpu_state_t st;
    machine_get_state(ms[0], &st);
    const bool fetch_fault = t->access == ACC_FETCH && t->cause != TRAP_SYSCALL && t->cause != TRAP_HALT &&
                             t->cause != TRAP_ILLEGAL && t->cause != TRAP_DIV_ZERO;
    if (t->cause != TRAP_SYSCALL)
        st.pc = t->pc + 4;
    if (fetch_fault || (st.pc & 3) || st.pc < sp->prog.code || st.pc >= sp->prog.code + 4 * sp->prog.code_words)
        st.pc = sp->prog.code;
    const uint32_t action = xorshift(s) % 16, vpn = t->vaddr / sp->page;
    for (int i = 0; i < 2; i++) {
        machine_set_state(ms[i], &st);
        if (action == 0 && is_page_fault(t->cause) && vpn < VPAGES) {
            const uint32_t ppn = (FRAMES / sp->page) + sp->frame[vpn];
            assert_true(machine_write32(ms[i], sp->leaf[vpn],
                                        pte_val(pte_make(ppn, PTE_V | PTE_R | PTE_W | PTE_X | PTE_U))));
            machine_tlb_flush(ms[i], TLB_FLUSH_PAGE, 1, t->vaddr);
        } else if (action == 1)
            machine_tlb_flush(ms[i], TLB_FLUSH_ALL, 0, 0);
        else if (action == 2) {
            frame_refs_t *r = machine_frame_refs(ms[i]);
            memset(r->refbit, 0, r->nframes);
        }
    }
}

/* ---- the test ------------------------------------------------------------ */

/* One seed under one setup: `stops` budgets, compared after each. */
static void run_seed(const setup_t *su, uint32_t seed, int stops, totals_t *tot)
{
    snprintf(where, sizeof where, "seed %#x, %u-byte pages, %u levels, TLB %u entries %u ways %s, %s timing", seed,
             1u << su->page_shift, su->levels, su->tlb_entries, su->tlb_ways,
             su->policy == TLB_LRU ? "lru" : su->policy == TLB_FIFO ? "fifo" : su->policy == TLB_RANDOM ? "random" : "plru",
             timing_names[su->timing]);
    space_t sp;
    machine_t *a = boot(su, seed, &sp), *b = boot(su, seed, &sp);
    machine_t *const ms[2] = {a, b};
    uint32_t s = seed * 2654435761u | 1;
    for (uint64_t stop = 0; stop < (uint64_t)stops; stop++) {
        const uint32_t r = xorshift(&s);
        const uint64_t span = r % 16 == 0 ? 4000 : r % 4 ? 40 : 400;
        const uint64_t limit = machine_cycles(a) + 1 + xorshift(&s) % span;
        tot->stops++;
        if (run_both_to(a, b, limit, stop) != STOP_TRAP)
            continue;
        const trap_t *t = machine_trap(a);
        tot->page_faults += is_page_fault(t->cause);
        tot->fetch_faults += is_page_fault(t->cause) && t->access == ACC_FETCH;
        serve(ms, &sp, t, &s);
    }
    const hw_counters_t *c = machine_counters(a);
    tot->instructions += c->instructions;
    tot->traps += c->traps;
    tot->tlb_misses += c->tlb_misses;
    tot->pte_writes += c->pte_writes;
    machine_destroy(a);
    machine_destroy(b);
}

/* Every geometry, TLB shape and timing table under one policy. */
static void check_policy(tlb_policy_t policy)
{
    totals_t tot = {0};
    uint32_t seed = 1 + 1000u * (uint32_t)policy;
    for (size_t g = 0; g < sizeof geometries / sizeof geometries[0]; g++)
        for (size_t t = 0; t < sizeof tlb_shapes / sizeof tlb_shapes[0]; t++)
            for (int timing = 0; timing < TIMINGS; timing++) {
                const setup_t su = {.page_shift = geometries[g].page_shift, .levels = geometries[g].levels,
                                    .tlb_entries = tlb_shapes[t].entries, .tlb_ways = tlb_shapes[t].ways,
                                    .policy = policy, .timing = timing};
                for (int k = 0; k < 4; k++)
                    run_seed(&su, seed++, 200, &tot);
            }
    /* the programs did run, fault in every way and miss the TLB */
    print_message("%llu stops, %llu instructions, %llu traps (%llu page faults, %llu on fetch), %llu TLB misses, "
                  "%llu PTE writes\n",
                  (unsigned long long)tot.stops, (unsigned long long)tot.instructions, (unsigned long long)tot.traps,
                  (unsigned long long)tot.page_faults, (unsigned long long)tot.fetch_faults,
                  (unsigned long long)tot.tlb_misses, (unsigned long long)tot.pte_writes);
    assert_true(tot.instructions > 150000);
    assert_true(tot.traps > 5000);
    assert_true(tot.page_faults > 1500);
    assert_true(tot.fetch_faults > 15);
    assert_true(tot.tlb_misses > 8000);
    assert_true(tot.pte_writes > 500);
}

static void test_random_lru(void **state)
{
    (void)state;
    check_policy(TLB_LRU);
}

static void test_random_fifo(void **state)
{
    (void)state;
    check_policy(TLB_FIFO);
}

static void test_random_random(void **state)
{
    (void)state;
    check_policy(TLB_RANDOM);
}

static void test_random_plru(void **state)
{
    (void)state;
    check_policy(TLB_PLRU);
}

/*
 * Found by the random test (seed 0x3 under LRU, 512-byte pages, 2 levels, a
 * 2-entry TLB, the cheap timing; and others): with memory accesses, TLB hits
 * and MUL free, a MUL takes no cycle at all.  Stepped, the machine stops as
 * soon as the clock reaches the limit, before the MUL; machine_run runs the
 * whole block when its cost (3 cycles here) fits the budget exactly, the free
 * MUL at its end included: one instruction more at the same clock (cpu.c
 * run_paged: `h.cycles + b->cost > limit`; run_contiguous does the same with
 * `next->cost > room`).  The block ends at its granule (0x100), as a block
 * ending in a free instruction must.
 */
static void check_free_instruction_at_the_limit(mmu_mode_t mode)
{
    const setup_t su = {.page_shift = 12, .levels = 2, .tlb_entries = 16, .tlb_ways = 16, .policy = TLB_LRU,
                        .timing = TIMING_CHEAP};
    const uint32_t words[] = {isa_enc_i(OP_LOADI, 3, 3), isa_enc_i(OP_ADDI, 1, 1), isa_enc_i(OP_ADDI, 1, 1),
                              isa_enc_r(OP_MUL, 2, 3, 0), isa_enc_i(OP_JMP, 0, 0xF0)};
    static const char *const mode_names[] = {"bare", "base/limit", "paged"};
    snprintf(where, sizeof where, "a free MUL that ends a block, %s", mode_names[mode]);
    machine_t *a = boot_words(&su, mode, words, 5, 0xF0), *b = boot_words(&su, mode, words, 5, 0xF0);
    for (uint64_t stop = 0; stop < 8; stop++)
        assert_int_equal(run_both_to(a, b, machine_cycles(a) + 3, stop), STOP_BUDGET);
    machine_destroy(a);
    machine_destroy(b);
}

static void test_free_instruction_at_the_limit_paged(void **state)
{
    (void)state;
    check_free_instruction_at_the_limit(MMU_PAGED);
}

/* The contiguous runner does the same. */
static void test_free_instruction_at_the_limit_bare(void **state)
{
    (void)state;
    check_free_instruction_at_the_limit(MMU_BARE);
}

static void test_free_instruction_at_the_limit_reloc(void **state)
{
    (void)state;
    check_free_instruction_at_the_limit(MMU_RELOC);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_free_instruction_at_the_limit_paged),
        cmocka_unit_test(test_free_instruction_at_the_limit_bare),
        cmocka_unit_test(test_free_instruction_at_the_limit_reloc),
        cmocka_unit_test(test_random_lru),
        cmocka_unit_test(test_random_fifo),
        cmocka_unit_test(test_random_random),
        cmocka_unit_test(test_random_plru),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
