; cow_user.s -- the child's own store into a copy-on-write page.  The parent
; stores 'A' and forks; the child stores 'B' and exits with its byte ('B',
; 66); the parent waits and exits with its own ('A', 65).
        .text
start:  LOAD    R1, #'A'
        STOREB  R1, /value
        SYSCALL #15                     ; fork
        CMP     R0, #0
        JNZ     parent
        LOAD    R1, #'B'
        STOREB  R1, /value
        LOADB   R1, /value
        SYSCALL #0
parent: LI      R1, -1
        LOAD    R2, #0
        SYSCALL #16                     ; wait
        LOADB   R1, /value
        SYSCALL #0
        .data
value:  .word   0
