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

struct shm_segment; /* os/shm.c */

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
    bool shared;         /* one block mapped by several processes (code of
                            the same program or library, shared memory,
                            fork's code): never swapped                 */
    struct shm_segment *shm; /* shared memory: the object it maps (os/shm.c) */
} os_segment_t;

struct proc_segs {
    uint32_t table;      /* physical address of the segment table (STBR) */
    uint32_t nseg;       /* its entries (STLR)                           */
    uint32_t heap;       /* the heap's segment number (brk), or nseg: none */
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

/* The lowest segment number of p that is free, below the stack's and
 * other than `besides` (UINT32_MAX: no exception); UINT32_MAX if none. */
uint32_t segments_free_number(const process_t *p, uint32_t besides);
/* Is segno a number p may give a new segment (below the stack's, free)? */
bool segments_number_free(const process_t *p, uint32_t segno);

/* Give p segment number segno (free) of `bytes` with SEC_* permissions
 * `perm`, holding `content` (NULL: zeros).  A segment without W whose
 * content another live process holds in the same segment number, with the
 * same kind, length and permissions, maps that block (shared; *shared set,
 * nothing copied); else it gets a block of its own (--compact, --swap make
 * room).  Returns its logical address, or UINT32_MAX if no memory is free.
 * The registers are reloaded if p is running. */
uint32_t segments_add_at(os_t *os, process_t *p, uint32_t segno, uint32_t bytes, uint32_t perm, region_kind_t kind,
                         const uint8_t *content, bool *shared);

/* Shared memory (os/shm.c): p's free segment segno maps the block at base
 * (`bytes` long) of the object shm, with SEC_* permissions perm; or, with
 * base UINT32_MAX, a new block holding content.  The block's address, or
 * UINT32_MAX if no memory is free. */
uint32_t segments_map_shm(os_t *os, process_t *p, uint32_t segno, struct shm_segment *shm, uint32_t base,
                          uint32_t bytes, uint32_t perm, const uint8_t *content);
/* p's segment of `kind` that starts at va leaves its table (shmdt, the
 * last dlclose): a shared block stays for the others (shared memory's
 * bytes go back to its object when none is left), else it is freed.  False
 * if va starts no segment of that kind. */
bool segments_remove(os_t *os, process_t *p, uint32_t va, region_kind_t kind);

/* brk in segmented mode: the heap is a segment of its own, [heap << offset
 * bits, break); it grows in place while the memory after its block is free,
 * else it moves (as the stack does), and shrinks.  Returns the break (0
 * asks for it), or -ENOMEM as the guest's word. */
uint32_t segments_brk(os_t *os, process_t *p, uint32_t new_break);
/* The heap's first logical address (the break of an empty heap), or
 * UINT32_MAX if p has none. */
uint32_t segments_heap_start(const os_t *os, const process_t *p);

/* fork: the child gets a segment table of its own holding the parent's
 * segments: private ones copied into blocks of its own (load_word_cycles a
 * word, as base/limit's fork), code and shared memory mapped once more.
 * False if there is no room (the child's segments are released by the
 * caller's exit). */
bool segments_fork(os_t *os, process_t *parent, process_t *child);

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

/* --regions in segmented mode: p's segment table (as it was at its end, if
 * it ended): number, region, first logical address, base, limit, flags
 * (r w x, d: grows down), shared or private. */
void segments_print(const os_t *os, const process_t *p, FILE *out);

/* Bytes from va to the end of va's segment number (for splitting a copy). */
uint32_t segments_room(const os_t *os, uint32_t va);

#endif
