/*
 * What os/segment.c (loading, faults, growth) and os/seg_share.c (sharing:
 * fork, shared memory, libraries) both use.  Not for the rest of the OS:
 * os/segment.h is the interface.
 */
#ifndef MMULAB_SEG_INTERNAL_H
#define MMULAB_SEG_INTERNAL_H

#include "segment.h"

static inline uint32_t seg_align16(uint32_t v) { return (uint32_t)(((uint64_t)v + 15) & ~15ull); }

/* Does g hold a block of memory (in use, resident, not empty)? */
static inline bool seg_has_block(const os_segment_t *g) { return g->used && g->resident && g->limit; }

/* SEC_* permissions as SEG_* flags. */
uint32_t seg_sec_flags(uint32_t perm);

/* A block of `bytes` for p: a hole, else compaction (--compact), else other
 * processes' segments swapped out (--swap).  UINT32_MAX if none of it
 * makes room. */
uint32_t seg_allocate(os_t *os, process_t *p, uint32_t bytes);

/* p's descriptor segno changed in the OS's record: the table in memory
 * follows and, if p runs, the registers are reloaded (the descriptor cache
 * empties). */
void seg_descriptor_changed(os_t *os, process_t *p, uint32_t segno);

/* Another live process that holds, in memory, a block p's segment segno
 * may map instead of a copy: segment segno of the same kind, length and
 * flags, without W (never written), holding `content` (NULL: program code,
 * compared by executable).  NULL if none. */
process_t *seg_twin(os_t *os, const process_t *p, uint32_t segno, const uint8_t *content);

/* p gives up segment g's block: it passes to another process mapping it,
 * else it is freed (a shared-memory object keeps its bytes first). */
void seg_drop_block(os_t *os, process_t *p, os_segment_t *g);

#endif
