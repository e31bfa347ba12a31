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
#include <stdio.h>

#include "../os/replace.h"
#include "../os/u64map.h"

#define REFSIM_NO_PAGE U64MAP_EMPTY

typedef struct {
    replacer_t *repl;
    u64map_t resident;        /* page -> frame                          */
    uint64_t *frame_page;     /* page in each frame, or REFSIM_NO_PAGE  */
    const uint64_t *next_use; /* OPT: next_use[t], see refs_next_use; or NULL, */
    uint64_t next;            /* ... and the caller sets the next use of each  */
                              /* reference here before making it (nextuse.h)  */
    uint64_t *frame_next;     /* OPT: the next use of each frame's page        */
    uint64_t faults, evictions;
} refsim_t;

/* false if out of memory or frames is 0.  For OPT, the future comes from
 * next_use (which must outlive the simulator) or, if it is NULL, from
 * s->next, set by the caller before each reference (a stream: nextuse.h). */
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
static inline void refsim_touch(refsim_t *s, uint32_t frame, uint64_t t)
{
    repl_reference(s->repl, frame, t);
    if (s->frame_next)
        s->frame_next[frame] = s->next_use ? s->next_use[t] : s->next;
}

/* next_use[i] = the index of the next reference to pages[i] after i, or
 * REPL_NEVER; O(n).  false if out of memory. */
bool refs_next_use(const uint64_t *pages, size_t n, uint64_t *next_use);

/* A reference string: the page numbers in order. */
typedef struct {
    uint64_t *pages;
    size_t n, cap;
} refstring_t;

/* Append one page; false if out of memory. */
bool refs_push(refstring_t *rs, uint64_t page);

/* Append the page numbers of text (non-negative integers separated by
 * blanks, newlines or commas) to rs.  false with the reason in err for
 * something that is not a page number, or when out of memory. */
bool refs_parse(const char *text, refstring_t *rs, char *err, size_t errlen);

/* The same page numbers read one at a time, from text or from a stream (a
 * file, standard input: a string of any length in bounded memory). */
typedef struct {
    const char *text; /* NULL: read `in` */
    FILE *in;
} refs_source_t;

/* The next page number into *page: 1, or 0 at the end, or -1 with the reason
 * in err (quoting the start of what is not a page number). */
int refs_next(refs_source_t *src, uint64_t *page, char *err, size_t errlen);

#endif
