// mmulab_ptw: the hardware page-table walker (mmu/walk.h is its contract).
//
// One PTE read per level from the root at PTBR, each spending mem_cycles;
// a permitted access sets A (and D for a store) in the leaf and writes it
// back when it changed, one more mem_cycles.  The fault order is the C
// walker's: the address alone (beyond va_bits; one level and vpn >= PTLR),
// a PTE beyond memory (bus error), then per PTE malformed, not mapped / not
// present, and on the leaf user, then exec / read / write.
//
//   P_IDLE --start--> P_LEVEL --in memory--> P_READ --non-leaf--> P_LEVEL
//                        |                      |--leaf, A/D change--> P_WRITE
//                        +----fault----> P_DONE <------+------------------+
//
// P_LEVEL and P_DONE are zero-time clocks (no modeled cycle); P_READ and
// P_WRITE last max(mem_cycles, 1) clocks and tick mem_cycles.
module mmulab_ptw import mmulab_0_pkg::*; (
  input  logic        clk_i,
  input  logic        rst_ni,
  input  logic [31:0] cfg_mem_size_i,
  input  logic [31:0] cfg_mem_cycles_i,
  input  logic [4:0]  cfg_page_shift_i,
  input  logic [1:0]  cfg_levels_i,
  input  logic [5:0]  cfg_va_bits_i,
  input  logic [31:0] ptbr_i,
  input  logic [31:0] ptlr_i,
  input  logic        start_i,
  input  logic [31:0] vaddr_i,
  input  logic [1:0]  acc_i,
  input  logic        priv_i,
  output logic        done_o,
  output trap_e       cause_o,
  output logic [31:0] fault_paddr_o,  // a bus error's trap paddr (cpu/paged.c)
  output logic [21:0] ppn_o,          // the leaf's frame
  output logic [7:0]  perm_o,         // the leaf's low byte after the A/D update
  output logic [31:0] cycles_o,
  output logic [1:0]  steps_o,
  output logic [95:0] pte_addr_o,     // per step, step 0 in bits 31:0
  output logic [95:0] pte_o,          // as read
  output logic        written_o,
  output logic [31:0] pte_new_o,      // the leaf after the update, or the PTE that faulted
  output logic        tick_o,
  output logic        active_o,
  output logic [31:0] mem_addr_o,
  output logic        mem_we_o,
  output logic [31:0] mem_wdata_o,
  input  logic [31:0] mem_rdata_i
);

  typedef enum logic [2:0] { P_IDLE, P_LEVEL, P_READ, P_WRITE, P_DONE } pstate_e;

  pstate_e     state_q, state_d;
  logic [31:0] wait_q, wait_d;
  logic [1:0]  level_q, level_d;
  logic [46:0] table_q, table_d;
  logic [31:0] cycles_q, cycles_d;
  logic [1:0]  steps_q, steps_d;
  logic [95:0] pte_addr_q, pte_addr_d, pte_q, pte_d;
  logic        written_q, written_d;
  logic [31:0] pte_new_q, pte_new_d;
  trap_e       cause_q, cause_d;
  logic [31:0] cur_addr_q, cur_addr_d;

  // ---- geometry (mmu/geometry.h) ----
  logic [5:0] vpn_bits, lower, root_bits;
  always_comb begin
    vpn_bits  = 6'b0;
    lower     = 6'b0;
    root_bits = 6'b0;
    if (state_q != P_IDLE) begin  // evaluated only while walking
    vpn_bits = cfg_va_bits_i - {1'b0, cfg_page_shift_i};
    unique case (cfg_levels_i)
      2'd2:    lower = (vpn_bits + 6'd1) >> 1;
      2'd3:    lower = (vpn_bits + 6'd2) / 6'd3;
      default: lower = vpn_bits;
    endcase
    unique case (cfg_levels_i)
      2'd2:    root_bits = vpn_bits - lower;
      2'd3:    root_bits = vpn_bits - lower - lower;
      default: root_bits = vpn_bits;
    endcase
    end
  end

  logic [5:0]  idx_bits, idx_shift;
  logic [1:0]  levels_below;
  logic [31:0] index;
  logic [46:0] pte_addr;
  logic        leaf;
  always_comb begin
`ifdef MUT_WALK_LEVEL
    levels_below = cfg_levels_i - level_q;         // planted bug: one level off
`else
    levels_below = cfg_levels_i - 2'd1 - level_q;
`endif
    idx_bits  = level_q == 2'd0 ? root_bits : lower;
    idx_shift = {1'b0, cfg_page_shift_i} + (levels_below == 2'd2 ? lower << 1 :
                                            levels_below == 2'd1 ? lower : 6'd0);
    index     = (vaddr_i >> idx_shift) & ((32'd1 << idx_bits) - 32'd1);
    pte_addr  = table_q + {13'b0, index, 2'b0};
    leaf      = level_q + 2'd1 == cfg_levels_i;
  end

  // the faults the address alone decides
  logic addr_fault;
  always_comb begin
    addr_fault = 1'b0;
    if (cfg_va_bits_i < 6'd32 && (vaddr_i >> cfg_va_bits_i) != 32'b0) addr_fault = 1'b1;
    if (cfg_levels_i == 2'd1 && ptlr_i != 32'b0 && (vaddr_i >> cfg_page_shift_i) >= ptlr_i) addr_fault = 1'b1;
  end

  // the fault one PTE raises (walk.c: pte_fault)
  logic [31:0] pte_rd;
  trap_e       pte_cause;
  assign pte_rd = mem_rdata_i;
  always_comb begin
    pte_cause = TRAP_NONE;
    if (pte_rd[9:8] != 2'b0) begin
      pte_cause = TRAP_PTE_MALFORMED;
    end else if (leaf && pte_rd[PTE_W] && !pte_rd[PTE_R]) begin
      pte_cause = TRAP_PTE_MALFORMED;
`ifndef MUT_PTW_NONLEAF_PASSES
    end else if (!leaf && pte_rd[PTE_V] && pte_rd[7:1] != 7'b0) begin
      pte_cause = TRAP_PTE_MALFORMED;
`endif
    end else if (!pte_rd[PTE_V]) begin
`ifdef MUT_PTW_NOT_PRESENT
      pte_cause = TRAP_PAGE_NOT_MAPPED;  // planted bug: a swapped-out page reads as never mapped
`else
      pte_cause = pte_rd[3:1] != 3'b0 ? TRAP_PAGE_NOT_PRESENT : TRAP_PAGE_NOT_MAPPED;
`endif
    end else if (leaf) begin
      if (!priv_i && !pte_rd[PTE_U]) pte_cause = TRAP_PAGE_USER;
      else if (acc_i == ACC_FETCH && !pte_rd[PTE_X]) pte_cause = TRAP_PAGE_EXEC;
      else if (acc_i == ACC_LOAD && !pte_rd[PTE_R]) pte_cause = TRAP_PAGE_READ;
      else if (acc_i == ACC_STORE && !pte_rd[PTE_W]) pte_cause = TRAP_PAGE_WRITE;
    end
  end

  // the leaf after a permitted access (pte_after_access)
  logic [31:0] pte_upd;
  always_comb begin
    pte_upd = pte_rd;
    pte_upd[PTE_A] = 1'b1;
`ifndef MUT_NO_DIRTY
    if (acc_i == ACC_STORE) pte_upd[PTE_D] = 1'b1;
`endif
  end

  // The leaf's frame must lie wholly in physical memory (mmu/walk.c complete_leaf).
  logic [46:0] leaf_frame_end;
  assign leaf_frame_end = ({25'b0, pte_rd[31:10]} << cfg_page_shift_i) + (47'd1 << cfg_page_shift_i);

  logic phase_last;
  assign phase_last = wait_q <= 32'd1;

  always_comb begin
    state_d    = state_q;
    wait_d     = phase_last ? 32'd0 : wait_q - 32'd1;
    level_d    = level_q;
    table_d    = table_q;
    cycles_d   = cycles_q;
    steps_d    = steps_q;
    pte_addr_d = pte_addr_q;
    pte_d      = pte_q;
    written_d  = written_q;
    pte_new_d  = pte_new_q;
    cause_d    = cause_q;
    cur_addr_d = cur_addr_q;
    tick_o      = 1'b0;
    mem_we_o    = 1'b0;
    mem_wdata_o = pte_new_q;
    mem_addr_o  = cur_addr_q;
    unique case (state_q)
      P_IDLE: begin
        if (start_i) begin
          state_d    = P_LEVEL;
          level_d    = 2'd0;
          table_d    = {15'b0, ptbr_i};
          cycles_d   = 32'b0;
          steps_d    = 2'd0;
          pte_addr_d = 96'b0;
          pte_d      = 96'b0;
          written_d  = 1'b0;
          pte_new_d  = 32'b0;
          cause_d    = TRAP_NONE;
        end
      end
      P_LEVEL: begin
        if (level_q == 2'd0 && addr_fault) begin
          cause_d = TRAP_PAGE_NOT_MAPPED;
          state_d = P_DONE;
        end else if (pte_addr + 47'd4 > {15'b0, cfg_mem_size_i}) begin
          cause_d = TRAP_BUS;
          state_d = P_DONE;
        end else begin
          cur_addr_d = pte_addr[31:0];
          state_d    = P_READ;
          wait_d     = cfg_mem_cycles_i;
        end
      end
      P_READ: begin
        tick_o = wait_q != 32'd0;
        if (phase_last) begin
          pte_addr_d[32*steps_q +: 32] = cur_addr_q;
          pte_d[32*steps_q +: 32]      = pte_rd;
          steps_d   = steps_q + 2'd1;
          cycles_d  = cycles_q + cfg_mem_cycles_i;
          pte_new_d = pte_rd;
          if (pte_cause != TRAP_NONE) begin
            cause_d = pte_cause;
            state_d = P_DONE;
`ifdef MUT_PTW_AD_ON_FAULT
            // planted bug: a permission fault still sets A in the leaf
            if (leaf && pte_rd[PTE_V] && !pte_rd[PTE_A] && pte_cause != TRAP_PTE_MALFORMED) begin
              pte_new_d = pte_rd | 32'h40;
              state_d   = P_WRITE;
              wait_d    = cfg_mem_cycles_i;
            end
`endif
          end else if (!leaf) begin
            table_d = {25'b0, pte_rd[31:10]} << cfg_page_shift_i;
            level_d = level_q + 2'd1;
            state_d = P_LEVEL;
`ifdef MUT_PTW_LAST_FRAME
          end else if (leaf_frame_end >= {15'b0, cfg_mem_size_i}) begin  // planted bug: the last frame faults
`else
          end else if (leaf_frame_end > {15'b0, cfg_mem_size_i}) begin
`endif
            cause_d = TRAP_BUS;
            state_d = P_DONE;
          end else begin
            pte_new_d = pte_upd;
            if (pte_upd != pte_rd) begin
              state_d = P_WRITE;
              wait_d  = cfg_mem_cycles_i;
            end else begin
              state_d = P_DONE;
            end
          end
        end
      end
      P_WRITE: begin
        tick_o = wait_q != 32'd0;
        if (phase_last) begin
          mem_we_o  = 1'b1;
          written_d = 1'b1;
          cycles_d  = cycles_q + cfg_mem_cycles_i;
          state_d   = P_DONE;
        end
      end
      P_DONE: state_d = P_IDLE;
      default: state_d = P_IDLE;
    endcase
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q    <= P_IDLE;
      wait_q     <= 32'b0;
      level_q    <= 2'b0;
      table_q    <= 47'b0;
      cycles_q   <= 32'b0;
      steps_q    <= 2'b0;
      pte_addr_q <= 96'b0;
      pte_q      <= 96'b0;
      written_q  <= 1'b0;
      pte_new_q  <= 32'b0;
      cause_q    <= TRAP_NONE;
      cur_addr_q <= 32'b0;
    end else begin
      state_q    <= state_d;
      wait_q     <= wait_d;
      level_q    <= level_d;
      table_q    <= table_d;
      cycles_q   <= cycles_d;
      steps_q    <= steps_d;
      pte_addr_q <= pte_addr_d;
      pte_q      <= pte_d;
      written_q  <= written_d;
      pte_new_q  <= pte_new_d;
      cause_q    <= cause_d;
      cur_addr_q <= cur_addr_d;
    end
  end

  assign done_o     = state_q == P_DONE;
  assign cause_o    = cause_q;
  always_comb begin
    fault_paddr_o = 32'b0;
    if (cause_q == TRAP_BUS) begin
      unique case (steps_q)
        2'd1:    fault_paddr_o = pte_addr_q[31:0];
        2'd2:    fault_paddr_o = pte_addr_q[63:32];
        2'd3:    fault_paddr_o = pte_addr_q[95:64];
        default: fault_paddr_o = 32'b0;
      endcase
    end
  end
  assign ppn_o      = pte_new_q[31:10];
  assign perm_o     = pte_new_q[7:0];
  assign cycles_o   = cycles_q;
  assign steps_o    = steps_q;
  assign pte_addr_o = pte_addr_q;
  assign pte_o      = pte_q;
  assign written_o  = written_q;
  assign pte_new_o  = pte_new_q;
  assign active_o   = state_q == P_READ || state_q == P_WRITE;

`ifndef SYNTHESIS
  // ---- properties (docs/verification.md, "Formal"): `make formal` proves them
  // with the walker's inputs free (rtl/formal/mmulab_ptw_formal.sv); in
  // simulation (verilator --assert) they are immediate assertions.

  // The specification's permission decision for a present, well-formed leaf
  // (mmu/pte.h pte_access_fault), written from the spec, not from pte_cause.
  function automatic trap_e spec_access_fault(logic [7:0] perm, logic [1:0] acc, logic priv);
    if (!priv && !perm[PTE_U]) spec_access_fault = TRAP_PAGE_USER;
    else if (acc == ACC_FETCH) spec_access_fault = perm[PTE_X] ? TRAP_NONE : TRAP_PAGE_EXEC;
    else if (acc == ACC_LOAD)  spec_access_fault = perm[PTE_R] ? TRAP_NONE : TRAP_PAGE_READ;
    else                       spec_access_fault = perm[PTE_W] ? TRAP_NONE : TRAP_PAGE_WRITE;
  endfunction

  logic p_ready;  // out of reset (rst_ni itself stays an asynchronous reset only)
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) p_ready <= 1'b0;
    else p_ready <= 1'b1;
  end

  logic leaf_well_formed;
  assign leaf_well_formed = leaf && pte_rd[PTE_V] && pte_rd[9:8] == 2'b0 && !(pte_rd[PTE_W] && !pte_rd[PTE_R]);

  always_ff @(posedge clk_i) begin
    if (p_ready) begin
      // ptw_reads_bounded: a walk reads at most `levels` PTEs
      if (state_q == P_READ) ptw_reads_bounded: assert (steps_q < cfg_levels_i && level_q < cfg_levels_i);
      if (done_o) ptw_steps_at_done: assert (steps_q <= cfg_levels_i);
      // ptw_perm_spec: the decision on a leaf is the specification's
      if (state_q == P_READ && phase_last && leaf_well_formed)
        ptw_perm_spec: assert (pte_cause == spec_access_fault(pte_rd[7:0], acc_i, priv_i));
      // ptw_no_ad_on_fault: A and D are written back only for an access that is allowed
      if (mem_we_o) ptw_write_only_allowed: assert (cause_q == TRAP_NONE && leaf_well_formed_q);
      if (done_o && cause_q != TRAP_NONE) ptw_no_ad_on_fault: assert (!written_q);
    end
  end

  // the leaf the walker is about to write back was well formed and allowed
  logic leaf_well_formed_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) leaf_well_formed_q <= 1'b0;
    else if (state_q == P_READ && phase_last)
      leaf_well_formed_q <= leaf_well_formed && spec_access_fault(pte_rd[7:0], acc_i, priv_i) == TRAP_NONE;
  end
`endif

endmodule
