; stack_heap.s -- grows the heap by a page, marks its first word, then
; pushes forever: the stack grows down a page at a time until it would touch
; the heap (a hole page is kept), and the process is stopped there
; (page_not_mapped) with the heap's word intact (--dump 0x2000:1 shows
; 0x5EA95EA9).  Run it with --va-bits 16 so the two meet soon.
        .text
start:  LOAD    R1, #0
        SYSCALL #12                     ; b = brk(0): 0x2000
        MOV     R10, R0
        MOV     R1, R10
        ADD     R1, #4096
        SYSCALL #12                     ; brk(b + 4096)
        LI      R1, 0x5EA95EA9
        STORE   R1, [R10]
        LI      R2, 0x77777777
push:   PUSH    R2
        JMP     push
        .data
        .org    0x1000
        .word   0
