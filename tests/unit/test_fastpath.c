/*
 * The fast path must never change what is observed.
 *
 * Each test runs one program three ways on fresh C-model machines: one
 * instruction at a time through machine_step (the reference path), in one
 * machine_run (decoded blocks, self-looping rounds, TLB hit caching), and
 * in many small machine_run budgets (so blocks meet the budget edge), and
 * requires identical clocks, counters, registers, memory, trap records, TLB
 * contents and per-frame reference order.  Programs cover loops, calls,
 * byte accesses, self-modifying code, traps, and in paged mode a TLB small
 * enough to miss, replace and set dirty bits.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../toolchain/asm.h"
#include "../../machine/machine.h"
#include "../../mmu/pte.h"
#include "machine_compare.h"

#define MEM (1u << 20)
#define LOAD_BASE 0x10000u /* physical base for base/limit and paged frames */
#define TABLES 0x8000u     /* page tables (paged mode)                      */
#define MAPPED_PAGES 64    /* virtual pages 0..63, identity-mapped from LOAD_BASE */

typedef enum { HOW_STEP, HOW_RUN, HOW_SLICES } how_t;

static const char *program_loop =
    "        .text\n"
    "start:  LOAD R5, #40\n"
    "pass:   LOAD R1, #src\n"
    "        LOAD R2, #dst\n"
    "        LOAD R3, /size\n"
    "loop:   LOAD R4, [R1]\n"
    "        STORE R4, [R2]\n"
    "        ADD R1, #4\n"
    "        ADD R2, #4\n"
    "        DEC R3\n"
    "        JNZ loop\n"
    "        CALL twiddle\n"
    "        DEC R5\n"
    "        JNZ pass\n"
    "        LOAD R0, #7\n"
    "        SYSCALL #0\n"
    "twiddle: PUSH R5\n"
    "        LOADB R6, /bytes\n"
    "        INC R6\n"
    "        STOREB R6, /bytes\n"
    "        CMP R6, #200\n"
    "        JB skip\n"
    "        MUL R6, R5\n"
    "skip:   POP R5\n"
    "        RET\n"
    "        .data\n"
    "size:   .word 37\n"
    "bytes:  .byte 3\n"
    "        .org 0x2000\n"
    "src:    .space 400\n"
    "        .org 0x5000\n"
    "dst:    .space 400\n";

/* A one-block loop whose data crosses pages in the middle of its rounds. */
static const char *program_pages =
    "        .text\n"
    "start:  LOAD R1, #src\n"
    "        LOAD R2, #dst\n"
    "        LOAD R3, #2000\n"
    "loop:   LOAD R4, [R1]\n"
    "        STORE R4, [R2]\n"
    "        ADD R1, #4\n"
    "        ADD R2, #4\n"
    "        DEC R3\n"
    "        JNZ loop\n"
    "        MOV R0, R3\n"
    "        SYSCALL #0\n"
    "        .data\n"
    "        .org 0x1000\n"
    "src:    .space 8000\n"
    "dst:    .space 8000\n";

/* A one-block loop whose load alternates between two pages the TLB holds,
 * then a new page that evicts the least recently used entry: only exact LRU
 * order picks the same victim as the reference path. */
static const char *program_alternate =
    "        .text\n"
    "start:  LOAD R7, /pagea\n"
    "        LOAD R7, /pageb\n"
    "        LOAD R7, /pagec\n"
    "        LOAD R1, #pagea\n"
    "        LOAD R6, #4096\n"
    "        LI R5, 0xFFFFE000\n"
    "        LOAD R3, #9\n"
    "loop:   LOAD R4, [R1]\n"
    "        ADD R1, R6\n"
    "        XOR R6, R5\n"
    "        DEC R3\n"
    "        JNZ loop\n"
    "        LOAD R7, /paged\n"
    "        SYSCALL #0\n"
    "        .data\n"
    "        .org 0x1000\n"
    "pagea:  .word 1\n"
    "        .org 0x2000\n"
    "pageb:  .word 2\n"
    "        .org 0x3000\n"
    "pagec:  .word 3\n"
    "        .org 0x4000\n"
    "paged:  .word 4\n";

/* bench/stride.s in small: every load and every store lands on a page not
 * touched for 47 accesses, so each one misses a TLB of up to 16 entries,
 * walks and fills inside the fast path. */
static const char *program_stride =
    "        .text\n"
    "start:  LOAD R5, #3\n"
    "pass:   LI R1, 0x2000\n"
    "        LI R2, 0x1A000\n"
    "        LOAD R3, #24\n"
    "loop:   LOAD R4, [R1]\n"
    "        STORE R4, [R2]\n"
    "        ADD R1, #4096\n"
    "        ADD R2, #4096\n"
    "        DEC R3\n"
    "        JNZ loop\n"
    "        DEC R5\n"
    "        JNZ pass\n"
    "        SYSCALL #0\n";

/* Rewrites the instruction after the store, inside the same block. */
static const char *program_selfmod =
    "        .text\n"
    "start:  LOAD R7, #30\n"
    "again:  LOAD R2, /patch\n"
    "        STORE R2, /target\n"
    "target: LOAD R1, #1\n"
    "        ADD R3, R1\n"
    "        DEC R7\n"
    "        JNZ again\n"
    "        SYSCALL #0\n"
    "patch:  LOAD R1, #2\n";

/* A block that rewrites another block it is linked to: the loop calls
 * `body` (a link from the CALL's block to body's), then stores into body's
 * first word, alternating LOAD R1, #1 and LOAD R1, #2 (body sits in a
 * granule of its own, so the store does not end the storing block). */
static const char *program_relink =
    "        .text\n"
    "start:  LOAD R7, #40\n"
    "        LOAD R3, #0\n"
    "        LOAD R4, /two\n"
    "        LOAD R5, /one\n"
    "loop:   CALL body\n"
    "        ADD R3, R1\n"
    "        STORE R4, /body\n"
    "        MOV R6, R4\n"
    "        MOV R4, R5\n"
    "        MOV R5, R6\n"
    "        DEC R7\n"
    "        JNZ loop\n"
    "        SYSCALL #0\n"
    "two:    LOAD R1, #2\n"
    "one:    LOAD R1, #1\n"
    "        .org 1024\n"
    "body:   LOAD R1, #1\n"
    "        RET\n";

/* Ends on a misaligned load deep in a loop. */
static const char *program_fault =
    "        .text\n"
    "start:  LOAD R1, #0x3000\n"
    "        LOAD R3, #100\n"
    "loop:   LOAD R4, [R1]\n"
    "        ADD R1, #4\n"
    "        DEC R3\n"
    "        JNZ loop\n"
    "        LOAD R4, [R1+1]\n"
    "        SYSCALL #0\n";

/* bench/twopage.s in small: two loads per round, each a TLB hit on its own
 * page, never the page the load before hit; the pointers cross into new
 * pages as they go. */
static const char *program_twopage =
    "        .text\n"
    "start:  LOAD R5, #3\n"
    "pass:   LI R1, 0x3000\n"
    "        LI R2, 0x6000\n"
    "        LOAD R3, #1100\n"
    "loop:   LOAD R4, [R1]\n"
    "        LOAD R6, [R2]\n"
    "        ADD R4, R6\n"
    "        ADD R1, #4\n"
    "        ADD R2, #4\n"
    "        DEC R3\n"
    "        JNZ loop\n"
    "        DEC R5\n"
    "        JNZ pass\n"
    "        SYSCALL #0\n";

/* bench/callelem.s in small: a call per element to a three-instruction
 * function, so blocks of one to four instructions follow one another, the
 * return address on the stack page, the data on others. */
static const char *program_callelem =
    "        .text\n"
    "start:  LOAD R5, #3\n"
    "pass:   LI R1, 0x3000\n"
    "        LOAD R3, #1100\n"
    "loop:   CALL get\n"
    "        ADD R6, R4\n"
    "        DEC R3\n"
    "        JNZ loop\n"
    "        DEC R5\n"
    "        JNZ pass\n"
    "        SYSCALL #0\n"
    "get:    LOAD R4, [R1]\n"
    "        XOR R4, R3\n"
    "        ADD R1, #4\n"
    "        RET\n";

static exe_t assemble(const char *source)
{
    exe_t exe;
    FILE *devnull = fopen("/dev/null", "w");
    asm_options_t opt = {.errors = devnull};
    assert_int_equal(asm_assemble("test.s", source, strlen(source), &opt, &exe), 0);
    fclose(devnull);
    return exe;
}

static uint32_t alias_vpn; /* if not 0, a virtual page mapped to the frame of page 0 as well */

/* Identity-map virtual pages [0, pages) to frames at LOAD_BASE, two levels
 * (but alias_vpn). */
static void build_page_tables(machine_t *m, uint32_t pages)
{
    const uint32_t root = TABLES, leaf = TABLES + 0x1000;
    assert_true(machine_write32(m, root, pte_val(pte_make(leaf >> 12, PTE_V))));
    for (uint32_t vpn = 0; vpn < pages; vpn++)
        assert_true(machine_write32(m, leaf + 4 * vpn,
                                    pte_val(pte_make((LOAD_BASE >> 12) + (vpn == alias_vpn ? 0 : vpn),
                                                     PTE_V | PTE_R | PTE_W | PTE_X | PTE_U))));
}

static tlb_policy_t policy = TLB_LRU; /* of the machines boot() makes */
static const timing_t *timing;        /* theirs, if not the defaults */

static machine_t *boot(const char *source, mmu_mode_t mode, uint32_t tlb_entries, uint32_t ways)
{
    machine_config_t cfg;
    machine_config_defaults(&cfg);
    cfg.tlb_policy = policy;
    if (timing)
        cfg.timing = *timing;
    cfg.mem_size = MEM;
    cfg.tlb_entries = tlb_entries;
    cfg.tlb_ways = ways;
    cfg.track_refs = true;
    char err[256];
    machine_t *m = cmodel_create(&cfg, NULL, err, sizeof err);
    assert_non_null(m);
    exe_t exe = assemble(source);
    uint32_t base = mode == MMU_BARE ? 0 : LOAD_BASE;
    for (int i = 0; i < exe.nsections; i++)
        if (!exe.sections[i].nobits)
            assert_true(machine_phys_write(m, base + exe.sections[i].addr, exe.sections[i].data, exe.sections[i].size));
    cpu_state_t s = {.pc = (mode == MMU_BARE ? 0 : 0) + exe.entry, .priv = MODE_USER};
    s.r[ISA_REG_SP] = 0xF000;
    machine_set_state(m, &s);
    mmu_regs_t regs = {.mode = mode, .fence = MEM, .base = LOAD_BASE, .limit = 0x10000, .ptbr = TABLES, .asid = 1};
    if (mode == MMU_PAGED)
        build_page_tables(m, MAPPED_PAGES);
    machine_mmu_set(m, &regs);
    exe_free(&exe);
    return m;
}

/* Run until the first trap, the chosen way.  Returns the trap. */
static trap_t run_to_trap(machine_t *m, how_t how)
{
    for (int guard = 0; guard < 10000000; guard++) {
        stop_t stop;
        if (how == HOW_STEP) {
            retire_t rt;
            stop = machine_step(m, &rt);
        } else if (how == HOW_RUN)
            stop = machine_run(m, UINT64_MAX);
        else
            /* mostly a few cycles, now and then enough for a few rounds of a loop */
            stop = machine_run(m, machine_cycles(m) + 1 + (uint64_t)(guard % 7 ? guard % 13 : guard % 701));
        if (stop == STOP_TRAP)
            return *machine_trap(m);
    }
    fail_msg("no trap");
    return (trap_t){0};
}

/* Run source the way `how` says and require what stepping it did. */
static void check_run(const char *source, mmu_mode_t mode, uint32_t tlb_entries, uint32_t ways, machine_t *ref,
                      trap_t tref, how_t how)
{
    machine_t *m = boot(source, mode, tlb_entries, ways);
    trap_t t = run_to_trap(m, how);
    const char *where = how == HOW_RUN ? "machine_run to the trap" : "machine_run in slices to the trap";
    same_traps(&t, &tref, where, 0);
    same_machines(m, ref, MEM, where, 0);
    machine_destroy(m);
}

/* Run m to cycle `limit` by machine_run and ref by single steps (each
 * instruction that starts below the limit), and require the same clock,
 * place, registers, flags and counters where both stopped; true once both
 * trapped. */
static bool run_both_to(machine_t *m, machine_t *ref, uint64_t limit)
{
    const char *where = "a budget's end";
    const stop_t stop = run_and_step_to(m, ref, limit, where, limit);
    same_cpus(m, ref, where, limit);
    return stop == STOP_TRAP;
}

/* The fast path in small budgets against the reference path stepped to
 * the same clock: each run stops where stepping would (a limit met inside
 * a chain of linked blocks, a loop's rounds counted ahead or a block), with
 * the same counts, registers and flags. */
static void check_budget_edges(const char *source, mmu_mode_t mode, uint32_t tlb_entries, uint32_t ways)
{
    machine_t *fast = boot(source, mode, tlb_entries, ways), *ref = boot(source, mode, tlb_entries, ways);
    for (uint64_t guard = 0; guard < 10000000; guard++) {
        const uint64_t limit = machine_cycles(fast) + 1 + (guard % 7 ? guard % 13 : guard % 701);
        if (run_both_to(fast, ref, limit))
            break;
    }
    machine_destroy(fast);
    machine_destroy(ref);
}

static void check_program(const char *source, mmu_mode_t mode, uint32_t tlb_entries, uint32_t ways)
{
    machine_t *ref = boot(source, mode, tlb_entries, ways);
    trap_t tref = run_to_trap(ref, HOW_STEP);
    for (how_t how = HOW_RUN; how <= HOW_SLICES; how++)
        check_run(source, mode, tlb_entries, ways, ref, tref, how);
    machine_destroy(ref);
    check_budget_edges(source, mode, tlb_entries, ways);
}

static void test_loop_bare(void **state)
{
    (void)state;
    check_program(program_loop, MMU_BARE, 16, 16);
}

static void test_loop_reloc(void **state)
{
    (void)state;
    check_program(program_loop, MMU_RELOC, 16, 16);
}

static void test_loop_paged_big_tlb(void **state)
{
    (void)state;
    check_program(program_loop, MMU_PAGED, 16, 16);
}

static void test_loop_paged_tiny_tlb(void **state)
{
    (void)state;
    check_program(program_loop, MMU_PAGED, 2, 2);
    check_program(program_loop, MMU_PAGED, 4, 1);
    machine_t *m = boot(program_loop, MMU_PAGED, 2, 2);
    trap_t t = run_to_trap(m, HOW_RUN);
    assert_int_equal(t.cause, TRAP_SYSCALL);
    const hw_counters_t *c = machine_counters(m);
    assert_true(c->instructions > 40 * 37 * 6);
    assert_true(c->tlb_misses > 40 * 37); /* code, source and destination pages fight over 2 entries */
    assert_true(c->tlb_hits > c->tlb_misses);
    machine_destroy(m);
}

static void test_rounds_cross_pages(void **state)
{
    (void)state;
    check_program(program_pages, MMU_PAGED, 16, 16);
    check_program(program_pages, MMU_RELOC, 16, 16);
    machine_t *m = boot(program_pages, MMU_PAGED, 16, 16);
    run_to_trap(m, HOW_RUN);
    assert_int_equal(machine_counters(m)->instructions, 3 + 2000 * 6 + 2); /* every round ran */
    machine_destroy(m);
}

static void test_alternating_pages(void **state)
{
    (void)state;
    check_program(program_alternate, MMU_PAGED, 4, 4);
    check_program(program_alternate, MMU_PAGED, 8, 2);
}

static void test_stride_pages(void **state)
{
    (void)state;
    check_program(program_stride, MMU_PAGED, 16, 16); /* fully associative, hashed lookup */
    check_program(program_stride, MMU_PAGED, 4, 4);   /* fully associative, scanned */
    check_program(program_stride, MMU_PAGED, 8, 2);
    machine_t *m = boot(program_stride, MMU_PAGED, 16, 16);
    run_to_trap(m, HOW_RUN);
    const hw_counters_t *c = machine_counters(m);
    assert_int_equal(c->instructions, 1 + 3 * (5 + 24 * 6 + 2) + 1); /* each LI here is LUI + ORI */
    assert_true(c->tlb_misses >= 3 * 24 * 2); /* every data access missed */
    assert_int_equal(c->walks, c->tlb_misses);
    machine_destroy(m);
}

/* The two loops of bench/ that go through the shortcuts and the block links
 * hardest, under every mode, TLB shape and replacement policy. */
static void test_bench_loops(void **state)
{
    (void)state;
    const char *const programs[] = {program_twopage, program_callelem};
    for (int i = 0; i < 2; i++) {
        check_program(programs[i], MMU_BARE, 16, 16);
        check_program(programs[i], MMU_RELOC, 16, 16);
        for (policy = 0; policy < TLB_POLICY_COUNT; policy++) {
            check_program(programs[i], MMU_PAGED, 16, 16);
            check_program(programs[i], MMU_PAGED, 4, 2); /* the code, stack and data pages fight */
            check_program(programs[i], MMU_PAGED, 2, 2);
        }
        policy = TLB_LRU;
    }
    machine_t *m = boot(program_twopage, MMU_PAGED, 16, 16);
    run_to_trap(m, HOW_RUN);
    const hw_counters_t *c = machine_counters(m);
    assert_int_equal(c->loads, 3 * 1100 * 2);
    assert_int_equal(c->tlb_misses, 1 + 2 + 2); /* the code page, two pages a side: each missed once */
    machine_destroy(m);
}

static void test_selfmod(void **state)
{
    (void)state;
    check_program(program_selfmod, MMU_RELOC, 16, 16);
    check_program(program_selfmod, MMU_PAGED, 4, 4);
    machine_t *m = boot(program_selfmod, MMU_RELOC, 16, 16);
    run_to_trap(m, HOW_RUN);
    cpu_state_t s;
    machine_get_state(m, &s);
    assert_int_equal(s.r[3], 2 * 30); /* every round ran the rewritten LOAD R1, #2 */
    machine_destroy(m);
}

static void test_relinked_block(void **state)
{
    (void)state;
    check_program(program_relink, MMU_BARE, 16, 16);
    check_program(program_relink, MMU_RELOC, 16, 16);
    check_program(program_relink, MMU_PAGED, 4, 4);
    machine_t *m = boot(program_relink, MMU_RELOC, 16, 16);
    run_to_trap(m, HOW_RUN);
    cpu_state_t s;
    machine_get_state(m, &s);
    assert_int_equal(s.r[3], 20 * 1 + 20 * 2); /* every call ran body as last rewritten */
    machine_destroy(m);
}

/* Calls whose stack page is another mapping of the code's frame: the CALL's
 * and the RET's data accesses, each the last of its block, hit another TLB
 * entry than the fetches but stamp the same frame; the last CALL leaves
 * for another page, so its push stays the frame's latest use. */
static const char *program_alias_stack =
    "        .text\n"
    "start:  LOAD R3, #60\n"
    "loop:   CALL get\n"
    "        ADD R6, R4\n"
    "        DEC R3\n"
    "        JNZ loop\n"
    "        CALL far\n"
    "get:    LOAD R4, /word\n"
    "        XOR R4, R3\n"
    "        RET\n"
    "        .org 0x1000\n"
    "far:    SYSCALL #0\n"
    "        .data\n"
    "        .org 0x2000\n"
    "word:   .word 5\n";

static void test_aliased_frame(void **state)
{
    (void)state;
    alias_vpn = 0xF000 / 4096 - 1; /* the stack's page (SP starts at 0xF000) */
    for (policy = 0; policy < TLB_POLICY_COUNT; policy++) {
        check_program(program_alias_stack, MMU_PAGED, 16, 16);
        check_program(program_alias_stack, MMU_PAGED, 4, 2);
    }
    policy = TLB_LRU;
    machine_t *m = boot(program_alias_stack, MMU_PAGED, 16, 16);
    run_to_trap(m, HOW_RUN);
    uint32_t top;
    assert_true(machine_phys_read(m, LOAD_BASE + 0xFFC, &top, 4)); /* the CALL pushed into the code's frame */
    assert_int_equal(top, 4 * 6); /* the last return address, after CALL far */
    machine_destroy(m);
    alias_vpn = 0;
}

/* Budgets of every size from one cycle to a few blocks' worth, so that
 * the run's last round is cut after every instruction of every block (the
 * fast path runs what starts below the limit and stops there), with misses
 * and their walks inside cut rounds where the TLB is small; each budget's
 * end compared with single steps to the same limit. */
static void test_cut_rounds(void **state)
{
    (void)state;
    const char *const programs[] = {program_loop, program_callelem, program_twopage};
    const struct {
        mmu_mode_t mode;
        uint32_t entries, ways;
    } shapes[] = {{MMU_PAGED, 16, 16}, {MMU_PAGED, 2, 2}, {MMU_RELOC, 16, 16}};
    for (int i = 0; i < 3; i++) {
        for (int j = 0; j < 3; j++) {
            for (uint64_t slice = 1; slice <= 41; slice += 1 + slice / 8) {
                machine_t *m = boot(programs[i], shapes[j].mode, shapes[j].entries, shapes[j].ways);
                machine_t *ref = boot(programs[i], shapes[j].mode, shapes[j].entries, shapes[j].ways);
                uint64_t limit = 0;
                for (bool trapped = false; !trapped;)
                    trapped = run_both_to(m, ref, limit += slice);
                same_machines(m, ref, MEM, "the end of budgets of a slice", slice);
                machine_destroy(m);
                machine_destroy(ref);
            }
        }
    }
}

static void test_fault_in_loop(void **state)
{
    (void)state;
    check_program(program_fault, MMU_RELOC, 16, 16);
    check_program(program_fault, MMU_PAGED, 2, 2);
    machine_t *m = boot(program_fault, MMU_RELOC, 16, 16);
    trap_t t = run_to_trap(m, HOW_RUN);
    assert_int_equal(t.cause, TRAP_MISALIGNED);
    assert_int_equal(t.vaddr, 0x3000 + 400 + 1);
    machine_destroy(m);
}

/*
 * The contiguous runner's chains (cpu.c run_contiguous): linked blocks run
 * with their cycles and counts summed in locals, a one-block loop's rounds
 * counted ahead.  Each program below leaves a chain another way: a fault in
 * a block reached through links, a fault in a loop's round counted ahead,
 * a call whose push stores into decoded code, a block that ends at its
 * granule with a store into code; and a chain longer than one summing
 * allows.  (HOW_SLICES ends chains at the budget.)
 */

/* Loads walking up to the end of what the mode reaches (`end`), in a
 * three-block call loop (`called` true) or a one-block loop: the fault
 * comes in the middle of a block, one whose counts the chain holds. */
static char *walk_to_end(uint32_t end, bool called)
{
    static char source[1024];
    const char *loop = called ? "loop:   CALL get\n"
                                "        ADD R6, R4\n"
                                "        JMP loop\n"
                                "get:    XOR R4, R3\n"
                                "        LOAD R4, [R1]\n"
                                "        ADD R1, #4\n"
                                "        RET\n"
                              : "loop:   ADD R6, R4\n"
                                "        LOAD R4, [R1]\n"
                                "        ADD R1, #4\n"
                                "        DEC R3\n"
                                "        JNZ loop\n"
                                "        SYSCALL #0\n";
    snprintf(source, sizeof source,
             "        .text\n"
             "start:  LI R1, %#x\n"
             "        LOAD R3, #5000\n"
             "%s",
             end - 4096, loop);
    return source;
}

static void test_chain_faults(void **state)
{
    (void)state;
    for (int called = 0; called <= 1; called++) {
        check_program(walk_to_end(0x10000, called), MMU_RELOC, 16, 16); /* boot()'s limit */
        check_program(walk_to_end(MEM, called), MMU_BARE, 16, 16);
        machine_t *m = boot(walk_to_end(0x10000, called), MMU_RELOC, 16, 16);
        trap_t t = run_to_trap(m, HOW_RUN);
        assert_int_equal(t.cause, TRAP_PROTECTION);
        assert_int_equal(t.vaddr, 0x10000);
        /* every round before the fault, and no more (a RET loads too) */
        assert_int_equal(machine_counters(m)->loads, 1024 * (1 + called));
        machine_destroy(m);
    }
}

/* Every call pushes its return address into the granule of the function it
 * calls (SP points just past `spot`), retiring that block: the call has
 * stored into code and must still go where it calls. */
static const char *program_push_into_code =
    "        .text\n"
    "start:  LOAD R7, #50\n"
    "        LOAD SP, #spot + 4\n"
    "loop:   CALL f\n"
    "        DEC R7\n"
    "        JNZ loop\n"
    "        SYSCALL #0\n"
    "f:      ADD R6, #1\n"
    "        RET\n"
    "spot:   .word 0\n";

/* g's block ends where its granule does, after a store into code: the run
 * goes on at the next address, not where the call before it went. */
static const char *program_store_at_granule_end =
    "        .text\n"
    "start:  LOAD R7, #50\n"
    "loop:   CALL g\n"
    "        DEC R7\n"
    "        JNZ loop\n"
    "        SYSCALL #0\n"
    "        .org 0xF4\n"
    "word:   .word 0\n"
    "g:      ADD R6, #1\n"
    "        STORE R6, /word\n"
    "        RET\n";

static void test_chain_stores_into_code(void **state)
{
    (void)state;
    const char *const programs[] = {program_push_into_code, program_store_at_granule_end};
    for (int i = 0; i < 2; i++) {
        check_program(programs[i], MMU_BARE, 16, 16);
        check_program(programs[i], MMU_RELOC, 16, 16);
        machine_t *m = boot(programs[i], MMU_RELOC, 16, 16);
        run_to_trap(m, HOW_RUN);
        cpu_state_t s;
        machine_get_state(m, &s);
        assert_int_equal(s.r[6], 50); /* every call reached its function, and returned */
        machine_destroy(m);
    }
}

/* A one-block loop and a call loop, each longer than one chain may run:
 * 2^21 instructions and more would carry from one packed count into the
 * next (cpu.c sums them, 2^20 cycles at a time, a loop's rounds counted
 * ahead as many as fit).  Under a timing that makes MUL and memory free, its
 * blocks take far fewer cycles than they have instructions: those are
 * never followed through a link, nor counted ahead as loops. */
static char *long_calls(void)
{
    static char source[1024];
    char muls[31 * 20] = "";
    for (int i = 0; i < 30; i++)
        strcat(muls, "        MUL R4, R3\n");
    snprintf(source, sizeof source,
             "        .text\n"
             "start:  CALL spin\n"
             "        LI R3, 60000\n"
             "loop:   CALL get\n"
             "        ADD R6, R4\n"
             "        DEC R3\n"
             "        JNZ loop\n"
             "        SYSCALL #0\n"
             "get:    LOAD R4, [R1]\n"
             "%s"
             "        RET\n"
             "        .org 1024\n" /* a one-block loop as long, entered by a call */
             "spin:   LI R3, 320000\n"
             "again:  MUL R6, R3\n"
             "        MUL R6, R3\n"
             "        MUL R6, R3\n"
             "        MUL R6, R3\n"
             "        ADD R6, R3\n"
             "        DEC R3\n"
             "        JNZ again\n"
             "        RET\n",
             muls);
    return source;
}

static void test_long_and_free_chains(void **state)
{
    (void)state;
    const char *source = long_calls();
    check_program(source, MMU_BARE, 16, 16);
    machine_t *m = boot(source, MMU_BARE, 16, 16);
    run_to_trap(m, HOW_RUN);
    /* LI is LUI + ORI */
    assert_int_equal(machine_counters(m)->instructions, 1 + 2 + 320000 * 7 + 1 + 2 + 60000 * 36 + 1);
    assert_int_equal(machine_counters(m)->loads, 1 + 2 * 60000);
    machine_destroy(m);
    timing_t free_memory;
    timing_defaults(&free_memory);
    free_memory.mem_cycles = free_memory.mul_cycles = free_memory.reloc_cycles = 0;
    timing = &free_memory;
    check_program(source, MMU_BARE, 16, 16);
    check_program(source, MMU_RELOC, 16, 16);
    check_program(program_loop, MMU_BARE, 16, 16);
    timing_t slow_memory; /* blocks dearer than a chain's room: they run the reference way */
    timing_defaults(&slow_memory);
    slow_memory.mem_cycles = 200000;
    timing = &slow_memory;
    check_program(program_loop, MMU_RELOC, 16, 16);
    timing = NULL;
}

/*
 * A hit whose entry needs D set walks again and refills the entry from the
 * page table as it is now.  Here the OS took X away from the code page
 * without flushing the TLB, so the store's walk leaves the fetch entry
 * without X: the next fetch faults, though the block it is in was entered
 * with X.  (The fast path must leave its block when a walk changed the
 * fetch entry, not only when a fill gave the slot to another page.)
 */
static const char *program_store_takes_x =
    "        LOAD    R2, #0x800\n" /* a data word in the code page, another granule */
    "        SYSCALL #1\n"         /* the test takes X away here */
    "        STORE   R1, [R2]\n"
    "        ADD     R3, #1\n"
    "        ADD     R3, #1\n"
    "        SYSCALL #2\n";

static void test_rewalk_takes_the_fetch_permission(void **state)
{
    (void)state;
    for (how_t how = HOW_STEP; how <= HOW_SLICES; how++) {
        machine_t *m = boot(program_store_takes_x, MMU_PAGED, 16, 16);
        trap_t t = run_to_trap(m, how);
        assert_int_equal(t.cause, TRAP_SYSCALL);
        /* the code page stays readable and writable, accessed, not dirty */
        const uint32_t leaf = TABLES + 0x1000;
        assert_true(machine_write32(m, leaf, pte_val(pte_make(LOAD_BASE >> 12, PTE_V | PTE_R | PTE_W | PTE_U | PTE_A))));
        t = run_to_trap(m, how);
        assert_int_equal(t.cause, TRAP_PAGE_EXEC);
        if (t.pc != 12) /* the first ADD */
            fail_msg("run the way %d: the fetch fault at %#x, not 0xc", how, t.pc);
        assert_int_equal(machine_counters(m)->instructions, 3);
        machine_destroy(m);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_loop_bare),          cmocka_unit_test(test_loop_reloc),
        cmocka_unit_test(test_loop_paged_big_tlb), cmocka_unit_test(test_loop_paged_tiny_tlb),
        cmocka_unit_test(test_selfmod),            cmocka_unit_test(test_fault_in_loop),
        cmocka_unit_test(test_relinked_block),
        cmocka_unit_test(test_rounds_cross_pages), cmocka_unit_test(test_alternating_pages),
        cmocka_unit_test(test_stride_pages),       cmocka_unit_test(test_bench_loops),
        cmocka_unit_test(test_aliased_frame),      cmocka_unit_test(test_cut_rounds),
        cmocka_unit_test(test_chain_faults),       cmocka_unit_test(test_chain_stores_into_code),
        cmocka_unit_test(test_long_and_free_chains), cmocka_unit_test(test_rewalk_takes_the_fetch_permission),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
