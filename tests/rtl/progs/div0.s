; div0.s -- a trap or an end for the RTL's lockstep test (tests/rtl/run.sh).
        .text
start:  LOAD    R5, #7
        LOAD R1, #0
        DIVU R2, R1
