; bad_buffer.s -- read() of data.txt into an address the process cannot
; store into (unmapped, far above its image): -EFAULT, and the exit code is -result (14).
        .text
start:  LI      R1, name
        LOAD    R2, #0
        LOAD    R3, #0
        SYSCALL #3
        CMP     R0, #0
        JLT     bad
        MOV     R1, R0
        LI      R2, 0x00F00000
        LOAD    R3, #64
        SYSCALL #5                      ; read(fd, code, 64)
        LOAD    R1, #0
        SUB     R1, R0
        SYSCALL #0
bad:    LOAD    R1, #255
        SYSCALL #0
        .data
name:   .asciz  "data.txt"
