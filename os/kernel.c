/*
 * The kernel: process table, round-robin scheduler, trap dispatch, and the
 * accounting that splits the hardware's counters per process.
 *
 * os_run is the whole life of a run: pick the next ready process, switch to
 * it (saving and restoring registers and MMU state, charged as a context
 * switch), run the machine until its quantum ends or it traps, then serve the
 * trap: a system call, HALT, a page fault the pager serves (paged mode), or
 * a fault that stops the process with a message naming the cause, the PC and
 * the logical and physical addresses.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "os_internal.h"
#include "services.h"
#include "mp_internal.h"

const char *const os_mode_name[OS_MODE_COUNT] = {"bare", "swreloc", "hwreloc", "paged", "seg"};

void os_config_defaults(os_config_t *c)
{
    memset(c, 0, sizeof *c);
    c->mode = OS_HWRELOC;
    c->os_size = 8192;
    c->base = 8192;
    c->stack_size = 4096;
    c->granule = 16;
    c->fit = FIT_FIRST;
    c->quantum = 10000;
    c->replace = REPL_LRU;
}

os_t *os_create(machine_t *m, const os_config_t *cfg, char *err, size_t errlen)
{
    uint32_t mem = m->cfg.mem_size;
    if (cfg->os_size >= mem) {
        snprintf(err, errlen, "memory of %u bytes leaves no room beside the %u-byte OS", mem, cfg->os_size);
        return NULL;
    }
    if (cfg->mode != OS_BARE && cfg->base_given && (cfg->base < cfg->os_size || cfg->base >= mem)) {
        snprintf(err, errlen, "--base 0x%x: processes go between the OS (0x0..0x%x) and the end of memory (0x%x)",
                 cfg->base, cfg->os_size - 1, mem);
        return NULL;
    }
    os_t *os = calloc(1, sizeof *os);
    if (!os) {
        snprintf(err, errlen, "out of host memory");
        return NULL;
    }
    os->m = m;
    os->cfg = *cfg;
    if (!os->cfg.quantum)
        os->cfg.quantum = 10000;
    os->console = stdout;
    /* The resident OS: at the top in the monoprogrammed machine, low otherwise
     * (the seed's "resident operating system, usually held in low memory"). */
    uint32_t os_base = cfg->mode == OS_BARE ? mem - cfg->os_size : 0;
    static const char banner[] = "mmulab resident OS";
    machine_phys_write(m, os_base, banner, sizeof banner);
    if (cfg->mode == OS_BARE) {
        partitions_init(&os->parts, 0, os_base, cfg->granule, cfg->fit);
    } else if (cfg->nmft) { /* fixed partitions (MFT), cut once at boot */
        if (!partitions_init_fixed(&os->parts, cfg->os_size, mem, cfg->mft, cfg->nmft, cfg->fit)) {
            snprintf(err, errlen, "--mft: the partitions do not fit the %u bytes between the OS and the end of memory",
                     mem - cfg->os_size);
            os_destroy(os);
            return NULL;
        }
    } else {
        partitions_init(&os->parts, cfg->os_size, mem, cfg->granule, cfg->fit);
    }
    if (cfg->mode == OS_PAGED && !pager_create(os, err, errlen)) {
        os_destroy(os);
        return NULL;
    }
    return os;
}

void os_destroy(os_t *os)
{
    if (!os)
        return;
    pager_destroy(os);
    shm_destroy(os);
    for (int i = 0; i < os->nprocs; i++) {
        exe_free(&os->procs[i].exe);
        free(os->procs[i].output);
        free(os->procs[i].args.block);
        services_free(&os->procs[i]);
        segments_free(&os->procs[i]);
    }
    free(os->procs);
    free(os->dump.words);
    free(os->dump.valid);
    partitions_free_all(&os->parts);
    os_free_arrivals(os);
    os_mp_free(os);
    bcache_free(os);
    free(os);
}

void os_set_console(os_t *os, FILE *out) { os->console = out; }
int os_process_count(const os_t *os) { return os->nprocs; }
const os_config_t *os_config(const os_t *os) { return &os->cfg; }
machine_t *os_machine(os_t *os) { return os->m; }

process_t *os_process(os_t *os, int pid)
{
    return pid >= 1 && pid <= os->nprocs ? &os->procs[pid - 1] : NULL;
}

void os_note(os_t *os, ev_kind_t kind, int pid, uint64_t cycle, uint64_t duration, uint32_t a, uint32_t b, uint32_t c,
             uint32_t d)
{
    event_t ev = {cycle, duration, kind, pid, a, b, c, d};
    cycle_tally_observe(&os->tally, &ev); /* the stats' breakdown, with or without observers */
    if (ev_enabled(os->m->bus))
        ev_publish(os->m->bus, &ev);
}

void os_charge(os_t *os, ev_kind_t kind, int pid, uint64_t cycles, uint32_t a, uint32_t b, uint32_t c, uint32_t d)
{
    uint64_t now = machine_cycles(os->m);
    machine_charge(os->m, cycles);
    os_note(os, kind, pid, now, cycles, a, b, c, d);
}

const cycle_tally_t *os_cycle_tally(const os_t *os) { return &os->tally; }

int os_owner(os_t *os, uint32_t pa)
{
    if (os->cfg.mode == OS_BARE)
        return pa >= os->m->cfg.mem_size - os->cfg.os_size ? 0 : (os->nprocs ? 1 : -1);
    if (os->pager)
        return pager_owner(os, pa);
    if (pa < os->cfg.os_size)
        return 0;
    int owner = partitions_owner(&os->parts, pa);
    return owner > 0 ? owner : -1;
}

/* ---- accounting ---------------------------------------------------------- */

void os_account(os_t *os, process_t *p)
{
    const hw_counters_t *c = machine_counters(os->m);
    uint64_t now = machine_cycles(os->m);
    p->st.instructions += c->instructions - p->snap.instructions;
    p->st.loads += c->loads - p->snap.loads;
    p->st.stores += c->stores - p->snap.stores;
    p->st.tlb_hits += c->tlb_hits - p->snap.tlb_hits;
    p->st.tlb_misses += c->tlb_misses - p->snap.tlb_misses;
    p->st.walks += c->walks - p->snap.walks;
    p->st.walk_cycles += c->walk_cycles - p->snap.walk_cycles;
    p->st.cycles += now - p->snap_cycles;
    p->snap = *c;
    p->snap_cycles = now;
}

void os_totals(os_t *os, proc_stats_t *t)
{
    memset(t, 0, sizeof *t);
    for (int i = 0; i < os->nprocs; i++) {
        const proc_stats_t *s = &os->procs[i].st;
        t->instructions += s->instructions;
        t->cycles += s->cycles;
        t->loads += s->loads;
        t->stores += s->stores;
        t->tlb_hits += s->tlb_hits;
        t->tlb_misses += s->tlb_misses;
        t->walks += s->walks;
        t->walk_cycles += s->walk_cycles;
        t->load_cycles += s->load_cycles;
        t->relocations += s->relocations;
        t->syscalls += s->syscalls;
        t->context_switches += s->context_switches;
        t->shared_maps += s->shared_maps;
        t->cow_copies += s->cow_copies;
        t->file_bytes_read += s->file_bytes_read;
        t->file_bytes_written += s->file_bytes_written;
        t->bcache_hits += s->bcache_hits;
        t->bcache_misses += s->bcache_misses;
        t->binds += s->binds;
        t->lazy_binds += s->lazy_binds;
        t->bind_cycles += s->bind_cycles;
        t->page_faults += s->page_faults;
        t->major_faults += s->major_faults;
        t->minor_faults += s->minor_faults;
        t->evictions += s->evictions;
        t->writebacks += s->writebacks;
        t->fault_cycles += s->fault_cycles;
        for (int k = 0; k < TRAP_COUNT; k++)
            t->faults[k] += s->faults[k];
    }
}

int os_first_exit_code(os_t *os)
{
    process_t *p = os_process(os, 1);
    return p && p->state == PROC_EXITED ? p->exit_code : -1;
}

/* ---- process end --------------------------------------------------------- */

/* Take p off the CPU if it is there: account its slice, save its state, and
 * tell the observers the slice it ran (from its dispatch to now). */
void os_leave_cpu(os_t *os, process_t *p)
{
    if (os->current != p->pid)
        return;
    uint64_t began = p->snap_cycles;
    uint64_t instructions = machine_counters(os->m)->instructions - p->snap.instructions;
    os_account(os, p);
    machine_get_state(os->m, &p->cpu);
    os->current = 0;
    ev_emit(os->m->bus, EV_RUNNING, p->pid, began, p->snap_cycles - began, (uint32_t)instructions, 0, 0, 0);
}

static void release_memory(os_t *os, process_t *p)
{
    if (os->m->bus)
        os->m->bus->running_pid = p->pid; /* the flushes of its translations are its own */
    services_exit(os, p); /* shared mappings reach their files first */
    if (os->pager)
        pager_release(os, p);
    else if (os->cfg.mode == OS_SEG)
        segments_release(os, p);
    else if (os->cfg.mode != OS_BARE)
        partitions_free(&os->parts, p->base);
}

/* Threads (os/threads.c): the members of p's process other than p still
 * running end with it, in `state` with `code`. */
static void end_threads(os_t *os, process_t *p, proc_state_t state, int code)
{
    int leader = p->leader ? p->leader : p->pid;
    for (int i = 0; i < os->nprocs; i++) {
        process_t *t = &os->procs[i];
        if (t == p || t->state != PROC_READY || (t->pid != leader && t->leader != leader))
            continue;
        os_leave_cpu(os, t);
        t->state = state;
        t->exit_code = code;
        t->parked = false;
        if (state == PROC_KILLED)
            snprintf(t->fault_msg, sizeof t->fault_msg, "process %d (%.40s) stopped with process %d: %.200s", t->pid,
                     t->name, p->pid, p->fault_msg);
        ev_emit(os->m->bus, EV_PROC_EXIT, t->pid, machine_cycles(os->m), 0, (uint32_t)code,
                (uint32_t)t->st.instructions, 0, 0);
    }
    if (p->leader)
        os->procs[leader - 1].threads = 0;
    else
        p->threads = 0;
}

void os_end_thread(os_t *os, process_t *t, int code)
{
    os_leave_cpu(os, t);
    t->state = PROC_EXITED;
    t->exit_code = code;
    ev_emit(os->m->bus, EV_PROC_EXIT, t->pid, machine_cycles(os->m), 0, (uint32_t)code,
            (uint32_t)t->st.instructions, 0, 0);
}

void os_exit_process(os_t *os, process_t *p, int code)
{
    os_leave_cpu(os, p);
    p->state = PROC_EXITED;
    p->exit_code = code;
    p->parked = false;
    end_threads(os, p, PROC_EXITED, code); /* exit by any member ends the process */
    process_t *space = os_space(os, p);
    os_capture_dump(os, space);
    release_memory(os, space);
    ev_emit(os->m->bus, EV_PROC_EXIT, p->pid, machine_cycles(os->m), 0, (uint32_t)code,
            (uint32_t)p->st.instructions, 0, 0);
}

/* Segmented mode: the segment the address named, as its table says. */
static void describe_segment(const os_t *os, const process_t *p, const trap_t *t, char *out, size_t room)
{
    const struct proc_segs *s = p->segs;
    const uint32_t segno = t->vaddr >> os->m->cfg.seg_offset_bits;
    if (!s || segno >= s->nseg) {
        snprintf(out, room, " (segment %" PRIu32 ": beyond the table's %" PRIu32 " entries)", segno,
                 s ? s->nseg : 0);
        return;
    }
    const os_segment_t *g = &s->seg[segno];
    if (!g->used)
        snprintf(out, room, " (segment %" PRIu32 ": not in use)", segno);
    else
        snprintf(out, room, " (segment %" PRIu32 " %s: base 0x%08" PRIx32 ", limit 0x%" PRIx32 "%s)", segno,
                 region_kind_name[g->kind], g->base, g->limit, (g->flags & SEG_DOWN) ? ", grows down" : "");
}

/* The message a user reads when the model stops a program. */
static void describe_fault(os_t *os, process_t *p, const trap_t *t)
{
    int n = snprintf(p->fault_msg, sizeof p->fault_msg, "process %d (%s) stopped: %s", p->pid, p->name,
                     trap_desc[t->cause]);
    size_t room = sizeof p->fault_msg;
    if (t->cause == TRAP_ILLEGAL || t->cause == TRAP_DIV_ZERO) {
        n += snprintf(p->fault_msg + n, room - (size_t)n, " (0x%08" PRIx32 ") at pc 0x%08" PRIx32, t->insn, t->pc);
        return;
    }
    if (t->cause == TRAP_MISALIGNED) { /* caught before translation: no physical address */
        snprintf(p->fault_msg + n, room - (size_t)n, "; %s at pc 0x%08" PRIx32 ", logical address 0x%08" PRIx32 " (%s)",
                 access_name[t->access], t->pc, t->vaddr,
                 t->access == ACC_FETCH ? "addresses count bytes: an instruction starts at a multiple of 4"
                                        : "addresses count bytes: a word starts at a multiple of 4, so step "
                                          "through a word vector with ADD Rn, #4, not INC Rn");
        return;
    }
    n += snprintf(p->fault_msg + n, room - (size_t)n,
                  "; %s at pc 0x%08" PRIx32 ", logical address 0x%08" PRIx32 ", physical address 0x%08" PRIx32,
                  access_name[t->access], t->pc, t->vaddr, t->paddr);
    if (os->cfg.mode == OS_HWRELOC)
        snprintf(p->fault_msg + n, room - (size_t)n, " (base 0x%08" PRIx32 ", limit 0x%08" PRIx32 ")", p->mmu.base,
                 p->mmu.limit);
    else if (os->cfg.mode == OS_BARE)
        snprintf(p->fault_msg + n, room - (size_t)n, " (the OS starts at 0x%08" PRIx32 ")", p->mmu.fence);
    else if (os->cfg.mode == OS_SEG)
        describe_segment(os, p, t, p->fault_msg + n, room - (size_t)n);
    else if (os->cfg.mode == OS_PAGED && t->paddr == 0)
        snprintf(p->fault_msg + n, room - (size_t)n, " (no physical address: the page has no frame)");
}

void os_kill_process(os_t *os, process_t *p, const trap_t *trap)
{
    os_leave_cpu(os, p);
    p->fault = *trap;
    p->st.faults[trap->cause]++;
    describe_fault(os, p, trap);
    os_charge(os, EV_PROC_KILL, p->pid, os->m->cfg.timing.kill_cycles, trap->cause, trap->pc, trap->vaddr,
              trap->paddr);
    p->st.cycles += os->m->cfg.timing.kill_cycles;
    p->state = PROC_KILLED;
    p->exit_code = -1;
    end_threads(os, p, PROC_KILLED, -1); /* a fault in any thread stops the process */
    p = os_space(os, p);
    os_capture_dump(os, p);
    release_memory(os, p);
}

/* ---- scheduling ---------------------------------------------------------- */

static process_t *next_ready(os_t *os)
{
    for (int k = 0; k < os->nprocs; k++) {
        int i = (os->rr_cursor + k) % os->nprocs;
        if (os->procs[i].state == PROC_READY && !os->procs[i].parked) {
            os->rr_cursor = (i + 1) % os->nprocs;
            return &os->procs[i];
        }
    }
    return NULL;
}

/* Why the CPU leaves prev, for the CTX_SWITCH event (machine/events.h). */
static uint32_t switch_reason(const os_t *os, const process_t *prev)
{
    if (!prev || prev->state != PROC_READY)
        return CTX_ENDED;
    return prev->parked ? CTX_BLOCKED : os->slice_ended_by;
}

static void switch_to(os_t *os, process_t *next)
{
    if (os->current == next->pid)
        return;
    process_t *prev = os_process(os, os->current);
    if (prev)
        os_leave_cpu(os, prev);
    if (os->m->bus)
        os->m->bus->running_pid = next->pid; /* the switch's own hardware work (a TLB flush) is next's */
    bool first_dispatch = prev == NULL && machine_counters(os->m)->instructions == 0;
    if (!first_dispatch && os->pager)
        pager_switch(os, next);
    if (!first_dispatch) {
        os_charge(os, EV_CTX_SWITCH, next->pid, os->m->cfg.timing.ctx_switch_cycles, prev ? (uint32_t)prev->pid : 0,
                  (uint32_t)next->pid, 0, switch_reason(os, prev));
        next->st.context_switches++;
    }
    machine_set_state(os->m, &next->cpu);
    machine_mmu_set(os->m, &next->mmu);
    next->snap = *machine_counters(os->m);
    next->snap_cycles = machine_cycles(os->m);
    os->current = next->pid;
}

/* Instructions p has retired, counting the running slice. */
static uint64_t retired(os_t *os, const process_t *p)
{
    return p->st.instructions + machine_counters(os->m)->instructions - p->snap.instructions;
}

void os_set_retire_observer(os_t *os, os_retire_fn fn, void *ctx)
{
    os->retire_fn = fn;
    os->retire_ctx = ctx;
}

/* OPT's first pass records page references; the audit checks stores. */
static bool recording(const os_t *os) { return os->cfg.record_refs && os->pager; }

/* What a stepped slice does with each instruction: OPT's first pass notes
 * its pages (the audit is off then), the audit reports a store into
 * another's memory, and the retire observer sees it. */
static void after_step(os_t *os, process_t *p, const retire_t *rt, uint64_t insn)
{
    if (recording(os) && !rt->trapped)
        pager_record(os, p, rt, insn);
    if (!recording(os) && os->cfg.audit_stores && rt->mem_valid && rt->mem_write) {
        int owner = os_owner(os, rt->mem_paddr);
        if (owner != os_space(os, p)->pid) /* a thread stores into its leader's frames */
            ev_emit(os->m->bus, EV_STRAY_STORE, p->pid, rt->cycle_begin, 0, (uint32_t)p->pid, rt->mem_paddr,
                    (uint32_t)owner, rt->pc);
    }
    if (os->retire_fn)
        os->retire_fn(os->retire_ctx, p->pid, rt);
}

/* Run the current process until `limit`: in one batch, or instruction by
 * instruction when something must see each one. */
static stop_t run_slice(os_t *os, process_t *p, uint64_t limit)
{
    if (!recording(os) && !os->cfg.audit_stores && !os->retire_fn)
        return machine_run(os->m, limit);
    while (machine_cycles(os->m) < limit) {
        retire_t rt;
        uint64_t insn = recording(os) ? pager_space_instructions(os, os_space(os, p)) : retired(os, p);
        stop_t stop = machine_step(os->m, &rt);
        after_step(os, p, &rt, insn);
        if (stop == STOP_TRAP)
            return stop;
    }
    return STOP_BUDGET;
}

static void serve_trap(os_t *os, process_t *p)
{
    const trap_t *t = machine_trap(os->m);
    os_note(os, EV_TRAP, p->pid, machine_cycles(os->m), 0, t->cause, t->pc, t->vaddr, t->paddr);
    switch (t->cause) {
    case TRAP_PAGE_NOT_PRESENT:
    case TRAP_PAGE_NOT_MAPPED:
    case TRAP_PAGE_WRITE: /* copy-on-write, else the process is stopped */ {
        trap_t copy = *t;
        if (!os->pager || !pager_fault(os, os_space(os, p), &copy)) /* a thread's fault is its leader's space's */
            os_kill_process(os, p, &copy);
        break;
    }
    case TRAP_SEG_NOT_PRESENT: /* demand segmentation, swapping */
    case TRAP_SEG_BOUND: {     /* the stack grows */
        trap_t copy = *t;
        if (os->cfg.mode != OS_SEG || !segments_fault(os, os_space(os, p), &copy))
            os_kill_process(os, p, &copy);
        break;
    }
    case TRAP_SYSCALL:
        os_syscall(os, p, t);
        break;
    case TRAP_HALT: /* a thread's HALT ends the thread alone (thread_exit(0)) */
        if (p->leader)
            threads_exit(os, p, 0);
        else
            os_exit_process(os, p, 0);
        break;
    default: {
        trap_t copy = *t;
        os_kill_process(os, p, &copy);
        break;
    }
    }
}

static uint64_t slice_end(const os_t *os, uint64_t now)
{
    uint64_t end = now + os->cfg.quantum;
    if (os->cfg.max_cycles && end > os->cfg.max_cycles)
        end = os->cfg.max_cycles;
    if (os->cfg.move_at_cycle && !os->moved && end > os->cfg.move_at_cycle)
        end = os->cfg.move_at_cycle;
    return end;
}

/* Stop every process still running, saying why and where it was: "process
 * PID (NAME) stopped: WHY at pc 0x... HINT". */
static void stop_everyone(os_t *os, const char *why, const char *hint)
{
    for (int i = 0; i < os->nprocs; i++) {
        process_t *p = &os->procs[i];
        if (p->state != PROC_READY)
            continue;
        os_leave_cpu(os, p);
        p->state = PROC_KILLED;
        p->exit_code = -1;
        snprintf(p->fault_msg, sizeof p->fault_msg, "process %d (%s) stopped: %s at pc 0x%08" PRIx32 "%s", p->pid,
                 p->name, why, p->cpu.pc, hint);
        os_capture_dump(os, p);
    }
}

static void stop_at_cycle_limit(os_t *os)
{
    char why[80];
    snprintf(why, sizeof why, "cycle limit of %" PRIu64 " cycles reached", os->cfg.max_cycles);
    stop_everyone(os, why, " (raise it with --max-cycles)");
}

static void maybe_move(os_t *os)
{
    if (!os->cfg.move_at_cycle || os->moved || machine_cycles(os->m) < os->cfg.move_at_cycle)
        return;
    os->moved = true;
    process_t *p = os_process(os, 1);
    if (!p || p->state != PROC_READY)
        return;
    char err[200];
    if (!os_move_process(os, 1, os->cfg.move_to, err, sizeof err))
        snprintf(os->move_note, sizeof os->move_note, "move refused: %s", err);
}

/* Once per run: what the pager and the services do before the first slice. */
void os_start(os_t *os)
{
    if (os->run_started)
        return;
    os->run_started = true;
    if (os->pager)
        pager_start(os);
    services_start(os);
    for (int i = 0; i < os->nprocs; i++)
        os_write_args(os, &os->procs[i]);
}

/* A new quantum for the process on the CPU, cut short by an arrival due
 * before its end (an arrival is an event the scheduler hears of). */
static void open_slice(os_t *os)
{
    os->slice_end = slice_end(os, machine_cycles(os->m));
    uint64_t due = os_next_arrival_cycle(os);
    if (due > machine_cycles(os->m) && due < os->slice_end)
        os->slice_end = due;
}

/* Pick the next process, switch to it and open its slice; false when the
 * run is over (nobody left, or the cycle limit stopped everyone). */
static bool begin_slice(os_t *os)
{
    for (;;) {
        maybe_move(os);
        os_admit_arrivals(os);
        process_t *p = next_ready(os);
        if (!p && os_wait_for_arrival(os))
            continue;
        if (!p)
            return false;
        if (os->cfg.max_cycles && machine_cycles(os->m) >= os->cfg.max_cycles) {
            stop_at_cycle_limit(os);
            return false;
        }
        if (!os_mp_dispatch(os, p)) /* waiting, suspended, or rolled in (os/loadctl.c) */
            continue;
        switch_to(os, p);
        os->slice_pid = p->pid;
        open_slice(os);
        return true;
    }
}

static bool any_ready(const os_t *os)
{
    for (int i = 0; i < os->nprocs; i++)
        if (os->procs[i].state == PROC_READY)
            return true;
    return false;
}

static void end_run(os_t *os)
{
    process_t *cur = os_process(os, os->current);
    if (cur)
        os_leave_cpu(os, cur);
    os->slice_pid = 0;
    os->run_over = true;
}

bool os_run_until(os_t *os, uint64_t cycle)
{
    os_start(os);
    while (!os->run_over && machine_cycles(os->m) < cycle) {
        if (!os->slice_pid && !begin_slice(os)) {
            end_run(os);
            break;
        }
        process_t *p = os_process(os, os->slice_pid);
        stop_t stop = run_slice(os, p, os->slice_end < cycle ? os->slice_end : cycle);
        if (stop == STOP_TRAP) {
            os->keep_cpu = false;
            serve_trap(os, p);
        }
        if (stop == STOP_TRAP && os->keep_cpu && p->state == PROC_READY && os->current == p->pid) {
            /* It took memory from the others to run: were it sent to the back
             * of the queue, they could take it back before it retires, and
             * with more processes than memory holds round robin would go on
             * forever without an instruction (a swapping livelock). */
            os->keep_cpu = false;
            open_slice(os);
            continue;
        }
        if (stop == STOP_TRAP || machine_cycles(os->m) >= os->slice_end) {
            os->slice_pid = 0;
            os->slice_ended_by = stop == STOP_TRAP ? CTX_TRAP : CTX_QUANTUM;
        }
    }
    if (!os->run_over && !os->slice_pid && !any_ready(os) && !os_arrivals_pending(os))
        end_run(os); /* the last process just ended */
    return !os->run_over;
}

void os_interrupt(os_t *os, const char *why)
{
    if (os->run_over)
        return;
    stop_everyone(os, why, "");
    end_run(os);
}

int os_run(os_t *os)
{
    while (os_run_until(os, UINT64_MAX))
        ;
    return os_run_status(os);
}

int os_run_status(const os_t *os)
{
    for (int i = 0; i < os->nprocs; i++)
        if (os->procs[i].state == PROC_KILLED)
            return 1;
    return os->arrivals_dropped ? 1 : 0;
}
