/*
 * The loaders, one per memory-management scheme of the seed:
 *
 *  - bare: monoprogramming.  The program goes at 0, the OS sits at the top of
 *    memory, a fence register stops user accesses into the OS.
 *  - software relocation: the loader copies the program to its partition and
 *    adds the base to every field the relocation table names; the CPU then
 *    runs with translation off, so nothing protects other memory.
 *  - hardware relocation: the program is copied unmodified; the MMU's base
 *    register relocates and its limit register protects every access.
 *  - paging: the pager builds the region table and page tables with every
 *    page not present; pages come in on demand (os/pager.c).
 *
 * Copying costs load_word_cycles per word and patching reloc_patch_cycles
 * per relocation (docs/timing.md), charged to the clock and reported as
 * events, so the schemes can be compared in cycles.
 */
#include <stdlib.h>
#include <string.h>

#include "mp_internal.h"
#include "overlay.h"

static uint32_t align_up(uint32_t v, uint32_t a)
{
    return (uint32_t)(((uint64_t)v + a - 1) / a * a);
}

/* Bytes of memory a program needs: its image, then its stack. */
static uint32_t partition_size(const os_t *os, const exe_t *exe, uint32_t *image_end)
{
    uint32_t lo, hi;
    exe_extent(exe, &lo, &hi);
    *image_end = hi;
    hi = overlay_resident_end(exe, hi); /* overlay phases stay on disk */
    return align_up(align_up(hi, 16) + os->cfg.stack_size, 16);
}

/* Where the process goes in physical memory; UINT32_MAX with err if nowhere. */
static uint32_t place(os_t *os, uint32_t size, int pid, char *err, size_t errlen)
{
    const machine_config_t *hw = &os->m->cfg;
    if (os->cfg.mode == OS_BARE) {
        uint32_t fence = hw->mem_size - os->cfg.os_size;
        if (pid != 1) {
            snprintf(err, errlen, "bare mode is monoprogrammed: one program at a time");
            return UINT32_MAX;
        }
        if (size > fence) {
            snprintf(err, errlen, "program needs %u bytes; only %u below the OS", size, fence);
            return UINT32_MAX;
        }
        return 0;
    }
    if (pid == 1 && os->cfg.base_given) {
        if (partitions_alloc_at(&os->parts, os->cfg.base, size, pid))
            return os->cfg.base;
        snprintf(err, errlen, "--base 0x%x: %u bytes do not fit there (memory 0x%x..0x%x is for processes)",
                 os->cfg.base, size, os->parts.start, os->parts.end);
        return UINT32_MAX;
    }
    uint32_t base = partitions_alloc(&os->parts, size, pid);
    if (base == UINT32_MAX) /* compaction, swapping (os/rollout.c) */
        base = os_make_room(os, size, pid, err, errlen);
    return base;
}

/* Bytes of section s below the overlay phases (all of it without overlays). */
static uint32_t loaded_bytes(const exe_t *exe, const exe_section_t *s)
{
    uint32_t lo, hi;
    exe_extent(exe, &lo, &hi);
    uint32_t end = overlay_resident_end(exe, hi);
    if (s->addr >= end)
        return 0;
    return end - s->addr < s->size ? end - s->addr : s->size;
}

/* Copy the sections into memory at base (zero-filling the partition). */
static uint64_t copy_image(os_t *os, const exe_t *exe, uint32_t base, uint32_t size)
{
    uint8_t *zeros = calloc(1, size);
    if (zeros) {
        machine_phys_write(os->m, base, zeros, size);
        free(zeros);
    }
    uint64_t words = 0;
    for (int i = 0; i < exe->nsections; i++) {
        const exe_section_t *s = &exe->sections[i];
        uint32_t bytes = loaded_bytes(exe, s);
        if (s->nobits || !bytes)
            continue;
        machine_phys_write(os->m, base + s->addr, s->data, bytes);
        words += (bytes + 3) / 4;
    }
    return words;
}

/* Software relocation: add base to every relocated field. */
static bool patch_relocations(os_t *os, const exe_t *exe, uint32_t base, char *err, size_t errlen)
{
    for (int i = 0; i < exe->nrelocs; i++) {
        const exe_reloc_t *r = &exe->relocs[i];
        uint8_t field[4];
        if (r->offset >= overlay_resident_end(exe, UINT32_MAX))
            continue; /* in an overlay phase: patched when it is loaded */
        if (!machine_phys_read(os->m, base + r->offset, field, 4))
            goto bad;
        if (!reloc_apply(field, r->type, r->value + base)) {
            snprintf(err, errlen,
                     "relocation at 0x%x: address 0x%x does not fit its field when loaded at 0x%x",
                     r->offset, r->value + base, base);
            return false;
        }
        if (!machine_phys_write(os->m, base + r->offset, field, 4))
            goto bad;
    }
    return true;
bad:
    snprintf(err, errlen, "relocation outside memory");
    return false;
}

process_t *new_process(os_t *os, const char *name)
{
    if (os->nprocs >= OS_MAX_PROCESSES)
        return NULL;
    if (os->nprocs == os->cap) {
        int cap = os->cap ? 2 * os->cap : 8;
        process_t *grown = realloc(os->procs, (size_t)cap * sizeof *grown);
        if (!grown)
            return NULL;
        os->procs = grown;
        os->cap = cap;
    }
    process_t *p = &os->procs[os->nprocs++];
    memset(p, 0, sizeof *p);
    p->pid = os->nprocs;
    snprintf(p->name, sizeof p->name, "%s", name);
    p->state = PROC_READY;
    return p;
}

/* Deep copy so the process keeps its relocations and symbols. */
bool exe_clone(exe_t *dst, const exe_t *src)
{
    *dst = *src;
    dst->relocs = NULL;
    dst->symbols = NULL;
    for (int i = 0; i < src->nsections; i++)
        dst->sections[i].data = NULL;
    bool ok = true;
    for (int i = 0; i < src->nsections && ok; i++)
        if (src->sections[i].data) {
            dst->sections[i].data = malloc(src->sections[i].size ? src->sections[i].size : 1);
            ok = dst->sections[i].data != NULL;
            if (ok)
                memcpy(dst->sections[i].data, src->sections[i].data, src->sections[i].size);
        }
    if (ok && src->nrelocs) {
        dst->relocs = malloc((size_t)src->nrelocs * sizeof *dst->relocs);
        ok = dst->relocs != NULL;
        if (ok)
            memcpy(dst->relocs, src->relocs, (size_t)src->nrelocs * sizeof *dst->relocs);
    }
    if (ok && src->nsymbols) {
        dst->symbols = calloc((size_t)src->nsymbols, sizeof *dst->symbols);
        ok = dst->symbols != NULL;
        for (int i = 0; ok && i < src->nsymbols; i++) {
            dst->symbols[i] = src->symbols[i];
            dst->symbols[i].name = strdup(src->symbols[i].name ? src->symbols[i].name : "");
            ok = dst->symbols[i].name != NULL;
        }
    }
    if (!ok)
        exe_free(dst);
    return ok;
}

/* Paged mode: regions and page tables, no pages yet (os/pager.c). */
static int load_paged(os_t *os, process_t *p, char *err, size_t errlen)
{
    uint64_t t0 = machine_cycles(os->m);
    if (!pager_load(os, p, &p->exe, err, errlen)) {
        pager_release(os, p);
        p->state = PROC_KILLED; /* keeps its slot: the pager may hold host memory for it */
        p->exit_code = -1;
        snprintf(p->fault_msg, sizeof p->fault_msg, "process %d (%s) not loaded: %s", p->pid, p->name, err);
        return -1;
    }
    p->st.load_cycles = machine_cycles(os->m) - t0;
    p->st.cycles = p->st.load_cycles;
    ev_emit(os->m->bus, EV_PROC_START, p->pid, machine_cycles(os->m), 0, p->mmu.ptbr, p->size, p->cpu.pc, 0);
    return p->pid;
}

/* Segmented mode: one segment per region (os/segment.c). */
static int load_segmented(os_t *os, process_t *p, char *err, size_t errlen)
{
    uint64_t t0 = machine_cycles(os->m);
    if (!segments_load(os, p, err, errlen)) {
        segments_free(p);
        exe_free(&p->exe);
        os->nprocs--;
        return -1;
    }
    p->st.load_cycles = machine_cycles(os->m) - t0;
    p->st.cycles = p->st.load_cycles;
    ev_emit(os->m->bus, EV_PROC_START, p->pid, machine_cycles(os->m), 0, p->mmu.stbr, p->size, p->cpu.pc, 0);
    return p->pid;
}

int os_load(os_t *os, const exe_t *exe, const char *name, char *err, size_t errlen)
{
    if (exe->relocatable) {
        snprintf(err, errlen, "%s is an object file, not an executable: link it first", name);
        return -1;
    }
    process_t *p = new_process(os, name);
    if (!p || !exe_clone(&p->exe, exe)) {
        if (p)
            os->nprocs--;
        snprintf(err, errlen, "out of host memory");
        return -1;
    }
    uint32_t size = partition_size(os, exe, &p->image_end);
    if (os->cfg.mode == OS_PAGED)
        return load_paged(os, p, err, errlen);
    if (os->cfg.mode == OS_SEG)
        return load_segmented(os, p, err, errlen);
    uint32_t base = place(os, size, p->pid, err, errlen);
    if (base == UINT32_MAX) {
        exe_free(&p->exe);
        os->nprocs--;
        return -1;
    }
    p->base = base;
    p->size = os->cfg.mode == OS_BARE ? os->m->cfg.mem_size - os->cfg.os_size : size;
    uint64_t t0 = machine_cycles(os->m);
    uint64_t words = copy_image(os, exe, base, p->size);
    os_charge(os, EV_LOAD, p->pid, words * os->m->cfg.timing.load_word_cycles, base, size, (uint32_t)words, 0);
    if (os->cfg.mode == OS_SWRELOC) {
        if (!patch_relocations(os, exe, base, err, errlen)) {
            partitions_free(&os->parts, base);
            exe_free(&p->exe);
            os->nprocs--;
            return -1;
        }
        uint32_t patched = overlay_loaded_relocs(exe); /* all, unless overlay phases stay on disk */
        p->st.relocations = patched;
        os_charge(os, EV_RELOCATE, p->pid, (uint64_t)patched * os->m->cfg.timing.reloc_patch_cycles, base,
                  patched, 0, 0);
    }
    p->st.load_cycles = machine_cycles(os->m) - t0;
    p->st.cycles = p->st.load_cycles;

    /* Initial registers and MMU state: CPU addresses are physical under
     * software relocation and in the bare machine, logical under base/limit. */
    uint32_t cpu_base = os->cfg.mode == OS_HWRELOC ? 0 : base;
    memset(&p->cpu, 0, sizeof p->cpu);
    p->cpu.pc = cpu_base + exe->entry;
    p->cpu.r[ISA_REG_SP] = cpu_base + (os->cfg.mode == OS_BARE ? os->m->cfg.mem_size - os->cfg.os_size : size);
    p->cpu.priv = MODE_USER;
    p->mmu = (mmu_regs_t){.mode = MMU_BARE, .fence = os->m->cfg.mem_size};
    if (os->cfg.mode == OS_BARE)
        p->mmu.fence = os->m->cfg.mem_size - os->cfg.os_size;
    else if (os->cfg.mode == OS_HWRELOC)
        p->mmu = (mmu_regs_t){.mode = MMU_RELOC, .base = base, .limit = size};
    ev_emit(os->m->bus, EV_PROC_START, p->pid, machine_cycles(os->m), 0, base, size, p->cpu.pc, 0);
    return p->pid;
}
