// mmulab_top: the machine -- core, MMU (TLB and walker) and physical memory --
// with the configuration registers (machine_config_t's hardware part, set
// through the debug port before the first instruction, as "registers set at
// reset" in DESIGN.md), the run control, the debug port and the retirement
// port the Verilator harness (rtl/harness/rtl_machine.cpp) drives.
module mmulab_top import mmulab_0_pkg::*; #(
  parameter int unsigned MEM_WORDS = 1 << 20,
  parameter int unsigned TLB_MAX   = 64
) (
  input  logic        clk_i,
  input  logic        rst_ni,
  // run control
  input  logic        run_i,
  input  logic        step_i,     // one clock: run one instruction
  input  logic [63:0] limit_i,
  output logic        stopped_o,
  output logic [63:0] cycle_o,      // the modeled clock (also DBG_CYCLE_LO/HI)
  // debug port
  input  logic        dbg_we_i,
  input  logic [11:0] dbg_addr_i,
  input  logic [31:0] dbg_wdata_i,
  output logic [31:0] dbg_rdata_o,
  // retirement port
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
  output logic        rvfi_fetched_o,
  output logic [63:0] rvfi_cycle_begin_o,
  output logic [63:0] rvfi_cycle_end_o,
  output logic [4:0]  rvfi_trap_cause_o,
  output logic [1:0]  rvfi_trap_access_o,
  output logic [31:0] rvfi_trap_vaddr_o,
  output logic [31:0] rvfi_trap_paddr_o,
  // translation records, fetch [0] and data [1]: valid, TLB hit, walk steps
  // with each PTE's address and value, the A/D write-back
  output logic [1:0]  rvfi_xl_valid_o,
  output logic [1:0]  rvfi_xl_hit_o,
  output logic [3:0]  rvfi_xl_steps_o,
  output logic [191:0] rvfi_xl_pte_addr_o,
  output logic [191:0] rvfi_xl_pte_o,
  output logic [1:0]  rvfi_xl_pte_written_o,
  output logic [63:0] rvfi_xl_pte_new_o,
  // MMU test port (cosim --random): a translation request straight to the MMU
  // while the core is stopped, started by a one-clock tb_start_i; its outcome on
  // tb_*_o in the clock tb_done_o is high, and in translation record 0 after it
  input  logic        tb_start_i,
  input  logic [31:0] tb_vaddr_i,
  input  logic [1:0]  tb_acc_i,
  input  logic [2:0]  tb_size_i,
  input  logic        tb_priv_i,
  output logic        tb_done_o,
  output logic [4:0]  tb_cause_o,
  output logic [31:0] tb_paddr_o
);

  // ---- input stage: every input is registered, so that no logic hangs off a
  // port (Verilator then evaluates nothing between clock edges) ----
  logic        run_q, step_q, dbg_we_q, tb_req_q, tb_priv_q;
  logic [63:0] limit_q;
  logic [11:0] dbg_addr_q;
  logic [31:0] dbg_wdata_q, tb_vaddr_q;
  logic [1:0]  tb_acc_q;
  logic [2:0]  tb_size_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      run_q       <= 1'b0;
      step_q      <= 1'b0;
      limit_q     <= 64'b0;
      dbg_we_q    <= 1'b0;
      dbg_addr_q  <= 12'b0;
      dbg_wdata_q <= 32'b0;
      tb_req_q    <= 1'b0;
      tb_vaddr_q  <= 32'b0;
      tb_acc_q    <= 2'b0;
      tb_size_q   <= 3'b0;
      tb_priv_q   <= 1'b0;
    end else begin
      run_q       <= run_i;
      step_q      <= step_i;
      limit_q     <= limit_i;
      dbg_we_q    <= dbg_we_i;
      dbg_addr_q  <= dbg_addr_i;
      dbg_wdata_q <= dbg_wdata_i;
      if (tb_start_i) begin
        tb_req_q   <= 1'b1;
        tb_vaddr_q <= tb_vaddr_i;
        tb_acc_q   <= tb_acc_i;
        tb_size_q  <= tb_size_i;
        tb_priv_q  <= tb_priv_i;
      end else if (tb_done_o) begin
        tb_req_q   <= 1'b0;
      end
    end
  end

  // ---- configuration registers ----
  logic [31:0] cfg_mem_size_q, cfg_mem_q, cfg_exec_q, cfg_mul_q, cfg_div_q, cfg_reloc_q;
  logic [31:0] cfg_tlbhit_q, cfg_trap_q, cfg_seed_q, cfg_seghit_q;
  logic [3:0]  cfg_seg_bits_q;
  logic [4:0]  cfg_seg_off_q, cfg_seg_cache_q;
  logic [4:0]  cfg_shift_q, cfg_asid_bits_q;
  logic [1:0]  cfg_levels_q, cfg_policy_q;
  logic [5:0]  cfg_va_bits_q;
  logic [10:0] cfg_entries_q, cfg_ways_q;
  logic        seed_load_q;  // the TLB's generator takes the seed the clock after it is written

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) seed_load_q <= 1'b0;
    else seed_load_q <= dbg_we_q && dbg_addr_q == DBG_CFG_SEED;
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      cfg_mem_size_q  <= MEM_WORDS * 4;
      cfg_mem_q       <= 32'd2;
      cfg_exec_q      <= 32'd1;
      cfg_mul_q       <= 32'd4;
      cfg_div_q       <= 32'd16;
      cfg_reloc_q     <= 32'd0;
      cfg_tlbhit_q    <= 32'd1;
      cfg_trap_q      <= 32'd20;
      cfg_seed_q      <= 32'd1;
      cfg_shift_q     <= 5'd12;
      cfg_levels_q    <= 2'd2;
      cfg_va_bits_q   <= 6'd32;
      cfg_entries_q   <= 11'd16;
      cfg_ways_q      <= 11'd16;
      cfg_policy_q    <= POL_LRU;
      cfg_asid_bits_q <= 5'd8;
      cfg_seghit_q    <= 32'd1;
      cfg_seg_bits_q  <= 4'd4;
      cfg_seg_off_q   <= 5'd16;
      cfg_seg_cache_q <= 5'd4;
    end else if (dbg_we_q) begin
      unique case (dbg_addr_q)
        DBG_CFG_MEM_SIZE: cfg_mem_size_q  <= dbg_wdata_q;
        DBG_CFG_MEM:      cfg_mem_q       <= dbg_wdata_q;
        DBG_CFG_EXEC:     cfg_exec_q      <= dbg_wdata_q;
        DBG_CFG_MUL:      cfg_mul_q       <= dbg_wdata_q;
        DBG_CFG_DIV:      cfg_div_q       <= dbg_wdata_q;
        DBG_CFG_RELOC:    cfg_reloc_q     <= dbg_wdata_q;
        DBG_CFG_TLBHIT:   cfg_tlbhit_q    <= dbg_wdata_q;
        DBG_CFG_TRAP:     cfg_trap_q      <= dbg_wdata_q;
        DBG_CFG_SHIFT:    cfg_shift_q     <= dbg_wdata_q[4:0];
        DBG_CFG_LEVELS:   cfg_levels_q    <= dbg_wdata_q[1:0];
        DBG_CFG_VABITS:   cfg_va_bits_q   <= dbg_wdata_q[5:0];
        DBG_CFG_ENTRIES:  cfg_entries_q   <= dbg_wdata_q[10:0];
        DBG_CFG_WAYS:     cfg_ways_q      <= dbg_wdata_q[10:0];
        DBG_CFG_POLICY:   cfg_policy_q    <= dbg_wdata_q[1:0];
        DBG_CFG_ASIDBITS: cfg_asid_bits_q <= dbg_wdata_q[4:0];
        DBG_CFG_SEED:     cfg_seed_q      <= dbg_wdata_q;
        DBG_CFG_SEGHIT:   cfg_seghit_q    <= dbg_wdata_q;
        DBG_CFG_SEGBITS:  cfg_seg_bits_q  <= dbg_wdata_q[3:0];
        DBG_CFG_SEGOFF:   cfg_seg_off_q   <= dbg_wdata_q[4:0];
        DBG_CFG_SEGCACHE: cfg_seg_cache_q <= dbg_wdata_q[4:0];
        default: ;
      endcase
    end
  end

  // ---- core ----
  logic        priv;
  logic        xl_req, xl_done, xl_tick;
  logic [31:0] xl_vaddr, xl_paddr, xl_walk_cycles;
  logic [1:0]  xl_acc;
  logic [2:0]  xl_size;
  trap_e       xl_cause, core_cause;
  logic [31:0] core_mem_addr, core_mem_wdata, mem_rdata, core_dbg_rdata, mmu_dbg_rdata;
  logic        core_mem_we;
  logic [3:0]  core_mem_be;
  logic        fetch_xl_done, data_xl_done;

  mmulab_core u_core (
    .clk_i, .rst_ni,
    .run_i             (run_q),
    .step_i            (step_q),
    .limit_i           (limit_q),
    .stopped_o,
    .cycle_o,
    .cfg_mem_cycles_i  (cfg_mem_q),
    .cfg_exec_cycles_i (cfg_exec_q),
    .cfg_mul_cycles_i  (cfg_mul_q),
    .cfg_div_cycles_i  (cfg_div_q),
    .cfg_trap_cycles_i (cfg_trap_q),
    .dbg_we_i          (dbg_we_q),
    .dbg_addr_i        (dbg_addr_q),
    .dbg_wdata_i       (dbg_wdata_q),
    .dbg_rdata_o       (core_dbg_rdata),
    .priv_o            (priv),
    .xl_req_o          (xl_req),
    .xl_vaddr_o        (xl_vaddr),
    .xl_acc_o          (xl_acc),
    .xl_size_o         (xl_size),
    .xl_done_i         (xl_done),
    .xl_cause_i        (xl_cause),
    .xl_paddr_i        (xl_paddr),
    .xl_walk_cycles_i  (xl_walk_cycles),
    .xl_tick_i         (xl_tick),
    .mem_addr_o        (core_mem_addr),
    .mem_we_o          (core_mem_we),
    .mem_be_o          (core_mem_be),
    .mem_wdata_o       (core_mem_wdata),
    .mem_rdata_i       (mem_rdata),
    .rvfi_valid_o, .rvfi_trap_o, .rvfi_pc_o, .rvfi_insn_o,
    .rvfi_rd_valid_o, .rvfi_rd_addr_o, .rvfi_rd_wdata_o,
    .rvfi_mem_valid_o, .rvfi_mem_write_o, .rvfi_mem_size_o,
    .rvfi_mem_vaddr_o, .rvfi_mem_paddr_o, .rvfi_mem_data_o, .rvfi_fetched_o,
    .rvfi_cycle_begin_o, .rvfi_cycle_end_o,
    .rvfi_trap_cause_o (core_cause),
    .rvfi_trap_access_o, .rvfi_trap_vaddr_o, .rvfi_trap_paddr_o,
    .fetch_xl_done_o   (fetch_xl_done),
    .data_xl_done_o    (data_xl_done)
  );
  assign rvfi_trap_cause_o = core_cause;

  // ---- MMU ----
  logic        xr_valid, xr_hit, xr_written;
  logic [1:0]  xr_steps;
  logic [95:0] xr_pte_addr, xr_pte;
  logic [31:0] xr_pte_new;
  logic        ptw_active, ptw_we;
  logic [31:0] ptw_addr, ptw_wdata;

  mmulab_mmu #(.TLB_MAX(TLB_MAX)) u_mmu (
    .clk_i, .rst_ni,
    .cfg_mem_size_i       (cfg_mem_size_q),
    .cfg_mem_cycles_i     (cfg_mem_q),
    .cfg_reloc_cycles_i   (cfg_reloc_q),
    .cfg_tlb_hit_cycles_i (cfg_tlbhit_q),
    .cfg_seg_hit_cycles_i (cfg_seghit_q),
    .cfg_seg_bits_i       (cfg_seg_bits_q),
    .cfg_seg_offset_bits_i(cfg_seg_off_q),
    .cfg_seg_cache_i      (cfg_seg_cache_q),
    .cfg_page_shift_i     (cfg_shift_q),
    .cfg_levels_i         (cfg_levels_q),
    .cfg_va_bits_i        (cfg_va_bits_q),
    .cfg_entries_i        (cfg_entries_q),
    .cfg_ways_i           (cfg_ways_q),
    .cfg_policy_i         (cfg_policy_q),
    .cfg_asid_bits_i      (cfg_asid_bits_q),
    .cfg_seed_i           (cfg_seed_q),
    .seed_load_i          (seed_load_q),
    .dbg_we_i             (dbg_we_q),
    .dbg_addr_i           (dbg_addr_q),
    .dbg_wdata_i          (dbg_wdata_q),
    .dbg_rdata_o          (mmu_dbg_rdata),
    .req_i                (xl_req | tb_req_q),
    .vaddr_i              (tb_req_q ? tb_vaddr_q : xl_vaddr),
    .acc_i                (tb_req_q ? tb_acc_q : xl_acc),
    .size_i               (tb_req_q ? tb_size_q : xl_size),
    .priv_i               (tb_req_q ? tb_priv_q : priv),
    .done_o               (xl_done),
    .cause_o              (xl_cause),
    .paddr_o              (xl_paddr),
    .walk_cycles_o        (xl_walk_cycles),
    .tick_o               (xl_tick),
    .paged_o              (paged),
    .xr_valid_o           (xr_valid),
    .xr_hit_o             (xr_hit),
    .xr_steps_o           (xr_steps),
    .xr_pte_addr_o        (xr_pte_addr),
    .xr_pte_o             (xr_pte),
    .xr_pte_written_o     (xr_written),
    .xr_pte_new_o         (xr_pte_new),
    .ptw_active_o         (ptw_active),
    .ptw_addr_o           (ptw_addr),
    .ptw_we_o             (ptw_we),
    .ptw_wdata_o          (ptw_wdata),
    .ptw_rdata_i          (mem_rdata)
  );

  // ---- per-frame reference stamps and bits (paged mode) ----
  logic paged;
  mmulab_refs #(.FRAMES(MEM_WORDS * 4 / 512 + 1)) u_refs (
    .clk_i, .rst_ni,
    .ref_i   (paged && xl_done && xl_cause == TRAP_NONE),
    .frame_i (xl_paddr >> cfg_shift_q)
  );

  // ---- memory, shared by the core and the walker (never both at once) ----
  mmulab_mem #(.MEM_WORDS(MEM_WORDS)) u_mem (
    .clk_i,
    .addr_i  (ptw_active ? ptw_addr : core_mem_addr),
    .we_i    (ptw_active ? ptw_we : core_mem_we),
    .be_i    (ptw_active ? 4'b1111 : core_mem_be),
    .wdata_i (ptw_active ? ptw_wdata : core_mem_wdata),
    .rdata_o (mem_rdata)
  );

  // ---- translation records of the instruction: what retired successfully ----
  logic [1:0]   xl_valid_q, xl_hit_q, xl_written_q;
  logic [3:0]   xl_steps_q;
  logic [191:0] xl_pte_addr_q, xl_pte_q;
  logic [63:0]  xl_pte_new_q;
  logic         xl_ok, keep;
  assign xl_ok     = xl_cause == TRAP_NONE;
  assign keep      = xl_ok || tb_req_q;
  assign tb_done_o  = tb_req_q && xl_done;
  assign tb_cause_o = xl_cause;
  assign tb_paddr_o = xl_paddr;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      xl_valid_q    <= 2'b0;
      xl_hit_q      <= 2'b0;
      xl_written_q  <= 2'b0;
      xl_steps_q    <= 4'b0;
      xl_pte_addr_q <= 192'b0;
      xl_pte_q      <= 192'b0;
      xl_pte_new_q  <= 64'b0;
    end else if (fetch_xl_done || tb_done_o) begin
      // a fetch keeps its record only when it translated; the test port always
      xl_valid_q    <= {1'b0, xr_valid && keep};
      xl_hit_q      <= {1'b0, xr_hit && keep};
      xl_written_q  <= {1'b0, xr_written && keep};
      xl_steps_q    <= {2'b0, keep ? xr_steps : 2'b0};
      xl_pte_addr_q <= {96'b0, keep ? xr_pte_addr : 96'b0};
      xl_pte_q      <= {96'b0, keep ? xr_pte : 96'b0};
      xl_pte_new_q  <= {32'b0, keep ? xr_pte_new : 32'b0};
    end else if (data_xl_done && xl_ok) begin
      xl_valid_q[1]             <= xr_valid;
      xl_hit_q[1]               <= xr_hit;
      xl_written_q[1]           <= xr_written;
      xl_steps_q[3:2]           <= xr_steps;
      xl_pte_addr_q[191:96]     <= xr_pte_addr;
      xl_pte_q[191:96]          <= xr_pte;
      xl_pte_new_q[63:32]       <= xr_pte_new;
    end
  end

  assign rvfi_xl_valid_o       = xl_valid_q;
  assign rvfi_xl_hit_o         = xl_hit_q;
  assign rvfi_xl_steps_o       = xl_steps_q;
  assign rvfi_xl_pte_addr_o    = xl_pte_addr_q;
  assign rvfi_xl_pte_o         = xl_pte_q;
  assign rvfi_xl_pte_written_o = xl_written_q;
  assign rvfi_xl_pte_new_o     = xl_pte_new_q;

  // ---- debug reads ----
  logic [31:0] cfg_dbg_rdata;
  always_comb begin
    cfg_dbg_rdata = 32'b0;
    unique case (dbg_addr_q)
      DBG_CFG_MEM_SIZE: cfg_dbg_rdata = cfg_mem_size_q;
      DBG_CFG_MEM:      cfg_dbg_rdata = cfg_mem_q;
      DBG_CFG_TRAP:     cfg_dbg_rdata = cfg_trap_q;
      default: ;
    endcase
  end
  assign dbg_rdata_o = core_dbg_rdata | mmu_dbg_rdata | cfg_dbg_rdata;

endmodule
