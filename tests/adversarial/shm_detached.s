; shm_detached.s -- keeps using a shared-memory segment after shmdt.  It
; makes a segment (key 91), attaches it where the OS chooses, stores 42 in
; it, detaches it, then loads from the address it had: the mapping (paged)
; or the segment-table entry (seg) is gone, so the load is stopped.  Exits
; 1 if a call failed, 2 if the load went through.
        .text
start:  LOAD    R1, #91
        LOAD    R2, #4096
        SYSCALL #17                     ; id = shmget(91, 4096)
        CMP     R0, #-4095
        JAE     bad
        MOV     R1, R0
        LOAD    R2, #0
        LOAD    R3, #0
        SYSCALL #18                     ; at = shmat(id, 0, 0)
        CMP     R0, #-4095
        JAE     bad
        MOV     R11, R0
        LOAD    R1, #42
        STORE   R1, [R11]
        MOV     R1, R11
        SYSCALL #19                     ; shmdt(at)
        CMP     R0, #0
        JNZ     bad
        LOAD    R1, [R11]               ; stopped here
        LOAD    R1, #2
        SYSCALL #0
bad:    LOAD    R1, #1
        SYSCALL #0
