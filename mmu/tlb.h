/*
 * The modeled TLB: state, not a speed trick.  Its hits, misses and
 * replacement state are what we measure and what the RTL must match, so an
 * entry holds what the hardware holds (valid, vpn, ppn, asid, the PTE's
 * permission byte with G, A and D) and every rule below is part of the
 * contract (docs/mmu.md, "TLB").  Host-side speed structures (the CPU's
 * shortcuts) live in cpu/, never here.
 *
 * Geometry: entries 1..1024, ways dividing entries, sets = entries / ways,
 * set = vpn % sets (ways == entries is fully associative).  The entries of
 * set s are slots s*ways .. s*ways+ways-1.
 *
 * Matching: an entry matches (vpn, asid) if it is valid, holds vpn, and is
 * global or tagged with asid (asid is masked to asid_bits; with 0 bits every
 * entry has ASID 0 and the OS flushes on a switch).  At most one entry may
 * match: a second match is an invariant violation, reported and aborted on
 * the lookup path.  The caller fills only after a miss for the same key.
 *
 * Replacement, within the set: an invalid slot is filled first, the lowest
 * slot first; otherwise the policy names the victim.  Each policy is one
 * file (tlb_policy.h, tlb_lru.c, tlb_fifo.c, tlb_random.c, tlb_plru.c):
 *   LRU     the least recently hit or filled entry (true LRU);
 *   FIFO    the entry filled longest ago (hits change nothing);
 *   RANDOM  slot xorshift32() % ways, one generator for the whole TLB, seeded
 *           with cfg.seed (0 means 1), advanced only when it picks a victim:
 *           x ^= x << 13; x ^= x >> 17; x ^= x << 5;
 *   PLRU    tree pseudo-LRU, ways a power of two: ways-1 bits per set in
 *           heap order (node 1 is the root, node n has children 2n, 2n+1, the
 *           leaves ways..2*ways-1 are slots 0..ways-1).  A bit of 0 sends the
 *           victim search left, 1 right; a hit or fill of a slot sets every
 *           bit on its path to point away from it.  All bits start at 0.
 *
 * Speed: lookups scan the set's slots when ways <= 8, and go through a
 * chained hash on vpn otherwise (2048 chains, each slot's node beside the
 * entries naming the next in its chain and its chain, so a fill's victim
 * leaves it without a search or a second hash); LRU and FIFO keep each
 * set's order as a circle of those nodes whose head names the newest, so a
 * touch and a victim are O(1) and renewing the oldest is one store.  A
 * fill's usual case (the oldest renewed, nothing queued, the set a mask
 * away, the chains hashed) is one test (fill_unusual).  A touch reported with its place in the access
 * sequence (tlb_touch_at, the CPU's deferred block accounting) only stamps
 * the slot and queues it; the queued slots move to the front of their sets
 * in stamp order before anything reads or changes the order (tlb_settle),
 * so the order is exactly the eager one wherever it is used.
 */
#ifndef MMULAB_TLB_H
#define MMULAB_TLB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "../machine/machine.h"
#include "pte.h"

#define TLB_VPN_NONE UINT64_MAX /* the vpn of an invalid entry             */
#define TLB_NO_SLOT UINT16_MAX  /* the end of a hash chain (no node's offset) */
#define TLB_HASH_BITS 11        /* 2048 chains whatever the size (twice the most
                                   entries): the shift a constant, the chains short */

/* One entry, as the hardware holds it. */
typedef struct {
    uint64_t vpn;    /* TLB_VPN_NONE when invalid (so an invalid entry never
                        matches a lookup's compare)                           */
    uint32_t ppn;
    uint16_t asid;
    uint8_t perm;    /* the PTE's low byte: V R W X U G A D (pte.h)           */
    uint8_t ok;      /* derived from perm: bit tlb_ok_bit(priv, access) set when
                        allowed with no fault and no A/D update (loads need A,
                        stores A and D), as the hardware's permission check   */
} tlb_entry_t;

/* Beside each slot (and each set's head, from index entries on): its
 * neighbours in the set's order (tlb_policy.h) and in its hash chain.  A
 * node is as big as an entry, and nodes name each other by their byte
 * offset in the node array (tlb_node_t: slot * 16), which is also the
 * entry's offset in the entry array: the node of an entry, the entry of a
 * node and each step along a list are an add, no index scaled. */
typedef uint16_t tlb_node_t;
typedef struct {
    tlb_node_t newer, older; /* LRU/FIFO order                                */
    tlb_node_t hnext;        /* hash chain (ways > 8), TLB_NO_SLOT at its end  */
    tlb_node_t head;         /* fixed: the set's head                          */
    uint16_t bucket;         /* the hash chain it is in (ways > 8, valid)      */
    uint16_t unused[3];      /* (a node is as big as an entry)                 */
} tlb_link_t;

typedef struct tlb tlb_t;

/* What a hit's replacement update takes, in one byte tlb_touch tests. */
typedef enum {
    TLB_TOUCH_NONE,  /* nothing (FIFO, random)                              */
    TLB_TOUCH_FRONT, /* move the slot to the front of its order list (LRU)  */
    TLB_TOUCH_OTHER, /* the policy's touch, or touches queued to settle first */
} tlb_touch_way_t;
typedef struct tlb_policy_ops tlb_policy_ops_t;

struct tlb {
    tlb_entry_t *e;          /* the entries, slot order                        */
    uint32_t entries, ways, sets;
    tlb_policy_t policy;
    const tlb_policy_ops_t *ops;
    /* from the policy's ops, one load nearer */
    bool front_on_touch, front_on_fill;
    void (*touch)(tlb_t *tlb, uint32_t slot);
    uint32_t (*victim)(tlb_t *tlb, uint32_t set);
    void (*filled)(tlb_t *tlb, uint32_t slot);
    uint32_t asid_mask;
    uint64_t set_mask;       /* sets - 1                                      */
    uint64_t hits, misses;
    /* replacement state, kept by the policies (tlb_policy.h) */
    tlb_link_t *link;        /* per slot, then per set's head                 */
    tlb_link_t *heads;       /* link + entries: set s's head is heads[s]      */
    uint64_t *stamp;         /* per slot: the place of its latest touch not yet
                                in the order (0: none, the slot is not queued) */
    uint16_t *queued;        /* the slots with a stamp, npending of them      */
    union {                  /* (C11: one word read whichever field was written) */
        struct {
            uint16_t npending;
            uint16_t invalid; /* invalid entries in the whole TLB              */
            uint8_t fill_by_victim; /* a full set's fill asks the policy for its
                                    victim; 0: it replaces the set's oldest
                                    and makes it the newest, nothing else (LRU,
                                    FIFO; two ways or more)                    */
            uint8_t set_by_modulo; /* sets is no power of two: set = vpn % sets,
                                       not vpn & set_mask                      */
            uint8_t scanned;       /* !hashed: lookups scan the set          */
            uint8_t unused_flag;   /* (0: the union's word has no padding)  */
        };
        uint64_t fill_unusual; /* nonzero if any is: tlb_fill's one test for
                                  its usual case (the oldest to renew, nothing
                                  to settle, the set a mask away, the chains
                                  hashed)                                     */
    };
    uint8_t touch_way;       /* what tlb_touch does (tlb_touch_way_t)          */
    uint8_t touch_way_idle;  /* ... when no touch is queued                   */
    struct stamped_slot *sorting; /* scratch for tlb_settle_queue, per slot   */
    uint8_t *plru;           /* PLRU: per set `ways` bytes, node n at [n]    */
    uint32_t rng;            /* RANDOM                                      */
    /* host-side lookup help, private */
    uint64_t *valid_map;     /* per set: map_words words, bit per slot       */
    uint32_t map_words;
    bool hashed;
    tlb_node_t *bucket;      /* hash chain heads, TLB_NO_SLOT-terminated      */
};

/* fill_unusual when only `scanned` is set (little-endian, as tlb.c checks) */
#define TLB_FILL_SCANNED_ONLY ((uint64_t)1 << 8 * (offsetof(tlb_t, scanned) - offsetof(tlb_t, fill_unusual)))

extern const char *const tlb_policy_name[TLB_POLICY_COUNT]; /* by tlb_policy_t */
/* true and *out set if name is one of tlb_policy_name */
bool tlb_policy_parse(const char *name, tlb_policy_t *out);

static inline unsigned tlb_ok_bit(priv_t priv, access_t access) { return (unsigned)priv * 3u + (unsigned)access; }
/* The set of vpn: vpn % sets. */
static inline uint32_t tlb_set_of(const tlb_t *tlb, uint64_t vpn)
{
    return (uint32_t)(tlb->set_by_modulo ? vpn % tlb->sets : vpn & tlb->set_mask);
}

static inline uint32_t tlb_slot(const tlb_t *tlb, const tlb_entry_t *e) { return (uint32_t)(e - tlb->e); }
/* Slot or set head i's node (its offset), and back. */
static inline tlb_node_t tlb_node_of(uint32_t i) { return (tlb_node_t)(i * sizeof(tlb_link_t)); }
static inline uint32_t tlb_index_of(tlb_node_t n) { return n / (uint32_t)sizeof(tlb_link_t); }
static inline tlb_link_t *tlb_link(const tlb_t *tlb, size_t n)
{
    return (tlb_link_t *)((char *)tlb->link + n);
}
static inline tlb_entry_t *tlb_entry_at(const tlb_t *tlb, tlb_node_t n)
{
    return (tlb_entry_t *)((char *)tlb->e + n);
}
/* (as wide as a pointer: the node's address is an add, no narrowing first) */
static inline size_t tlb_node_of_entry(const tlb_t *tlb, const tlb_entry_t *e)
{
    return (size_t)((const char *)e - (const char *)tlb->e);
}
static inline bool tlb_entry_valid(const tlb_entry_t *e) { return e->vpn != TLB_VPN_NONE; }
static inline bool tlb_entry_global(const tlb_entry_t *e) { return e->perm & PTE_G; }

/* True if the TLB part of cfg (entries, ways, policy, asid_bits) is usable;
 * otherwise false with one sentence in err. */
bool tlb_config_check(const machine_config_t *cfg, char *err, size_t errlen);

/* A TLB of cfg's shape, all entries invalid; NULL with a message in err. */
tlb_t *tlb_create(const machine_config_t *cfg, char *err, size_t errlen);
void tlb_destroy(tlb_t *tlb);

/* Two entries matched one key: print both and abort (an invariant). */
__attribute__((noreturn, cold, noinline)) void tlb_invariant_violated(const tlb_t *tlb, const tlb_entry_t *a,
                                                                     const tlb_entry_t *b);

/* vpn's bucket (as wide as the multiply, so that indexing with it needs no widening). */
static inline uint64_t tlb_hash_wide(const tlb_t *tlb, uint64_t vpn)
{
    return (void)tlb, (vpn * 0x9e3779b97f4a7c15ull) >> (64 - TLB_HASH_BITS);
}
static inline uint32_t tlb_hash(const tlb_t *tlb, uint64_t vpn) { return (uint32_t)tlb_hash_wide(tlb, vpn); }

static inline bool tlb_entry_matches(const tlb_entry_t *e, uint64_t vpn, uint32_t asid)
{
    return e->vpn == vpn && (e->asid == asid || (e->perm & PTE_G));
}

/*
 * The entry matching (vpn, asid) or NULL; no counters, no replacement update.
 * Looks at every candidate, so that a second match is caught (and aborts).
 * In a hashed TLB it sets *hash to vpn's hash, for the fill after a miss
 * (tlb_fill_hashed), so that it need not hash vpn again.
 */
static inline __attribute__((always_inline)) tlb_entry_t *tlb_find_hashing(tlb_t *tlb, uint64_t vpn, uint32_t asid,
                                                                            uint32_t *hash)
{
    tlb_entry_t *found = NULL;
    if (tlb->hashed) { /* invalid entries are in no chain */
        const uint64_t b = tlb_hash_wide(tlb, vpn);
        *hash = (uint32_t)b;
        uint32_t s = tlb->bucket[b];
        /* expected: a lookup whose miss a fill follows (the CPU's miss
         * routine), so the miss runs straight on (tlbsim's hits take a jump) */
        if (__builtin_expect(s == TLB_NO_SLOT, 1))
            return NULL; /* the usual miss: nothing to compare, no asid to mask */
        asid &= tlb->asid_mask;
        for (; s != TLB_NO_SLOT; s = tlb_link(tlb, (tlb_node_t)s)->hnext) {
            tlb_entry_t *e = tlb_entry_at(tlb, (tlb_node_t)s);
            if (tlb_entry_matches(e, vpn, asid)) {
                if (found)
                    tlb_invariant_violated(tlb, found, e);
                found = e;
            }
        }
        return found;
    }
    if (vpn == TLB_VPN_NONE)
        return NULL; /* the vpn of invalid entries */
    asid &= tlb->asid_mask;
    tlb_entry_t *first = &tlb->e[tlb_set_of(tlb, vpn) * tlb->ways];
    for (tlb_entry_t *e = first; e < first + tlb->ways; e++) {
        if (tlb_entry_matches(e, vpn, asid)) {
            if (found)
                tlb_invariant_violated(tlb, found, e);
            found = e;
        }
    }
    return found;
}

static inline tlb_entry_t *tlb_find(tlb_t *tlb, uint64_t vpn, uint32_t asid)
{
    uint32_t hash;
    return tlb_find_hashing(tlb, vpn, asid, &hash);
}

/* --- the per-set order LRU and FIFO share: a circle of the set's slots,
 * newest, ..., oldest, and round to the newest again (older[x] is the next
 * in that direction, newer[x] the one before, so newer[newest] is the
 * oldest).  The node at index entries + s, the set's head, is no part of the
 * circle: its `older` names set s's newest slot.  Making the oldest the
 * newest, a fill's renewal, is then one store: the circle stays as it is. --- */

static inline tlb_link_t *tlb_order_head(const tlb_t *tlb, uint32_t set) { return &tlb->heads[set]; }

/* Make node n (a slot's) the newest of its set. */
static inline __attribute__((always_inline)) void tlb_order_move_to_front(tlb_t *tlb, size_t n)
{
    tlb_link_t *x = tlb_link(tlb, n), *head = tlb_link(tlb, x->head);
    const tlb_node_t newest = head->older;
    if (newest == n)
        return; /* the newest already (always, with one way) */
    const tlb_node_t newer = x->newer, older = x->older;
    tlb_link(tlb, newer)->older = older; /* unlink */
    tlb_link(tlb, older)->newer = newer;
    tlb_link_t *const was_newest = tlb_link(tlb, newest);
    const tlb_node_t oldest = was_newest->newer; /* with n out (it may have been the oldest) */
    /* relink between the newest and the oldest, and name it the newest (x's
     * two fields stored apart: gcc would merge them through a shift and an or) */
    x->newer = oldest;
    was_newest->newer = (tlb_node_t)n;
    tlb_link(tlb, oldest)->older = (tlb_node_t)n;
    x->older = newest;
    head->older = (tlb_node_t)n;
}

/* The oldest way of a set. */
static inline uint32_t tlb_order_oldest_way(const tlb_t *tlb, uint32_t set)
{
    const tlb_node_t newest = tlb_order_head(tlb, set)->older;
    return tlb_index_of(tlb_link(tlb, newest)->newer) - set * tlb->ways;
}

/* Make the oldest slot of a full set the newest and return its node: a
 * fill's victim under a policy that replaces the oldest (the head moves one
 * step round the circle; no search, no relinking). */
static inline __attribute__((always_inline)) tlb_node_t tlb_order_renew_oldest(tlb_t *tlb, uint32_t set)
{
    tlb_link_t *head = tlb_order_head(tlb, set);
    const tlb_node_t oldest = tlb_link(tlb, head->older)->newer;
    head->older = oldest;
    return oldest;
}

/* Bring the order lists up to date with the queued touches (tlb_touch_at). */
void tlb_settle_queue(tlb_t *tlb);

static inline __attribute__((always_inline)) void tlb_settle(tlb_t *tlb)
{
    if (__builtin_expect(tlb->npending != 0, 0))
        tlb_settle_queue(tlb);
}

/* tlb_touch but for its commonest cases (TLB_TOUCH_OTHER). */
void tlb_touch_other(tlb_t *tlb, uint32_t slot);

/* Replacement update for a hit on e (the policy's touch). */
static inline __attribute__((always_inline)) void tlb_touch(tlb_t *tlb, const tlb_entry_t *e)
{
    /* touch_way is NONE exactly when touch_way_idle is (a policy whose touch
     * does nothing queues nothing): the second test reads the other byte, so
     * the first compares in memory, not through a register */
    if (__builtin_expect(tlb->touch_way == TLB_TOUCH_FRONT, 1))
        tlb_order_move_to_front(tlb, tlb_node_of_entry(tlb, e));
    else if (tlb->touch_way_idle != TLB_TOUCH_NONE)
        tlb_touch_other(tlb, tlb_slot(tlb, e));
}

/* Stamp a slot's late touch, queueing the slot the first time. */
static inline __attribute__((always_inline)) void tlb_stamp_queued(tlb_t *tlb, uint32_t slot, uint64_t stamp)
{
    if (!tlb->stamp[slot]) {
        tlb->queued[tlb->npending++] = (uint16_t)slot;
        tlb->touch_way = TLB_TOUCH_OTHER; /* settle first */
    }
    tlb->stamp[slot] = stamp;
}

/*
 * tlb_touch for a hit reported late, as the `stamp`-th access (stamps grow
 * with the access sequence, and every hit reported this way comes after
 * everything tlb_touch and the fills did before it): a policy keeping the
 * order list stamps the slot and queues it, so a run of hits costs a store
 * each; the others update at once.
 */
static inline __attribute__((always_inline)) void tlb_touch_at(tlb_t *tlb, const tlb_entry_t *e, uint64_t stamp)
{
    const uint32_t slot = tlb_slot(tlb, e);
    if (tlb->front_on_touch)
        tlb_stamp_queued(tlb, slot, stamp);
    if (tlb->touch)
        tlb->touch(tlb, slot);
}

/* tlb_touch_at for touches reported in any order, where they commute
 * (tlb_touches_commute): a slot keeps the latest stamp it was given. */
static inline __attribute__((always_inline)) void tlb_touch_latest(tlb_t *tlb, const tlb_entry_t *e,
                                                                    uint64_t stamp)
{
    const uint32_t slot = tlb_slot(tlb, e);
    if (tlb->front_on_touch && tlb->stamp[slot] < stamp)
        tlb_stamp_queued(tlb, slot, stamp);
}

/* True if late touches of different entries may be reported in any order
 * (only their stamps count): the policy keeps the order list, or nothing. */
static inline bool tlb_touches_commute(const tlb_t *tlb) { return !tlb->touch; }

/* Count a hit on e (found by the caller) and update replacement. */
static inline void tlb_hit(tlb_t *tlb, const tlb_entry_t *e)
{
    tlb->hits++;
    tlb_touch(tlb, e);
}

/* True if a hit's touch moves the entry to the front of its set's order
 * (LRU, no touch queued); it stays so until a touch is reported late
 * (tlb_touch_at). */
static inline bool tlb_touches_front(const tlb_t *tlb) { return tlb->touch_way == TLB_TOUCH_FRONT; }

/* tlb_hit where tlb_touches_front holds (the caller checked it and has
 * reported no touch late since): the touch without its test. */
static inline __attribute__((always_inline)) void tlb_hit_front(tlb_t *tlb, const tlb_entry_t *e)
{
    tlb->hits++;
    tlb_order_move_to_front(tlb, tlb_node_of_entry(tlb, e));
}

/* The modeled lookup: the hit entry (counted, replacement updated) or NULL
 * (a miss, counted). */
static inline tlb_entry_t *tlb_lookup(tlb_t *tlb, uint64_t vpn, uint32_t asid)
{
    tlb_entry_t *e = tlb_find(tlb, vpn, asid);
    if (e)
        tlb_hit(tlb, e);
    else
        tlb->misses++;
    return e;
}

/* Which entry a fill replaced, and why (for explanations). */
typedef struct {
    uint32_t slot;
    bool was_valid;      /* false: the lowest invalid slot of the set was used */
    uint64_t victim_vpn; /* the vpn it held (TLB_VPN_NONE if it was invalid)  */
    uint32_t rank;       /* the policy's rank of the victim just before (tlb_read's age) */
} tlb_fill_info_t;

/* Each permission byte with its `ok` mask, as the two sit above the asid in
 * an entry's last word (perm << 16 | ok << 24): a fill writes that word in
 * one store (tlb_set_entry). */
extern uint32_t tlb_perm_ok[256];
static inline uint8_t tlb_ok_of_perm(uint8_t perm) { return (uint8_t)(tlb_perm_ok[perm] >> 24); }

/* Update an entry's permission bits in place (after a walk set A or D). */
static inline void tlb_set_perm(tlb_entry_t *e, uint8_t perm)
{
    e->perm = perm;
    e->ok = tlb_ok_of_perm(perm);
}

/* tlb_fill in every case (the inline one below handles a full TLB). */
tlb_entry_t *tlb_fill_any(tlb_t *tlb, uint64_t vpn, uint32_t asid, uint32_t ppn, uint8_t perm, tlb_fill_info_t *info);

/* The hash chains (ways > 8): node n, a valid slot's, in or out of its
 * chain (its bucket kept in the node, so that no vpn is hashed again). */

static inline __attribute__((always_inline)) void tlb_hash_remove(tlb_t *tlb, tlb_node_t n)
{
    tlb_link_t *x = tlb_link(tlb, n);
    tlb_node_t *at = &tlb->bucket[x->bucket]; /* short chains: find the link to n */
    while (*at != n)
        at = &tlb_link(tlb, *at)->hnext;
    *at = x->hnext;
}

/* hash: NULL, or vpn's hash (computed here then). */
static inline __attribute__((always_inline)) void tlb_hash_insert(tlb_t *tlb, tlb_node_t n, uint64_t vpn,
                                                                  const uint32_t *hash)
{
    const uint32_t b = hash ? *hash : tlb_hash(tlb, vpn);
    tlb_link_t *x = tlb_link(tlb, n);
    x->bucket = (uint16_t)b;
    x->hnext = tlb->bucket[b];
    tlb->bucket[b] = n;
}

/* Give node n's slot, in no hash chain, its new contents (and its chain;
 * hash as tlb_hash_insert takes it); returns its entry (the address taken
 * once: after the stores, which may alias the TLB, gcc loaded its base again). */
static inline __attribute__((always_inline)) tlb_entry_t *tlb_set_entry(tlb_t *tlb, tlb_node_t n, uint64_t vpn,
                                                                uint32_t asid, uint32_t ppn, uint8_t perm,
                                                                const uint32_t *hash, bool hashed)
{
    /* the chain first: after the entry's stores, which may alias the TLB's
     * flags, gcc tested hashed again */
    if (hashed)
        tlb_hash_insert(tlb, n, vpn, hash);
    tlb_entry_t *e = tlb_entry_at(tlb, n);
    e->vpn = vpn;
    e->ppn = ppn;
    const uint32_t asid_perm_ok = (asid & tlb->asid_mask) | tlb_perm_ok[perm]; /* asid, perm, ok */
    memcpy(&e->asid, &asid_perm_ok, sizeof asid_perm_ok);
    return e;
}

/* Take node n's valid slot out of its hash chain (hashed: tlb->hashed, or
 * a constant where the caller knows it). */
static inline __attribute__((always_inline)) void tlb_evict(tlb_t *tlb, tlb_node_t n, bool hashed)
{
    if (hashed)
        tlb_hash_remove(tlb, n);
}

/* tlb_set_entry, and tell the policy. */
static inline void tlb_write_slot(tlb_t *tlb, uint32_t slot, uint64_t vpn, uint32_t asid, uint32_t ppn, uint8_t perm)
{
    tlb_set_entry(tlb, tlb_node_of(slot), vpn, asid, ppn, perm, NULL, tlb->hashed);
    if (tlb->front_on_fill)
        tlb_order_move_to_front(tlb, tlb_node_of(slot));
    if (tlb->filled)
        tlb->filled(tlb, slot);
}

/* A fill of a full set under a policy that renews the oldest (the policy
 * needs telling nothing more). */
static inline __attribute__((always_inline)) tlb_entry_t *tlb_fill_renewing(tlb_t *tlb, uint32_t set, uint64_t vpn,
                                                                             uint32_t asid, uint32_t ppn,
                                                                             uint8_t perm, const uint32_t *hash,
                                                                             bool hashed)
{
    const tlb_node_t n = tlb_order_renew_oldest(tlb, set);
    tlb_evict(tlb, n, hashed);
    return tlb_set_entry(tlb, n, vpn, asid, ppn, perm, hash, hashed);
}

/*
 * tlb_fill, given vpn's hash in a hashed TLB (as tlb_find_hashing set it;
 * NULL: hash it here, as tlb_fill does).
 */
static inline __attribute__((always_inline)) tlb_entry_t *tlb_fill_hashed(tlb_t *tlb, uint64_t vpn, uint32_t asid,
                                                                           uint32_t ppn, uint8_t perm,
                                                                           tlb_fill_info_t *info,
                                                                           const uint32_t *hash)
{
    if (__builtin_expect(info || tlb->fill_unusual, 0)) {
        /* a scanned TLB's usual case, as quick as the hashed one's but for
         * this test (the empty asm keeps gcc from holding fill_unusual in a
         * register for it, which cost the test above a load of its own) */
        __asm__ volatile("" ::: "memory");
        if (__builtin_expect(!info && tlb->fill_unusual == TLB_FILL_SCANNED_ONLY, 1))
            return tlb_fill_renewing(tlb, (uint32_t)(vpn & tlb->set_mask), vpn, asid, ppn, perm, hash, false);
        tlb_settle(tlb);
        if (info || tlb->invalid)
            return tlb_fill_any(tlb, vpn, asid, ppn, perm, info);
        const uint32_t set = tlb_set_of(tlb, vpn);
        if (!tlb->fill_by_victim)
            return tlb_fill_renewing(tlb, set, vpn, asid, ppn, perm, hash, tlb->hashed);
        const uint32_t slot = set * tlb->ways + tlb->victim(tlb, set);
        tlb_evict(tlb, tlb_node_of(slot), tlb->hashed);
        tlb_write_slot(tlb, slot, vpn, asid, ppn, perm);
        return &tlb->e[slot];
    }
    /* the usual case: hashed (fill_unusual says so) */
    return tlb_fill_renewing(tlb, (uint32_t)(vpn & tlb->set_mask), vpn, asid, ppn, perm, hash, true);
}

/*
 * Insert (vpn, asid) -> ppn with perm (a PTE's low byte; G makes it global)
 * after a miss, replacing within set vpn % sets as documented above.  Returns
 * the filled entry; *info (if not NULL) says which entry was replaced and why.
 */
static inline __attribute__((always_inline)) tlb_entry_t *tlb_fill(tlb_t *tlb, uint64_t vpn, uint32_t asid,
                                                                    uint32_t ppn, uint8_t perm,
                                                                    tlb_fill_info_t *info)
{
    return tlb_fill_hashed(tlb, vpn, asid, ppn, perm, info, NULL);
}

/*
 * TLB_FLUSH_ALL: every entry.  TLB_FLUSH_ASID: the non-global entries tagged
 * asid.  TLB_FLUSH_PAGE: the entries matching (vpn, asid), a global one
 * included.  Returns how many entries were invalidated.
 */
uint32_t tlb_flush(tlb_t *tlb, tlb_flush_t kind, uint32_t asid, uint64_t vpn);

/* One row per slot (slot order, invalid ones included), at most max; returns
 * the rows written.  age: the policy's rank (tlb_policy.h): LRU/FIFO rank
 * among the set's valid entries, 0 = most recently used (LRU) or filled
 * (FIFO); PLRU: how many tree bits on the slot's path point at it
 * (log2(ways) = the next victim); RANDOM: 0.  vpn is truncated to 32 bits. */
int tlb_read(tlb_t *tlb, tlb_view_t *out, int max);

#endif
