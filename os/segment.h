/*
 * Segmented mode's OS side (docs/segmentation.md): the loader that builds a
 * process's segment table, one segment per region, the OS's own checks of
 * user addresses under the segment rules, and the release of the segments.
 *
 * A program is linked for a flat logical space; its sections land in the
 * segments their link addresses name (segment number = the address's top
 * bits, mmu/seg.h), so a program that places .data and .bss at segment
 * boundaries gets a segment for each, and one that packs them below one
 * boundary shares a segment among them (with the union of their
 * permissions).  Every address the program computes stays what it was
 * linked as.  The stack is a grow-down segment of its own, the highest one:
 * the initial SP is one past its top.
 */
#ifndef MMULAB_OS_SEGMENT_H
#define MMULAB_OS_SEGMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "os.h"

typedef struct {
    bool used;
    region_kind_t kind;  /* what the first region it holds is           */
    uint32_t base;       /* physical address of its lowest byte         */
    uint32_t limit;      /* length in bytes                             */
    uint32_t flags;      /* SEG_* (mmu/seg.h); SEG_V: it exists         */
    bool resident;       /* in memory (the descriptor's V)              */
    uint8_t *backing;    /* swapped out: its bytes on the backing store;
                            NULL and not resident: not loaded yet       */
    uint64_t loaded_at;  /* cycle it came in (swapping's FIFO order)    */
    bool shared;         /* code shared with another process running the
                            same program: one block, never swapped       */
} os_segment_t;

struct proc_segs {
    uint32_t table;      /* physical address of the segment table (STBR) */
    uint32_t nseg;       /* its entries (STLR)                           */
    os_segment_t *final; /* after release: the segments as they were     */
    os_segment_t seg[];  /* nseg of them                                 */
};

/* Build p's segments from p->exe, copy the image, write the table and set
 * p's registers.  False with err set (nothing left allocated). */
bool segments_load(os_t *os, process_t *p, char *err, size_t errlen);

/* A segment fault of p (cause, address in t): demand segmentation brings a
 * segment in at its first reference or after it was swapped out
 * (segment_not_present); a reference just below the grow-down stack grows
 * it (segment_bound), in place or by moving it.  Either may compact memory
 * (--compact) or swap other processes' segments out (--swap) to make room.
 * True if the process can retry the instruction; false: stop it. */
bool segments_fault(os_t *os, process_t *p, const trap_t *t);

/* How a served segment fault filled the segment (EV_PAGE_FAULT's d). */
enum { SEG_FILL_NONE, SEG_FILL_DISK, SEG_FILL_SHARED };

/* Compaction moved the block at old_base (p's segment or table) to new_base:
 * the OS's record, the descriptor and STBR follow. */
void segments_moved(os_t *os, process_t *p, uint32_t old_base, uint32_t new_base);

/* Give p a new segment of `bytes` (zeroed) at the lowest free segment
 * number below the stack's, with SEC_* permissions `perm`; returns its
 * logical address (*paddr its physical one), or UINT32_MAX if no number or
 * no memory is free.  The registers are reloaded if p is running. */
uint32_t segments_add(os_t *os, process_t *p, uint32_t bytes, uint32_t perm, region_kind_t kind, uint32_t *paddr);

/* Free p's segments and table (the host record stays for the debugger's
 * view of the ended process until segments_free). */
void segments_release(os_t *os, process_t *p);
void segments_free(process_t *p);

/* The physical address of len bytes at va for a user access of kind acc,
 * under the rules the hardware applies to the table in memory (one segment:
 * the range may not cross its end).  The debugger's view (os_translate)
 * passes check_perm false: the OS's own record, bounds only, also after the
 * process ended. */
bool segments_user_address(os_t *os, const process_t *p, uint32_t va, uint32_t len, access_t acc, bool check_perm,
                           uint32_t *paddr);

/* Before the OS copies into or out of p at va: a segment that exists but is
 * not in memory is brought in, as the process's own reference would
 * (counted as a segment fault).  False if it cannot be. */
bool segments_make_resident(os_t *os, process_t *p, uint32_t va);

/* Bytes from va to the end of va's segment number (for splitting a copy). */
uint32_t segments_room(const os_t *os, uint32_t va);

#endif
