; fork_cow.s -- fork with copy-on-write, wait and exit.
;
; What it shows: the seed's "more efficient process creation": fork copies
; no page.  The child maps the parent's frames, write-protected in both;
; the child's first store to `value` faults and gets its own copy of that
; page (copy-on-write), so the parent still sees its own value.  The parent
; waits for the child and takes its exit code.
;
; Its result (paged): the child prints "c 7", the parent "p 5", and the
; parent exits with the child's code, 3.  Under base/limit fork copies the
; whole partition instead, under seg the private segments (the code segment
; is shared), with the same result; under software relocation and on the
; bare machine fork is refused and the program exits 2.
;
; expect[paged,hwreloc,seg]: output "p 5\n"
; expect[paged,hwreloc,seg]: exit 3
; expect[bare,swreloc]: exit 2

        .equ    SYS_EXIT, 0
        .equ    SYS_WRITE, 1
        .equ    SYS_FORK, 15
        .equ    SYS_WAIT, 16

        .text
start:  LOAD    R1, #'5'                ; the parent's value, before fork
        STOREB  R1, /value
        SYSCALL #SYS_FORK
        CMP     R0, #0
        JLT     no_fork
        JZ      child
        LI      R1, 0xFFFFFFFF          ; wait(-1, &status): any child
        LOAD    R2, #status
        SYSCALL #SYS_WAIT
        LOAD    R1, #'p'                ; print "p <value>"
        STOREB  R1, /line
        LOAD    R1, #1
        LOAD    R2, #line
        LOAD    R3, #4
        SYSCALL #SYS_WRITE
        LOAD    R1, /status             ; exit(the child's exit code)
        SYSCALL #SYS_EXIT

child:  LOAD    R1, #'7'                ; a store to a shared page: copy-on-write
        STOREB  R1, /value
        LOAD    R1, #'c'
        STOREB  R1, /line
        LOAD    R1, #1                  ; print "c <value>"
        LOAD    R2, #line
        LOAD    R3, #4
        SYSCALL #SYS_WRITE
        LOAD    R1, #3
        SYSCALL #SYS_EXIT

no_fork: LOAD   R1, #2
        SYSCALL #SYS_EXIT

        .data
line:   .ascii  "? "
value:  .byte   '0'
        .ascii  "\n"
        .align  4
status: .word   0
