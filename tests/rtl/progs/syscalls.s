; syscalls.s -- a trap or an end for the RTL's lockstep test (tests/rtl/run.sh).
        .text
start:  LOAD    R5, #7
        LOAD R1, #1
        LOAD R2, #msg
        LOAD R3, #3
        SYSCALL #1
        SYSCALL #99
        LOAD R1, #0
        SYSCALL #0
        msg: .word 0x0a6b6f
