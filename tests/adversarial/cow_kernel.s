; cow_kernel.s -- the OS writing for a child into pages it shares
; copy-on-write with its parent.  The parent stores 'A' and forks; the child
; read()s "h" into the same byte and fstat()s into the same page, then exits
; with the byte ('h', 104).  The parent's wait() writes the status into that
; page too; the parent exits with its byte, 'A' (65), or 1 if the status was
; not the child's 104.  Needs okfile ("h...") in --root.
        .text
start:  LOAD    R1, #'A'
        STOREB  R1, /value
        SYSCALL #15                     ; fork
        CMP     R0, #0
        JNZ     parent
        LI      R1, name
        LOAD    R2, #0
        LOAD    R3, #0
        SYSCALL #3                      ; open("okfile")
        MOV     R10, R0
        MOV     R1, R10
        LI      R2, value
        LOAD    R3, #1
        SYSCALL #5                      ; read 1 byte into the COW page
        MOV     R1, R10
        LI      R2, st
        SYSCALL #6                      ; fstat into the same page
        LOADB   R1, /value
        SYSCALL #0
parent: LI      R1, -1
        LI      R2, status
        SYSCALL #16                     ; wait(-1, &status): into the page too
        LOAD    R2, /status
        CMP     R2, #104
        JNZ     bad
        LOADB   R1, /value
        SYSCALL #0                      ; exit with what the parent sees
bad:    LOAD    R1, #1
        SYSCALL #0
        .data
name:   .asciz  "okfile"
        .align  4
value:  .word   0
status: .word   0
st:     .word   0, 0
