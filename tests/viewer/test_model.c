/*
 * The viewer's model against the machine it is drawn from (cmocka): the TLB
 * rows the panel draws are the rows machine_tlb_read returns, memory owned
 * by process 2 is coloured as process 2, the driver's stepped records agree
 * with the replayed run, and a position reached in steps equals the same
 * position reached in one jump.  No SDL: the model is plain data.
 */
/* The viewer's headers first: sim/expect.h declares expect_check, which
 * cmocka.h defines as a macro. */
#include "../../viewer/model.h"
#include "../../viewer/vm.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

static int open_two(vm_t *vm, os_mode_t mode)
{
    static run_options_t opt;
    run_options_defaults(&opt);
    opt.os.mode = mode;
    opt.nprograms = 2;
    opt.programs[0] = "programs/vcopy.s";
    opt.programs[1] = "programs/vcopy.s";
    return vm_open(vm, &opt, stderr);
}

static void tlb_rows_are_read_back(void **state)
{
    (void)state;
    vm_t vm;
    assert_int_equal(open_two(&vm, OS_PAGED), 0);
    model_t m;
    assert_true(model_init(&m, &vm.opt.hw));
    int checked_valid = 0;
    for (uint64_t at = 100; at < 30000; at += 300) {
        assert_true(vm_advance_to(&vm, at));
        model_from_vm(&m, &vm);
        tlb_view_t rows[MODEL_TLB_MAX];
        int n = machine_tlb_read(vm.world->m, rows, MODEL_TLB_MAX);
        assert_int_equal(m.ntlb, n);
        for (int i = 0; i < n; i++) {
            assert_int_equal(m.tlb[i].valid, rows[i].valid);
            assert_int_equal(m.tlb[i].global, rows[i].global);
            assert_int_equal(m.tlb[i].asid, rows[i].asid);
            assert_int_equal(m.tlb[i].vpn, rows[i].vpn);
            assert_int_equal(m.tlb[i].ppn, rows[i].ppn);
            assert_int_equal(m.tlb[i].perm, rows[i].perm);
            assert_int_equal(m.tlb[i].age, rows[i].age);
            checked_valid += rows[i].valid;
        }
    }
    assert_true(checked_valid > 0); /* the TLB was not always empty */
    model_free(&m);
    vm_close(&vm);
}

static void process_two_owns_its_partition(void **state)
{
    (void)state;
    vm_t vm;
    assert_int_equal(open_two(&vm, OS_HWRELOC), 0);
    assert_true(vm_advance_to(&vm, 1300));
    model_t m;
    assert_true(model_init(&m, &vm.opt.hw));
    model_from_vm(&m, &vm);
    const process_t *p2 = os_process(vm.world->os, 2);
    int i = model_span_at(&m, p2->base);
    assert_true(i >= 0);
    assert_int_equal(m.spans[i].owner, 2);
    assert_int_equal(m.spans[i].region, RG_CODE);
    i = model_span_at(&m, p2->base + p2->size - 4);
    assert_int_equal(m.spans[i].owner, 2);
    assert_int_equal(m.spans[i].region, RG_STACK);
    model_free(&m);
    vm_close(&vm);
}

static void steps_equal_a_jump(void **state)
{
    (void)state;
    for (os_mode_t mode = OS_HWRELOC; mode <= OS_PAGED; mode++) {
        vm_t stepped, jumped;
        assert_int_equal(open_two(&stepped, mode), 0);
        assert_int_equal(open_two(&jumped, mode), 0);
        for (int i = 0; i < 40; i++) {
            assert_true(vm_step(&stepped));
            const vm_retired_t *r = vm_retired(&stepped, 0);
            assert_non_null(r);
        }
        assert_true(vm_advance_to(&jumped, vm_now(&stepped)));
        assert_int_equal(vm_now(&jumped), vm_now(&stepped));
        cpu_state_t a, b;
        machine_get_state(stepped.world->m, &a);
        machine_get_state(jumped.world->m, &b);
        assert_int_equal(a.pc, b.pc);
        assert_memory_equal(a.r, b.r, sizeof a.r);
        vm_close(&stepped);
        vm_close(&jumped);
    }
}

static void a_step_retires_one_instruction(void **state)
{
    (void)state;
    vm_t vm;
    assert_int_equal(open_two(&vm, OS_HWRELOC), 0);
    assert_true(vm_step(&vm));
    uint64_t before = machine_counters(vm.world->m)->instructions;
    assert_true(vm_step(&vm));
    assert_int_equal(machine_counters(vm.world->m)->instructions, before + 1);
    const vm_retired_t *r = vm_retired(&vm, 0);
    assert_int_equal(r->rt.cycle_end, vm_now(&vm));
    vm_close(&vm);
}

static void run_to_event_stops_after_a_tlb_miss(void **state)
{
    (void)state;
    vm_t vm;
    assert_int_equal(open_two(&vm, OS_PAGED), 0);
    size_t seen = vm.world->log.count;
    assert_true(vm_run_to_event(&vm));
    int stops = 0;
    for (size_t i = seen; i < vm.world->log.count; i++)
        stops += evlog_stops_run_to_event(vm.world->log.ev[i].kind);
    assert_true(stops > 0);
    assert_int_equal(vm.world->log.ev[seen].kind, EV_TLB_MISS);
    assert_false(vm_finished(&vm));
    vm_close(&vm);
}

static void runs_to_the_end(void **state)
{
    (void)state;
    vm_t vm;
    assert_int_equal(open_two(&vm, OS_PAGED), 0);
    assert_true(vm_advance_to(&vm, UINT64_MAX));
    assert_true(vm_finished(&vm));
    assert_int_equal(os_process(vm.world->os, 1)->state, PROC_EXITED);
    assert_int_equal(os_process(vm.world->os, 2)->state, PROC_EXITED);
    vm_close(&vm);
}

/* Open one program in paged mode, its guest files under `root` (NULL: "."). */
static int open_paged(vm_t *vm, const char *program, const char *root)
{
    static run_options_t opt;
    run_options_defaults(&opt);
    opt.os.mode = OS_PAGED;
    opt.os.root = root;
    opt.nprograms = 1;
    opt.programs[0] = program;
    return vm_open(vm, &opt, stderr);
}

/* Walk the run; at each stop the model's region rows must be os_regions()'s
 * rows with os_region_info()'s words.  Returns a bit per kind seen non-empty. */
static unsigned regions_match_all_along(vm_t *vm)
{
    model_t m;
    assert_true(model_init(&m, &vm->opt.hw));
    unsigned kinds_seen = 0;
    for (uint64_t at = 200; !vm_finished(vm); at += 700) {
        assert_true(vm_advance_to(vm, at));
        model_from_vm(&m, vm);
        int n = 0;
        const os_region_t *r = os_regions(vm->world->os, m.regions_pid, &n);
        assert_int_equal(m.nregions, n);
        for (int i = 0; i < n; i++) {
            char support[64];
            const char *use, *size;
            assert_true(os_region_info(vm->world->os, m.regions_pid, i, support, sizeof support, &use, &size));
            assert_int_equal(m.regions[i].r.kind, r[i].kind);
            assert_int_equal(m.regions[i].r.start, r[i].start);
            assert_int_equal(m.regions[i].r.end, r[i].end);
            assert_int_equal(m.regions[i].r.perm, r[i].perm);
            assert_string_equal(m.regions[i].support, support);
            assert_string_equal(m.regions[i].use, use);
            assert_string_equal(m.regions[i].size, size);
            if (r[i].end > r[i].start)
                kinds_seen |= 1u << r[i].kind;
        }
    }
    model_free(&m);
    return kinds_seen;
}

static void region_rows_are_read_back(void **state)
{
    (void)state;
    vm_t vm;
    assert_int_equal(open_paged(&vm, "tests/viewer/heap_brk.s", NULL), 0);
    unsigned seen = regions_match_all_along(&vm);
    assert_true(seen & (1u << REGION_HEAP)); /* brk grew the heap */
    assert_true(seen & (1u << REGION_STACK));
    vm_close(&vm);

    char dir[] = "/tmp/mmulab-view-test-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[sizeof dir + 16];
    snprintf(path, sizeof path, "%s/data.txt", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("one two three four five six\n", f);
    fclose(f);
    assert_int_equal(open_paged(&vm, "programs/mmap_count.s", dir), 0);
    seen = regions_match_all_along(&vm);
    assert_true(seen & (1u << REGION_MAPPED_FILE)); /* the mapping was shown */
    assert_int_equal(os_process(vm.world->os, 1)->exit_code, 0);
    vm_close(&vm);
    unlink(path);
    rmdir(dir);
}

/* Under replacement pressure: three programs in three 512-byte frames. */
static int open_pressed(vm_t *vm)
{
    static run_options_t opt;
    const char *argv[] = {"view", "--mode", "paged", "--page-size", "512", "--mem", "64K", "--va-bits", "16",
                          "--frames", "3", "programs/vcopy.s", "programs/strcopy.s", "programs/longsum.s"};
    run_options_defaults(&opt);
    if (run_options_parse((int)(sizeof argv / sizeof argv[0]), (char **)argv, &opt, stderr))
        return 2;
    return vm_open(vm, &opt, stderr);
}

/* FNV-1a over all of physical memory. */
static uint64_t memory_checksum(machine_t *m)
{
    static uint8_t bytes[1u << 20];
    uint32_t size = m->cfg.mem_size < sizeof bytes ? m->cfg.mem_size : (uint32_t)sizeof bytes;
    machine_phys_read(m, 0, bytes, size);
    uint64_t h = 1469598103934665603ull;
    for (uint32_t i = 0; i < size; i++)
        h = (h ^ bytes[i]) * 1099511628211ull;
    return h;
}

static void same_end(vm_t *a, vm_t *b)
{
    assert_true(vm_finished(a) && vm_finished(b));
    assert_int_equal(vm_now(a), vm_now(b));
    assert_int_equal(machine_counters(a->world->m)->instructions, machine_counters(b->world->m)->instructions);
    assert_int_equal(machine_counters(a->world->m)->tlb_misses, machine_counters(b->world->m)->tlb_misses);
    assert_true(memory_checksum(a->world->m) == memory_checksum(b->world->m));
    for (int pid = 1; pid <= os_process_count(a->world->os); pid++) {
        assert_int_equal(os_process(a->world->os, pid)->state, os_process(b->world->os, pid)->state);
        assert_int_equal(os_process(a->world->os, pid)->exit_code, os_process(b->world->os, pid)->exit_code);
    }
    assert_int_equal(a->world->log.count, b->world->log.count);
}

/* os_run_until carries the run on: thousands of small moves forward (steps,
 * a few cycles, run-to-event) end in the state of one long run, and none of
 * them replays from the start. */
static void small_steps_equal_one_run(void **state)
{
    (void)state;
    vm_t walked, whole;
    assert_int_equal(open_pressed(&walked), 0);
    assert_int_equal(open_pressed(&whole), 0);
    assert_true(vm_advance_to(&whole, UINT64_MAX));
    int moves = 0;
    for (uint64_t k = 0; !vm_finished(&walked); k++, moves++) {
        if (k % 7 == 0)
            assert_true(vm_step(&walked));
        else if (k % 13 == 0)
            assert_true(vm_run_to_event(&walked));
        else
            assert_true(vm_advance_to(&walked, vm_now(&walked) + 1 + k % 97));
    }
    assert_true(moves > 100);
    assert_int_equal(walked.replays, 0);
    same_end(&walked, &whole);
    /* and one instruction at a time */
    vm_t stepped;
    assert_int_equal(open_pressed(&stepped), 0);
    for (moves = 0; !vm_finished(&stepped); moves++)
        assert_true(vm_step(&stepped));
    assert_true(moves > 10000);
    assert_int_equal(stepped.replays, 0);
    same_end(&stepped, &whole);
    vm_close(&stepped);
    /* a backward move runs it again from the start, to the same place */
    uint64_t end = vm_now(&walked);
    assert_true(vm_advance_to(&walked, 500));
    assert_int_equal(walked.replays, 1);
    assert_true(vm_now(&walked) >= 500 && vm_now(&walked) < end);
    assert_true(vm_advance_to(&walked, UINT64_MAX));
    same_end(&walked, &whole);
    vm_close(&walked);
    vm_close(&whole);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(tlb_rows_are_read_back),
        cmocka_unit_test(process_two_owns_its_partition),
        cmocka_unit_test(steps_equal_a_jump),
        cmocka_unit_test(a_step_retires_one_instruction),
        cmocka_unit_test(run_to_event_stops_after_a_tlb_miss),
        cmocka_unit_test(runs_to_the_end),
        cmocka_unit_test(region_rows_are_read_back),
        cmocka_unit_test(small_steps_equal_one_run),
    };
    return cmocka_run_group_tests_name("viewer model", tests, NULL, NULL);
}
