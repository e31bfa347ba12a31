/*
 * Explanations from the event stream (see explain.h and docs/explain.md).
 *
 * A story is the run of events one decision produced, in the order the
 * model emits them; it is written as one sentence when the next story
 * begins, when its summary event arrives (PAGE_FAULT, PROC_KILL) or at the
 * end of the stream.  Rendering reads only the story's events.
 */
#include "explain.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "../machine/machine.h"
#include "../mmu/pte.h"
#include "../os/segment.h"
#include "../os/replace.h"

const char *const explain_kind_word[EXPLAIN_KIND_COUNT] = {
#define EXPLAIN_WORD(name, word, help) word,
    EXPLAIN_KIND_TABLE(EXPLAIN_WORD)
#undef EXPLAIN_WORD
};
const char *const explain_kind_help[EXPLAIN_KIND_COUNT] = {
#define EXPLAIN_HELP(name, word, help) help,
    EXPLAIN_KIND_TABLE(EXPLAIN_HELP)
#undef EXPLAIN_HELP
};

#define STORY_MAX 256    /* events kept per story; lists beyond are counted  */
#define SENTENCE_MAX 4096

typedef struct {
    event_t ev[STORY_MAX];
    int n;
    unsigned dropped; /* list entries (REF_CLEAR, POLICY_STATE) beyond STORY_MAX */
    int pid;
    uint64_t fault_end; /* a page fault came before its parts (a trace sorted by cycle): they end here */
} story_t;

struct explainer {
    FILE *out;
    explain_filter_t filter;
    story_t story;
    event_t early_fault;     /* a page fault before the trap that opens its story */
    bool has_early_fault;    /* (a trace sorted by cycle; live, it comes last)     */
    int current_pid;         /* whose TLB misses these are (the bus says pid 0) */
    uint64_t flush_all_at;   /* cycle of the latest whole-TLB flush, +1 (0: none) */
    unsigned long count;
    char line[SENTENCE_MAX];
    size_t len;
    char last[SENTENCE_MAX];
};

/* ---- the filter ------------------------------------------------------------------ */

static bool parse_word(const char *w, size_t len, explain_filter_t *f)
{
    if (len == 5 && !strncmp(w, "state", 5)) {
        f->state = true;
        return true;
    }
    if (len >= 2 && (w[0] == 'P' || w[0] == 'p')) {
        char *end;
        long pid = strtol(w + 1, &end, 10);
        if (end == w + len && pid >= 1 && pid <= 1000000) {
            f->pid = (int)pid;
            return true;
        }
    }
    for (int k = 0; k < EXPLAIN_KIND_COUNT; k++)
        if (strlen(explain_kind_word[k]) == len && !strncmp(w, explain_kind_word[k], len)) {
            f->kinds |= 1u << k;
            return true;
        }
    return false;
}

bool explain_filter_parse(const char *text, explain_filter_t *f, char *err, size_t errlen)
{
    *f = (explain_filter_t){0};
    for (const char *w = text ? text : ""; *w;) {
        size_t len = strcspn(w, ",");
        if (len && !parse_word(w, len, f)) {
            int used = snprintf(err, errlen, "'%.*s' is not one of", (int)len, w);
            for (int k = 0; k < EXPLAIN_KIND_COUNT && used > 0 && (size_t)used < errlen; k++)
                used += snprintf(err + used, errlen - (size_t)used, " %s", explain_kind_word[k]);
            if (used > 0 && (size_t)used < errlen)
                snprintf(err + used, errlen - (size_t)used, ", P<pid>, state (comma-separated)");
            return false;
        }
        w += len + (w[len] == ',');
    }
    return true;
}

/* ---- creating ---------------------------------------------------------------------- */

explainer_t *explain_create(FILE *out, const explain_filter_t *filter)
{
    explainer_t *x = calloc(1, sizeof *x);
    if (!x)
        return NULL;
    x->out = out;
    x->filter = *filter;
    return x;
}

void explain_destroy(explainer_t *x) { free(x); }
const char *explain_last(const explainer_t *x) { return x->last; }
unsigned long explain_count(const explainer_t *x) { return x->count; }

/* ---- writing a sentence --------------------------------------------------------------- */

static void say(explainer_t *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(explainer_t *x, const char *fmt, ...)
{
    if (x->len >= sizeof x->line - 1)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(x->line + x->len, sizeof x->line - x->len, fmt, ap);
    va_end(ap);
    if (n > 0)
        x->len = x->len + (size_t)n < sizeof x->line ? x->len + (size_t)n : sizeof x->line - 1;
}

static bool wanted(const explainer_t *x, unsigned kinds, int pid)
{
    return (!x->filter.kinds || (x->filter.kinds & kinds)) && (!x->filter.pid || x->filter.pid == pid);
}

/* Start a sentence about process pid at cycle. */
static void begin(explainer_t *x, uint64_t cycle, int pid)
{
    x->len = 0;
    say(x, "cycle %" PRIu64 "  ", cycle);
    if (pid > 0)
        say(x, "P%d ", pid);
}

static void finish(explainer_t *x)
{
    memcpy(x->last, x->line, x->len + 1);
    x->count++;
    if (x->out)
        fprintf(x->out, "%s\n", x->line);
    x->len = 0;
    x->line[0] = 0;
}

/* ---- reading a story --------------------------------------------------------------- */

static const event_t *find(const story_t *s, ev_kind_t kind)
{
    for (int i = 0; i < s->n; i++)
        if (s->ev[i].kind == kind)
            return &s->ev[i];
    return NULL;
}

static uint64_t total_of(const story_t *s, ev_kind_t kind)
{
    uint64_t sum = 0;
    for (int i = 0; i < s->n; i++)
        if (s->ev[i].kind == kind)
            sum += s->ev[i].duration;
    return sum;
}

/* trap_desc without its "page fault: " prefix. */
static const char *cause_text(uint32_t cause)
{
    if (cause >= TRAP_COUNT)
        return "unknown trap";
    const char *d = trap_desc[cause];
    return strncmp(d, "page fault: ", 12) ? d : d + 12;
}

static const char *policy_label(uint32_t policy)
{
    static const char *const label[REPL_POLICY_COUNT] = {"FIFO", "LRU", "OPT", "CLOCK"};
    return policy < REPL_POLICY_COUNT ? label[policy] : "the policy";
}

/* A walk: a TLB miss, or a hit whose entry lacks A or D (the walker sets it). */
static bool is_walk(ev_kind_t kind) { return kind == EV_TLB_MISS || kind == EV_AD_REWALK; }

static const event_t *find_walk(const story_t *s)
{
    const event_t *miss = find(s, EV_TLB_MISS);
    return miss ? miss : find(s, EV_AD_REWALK);
}

static unsigned story_kinds(const story_t *s)
{
    unsigned k = 0;
    const event_t *trap = find(s, EV_TRAP), *evict = find(s, EV_EVICT);
    if (find_walk(s))
        k |= 1u << EXPLAIN_TLB;
    if (find(s, EV_PAGE_FAULT))
        k |= 1u << EXPLAIN_FAULT;
    if (find(s, EV_VICTIM) || evict)
        k |= 1u << EXPLAIN_EVICT;
    if (find(s, EV_DISK_WRITE) || (evict && evict->d))
        k |= 1u << EXPLAIN_WRITEBACK;
    if (find(s, EV_COW_BREAK))
        k |= 1u << EXPLAIN_COW;
    if (find(s, EV_PROC_KILL) || (trap && !find(s, EV_PAGE_FAULT)))
        k |= 1u << EXPLAIN_PROTECTION;
    return k;
}

/* ---- the parts of a sentence ---------------------------------------------------------- */

/* "(set 0 full, LRU evicts entry 3: vpn 0x5, the least recently used of 4 ways)" */
/* TLB_FILL: which entry the miss filled and why that one (tlb_read's age as
 * the rank: lru/fifo ways-1 is the least recently used/oldest, plru the tree
 * bits pointing at it). */
static void say_tlb_fill(explainer_t *x, const event_t *fill)
{
    static const char *const label[TLB_POLICY_COUNT] = {[TLB_LRU] = "LRU", [TLB_FIFO] = "FIFO",
                                                        [TLB_RANDOM] = "random replacement",
                                                        [TLB_PLRU] = "pseudo-LRU"};
    const uint32_t policy = fill->d & 0xff, ways = fill->d >> 8 ? fill->d >> 8 : 1, set = fill->a / ways;
    if (fill->b == UINT32_MAX) {
        say(x, " (entry %" PRIu32 " of set %" PRIu32 " was free)", fill->a, set);
        return;
    }
    say(x, " (set %" PRIu32 " full, %s evicts entry %" PRIu32 ": vpn 0x%" PRIx32 ", ", set,
        policy < TLB_POLICY_COUNT && label[policy] ? label[policy] : "the policy", fill->a, fill->b);
    const bool last = fill->c + 1 == ways;
    switch (policy) {
    case TLB_LRU: say(x, last ? "the least recently used" : "rank %" PRIu32, fill->c); break;
    case TLB_FIFO: say(x, last ? "the oldest" : "rank %" PRIu32, fill->c); break;
    case TLB_PLRU:
        say(x, "the one the tree's %" PRIu32 " bit%s on its path point%s to", fill->c, fill->c == 1 ? "" : "s",
            fill->c == 1 ? "s" : "");
        break;
    default: say(x, "picked at random"); break;
    }
    say(x, "%s %" PRIu32 " way%s)", policy == TLB_LRU || policy == TLB_FIFO ? " of" : ", among", ways,
        ways == 1 ? "" : "s");
}

static void say_walk(explainer_t *x, const story_t *s, const event_t *miss)
{
    const event_t *fill = find(s, EV_TLB_FILL);
    const char *access = miss->d < 3 ? access_name[miss->d] : "access";
    if (miss->kind == EV_AD_REWALK) /* a hit whose entry lacks A (or D for a store): the walker sets it */
        say(x, "%s 0x%08" PRIx32 ": TLB hit, but the entry lacks the %s bit", access, miss->a,
            miss->d == ACC_STORE ? "D" : "A");
    else
        say(x, "%s 0x%08" PRIx32 ": TLB miss", access, miss->a);
    if (fill)
        say_tlb_fill(x, fill);
    bool first = true;
    for (int i = 0; i < s->n; i++)
        if (s->ev[i].kind == EV_WALK_STEP) {
            say(x, "%sL%" PRIu32 " @0x%" PRIx32, first ? " -> walk " : ", ", s->ev[i].a, s->ev[i].b);
            first = false;
        }
}

/* Which page of which process a frame held, from the eviction. */
static void say_owner(explainer_t *x, const event_t *evict)
{
    if (evict)
        say(x, "P%" PRIu32 " page 0x%" PRIx32, evict->b, evict->c);
    else
        say(x, "its page");
}

static void say_clock_sweep(explainer_t *x, const story_t *s, const event_t *victim)
{
    say(x, "the clock hand at frame %" PRIu32, victim->c);
    int cleared = 0;
    for (int i = 0; i < s->n; i++)
        if (s->ev[i].kind == EV_REF_CLEAR) {
            say(x, "%s%" PRIu32 " (P%d page 0x%" PRIx32 ")", cleared ? ", " : " clears the reference bits of frames ",
                s->ev[i].a, s->ev[i].pid, s->ev[i].b);
            cleared++;
        }
    if (s->dropped)
        say(x, " and %u more", s->dropped);
    say(x, "%s evicts frame %" PRIu32 " (", cleared ? " and" : "", victim->a);
}

/* "LRU evicts frame 7 (P2 page 0x3, last used at access 6010, the least recently used of 8)" */
static void say_victim(explainer_t *x, const story_t *s, const event_t *victim, const event_t *evict)
{
    uint32_t policy = victim->b & VICTIM_POLICY_MASK;
    const char *scope = victim->b & VICTIM_LOCAL ? " of its own " : " of ";
    if (policy == REPL_CLOCK)
        say_clock_sweep(x, s, victim);
    else
        say(x, "%s evicts frame %" PRIu32 " (", policy_label(policy), victim->a);
    say_owner(x, evict);
    switch (policy) {
    case REPL_FIFO:
        say(x, ", loaded at cycle %" PRIu64 ", the oldest%s%" PRIu32 " in the queue: first in, first out)",
            victim->cycle - victim->c, scope, victim->d);
        break;
    case REPL_LRU:
        if (victim->b & VICTIM_USED)
            say(x, ", last used at memory access %" PRIu32, victim->c);
        else
            say(x, ", loaded at cycle %" PRIu64 " and not used since", victim->cycle - victim->c);
        say(x, ", the least recently used%s%" PRIu32 ")", scope, victim->d);
        break;
    case REPL_OPT:
        if (victim->c == UINT32_MAX)
            say(x, ", never used again");
        else
            say(x, ", next used %" PRIu32 " references from now", victim->c);
        say(x, ", the furthest%s%" PRIu32 ")", scope, victim->d);
        break;
    case REPL_CLOCK: say(x, ", reference bit clear)"); break;
    default: say(x, ")"); break;
    }
}

static const char *source_text(uint32_t from)
{
    switch (from) {
    case PAGE_FROM_SWAP: return "the backing store";
    case PAGE_FROM_MAPPING: return "its mapped file";
    case PAGE_FROM_EXECUTABLE: return "the executable";
    default: return "disk";
    }
}

/* The replacement part of a fault (or of a standalone eviction). */
static void say_frame_choice(explainer_t *x, const story_t *s, const event_t *fault)
{
    const event_t *victim = find(s, EV_VICTIM), *evict = find(s, EV_EVICT), *write = find(s, EV_DISK_WRITE);
    if (victim) {
        say(x, "no free frame, ");
        say_victim(x, s, victim, evict);
    } else if (evict) {
        say(x, "frame %" PRIu32 " evicted (", evict->a);
        say_owner(x, evict);
        say(x, ")");
    } else if (fault && fault->c && !find(s, EV_COW_BREAK)) {
        say(x, "frame %" PRIu32 " is free", fault->c);
    }
    if (evict && write)
        say(x, " -> dirty: written back, %" PRIu64 " cycles", write->duration);
    else if (evict)
        say(x, " -> clean: dropped without a write");
}

static void say_fill(explainer_t *x, const story_t *s, const event_t *fault)
{
    const event_t *read = find(s, EV_DISK_READ), *cow = find(s, EV_COW_BREAK);
    if (cow && cow->d)
        say(x, "copy-on-write: page 0x%" PRIx32 " copied from shared frame %" PRIu32 " to frame %" PRIu32, cow->a,
            cow->b, cow->c);
    else if (cow)
        say(x, "copy-on-write: the last sharer of frame %" PRIu32 " gets write permission back", cow->b);
    else if (read)
        say(x, "page 0x%" PRIx32 " read from %s, %" PRIu64 " cycles", read->a, source_text(read->d), read->duration);
    else if (fault->c == 0)
        say(x, "mapped onto the frame another process holds it in");
    else
        say(x, "page 0x%" PRIx32 " zero-filled", fault->b);
}

/* The policy's state the choice was made on (--explain=state). */
static void say_state(explainer_t *x, const story_t *s, const event_t *victim)
{
    static const char *const heading[REPL_POLICY_COUNT] = {
        "FIFO queue, oldest first", "LRU stack, least recently used first", "OPT's next uses",
        "clock from the hand"};
    uint32_t policy = victim->b & VICTIM_POLICY_MASK;
    say(x, "\n    %s:", policy < REPL_POLICY_COUNT ? heading[policy] : "order");
    for (int i = 0; i < s->n; i++) {
        const event_t *e = &s->ev[i];
        if (e->kind != EV_POLICY_STATE)
            continue;
        say(x, " %" PRIu32 " (P%d 0x%" PRIx32, e->a, e->pid, e->b);
        if (policy == REPL_FIFO || (policy == REPL_LRU && !(e->d & VICTIM_USED)))
            say(x, ", loaded %" PRIu64, e->cycle - e->c);
        else if (policy == REPL_LRU)
            say(x, ", access %" PRIu32, e->c);
        else if (policy == REPL_OPT && e->c == UINT32_MAX)
            say(x, ", never");
        else if (policy == REPL_OPT)
            say(x, ", in %" PRIu32, e->c);
        else
            say(x, ", R=%d%s", e->d & POLICY_REFBIT ? 1 : 0, e->d & POLICY_HAND ? ", hand" : "");
        say(x, ")");
    }
    if (s->dropped)
        say(x, " ... (%u more)", s->dropped);
}

/* ---- the sentences --------------------------------------------------------------------- */

/* Segmented mode's served fault (os/segment.c: EV_PAGE_FAULT's b is the
 * segment number, c its base, d SEG_FILL_*): demand
 * segmentation or a swap-in brings a segment in, maybe after swapping
 * others out and compacting; a reference below the stack grows it. */
static void tell_segment_fault(explainer_t *x, const story_t *s, const event_t *trap, const event_t *fault)
{
    unsigned swaps = 0, moves = 0;
    for (int i = 0; i < s->n; i++) {
        swaps += s->ev[i].kind == EV_SWAP_OUT;
        moves += s->ev[i].kind == EV_MOVE;
    }
    const event_t *read = find(s, EV_DISK_READ);
    say(x, " -> segment %" PRIu32 " ", fault->b);
    if (trap->a == TRAP_SEG_BOUND)
        say(x, "is the stack: grown downwards%s, now at 0x%08" PRIx32, moves ? " by moving it" : " in place", fault->c);
    else if (read)
        say(x, "brought in at 0x%08" PRIx32 ", %" PRIu32 " bytes read from disk", fault->c, read->b);
    else
        say(x, "brought in at 0x%08" PRIx32 ": %s", fault->c,
            fault->d == SEG_FILL_SHARED ? "the code another process running the program holds (shared)" : "zeros");
    if (swaps)
        say(x, ", after swapping out %u segment(s) of other processes", swaps);
    if (moves && trap->a != TRAP_SEG_BOUND)
        say(x, ", after compaction moved %u block(s)", moves);
    const uint64_t work = total_of(s, EV_FAULT_HANDLER) + total_of(s, EV_DISK_READ) + total_of(s, EV_DISK_WRITE) +
                          total_of(s, EV_SWAP_OUT) + total_of(s, EV_MOVE);
    say(x, " -> restart; handler, disk and copies %" PRIu64 " cycles", work);
}

static void tell_access(explainer_t *x, const story_t *s)
{
    const event_t *miss = find_walk(s), *trap = find(s, EV_TRAP), *fault = find(s, EV_PAGE_FAULT);
    const event_t *kill = find(s, EV_PROC_KILL), *wb = find(s, EV_PTE_WRITEBACK);
    begin(x, s->ev[0].cycle, s->pid);
    if (miss)
        say_walk(x, s, miss);
    else if (trap)
        say(x, "at pc 0x%08" PRIx32 ", address 0x%08" PRIx32, trap->b, trap->c);
    if (!trap) {
        const event_t *last = NULL;
        for (int i = 0; i < s->n; i++)
            if (s->ev[i].kind == EV_WALK_STEP)
                last = &s->ev[i];
        if (last && pte_valid((pte_t){last->c}))
            say(x, ": frame %" PRIu32, pte_ppn((pte_t){last->c}));
        if (wb)
            say(x, " -> A/D bits written back @0x%" PRIx32, wb->a);
        say(x, "; %" PRIu64 " cycles", miss ? miss->duration : 0);
        return;
    }
    say(x, "%s%s", miss ? ": " : ": ", cause_text(trap->a));
    if (!fault) {
        if (kill)
            say(x, " -> P%d killed, %" PRIu64 " cycles", kill->pid, kill->duration);
        return;
    }
    if (trap->a == TRAP_SEG_NOT_PRESENT || trap->a == TRAP_SEG_BOUND) {
        tell_segment_fault(x, s, trap, fault);
        return;
    }
    say(x, " -> page fault: ");
    const event_t *victim = find(s, EV_VICTIM), *evict = find(s, EV_EVICT);
    if (victim || evict || !find(s, EV_COW_BREAK)) {
        say_frame_choice(x, s, fault);
        say(x, " -> ");
    }
    say_fill(x, s, fault);
    uint64_t disk = total_of(s, EV_DISK_READ) + total_of(s, EV_DISK_WRITE);
    say(x, " -> restart; trap and handler %" PRIu64 " cycles, %" PRIu64 " cycles in all",
        fault->duration > disk ? fault->duration - disk : 0, fault->duration + (miss ? miss->duration : 0));
    if (x->filter.state && victim && find(s, EV_POLICY_STATE))
        say_state(x, s, victim);
}

/* An eviction outside a page fault (room for a page table, a swap-in). */
static void tell_eviction(explainer_t *x, const story_t *s)
{
    begin(x, s->ev[0].cycle, s->pid);
    say(x, "needs a frame: ");
    say_frame_choice(x, s, NULL);
    const event_t *victim = find(s, EV_VICTIM);
    if (x->filter.state && victim && find(s, EV_POLICY_STATE))
        say_state(x, s, victim);
}

static const char *switch_reason(uint32_t reason)
{
    switch (reason) {
    case CTX_ENDED: return "ended";
    case CTX_BLOCKED: return "waits for its threads";
    case CTX_TRAP: return "trapped into the OS, which then picks the next process round-robin";
    default: return "used up its quantum";
    }
}

/* One event that is a decision by itself; false if it is not one. */
static bool tell_single(explainer_t *x, const event_t *e)
{
    switch (e->kind) {
    case EV_CTX_SWITCH:
        if (!wanted(x, 1u << EXPLAIN_SWITCH, (int)e->b) && !wanted(x, 1u << EXPLAIN_SWITCH, (int)e->a))
            return true;
        begin(x, e->cycle, 0);
        if (e->a)
            say(x, "context switch P%" PRIu32 " -> P%" PRIu32 ": P%" PRIu32 " %s", e->a, e->b, e->a,
                switch_reason(e->d));
        else
            say(x, "context switch to P%" PRIu32 ": the process before it ended", e->b);
        say(x, "; registers and MMU state saved and loaded");
        if (x->flush_all_at == e->cycle + 1)
            say(x, ", TLB flushed (no ASID tells the processes apart)");
        say(x, ", %" PRIu64 " cycles", e->duration);
        break;
    case EV_SWAP_OUT:
        if (!wanted(x, 1u << EXPLAIN_SWAP, e->pid))
            return true;
        begin(x, e->cycle, e->pid);
        say(x, "rolled out to the backing store: no hole fits, and it goes first (the lowest priority, %d; among "
               "equals the one dispatched last); %" PRIu32 " bytes from 0x%" PRIx32 ", %" PRIu64 " cycles",
            (int32_t)e->d, e->b, e->c, e->duration);
        break;
    case EV_SWAP_IN:
        if (!wanted(x, 1u << EXPLAIN_SWAP, e->pid))
            return true;
        begin(x, e->cycle, e->pid);
        say(x, "rolled back in at 0x%" PRIx32 ": %" PRIu32 " bytes, %" PRIu64 " cycles", e->c, e->b, e->duration);
        break;
    case EV_MOVE:
        if (!wanted(x, 1u << EXPLAIN_COMPACT, e->pid))
            return true;
        begin(x, e->cycle, e->pid);
        say(x, "moved from 0x%" PRIx32 " to 0x%" PRIx32 ": %" PRIu32 " bytes copied word by word, %" PRIu64 " cycles",
            e->b, e->c, e->d, e->duration);
        break;
    case EV_DISK_WRITE: /* a write-back outside a fault: msync, munmap */
        if (!wanted(x, 1u << EXPLAIN_WRITEBACK, e->pid))
            return true;
        begin(x, e->cycle, e->pid);
        say(x, "page 0x%" PRIx32 " written back to its file, %" PRIu64 " cycles", e->a, e->duration);
        break;
    default: return false;
    }
    finish(x);
    return true;
}

static void tell_story(explainer_t *x)
{
    story_t *s = &x->story;
    if (!s->n)
        return;
    if (wanted(x, story_kinds(s), s->pid)) {
        if (find_walk(s) || find(s, EV_TRAP))
            tell_access(x, s);
        else
            tell_eviction(x, s);
        finish(x);
    }
    s->n = 0;
    s->dropped = 0;
    s->fault_end = 0;
}

/* ---- gathering stories --------------------------------------------------------------- */

static void story_add(story_t *s, const event_t *ev)
{
    if (s->n < STORY_MAX)
        s->ev[s->n++] = *ev;
    else
        s->dropped++;
}

static bool opens(const event_t *ev);

/* Does ev continue the open story? */
static bool continues(const story_t *s, const event_t *ev)
{
    if (!s->n)
        return false;
    switch (ev->kind) {
    case EV_WALK_STEP:
    case EV_PTE_WRITEBACK:
    case EV_TLB_FILL: return is_walk(s->ev[0].kind) && !find(s, EV_TRAP);
    case EV_TRAP: /* the access that walked is the one that faulted */
        return is_walk(s->ev[0].kind) && !find(s, EV_TRAP) && opens(ev) && ev->c == s->ev[0].a;
    case EV_PAGE_FAULT: /* live, after its parts; in a trace sorted by cycle, before them (a walk
                         * that faults neither fills the TLB nor writes A/D back) */
        return find(s, EV_TRAP) != NULL || (is_walk(s->ev[0].kind) && !find(s, EV_PAGE_FAULT) &&
                                            !find(s, EV_TLB_FILL) && !find(s, EV_PTE_WRITEBACK));
    case EV_FAULT_HANDLER:
    case EV_COW_BREAK:
    case EV_PROC_KILL: return find(s, EV_TRAP) != NULL;
    case EV_POLICY_STATE:
    case EV_REF_CLEAR:
    case EV_VICTIM:
    case EV_TLB_FLUSH:
    case EV_EVICT:
    case EV_DISK_WRITE:
    case EV_DISK_READ: return find(s, EV_TRAP) != NULL || !is_walk(s->ev[0].kind);
    case EV_SWAP_OUT: /* segmented mode: making room for a segment fault */
    case EV_MOVE: return find(s, EV_TRAP) && (find(s, EV_TRAP)->a == TRAP_SEG_NOT_PRESENT ||
                                              find(s, EV_TRAP)->a == TRAP_SEG_BOUND);
    default: return false;
    }
}

/* Does ev open a story? */
static bool opens(const event_t *ev)
{
    switch (ev->kind) {
    case EV_TLB_MISS:
    case EV_AD_REWALK:
    case EV_POLICY_STATE:
    case EV_REF_CLEAR:
    case EV_VICTIM:
    case EV_EVICT: return true;
    case EV_TRAP: return ev->a != TRAP_SYSCALL && ev->a != TRAP_NONE;
    default: return false;
    }
}

/* Does ev end the story it continues?  A page fault that comes before its
 * trap (a trace sorted by cycle) ends it when its span is over instead. */
static bool ends(story_t *s, const event_t *ev)
{
    if (ev->kind == EV_PAGE_FAULT && !find(s, EV_TRAP)) {
        s->fault_end = ev->cycle + ev->duration;
        return false;
    }
    return ev->kind == EV_PAGE_FAULT || ev->kind == EV_PROC_KILL;
}

/* Events whose pid is the process the story is about (the one that trapped
 * or needs the frame; POLICY_STATE and REF_CLEAR name frames' owners). */
static bool names_payer(const event_t *ev)
{
    return (ev->kind == EV_TRAP || ev->kind == EV_VICTIM || ev->kind == EV_EVICT) && ev->pid > 0;
}

static void track_process(explainer_t *x, const event_t *ev)
{
    if (ev->kind == EV_CTX_SWITCH)
        x->current_pid = (int)ev->b;
    else if ((ev->kind == EV_PROC_START && !x->current_pid) || ev->kind == EV_TRAP)
        x->current_pid = ev->pid;
    if (ev->kind == EV_TLB_FLUSH && ev->a == TLB_FLUSH_ALL)
        x->flush_all_at = ev->cycle + 1;
}

void explain_observe(void *ctx, const event_t *ev)
{
    explainer_t *x = ctx;
    story_t *s = &x->story;
    track_process(x, ev);
    if (ev->kind == EV_RUNNING) /* a process's time on the CPU: for timelines, no decision */
        return;
    if (continues(s, ev) && (!s->fault_end || ev->cycle <= s->fault_end)) {
        story_add(s, ev);
        if (names_payer(ev))
            s->pid = ev->pid;
        if (ends(s, ev))
            tell_story(x);
        return;
    }
    tell_story(x);
    if (ev->kind == EV_PAGE_FAULT && !x->has_early_fault) { /* its trap follows */
        x->early_fault = *ev;
        x->has_early_fault = true;
        return;
    }
    const event_t early = x->early_fault;
    const bool claimed = x->has_early_fault && opens(ev) && ev->kind == EV_TRAP && ev->cycle >= early.cycle &&
                         ev->cycle <= early.cycle + early.duration;
    x->has_early_fault = false;
    if (opens(ev)) {
        story_add(s, ev);
        s->pid = names_payer(ev) ? ev->pid : x->current_pid;
        if (claimed) {
            story_add(s, &early);
            s->fault_end = early.cycle + early.duration;
        }
        return;
    }
    if (ev->kind == EV_PROC_KILL && wanted(x, 1u << EXPLAIN_PROTECTION, ev->pid)) {
        begin(x, ev->cycle, ev->pid);
        say(x, "killed: %s at pc 0x%08" PRIx32 ", address 0x%08" PRIx32 ", %" PRIu64 " cycles", cause_text(ev->a),
            ev->b, ev->c, ev->duration);
        finish(x);
        return;
    }
    tell_single(x, ev);
}

void explain_flush(explainer_t *x) { tell_story(x); }
