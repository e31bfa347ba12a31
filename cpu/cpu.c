/*
 * The C model of the hardware: a multi-cycle, in-order CPU with its MMU and
 * physical memory, behind the machine interface (machine/machine.h).
 *
 * One instruction at a time: fetch (translate, read memory), execute,
 * optionally one data access (translate, read or write memory).  The cycles
 * of an instruction follow the timing contract in docs/timing.md; they are
 * precomputed per opcode (cost[]) whenever the MMU mode changes.  A trap
 * stops the run with the cause, the PC and the addresses in `trap`; the OS
 * layer decides what happens next.
 *
 * The semantics are written once, in exec_op().  Two paths use them:
 *  - the reference path runs one instruction with everything observable
 *    (counters, traps, the retirement record); single steps use it, and so
 *    does the fast path whenever anything unusual happens;
 *  - the fast path runs decoded blocks (blocks.h) while instructions
 *    complete in the ordinary way, through a threaded dispatch (one
 *    handler per opcode, each exec_op with its opcode a constant), and
 *    hands the first one that would trap (or miss in the TLB) to the
 *    reference path before touching anything.
 * Counters and cycles on the fast path come from the block's prefix sums,
 * so both paths give the same numbers by construction.
 */
#include <stdlib.h>
#include <string.h>

#include "../mmu/contiguous.h"
#include "blocks.h"
#include "cpu_internal.h"
#include "paged.h"

_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "the model reads guest words with host loads");

#define LIKELY(x) __builtin_expect(!!(x), 1)
#define UNLIKELY(x) __builtin_expect(!!(x), 0)

/* ---- hot state -------------------------------------------------------------
 *
 * The loops keep the PC, the clock, the counters and the flags in locals
 * (host registers): guest stores go through a byte pointer, which may alias
 * anything in memory, so state left in *cm would be reloaded after each one.
 * `zn` is the last result that set Z and N.
 */
typedef struct {
    uint32_t pc;
    uint64_t cycles, instret, loads, stores;
    uint32_t zn;
    bool c, v;
} hot_t;

static ALWAYS_INLINE hot_t hot_load(const cmodel_t *cm)
{
    uint32_t f = cm->s.flags;
    hot_t h = {cm->s.pc, cm->cycles, cm->cnt.instructions, cm->cnt.loads, cm->cnt.stores, 0, false, false};
    h.zn = (f & FLAG_Z) ? 0 : (f & FLAG_N) ? 0x80000000u : 1;
    h.c = f & FLAG_C;
    h.v = f & FLAG_V;
    return h;
}

static ALWAYS_INLINE void hot_store(cmodel_t *cm, const hot_t *h)
{
    cm->s.pc = h->pc;
    cm->cycles = h->cycles;
    cm->cnt.instructions = h->instret;
    cm->cnt.loads = h->loads;
    cm->cnt.stores = h->stores;
    cm->s.flags = (h->zn == 0 ? FLAG_Z : 0) | (h->zn >> 31 ? FLAG_N : 0) | (h->c ? FLAG_C : 0) | (h->v ? FLAG_V : 0);
}

static ALWAYS_INLINE uint32_t alu_add(hot_t *h, uint32_t a, uint32_t b)
{
    uint32_t r = a + b;
    h->zn = r;
    h->c = r < a;
    h->v = ((a ^ r) & (b ^ r)) >> 31;
    return r;
}

static ALWAYS_INLINE uint32_t alu_sub(hot_t *h, uint32_t a, uint32_t b)
{
    uint32_t r = a - b;
    h->zn = r;
    h->c = a < b;
    h->v = ((a ^ b) & (a ^ r)) >> 31;
    return r;
}

/* Logic, shifts, MUL, DIVU, REMU: Z and N from the result, C and V cleared. */
static ALWAYS_INLINE uint32_t alu_logic(hot_t *h, uint32_t r)
{
    h->zn = r;
    h->c = h->v = false;
    return r;
}

/* INC and DEC keep C, as on most classic machines, so loops can carry. */
static ALWAYS_INLINE uint32_t alu_incdec(hot_t *h, uint32_t a, uint32_t r, uint32_t overflow_at)
{
    h->zn = r;
    h->v = a == overflow_at;
    return r;
}

/* The flag-lean variants (blocks.h): Z and N, or Z, N and C, nothing more. */
static ALWAYS_INLINE uint32_t set_zn(hot_t *h, uint32_t r)
{
    h->zn = r;
    return r;
}

static ALWAYS_INLINE uint32_t add_znc(hot_t *h, uint32_t a, uint32_t b)
{
    h->zn = a + b;
    h->c = h->zn < a;
    return h->zn;
}

static ALWAYS_INLINE uint32_t sub_znc(hot_t *h, uint32_t a, uint32_t b)
{
    h->zn = a - b;
    h->c = a < b;
    return h->zn;
}

static ALWAYS_INLINE bool flag_z(const hot_t *h) { return h->zn == 0; }
static ALWAYS_INLINE bool flag_lt(const hot_t *h) { return (h->zn >> 31) != h->v; } /* N != V */

/* ---- translation -------------------------------------------------------- */

/* What a run needs at hand, copied into locals so that guest stores (through
 * a byte pointer, which may alias anything) do not force reloads. */
typedef struct {
    uint32_t base;
    uint64_t reach;     /* user accesses below it need no further check   */
    uint32_t word_lim;  /* (reach - 4) / 4: see word_fits()               */
    uint32_t *r;        /* the register file                              */
    uint8_t *mem;       /* physical memory                                */
    uint8_t *host;      /* mem + base: where logical address 0 lives      */
    uint8_t *code_map;  /* granules holding decoded code                  */
    const paged_shortcut_t *const (*shortcut_index)[PAGED_SHORTCUTS]; /* paged mode: per access kind */
    uint32_t page_shift;
    uint32_t page_mask;      /* ~(page_size - 1): a byte's page            */
    uint32_t page_word_mask; /* page_mask | 3: a misaligned word matches no page */
} run_consts_t;

static ALWAYS_INLINE run_consts_t run_consts(cmodel_t *cm, mmu_mode_t mode)
{
    (void)mode; /* the registers say it; callers pass it as a constant */
    uint32_t base = contiguous_base(&cm->mmu.regs, cm->s.priv);
    uint64_t reach = contiguous_reach(&cm->mmu.regs, cm->mem_size, cm->s.priv);
    uint32_t word_lim = reach >= 4 ? (uint32_t)((reach - 4) >> 2) : 0;
    return (run_consts_t){base,
                          reach,
                          word_lim,
                          cm->s.r,
                          cm->mem,
                          cm->mem + base,
                          cm->code_map,
                          (const paged_shortcut_t *const (*)[PAGED_SHORTCUTS])cm->paged->index,
                          cm->paged->page_shift,
                          ~(cm->paged->page_size - 1),
                          ~(cm->paged->page_size - 1) | 3};
}

/*
 * An aligned word access that lies below reach, in one compare: rotating
 * right by 2 moves the two alignment bits to the top, so a misaligned
 * address becomes larger than any word index below reach.  (Blocks only run
 * when reach >= 4, so word_lim is meaningful there.)
 */
static ALWAYS_INLINE bool word_fits(const run_consts_t *x, uint32_t va)
{
    return ((va >> 2) | (va << 30)) <= x->word_lim;
}

/* The slow side of a contiguous-mode check: the relocation unit
 * (mmu/contiguous.h) says which fault, and where the access went. */
static NOINLINE trap_cause_t contiguous_fault(cmodel_t *cm, uint32_t va, uint32_t size)
{
    return contiguous_translate(&cm->mmu.regs, cm->mem_size, cm->s.priv, va, size, &cm->trap.paddr);
}

/* Segmented mode: the unit translates (mmu/seg.h); a descriptor-cache
 * miss's table reads are added to *extra. */
static NOINLINE trap_cause_t seg_access(cmodel_t *cm, uint32_t va, uint32_t size, access_t acc, uint32_t *pa,
                                        uint64_t *extra)
{
    mmu_xlate_t x;
    trap_cause_t cause = mmu_translate(&cm->mmu, va, size, acc, cm->s.priv, cm->cycles,
                                       cm->observing ? &cm->last_xlate : NULL, &x);
    *extra += x.cycles;
    if (cause) {
        cm->trap.paddr = x.paddr;
        return cause;
    }
    *pa = x.paddr;
    return TRAP_NONE;
}

/*
 * Translate one access.  Returns TRAP_NONE with *pa set, or the fault with
 * cm->trap.paddr set to the physical address it would have reached (on the
 * fast path just "not here", with nothing recorded).  Word alignment is the
 * caller's check.  Extra cycles beyond the constant per-access cost (a TLB
 * miss's walk) are added to *extra.  `now` is the cycle the access is made,
 * which stamps a walk's events.
 */
static ALWAYS_INLINE trap_cause_t translate(cmodel_t *cm, mmu_mode_t mode, bool fast, const run_consts_t *x,
                                            uint32_t va, uint32_t size, access_t acc, uint64_t now, uint32_t *pa,
                                            uint64_t *extra)
{
    if (mode == MMU_PAGED)
        return paged_translate(cm, va, acc, now, pa, extra);
    if (mode == MMU_SEG)
        return seg_access(cm, va, size, acc, pa, extra);
    if (LIKELY((uint64_t)va + size <= x->reach)) {
        *pa = x->base + va;
        return TRAP_NONE;
    }
    return fast ? TRAP_PROTECTION : contiguous_fault(cm, va, size);
}

/* ---- traps -------------------------------------------------------------- */

/* Record a trap's cause and addresses (the cold part of raising one). */
static NOINLINE void record_trap(cmodel_t *cm, trap_cause_t cause, access_t acc, uint32_t insn, uint32_t pc,
                                 uint32_t vaddr)
{
    cm->trap.cause = cause;
    cm->trap.access = acc;
    cm->trap.pc = pc;
    cm->trap.insn = insn;
    cm->trap.vaddr = vaddr;
    cm->trap.number = cause == TRAP_SYSCALL ? isa_u20(insn) : 0;
    cm->cnt.traps++;
}

/*
 * Raise a trap at pc: record it, charge the partial instruction and the trap
 * entry (`spent` is what the instruction used before the trap,
 * docs/timing.md), and write the hot state back.
 */
static ALWAYS_INLINE void raise_trap(cmodel_t *cm, hot_t *h, trap_cause_t cause, access_t acc, uint32_t insn,
                                     uint32_t pc, uint32_t vaddr, uint64_t spent)
{
    record_trap(cm, cause, acc, insn, pc, vaddr);
    h->pc = pc;
    h->cycles += spent + cm->cfg_timing.trap_cycles;
    hot_store(cm, h);
}

/* ---- one instruction ---------------------------------------------------- */

/* What executing one instruction led to. */
typedef enum {
    EX_OK,           /* completed; *next_pc is where to go                        */
    EX_TRAP,         /* trapped; cm->trap and the hot state are up to date         */
    EX_CODE_WRITTEN, /* completed, but stored into decoded code: leave the block   */
    EX_BAIL,         /* fast path only: not executed at all, needs the slow path   */
    EX_END,          /* fast path only: the block's sentinel                       */
    EX_SPLIT,        /* fast path only: completed after settling the TLB for a miss;
                        leave the block after it                                    */
} exec_t;

/* A place in a paged block run: `index` instructions into round `round`. */
typedef struct {
    uint64_t round;
    uint32_t index;
} run_pos_t;

/* The paged fast path's block running, as far as its miss routine reads
 * and updates it: a struct apart, whose address the out-of-line routine
 * gets (paged_miss), so that the exec context, which points at the hot
 * state, never escapes.  What a round's loop-back reads (the round, the
 * room) stays in the exec context: in here, gcc kept it in memory. */
typedef struct {
    cmodel_t *cm;
    const block_t *block;
    tlb_entry_t *fetch;       /* the entry the block's fetches hit          */
    uint64_t settled;         /* TLB accounting is done for the fetches
                                 before this one, counted from the run's
                                 start across rounds (round * n + index:
                                 a miss finds the fetches since with one
                                 subtraction; run_pos_of)                   */
    uint64_t extra;           /* walk cycles of the block's run so far       */
    uint64_t fetch_stamp;     /* the frame stamp of the fetches' latest hit a
                                 miss counted, held back until the block
                                 leaves (fetch_stamp_settle): the block's
                                 later fetches usually bring a later one
                                 (0: none held back)                        */
    uint32_t fetch_ppn;       /* ... and the frame it is for                */
    bool observed;            /* someone observes the run (a retirement
                                 record or a listener): set when it starts,
                                 as nothing in it publishes an event, so
                                 nothing in it can add a listener, unless
                                 one listens already                       */
} block_run_t;

/* Everything one instruction's execution reads and writes besides registers. */
typedef struct {
    cmodel_t *cm;
    hot_t *h;
    const run_consts_t *x;
    mmu_mode_t mode;
    bool fast, observe;
    retire_t *rt;
    uint64_t *extra;
    exec_t result;
    uint32_t block_pc;        /* PC of `first`                               */
    uint32_t raw;             /* reference path: the instruction word, for a
                                 trap record (the fast paths record no trap
                                 but a paged miss's fault, which reads its
                                 word from memory: paged_miss_fault)        */
    const decoded_t *first;   /* the block (or the lone instruction) running */
    /* paged fast path only */
    block_run_t *run;         /* the block running (its insn[] is `first`)  */
    uint64_t round;           /* whole rounds of the block done so far      */
    uint64_t room;            /* cycles below the run's limit after the round
                                 running and the room a round needs
                                 (block.need), less its walks so far (0 for a
                                 round cut at the limit)                   */
    block_t *chain_first;     /* the chain whose TLB replay is held back: its
                                 first block (NULL: none), fetched through
                                 `fetch` as all its blocks                  */
    uint64_t chain_start;     /* the access clock when it began             */
    uint64_t chain_clock;     /* ... and after its latest block (the unit's
                                 ref_clock lags behind while it runs)        */
} exec_ctx_t;

/* The PC of a decoded instruction, computed only where it is needed (calls,
 * traps), so the fast path does not carry it from instruction to instruction. */
static ALWAYS_INLINE uint32_t insn_pc(const exec_ctx_t *e, const decoded_t *d)
{
    return e->block_pc + 4 * (uint32_t)(d - e->first);
}

/*
 * The TLB accounting of a chain: the blocks run_paged ran one after the
 * other through their links, each one whole round from its start with
 * nothing settled, from access clock `start` to `clock` (the unit's
 * ref_clock stays at `start` meanwhile), every fetch a hit on `fetch` and
 * every data access a hit on the entry its decoded instruction holds.
 * Touches commute where chains are made (tlb_touches_commute) and only each
 * entry's and frame's latest use counts, so each block's latest run is
 * replayed, at its own stamps (it ended at b->chain_after), with touches
 * that keep the later stamp (mmu_hit_latest).  The chain's cycles are
 * counted as it runs (its room below the limit needs them); its
 * instructions, loads and stores are counted here, from each block's runs
 * (b->chain_runs), into cm->chain_instret and the others (run_paged adds
 * them to its hot counters before it stores those: added there from inside
 * a block's handlers, they cost the handlers registers).  The blocks are found from the first through their
 * links, which nothing changes while a chain runs: a block whose
 * chain_after is not above start did not run in it or was replayed already
 * (the links went round).  Whatever would see or change what the replay
 * brings up to date -- a miss, a settling, a lookup, a reference step, the
 * run's end -- settles the chain first (chain_settle).
 */
static NOINLINE void chain_replay(cmodel_t *cm, tlb_entry_t *fetch, block_t *first, uint64_t start, uint64_t clock)
{
    mmu_t *const mmu = &cm->mmu;
    uint64_t fetch_stamp = 0;
    for (block_t *b = first; b && b->chain_after > start; b = b->chain) {
        const uint64_t base = b->chain_after - b->accesses;
        b->chain_after = 0;
        cm->chain_instret += b->chain_runs * b->n;
        cm->chain_loads += b->chain_runs * b->loads;
        cm->chain_stores += b->chain_runs * b->stores;
        b->chain_runs = 0;
        /* the j-th data access, of instruction i, is access i + j + 2 of the round */
        for (uint32_t j = 0; j < b->loads + b->stores; j++) {
            const uint32_t i = b->data_insn[j];
            mmu_hit_latest(mmu, b->insn[i].shortcut->entry, base + i + j + 2);
        }
        if (base + b->last_fetch > fetch_stamp)
            fetch_stamp = base + b->last_fetch;
    }
    mmu->tlb->hits += clock - start; /* every access since was a hit */
    mmu->ref_clock = clock;
    mmu_hit_latest(mmu, fetch, fetch_stamp);
}

static ALWAYS_INLINE void chain_settle(exec_ctx_t *e)
{
    if (UNLIKELY(e->chain_first != NULL)) {
        chain_replay(e->cm, e->run->fetch, e->chain_first, e->chain_start, e->chain_clock);
        e->chain_first = NULL;
    }
}

/* Add what settled chains counted to the hot counters, before they are
 * stored. */
static ALWAYS_INLINE void chain_count_in(cmodel_t *cm, hot_t *h)
{
    h->instret += cm->chain_instret;
    h->loads += cm->chain_loads;
    h->stores += cm->chain_stores;
    cm->chain_instret = cm->chain_loads = cm->chain_stores = 0;
}

/*
 * The paged fast path's data translation: a shortcut of this kind of access
 * that still maps va and allows the access as it stands; else "not here"
 * and the reference path walks.  The decoded instruction holds the shortcut
 * it hit last: counting the hit and updating replacement wait for the
 * block's end, which replays each instruction's latest access through the
 * entry its shortcut stands for.  A hit through that same shortcut is a hit
 * on that same entry, so nothing else is checked.  Otherwise the index may
 * have another entry's: an instruction whose access moved to another entry
 * since its unsettled record of the round before would lose that earlier
 * use, so the block settles first.
 */
static void settle_before(mmu_t *mmu, block_run_t *r, run_pos_t here);

static ALWAYS_INLINE bool paged_fast_data(exec_ctx_t *e, decoded_t *d, access_t acc, uint32_t va, uint32_t size,
                                          uint8_t **host, const uint8_t **code)
{
    const uint64_t page = va & (size == 4 ? e->x->page_word_mask : e->x->page_mask); /* a misaligned word: no page */
    const paged_shortcut_t *s = d->shortcut;
    if (UNLIKELY(page != s->vpage)) {
        s = e->x->shortcut_index[acc][(va >> e->x->page_shift) & (PAGED_SHORTCUTS - 1)];
        if (UNLIKELY(page != s->vpage))
            return false; /* no shortcut for the page, or a misaligned word */
        /* another entry than d's (scalars only: the context must not escape) */
        chain_settle(e); /* this block's run in it may be held back */
        const run_pos_t here = {e->round, (uint32_t)(d - e->first)};
        settle_before(&e->cm->mmu, e->run, here);
        d->shortcut = s;
    }
    *host = (uint8_t *)(s->host_delta + va);
    *code = (const uint8_t *)(s->code_delta + (va >> CODE_GRANULE_SHIFT));
    return true;
}

/* Count what a block run did: `full` whole rounds and a partial one of `done`. */
static ALWAYS_INLINE void account_block(hot_t *h, const block_t *b, uint64_t full, uint32_t done)
{
    h->cycles += full * b->cost;
    h->instret += full * b->n;
    h->loads += full * b->loads;
    h->stores += full * b->stores;
    if (done) {
        const decoded_t *last = &b->insn[done - 1];
        h->cycles += last->cum_cost;
        h->instret += done;
        h->loads += last->cum_loads;
        h->stores += last->cum_stores;
    }
}

/* Touch one decoded instruction's data entry, if it accessed data; `stamp`
 * is that access's place in the sequence of all accesses. */
static ALWAYS_INLINE void touch_data(mmu_t *mmu, const decoded_t *d, uint64_t stamp)
{
    if (d->size && d->shortcut->entry) /* size: the bytes its data access moves, 0 if none */
        mmu_hit_late(mmu, d->shortcut->entry, stamp);
}

/* Fetch number `at` of block b's run (counted from its start across
 * rounds) as a place in the run. */
static ALWAYS_INLINE run_pos_t run_pos_of(const block_t *b, uint64_t at)
{
    if (LIKELY(at < b->n)) /* the first round: no division */
        return (run_pos_t){0, (uint32_t)at};
    return (run_pos_t){at / b->n, (uint32_t)(at % b->n)};
}

/* Data accesses of the block run before position at. */
static ALWAYS_INLINE uint64_t data_before(const block_t *b, run_pos_t at)
{
    return at.round * (uint64_t)(b->loads + b->stores) + b->data_before[at.index];
}

/*
 * Settle the TLB for the instructions of a paged block run between positions
 * `from` and `to`: count their hits (every fetch hit `fetch`; every data
 * access hit the entry recorded in its decoded instruction) and bring the
 * replacement order and frame stamps to what the access sequence makes them.
 * Only each entry's latest use counts, so replaying the last n positions in
 * order is enough, the last instruction's fetch just before its data access.
 */
static ALWAYS_INLINE void account_tlb_as(mmu_t *mmu, tlb_entry_t *fetch, const block_t *b, run_pos_t from,
                                          run_pos_t to, const bool one_round)
{
    const uint32_t n = b->n;
    const uint64_t count = one_round ? n : (to.round - from.round) * n + to.index - from.index;
    if (!count || (to.round < from.round))
        return;
    const uint64_t data_from = one_round ? 0 : data_before(b, from);
    const uint64_t data = one_round ? b->loads + b->stores : data_before(b, to) - data_from;
    const uint64_t base = mmu->ref_clock; /* accesses numbered as the reference path numbers them */
    mmu->tlb->hits += count + data;
    mmu->ref_clock += count + data;
    if (!data) { /* only fetches: one entry, used last at the end */
        mmu_hit_late(mmu, fetch, mmu->ref_clock);
        return;
    }
    /* replay the last k instructions from q; stamp: the accesses before q's
     * fetch (the instructions and data accesses since `from`) */
    uint32_t k = count > n ? n : (uint32_t)count;
    run_pos_t q = {0, 0};
    uint64_t stamp = base;
    if (!one_round) {
        q = to.index >= k ? (run_pos_t){to.round, to.index - k} : (run_pos_t){to.round - 1, to.index + n - k};
        stamp += (q.round - from.round) * n + q.index - from.index + data_before(b, q) - data_from;
    }
    const decoded_t *d = &b->insn[q.index], *const end = &b->insn[n];
    for (; k > 1; k--) {
        touch_data(mmu, d, stamp + 2);
        stamp += 1 + (d->size != 0); /* its fetch, and its data access if it has one */
        if (++d == end)
            d = b->insn;
    }
    mmu_hit_late(mmu, fetch, stamp + 1); /* the last instruction: its fetch, then its data */
    touch_data(mmu, d, stamp + 2);
}

/* account_tlb_as from the settled place `from` (a fetch's number, as
 * block_run_t.settled counts them) to position `to`. */
static NOINLINE void account_tlb(mmu_t *mmu, tlb_entry_t *fetch, const block_t *b, uint64_t from, run_pos_t to)
{
    if (!from && to.round == 1 && !to.index) /* one whole round from the start */
        account_tlb_as(mmu, fetch, b, (run_pos_t){0, 0}, to, true);
    else
        account_tlb_as(mmu, fetch, b, run_pos_of(b, from), to, false);
}

/* Settle the TLB accounting of block run r up to position `here` if the
 * record that instruction made the round before is not settled yet (its
 * place, a round before here, is not before r->settled). */
static NOINLINE void settle_before(mmu_t *mmu, block_run_t *r, run_pos_t here)
{
    const block_t *b = r->block;
    const uint64_t at = here.round * b->n + here.index;
    if (at < r->settled + b->n) /* also the first round's: at < n */
        return;
    account_tlb(mmu, r->fetch, b, r->settled, here);
    r->settled = at;
}

_Static_assert(sizeof(tlb_entry_t) == 16, "tlb_entry_t has no padding bytes for memcmp to see");

/* What paged_miss did, in two registers: where the access goes (NULL: it
 * faulted, and the trap is recorded), and the cycles the round's room must
 * still have for the block to go on (the walk's; UINTPTR_MAX when the fill
 * took the fetches' entry). */
typedef struct {
    uint8_t *host;
    uintptr_t need;
} paged_miss_t;

/*
 * A fast-path data access whose shortcut missed, aligned (r the block
 * running, d the accessing instruction in its round `round`): whatever
 * happens next changes the TLB's replacement state in a way the block's
 * deferred accounting cannot express (a hit on another entry, a miss, a
 * walk to set A or D) or faults, so first settle the block's TLB
 * accounting up to this access, but for the fetches since the last
 * settling when no data access is among them: those and this
 * instruction's own fetch are hits on r->fetch, counted here with one
 * touch.  r->settled is then the place right after d (paged_miss_fault
 * reads d's index back from it).
 */
static ALWAYS_INLINE uint64_t paged_miss_settle(mmu_t *mmu, block_run_t *r, const decoded_t *d, uint64_t round)
{
    const block_t *b = r->block;
    const uint32_t done = (uint32_t)(d - b->insn);
    const uint64_t at = round * b->n + done, settled = r->settled;
    r->settled = at + 1;
    /* fetches since the last settling: counted below if they are all */
    uint64_t fetches = at - settled;
    /* data accesses among them iff they reach back past the instructions
     * without one right before this (b->quiet_before) */
    if (fetches > b->quiet_before[done]) {
        account_tlb(mmu, r->fetch, b, settled, (run_pos_t){round, done});
        fetches = 0;
    }
    mmu_hit_unstamped(mmu, r->fetch, fetches + 1);
    return mmu->ref_clock += fetches + 1;
}

/* A miss's fault, settled (paged_miss_settle): record its trap.  The
 * instruction word is the one memory still holds (a write there retires
 * the block), and its PC is on the page the fetches' entry maps (a fault
 * changed no entry). */
static NOINLINE COLD paged_miss_t paged_miss_fault(block_run_t *r, trap_cause_t cause, access_t acc, uint32_t va)
{
    cmodel_t *const cm = r->cm;
    const block_t *b = r->block;
    const uint32_t at = b->pa + 4 * (uint32_t)((r->settled - 1) % b->n); /* settled is right after the instruction */
    uint32_t raw;
    memcpy(&raw, cm->mem + at, 4);
    const uint32_t pc = (uint32_t)(r->fetch->vpn << cm->mmu.page_shift) | (at & (cm->mmu.page_size - 1));
    record_trap(cm, cause, acc, raw, pc, va);
    return (paged_miss_t){NULL, 0};
}

/* A miss someone observes: settled, then the full way, with the clock where
 * d began (cycles: where its block began) for the walk's events, and the
 * fetch frame's stamp reported at once, as a listener may read the stamps.
 * Apart from the quick way, which then holds fewer values across its
 * settling. */
static NOINLINE COLD paged_miss_t paged_miss_observed(block_run_t *r, const decoded_t *d, access_t acc, uint32_t va,
                                                      uint64_t cycles, uint64_t round)
{
    cmodel_t *const cm = r->cm;
    mmu_t *const mmu = &cm->mmu;
    const uint64_t fetch_stamp = paged_miss_settle(mmu, r, d, round);
    tlb_entry_t *const fetch = r->fetch;
    uint32_t hash = 0;
    tlb_entry_t *e = mmu_find_hashing(mmu, va, &hash);
    uint64_t walked = 0;
    uint32_t found = 0;
    const tlb_entry_t fetch_was = *fetch; /* compared whole: no padding (below) */
    /* where d began: its round's start and the prefix cost before it
     * (an access's opcode has no lean variant: its cost is the decoder's) */
    const uint64_t start = cycles + round * r->block->cost + r->extra + d->cum_cost - cm->cost[d->op];
    mmu_reference_at(mmu, fetch->ppn, fetch_stamp);
    const trap_cause_t cause = paged_translate_found(cm, e, va, acc, start + cm->fetch_cost, &found, &walked);
    r->extra += walked;
    if (UNLIKELY(cause))
        return paged_miss_fault(r, cause, acc, va);
    const bool fetch_lost = memcmp(&fetch_was, fetch, sizeof *fetch) != 0;
    return (paged_miss_t){cm->mem + found, fetch_lost ? UINTPTR_MAX : walked};
}

/*
 * A fast-path data access whose shortcut missed, aligned (cycles: the clock
 * where the block began, for the full way's events): settle, then
 * translate -- the quick way when nobody observes (the fetch frame's stamp
 * held back in r), else the full way -- and record a fault's trap.
 */
static ALWAYS_INLINE paged_miss_t paged_miss(block_run_t *r, decoded_t *d, access_t acc, uint32_t va,
                                             uint64_t cycles, uint64_t round)
{
    if (UNLIKELY(r->observed))
        return paged_miss_observed(r, d, acc, va, cycles, round);
    cmodel_t *const cm = r->cm;
    mmu_t *const mmu = &cm->mmu;
    const uint64_t fetch_stamp = paged_miss_settle(mmu, r, d, round);
    r->fetch_stamp = fetch_stamp;
    r->fetch_ppn = r->fetch->ppn; /* before the fill, which may take its slot */
    uint32_t hash = 0; /* va's page's, for the fill (set only in a hashed TLB) */
    tlb_entry_t *e = mmu_find_hashing(mmu, va, &hash);
    mmu_xlate_t x;
    bool changed;
    const trap_cause_t cause = paged_translate_quick(cm, e, va, acc, &x, &hash, &changed);
    r->extra += x.cycles;
    if (UNLIKELY(cause))
        return paged_miss_fault(r, cause, acc, va);
    /* the fill took the fetches' slot (the entry now maps another page), or
     * a hit's A/D walk on that entry changed what it allows */
    const bool fetch_lost = changed && x.entry == r->fetch;
    return (paged_miss_t){cm->mem + x.paddr, fetch_lost ? UINTPTR_MAX : x.cycles};
}

/* One copy per kind of access, so that its checks fold. */
static NOINLINE paged_miss_t paged_miss_load(block_run_t *r, decoded_t *d, uint32_t va, uint64_t cycles,
                                             uint64_t round)
{
    return paged_miss(r, d, ACC_LOAD, va, cycles, round);
}

static NOINLINE paged_miss_t paged_miss_store(block_run_t *r, decoded_t *d, uint32_t va, uint64_t cycles,
                                              uint64_t round)
{
    return paged_miss(r, d, ACC_STORE, va, cycles, round);
}

/* Report the fetch frame's stamp a miss held back (block_run_t), before the
 * block leaves: the frame keeps a later stamp the block's later fetches (or
 * another use) gave it. */
static ALWAYS_INLINE void fetch_stamp_settle(mmu_t *mmu, block_run_t *r)
{
    if (r->fetch_stamp) {
        mmu_reference_latest(mmu, r->fetch_ppn, r->fetch_stamp);
        r->fetch_stamp = 0;
    }
}

/* The TLB accounting of block run r as it leaves at position `to` (but for
 * a trap): what account_tlb settles, and the fetch frame's stamp held back. */
static NOINLINE void account_block_left(mmu_t *mmu, block_run_t *r, run_pos_t to)
{
    fetch_stamp_settle(mmu, r);
    account_tlb(mmu, r->fetch, r->block, r->settled, to);
}

/*
 * The paged fast path's data access whose shortcut missed: paged_miss.
 * Returns false to bail (a misaligned access, untouched), or with
 * e->result == EX_TRAP after a fault was recorded (run_paged charges it).
 * The block goes on unless the fill took the fetches' entry (or a hit's A/D
 * walk changed what it allows) or the walk pushed the clock so far that the
 * round would cross the limit (the machine must stop at the first
 * instruction past it): then e->result == EX_SPLIT.
 */
static ALWAYS_INLINE bool paged_data_slow(exec_ctx_t *e, decoded_t *d, access_t acc, uint32_t va, uint32_t size,
                                          uint32_t *pa, uint8_t **host)
{
    if (va & (size - 1))
        return false;
    chain_settle(e);
    const paged_miss_t m = acc == ACC_LOAD ? paged_miss_load(e->run, d, va, e->h->cycles, e->round)
                                           : paged_miss_store(e->run, d, va, e->h->cycles, e->round);
    if (UNLIKELY(!m.host)) { /* the fault is recorded */
        e->result = EX_TRAP;
        return false;
    }
    d->shortcut = &paged_no_shortcut; /* counted and ordered already */
    if (m.need > e->room) /* the round no longer fits below the limit */
        e->result = EX_SPLIT;
    else
        e->room -= m.need;
    *host = m.host;
    *pa = (uint32_t)(m.host - e->x->mem);
    return true;
}

static ALWAYS_INLINE void observe_access(const exec_ctx_t *e, bool write, uint32_t size, uint32_t va, uint32_t pa,
                                         uint32_t val)
{
    if (e->observe) {
        retire_t *rt = e->rt;
        rt->mem_valid = true;
        rt->mem_write = write;
        rt->mem_size = (uint8_t)size;
        rt->mem_vaddr = va;
        rt->mem_paddr = pa;
        rt->mem_data = val;
        rt->data_xlate = e->cm->last_xlate;
    }
}

/* What an instruction that faults after its fetch has spent: the fetch, and
 * any walk (a data fault does not execute). */
static ALWAYS_INLINE uint64_t fetched(const exec_ctx_t *e)
{
    return e->cm->fetch_cost + *e->extra;
}

/*
 * Where a data access of `size` bytes at va goes: its physical address and
 * the host byte that holds it.  False when it cannot go there: on the
 * reference path with the fault in *cause (cm->trap.paddr set); on the fast
 * path to hand over (or, paged, with e->result == EX_TRAP).  size is a
 * constant at every call, so its checks fold.  The paged fast path's
 * shortcut is not tried here: load_data and store_data try it first, on a
 * path of its own (data_shortcut).
 */
static ALWAYS_INLINE bool data_address(exec_ctx_t *e, decoded_t *d, access_t acc, uint32_t va, uint32_t size,
                                       uint32_t *pa, uint8_t **host, trap_cause_t *cause)
{
    if (e->fast && e->mode != MMU_PAGED) { /* one compare, or hand it over */
        if (size == 4 ? !word_fits(e->x, va) : va >= e->x->reach)
            return false;
        *pa = e->x->base + va;
        *host = e->x->host + va;
        return true;
    }
    if (e->fast)
        return paged_data_slow(e, d, acc, va, size, pa, host);
    if (UNLIKELY(va & (size - 1))) {
        e->cm->trap.paddr = 0;
        *cause = TRAP_MISALIGNED;
        return false;
    }
    /* the data access follows the fetch (and its walk), as on the fast path and in the RTL */
    *cause = translate(e->cm, e->mode, false, e->x, va, size, acc, e->h->cycles + fetched(e), pa, e->extra);
    if (UNLIKELY(*cause))
        return false;
    *host = e->x->mem + *pa;
    return true;
}

/* The paged fast path's shortcut hit for a data access (paged_fast_data):
 * the host byte, and the code map's byte for it (*pa only for completeness:
 * the fast path never observes).  Kept apart from data_address so that the
 * access after a hit is code of its own, where nothing but a hit can have
 * happened. */
static ALWAYS_INLINE bool data_shortcut(exec_ctx_t *e, decoded_t *d, access_t acc, uint32_t va, uint32_t size,
                                        uint32_t *pa, uint8_t **host, const uint8_t **code)
{
    if (!(e->fast && e->mode == MMU_PAGED && LIKELY(paged_fast_data(e, d, acc, va, size, host, code))))
        return false;
    *pa = (uint32_t)(*host - e->x->mem);
    return true;
}

/* Load from where data_shortcut or data_address said. */
static ALWAYS_INLINE void load_at(exec_ctx_t *e, uint32_t va, uint32_t pa, const uint8_t *host, uint32_t size,
                                  uint32_t *val)
{
    if (size == 4)
        memcpy(val, host, 4);
    else
        *val = *host;
    if (!e->fast)
        e->h->loads++;
    observe_access(e, false, size, va, pa, *val);
}

/* A data load into *val; false on a fault (the caller raises it). */
static ALWAYS_INLINE bool load_data(exec_ctx_t *e, decoded_t *d, uint32_t va, uint32_t size, uint32_t *val,
                                    trap_cause_t *cause)
{
    uint32_t pa = 0;
    uint8_t *host;
    const uint8_t *code;
    if (data_shortcut(e, d, ACC_LOAD, va, size, &pa, &host, &code)) {
        load_at(e, va, pa, host, size, val);
        return true;
    }
    if (!data_address(e, d, ACC_LOAD, va, size, &pa, &host, cause))
        return false;
    load_at(e, va, pa, host, size, val);
    return true;
}

/* A store into decoded code, out of the stores' way (gcc otherwise loads
 * the size argument on the common path). */
static NOINLINE __attribute__((cold)) void store_into_code(cmodel_t *cm, uint32_t pa, uint32_t size)
{
    block_cache_invalidate(cm, pa, size);
}

/* Store where data_shortcut or data_address said (`code` is the code
 * map's byte for pa).  A store into decoded code retires the blocks there
 * and makes the fast path leave its block. */
static ALWAYS_INLINE void store_at(exec_ctx_t *e, uint32_t va, uint32_t pa, uint8_t *host, const uint8_t *code,
                                   uint32_t size, uint32_t val)
{
    if (size == 4)
        memcpy(host, &val, 4);
    else
        *host = (uint8_t)val;
    if (!e->fast)
        e->h->stores++;
    if (UNLIKELY(*code)) {
        store_into_code(e->cm, pa, size);
        if (e->result == EX_OK) /* a paged miss may have split the block already */
            e->result = EX_CODE_WRITTEN;
    }
    observe_access(e, true, size, va, pa, size == 4 ? val : val & 0xFF);
}

/* A data store; like load_data. */
static ALWAYS_INLINE bool store_data(exec_ctx_t *e, decoded_t *d, uint32_t va, uint32_t size, uint32_t val,
                                     trap_cause_t *cause)
{
    uint32_t pa = 0;
    uint8_t *host;
    const uint8_t *code;
    if (data_shortcut(e, d, ACC_STORE, va, size, &pa, &host, &code)) {
        store_at(e, va, pa, host, code, size, val);
        return true;
    }
    if (!data_address(e, d, ACC_STORE, va, size, &pa, &host, cause))
        return false;
    store_at(e, va, pa, host, &e->x->code_map[pa >> CODE_GRANULE_SHIFT], size, val);
    return true;
}

/* An instruction that traps: on the fast path, hand it to the reference path. */
static ALWAYS_INLINE exec_t trap_or_bail(exec_ctx_t *e, trap_cause_t cause, access_t acc, uint32_t pc,
                                         uint32_t vaddr, uint64_t spent)
{
    if (e->fast) /* handed over, or already raised by the paged miss path */
        return e->result == EX_TRAP ? EX_TRAP : EX_BAIL;
    raise_trap(e->cm, e->h, cause, acc, e->raw, pc, vaddr, spent);
    return EX_TRAP;
}

/*
 * Execute one decoded instruction fetched from `pc`: the semantics of the
 * ISA, written once.  A control transfer -- a jump, taken or not, a call, a
 * return -- always sets *next_pc; anything else leaves it alone.  `fall` is
 * the address after the instruction's block (pc + 4 on the reference path,
 * a block of one): transfers end blocks, so it is where an untaken branch
 * goes and a call returns to.  `op` is d->op: execute() passes it as it is,
 * the threaded dispatch of the fast paths (run_contiguous, run_paged) as a
 * constant per handler, so each handler is its own case alone.
 */
static ALWAYS_INLINE exec_t exec_op(exec_ctx_t *e, decoded_t *d, uint32_t *next_pc, uint32_t fall, const unsigned op)
{
    cmodel_t *const cm = e->cm;
    hot_t *const h = e->h;
    uint32_t *const r = e->x->r;
    const unsigned ra = d->ra, rb = d->rb;
    const uint32_t imm = d->imm;
    uint32_t va = 0, val = 0;
    trap_cause_t cause = TRAP_NONE;
    access_t acc = ACC_LOAD;
    e->result = EX_OK;
    switch (op) {
    case OP_NOP: break;
    case OP_LOADI: r[ra] = imm; break;
    case OP_LUI: r[ra] = imm << 12; break;
    case OP_MOV: r[ra] = r[rb]; break;
    case OP_LEA: r[ra] = r[rb] + imm; break;
    case OP_ADD: r[ra] = alu_add(h, r[ra], r[rb]); break;
    case OP_ADDI: r[ra] = alu_add(h, r[ra], imm); break;
    case OP_SUB: r[ra] = alu_sub(h, r[ra], r[rb]); break;
    case OP_SUBI: r[ra] = alu_sub(h, r[ra], imm); break;
    case OP_CMP: alu_sub(h, r[ra], r[rb]); break;
    case OP_CMPI: alu_sub(h, r[ra], imm); break;
    case OP_NEG: r[ra] = alu_sub(h, 0, r[ra]); break;
    case OP_AND: r[ra] = alu_logic(h, r[ra] & r[rb]); break;
    case OP_ANDI: r[ra] = alu_logic(h, r[ra] & imm); break;
    case OP_OR: r[ra] = alu_logic(h, r[ra] | r[rb]); break;
    case OP_ORI: r[ra] = alu_logic(h, r[ra] | imm); break;
    case OP_XOR: r[ra] = alu_logic(h, r[ra] ^ r[rb]); break;
    case OP_XORI: r[ra] = alu_logic(h, r[ra] ^ imm); break;
    case OP_NOT: r[ra] = alu_logic(h, ~r[ra]); break;
    case OP_SHL: r[ra] = alu_logic(h, r[ra] << (r[rb] & 31)); break;
    case OP_SHLI: r[ra] = alu_logic(h, r[ra] << (imm & 31)); break;
    case OP_SHR: r[ra] = alu_logic(h, r[ra] >> (r[rb] & 31)); break;
    case OP_SHRI: r[ra] = alu_logic(h, r[ra] >> (imm & 31)); break;
    case OP_SAR: r[ra] = alu_logic(h, (uint32_t)((int32_t)r[ra] >> (r[rb] & 31))); break;
    case OP_SARI: r[ra] = alu_logic(h, (uint32_t)((int32_t)r[ra] >> (imm & 31))); break;
    case OP_MUL: r[ra] = alu_logic(h, r[ra] * r[rb]); break;
    case OP_MULI: r[ra] = alu_logic(h, r[ra] * imm); break;
    case OP_DIVU:
    case OP_REMU:
        if (UNLIKELY(r[rb] == 0)) {
            cm->trap.paddr = 0;
            return trap_or_bail(e, TRAP_DIV_ZERO, ACC_FETCH, insn_pc(e, d), insn_pc(e, d), fetched(e));
        }
        r[ra] = alu_logic(h, op == OP_DIVU ? r[ra] / r[rb] : r[ra] % r[rb]);
        break;
    case OP_INC: r[ra] = alu_incdec(h, r[ra], r[ra] + 1, 0x7FFFFFFF); break;
    case OP_DEC: r[ra] = alu_incdec(h, r[ra], r[ra] - 1, 0x80000000); break;
    /* Control transfers end blocks: on the fast path they say so at once. */
    case OP_JMP: *next_pc = imm; goto transferred;
    case OP_JZ: *next_pc = flag_z(h) ? imm : fall; goto transferred;
    case OP_JNZ: *next_pc = !flag_z(h) ? imm : fall; goto transferred;
    case OP_JLT: *next_pc = flag_lt(h) ? imm : fall; goto transferred;
    case OP_JGE: *next_pc = !flag_lt(h) ? imm : fall; goto transferred;
    case OP_JLE: *next_pc = flag_z(h) || flag_lt(h) ? imm : fall; goto transferred;
    case OP_JGT: *next_pc = !flag_z(h) && !flag_lt(h) ? imm : fall; goto transferred;
    case OP_JB: *next_pc = h->c ? imm : fall; goto transferred;
    case OP_JAE: *next_pc = !h->c ? imm : fall; goto transferred;
    case OP_JBE: *next_pc = h->c || flag_z(h) ? imm : fall; goto transferred;
    case OP_JA: *next_pc = !h->c && !flag_z(h) ? imm : fall; goto transferred;
    case OP_JMPR: *next_pc = r[rb]; goto transferred;

    case OP_LOADA: va = imm; goto load_word;
    case OP_LOADM: va = r[rb] + imm; goto load_word;
    case OP_LOADBA: va = imm; goto load_byte;
    case OP_LOADBM: va = r[rb] + imm; goto load_byte;
    case OP_POP:
        va = r[ISA_REG_SP];
        if (!load_data(e, d, va, 4, &val, &cause))
            goto data_fault;
        r[ISA_REG_SP] += 4;
        r[ra] = val;
        break;
    case OP_RET:
        va = r[ISA_REG_SP];
        if (!load_data(e, d, va, 4, &val, &cause))
            goto data_fault;
        r[ISA_REG_SP] += 4;
        *next_pc = val;
        goto transferred;
    case OP_STOREA: va = imm; goto store_word;
    case OP_STOREM: va = r[rb] + imm; goto store_word;
    case OP_STOREBA: va = imm; goto store_byte;
    case OP_STOREBM: va = r[rb] + imm; goto store_byte;
    case OP_PUSH: val = r[ra]; goto push;
    case OP_CALL: va = imm; goto call;
    case OP_CALLR: va = r[rb]; goto call;

    case OP_SYSCALL: /* a system call completes, then traps; it returns past itself */
        if (e->fast)
            return EX_BAIL;
        h->instret++;
        cm->trap.paddr = 0;
        raise_trap(cm, h, TRAP_SYSCALL, ACC_FETCH, e->raw, insn_pc(e, d), insn_pc(e, d), cm->cost[op] + *e->extra);
        cm->s.pc = insn_pc(e, d) + 4;
        return EX_TRAP;
    case OP_HALT: /* completes like SYSCALL (and is counted), then traps; its PC stays */
        if (e->fast)
            return EX_BAIL;
        h->instret++;
        cm->trap.paddr = 0;
        raise_trap(cm, h, TRAP_HALT, ACC_FETCH, e->raw, insn_pc(e, d), insn_pc(e, d), cm->cost[op] + *e->extra);
        return EX_TRAP;
    case DECODED_ADD_NF: r[ra] += r[rb]; break;
    case DECODED_ADD_ZN: r[ra] = set_zn(h, r[ra] + r[rb]); break;
    case DECODED_ADD_ZNC: r[ra] = add_znc(h, r[ra], r[rb]); break;
    case DECODED_ADDI_NF: r[ra] += imm; break;
    case DECODED_ADDI_ZN: r[ra] = set_zn(h, r[ra] + imm); break;
    case DECODED_ADDI_ZNC: r[ra] = add_znc(h, r[ra], imm); break;
    case DECODED_SUB_NF: r[ra] -= r[rb]; break;
    case DECODED_SUB_ZN: r[ra] = set_zn(h, r[ra] - r[rb]); break;
    case DECODED_SUB_ZNC: r[ra] = sub_znc(h, r[ra], r[rb]); break;
    case DECODED_SUBI_NF: r[ra] -= imm; break;
    case DECODED_SUBI_ZN: r[ra] = set_zn(h, r[ra] - imm); break;
    case DECODED_SUBI_ZNC: r[ra] = sub_znc(h, r[ra], imm); break;
    case DECODED_INC_NF: r[ra] += 1; break;
    case DECODED_INC_ZN: r[ra] = set_zn(h, r[ra] + 1); break;
    case DECODED_DEC_NF: r[ra] -= 1; break;
    case DECODED_DEC_ZN: r[ra] = set_zn(h, r[ra] - 1); break;
    case DECODED_END:
        return EX_END;
    default: /* DECODED_ILLEGAL */
        cm->trap.paddr = 0;
        return trap_or_bail(e, TRAP_ILLEGAL, ACC_FETCH, insn_pc(e, d), insn_pc(e, d), cm->fetch_cost + *e->extra);
    }
    return e->result;

load_word:
    if (!load_data(e, d, va, 4, &r[ra], &cause))
        goto data_fault;
    return e->result;
load_byte:
    if (!load_data(e, d, va, 1, &r[ra], &cause))
        goto data_fault;
    return e->result;
store_word:
    acc = ACC_STORE;
    if (!store_data(e, d, va, 4, r[ra], &cause))
        goto data_fault;
    return e->result;
store_byte:
    acc = ACC_STORE;
    if (!store_data(e, d, va, 1, r[ra], &cause))
        goto data_fault;
    return e->result;
push:
    acc = ACC_STORE;
    va = r[ISA_REG_SP] - 4;
    if (!store_data(e, d, va, 4, val, &cause))
        goto data_fault;
    r[ISA_REG_SP] = va;
    return e->result;
call: /* va holds the target until the return address is pushed */
    acc = ACC_STORE;
    val = va;
    va = r[ISA_REG_SP] - 4;
    if (!store_data(e, d, va, 4, fall, &cause)) /* the return address: a call ends its block */
        goto data_fault;
    r[ISA_REG_SP] = va;
    *next_pc = val;
    goto transferred;
transferred:
    return e->fast && e->result == EX_OK ? EX_END : e->result;
data_fault:
    return trap_or_bail(e, cause, acc, insn_pc(e, d), va, fetched(e));
}

/* The reference path's: *next_pc is pc + 4 on entry, and stays so unless
 * the instruction transfers control. */
static ALWAYS_INLINE exec_t execute(exec_ctx_t *e, decoded_t *d, uint32_t *next_pc)
{
    return exec_op(e, d, next_pc, *next_pc, d->op);
}

/*
 * Threaded dispatch for the fast paths: a table of handler addresses by
 * decoded opcode, one handler per opcode (exec_op with the opcode constant),
 * each ending in the jump to the next instruction's handler rather than in
 * a shared switch.  THREADED_TABLE and THREADED_HANDLERS are expanded inside
 * the one function that runs them (labels are local to a function), which
 * has the block's `fall_through` at hand; the handlers jump to
 * `threaded_next` with the result in `ex` (and the block's end with
 * `next_pc` set; a DECODED_STOP as a hand-over: the instruction it stands
 * in for does not run).  Each decoded
 * instruction holds its handler's address (block_thread), so going on to the
 * next instruction is one indirect jump through it (THREADED_JUMP).
 *
 * Labels as values are a GNU C extension (gcc and clang): where they are
 * missing -- or with -DMMULAB_NO_COMPUTED_GOTO, which the portable-dispatch
 * check builds with -- the same handlers are the cases of one switch on the
 * decoded opcode, and the table only keeps block_thread's bookkeeping.
 */
#if defined(__GNUC__) && !defined(MMULAB_NO_COMPUTED_GOTO)
#define THREADED_ISA_ENTRY(name, ...) [OP_##name] = &&op_##name,
#define THREADED_LEAN_ENTRY(name) [DECODED_##name] = &&lean_##name,
#define THREADED_TABLE                                                                                        \
    {ISA_TABLE(THREADED_ISA_ENTRY) DECODED_LEAN_TABLE(THREADED_LEAN_ENTRY)[DECODED_ILLEGAL] = &&op_illegal, \
     [DECODED_END] = &&op_end, [DECODED_STOP] = &&op_stop}
#define THREADED_JUMP(d) goto *(d)->handler
#define THREADED_ISA_HANDLER(name, ...)                                                                       \
    op_##name : ex = exec_op(&e, d, &next_pc, fall_through, OP_##name);                                                      \
    goto threaded_next;
#define THREADED_LEAN_HANDLER(name)                                                                           \
    lean_##name : ex = exec_op(&e, d, &next_pc, fall_through, DECODED_##name);                                               \
    goto threaded_next;
#define THREADED_HANDLERS                                                                                     \
    ISA_TABLE(THREADED_ISA_HANDLER) DECODED_LEAN_TABLE(THREADED_LEAN_HANDLER) op_illegal                      \
        : ex = exec_op(&e, d, &next_pc, fall_through, DECODED_ILLEGAL);                                                     \
    goto threaded_next;                                                                                        \
    op_end:                                                                                                    \
    next_pc = fall_through;                                                                                    \
    ex = EX_END;                                                                                               \
    goto threaded_next;                                                                                        \
    op_stop:                                                                                                   \
    ex = EX_BAIL;                                                                                              \
    goto threaded_next;
#else
#define THREADED_TABLE {NULL}
#define THREADED_JUMP(d) goto threaded_switch
#define THREADED_ISA_CASE(name, ...)                                                                          \
    case OP_##name:                                                                                            \
        ex = exec_op(&e, d, &next_pc, fall_through, OP_##name);                                                              \
        break;
#define THREADED_LEAN_CASE(name)                                                                              \
    case DECODED_##name:                                                                                       \
        ex = exec_op(&e, d, &next_pc, fall_through, DECODED_##name);                                                         \
        break;
#define THREADED_HANDLERS                                                                                     \
    threaded_switch:                                                                                           \
    switch (d->op) {                                                                                           \
        ISA_TABLE(THREADED_ISA_CASE)                                                                           \
        DECODED_LEAN_TABLE(THREADED_LEAN_CASE)                                                                 \
    case DECODED_END:                                                                                          \
        next_pc = fall_through;                                                                                \
        ex = EX_END;                                                                                           \
        break;                                                                                                 \
    case DECODED_STOP:                                                                                         \
        ex = EX_BAIL;                                                                                          \
        break;                                                                                                 \
    default:                                                                                                   \
        ex = exec_op(&e, d, &next_pc, fall_through, DECODED_ILLEGAL);                                                        \
        break;                                                                                                 \
    }                                                                                                          \
    goto threaded_next;
#endif

/* ---- the reference path ------------------------------------------------- */

/* Fetch the instruction at h->pc: its physical address, or a trap. */
static ALWAYS_INLINE bool fetch_pa(cmodel_t *cm, hot_t *h, const run_consts_t *x, mmu_mode_t mode, uint32_t *pa,
                                   uint64_t *extra)
{
    const uint32_t pc = h->pc;
    if (UNLIKELY(pc & 3)) {
        cm->trap.paddr = pc;
        raise_trap(cm, h, TRAP_MISALIGNED, ACC_FETCH, 0, pc, pc, 0);
        return false;
    }
    trap_cause_t cause = translate(cm, mode, false, x, pc, 4, ACC_FETCH, h->cycles, pa, extra);
    if (UNLIKELY(cause)) {
        raise_trap(cm, h, cause, ACC_FETCH, 0, pc, pc, *extra);
        return false;
    }
    return true;
}

/*
 * One instruction the reference way, from and back to cm's state: fetch,
 * decode, execute, count.  Fills *rt when observing.
 */
static ALWAYS_INLINE stop_t reference_step(cmodel_t *cm, mmu_mode_t mode, bool observe, retire_t *rt)
{
    const run_consts_t x = run_consts(cm, mode);
    hot_t h = hot_load(cm);
    uint32_t pa = 0, insn, next_pc;
    uint64_t extra = 0;
    if (!fetch_pa(cm, &h, &x, mode, &pa, &extra))
        return STOP_TRAP;
    memcpy(&insn, x.mem + pa, 4);
    if (observe) {
        rt->pc = h.pc;
        rt->insn = insn;
        rt->fetch_xlate = cm->last_xlate;
    }
    decoded_t d = decode(insn);
    exec_ctx_t e = {.cm = cm, .h = &h, .x = &x, .mode = mode, .observe = observe, .rt = rt, .extra = &extra,
                    .block_pc = h.pc, .raw = insn, .first = &d};
    next_pc = h.pc + 4; /* unless it transfers control */
    if (execute(&e, &d, &next_pc) == EX_TRAP)
        return STOP_TRAP;
    h.pc = next_pc;
    h.cycles += cm->cost[d.op] + extra;
    h.instret++;
    hot_store(cm, &h);
    return STOP_BUDGET;
}

static NOINLINE stop_t reference_step_bare(cmodel_t *cm) { return reference_step(cm, MMU_BARE, false, NULL); }
static NOINLINE stop_t reference_step_reloc(cmodel_t *cm) { return reference_step(cm, MMU_RELOC, false, NULL); }
static NOINLINE stop_t reference_step_paged(cmodel_t *cm) { return reference_step(cm, MMU_PAGED, false, NULL); }
static NOINLINE stop_t reference_step_seg(cmodel_t *cm) { return reference_step(cm, MMU_SEG, false, NULL); }

static stop_t reference_step_mode(cmodel_t *cm, mmu_mode_t mode)
{
    switch (mode) {
    case MMU_BARE: return reference_step_bare(cm);
    case MMU_RELOC: return reference_step_reloc(cm);
    case MMU_SEG: return reference_step_seg(cm);
    default: return reference_step_paged(cm);
    }
}

static stop_t step_observed(cmodel_t *cm, retire_t *rt)
{
    switch (cm->mmu.regs.mode) {
    case MMU_BARE: return reference_step(cm, MMU_BARE, true, rt);
    case MMU_RELOC: return reference_step(cm, MMU_RELOC, true, rt);
    case MMU_SEG: return reference_step(cm, MMU_SEG, true, rt);
    default: return reference_step(cm, MMU_PAGED, true, rt);
    }
}

/* ---- the fast path ------------------------------------------------------ */

/*
 * A chain: blocks run one after the other through their links, their
 * cycles, instructions, loads and stores summed in locals and added to the
 * counters once, where the chain ends (a link not to follow, the budget, a
 * hand-over, a store into code).  Nothing reads the counters while a chain
 * runs: the fast path calls nothing that reports, and every way out adds
 * them first.  The counts are summed packed (block_counts): a chain runs
 * at most CHAIN_ROOM cycles, and goes on only into blocks that take a cycle
 * or more per instruction (chain_followable), so no field reaches the next.
 */
#define CHAIN_ROOM (UINT64_C(1) << (BLOCK_COUNT_BITS - 1))

static ALWAYS_INLINE bool chain_followable(const block_t *b) { return b->cost >= b->n; }

/* Add what a chain ran: it had until cycle `end`, and has `room` left. */
static ALWAYS_INLINE void chain_add(hot_t *h, uint64_t end, uint64_t room, uint64_t counts)
{
    h->cycles = end - room;
    h->instret += counts & BLOCK_COUNT_MASK;
    h->loads += counts >> BLOCK_COUNT_BITS & BLOCK_COUNT_MASK;
    h->stores += counts >> 2 * BLOCK_COUNT_BITS;
}

/*
 * Run until the clock reaches `limit` or a trap, in the contiguous modes
 * (bare and base/limit translate alike on the fast path: base 0 on the bare
 * machine, so one function serves both).  Whole blocks run only where they
 * cannot cross the budget or the limit, in chains (above) through each
 * block's link to the block that followed it last time, their instructions
 * through the threaded dispatch; the rest goes one instruction at a time
 * the reference way.  A block that jumps back to its own start goes round
 * again at once for as many rounds as fit, counted up front and the rounds
 * it did not run taken back when it leaves.  The fast path never needs an
 * instruction's PC: a call's return address is its block's fall-through.
 */
static NOINLINE stop_t run_contiguous(cmodel_t *cm, uint64_t limit)
{
    static const void *const dispatch[256] = THREADED_TABLE;
    const mmu_mode_t mode = cm->mmu.regs.mode;
    const run_consts_t x = run_consts(cm, mode);
    hot_t h = hot_load(cm);
    uint64_t extra = 0; /* no walks here */
    exec_ctx_t e = {.cm = cm, .h = &h, .x = &x, .mode = MMU_RELOC, .fast = true, .extra = &extra};
    block_t *b = NULL; /* the block that ran last, if it ran whole */
    block_t partial;   /* the start of a block the limit falls inside */
    cm->link_epoch++;  /* links from other runs were checked against other registers */
    for (;;) {
        /* a chain starts: the counters are up to date */
        uint32_t pc = h.pc;
        if (UNLIKELY(h.cycles >= limit))
            break;
        /* the cycles the chain may run: up to the limit, and CHAIN_ROOM at
         * most (a block dearer than that, only under a timing of tens of
         * thousands of cycles an instruction, runs the reference way) */
        uint64_t room = limit - h.cycles < CHAIN_ROOM ? limit - h.cycles : CHAIN_ROOM;
        block_t *next = NULL;
        if (LIKELY(word_fits(&x, pc))) /* aligned, and its first word within reach */
            next = block_lookup(cm, b ? b->chain : NULL, x.base + pc);
        if (UNLIKELY(!next || (uint64_t)pc + 4 * next->n > x.reach))
            goto reference;
        block_thread(next, dispatch);
        if (b) {
            b->chain = next;
            b->chain_pc = pc;
            /* after the lookup: a decode bumps the epoch */
            b->chain_epoch = chain_followable(next) ? cm->link_epoch : 0;
        }
        if (UNLIKELY(next->need > room)) {
            if (next->need <= limit - h.cycles)
                goto reference;
            /* the limit falls inside it: the instructions that start
             * before it, from a copy (block_prefix), and the chain ends
             * after them */
            next = block_prefix(cm, &partial, next, room, dispatch);
            room = next->cost;
        }
        b = next;
        /* the epoch links are followed in: only a store into code bumps
         * cm->link_epoch in a chain, and it ends the chain */
        uint64_t epoch = cm->link_epoch;
        const uint64_t end = h.cycles + room;
        uint64_t counts = 0;
        /* of a one-block loop: counted ahead, and not yet run to their end */
        int64_t rounds_left = 0;
        uint32_t fall_through = pc + 4 * b->n, next_pc = fall_through;
        decoded_t *d;
        exec_t ex;
    round: /* next_pc is set where the block ends: by its transfer, or its sentinel */
        d = b->insn;
        THREADED_JUMP(d);
        THREADED_HANDLERS
    threaded_next:
        if (LIKELY(ex == EX_OK)) {
            d++;
            THREADED_JUMP(d);
        }
        if (UNLIKELY(ex != EX_END))
            goto left_inside;
        if (UNLIKELY(next_pc == pc))
            goto back_to_start;
        /* b ran whole: count it, and go on through its link */
        room -= b->cost;
        counts += b->counts;
    follow:
        if (b->chain_epoch == epoch && b->chain_pc == next_pc && b->chain->need <= room) {
            /* linked in this run, and nothing retired or replaced since: the
             * checks above passed for this very block at this very pc */
            b = b->chain;
            pc = next_pc;
            fall_through = pc + 4 * b->n;
            goto round;
        }
        if (rounds_left) { /* a loop left: it counted the rounds it did not run, and this one twice */
            room += (uint64_t)rounds_left * b->cost;
            counts -= (uint64_t)rounds_left * b->counts;
            rounds_left = 0;
            epoch = cm->link_epoch;
            goto follow;
        }
        chain_add(&h, end, room, counts);
        h.pc = next_pc;
        continue;
    back_to_start: /* a loop that is one block: it cannot change (a write to it ends the round) */
        if (LIKELY(--rounds_left > 0))
            goto round;
        if (rounds_left < 0) { /* not counted ahead: the loop's first round, counted as any block */
            room -= b->cost;
            counts += b->counts;
        }
        rounds_left = 0;
        epoch = cm->link_epoch;
        if (!chain_followable(b) || b->need > room)
            goto follow;
        /* count the rounds that fit now; in them the epoch is one no link
         * has, so a round that leaves the loop takes the slow way above */
        rounds_left = (int64_t)((room - b->need) / b->cost + 1); /* the last one's need fits; room < 2^63 */
        room -= (uint64_t)rounds_left * b->cost;
        counts += (uint64_t)rounds_left * b->counts;
        epoch = UINT64_MAX;
        goto round;
    left_inside: /* a store into decoded code (completed: leave after it), or a hand-over (not run) */
        room += (uint64_t)rounds_left * b->cost; /* a loop's rounds not run, this one included */
        counts -= (uint64_t)rounds_left * b->counts;
        chain_add(&h, end, room, counts);
        const uint32_t done = (uint32_t)(d - b->insn) + (ex == EX_CODE_WRITTEN);
        account_block(&h, b, 0, done);
        /* a call that stored into code set next_pc; nothing else at the end did */
        h.pc = done == b->n && ends_in_transfer(b) ? next_pc : pc + 4 * done;
        b = NULL;
        if (done)
            continue;
    reference:
        if (UNLIKELY(h.cycles >= limit))
            break;
        b = NULL;
        hot_store(cm, &h);
        if (reference_step_mode(cm, mode) == STOP_TRAP)
            return STOP_TRAP;
        h = hot_load(cm);
    }
    hot_store(cm, &h);
    return STOP_BUDGET;
}

/* True if block b's link, which run_paged follows with a step of `step` from
 * b's address, is to be followed: made in this run, with nothing retired or
 * replaced since, and the fetches still hit `fetch` (the lookup's checks
 * passed).  A link is made only to the same page, and b runs at the same
 * offset in its page as then (blocks are keyed by physical address), so
 * the same step lands on the same page again. */
static ALWAYS_INLINE bool paged_linked(const block_t *b, uint32_t step, uint64_t link_epoch)
{
    return b->chain_step == step && b->chain_epoch == link_epoch;
}

/*
 * The paged fast path.  A block starts only when the entry instruction
 * fetches hit last still maps the PC (paged_cached_entry); its data accesses
 * hit the same way or hand over.  Every instruction's fetch is a TLB hit on
 * that one entry (a block never crosses a page), counted when the block
 * ends, where the replacement order and the frame stamps are also brought to
 * what the access sequence makes them: only each entry's latest use counts,
 * and the latest are the last instruction's fetch, then its data access.
 * Blocks that run one whole round each, one after the other through their
 * links, form a chain: its TLB accounting and its counts but the clock wait
 * for the chain to end, and only each block's latest run is replayed then
 * (chain_replay).
 *
 * A block runs its instructions through the threaded dispatch while they
 * complete in the ordinary way; one that jumps back to its own start -- a
 * loop that is one block -- goes round again at once while another round
 * fits below the limit.  A block that does not fit below the limit runs
 * the instructions that start below it and stops (a DECODED_STOP in place of
 * the next one for that round).  A last round shorter than the block means
 * that stop, or the next instruction bailed (the reference path runs it), a
 * store rewrote decoded code, or a miss split the block (paged_data_slow).
 */

/* No block: what run_paged's `prev` is when no block ran last, never
 * linked (chain_epoch 0) and never written. */
static block_t unlinked_block;

static NOINLINE stop_t run_paged(cmodel_t *cm, uint64_t limit)
{
    static const void *const dispatch[256] = THREADED_TABLE;
    paged_t *const p = cm->paged;
    const run_consts_t x = run_consts(cm, MMU_PAGED);
    hot_t h = hot_load(cm);
    /* walk cycles and the settled position of the block running: both 0
     * after a whole round with nothing settled (a walk settles), so only
     * the other exits reset them */
    block_run_t run = {.cm = cm, .observed = cm->observing || ev_enabled(cm->m.bus)};
    exec_ctx_t e = {.cm = cm, .h = &h, .x = &x, .mode = MMU_PAGED, .fast = true, .extra = &run.extra, .run = &run};
    /* the block that ran last, if it left at its end with its fetch entry
     * intact (else unlinked_block), and where it ran: a block it is linked
     * to on the same page is fetched through the same entry */
    block_t *prev = &unlinked_block;
    uint32_t prev_pc = 0;
    tlb_entry_t *fetch = NULL;
    block_stop_t stop = {.at = NULL}; /* a stop in the block running, if any */
    /* cm->link_epoch, which only a lookup, a write to decoded code, a miss
     * or a reference step bumps: reread after each but a whole round with
     * nothing settled, which did none of them */
    uint64_t link_epoch = ++cm->link_epoch; /* links from other runs were checked against other registers */
    if (limit > INT64_MAX) /* the clock never gets there; the room below is signed */
        limit = INT64_MAX;
    for (;;) {
        uint32_t pc = h.pc;
        block_t *b;
        if (paged_linked(prev, pc - prev_pc, link_epoch)) {
            b = prev->chain;
        } else {
            if (h.cycles >= limit)
                break;
            chain_settle(&e); /* the lookup may replace its blocks */
            const bool same_page = prev != &unlinked_block && !((pc ^ prev_pc) & x.page_mask);
            const paged_shortcut_t *s = (pc & 3) ? NULL : paged_shortcut(p, ACC_FETCH, pc);
            fetch = s ? s->entry : NULL;
            b = s ? block_lookup(cm, prev->chain, paged_shortcut_pa(cm, s, pc)) : NULL;
            link_epoch = cm->link_epoch; /* after the lookup: a decode bumps it */
            if (UNLIKELY(!b))
                goto reference;
            block_thread(b, dispatch);
            if (same_page) { /* the same entry maps both: b is prev's block plus the step */
                prev->chain = b;
                prev->chain_step = pc - prev_pc;
                prev->chain_epoch = link_epoch;
            }
        }
    linked: /* b runs at pc */
        prev = &unlinked_block;
        const uint32_t fall_through = pc + 4 * b->n;
        /* another round fits while e.room covers the block's cost: e.room
         * is what is left after this round and the room it needs (b->need) */
        const int64_t room = (int64_t)(limit - h.cycles); /* 0 or less at the limit: the run ends */
        e.room = (uint64_t)(room - (int64_t)b->need);
        if (UNLIKELY(room < (int64_t)b->need)) {
            if (room <= 0)
                break;
            /* the run's last round: only the instructions that start below
             * the limit run, as the reference path would run them */
            e.room = 0;
            const uint32_t k = block_reach(b, room);
            if (k < b->n)
                stop = block_stop_at(cm, b, k, dispatch);
        }
        uint32_t next_pc;
        decoded_t *d;
        exec_t ex;
        e.block_pc = pc;
        e.first = b->insn;
        run.block = b;
        run.fetch = fetch;
        e.round = 0;
    round:
        next_pc = fall_through;
        d = b->insn;
        THREADED_JUMP(d);
        THREADED_HANDLERS
    threaded_next:
        if (LIKELY(ex == EX_OK)) {
            d++;
            THREADED_JUMP(d);
        }
        bool round_ended = false; /* left at the end of a round, not inside one */
        if (ex == EX_END) {
            uint64_t room_after; /* e.room once another round is charged, if it fits (no borrow) */
            if (next_pc == pc && !__builtin_sub_overflow(e.room, b->cost, &room_after)) {
                e.round++;
                e.room = room_after;
                goto round; /* the block cannot have changed: a write to it ends the round */
            }
            if (!(e.round | run.settled)) { /* the first round, with nothing settled */
                /* one whole round from the start, the commonest: no
                 * multiplications, its fetch entry is intact, and no walk
                 * added cycles (a miss settles) */
                h.pc = next_pc;
                /* its replay and counts held back in the chain; none is
                 * made where the order of touches matters (PLRU) */
                if (LIKELY(e.chain_first) || tlb_touches_commute(cm->mmu.tlb)) {
                    if (!e.chain_first) {
                        e.chain_first = b;
                        e.chain_start = e.chain_clock = cm->mmu.ref_clock;
                    }
                    h.cycles += b->cost;
                    b->chain_runs++;
                    b->chain_after = e.chain_clock += b->accesses;
                } else {
                    account_block(&h, b, 1, 0);
                    account_tlb(&cm->mmu, fetch, b, 0, (run_pos_t){1, 0});
                }
                if (paged_linked(b, next_pc - pc, link_epoch)) { /* followed here: pc and b in registers */
                    pc = next_pc;
                    b = b->chain;
                    goto linked;
                }
                prev = b;
                prev_pc = pc;
                continue;
            }
            e.round++;
            round_ended = true;
            d = b->insn;
        } else { /* never after a stop: the instruction that ends the block did not run */
            if (UNLIKELY(stop.at)) {
                block_unstop(&stop, dispatch);
                stop.at = NULL;
            }
            if (ex == EX_CODE_WRITTEN || ex == EX_SPLIT)
                d++;
        }
        uint32_t done = (uint32_t)(d - b->insn);
        if (done == b->n) { /* left after the round's last instruction */
            e.round++;
            done = 0;
            round_ended = true;
        }
        h.pc = round_ended ? next_pc : pc + 4 * done;
        h.cycles += run.extra;
        chain_settle(&e);
        if (UNLIKELY(ex == EX_TRAP)) { /* a data fault: fetched, walked, no execute */
            fetch_stamp_settle(&cm->mmu, &run);
            account_block(&h, b, e.round, done);
            h.cycles += cm->fetch_cost + cm->cfg_timing.trap_cycles;
            chain_count_in(cm, &h);
            hot_store(cm, &h);
            return STOP_TRAP;
        }
        account_block(&h, b, e.round, done);
        account_block_left(&cm->mmu, &run, (run_pos_t){e.round, done});
        run.extra = 0;
        run.settled = 0;
        link_epoch = cm->link_epoch; /* a miss or a write to decoded code may have bumped it */
        if (round_ended && ex == EX_END) { /* not split: `fetch` still maps the page */
            prev = b;
            prev_pc = pc;
        }
        if (LIKELY(done || e.round))
            continue;
    reference:
        chain_settle(&e);
        chain_count_in(cm, &h);
        prev = &unlinked_block;
        hot_store(cm, &h);
        if (reference_step_paged(cm) == STOP_TRAP)
            return STOP_TRAP;
        h = hot_load(cm);
        link_epoch = cm->link_epoch;
    }
    chain_settle(&e);
    chain_count_in(cm, &h);
    hot_store(cm, &h);
    return STOP_BUDGET;
}

/*
 * Segmented mode runs the reference way, one instruction at a time: every
 * access goes through the descriptor cache, whose hits and misses are what
 * the mode is there to show.
 */
static NOINLINE stop_t run_seg(cmodel_t *cm, uint64_t limit)
{
    while (cm->cycles < limit)
        if (reference_step_seg(cm) == STOP_TRAP)
            return STOP_TRAP;
    return STOP_BUDGET;
}

/* ---- machine interface -------------------------------------------------- */

static cmodel_t *as_cm(machine_t *m) { return (cmodel_t *)m; }

static stop_t cm_run(machine_t *m, uint64_t limit)
{
    cmodel_t *cm = as_cm(m);
    switch (cm->mmu.regs.mode) {
    case MMU_BARE:
    case MMU_RELOC: return run_contiguous(cm, limit);
    case MMU_PAGED: return run_paged(cm, limit);
    case MMU_SEG: return run_seg(cm, limit);
    }
    return STOP_BUDGET;
}

static stop_t cm_step(machine_t *m, retire_t *rt)
{
    cmodel_t *cm = as_cm(m);
    memset(rt, 0, sizeof *rt);
    rt->cycle_begin = cm->cycles;
    rt->pc = cm->s.pc;
    cm->last_xlate = (retire_xlate_t){0};
    cm->observing = true;
    stop_t stop = step_observed(cm, rt);
    cm->observing = false;
    if (stop == STOP_TRAP) {
        rt->trapped = true;
        rt->trap = cm->trap;
    }
    rt->cycle_end = cm->cycles;
    if (!rt->trapped && isa_writes_ra(isa_opcode(rt->insn))) {
        rt->rd_valid = true;
        rt->rd = (uint8_t)isa_ra(rt->insn);
        rt->rd_value = cm->s.r[rt->rd];
    }
    return stop;
}

static void cm_destroy(machine_t *m)
{
    cmodel_t *cm = as_cm(m);
    paged_destroy(cm);
    block_cache_destroy(cm);
    free(cm->mem);
    free(cm);
}

static void cm_get_state(machine_t *m, cpu_state_t *s) { *s = as_cm(m)->s; }
static void cm_set_state(machine_t *m, const cpu_state_t *s)
{
    cmodel_t *cm = as_cm(m);
    if (s->priv != cm->s.priv)
        paged_forget_shortcuts(cm);
    cm->s = *s;
}

static bool cm_phys_read(machine_t *m, uint32_t pa, void *buf, uint32_t len)
{
    cmodel_t *cm = as_cm(m);
    if ((uint64_t)pa + len > cm->mem_size)
        return false;
    memcpy(buf, cm->mem + pa, len);
    return true;
}

static bool cm_phys_write(machine_t *m, uint32_t pa, const void *buf, uint32_t len)
{
    cmodel_t *cm = as_cm(m);
    if ((uint64_t)pa + len > cm->mem_size)
        return false;
    memcpy(cm->mem + pa, buf, len);
    block_cache_invalidate(cm, pa, len);
    return true;
}

/* Per-opcode cycles of a completed instruction under the current MMU mode. */
static void compute_costs(cmodel_t *cm)
{
    const timing_t *t = &cm->cfg_timing;
    uint32_t xlate = mmu_access_cycles(&cm->mmu);
    cm->fetch_cost = xlate + t->mem_cycles;
    for (int op = 0; op < 256; op++) {
        const isa_info_t *info = &isa_info[op];
        uint32_t exec = t->exec_cycles;
        if (info->cls == CLASS_MUL)
            exec = t->mul_cycles;
        else if (info->cls == CLASS_DIV)
            exec = t->div_cycles;
        cm->cost[op] = cm->fetch_cost + exec + (info->mem != MEM_NONE ? xlate + t->mem_cycles : 0);
    }
    block_cache_flush(cm);
}

static void cm_mmu_set(machine_t *m, const mmu_regs_t *regs)
{
    cmodel_t *cm = as_cm(m);
    bool mode_changed = cm->costs_for_mode != (int)regs->mode;
    mmu_set(&cm->mmu, regs);
    m->mmu = *regs;
    if (mode_changed) {
        compute_costs(cm);
        cm->costs_for_mode = (int)regs->mode;
    }
    paged_forget_shortcuts(cm);
}


static uint64_t cm_cycles(machine_t *m) { return as_cm(m)->cycles; }
static void cm_charge(machine_t *m, uint64_t c) { as_cm(m)->cycles += c; }
static const hw_counters_t *cm_counters(machine_t *m)
{
    cmodel_t *cm = as_cm(m);
    mmu_counters(&cm->mmu, &cm->cnt);
    return &cm->cnt;
}
static const trap_t *cm_trap(machine_t *m) { return &as_cm(m)->trap; }

static const machine_ops_t cmodel_ops = {
    .name = "c",
    .destroy = cm_destroy,
    .run = cm_run,
    .step = cm_step,
    .get_state = cm_get_state,
    .set_state = cm_set_state,
    .phys_read = cm_phys_read,
    .phys_write = cm_phys_write,
    .mmu_set = cm_mmu_set,
    .tlb_flush = paged_tlb_flush,
    .tlb_read = paged_tlb_read,
    .cycles = cm_cycles,
    .charge = cm_charge,
    .counters = cm_counters,
    .trap = cm_trap,
    .frame_refs = paged_frame_refs,
};

machine_t *cmodel_create(const machine_config_t *cfg, evbus_t *bus, char *err, size_t errlen)
{
    if (cfg->timing.exec_cycles == 0) { /* every instruction must move the clock, or budgets never end */
        snprintf(err, errlen, "--timing exec_cycles=0: an instruction must take at least one cycle");
        return NULL;
    }
    if (cfg->mem_size < 4096 || cfg->mem_size % 4096) {
        snprintf(err, errlen, "--mem: %u bytes; physical memory must be a multiple of 4K, at least 4K",
                 cfg->mem_size);
        return NULL;
    }
    cmodel_t *cm = calloc(1, sizeof *cm);
    if (!cm || !(cm->mem = calloc(1, cfg->mem_size))) {
        free(cm);
        snprintf(err, errlen, "out of host memory for %u bytes of modeled memory", cfg->mem_size);
        return NULL;
    }
    cm->m.ops = &cmodel_ops;
    cm->m.cfg = *cfg;
    cm->m.bus = bus;
    cm->cfg_timing = cfg->timing;
    cm->mem_size = cfg->mem_size;
    cm->s.priv = MODE_USER;
    cm->costs_for_mode = -1;
    if (!block_cache_create(cm) || !paged_create(cm, err, errlen)) {
        block_cache_destroy(cm);
        free(cm->mem);
        free(cm);
        return NULL;
    }
    mmu_regs_t bare = {.mode = MMU_BARE, .fence = cfg->mem_size};
    cm_mmu_set(&cm->m, &bare);
    return &cm->m;
}
