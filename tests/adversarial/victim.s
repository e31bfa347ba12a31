; victim.s -- the process an attacker must not reach: it stores 42, waits
; while the attacker runs, reads its word back and exits with it.  Any exit
; code but 42 means another process changed its memory.
        .text
start:  LOAD    R1, #42
        STORE   R1, /val
        LI      R3, 20000
wait:   SUB     R3, #1
        JNZ     wait
        LOAD    R1, /val
        SYSCALL #0
        .data
val:    .word   0
