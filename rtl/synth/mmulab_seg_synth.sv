// mmulab_seg_synth: the segmentation unit alone, for `make synth` only, its
// configuration tied to the defaults of machine/config.c (4 segment bits,
// 16 offset bits, a 4-entry descriptor cache, 1 MiB, mem_cycles 2): what
// segmentation adds to the MMU, next to the TLB and walker of paging.
module mmulab_seg_synth import mmulab_0_pkg::*; (
  input  logic        clk_i,
  input  logic        rst_ni,
  input  logic [31:0] stbr_i,
  input  logic [31:0] stlr_i,
  input  logic        flush_i,
  input  logic [31:0] vaddr_i,
  input  logic [2:0]  size_i,
  input  logic [1:0]  acc_i,
  input  logic        priv_i,
  output logic        beyond_o,
  output logic        hit_o,
  output trap_e       hit_cause_o,
  output logic [31:0] hit_paddr_o,
  output logic        desc_bus_o,
  output logic [31:0] desc_addr_o,
  input  logic        start_i,
  output logic        done_o,
  output trap_e       cause_o,
  output logic [31:0] paddr_o,
  output logic [31:0] cycles_o,
  output logic [63:0] desc_o,
  output logic        tick_o,
  output logic        active_o,
  output logic [31:0] mem_addr_o,
  input  logic [31:0] mem_rdata_i
);
  mmulab_seg #(.ENTRIES_MAX(4)) u_seg (
    .clk_i, .rst_ni,
    .cfg_mem_size_i    (32'h0010_0000),
    .cfg_mem_cycles_i  (32'd2),
    .cfg_seg_bits_i    (4'd4),
    .cfg_offset_bits_i (5'd16),
    .cfg_entries_i     (5'd4),
    .stbr_i, .stlr_i, .flush_i, .vaddr_i, .size_i, .acc_i, .priv_i,
    .beyond_o, .hit_o, .hit_cause_o, .hit_paddr_o, .desc_bus_o, .desc_addr_o,
    .start_i, .done_o, .cause_o, .paddr_o, .cycles_o, .desc_o, .tick_o, .active_o, .mem_addr_o, .mem_rdata_i
  );
endmodule
