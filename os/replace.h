/*
 * Page-replacement policies over a table of physical frames (the seed's
 * slides 53-56): FIFO, LRU, OPT and CLOCK (second chance).  The OS frame
 * table and the reference-string tools (`mmulab refs`, `mmulab tlbsim
 * --frames`) both drive it, so the textbook answers and the OS agree.
 *
 * The caller owns the mapping of pages to frames and tells the replacer what
 * happens to frames:
 *     f = repl_free_frame(r);                 lowest free frame first, or
 *     if (f == REPL_NONE) f = repl_victim(r, mask_or_NULL, now);   then evict
 *     repl_load(r, f, now);                   the new page is in f
 *     repl_reference(r, f, now);              on every later use of f's page
 *     repl_free(r, f);                        the page left (exit, unmap)
 * `now` is any increasing count (references, cycles).  For local replacement
 * pass the faulting process's frames as a bitmask (bit f of word f/64);
 * NULL means global replacement over every frame.
 *
 * Policies:
 *   FIFO   the frame loaded longest ago; references change nothing.
 *   LRU    the frame whose page was loaded or referenced longest ago.
 *   OPT    the frame whose page is next used furthest in the future, asked of
 *          the oracle set with repl_set_oracle (REPL_NEVER: not used again);
 *          ties go to the lowest frame.
 *   CLOCK  one reference bit per frame, set by repl_load and repl_reference.
 *          The hand starts at frame 0; repl_victim sweeps from it, clearing
 *          set bits, takes the first candidate whose bit is clear, and leaves
 *          the hand one past that frame.  Non-candidates are passed over
 *          untouched.  Filling a free frame does not move the hand.
 */
#ifndef MMULAB_REPLACE_H
#define MMULAB_REPLACE_H

#include <stdbool.h>
#include <stdint.h>

typedef enum { REPL_FIFO, REPL_LRU, REPL_OPT, REPL_CLOCK, REPL_POLICY_COUNT } repl_policy_t;
extern const char *const repl_policy_name[REPL_POLICY_COUNT]; /* "fifo" "lru" "opt" "clock" */

#define REPL_NONE UINT32_MAX  /* no frame */
#define REPL_NEVER UINT64_MAX /* OPT oracle: not used again */

/*
 * OPT's knowledge of the future: when the page now in `frame` is next used
 * after `now`, or REPL_NEVER.  last_use is the time of that frame's latest
 * load or reference (handy with a precomputed next-use array: next_use[last_use]).
 */
typedef uint64_t (*repl_oracle_fn)(void *ctx, uint32_t frame, uint64_t last_use, uint64_t now);

typedef struct replacer replacer_t;

/* true and *out set if name is one of repl_policy_name */
bool repl_policy_parse(const char *name, repl_policy_t *out);

/* All frames free; NULL if out of memory or nframes is 0. */
replacer_t *repl_create(repl_policy_t policy, uint32_t nframes);
void repl_destroy(replacer_t *r);
void repl_set_oracle(replacer_t *r, repl_oracle_fn fn, void *ctx);

repl_policy_t repl_policy(const replacer_t *r);
uint32_t repl_frames(const replacer_t *r);
/* The lowest free frame, or REPL_NONE. */
uint32_t repl_free_frame(const replacer_t *r);
bool repl_in_use(const replacer_t *r, uint32_t frame);
/* CLOCK's reference bit and hand, for displays and tests. */
bool repl_refbit(const replacer_t *r, uint32_t frame);
uint32_t repl_hand(const replacer_t *r);

void repl_load(replacer_t *r, uint32_t frame, uint64_t now);
void repl_reference(replacer_t *r, uint32_t frame, uint64_t now);
void repl_free(replacer_t *r, uint32_t frame);

/* The frame to evict among the in-use candidates (NULL: all), or REPL_NONE if
 * no candidate holds a page.  The frame stays in use until the caller loads
 * the new page into it (repl_load) or frees it. */
uint32_t repl_victim(replacer_t *r, const uint64_t *candidates, uint64_t now);

/* ---- why: the last choice and the policy's order, for explanations ---- */

typedef struct {
    uint32_t frame;      /* REPL_NONE: no choice made yet, or none possible     */
    uint32_t candidates; /* how many in-use frames it chose among               */
    uint64_t loaded_at;  /* the `now` of the victim's repl_load                 */
    uint64_t used_at;    /* of its latest repl_reference since then, 0 if none  */
    uint64_t next_use;   /* OPT: the oracle's answer for the victim             */
    uint32_t hand_from;  /* CLOCK: the first candidate the sweep reached        */
    uint32_t ncleared;   /* CLOCK: bits it cleared, frames in `cleared`         */
    const uint32_t *cleared;
} repl_choice_t;

/* The last repl_victim's choice and its reasons. */
const repl_choice_t *repl_last_choice(const replacer_t *r);
uint64_t repl_loaded_at(const replacer_t *r, uint32_t frame);
uint64_t repl_used_at(const replacer_t *r, uint32_t frame); /* 0: not since its load */
/* OPT's oracle on frame's page (REPL_NEVER without an oracle). */
uint64_t repl_next_use(const replacer_t *r, uint32_t frame, uint64_t now);

/* The in-use frames in the policy's order, at most max of them into out:
 * FIFO's queue and LRU's stack next victim first, CLOCK's ring from the hand,
 * OPT's by frame number.  Returns how many. */
uint32_t repl_order(const replacer_t *r, uint32_t *out, uint32_t max);

#endif
