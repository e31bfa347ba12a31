// mmulab_mem: physical memory, MEM_WORDS 32-bit little-endian words.
//
// Read combinationally, written at the clock edge with byte enables.  The
// latency of the timing contract (mem_cycles per access) is spent by the
// requester's phase counter (mmulab_core, mmulab_ptw): the data is sampled
// on the last clock of the access.  The harness loads programs and serves
// the OS's phys_read/phys_write through the array directly (a backdoor, as
// every testbench's $readmemh is), so mem_q is public.
module mmulab_mem #(
  parameter int unsigned MEM_WORDS = 1 << 20
) (
  input  logic        clk_i,
  input  logic [31:0] addr_i,
  input  logic        we_i,
  input  logic [3:0]  be_i,
  input  logic [31:0] wdata_i,
  output logic [31:0] rdata_o
);
  localparam int unsigned AW = $clog2(MEM_WORDS);

  logic [31:0] mem_q [MEM_WORDS] /* verilator public_flat_rw */;
  logic [AW-1:0] index;

  assign index   = addr_i[AW+1:2];
  assign rdata_o = mem_q[index];

  // unused address bits: the MMU never lets an access beyond mem_size through
  logic unused_addr;
  assign unused_addr = ^{addr_i[31:AW+2], addr_i[1:0]};

  always_ff @(posedge clk_i) begin
    for (int b = 0; b < 4; b++) begin
      if (we_i && be_i[b]) mem_q[index][8*b +: 8] <= wdata_i[8*b +: 8];
    end
  end
endmodule
