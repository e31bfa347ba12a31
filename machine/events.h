/*
 * The cycle-stamped event stream.
 *
 * Hardware (a TLB miss and its walk) and the OS (a fault's trap, handler and
 * disk parts, a context switch, a load, a swap) report what happened and
 * when, in modeled cycles.  Observers -- trace writers, the viewer, tests --
 * subscribe to the bus.  With no observer the producers pay one predictable
 * branch (ev_enabled) and nothing else.
 *
 * EVENT_TABLE(X): X(name, "label", "category", "a", "b", "c", "d") names the
 * kind and its four integer arguments, for CSV columns and trace JSON args.
 *
 * Decisions carry their reasons (docs/explain.md; obs/explain.c reads them):
 *   VICTIM        the replacement policy's choice, before its EVICT: frame,
 *                 policy = repl_policy_t | VICTIM_LOCAL | VICTIM_USED, key, and
 *                 how many frames it chose among.  key by policy: FIFO the
 *                 cycles since the page was loaded; LRU the memory access that
 *                 last used it (VICTIM_USED), else the cycles since its load;
 *                 OPT its next use, in references from now (UINT32_MAX never);
 *                 CLOCK the frame the hand started from.
 *   REF_CLEAR     CLOCK passed over a frame and cleared its reference bit
 *                 (pid: the frame's owner), in sweep order, before the VICTIM.
 *   POLICY_STATE  with os_config_t.explain_state, before a choice: one per
 *                 frame in the policy's order (FIFO queue and LRU stack next
 *                 victim first, CLOCK from the hand round, OPT by frame); pid
 *                 the owner, key as for VICTIM, flags POLICY_REFBIT, POLICY_HAND.
 *   TLB_FILL      after a miss's walk (mmu/mmu.c): the slot filled (its set is
 *                 slot / ways), the vpn it held (UINT32_MAX: it was invalid),
 *                 the policy's rank of that victim just before (tlb_read's age:
 *                 lru/fifo ways-1 is the least recently used/oldest), and the
 *                 TLB's policy (tlb_policy_t) | ways << 8.  The new vpn is the
 *                 TLB_MISS's vaddr.
 *   COW_BREAK     a write to a copy-on-write page: copied to new_frame, or
 *                 (copied 0) its last mapping got write permission back.
 *   CTX_SWITCH    d: why (CTX_QUANTUM, CTX_ENDED, CTX_BLOCKED, CTX_TRAP: its
 *                 slice ended in a trap and round-robin moves on).
 *   DISK_READ     d: for a page, where from (PAGE_FROM_*).
 *   USER_COPY     a file's data copied between the kernel's buffer and the
 *                 process (read: to_user 1, write: 0), copy_word_cycles a word.
 *   SWAP_OUT      d: the priority of the process rolled out (lowest goes first).
 */
#ifndef MMULAB_EVENTS_H
#define MMULAB_EVENTS_H

#include <stdbool.h>
#include <stdint.h>

#define EVENT_TABLE(X)                                                                    \
    X(PROC_START, "process start", "os", "base", "size", "entry", "")                    \
    X(PROC_EXIT, "process exit", "os", "code", "instructions", "", "")                   \
    X(PROC_KILL, "process killed", "os", "cause", "pc", "vaddr", "paddr")               \
    X(LOAD, "program load", "os", "base", "bytes", "words", "")                           \
    X(RELOCATE, "relocation patching", "os", "base", "relocations", "", "")               \
    X(TRAP, "trap", "hw", "cause", "pc", "vaddr", "paddr")                                \
    X(SYSCALL, "system call", "os", "number", "arg1", "arg2", "result")                   \
    X(CTX_SWITCH, "context switch", "os", "from_pid", "to_pid", "", "reason")                \
    X(TLB_MISS, "TLB miss", "hw", "vaddr", "asid", "levels", "access")                    \
    X(WALK_STEP, "page-table walk step", "hw", "level", "pte_addr", "pte", "vaddr")       \
    X(PTE_WRITEBACK, "A/D write-back", "hw", "pte_addr", "pte", "", "")                   \
    X(TLB_FLUSH, "TLB flush", "hw", "kind", "asid", "vaddr", "entries")                          \
    X(PAGE_FAULT, "page fault", "os", "vaddr", "page", "frame", "major")                  \
    X(FAULT_HANDLER, "fault handler", "os", "vaddr", "", "", "")                          \
    X(DISK_READ, "disk read", "disk", "page_or_pid", "bytes", "frame", "from")              \
    X(DISK_WRITE, "disk write", "disk", "page_or_pid", "bytes", "frame", "")              \
    X(EVICT, "eviction", "os", "frame", "victim_pid", "victim_page", "dirty")             \
    X(SWAP_OUT, "swap out", "os", "pid", "bytes", "base", "")                             \
    X(SWAP_IN, "swap in", "os", "pid", "bytes", "base", "")                               \
    X(MOVE, "process moved", "os", "pid", "old_base", "new_base", "bytes")               \
    X(STRAY_STORE, "store into another's memory", "os", "pid", "paddr", "owner_pid", "pc")   \
    X(WS_SAMPLE, "working set", "os", "pages", "faults", "window", "")                   \
    X(VICTIM, "replacement victim", "os", "frame", "policy", "key", "candidates")          \
    X(REF_CLEAR, "reference bit cleared", "os", "frame", "page", "", "")                  \
    X(POLICY_STATE, "replacement state", "os", "frame", "page", "key", "flags")           \
    X(COW_BREAK, "copy-on-write break", "os", "page", "old_frame", "new_frame", "copied")  \
    X(IDLE, "idle", "os", "", "", "", "")                                                  \
    X(TLB_FILL, "TLB fill", "hw", "slot", "victim_vpn", "rank", "policy")                  \
    X(BIND, "symbol binding", "os", "slot", "address", "symbols_searched", "lazy")         \
    X(USER_COPY, "kernel-user copy", "os", "vaddr", "bytes", "words", "to_user")           \
    X(AD_REWALK, "A/D re-walk", "hw", "vaddr", "asid", "levels", "access")               \
    X(RUNNING, "running", "cpu", "instructions", "", "", "")

#define VICTIM_POLICY_MASK 0xffu
#define VICTIM_LOCAL 0x100u /* chosen among the faulting process's own frames */
#define VICTIM_USED 0x200u  /* LRU: key is the access that last used the page */
#define POLICY_REFBIT 1u
#define POLICY_HAND 2u
enum { CTX_QUANTUM, CTX_ENDED, CTX_BLOCKED, CTX_TRAP };
/* DISK_READ's `from` for a page (os/vmspace.c vm_page_contents). */
typedef enum { PAGE_FROM_ZEROS, PAGE_FROM_SWAP, PAGE_FROM_MAPPING, PAGE_FROM_EXECUTABLE } page_source_t;

typedef enum {
#define EV_ENUM(name, label, cat, a, b, c, d) EV_##name,
    EVENT_TABLE(EV_ENUM)
#undef EV_ENUM
    EV_COUNT
} ev_kind_t;

typedef struct {
    uint64_t cycle;    /* when it began                            */
    uint64_t duration; /* cycles it took (0 for an instant)        */
    ev_kind_t kind;
    int pid;           /* process it concerns, 0 for none          */
    uint32_t a, b, c, d;
} event_t;

typedef struct {
    const char *label, *category, *arg[4];
} ev_info_t;
extern const ev_info_t ev_info[EV_COUNT];

typedef void (*ev_observer_fn)(void *ctx, const event_t *ev);

/* The pid hardware events carry: the hardware does not know processes, so
 * the bus stamps them with running_pid, the process the OS last put on the
 * CPU or is switching to or tearing down (os/kernel.c). */
#define EV_PID_RUNNING (-1)

#define EV_MAX_OBSERVERS 8
typedef struct {
    int count;
    int running_pid;   /* set by the OS (see EV_PID_RUNNING); 0 before any process */
    ev_observer_fn fn[EV_MAX_OBSERVERS];
    void *ctx[EV_MAX_OBSERVERS];
} evbus_t;

void evbus_init(evbus_t *bus);
/* Returns false when the bus is full. */
bool evbus_subscribe(evbus_t *bus, ev_observer_fn fn, void *ctx);
void evbus_unsubscribe(evbus_t *bus, ev_observer_fn fn, void *ctx);

static inline bool ev_enabled(const evbus_t *bus) { return bus && bus->count; }

void ev_publish(evbus_t *bus, const event_t *ev);

/* Convenience: publish when anyone listens. */
static inline void ev_emit(evbus_t *bus, ev_kind_t kind, int pid, uint64_t cycle, uint64_t duration,
                           uint32_t a, uint32_t b, uint32_t c, uint32_t d)
{
    if (ev_enabled(bus)) {
        event_t ev = {cycle, duration, kind, pid, a, b, c, d};
        ev_publish(bus, &ev);
    }
}

#endif
