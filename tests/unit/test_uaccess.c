/*
 * The OS's one copy between the host and a process's memory (os/uaccess.c):
 * it meets the rule of the process's own load or store.  Paged: a store to a
 * copy-on-write page breaks it (counted as a COW copy and a fault, as a user
 * store's break is), a page without W, R or U is -EFAULT, a page not present
 * is faulted in and counted, a copy whose second page faults writes nothing.
 * Contiguous: the limit, wrapping around 2^32 included.
 *
 * Each test loads programs through a session as `mmulab run` would, runs the
 * OS until they spin, then copies as a system call would.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../os/os_internal.h"
#include "../../sim/session.h"

#include <cmocka.h>

/* Stores 'A' at 4096 (data page 1, resident and dirty), forks, both spin.
 * Page 2 (8192) is data never touched: mapped, not present.  Page 3 is the
 * empty heap: not mapped. */
static const char *program_fork =
    "        .text\n"
    "start:  LOAD    R1, #'A'\n"
    "        STOREB  R1, /4096\n"
    "        SYSCALL #15\n"
    "spin:   JMP     spin\n"
    "        .data\n"
    "        .org    4096\n"
    "        .word   0\n"
    "        .org    8192\n"
    "        .space  4096\n";

typedef struct {
    session_t s;
    char path[64];
    FILE *console;
} run_t;

/* Open a session on `source` with `args` and run it to `cycles`. */
static run_t *start(const char *args, const char *source, uint64_t cycles)
{
    run_t *r = calloc(1, sizeof *r);
    snprintf(r->path, sizeof r->path, "/tmp/test_uaccess_XXXXXX.s");
    int fd = mkstemps(r->path, 2);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, source, strlen(source)), (ssize_t)strlen(source));
    close(fd);
    char buf[256], *argv[16] = {"run"};
    int argc = 1;
    snprintf(buf, sizeof buf, "%s", args);
    for (char *tok = strtok(buf, " "); tok && argc < 14; tok = strtok(NULL, " "))
        argv[argc++] = tok;
    argv[argc++] = r->path;
    run_options_t opt;
    run_options_defaults(&opt);
    assert_int_equal(run_options_parse(argc, argv, &opt, stderr), 0);
    opt.quiet = true;
    assert_int_equal(session_open(&r->s, &opt, stderr), 0);
    r->console = fopen("/dev/null", "w");
    os_set_console(r->s.os, r->console);
    assert_true(os_run_until(r->s.os, cycles));
    return r;
}

static void finish(run_t *r)
{
    session_close(&r->s);
    unlink(r->path);
    fclose(r->console);
    free(r);
}

static uint8_t byte_at(run_t *r, int pid, uint32_t vaddr)
{
    uint8_t b = 0;
    assert_true(os_read_logical(r->s.os, pid, vaddr, &b, 1));
    return b;
}

static pte_t leaf(run_t *r, int pid, uint32_t vaddr)
{
    uint32_t v = 0;
    assert_true(os_pte(r->s.os, pid, vaddr >> 12, &v));
    return (pte_t){v};
}

/* The events one copy announced, by kind. */
typedef struct {
    int count[EV_COUNT];
    event_t fault; /* the last page fault */
} seen_t;

static void count_event(void *ctx, const event_t *ev)
{
    seen_t *seen = ctx;
    seen->count[ev->kind]++;
    if (ev->kind == EV_PAGE_FAULT)
        seen->fault = *ev;
}

/* The child's copy into the page it shares with its parent copies the page
 * first: the parent keeps 'A', one COW copy and one fault are counted, and
 * announced as a user store's break is (trap, handler, page fault). */
static void test_cow_break(void **state)
{
    (void)state;
    run_t *r = start("--mode paged", program_fork, 100000);
    process_t *child = os_process(r->s.os, 2);
    assert_non_null(child);
    assert_false(pte_writable(leaf(r, 2, 4096))); /* shared, write-protected */
    uint64_t faults = child->st.page_faults, copies = child->st.cow_copies;
    seen_t seen = {0};
    assert_true(evbus_subscribe(&r->s.bus, count_event, &seen));
    assert_true(os_copy_to_user(r->s.os, child, 4096, "h", 1));
    evbus_unsubscribe(&r->s.bus, count_event, &seen);
    assert_int_equal(seen.count[EV_TRAP], 1);
    assert_int_equal(seen.count[EV_FAULT_HANDLER], 1);
    assert_int_equal(seen.count[EV_PAGE_FAULT], 1);
    assert_int_equal(seen.fault.pid, 2);
    assert_int_equal(seen.fault.a, 4096); /* the faulting address */
    assert_int_equal(child->st.cow_copies, copies + 1);
    assert_int_equal(child->st.page_faults, faults + 1);
    assert_int_equal(byte_at(r, 1, 4096), 'A');
    assert_int_equal(byte_at(r, 2, 4096), 'h');
    assert_int_not_equal(pte_ppn(leaf(r, 1, 4096)), pte_ppn(leaf(r, 2, 4096)));
    assert_true(pte_dirty(leaf(r, 2, 4096))); /* a store sets D, as the walker does for the process */
    finish(r);
}

/* Asking first changes nothing: no copy, no fault, the frame still shared. */
static void test_probe_changes_nothing(void **state)
{
    (void)state;
    run_t *r = start("--mode paged", program_fork, 100000);
    process_t *child = os_process(r->s.os, 2);
    pte_t before = leaf(r, 2, 4096);
    uint64_t faults = child->st.page_faults;
    assert_true(os_user_writable(r->s.os, child, 4096, 8192)); /* the COW page and the absent one */
    assert_false(os_user_writable(r->s.os, child, 0, 4)); /* code */
    assert_int_equal(child->st.page_faults, faults);
    assert_int_equal(child->st.cow_copies, 0);
    assert_int_equal(pte_val(leaf(r, 2, 4096)), pte_val(before));
    assert_false(pte_valid(leaf(r, 2, 8192)));
    finish(r);
}

/* Code has no W: -EFAULT and the code unchanged.  A copy out of it is fine. */
static void test_no_write_permission(void **state)
{
    (void)state;
    run_t *r = start("--mode paged", program_fork, 100000);
    process_t *p = os_process(r->s.os, 1);
    uint8_t code[4], again[4];
    assert_true(os_copy_from_user(r->s.os, p, 0, code, 4));
    assert_false(os_copy_to_user(r->s.os, p, 0, "\xff\xff\xff\xff", 4));
    assert_true(os_copy_from_user(r->s.os, p, 0, again, 4));
    assert_memory_equal(code, again, 4);
    assert_int_equal(p->st.cow_copies, 0);
    finish(r);
}

/* A leaf the test writes itself: execute-only (no R), or a kernel page (no U). */
static void test_no_read_and_kernel_pages(void **state)
{
    (void)state;
    run_t *r = start("--mode paged", program_fork, 100000);
    process_t *p = os_process(r->s.os, 1);
    uint32_t frame = pte_ppn(leaf(r, 1, 4096));
    uint32_t exec_only = 0x00300000, kernel = 0x00301000;
    assert_true(vm_set_leaf(r->s.os, p, exec_only >> 12, pte_make(frame, PTE_V | PTE_X | PTE_U)));
    assert_true(vm_set_leaf(r->s.os, p, kernel >> 12, pte_make(frame, PTE_V | PTE_R | PTE_W)));
    uint8_t b;
    assert_false(os_copy_from_user(r->s.os, p, exec_only, &b, 1));
    assert_false(os_copy_from_user(r->s.os, p, kernel, &b, 1));
    assert_false(os_copy_to_user(r->s.os, p, kernel, "x", 1));
    assert_int_equal(byte_at(r, 1, 4096), 'A');
    finish(r);
}

/* A page not present is faulted in as the process's own access would be. */
static void test_fault_in(void **state)
{
    (void)state;
    run_t *r = start("--mode paged", program_fork, 100000);
    process_t *p = os_process(r->s.os, 1);
    assert_false(pte_valid(leaf(r, 1, 8192)));
    uint64_t faults = p->st.page_faults;
    assert_true(os_copy_to_user(r->s.os, p, 8192 + 10, "zz", 2));
    assert_int_equal(p->st.page_faults, faults + 1);
    assert_true(pte_valid(leaf(r, 1, 8192)));
    assert_int_equal(byte_at(r, 1, 8192 + 11), 'z');
    finish(r);
}

/* A copy over the last data page and the unmapped page after it: -EFAULT,
 * and the bytes on the first page are as they were. */
static void test_second_page_faults(void **state)
{
    (void)state;
    run_t *r = start("--mode paged", program_fork, 100000);
    process_t *p = os_process(r->s.os, 1);
    uint32_t at = 12288 - 2;
    uint8_t out[4];
    assert_false(os_copy_to_user(r->s.os, p, at, "wxyz", 4));
    assert_false(os_copy_from_user(r->s.os, p, at, out, 4));
    assert_int_equal(byte_at(r, 1, at), 0);
    assert_int_equal(byte_at(r, 1, at + 1), 0);
    assert_false(os_copy_to_user(r->s.os, p, 0xFFFFFFFEu, "wxyz", 4)); /* wraps around 2^32 */
    finish(r);
}

/* Base/limit: the limit as the process's access meets it, wrap included. */
static void test_limit(void **state)
{
    (void)state;
    run_t *r = start("--mode hwreloc", program_fork, 100000);
    process_t *p = os_process(r->s.os, 1);
    uint32_t limit = p->mmu.limit;
    uint8_t b[4];
    assert_true(os_copy_to_user(r->s.os, p, limit - 4, "abcd", 4));
    assert_false(os_copy_to_user(r->s.os, p, limit - 2, "abcd", 4));
    assert_false(os_copy_from_user(r->s.os, p, limit, b, 1));
    assert_false(os_copy_from_user(r->s.os, p, 0xFFFFFFFEu, b, 4));
    assert_true(os_copy_from_user(r->s.os, p, limit - 4, b, 4));
    assert_memory_equal(b, "abcd", 4);
    finish(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cow_break),
        cmocka_unit_test(test_probe_changes_nothing),
        cmocka_unit_test(test_no_write_permission),
        cmocka_unit_test(test_no_read_and_kernel_pages),
        cmocka_unit_test(test_fault_in),
        cmocka_unit_test(test_second_page_faults),
        cmocka_unit_test(test_limit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
