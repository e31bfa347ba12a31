/*
 * Filling the view model from a live run.  Everything is read back from the
 * machine and the OS through their public calls: registers, counters, the
 * TLB rows (machine_tlb_read), the current page table (machine_phys_read
 * at the MMU's ptbr), frames (os_frame) and regions (os_regions) in paged
 * mode, partitions (process base and size) and sections otherwise,
 * and the accesses of the last instructions (the driver's retirement
 * records).  The replayed model is in model_trace.c.
 */
#include "model.h"

#include <stdlib.h>
#include <string.h>

#include "../toolchain/disasm.h"
#include "../mmu/pte.h"
#include "../mmu/walk.h"
#include "../mmu/seg.h"
#include "../os/segment.h"

static const char *const region_name[RG_COUNT] = {"free",  "OS",         "code",    "data",    "bss",      "heap",
                                            "stack", "page table", "mapped file", "library", "shared mem"};

const char *model_region_name(const model_t *m, region_t r)
{
    return m->mode == OS_SEG && r == RG_PTABLE ? "segment table" : region_name[r];
}

bool model_init(model_t *m, const machine_config_t *hw)
{
    memset(m, 0, sizeof *m);
    uint32_t frames = hw->page_shift < 32 ? hw->mem_size >> hw->page_shift : 1;
    m->cap = (int)(frames > 4096 ? frames : 4096);
    m->spans = calloc((size_t)m->cap, sizeof *m->spans);
    m->blocks = calloc((size_t)m->cap, sizeof *m->blocks);
    m->tlb_set_looked_up = m->tlb_slot_hit = -1;
    return m->spans && m->blocks;
}

void model_free(model_t *m)
{
    free(m->spans);
    free(m->blocks);
    memset(m, 0, sizeof *m);
}

int model_span_at(const model_t *m, uint32_t pa)
{
    for (int i = 0; i < m->nspans; i++)
        if (pa >= m->spans[i].start && pa - m->spans[i].start < m->spans[i].size)
            return i;
    return -1;
}

void model_tlb_row_text(const model_t *m, int slot, char *buf, size_t len)
{
    const tlb_view_t *e = &m->tlb[slot];
    if (!e->valid) {
        snprintf(buf, len, "%3d  -", slot);
        return;
    }
    char perm[8];
    const char letters[] = "RWXUGAD";
    for (int b = 0; b < 7; b++)
        perm[b] = (e->perm >> (b + 1)) & 1 ? letters[b] : '-';
    perm[7] = '\0';
    snprintf(buf, len, "%3d %3u %05x>%05x %s %2u", slot, e->asid, e->vpn, e->ppn, perm, e->age);
}

/* ---- processes ---------------------------------------------------------- */

static const char *process_state(const vm_t *vm, const proc_view_t *v, const process_t *p, int current)
{
    if (vm_process_alive(vm, p) && v->swapped)
        return "swapped out";
    if (vm_process_alive(vm, p))
        return p->pid == current ? "running" : "ready";
    return p->state == PROC_EXITED ? "exited" : "killed";
}

static void fill_processes(model_t *m, vm_t *vm)
{
    os_t *os = vm->world->os;
    m->current_pid = vm_current_pid(vm);
    m->nprocs = os_process_count(os);
    for (int i = 0; i < m->nprocs; i++) {
        const process_t *p = os_process(os, i + 1);
        proc_view_t *v = &m->procs[i];
        v->pid = p->pid;
        snprintf(v->name, sizeof v->name, "%s", p->name);
        v->swapped = vm_process_alive(vm, p) && os_mp_swapped_out(os, p->pid, &v->swap_home, &v->swap_bytes);
        v->state = process_state(vm, v, p, m->current_pid);
        v->base = p->base;
        v->size = p->size;
        v->mmu = p->mmu;
    }
}

/* ---- contiguous memory: partitions, holes, regions ---------------------- */

static int add_block(model_t *m, uint32_t start, uint32_t size, int owner)
{
    if (m->nblocks == m->cap)
        return m->nblocks - 1;
    m->blocks[m->nblocks] = (mem_block_t){start, size, owner};
    return m->nblocks++;
}

static void add_span(model_t *m, uint32_t start, uint32_t size, int owner, region_t region, int block)
{
    if (size && m->nspans < m->cap)
        m->spans[m->nspans++] = (span_t){.start = start, .size = size, .owner = owner, .region = region,
                                         .block = block};
}

static region_t section_region(const exe_section_t *s)
{
    if (s->perm & SEC_X)
        return RG_CODE;
    return s->nobits ? RG_BSS : RG_DATA;
}

/* The region of logical address va of a partition of `size` bytes: a
 * section, the stack (the top stack_size bytes) or unused (RG_FREE: between
 * the image and the stack, e.g. the rest of a bare machine's memory). */
static region_t logical_region(const exe_t *exe, uint32_t image_end, uint32_t size, uint32_t stack_size,
                               uint32_t va)
{
    const exe_section_t *best = NULL;
    for (int i = 0; i < exe->nsections; i++) {
        const exe_section_t *s = &exe->sections[i];
        if (va >= s->addr && va - s->addr < s->size)
            return section_region(s);
        if (s->addr <= va && (!best || s->addr > best->addr))
            best = s; /* padding after a section counts as that section */
    }
    if (va >= ((image_end + 15) & ~15u))
        return va >= size - (stack_size < size ? stack_size : size) ? RG_STACK : RG_FREE;
    return best ? section_region(best) : RG_CODE;
}

/* Where the region may change inside a partition: section starts and ends
 * and the start of the stack, sorted, within [0, size). */
static int region_boundaries(const process_t *p, uint32_t stack_size, uint32_t *at, int max)
{
    int n = 0;
    at[n++] = 0;
    at[n++] = p->size;
    at[n++] = (p->image_end + 15) & ~15u;
    at[n++] = p->size > stack_size ? p->size - stack_size : 0;
    for (int i = 0; i < p->exe.nsections && n + 2 <= max; i++) {
        at[n++] = p->exe.sections[i].addr;
        at[n++] = p->exe.sections[i].addr + p->exe.sections[i].size;
    }
    for (int i = 1; i < n; i++) /* insertion sort: a handful of points */
        for (int j = i; j > 0 && at[j - 1] > at[j]; j--) {
            uint32_t t = at[j];
            at[j] = at[j - 1];
            at[j - 1] = t;
        }
    return n;
}

/* A partition split into runs of one region each. */
static void add_partition(model_t *m, const process_t *p, uint32_t base, uint32_t stack_size)
{
    int block = add_block(m, base, p->size, p->pid);
    uint32_t at[2 * EXE_MAX_SECTIONS + 4];
    int n = region_boundaries(p, stack_size, at, (int)(sizeof at / sizeof at[0]));
    uint32_t run_start = 0;
    region_t run = logical_region(&p->exe, p->image_end, p->size, stack_size, 0);
    for (int i = 1; i < n; i++) {
        if (at[i] <= run_start || at[i] > p->size)
            continue;
        region_t r = at[i] < p->size ? logical_region(&p->exe, p->image_end, p->size, stack_size, at[i]) : RG_COUNT;
        if (r != run) {
            add_span(m, base + run_start, at[i] - run_start, p->pid, run, block);
            run_start = at[i];
            run = r;
        }
    }
}

static void add_hole_or_os(model_t *m, uint32_t start, uint32_t end, int owner)
{
    if (end > start)
        add_span(m, start, end - start, owner, owner == 0 ? RG_OS : RG_FREE, add_block(m, start, end - start, owner));
}

static void fill_contiguous(model_t *m, vm_t *vm)
{
    os_t *os = vm->world->os;
    const os_config_t *cfg = os_config(os);
    uint32_t mem = m->mem_size, os_lo = cfg->mode == OS_BARE ? mem - cfg->os_size : 0;
    uint32_t cursor = cfg->mode == OS_BARE ? 0 : cfg->os_size;
    if (cfg->mode != OS_BARE)
        add_hole_or_os(m, 0, cfg->os_size, 0);
    /* Partitions in address order (the process table is in pid order). */
    for (;;) {
        const process_t *next = NULL;
        for (int pid = 1; pid <= os_process_count(os); pid++) {
            const process_t *p = os_process(os, pid);
            bool placed = vm_process_alive(vm, p) && os_owner(os, p->base) == p->pid; /* not swapped out */
            if (placed && p->base >= cursor && (!next || p->base < next->base))
                next = p;
        }
        if (!next)
            break;
        add_hole_or_os(m, cursor, next->base, -1);
        add_partition(m, next, next->base, cfg->stack_size);
        cursor = next->base + next->size;
    }
    add_hole_or_os(m, cursor, cfg->mode == OS_BARE ? os_lo : mem, -1);
    if (cfg->mode == OS_BARE)
        add_hole_or_os(m, os_lo, mem, 0);
}

/* ---- segmented memory: segments, tables, holes ---------------------------- */

/* One segment (or a segment table) of a process, for sorting by address. */
typedef struct {
    uint32_t start, size;
    int pid;
    region_t region;
} seg_piece_t;

static int piece_order(const void *a, const void *b)
{
    const seg_piece_t *x = a, *y = b;
    return (x->start > y->start) - (x->start < y->start);
}

/* Each live process's segments and its segment table where they lie, the
 * holes between them, the OS below: external fragmentation to the eye. */
static void fill_segmented(model_t *m, vm_t *vm)
{
    os_t *os = vm->world->os;
    size_t n = 0, cap = 64;
    seg_piece_t *pieces = malloc(cap * sizeof *pieces);
    for (int pid = 1; pieces && pid <= os_process_count(os); pid++) {
        const process_t *p = os_process(os, pid);
        const struct proc_segs *t = p->segs;
        if (!vm_process_alive(vm, p) || !t || !t->table)
            continue;
        for (uint32_t i = 0; i <= t->nseg && pieces; i++) {
            bool table = i == t->nseg;
            if (!table && (!t->seg[i].used || !t->seg[i].resident || !t->seg[i].limit))
                continue; /* not in memory (not loaded yet, swapped out) or an empty heap: no block */
            if (n == cap && !(pieces = realloc(pieces, (cap *= 2) * sizeof *pieces)))
                break;
            pieces[n++] = table ? (seg_piece_t){t->table, t->nseg * SEG_DESC_BYTES, pid, RG_PTABLE}
                                : (seg_piece_t){t->seg[i].base, t->seg[i].limit, pid,
                                                model_region_of_kind(t->seg[i].kind)};
        }
    }
    add_hole_or_os(m, 0, os_config(os)->os_size, 0);
    uint32_t cursor = os_config(os)->os_size;
    if (pieces)
        qsort(pieces, n, sizeof *pieces, piece_order);
    for (size_t i = 0; pieces && i < n; i++) {
        add_hole_or_os(m, cursor, pieces[i].start, -1);
        add_span(m, pieces[i].start, pieces[i].size, pieces[i].pid, pieces[i].region,
                 add_block(m, pieces[i].start, pieces[i].size, pieces[i].pid));
        if (pieces[i].start + pieces[i].size > cursor)
            cursor = pieces[i].start + pieces[i].size;
    }
    add_hole_or_os(m, cursor, m->mem_size, -1);
    free(pieces);
}

/* The current process's descriptors as the hardware reads them. */
static void fill_segment_table(model_t *m, machine_t *mach)
{
    m->nseg_rows = 0;
    m->seg_offset_bits = mach->cfg.seg_offset_bits;
    if (m->mmu.mode != MMU_SEG)
        return;
    const uint32_t named = m->last.vaddr >> m->seg_offset_bits;
    for (uint32_t i = 0; i < m->mmu.stlr && m->nseg_rows < MODEL_SEG_ROWS; i++) {
        seg_desc_t d;
        if (!machine_read32(mach, m->mmu.stbr + i * SEG_DESC_BYTES, &d.base) ||
            !machine_read32(mach, m->mmu.stbr + i * SEG_DESC_BYTES + 4, &d.word1))
            break;
        if (!seg_desc_flags(d) && i != named)
            continue; /* unused */
        m->seg_rows[m->nseg_rows++] = (seg_row_t){i, d.base, seg_desc_limit(d), seg_desc_flags(d),
                                                  m->last.valid && i == named};
    }
}

/* ---- paged memory: frames ----------------------------------------------- */

region_t model_region_of_kind(region_kind_t kind)
{
    static const region_t map[REGION_KIND_COUNT] = {
        [REGION_CODE] = RG_CODE,        [REGION_DATA] = RG_DATA,       [REGION_BSS] = RG_BSS,
        [REGION_HEAP] = RG_HEAP,        [REGION_STACK] = RG_STACK,     [REGION_MAPPED_FILE] = RG_FILE,
        [REGION_LIB_CODE] = RG_LIBRARY, [REGION_LIB_DATA] = RG_LIBRARY, [REGION_SHARED_MEMORY] = RG_SHARED,
        [REGION_THREAD_STACK] = RG_STACK};
    return kind < REGION_KIND_COUNT ? map[kind] : RG_DATA;
}

/* The region of pid's virtual page vpn from its region table (os_regions). */
static region_t page_region(os_t *os, int pid, uint32_t va)
{
    int n = 0;
    const os_region_t *r = os_regions(os, pid, &n);
    for (int i = 0; i < n; i++)
        if (va >= r[i].start && va < r[i].end)
            return model_region_of_kind(r[i].kind);
    return RG_DATA;
}

/* One frame from the OS's frame table (os_frame: owners, D and A/reference
 * bits refreshed from the page tables and the MMU). */
static span_t frame_span(os_t *os, const model_t *m, uint32_t f)
{
    uint32_t page = 1u << m->geo.page_shift;
    span_t s = {.start = f * page, .size = page, .owner = -1, .region = RG_FREE};
    const os_frame_t *fr = os_frame(os, f);
    if (!fr) {
        s.owner = os_owner(os, s.start);
        s.region = s.owner == 0 ? RG_OS : RG_FREE;
        return s;
    }
    switch (fr->kind) {
    case FRAME_FREE: break;
    case FRAME_OS: s.owner = 0; s.region = RG_OS; break;
    case FRAME_PAGE_TABLE:
        s.owner = fr->mappings ? fr->owner[0].pid : os_owner(os, s.start);
        s.region = RG_PTABLE;
        break;
    case FRAME_USER:
        s.owner = fr->owner[0].pid;
        s.mapped = fr->mappings > 0;
        s.vpage = fr->owner[0].vpn;
        s.region = page_region(os, s.owner, s.vpage << m->geo.page_shift);
        s.accessed = fr->referenced;
        s.dirty = fr->dirty;
        break;
    case FRAME_KIND_COUNT: break;
    }
    return s;
}

/* The frame table does not say whose tables a page-table frame holds: walk
 * each process's tables from its ptbr (physical memory, read back). */
static void mark_tables(model_t *m, machine_t *mach, int pid, uint32_t table, uint32_t level)
{
    const paging_geometry_t *g = &m->geo;
    uint32_t first = table >> g->page_shift, last = (table + paging_table_bytes(g, level) - 1) >> g->page_shift;
    if (first >= (uint32_t)m->nspans || m->spans[first].region != RG_PTABLE)
        return;
    /* A table may span frames, and small tables of several processes may
     * share one frame: the OS's then (owner 0). */
    for (uint32_t f = first; f <= last && f < (uint32_t)m->nspans; f++) {
        span_t *s = &m->spans[f];
        if (s->region != RG_PTABLE)
            continue;
        s->shared_tables = s->table_of_pid && s->table_of_pid != pid;
        s->owner = s->shared_tables ? 0 : pid;
        s->table_of_pid = pid;
    }
    for (uint32_t i = 0; level + 1 < g->levels && i < 1u << g->index_bits[level]; i++) {
        uint32_t word = 0;
        if (machine_read32(mach, table + 4 * i, &word) && pte_valid((pte_t){word}))
            mark_tables(m, mach, pid, pte_ppn((pte_t){word}) << g->page_shift, level + 1);
    }
}

static void fill_frames(model_t *m, vm_t *vm)
{
    os_t *os = vm->world->os;
    uint32_t n = m->mem_size >> m->geo.page_shift;
    m->nspans = (int)(n < (uint32_t)m->cap ? n : (uint32_t)m->cap);
    for (int f = 0; f < m->nspans; f++)
        m->spans[f] = frame_span(os, m, (uint32_t)f);
    for (int pid = 1; pid <= os_process_count(os); pid++) {
        const process_t *p = os_process(os, pid);
        if (vm_process_alive(vm, p) && p->mmu.mode == MMU_PAGED)
            mark_tables(m, vm->world->m, pid, p->mmu.ptbr, 0);
    }
}

/* The region table of the current process (process 1 before the first
 * dispatch), row by row as os_regions and os_region_info give it. */
static void fill_regions(model_t *m, vm_t *vm)
{
    os_t *os = vm->world->os;
    m->regions_pid = m->current_pid > 0 ? m->current_pid : 1;
    int n = 0;
    const os_region_t *r = os_regions(os, m->regions_pid, &n);
    m->nregions = 0;
    for (int i = 0; r && i < n && i < OS_MAX_REGIONS; i++) {
        region_row_t *row = &m->regions[m->nregions];
        row->r = r[i];
        if (os_region_info(os, m->regions_pid, i, row->support, sizeof row->support, &row->use, &row->size))
            m->nregions++;
    }
}

/* ---- accesses ----------------------------------------------------------- */

static void note_access(model_t *m, uint32_t pa, bool write, uint64_t cycle)
{
    int i = model_span_at(m, pa);
    if (i < 0)
        return;
    span_t *s = &m->spans[i];
    if (m->mode != OS_PAGED) { /* paged: the frame table's A and D */
        s->accessed = true;
        s->dirty |= write;
    }
    if (cycle > s->last_access)
        s->last_access = cycle;
}

/* The physical address of an instruction fetch (the record has the data
 * access's only): the process's own translation. */
static uint32_t fetch_paddr(vm_t *vm, const vm_retired_t *r)
{
    uint32_t pa = r->rt.pc;
    if (os_translate(vm->world->os, r->pid, r->rt.pc, &pa))
        return pa;
    const process_t *p = os_process(vm->world->os, r->pid); /* ended: its registers remain */
    return p && p->mmu.mode == MMU_RELOC ? p->mmu.base + r->rt.pc : r->rt.pc;
}

/* A trap raised by an access (its addresses are in the trap record). */
static bool memory_trap(trap_cause_t cause)
{
    return cause == TRAP_MISALIGNED || cause == TRAP_PROTECTION || cause == TRAP_FENCE || cause == TRAP_BUS ||
           cause >= TRAP_PAGE_NOT_MAPPED;
}

static void fill_accesses(model_t *m, vm_t *vm)
{
    for (unsigned i = vm->ring_count; i-- > 0;) {
        const vm_retired_t *r = vm_retired(vm, i);
        note_access(m, fetch_paddr(vm, r), false, r->rt.cycle_end);
        if (r->rt.mem_valid && !r->rt.trapped)
            note_access(m, r->rt.mem_paddr, r->rt.mem_write, r->rt.cycle_end);
    }
}

static void copy_xlate(xlate_view_t *x, const retire_xlate_t *t)
{
    x->tlb_hit = t->tlb_hit;
    x->walk_steps = t->steps;
    memcpy(x->pte_addr, t->pte_addr, sizeof x->pte_addr);
    memcpy(x->pte, t->pte, sizeof x->pte);
}

static void fill_last_translation(model_t *m, vm_t *vm)
{
    const vm_retired_t *r = vm_retired(vm, 0);
    memset(&m->last, 0, sizeof m->last);
    if (!r)
        return;
    xlate_view_t *x = &m->last;
    x->valid = true;
    x->pc = r->rt.pc;
    x->cycle = r->rt.cycle_end;
    x->trapped = r->rt.trapped;
    x->cause = r->rt.trap.cause;
    if (r->rt.trapped && memory_trap(r->rt.trap.cause)) {
        x->access = r->rt.trap.access;
        x->vaddr = r->rt.trap.vaddr;
        x->paddr = r->rt.trap.paddr;
        copy_xlate(x, x->access == ACC_FETCH ? &r->rt.fetch_xlate : &r->rt.data_xlate);
    } else if (r->rt.mem_valid) {
        x->access = r->rt.mem_write ? ACC_STORE : ACC_LOAD;
        x->vaddr = r->rt.mem_vaddr;
        x->paddr = r->rt.mem_paddr;
        copy_xlate(x, &r->rt.data_xlate);
    } else {
        x->access = ACC_FETCH;
        x->vaddr = r->rt.pc;
        x->paddr = fetch_paddr(vm, r);
        copy_xlate(x, &r->rt.fetch_xlate);
    }
}

/* ---- page table of the current process ---------------------------------- */

/* A physical word for the walker, through the machine interface (0 where
 * there is no memory: the walker stops before reading past its end). */
static uint32_t read_phys(void *ctx, uint32_t paddr)
{
    uint32_t word = 0;
    machine_read32(ctx, paddr, &word);
    return word;
}

static void fill_page_table(model_t *m, machine_t *mach)
{
    m->npt_path = m->npt_rows = 0;
    if (m->mmu.mode != MMU_PAGED)
        return;
    const paging_geometry_t *g = &m->geo;
    uint32_t va = m->last.valid ? m->last.vaddr : m->cpu.pc;
    /* the path is the hardware walker's, as a probe (A and D left alone):
     * the PTEs it reads down to the leaf or to the first that stops it */
    walker_t walker;
    walker_init(&walker, &mach->cfg);
    const walk_io_t io = {read_phys, NULL, mach, mach->cfg.mem_size};
    walk_result_t r;
    trap_cause_t cause = mmu_walk_io(&walker, &io, m->mmu.ptbr, m->mmu.ptlr, va, ACC_LOAD, MODE_KERNEL, &r);
    (void)cause; /* faulting or not, the steps it read are the path */
    for (uint32_t i = 0; i < r.steps; i++)
        m->pt_path[m->npt_path++] = (pte_row_t){paging_index(g, va, r.level[i]), r.pte_addr[i], r.pte_read[i].v, true};
    if (r.steps < g->levels)
        return; /* stopped above the leaf table */
    const uint32_t table = r.pte_addr[g->levels - 1] - 4 * paging_index(g, va, g->levels - 1);
    /* The leaf table, a window of entries around the one looked up. */
    uint32_t leaf = g->levels - 1, entries = 1u << g->index_bits[leaf];
    uint32_t idx = paging_index(g, va, leaf), first = idx > MODEL_PT_ROWS / 2 ? idx - MODEL_PT_ROWS / 2 : 0;
    if (first + MODEL_PT_ROWS > entries)
        first = entries > MODEL_PT_ROWS ? entries - MODEL_PT_ROWS : 0;
    m->pt_table = table;
    for (uint32_t i = first; i < entries && m->npt_rows < MODEL_PT_ROWS; i++) {
        uint32_t word = 0;
        machine_read32(mach, table + 4 * i, &word);
        m->pt_rows[m->npt_rows++] = (pte_row_t){i, table + 4 * i, word, i == idx};
    }
}

/* ---- TLB ---------------------------------------------------------------- */

static void fill_tlb(model_t *m, machine_t *mach)
{
    m->ntlb = machine_tlb_read(mach, m->tlb, MODEL_TLB_MAX);
    m->tlb_ways = mach->cfg.tlb_ways ? mach->cfg.tlb_ways : 1;
    m->tlb_sets = mach->cfg.tlb_entries / m->tlb_ways;
    m->tlb_set_looked_up = m->tlb_slot_hit = -1;
    if (m->mode == OS_PAGED && m->last.valid && m->tlb_sets) {
        uint32_t vpn = m->last.vaddr >> m->geo.page_shift;
        m->tlb_set_looked_up = m->tlb_sets > 1 ? (int)(vpn % m->tlb_sets) : -1; /* fully associative: no sets */
        for (int i = 0; i < m->ntlb; i++)
            if (m->tlb[i].valid && m->tlb[i].vpn == vpn && (m->tlb[i].global || m->tlb[i].asid == m->mmu.asid))
                m->tlb_slot_hit = i;
    }
    for (int i = 0; i < m->ntlb && m->mode == OS_PAGED; i++)
        if (m->tlb[i].valid && m->tlb[i].ppn < (uint32_t)m->nspans)
            m->spans[m->tlb[i].ppn].in_tlb = true;
}

/* ---- CPU and counters --------------------------------------------------- */

/* The instruction word at the CPU's address `pc`: physical when the MMU is
 * off (bare, software relocation), else through the process's translation. */
static bool read_insn(vm_t *vm, int pid, uint32_t pc, uint32_t *word)
{
    machine_t *mach = vm->world->m;
    if (mach->mmu.mode == MMU_BARE)
        return machine_read32(mach, pc, word);
    return os_read_logical(vm->world->os, pid, pc, word, 4);
}

static void fill_cpu(model_t *m, vm_t *vm)
{
    machine_get_state(vm->world->m, &m->cpu);
    m->have_cpu = vm->world->started;
    m->ndisasm = 0;
    int pid = m->current_pid;
    uint32_t first = m->cpu.pc >= 12 ? m->cpu.pc - 12 : 0;
    for (uint32_t i = 0; i < MODEL_DISASM && pid; i++) {
        uint32_t a = first + 4 * i, word;
        if (!read_insn(vm, pid, a, &word))
            continue;
        m->disasm_addr[m->ndisasm] = a;
        disasm(word, m->disasm_text[m->ndisasm], sizeof m->disasm_text[0]);
        m->ndisasm++;
    }
}

static void count_events(model_t *m, const evlog_t *log)
{
    m->faults = m->ctx_switches = 0;
    for (size_t i = 0; i < log->count; i++) {
        ev_kind_t k = log->ev[i].kind;
        m->faults += k == EV_PAGE_FAULT || k == EV_PROC_KILL;
        m->ctx_switches += k == EV_CTX_SWITCH;
    }
}

static void fill_counters(model_t *m, vm_t *vm)
{
    const hw_counters_t *c = machine_counters(vm->world->m);
    m->cycles = machine_cycles(vm->world->m);
    m->instructions = c->instructions;
    m->tlb_hits = c->tlb_hits;
    m->tlb_misses = c->tlb_misses;
    m->walks = c->walks;
    count_events(m, &vm->world->log);
}

#define EXPLAIN_LOOKBACK 512 /* events replayed for one sentence */

void model_explain(model_t *m, const evlog_t *log, size_t last)
{
    m->explanation[0] = '\0';
    if (!log || last >= log->count)
        return;
    explain_filter_t all = {0};
    explainer_t *x = explain_create(NULL, &all);
    if (!x)
        return;
    for (size_t i = last >= EXPLAIN_LOOKBACK ? last - EXPLAIN_LOOKBACK : 0; i <= last; i++)
        explain_observe(x, &log->ev[i]);
    /* the story holding ev[last] is told once a later event completes it */
    unsigned long told = explain_count(x);
    for (size_t i = last + 1; i < log->count && i <= last + EXPLAIN_LOOKBACK && explain_count(x) == told; i++)
        explain_observe(x, &log->ev[i]);
    if (explain_count(x) == told)
        explain_flush(x); /* the end of the log: the story as far as it goes */
    snprintf(m->explanation, sizeof m->explanation, "%s", explain_last(x));
    explain_destroy(x);
}

/* Where the cycles went, as the stats say it (session_breakdown). */
static void fill_breakdown(model_t *m, vm_t *vm)
{
    cycle_breakdown_t b;
    session_breakdown(&vm->world->s, &b);
    memcpy(m->breakdown, b.part, sizeof m->breakdown);
    m->have_breakdown = true;
}

void model_from_vm(model_t *m, vm_t *vm)
{
    machine_t *mach = vm->world->m;
    m->live = true;
    m->mode = os_config(vm->world->os)->mode;
    m->mem_size = mach->cfg.mem_size;
    if (m->mode == OS_PAGED)
        paging_geometry(&mach->cfg, &m->geo);
    m->now = machine_cycles(mach);
    m->load_end = vm->load_end;
    m->flash_from = vm->records_from;
    m->status = vm_finished(vm) ? "finished" : "paused";
    m->nspans = m->nblocks = 0;
    m->mmu = mach->mmu;
    fill_processes(m, vm);
    m->nregions = 0;
    if (m->mode == OS_PAGED) {
        fill_frames(m, vm);
        fill_regions(m, vm);
    } else if (m->mode == OS_SEG)
        fill_segmented(m, vm);
    else
        fill_contiguous(m, vm);
    fill_accesses(m, vm);
    fill_last_translation(m, vm);
    fill_cpu(m, vm);
    fill_page_table(m, mach);
    fill_segment_table(m, mach);
    fill_tlb(m, mach);
    fill_counters(m, vm);
    fill_breakdown(m, vm);
    m->npolicy = m->mode == OS_PAGED ? (int)os_policy_state(vm->world->os, m->policy_rows, MODEL_POLICY_ROWS, &m->policy) : 0;
    m->events = &vm->world->log;
    model_explain(m, m->events, m->events->count ? m->events->count - 1 : 0);
    m->note[0] = '\0';
}
