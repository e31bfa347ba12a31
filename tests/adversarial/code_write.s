; code_write.s -- stores over its own next instruction.  Under paging code is
; r-x: stopped (page_write); its data is on a page of its own, since a page
; that code and data share is writable (the union of its regions).  Under base/limit the partition is one block the
; process may change (selfmod.s): it runs the word it wrote, SYSCALL #0 with
; R1 = 9, and exits 9.
        .text
start:  LI      R2, target
        LI      R1, 0
        LOAD    R3, /patch
        STORE   R3, [R2]
        LOAD    R1, #9
target: LOAD    R1, #3                  ; replaced by patch (SYSCALL #0) if allowed
        SYSCALL #0
        .data
        .org    4096
patch:  SYSCALL #0
