/*
 * A program's arguments on its initial stack (the seed's slide 36: the
 * stack of a new process holds its arguments), in the System V layout:
 *
 *     SP ->  argc                  (counting the program's name)
 *            argv[0] .. argv[argc-1]   pointers to the strings
 *            0
 *            the strings, each ending in a NUL, up to the old stack top
 *
 * os_set_args lays the block out when the process is loaded (its SP is known
 * then) and the OS writes it when the run starts, with os_copy_to_user, so it
 * meets the process's own rules: in paged mode the stack page is faulted in
 * as a push would fault it, once the frames have been shared out.  The copy
 * is charged per word written, as the loader's copy is.  A process run
 * without `--` gets no block and the stack it always had, so the figures of
 * programs that take no arguments do not move.
 */
#include <stdlib.h>
#include <string.h>

#include "os_internal.h"

#define ARGS_MAX_BYTES 65536u /* the whole block, as a kernel's ARG_MAX bounds execve */

bool os_set_args(os_t *os, int pid, int argc, char *const *argv, char *err, size_t errlen)
{
    process_t *p = os_process(os, pid);
    if (!p || argc < 0 || p->args.block) {
        snprintf(err, errlen, "no process %d to take arguments", pid);
        return false;
    }
    uint64_t strings = strlen(p->name) + 1;
    for (int i = 0; i < argc; i++)
        strings += strlen(argv[i]) + 1;
    uint64_t vector = 4ull * ((uint64_t)argc + 3); /* argc, argv[0..argc-1], the closing 0 */
    uint64_t bytes = vector + ((strings + 3) & ~3ull);
    uint32_t top = p->cpu.r[ISA_REG_SP];
    if (bytes > ARGS_MAX_BYTES || bytes > top) {
        snprintf(err, errlen, "the arguments take %llu bytes; at most %u fit below the stack top 0x%08x",
                 (unsigned long long)bytes, bytes > top ? top : ARGS_MAX_BYTES, top);
        return false;
    }
    uint8_t *block = calloc(1, bytes);
    if (!block) {
        snprintf(err, errlen, "out of host memory");
        return false;
    }
    uint32_t sp = top - (uint32_t)bytes, strings_at = sp + (uint32_t)vector, at = 0;
    uint32_t word = (uint32_t)argc + 1;
    memcpy(block, &word, 4);
    for (int i = -1; i < argc; i++) {
        const char *s = i < 0 ? p->name : argv[i];
        size_t len = strlen(s) + 1;
        word = strings_at + at;
        memcpy(block + 4 * (size_t)(i + 2), &word, 4);
        memcpy(block + vector + at, s, len);
        at += (uint32_t)len;
    } /* the closing 0 and the padding are calloc's zeros */
    p->args = (os_args_t){.block = block, .bytes = (uint32_t)bytes, .sp = sp};
    p->cpu.r[ISA_REG_SP] = sp;
    return true;
}

void os_write_args(os_t *os, process_t *p)
{
    os_args_t a = p->args;
    if (!a.block)
        return;
    p->args = (os_args_t){0};
    bool ok = os_copy_to_user(os, p, a.sp, a.block, a.bytes);
    free(a.block);
    if (!ok) {
        trap_t t = {.cause = TRAP_PAGE_NOT_PRESENT, .access = ACC_STORE, .pc = p->cpu.pc, .vaddr = a.sp};
        os_kill_process(os, p, &t);
        return;
    }
    uint32_t words = a.bytes / 4;
    uint64_t cost = (uint64_t)words * os->m->cfg.timing.load_word_cycles;
    os_charge(os, EV_LOAD, p->pid, cost, a.sp, a.bytes, words, 0);
    p->st.load_cycles += cost; /* part of loading, as the image's copy is */
    p->st.cycles += cost;
}
