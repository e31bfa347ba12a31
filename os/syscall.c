/*
 * System calls: the guest's way into the OS.  Every argument is checked; a
 * bad pointer, length or descriptor returns an error code to the guest and
 * never harms the host.
 */
#include <stdlib.h>
#include <string.h>

#include "os_internal.h"
#include "services.h"
#include "mp_internal.h"
#include "overlay.h"
#include "syscall.h"

#define MAX_WRITE (1u << 20)
#define MAX_CAPTURE (64u << 10)

/* Keep the start of each process's output for `--check` and the viewer. */
static void capture_output(process_t *p, const char *data, uint32_t len)
{
    if (!p->output && !(p->output = malloc(MAX_CAPTURE)))
        return;
    uint32_t room = MAX_CAPTURE - p->output_len;
    uint32_t n = len < room ? len : room;
    memcpy(p->output + p->output_len, data, n);
    p->output_len += n;
}

static uint32_t sys_write(os_t *os, process_t *p, uint32_t fd, uint32_t buf, uint32_t len)
{
    if (fd != 1 && fd != 2)
        return (uint32_t)-E_BADF;
    if (len > MAX_WRITE)
        return (uint32_t)-E_INVAL;
    char *tmp = malloc(len ? len : 1);
    if (!tmp)
        return (uint32_t)-E_INVAL;
    uint32_t result = len;
    if (!os_copy_from_user(os, p, buf, tmp, len))
        result = (uint32_t)-E_FAULT;
    else {
        capture_output(p, tmp, len);
        fwrite(tmp, 1, len, os->console);
        fflush(os->console);
    }
    free(tmp);
    return result;
}

void os_return_to_user(os_t *os, int pid, const cpu_state_t *cpu)
{
    if (os->current == pid)
        machine_set_state(os->m, cpu);
    else
        os_process(os, pid)->cpu = *cpu;
}

bool os_syscall(os_t *os, process_t *p, const trap_t *trap)
{
    cpu_state_t cpu;
    machine_get_state(os->m, &cpu);
    os_charge(os, EV_SYSCALL, p->pid, os->m->cfg.timing.syscall_cycles, trap->number, cpu.r[1], cpu.r[2], 0);
    p->st.syscalls++;
    uint32_t result;
    int pid = p->pid;
    if (threads_syscall(os, p, trap->number, &cpu, &result)) { /* os/threads.c */
        p = os_process(os, pid); /* thread_create may have moved the table */
        if (p->state == PROC_READY) {
            cpu.r[0] = result;
            os_return_to_user(os, pid, &cpu);
        }
        return p->state == PROC_READY;
    }
    process_t *thread = p;
    if (trap->number == SYS_BIND) /* returns into the bound symbol, not with a result in R0 */
        return dynlib_bind(os, thread, &cpu);
    p = os_space(os, p); /* a thread's calls act on its process's memory, files and output */
    if (services_syscall(os, p, trap->number, &cpu, &result)) { /* files, mmap, libraries, fork */
        cpu.r[0] = result;
        os_return_to_user(os, pid, &cpu);
        return true;
    }
    switch (trap->number) {
    case SYS_EXIT: /* from any thread: the whole process ends */
        os_exit_process(os, thread, (int)cpu.r[1]);
        return false;
    case SYS_WRITE:
        result = sys_write(os, p, cpu.r[1], cpu.r[2], cpu.r[3]);
        break;
    case SYS_BRK: /* paged and segmented modes: the others have no heap to move */
        result = os_brk(os, p, cpu.r[1]);
        break;
    case SYS_OVERLAY: /* os/overlay.c */
        result = sys_overlay(os, p, cpu.r[1], cpu.r[2], cpu.r[3]);
        break;
    case SYS_IOWAIT: /* os/loadctl.c */
        result = sys_iowait(os, thread, cpu.r[1]);
        break;
    default:
        result = (uint32_t)-E_NOSYS;
        break;
    }
    cpu.r[0] = result;
    os_return_to_user(os, pid, &cpu);
    return true;
}
