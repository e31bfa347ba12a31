// mmulab_fmax_core: the pin-frugal wrapper of mmulab_fmax_mmu.sv around the
// core (`make synth` only): inputs from a one-pin shift register, outputs
// folded into one registered pin.
module mmulab_fmax_core import mmulab_0_pkg::*; (
  input  logic clk_i,
  input  logic rst_ni,
  input  logic din_i,
  output logic dout_o
);
  localparam int unsigned IW = 2 + 64 + 5 * 32 + 1 + 12 + 32 + 1 + 5 + 32 + 32 + 1 + 32;
  localparam int unsigned OW = 1 + 32 + 1 + 1 + 32 + 2 + 3 + 32 + 1 + 4 + 32 + 2 + 32 + 32 + 1 + 4 + 32 +
                               2 + 3 + 32 + 32 + 32 + 1 + 64 + 64 + 5 + 2 + 32 + 32 + 2;

  logic [IW-1:0] in_q;
  logic [OW-1:0] out_d;

  always_ff @(posedge clk_i) begin
    in_q   <= {in_q[IW-2:0], din_i};
    dout_o <= ^out_d;
  end

  logic        run, step, dbg_we, xl_done, xl_tick;
  logic [63:0] limit;
  logic [31:0] c_mem, c_exec, c_mul, c_div, c_trap, dbg_wdata, xl_paddr, xl_walk, mem_rdata;
  logic [11:0] dbg_addr;
  trap_e       xl_cause;
  assign {run, step, limit, c_mem, c_exec, c_mul, c_div, c_trap, dbg_we, dbg_addr, dbg_wdata,
          xl_done, xl_cause, xl_paddr, xl_walk, xl_tick, mem_rdata} = in_q;

  logic        stopped, priv, xl_req, mem_we, fetch_done, data_done;
  logic [31:0] dbg_rdata, xl_vaddr, mem_addr, mem_wdata;
  logic [1:0]  xl_acc;
  logic [2:0]  xl_size;
  logic [3:0]  mem_be;
  logic        v, t, rdv, mv, mw, f;
  logic [31:0] pc, insn, rdw, mva, mpa, md, tva, tpa;
  logic [3:0]  rda;
  logic [2:0]  ms;
  logic [63:0] cb, ce;
  trap_e       tc;
  logic [1:0]  ta;

  mmulab_core u_dut (
    .clk_i, .rst_ni, .run_i(run), .step_i(step), .limit_i(limit), .stopped_o(stopped),
    .cfg_mem_cycles_i(c_mem), .cfg_exec_cycles_i(c_exec), .cfg_mul_cycles_i(c_mul),
    .cfg_div_cycles_i(c_div), .cfg_trap_cycles_i(c_trap),
    .dbg_we_i(dbg_we), .dbg_addr_i(dbg_addr), .dbg_wdata_i(dbg_wdata), .dbg_rdata_o(dbg_rdata),
    .priv_o(priv), .xl_req_o(xl_req), .xl_vaddr_o(xl_vaddr), .xl_acc_o(xl_acc), .xl_size_o(xl_size),
    .xl_done_i(xl_done), .xl_cause_i(xl_cause), .xl_paddr_i(xl_paddr),
    .xl_walk_cycles_i(xl_walk), .xl_tick_i(xl_tick),
    .mem_addr_o(mem_addr), .mem_we_o(mem_we), .mem_be_o(mem_be), .mem_wdata_o(mem_wdata),
    .mem_rdata_i(mem_rdata),
    .rvfi_valid_o(v), .rvfi_trap_o(t), .rvfi_pc_o(pc), .rvfi_insn_o(insn),
    .rvfi_rd_valid_o(rdv), .rvfi_rd_addr_o(rda), .rvfi_rd_wdata_o(rdw),
    .rvfi_mem_valid_o(mv), .rvfi_mem_write_o(mw), .rvfi_mem_size_o(ms), .rvfi_mem_vaddr_o(mva),
    .rvfi_mem_paddr_o(mpa), .rvfi_mem_data_o(md), .rvfi_fetched_o(f),
    .rvfi_cycle_begin_o(cb), .rvfi_cycle_end_o(ce), .rvfi_trap_cause_o(tc), .rvfi_trap_access_o(ta),
    .rvfi_trap_vaddr_o(tva), .rvfi_trap_paddr_o(tpa),
    .fetch_xl_done_o(fetch_done), .data_xl_done_o(data_done)
  );

  assign out_d = {stopped, dbg_rdata, priv, xl_req, xl_vaddr, xl_acc, xl_size, mem_addr, mem_we, mem_be,
                  mem_wdata, v, t, pc, insn, rdv, rda, rdw, mv, mw, ms, mva, mpa, md, f, cb, ce,
                  tc, ta, tva, tpa, fetch_done, data_done};
endmodule
