/*
 * The region table of a process in paged mode (the seed's slides 36-40):
 * code (R-X, support in the executable), initialized data (RW-, support in
 * the executable), uninitialized data (RW-, zero-filled), a heap that starts
 * on the first page after the image and grows up with brk, and a stack at
 * the top of the virtual address space that grows down on demand.
 *
 * The loader fills the table from the executable's sections; the fault
 * handler asks it whether an address belongs to the process and with which
 * permissions.  Sections are not page-aligned, so two sections may share a
 * page (the seed's vcopy has code at 100 and data at 1000 in one 4 KiB
 * page): both regions then cover that page and it gets the union of their
 * permissions -- the code on it becomes writable, the data executable.
 * The highest page of the address space is left unmapped as a guard, so the
 * initial stack pointer (the stack's top) never wraps around to 0.  A stack
 * size of 0 (--stack 0) gives no stack region at all: the seed's 14-bit
 * exercise then has exactly its image's pages mapped.  Thread stacks
 * (os/threads.c) are stacks too: each grows down on demand to its limit.
 */
#include <string.h>

#include "../mmu/pte.h"
#include "os_internal.h"

const char *const region_kind_name[REGION_KIND_COUNT] = {"code",        "data",         "bss",
                                                          "heap",        "stack",        "mapped file",
                                                          "library code", "library data", "shared memory",
                                                          "thread stack"};

#define STACK_MAX_BYTES (1u << 20) /* how far the stack may grow: 1 MiB */

static uint32_t page_down(uint32_t v, uint32_t shift) { return v >> shift << shift; }
static uint64_t page_up(uint64_t v, uint32_t shift) { return (v + (1ull << shift) - 1) >> shift << shift; }

static region_kind_t section_kind(const exe_section_t *s)
{
    if (s->perm & SEC_X)
        return REGION_CODE;
    return s->nobits ? REGION_BSS : REGION_DATA;
}

static uint32_t section_perm(const exe_section_t *s)
{
    uint32_t perm = PTE_R;
    if (s->perm & SEC_W)
        perm |= PTE_W;
    if (s->perm & SEC_X)
        perm |= PTE_X;
    return perm;
}

static bool add_region(process_t *p, os_region_t r, char *err, size_t errlen)
{
    if (p->nregions == OS_MAX_REGIONS) {
        snprintf(err, errlen, "more than %d regions", OS_MAX_REGIONS);
        return false;
    }
    p->regions[p->nregions++] = r;
    return true;
}

bool regions_build(process_t *p, const exe_t *exe, const paging_geometry_t *g, uint32_t stack_size, char *err,
                   size_t errlen)
{
    const uint32_t shift = g->page_shift;
    uint64_t image_end = 0;
    p->nregions = 0;
    for (int i = 0; i < exe->nsections; i++) {
        const exe_section_t *s = &exe->sections[i];
        if (!s->size)
            continue;
        uint64_t end = (uint64_t)s->addr + s->size;
        os_region_t r = {section_kind(s), page_down(s->addr, shift), (uint32_t)page_up(end, shift), section_perm(s),
                         !s->nobits, 0};
        if (!add_region(p, r, err, errlen))
            return false;
        if (end > image_end)
            image_end = end;
    }
    uint64_t space = 1ull << g->va_bits;
    uint64_t top = space - (1ull << shift); /* the highest page is the guard */
    uint64_t stack_pages = page_up(stack_size, shift);
    uint64_t heap_start = page_up(image_end, shift);
    uint64_t hole = stack_size ? 1ull << shift : 0; /* between heap and stack */
    if (heap_start + stack_pages + hole > top) {
        snprintf(err, errlen,
                 "the image (%llu bytes) and a %llu-byte stack do not fit a %u-bit virtual address space with "
                 "%u-byte pages and a guard page",
                 (unsigned long long)image_end, (unsigned long long)stack_pages, g->va_bits, 1u << shift);
        return false;
    }
    uint64_t lowest_stack = top > STACK_MAX_BYTES ? top - STACK_MAX_BYTES : 0;
    if (lowest_stack < heap_start + (1ull << shift))
        lowest_stack = heap_start + (1ull << shift);
    os_region_t heap = {REGION_HEAP, (uint32_t)heap_start, (uint32_t)heap_start, PTE_R | PTE_W, false, 0};
    os_region_t stack = {REGION_STACK, (uint32_t)(top - stack_pages), (uint32_t)top, PTE_R | PTE_W, false,
                         (uint32_t)lowest_stack};
    if (!add_region(p, heap, err, errlen) || (stack_size && !add_region(p, stack, err, errlen)))
        return false;
    p->brk = (uint32_t)heap_start;
    p->stack_top = (uint32_t)top;
    return true;
}

/* Does r cover page vpn?  (Its bounds are page-aligned; an empty heap covers nothing.) */
static bool covers(const os_region_t *r, uint32_t vpn, uint32_t shift)
{
    return vpn >= r->start >> shift && vpn < r->end >> shift;
}

uint32_t regions_perm(const process_t *p, uint32_t vpn, uint32_t page_shift)
{
    uint32_t perm = 0;
    for (int i = 0; i < p->nregions; i++)
        if (covers(&p->regions[i], vpn, page_shift))
            perm |= p->regions[i].perm;
    return perm;
}

bool regions_file_backed(const process_t *p, uint32_t vpn, uint32_t page_shift)
{
    for (int i = 0; i < p->nregions; i++)
        if (p->regions[i].file_backed && covers(&p->regions[i], vpn, page_shift))
            return true;
    return false;
}

os_region_t *regions_find(process_t *p, region_kind_t kind)
{
    for (int i = 0; i < p->nregions; i++)
        if (p->regions[i].kind == kind)
            return &p->regions[i];
    return NULL;
}

/* The stack (process or thread) whose start is just above page vpn, or NULL. */
static os_region_t *stack_above(process_t *p, uint32_t vpn, uint32_t page_shift)
{
    for (int i = 0; i < p->nregions; i++) {
        os_region_t *r = &p->regions[i];
        if ((r->kind == REGION_STACK || r->kind == REGION_THREAD_STACK) && vpn + 1 == r->start >> page_shift)
            return r;
    }
    return NULL;
}

os_region_t *regions_stack_growth(process_t *p, uint32_t vpn, uint32_t page_shift)
{
    os_region_t *stack = stack_above(p, vpn, page_shift);
    os_region_t *heap = regions_find(p, REGION_HEAP);
    if (!stack)
        return NULL;
    uint32_t new_start = vpn << page_shift;
    if (new_start < stack->limit || (heap && new_start <= heap->end))
        return NULL; /* at its limit, or it would touch the heap: keep a hole page */
    return stack;
}

bool regions_grow_stack(process_t *p, uint32_t vpn, uint32_t page_shift)
{
    os_region_t *stack = regions_stack_growth(p, vpn, page_shift);
    if (stack)
        stack->start = vpn << page_shift;
    return stack != NULL;
}

bool regions_stack_in(const process_t *p, uint64_t start, uint64_t end)
{
    for (int i = 0; i < p->nregions; i++) {
        const os_region_t *r = &p->regions[i];
        if (r->kind == REGION_THREAD_STACK && start < r->end && r->limit < end)
            return true;
    }
    return false;
}
