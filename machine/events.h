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
 * Category "explain" marks events that say why the hardware decided what it
 * did (a TLB fill: the slot, the new page, the page it replaced or
 * 0xFFFFFFFF if the slot was invalid, the policy's rank of that victim,
 * tlb_read's age); explanations consume them, trace files leave them out.
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
    X(CTX_SWITCH, "context switch", "os", "from_pid", "to_pid", "", "")                   \
    X(TLB_MISS, "TLB miss", "hw", "vaddr", "asid", "levels", "access")                    \
    X(WALK_STEP, "page-table walk step", "hw", "level", "pte_addr", "pte", "vaddr")       \
    X(PTE_WRITEBACK, "A/D write-back", "hw", "pte_addr", "pte", "", "")                   \
    X(TLB_FLUSH, "TLB flush", "hw", "kind", "asid", "vaddr", "entries")                          \
    X(TLB_FILL, "TLB fill", "explain", "slot", "vpn", "victim_vpn", "rank")                \
    X(PAGE_FAULT, "page fault", "os", "vaddr", "page", "frame", "major")                  \
    X(FAULT_HANDLER, "fault handler", "os", "vaddr", "", "", "")                          \
    X(DISK_READ, "disk read", "disk", "page_or_pid", "bytes", "frame", "")                \
    X(DISK_WRITE, "disk write", "disk", "page_or_pid", "bytes", "frame", "")              \
    X(EVICT, "eviction", "os", "frame", "victim_pid", "victim_page", "dirty")             \
    X(SWAP_OUT, "swap out", "os", "pid", "bytes", "base", "")                             \
    X(SWAP_IN, "swap in", "os", "pid", "bytes", "base", "")                               \
    X(MOVE, "process moved", "os", "pid", "old_base", "new_base", "bytes")               \
    X(STRAY_STORE, "store into another's memory", "os", "pid", "paddr", "owner_pid", "pc")   \
    X(WS_SAMPLE, "working set", "os", "pages", "faults", "window", "")                   \
    X(AD_REWALK, "A/D re-walk", "hw", "vaddr", "asid", "levels", "access")               \
    X(RUNNING, "running", "cpu", "instructions", "", "", "")

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
