/*
 * The machine interface: the one boundary between hardware and software.
 *
 * Below it are the CPU, the MMU and physical memory, implemented twice: the C
 * model (cpu/, mmu/) and the Verilog RTL under Verilator (rtl/).  Above it is
 * the OS layer (os/), which only ever touches the hardware through these
 * calls: it runs the machine for a budget of cycles, reads why it stopped,
 * reads and writes registers and physical memory, programs the MMU, and
 * charges its own work to the clock.  The CLI, the viewer and the
 * co-simulation drive a machine through the same calls.
 */
#ifndef MMULAB_MACHINE_H
#define MMULAB_MACHINE_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "events.h"
#include "isa.h"

/* Why an access or an instruction trapped. X(name, "short name", "description") */
#define TRAP_TABLE(X)                                                                      \
    X(NONE, "none", "no trap")                                                             \
    X(SYSCALL, "syscall", "system call")                                                   \
    X(HALT, "halt", "HALT executed in user mode")                                          \
    X(ILLEGAL, "illegal_instruction", "illegal instruction")                               \
    X(MISALIGNED, "misaligned", "misaligned word access")                                  \
    X(DIV_ZERO, "divide_by_zero", "division by zero")                                      \
    X(PROTECTION, "protection", "protection fault: address beyond the partition's limit")  \
    X(FENCE, "fence", "protection fault: user access to the operating system's memory")    \
    X(BUS, "bus_error", "bus error: physical address beyond the end of memory")            \
    X(PAGE_NOT_MAPPED, "page_not_mapped", "page fault: page not mapped")                   \
    X(PAGE_NOT_PRESENT, "page_not_present", "page fault: page not present in memory")      \
    X(PAGE_WRITE, "page_write", "page fault: write to a read-only page")                   \
    X(PAGE_EXEC, "page_exec", "page fault: execute from a non-executable page")            \
    X(PAGE_READ, "page_read", "page fault: read from a page without read permission")      \
    X(PAGE_USER, "page_user", "page fault: user access to a kernel page")                  \
    X(PTE_MALFORMED, "pte_malformed", "page fault: malformed page-table entry")                \
    X(SEG_BOUND, "segment_bound", "segment fault: segment number beyond the table, or offset beyond the segment's limit") \
    X(SEG_PROTECTION, "segment_protection", "segment fault: access not allowed by the segment's R/W/X/U bits") \
    X(SEG_NOT_PRESENT, "segment_not_present", "segment fault: segment not in memory (descriptor not valid)")

typedef enum {
#define TRAP_ENUM(name, shortname, desc) TRAP_##name,
    TRAP_TABLE(TRAP_ENUM)
#undef TRAP_ENUM
    TRAP_COUNT
} trap_cause_t;

extern const char *const trap_name[TRAP_COUNT]; /* short, for stats keys */
extern const char *const trap_desc[TRAP_COUNT]; /* a sentence, for messages */

typedef enum { ACC_FETCH, ACC_LOAD, ACC_STORE } access_t;
extern const char *const access_name[3];

typedef enum { MODE_USER = 0, MODE_KERNEL = 1 } priv_t;

/* Condition flags, set by arithmetic (see docs/isa.md for which set which).
 * Arithmetic never sets Z and N together; a state written with both keeps
 * them until an instruction runs, which reads them as Z alone (the model
 * keeps the last result, not the two bits). */
enum { FLAG_Z = 1, FLAG_N = 2, FLAG_C = 4, FLAG_V = 8 };

/* Architectural state of the CPU: what a context switch saves. */
typedef struct {
    uint32_t r[ISA_NREGS];
    uint32_t pc;
    uint32_t flags;
    priv_t priv;
} cpu_state_t;

/* MMU registers: what the OS loads per process on a context switch. */
typedef struct {
    mmu_mode_t mode;
    uint32_t base, limit; /* MMU_RELOC                                          */
    uint32_t fence;       /* MMU_BARE: user accesses at or above it trap        */
    uint32_t ptbr;        /* MMU_PAGED: physical address of the root table      */
    uint32_t ptlr;        /* MMU_PAGED, one level: entries in the table (0: all) */
    uint32_t asid;        /* MMU_PAGED: address-space identifier               */
    uint32_t stbr;        /* MMU_SEG: physical address of the segment table     */
    uint32_t stlr;        /* MMU_SEG: segments in the table                     */
} mmu_regs_t;

/*
 * What stopped the machine and, for a trap, everything the OS needs.  Which
 * fields mean something depends on the cause (both engines fill them alike):
 *   every cause      cause, pc (of the trapping instruction)
 *   SYSCALL, HALT    insn, number (SYSCALL's immediate); vaddr = pc; paddr 0
 *   ILLEGAL, DIV_ZERO  insn; vaddr = pc; paddr 0
 *   MISALIGNED       access, vaddr; insn (0 for a fetch); never translated: paddr 0
 *                    for a data access, the PC itself for a fetch
 *   PROTECTION, FENCE, BUS, PAGE_*, PTE_MALFORMED
 *                    access, vaddr, insn (0 for a fetch); paddr = where the access
 *                    went or would have gone (base + logical under base/limit; the
 *                    page's frame when the TLB held it; 0 when no translation
 *                    exists; the PTE's address for a bus error during a walk)
 */
typedef struct {
    trap_cause_t cause;
    access_t access;  /* for memory faults                              */
    uint32_t pc;      /* of the trapping instruction                     */
    uint32_t insn;    /* its encoding (0 if the fetch itself faulted)     */
    uint32_t vaddr;   /* logical/virtual address that faulted            */
    uint32_t paddr;   /* physical address it translated (or would) to     */
    uint32_t number;  /* SYSCALL immediate                               */
} trap_t;

typedef enum {
    STOP_BUDGET, /* reached the cycle limit; state is between instructions */
    STOP_TRAP,   /* an instruction trapped; see machine_trap()              */
} stop_t;

/* Counters the hardware keeps (per machine; the OS splits them per process). */
typedef struct {
    uint64_t instructions;
    uint64_t loads, stores;
    uint64_t tlb_hits, tlb_misses;
    uint64_t walks, walk_cycles;
    uint64_t pte_reads, pte_writes;
    uint64_t traps;
} hw_counters_t;

/* One TLB entry as the OS, viewer and tests see it (read back, never recomputed). */
typedef struct {
    bool valid, global;
    uint32_t asid, vpn, ppn;
    uint8_t perm;   /* PTE permission bits, see mmu/pte.h */
    uint8_t dirty;
    uint32_t age;   /* replacement state: 0 = next victim's opposite (most recent) */
} tlb_view_t;

typedef enum { TLB_FLUSH_ALL, TLB_FLUSH_ASID, TLB_FLUSH_PAGE } tlb_flush_t;

/*
 * Per-frame reference information the MMU keeps in paged mode when
 * cfg.track_refs is set: the seed's "counter implementation" of LRU (slide
 * 55: on every reference the clock is copied into a counter) and a reference
 * bit per frame for second chance.  Frames are page-sized; frame f holds
 * physical addresses [f << page_shift, (f + 1) << page_shift).  A stamp is an
 * access count: only its order is meaningful.  The OS reads the stamps and
 * reads and clears the bits.
 */
typedef struct {
    uint32_t nframes;
    uint64_t *stamp;   /* the latest access to the frame, 0 = never   */
    uint8_t *refbit;   /* set by every access, cleared by the OS      */
} frame_refs_t;

/*
 * What one instruction did, for lockstep co-simulation and single-stepping
 * (an RVFI-style retirement record).  Filled by machine_step() only.
 */
#define RETIRE_MAX_WALK 3
typedef struct {
    bool valid;         /* false if nothing was translated           */
    bool tlb_hit;
    uint8_t steps;      /* walk steps taken on a miss                 */
    uint32_t pte_addr[RETIRE_MAX_WALK];
    uint32_t pte[RETIRE_MAX_WALK];
    bool pte_written;   /* A/D write-back                              */
    uint32_t pte_new;
} retire_xlate_t;

typedef struct {
    uint64_t cycle_begin, cycle_end;
    uint32_t pc, insn;
    bool rd_valid;
    uint8_t rd;
    uint32_t rd_value;
    bool mem_valid, mem_write;
    uint8_t mem_size;
    uint32_t mem_vaddr, mem_paddr, mem_data;
    retire_xlate_t fetch_xlate, data_xlate; /* filled for accesses that
                           completed; a faulting access leaves its record empty */
    bool trapped;       /* the instruction did not retire: it trapped   */
    trap_t trap;
} retire_t;

typedef struct machine machine_t;

typedef struct {
    const char *name;
    void (*destroy)(machine_t *m);
    stop_t (*run)(machine_t *m, uint64_t cycle_limit);
    stop_t (*step)(machine_t *m, retire_t *out);
    void (*get_state)(machine_t *m, cpu_state_t *s);
    void (*set_state)(machine_t *m, const cpu_state_t *s);
    bool (*phys_read)(machine_t *m, uint32_t paddr, void *buf, uint32_t len);
    bool (*phys_write)(machine_t *m, uint32_t paddr, const void *buf, uint32_t len);
    void (*mmu_set)(machine_t *m, const mmu_regs_t *regs);
    void (*tlb_flush)(machine_t *m, tlb_flush_t kind, uint32_t asid, uint32_t vaddr);
    int (*tlb_read)(machine_t *m, tlb_view_t *out, int max);
    uint64_t (*cycles)(machine_t *m);
    void (*charge)(machine_t *m, uint64_t cycles);
    const hw_counters_t *(*counters)(machine_t *m);
    const trap_t *(*trap)(machine_t *m);
    frame_refs_t *(*frame_refs)(machine_t *m);
} machine_ops_t;

struct machine {
    const machine_ops_t *ops;
    machine_config_t cfg;
    mmu_regs_t mmu;  /* last value set through mmu_set, for readers */
    evbus_t *bus;    /* may be NULL */
};

/* Run until the clock reaches cycle_limit (between instructions) or a trap. */
static inline stop_t machine_run(machine_t *m, uint64_t cycle_limit) { return m->ops->run(m, cycle_limit); }
/* Run exactly one instruction (or its trap) and describe it. */
static inline stop_t machine_step(machine_t *m, retire_t *out) { return m->ops->step(m, out); }
static inline const trap_t *machine_trap(machine_t *m) { return m->ops->trap(m); }
static inline void machine_get_state(machine_t *m, cpu_state_t *s) { m->ops->get_state(m, s); }
static inline void machine_set_state(machine_t *m, const cpu_state_t *s) { m->ops->set_state(m, s); }
static inline bool machine_phys_read(machine_t *m, uint32_t pa, void *buf, uint32_t len)
{
    return m->ops->phys_read(m, pa, buf, len);
}
static inline bool machine_phys_write(machine_t *m, uint32_t pa, const void *buf, uint32_t len)
{
    return m->ops->phys_write(m, pa, buf, len);
}
static inline void machine_mmu_set(machine_t *m, const mmu_regs_t *r) { m->ops->mmu_set(m, r); }
static inline void machine_tlb_flush(machine_t *m, tlb_flush_t k, uint32_t asid, uint32_t va)
{
    m->ops->tlb_flush(m, k, asid, va);
}
static inline int machine_tlb_read(machine_t *m, tlb_view_t *out, int max) { return m->ops->tlb_read(m, out, max); }
static inline uint64_t machine_cycles(machine_t *m) { return m->ops->cycles(m); }
/* The OS charges its own modeled work (handlers, disk, copies) to the clock. */
static inline void machine_charge(machine_t *m, uint64_t cycles) { m->ops->charge(m, cycles); }
static inline const hw_counters_t *machine_counters(machine_t *m) { return m->ops->counters(m); }
static inline void machine_destroy(machine_t *m) { m->ops->destroy(m); }
/* NULL unless cfg.track_refs. */
static inline frame_refs_t *machine_frame_refs(machine_t *m) { return m->ops->frame_refs(m); }

/* Word helpers over phys_read/phys_write (little-endian). */
bool machine_read32(machine_t *m, uint32_t paddr, uint32_t *value);
bool machine_write32(machine_t *m, uint32_t paddr, uint32_t value);

/* The C model; NULL with a message in err if the configuration is invalid. */
machine_t *cmodel_create(const machine_config_t *cfg, evbus_t *bus, char *err, size_t errlen);

#endif
