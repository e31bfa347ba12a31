/*
 * request_memory and release_memory (the seed's slide 30): a process tells
 * the OS how much memory it really uses, asking for more or giving some
 * back, so that swapping moves only that much.
 *
 *   request_memory(bytes)  more memory at the end of the process's space;
 *                          returns its address (or -ENOMEM).  Contiguous
 *                          modes grow the partition in place (rounded up to
 *                          --granule): with --swap, and above
 *                          --swap-threshold, whoever holds the memory just
 *                          above is rolled out to make room.  Paged mode
 *                          moves the break up (the heap grows, its pages
 *                          come on first touch), segmented mode too
 *                          (the heap segment grows, docs/segmentation.md).
 *   release_memory(bytes)  gives back the last bytes obtained that way
 *                          (-EINVAL for more): the partition shrinks, or the
 *                          break comes down and the heap's pages are freed.
 *                          Returns 0.
 *
 * A rolled-out process's image is its partition, so what it released is
 * never written to the backing store and read back (timing_disk_cycles of
 * the partition each way).  The bare machine has one process and nothing to
 * grow into: -ENOSYS.
 */
#include "mp_internal.h"
#include "services.h"
#include "syscall.h"

static uint32_t round_up(uint32_t bytes, uint32_t granule) { return (bytes + granule - 1) / granule * granule; }

/* Resize p's partition in place to size bytes (and its limit register). */
static bool resize_partition(os_t *os, process_t *p, uint32_t size)
{
    bool may_swap = size > p->size && mp_may_swap(os, size - p->size); /* counted with its partition */
    partitions_free(&os->parts, p->base);
    bool ok = partitions_alloc_at(&os->parts, p->base, size, p->pid) ||
              (may_swap && mp_reclaim_range(os, p->pid, p->base, size));
    if (!ok) {
        partitions_alloc_at(&os->parts, p->base, p->size, p->pid);
        return false;
    }
    p->size = size;
    if (os->cfg.mode == OS_HWRELOC) {
        p->mmu.limit = size;
        if (os->current == p->pid)
            machine_mmu_set(os->m, &p->mmu);
    }
    return true;
}

uint32_t os_grow_partition(os_t *os, process_t *p, uint32_t bytes)
{
    uint32_t old = p->size;
    if ((uint64_t)old + bytes > UINT32_MAX || !resize_partition(os, p, old + bytes))
        return UINT32_MAX;
    return old;
}

uint32_t os_brk(os_t *os, process_t *p, uint32_t new_break)
{
    if (os->pager)
        return pager_brk(os, p, new_break);
    return os->cfg.mode == OS_SEG ? segments_brk(os, p, new_break) : err_code(E_NOSYS);
}

/* The heap's first address (paged and segmented modes), or UINT32_MAX. */
static uint32_t heap_start(os_t *os, const process_t *p)
{
    if (os->cfg.mode == OS_SEG)
        return segments_heap_start(os, p);
    const os_region_t *heap = regions_find((process_t *)p, REGION_HEAP);
    return heap ? heap->start : UINT32_MAX;
}

static bool has_heap(const os_t *os) { return os->pager || os->cfg.mode == OS_SEG; }

static uint32_t request_memory(os_t *os, process_t *p, uint32_t bytes)
{
    if (!bytes || bytes > os->m->cfg.mem_size)
        return err_code(E_INVAL);
    if (has_heap(os)) {
        uint32_t old = p->brk;
        if ((uint64_t)old + bytes > UINT32_MAX)
            return err_code(E_NOMEM);
        return os_brk(os, p, old + bytes) == old + bytes ? old : err_code(E_NOMEM);
    }
    uint32_t grow = round_up(bytes, os->parts.granule);
    uint32_t at = os_grow_partition(os, p, grow);
    if (at == UINT32_MAX)
        return err_code(E_NOMEM);
    p->requested += grow;
    return os->cfg.mode == OS_HWRELOC ? at : p->base + at; /* the address the process uses */
}

static uint32_t release_memory(os_t *os, process_t *p, uint32_t bytes)
{
    if (has_heap(os)) {
        const uint32_t start = heap_start(os, p);
        if (start == UINT32_MAX || !bytes || bytes > p->brk - start)
            return err_code(E_INVAL);
        uint32_t want = p->brk - bytes, now = os_brk(os, p, want);
        return now == want ? 0 : now;
    }
    uint32_t shrink = round_up(bytes, os->parts.granule);
    if (!bytes || shrink > p->requested)
        return err_code(E_INVAL);
    if (!resize_partition(os, p, p->size - shrink))
        return err_code(E_NOMEM); /* cannot happen: a smaller partition always fits */
    p->requested -= shrink;
    return 0;
}

bool memuse_syscall(os_t *os, process_t *p, uint32_t number, const uint32_t *r, uint32_t *result)
{
    if (number != SYS_REQUEST_MEMORY && number != SYS_RELEASE_MEMORY)
        return false;
    if (os->cfg.mode == OS_BARE)
        *result = err_code(E_NOSYS);
    else
        *result = number == SYS_REQUEST_MEMORY ? request_memory(os, p, r[1]) : release_memory(os, p, r[1]);
    return true;
}
