// mmulab_core: the multi-cycle, in-order CPU of docs/isa.md.
//
// One instruction at a time, in phases that each spend their contract cycles
// (docs/timing.md): fetch translation (the MMU's), fetch memory, the data
// access's translation and memory when the instruction has one, then
// execute, which writes the registers back.  The data access comes before
// execute so that a data fault has spent exactly the fetch, as in the C model.
// A timed phase (fetch memory, data memory, execute, trap) lasts one clock
// and counts its whole cost, `cost` modeled cycles, at once: the modeled
// clock is what the machine reports, and a clock per modeled cycle would
// only slow the simulation.  A trap spends trap_cycles in S_TRAP, then the
// core stops with the trap on the retirement port for the OS.
//
// cycle_q is the modeled clock the machine interface reports; the OS's own
// work is added to it through the debug port (DBG_CHARGE).  The retirement
// port (rvfi_*) is valid from the clock rvfi_valid_o pulses until the next
// instruction starts.
module mmulab_core import mmulab_0_pkg::*; (
  input  logic        clk_i,
  input  logic        rst_ni,
  // run control: run while run_i and the clock is below limit_i; stop after one
  // instruction on a one-clock step_i; stopped_o when nothing more will happen
  input  logic        run_i,
  input  logic        step_i,
  input  logic [63:0] limit_i,
  output logic        stopped_o,
  output logic [63:0] cycle_o,      // the modeled clock, for the harness to read with no debug clocks
  // timing configuration
  input  logic [31:0] cfg_mem_cycles_i,
  input  logic [31:0] cfg_exec_cycles_i,
  input  logic [31:0] cfg_mul_cycles_i,
  input  logic [31:0] cfg_div_cycles_i,
  input  logic [31:0] cfg_trap_cycles_i,
  // debug port (registers, PC, flags, privilege, clock, counters); idle only
  input  logic        dbg_we_i,
  input  logic [11:0] dbg_addr_i,
  input  logic [31:0] dbg_wdata_i,
  output logic [31:0] dbg_rdata_o,
  output logic        priv_o,       // 1: kernel
  // translation request to the MMU, held until xl_done_i
  output logic        xl_req_o,
  output logic [31:0] xl_vaddr_o,
  output logic [1:0]  xl_acc_o,
  output logic [2:0]  xl_size_o,
  input  logic        xl_done_i,
  input  trap_e       xl_cause_i,
  input  logic [31:0] xl_paddr_i,   // the physical address, or where a fault would have gone
  input  logic [31:0] xl_walk_cycles_i,
  input  logic        xl_tick_i,    // the MMU spends a modeled cycle this clock
  // physical memory (read combinationally, written at the clock edge)
  output logic [31:0] mem_addr_o,
  output logic        mem_we_o,
  output logic [3:0]  mem_be_o,
  output logic [31:0] mem_wdata_o,
  input  logic [31:0] mem_rdata_i,
  // retirement port (RVFI style)
  output logic        rvfi_valid_o,
  output logic        rvfi_trap_o,
  output logic [31:0] rvfi_pc_o,
  output logic [31:0] rvfi_insn_o,
  output logic        rvfi_rd_valid_o,
  output logic [3:0]  rvfi_rd_addr_o,
  output logic [31:0] rvfi_rd_wdata_o,
  output logic        rvfi_mem_valid_o,
  output logic        rvfi_mem_write_o,
  output logic [2:0]  rvfi_mem_size_o,
  output logic [31:0] rvfi_mem_vaddr_o,
  output logic [31:0] rvfi_mem_paddr_o,
  output logic [31:0] rvfi_mem_data_o,
  output logic        rvfi_fetched_o,    // the fetch translated (fetch translation record valid)
  output logic [63:0] rvfi_cycle_begin_o,
  output logic [63:0] rvfi_cycle_end_o,
  output trap_e       rvfi_trap_cause_o,
  output logic [1:0]  rvfi_trap_access_o,
  output logic [31:0] rvfi_trap_vaddr_o,
  output logic [31:0] rvfi_trap_paddr_o,
  output logic        fetch_xl_done_o,   // the MMU's record belongs to the fetch (latch it)
  output logic        data_xl_done_o     // ... to the data access
);

  typedef enum logic [2:0] {
    S_IDLE, S_FXL, S_FMEM, S_DXL, S_DMEM, S_EXEC, S_TRAP
  } state_e;

  // ---- architectural state ----
  logic [31:0] rf_q [16];
  logic [31:0] pc_q, pc_d;
  logic [3:0]  flags_q, flags_d;     // {V, C, N, Z}
  logic        priv_q, priv_d;
  logic [63:0] cycle_q, cycle_d;
  logic [63:0] cnt_insn_q, cnt_insn_d, cnt_load_q, cnt_load_d, cnt_store_q, cnt_store_d;
  logic [63:0] cnt_trap_q, cnt_trap_d;

  // ---- instruction state ----
  state_e      state_q, state_d;
  logic [31:0] wait_q, wait_d;       // the cost of the current timed phase
  logic        stop_q, stop_d;       // a trap ended the run: wait for run_i low
  logic        single_q, single_d;   // this instruction is a single step
  logic [31:0] insn_q, insn_d;
  logic [31:0] fetch_pa_q, fetch_pa_d;
  logic [31:0] data_pa_q, data_pa_d;
  logic [31:0] load_q, load_d;       // the loaded word or byte
  logic [63:0] fetch_end_q, fetch_end_d;

  // ---- what the instruction in flight has done, and what retired ----
  typedef struct packed {
    logic        valid, write;
    logic [2:0]  size;
    logic [31:0] vaddr, paddr, data;
  } mem_rec_t;
  typedef struct packed {
    trap_e       cause;
    logic [1:0]  access;
    logic [31:0] vaddr, paddr;
  } trap_rec_t;
  typedef struct packed {
    logic        valid, trap;
    logic [31:0] pc, insn;
    logic        rd_valid;
    logic [3:0]  rd_addr;
    logic [31:0] rd_wdata;
    mem_rec_t    mem;
    logic        fetched;
    logic [63:0] cycle_begin, cycle_end;
    trap_rec_t   trap_info;
  } retire_rec_t;

  logic [31:0] if_pc_q, if_pc_d;
  logic [63:0] if_begin_q, if_begin_d;
  logic        if_fetched_q, if_fetched_d;
  mem_rec_t    if_mem_q, if_mem_d;
  trap_rec_t   if_trap_q, if_trap_d;
  retire_rec_t rv_q, rv_d;

  // ---- decode ----
  logic [7:0]  op;
  logic [3:0]  ra, rb;
  logic [31:0] imm_u20, imm_s20, imm_s16, ra_val, rb_val, sp_val;
  logic        op_store, op_byte, op_mul, op_div;
  assign op      = insn_q[31:24];
  assign ra      = insn_q[23:20];
  assign rb      = insn_q[19:16];
  assign imm_u20 = {12'b0, insn_q[19:0]};
  assign imm_s20 = {{12{insn_q[19]}}, insn_q[19:0]};
  assign imm_s16 = {{16{insn_q[15]}}, insn_q[15:0]};
  assign ra_val  = rf_q[ra];
  assign rb_val  = rf_q[rb];
  assign sp_val  = rf_q[15];

  // the instruction's class: valid, data load or store (byte or word), MUL, DIVU/REMU
  typedef struct packed {
    logic valid, load, store, byte_acc, mul, div;
  } iclass_t;

  // bits as iclass_t packs them: valid, load, store, byte_acc, mul, div
  function automatic logic [5:0] classify(logic [7:0] opc);
    classify = 6'b100000;
    unique case (opc)
      OP_NOP, OP_HALT, OP_SYSCALL, OP_LOADI, OP_LUI, OP_MOV, OP_LEA,
      OP_ADD, OP_ADDI, OP_SUB, OP_SUBI, OP_AND, OP_ANDI, OP_OR, OP_ORI, OP_XOR, OP_XORI,
      OP_SHL, OP_SHLI, OP_SHR, OP_SHRI, OP_SAR, OP_SARI, OP_CMP, OP_CMPI,
      OP_INC, OP_DEC, OP_NOT, OP_NEG,
      OP_JMP, OP_JZ, OP_JNZ, OP_JLT, OP_JGE, OP_JLE, OP_JGT, OP_JB, OP_JAE, OP_JBE, OP_JA,
      OP_JMPR: ;
      OP_MUL, OP_MULI: classify = 6'b100010;
      OP_DIVU, OP_REMU: classify = 6'b100001;
      OP_RET, OP_LOADA, OP_LOADM, OP_POP: classify = 6'b110000;
      OP_LOADBA, OP_LOADBM: classify = 6'b110100;
      OP_STOREA, OP_STOREM, OP_PUSH, OP_CALL, OP_CALLR: classify = 6'b101000;
      OP_STOREBA, OP_STOREBM: classify = 6'b101100;
      default: classify = 6'b000000;
    endcase
  endfunction

  iclass_t cls, fcls;  // of insn_q, and of the word the fetch is reading
  assign cls      = classify(op);
  assign fcls     = classify(mem_rdata_i[31:24]);
  logic  unused_cls;  // validity and loads are decided from the word as it arrives
  assign unused_cls = cls.valid ^ cls.load ^ fcls.byte_acc;
  assign op_store = cls.store;
  assign op_byte  = cls.byte_acc;
  assign op_mul   = cls.mul;
  assign op_div   = cls.div;

  // the data access: its virtual address and, for a store, its data
  logic [31:0] data_va, store_val;
  always_comb begin
    data_va   = 32'b0;
    store_val = ra_val;
    unique case (op)
      OP_LOADA, OP_LOADBA, OP_STOREA, OP_STOREBA: data_va = imm_u20;
      OP_LOADM, OP_LOADBM, OP_STOREM, OP_STOREBM: data_va = rb_val + imm_s16;
      OP_POP, OP_RET: data_va = sp_val;
      OP_PUSH: data_va = sp_val - 32'd4;
      OP_CALL, OP_CALLR: begin data_va = sp_val - 32'd4; store_val = pc_q + 32'd4; end
      default: ;
    endcase
  end

  // ---- execute: the ALU and the next PC ----
  logic [31:0] alu_res, next_pc;
  logic        alu_wr, sp_wr;
  logic [31:0] sp_new;
  logic [3:0]  alu_flags;
  logic [32:0] sum;
  logic        fz, fn, fc, fv, lt, take;

  assign fz = flags_q[0];
  assign fn = flags_q[1];
  assign fc = flags_q[2];
  assign fv = flags_q[3];
  assign lt = fn != fv;

  always_comb begin
    logic [31:0] a, b;
    logic        is_sub, arith, logic_flags;
    alu_res   = 32'b0;
    alu_wr    = 1'b0;
    sp_wr     = 1'b0;
    sp_new    = sp_val;
    // loads and moves keep the flags; Z and N from the last result that set them
    alu_flags = {fv, fc, fn & ~fz, fz};
    next_pc   = pc_q + 32'd4;
    take      = 1'b0;
    a         = ra_val;
    b         = rb_val;
    is_sub    = 1'b0;
    arith     = 1'b0;
    logic_flags = 1'b0;  // logic, shifts, MUL, DIVU, REMU: Z and N, C and V cleared
    unique case (op)
      OP_ADDI, OP_SUBI, OP_CMPI, OP_MULI: b = imm_s20;
      OP_ANDI, OP_ORI, OP_XORI, OP_SHLI, OP_SHRI, OP_SARI: b = imm_u20;
      OP_NEG: begin a = 32'b0; b = ra_val; end
      default: ;
    endcase
    unique case (op)
      OP_SUB, OP_SUBI, OP_CMP, OP_CMPI, OP_NEG: is_sub = 1'b1;
      default: ;
    endcase
    sum = is_sub ? {1'b0, a} - {1'b0, b} : {1'b0, a} + {1'b0, b};
    unique case (op)
      OP_NOP, OP_HALT, OP_SYSCALL: ;
      OP_LOADI: begin alu_res = imm_u20; alu_wr = 1'b1; end
      OP_LUI:   begin alu_res = {insn_q[19:0], 12'b0}; alu_wr = 1'b1; end
      OP_MOV:   begin alu_res = rb_val; alu_wr = 1'b1; end
      OP_LEA:   begin alu_res = rb_val + imm_s16; alu_wr = 1'b1; end
      OP_ADD, OP_ADDI, OP_SUB, OP_SUBI, OP_NEG: begin
        alu_res = sum[31:0]; alu_wr = 1'b1; arith = 1'b1;
      end
      OP_CMP, OP_CMPI: begin alu_res = sum[31:0]; arith = 1'b1; end
      OP_AND, OP_ANDI: begin alu_res = a & b; alu_wr = 1'b1; logic_flags = 1'b1; end
      OP_OR, OP_ORI:   begin alu_res = a | b; alu_wr = 1'b1; logic_flags = 1'b1; end
      OP_XOR, OP_XORI: begin alu_res = a ^ b; alu_wr = 1'b1; logic_flags = 1'b1; end
      OP_NOT:          begin alu_res = ~a; alu_wr = 1'b1; logic_flags = 1'b1; end
      OP_SHL, OP_SHLI: begin alu_res = a << b[4:0]; alu_wr = 1'b1; logic_flags = 1'b1; end
      OP_SHR, OP_SHRI: begin alu_res = a >> b[4:0]; alu_wr = 1'b1; logic_flags = 1'b1; end
      OP_SAR, OP_SARI: begin alu_res = $signed(a) >>> b[4:0]; alu_wr = 1'b1; logic_flags = 1'b1; end
      OP_MUL, OP_MULI: begin alu_res = a * b; alu_wr = 1'b1; logic_flags = 1'b1; end
      OP_DIVU:         begin alu_res = (b == 32'b0) ? 32'b0 : a / b; alu_wr = 1'b1; logic_flags = 1'b1; end
      OP_REMU:         begin alu_res = (b == 32'b0) ? 32'b0 : a % b; alu_wr = 1'b1; logic_flags = 1'b1; end
      OP_INC: begin
        alu_res = a + 32'd1; alu_wr = 1'b1;
        alu_flags = {a == 32'h7fff_ffff, fc, alu_res[31], alu_res == 32'b0};
      end
      OP_DEC: begin
        alu_res = a - 32'd1; alu_wr = 1'b1;
        alu_flags = {a == 32'h8000_0000, fc, alu_res[31], alu_res == 32'b0};
      end
      OP_JMP: take = 1'b1;
      OP_JZ:  take = fz;
      OP_JNZ: take = !fz;
      OP_JLT: take = lt;
      OP_JGE: take = !lt;
      OP_JLE: take = fz || lt;
      OP_JGT: take = !fz && !lt;
      OP_JB:  take = fc;
      OP_JAE: take = !fc;
      OP_JBE: take = fc || fz;
      OP_JA:  take = !fc && !fz;
      OP_JMPR: begin take = 1'b1; end
      OP_LOADA, OP_LOADM, OP_LOADBA, OP_LOADBM: begin alu_res = load_q; alu_wr = 1'b1; end
      OP_STOREA, OP_STOREM, OP_STOREBA, OP_STOREBM: ;
      OP_POP:  begin alu_res = load_q; alu_wr = 1'b1; sp_wr = 1'b1; sp_new = sp_val + 32'd4; end
      OP_RET:  begin sp_wr = 1'b1; sp_new = sp_val + 32'd4; end
      OP_PUSH: begin sp_wr = 1'b1; sp_new = sp_val - 32'd4; end
      OP_CALL, OP_CALLR: begin sp_wr = 1'b1; sp_new = sp_val - 32'd4; take = 1'b1; end
      default: ;
    endcase
    if (arith) begin
      alu_flags = {(a[31] ^ sum[31]) & (is_sub ? (a[31] ^ b[31]) : (b[31] ^ sum[31])),
                   sum[32], sum[31], sum[31:0] == 32'b0};
    end else if (logic_flags) begin
      alu_flags = {2'b00, alu_res[31], alu_res == 32'b0};
    end
    if (take) begin
      unique case (op)
        OP_JMPR, OP_CALLR: next_pc = rb_val;
        default:           next_pc = imm_u20;
      endcase
    end else if (op == OP_RET) begin
      next_pc = load_q;
    end
  end

  // exec cycles by class
  logic [31:0] fexec_cost;  // the execute cycles of the word the fetch is reading
  assign fexec_cost = fcls.mul ? cfg_mul_cycles_i : fcls.div ? cfg_div_cycles_i : cfg_exec_cycles_i;

  // timed phases: one clock each, counting their cost
  logic timed;
  assign timed = state_q == S_FMEM || state_q == S_DMEM || state_q == S_EXEC || state_q == S_TRAP;

  logic can_start;
  assign can_start = (run_i && !stop_q && cycle_q < limit_i) || step_i;
  assign stopped_o = state_q == S_IDLE && !can_start;
  assign priv_o    = priv_q;

  // memory port
  logic [1:0] byte_off;
  assign byte_off = data_pa_q[1:0];
  always_comb begin
    mem_addr_o  = fetch_pa_q;
    mem_we_o    = 1'b0;
    mem_be_o    = 4'b0;
    mem_wdata_o = 32'b0;
    if (state_q == S_DMEM) begin
      mem_addr_o = data_pa_q;
      if (op_store) begin
        mem_we_o    = 1'b1;
`ifdef MUT_CORE_BYTE_LANE
        mem_be_o    = op_byte ? 4'b0001 : 4'b1111;                 // planted bug: every byte store hits lane 0
`else
        mem_be_o    = op_byte ? (4'b0001 << byte_off) : 4'b1111;
`endif
        mem_wdata_o = op_byte ? {4{store_val[7:0]}} : store_val;
      end
    end
  end

  // translation requests
  assign xl_req_o   = (state_q == S_FXL && pc_q[1:0] == 2'b0) ||
                      (state_q == S_DXL && (op_byte || data_va[1:0] == 2'b0));
  assign xl_vaddr_o = state_q == S_FXL ? pc_q : data_va;
  assign xl_acc_o   = state_q == S_FXL ? ACC_FETCH : op_store ? ACC_STORE : ACC_LOAD;
  assign xl_size_o  = state_q == S_FXL ? 3'd4 : op_byte ? 3'd1 : 3'd4;
  assign fetch_xl_done_o = state_q == S_FXL && xl_done_i;
  assign data_xl_done_o  = state_q == S_DXL && xl_done_i;

  // the loaded value from the memory word
  logic [31:0] load_val;
  always_comb begin
    unique case (byte_off)
      2'd0: load_val = {24'b0, mem_rdata_i[7:0]};
      2'd1: load_val = {24'b0, mem_rdata_i[15:8]};
      2'd2: load_val = {24'b0, mem_rdata_i[23:16]};
      default: load_val = {24'b0, mem_rdata_i[31:24]};
    endcase
    if (!op_byte) load_val = mem_rdata_i;
  end

  // ---- the state machine ----
  //
  // The in-flight registers (if_*) gather what the instruction does; the
  // retirement registers (rv_*) take it all in the clock it retires or its
  // trap ends, when rvfi_valid_o pulses, and hold it until the next one.
  // While running, the next instruction starts in the clock one retires.
  logic        rf_we, sp_we;     // register writes: ra (or the debug port) and SP
  logic [3:0]  rf_waddr;
  logic [31:0] rf_wdata, sp_wdata;

  always_comb begin
    logic        trap, retire, start;
    trap_e       cause;
    logic [1:0]  access;
    logic [31:0] tvaddr, tpaddr;
    logic [63:0] rollback;
    logic        rollback_en;
    rf_we         = 1'b0;
    rf_waddr      = ra;
    rf_wdata      = alu_res;
    sp_we         = 1'b0;
    sp_wdata      = sp_new;
    pc_d          = pc_q;
    flags_d       = flags_q;
    priv_d        = priv_q;
    cycle_d       = cycle_q + (timed ? {32'b0, wait_q} : {63'b0, xl_tick_i});
    cnt_insn_d    = cnt_insn_q;
    cnt_load_d    = cnt_load_q;
    cnt_store_d   = cnt_store_q;
    cnt_trap_d    = cnt_trap_q;
    state_d       = state_q;
    wait_d        = 32'd0;
    stop_d        = stop_q && run_i;
    single_d      = single_q;
    insn_d        = insn_q;
    fetch_pa_d    = fetch_pa_q;
    data_pa_d     = data_pa_q;
    load_d        = load_q;
    fetch_end_d   = fetch_end_q;
    if_pc_d       = if_pc_q;
    if_begin_d    = if_begin_q;
    if_fetched_d  = if_fetched_q;
    if_mem_d      = if_mem_q;
    if_trap_d     = if_trap_q;
    rv_d          = rv_q;
    rv_d.valid    = 1'b0;
    trap          = 1'b0;
    retire        = 1'b0;
    start         = 1'b0;
    cause         = TRAP_NONE;
    access        = ACC_FETCH;
    tvaddr        = pc_q;
    tpaddr        = 32'b0;
    rollback      = cycle_q;
    rollback_en   = 1'b0;

    unique case (state_q)
      S_IDLE: begin
        start    = can_start;
        single_d = step_i;
      end
      S_FXL: begin
        if (pc_q[1:0] != 2'b0) begin
          trap = 1'b1; cause = TRAP_MISALIGNED; tpaddr = pc_q;
          rollback_en = 1'b1; rollback = if_begin_q;
        end else if (xl_done_i) begin
          if (xl_cause_i != TRAP_NONE) begin
            trap = 1'b1; cause = xl_cause_i; tpaddr = xl_paddr_i;
`ifdef MUT_CORE_FAULT_CYCLES
            rollback_en = 1'b1; rollback = if_begin_q;  // planted bug: a fetch fault forgets its walk's cycles
`else
            rollback_en = 1'b1; rollback = if_begin_q + {32'b0, xl_walk_cycles_i};
`endif
          end else begin
            fetch_pa_d   = xl_paddr_i;
            if_fetched_d = 1'b1;
            state_d      = S_FMEM;
            wait_d       = cfg_mem_cycles_i;
          end
        end
      end
      S_FMEM: begin
        // the word arrives: decode it on the way in
        insn_d      = mem_rdata_i;
        fetch_end_d = cycle_d;
        if (!fcls.valid) begin
          trap = 1'b1; cause = TRAP_ILLEGAL;
        end else if (fcls.div && rf_q[mem_rdata_i[19:16]] == 32'b0) begin
          trap = 1'b1; cause = TRAP_DIV_ZERO;
        end else if (fcls.load || fcls.store) begin
          state_d = S_DXL;
        end else begin
          state_d = S_EXEC;
          wait_d  = fexec_cost;
        end
      end
      S_DXL: begin
        if (!op_byte && data_va[1:0] != 2'b0) begin
          trap = 1'b1; cause = TRAP_MISALIGNED; access = op_store ? ACC_STORE : ACC_LOAD;
          tvaddr = data_va; rollback_en = 1'b1; rollback = fetch_end_q;
        end else if (xl_done_i) begin
          if (xl_cause_i != TRAP_NONE) begin
            trap = 1'b1; cause = xl_cause_i; access = op_store ? ACC_STORE : ACC_LOAD;
`ifdef MUT_CORE_TRAP_VADDR
            tvaddr = pc_q; tpaddr = xl_paddr_i;  // planted bug: a data fault reports the PC as its address
`else
            tvaddr = data_va; tpaddr = xl_paddr_i;
`endif
            // a data fault has spent the fetch and every walk, not the data lookup
            rollback_en = 1'b1; rollback = fetch_end_q + {32'b0, xl_walk_cycles_i};
          end else begin
            data_pa_d = xl_paddr_i;
            state_d   = S_DMEM;
            wait_d    = cfg_mem_cycles_i;
          end
        end
      end
      S_DMEM: begin
        load_d        = load_val;
        if_mem_d.valid = 1'b1;
        if_mem_d.write = op_store;
        if_mem_d.size  = op_byte ? 3'd1 : 3'd4;
        if_mem_d.vaddr = data_va;
        if_mem_d.paddr = data_pa_q;
        if_mem_d.data  = !op_store ? load_val : op_byte ? {24'b0, store_val[7:0]} : store_val;
        if (op_store) cnt_store_d = cnt_store_q + 64'd1;
        else cnt_load_d = cnt_load_q + 64'd1;
        state_d = S_EXEC;
        wait_d  = op_mul ? cfg_mul_cycles_i : op_div ? cfg_div_cycles_i : cfg_exec_cycles_i;
      end
      S_EXEC: begin
        cnt_insn_d = cnt_insn_q + 64'd1;  // HALT and SYSCALL complete too, then trap
        if (op == OP_HALT) begin
          trap = 1'b1; cause = TRAP_HALT;
        end else begin
          sp_we   = sp_wr;
          rf_we   = alu_wr;
          flags_d = alu_flags;
          pc_d    = next_pc;
          if (op == OP_SYSCALL) begin
            trap = 1'b1; cause = TRAP_SYSCALL;
          end else begin
            retire = 1'b1;
            if (single_q) begin
              state_d = S_IDLE;
            end else begin
              start   = run_i && cycle_d < limit_i;
              state_d = S_IDLE;
            end
          end
        end
      end
      S_TRAP: begin
        retire  = 1'b1;
        state_d = S_IDLE;
        stop_d  = 1'b1;
      end
      default: state_d = S_IDLE;
    endcase

    if (trap) begin
      state_d    = S_TRAP;
      wait_d     = cfg_trap_cycles_i;
      if_trap_d.cause  = cause;
      if_trap_d.access = access;
      if_trap_d.vaddr  = tvaddr;
      if_trap_d.paddr  = tpaddr;
      cnt_trap_d = cnt_trap_q + 64'd1;
      if (rollback_en) cycle_d = rollback;
    end

    if (retire) begin
      rv_d.valid       = 1'b1;
      rv_d.trap        = state_q == S_TRAP;
      rv_d.pc          = if_pc_q;
      rv_d.insn        = if_fetched_q ? insn_q : 32'b0;
      rv_d.rd_valid    = state_q == S_EXEC && alu_wr;
      rv_d.rd_addr     = ra;
      rv_d.rd_wdata    = alu_res;
      rv_d.mem         = if_mem_q;
      rv_d.fetched     = if_fetched_q;
      rv_d.cycle_begin = if_begin_q;
      rv_d.cycle_end   = cycle_d;
      rv_d.trap_info   = state_q == S_TRAP ? if_trap_q : '0;
    end

    if (start) begin
      // a new instruction: its in-flight record starts empty
      state_d      = S_FXL;
      flags_d      = {flags_d[3:2], flags_d[1] & ~flags_d[0], flags_d[0]};
      if_pc_d      = pc_d;
      if_begin_d   = cycle_d;
      if_fetched_d = 1'b0;
      if_mem_d     = '0;
      if_trap_d    = '0;
    end

    // debug writes (the core is idle)
    if (dbg_we_i && state_q == S_IDLE) begin
      unique case (dbg_addr_i)
        DBG_PC:     pc_d = dbg_wdata_i;
        DBG_FLAGS:  flags_d = dbg_wdata_i[3:0];
        DBG_PRIV:   priv_d = dbg_wdata_i[0];
        DBG_CHARGE: cycle_d = cycle_q + {32'b0, dbg_wdata_i};
        default: begin
          if (dbg_addr_i[11:4] == DBG_REG0[11:4]) begin
            rf_we    = 1'b1;
            rf_waddr = dbg_addr_i[3:0];
            rf_wdata = dbg_wdata_i;
          end
        end
      endcase
    end
  end

  // debug reads
  always_comb begin
    dbg_rdata_o = 32'b0;
    unique case (dbg_addr_i)
      DBG_PC:       dbg_rdata_o = pc_q;
      DBG_FLAGS:    dbg_rdata_o = {28'b0, flags_q};
      DBG_PRIV:     dbg_rdata_o = {31'b0, priv_q};
      DBG_CYCLE_LO: dbg_rdata_o = cycle_q[31:0];
      DBG_CYCLE_HI: dbg_rdata_o = cycle_q[63:32];
      DBG_CNT_CORE + 12'd0: dbg_rdata_o = cnt_insn_q[31:0];
      DBG_CNT_CORE + 12'd1: dbg_rdata_o = cnt_insn_q[63:32];
      DBG_CNT_CORE + 12'd2: dbg_rdata_o = cnt_load_q[31:0];
      DBG_CNT_CORE + 12'd3: dbg_rdata_o = cnt_load_q[63:32];
      DBG_CNT_CORE + 12'd4: dbg_rdata_o = cnt_store_q[31:0];
      DBG_CNT_CORE + 12'd5: dbg_rdata_o = cnt_store_q[63:32];
      DBG_CNT_CORE + 12'd6: dbg_rdata_o = cnt_trap_q[31:0];
      DBG_CNT_CORE + 12'd7: dbg_rdata_o = cnt_trap_q[63:32];
      default: if (dbg_addr_i[11:4] == DBG_REG0[11:4]) dbg_rdata_o = rf_q[dbg_addr_i[3:0]];
    endcase
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      for (int i = 0; i < 16; i++) rf_q[i] <= 32'b0;
      pc_q         <= 32'b0;
      flags_q      <= 4'b0;
      priv_q       <= 1'b0;
      cycle_q      <= 64'b0;
      cnt_insn_q   <= 64'b0;
      cnt_load_q   <= 64'b0;
      cnt_store_q  <= 64'b0;
      cnt_trap_q   <= 64'b0;
      state_q      <= S_IDLE;
      wait_q       <= 32'b0;
      stop_q       <= 1'b0;
      single_q     <= 1'b0;
      insn_q       <= 32'b0;
      fetch_pa_q   <= 32'b0;
      data_pa_q    <= 32'b0;
      load_q       <= 32'b0;
      fetch_end_q  <= 64'b0;
      if_pc_q      <= 32'b0;
      if_begin_q   <= 64'b0;
      if_fetched_q <= 1'b0;
      if_mem_q     <= '0;
      if_trap_q    <= '0;
      rv_q         <= '0;
    end else begin
      if (sp_we) rf_q[15] <= sp_wdata;
      if (rf_we) rf_q[rf_waddr] <= rf_wdata;  // after SP: POP into R15 keeps the loaded value
      pc_q         <= pc_d;
      flags_q      <= flags_d;
      priv_q       <= priv_d;
      cycle_q      <= cycle_d;
      cnt_insn_q   <= cnt_insn_d;
      cnt_load_q   <= cnt_load_d;
      cnt_store_q  <= cnt_store_d;
      cnt_trap_q   <= cnt_trap_d;
      state_q      <= state_d;
      wait_q       <= wait_d;
      stop_q       <= stop_d;
      single_q     <= single_d;
      insn_q       <= insn_d;
      fetch_pa_q   <= fetch_pa_d;
      data_pa_q    <= data_pa_d;
      load_q       <= load_d;
      fetch_end_q  <= fetch_end_d;
      if_pc_q      <= if_pc_d;
      if_begin_q   <= if_begin_d;
      if_fetched_q <= if_fetched_d;
      if_mem_q     <= if_mem_d;
      if_trap_q    <= if_trap_d;
      rv_q         <= rv_d;
    end
  end

  assign rvfi_valid_o       = rv_q.valid;
  assign rvfi_trap_o        = rv_q.trap;
  assign rvfi_pc_o          = rv_q.pc;
  assign rvfi_insn_o        = rv_q.insn;
  assign rvfi_rd_valid_o    = rv_q.rd_valid;
  assign rvfi_rd_addr_o     = rv_q.rd_addr;
  assign rvfi_rd_wdata_o    = rv_q.rd_wdata;
  assign rvfi_mem_valid_o   = rv_q.mem.valid;
  assign rvfi_mem_write_o   = rv_q.mem.write;
  assign rvfi_mem_size_o    = rv_q.mem.size;
  assign rvfi_mem_vaddr_o   = rv_q.mem.vaddr;
  assign rvfi_mem_paddr_o   = rv_q.mem.paddr;
  assign rvfi_mem_data_o    = rv_q.mem.data;
  assign rvfi_fetched_o     = rv_q.fetched;
  assign cycle_o            = cycle_q;
  assign rvfi_cycle_begin_o = rv_q.cycle_begin;
  assign rvfi_cycle_end_o   = rv_q.cycle_end;
  assign rvfi_trap_cause_o  = rv_q.trap_info.cause;
  assign rvfi_trap_access_o = rv_q.trap_info.access;
  assign rvfi_trap_vaddr_o  = rv_q.trap_info.vaddr;
  assign rvfi_trap_paddr_o  = rv_q.trap_info.paddr;

endmodule
