// mmulab_0_pkg: the constants the RTL shares with the C model (named to sort first,
// so `verilator rtl/*.sv` sees it before its users).  Opcodes follow
// ISA_TABLE in machine/isa.h, trap causes TRAP_TABLE in machine/machine.h, PTE
// bits mmu/pte.h; the debug-port map is rtl/harness/dbg_map.h's, which the harness
// uses.  tests/unit/test_rtl_tables.c checks every name and value here against
// those C tables (and that nothing here is missing there), in `make check`.
package mmulab_0_pkg;

  // ---- opcodes (machine/isa.h) ----
  localparam logic [7:0] OP_NOP = 8'h00, OP_HALT = 8'h01, OP_SYSCALL = 8'h02, OP_RET = 8'h03;
  localparam logic [7:0] OP_LOADI = 8'h10, OP_LOADA = 8'h11, OP_LOADM = 8'h12, OP_LOADBA = 8'h13;
  localparam logic [7:0] OP_LOADBM = 8'h14, OP_STOREA = 8'h15, OP_STOREM = 8'h16, OP_STOREBA = 8'h17;
  localparam logic [7:0] OP_STOREBM = 8'h18, OP_LUI = 8'h19, OP_MOV = 8'h1A, OP_LEA = 8'h1B;
  localparam logic [7:0] OP_ADD = 8'h20, OP_ADDI = 8'h21, OP_SUB = 8'h22, OP_SUBI = 8'h23;
  localparam logic [7:0] OP_AND = 8'h24, OP_ANDI = 8'h25, OP_OR = 8'h26, OP_ORI = 8'h27;
  localparam logic [7:0] OP_XOR = 8'h28, OP_XORI = 8'h29, OP_SHL = 8'h2A, OP_SHLI = 8'h2B;
  localparam logic [7:0] OP_SHR = 8'h2C, OP_SHRI = 8'h2D, OP_SAR = 8'h2E, OP_SARI = 8'h2F;
  localparam logic [7:0] OP_MUL = 8'h30, OP_MULI = 8'h31, OP_CMP = 8'h32, OP_CMPI = 8'h33;
  localparam logic [7:0] OP_DIVU = 8'h34, OP_REMU = 8'h35, OP_INC = 8'h38, OP_DEC = 8'h39;
  localparam logic [7:0] OP_NOT = 8'h3A, OP_NEG = 8'h3B;
  localparam logic [7:0] OP_JMP = 8'h40, OP_JZ = 8'h41, OP_JNZ = 8'h42, OP_JLT = 8'h43;
  localparam logic [7:0] OP_JGE = 8'h44, OP_JLE = 8'h45, OP_JGT = 8'h46, OP_JB = 8'h47;
  localparam logic [7:0] OP_JAE = 8'h48, OP_JBE = 8'h49, OP_JA = 8'h4A, OP_JMPR = 8'h4B;
  localparam logic [7:0] OP_CALL = 8'h4C, OP_CALLR = 8'h4D, OP_PUSH = 8'h50, OP_POP = 8'h51;

  // ---- trap causes (machine/machine.h TRAP_TABLE order) ----
  typedef enum logic [4:0] {
    TRAP_NONE = 5'd0, TRAP_SYSCALL = 5'd1, TRAP_HALT = 5'd2, TRAP_ILLEGAL = 5'd3,
    TRAP_MISALIGNED = 5'd4, TRAP_DIV_ZERO = 5'd5, TRAP_PROTECTION = 5'd6, TRAP_FENCE = 5'd7,
    TRAP_BUS = 5'd8, TRAP_PAGE_NOT_MAPPED = 5'd9, TRAP_PAGE_NOT_PRESENT = 5'd10,
    TRAP_PAGE_WRITE = 5'd11, TRAP_PAGE_EXEC = 5'd12, TRAP_PAGE_READ = 5'd13,
    TRAP_PAGE_USER = 5'd14, TRAP_PTE_MALFORMED = 5'd15, TRAP_SEG_BOUND = 5'd16,
    TRAP_SEG_PROTECTION = 5'd17, TRAP_SEG_NOT_PRESENT = 5'd18
  } trap_e;

  // access kinds (access_t)
  localparam logic [1:0] ACC_FETCH = 2'd0, ACC_LOAD = 2'd1, ACC_STORE = 2'd2;
  // MMU modes (mmu_mode_t)
  localparam logic [1:0] MMU_BARE = 2'd0, MMU_RELOC = 2'd1, MMU_PAGED = 2'd2, MMU_SEG = 2'd3;
  // TLB policies (tlb_policy_t)
  localparam logic [1:0] POL_LRU = 2'd0, POL_FIFO = 2'd1, POL_RANDOM = 2'd2, POL_PLRU = 2'd3;

  // ---- PTE bits (mmu/pte.h) ----
  localparam int unsigned PTE_V = 0, PTE_R = 1, PTE_W = 2, PTE_X = 3, PTE_U = 4, PTE_G = 5;
  localparam int unsigned PTE_A = 6, PTE_D = 7;

  // ---- segment-descriptor flag bits (mmu/seg.h), in the descriptor's word 1 ----
  localparam int unsigned SEG_V = 0, SEG_R = 1, SEG_W = 2, SEG_X = 3, SEG_U = 4, SEG_DOWN = 5;

  // ---- debug port map (word addresses) ----
  localparam logic [11:0] DBG_REG0 = 12'h000;  // .. 0x00f: R0..R15
  localparam logic [11:0] DBG_PC = 12'h010, DBG_FLAGS = 12'h011, DBG_PRIV = 12'h012;
  localparam logic [11:0] DBG_MODE = 12'h020, DBG_BASE = 12'h021, DBG_LIMIT = 12'h022;
  localparam logic [11:0] DBG_FENCE = 12'h023, DBG_PTBR = 12'h024, DBG_PTLR = 12'h025;
  localparam logic [11:0] DBG_ASID = 12'h026, DBG_STBR = 12'h02b, DBG_STLR = 12'h02c;
  localparam logic [11:0] DBG_FLUSH_ASID = 12'h028, DBG_FLUSH_VADDR = 12'h029, DBG_FLUSH = 12'h02a;
  localparam logic [11:0] DBG_CYCLE_LO = 12'h030, DBG_CYCLE_HI = 12'h031, DBG_CHARGE = 12'h032;
  localparam logic [11:0] DBG_CFG_MEM_SIZE = 12'h040, DBG_CFG_MEM = 12'h041, DBG_CFG_EXEC = 12'h042;
  localparam logic [11:0] DBG_CFG_MUL = 12'h043, DBG_CFG_DIV = 12'h044, DBG_CFG_RELOC = 12'h045;
  localparam logic [11:0] DBG_CFG_TLBHIT = 12'h046, DBG_CFG_TRAP = 12'h047;
  localparam logic [11:0] DBG_CFG_SHIFT = 12'h048, DBG_CFG_LEVELS = 12'h049, DBG_CFG_VABITS = 12'h04a;
  localparam logic [11:0] DBG_CFG_ENTRIES = 12'h04b, DBG_CFG_WAYS = 12'h04c, DBG_CFG_POLICY = 12'h04d;
  localparam logic [11:0] DBG_CFG_ASIDBITS = 12'h04e, DBG_CFG_SEED = 12'h04f;
  localparam logic [11:0] DBG_CFG_SEGHIT = 12'h050, DBG_CFG_SEGBITS = 12'h051, DBG_CFG_SEGOFF = 12'h052;
  localparam logic [11:0] DBG_CFG_SEGCACHE = 12'h053;
  // counters, 64-bit as lo/hi pairs from 0x080 (core) and 0x090 (MMU)
  localparam logic [11:0] DBG_CNT_CORE = 12'h080, DBG_CNT_MMU = 12'h090;
  // TLB entries: 0x400 + slot * 8 + field
  localparam logic [11:0] DBG_TLB = 12'h400;

endpackage
