/*
 * A fully associative memory of N frames driven by a string of page
 * references under one replacement policy: the engine behind `mmulab refs`
 * (textbook tables) and `mmulab tlbsim --frames` (page faults of a trace).
 * Time is the index of the reference in the string.
 */
#ifndef MMULAB_REFSIM_H
#define MMULAB_REFSIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../os/replace.h"
#include "../os/u64map.h"

#define REFSIM_NO_PAGE U64MAP_EMPTY

typedef struct {
    replacer_t *repl;
    u64map_t resident;        /* page -> frame                          */
    uint64_t *frame_page;     /* page in each frame, or REFSIM_NO_PAGE  */
    const uint64_t *next_use; /* OPT only: next_use[t], see refs_next_use */
    uint64_t faults, evictions;
} refsim_t;

/* false if out of memory or frames is 0.  next_use is needed for OPT only
 * and must outlive the simulator. */
bool refsim_init(refsim_t *s, repl_policy_t policy, uint32_t frames, const uint64_t *next_use);
void refsim_free(refsim_t *s);

/*
 * Reference `page` at time t.  Returns its frame; *fault tells whether it
 * had to be loaded, *evicted the page that was replaced (REFSIM_NO_PAGE if
 * none).  A free frame (lowest first) is used before any replacement.
 * Returns REPL_NONE only if out of memory.
 */
uint32_t refsim_access(refsim_t *s, uint64_t page, uint64_t t, bool *fault, uint64_t *evicted);

/* A reference whose frame the caller already knows (a TLB hit). */
static inline void refsim_touch(refsim_t *s, uint32_t frame, uint64_t t) { repl_reference(s->repl, frame, t); }

/* next_use[i] = the index of the next reference to pages[i] after i, or
 * REPL_NEVER; O(n).  false if out of memory. */
bool refs_next_use(const uint64_t *pages, size_t n, uint64_t *next_use);

/* A reference string: the page numbers in order. */
typedef struct {
    uint64_t *pages;
    size_t n, cap;
} refstring_t;

/* Append the page numbers of text (non-negative integers separated by
 * blanks, newlines or commas) to rs.  false with the reason in err for
 * something that is not a page number, or when out of memory. */
bool refs_parse(const char *text, refstring_t *rs, char *err, size_t errlen);

#endif
