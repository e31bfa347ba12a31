/*
 * The modeled TLB: state, not a speed trick.  Its hits, misses and
 * replacement state are what we measure and what the RTL must match, so an
 * entry is shaped like hardware (valid, vpn, ppn, asid, PTE permission bits)
 * and every rule below is part of the contract (docs/mmu.md, "TLB").
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
 * slot first.  Otherwise
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
 * Speed: lookups scan the set's slots when ways <= 8, and go through a small
 * chained hash on vpn otherwise; the LRU/FIFO order is a doubly linked list
 * per set, so a touch and a victim are O(1).
 *
 * The CPU's fast path may keep a pointer to the entry it last hit for each
 * access kind and re-validate it with one compare (e->vpn == vpn: an invalid
 * entry holds TLB_VPN_NONE, never a real vpn) plus its `ok` bit for the
 * access, then call tlb_hit().  It must drop those pointers whenever the ASID
 * changes.  When `ok` is clear on a hit, either the access faults
 * (pte_access_fault(e->perm, ...) != TRAP_NONE; no walk) or A/D must be set:
 * walk again and update the entry with tlb_set_perm().
 */
#ifndef MMULAB_TLB_H
#define MMULAB_TLB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../machine/machine.h"
#include "pte.h"

#define TLB_VPN_NONE UINT64_MAX /* the vpn of an invalid entry             */

typedef struct tlb_entry {
    uint64_t vpn;    /* TLB_VPN_NONE when invalid                              */
    uint32_t ppn;
    uint16_t asid;
    uint8_t perm;    /* the PTE's low byte: V R W X U G A D (pte.h)           */
    uint8_t ok;      /* bit tlb_ok_bit(priv, access): allowed with no fault and
                        no A/D update (loads need A, stores A and D)         */
    struct tlb_entry *prev;  /* the set's circular LRU/FIFO list: towards the newest */
    struct tlb_entry *next;  /* towards the next victim                      */
    struct tlb_entry *hprev; /* the hash chain (ways > 8), NULL-terminated   */
    struct tlb_entry *hnext;
    struct tlb_entry *list;  /* fixed: the set's list head, an extra entry   */
                             /* after the real ones (next: the newest entry,  */
                             /* prev: the next victim)                        */
    uint16_t bucket;         /* the hash chain's bucket                       */
    uint16_t slot;           /* fixed: this slot and its way in the set       */
    uint16_t way;
} tlb_entry_t;

typedef struct {
    tlb_entry_t *e;          /* entries slots, then one list head per set   */
    uint32_t entries, ways, sets;
    tlb_policy_t policy;
    uint32_t asid_mask;
    uint64_t set_mask;       /* sets - 1                                      */
    bool set_by_mask;        /* sets is a power of two: set = vpn & set_mask */
    uint64_t hits, misses;
    /* private below */
    uint64_t *valid_map;     /* per set: map_words words, bit per slot       */
    uint32_t map_words;
    uint32_t invalid;        /* invalid entries in the whole TLB              */
    uint8_t *plru;           /* per set: `ways` bytes, node n at [n]          */
    tlb_entry_t **bucket;    /* hash chain heads when hashed                  */
    uint32_t hash_shift;
    bool hashed;
    uint32_t rng;
} tlb_t;

extern const char *const tlb_policy_name[4]; /* "lru" "fifo" "random" "plru", by tlb_policy_t */
/* true and *out set if name is one of tlb_policy_name */
bool tlb_policy_parse(const char *name, tlb_policy_t *out);

static inline unsigned tlb_ok_bit(priv_t priv, access_t access) { return (unsigned)priv * 3u + (unsigned)access; }
/* The set of vpn: vpn % sets. */
static inline uint32_t tlb_set_of(const tlb_t *tlb, uint64_t vpn)
{
    return (uint32_t)(tlb->set_by_mask ? vpn & tlb->set_mask : vpn % tlb->sets);
}

/* The set of an entry (its list head is entry `entries + set`). */
static inline uint32_t tlb_entry_set(const tlb_t *tlb, const tlb_entry_t *e)
{
    return (uint32_t)(e->list - tlb->e) - tlb->entries;
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
__attribute__((noreturn, cold, noinline)) void tlb_invariant_violated(const tlb_entry_t *a, const tlb_entry_t *b);

static inline uint32_t tlb_hash(const tlb_t *tlb, uint64_t vpn)
{
    return (uint32_t)((vpn * 0x9e3779b97f4a7c15ull) >> tlb->hash_shift);
}

static inline bool tlb_entry_matches(const tlb_entry_t *e, uint64_t vpn, uint32_t asid)
{
    return e->vpn == vpn && (e->asid == asid || (e->perm & PTE_G));
}

/*
 * The entry matching (vpn, asid) or NULL; no counters, no replacement update.
 * Looks at every candidate, so that a second match is caught (and aborts).
 */
static inline tlb_entry_t *tlb_find(tlb_t *tlb, uint64_t vpn, uint32_t asid)
{
    tlb_entry_t *found = NULL;
    asid &= tlb->asid_mask;
    if (tlb->hashed) {
        for (tlb_entry_t *e = tlb->bucket[tlb_hash(tlb, vpn)]; e; e = e->hnext) {
            if (tlb_entry_matches(e, vpn, asid)) {
                if (found)
                    tlb_invariant_violated(found, e);
                found = e;
            }
        }
        return found;
    }
    if (vpn == TLB_VPN_NONE)
        return NULL; /* the vpn of invalid entries */
    tlb_entry_t *first = &tlb->e[tlb_set_of(tlb, vpn) * tlb->ways];
    for (tlb_entry_t *e = first; e < first + tlb->ways; e++) {
        if (tlb_entry_matches(e, vpn, asid)) {
            if (found)
                tlb_invariant_violated(found, e);
            found = e;
        }
    }
    return found;
}

/* Make e the most recent entry of its set's list. */
static inline void tlb_lru_move_to_front(tlb_t *tlb, tlb_entry_t *e)
{
    tlb_entry_t *head = e->list;
    (void)tlb;
    e->prev->next = e->next; /* unlink */
    e->next->prev = e->prev;
    e->prev = head; /* relink just after the head */
    e->next = head->next;
    head->next->prev = e;
    head->next = e;
}

void tlb_plru_touch(tlb_t *tlb, tlb_entry_t *e);

/* Replacement update for a hit on e, O(1). */
static inline void tlb_touch(tlb_t *tlb, tlb_entry_t *e)
{
    if (tlb->policy == TLB_LRU) {
        if (e->prev != e->list)
            tlb_lru_move_to_front(tlb, e);
    } else if (tlb->policy == TLB_PLRU) {
        tlb_plru_touch(tlb, e);
    }
}

/* Count a hit on e (found by the caller, e.g. a re-validated cached pointer). */
static inline void tlb_hit(tlb_t *tlb, tlb_entry_t *e)
{
    tlb->hits++;
    tlb_touch(tlb, e);
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

/*
 * Insert (vpn, asid) -> ppn with perm (a PTE's low byte; G makes it global)
 * after a miss, replacing within set vpn % sets as documented above.  Returns
 * the filled entry; *evicted_vpn (if not NULL) gets the vpn it replaced or
 * TLB_VPN_NONE.
 */
tlb_entry_t *tlb_fill(tlb_t *tlb, uint64_t vpn, uint32_t asid, uint32_t ppn, uint8_t perm, uint64_t *evicted_vpn);

extern uint8_t tlb_ok_of_perm[256]; /* the `ok` mask of each permission byte */

/* Update an entry's permission bits in place (after a walk set A or D). */
static inline void tlb_set_perm(tlb_entry_t *e, uint8_t perm)
{
    e->perm = perm;
    e->ok = tlb_ok_of_perm[perm];
}

static inline void tlb_hash_remove(tlb_t *tlb, tlb_entry_t *e)
{
    if (e->hprev)
        e->hprev->hnext = e->hnext;
    else
        tlb->bucket[e->bucket] = e->hnext;
    if (e->hnext)
        e->hnext->hprev = e->hprev;
}

static inline void tlb_hash_insert(tlb_t *tlb, tlb_entry_t *e)
{
    e->bucket = (uint16_t)tlb_hash(tlb, e->vpn);
    e->hprev = NULL;
    e->hnext = tlb->bucket[e->bucket];
    if (e->hnext)
        e->hnext->hprev = e;
    tlb->bucket[e->bucket] = e;
}

/* Give slot e, in no hash chain, its new contents (and its chain). */
static inline void tlb_write_entry(tlb_t *tlb, tlb_entry_t *e, uint64_t vpn, uint32_t asid, uint32_t ppn,
                                   uint8_t perm)
{
    e->vpn = vpn;
    e->ppn = ppn;
    e->asid = (uint16_t)(asid & tlb->asid_mask);
    tlb_set_perm(e, perm);
    if (tlb->hashed)
        tlb_hash_insert(tlb, e);
}

/*
 * tlb_fill, with the common case inline: LRU or FIFO with every entry valid,
 * where the set's list names the victim and the filled entry becomes its
 * newest.  Simulators that fill on most references (the CPU's miss path,
 * tlbsim) call this one.
 */
static inline tlb_entry_t *tlb_fill_fast(tlb_t *tlb, uint64_t vpn, uint32_t asid, uint32_t ppn, uint8_t perm)
{
    if (tlb->policy > TLB_FIFO || tlb->invalid)
        return tlb_fill(tlb, vpn, asid, ppn, perm, NULL);
    tlb_entry_t *e = tlb->e[tlb->entries + tlb_set_of(tlb, vpn)].prev;
    if (tlb->hashed)
        tlb_hash_remove(tlb, e);
    tlb_write_entry(tlb, e, vpn, asid, ppn, perm);
    tlb_lru_move_to_front(tlb, e); /* harmless when it is the newest already (one way) */
    return e;
}

/*
 * TLB_FLUSH_ALL: every entry.  TLB_FLUSH_ASID: the non-global entries tagged
 * asid.  TLB_FLUSH_PAGE: the entries matching (vpn, asid), a global one
 * included.  Returns how many entries were invalidated.
 */
uint32_t tlb_flush(tlb_t *tlb, tlb_flush_t kind, uint32_t asid, uint64_t vpn);

/* One row per slot (slot order, invalid ones included), at most max; returns
 * the rows written.  age: LRU/FIFO rank among the set's valid entries, 0 =
 * most recently used (LRU) or filled (FIFO); PLRU: how many tree bits on the
 * slot's path point at it (log2(ways) = the next victim); RANDOM: 0.
 * vpn is truncated to 32 bits. */
int tlb_read(const tlb_t *tlb, tlb_view_t *out, int max);

#endif
