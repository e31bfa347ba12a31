; memgrow.s -- a process that grows late (memuse.s's neighbour, slides 28-30).
;
; What it shows: it waits 400000 cycles for its device, then asks for
; 32 KiB with request_memory and writes the first and the last word of it.
; Loaded below another process in a contiguous mode, it can grow only into
; the memory above it: with --swap the OS rolls the neighbour out, and a
; neighbour that released what it no longer used (memuse.s) costs less to
; move (docs/services.md: `--swap-threshold` decides when swapping starts).
;
; Its result: exit 0, or 2 if request_memory failed (no room and no swapping,
; or the bare machine), 3 if the memory did not hold what was written.
; Under seg the block is the heap segment's growth (docs/segmentation.md).
;
; expect[hwreloc,swreloc,paged,seg]: exit 0
; expect[bare]: exit 2

        .equ    SYS_EXIT, 0
        .equ    SYS_IOWAIT, 21
        .equ    SYS_REQUEST_MEMORY, 26
        .equ    BLOCK, 32768

        .text
start:  LI      R1, 400000              ; let the neighbour use and release its block first
        SYSCALL #SYS_IOWAIT
        LI      R1, BLOCK               ; base = request_memory(32768)
        SYSCALL #SYS_REQUEST_MEMORY
        CMP     R0, #-4095
        JAE     no_memory
        LI      R2, 0x5EED
        STORE   R2, [R0]                ; the first word
        MOV     R1, R0
        LI      R3, BLOCK - 4
        ADD     R1, R3
        STORE   R2, [R1]                ; the last word
        LOAD    R4, [R0]
        LOAD    R5, [R1]
        CMP     R4, R5
        JNZ     wrong
        CMP     R4, R2
        JNZ     wrong
        LOAD    R1, #0
        SYSCALL #SYS_EXIT
no_memory: LOAD R1, #2
        SYSCALL #SYS_EXIT
wrong:  LOAD    R1, #3
        SYSCALL #SYS_EXIT
