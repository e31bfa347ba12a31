; thread_wild.s -- a thread started at a wild entry point (paging): the OS
; sets the thread up without touching that address; the thread's first fetch
; is stopped (page_not_mapped at 0xfff00000) and, a fault in any thread
; stopping its process, the whole process with it.  The victim keeps 42.
        .text
start:  LI      R1, 0xfff00000
        LOAD    R2, #0
        SYSCALL #22                     ; thread_create(wild, 0)
        MOV     R1, R0
        SYSCALL #24                     ; thread_join
        LOAD    R1, #0
        SYSCALL #0
