// mmulab_seg: the segmentation unit of segmented mode (mmu/seg.h is its
// contract): the segment-descriptor cache, the two-word table read on a
// miss, and the per-segment check.
//
// The logical address splits into a segment number (vaddr >> offset bits)
// and an offset.  segno >= STLR, or a number wider than seg_bits, faults
// segment_bound without a lookup.  A
// cache hit checks at once (lookup_i, in the MMU's deciding clock); a miss
// reads the descriptor at STBR + 8 * segno -- a bus error if it lies beyond
// memory -- then faults segment_not_present if it is not valid (not
// cached), or fills the cache (FIFO) and checks.  The check: protection
// (U for a user access, the access kind's R/W/X), then the bound (a
// grow-down segment holds the top `limit` offsets of its range), then the
// physical address against the end of memory.
//
//   G_IDLE --start--> G_READ0 --mem_cycles--> G_READ1 --mem_cycles--> G_DONE --> G_IDLE
//
// G_READ0/1 last max(mem_cycles, 1) clocks and tick mem_cycles; G_DONE is a
// zero-time clock in which done_o holds the outcome.
module mmulab_seg import mmulab_0_pkg::*; #(
  parameter int unsigned ENTRIES_MAX = 16
) (
  input  logic        clk_i,
  input  logic        rst_ni,
  input  logic [31:0] cfg_mem_size_i,
  input  logic [31:0] cfg_mem_cycles_i,
  input  logic [3:0]  cfg_seg_bits_i,
  input  logic [4:0]  cfg_offset_bits_i,
  input  logic [4:0]  cfg_entries_i,
  input  logic [31:0] stbr_i,
  input  logic [31:0] stlr_i,
  input  logic        flush_i,
  // the access
  input  logic [31:0] vaddr_i,
  input  logic [2:0]  size_i,
  input  logic [1:0]  acc_i,
  input  logic        priv_i,
  // lookup: combinational, valid whenever the MMU asks
  output logic        beyond_o,     // segno >= STLR: segment_bound, no lookup
  output logic        hit_o,
  output trap_e       hit_cause_o,
  output logic [31:0] hit_paddr_o,
  output logic        desc_bus_o,   // a miss whose descriptor lies beyond memory
  output logic [31:0] desc_addr_o,
  // the walk of a miss
  input  logic        start_i,
  output logic        done_o,
  output trap_e       cause_o,
  output logic [31:0] paddr_o,
  output logic [31:0] cycles_o,
  output logic [63:0] desc_o,       // {word1, word0} as read
  output logic        tick_o,
  output logic        active_o,
  output logic [31:0] mem_addr_o,
  input  logic [31:0] mem_rdata_i
);

  typedef enum logic [1:0] { G_IDLE, G_READ0, G_READ1, G_DONE } gstate_e;

  gstate_e     state_q, state_d;
  logic [31:0] wait_q, wait_d;
  logic [31:0] word0_q, word0_d, word1_q, word1_d;

  // ---- the descriptor cache ----
  logic [ENTRIES_MAX-1:0] valid_q;
  logic [7:0]             segno_q [ENTRIES_MAX];
  logic [31:0]            base_q  [ENTRIES_MAX];
  logic [31:0]            word1_c [ENTRIES_MAX];
  localparam int unsigned SLOT_BITS = ENTRIES_MAX > 1 ? $clog2(ENTRIES_MAX) : 1;
  logic [4:0]             next_q;
  logic [SLOT_BITS-1:0]   slot;
  assign slot = next_q[SLOT_BITS-1:0];

  logic [31:0] segno_full, offset;
  assign segno_full  = vaddr_i >> cfg_offset_bits_i;
  assign offset      = vaddr_i & ((32'd1 << cfg_offset_bits_i) - 32'd1);
  assign beyond_o    = segno_full >= stlr_i || (segno_full >> cfg_seg_bits_i) != 32'b0;

  logic [32:0] desc_addr_w;
  assign desc_addr_w = {1'b0, stbr_i} + {segno_full[29:0], 3'b0};
  assign desc_addr_o = desc_addr_w[31:0];
  assign desc_bus_o  = desc_addr_w + 33'd8 > {1'b0, cfg_mem_size_i};

  logic [31:0] hit_base, hit_word1;
  always_comb begin
    hit_o     = 1'b0;
    hit_base  = 32'b0;
    hit_word1 = 32'b0;
    for (int unsigned i = 0; i < ENTRIES_MAX; i++) begin
      if (i < {27'b0, cfg_entries_i} && valid_q[i] && {24'b0, segno_q[i]} == segno_full) begin
        hit_o     = 1'b1;
        hit_base  = base_q[i];
        hit_word1 = word1_c[i];
      end
    end
  end

  // ---- the check (seg_check), of the cached or the just-read descriptor ----
  logic [31:0] chk_base, chk_word1, chk_limit, chk_paddr;
  logic [7:0]  chk_flags;
  logic [32:0] span, lowest, highest, acc_end;
  logic        need;
  trap_e       chk_cause;
  always_comb begin
    chk_base  = state_q == G_DONE ? word0_q : hit_base;
    chk_word1 = state_q == G_DONE ? word1_q : hit_word1;
    chk_flags = chk_word1[7:0];
    chk_limit = {8'b0, chk_word1[31:8]};
    span      = 33'd1 << cfg_offset_bits_i;
    lowest    = 33'b0;
    highest   = {1'b0, chk_limit};
`ifdef MUT_SEG_NO_DOWN
    if (1'b0) begin                // planted bug: a grow-down segment checked from the bottom
`else
    if (chk_flags[SEG_DOWN]) begin
`endif
      lowest  = {1'b0, chk_limit} < span ? span - {1'b0, chk_limit} : 33'b0;
      highest = span;
    end
    acc_end   = {1'b0, offset} + {30'b0, size_i};
    chk_paddr = chk_base + (offset - lowest[31:0]);
    unique case (acc_i)
      ACC_FETCH: need = chk_flags[SEG_X];
      ACC_LOAD:  need = chk_flags[SEG_R];
      default:   need = chk_flags[SEG_W];
    endcase
    chk_cause = TRAP_NONE;
    if ((!priv_i && !chk_flags[SEG_U]) || !need) chk_cause = TRAP_SEG_PROTECTION;
    else if ({1'b0, offset} < lowest || acc_end > highest) chk_cause = TRAP_SEG_BOUND;
    else if ({1'b0, chk_paddr} + {30'b0, size_i} > {1'b0, cfg_mem_size_i}) chk_cause = TRAP_BUS;
  end
  assign hit_cause_o = chk_cause;
  assign hit_paddr_o = chk_paddr;

  // ---- the walk ----
  logic phase_last, fill;
  assign phase_last = wait_q <= 32'd1;
  assign fill       = state_q == G_DONE && word1_q[SEG_V] && cfg_entries_i != 5'd0;

  always_comb begin
    state_d = state_q;
    wait_d  = phase_last ? 32'd0 : wait_q - 32'd1;
    word0_d = word0_q;
    word1_d = word1_q;
    tick_o  = 1'b0;
    unique case (state_q)
      G_IDLE: begin
        if (start_i) begin
          state_d = G_READ0;
          wait_d  = cfg_mem_cycles_i;
        end
      end
      G_READ0: begin
        tick_o = wait_q != 32'd0;
        if (phase_last) begin
          word0_d = mem_rdata_i;
          state_d = G_READ1;
          wait_d  = cfg_mem_cycles_i;
        end
      end
      G_READ1: begin
        tick_o = wait_q != 32'd0;
        if (phase_last) begin
          word1_d = mem_rdata_i;
          state_d = G_DONE;
        end
      end
      G_DONE: state_d = G_IDLE;
      default: state_d = G_IDLE;
    endcase
  end

  assign done_o     = state_q == G_DONE;
  assign cause_o    = word1_q[SEG_V] ? chk_cause : TRAP_SEG_NOT_PRESENT;
  assign paddr_o    = word1_q[SEG_V] ? chk_paddr : 32'b0;
  assign cycles_o   = cfg_mem_cycles_i << 1;
  assign desc_o     = {word1_q, word0_q};
  assign active_o   = state_q == G_READ0 || state_q == G_READ1;
  assign mem_addr_o = state_q == G_READ1 ? desc_addr_o + 32'd4 : desc_addr_o;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q <= G_IDLE;
      wait_q  <= 32'b0;
      word0_q <= 32'b0;
      word1_q <= 32'b0;
      valid_q <= '0;
      next_q  <= 5'b0;
      for (int unsigned i = 0; i < ENTRIES_MAX; i++) begin
        segno_q[i] <= 8'b0;
        base_q[i]  <= 32'b0;
        word1_c[i] <= 32'b0;
      end
    end else begin
      state_q <= state_d;
      wait_q  <= wait_d;
      word0_q <= word0_d;
      word1_q <= word1_d;
      if (flush_i) begin
        valid_q <= '0;
        next_q  <= 5'b0;
      end else if (fill) begin
        valid_q[slot] <= 1'b1;
        segno_q[slot] <= segno_full[7:0];
        base_q[slot]  <= word0_q;
        word1_c[slot] <= word1_q;
        next_q <= next_q + 5'd1 == cfg_entries_i ? 5'b0 : next_q + 5'd1;
      end
    end
  end

endmodule
