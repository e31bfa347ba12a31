// mmulab_refs: the per-frame reference stamps and bits of paged mode
// (frame_refs_t in machine/machine.h; the seed's "counter implementation" of
// LRU and the reference bit of second chance).  Every paged translation that
// succeeds stamps its frame with a running count of such translations and
// sets the frame's bit, as paged_reference() in cpu/paged.h does.  The OS
// reads the stamps and reads and clears the bits: the harness hands it these
// arrays directly (public, not reset: the harness clears them).  A simulation
// model of the bookkeeping, not meant for synthesis (make synth leaves it out).
module mmulab_refs #(
  parameter int unsigned FRAMES = 8193
) (
  input  logic        clk_i,
  input  logic        rst_ni,
  input  logic        ref_i,    // a paged translation succeeded this clock
  input  logic [31:0] frame_i   // its frame number
);
  localparam int unsigned FW = $clog2(FRAMES);

  logic [63:0] stamp_q  [FRAMES] /* verilator public_flat_rw */;
  logic [7:0]  refbit_q [FRAMES] /* verilator public_flat_rw */;
  logic [63:0] clock_q;
  logic        in_range;
  logic [FW-1:0] index;

  assign in_range = frame_i < FRAMES;
  assign index    = frame_i[FW-1:0];

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) clock_q <= 64'b0;
    else if (ref_i) clock_q <= clock_q + 64'd1;
  end

  always_ff @(posedge clk_i) begin
    if (ref_i && in_range) begin
      stamp_q[index]  <= clock_q + 64'd1;
      refbit_q[index] <= 8'd1;
    end
  end

  logic unused_frame;
  assign unused_frame = ^frame_i[31:FW];
endmodule
