/*
 * The modeled TLB (see tlb.h for the contract): set-associative storage,
 * lookup by set scan or by a chained hash on vpn, fills that take the
 * lowest invalid slot or ask the policy (tlb_policy.h) for a victim.
 * Everything here is observable state; nothing is a host cache.
 */
#include "tlb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tlb_policy.h"

#define TLB_SCAN_MAX_WAYS 8

_Static_assert(sizeof(tlb_entry_t) == 16, "a slot is a shift away");
_Static_assert(offsetof(tlb_entry_t, asid) == 12 && offsetof(tlb_entry_t, perm) == 14 &&
                   offsetof(tlb_entry_t, ok) == 15 && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
               "asid, perm and ok are an entry's last word, low to high (tlb_perm_ok)");
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ && TLB_FILL_SCANNED_ONLY == (uint64_t)1 << 48,
               "fill_unusual's bytes in field order, low to high (TLB_FILL_SCANNED_ONLY)");
_Static_assert(sizeof(tlb_link_t) == sizeof(tlb_entry_t), "a node's offset is its entry's");
_Static_assert(TLB_NO_SLOT == UINT16_MAX, "an empty chain is all ones (tlb_create's memset)");
_Static_assert((1024 + 1024) * sizeof(tlb_link_t) <= TLB_NO_SLOT, "every node's offset fits a tlb_node_t");
_Static_assert(sizeof(((tlb_t *)0)->fill_unusual) == 2 * sizeof(uint16_t) + 4,
               "fill_unusual covers its six fields and no padding");

#define TLB_POLICY_NAME(e, name) [TLB_##e] = #name,
const char *const tlb_policy_name[TLB_POLICY_COUNT] = {TLB_POLICY_TABLE(TLB_POLICY_NAME)};
#undef TLB_POLICY_NAME

#define TLB_POLICY_OPS(e, name) [TLB_##e] = &tlb_policy_##name,
static const tlb_policy_ops_t *const policy_ops[TLB_POLICY_COUNT] = {TLB_POLICY_TABLE(TLB_POLICY_OPS)};
#undef TLB_POLICY_OPS

bool tlb_policy_parse(const char *name, tlb_policy_t *out)
{
    for (int p = 0; p < TLB_POLICY_COUNT; p++) {
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
    if ((unsigned)cfg->tlb_policy >= TLB_POLICY_COUNT) {
        snprintf(err, errlen, "unknown TLB policy %d (allowed: lru fifo random plru)", (int)cfg->tlb_policy);
        return false;
    }
    if (policy_ops[cfg->tlb_policy]->pow2_ways && !is_pow2(cfg->tlb_ways)) {
        snprintf(err, errlen, "TLB policy %s needs a power-of-two number of ways, not %u",
                 tlb_policy_name[cfg->tlb_policy], cfg->tlb_ways);
        return false;
    }
    if (cfg->asid_bits > 16) {
        snprintf(err, errlen, "ASID bits %u out of range (0..16)", cfg->asid_bits);
        return false;
    }
    return true;
}

/* Each set's order in slot order, way 0 the oldest (tlb_policy.h): a circle
 * of its slots, its head naming the last way as the newest. */
static void init_order(tlb_t *tlb)
{
    for (uint32_t set = 0; set < tlb->sets; set++) {
        uint32_t head = tlb->entries + set, first = set * tlb->ways, last = first + tlb->ways - 1;
        tlb->link[head] = (tlb_link_t){.older = tlb_node_of(last), .newer = TLB_NO_SLOT, .hnext = TLB_NO_SLOT,
                                       .head = tlb_node_of(head)};
        for (uint32_t slot = first; slot <= last; slot++)
            tlb->link[slot] = (tlb_link_t){.older = tlb_node_of(slot > first ? slot - 1 : last),
                                           .newer = tlb_node_of(slot < last ? slot + 1 : first),
                                           .hnext = TLB_NO_SLOT,
                                           .head = tlb_node_of(head)};
    }
}

typedef struct stamped_slot {
    uint64_t stamp;
    uint32_t slot;
} stamped_slot_t;

static int by_stamp(const void *a, const void *b)
{
    const uint64_t x = ((const stamped_slot_t *)a)->stamp, y = ((const stamped_slot_t *)b)->stamp;
    return (x > y) - (x < y);
}

/* The queued slots in stamp order: by insertion when a handful (the usual
 * case, nearly in order already), else through the scratch array. */
static void sort_queue(tlb_t *tlb)
{
    uint16_t *q = tlb->queued;
    const uint32_t n = tlb->npending;
    if (n > 16) {
        for (uint32_t i = 0; i < n; i++)
            tlb->sorting[i] = (stamped_slot_t){tlb->stamp[q[i]], q[i]};
        qsort(tlb->sorting, n, sizeof *tlb->sorting, by_stamp);
        for (uint32_t i = 0; i < n; i++)
            q[i] = (uint16_t)tlb->sorting[i].slot;
        return;
    }
    for (uint32_t i = 1; i < n; i++) {
        const uint16_t x = q[i];
        uint32_t j = i;
        for (; j && tlb->stamp[q[j - 1]] > tlb->stamp[x]; j--)
            q[j] = q[j - 1];
        q[j] = x;
    }
}

/* What tlb_touch does when no touch is queued. */
static uint8_t idle_touch_way(const tlb_t *tlb)
{
    return tlb->ops->touch ? TLB_TOUCH_OTHER : tlb->ops->front_on_touch ? TLB_TOUCH_FRONT : TLB_TOUCH_NONE;
}

void tlb_settle_queue(tlb_t *tlb)
{
    sort_queue(tlb);
    for (uint32_t i = 0; i < tlb->npending; i++) {
        tlb_order_move_to_front(tlb, tlb_node_of(tlb->queued[i]));
        tlb->stamp[tlb->queued[i]] = 0;
    }
    tlb->npending = 0;
    tlb->touch_way = tlb->touch_way_idle;
}

void tlb_touch_other(tlb_t *tlb, uint32_t slot)
{
    tlb_settle(tlb);
    if (tlb->front_on_touch)
        tlb_order_move_to_front(tlb, tlb_node_of(slot));
    if (tlb->touch)
        tlb->touch(tlb, slot);
}

uint32_t tlb_order_rank(const tlb_t *tlb, uint32_t slot)
{
    uint32_t rank = 0;
    const tlb_node_t n = tlb_node_of(slot);
    const tlb_link_t *head = tlb_link(tlb, tlb_link(tlb, n)->head);
    for (tlb_node_t newer = head->older; newer != n; newer = tlb_link(tlb, newer)->older)
        rank += tlb_entry_valid(tlb_entry_at(tlb, newer));
    return rank;
}

/* The `ok` mask of a permission byte (see tlb.h). */
static uint8_t ok_mask(uint8_t perm)
{
    if (!(perm & PTE_V) || !(perm & PTE_A))
        return 0; /* invalid, or every access must set A first */
    uint8_t ok = 0;
    for (priv_t priv = MODE_USER; priv <= MODE_KERNEL; priv++) {
        for (access_t access = ACC_FETCH; access <= ACC_STORE; access++) {
            bool needs_update = access == ACC_STORE && !(perm & PTE_D);
            if (!needs_update && pte_access_fault(perm, access, priv) == TRAP_NONE)
                ok |= (uint8_t)(1u << tlb_ok_bit(priv, access));
        }
    }
    return ok;
}

uint32_t tlb_perm_ok[256];

static void init_ok_table(void)
{
    static bool ready;
    if (ready)
        return;
    for (unsigned perm = 0; perm < 256; perm++)
        tlb_perm_ok[perm] = perm << 16 | (uint32_t)ok_mask((uint8_t)perm) << 24;
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
    tlb->ops = policy_ops[cfg->tlb_policy];
    tlb->front_on_touch = tlb->ops->front_on_touch;
    tlb->front_on_fill = tlb->ops->front_on_fill;
    tlb->fill_by_victim = !(tlb->ops->victim_oldest && tlb->ops->front_on_fill && !tlb->ops->filled && tlb->ways > 1);
    tlb->touch_way = tlb->touch_way_idle = idle_touch_way(tlb);
    tlb->touch = tlb->ops->touch;
    tlb->victim = tlb->ops->victim;
    tlb->filled = tlb->ops->filled;
    tlb->asid_mask = (1u << cfg->asid_bits) - 1;
    tlb->set_by_modulo = !is_pow2(tlb->sets);
    tlb->set_mask = tlb->sets - 1;
    tlb->rng = cfg->seed ? cfg->seed : 1;
    tlb->map_words = (tlb->ways + 63) / 64;
    tlb->hashed = tlb->ways > TLB_SCAN_MAX_WAYS;
    tlb->scanned = !tlb->hashed;
    size_t nodes = (size_t)tlb->entries + tlb->sets;
    tlb->e = calloc(tlb->entries, sizeof *tlb->e);
    tlb->link = calloc(nodes, sizeof *tlb->link);
    tlb->heads = tlb->link ? tlb->link + tlb->entries : NULL;
    tlb->stamp = calloc(tlb->entries, sizeof *tlb->stamp);
    tlb->queued = calloc(tlb->entries, sizeof *tlb->queued);
    tlb->sorting = calloc(tlb->entries, sizeof *tlb->sorting);
    tlb->valid_map = calloc((size_t)tlb->sets * tlb->map_words, sizeof *tlb->valid_map);
    tlb->invalid = (uint16_t)tlb->entries;
    tlb->plru = calloc((size_t)tlb->sets * tlb->ways, 1);
    tlb->bucket = tlb->hashed ? malloc(sizeof *tlb->bucket << TLB_HASH_BITS) : NULL;
    if (!tlb->e || !tlb->link || !tlb->stamp || !tlb->queued || !tlb->sorting || !tlb->valid_map || !tlb->plru ||
        (tlb->hashed && !tlb->bucket)) {
        tlb_destroy(tlb);
        snprintf(err, errlen, "out of memory for the TLB");
        return NULL;
    }
    if (tlb->hashed) /* every chain empty: TLB_NO_SLOT is all ones */
        memset(tlb->bucket, 0xff, sizeof *tlb->bucket << TLB_HASH_BITS);
    for (uint32_t slot = 0; slot < tlb->entries; slot++)
        tlb->e[slot].vpn = TLB_VPN_NONE;
    init_order(tlb);
    return tlb;
}

void tlb_destroy(tlb_t *tlb)
{
    if (!tlb)
        return;
    free(tlb->e);
    free(tlb->link);
    free(tlb->stamp);
    free(tlb->queued);
    free(tlb->sorting);
    free(tlb->valid_map);
    free(tlb->plru);
    free(tlb->bucket);
    free(tlb);
}

void tlb_invariant_violated(const tlb_t *tlb, const tlb_entry_t *a, const tlb_entry_t *b)
{
    fprintf(stderr,
            "mmulab: TLB invariant violated: slots %u and %u both match vpn 0x%llx "
            "(asids %u and %u, global %d and %d)\n",
            tlb_slot(tlb, a), tlb_slot(tlb, b), (unsigned long long)a->vpn, a->asid, b->asid, tlb_entry_global(a),
            tlb_entry_global(b));
    abort();
}

/* --- contents --------------------------------------------------------------- */

static void set_valid_bit(tlb_t *tlb, uint32_t slot, bool valid)
{
    uint32_t set = slot / tlb->ways, way = slot % tlb->ways;
    uint64_t *word = &tlb->valid_map[(size_t)set * tlb->map_words + way / 64];
    uint64_t bit = 1ull << (way % 64);
    if (!(*word & bit) == !valid)
        return;
    *word ^= bit;
    tlb->invalid = (uint16_t)(tlb->invalid + (valid ? -1 : 1));
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

static void invalidate(tlb_t *tlb, uint32_t slot)
{
    if (tlb->hashed)
        tlb_hash_remove(tlb, tlb_node_of(slot));
    tlb->e[slot].vpn = TLB_VPN_NONE;
    set_valid_bit(tlb, slot, false);
}

tlb_entry_t *tlb_fill_any(tlb_t *tlb, uint64_t vpn, uint32_t asid, uint32_t ppn, uint8_t perm, tlb_fill_info_t *info)
{
    tlb_settle(tlb);
    const uint32_t set = tlb_set_of(tlb, vpn);
    int way = tlb->invalid ? first_invalid_way(tlb, set) : -1;
    const bool was_valid = way < 0;
    if (was_valid)
        way = (int)tlb->ops->victim(tlb, set);
    const uint32_t slot = set * tlb->ways + (uint32_t)way;
    tlb_entry_t *e = &tlb->e[slot];
    if (info)
        *info = (tlb_fill_info_t){slot, was_valid, e->vpn, was_valid ? tlb->ops->rank(tlb, slot) : 0};
    if (!was_valid)
        set_valid_bit(tlb, slot, true);
    else if (tlb->hashed)
        tlb_hash_remove(tlb, tlb_node_of(slot));
    tlb_write_slot(tlb, slot, vpn, asid, ppn, perm);
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

/* A page's flush looks only where vpn can be: its hash chain (which holds
 * valid entries only) or its set; the OS flushes a page per page it drops. */
static uint32_t flush_page(tlb_t *tlb, uint32_t asid, uint64_t vpn)
{
    uint32_t flushed = 0;
    if (tlb->hashed) {
        for (tlb_node_t n = tlb->bucket[tlb_hash(tlb, vpn)], next; n != TLB_NO_SLOT; n = next) {
            next = tlb_link(tlb, n)->hnext;
            if (tlb_entry_matches(tlb_entry_at(tlb, n), vpn, asid)) {
                invalidate(tlb, tlb_index_of(n));
                flushed++;
            }
        }
        return flushed;
    }
    const uint32_t first = tlb_set_of(tlb, vpn) * tlb->ways;
    for (uint32_t slot = first; slot < first + tlb->ways; slot++)
        if (tlb_entry_valid(&tlb->e[slot]) && tlb_entry_matches(&tlb->e[slot], vpn, asid)) {
            invalidate(tlb, slot);
            flushed++;
        }
    return flushed;
}

uint32_t tlb_flush(tlb_t *tlb, tlb_flush_t kind, uint32_t asid, uint64_t vpn)
{
    uint32_t flushed = 0;
    asid &= tlb->asid_mask;
    if (kind == TLB_FLUSH_PAGE)
        return flush_page(tlb, asid, vpn);
    for (uint32_t slot = 0; slot < tlb->entries; slot++) {
        tlb_entry_t *e = &tlb->e[slot];
        if (tlb_entry_valid(e) && flush_selects(e, kind, asid, vpn)) {
            invalidate(tlb, slot);
            flushed++;
        }
    }
    return flushed;
}

int tlb_read(tlb_t *tlb, tlb_view_t *out, int max)
{
    tlb_settle(tlb); /* the ranks come from the order */
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
        v->age = v->valid ? tlb->ops->rank(tlb, slot) : 0;
    }
    return rows;
}
