/*
 * The page-table entry, typed as Linux types it (arch/riscv/.../pgtable.h):
 * a struct around one 32-bit word, so a PTE cannot be mixed up with an
 * address or a frame number, with one small inline per question and change.
 *
 *   31                               10  9  8  7   6   5   4   3   2   1   0
 *   +-----------------------------------+-----+---+---+---+---+---+---+---+---+
 *   |            PPN (frame)            | res | D | A | G | U | X | W | R | V |
 *   +-----------------------------------+-----+---+---+---+---+---+---+---+---+
 *
 * A leaf (last level) with V=1 maps a page; a non-leaf (any level above the
 * last) with V=1 and R=W=X=U=G=A=D=0 points to the next table, whose physical
 * address is PPN << page_shift.  V=0 with any of R/W/X set means "mapped but
 * not present": the OS keeps the permissions and may keep a swap slot in the
 * PPN field.  V=0 with R=W=X=0 means not mapped.  docs/mmu.md has the rules
 * and the order in which the walker checks them.
 *
 * The low byte (V R W X U G A D) is also what a TLB entry keeps as `perm`.
 */
#ifndef MMULAB_PTE_H
#define MMULAB_PTE_H

#include <stdbool.h>
#include <stdint.h>

#include "../machine/machine.h"

typedef struct {
    uint32_t v;
} pte_t;

enum {
    PTE_V = 1u << 0, /* valid (present)                    */
    PTE_R = 1u << 1, /* readable                           */
    PTE_W = 1u << 2, /* writable (needs R)                 */
    PTE_X = 1u << 3, /* executable                         */
    PTE_U = 1u << 4, /* user mode may access               */
    PTE_G = 1u << 5, /* global: in every address space     */
    PTE_A = 1u << 6, /* accessed, set by the walker        */
    PTE_D = 1u << 7, /* dirty, set by the walker on stores */
    PTE_RESERVED = 3u << 8,
    PTE_PPN_SHIFT = 10,
};
#define PTE_RWX (PTE_R | PTE_W | PTE_X)
#define PTE_LEAF_BITS (PTE_R | PTE_W | PTE_X | PTE_U | PTE_G | PTE_A | PTE_D)
#define PTE_PPN_MAX ((1u << (32 - PTE_PPN_SHIFT)) - 1)

static inline pte_t pte_make(uint32_t ppn, uint32_t flags) { return (pte_t){(ppn << PTE_PPN_SHIFT) | flags}; }
static inline uint32_t pte_val(pte_t pte) { return pte.v; }
static inline uint32_t pte_ppn(pte_t pte) { return pte.v >> PTE_PPN_SHIFT; }
static inline uint8_t pte_perm(pte_t pte) { return (uint8_t)pte.v; }

static inline bool pte_valid(pte_t pte) { return pte.v & PTE_V; }
static inline bool pte_readable(pte_t pte) { return pte.v & PTE_R; }
static inline bool pte_writable(pte_t pte) { return pte.v & PTE_W; }
static inline bool pte_executable(pte_t pte) { return pte.v & PTE_X; }
static inline bool pte_user(pte_t pte) { return pte.v & PTE_U; }
static inline bool pte_global(pte_t pte) { return pte.v & PTE_G; }
static inline bool pte_young(pte_t pte) { return pte.v & PTE_A; }
static inline bool pte_dirty(pte_t pte) { return pte.v & PTE_D; }
/* V=0 but R, W or X kept: the page exists and is out on the backing store. */
static inline bool pte_swapped(pte_t pte) { return !(pte.v & PTE_V) && (pte.v & PTE_RWX); }

static inline pte_t pte_mkyoung(pte_t pte) { return (pte_t){pte.v | PTE_A}; }
static inline pte_t pte_mkold(pte_t pte) { return (pte_t){pte.v & ~(uint32_t)PTE_A}; }
static inline pte_t pte_mkdirty(pte_t pte) { return (pte_t){pte.v | PTE_D}; }
static inline pte_t pte_mkclean(pte_t pte) { return (pte_t){pte.v & ~(uint32_t)PTE_D}; }
static inline pte_t pte_mkwrite(pte_t pte) { return (pte_t){pte.v | PTE_W}; }
static inline pte_t pte_wrprotect(pte_t pte) { return (pte_t){pte.v & ~(uint32_t)PTE_W}; }
static inline pte_t pte_mkpresent(pte_t pte) { return (pte_t){pte.v | PTE_V}; }
static inline pte_t pte_mknotpresent(pte_t pte) { return (pte_t){pte.v & ~(uint32_t)PTE_V}; }
static inline pte_t pte_set_ppn(pte_t pte, uint32_t ppn)
{
    return (pte_t){(pte.v & ((1u << PTE_PPN_SHIFT) - 1)) | (ppn << PTE_PPN_SHIFT)};
}

/* Malformed: reserved bits set; a non-leaf that is valid and carries leaf
 * bits; a leaf (present or not) that is writable but not readable. */
static inline bool pte_malformed(pte_t pte, bool leaf)
{
    if (pte.v & PTE_RESERVED)
        return true;
    if (leaf)
        return (pte.v & (PTE_W | PTE_R)) == PTE_W;
    return (pte.v & PTE_V) && (pte.v & PTE_LEAF_BITS);
}

/*
 * The permission check of a present leaf, in the walker's fault order after
 * "malformed" and "not present": user/kernel first, then R/W/X.  `perm` is the
 * PTE's low byte (a TLB entry's perm).  Returns TRAP_NONE or the fault.
 * Kernel mode may access any page, user pages included.
 */
static inline trap_cause_t pte_access_fault(uint8_t perm, access_t access, priv_t priv)
{
    if (priv == MODE_USER && !(perm & PTE_U))
        return TRAP_PAGE_USER;
    switch (access) {
    case ACC_FETCH: return (perm & PTE_X) ? TRAP_NONE : TRAP_PAGE_EXEC;
    case ACC_LOAD: return (perm & PTE_R) ? TRAP_NONE : TRAP_PAGE_READ;
    case ACC_STORE: return (perm & PTE_W) ? TRAP_NONE : TRAP_PAGE_WRITE;
    }
    return TRAP_NONE;
}

/* The leaf after a permitted access: A set, and D for a store. */
static inline pte_t pte_after_access(pte_t pte, access_t access)
{
    pte = pte_mkyoung(pte);
    return access == ACC_STORE ? pte_mkdirty(pte) : pte;
}

#endif
