/*
 * The OS's accesses to a process's memory on its behalf: system-call
 * buffers and strings, the status word of wait, the slots of an import
 * table, a library or an overlay phase copied into a partition.  Every one
 * goes through the rule the process's own load or store meets, so the OS
 * can never do for a process what it could not do itself:
 *
 *   paged      the process's page tables are walked by the hardware's walker
 *              (mmu_walk_io: the same fault order, pte_access_fault for the
 *              permissions, A and D set as a user access sets them).  A fault
 *              the handler would serve for a user access (a page not present,
 *              a stack page to grow, a store to a copy-on-write page) is
 *              served by it, pager_fault, counted and announced as a user
 *              fault is; any other fault is -EFAULT.  A copy out of the
 *              process needs R and U, a copy in needs W and U: a code page,
 *              library code or a PROT_READ mapping is never written.
 *   contiguous the fence or the base/limit registers of the process, as its
 *              own access would meet them (mmu/contiguous.h).  Software
 *              relocation runs on the bare machine with no fence below the
 *              end of memory: it protects nothing, for the process or for
 *              the OS acting for it (docs/services.md).
 *
 * os_user_writable asks the same question without serving any fault or
 * setting any bit, so a call can refuse a bad buffer before it does anything.
 * --dump, --check and the viewer read memory with os_read_logical instead:
 * a debugger's view, which never faults a page in.
 */
#include "../mmu/contiguous.h"
#include "../mmu/walk.h"
#include "os_internal.h"

typedef enum { COPY_DO, COPY_PROBE } copy_kind_t;

static uint32_t walk_read32(void *ctx, uint32_t paddr)
{
    uint32_t v = 0;
    return machine_read32(ctx, paddr, &v) ? v : 0;
}

static void walk_write32(void *ctx, uint32_t paddr, uint32_t value) { machine_write32(ctx, paddr, value); }

/* Where the process's trap would say it was: the PC of its system call. */
static uint32_t user_pc(os_t *os, const process_t *p)
{
    if (os->current != p->pid)
        return p->cpu.pc;
    cpu_state_t cpu;
    machine_get_state(os->m, &cpu);
    return cpu.pc;
}

/* The fault handler's turn, as for the process's own access: the trap entry
 * charged and announced, then pager_fault (which counts it).  Can the walk
 * be retried? */
static bool serve_user_fault(os_t *os, process_t *p, trap_cause_t cause, access_t access, uint32_t vaddr)
{
    trap_t t = {.cause = cause, .access = access, .pc = user_pc(os, p), .vaddr = vaddr};
    machine_charge(os->m, os->m->cfg.timing.trap_cycles);
    ev_emit(os->m->bus, EV_TRAP, p->pid, machine_cycles(os->m), 0, t.cause, t.pc, t.vaddr, 0);
    return pager_fault(os, p, &t);
}

static bool servable(trap_cause_t cause)
{
    return cause == TRAP_PAGE_NOT_PRESENT || cause == TRAP_PAGE_NOT_MAPPED || cause == TRAP_PAGE_WRITE;
}

/* Paged: the physical address of vaddr for a user access, serving the faults
 * the handler serves (COPY_DO) or asking whether it would (COPY_PROBE). */
static bool user_page(os_t *os, process_t *p, uint32_t vaddr, access_t access, copy_kind_t kind, uint32_t *paddr)
{
    walker_t w;
    walker_init(&w, &os->m->cfg);
    const walk_io_t io = {walk_read32, kind == COPY_DO ? walk_write32 : NULL, os->m, os->m->cfg.mem_size};
    /* a fault-in, then a copy-on-write break, then the access: never more than four walks */
    for (int round = 0; round < 4; round++) {
        walk_result_t r;
        trap_cause_t cause = mmu_walk_io(&w, &io, p->mmu.ptbr, p->mmu.ptlr, vaddr, access, MODE_USER, &r);
        if (cause == TRAP_NONE) {
            *paddr = r.paddr;
            return true;
        }
        if (!servable(cause))
            return false;
        trap_t t = {.cause = cause, .access = access, .vaddr = vaddr};
        if (kind == COPY_PROBE)
            return pager_fault_verdict(os, p, &t) == TRAP_NONE;
        if (!serve_user_fault(os, p, cause, access, vaddr))
            return false;
    }
    return false;
}

/* Segmented: segment by segment, each piece under the hardware's rule
 * (os/segment.c: the descriptor from the table, seg_check). */
static bool segmented_copy(os_t *os, process_t *p, uint32_t addr, access_t access, uint8_t *into,
                           const uint8_t *from, uint32_t len, copy_kind_t kind)
{
    p = os_space(os, p);
    for (uint64_t done = 0; done < len;) {
        uint32_t vaddr = addr + (uint32_t)done, paddr;
        uint32_t chunk = segments_room(os, vaddr);
        if (chunk > len - done)
            chunk = (uint32_t)(len - done);
        if ((kind == COPY_DO && !segments_make_resident(os, p, vaddr)) ||
            !segments_user_address(os, p, vaddr, chunk, access, true, &paddr))
            return false;
        bool ok = kind == COPY_PROBE || (access == ACC_STORE ? machine_phys_write(os->m, paddr, from + done, chunk)
                                                             : machine_phys_read(os->m, paddr, into + done, chunk));
        if (!ok)
            return false;
        done += chunk;
    }
    return true;
}

/* Copy len bytes between the host and a process's CPU-visible address addr:
 * a store copies `from` into the process, a load copies it out into `into`;
 * a probe copies nothing (both NULL). */
static bool user_copy(os_t *os, process_t *p, uint32_t addr, access_t access, uint8_t *into, const uint8_t *from,
                      uint32_t len, copy_kind_t kind)
{
    if (!len)
        return true;
    if ((uint64_t)addr + len > UINT32_MAX + 1ull)
        return false; /* wraps around the top of the address space */
    if (os->cfg.mode == OS_SEG)
        return segmented_copy(os, p, addr, access, into, from, len, kind);
    if (!os->pager) {
        uint32_t paddr;
        if (contiguous_user_fault(&p->mmu, os->m->cfg.mem_size, addr, len, &paddr) != TRAP_NONE)
            return false;
        if (kind == COPY_PROBE)
            return true;
        return access == ACC_STORE ? machine_phys_write(os->m, paddr, from, len)
                                   : machine_phys_read(os->m, paddr, into, len);
    }
    p = os_space(os, p); /* a thread's memory is its process's */
    uint32_t page = 1u << os->m->cfg.page_shift;
    for (uint64_t done = 0; done < len;) {
        uint32_t vaddr = addr + (uint32_t)done, paddr;
        uint32_t chunk = page - (vaddr & (page - 1));
        if (chunk > len - done)
            chunk = (uint32_t)(len - done);
        if (!user_page(os, p, vaddr, access, kind, &paddr))
            return false;
        bool ok = kind == COPY_PROBE || (access == ACC_STORE ? machine_phys_write(os->m, paddr, from + done, chunk)
                                              : machine_phys_read(os->m, paddr, into + done, chunk));
        if (!ok)
            return false;
        done += chunk;
    }
    return true;
}

bool os_user_writable(os_t *os, process_t *p, uint32_t addr, uint32_t len)
{
    return user_copy(os, p, addr, ACC_STORE, NULL, NULL, len, COPY_PROBE);
}

bool os_copy_from_user(os_t *os, process_t *p, uint32_t addr, void *buf, uint32_t len)
{
    return user_copy(os, p, addr, ACC_LOAD, buf, NULL, len, COPY_DO);
}

bool os_copy_to_user(os_t *os, process_t *p, uint32_t addr, const void *buf, uint32_t len)
{
    /* nothing is written unless all of it can be: a bad end leaves the start as it was */
    return os_user_writable(os, p, addr, len) && user_copy(os, p, addr, ACC_STORE, NULL, buf, len, COPY_DO);
}

/* copy_word_cycles per word of a file's data moved (a partial word is a word). */
static void charge_copy(os_t *os, process_t *p, uint32_t addr, uint32_t len, bool to_user)
{
    uint32_t words = len / 4 + (len % 4 != 0);
    os_charge(os, EV_USER_COPY, p->pid, (uint64_t)words * os->m->cfg.timing.copy_word_cycles, addr, len, words,
              to_user);
}

bool os_copy_from_user_charged(os_t *os, process_t *p, uint32_t addr, void *buf, uint32_t len)
{
    if (!os_copy_from_user(os, p, addr, buf, len))
        return false;
    charge_copy(os, p, addr, len, false);
    return true;
}

bool os_copy_to_user_charged(os_t *os, process_t *p, uint32_t addr, const void *buf, uint32_t len)
{
    if (!os_copy_to_user(os, p, addr, buf, len))
        return false;
    charge_copy(os, p, addr, len, true);
    return true;
}
