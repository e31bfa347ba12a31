; memuse.s -- ask the OS for memory, use it, give it back (the seed's slide 30).
;
; What it shows: request_memory(16384) returns the address of 16 KiB more
; memory (contiguous modes: the partition grew in place, above the stack;
; paged and seg: the heap did).  The program writes the words 0..4095 into it, adds
; them up (8386560), then release_memory(16384) gives the block back: from
; then on the process uses only its image and stack again, and that is all a
; roll-out moves to the backing store (docs/services.md).  It then waits
; 1000000 cycles for its device (SYS_IOWAIT), the time a neighbour needs to
; grow into the memory it gave back (programs/memgrow.s).
;
; Its result: exit 0 when the sum is right, 2 if request_memory failed, 3 if
; the sum is wrong, 4 if release_memory failed.  The bare machine has no
; memory to grow into (-ENOSYS): exit 2.
;
; expect[hwreloc,swreloc,paged,seg]: exit 0
; expect[bare]: exit 2

        .equ    SYS_EXIT, 0
        .equ    SYS_IOWAIT, 21
        .equ    SYS_REQUEST_MEMORY, 26
        .equ    SYS_RELEASE_MEMORY, 27
        .equ    BLOCK, 16384

        .text
start:  LI      R1, BLOCK               ; base = request_memory(16384)
        SYSCALL #SYS_REQUEST_MEMORY
        CMP     R0, #-4095              ; -4095..-1 are error codes
        JAE     no_memory
        MOV     R10, R0
        MOV     R1, R10                 ; word i of the block = i
        LOAD    R2, #0
        LI      R3, BLOCK / 4
fill:   STORE   R2, [R1]
        ADD     R1, #4
        INC     R2
        CMP     R2, R3
        JNZ     fill
        MOV     R1, R10                 ; sum them back
        LOAD    R4, #0
        LOAD    R2, #0
add:    LOAD    R5, [R1]
        ADD     R4, R5
        ADD     R1, #4
        INC     R2
        CMP     R2, R3
        JNZ     add
        LI      R5, 8386560             ; 0 + 1 + ... + 4095
        CMP     R4, R5
        JNZ     wrong_sum
        LI      R1, BLOCK               ; release_memory(16384): only image and stack in use now
        SYSCALL #SYS_RELEASE_MEMORY
        CMP     R0, #0
        JNZ     no_release
        LI      R1, 1000000             ; wait for the device: a neighbour may grow meanwhile
        SYSCALL #SYS_IOWAIT
        LOAD    R1, #0
        SYSCALL #SYS_EXIT
no_memory: LOAD R1, #2
        SYSCALL #SYS_EXIT
wrong_sum: LOAD R1, #3
        SYSCALL #SYS_EXIT
no_release: LOAD R1, #4
        SYSCALL #SYS_EXIT
