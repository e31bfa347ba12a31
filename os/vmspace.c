/*
 * A process's address space as the OS keeps it in physical memory: its page
 * tables (built in kernel frames, walked here in software the way the
 * hardware walker walks them), what each page holds while it is not
 * resident (a backing-store copy, the executable's bytes, or zeros), and the
 * OS's own reads of the process's memory, which translate in software and
 * never fault a page in (--dump, --check, the viewer).  See paging.h; the
 * placement rules are in frames.c.
 */
#include <stdlib.h>
#include <string.h>

#include "os_internal.h"
#include "services.h"

uint32_t vm_read_pte(os_t *os, uint32_t addr)
{
    uint32_t v = 0;
    if (!machine_read32(os->m, addr, &v))
        return 0;
    return v;
}

void vm_write_pte(os_t *os, uint32_t addr, pte_t pte) { machine_write32(os->m, addr, pte_val(pte)); }

/* ---- page tables ------------------------------------------------------------ */

static bool remember_table(struct proc_vm *vm, uint32_t paddr, uint32_t bytes)
{
    if (vm->ntables == vm->cap) {
        int cap = vm->cap ? 2 * vm->cap : 8;
        table_area_t *t = realloc(vm->tables, (size_t)cap * sizeof *t);
        if (!t)
            return false;
        vm->tables = t;
        vm->cap = cap;
    }
    vm->tables[vm->ntables++] = (table_area_t){paddr, bytes};
    return true;
}

static void zero_physical(os_t *os, uint32_t paddr, uint32_t bytes)
{
    uint8_t *zeros = calloc(1, bytes);
    if (zeros) {
        machine_phys_write(os->m, paddr, zeros, bytes);
        free(zeros);
    }
}

/* A zeroed table for `level` of p, in kernel frames; 0 if memory is full.
 * A one-frame table may take a user page's frame by evicting it. */
uint32_t vm_new_table(os_t *os, process_t *p, uint32_t level)
{
    pager_t *pg = os->pager;
    uint32_t bytes = paging_table_bytes(&pg->geo, level);
    uint32_t paddr = frames_table_alloc(&pg->ft, bytes, level == 0);
    if (!paddr && bytes <= pg->page_size && frames_table_allowed(&pg->ft, bytes, level == 0) &&
        pager_make_room(os, p) != REPL_NONE)
        paddr = frames_table_alloc(&pg->ft, bytes, level == 0);
    if (!paddr || !remember_table(p->vm, paddr, bytes))
        return 0;
    zero_physical(os, paddr, bytes);
    return paddr;
}

/*
 * The physical address of p's leaf PTE for vpn, walking the tables in
 * software; with `create`, missing lower tables are made.  0 if there is no
 * leaf (or no memory for a table).
 */
uint32_t vm_leaf_pte_addr(os_t *os, process_t *p, uint32_t vpn, bool create)
{
    const paging_geometry_t *g = &os->pager->geo;
    uint32_t vaddr = vm_vaddr(os->pager, vpn);
    uint32_t table = p->mmu.ptbr;
    if (!table)
        return 0;
    for (uint32_t level = 0;; level++) {
        uint32_t addr = table + 4 * paging_index(g, vaddr, level);
        if (level + 1 == g->levels)
            return addr;
        pte_t pte = {vm_read_pte(os, addr)};
        if (!pte_valid(pte)) {
            uint32_t next = create ? vm_new_table(os, p, level + 1) : 0;
            if (!next)
                return 0;
            pte = pte_make(next >> g->page_shift, PTE_V);
            vm_write_pte(os, addr, pte);
            p->vm->upper_ptes_written++;
        }
        table = pte_ppn(pte) << g->page_shift;
    }
}

/* Set p's leaf PTE for vpn (creating tables); false if out of memory. */
bool vm_set_leaf(os_t *os, process_t *p, uint32_t vpn, pte_t pte)
{
    uint32_t addr = vm_leaf_pte_addr(os, p, vpn, true);
    if (!addr)
        return false;
    vm_write_pte(os, addr, pte);
    return true;
}

/* The not-present PTE of a page of p: its region permissions, U, V=0. */
pte_t vm_absent_pte(const os_t *os, const process_t *p, uint32_t vpn)
{
    return pte_make(0, regions_perm(p, vpn, os->pager->geo.page_shift) | PTE_U);
}

/* Map every page of [start, end) not present; the number of PTEs written at
 * every level: the leaves and the entries pointing at the tables made for them. */
uint64_t vm_map_absent(os_t *os, process_t *p, uint32_t start, uint32_t end, bool *ok)
{
    uint32_t shift = os->pager->geo.page_shift;
    uint64_t leaves = 0, upper_before = p->vm->upper_ptes_written;
    for (uint64_t va = start; va < end && *ok; va += os->pager->page_size, leaves++)
        *ok = vm_set_leaf(os, p, (uint32_t)(va >> shift), vm_absent_pte(os, p, (uint32_t)(va >> shift)));
    return leaves + (p->vm->upper_ptes_written - upper_before);
}

/* ---- page contents ------------------------------------------------------------ */

/* Copy the bytes the executable's sections put on page vpn into buf. */
static void copy_from_executable(const pager_t *pg, const process_t *p, uint32_t vpn, uint8_t *buf)
{
    uint64_t page_lo = (uint64_t)vpn << pg->geo.page_shift, page_hi = page_lo + pg->page_size;
    for (int i = 0; i < p->exe.nsections; i++) {
        const exe_section_t *s = &p->exe.sections[i];
        uint64_t lo = s->addr, hi = (uint64_t)s->addr + s->size;
        if (s->nobits || !s->data || hi <= page_lo || lo >= page_hi)
            continue;
        if (lo < page_lo)
            lo = page_lo;
        if (hi > page_hi)
            hi = page_hi;
        memcpy(buf + (lo - page_lo), s->data + (lo - s->addr), hi - lo);
    }
}

/*
 * What page vpn of p holds when it is not resident: its backing-store copy,
 * the executable's bytes, or zeros.  Returns true if getting it needs a disk
 * read (a major fault), false for a zero fill (minor).
 */
page_source_t vm_page_contents(const pager_t *pg, const process_t *p, uint32_t vpn, uint8_t *buf, bool zeros_needed)
{
    const uint8_t *copy = swap_get(&pg->swap, p->pid, vpn);
    if (copy) {
        memcpy(buf, copy, pg->page_size);
        return PAGE_FROM_SWAP;
    }
    if (mmap_fill_page(p, vm_vaddr(pg, vpn), buf, pg->page_size)) /* it zeroes buf first */
        return PAGE_FROM_MAPPING; /* a mapped file, shared memory or a library: read from its support */
    bool from_executable = regions_file_backed(p, vpn, pg->geo.page_shift);
    if (from_executable || zeros_needed)
        memset(buf, 0, pg->page_size);
    if (!from_executable)
        return PAGE_FROM_ZEROS;
    copy_from_executable(pg, p, vpn, buf);
    return PAGE_FROM_EXECUTABLE;
}


/* ---- software translation ------------------------------------------------------------- */

/* The leaf PTE of p for vaddr, or 0 (outside the address space or no table). */
static pte_t software_pte(os_t *os, process_t *p, uint32_t vaddr, uint32_t *addr)
{
    const pager_t *pg = os->pager;
    *addr = 0;
    if (pg->geo.va_bits < 32 && vaddr >> pg->geo.va_bits)
        return (pte_t){0};
    if (p->vm && p->vm->ended) /* as it was; its contents are in the backing store */
        return pte_mknotpresent((pte_t){(uint32_t)u64map_get(&p->vm->final_pte, vaddr >> pg->geo.page_shift, 0)});
    if (!p->mmu.ptbr)
        return (pte_t){0};
    *addr = vm_leaf_pte_addr(os, p, vaddr >> pg->geo.page_shift, false);
    return (pte_t){*addr ? vm_read_pte(os, *addr) : 0};
}

bool pager_translate(os_t *os, process_t *p, uint32_t vaddr, uint32_t *paddr)
{
    uint32_t addr;
    pte_t pte = software_pte(os, p, vaddr, &addr);
    if (!pte_valid(pte))
        return false;
    *paddr = pte_ppn(pte) << os->pager->geo.page_shift | paging_offset(&os->pager->geo, vaddr);
    return true;
}

bool pager_read(os_t *os, process_t *p, uint32_t vaddr, void *buf, uint32_t len)
{
    pager_t *pg = os->pager;
    uint32_t addr, offset = paging_offset(&pg->geo, vaddr);
    pte_t pte = software_pte(os, p, vaddr, &addr);
    if (pte_valid(pte))
        return machine_phys_read(os->m, pte_ppn(pte) << pg->geo.page_shift | offset, buf, len);
    if (!pte_swapped(pte))
        return false;
    vm_page_contents(pg, p, vaddr >> pg->geo.page_shift, pg->page_buf, true);
    memcpy(buf, pg->page_buf + offset, len);
    return true;
}

bool os_pte(os_t *os, int pid, uint32_t vpn, uint32_t *pte)
{
    process_t *p = os_space(os, os_process(os, pid));
    if (!os->pager || !p || !p->vm)
        return false;
    if (p->vm->ended) {
        uint64_t kept = u64map_get(&p->vm->final_pte, vpn, U64MAP_EMPTY);
        *pte = (uint32_t)kept;
        return kept != U64MAP_EMPTY;
    }
    uint32_t addr = vm_leaf_pte_addr(os, p, vpn, false);
    if (!addr)
        return false;
    *pte = vm_read_pte(os, addr);
    return true;
}
