; spy.s -- laid out like victim.s, it waits until the victim has stored 42,
; then reads the same address in its own address space and exits with it:
; 7, its own word, never the victim's 42.
        .text
start:  LI      R3, 5000
wait:   SUB     R3, #1
        JNZ     wait
        LOAD    R1, /val
        SYSCALL #0
        .data
val:    .word   7
