; walk_list.s -- walks the two lists share_list.s left in shared segment 77.
;
; What it shows: the sharing problem (slide 17).  A shared region that holds
; absolute addresses (pointers, or branches in shared code) is right only
; for a process that maps it at the address they were written for.  This
; process maps the segment where its argument says: `-- apart` at
; 0x50000000, `-- same` at 0x30000000 as share_list.s did.  It prints the list
; linked by offsets (right at any address), then follows the list linked by
; absolute addresses: mapped elsewhere, its first `next`, 0x30000008, is
; not mapped here and the process is stopped (page not mapped); mapped at
; the same address, it prints the list again.
;
; args: apart
;
;   mmulab run --mode paged programs/share_list.s programs/walk_list.s -- apart  # offsets: xyz, then stopped
;   mmulab run --mode paged programs/share_list.s programs/walk_list.s -- same   # offsets: xyz, pointers: xyz
;
; Its result: exit 0 after both walks; 3 if no list appears (run alone);
; 2 without shared memory (the contiguous modes) or where 0x30000000 is no
; address (seg: beyond its 20-bit logical space).
;
; expect[paged]: exit 3
; expect[bare,swreloc,hwreloc,seg]: exit 2

        .equ    SYS_EXIT, 0
        .equ    SYS_WRITE, 1
        .equ    SYS_SHMGET, 17
        .equ    SYS_SHMAT, 18
        .equ    SYS_IOWAIT, 21
        .equ    KEY, 77

        .text
start:  LOAD    R8, [SP+8]              ; argv[1] (System V: [SP] argc, then argv[0], argv[1])
        LOADB   R8, [R8]                ; its first letter: 's' for same
        LOAD    R1, #KEY                ; id = shmget(77, 4096)
        LOAD    R2, #4096
        SYSCALL #SYS_SHMGET
        CMP     R0, #-4095
        JAE     no_shm
        MOV     R1, R0
        LI      R2, 0x50000000          ; apart ...
        CMP     R8, #'s'
        JNZ     attach
        LI      R2, 0x30000000          ; ... or the same address as share_list.s
attach: SYSCALL #SYS_SHMAT
        CMP     R0, #-4095
        JAE     no_shm
        MOV     R9, R0
        LOAD    R7, #1000               ; wait for the lists, 1000 x 100 cycles at most
wait:   LOAD    R1, [R9+128]
        CMP     R1, #1
        JZ      ready
        LOAD    R1, #100
        SYSCALL #SYS_IOWAIT
        DEC     R7
        JNZ     wait
        LOAD    R1, #3
        SYSCALL #SYS_EXIT

ready:  LOAD    R2, #l_off              ; "offsets: "
        LOAD    R3, #9
        CALL    say
        MOV     R6, R9
        ADD     R6, #64
by_off: MOV     R2, R6                  ; the node's value
        LOAD    R3, #1
        CALL    say
        LOAD    R5, [R6+4]
        CMP     R5, #0
        JZ      off_end
        MOV     R6, R9                  ; next = base + offset
        ADD     R6, R5
        JMP     by_off
off_end: LOAD   R2, #l_nl
        LOAD    R3, #1
        CALL    say
        LOAD    R2, #l_ptr              ; "pointers: "
        LOAD    R3, #10
        CALL    say
        MOV     R6, R9
by_ptr: LOAD    R4, [R6]                ; the node itself: not mapped here unless at 0x30000000
        MOV     R2, R6
        LOAD    R3, #1
        CALL    say
        LOAD    R5, [R6+4]
        CMP     R5, #0
        JZ      ptr_end
        MOV     R6, R5                  ; next = the absolute address written
        JMP     by_ptr
ptr_end: LOAD   R2, #l_nl
        LOAD    R3, #1
        CALL    say
        LOAD    R1, #0
        SYSCALL #SYS_EXIT

say:    LOAD    R1, #1                  ; write(1, R2, R3)
        SYSCALL #SYS_WRITE
        RET

no_shm: LOAD    R1, #2
        SYSCALL #SYS_EXIT

        .data
l_off:  .ascii  "offsets: "
l_ptr:  .ascii  "pointers: "
l_nl:   .ascii  "\n"
