/*
 * The OS side of paging (issue 3, items 3 and 4): demand paging and
 * prefaulting, the region and frame tables, replacement against the
 * textbook simulator on the same reference string, dirty write-backs through
 * the backing store, A and D bits left by the hardware, ASIDs against
 * flush-on-switch, local against global replacement, stack growth, brk, wild
 * accesses, and the cycles of one fault.
 *
 * Each test writes its programs to temporary files and runs them through a
 * session, exactly as `mmulab run` with the same options would, so the
 * option table, the loader, the kernel and the pager are all exercised.
 * Expected figures are worked out by hand in the comments.  Run it from the
 * repository root: some tests read the programs in programs/.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


#include "../../mmu/pte.h"
#include "../../studies/refsim.h"
#include "../../sim/session.h"

#include <cmocka.h>

#define MAX_ARGS 32

typedef struct {
    session_t s;
    char paths[4][64];
    int npaths;
    int status;
    FILE *console;
} run_t;

static void write_program(run_t *r, const char *source)
{
    char *path = r->paths[r->npaths++];
    snprintf(path, 64, "/tmp/test_paging_XXXXXX.s");
    int fd = mkstemps(path, 2);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, source, strlen(source)), (ssize_t)strlen(source));
    close(fd);
}

/* Run the programs with `args` (space-separated options, as on the command line). */
static run_t *run_programs(const char *args, const char *const *sources, int n)
{
    run_t *r = calloc(1, sizeof *r);
    char buf[512], *argv[MAX_ARGS] = {"run"};
    int argc = 1;
    snprintf(buf, sizeof buf, "%s", args);
    for (char *tok = strtok(buf, " "); tok && argc < MAX_ARGS - 8; tok = strtok(NULL, " "))
        argv[argc++] = tok;
    for (int i = 0; i < n; i++) {
        write_program(r, sources[i]);
        argv[argc++] = r->paths[i];
    }
    run_options_t opt;
    run_options_defaults(&opt);
    assert_int_equal(run_options_parse(argc, argv, &opt, stderr), 0);
    opt.quiet = true;
    assert_int_equal(session_open(&r->s, &opt, stderr), 0);
    r->console = fopen("/dev/null", "w");
    os_set_console(r->s.os, r->console);
    r->status = session_run(&r->s);
    return r;
}

static run_t *run_one(const char *args, const char *source) { return run_programs(args, &source, 1); }

static void run_free(run_t *r)
{
    session_close(&r->s);
    for (int i = 0; i < r->npaths; i++)
        unlink(r->paths[i]);
    if (r->console)
        fclose(r->console);
    free(r);
}

static process_t *proc(run_t *r, int pid) { return os_process(r->s.os, pid); }

/* ---- programs ---------------------------------------------------------------- */

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *text = calloc(1, (size_t)n + 1);
    assert_int_equal(fread(text, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    return text;
}

/* Stores to pages 1, 2, 3, then loads page 1 back and exits with what it read. */
static const char *program_dirty =
    "        .text\n"
    "start:  LOAD R2, #77\n"
    "        STORE R2, /4096\n"
    "        LOAD R2, #88\n"
    "        STORE R2, /8192\n"
    "        STORE R2, /12288\n"
    "        LOAD R1, /4096\n"
    "        SYSCALL #0\n"
    "        .data\n"
    "        .org 4096\n"
    "        .space 3 * 4096\n";

/* Pushes 3000 words (12000 bytes: the 4K stack must grow by two pages), pops them, exits 0 if all came back. */
static const char *program_deep_stack =
    "        .text\n"
    "start:  LI R3, 3000\n"
    "push:   PUSH R3\n"
    "        DEC R3\n"
    "        JNZ push\n"
    "        LOAD R4, #1\n"
    "        LI R5, 3000\n"
    "pop:    POP R3\n"
    "        CMP R3, R4\n"
    "        JNZ bad\n"
    "        INC R4\n"
    "        CMP R4, R5\n"
    "        JBE pop\n"
    "        LOAD R1, #0\n"
    "        SYSCALL #0\n"
    "bad:    LOAD R1, #1\n"
    "        SYSCALL #0\n";

/* brk: query, grow by two pages, use the new heap, try to go below the heap.
 * Exit codes: 0 good, 1 query, 2 grow, 3 the word, 4 bad request accepted. */
static const char *program_brk =
    "        .text\n"
    "start:  LOAD R1, #0\n"
    "        SYSCALL #12\n"
    "        MOV R6, R0\n"
    "        LI R2, 4096\n"
    "        CMP R6, R2\n"
    "        JNZ fail1\n"
    "        MOV R1, R6\n"
    "        LI R2, 8192\n"
    "        ADD R1, R2\n"
    "        SYSCALL #12\n"
    "        LI R2, 12288\n"
    "        CMP R0, R2\n"
    "        JNZ fail2\n"
    "        LI R2, 12000\n"
    "        LI R3, 4242\n"
    "        STORE R3, [R2]\n"
    "        LOAD R4, [R2]\n"
    "        CMP R4, R3\n"
    "        JNZ fail3\n"
    "        LOAD R1, #16\n"
    "        SYSCALL #12\n"
    "        LI R2, -12\n"
    "        CMP R0, R2\n"
    "        JNZ fail4\n"
    "        LOAD R1, #0\n"
    "        SYSCALL #0\n"
    "fail1:  LOAD R1, #1\n"
    "        SYSCALL #0\n"
    "fail2:  LOAD R1, #2\n"
    "        SYSCALL #0\n"
    "fail3:  LOAD R1, #3\n"
    "        SYSCALL #0\n"
    "fail4:  LOAD R1, #4\n"
    "        SYSCALL #0\n";

/* Loops over `n` data pages many times (a busy process for scheduling tests). */
static char *program_loop_pages(int pages, int passes)
{
    char *text = malloc(1024);
    snprintf(text, 1024,
             "        .text\n"
             "start:  LI R5, %d\n"
             "pass:   LI R1, 4096\n"
             "        LOAD R3, #%d\n"
             "touch:  LOAD R4, [R1]\n"
             "        LI R2, 4096\n"
             "        ADD R1, R2\n"
             "        DEC R3\n"
             "        JNZ touch\n"
             "        DEC R5\n"
             "        JNZ pass\n"
             "        LOAD R1, #0\n"
             "        SYSCALL #0\n"
             "        .data\n"
             "        .org 4096\n"
             "        .space %d * 4096\n",
             passes, pages, pages);
    return text;
}

/* ---- tests -------------------------------------------------------------------- */

/* vcopy with 4 KiB pages: code (100..143), src (1000..1039), size (1500) and
 * dst (2000..2039) are all on page 0, so one fault; with 512-byte pages they
 * are on pages 0, 1 and 2 (src crosses 1024), 2 (size) and 3 (dst): 4 faults,
 * all major (page 0..3 hold bytes of .text or .data). */
static void test_vcopy_demand_faults(void **state)
{
    (void)state;
    char *vcopy = read_file("programs/vcopy.s");
    run_t *r = run_one("--mode paged", vcopy);
    assert_int_equal(r->status, 0);
    assert_int_equal(proc(r, 1)->st.page_faults, 1);
    assert_int_equal(proc(r, 1)->st.major_faults, 1);
    run_free(r);
    r = run_one("--mode paged --page-size 512", vcopy);
    assert_int_equal(r->status, 0);
    assert_int_equal(proc(r, 1)->st.page_faults, 4);
    assert_int_equal(proc(r, 1)->st.major_faults, 4);
    assert_int_equal(proc(r, 1)->st.evictions, 0);
    run_free(r);
    r = run_one("--mode paged --page-size 512 --prefault", vcopy);
    assert_int_equal(r->status, 0);
    assert_int_equal(proc(r, 1)->st.page_faults, 0);
    assert_true(proc(r, 1)->st.load_cycles > 4 * 1024); /* each 512-byte page read costs 1024 cycles */
    run_free(r);
    free(vcopy);
}

/* The region table of vcopy, and the page code and data share. */
static void test_vcopy_regions(void **state)
{
    (void)state;
    char *vcopy = read_file("programs/vcopy.s");
    run_t *r = run_one("--mode paged", vcopy);
    int n;
    const os_region_t *reg = os_regions(r->s.os, 1, &n);
    assert_int_equal(n, 4); /* code, data, heap, stack */
    assert_int_equal(reg[0].kind, REGION_CODE);
    assert_int_equal(reg[0].perm, PTE_R | PTE_X);
    assert_int_equal(reg[1].kind, REGION_DATA);
    assert_int_equal(reg[1].start, 0); /* 1000..2039 lies on page 0 too */
    assert_int_equal(reg[2].kind, REGION_HEAP);
    assert_int_equal(reg[2].start, 4096);
    assert_int_equal(reg[2].end, 4096);
    assert_int_equal(reg[3].kind, REGION_STACK);
    assert_int_equal(reg[3].end, 0xFFFFF000u); /* below the guard page */
    assert_int_equal(reg[3].start, 0xFFFFE000u);
    uint32_t pte;
    assert_true(os_pte(r->s.os, 1, 0, &pte));
    assert_int_equal(pte & PTE_RWX, PTE_RWX); /* the union of code and data */
    run_free(r);
    free(vcopy);
}

/* After vcopy with 512-byte pages: page 1 (src) was read only, page 3 (dst)
 * written: the hardware set A on both and D on page 3 only. */
static void test_accessed_and_dirty_bits(void **state)
{
    (void)state;
    char *vcopy = read_file("programs/vcopy.s");
    run_t *r = run_one("--mode paged --page-size 512", vcopy);
    uint32_t src, dst, stack;
    assert_true(os_pte(r->s.os, 1, 1, &src));
    assert_true(os_pte(r->s.os, 1, 3, &dst));
    assert_true(src & PTE_A);
    assert_false(src & PTE_D);
    assert_true(dst & PTE_A);
    assert_true(dst & PTE_D);
    assert_true(os_pte(r->s.os, 1, (0xFFFFF000u >> 9) - 1, &stack));
    assert_false(stack & (PTE_A | PTE_V)); /* never touched */
    run_free(r);
    free(vcopy);
}

/* The OS's fault count equals the textbook simulator's on the string the
 * program makes: 0 d1 0 d2 ... (page 0 fetched before every data page). */
static void test_replacement_matches_textbook(void **state)
{
    (void)state;
    static const int seed_refs[] = {7, 0, 1, 2, 0, 3, 0, 4, 2, 3, 0, 3, 2, 1, 2, 0, 1, 7, 0, 1};
    enum { N = sizeof seed_refs / sizeof seed_refs[0] };
    uint64_t pages[2 * N + 2];
    size_t n = 0;
    for (int i = 0; i < N; i++) {
        pages[n++] = 0;
        pages[n++] = (uint64_t)seed_refs[i] + 1;
    }
    pages[n++] = 0;
    pages[n++] = 0;
    uint64_t next_use[2 * N + 2];
    assert_true(refs_next_use(pages, n, next_use));
    char *program = read_file("programs/refstring.s");
    for (int policy = 0; policy < REPL_POLICY_COUNT; policy++) {
        refsim_t sim;
        assert_true(refsim_init(&sim, (repl_policy_t)policy, 4, next_use));
        for (size_t t = 0; t < n; t++) {
            bool fault;
            uint64_t evicted;
            refsim_access(&sim, pages[t], t, &fault, &evicted);
        }
        char args[96];
        snprintf(args, sizeof args, "--mode paged --frames 4 --replace %s", repl_policy_name[policy]);
        run_t *r = run_one(args, program);
        assert_int_equal(r->status, 0);
        assert_int_equal(proc(r, 1)->st.page_faults, sim.faults);
        assert_int_equal(proc(r, 1)->st.evictions, sim.evictions);
        refsim_free(&sim);
        run_free(r);
    }
    free(program);
}

/* Two frames, LRU: faults 0, 1(W), 2(W) evicting dirty 1, 3(W) evicting
 * dirty 2, then 1 again evicting dirty 3 and reading 1 back from the
 * backing store: 5 faults, 3 evictions, 3 write-backs, and the 77 stored
 * survives the round trip. */
static void test_dirty_writebacks(void **state)
{
    (void)state;
    run_t *r = run_one("--mode paged --frames 2", program_dirty);
    process_t *p = proc(r, 1);
    assert_int_equal(p->state, PROC_EXITED);
    assert_int_equal(p->exit_code, 77);
    assert_int_equal(p->st.page_faults, 5);
    assert_int_equal(p->st.evictions, 3);
    assert_int_equal(p->st.writebacks, 3);
    assert_int_equal(p->st.major_faults, 5);
    run_free(r);
}

/* One fault's service: trap entry 20 + handler 500 + a 4 KiB read at 50 MB/s
 * and 100 MHz (4096 * 100 / 50 = 8192) = 8712 cycles. */
static void test_fault_cycles(void **state)
{
    (void)state;
    char *vcopy = read_file("programs/vcopy.s");
    run_t *r = run_one("--mode paged", vcopy);
    const timing_t *t = &r->s.m->cfg.timing;
    assert_int_equal(timing_disk_cycles(t, 4096), 8192);
    assert_int_equal(proc(r, 1)->st.fault_cycles, t->trap_cycles + t->fault_handler_cycles + 8192);
    assert_int_equal(proc(r, 1)->st.fault_cycles, 8712);
    /* the seed's swap: 100 MB at 50 MB/s is 2 s, 2 * 10^8 cycles at 100 MHz */
    assert_int_equal(timing_disk_cycles(t, 100000000), 200000000);
    run_free(r);
    r = run_one("--mode paged --disk-mbps 100 --disk-latency-us 10", vcopy);
    assert_int_equal(proc(r, 1)->st.fault_cycles, 20 + 500 + 1000 + 4096);
    run_free(r);
    free(vcopy);
}

/* The frame table: the OS's frames, page tables, and the one user page. */
static void test_frame_table(void **state)
{
    (void)state;
    char *vcopy = read_file("programs/vcopy.s");
    run_t *r = run_one("--mode paged --max-cycles 9000", vcopy); /* stopped mid-run: still resident */
    os_t *os = r->s.os;
    assert_int_equal(os_frame_count(os), 256);
    assert_int_equal(os_frame(os, 0)->kind, FRAME_OS);
    assert_int_equal(os_frame(os, 1)->kind, FRAME_OS);
    int users = 0, tables = 0;
    for (uint32_t f = 0; f < os_frame_count(os); f++) {
        const os_frame_t *fr = os_frame(os, f);
        tables += fr->kind == FRAME_PAGE_TABLE;
        if (fr->kind == FRAME_USER) {
            users++;
            assert_int_equal(fr->mappings, 1);
            assert_int_equal(fr->owner[0].pid, 1);
            assert_int_equal(fr->owner[0].vpn, 0);
            assert_true(fr->referenced);
        }
    }
    assert_int_equal(users, 1);
    assert_int_equal(tables, 3); /* root, the table for page 0, the table for the stack */
    assert_null(os_frame(os, 256));
    run_free(r);
    free(vcopy);
}

/* The stack grows on demand: 12000 bytes pushed on a 4 KiB stack take two
 * more pages, each a minor (zero-fill) fault. */
static void test_stack_grows(void **state)
{
    (void)state;
    run_t *r = run_one("--mode paged", program_deep_stack);
    process_t *p = proc(r, 1);
    assert_int_equal(p->state, PROC_EXITED);
    assert_int_equal(p->exit_code, 0);
    assert_int_equal(p->st.minor_faults, 3); /* the first stack page and two grown */
    int n;
    const os_region_t *reg = os_regions(r->s.os, 1, &n);
    assert_int_equal(reg[n - 1].kind, REGION_STACK);
    assert_int_equal(reg[n - 1].start, 0xFFFFF000u - 3 * 4096);
    run_free(r);
}

static void test_brk(void **state)
{
    (void)state;
    run_t *r = run_one("--mode paged", program_brk);
    process_t *p = proc(r, 1);
    assert_int_equal(p->state, PROC_EXITED);
    assert_int_equal(p->exit_code, 0);
    assert_int_equal(p->brk, 12288);
    assert_int_equal(p->st.minor_faults, 1); /* the heap page at 8192..12287 */
    run_free(r);
    /* without paging there is no heap to move */
    r = run_one("--mode hwreloc", program_brk);
    assert_int_equal(proc(r, 1)->exit_code, 1);
    run_free(r);
}

/* brk to 2 GiB needs more page tables than half the frames: it fails with
 * -ENOMEM (-12) and the other process, which needs frames of its own, runs
 * to its end (before the bound the tables took every frame and the other
 * process was stopped: found by tests/fuzz/fuzz_syscall.c). */
static const char *program_huge_brk =
    "        .text\n"
    "start:  LI R1, 0x80000000\n"
    "        SYSCALL #12\n"
    "        LI R2, -12\n"
    "        CMP R0, R2\n"
    "        JNZ fail\n"
    "        LOAD R1, #0\n"
    "        SYSCALL #0\n"
    "fail:   LOAD R1, #1\n"
    "        SYSCALL #0\n";

static void test_huge_brk_leaves_others_frames(void **state)
{
    (void)state;
    char *other = program_loop_pages(8, 3);
    const char *progs[] = {program_huge_brk, other};
    run_t *r = run_programs("--mode paged --mem 256K", progs, 2);
    assert_int_equal(proc(r, 1)->state, PROC_EXITED);
    assert_int_equal(proc(r, 1)->exit_code, 0);
    assert_int_equal(proc(r, 2)->state, PROC_EXITED);
    uint32_t tables = 0, beside_os = 0;
    for (uint32_t f = 0; f < os_frame_count(r->s.os); f++) {
        tables += os_frame(r->s.os, f)->kind == FRAME_PAGE_TABLE;
        beside_os += os_frame(r->s.os, f)->kind != FRAME_OS;
    }
    assert_true(tables <= beside_os / 2);
    run_free(r);
    free(other);
}

/* The cycles of a run whose only work is brk(new_break), then brk back to
 * the start of the heap and exit. */
static uint64_t brk_cycles(uint32_t new_break, uint32_t *load_word_cycles)
{
    char src[256];
    snprintf(src, sizeof src,
             "        .text\n"
             "start:  LI R1, %u\n"
             "        SYSCALL #12\n"
             "        LI R1, 16384\n"
             "        SYSCALL #12\n"
             "        LOAD R1, #0\n"
             "        SYSCALL #0\n",
             new_break);
    run_t *r = run_one("--mode paged", src);
    assert_int_equal(proc(r, 1)->exit_code, 0);
    assert_int_equal(proc(r, 1)->brk, 16384);
    uint64_t cycles = proc(r, 1)->st.cycles;
    *load_word_cycles = r->s.m->cfg.timing.load_word_cycles;
    run_free(r);
    return cycles;
}

/* A call that maps or unmaps a range pays load_word_cycles per page, as the
 * loader's tables do: the OS's work follows the guest's clock, so a cycle
 * limit bounds it (threads repeating a huge brk ran for seconds inside
 * fuzz_syscall's cycle budget).  4 MiB more heap, grown and given back, is
 * 2 x 1020 pages more. */
static void test_range_calls_pay_per_page(void **state)
{
    (void)state;
    uint32_t per_pte;
    uint64_t small = brk_cycles(16384, &per_pte), big = brk_cycles(16384 + (4u << 20), &per_pte);
    assert_true(per_pte > 0);
    assert_true(big - small >= 2 * 1020 * (uint64_t)per_pte);
}

/* Shrinking the heap unmaps its pages: a later access is a wild one. */
static void test_brk_shrink_unmaps(void **state)
{
    (void)state;
    run_t *r = run_one("--mode paged", "        .text\n"
                                       "        LI R1, 12288\n"
                                       "        SYSCALL #12\n"
                                       "        LI R2, 8192\n"
                                       "        STORE R2, [R2]\n"
                                       "        MOV R1, R2\n"
                                       "        SYSCALL #12\n"
                                       "        LOAD R3, [R2]\n"
                                       "        SYSCALL #0\n");
    process_t *p = proc(r, 1);
    assert_int_equal(p->state, PROC_KILLED);
    assert_int_equal(p->fault.cause, TRAP_PAGE_NOT_MAPPED);
    assert_int_equal(p->fault.vaddr, 8192);
    assert_int_equal(p->brk, 8192);
    assert_int_equal(p->resident, 0); /* released at the end */
    uint32_t pte;
    assert_false(os_pte(r->s.os, 1, 2, &pte)); /* no longer the process's page */
    run_free(r);
}

/* A zero-fill fault into a frame an earlier page wrote reads zeros: only
 * frames untouched since boot are taken as zeroed without a write. */
static void test_zero_fill_into_used_frame(void **state)
{
    (void)state;
    run_t *r = run_one("--mode paged", "        .text\n"
                                       "        LI R1, 12288\n"
                                       "        SYSCALL #12\n"
                                       "        LI R2, 8192\n"
                                       "        LI R3, 77\n"
                                       "        STORE R3, [R2]\n"
                                       "        LOAD R4, [R2]\n"
                                       "        MOV R1, R2\n"
                                       "        SYSCALL #12\n" /* frees the page's frame */
                                       "        LI R1, 12288\n"
                                       "        SYSCALL #12\n"
                                       "        LOAD R5, [R2]\n" /* a new zero page, in the lowest free frame */
                                       "        SYSCALL #0\n");
    process_t *p = proc(r, 1);
    assert_int_equal(p->state, PROC_EXITED);
    assert_int_equal(p->cpu.r[4], 77);
    assert_int_equal(p->cpu.r[5], 0);
    assert_int_equal(p->st.page_faults, 3); /* code, the store's page, the load's page */
    run_free(r);
}

static void test_wild_access_killed(void **state)
{
    (void)state;
    run_t *r = run_one("--mode paged", "        .text\n"
                                       "        LI R1, 0x123458\n"
                                       "        LOAD R2, [R1]\n"
                                       "        SYSCALL #0\n");
    process_t *p = proc(r, 1);
    assert_int_equal(r->status, 1);
    assert_int_equal(p->state, PROC_KILLED);
    assert_int_equal(p->fault.cause, TRAP_PAGE_NOT_MAPPED);
    assert_int_equal(p->fault.vaddr, 0x123458);
    assert_non_null(strstr(p->fault_msg, "page not mapped"));
    assert_non_null(strstr(p->fault_msg, "0x00123458"));
    run_free(r);
}

/* A store to a code page that is not resident yet: the hardware says "not
 * present"; the OS's region table says read-only, so it is a write fault. */
static void test_write_to_absent_code_page(void **state)
{
    (void)state;
    run_t *r = run_one("--mode paged --page-size 512",
                       "        .text\n"
                       "        LI R1, 0x55\n"
                       "        STORE R1, /far\n"
                       "        SYSCALL #0\n"
                       "        .org 1024\n"
                       "far:    HALT\n");
    process_t *p = proc(r, 1);
    assert_int_equal(p->state, PROC_KILLED);
    assert_int_equal(p->fault.cause, TRAP_PAGE_WRITE);
    assert_int_equal(p->fault.vaddr, 1024);
    run_free(r);
}

/* Two processes, one small TLB: with 8 ASID bits their entries coexist;
 * with 0 bits every switch flushes, so each slice starts cold. */
static void test_asids_against_flush(void **state)
{
    (void)state;
    char *a = program_loop_pages(2, 400), *b = program_loop_pages(2, 400);
    const char *progs[] = {a, b};
    run_t *with = run_programs("--mode paged --tlb 8 --asid-bits 8 --quantum 2000", progs, 2);
    run_t *without = run_programs("--mode paged --tlb 8 --asid-bits 0 --quantum 2000", progs, 2);
    proc_stats_t tw, two;
    os_totals(with->s.os, &tw);
    os_totals(without->s.os, &two);
    assert_int_equal(with->status, 0);
    assert_int_equal(without->status, 0);
    assert_int_equal(tw.instructions, two.instructions);
    assert_true(tw.context_switches > 10);
    /* with ASIDs, by hand: each process has 3 pages (code, 2 data); each page
     * misses once when it faults (a faulting walk fills nothing) and once
     * when the instruction restarts: 2 * 3 * 2 processes = 12, never again */
    assert_int_equal(tw.page_faults, 6);
    assert_int_equal(tw.tlb_misses, 12);
    assert_int_equal(proc(with, 1)->st.tlb_misses, 6);
    /* without: every switch empties the TLB, so each slice misses again */
    assert_true(two.tlb_misses >= tw.tlb_misses + two.context_switches);
    run_free(with);
    /* one ASID bit still tells pid 1 (ASID 1) from pid 2 (ASID 0) */
    with = run_programs("--mode paged --tlb 8 --asid-bits 1 --quantum 2000", progs, 2);
    os_totals(with->s.os, &tw);
    assert_int_equal(tw.tlb_misses, 12);
    run_free(with);
    /* three processes, two ASIDs: pids 1 and 3 would share ASID 1, so the OS
     * flushes on every switch again */
    const char *three[] = {a, a, b};
    with = run_programs("--mode paged --tlb 8 --asid-bits 1 --quantum 2000", three, 3);
    os_totals(with->s.os, &tw);
    assert_int_equal(tw.page_faults, 9);
    assert_true(tw.tlb_misses >= 18 + tw.context_switches);
    run_free(with);
    run_free(without);
    free(a);
    free(b);
}

/* A big process (6 pages of data) beside a small one (1 page), 6 frames,
 * FIFO.  Global: the big one's faults take the small one's frames too.
 * Local, equal shares of 3: the small one keeps its 2 pages and faults only
 * on first touch; the big one thrashes inside its own 3 frames. */
static void test_local_against_global(void **state)
{
    (void)state;
    char *big = program_loop_pages(6, 20), *small = program_loop_pages(1, 5000);
    const char *progs[] = {big, small};
    run_t *global = run_programs("--mode paged --frames 6 --replace fifo --scope global --quantum 5000", progs, 2);
    run_t *local = run_programs("--mode paged --frames 6 --replace fifo --scope local --quantum 5000", progs, 2);
    assert_int_equal(global->status, 0);
    assert_int_equal(local->status, 0);
    assert_int_equal(proc(local, 1)->frame_quota, 3);
    assert_int_equal(proc(local, 2)->frame_quota, 3);
    assert_int_equal(proc(local, 2)->st.page_faults, 2); /* code and its data page, once */
    assert_true(proc(global, 2)->st.page_faults > 2);
    assert_true(proc(local, 1)->st.page_faults > proc(global, 1)->st.page_faults);
    run_free(global);
    run_free(local);
    /* proportional: by image size, the big one gets more */
    run_t *prop = run_programs("--mode paged --frames 6 --scope local --alloc proportional", progs, 2);
    assert_true(proc(prop, 1)->frame_quota > proc(prop, 2)->frame_quota);
    run_free(prop);
    free(big);
    free(small);
}

/* OPT with two processes: its recording pass gives each its future; the run
 * is right and never faults more than LRU on the same frames. */
static void test_opt_two_processes(void **state)
{
    (void)state;
    char *a = program_loop_pages(5, 5), *b = program_loop_pages(3, 5);
    const char *progs[] = {a, b};
    run_t *opt = run_programs("--mode paged --frames 5 --replace opt", progs, 2);
    run_t *lru = run_programs("--mode paged --frames 5 --replace lru", progs, 2);
    proc_stats_t to, tl;
    os_totals(opt->s.os, &to);
    os_totals(lru->s.os, &tl);
    assert_int_equal(opt->status, 0);
    assert_true(to.page_faults <= tl.page_faults);
    size_t n;
    assert_null(os_recorded_refs(opt->s.os, 1, &n)); /* the real run records nothing */
    run_free(opt);
    run_free(lru);
    free(a);
    free(b);
}

/* --dump and --check read non-resident pages from the executable and the
 * backing store, never faulting them in. */
static void test_software_reads_do_not_fault(void **state)
{
    (void)state;
    run_t *r = run_one("--mode paged --frames 2", program_dirty);
    uint32_t word = 0;
    assert_true(os_read_logical(r->s.os, 1, 4096, &word, 4)); /* page 1: in the backing store */
    assert_int_equal(word, 77);
    assert_true(os_read_logical(r->s.os, 1, 8192, &word, 4));
    assert_int_equal(word, 88);
    assert_false(os_read_logical(r->s.os, 1, 0x40000, &word, 4)); /* not mapped */
    assert_int_equal(proc(r, 1)->st.page_faults, 5);
    run_free(r);
}

static void test_bad_options(void **state)
{
    (void)state;
    static const char *const bad[][3] = {
        {"run", "--page-size", "3000"}, {"run", "--levels", "4"},  {"run", "--va-bits", "40"},
        {"run", "--tlb", "0"},           {"run", "--replace", "mru"}, {"run", "--scope", "both"},
        {"run", "--frames", "1"},        {"run", "--tlb-ways", "x"},  {"run", "--asid-bits", "17"},
    };
    FILE *devnull = fopen("/dev/null", "w");
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        run_options_t o;
        run_options_defaults(&o);
        assert_int_equal(run_options_parse(3, (char **)bad[i], &o, devnull), 2);
    }
    run_options_t o;
    run_options_defaults(&o);
    char *combo[] = {"run", "--mode", "paged", "--tlb", "16", "--tlb-ways", "3"};
    assert_int_equal(run_options_parse(7, combo, &o, devnull), 2);
    fclose(devnull);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vcopy_demand_faults),
        cmocka_unit_test(test_vcopy_regions),
        cmocka_unit_test(test_accessed_and_dirty_bits),
        cmocka_unit_test(test_replacement_matches_textbook),
        cmocka_unit_test(test_dirty_writebacks),
        cmocka_unit_test(test_fault_cycles),
        cmocka_unit_test(test_frame_table),
        cmocka_unit_test(test_zero_fill_into_used_frame),
        cmocka_unit_test(test_stack_grows),
        cmocka_unit_test(test_brk),
        cmocka_unit_test(test_brk_shrink_unmaps),
        cmocka_unit_test(test_huge_brk_leaves_others_frames),
        cmocka_unit_test(test_range_calls_pay_per_page),
        cmocka_unit_test(test_wild_access_killed),
        cmocka_unit_test(test_write_to_absent_code_page),
        cmocka_unit_test(test_asids_against_flush),
        cmocka_unit_test(test_local_against_global),
        cmocka_unit_test(test_opt_two_processes),
        cmocka_unit_test(test_software_reads_do_not_fault),
        cmocka_unit_test(test_bad_options),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
