/*
 * Overlays, the seed's historical technique (slide 26): a program in phases
 * executed in sequence, only one phase resident at a time, each loading the
 * next one itself.
 *
 * Convention (docs/multiprogramming.md): every byte at or above the symbol
 * `__overlays` is a phase's home in the executable -- on disk, never loaded
 * by the loader and not part of the partition.  `SYSCALL #20` (SYS_OVERLAY)
 * with R1 = the phase's home address, R2 = its length and R3 = the overlay
 * area (inside the resident image) copies the phase from the executable into
 * the area, patching its relocated fields: addresses inside the phase move
 * with it to the area, addresses outside it (the root's data) stay, and under
 * software relocation the partition's base is added as the loader would.  It
 * costs a disk transfer of the phase (timing_disk_cycles of its length, an
 * EV_DISK_READ event) plus reloc_patch_cycles per patched field, and returns
 * the length in R0 (or -E_INVAL / -E_FAULT).
 */
#include <stdlib.h>
#include <string.h>

#include "overlay.h"
#include "syscall.h"

#define OVERLAY_SYMBOL "__overlays"

uint32_t overlay_resident_end(const exe_t *exe, uint32_t image_end)
{
    for (int i = 0; i < exe->nsymbols; i++) {
        const exe_symbol_t *s = &exe->symbols[i];
        if (s->name && !strcmp(s->name, OVERLAY_SYMBOL) && s->section != -2 && s->value < image_end)
            return s->value;
    }
    return image_end;
}

uint32_t overlay_loaded_relocs(const exe_t *exe)
{
    uint32_t end = overlay_resident_end(exe, UINT32_MAX), n = 0;
    for (int i = 0; i < exe->nrelocs; i++)
        n += exe->relocs[i].offset < end;
    return n;
}

/* A CPU-visible address as a logical one (the CPU sees physical addresses
 * under software relocation and on the bare machine). */
static uint32_t to_logical(const os_t *os, const process_t *p, uint32_t addr)
{
    return os->cfg.mode == OS_SWRELOC || os->cfg.mode == OS_BARE ? addr - p->base : addr;
}

static uint32_t cpu_base(const os_t *os, const process_t *p)
{
    return os->cfg.mode == OS_SWRELOC || os->cfg.mode == OS_BARE ? p->base : 0;
}

/* The executable's bytes of [home, home+len) into buf; false if any byte is
 * not in a section with bytes. */
static bool read_phase(const exe_t *exe, uint32_t home, uint32_t len, uint8_t *buf)
{
    memset(buf, 0, len);
    uint64_t covered = 0;
    for (int i = 0; i < exe->nsections; i++) {
        const exe_section_t *s = &exe->sections[i];
        uint64_t lo = s->addr > home ? s->addr : home;
        uint64_t hi = (uint64_t)s->addr + s->size < (uint64_t)home + len ? (uint64_t)s->addr + s->size
                                                                          : (uint64_t)home + len;
        if (s->nobits || !s->data || lo >= hi)
            continue;
        memcpy(buf + (lo - home), s->data + (lo - s->addr), hi - lo);
        covered += hi - lo;
    }
    return covered == len;
}

/* Patch the relocated fields of the phase for its place in the area. */
static uint32_t relocate_phase(os_t *os, process_t *p, uint32_t home, uint32_t len, uint32_t area, uint8_t *buf)
{
    uint32_t patched = 0;
    for (int i = 0; i < p->exe.nrelocs; i++) {
        const exe_reloc_t *r = &p->exe.relocs[i];
        if (r->offset < home || (uint64_t)r->offset + 4 > (uint64_t)home + len)
            continue;
        uint32_t target = r->value;
        if (target >= home && target - home < len)
            target = target - home + area; /* inside the phase: it moved */
        if (reloc_apply(buf + (r->offset - home), r->type, target + cpu_base(os, p)))
            patched++;
    }
    return patched;
}

uint32_t sys_overlay(os_t *os, process_t *p, uint32_t home_cpu, uint32_t len, uint32_t area_cpu)
{
    uint32_t resident_end = overlay_resident_end(&p->exe, p->image_end);
    uint32_t home = to_logical(os, p, home_cpu), area = to_logical(os, p, area_cpu);
    if (len == 0 || len > (1u << 24) || home < resident_end || (uint64_t)area + len > resident_end)
        return (uint32_t)-E_INVAL; /* not a phase on disk, or it would not land in the resident image */
    uint8_t *buf = malloc(len);
    if (!buf)
        return (uint32_t)-E_INVAL;
    uint32_t result = len;
    if (!read_phase(&p->exe, home, len, buf))
        result = (uint32_t)-E_FAULT;
    else {
        uint32_t patched = relocate_phase(os, p, home, len, area, buf);
        os_charge(os, EV_DISK_READ, p->pid, timing_disk_cycles(&os->m->cfg.timing, len), home, len, area, 0);
        os_charge(os, EV_RELOCATE, p->pid, (uint64_t)patched * os->m->cfg.timing.reloc_patch_cycles, area,
                  patched, 0, 0);
        if (!os_copy_to_user(os, p, area_cpu, buf, len))
            result = (uint32_t)-E_FAULT;
    }
    free(buf);
    return result;
}
