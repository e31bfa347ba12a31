// mmulab_mmu_synth: the MMU as a chip would fix it, for `make synth` only:
// the configuration registers of mmulab_top tied to the defaults of
// machine/config.c (16-entry fully associative LRU TLB, 8 ASID bits, 4 KiB
// pages, two levels, 32-bit addresses, 1 MiB, mem_cycles 2, tlb_hit_cycles
// 1; 4 segment bits, 16 offset bits, a 4-entry descriptor cache,
// seg_hit_cycles 1), so yosys folds the run-time geometry (sets, set = vpn %
// sets) away.
module mmulab_mmu_synth import mmulab_0_pkg::*; #(
  parameter int unsigned TLB_ENTRIES = 16  // fully associative
) (
  input  logic        clk_i,
  input  logic        rst_ni,
  input  logic        dbg_we_i,
  input  logic [11:0] dbg_addr_i,
  input  logic [31:0] dbg_wdata_i,
  output logic [31:0] dbg_rdata_o,
  input  logic        req_i,
  input  logic [31:0] vaddr_i,
  input  logic [1:0]  acc_i,
  input  logic [2:0]  size_i,
  input  logic        priv_i,
  output logic        done_o,
  output trap_e       cause_o,
  output logic [31:0] paddr_o,
  output logic [31:0] walk_cycles_o,
  output logic        tick_o,
  output logic        xr_valid_o,
  output logic        xr_hit_o,
  output logic [1:0]  xr_steps_o,
  output logic [95:0] xr_pte_addr_o,
  output logic [95:0] xr_pte_o,
  output logic        xr_pte_written_o,
  output logic [31:0] xr_pte_new_o,
  output logic        ptw_active_o,
  output logic [31:0] ptw_addr_o,
  output logic        ptw_we_o,
  output logic [31:0] ptw_wdata_o,
  input  logic [31:0] ptw_rdata_i
);
  mmulab_mmu #(.TLB_MAX(TLB_ENTRIES)) u_mmu (
    .clk_i, .rst_ni,
    .cfg_mem_size_i       (32'h0010_0000),
    .cfg_mem_cycles_i     (32'd2),
    .cfg_reloc_cycles_i   (32'd0),
    .cfg_tlb_hit_cycles_i (32'd1),
    .cfg_seg_hit_cycles_i (32'd1),
    .cfg_seg_bits_i       (4'd4),
    .cfg_seg_offset_bits_i(5'd16),
    .cfg_seg_cache_i      (5'd4),
    .cfg_page_shift_i     (5'd12),
    .cfg_levels_i         (2'd2),
    .cfg_va_bits_i        (6'd32),
    .cfg_entries_i        (11'(TLB_ENTRIES)),
    .cfg_ways_i           (11'(TLB_ENTRIES)),
    .cfg_policy_i         (POL_LRU),
    .cfg_asid_bits_i      (5'd8),
    .cfg_seed_i           (32'd1),
    .seed_load_i          (1'b0),
    .dbg_we_i, .dbg_addr_i, .dbg_wdata_i, .dbg_rdata_o,
    .req_i, .vaddr_i, .acc_i, .size_i, .priv_i,
    .done_o, .cause_o, .paddr_o, .walk_cycles_o, .tick_o,
    .xr_valid_o, .xr_hit_o, .xr_steps_o, .xr_pte_addr_o, .xr_pte_o, .xr_pte_written_o, .xr_pte_new_o,
    .ptw_active_o, .ptw_addr_o, .ptw_we_o, .ptw_wdata_o, .ptw_rdata_i
  );
endmodule
