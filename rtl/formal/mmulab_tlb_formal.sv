// The TLB alone for yosys-smtbmc (make formal): every input free each clock,
// the configuration free but constant, a reset in the first clock.  The
// properties and the contract the MMU keeps with the TLB are in
// rtl/mmulab_tlb.sv (the contract is assumed here under FORMAL, asserted in
// simulation).  Four entries; the geometry (ENTRIES, WAYS) is a parameter,
// one proof per geometry (scripts/formal.sh), since a free divisor in the
// set index is more than the solver can take in reasonable time.
module mmulab_tlb_formal import mmulab_0_pkg::*; #(
  parameter int unsigned ENTRIES = 4,
  parameter int unsigned WAYS = 2
) (
  input  logic        clk_i,
  input  logic [31:0] cfg_seed_i,
  input  logic        seed_load_i,
  input  logic [31:0] asid_i,
  input  logic        active_i,
  input  logic [31:0] vaddr_i,
  input  logic [1:0]  acc_i,
  input  logic        priv_i,
  input  logic        touch_i,
  input  logic        fill_i,
  input  logic [21:0] fill_ppn_i,
  input  logic [7:0]  fill_perm_i,
  input  logic        set_perm_i,
  input  logic        flush_i,
  input  logic [1:0]  flush_kind_i,
  input  logic [31:0] flush_asid_i,
  input  logic [31:0] flush_vaddr_i,
  input  logic [11:0] dbg_addr_i
);
  (* anyconst *) logic [4:0]  cfg_page_shift;
  logic [10:0] cfg_entries, cfg_ways;
  assign cfg_entries = 11'(ENTRIES);
  assign cfg_ways    = 11'(WAYS);
  (* anyconst *) logic [1:0]  cfg_policy;
  (* anyconst *) logic [4:0]  cfg_asid_bits;

  logic f_init = 1'b1;  // the first clock resets
  always_ff @(posedge clk_i) f_init <= 1'b0;

  always_comb begin
    assume (cfg_page_shift >= 5'd9 && cfg_page_shift <= 5'd24);
    assume (cfg_asid_bits <= 5'd16);
  end

  logic        hit, ok;
  trap_e       fault;
  logic [31:0] paddr, dbg_rdata;
  mmulab_tlb #(.TLB_MAX(4)) dut (
    .clk_i, .rst_ni(!f_init),
    .cfg_page_shift_i(cfg_page_shift), .cfg_entries_i(cfg_entries), .cfg_ways_i(cfg_ways),
    .cfg_policy_i(cfg_policy), .cfg_asid_bits_i(cfg_asid_bits), .cfg_seed_i, .seed_load_i,
    .asid_i, .active_i, .vaddr_i, .acc_i, .priv_i,
    .hit_o(hit), .ok_o(ok), .fault_o(fault), .paddr_o(paddr),
    .touch_i, .fill_i, .fill_ppn_i, .fill_perm_i, .set_perm_i,
    .flush_i, .flush_kind_i, .flush_asid_i, .flush_vaddr_i,
    .dbg_addr_i, .dbg_rdata_o(dbg_rdata)
  );
endmodule
