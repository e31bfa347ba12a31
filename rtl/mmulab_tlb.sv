// mmulab_tlb: the modeled TLB (mmu/tlb.h is its contract), up to TLB_MAX
// entries; the entries, ways, policy and ASID bits in use are configuration
// registers set at reset, so one Verilated model serves every configuration
// the C model is run with (up to TLB_MAX entries).
//
// Geometry: sets = entries / ways, set = vpn % sets, the set's slots are
// set*ways .. set*ways+ways-1.  An entry matches when valid, holding vpn, and
// global or tagged with the current ASID; at most one may match (asserted).
// Replacement within the set: the lowest invalid slot first, else
//   LRU   the smallest stamp (stamped from a running count on hit and fill),
//   FIFO  the smallest stamp (stamped on fill only),
//   RANDOM xorshift32 % ways, advanced only when it picks a victim,
//   PLRU  the tree bits of the set, heap order, as tlb.c keeps them.
// Flushes (all; by ASID, sparing global entries; by page) invalidate
// without touching the replacement state, as tlb.c does.
module mmulab_tlb import mmulab_0_pkg::*; #(
  parameter int unsigned TLB_MAX = 64
) (
  input  logic        clk_i,
  input  logic        rst_ni,
  input  logic [4:0]  cfg_page_shift_i,
  input  logic [10:0] cfg_entries_i,
  input  logic [10:0] cfg_ways_i,
  input  logic [1:0]  cfg_policy_i,
  input  logic [4:0]  cfg_asid_bits_i,
  input  logic [31:0] cfg_seed_i,
  input  logic        seed_load_i,  // (re)seed the random policy's generator
  input  logic [31:0] asid_i,
  // a paged translation or a flush is in progress: the lookup logic is
  // evaluated only then (it is most of the model's work under Verilator)
  input  logic        active_i,
  // lookup (combinational) for the access in flight
  input  logic [31:0] vaddr_i,
  input  logic [1:0]  acc_i,
  input  logic        priv_i,
  output logic        hit_o,
  output logic        ok_o,      // allowed with no fault and no A/D update
  output trap_e       fault_o,   // the permission fault of a hit (pte_access_fault)
  output logic [31:0] paddr_o,   // the hit entry's frame and the page offset
  // updates
  input  logic        touch_i,   // count the hit in the replacement state
  input  logic        fill_i,    // insert vaddr_i's page after a miss
  input  logic [21:0] fill_ppn_i,
  input  logic [7:0]  fill_perm_i,
  input  logic        set_perm_i, // the hit entry's perm after a walk set A/D
  input  logic        flush_i,
  input  logic [1:0]  flush_kind_i,
  input  logic [31:0] flush_asid_i,
  input  logic [31:0] flush_vaddr_i,
  // debug reads: DBG_TLB + slot * 8 + field
  input  logic [11:0] dbg_addr_i,
  output logic [31:0] dbg_rdata_o
);
  localparam int unsigned SW = $clog2(TLB_MAX);  // TLB_MAX is a power of two

  logic [TLB_MAX-1:0] valid_q;           // a vector: a flush clears it with one mask
  logic [31:0]       vpn_q   [TLB_MAX];
  logic [21:0]       ppn_q   [TLB_MAX];
  logic [15:0]       tag_q   [TLB_MAX];
  logic [7:0]        perm_q  [TLB_MAX];
  logic [31:0]       stamp_q [TLB_MAX];
  logic [TLB_MAX-1:0] plru_q, plru_d;    // bit set*ways + node, node 1..ways-1
  logic [31:0]       clock_q;
  logic [31:0]       rng_q;

  // ---- the key ----
  logic [31:0] vpn, asid, mask, sets, set, lo, hi;
  always_comb begin
    vpn  = 32'b0;
    mask = 32'b0;
    asid = 32'b0;
    sets = 32'd1;
    set  = 32'b0;
    lo   = 32'b0;
    hi   = 32'b0;
    if (active_i) begin
      vpn  = vaddr_i >> cfg_page_shift_i;
      mask = (32'd1 << cfg_asid_bits_i) - 32'd1;
      asid = asid_i & mask;
      sets = {21'b0, cfg_entries_i} / {21'b0, cfg_ways_i};
`ifdef MUT_TLB_SET_INDEX
      set  = (vpn >> 1) % sets;                 // planted bug: the set index drops the page number's low bit
`else
      set  = vpn % sets;
`endif
      lo   = set * {21'b0, cfg_ways_i};
      hi   = lo + {21'b0, cfg_ways_i};
    end
  end

  function automatic logic in_set(int unsigned i, logic [31:0] l, logic [31:0] h);
    in_set = i >= l && i < h;
  endfunction

  // ---- lookup ----
  logic [SW-1:0] hit_slot;
  logic [7:0]    hit_count;
  always_comb begin
    hit_o     = 1'b0;
    hit_slot  = '0;
    hit_count = 8'b0;
    // the test outside the loop: Verilator then skips all of it when idle
    if (active_i) begin
      for (int unsigned i = 0; i < TLB_MAX; i++) begin
        if (valid_q[i] && in_set(i, lo, hi) && vpn_q[i] == vpn &&
`ifdef MUT_NO_ASID
            1'b1) begin                               // planted bug: the ASID is not compared
`elsif MUT_TLB_NO_GLOBAL
            {16'b0, tag_q[i]} == asid) begin          // planted bug: a global entry matches only its own ASID
`else
            ({16'b0, tag_q[i]} == asid || perm_q[i][PTE_G])) begin
`endif
          hit_o     = 1'b1;
          hit_slot  = SW'(i);
          hit_count = hit_count + 8'd1;
        end
      end
    end
  end

  logic [7:0] hperm;
  assign hperm   = perm_q[hit_slot];
  assign paddr_o = ({10'b0, ppn_q[hit_slot]} << cfg_page_shift_i) |
                   (vaddr_i & ((32'd1 << cfg_page_shift_i) - 32'd1));
  always_comb begin
    fault_o = TRAP_NONE;
    if (!priv_i && !hperm[PTE_U]) fault_o = TRAP_PAGE_USER;
`ifdef MUT_TLB_EXEC_BIT
    else if (acc_i == ACC_FETCH && !hperm[PTE_R]) fault_o = TRAP_PAGE_EXEC;  // planted bug: R read for X
`else
    else if (acc_i == ACC_FETCH && !hperm[PTE_X]) fault_o = TRAP_PAGE_EXEC;
`endif
    else if (acc_i == ACC_LOAD && !hperm[PTE_R]) fault_o = TRAP_PAGE_READ;
    else if (acc_i == ACC_STORE && !hperm[PTE_W]) fault_o = TRAP_PAGE_WRITE;
  end
`ifdef MUT_TLB_STALE_DIRTY
  // planted bug: a store hitting a clean entry goes ahead without the walk that sets D
  assign ok_o = hperm[PTE_V] && fault_o == TRAP_NONE && hperm[PTE_A];
`else
  assign ok_o = hperm[PTE_V] && fault_o == TRAP_NONE && hperm[PTE_A] &&
                !(acc_i == ACC_STORE && !hperm[PTE_D]);
`endif

  // ---- victim ----
  logic [31:0]   rng_next, way_pick;
  logic [SW-1:0] victim;
  logic          found_invalid;
  logic [31:0]   best_stamp;
  always_comb begin
    logic [31:0] node;
    node     = 32'd1;
    rng_next = rng_q ^ (rng_q << 13);
    rng_next = rng_next ^ (rng_next >> 17);
    rng_next = rng_next ^ (rng_next << 5);
    found_invalid = 1'b0;
    victim        = '0;
    best_stamp    = 32'hffff_ffff;
    way_pick      = 32'b0;
    if (fill_i) begin  // the victim is needed only to fill
      for (int unsigned i = 0; i < TLB_MAX; i++) begin
        if (in_set(i, lo, hi) && !valid_q[i] && !found_invalid) begin
          found_invalid = 1'b1;
          victim        = SW'(i);
        end
      end
      if (!found_invalid) begin
        unique case (cfg_policy_i)
          POL_RANDOM: begin
            way_pick = rng_next % {21'b0, cfg_ways_i};
            victim   = SW'(lo + way_pick);
          end
          POL_PLRU: begin
            node = 32'd1;
            for (int unsigned d = 0; d < SW; d++) begin
              if (node < {21'b0, cfg_ways_i}) node = 2 * node + {31'b0, plru_q[SW'(lo + node)]};
            end
            victim = SW'(lo + node - {21'b0, cfg_ways_i});
          end
          default: begin  // LRU, FIFO: the oldest stamp
            for (int unsigned i = 0; i < TLB_MAX; i++) begin
              if (in_set(i, lo, hi) && stamp_q[i] < best_stamp) begin
                best_stamp = stamp_q[i];
                victim     = SW'(i);
              end
            end
          end
        endcase
      end
    end
  end

  // ---- flush selection ----
  logic [31:0] f_vpn, f_asid;
  assign f_vpn  = flush_vaddr_i >> cfg_page_shift_i;
  assign f_asid = flush_asid_i & mask;
  function automatic logic flush_selects(logic [SW-1:0] i, logic [1:0] kind, logic [31:0] fa, logic [31:0] fv);
    unique case (kind)
      2'd0:    flush_selects = 1'b1;
`ifdef MUT_TLB_FLUSH_ASID_GLOBAL
      2'd1:    flush_selects = {16'b0, tag_q[i]} == fa;      // planted bug: an ASID flush takes global entries too
`else
      2'd1:    flush_selects = !perm_q[i][PTE_G] && {16'b0, tag_q[i]} == fa;
`endif
`ifdef MUT_TLB_FLUSH_PAGE_STALE
      2'd2:    flush_selects = vpn_q[i] == fv && {16'b0, tag_q[i]} == fa;  // planted bug: a global page stays
`else
      2'd2:    flush_selects = vpn_q[i] == fv && ({16'b0, tag_q[i]} == fa || perm_q[i][PTE_G]);
`endif
      default: flush_selects = 1'b0;
    endcase
  endfunction

  // the entries a flush clears (computed only while flushing)
  logic [TLB_MAX-1:0] flushed;
  always_comb begin
    flushed = '0;
    if (flush_i) begin
      for (int unsigned i = 0; i < TLB_MAX; i++)
        flushed[i] = valid_q[i] && flush_selects(SW'(i), flush_kind_i, f_asid, f_vpn);
    end
  end

  // the PLRU path of a slot: set every bit to point away from it
  logic [SW-1:0] touched;
  logic          touching;
  assign touching = (touch_i && cfg_policy_i == POL_PLRU) || (fill_i && cfg_policy_i == POL_PLRU);
  assign touched  = fill_i ? victim : hit_slot;

  // the PLRU bits after a hit or fill: every bit on the slot's path points away from it
  always_comb begin
    logic [31:0] node;
    plru_d = plru_q;
    node   = 32'b0;
    if (touching) begin
      node = {{(32-SW){1'b0}}, touched} - lo + {21'b0, cfg_ways_i};
      for (int unsigned d = 0; d < SW; d++) begin
        if (node > 32'd1) begin
`ifdef MUT_TLB_PLRU_PATH
          plru_d[SW'(lo + (node >> 1))] = node[0];   // planted bug: the path points at the slot, not away
`else
          plru_d[SW'(lo + (node >> 1))] = !node[0];
`endif
          node = node >> 1;
        end
      end
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      valid_q <= '0;
      for (int unsigned i = 0; i < TLB_MAX; i++) begin
        vpn_q[i]   <= 32'b0;
        ppn_q[i]   <= 22'b0;
        tag_q[i]   <= 16'b0;
        perm_q[i]  <= 8'b0;
        stamp_q[i] <= 32'b0;
      end
      plru_q  <= '0;
      clock_q <= 32'b0;
      rng_q   <= 32'd1;
    end else begin
      plru_q <= plru_d;
      if (seed_load_i) rng_q <= cfg_seed_i == 32'b0 ? 32'd1 : cfg_seed_i;
`ifdef MUT_TLB_LRU_NO_TOUCH
      if (1'b0) begin                         // planted bug: a hit does not update the LRU stamp
`else
      if (touch_i && cfg_policy_i == POL_LRU) begin
`endif
        clock_q           <= clock_q + 32'd1;
        stamp_q[hit_slot] <= clock_q + 32'd1;
      end
      if (set_perm_i) perm_q[hit_slot] <= fill_perm_i;
      // a flush clears the entries valid before this clock (a fill in the same clock stays)
      if (fill_i || flush_i)
        valid_q <= (valid_q | (fill_i ? TLB_MAX'(1) << victim : '0)) & ~flushed;
      if (fill_i) begin
        vpn_q[victim]   <= vpn;
        ppn_q[victim]   <= fill_ppn_i;
        tag_q[victim]   <= asid[15:0];
        perm_q[victim]  <= fill_perm_i;
        if (cfg_policy_i == POL_LRU || cfg_policy_i == POL_FIFO) begin
          clock_q         <= clock_q + 32'd1;
          stamp_q[victim] <= clock_q + 32'd1;
        end
`ifdef MUT_TLB_RANDOM_ADVANCE
        if (cfg_policy_i == POL_RANDOM) rng_q <= rng_next;  // planted bug: filling a free slot advances it too
`else
        if (cfg_policy_i == POL_RANDOM && !found_invalid) rng_q <= rng_next;
`endif
      end
    end
  end

  // ---- debug reads: 0 valid, 1 vpn, 2 ppn, 3 asid, 4 perm, 5 stamp, 6 plru bits of the slot's path ----
  logic [SW-1:0] dslot;
  logic [2:0]    dfield;
  logic [8:0]    dindex;
  logic          unused_dindex;
  assign dindex = dbg_addr_i[11:3] - 9'h080;
  assign dslot  = dindex[SW-1:0];
  assign unused_dindex = ^dindex[8:SW];
  assign dfield = dbg_addr_i[2:0];
  always_comb begin
    dbg_rdata_o = 32'b0;
    unique case (dfield)
      3'd0: dbg_rdata_o = {31'b0, valid_q[dslot]};
      3'd1: dbg_rdata_o = vpn_q[dslot];
      3'd2: dbg_rdata_o = {10'b0, ppn_q[dslot]};
      3'd3: dbg_rdata_o = {16'b0, tag_q[dslot]};
      3'd4: dbg_rdata_o = {24'b0, perm_q[dslot]};
      3'd5: dbg_rdata_o = stamp_q[dslot];
      3'd6: dbg_rdata_o = {31'b0, plru_q[dslot]};
      default: dbg_rdata_o = 32'b0;
    endcase
  end

`ifndef SYNTHESIS
  // ---- properties (docs/verification.md, "Formal"): `make formal` proves
  // them with the TLB's inputs free under the contract below
  // (rtl/formal/mmulab_tlb_formal.sv); in simulation (verilator --assert)
  // they are immediate assertions, the contract included.
  logic p_ready;  // out of reset (rst_ni stays an asynchronous reset only)
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) p_ready <= 1'b0;
    else p_ready <= 1'b1;
  end

  // The watched key: in a proof any key (rtl/formal sets it free and
  // constant); in simulation the first one filled.  The shadow holds what
  // was last filled for it and whether it is still live (not flushed).
  logic [31:0] p_vpn, p_asid;
  logic        p_global, p_key_set, p_live;
  logic [21:0] p_ppn;
  logic [7:0]  p_perm;
  logic        p_fill_key, p_lookup_key, p_flush_key;
  assign p_lookup_key = p_key_set && vpn == p_vpn && (asid == p_asid || p_global);
  assign p_fill_key   = fill_i && p_lookup_key;
  always_comb begin
    unique case (flush_kind_i)
      2'd0:    p_flush_key = 1'b1;
      2'd1:    p_flush_key = !p_global && p_asid == f_asid;
      2'd2:    p_flush_key = p_vpn == f_vpn && (p_asid == f_asid || p_global);
      default: p_flush_key = 1'b0;
    endcase
    p_flush_key = p_flush_key && flush_i && p_key_set;
  end
`ifdef FORMAL
  (* anyconst *) logic [31:0] f_key_vpn, f_key_asid;
  (* anyconst *) logic        f_key_global;
  assign p_key_set = 1'b1;
  assign p_vpn = f_key_vpn;
  assign p_asid = f_key_asid;
  assign p_global = f_key_global;
`else
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      p_key_set <= 1'b0;
      p_vpn     <= 32'b0;
      p_asid    <= 32'b0;
      p_global  <= 1'b0;
    end else if (fill_i && !p_key_set) begin
      p_key_set <= 1'b1;
      p_vpn     <= vpn;
      p_asid    <= asid;
      p_global  <= fill_perm_i[PTE_G];
    end
  end
`endif
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      p_live <= 1'b0;
      p_ppn  <= 22'b0;
      p_perm <= 8'b0;
    end else begin
      if (p_flush_key) p_live <= 1'b0;
      if (p_fill_key || (fill_i && !p_key_set)) begin
        p_live <= 1'b1;
        p_ppn  <= fill_ppn_i;
        p_perm <= fill_perm_i;
      end
      if (set_perm_i && hit_o && p_lookup_key) p_perm <= fill_perm_i;
    end
  end

  // the contract: the MMU fills only after a miss and never while flushing,
  // keeps G on an A/D update, and the OS keeps G one value per page (it
  // flushes the page before changing G: tlb.h)
  logic c_g_clash;
  always_comb begin
    c_g_clash = 1'b0;
    if (fill_i) begin  // (only when filling: Verilator evaluates nothing otherwise)
      for (int unsigned i = 0; i < TLB_MAX; i++)
        if (valid_q[i] && vpn_q[i] == vpn && perm_q[i][PTE_G] != fill_perm_i[PTE_G]) c_g_clash = 1'b1;
    end
  end
  logic contract_ok;
  assign contract_ok = (!fill_i || (active_i && !hit_o && !flush_i && !c_g_clash)) &&
                       (!set_perm_i || (hit_o && fill_perm_i[PTE_G] == hperm[PTE_G])) &&
                       (!(fill_i && p_key_set && vpn == p_vpn) || fill_perm_i[PTE_G] == p_global);

`ifdef FORMAL
  always_comb if (rst_ni) tlb_contract: assume (contract_ok);  // from the first clock out of reset
`endif
  always_ff @(posedge clk_i) begin
    if (p_ready) begin
`ifndef FORMAL
      tlb_contract: assert (contract_ok);
`endif
      // tlb_one_match: at most one entry matches any lookup (tlb.h's invariant)
      if (active_i) tlb_one_match: assert (hit_count <= 8'd1);
      // tlb_hit_is_filled: a hit returns what was filled for the key and not since flushed
      if (active_i && hit_o && p_lookup_key)
        tlb_hit_is_filled: assert (p_live && ppn_q[hit_slot] == p_ppn && hperm == p_perm);
      // tlb_flushed_misses: a key flushed and not filled again misses
      if (active_i && p_lookup_key && !p_live) tlb_flushed_misses: assert (!hit_o);
    end
  end
`endif

endmodule
