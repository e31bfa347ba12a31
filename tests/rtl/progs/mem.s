; mem.s -- loads and stores of words and bytes at each offset, the stack
; instructions, indirect jumps and calls, for the RTL's lockstep test.
; expect: exit 0
        .text
start:  LI      R1, 0x11223344
        STORE   R1, /buf
        LOADB   R2, /buf
        LOADB   R2, /buf+1
        LOADB   R2, /buf+2
        LOADB   R2, /buf+3
        LOAD    R3, #buf
        STOREB  R1, [R3+5]
        STOREB  R1, [R3+6]
        LOADB   R2, [R3+5]
        LOAD    R2, [R3+4]
        LEA     R4, [R3+8]
        STORE   R1, [R4-4]
        LOAD    R5, [R4-8]
        PUSH    R1
        PUSH    R5
        POP     R6
        POP     R15             ; POP into the stack pointer itself
        LOAD    R15, #stack
        LOAD    R7, #sub
        CALL    R7
        CALL    sub
        LOAD    R7, #done
        JMP     R7
        NOP
done:   LOAD    R1, #0
        SYSCALL #0
sub:    LOAD    R8, [R15]
        RET

        .data
buf:    .word   0, 0, 0, 0
        .space  64
stack:  .word   0
