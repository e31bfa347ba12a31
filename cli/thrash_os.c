/*
 * The thrashing sweep on the real OS (see thrash_os.h).  Each degree is one
 * `mmulab run --mode paged --frames F --max-cycles C` of N copies of the
 * worker, built through the runner's own option parser so it is exactly
 * what a user could type.  From the event stream:
 *
 *   cpu_utilisation = (clock - idle - OS work - trap entries) / clock
 *
 * where idle is the time every process waited for its device (SYS_IOWAIT)
 * or the CPU waited for a page's disk transfer (the pager charges fault
 * service to the clock: the CPU does nothing else meanwhile), OS work is
 * every cycle the OS charged (fault handler, disk reads and writes, context
 * switches, system calls, loading), and trap entries are trap_cycles per
 * trap.  fault_rate = page faults / references (instruction fetches + data
 * loads + stores).
 */
#include "thrash_os.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../sim/session.h"

typedef struct {
    uint64_t os_work, disk, traps;
} costs_t;

static void add_costs(void *ctx, const event_t *ev)
{
    costs_t *c = ctx;
    switch (ev->kind) {
    case EV_DISK_READ:
    case EV_DISK_WRITE:
        c->disk += ev->duration;
        c->os_work += ev->duration;
        break;
    case EV_FAULT_HANDLER:
    case EV_CTX_SWITCH:
    case EV_SYSCALL:
    case EV_LOAD:
    case EV_RELOCATE:
    case EV_PROC_KILL:
    case EV_SWAP_IN:
    case EV_SWAP_OUT:
    case EV_MOVE:
        c->os_work += ev->duration;
        break;
    case EV_TRAP:
        c->traps++;
        break;
    default:
        break;
    }
}

const char *thrash_os_find_worker(const char *wanted, const char *argv0, char *buf, size_t len)
{
    if (access(wanted, R_OK) == 0)
        return wanted;
    const char *slash = argv0 ? strrchr(argv0, '/') : NULL;
    if (!slash)
        return NULL;
    snprintf(buf, len, "%.*s/../programs/thrash_worker.s", (int)(slash - argv0), argv0);
    return access(buf, R_OK) == 0 ? buf : NULL;
}

typedef struct {
    char frames[16], cycles[24], window[16];
} numbers_t;

/* The runner's argv for one degree. */
static int build_argv(const thrash_os_t *t, int degree, char **argv, int cap, numbers_t *num)
{
    int n = 0;
    snprintf(num->frames, sizeof num->frames, "%u", t->frames);
    snprintf(num->cycles, sizeof num->cycles, "%llu", (unsigned long long)t->cycles);
    snprintf(num->window, sizeof num->window, "%u", thrash_os_window(t));
    const char *fixed[] = {"thrash",  "--mode",  "paged",    "--frames",    num->frames, "--alloc",
                           t->alloc,  "--scope", t->scope,   "--replace",   t->policy,   "--max-cycles",
                           num->cycles, "--ws-window", num->window, "--quiet"};
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0] && n < cap; i++)
        argv[n++] = (char *)fixed[i];
    for (int i = 0; i < t->timings.n && n + 1 < cap; i++) {
        argv[n++] = "--timing";
        argv[n++] = (char *)t->timings.v[i];
    }
    for (int i = 0; i < degree && n < cap; i++)
        argv[n++] = (char *)t->program;
    return n;
}

static void summarise(session_t *s, const costs_t *c, int degree, thrash_point_t *out)
{
    proc_stats_t total;
    os_totals(s->os, &total);
    uint64_t clock = machine_cycles(s->m);
    uint64_t lost = os_mp_idle_cycles(s->os) + c->os_work + c->traps * s->m->cfg.timing.trap_cycles;
    uint64_t refs = total.instructions + total.loads + total.stores;
    memset(out, 0, sizeof *out);
    out->degree = degree;
    out->cpu_utilisation = clock > lost ? (double)(clock - lost) / (double)clock : 0;
    out->faults = total.page_faults;
    out->references = refs;
    out->fault_rate = refs ? (double)total.page_faults / (double)refs : 0;
    out->disk_busy = clock ? (double)c->disk / (double)clock : 0;
    uint64_t suspensions;
    int suspended;
    os_mp_load_control(s->os, &suspensions, &suspended);
    out->active = degree - suspended;
    double ws_sum = 0, pff_sum = 0;
    int measured = 0;
    for (int pid = 1; pid <= degree; pid++) {
        process_t *p = os_process(s->os, pid);
        double mean;
        uint32_t largest;
        if (os_mp_working_set(s->os, pid, &mean, &largest)) {
            ws_sum += mean;
            measured++;
        }
        pff_sum += p->st.instructions ? 1000.0 * (double)p->st.page_faults / (double)p->st.instructions : 0;
    }
    out->mean_ws = measured ? ws_sum / measured : 0;
    out->pff = pff_sum / degree;
}

bool thrash_os_run(const thrash_os_t *t, int degree, thrash_point_t *out)
{
    char *argv[MAX_PROGRAMS + 64];
    numbers_t num;
    int argc = build_argv(t, degree, argv, (int)(sizeof argv / sizeof argv[0]), &num);
    run_options_t opt;
    run_options_defaults(&opt);
    if (degree > MAX_PROGRAMS || run_options_parse(argc, argv, &opt, stderr) != 0)
        return false;
    session_t s;
    costs_t c = {0};
    bool ok = session_open(&s, &opt, stderr) == 0;
    if (ok) {
        FILE *devnull = fopen("/dev/null", "w");
        if (devnull)
            os_set_console(s.os, devnull);
        evbus_subscribe(&s.bus, add_costs, &c);
        session_run(&s);
        summarise(&s, &c, degree, out);
        if (devnull)
            fclose(devnull);
    }
    session_close(&s);
    return ok;
}
