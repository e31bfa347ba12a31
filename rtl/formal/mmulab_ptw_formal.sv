// The walker alone for yosys-smtbmc (make formal): memory returns any word
// on every read, the configuration is free but constant and legal
// (mmu/geometry.c's checks), a request is held while its walk is in flight
// (as mmulab_mmu holds it), a reset in the first clock.  The properties are
// in rtl/mmulab_ptw.sv.
module mmulab_ptw_formal import mmulab_0_pkg::*; (
  input  logic        clk_i,
  input  logic        start_i,
  input  logic [31:0] vaddr_i,
  input  logic [1:0]  acc_i,
  input  logic        priv_i,
  input  logic [31:0] mem_rdata_i
);
  (* anyconst *) logic [31:0] cfg_mem_size, cfg_mem_cycles, ptbr, ptlr;
  (* anyconst *) logic [4:0]  cfg_page_shift;
  (* anyconst *) logic [1:0]  cfg_levels;
  (* anyconst *) logic [5:0]  cfg_va_bits;

  logic f_init = 1'b1;
  always_ff @(posedge clk_i) f_init <= 1'b0;

  always_comb begin
    assume (cfg_page_shift >= 5'd9 && cfg_page_shift <= 5'd24);
    assume (cfg_levels >= 2'd1 && cfg_levels <= 2'd3);
    assume ({1'b0, cfg_va_bits} >= {2'b0, cfg_page_shift} + {5'b0, cfg_levels} && cfg_va_bits <= 6'd32);
    assume (cfg_mem_cycles <= 32'd2);
    assume (cfg_mem_size >= 32'd4096 && cfg_mem_size <= 32'h0040_0000);
  end

  // the request in flight stays as it started
  logic        busy;
  logic [31:0] held_vaddr;
  logic [1:0]  held_acc;
  logic        held_priv;
  logic        done;
  always_ff @(posedge clk_i) begin
    if (f_init) busy <= 1'b0;
    else if (start_i) busy <= 1'b1;
    else if (done) busy <= 1'b0;
    if (start_i) begin
      held_vaddr <= vaddr_i;
      held_acc   <= acc_i;
      held_priv  <= priv_i;
    end
  end
  always_comb begin
    assume (!(start_i && (busy || f_init)));
    if (busy) assume (vaddr_i == held_vaddr && acc_i == held_acc && priv_i == held_priv);
    assume (acc_i != 2'd3);
  end

  trap_e       cause;
  logic [31:0] fault_paddr, cycles, pte_new, mem_addr, mem_wdata;
  logic [21:0] ppn;
  logic [7:0]  perm;
  logic [1:0]  steps;
  logic [95:0] pte_addr, pte;
  logic        written, tick, active, mem_we;
  mmulab_ptw dut (
    .clk_i, .rst_ni(!f_init),
    .cfg_mem_size_i(cfg_mem_size), .cfg_mem_cycles_i(cfg_mem_cycles), .cfg_page_shift_i(cfg_page_shift),
    .cfg_levels_i(cfg_levels), .cfg_va_bits_i(cfg_va_bits), .ptbr_i(ptbr), .ptlr_i(ptlr),
    .start_i, .vaddr_i, .acc_i, .priv_i,
    .done_o(done), .cause_o(cause), .fault_paddr_o(fault_paddr), .ppn_o(ppn), .perm_o(perm),
    .cycles_o(cycles), .steps_o(steps), .pte_addr_o(pte_addr), .pte_o(pte), .written_o(written),
    .pte_new_o(pte_new), .tick_o(tick), .active_o(active), .mem_addr_o(mem_addr), .mem_we_o(mem_we),
    .mem_wdata_o(mem_wdata), .mem_rdata_i
  );

  // the walk ends: at most levels x (one clock to index + max(mem_cycles, 1)
  // to read), one write-back, one clock done
  logic [4:0] clocks;
  always_ff @(posedge clk_i) begin
    if (f_init || !busy || start_i) clocks <= 5'd0;
    else if (clocks != 5'h1f) clocks <= clocks + 5'd1;
  end
  always_ff @(posedge clk_i) begin
    if (!f_init) ptw_terminates: assert (clocks <= 5'd3 * 5'd3 + 5'd2 + 5'd1);
  end
endmodule
