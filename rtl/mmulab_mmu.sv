// mmulab_mmu: the translation unit in front of memory, split as CVA6 splits
// it: this module holds the MMU registers and decides bare and base/limit
// translations itself; paged translations go to the TLB (mmulab_tlb) and,
// on a miss or an A/D update, to the page-table walker (mmulab_ptw);
// segmented user translations to the segmentation unit (mmulab_seg).
//
// A request is held by the core until done_o.  Its cost is the contract's
// translation time: 0 in bare mode, reloc_cycles under base/limit,
// tlb_hit_cycles in paged mode plus the walk, seg_hit_cycles in segmented
// mode plus the descriptor read of a miss.  The lookup phase lasts
// max(cost, 1) clocks and ticks `cost` modeled cycles (tick_o); the walker
// ticks its own.  Fault order and trap addresses follow cpu/cpu.c
// (contiguous_fault) and cpu/paged.c (paged_translate).
//
// TLB flushes from the OS (DBG_FLUSH) that arrive while a translation is in
// flight are held and applied when it completes, so a walk in flight fills
// before the flush lands, exactly as if the flush came after the access.
module mmulab_mmu import mmulab_0_pkg::*; #(
  parameter int unsigned TLB_MAX = 64
) (
  input  logic        clk_i,
  input  logic        rst_ni,
  // configuration
  input  logic [31:0] cfg_mem_size_i,
  input  logic [31:0] cfg_mem_cycles_i,
  input  logic [31:0] cfg_reloc_cycles_i,
  input  logic [31:0] cfg_tlb_hit_cycles_i,
  input  logic [31:0] cfg_seg_hit_cycles_i,
  input  logic [3:0]  cfg_seg_bits_i,
  input  logic [4:0]  cfg_seg_offset_bits_i,
  input  logic [4:0]  cfg_seg_cache_i,
  input  logic [4:0]  cfg_page_shift_i,
  input  logic [1:0]  cfg_levels_i,
  input  logic [5:0]  cfg_va_bits_i,
  input  logic [10:0] cfg_entries_i,
  input  logic [10:0] cfg_ways_i,
  input  logic [1:0]  cfg_policy_i,
  input  logic [4:0]  cfg_asid_bits_i,
  input  logic [31:0] cfg_seed_i,
  input  logic        seed_load_i,
  // debug port: MMU registers, flushes, counters, TLB contents
  input  logic        dbg_we_i,
  input  logic [11:0] dbg_addr_i,
  input  logic [31:0] dbg_wdata_i,
  output logic [31:0] dbg_rdata_o,
  // translation request from the core
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
  output logic        paged_o,      // paged mode: a translation that succeeds references its frame
  // the translation record of the latest request (retire_xlate_t)
  output logic        xr_valid_o,
  output logic        xr_hit_o,
  output logic [1:0]  xr_steps_o,
  output logic [95:0] xr_pte_addr_o,
  output logic [95:0] xr_pte_o,
  output logic        xr_pte_written_o,
  output logic [31:0] xr_pte_new_o,
  // the walker's memory port
  output logic        ptw_active_o,
  output logic [31:0] ptw_addr_o,
  output logic        ptw_we_o,
  output logic [31:0] ptw_wdata_o,
  input  logic [31:0] ptw_rdata_i
);

  typedef enum logic [1:0] { M_IDLE, M_LOOKUP, M_WALK, M_SEGWALK } mstate_e;

  // ---- MMU registers (mmu_regs_t) ----
  logic [1:0]  mode_q;
  logic [31:0] base_q, limit_q, fence_q, ptbr_q, ptlr_q, asid_q, stbr_q, stlr_q;
  logic [31:0] flush_asid_q, flush_vaddr_q;
  logic [1:0]  flush_kind_q;
  logic        flush_pending_q;

  mstate_e     state_q, state_d;
  logic [31:0] wait_q, wait_d;

  // ---- cost of the lookup phase ----
  logic [31:0] cost;
  always_comb begin
    unique case (mode_q)
      MMU_RELOC: cost = cfg_reloc_cycles_i;
      MMU_PAGED: cost = cfg_tlb_hit_cycles_i;
      MMU_SEG:   cost = cfg_seg_hit_cycles_i;
      default:   cost = 32'd0;
    endcase
  end

  // the lookup decides in the last clock of its phase
  logic decide;
  assign decide = (state_q == M_IDLE && req_i && cost <= 32'd1) ||
                  (state_q == M_LOOKUP && wait_q <= 32'd1);

  // ---- bare and base/limit (cpu/cpu.c: translate, contiguous_fault) ----
  logic        relocating;
  logic [32:0] acc_end, reach, room, fence_reach;
  trap_e       cont_cause;
  logic [31:0] cont_paddr;
  always_comb begin
    relocating  = mode_q == MMU_RELOC && !priv_i;
    acc_end     = {1'b0, vaddr_i} + {30'b0, size_i};
    room        = base_q < cfg_mem_size_i ? {1'b0, cfg_mem_size_i - base_q} : 33'b0;
    fence_reach = (mode_q == MMU_BARE && !priv_i && fence_q < cfg_mem_size_i) ? {1'b0, fence_q}
                                                                               : {1'b0, cfg_mem_size_i};
    reach       = relocating ? ({1'b0, limit_q} < room ? {1'b0, limit_q} : room) : fence_reach;
    cont_cause  = TRAP_NONE;
    cont_paddr  = relocating ? base_q + vaddr_i : vaddr_i;
    if (acc_end > reach) begin
      if (relocating) begin
`ifdef MUT_NO_LIMIT
        cont_cause = TRAP_BUS;   // planted bug: the limit is never checked
`else
        cont_cause = acc_end > {1'b0, limit_q} ? TRAP_PROTECTION : TRAP_BUS;
`endif
      end else begin
        // beyond the end of memory: a bus error; below it, at or above the fence
        cont_cause = acc_end > {1'b0, cfg_mem_size_i} ? TRAP_BUS : TRAP_FENCE;
      end
    end
`ifdef MUT_NO_LIMIT
    if (relocating && acc_end <= room) cont_cause = TRAP_NONE;
`endif
  end

  // ---- paged: TLB and walker ----
  logic        tlb_hit, tlb_ok;
  trap_e       tlb_fault;
  logic [31:0] tlb_paddr;
  logic        walk_start, walk_done;
  trap_e       walk_cause;
  logic [31:0] walk_paddr_fault, walk_cycles;
  logic [7:0]  walk_perm;
  logic [21:0] walk_ppn;
  logic        walk_for_hit_q, walk_for_hit_d;
  logic        tlb_touch, tlb_fill, tlb_set_perm, tlb_flush;
  logic [1:0]  walk_steps;
  logic [95:0] walk_pte_addr, walk_pte;
  logic        walk_written;
  logic [31:0] walk_pte_new;

  assign tlb_touch      = decide && mode_q == MMU_PAGED && tlb_hit;
  assign walk_start     = decide && mode_q == MMU_PAGED && (!tlb_hit || (tlb_fault == TRAP_NONE && !tlb_ok));
  assign walk_for_hit_d = walk_start ? tlb_hit : walk_for_hit_q;
  assign tlb_fill       = walk_done && walk_cause == TRAP_NONE && !walk_for_hit_q;
  assign tlb_set_perm   = walk_done && walk_cause == TRAP_NONE && walk_for_hit_q;
  assign tlb_flush      = flush_pending_q && state_q == M_IDLE && !req_i;

  mmulab_tlb #(.TLB_MAX(TLB_MAX)) u_tlb (
    .clk_i, .rst_ni,
    .cfg_page_shift_i, .cfg_entries_i, .cfg_ways_i, .cfg_policy_i, .cfg_asid_bits_i, .cfg_seed_i, .seed_load_i,
    .asid_i       (asid_q),
    .active_i     ((req_i && mode_q == MMU_PAGED) || tlb_flush),
    .vaddr_i,
    .acc_i,
    .priv_i,
    .hit_o        (tlb_hit),
    .ok_o         (tlb_ok),
    .fault_o      (tlb_fault),
    .paddr_o      (tlb_paddr),
    .touch_i      (tlb_touch),
    .fill_i       (tlb_fill),
    .fill_ppn_i   (walk_ppn),
    .fill_perm_i  (walk_perm),
    .set_perm_i   (tlb_set_perm),
    .flush_i      (tlb_flush),
    .flush_kind_i (flush_kind_q),
    .flush_asid_i (flush_asid_q),
    .flush_vaddr_i(flush_vaddr_q),
    .dbg_addr_i,
    .dbg_rdata_o  (tlb_dbg_rdata)
  );
  logic [31:0] tlb_dbg_rdata;

  mmulab_ptw u_ptw (
    .clk_i, .rst_ni,
    .cfg_mem_size_i, .cfg_mem_cycles_i, .cfg_page_shift_i, .cfg_levels_i, .cfg_va_bits_i,
    .ptbr_i        (ptbr_q),
    .ptlr_i        (ptlr_q),
    .start_i       (walk_start),
    .vaddr_i,
    .acc_i,
    .priv_i,
    .done_o        (walk_done),
    .cause_o       (walk_cause),
    .fault_paddr_o (walk_paddr_fault),
    .ppn_o         (walk_ppn),
    .perm_o        (walk_perm),
    .cycles_o      (walk_cycles),
    .steps_o       (walk_steps),
    .pte_addr_o    (walk_pte_addr),
    .pte_o         (walk_pte),
    .written_o     (walk_written),
    .pte_new_o     (walk_pte_new),
    .tick_o        (ptw_tick),
    .active_o      (pt_active),
    .mem_addr_o    (pt_addr),
    .mem_we_o      (pt_we),
    .mem_wdata_o   (ptw_wdata_o),
    .mem_rdata_i   (ptw_rdata_i)
  );
  logic ptw_tick;
  logic pt_active, pt_we;
  logic [31:0] pt_addr;

  // one memory port for both walkers (never both at once)
  assign ptw_active_o = pt_active || seg_active;
  assign ptw_addr_o   = seg_active ? seg_mem_addr : pt_addr;
  assign ptw_we_o     = pt_we && !seg_active;

  // ---- segmented: the segmentation unit (user accesses; kernel ones are physical) ----
  logic        seg_user, seg_beyond, seg_hit, seg_desc_bus, seg_start, seg_done, seg_flush;
  logic        seg_tick, seg_active, seg_looked, seg_walked_q;
  trap_e       seg_hit_cause, seg_cause;
  logic [31:0] seg_hit_paddr, seg_paddr, seg_desc_addr, seg_cycles, seg_mem_addr;
  logic [63:0] seg_desc;
  assign seg_user   = mode_q == MMU_SEG && !priv_i;
  assign seg_looked = decide && seg_user && !seg_beyond;
  assign seg_start  = seg_looked && !seg_hit && !seg_desc_bus;
  // loading the registers (a context switch) and a full TLB flush empty the cache
  assign seg_flush  = (dbg_we_i && dbg_addr_i == DBG_STBR) || (tlb_flush && flush_kind_q == 2'd0);

  mmulab_seg u_seg (
    .clk_i, .rst_ni,
    .cfg_mem_size_i,
    .cfg_mem_cycles_i,
    .cfg_seg_bits_i,
    .cfg_offset_bits_i (cfg_seg_offset_bits_i),
    .cfg_entries_i     (cfg_seg_cache_i),
    .stbr_i            (stbr_q),
    .stlr_i            (stlr_q),
    .flush_i           (seg_flush),
    .vaddr_i,
    .size_i,
    .acc_i,
    .priv_i,
    .beyond_o          (seg_beyond),
    .hit_o             (seg_hit),
    .hit_cause_o       (seg_hit_cause),
    .hit_paddr_o       (seg_hit_paddr),
    .desc_bus_o        (seg_desc_bus),
    .desc_addr_o       (seg_desc_addr),
    .start_i           (seg_start),
    .done_o            (seg_done),
    .cause_o           (seg_cause),
    .paddr_o           (seg_paddr),
    .cycles_o          (seg_cycles),
    .desc_o            (seg_desc),
    .tick_o            (seg_tick),
    .active_o          (seg_active),
    .mem_addr_o        (seg_mem_addr),
    .mem_rdata_i       (ptw_rdata_i)
  );

  // ---- counters (hw_counters_t) ----
  logic [63:0] cnt_hit_q, cnt_miss_q, cnt_walk_q, cnt_walk_cyc_q, cnt_pte_rd_q, cnt_pte_wr_q;

  // ---- the record of the latest translation ----
  // the walk's part is the walker's own registers, which hold until its next walk
  logic        xr_valid_q, xr_hit_q, xr_walked_q;

  // ---- outcome ----
  always_comb begin
    state_d       = state_q;
    wait_d        = wait_q;
    done_o        = 1'b0;
    cause_o       = TRAP_NONE;
    paddr_o       = 32'b0;
    walk_cycles_o = 32'b0;
    tick_o        = ptw_tick || seg_tick;
    unique case (state_q)
      M_IDLE: begin
        if (req_i) begin
          tick_o = cost != 32'd0;
          if (cost > 32'd1) begin
            state_d = M_LOOKUP;
            wait_d  = cost - 32'd1;
          end
        end
      end
      M_LOOKUP: begin
        tick_o = 1'b1;
        wait_d = wait_q - 32'd1;
      end
      M_WALK, M_SEGWALK: ;
      default: state_d = M_IDLE;
    endcase
    if (decide) begin
      state_d = M_IDLE;
      if (seg_user) begin
        done_o = 1'b1;
        if (seg_beyond) begin
          cause_o = TRAP_SEG_BOUND;
        end else if (seg_hit) begin
          cause_o = seg_hit_cause;
          paddr_o = seg_hit_paddr;
        end else if (seg_desc_bus) begin
          cause_o = TRAP_BUS;
          paddr_o = seg_desc_addr;
        end else begin
          done_o  = 1'b0;
          state_d = M_SEGWALK;
        end
      end else if (mode_q != MMU_PAGED) begin
        done_o  = 1'b1;
        cause_o = cont_cause;
        paddr_o = cont_paddr;
      end else if (tlb_hit && (tlb_ok || tlb_fault != TRAP_NONE)) begin
        done_o  = 1'b1;
        cause_o = tlb_fault;
        paddr_o = tlb_paddr;
      end else begin
        state_d = M_WALK;
      end
    end
    if (state_q == M_SEGWALK && seg_done) begin
      state_d       = M_IDLE;
      done_o        = 1'b1;
      cause_o       = seg_cause;
      paddr_o       = seg_paddr;
      walk_cycles_o = seg_cycles;
    end
    if (state_q == M_WALK && walk_done) begin
      state_d       = M_IDLE;
      done_o        = 1'b1;
      cause_o       = walk_cause;
      walk_cycles_o = walk_cycles;
      paddr_o       = walk_cause != TRAP_NONE ? (walk_for_hit_q ? 32'b0 : walk_paddr_fault) : tlb_paddr;
      if (walk_cause == TRAP_NONE && !walk_for_hit_q) begin
        paddr_o = {10'b0, walk_ppn} << cfg_page_shift_i | (vaddr_i & ((32'd1 << cfg_page_shift_i) - 32'd1));
      end
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q         <= M_IDLE;
      wait_q          <= 32'b0;
      walk_for_hit_q  <= 1'b0;
      mode_q          <= MMU_BARE;
      base_q          <= 32'b0;
      limit_q         <= 32'b0;
      fence_q         <= 32'b0;
      ptbr_q          <= 32'b0;
      ptlr_q          <= 32'b0;
      asid_q          <= 32'b0;
      stbr_q          <= 32'b0;
      stlr_q          <= 32'b0;
      flush_asid_q    <= 32'b0;
      flush_vaddr_q   <= 32'b0;
      flush_kind_q    <= 2'b0;
      flush_pending_q <= 1'b0;
      cnt_hit_q       <= 64'b0;
      cnt_miss_q      <= 64'b0;
      cnt_walk_q      <= 64'b0;
      cnt_walk_cyc_q  <= 64'b0;
      cnt_pte_rd_q    <= 64'b0;
      cnt_pte_wr_q    <= 64'b0;
      xr_valid_q      <= 1'b0;
      xr_hit_q        <= 1'b0;
      xr_walked_q     <= 1'b0;
      seg_walked_q    <= 1'b0;
    end else begin
      state_q        <= state_d;
      wait_q         <= wait_d;
      walk_for_hit_q <= walk_for_hit_d;
      if (dbg_we_i) begin
        unique case (dbg_addr_i)
          DBG_MODE:        mode_q <= dbg_wdata_i[1:0];
          DBG_BASE:        base_q <= dbg_wdata_i;
          DBG_LIMIT:       limit_q <= dbg_wdata_i;
          DBG_FENCE:       fence_q <= dbg_wdata_i;
          DBG_PTBR:        ptbr_q <= dbg_wdata_i;
          DBG_PTLR:        ptlr_q <= dbg_wdata_i;
          DBG_ASID:        asid_q <= dbg_wdata_i;
          DBG_STBR:        stbr_q <= dbg_wdata_i;
          DBG_STLR:        stlr_q <= dbg_wdata_i;
          DBG_FLUSH_ASID:  flush_asid_q <= dbg_wdata_i;
          DBG_FLUSH_VADDR: flush_vaddr_q <= dbg_wdata_i;
          DBG_FLUSH: begin
            flush_kind_q    <= dbg_wdata_i[1:0];
            flush_pending_q <= 1'b1;
          end
          default: ;
        endcase
      end
      if (tlb_flush) flush_pending_q <= 1'b0;
      // the record: a new request starts it, the lookup and the walk fill it
      if (req_i && state_q == M_IDLE) begin
        xr_valid_q    <= mode_q == MMU_PAGED || seg_user;
        xr_hit_q      <= 1'b0;
        xr_walked_q   <= 1'b0;
        seg_walked_q  <= 1'b0;
      end
      if (seg_looked && seg_hit) begin
        xr_hit_q  <= 1'b1;
        cnt_hit_q <= cnt_hit_q + 64'd1;
      end
      if (seg_looked && !seg_hit) cnt_miss_q <= cnt_miss_q + 64'd1;
      if (seg_done) begin
        seg_walked_q   <= 1'b1;
        cnt_walk_q     <= cnt_walk_q + 64'd1;
        cnt_walk_cyc_q <= cnt_walk_cyc_q + {32'b0, seg_cycles};
        cnt_pte_rd_q   <= cnt_pte_rd_q + 64'd2;
      end
      if (tlb_touch) begin
        xr_hit_q  <= 1'b1;
        cnt_hit_q <= cnt_hit_q + 64'd1;
      end
      if (decide && mode_q == MMU_PAGED && !tlb_hit) cnt_miss_q <= cnt_miss_q + 64'd1;
      if (walk_done) begin
        xr_walked_q    <= 1'b1;
        cnt_walk_q     <= cnt_walk_q + 64'd1;
        cnt_walk_cyc_q <= cnt_walk_cyc_q + {32'b0, walk_cycles};
        cnt_pte_rd_q   <= cnt_pte_rd_q + {62'b0, walk_steps};
        cnt_pte_wr_q   <= cnt_pte_wr_q + {63'b0, walk_written};
      end
    end
  end

  // the record as the core latches it: live in the clock a request starts
  // (a zero-time lookup decides then) and in the clock a walk ends
  logic fresh;
  assign fresh            = req_i && state_q == M_IDLE;
  assign xr_valid_o       = fresh ? mode_q == MMU_PAGED || seg_user : xr_valid_q;
  assign xr_hit_o         = (xr_hit_q && !fresh) || tlb_touch || (seg_looked && seg_hit);
  logic walked, seg_walked;
  assign walked           = walk_done || (xr_walked_q && !fresh);
  // a descriptor read is recorded as a two-step walk: its two words
  assign seg_walked       = seg_done || (seg_walked_q && !fresh);
  assign xr_steps_o       = walked ? walk_steps : seg_walked ? 2'd2 : 2'b0;
  assign xr_pte_addr_o    = walked ? walk_pte_addr :
                            seg_walked ? {32'b0, seg_desc_addr + 32'd4, seg_desc_addr} : 96'b0;
  assign xr_pte_o         = walked ? walk_pte : seg_walked ? {32'b0, seg_desc} : 96'b0;
  assign xr_pte_written_o = walked && walk_written;
  assign xr_pte_new_o     = walked ? walk_pte_new : 32'b0;

  assign paged_o = mode_q == MMU_PAGED;

  // ---- debug reads ----
  always_comb begin
    dbg_rdata_o = 32'b0;
    unique case (dbg_addr_i)
      DBG_MODE:  dbg_rdata_o = {30'b0, mode_q};
      DBG_BASE:  dbg_rdata_o = base_q;
      DBG_LIMIT: dbg_rdata_o = limit_q;
      DBG_FENCE: dbg_rdata_o = fence_q;
      DBG_PTBR:  dbg_rdata_o = ptbr_q;
      DBG_PTLR:  dbg_rdata_o = ptlr_q;
      DBG_ASID:  dbg_rdata_o = asid_q;
      DBG_STBR:  dbg_rdata_o = stbr_q;
      DBG_STLR:  dbg_rdata_o = stlr_q;
      DBG_CNT_MMU + 12'd0:  dbg_rdata_o = cnt_hit_q[31:0];
      DBG_CNT_MMU + 12'd1:  dbg_rdata_o = cnt_hit_q[63:32];
      DBG_CNT_MMU + 12'd2:  dbg_rdata_o = cnt_miss_q[31:0];
      DBG_CNT_MMU + 12'd3:  dbg_rdata_o = cnt_miss_q[63:32];
      DBG_CNT_MMU + 12'd4:  dbg_rdata_o = cnt_walk_q[31:0];
      DBG_CNT_MMU + 12'd5:  dbg_rdata_o = cnt_walk_q[63:32];
      DBG_CNT_MMU + 12'd6:  dbg_rdata_o = cnt_walk_cyc_q[31:0];
      DBG_CNT_MMU + 12'd7:  dbg_rdata_o = cnt_walk_cyc_q[63:32];
      DBG_CNT_MMU + 12'd8:  dbg_rdata_o = cnt_pte_rd_q[31:0];
      DBG_CNT_MMU + 12'd9:  dbg_rdata_o = cnt_pte_rd_q[63:32];
      DBG_CNT_MMU + 12'd10: dbg_rdata_o = cnt_pte_wr_q[31:0];
      DBG_CNT_MMU + 12'd11: dbg_rdata_o = cnt_pte_wr_q[63:32];
      default: if (dbg_addr_i >= DBG_TLB) dbg_rdata_o = tlb_dbg_rdata;
    endcase
  end

endmodule
