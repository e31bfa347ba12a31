; after_release.s -- request 4096 bytes, store into them, release them, then
; store there again: the second store must fault (the memory is gone).
        .text
start:  LI      R1, 4096
        SYSCALL #26                     ; request_memory(4096)
        CMP     R0, #-4095
        JAE     bad
        MOV     R10, R0
        LOAD    R2, #7
        STORE   R2, [R10]
        LI      R1, 4096
        SYSCALL #27                     ; release_memory(4096)
        CMP     R0, #0
        JNZ     bad
        STORE   R2, [R10]               ; faults
        LOAD    R1, #0
        SYSCALL #0
bad:    LOAD    R1, #2
        SYSCALL #0
