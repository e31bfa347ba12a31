/*
 * The RTL's debug port: word addresses on dbg_addr_i (rtl/mmulab_top.sv).
 * rtl/mmulab_0_pkg.sv declares each as localparam DBG_<NAME>; the harness
 * (rtl_machine.cpp) uses this table, and tests/unit/test_rtl_tables.c checks
 * that the two agree, entry for entry, so the map cannot drift.
 * C and C++.
 */
#ifndef MMULAB_DBG_MAP_H
#define MMULAB_DBG_MAP_H

#define RTL_DBG_MAP(X)                                                                              \
    X(REG0, 0x000) /* .. 0x00f: R0..R15 */                                                          \
    X(PC, 0x010) X(FLAGS, 0x011) X(PRIV, 0x012)                                                     \
    X(MODE, 0x020) X(BASE, 0x021) X(LIMIT, 0x022) X(FENCE, 0x023) X(PTBR, 0x024) X(PTLR, 0x025)    \
    X(ASID, 0x026) X(FLUSH_ASID, 0x028) X(FLUSH_VADDR, 0x029) X(FLUSH, 0x02a)                       \
    X(STBR, 0x02b) X(STLR, 0x02c)                                                                   \
    X(CYCLE_LO, 0x030) X(CYCLE_HI, 0x031) X(CHARGE, 0x032)                                          \
    X(CFG_MEM_SIZE, 0x040) X(CFG_MEM, 0x041) X(CFG_EXEC, 0x042) X(CFG_MUL, 0x043)                   \
    X(CFG_DIV, 0x044) X(CFG_RELOC, 0x045) X(CFG_TLBHIT, 0x046) X(CFG_TRAP, 0x047)                   \
    X(CFG_SHIFT, 0x048) X(CFG_LEVELS, 0x049) X(CFG_VABITS, 0x04a) X(CFG_ENTRIES, 0x04b)            \
    X(CFG_WAYS, 0x04c) X(CFG_POLICY, 0x04d) X(CFG_ASIDBITS, 0x04e) X(CFG_SEED, 0x04f)              \
    X(CFG_SEGHIT, 0x050) X(CFG_SEGBITS, 0x051) X(CFG_SEGOFF, 0x052) X(CFG_SEGCACHE, 0x053)         \
    X(CNT_CORE, 0x080) /* 64-bit lo/hi pairs: instructions, loads, stores, traps */                 \
    X(CNT_MMU, 0x090)  /* tlb hits, misses, walks, walk cycles, PTE reads, PTE writes */            \
    X(TLB, 0x400)      /* + slot * 8 + field */

enum rtl_dbg_addr {
#define RTL_DBG_ENUM(name, addr) DBG_##name = addr,
    RTL_DBG_MAP(RTL_DBG_ENUM)
#undef RTL_DBG_ENUM
};

#endif
