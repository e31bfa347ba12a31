// mmulab_fmax_mmu: a pin-frugal wrapper for nextpnr-ice40's Fmax of the MMU
// (`make synth` only).  The DUT's inputs come from a shift register fed by one
// pin, its outputs are folded into one registered pin by XOR, so every
// gate stays and the clock-to-clock paths are the DUT's own.
module mmulab_fmax_mmu import mmulab_0_pkg::*; #(
  parameter int unsigned TLB_ENTRIES = 16
) (
  input  logic clk_i,
  input  logic rst_ni,
  input  logic din_i,
  output logic dout_o
);
  localparam int unsigned IW = 1 + 12 + 32 + 1 + 32 + 2 + 3 + 1 + 32;
  localparam int unsigned OW = 32 + 1 + 4 + 32 + 32 + 1 + 1 + 1 + 2 + 96 + 96 + 1 + 32 + 1 + 32 + 1 + 32;

  logic [IW-1:0] in_q;
  logic [OW-1:0] out_d;
  trap_e         cause;

  always_ff @(posedge clk_i) begin
    in_q   <= {in_q[IW-2:0], din_i};
    dout_o <= ^out_d;
  end

  mmulab_mmu_synth #(.TLB_ENTRIES(TLB_ENTRIES)) u_dut (
    .clk_i, .rst_ni,
    .dbg_we_i         (in_q[0]),
    .dbg_addr_i       (in_q[12:1]),
    .dbg_wdata_i      (in_q[44:13]),
    .dbg_rdata_o      (out_d[31:0]),
    .req_i            (in_q[45]),
    .vaddr_i          (in_q[77:46]),
    .acc_i            (in_q[79:78]),
    .size_i           (in_q[82:80]),
    .priv_i           (in_q[83]),
    .done_o           (out_d[32]),
    .cause_o          (cause),
    .paddr_o          (out_d[68:37]),
    .walk_cycles_o    (out_d[100:69]),
    .tick_o           (out_d[101]),
    .xr_valid_o       (out_d[102]),
    .xr_hit_o         (out_d[103]),
    .xr_steps_o       (out_d[105:104]),
    .xr_pte_addr_o    (out_d[201:106]),
    .xr_pte_o         (out_d[297:202]),
    .xr_pte_written_o (out_d[298]),
    .xr_pte_new_o     (out_d[330:299]),
    .ptw_active_o     (out_d[331]),
    .ptw_addr_o       (out_d[363:332]),
    .ptw_we_o         (out_d[364]),
    .ptw_wdata_o      (out_d[396:365]),
    .ptw_rdata_i      (in_q[115:84])
  );
  assign out_d[36:33] = cause[3:0] ^ {3'b0, cause[4]};  // five cause bits folded into the four slots
endmodule
