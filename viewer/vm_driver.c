/*
 * The live driver: one session of the run, moved forward with os_run_until
 * from where it is (a backward move or a reset opens it afresh and runs it
 * from the start).  Over the last stretch of each move the OS's retire
 * observer hands over every instruction it runs, whose records (the
 * accesses, the translation of each, TLB hit or miss, walk steps) feed the
 * flashes and the translation panel.
 * Only os/os.h, machine/machine.h and sim/session.h functions are used.
 */
#include "vm.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../sim/session.h"

/* Cycles stepped for records at most per move: several times what the
 * ring keeps. */
#define VM_STEP_WINDOW 8192

/* ---- retirement records ------------------------------------------------- */

static void ring_push(vm_t *vm, const retire_t *rt, int pid)
{
    vm->ring[vm->ring_next] = (vm_retired_t){*rt, pid};
    vm->ring_next = (vm->ring_next + 1) % VM_RING;
    if (vm->ring_count < VM_RING)
        vm->ring_count++;
}

/* An os_retire_fn: ctx is the vm_t. */
static void record_retired(void *ctx, int pid, const retire_t *rt) { ring_push(ctx, rt, pid); }

const vm_retired_t *vm_retired(const vm_t *vm, unsigned i)
{
    if (i >= vm->ring_count)
        return NULL;
    return &vm->ring[(vm->ring_next + VM_RING - 1 - i) % VM_RING];
}

/* ---- the world ---------------------------------------------------------- */

static void world_destroy(vm_world_t *w)
{
    if (!w)
        return;
    session_close(&w->s);
    evlog_free(&w->log);
    free(w);
}

static bool has_ready(os_t *os)
{
    for (int pid = 1; pid <= os_process_count(os); pid++)
        if (os_process(os, pid)->state == PROC_READY)
            return true;
    return false;
}

/* The runner's options for the viewer's session: files the runner would
 * write (trace, stats, dump) are left to `mmulab run`. */
static run_options_t world_options(const vm_t *vm)
{
    run_options_t o = vm->opt;
    o.trace_path = o.stats_json = o.stats_txt = NULL;
    o.dump = false;
    return o;
}

/* A session exactly as `mmulab run` opens it (session_open: the machine, the
 * OS, the programs loaded, whatever else the runner sets up), with the
 * viewer's event log on its bus.  The
 * loading happens inside session_open, before anyone can subscribe, so the
 * log starts with the load events captured once by vm_open.  NULL after
 * printing why to err. */
static vm_world_t *world_create(vm_t *vm, FILE *err)
{
    vm_world_t *w = calloc(1, sizeof *w);
    if (!w) {
        fprintf(err, "mmulab-view: out of host memory\n");
        return NULL;
    }
    evlog_init(&w->log);
    run_options_t o = world_options(vm);
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
    w->finished = !has_ready(w->os);
    return w;
}

/* Run the world on to the first instruction boundary at or after `cycle`,
 * the last VM_STEP_WINDOW cycles of the way under the retire observer (the
 * records kept are the last few hundred; a run to the end has none).  Only
 * that stretch is stepped: machine_step keeps the frames' reference stamps
 * on another scale than machine_run's fast path (see docs/viewer.md), and
 * the working sets the OS measures from them must be `mmulab run`'s. */
static void world_run_to(vm_t *vm, uint64_t cycle)
{
    vm_world_t *w = vm->world;
    if (w->finished || cycle <= machine_cycles(w->m))
        return;
    w->started = true;
    if (cycle - machine_cycles(w->m) > VM_STEP_WINDOW && !os_run_until(w->os, cycle - VM_STEP_WINDOW)) {
        w->finished = true;
        return;
    }
    os_set_retire_observer(w->os, record_retired, vm);
    w->finished = !os_run_until(w->os, cycle);
    os_set_retire_observer(w->os, NULL, NULL);
}

static int world_current_pid(const vm_world_t *w)
{
    for (size_t i = w->log.count; i-- > 0;)
        if (w->log.ev[i].kind == EV_CTX_SWITCH)
            return (int)w->log.ev[i].b;
    return w->started ? 1 : 0;
}

int vm_current_pid(const vm_t *vm) { return world_current_pid(vm->world); }

/* ---- moving ------------------------------------------------------------- */

bool vm_reset(vm_t *vm)
{
    vm_world_t *w = world_create(vm, vm->console);
    if (!w)
        return false;
    world_destroy(vm->world);
    vm->world = w;
    vm->ring_count = vm->ring_next = 0;
    vm->records_from = 0;
    vm->replays++;
    return true;
}

bool vm_advance_to(vm_t *vm, uint64_t cycle)
{
    if (cycle < vm_now(vm) && !vm_reset(vm)) /* backward: from the start */
        return false;
    vm->records_from = vm_now(vm);
    world_run_to(vm, cycle);
    return !vm->world->log.out_of_memory;
}

bool vm_step(vm_t *vm)
{
    uint64_t before = machine_counters(vm->world->m)->instructions, from = vm_now(vm);
    /* An OS action (a switch, a trap's service) may come first and retire
     * nothing; go on until an instruction retires or the run ends. */
    for (int tries = 0; tries < 64 && !vm->world->finished; tries++) {
        world_run_to(vm, vm_now(vm) + 1);
        if (machine_counters(vm->world->m)->instructions != before)
            break;
    }
    vm->records_from = from;
    return !vm->world->log.out_of_memory;
}

/* True if an event that stops "run to the next event" was logged from `seen` on. */
static bool stop_event_since(const evlog_t *log, size_t seen)
{
    for (size_t i = seen; i < log->count; i++)
        if (evlog_stops_run_to_event(log->ev[i].kind))
            return true;
    return false;
}

bool vm_run_to_event(vm_t *vm)
{
    const uint64_t max_window = 1ull << 28;
    uint64_t from = vm_now(vm);
    /* One instruction (or OS action) at a time: stop right after the one
     * that logged such an event. */
    while (!vm->world->finished && vm_now(vm) - from < max_window) {
        size_t before = vm->world->log.count;
        world_run_to(vm, vm_now(vm) + 1);
        if (stop_event_since(&vm->world->log, before))
            break;
    }
    vm->records_from = from;
    return !vm->world->log.out_of_memory;
}

uint64_t vm_now(const vm_t *vm) { return machine_cycles(vm->world->m); }
bool vm_finished(const vm_t *vm) { return vm->world->finished; }
bool vm_process_alive(const vm_t *vm, const process_t *p) { (void)vm; return p->state == PROC_READY; }

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
    run_options_t o = world_options(vm);
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
    vm_world_t *w = world_create(vm, err);
    if (!w)
        return 2;
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
