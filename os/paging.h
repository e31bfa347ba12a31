/*
 * The OS side of paging, shared by the kernel, the loader, the system calls
 * and the memory helpers (docs/paging.md).  Four parts:
 *
 *   regions.c  the region table: built from the executable's sections,
 *              looked up on a fault, grown by brk and by stack faults;
 *   frames.c   the frame table: what each physical frame holds (OS, page
 *              tables, a user page and its owners), and the allocator of
 *              page-table space inside kernel frames;
 *   swap.c     the backing store: a host map (pid, vpn) -> page bytes;
 *   vmspace.c  a process's page tables in physical memory, what a page
 *              holds when it is not resident, and translation in software
 *              for the OS's own reads and writes;
 *   pager.c    the page-fault handler (the seed's slides 48-51),
 *              replacement through os/replace.h, loading, prefaulting,
 *              brk and the end of a process.
 *
 * Everything the pager does to the hardware goes through the machine
 * interface; every cost is charged with machine_charge and announced.
 */
#ifndef MMULAB_PAGING_H
#define MMULAB_PAGING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../mmu/geometry.h"
#include "../mmu/pte.h"
#include "os.h"
#include "replace.h"
#include "u64map.h"

typedef struct pager pager_t;

/* ---- regions.c ------------------------------------------------------------ */

/* Fill p's region table from exe: code, data, bss from the sections, an empty
 * heap after the image, a stack of stack_size bytes (none if 0) ending at
 * p->stack_top, one page below the top of the address space (that page is an
 * unmapped guard).  False with a message if they do not fit. */
bool regions_build(process_t *p, const exe_t *exe, const paging_geometry_t *g, uint32_t stack_size, char *err,
                   size_t errlen);
/* The union of the permissions of the regions covering page vpn (0: none). */
uint32_t regions_perm(const process_t *p, uint32_t vpn, uint32_t page_shift);
/* Does some file-backed region (a section with bytes) cover page vpn? */
bool regions_file_backed(const process_t *p, uint32_t vpn, uint32_t page_shift);
/* The region of `kind`, or NULL. */
os_region_t *regions_find(process_t *p, region_kind_t kind);
/* If vpn is the page just below the stack and the stack may grow there,
 * move the stack's start down to it and return true. */
bool regions_grow_stack(process_t *p, uint32_t vpn, uint32_t page_shift);
/* The stack regions_grow_stack would grow to vpn, or NULL; changes nothing. */
os_region_t *regions_stack_growth(process_t *p, uint32_t vpn, uint32_t page_shift);
/* Does a thread stack, down to its limit, reach into [start, end)? */
bool regions_stack_in(const process_t *p, uint64_t start, uint64_t end);

/* ---- swap.c ---------------------------------------------------------------- */

typedef struct {
    u64map_t slots;     /* (pid << 32 | vpn) -> slot index                    */
    uint8_t **pages;    /* slot -> page bytes                                  */
    uint32_t nslots, cap;
    uint32_t *free_list;
    uint32_t nfree;
    uint32_t page_size;
} swap_t;

bool swap_init(swap_t *s, uint32_t page_size);
void swap_free_all(swap_t *s);
/* The stored copy of (pid, vpn), or NULL. */
const uint8_t *swap_get(const swap_t *s, int pid, uint32_t vpn);
/* Store (or replace) the copy of (pid, vpn); false if out of host memory. */
bool swap_put(swap_t *s, int pid, uint32_t vpn, const uint8_t *page);
/* The bytes of (pid, vpn)'s copy, made if it has none, for the caller to
 * write in place (no staging copy); NULL if out of host memory. */
uint8_t *swap_slot(swap_t *s, int pid, uint32_t vpn);
/* Drop the copy of (pid, vpn), if any. */
void swap_drop(swap_t *s, int pid, uint32_t vpn);

/* ---- frames.c -------------------------------------------------------------- */

typedef struct {
    uint32_t nframes, page_shift;
    os_frame_t *f;
    uint32_t os_frames;   /* frames [0, os_frames) hold the resident OS          */
    uint32_t user_frames; /* frames holding user pages now                       */
    uint64_t *user_mask;  /* bit per frame: holds a user page (replacement candidates) */
    uint64_t *untouched;  /* bit per frame: never handed out since boot, so it still
                             holds the zeros memory starts with (a zero fill into
                             it writes nothing)                                 */
    uint32_t root_frame;  /* frame small root tables are carved from (0: none)    */
    uint32_t root_used;   /* bytes of it handed out                              */
    uint32_t saved;       /* frames sharing saves now: mappings beyond each frame's first */
    uint32_t peak_saved;  /* the most it saved at once                           */
    uint32_t free_below;  /* no frame below this is free (a search hint)         */
    uint32_t table_frames;/* frames holding page tables now (at most half of those
                             beside the OS: frames_table_allowed)                 */
} frames_t;

bool frames_init(frames_t *ft, uint32_t mem_size, uint32_t page_shift, uint32_t os_size);
void frames_free_all(frames_t *ft);
/* The lowest run of n free frames, or UINT32_MAX. */
uint32_t frames_find_free_run(const frames_t *ft, uint32_t n);
/* Does frame still hold the zeros of boot (never given to a page or a table)? */
static inline bool frames_untouched(const frames_t *ft, uint32_t frame)
{
    return (ft->untouched[frame / 64] >> (frame % 64)) & 1;
}
/* Mark a frame as holding (pid, vpn) / nothing. */
void frames_set_user(frames_t *ft, uint32_t frame, int pid, uint32_t vpn, uint64_t now);
void frames_set_free(frames_t *ft, uint32_t frame);
/* Sharing: one more mapping (pid, vpn) of a user frame (false if it has
 * OS_FRAME_MAX_OWNERS already); drop one, returning how many are left. */
bool frames_add_owner(frames_t *ft, uint32_t frame, int pid, uint32_t vpn);
uint32_t frames_remove_owner(frames_t *ft, uint32_t frame, int pid, uint32_t vpn);
/* Carve a page-table area of `bytes` (a power of two >= 4): a small root
 * shares a frame with other roots (root_ok), anything else starts on a frame
 * of its own.  Takes free frames only; returns its physical address, or 0. */
uint32_t frames_table_alloc(frames_t *ft, uint32_t bytes, bool root_ok);
/* May a table of `bytes` take new frames?  Page tables may hold at most half
 * of the frames beside the OS, so that one process mapping a huge range
 * (brk, mmap) cannot take every frame and leave the others' pages none:
 * beyond it its request fails (-ENOMEM), it does not stop another process. */
bool frames_table_allowed(const frames_t *ft, uint32_t bytes, bool root_ok);
/* Release a table area; frames with no table left become free. */
void frames_table_free(frames_t *ft, uint32_t paddr, uint32_t bytes);

/* ---- the pager's state (pager.c and vmspace.c) --------------------------------- */

typedef struct {
    uint32_t paddr, bytes;
} table_area_t;

typedef struct {
    uint64_t stamp;
    uint32_t frame;
} stamped_t;

/* What the pager keeps per process (process_t.vm). */
struct proc_vm {
    table_area_t *tables; /* every page-table area it owns, root first       */
    int ntables, cap;
    uint64_t upper_ptes_written; /* entries pointing at a new lower table, every level */
    page_ref_t *recorded; /* recording pass: what it referenced             */
    size_t nrecorded, caprecorded;
    bool record_full;     /* it referenced more than OS_OPT_MAX_REFS pages    */
    uint64_t *future;     /* OPT: sorted keys vpn << 40 | position            */
    size_t nfuture;
    bool ended;           /* released: its memory lives on in final_pte and the
                             backing store, for --dump, --check and tests      */
    u64map_t final_pte;   /* vpn -> its leaf PTE when the process ended        */
};

/* The pager's state (os_t.pager). */
struct pager {
    paging_geometry_t geo;
    uint32_t page_size;
    frames_t ft;
    replacer_t *repl;
    swap_t swap;
    uint64_t *synced;     /* per frame: the MMU stamp the replacer has seen   */
    uint64_t *scratch_mask;
    stamped_t *scratch_stamps; /* one per frame, for sync_lru         */
    uint32_t *scratch_order;   /* one per frame, for EV_POLICY_STATE  */
    uint8_t *page_buf;    /* one page, for fills and software reads          */
    uint32_t cap;         /* most user frames at once                         */
    bool flush_on_switch; /* ASIDs cannot tell the processes apart            */
    bool started;
    uint32_t quota_frames; /* the frames set_quotas shared out at the start */
};

/* ---- vmspace.c: a process's address space in physical memory ------------------ */

static inline uint32_t vm_vaddr(const pager_t *pg, uint32_t vpn) { return vpn << pg->geo.page_shift; }
/* A PTE word in physical memory (0 if the address is outside memory). */
uint32_t vm_read_pte(os_t *os, uint32_t addr);
void vm_write_pte(os_t *os, uint32_t addr, pte_t pte);
/* A zeroed table for `level` of p in kernel frames (recorded in p->vm); 0 if
 * memory is full even after evicting a user page to make room. */
uint32_t vm_new_table(os_t *os, process_t *p, uint32_t level);
/* The physical address of p's leaf PTE for vpn, walking its tables in
 * software; with `create`, missing lower tables are made.  0 if none. */
uint32_t vm_leaf_pte_addr(os_t *os, process_t *p, uint32_t vpn, bool create);
/* Set p's leaf PTE for vpn (creating tables); false if out of memory. */
bool vm_set_leaf(os_t *os, process_t *p, uint32_t vpn, pte_t pte);
/* The not-present PTE of a page of p: its regions' permissions, U, V=0. */
pte_t vm_absent_pte(const os_t *os, const process_t *p, uint32_t vpn);
/* Make every page of [start, end) not present; the PTEs written.  *ok is
 * cleared if a table could not be made. */
uint64_t vm_map_absent(os_t *os, process_t *p, uint32_t start, uint32_t end, bool *ok);
/* What page vpn of p holds when not resident: its backing-store copy, the
 * executable's bytes, or zeros.  Where from (PAGE_FROM_*, machine/events.h);
 * anything but PAGE_FROM_ZEROS takes a disk read (a major fault).  A zero
 * fill leaves buf as it was unless zeros_needed (the caller's frame may
 * hold zeros already: frames_untouched). */
page_source_t vm_page_contents(const pager_t *pg, const process_t *p, uint32_t vpn, uint8_t *buf, bool zeros_needed);

/* ---- pager.c --------------------------------------------------------------- */

/* Evict a user page chosen by the policy among all user frames, charged to
 * p; the freed frame, or REPL_NONE if there is none. */
uint32_t pager_make_room(os_t *os, process_t *p);

/* Set up the frame table, the replacer and the backing store (paged mode). */
bool pager_create(os_t *os, char *err, size_t errlen);
void pager_destroy(os_t *os);
/* Build p's regions and page tables and its initial registers. */
bool pager_load(os_t *os, process_t *p, const exe_t *exe, char *err, size_t errlen);
/* Before the first dispatch: frame quotas, then --prefault. */
void pager_start(os_t *os);
/* On a switch to next: TLB flush when ASIDs cannot tell processes apart. */
void pager_switch(os_t *os, process_t *next);
/* Serve a page fault of p.  True if the instruction can restart; false if
 * the process must be killed (t->cause may be refined to the permission). */
bool pager_fault(os_t *os, process_t *p, trap_t *t);
/* What pager_fault would do with fault t of p, changing nothing: TRAP_NONE
 * if it would serve it, else the cause it would stop the process with. */
trap_cause_t pager_fault_verdict(os_t *os, process_t *p, const trap_t *t);
/* Free p's frames, swap copies and page tables. */
void pager_release(os_t *os, process_t *p);
/* The brk system call: 0 queries; else the new break, or -E_NOMEM (as a
 * two's-complement word) if it is below the heap or leaves no hole page
 * before the stack.  Shrinking unmaps the pages above the new break. */
uint32_t pager_brk(os_t *os, process_t *p, uint32_t new_break);
/* (vmspace.c) Software translation for the OS's own view (--dump, a mapping's
 * write-back): copy len bytes at vaddr, within one page, without faulting
 * anything in (a non-resident page is read from its backing-store copy or
 * the executable's bytes).  False if vaddr is not mapped.  Copies a system
 * call makes go through os/uaccess.c. */
bool pager_read(os_t *os, process_t *p, uint32_t vaddr, void *buf, uint32_t len);
/* The services' ranges: map [start, end) not present with its regions'
 * permissions (false if out of memory for tables); unmap it, dropping
 * frames and backing-store copies; has page vaddr changed since it was
 * loaded (dirty, or a backing-store copy)? */
bool pager_map_range(os_t *os, process_t *p, uint32_t start, uint32_t end);
void pager_unmap_range(os_t *os, process_t *p, uint32_t start, uint32_t end);
bool pager_page_modified(os_t *os, process_t *p, uint32_t vaddr);
/* fork: give child (its regions copied from parent) page tables that share
 * parent's resident frames copy-on-write.  False if out of memory. */
bool pager_fork(os_t *os, process_t *parent, process_t *child);
/* Frames sharing saves now (mappings beyond the first of each frame) and at
 * most during the run. */
uint32_t pager_frames_saved(os_t *os, uint32_t *peak);
/* (vmspace.c) The physical address of a resident vaddr. */
bool pager_translate(os_t *os, process_t *p, uint32_t vaddr, uint32_t *paddr);
/* Owner of physical address pa: pid, 0 for OS and page tables, -1 free. */
int pager_owner(os_t *os, uint32_t pa);
/* Instructions retired in p's address space, by p and by its threads,
 * counting the running slice: where OPT's reference strings are indexed. */
uint64_t pager_space_instructions(os_t *os, const process_t *p);
/* The recording pass: note the pages of one retired instruction (insn:
 * pager_space_instructions of its address space before it). */
void pager_record(os_t *os, process_t *p, const retire_t *rt, uint64_t insn);

#endif
