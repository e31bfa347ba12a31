/*
 * The live driver: replay the run to a target cycle for the state shown, and
 * step the previous state instruction by instruction to the same point for
 * the retirement records (see vm.h).  Only os/os.h, machine/machine.h and
 * sim/session.h functions are used; the one piece of OS behaviour repeated
 * here is the first dispatch (process 1's registers and MMU state put on the
 * machine, charged nothing), and a check against the replay catches it if
 * the OS ever does that differently.
 */
#include "vm.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../sim/session.h"

/* Cycles of instructions stepped for records at most per move: several
 * times what the ring keeps. */
#define VM_STEP_WINDOW 8192

/* ---- worlds ------------------------------------------------------------- */

static void world_destroy(vm_world_t *w)
{
    if (!w)
        return;
    session_close(&w->s);
    evlog_free(&w->log);
    free(w);
}

/* A process stopped by the cycle limit rather than by its own end. */
static bool paused_by_limit(const process_t *p)
{
    return p->state == PROC_KILLED && p->fault.cause == TRAP_NONE && p->exit_code == -1;
}

static bool user_limit_reached(const vm_t *vm, const vm_world_t *w)
{
    uint64_t limit = vm->opt.os.max_cycles;
    return limit && machine_cycles(w->m) >= limit;
}

static bool world_has_runnable(const vm_t *vm, vm_world_t *w)
{
    for (int pid = 1; pid <= os_process_count(w->os); pid++) {
        const process_t *p = os_process(w->os, pid);
        if (p->state == PROC_READY || (paused_by_limit(p) && !user_limit_reached(vm, w)))
            return true;
    }
    return false;
}

/* The runner's options for one world: the OS stops at `limit`; files the
 * runner would write (trace, stats, dump) are left to `mmulab run`. */
static run_options_t world_options(const vm_t *vm, uint64_t limit)
{
    run_options_t o = vm->opt;
    o.os.max_cycles = limit;
    o.trace_path = o.stats_json = o.stats_txt = NULL;
    o.dump = false;
    return o;
}

/* A session exactly as `mmulab run` opens it (session_open: the machine, the
 * OS, the programs loaded, whatever else the runner sets up), with the OS's
 * cycle limit at `limit` and the viewer's event log on its bus.  The loading
 * happens inside session_open, before anyone can subscribe, so the log
 * starts with the load events captured once by vm_open.  NULL after printing
 * why to err. */
static vm_world_t *world_create(vm_t *vm, uint64_t limit, FILE *err)
{
    vm_world_t *w = calloc(1, sizeof *w);
    if (!w) {
        fprintf(err, "mmulab-view: out of host memory\n");
        return NULL;
    }
    evlog_init(&w->log);
    run_options_t o = world_options(vm, limit);
    if (session_open(&w->s, &o, err)) {
        world_destroy(w);
        return NULL;
    }
    for (size_t i = 0; i < vm->load_events.count; i++)
        evlog_append(&w->log, &vm->load_events.ev[i]);
    evbus_subscribe(&w->s.bus, evlog_observe, &w->log);
    w->m = w->s.m;
    w->os = w->s.os;
    os_set_console(w->os, vm->console);
    return w;
}

/* The world at the first instruction boundary at or after `limit` (or the
 * user's --max-cycles, whichever comes first); at 0, right after loading. */
static vm_world_t *world_run_to(vm_t *vm, uint64_t limit)
{
    uint64_t user = vm->opt.os.max_cycles;
    if (user && limit > user)
        limit = user;
    vm_world_t *w = world_create(vm, limit, vm->console);
    if (!w)
        return NULL;
    if (limit > machine_cycles(w->m)) {
        os_run(w->os);
        w->started = true;
    }
    w->finished = !world_has_runnable(vm, w);
    return w;
}

/* ---- retirement records ------------------------------------------------- */

static void ring_push(vm_t *vm, const retire_t *rt, int pid)
{
    vm->ring[vm->ring_next] = (vm_retired_t){*rt, pid};
    vm->ring_next = (vm->ring_next + 1) % VM_RING;
    if (vm->ring_count < VM_RING)
        vm->ring_count++;
}

const vm_retired_t *vm_retired(const vm_t *vm, unsigned i)
{
    if (i >= vm->ring_count)
        return NULL;
    return &vm->ring[(vm->ring_next + VM_RING - 1 - i) % VM_RING];
}

/* ---- the first dispatch and stepping ----------------------------------- */

static int first_ready_pid(vm_world_t *w)
{
    for (int pid = 1; pid <= os_process_count(w->os); pid++)
        if (os_process(w->os, pid)->state == PROC_READY)
            return pid;
    return 0;
}

static int world_current_pid(const vm_world_t *w)
{
    for (size_t i = w->log.count; i-- > 0;)
        if (w->log.ev[i].kind == EV_CTX_SWITCH)
            return (int)w->log.ev[i].b;
    return w->started ? 1 : 0;
}

int vm_current_pid(const vm_t *vm) { return world_current_pid(vm->world); }

/* Put the process os_run would dispatch first on a world not yet started. */
static int dispatch_first(vm_world_t *w)
{
    int pid = first_ready_pid(w);
    process_t *p = os_process(w->os, pid);
    if (!p)
        return 0;
    machine_set_state(w->m, &p->cpu);
    machine_mmu_set(w->m, &p->mmu);
    w->started = true;
    return pid;
}

/* An OS action: overlapping or touching OS events merged (a page fault is
 * its trap, handler and disk transfer; a kill may be followed by a switch). */
typedef struct {
    uint64_t start, end;
} os_action_t;

static int by_start(const void *a, const void *b)
{
    const os_action_t *x = a, *y = b;
    return x->start < y->start ? -1 : x->start > y->start;
}

/* The last two OS actions in `next` that `prev` has not seen, in order
 * (out[n - 1] the last); returns n (0..2), or -1 if out of memory.  On a
 * world not yet started, what the first dispatch emits (a TLB flush at that
 * very cycle) belongs to the dispatch that step_through repeats. */
static int last_os_actions(const vm_world_t *prev, const vm_world_t *next, os_action_t out[2])
{
    uint64_t now = machine_cycles(prev->m);
    size_t n = 0, cap = next->log.count - prev->log.count;
    os_action_t *acts = malloc((cap ? cap : 1) * sizeof *acts);
    if (!acts)
        return -1;
    for (size_t i = prev->log.count; i < next->log.count; i++) {
        const event_t *ev = &next->log.ev[i];
        if (!evlog_is_machine_internal(ev->kind) && (prev->started || ev->cycle > now))
            acts[n++] = (os_action_t){ev->cycle, ev->cycle + ev->duration};
    }
    qsort(acts, n, sizeof *acts, by_start);
    int groups = 0;
    for (size_t i = 0; i < n; i++) {
        if (groups && acts[i].start <= out[groups - 1].end) {
            if (acts[i].end > out[groups - 1].end)
                out[groups - 1].end = acts[i].end;
        } else if (groups < 2) {
            out[groups++] = acts[i];
        } else {
            out[0] = out[1];
            out[1] = acts[i];
        }
    }
    free(acts);
    return groups;
}

/* Step `from` up to `stop` (or its first trap), recording each instruction.
 * Returns false if it does not end where the replay `to` says it must. */
static bool step_through(vm_t *vm, vm_world_t *from, vm_world_t *to, uint64_t stop)
{
    if (!from->finished) {
        int pid = from->started ? world_current_pid(from) : dispatch_first(from);
        while (machine_cycles(from->m) < stop) {
            retire_t rt;
            machine_step(from->m, &rt);
            ring_push(vm, &rt, pid);
            if (rt.trapped)
                return true; /* the OS serves it in the replay */
        }
    }
    if (stop < machine_cycles(to->m))
        return machine_cycles(from->m) >= stop;
    cpu_state_t a, b;
    machine_get_state(from->m, &a);
    machine_get_state(to->m, &b);
    return machine_cycles(from->m) == machine_cycles(to->m) && !memcmp(a.r, b.r, sizeof a.r) && a.pc == b.pc;
}

/* ---- moving ------------------------------------------------------------- */

/* Record the last stretch of instructions before `next`'s position: after
 * the last OS action if any ran after it, else the stretch that led into
 * it (ending with the trap that called the OS, if one did).  The stretch
 * starts at `prev` or, past an OS action, at a replay to that action's end. */
static bool record_last_stretch(vm_t *vm, vm_world_t *prev, vm_world_t *next)
{
    os_action_t act[2];
    int n = last_os_actions(prev, next, act);
    if (n < 0)
        return false;
    uint64_t prev_now = machine_cycles(prev->m), end = machine_cycles(next->m), resume = prev_now, stop = end;
    if (n > 0 && act[n - 1].end < end) {
        resume = act[n - 1].end;
    } else if (n > 0) {
        resume = n == 2 ? act[0].end : prev_now;
        stop = act[n - 1].start;
    }
    /* Only the last records are kept: a long stretch is stepped from a
     * replay to near its end (no OS action lies inside it). */
    if (stop - resume > VM_STEP_WINDOW && stop > resume)
        resume = stop - VM_STEP_WINDOW;
    vm_world_t *from = resume > prev_now ? world_run_to(vm, resume) : prev;
    if (!from)
        return false;
    vm->records_from = machine_cycles(from->m);
    if (!step_through(vm, from, next, stop))
        vm->mismatch = true;
    if (from != prev)
        world_destroy(from);
    return true;
}

bool vm_advance_to(vm_t *vm, uint64_t cycle)
{
    vm_world_t *prev = vm->world;
    if (prev->finished || cycle <= machine_cycles(prev->m))
        return true;
    vm_world_t *next = world_run_to(vm, cycle);
    if (!next || !record_last_stretch(vm, prev, next)) {
        world_destroy(next);
        return false;
    }
    vm->world = next;
    world_destroy(prev);
    return true;
}

bool vm_step(vm_t *vm)
{
    uint64_t before = machine_counters(vm->world->m)->instructions;
    /* An OS action (a switch, a trap's service) may come first and retire
     * nothing; go on until an instruction retires or the run ends. */
    for (int tries = 0; tries < 64 && !vm->world->finished; tries++) {
        if (!vm_advance_to(vm, vm_now(vm) + 1))
            return false;
        if (machine_counters(vm->world->m)->instructions != before)
            break;
    }
    return true;
}

bool vm_run_to_event(vm_t *vm)
{
    const uint64_t max_window = 1ull << 28;
    for (uint64_t window = 4096; !vm->world->finished; window *= 4) {
        vm_world_t *ahead = world_run_to(vm, vm_now(vm) + window);
        if (!ahead)
            return false;
        for (size_t i = vm->world->log.count; i < ahead->log.count; i++)
            if (evlog_stops_run_to_event(ahead->log.ev[i].kind)) {
                uint64_t at = ahead->log.ev[i].cycle + 1;
                world_destroy(ahead);
                return vm_advance_to(vm, at);
            }
        uint64_t end = machine_cycles(ahead->m);
        bool last = ahead->finished || window >= max_window;
        world_destroy(ahead);
        if (last)
            return vm_advance_to(vm, end);
    }
    return true;
}

bool vm_reset(vm_t *vm)
{
    vm_world_t *w = world_run_to(vm, 0);
    if (!w)
        return false;
    world_destroy(vm->world);
    vm->world = w;
    vm->ring_count = vm->ring_next = 0;
    vm->records_from = 0;
    vm->mismatch = false;
    return true;
}

uint64_t vm_now(const vm_t *vm) { return machine_cycles(vm->world->m); }
bool vm_finished(const vm_t *vm) { return vm->world->finished; }

bool vm_process_alive(const vm_t *vm, const process_t *p)
{
    return p->state == PROC_READY || (paused_by_limit(p) && !vm->world->finished);
}

/* ---- open and close ----------------------------------------------------- */

/* The events of the loading (LOAD, RELOCATE, PROC_START): session_open
 * emits them before returning, so they are read back from a CSV trace of a
 * session opened once with --trace. */
static bool capture_load_events(vm_t *vm, FILE *err)
{
    const char *dir = getenv("TMPDIR");
    char path[512];
    snprintf(path, sizeof path, "%s/mmulab-view-XXXXXX.csv", dir && *dir ? dir : "/tmp");
    int fd = mkstemps(path, 4);
    if (fd < 0) {
        fprintf(err, "mmulab-view: cannot make a temporary file in %s\n", dir && *dir ? dir : "/tmp");
        return false;
    }
    close(fd);
    run_options_t o = world_options(vm, 0);
    o.trace_path = path;
    session_t s;
    int rc = session_open(&s, &o, err);
    session_close(&s); /* flushes the trace */
    char msg[600];
    bool ok = rc == 0 && evlog_read_csv(&vm->load_events, path, msg, sizeof msg);
    if (rc == 0 && !ok)
        fprintf(err, "mmulab-view: reading the load events back: %s\n", msg);
    unlink(path);
    return ok;
}

int vm_open(vm_t *vm, const run_options_t *opt, FILE *err)
{
    memset(vm, 0, sizeof *vm);
    vm->opt = *opt;
    evlog_init(&vm->load_events);
    vm->console = fopen("/dev/null", "w");
    if (!vm->console) {
        fprintf(err, "mmulab-view: cannot open /dev/null for the guests' console output\n");
        return 2;
    }
    if (!capture_load_events(vm, err))
        return 2;
    vm_world_t *w = world_create(vm, 0, err);
    if (!w)
        return 2;
    w->finished = !world_has_runnable(vm, w);
    vm->world = w;
    vm->load_end = machine_cycles(w->m);
    return 0;
}

void vm_close(vm_t *vm)
{
    world_destroy(vm->world);
    evlog_free(&vm->load_events);
    if (vm->console)
        fclose(vm->console);
    memset(vm, 0, sizeof *vm);
}
