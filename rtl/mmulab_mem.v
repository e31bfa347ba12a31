// mmulab_mem: physical memory, MEM_WORDS 32-bit little-endian words.
//
// Plain Verilog-2005, as memory models usually are.  Read combinationally,
// written at the clock edge with byte enables.  The latency of the timing
// contract (mem_cycles per access) is spent by the requester's phase counter
// (mmulab_core, mmulab_ptw): the data is sampled on the last clock of the
// access.  The harness loads programs and serves the OS's phys_read and
// phys_write through the array directly (a backdoor, as every testbench's
// $readmemh is), so mem_q is public.
module mmulab_mem #(
  parameter integer MEM_WORDS = 1 << 20
) (
  input  wire        clk_i,
  input  wire [31:0] addr_i,
  input  wire        we_i,
  input  wire [3:0]  be_i,
  input  wire [31:0] wdata_i,
  output wire [31:0] rdata_o
);
  localparam integer AW = $clog2(MEM_WORDS);

  reg  [31:0]   mem_q [0:MEM_WORDS-1] /* verilator public_flat_rw */;
  wire [AW-1:0] index;

  assign index   = addr_i[AW+1:2];
  assign rdata_o = mem_q[index];

  // unused address bits: the MMU never lets an access beyond mem_size through
  wire unused_addr;
  assign unused_addr = ^{addr_i[31:AW+2], addr_i[1:0]};

  always @(posedge clk_i) begin
    if (we_i && be_i[0]) mem_q[index][7:0]   <= wdata_i[7:0];
    if (we_i && be_i[1]) mem_q[index][15:8]  <= wdata_i[15:8];
    if (we_i && be_i[2]) mem_q[index][23:16] <= wdata_i[23:16];
    if (we_i && be_i[3]) mem_q[index][31:24] <= wdata_i[31:24];
  end
endmodule
