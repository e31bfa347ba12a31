/*
 * Page-replacement policies (see replace.h).  FIFO and LRU share one list of
 * in-use frames ordered newest first: FIFO orders it by load, LRU by load or
 * reference; the victim is the oldest candidate.  OPT asks its oracle; CLOCK
 * sweeps its hand over the reference bits.
 */
#include "replace.h"

#include <stdlib.h>
#include <string.h>

const char *const repl_policy_name[REPL_POLICY_COUNT] = {"fifo", "lru", "opt", "clock"};

struct replacer {
    repl_policy_t policy;
    uint32_t nframes;
    uint8_t *in_use, *refbit;
    uint64_t *last_use;
    uint64_t *loaded_at, *used_at; /* for explanations: repl_choice_t */
    uint32_t *newer, *older; /* the age list; REPL_NONE ends it */
    uint32_t newest, oldest;
    uint32_t hand;
    repl_oracle_fn oracle;
    void *oracle_ctx;
    repl_choice_t choice;
    uint32_t *cleared;
};

bool repl_policy_parse(const char *name, repl_policy_t *out)
{
    for (int p = 0; p < REPL_POLICY_COUNT; p++) {
        if (!strcmp(name, repl_policy_name[p])) {
            *out = (repl_policy_t)p;
            return true;
        }
    }
    return false;
}

replacer_t *repl_create(repl_policy_t policy, uint32_t nframes)
{
    if (!nframes)
        return NULL;
    replacer_t *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->policy = policy;
    r->nframes = nframes;
    r->in_use = calloc(nframes, 1);
    r->refbit = calloc(nframes, 1);
    r->last_use = calloc(nframes, sizeof *r->last_use);
    r->newer = calloc(nframes, sizeof *r->newer);
    r->older = calloc(nframes, sizeof *r->older);
    r->loaded_at = calloc(nframes, sizeof *r->loaded_at);
    r->used_at = calloc(nframes, sizeof *r->used_at);
    r->cleared = calloc(nframes, sizeof *r->cleared);
    r->newest = r->oldest = REPL_NONE;
    r->choice.frame = REPL_NONE;
    r->choice.cleared = r->cleared;
    if (!r->in_use || !r->refbit || !r->last_use || !r->newer || !r->older || !r->loaded_at || !r->used_at ||
        !r->cleared) {
        repl_destroy(r);
        return NULL;
    }
    return r;
}

void repl_destroy(replacer_t *r)
{
    if (!r)
        return;
    free(r->in_use);
    free(r->refbit);
    free(r->last_use);
    free(r->newer);
    free(r->older);
    free(r->loaded_at);
    free(r->used_at);
    free(r->cleared);
    free(r);
}

void repl_set_oracle(replacer_t *r, repl_oracle_fn fn, void *ctx)
{
    r->oracle = fn;
    r->oracle_ctx = ctx;
}

repl_policy_t repl_policy(const replacer_t *r) { return r->policy; }
uint32_t repl_frames(const replacer_t *r) { return r->nframes; }
bool repl_in_use(const replacer_t *r, uint32_t frame) { return r->in_use[frame]; }
bool repl_refbit(const replacer_t *r, uint32_t frame) { return r->refbit[frame]; }
uint32_t repl_hand(const replacer_t *r) { return r->hand; }

uint32_t repl_free_frame(const replacer_t *r)
{
    void *free_frame = memchr(r->in_use, 0, r->nframes);
    return free_frame ? (uint32_t)((uint8_t *)free_frame - r->in_use) : REPL_NONE;
}

static void list_unlink(replacer_t *r, uint32_t f)
{
    if (r->newer[f] != REPL_NONE)
        r->older[r->newer[f]] = r->older[f];
    else
        r->newest = r->older[f];
    if (r->older[f] != REPL_NONE)
        r->newer[r->older[f]] = r->newer[f];
    else
        r->oldest = r->newer[f];
}

static void list_push_newest(replacer_t *r, uint32_t f)
{
    r->newer[f] = REPL_NONE;
    r->older[f] = r->newest;
    if (r->newest != REPL_NONE)
        r->newer[r->newest] = f;
    else
        r->oldest = f;
    r->newest = f;
}

void repl_load(replacer_t *r, uint32_t frame, uint64_t now)
{
    if (r->in_use[frame])
        list_unlink(r, frame);
    r->in_use[frame] = 1;
    r->refbit[frame] = 1;
    r->last_use[frame] = now;
    r->loaded_at[frame] = now;
    r->used_at[frame] = 0;
    list_push_newest(r, frame);
}

void repl_reference(replacer_t *r, uint32_t frame, uint64_t now)
{
    r->refbit[frame] = 1;
    r->last_use[frame] = now;
    r->used_at[frame] = now;
    if (r->policy == REPL_LRU && r->newest != frame) {
        list_unlink(r, frame);
        list_push_newest(r, frame);
    }
}

void repl_free(replacer_t *r, uint32_t frame)
{
    if (!r->in_use[frame])
        return;
    list_unlink(r, frame);
    r->in_use[frame] = 0;
    r->refbit[frame] = 0;
}

static bool is_candidate(const replacer_t *r, const uint64_t *candidates, uint32_t f)
{
    return r->in_use[f] && (!candidates || (candidates[f / 64] >> (f % 64) & 1));
}

static uint32_t oldest_candidate(const replacer_t *r, const uint64_t *candidates)
{
    uint32_t f = r->oldest;
    while (f != REPL_NONE && !is_candidate(r, candidates, f))
        f = r->newer[f];
    return f;
}

static uint32_t furthest_next_use(const replacer_t *r, const uint64_t *candidates, uint64_t now)
{
    uint32_t victim = REPL_NONE;
    uint64_t furthest = 0;
    for (uint32_t f = 0; f < r->nframes; f++) {
        if (!is_candidate(r, candidates, f))
            continue;
        uint64_t next = repl_next_use(r, f, now);
        if (victim == REPL_NONE || next > furthest) {
            victim = f;
            furthest = next;
        }
    }
    return victim;
}

static uint32_t clock_sweep(replacer_t *r, const uint64_t *candidates)
{
    if (oldest_candidate(r, candidates) == REPL_NONE)
        return REPL_NONE;
    bool first = true;
    for (uint32_t f = r->hand;; f = (f + 1) % r->nframes) {
        if (!is_candidate(r, candidates, f))
            continue;
        if (first) /* the hand passes over the others untouched: the sweep begins here */
            r->choice.hand_from = f;
        first = false;
        if (r->refbit[f]) {
            r->refbit[f] = 0;
            if (r->choice.ncleared < r->nframes)
                r->cleared[r->choice.ncleared++] = f;
            continue;
        }
        r->hand = (f + 1) % r->nframes;
        return f;
    }
}

static uint32_t count_candidates(const replacer_t *r, const uint64_t *candidates)
{
    uint32_t n = 0;
    for (uint32_t f = 0; f < r->nframes; f++)
        n += is_candidate(r, candidates, f);
    return n;
}

static uint32_t choose_victim(replacer_t *r, const uint64_t *candidates, uint64_t now)
{
    switch (r->policy) {
    case REPL_FIFO:
    case REPL_LRU: return oldest_candidate(r, candidates);
    case REPL_OPT: return furthest_next_use(r, candidates, now);
    case REPL_CLOCK: return clock_sweep(r, candidates);
    case REPL_POLICY_COUNT: break;
    }
    return REPL_NONE;
}

uint32_t repl_victim(replacer_t *r, const uint64_t *candidates, uint64_t now)
{
    repl_choice_t *c = &r->choice;
    *c = (repl_choice_t){.hand_from = r->hand, .cleared = r->cleared};
    c->candidates = count_candidates(r, candidates);
    uint32_t f = c->frame = choose_victim(r, candidates, now);
    if (f != REPL_NONE) {
        c->loaded_at = r->loaded_at[f];
        c->used_at = r->used_at[f];
        c->next_use = r->policy == REPL_OPT ? repl_next_use(r, f, now) : 0;
    }
    return f;
}

const repl_choice_t *repl_last_choice(const replacer_t *r) { return &r->choice; }
uint64_t repl_loaded_at(const replacer_t *r, uint32_t frame) { return r->loaded_at[frame]; }
uint64_t repl_used_at(const replacer_t *r, uint32_t frame) { return r->used_at[frame]; }

uint64_t repl_next_use(const replacer_t *r, uint32_t frame, uint64_t now)
{
    return r->oracle ? r->oracle(r->oracle_ctx, frame, r->last_use[frame], now) : REPL_NEVER;
}

uint32_t repl_order(const replacer_t *r, uint32_t *out, uint32_t max)
{
    uint32_t n = 0;
    if (r->policy == REPL_FIFO || r->policy == REPL_LRU) {
        for (uint32_t f = r->oldest; f != REPL_NONE && n < max; f = r->newer[f])
            out[n++] = f;
        return n;
    }
    uint32_t start = r->policy == REPL_CLOCK ? r->hand : 0;
    for (uint32_t k = 0; k < r->nframes && n < max; k++) {
        uint32_t f = (start + k) % r->nframes;
        if (r->in_use[f])
            out[n++] = f;
    }
    return n;
}
