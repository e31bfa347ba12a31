/*
 * The OS's view of a process's memory: translating its addresses in
 * software (for --dump, --check and the viewer; in paged mode through its
 * page table, os/pager.c), capturing the dump when it ends, and moving it to
 * another place in physical memory.  System calls reach user memory through
 * os/uaccess.c instead, under the process's own rules.
 */
#include <stdlib.h>
#include <string.h>

#include "os_internal.h"

/* Physical address of a logical (as-assembled) address of p, or false. */
bool os_translate(os_t *os, int pid, uint32_t vaddr, uint32_t *paddr)
{
    process_t *p = os_space(os, os_process(os, pid));
    if (p && os->pager)
        return pager_translate(os, p, vaddr, paddr);
    if (p && os->cfg.mode == OS_SEG)
        return segments_user_address(os, p, vaddr, 1, ACC_LOAD, false, paddr);
    if (!p || vaddr >= p->size)
        return false;
    *paddr = p->base + vaddr;
    return true;
}

/* Paged mode: page by page through the pager, which reads a non-resident
 * page from the backing store or the executable and never faults it in: a
 * debugger's view (--dump, --check, the viewer), not a system call's, which
 * goes through os/uaccess.c. */
static bool paged_read(os_t *os, process_t *p, uint32_t vaddr, uint8_t *into, uint32_t len)
{
    uint32_t page = 1u << os->m->cfg.page_shift;
    while (len) {
        uint32_t chunk = page - (vaddr & (page - 1));
        if (chunk > len)
            chunk = len;
        if (!pager_read(os, p, vaddr, into, chunk) || (uint64_t)vaddr + chunk > UINT32_MAX + 1ull)
            return false;
        vaddr += chunk;
        len -= chunk;
        into += chunk;
    }
    return true;
}

bool os_read_logical(os_t *os, int pid, uint32_t vaddr, void *buf, uint32_t len)
{
    process_t *p = os_space(os, os_process(os, pid));
    if (p && os->pager)
        return paged_read(os, p, vaddr, buf, len);
    uint8_t *out = buf;
    for (uint32_t i = 0; i < len; i++) {
        uint32_t pa;
        if (!os_translate(os, pid, vaddr + i, &pa) || !machine_phys_read(os->m, pa, out + i, 1))
            return false;
    }
    return true;
}

void os_request_dump(os_t *os, uint32_t addr, uint32_t count)
{
    os->dump.wanted = true;
    os->dump.addr = addr;
    os->dump.count = count;
}

const os_dump_t *os_dump(os_t *os)
{
    process_t *p = os_process(os, 1);
    if (p && p->state == PROC_READY)
        os_capture_dump(os, p); /* still running (e.g. stopped by the viewer) */
    return &os->dump;
}

void os_capture_dump(os_t *os, process_t *p)
{
    os_dump_t *d = &os->dump;
    if (!d->wanted || p->pid != 1)
        return;
    free(d->words);
    free(d->valid);
    d->words = calloc(d->count ? d->count : 1, sizeof *d->words);
    d->valid = calloc(d->count ? d->count : 1, sizeof *d->valid);
    if (!d->words || !d->valid)
        return;
    for (uint32_t i = 0; i < d->count; i++) {
        uint8_t b[4];
        d->valid[i] = os_read_logical(os, 1, d->addr + 4 * i, b, 4);
        d->words[i] = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
    }
    d->captured = true;
}

/* Copy [from, from+len) to [to, ...) word by word through the machine. */
static void copy_physical(os_t *os, uint32_t from, uint32_t to, uint32_t len)
{
    uint8_t *buf = malloc(len ? len : 1);
    if (!buf)
        return;
    machine_phys_read(os->m, from, buf, len);
    machine_phys_write(os->m, to, buf, len);
    free(buf);
}

/* Under software relocation the OS knows the relocated words (it patched
 * them) and the PC, but not the addresses the program computed at run time:
 * those still point at the old place after the move. */
static void repatch_software_relocated(os_t *os, process_t *p, uint32_t new_base)
{
    for (int i = 0; i < p->exe.nrelocs; i++) {
        const exe_reloc_t *r = &p->exe.relocs[i];
        uint8_t field[4];
        if (machine_phys_read(os->m, new_base + r->offset, field, 4) && reloc_apply(field, r->type, r->value + new_base))
            machine_phys_write(os->m, new_base + r->offset, field, 4);
    }
    int stale = 0;
    char regs[200] = "";
    size_t n = 0;
    for (int i = 0; i < ISA_NREGS; i++) {
        uint32_t v = p->cpu.r[i];
        if (v >= p->base && v < p->base + p->size && n < sizeof regs - 32) {
            n += (size_t)snprintf(regs + n, sizeof regs - n, " R%d=0x%x", i, v);
            stale++;
        }
    }
    p->cpu.pc = p->cpu.pc - p->base + new_base;
    snprintf(os->move_note, sizeof os->move_note,
             "software-relocated process moved from 0x%x to 0x%x: the OS re-patched %d relocated words and the PC, "
             "but %d register(s) still hold addresses in the old place:%s",
             p->base, new_base, p->exe.nrelocs, stale, stale ? regs : " (none)");
}

void os_repatch_relocations(os_t *os, process_t *p, uint32_t new_base)
{
    repatch_software_relocated(os, p, new_base);
    os_charge(os, EV_RELOCATE, p->pid, (uint64_t)p->exe.nrelocs * os->m->cfg.timing.reloc_patch_cycles, new_base,
              (uint32_t)p->exe.nrelocs, 0, 0);
}

/* The old place is free memory now: clear the part of it the process no
 * longer covers, as a new owner would find it. */
static void clear_vacated(os_t *os, uint32_t old_base, uint32_t new_base, uint32_t size)
{
    uint64_t old_end = (uint64_t)old_base + size, new_end = (uint64_t)new_base + size;
    uint64_t from = old_base, to = old_end;
    if (new_base <= old_base && new_end > old_base) /* moved down over its own start */
        from = new_end;
    else if (new_base > old_base && new_base < old_end) /* moved up over its own end */
        to = new_base;
    if (to <= from)
        return;
    uint8_t *zeros = calloc(1, (size_t)(to - from));
    if (zeros) {
        machine_phys_write(os->m, (uint32_t)from, zeros, (uint32_t)(to - from));
        free(zeros);
    }
}

bool os_move_process(os_t *os, int pid, uint32_t new_base, char *err, size_t errlen)
{
    process_t *p = os_process(os, pid);
    if (!p || p->state != PROC_READY || os->cfg.mode == OS_BARE || os->cfg.mode == OS_PAGED ||
        os->cfg.mode == OS_SEG) {
        snprintf(err, errlen, "only a live process under swreloc or hwreloc can be moved");
        return false;
    }
    os_leave_cpu(os, p);
    uint32_t old_base = p->base;
    partitions_free(&os->parts, old_base);
    if (!partitions_alloc_at(&os->parts, new_base, p->size, pid)) {
        partitions_alloc_at(&os->parts, old_base, p->size, pid);
        snprintf(err, errlen, "no hole of %u bytes at 0x%x", p->size, new_base);
        return false;
    }
    copy_physical(os, old_base, new_base, p->size);
    clear_vacated(os, old_base, new_base, p->size);
    os_charge(os, EV_MOVE, pid, (uint64_t)(p->size / 4) * os->m->cfg.timing.copy_word_cycles, (uint32_t)pid,
              old_base, new_base, p->size);
    if (os->cfg.mode == OS_SWRELOC)
        repatch_software_relocated(os, p, new_base);
    else {
        p->mmu.base = new_base;
        snprintf(os->move_note, sizeof os->move_note,
                 "base/limit process moved from 0x%x to 0x%x: the OS copied it and changed the base register", old_base,
                 new_base);
    }
    p->base = new_base;
    return true;
}

const char *os_move_note(os_t *os) { return os->move_note; }
