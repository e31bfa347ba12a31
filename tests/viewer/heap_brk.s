; heap_brk.s -- the viewer's region-table test: grow the heap by two pages
; with brk (system call 12), store into the new heap, exit 0.
;
; expect: exit 0
        .text
start:  LOAD    R1, #0                  ; query the break
        SYSCALL #12
        MOV     R1, R0                  ; and move it two pages up
        LI      R2, 8192
        ADD     R1, R2
        SYSCALL #12
        LI      R2, 12000               ; a word in the new heap
        LI      R3, 4242
        STORE   R3, [R2]
        LOAD    R4, [R2]
        LOAD    R1, #0
        SYSCALL #0
