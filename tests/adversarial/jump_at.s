; jump_at.s -- jumps to @ADDR@ (the OS, beyond the limit, a data page).
        .text
start:  LI      R2, @ADDR@
        JMP     R2
        LOAD    R1, #7
        SYSCALL #0
        .data
data:   .word   0x00000000              ; HALT-free zeros: a jump here must not run them
