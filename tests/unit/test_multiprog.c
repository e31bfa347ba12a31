/*
 * The OS's multiprogramming with answers worked out by hand, on the C model:
 * compaction under base/limit (who moves where, EV_MOVE cycles = words x
 * copy_word_cycles, and the moved process still runs right), compaction
 * refused under software relocation, swap timing (every roll-out and roll-in
 * costs timing_disk_cycles of the partition: the seed's 100 MB at 50 MB/s is
 * 2 s each way), where a swapped process comes back under each binding, and
 * the overlay system call.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../toolchain/asm.h"
#include "../../os/mp_internal.h"
#include "../../os/overlay.h"

/* Adds 1 to each of 100 words 20 times through a pointer register, then
 * exits with their sum, 2000: long enough to span several time slices,
 * with an address in R1 almost all the time. */
#define WORKER_SUM 2000
static const char *program_worker =
    "        .text\n"
    "start:  LOAD R5, #20\n"
    "pass:   LOAD R1, #array\n"
    "        LOAD R3, #100\n"
    "next:   LOAD R4, [R1+0]\n"
    "        INC R4\n"
    "        STORE R4, [R1+0]\n"
    "        ADD R1, #4\n"
    "        DEC R3\n"
    "        JNZ next\n"
    "        DEC R5\n"
    "        JNZ pass\n"
    "        LOAD R1, #array\n"
    "        LOAD R3, #100\n"
    "        LOAD R2, #0\n"
    "sum:    LOAD R4, [R1+0]\n"
    "        ADD R2, R4\n"
    "        ADD R1, #4\n"
    "        DEC R3\n"
    "        JNZ sum\n"
    "        MOV R1, R2\n"
    "        SYSCALL #0\n"
    "        .data\n"
    "array:  .space 400\n";

/* Root + one phase on disk: the phase stores 7 at `result` through a loop
 * of its own (a relocated jump inside the phase). */
static const char *program_overlay =
    "        .text\n"
    "start:  LOAD R1, #phase\n"
    "        LOAD R2, #phase_end - phase\n"
    "        LOAD R3, #area\n"
    "        SYSCALL #20\n"
    "        MOV R9, R0\n"
    "        CALL area\n"
    "        LOAD R1, /result\n"
    "        SYSCALL #0\n"
    "result: .word 0\n"
    "area:   .space 512\n"
    "__overlays:\n"
    "phase:  LOAD R2, #7\n"
    "        LOAD R1, #0\n"
    "more:   INC R1\n"
    "        CMP R1, R2\n"
    "        JNZ more\n"
    "        STORE R1, /result\n"
    "        RET\n"
    "        .space 400\n"
    "phase_end:\n";

typedef struct {
    int n;
    event_t ev[256];
} seen_t;

static void collect(void *ctx, const event_t *ev)
{
    seen_t *s = ctx;
    bool wanted = ev->kind == EV_MOVE || ev->kind == EV_SWAP_OUT || ev->kind == EV_SWAP_IN ||
                  ev->kind == EV_DISK_READ;
    if (wanted && s->n < 256)
        s->ev[s->n++] = *ev;
}

typedef struct {
    evbus_t bus;
    seen_t seen;
    machine_t *m;
    os_t *os;
    char *out;
    size_t outlen;
    FILE *console;
} rig_t;

static void rig_open(rig_t *r, os_mode_t mode, uint32_t mem, uint32_t stack, bool compact, bool swap)
{
    memset(r, 0, sizeof *r);
    machine_config_t hw;
    machine_config_defaults(&hw);
    hw.mem_size = mem;
    os_config_t cfg;
    os_config_defaults(&cfg);
    cfg.mode = mode;
    cfg.stack_size = stack;
    cfg.mp.compact = compact;
    cfg.mp.swap = swap;
    char err[256];
    evbus_init(&r->bus);
    evbus_subscribe(&r->bus, collect, &r->seen);
    r->m = cmodel_create(&hw, &r->bus, err, sizeof err);
    assert_non_null(r->m);
    r->os = os_create(r->m, &cfg, err, sizeof err);
    assert_non_null(r->os);
    r->console = open_memstream(&r->out, &r->outlen);
    os_set_console(r->os, r->console);
}

static void rig_close(rig_t *r)
{
    os_destroy(r->os);
    machine_destroy(r->m);
    fclose(r->console);
    free(r->out);
}

static int load(rig_t *r, const char *source)
{
    exe_t exe;
    FILE *devnull = fopen("/dev/null", "w");
    asm_options_t opt = {.errors = devnull};
    assert_int_equal(asm_assemble("test.s", source, strlen(source), &opt, &exe), 0);
    fclose(devnull);
    char err[256];
    int pid = os_load(r->os, &exe, "test.s", err, sizeof err);
    exe_free(&exe);
    return pid;
}

/* Three workers, the middle one gone: its hole and the top hole together fit
 * a request neither fits alone. */
static uint32_t fragment(rig_t *r, uint32_t *hole_size)
{
    for (int i = 0; i < 3; i++)
        assert_int_equal(load(r, program_worker), i + 1);
    process_t *p2 = os_process(r->os, 2);
    *hole_size = p2->size;
    os_exit_process(r->os, p2, 0);
    uint32_t free_bytes, largest;
    partitions_holes(&r->os->parts, &free_bytes, &largest);
    return free_bytes;
}

static void test_compaction_moves_base_limit_process(void **state)
{
    (void)state;
    rig_t r;
    rig_open(&r, OS_HWRELOC, 16384, 1024, true, false);
    uint32_t hole, free_bytes = fragment(&r, &hole);
    process_t *p1 = os_process(r.os, 1), *p3 = os_process(r.os, 3);
    uint32_t old3 = p3->base, block = p3->size;
    uint8_t before[64], after[64];
    machine_phys_read(r.m, old3, before, sizeof before);
    char err[256];
    uint32_t base = os_make_room(r.os, free_bytes, 9, err, sizeof err); /* all the free memory */
    assert_int_not_equal(base, UINT32_MAX);
    assert_int_equal(p3->base, p1->base + p1->size); /* slid down against process 1 */
    assert_int_equal(p3->mmu.base, p3->base);        /* and its base register with it */
    assert_int_equal(base, p3->base + p3->size);
    machine_phys_read(r.m, p3->base, after, sizeof after);
    assert_memory_equal(before, after, sizeof before);
    assert_int_equal(r.seen.n, 1);
    assert_int_equal(r.seen.ev[0].kind, EV_MOVE);
    assert_int_equal(r.seen.ev[0].duration, (uint64_t)block / 4 * r.m->cfg.timing.copy_word_cycles);
    assert_int_equal(r.seen.ev[0].b, old3);
    assert_int_equal(os_run(r.os), 0); /* process 3 runs right at its new place */
    assert_int_equal(os_process(r.os, 3)->exit_code, WORKER_SUM);
    (void)hole;
    rig_close(&r);
}

static void test_compaction_refused_under_software_relocation(void **state)
{
    (void)state;
    rig_t r;
    rig_open(&r, OS_SWRELOC, 16384, 1024, true, false);
    uint32_t hole, free_bytes = fragment(&r, &hole);
    char err[256];
    assert_int_equal(os_make_room(r.os, free_bytes, 9, err, sizeof err), UINT32_MAX);
    assert_non_null(strstr(err, "software-relocated"));
    assert_int_equal(r.seen.n, 0); /* nothing moved */
    assert_non_null(strstr(r.os->mp->log[0], "cannot be moved"));
    rig_close(&r);
}

static void test_seed_swap_time(void **state)
{
    (void)state;
    timing_t t;
    timing_defaults(&t);
    /* 100 MB at 50 MB/s = 2 s, at 100 MHz = 200 million cycles */
    assert_int_equal(timing_disk_cycles(&t, 100000000ull), 200000000ull);
}

/* Four workers where two fit, with swapping: run by os_run, or by
 * os_run_until in pieces of `piece` cycles (counting the calls). */
static void swap_rig_run(rig_t *r, uint64_t piece, int *calls)
{
    rig_open(r, OS_HWRELOC, 16384, 3072, false, true);
    for (int i = 0; i < 4; i++)
        assert_int_equal(load(r, program_worker), i + 1);
    if (!piece) {
        assert_int_equal(os_run(r->os), 0);
        return;
    }
    for (uint64_t at = machine_cycles(r->m) + piece; os_run_until(r->os, at); at += piece) {
        assert_true(machine_cycles(r->m) >= at); /* it stopped at the bound, not before */
        ++*calls;
    }
}

/* os_run_until in pieces (many cut through a time slice) is os_run: the same
 * clock, instructions, swaps at the same cycles, exit codes and output. */
static void test_run_until_in_pieces_is_one_run(void **state)
{
    (void)state;
    rig_t whole, cut;
    int calls = 0;
    swap_rig_run(&whole, 0, NULL);
    swap_rig_run(&cut, 997, &calls);
    assert_true(calls > 20);
    assert_int_equal(machine_cycles(cut.m), machine_cycles(whole.m));
    assert_int_equal(machine_counters(cut.m)->instructions, machine_counters(whole.m)->instructions);
    assert_int_equal(cut.seen.n, whole.seen.n);
    assert_true(whole.seen.n > 2);
    for (int i = 0; i < whole.seen.n; i++) {
        assert_int_equal(cut.seen.ev[i].kind, whole.seen.ev[i].kind);
        assert_int_equal(cut.seen.ev[i].cycle, whole.seen.ev[i].cycle);
    }
    for (int pid = 1; pid <= 4; pid++)
        assert_int_equal(os_process(cut.os, pid)->exit_code, os_process(whole.os, pid)->exit_code);
    fflush(cut.console);
    fflush(whole.console);
    assert_int_equal(cut.outlen, whole.outlen);
    assert_false(os_run_until(cut.os, UINT64_MAX)); /* over is over */
    rig_close(&cut);
    rig_close(&whole);
}

/* Run four workers where two fit; check every transfer's cost and where
 * each process came back.  Returns how many roll-ins changed the base. */
static int swap_run(os_mode_t mode, swapback_t back)
{
    rig_t r;
    rig_open(&r, mode, 16384, 3072, false, true);
    r.os->cfg.mp.swap_back = back;
    for (int i = 0; i < 4; i++)
        assert_int_equal(load(&r, program_worker), i + 1);
    int status = os_run(r.os);
    int right = 0;
    for (int pid = 1; pid <= 4; pid++)
        right += os_process(r.os, pid)->exit_code == WORKER_SUM;
    uint32_t last_out[8] = {0};
    int outs = 0, ins = 0, moved = 0;
    for (int i = 0; i < r.seen.n; i++) {
        const event_t *e = &r.seen.ev[i];
        if (e->kind != EV_SWAP_OUT && e->kind != EV_SWAP_IN)
            continue;
        assert_int_equal(e->duration, timing_disk_cycles(&r.m->cfg.timing, os_process(r.os, e->pid)->size));
        assert_int_equal(e->duration, 2ull * e->b); /* 2 cycles a byte at 50 MB/s and 100 MHz */
        if (e->kind == EV_SWAP_OUT) {
            last_out[e->pid] = e->c;
            outs++;
        } else {
            moved += e->c != last_out[e->pid];
            ins++;
        }
    }
    assert_true(outs >= 2);
    if (back == SWAPBACK_SAME)
        assert_int_equal(ins, outs); /* everyone came back to finish */
    if (back == SWAPBACK_SAME) {
        assert_int_equal(status, 0);
        assert_int_equal(right, 4); /* registers and memory kept */
    } else
        assert_true(right < 4); /* stale addresses in R1: some increments went astray */
    rig_close(&r);
    return moved;
}

static void test_swap_base_limit_may_move(void **state)
{
    (void)state;
    assert_true(swap_run(OS_HWRELOC, SWAPBACK_SAME) > 0); /* came back elsewhere, still right */
}

static void test_swap_software_relocation_same_place(void **state)
{
    (void)state;
    assert_int_equal(swap_run(OS_SWRELOC, SWAPBACK_SAME), 0);
}

static void test_swap_software_relocation_relocated_again_breaks(void **state)
{
    (void)state;
    /* R1 holds a physical address across the swap: re-patching cannot fix it */
    assert_true(swap_run(OS_SWRELOC, SWAPBACK_RELOCATE) > 0);
}

static void test_overlay_call(void **state)
{
    (void)state;
    for (os_mode_t mode = OS_BARE; mode <= OS_HWRELOC; mode++) {
        rig_t r;
        rig_open(&r, mode, 65536, 1024, false, false);
        assert_int_equal(load(&r, program_overlay), 1);
        process_t *p = os_process(r.os, 1);
        uint32_t resident = overlay_resident_end(&p->exe, p->image_end);
        assert_true(resident < p->image_end);
        if (mode != OS_BARE) /* the bare machine gives it all memory below the OS */
            assert_true(p->size < p->image_end + 1024); /* the phase is not in the partition */
        assert_int_equal(os_run(r.os), 0);
        assert_int_equal(p->exit_code, 7); /* the phase's loop ran in the area */
        int reads = 0;
        for (int i = 0; i < r.seen.n; i++)
            if (r.seen.ev[i].kind == EV_DISK_READ) {
                reads++;
                assert_int_equal(r.seen.ev[i].duration, timing_disk_cycles(&r.m->cfg.timing, r.seen.ev[i].b));
                assert_int_equal(r.seen.ev[i].b, p->image_end - resident);
            }
        assert_int_equal(reads, 1);
        rig_close(&r);
    }
}

/* One process waits 5000 cycles for its device: the CPU idles exactly that. */
static void test_iowait_idles_the_cpu(void **state)
{
    (void)state;
    static const char *waiter = "        .text\n"
                                "start:  LOAD R1, #5000\n"
                                "        SYSCALL #21\n"
                                "        LOAD R1, #0\n"
                                "        SYSCALL #0\n";
    rig_t r;
    rig_open(&r, OS_HWRELOC, 65536, 1024, false, false);
    assert_int_equal(load(&r, waiter), 1);
    assert_int_equal(os_run(r.os), 0);
    assert_int_equal(os_mp_idle_cycles(r.os), 5000);
    rig_close(&r);
    /* two: the second runs while the first waits, so less idles */
    rig_open(&r, OS_HWRELOC, 65536, 1024, false, false);
    assert_int_equal(load(&r, waiter), 1);
    assert_int_equal(load(&r, program_worker), 2);
    assert_int_equal(os_run(r.os), 0);
    assert_int_equal(os_mp_idle_cycles(r.os), 0); /* the worker outlasts the wait */
    assert_int_equal(os_process(r.os, 2)->exit_code, WORKER_SUM);
    rig_close(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_compaction_moves_base_limit_process),
        cmocka_unit_test(test_compaction_refused_under_software_relocation),
        cmocka_unit_test(test_seed_swap_time),
        cmocka_unit_test(test_swap_base_limit_may_move),
        cmocka_unit_test(test_swap_software_relocation_same_place),
        cmocka_unit_test(test_swap_software_relocation_relocated_again_breaks),
        cmocka_unit_test(test_overlay_call),
        cmocka_unit_test(test_iowait_idles_the_cpu),
        cmocka_unit_test(test_run_until_in_pieces_is_one_run),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
