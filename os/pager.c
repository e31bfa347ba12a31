/*
 * The pager: the page-fault handler, page replacement, loading and
 * prefaulting, brk, and the end of a process (see paging.h and
 * docs/paging.md; the page tables themselves are vmspace.c's).
 *
 * A fault is served as the seed's slides 48-51 say: look the address up in
 * the region table (not there, or not allowed: the process is killed); find a
 * free frame or choose a victim with the replacement policy among all user
 * frames (global) or the process's own (local); write the victim out if its
 * PTE is dirty and mark it not present, flushing its TLB entry; read the page
 * in from the backing store or the executable, or zero it; mark it present;
 * restart the instruction (the trap's PC is the faulting instruction's).
 * The handler, the write-back and the read are each charged and announced
 * (EV_FAULT_HANDLER, EV_DISK_WRITE, EV_DISK_READ), with EV_EVICT and a
 * summary EV_PAGE_FAULT spanning the whole service from trap entry.
 *
 * LRU and CLOCK learn about references from the MMU's per-frame stamps and
 * bits (machine_frame_refs), synchronised just before a victim is chosen, so
 * the OS's LRU is exact (the seed's counter implementation, slide 55).  OPT
 * reads each process's future page references, recorded by a first pass.
 */
#include <stdlib.h>
#include <string.h>

#include "mp_internal.h"
#include "os_internal.h"
#include "services.h"
#include "syscall.h"

#define POSITION_BITS 40
#define POSITION_MASK ((1ull << POSITION_BITS) - 1)

/* ---- creation -------------------------------------------------------------- */

bool pager_create(os_t *os, char *err, size_t errlen)
{
    const machine_config_t *hw = &os->m->cfg;
    pager_t *pg = calloc(1, sizeof *pg);
    if (!pg)
        goto oom;
    os->pager = pg;
    paging_geometry(hw, &pg->geo);
    pg->page_size = 1u << hw->page_shift;
    if (!frames_init(&pg->ft, hw->mem_size, hw->page_shift, os->cfg.os_size))
        goto oom;
    if (pg->ft.nframes <= pg->ft.os_frames + 2) {
        snprintf(err, errlen, "%u bytes of memory in %u-byte pages leave no frames beside the OS (%u bytes)",
                 hw->mem_size, pg->page_size, os->cfg.os_size);
        return false;
    }
    pg->repl = repl_create(os->cfg.replace, pg->ft.nframes);
    pg->synced = calloc(pg->ft.nframes, sizeof *pg->synced);
    pg->scratch_mask = calloc((pg->ft.nframes + 63) / 64 + 1, sizeof *pg->scratch_mask);
    pg->scratch_stamps = malloc(pg->ft.nframes * sizeof(*pg->scratch_stamps));
    pg->scratch_order = malloc(pg->ft.nframes * sizeof(*pg->scratch_order));
    pg->page_buf = malloc(pg->page_size);
    if (!pg->repl || !pg->synced || !pg->scratch_mask || !pg->scratch_stamps || !pg->scratch_order || !pg->page_buf ||
        !swap_init(&pg->swap, pg->page_size))
        goto oom;
    return true;
oom:
    snprintf(err, errlen, "out of host memory for the pager");
    return false;
}

static void free_vm(struct proc_vm *vm)
{
    if (!vm)
        return;
    free(vm->tables);
    if (vm->ended)
        u64map_free(&vm->final_pte);
    free(vm->recorded);
    free(vm->future);
    free(vm);
}

void pager_destroy(os_t *os)
{
    pager_t *pg = os->pager;
    if (!pg)
        return;
    for (int i = 0; i < os->nprocs; i++) {
        free_vm(os->procs[i].vm);
        os->procs[i].vm = NULL;
    }
    frames_free_all(&pg->ft);
    repl_destroy(pg->repl);
    swap_free_all(&pg->swap);
    free(pg->synced);
    free(pg->scratch_mask);
    free(pg->scratch_stamps);
    free(pg->scratch_order);
    free(pg->page_buf);
    free(pg);
    os->pager = NULL;
}

/* ---- references (LRU, CLOCK) ----------------------------------------------------- */

static int by_stamp(const void *a, const void *b)
{
    uint64_t x = ((const stamped_t *)a)->stamp, y = ((const stamped_t *)b)->stamp;
    return x < y ? -1 : x > y;
}

static bool is_user_frame(const pager_t *pg, uint32_t f) { return pg->ft.user_mask[f / 64] >> (f % 64) & 1; }

/* LRU: replay, in time order, the references the MMU stamped since the last sync. */
static void sync_lru(pager_t *pg, frame_refs_t *fr)
{
    stamped_t *seen = pg->scratch_stamps;
    size_t n = 0;
    for (uint32_t f = 0; f < pg->ft.nframes && f < fr->nframes; f++)
        if (is_user_frame(pg, f) && fr->stamp[f] > pg->synced[f])
            seen[n++] = (stamped_t){fr->stamp[f], f};
    qsort(seen, n, sizeof *seen, by_stamp);
    for (size_t i = 0; i < n; i++) {
        repl_reference(pg->repl, seen[i].frame, seen[i].stamp);
        pg->synced[seen[i].frame] = seen[i].stamp;
        pg->ft.f[seen[i].frame].last_use = seen[i].stamp;
    }
}

/* CLOCK: frames the MMU saw referenced get their bit set; the MMU's bit is cleared. */
static void sync_clock(pager_t *pg, frame_refs_t *fr)
{
    for (uint32_t f = 0; f < pg->ft.nframes && f < fr->nframes; f++)
        if (is_user_frame(pg, f) && fr->refbit[f]) {
            repl_reference(pg->repl, f, fr->stamp[f]);
            fr->refbit[f] = 0;
        }
}

static void sync_references(os_t *os)
{
    pager_t *pg = os->pager;
    frame_refs_t *fr = machine_frame_refs(os->m);
    if (!fr)
        return;
    if (repl_policy(pg->repl) == REPL_LRU)
        sync_lru(pg, fr);
    else if (repl_policy(pg->repl) == REPL_CLOCK)
        sync_clock(pg, fr);
}

/* A frame just loaded starts with no reference the replacer has not seen. */
static void forget_old_references(os_t *os, uint32_t frame)
{
    frame_refs_t *fr = machine_frame_refs(os->m);
    if (!fr || frame >= fr->nframes)
        return;
    os->pager->synced[frame] = fr->stamp[frame];
    fr->refbit[frame] = 0;
}

/* ---- OPT's oracle ------------------------------------------------------------------ */

uint64_t pager_space_instructions(os_t *os, const process_t *p)
{
    uint64_t insns = 0;
    for (int pid = os->threads_made ? 1 : p->pid; pid <= (os->threads_made ? os->nprocs : p->pid); pid++) {
        const process_t *q = os_process(os, pid);
        if (q->pid != p->pid && q->leader != p->pid)
            continue;
        insns += q->st.instructions;
        if (os->current == q->pid)
            insns += machine_counters(os->m)->instructions - q->snap.instructions;
    }
    return insns;
}

/* Where p is in its own reference string: 2 * instructions retired (by it
 * and its threads: one string per address space). */
static uint64_t position(os_t *os, const process_t *p) { return 2 * pager_space_instructions(os, p); }

/* The distance, in p's own references, to its next use of vpn (REPL_NEVER if none). */
static uint64_t next_use_distance(os_t *os, const process_t *p, uint32_t vpn)
{
    const struct proc_vm *vm = p->vm;
    if (!vm || !vm->future)
        return REPL_NEVER;
    uint64_t now = position(os, p);
    uint64_t key = (uint64_t)vpn << POSITION_BITS | now;
    size_t lo = 0, hi = vm->nfuture;
    while (lo < hi) { /* the first key >= (vpn, now) */
        size_t mid = lo + (hi - lo) / 2;
        if (vm->future[mid] < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == vm->nfuture || vm->future[lo] >> POSITION_BITS != vpn)
        return REPL_NEVER;
    return (vm->future[lo] & POSITION_MASK) - now;
}

static uint64_t opt_oracle(void *ctx, uint32_t frame, uint64_t last_use, uint64_t now)
{
    (void)last_use, (void)now;
    os_t *os = ctx;
    const os_frame_t *f = &os->pager->ft.f[frame];
    process_t *owner = os_process(os, f->owner[0].pid);
    return owner ? next_use_distance(os, owner, f->owner[0].vpn) : REPL_NEVER;
}

static int compare_keys(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

bool os_set_future(os_t *os, int pid, const page_ref_t *refs, size_t count)
{
    process_t *p = os_process(os, pid);
    if (!count && os->pager && (!p || p->leader))
        return true; /* a thread's references are recorded with its leader's */
    if (!p || !p->vm || !os->pager)
        return false;
    free(p->vm->future);
    p->vm->future = malloc((count ? count : 1) * sizeof *p->vm->future);
    if (!p->vm->future)
        return false;
    for (size_t i = 0; i < count; i++)
        p->vm->future[i] = (uint64_t)refs[i].vpn << POSITION_BITS | ((2 * refs[i].insn + refs[i].data) & POSITION_MASK);
    qsort(p->vm->future, count, sizeof *p->vm->future, compare_keys);
    p->vm->nfuture = count;
    repl_set_oracle(os->pager->repl, opt_oracle, os);
    return true;
}

const page_ref_t *os_recorded_refs(os_t *os, int pid, size_t *count)
{
    process_t *p = os_process(os, pid);
    *count = p && p->vm ? p->vm->nrecorded : 0;
    return p && p->vm ? p->vm->recorded : NULL;
}

bool os_recording_full(os_t *os)
{
    for (int pid = 1; pid <= os_process_count(os); pid++) {
        process_t *p = os_process(os, pid);
        if (p->vm && p->vm->record_full)
            return true;
    }
    return false;
}

static void record_one(struct proc_vm *vm, uint64_t insn, uint32_t vpn, bool data)
{
    if (vm->nrecorded >= OS_OPT_MAX_REFS) { /* the host's memory is not the guest's to take */
        vm->record_full = true;
        return;
    }
    if (vm->nrecorded == vm->caprecorded) {
        size_t cap = vm->caprecorded ? 2 * vm->caprecorded : 1024;
        page_ref_t *grown = realloc(vm->recorded, cap * sizeof *grown);
        if (!grown)
            return;
        vm->recorded = grown;
        vm->caprecorded = cap;
    }
    vm->recorded[vm->nrecorded++] = (page_ref_t){insn, vpn, data};
}

void pager_record(os_t *os, process_t *p, const retire_t *rt, uint64_t insn)
{
    uint32_t shift = os->pager->geo.page_shift;
    p = os_space(os, p); /* a thread's references are its address space's */
    if (!p->vm)
        return;
    record_one(p->vm, insn, rt->pc >> shift, false);
    if (rt->mem_valid)
        record_one(p->vm, insn, rt->mem_vaddr >> shift, true);
}

/* ---- frames: taking, evicting, filling ------------------------------------------------ */

/* Mark one mapping of a frame being evicted not present and flush its TLB
 * entry; was its PTE dirty? */
static bool unmap_owner(os_t *os, frame_owner_t o)
{
    process_t *victim = os_process(os, o.pid);
    uint32_t addr = victim ? vm_leaf_pte_addr(os, victim, o.vpn, false) : 0;
    pte_t pte = {addr ? vm_read_pte(os, addr) : 0};
    if (addr)
        vm_write_pte(os, addr, pte_make(0, pte_val(pte) & (PTE_RWX | PTE_U)));
    machine_tlb_flush(os->m, TLB_FLUSH_PAGE, victim ? victim->mmu.asid : 0, vm_vaddr(os->pager, o.vpn));
    if (victim)
        victim->resident--;
    return pte_dirty(pte);
}

/* Take frame's page away from every mapping of it: write it out if dirty
 * (to a shared mapping's own support, else to each owner's backing-store
 * copy), mark the PTEs not present, flush their TLB entries.  `payer` is
 * charged and counted. */
static void evict(os_t *os, process_t *payer, uint32_t frame)
{
    pager_t *pg = os->pager;
    frame_owner_t owners[OS_FRAME_MAX_OWNERS];
    uint32_t n = pg->ft.f[frame].mappings;
    memcpy(owners, pg->ft.f[frame].owner, n * sizeof *owners);
    bool dirty = false;
    for (uint32_t k = 0; k < n; k++)
        dirty |= unmap_owner(os, owners[k]);
    os_charge(os, EV_EVICT, payer->pid, 0, frame, (uint32_t)owners[0].pid, owners[0].vpn, dirty);
    if (dirty) {
        machine_phys_read(os->m, frame << pg->geo.page_shift, pg->page_buf, pg->page_size);
        for (uint32_t k = 0; k < n; k++)
            if (!services_page_out(os, owners[k].pid, vm_vaddr(pg, owners[k].vpn), pg->page_buf, pg->page_size))
                swap_put(&pg->swap, owners[k].pid, owners[k].vpn, pg->page_buf);
        os_charge(os, EV_DISK_WRITE, payer->pid, timing_disk_cycles(&os->m->cfg.timing, pg->page_size), owners[0].vpn,
                  pg->page_size, frame, 0);
        payer->st.writebacks++;
    }
    payer->st.evictions++;
    frames_set_free(&pg->ft, frame);
    repl_free(pg->repl, frame);
}

/* Candidates of local replacement: p's own frames. */
static const uint64_t *own_frames(pager_t *pg, const process_t *p)
{
    uint32_t words = (pg->ft.nframes + 63) / 64 + 1;
    memset(pg->scratch_mask, 0, words * sizeof *pg->scratch_mask);
    for (uint32_t f = 0; f < pg->ft.nframes; f++)
        for (uint32_t k = 0; pg->ft.f[f].kind == FRAME_USER && k < pg->ft.f[f].mappings; k++)
            if (pg->ft.f[f].owner[k].pid == p->pid)
                pg->scratch_mask[f / 64] |= 1ull << (f % 64);
    return pg->scratch_mask;
}

/* ---- why: the policy's reasons on the event bus (machine/events.h) ---------------------- */

static uint32_t clamp32(uint64_t v) { return v > UINT32_MAX ? UINT32_MAX : (uint32_t)v; }

/* The policy's ranking key of a page (see EV_VICTIM): from when it was
 * loaded and last used, its next use (OPT) and the hand (CLOCK).  *used
 * tells whether LRU's key is a use (an access number) rather than an age. */
static uint32_t rank_key(repl_policy_t policy, const repl_choice_t *c, uint64_t now, bool *used)
{
    *used = policy == REPL_LRU && c->used_at;
    switch (policy) {
    case REPL_LRU: return clamp32(*used ? c->used_at : now - c->loaded_at);
    case REPL_OPT: return clamp32(c->next_use);
    case REPL_CLOCK: return c->hand_from;
    default: return clamp32(now - c->loaded_at);
    }
}

uint32_t os_policy_state(os_t *os, os_policy_row_t *out, uint32_t max, repl_policy_t *policy)
{
    pager_t *pg = os->pager;
    if (!pg)
        return 0;
    *policy = repl_policy(pg->repl);
    uint32_t *order = pg->scratch_order, n = repl_order(pg->repl, order, max < pg->ft.nframes ? max : pg->ft.nframes);
    uint64_t now = machine_cycles(os->m);
    for (uint32_t i = 0; i < n; i++) {
        const os_frame_t *f = &pg->ft.f[order[i]];
        const repl_choice_t ranked = {
            .loaded_at = repl_loaded_at(pg->repl, order[i]),
            .used_at = repl_used_at(pg->repl, order[i]),
            .next_use = *policy == REPL_OPT ? repl_next_use(pg->repl, order[i], now) : 0,
            .hand_from = repl_hand(pg->repl),
        };
        bool used;
        out[i] = (os_policy_row_t){
            .frame = order[i],
            .vpn = f->mappings ? f->owner[0].vpn : 0,
            .pid = f->mappings ? f->owner[0].pid : 0,
            .key = rank_key(*policy, &ranked, now, &used),
        };
        out[i].flags = (repl_refbit(pg->repl, order[i]) ? POLICY_REFBIT : 0) | (used ? VICTIM_USED : 0) |
                       (*policy == REPL_CLOCK && repl_hand(pg->repl) == order[i] ? POLICY_HAND : 0);
    }
    return n;
}

/* --explain=state: the frames in the policy's order, before it chooses. */
static void announce_policy_state(os_t *os)
{
    uint32_t nframes = os->pager->ft.nframes;
    os_policy_row_t *row = malloc(nframes * sizeof *row);
    repl_policy_t policy;
    uint32_t n = row ? os_policy_state(os, row, nframes, &policy) : 0;
    uint64_t now = machine_cycles(os->m);
    for (uint32_t i = 0; i < n; i++)
        ev_emit(os->m->bus, EV_POLICY_STATE, row[i].pid, now, 0, row[i].frame, row[i].vpn, row[i].key, row[i].flags);
    free(row);
}

/* The choice just made and why: CLOCK's cleared bits, then EV_VICTIM. */
static void announce_victim(os_t *os, int pid, bool local)
{
    pager_t *pg = os->pager;
    const repl_choice_t *c = repl_last_choice(pg->repl);
    uint64_t now = machine_cycles(os->m);
    for (uint32_t i = 0; i < c->ncleared; i++) {
        const os_frame_t *f = &pg->ft.f[c->cleared[i]];
        ev_emit(os->m->bus, EV_REF_CLEAR, f->mappings ? f->owner[0].pid : 0, now, 0, c->cleared[i],
                f->mappings ? f->owner[0].vpn : 0, 0, 0);
    }
    bool used;
    uint32_t key = rank_key(repl_policy(pg->repl), c, now, &used);
    uint32_t policy = (uint32_t)repl_policy(pg->repl) | (local ? VICTIM_LOCAL : 0) | (used ? VICTIM_USED : 0);
    ev_emit(os->m->bus, EV_VICTIM, pid, now, 0, c->frame, policy, key, c->candidates);
}

/* Evict the victim the policy picks among `candidates`; its frame, or REPL_NONE. */
static uint32_t evict_victim(os_t *os, process_t *payer, const uint64_t *candidates)
{
    sync_references(os);
    bool telling = ev_enabled(os->m->bus);
    if (telling && os->cfg.explain_state)
        announce_policy_state(os);
    uint32_t frame = repl_victim(os->pager->repl, candidates, machine_cycles(os->m));
    if (frame != REPL_NONE && telling)
        announce_victim(os, payer->pid, candidates != os->pager->ft.user_mask);
    if (frame != REPL_NONE)
        evict(os, payer, frame);
    return frame;
}

uint32_t pager_make_room(os_t *os, process_t *p)
{
    return evict_victim(os, p, os->pager->ft.user_mask);
}

static bool local_scope(const os_t *os, const process_t *p) { return os->cfg.scope_local && p->frame_quota; }

/* May p take a free frame now, under the frame limit and its quota? */
static bool may_grow(const os_t *os, const process_t *p)
{
    const pager_t *pg = os->pager;
    return pg->ft.user_frames < pg->cap && (!local_scope(os, p) || p->resident < p->frame_quota);
}

/* A frame for a new page of p: a free one if allowed, else a victim's. */
static uint32_t take_frame(os_t *os, process_t *p)
{
    pager_t *pg = os->pager;
    if (may_grow(os, p)) {
        uint32_t frame = frames_find_free_run(&pg->ft, 1);
        if (frame != UINT32_MAX)
            return frame;
    }
    const uint64_t *candidates = local_scope(os, p) && p->resident ? own_frames(pg, p) : pg->ft.user_mask;
    return evict_victim(os, p, candidates);
}

/* Put pg->page_buf into frame as p's page vpn, unless the frame holds its
 * bytes already (holds_page), and make its PTE present.  The leaf PTE exists
 * already (every region page has one), so no table is made here: a new table
 * could otherwise take the very frame being filled. */
static bool map_page(os_t *os, process_t *p, uint32_t vpn, uint32_t frame, bool holds_page)
{
    pager_t *pg = os->pager;
    uint32_t addr = vm_leaf_pte_addr(os, p, vpn, false);
    if (!addr)
        return false;
    if (!holds_page)
        machine_phys_write(os->m, frame << pg->geo.page_shift, pg->page_buf, pg->page_size);
    uint32_t perm = regions_perm(p, vpn, pg->geo.page_shift);
    vm_write_pte(os, addr, pte_make(frame, perm | PTE_U | PTE_V));
    frames_set_user(&pg->ft, frame, p->pid, vpn, machine_cycles(os->m));
    repl_load(pg->repl, frame, machine_cycles(os->m));
    forget_old_references(os, frame);
    p->resident++;
    return true;
}

/* Bring p's page vpn into a frame, charging the disk read if it needs one.
 * Returns the frame or REPL_NONE; *major tells whether it read the disk. */
static uint32_t bring_in(os_t *os, process_t *p, uint32_t vpn, uint32_t frame, bool *major)
{
    pager_t *pg = os->pager;
    bool zeroed = frames_untouched(&pg->ft, frame);
    page_source_t source = vm_page_contents(pg, p, vpn, pg->page_buf, !zeroed);
    *major = source != PAGE_FROM_ZEROS;
    if (*major)
        os_charge(os, EV_DISK_READ, p->pid, timing_disk_cycles(&os->m->cfg.timing, pg->page_size), vpn,
                  pg->page_size, frame, source);
    return map_page(os, p, vpn, frame, zeroed && !*major) ? frame : REPL_NONE;
}

/* ---- loading -------------------------------------------------------------------------- */

static uint32_t user_frames_left(const frames_t *ft)
{
    uint32_t taken = ft->os_frames + ft->table_frames;
    return ft->nframes > taken ? ft->nframes - taken : 0;
}

/* Where the frames went, for a load that found too few: with 16 MiB pages
 * in 64 MiB, the OS and the page tables leave too little for user pages. */
static void describe_frame_budget(const frames_t *ft, char *out, size_t outlen)
{
    uint32_t beside_os = ft->nframes > ft->os_frames ? ft->nframes - ft->os_frames : 0;
    if (outlen)
        snprintf(out, outlen, ": memory holds %u frames of %u KiB; the OS takes %u, page tables may use at most "
                 "half of the other %u (%u now), so too few frames are left for user pages (try a smaller "
                 "--page-size or a larger --mem)",
                 ft->nframes, (1u << ft->page_shift) >> 10, ft->os_frames, beside_os, ft->table_frames);
}

bool pager_load(os_t *os, process_t *p, const exe_t *exe, char *err, size_t errlen)
{
    pager_t *pg = os->pager;
    if (!(p->vm = calloc(1, sizeof *p->vm))) {
        snprintf(err, errlen, "out of host memory");
        return false;
    }
    if (!regions_build(p, exe, &pg->geo, os->cfg.stack_size, err, errlen))
        return false;
    uint32_t root = vm_new_table(os, p, 0);
    if (!root) {
        int n = snprintf(err, errlen, "no room for a %u-byte page table in physical memory (try more --levels or "
                         "fewer --va-bits)", paging_table_bytes(&pg->geo, 0));
        describe_frame_budget(&pg->ft, err + n, errlen > (size_t)n ? errlen - (size_t)n : 0);
        return false;
    }
    uint32_t asid_mask = (1u << os->m->cfg.asid_bits) - 1;
    p->mmu = (mmu_regs_t){.mode = MMU_PAGED, .ptbr = root, .asid = (uint32_t)p->pid & asid_mask};
    if (pg->geo.levels == 1)
        p->mmu.ptlr = 1u << pg->geo.index_bits[0];
    bool ok = true;
    uint64_t ptes = 0;
    for (int i = 0; i < p->nregions && ok; i++)
        ptes += vm_map_absent(os, p, p->regions[i].start, p->regions[i].end, &ok);
    if (!ok || user_frames_left(&pg->ft) == 0) {
        int n = snprintf(err, errlen, ok ? "no frame is left for user pages" : "no room for the page tables in physical memory");
        describe_frame_budget(&pg->ft, err + n, errlen > (size_t)n ? errlen - (size_t)n : 0);
        return false;
    }
    os_charge(os, EV_LOAD, p->pid, ptes * os->m->cfg.timing.load_word_cycles, root, 0, (uint32_t)ptes, 0);
    memset(&p->cpu, 0, sizeof p->cpu);
    p->cpu.pc = exe->entry;
    p->cpu.r[ISA_REG_SP] = p->stack_top;
    p->cpu.priv = MODE_USER;
    p->base = root;
    p->size = 0;
    for (int i = 0; i < p->nregions; i++)
        p->size += p->regions[i].end - p->regions[i].start;
    return true;
}

/* A process's share of the frames: 1 each (equal), its image's bytes
 * (proportional), or its priority (at least 1, sim/options.c checks). */
static uint64_t quota_weight(const os_t *os, const process_t *p)
{
    if (os->cfg.alloc_priority) {
        int prio = mp_priority(os, p->leader ? p->leader : p->pid);
        return prio > 0 ? (uint64_t)prio : 1;
    }
    return os->cfg.alloc_proportional ? (uint64_t)p->image_end + 1 : 1;
}

/* Frames for processes under local scope (the seed's slide 57). */
static void set_quotas(os_t *os, uint32_t total)
{
    os->pager->quota_frames = total;
    uint64_t weight_sum = 0;
    for (int i = 0; i < os->nprocs; i++)
        weight_sum += quota_weight(os, &os->procs[i]);
    for (int i = 0; i < os->nprocs; i++) {
        uint64_t quota = weight_sum ? total * quota_weight(os, &os->procs[i]) / weight_sum : total;
        os->procs[i].frame_quota = quota < 2 ? 2 : (uint32_t)quota; /* an instruction may need two pages */
    }
}

/* Load p's pages while frames are free and allowed; the cycles charged. */
static uint64_t prefault_process(os_t *os, process_t *p)
{
    pager_t *pg = os->pager;
    uint64_t t0 = machine_cycles(os->m);
    for (int i = 0; i < p->nregions; i++)
        for (uint64_t va = p->regions[i].start; va < p->regions[i].end; va += pg->page_size) {
            uint32_t vpn = (uint32_t)(va >> pg->geo.page_shift);
            uint32_t addr = vm_leaf_pte_addr(os, p, vpn, false);
            if (!addr || pte_valid((pte_t){vm_read_pte(os, addr)}))
                continue; /* a page two regions share is loaded once */
            uint32_t frame = may_grow(os, p) ? frames_find_free_run(&pg->ft, 1) : UINT32_MAX;
            bool major;
            if (frame == UINT32_MAX || bring_in(os, p, vpn, frame, &major) == REPL_NONE)
                return machine_cycles(os->m) - t0;
        }
    return machine_cycles(os->m) - t0;
}

void os_print_frame_quotas(os_t *os, FILE *out)
{
    const os_config_t *c = &os->cfg;
    if (!os->pager || !os->pager->started || !(c->scope_local || c->alloc_priority || c->alloc_proportional))
        return;
    fprintf(out, "mmulab: frame quotas (--alloc %s of %u frames, %s):",
            c->alloc_priority ? "priority" : c->alloc_proportional ? "proportional" : "equal", os->pager->quota_frames,
            c->scope_local ? "local scope" : "global scope, so not enforced: --scope local enforces them");
    for (int i = 0; i < os->nprocs; i++) {
        const process_t *p = &os->procs[i];
        fprintf(out, "%s process %d (%s) ", i ? ";" : "", p->pid, p->name);
        if (c->alloc_priority)
            fprintf(out, "priority %d: ", mp_priority(os, p->pid));
        fprintf(out, "%u", p->frame_quota);
    }
    fprintf(out, "\n");
}

void pager_start(os_t *os)
{
    pager_t *pg = os->pager;
    if (pg->started)
        return;
    pg->started = true;
    uint32_t free_frames = 0;
    for (uint32_t f = 0; f < pg->ft.nframes; f++)
        free_frames += pg->ft.f[f].kind == FRAME_FREE;
    pg->cap = os->cfg.frames ? os->cfg.frames : pg->ft.nframes;
    set_quotas(os, os->cfg.frames && os->cfg.frames < free_frames ? os->cfg.frames : free_frames);
    uint32_t asid_bits = os->m->cfg.asid_bits;
    pg->flush_on_switch = asid_bits == 0 || (uint64_t)os->nprocs > (1ull << asid_bits);
    if (!os->cfg.prefault)
        return;
    for (int i = 0; i < os->nprocs; i++) {
        uint64_t spent = prefault_process(os, &os->procs[i]);
        os->procs[i].st.load_cycles += spent;
        os->procs[i].st.cycles += spent;
    }
}

void pager_switch(os_t *os, process_t *next)
{
    (void)next;
    if (os->pager->flush_on_switch)
        machine_tlb_flush(os->m, TLB_FLUSH_ALL, 0, 0);
}

/* ---- the page-fault handler ------------------------------------------------------------ */

/* Is vpn p's page, or can the stack grow to it?  Its permissions, or 0. */
static uint32_t page_permissions(os_t *os, process_t *p, const trap_t *t, uint32_t vpn)
{
    uint32_t shift = os->pager->geo.page_shift;
    uint32_t perm = regions_perm(p, vpn, shift);
    if (!perm && t->cause == TRAP_PAGE_NOT_MAPPED && regions_grow_stack(p, vpn, shift)) {
        if (!vm_set_leaf(os, p, vpn, vm_absent_pte(os, p, vpn)))
            return 0;
        perm = regions_perm(p, vpn, shift);
    }
    return perm;
}

static void count_fault(os_t *os, process_t *p, const trap_t *t, uint32_t vpn, uint32_t frame, bool major,
                        uint64_t began)
{
    uint64_t spent = machine_cycles(os->m) - began;
    p->st.page_faults++;
    p->st.major_faults += major;
    p->st.minor_faults += !major;
    p->st.fault_cycles += spent;
    os_note(os, EV_PAGE_FAULT, p->pid, began, spent, t->vaddr, vpn, frame, major);
}

static bool cow_fault(os_t *os, process_t *p, trap_t *t);

/* Does q hold page vpn of the same program as p's pure code, in a frame whose
 * bytes are the ones p would read from its executable?  Its frame, or
 * REPL_NONE.  Slides 16 and 36: processes running one program share its code. */
static uint32_t same_program_code_frame(os_t *os, process_t *p, process_t *q, uint32_t vpn, uint8_t *scratch)
{
    pager_t *pg = os->pager;
    uint32_t shift = pg->geo.page_shift, addr;
    if (q == p || os_space(os, q) != q || q->state != PROC_READY || !q->vm || strcmp(q->name, p->name) ||
        regions_perm(q, vpn, shift) != regions_perm(p, vpn, shift) || !(addr = vm_leaf_pte_addr(os, q, vpn, false)))
        return REPL_NONE;
    pte_t pte = {vm_read_pte(os, addr)};
    if (!pte_valid(pte) || !machine_phys_read(os->m, pte_ppn(pte) << shift, scratch, pg->page_size) ||
        memcmp(scratch, pg->page_buf, pg->page_size))
        return REPL_NONE;
    return pte_ppn(pte);
}

/* A frame another process holds p's page vpn in, when the page is code of the
 * same program (read and execute only, in both); REPL_NONE if none. */
static uint32_t program_code_frame(os_t *os, process_t *p, uint32_t vpn)
{
    pager_t *pg = os->pager;
    uint32_t perm = regions_perm(p, vpn, pg->geo.page_shift), frame = REPL_NONE;
    if ((perm & PTE_W) || !(perm & PTE_X) || !vm_page_contents(pg, p, vpn, pg->page_buf, true))
        return REPL_NONE;
    uint8_t *scratch = malloc(pg->page_size);
    for (int i = 0; scratch && frame == REPL_NONE && i < os->nprocs; i++)
        frame = same_program_code_frame(os, p, &os->procs[i], vpn, scratch);
    free(scratch);
    return frame;
}

/* Map the frame another process holds page vpn in: shared memory, a shared
 * file, library code, or the code of the same program. */
static bool map_shared_frame(os_t *os, process_t *p, uint32_t vpn)
{
    pager_t *pg = os->pager;
    uint32_t frame, addr;
    if (!services_shared_frame(os, p, vm_vaddr(pg, vpn), &frame) &&
        (frame = program_code_frame(os, p, vpn)) == REPL_NONE)
        return false;
    if (!(addr = vm_leaf_pte_addr(os, p, vpn, true)) || !frames_add_owner(&pg->ft, frame, p->pid, vpn))
        return false;
    vm_write_pte(os, addr, pte_make(frame, regions_perm(p, vpn, pg->geo.page_shift) | PTE_U | PTE_V));
    p->resident++;
    p->st.shared_maps++;
    return true;
}

trap_cause_t pager_fault_verdict(os_t *os, process_t *p, const trap_t *t)
{
    pager_t *pg = os->pager;
    uint32_t shift = pg->geo.page_shift, vpn = t->vaddr >> shift;
    if (pg->geo.va_bits < 32 && t->vaddr >> pg->geo.va_bits)
        return t->cause;
    uint32_t perm = regions_perm(p, vpn, shift);
    if (t->cause == TRAP_PAGE_WRITE) { /* copy-on-write: a present page of a writable region */
        uint32_t addr = vm_leaf_pte_addr(os, p, vpn, false);
        return (perm & PTE_W) && addr && pte_valid((pte_t){vm_read_pte(os, addr)}) ? TRAP_NONE : t->cause;
    }
    const os_region_t *stack = perm || t->cause != TRAP_PAGE_NOT_MAPPED ? NULL : regions_stack_growth(p, vpn, shift);
    if (stack)
        perm = stack->perm;
    if (!perm)
        return t->cause; /* not in any region: the seed's "invalid reference => abort" */
    return pte_access_fault((uint8_t)(perm | PTE_U | PTE_V), t->access, MODE_USER);
}

bool pager_fault(os_t *os, process_t *p, trap_t *t)
{
    pager_t *pg = os->pager;
    trap_cause_t verdict = pager_fault_verdict(os, p, t);
    if (verdict != TRAP_NONE) {
        t->cause = verdict;
        return false;
    }
    if (t->cause == TRAP_PAGE_WRITE)
        return cow_fault(os, p, t);
    uint32_t vpn = t->vaddr >> pg->geo.page_shift;
    if (!page_permissions(os, p, t, vpn))
        return false;
    uint64_t began = machine_cycles(os->m) - os->m->cfg.timing.trap_cycles;
    os_charge(os, EV_FAULT_HANDLER, p->pid, os->m->cfg.timing.fault_handler_cycles, t->vaddr, 0, 0, 0);
    if (map_shared_frame(os, p, vpn)) { /* shared memory, library or program code another process holds */
        count_fault(os, p, t, vpn, 0, false, began);
        return true;
    }
    uint32_t frame = take_frame(os, p);
    bool major = false;
    if (frame == REPL_NONE || bring_in(os, p, vpn, frame, &major) == REPL_NONE)
        return false;
    count_fault(os, p, t, vpn, frame, major, began);
    return true;
}

/* ---- ending, brk ---------------------------------------------------------------------- */

/* Free page vpn of p, whose leaf PTE is pte at addr (0: none): its frame,
 * its PTE (clear_pte), its backing-store copy (drop_copy). */
static void drop_page_at(os_t *os, process_t *p, uint32_t vpn, uint32_t addr, pte_t pte, bool clear_pte,
                         bool drop_copy)
{
    pager_t *pg = os->pager;
    if (pte_valid(pte)) {
        if (pte_dirty(pte) && services_shared_page(p, vm_vaddr(pg, vpn)) &&
            machine_phys_read(os->m, pte_ppn(pte) << pg->geo.page_shift, pg->page_buf, pg->page_size))
            services_page_out(os, p->pid, vm_vaddr(pg, vpn), pg->page_buf, pg->page_size); /* to its support */
        if (frames_remove_owner(&pg->ft, pte_ppn(pte), p->pid, vpn) == 0) { /* its last mapping */
            frames_set_free(&pg->ft, pte_ppn(pte));
            repl_free(pg->repl, pte_ppn(pte));
        }
        p->resident--;
        machine_tlb_flush(os->m, TLB_FLUSH_PAGE, p->mmu.asid, vm_vaddr(pg, vpn));
    }
    if (addr && clear_pte)
        vm_write_pte(os, addr, pte_make(0, 0));
    if (drop_copy)
        swap_drop(&pg->swap, p->pid, vpn);
}

static void drop_page(os_t *os, process_t *p, uint32_t vpn, bool clear_pte, bool drop_copy)
{
    uint32_t addr = vm_leaf_pte_addr(os, p, vpn, false);
    drop_page_at(os, p, vpn, addr, (pte_t){addr ? vm_read_pte(os, addr) : 0}, clear_pte, drop_copy);
}

/* Keep what page vpn of an ending process holds, at no modeled cost: its
 * final PTE (pte), and its bytes in the backing store if it is resident. */
static void keep_final_page(os_t *os, process_t *p, uint32_t vpn, pte_t pte)
{
    pager_t *pg = os->pager;
    u64map_put(&p->vm->final_pte, vpn, pte_val(pte));
    uint8_t *copy = pte_valid(pte) ? swap_slot(&pg->swap, p->pid, vpn) : NULL;
    if (copy && !machine_phys_read(os->m, pte_ppn(pte) << pg->geo.page_shift, copy, pg->page_size))
        swap_drop(&pg->swap, p->pid, vpn);
}

void pager_release(os_t *os, process_t *p)
{
    pager_t *pg = os->pager;
    if (!p->vm || !p->mmu.ptbr)
        return;
    uint32_t shift = pg->geo.page_shift;
    p->vm->ended = u64map_init(&p->vm->final_pte, 64);
    for (int i = 0; i < p->nregions; i++)
        for (uint64_t va = p->regions[i].start; va < p->regions[i].end; va += pg->page_size) {
            uint32_t vpn = (uint32_t)(va >> shift), addr = vm_leaf_pte_addr(os, p, vpn, false);
            pte_t pte = {addr ? vm_read_pte(os, addr) : 0};
            if (p->vm->ended)
                keep_final_page(os, p, vpn, pte);
            drop_page_at(os, p, vpn, addr, pte, false, !p->vm->ended);
        }
    for (int i = 0; i < p->vm->ntables; i++)
        frames_table_free(&pg->ft, p->vm->tables[i].paddr, p->vm->tables[i].bytes);
    p->vm->ntables = 0;
    p->mmu.ptbr = 0;
}

uint32_t pager_brk(os_t *os, process_t *p, uint32_t new_break)
{
    pager_t *pg = os->pager;
    os_region_t *heap = regions_find(p, REGION_HEAP), *stack = regions_find(p, REGION_STACK);
    if (!new_break || !heap)
        return p->brk;
    uint64_t new_end = ((uint64_t)new_break + pg->page_size - 1) >> pg->geo.page_shift << pg->geo.page_shift;
    if (new_break < heap->start || (stack && new_end >= stack->start) ||
        regions_stack_in(p, heap->start, new_end + pg->page_size))
        return (uint32_t)-E_NOMEM; /* below the heap, or no hole page left before a stack */
    if (new_end < heap->end)
        pager_unmap_range(os, p, (uint32_t)new_end, heap->end);
    uint32_t old_end = heap->end;
    heap->end = (uint32_t)new_end;
    bool ok = new_end <= old_end || pager_map_range(os, p, old_end, (uint32_t)new_end);
    if (!ok) {
        heap->end = old_end;
        return (uint32_t)-E_NOMEM;
    }
    p->brk = new_break;
    return new_break;
}

int pager_owner(os_t *os, uint32_t pa)
{
    const frames_t *ft = &os->pager->ft;
    uint32_t frame = pa >> ft->page_shift;
    if (frame >= ft->nframes)
        return -1;
    switch (ft->f[frame].kind) {
    case FRAME_USER: return ft->f[frame].owner[0].pid;
    case FRAME_FREE: return -1;
    default: return 0;
    }
}

/* ---- ranges for the services (os/sys_mmap.c, os/dynlib.c) ------------------------------ */

/* The OS's work on a range's page tables is a PTE written per page, charged
 * like the loader's (load_word_cycles each): a call naming a huge range takes
 * guest time in step with the host work it causes, so the cycle limit bounds
 * both (fuzz_syscall found brk to 1.6 GiB, repeated by threads, running for
 * seconds within the budget).  No event: the call's own EV_SYSCALL stands. */
static void charge_ptes(os_t *os, uint64_t ptes) { machine_charge(os->m, ptes * os->m->cfg.timing.load_word_cycles); }

bool pager_map_range(os_t *os, process_t *p, uint32_t start, uint32_t end)
{
    bool ok = true;
    charge_ptes(os, vm_map_absent(os, p, start, end, &ok));
    return ok;
}

void pager_unmap_range(os_t *os, process_t *p, uint32_t start, uint32_t end)
{
    uint64_t pages = 0;
    for (uint64_t va = start; va < end; va += os->pager->page_size, pages++)
        drop_page(os, p, (uint32_t)(va >> os->pager->geo.page_shift), true, true);
    charge_ptes(os, pages);
}

bool pager_page_modified(os_t *os, process_t *p, uint32_t vaddr)
{
    uint32_t vpn = vaddr >> os->pager->geo.page_shift, addr = p->mmu.ptbr ? vm_leaf_pte_addr(os, p, vpn, false) : 0;
    pte_t pte = {addr ? vm_read_pte(os, addr) : 0};
    return pte_valid(pte) ? pte_dirty(pte) : swap_get(&os->pager->swap, p->pid, vpn) != NULL;
}

/* ---- sharing: fork's copy-on-write ------------------------------------------------------ */

/* The child's page vpn as the parent has it: a resident page's frame gets the
 * child as one more mapping, write-protected in both (copy-on-write) unless
 * a shared mapping supports it; a backing-store copy is copied; anything
 * else the child loads on demand as the parent would. */
static bool fork_page(os_t *os, process_t *parent, process_t *child, uint32_t vpn)
{
    pager_t *pg = os->pager;
    uint32_t caddr = vm_leaf_pte_addr(os, child, vpn, true); /* tables first: making them may evict */
    if (!caddr)
        return false;
    if (pte_val((pte_t){vm_read_pte(os, caddr)}))
        return true; /* a page two regions share: done already */
    const uint8_t *copy = swap_get(&pg->swap, parent->pid, vpn);
    if (copy) {
        memcpy(pg->page_buf, copy, pg->page_size);
        swap_put(&pg->swap, child->pid, vpn, pg->page_buf);
    }
    uint32_t paddr = vm_leaf_pte_addr(os, parent, vpn, false);
    pte_t pte = {paddr ? vm_read_pte(os, paddr) : 0};
    if (pte_valid(pte) && !frames_add_owner(&pg->ft, pte_ppn(pte), child->pid, vpn)) {
        machine_phys_read(os->m, pte_ppn(pte) << pg->geo.page_shift, pg->page_buf, pg->page_size);
        swap_put(&pg->swap, child->pid, vpn, pg->page_buf); /* owner list full: the child gets a copy */
        pte = pte_mknotpresent(pte);
    }
    if (!pte_valid(pte)) {
        vm_write_pte(os, caddr, vm_absent_pte(os, child, vpn));
        return true;
    }
    if (!services_shared_page(parent, vm_vaddr(pg, vpn)))
        pte = pte_wrprotect(pte);
    vm_write_pte(os, paddr, pte);
    vm_write_pte(os, caddr, pte);
    child->resident++;
    child->st.shared_maps++;
    return true;
}

bool pager_fork(os_t *os, process_t *parent, process_t *child)
{
    pager_t *pg = os->pager;
    if (!(child->vm = calloc(1, sizeof *child->vm)))
        return false;
    uint32_t root = vm_new_table(os, child, 0);
    if (!root)
        return false;
    child->mmu.ptbr = root;
    child->mmu.asid = (uint32_t)child->pid & ((1u << os->m->cfg.asid_bits) - 1);
    child->resident = 0;
    bool ok = true;
    for (int i = 0; i < child->nregions && ok; i++)
        for (uint64_t va = child->regions[i].start; va < child->regions[i].end && ok; va += pg->page_size)
            ok = fork_page(os, parent, child, (uint32_t)(va >> pg->geo.page_shift));
    machine_tlb_flush(os->m, TLB_FLUSH_ALL, 0, 0); /* the parent's pages lost W */
    pg->flush_on_switch |= (uint64_t)os->nprocs > (1ull << os->m->cfg.asid_bits);
    return ok;
}

/* A write to a present, write-protected page of a writable region: copy the
 * page if other mappings share the frame, else just give W back. */
static bool cow_fault(os_t *os, process_t *p, trap_t *t)
{
    pager_t *pg = os->pager;
    uint32_t vpn = t->vaddr >> pg->geo.page_shift, perm = regions_perm(p, vpn, pg->geo.page_shift);
    uint32_t addr = vm_leaf_pte_addr(os, p, vpn, false);
    pte_t pte = {addr ? vm_read_pte(os, addr) : 0};
    if (!(perm & PTE_W) || !pte_valid(pte))
        return false;
    uint64_t began = machine_cycles(os->m) - os->m->cfg.timing.trap_cycles;
    os_charge(os, EV_FAULT_HANDLER, p->pid, os->m->cfg.timing.fault_handler_cycles, t->vaddr, 0, 0, 0);
    uint32_t frame = pte_ppn(pte), shared_frame = frame;
    if (pg->ft.f[frame].mappings > 1) {
        uint8_t *bytes = malloc(pg->page_size);
        if (!bytes)
            return false;
        machine_phys_read(os->m, frame << pg->geo.page_shift, bytes, pg->page_size);
        uint32_t fresh = take_frame(os, p);
        pte = (pte_t){vm_read_pte(os, addr)}; /* taking a frame may have evicted this one */
        if (pte_valid(pte) && frames_remove_owner(&pg->ft, pte_ppn(pte), p->pid, vpn) == 0) {
            frames_set_free(&pg->ft, pte_ppn(pte));
            repl_free(pg->repl, pte_ppn(pte));
        }
        if (pte_valid(pte))
            p->resident--;
        memcpy(pg->page_buf, bytes, pg->page_size);
        free(bytes);
        if (fresh == REPL_NONE || !map_page(os, p, vpn, fresh, false))
            return false;
        frame = fresh;
        p->st.cow_copies++;
    } else {
        vm_write_pte(os, addr, pte_mkwrite(pte));
    }
    machine_tlb_flush(os->m, TLB_FLUSH_PAGE, p->mmu.asid, vm_vaddr(pg, vpn));
    ev_emit(os->m->bus, EV_COW_BREAK, p->pid, machine_cycles(os->m), 0, vpn, shared_frame, frame, frame != shared_frame);
    count_fault(os, p, t, vpn, frame, false, began);
    return true;
}

uint32_t pager_frames_saved(os_t *os, uint32_t *peak)
{
    *peak = os->pager->ft.peak_saved;
    return os->pager->ft.saved;
}

/* ---- read-only views ------------------------------------------------------------------- */

uint32_t os_frame_count(os_t *os) { return os->pager ? os->pager->ft.nframes : 0; }

const os_frame_t *os_frame(os_t *os, uint32_t frame)
{
    if (!os->pager || frame >= os->pager->ft.nframes)
        return NULL;
    os_frame_t *f = &os->pager->ft.f[frame];
    process_t *owner = f->kind == FRAME_USER ? os_process(os, f->owner[0].pid) : NULL;
    if (owner) {
        uint32_t addr = vm_leaf_pte_addr(os, owner, f->owner[0].vpn, false);
        pte_t pte = {addr ? vm_read_pte(os, addr) : 0};
        frame_refs_t *fr = machine_frame_refs(os->m);
        f->dirty = pte_dirty(pte);
        f->referenced = pte_young(pte) || (fr && frame < fr->nframes && fr->refbit[frame]);
        if (fr && frame < fr->nframes && fr->stamp[frame] > f->last_use)
            f->last_use = fr->stamp[frame];
    }
    return f;
}

const os_region_t *os_regions(os_t *os, int pid, int *count)
{
    process_t *p = os_space(os, os_process(os, pid)); /* a thread has its leader's */
    *count = p ? p->nregions : 0;
    return p ? p->regions : NULL;
}
