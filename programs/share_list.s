; share_list.s -- builds two linked lists in a shared-memory segment: one
; linked by absolute addresses, one by offsets from the segment's start.
;
; What it shows: the sharing problem (slide 17), with walk_list.s.  It maps
; segment key 77 at 0x30000000 and writes the list x -> y -> z twice: at
; offset 0 each node's `next` is the node's absolute address (0x30000008,
; 0x30000010: right only where the segment sits at 0x30000000), at offset
; 64 it is the node's offset in the segment (72, 80: right wherever the
; segment is mapped).  Then it sets the word at offset 128 to say the lists
; are ready.  The segment outlives it (docs/services.md).
;
;   mmulab run --mode paged programs/share_list.s programs/walk_list.s -- apart  # breaks
;   mmulab run --mode paged programs/share_list.s programs/walk_list.s -- same   # works
;
; Its result (paged): exit 0.  The contiguous modes have no shared memory,
; and under seg 0x30000000 is beyond the logical space (segment number and
; offset: 20 bits by default): exit 2.
;
; expect[paged]: exit 0
; expect[bare,swreloc,hwreloc,seg]: exit 2

        .equ    SYS_EXIT, 0
        .equ    SYS_SHMGET, 17
        .equ    SYS_SHMAT, 18
        .equ    KEY, 77

        .text
start:  LOAD    R1, #KEY                ; id = shmget(77, 4096)
        LOAD    R2, #4096
        SYSCALL #SYS_SHMGET
        CMP     R0, #-4095
        JAE     no_shm
        MOV     R1, R0                  ; base = shmat(id, 0x30000000)
        LI      R2, 0x30000000
        SYSCALL #SYS_SHMAT
        CMP     R0, #-4095
        JAE     no_shm
        MOV     R9, R0
        ; nodes of two words, {value, next}; next by absolute address
        LOAD    R1, #'x'
        STORE   R1, [R9+0]
        MOV     R2, R9
        ADD     R2, #8
        STORE   R2, [R9+4]
        LOAD    R1, #'y'
        STORE   R1, [R9+8]
        MOV     R2, R9
        ADD     R2, #16
        STORE   R2, [R9+12]
        LOAD    R1, #'z'
        STORE   R1, [R9+16]
        LOAD    R2, #0
        STORE   R2, [R9+20]
        ; the same list at offset 64, next by offset from the segment's start
        LOAD    R1, #'x'
        STORE   R1, [R9+64]
        LOAD    R2, #72
        STORE   R2, [R9+68]
        LOAD    R1, #'y'
        STORE   R1, [R9+72]
        LOAD    R2, #80
        STORE   R2, [R9+76]
        LOAD    R1, #'z'
        STORE   R1, [R9+80]
        LOAD    R2, #0
        STORE   R2, [R9+84]
        LOAD    R1, #1                  ; ready
        STORE   R1, [R9+128]
        LOAD    R1, #0
        SYSCALL #SYS_EXIT

no_shm: LOAD    R1, #2
        SYSCALL #SYS_EXIT
