; over_release.s -- request 64 bytes, then release 65536: -EINVAL; exit code -result.
        .text
start:  LOAD    R1, #64
        SYSCALL #26                     ; request_memory(64)
        CMP     R0, #-4095
        JAE     bad
        LI      R1, 65536
        SYSCALL #27                     ; release_memory(65536)
        LOAD    R1, #0
        SUB     R1, R0
        SYSCALL #0
bad:    LOAD    R1, #2
        SYSCALL #0
