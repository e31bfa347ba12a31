; escape.s -- a program that stores past its own limit.
;
; What it shows: protection.  The stack pointer starts one past the top of
; the program's memory; the program stores a marker word there and in the
; three words above, i.e. just outside its partition.
;  - hwreloc: the MMU's limit check traps the first store; the OS stops the
;    process with a protection fault (cause, PC, logical and physical address).
;  - swreloc: nothing checks; the words land in whatever lies above -- the
;    next process's memory when one is loaded there (`mmulab compare
;    programs/escape.s programs/vcopy.s` says whose), and the program exits 0.
;  - bare: above the program's memory is the OS; the fence traps the store.
;  - seg: the stack is the highest segment, growing down; one past its top
;    is a segment number beyond the table: segment_bound.
;  - paged: the stack's top is the highest page but one; above it is the
;    unmapped guard page, so the first store faults page_not_mapped.
;
; expect[hwreloc]: fault protection
; expect[bare]: fault fence
; expect[swreloc]: exit 0
; expect[paged]: fault page_not_mapped
; expect[seg]: fault segment_bound

        .text
start:  MOV     R1, R15                 ; one past the top of our memory
        LI      R2, 0xBADC0DE
        LOAD    R3, #4                  ; four words
again:  STORE   R2, [R1]
        ADD     R1, #4
        DEC     R3
        JNZ     again
        LOAD    R1, #0
        SYSCALL #0
