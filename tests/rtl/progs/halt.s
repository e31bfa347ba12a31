; halt.s -- a trap or an end for the RTL's lockstep test (tests/rtl/run.sh).
        .text
start:  LOAD    R5, #7
        HALT
