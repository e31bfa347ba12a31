/*
 * Filling the view model from a recorded trace (--replay).  A trace holds
 * events, not state, so the model is rebuilt from the events up to the
 * playhead: partitions from process starts, moves and swaps; frames from
 * page faults and evictions; the last translation from the last TLB miss and
 * its walk steps; counters by counting.  The TLB's contents and the
 * registers are not in a trace, and the panels say so.
 */
#include "model.h"

#include <string.h>

/* The process named by the programs given with --replay, else "process N". */
static proc_view_t *trace_process(model_t *m, const run_options_t *opt, int pid)
{
    if (pid < 1 || pid > MAX_PROGRAMS)
        return NULL;
    while (m->nprocs < pid) {
        proc_view_t *p = &m->procs[m->nprocs++];
        memset(p, 0, sizeof *p);
        p->pid = m->nprocs;
        const char *path = p->pid <= opt->nprograms ? opt->programs[p->pid - 1] : NULL;
        const char *slash = path ? strrchr(path, '/') : NULL;
        if (path)
            snprintf(p->name, sizeof p->name, "%s", slash ? slash + 1 : path);
        else
            snprintf(p->name, sizeof p->name, "process %d", p->pid);
        p->state = "not started";
    }
    return &m->procs[pid - 1];
}

static bool trace_is_paged(const evlog_t *log, const run_options_t *opt)
{
    if (opt->os.mode == OS_PAGED)
        return true;
    for (size_t i = 0; i < log->count; i++)
        if (log->ev[i].kind == EV_TLB_MISS || log->ev[i].kind == EV_PAGE_FAULT)
            return true;
    return false;
}

/* Process life and placement from one event. */
static void apply_process_event(model_t *m, const run_options_t *opt, const event_t *ev)
{
    proc_view_t *p = trace_process(m, opt, ev->pid);
    if (!p)
        return;
    switch (ev->kind) {
    case EV_PROC_START: p->state = "ready"; p->base = ev->a; p->size = ev->b; break;
    case EV_PROC_EXIT: p->state = "exited"; p->swapped = false; break;
    case EV_PROC_KILL: p->state = "killed"; p->swapped = false; break;
    case EV_MOVE: /* the block at its base: the image, or the segment table under seg */
        if (ev->b == p->base)
            p->base = ev->c;
        break;
    case EV_SWAP_OUT:
        if (opt->os.mode == OS_SEG) /* one of its segments went out, not the process */
            break;
        p->state = "swapped out";
        p->swapped = true;
        p->swap_home = ev->c;
        p->swap_bytes = ev->b;
        break;
    case EV_SWAP_IN: p->state = "ready"; p->swapped = false; p->base = ev->c; break;
    case EV_CTX_SWITCH: m->current_pid = (int)ev->b; break;
    default: break;
    }
}

/* A fault's frame is mapped when the fault is over; an eviction at once. */
static void apply_frame_event(model_t *m, const event_t *ev, uint64_t now)
{
    if (ev->kind == EV_PAGE_FAULT && ev->cycle + ev->duration > now)
        return;
    uint32_t frame = ev->kind == EV_EVICT ? ev->a : ev->c;
    if (frame >= (uint32_t)m->nspans)
        return;
    span_t *s = &m->spans[frame];
    if (ev->kind == EV_PAGE_FAULT)
        *s = (span_t){.start = s->start, .size = s->size, .owner = ev->pid, .region = RG_DATA, .mapped = true,
                      .vpage = ev->b, .last_access = ev->cycle};
    else if (ev->kind == EV_EVICT)
        *s = (span_t){.start = s->start, .size = s->size, .owner = -1, .region = RG_FREE};
}

/* The last TLB miss at or before now, with its walk steps. */
static void apply_walk_event(model_t *m, const event_t *ev)
{
    xlate_view_t *x = &m->last;
    if (ev->kind == EV_TLB_MISS || ev->kind == EV_AD_REWALK) {
        memset(x, 0, sizeof *x);
        *x = (xlate_view_t){.valid = true, .access = (access_t)ev->d, .vaddr = ev->a, .cycle = ev->cycle};
        m->mmu.asid = ev->b;
    } else if (ev->kind == EV_WALK_STEP && x->walk_steps < RETIRE_MAX_WALK) {
        x->pte_addr[x->walk_steps] = ev->b;
        x->pte[x->walk_steps++] = ev->c;
    }
}

static void trace_frames(model_t *m)
{
    uint32_t page = 1u << m->geo.page_shift;
    m->nspans = (int)(m->mem_size / page);
    if (m->nspans > m->cap)
        m->nspans = m->cap;
    for (int f = 0; f < m->nspans; f++)
        m->spans[f] = (span_t){.start = (uint32_t)f * page, .size = page, .owner = -1, .region = RG_FREE};
}

/* Partitions of the live processes, in address order, with holes between. */
static void trace_partitions(model_t *m, const run_options_t *opt)
{
    uint32_t cursor = opt->os.os_size;
    m->blocks[m->nblocks] = (mem_block_t){0, cursor, 0};
    m->spans[m->nspans++] = (span_t){.start = 0, .size = cursor, .owner = 0, .region = RG_OS, .block = m->nblocks++};
    for (;;) {
        const proc_view_t *next = NULL;
        for (int i = 0; i < m->nprocs; i++) {
            const proc_view_t *p = &m->procs[i];
            bool placed = !strcmp(p->state, "ready") || !strcmp(p->state, "running");
            if (placed && p->size && p->base >= cursor && (!next || p->base < next->base))
                next = p;
        }
        uint32_t end = next ? next->base : m->mem_size;
        if (m->nspans + 2 >= m->cap)
            break;
        if (end > cursor) {
            m->blocks[m->nblocks] = (mem_block_t){cursor, end - cursor, -1};
            m->spans[m->nspans++] = (span_t){.start = cursor, .size = end - cursor, .owner = -1, .block = m->nblocks++};
        }
        if (!next)
            break;
        m->blocks[m->nblocks] = (mem_block_t){next->base, next->size, next->pid};
        m->spans[m->nspans++] = (span_t){.start = next->base, .size = next->size, .owner = next->pid,
                                         .region = RG_DATA, .block = m->nblocks++};
        cursor = next->base + next->size;
    }
}

static void trace_counters(model_t *m, const evlog_t *log, size_t upto)
{
    m->faults = m->ctx_switches = m->tlb_misses = m->instructions = m->walks = 0;
    for (size_t i = 0; i < upto; i++) {
        const event_t *ev = &log->ev[i];
        m->faults += ev->kind == EV_PAGE_FAULT || ev->kind == EV_PROC_KILL;
        m->ctx_switches += ev->kind == EV_CTX_SWITCH;
        m->tlb_misses += ev->kind == EV_TLB_MISS;
        m->walks += ev->kind == EV_TLB_MISS || ev->kind == EV_AD_REWALK; /* a re-walk sets A or D */
        m->instructions += ev->kind == EV_PROC_EXIT ? ev->b : 0;
    }
}

/* The policy's state the trace recorded last before `upto` (--explain=state). */
static void trace_policy_state(model_t *m, const evlog_t *log, size_t upto)
{
    m->npolicy = 0;
    size_t end = upto;
    while (end > 0 && log->ev[end - 1].kind != EV_POLICY_STATE)
        end--;
    size_t start = end;
    while (start > 0 && log->ev[start - 1].kind == EV_POLICY_STATE && log->ev[start - 1].cycle == log->ev[end - 1].cycle)
        start--;
    for (size_t i = start; i < end && m->npolicy < MODEL_POLICY_ROWS; i++) {
        const event_t *e = &log->ev[i];
        m->policy_rows[m->npolicy++] = (os_policy_row_t){.frame = e->a, .vpn = e->b, .key = e->c, .flags = e->d, .pid = e->pid};
    }
    for (size_t i = end; i < log->count && m->npolicy; i++)
        if (log->ev[i].kind == EV_VICTIM) { /* the policy is named by the choice that follows */
            m->policy = (repl_policy_t)(log->ev[i].b & VICTIM_POLICY_MASK);
            break;
        }
}

void model_from_trace(model_t *m, const evlog_t *log, const run_options_t *opt, uint64_t now)
{
    m->live = false;
    m->mode = trace_is_paged(log, opt) ? OS_PAGED : opt->os.mode;
    m->mem_size = opt->hw.mem_size;
    paging_geometry(&opt->hw, &m->geo);
    m->now = now;
    m->flash_from = now > 500 ? now - 500 : 0;
    m->end_hint = log->count ? log->ev[log->count - 1].cycle + log->ev[log->count - 1].duration : 0;
    m->status = now >= m->end_hint ? "end of trace" : "replay";
    m->nprocs = m->nspans = m->nblocks = m->ntlb = m->nregions = 0;
    memset(&m->mmu, 0, sizeof m->mmu);
    m->mmu.mode = m->mode == OS_PAGED ? MMU_PAGED : MMU_RELOC;
    m->current_pid = 1;
    m->have_cpu = false;
    m->ndisasm = 0;
    memset(&m->last, 0, sizeof m->last);
    if (m->mode == OS_PAGED)
        trace_frames(m);
    size_t upto = 0;
    for (; upto < log->count && log->ev[upto].cycle <= now; upto++) {
        apply_process_event(m, opt, &log->ev[upto]);
        if (m->mode == OS_PAGED)
            apply_frame_event(m, &log->ev[upto], now);
        apply_walk_event(m, &log->ev[upto]);
    }
    for (int i = 0; i < m->nprocs; i++)
        if (m->procs[i].pid == m->current_pid && !strcmp(m->procs[i].state, "ready"))
            m->procs[i].state = "running";
    if (m->mode != OS_PAGED)
        trace_partitions(m, opt);
    trace_counters(m, log, upto);
    trace_policy_state(m, log, upto);
    model_explain(m, log, upto ? upto - 1 : 0);
    m->have_breakdown = false; /* a trace has no hardware counters */
    m->cycles = now;
    m->tlb_set_looked_up = m->tlb_slot_hit = -1;
    m->npt_path = m->npt_rows = 0;
    for (int i = 0; i < m->last.walk_steps && m->last.valid; i++) {
        uint32_t index = paging_index(&m->geo, m->last.vaddr, (uint32_t)i);
        m->pt_path[m->npt_path++] = (pte_row_t){index, m->last.pte_addr[i], m->last.pte[i], true};
    }
    if (m->npt_path) /* the root table the walk started from */
        m->mmu.ptbr = m->pt_path[0].pte_addr - 4 * m->pt_path[0].index;
    m->events = log;
    snprintf(m->note, sizeof m->note, "replay: a trace records events, not the TLB's contents or the registers");
}
