/*
 * The modeled TLB (see tlb.h for the contract): set-associative storage,
 * lookup by set scan or by a chained hash on vpn, and the four replacement
 * policies.  Everything here is observable state; nothing is a host cache.
 */
#include "tlb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TLB_SCAN_MAX_WAYS 8

const char *const tlb_policy_name[4] = {"lru", "fifo", "random", "plru"};

bool tlb_policy_parse(const char *name, tlb_policy_t *out)
{
    for (int p = 0; p < 4; p++) {
        if (!strcmp(name, tlb_policy_name[p])) {
            *out = (tlb_policy_t)p;
            return true;
        }
    }
    return false;
}

static bool is_pow2(uint32_t x) { return x && !(x & (x - 1)); }

bool tlb_config_check(const machine_config_t *cfg, char *err, size_t errlen)
{
    if (cfg->tlb_entries < 1 || cfg->tlb_entries > 1024) {
        snprintf(err, errlen, "TLB entries %u out of range (1..1024)", cfg->tlb_entries);
        return false;
    }
    if (cfg->tlb_ways < 1 || cfg->tlb_ways > cfg->tlb_entries || cfg->tlb_entries % cfg->tlb_ways) {
        int n = snprintf(err, errlen, "TLB ways %u must divide the %u entries: allowed values are full or",
                         cfg->tlb_ways, cfg->tlb_entries);
        for (uint32_t w = 1; w <= cfg->tlb_entries && n >= 0 && (size_t)n < errlen; w++)
            if (cfg->tlb_entries % w == 0)
                n += snprintf(err + n, errlen - (size_t)n, " %u", w);
        return false;
    }
    if (cfg->tlb_policy > TLB_PLRU) {
        snprintf(err, errlen, "unknown TLB policy %d (allowed: lru fifo random plru)", (int)cfg->tlb_policy);
        return false;
    }
    if (cfg->tlb_policy == TLB_PLRU && !is_pow2(cfg->tlb_ways)) {
        snprintf(err, errlen, "TLB policy plru needs a power-of-two number of ways, not %u", cfg->tlb_ways);
        return false;
    }
    if (cfg->asid_bits > 16) {
        snprintf(err, errlen, "ASID bits %u out of range (0..16)", cfg->asid_bits);
        return false;
    }
    return true;
}

/* Link each set's slots into its circular list in slot order, slot 0 of
 * the set being the first victim. */
static void init_lists(tlb_t *tlb)
{
    for (uint32_t set = 0; set < tlb->sets; set++) {
        tlb_entry_t *head = &tlb->e[tlb->entries + set], *first = &tlb->e[set * tlb->ways];
        *head = (tlb_entry_t){.vpn = TLB_VPN_NONE, .slot = (uint16_t)(tlb->entries + set), .list = head,
                              .prev = first, .next = first + tlb->ways - 1};
        for (uint32_t way = 0; way < tlb->ways; way++) {
            tlb_entry_t *e = first + way;
            *e = (tlb_entry_t){.vpn = TLB_VPN_NONE, .slot = (uint16_t)(set * tlb->ways + way),
                               .way = (uint16_t)way, .list = head};
            e->prev = way + 1 < tlb->ways ? e + 1 : head;
            e->next = way > 0 ? e - 1 : head;
        }
    }
}

/* The `ok` mask of a permission byte (see tlb.h). */
static uint8_t ok_mask(uint8_t perm)
{
    uint8_t ok = 0;
    for (priv_t priv = MODE_USER; priv <= MODE_KERNEL; priv++) {
        for (access_t access = ACC_FETCH; access <= ACC_STORE; access++) {
            bool needs_update = !(perm & PTE_A) || (access == ACC_STORE && !(perm & PTE_D));
            if ((perm & PTE_V) && !needs_update && pte_access_fault(perm, access, priv) == TRAP_NONE)
                ok |= (uint8_t)(1u << tlb_ok_bit(priv, access));
        }
    }
    return ok;
}

uint8_t tlb_ok_of_perm[256];

static void init_ok_table(void)
{
    static bool ready;
    if (ready)
        return;
    for (unsigned perm = 0; perm < 256; perm++)
        tlb_ok_of_perm[perm] = ok_mask((uint8_t)perm);
    ready = true;
}

tlb_t *tlb_create(const machine_config_t *cfg, char *err, size_t errlen)
{
    if (!tlb_config_check(cfg, err, errlen))
        return NULL;
    init_ok_table();
    tlb_t *tlb = calloc(1, sizeof *tlb);
    if (!tlb) {
        snprintf(err, errlen, "out of memory for the TLB");
        return NULL;
    }
    tlb->entries = cfg->tlb_entries;
    tlb->ways = cfg->tlb_ways;
    tlb->sets = cfg->tlb_entries / cfg->tlb_ways;
    tlb->policy = cfg->tlb_policy;
    tlb->asid_mask = (1u << cfg->asid_bits) - 1;
    tlb->set_by_mask = is_pow2(tlb->sets);
    tlb->set_mask = tlb->sets - 1;
    tlb->rng = cfg->seed ? cfg->seed : 1;
    tlb->map_words = (tlb->ways + 63) / 64;
    tlb->hashed = tlb->ways > TLB_SCAN_MAX_WAYS;
    uint32_t hash_bits = 1;
    while ((1u << hash_bits) < 2 * tlb->entries)
        hash_bits++;
    tlb->hash_shift = 64 - hash_bits;
    tlb->e = calloc(tlb->entries + tlb->sets, sizeof *tlb->e);
    tlb->valid_map = calloc((size_t)tlb->sets * tlb->map_words, sizeof *tlb->valid_map);
    tlb->invalid = tlb->entries;
    tlb->plru = calloc((size_t)tlb->sets * tlb->ways, 1);
    tlb->bucket = malloc(sizeof *tlb->bucket << hash_bits);
    if (!tlb->e || !tlb->valid_map || !tlb->plru || !tlb->bucket) {
        tlb_destroy(tlb);
        snprintf(err, errlen, "out of memory for the TLB");
        return NULL;
    }
    for (uint32_t b = 0; b < 1u << hash_bits; b++)
        tlb->bucket[b] = NULL;
    init_lists(tlb);
    return tlb;
}

void tlb_destroy(tlb_t *tlb)
{
    if (!tlb)
        return;
    free(tlb->e);
    free(tlb->valid_map);
    free(tlb->plru);
    free(tlb->bucket);
    free(tlb);
}

void tlb_invariant_violated(const tlb_entry_t *a, const tlb_entry_t *b)
{
    fprintf(stderr,
            "mmulab: TLB invariant violated: slots %u and %u both match vpn 0x%llx "
            "(asids %u and %u, global %d and %d)\n",
            a->slot, b->slot, (unsigned long long)a->vpn, a->asid, b->asid, tlb_entry_global(a),
            tlb_entry_global(b));
    abort();
}

/* --- replacement state ---------------------------------------------------- */


void tlb_plru_touch(tlb_t *tlb, tlb_entry_t *e)
{
    uint8_t *bits = &tlb->plru[(size_t)tlb_entry_set(tlb, e) * tlb->ways];
    for (uint32_t node = e->way + tlb->ways; node > 1; node >>= 1)
        bits[node >> 1] = !(node & 1); /* came from the left child: point right */
}

static uint32_t plru_victim_way(const tlb_t *tlb, uint32_t set)
{
    const uint8_t *bits = &tlb->plru[(size_t)set * tlb->ways];
    uint32_t node = 1;
    while (node < tlb->ways)
        node = 2 * node + bits[node];
    return node - tlb->ways;
}

static uint32_t xorshift32(uint32_t *state)
{
    uint32_t x = *state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *state = x;
}

/* The lowest invalid way of the set, or -1 if the set is full. */
static int first_invalid_way(const tlb_t *tlb, uint32_t set)
{
    const uint64_t *map = &tlb->valid_map[(size_t)set * tlb->map_words];
    for (uint32_t w = 0; w < tlb->map_words; w++) {
        if (map[w] != UINT64_MAX) {
            uint32_t way = w * 64 + (uint32_t)__builtin_ctzll(~map[w]);
            return way < tlb->ways ? (int)way : -1;
        }
    }
    return -1;
}

/* The slot a fill replaces: the lowest invalid way, else the policy's victim. */
static tlb_entry_t *choose_victim(tlb_t *tlb, uint32_t set)
{
    int way = tlb->invalid ? first_invalid_way(tlb, set) : -1;
    if (way < 0) {
        switch (tlb->policy) {
        case TLB_LRU:
        case TLB_FIFO: return tlb->e[tlb->entries + set].prev;
        case TLB_RANDOM: way = (int)(xorshift32(&tlb->rng) % tlb->ways); break;
        case TLB_PLRU: way = (int)plru_victim_way(tlb, set); break;
        }
    }
    return &tlb->e[set * tlb->ways + (uint32_t)way];
}

/* --- contents --------------------------------------------------------------- */

static inline void set_valid_bit(tlb_t *tlb, const tlb_entry_t *e, bool valid)
{
    uint32_t way = e->way;
    uint32_t set = tlb_entry_set(tlb, e);
    uint64_t *word = &tlb->valid_map[(size_t)set * tlb->map_words + way / 64];
    uint64_t bit = 1ull << (way % 64);
    if (!(*word & bit) == !valid)
        return;
    *word ^= bit;
    tlb->invalid += valid ? -1u : 1u;
}

static void invalidate(tlb_t *tlb, tlb_entry_t *e)
{
    if (tlb->hashed)
        tlb_hash_remove(tlb, e);
    e->vpn = TLB_VPN_NONE;
    set_valid_bit(tlb, e, false);
}

tlb_entry_t *tlb_fill(tlb_t *tlb, uint64_t vpn, uint32_t asid, uint32_t ppn, uint8_t perm, uint64_t *evicted_vpn)
{
    tlb_entry_t *e = choose_victim(tlb, tlb_set_of(tlb, vpn));
    if (evicted_vpn)
        *evicted_vpn = e->vpn;
    if (!tlb_entry_valid(e))
        set_valid_bit(tlb, e, true);
    else if (tlb->hashed)
        tlb_hash_remove(tlb, e);
    tlb_write_entry(tlb, e, vpn, asid, ppn, perm);
    if (tlb->policy == TLB_PLRU)
        tlb_plru_touch(tlb, e);
    else if (e->prev != e->list)
        tlb_lru_move_to_front(tlb, e); /* LRU and FIFO: newest at the front */
    return e;
}

static bool flush_selects(const tlb_entry_t *e, tlb_flush_t kind, uint32_t asid, uint64_t vpn)
{
    switch (kind) {
    case TLB_FLUSH_ALL: return true;
    case TLB_FLUSH_ASID: return !tlb_entry_global(e) && e->asid == asid;
    case TLB_FLUSH_PAGE: return tlb_entry_matches(e, vpn, asid);
    }
    return false;
}

uint32_t tlb_flush(tlb_t *tlb, tlb_flush_t kind, uint32_t asid, uint64_t vpn)
{
    uint32_t flushed = 0;
    asid &= tlb->asid_mask;
    for (uint32_t slot = 0; slot < tlb->entries; slot++) {
        tlb_entry_t *e = &tlb->e[slot];
        if (tlb_entry_valid(e) && flush_selects(e, kind, asid, vpn)) {
            invalidate(tlb, e);
            flushed++;
        }
    }
    return flushed;
}

/* --- reading the state back ---------------------------------------------- */

static uint32_t list_rank(const tlb_t *tlb, const tlb_entry_t *e)
{
    uint32_t rank = 0;
    (void)tlb;
    for (const tlb_entry_t *newer = e->list->next; newer != e; newer = newer->next)
        rank += tlb_entry_valid(newer);
    return rank;
}

static uint32_t plru_rank(const tlb_t *tlb, const tlb_entry_t *e)
{
    const uint8_t *bits = &tlb->plru[(size_t)tlb_entry_set(tlb, e) * tlb->ways];
    uint32_t rank = 0;
    for (uint32_t node = e->way + tlb->ways; node > 1; node >>= 1)
        rank += bits[node >> 1] == (node & 1);
    return rank;
}

static uint32_t replacement_rank(const tlb_t *tlb, const tlb_entry_t *e)
{
    switch (tlb->policy) {
    case TLB_LRU:
    case TLB_FIFO: return list_rank(tlb, e);
    case TLB_PLRU: return plru_rank(tlb, e);
    case TLB_RANDOM: return 0;
    }
    return 0;
}

int tlb_read(const tlb_t *tlb, tlb_view_t *out, int max)
{
    int rows = 0;
    for (uint32_t slot = 0; slot < tlb->entries && rows < max; slot++, rows++) {
        const tlb_entry_t *e = &tlb->e[slot];
        tlb_view_t *v = &out[rows];
        v->valid = tlb_entry_valid(e);
        v->global = v->valid && tlb_entry_global(e);
        v->asid = e->asid;
        v->vpn = v->valid ? (uint32_t)e->vpn : 0;
        v->ppn = e->ppn;
        v->perm = e->perm;
        v->dirty = (e->perm & PTE_D) ? 1 : 0;
        v->age = v->valid ? replacement_rank(tlb, e) : 0;
    }
    return rows;
}
