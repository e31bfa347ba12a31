; selfmod.s -- a program that writes into its own code.
;
; What it shows: base/limit relocation protects other processes, not a
; process from itself: the store rewrites the instruction at `target`
; (LOAD R1, #1) with the encoding of LOAD R1, #2 before it runs, under every
; contiguous scheme.  (Under paging, code pages are read-only and execute-
; only, so the same store is a write to a read-only page.)
;
; Its result: it exits with code 2 -- the code it wrote, not the code it was
; assembled with.
;
; expect[bare,swreloc,hwreloc]: exit 2
; expect[paged]: fault page_write
; expect[seg]: fault segment_protection

        .text
start:  LOAD    R2, /patch              ; the encoding of LOAD R1, #2
        STORE   R2, /target             ; written over the next instruction
target: LOAD    R1, #1                  ; becomes LOAD R1, #2
        SYSCALL #0                      ; exit(R1)
patch:  LOAD    R1, #2                  ; never executed: its bytes are data
