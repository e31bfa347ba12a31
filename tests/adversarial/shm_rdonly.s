; shm_rdonly.s -- writes into a segment it attached read-only.  Its parent
; side makes a segment (key 92) and attaches it read-write, stores 7; then
; it attaches the same segment a second time with SHM_RDONLY (0x1000) and
; read()s 4 bytes of okfile into that mapping (the result goes to 0x1800,
; see --dump: -EFAULT, 14, expected), then stores into it: stopped.  The
; word through the writable mapping is still 7 (at 0x1804).  Exits 1 if a
; call failed, 2 if the store went through.
        .text
start:  LOAD    R1, #92
        LOAD    R2, #4096
        SYSCALL #17                     ; id = shmget(92, 4096)
        CMP     R0, #-4095
        JAE     bad
        MOV     R10, R0
        MOV     R1, R10
        LOAD    R2, #0
        LOAD    R3, #0
        SYSCALL #18                     ; rw = shmat(id, 0, 0)
        CMP     R0, #-4095
        JAE     bad
        MOV     R11, R0
        LOAD    R1, #7
        STORE   R1, [R11]
        MOV     R1, R10
        LOAD    R2, #0
        LI      R3, 0x1000
        SYSCALL #18                     ; ro = shmat(id, 0, SHM_RDONLY)
        CMP     R0, #-4095
        JAE     bad
        MOV     R12, R0
        LOAD    R1, #path
        LOAD    R2, #0
        LOAD    R3, #0
        SYSCALL #3                      ; fd = open("okfile")
        MOV     R1, R0
        MOV     R2, R12
        LOAD    R3, #4
        SYSCALL #5                      ; read(fd, ro, 4): -EFAULT
        STORE   R0, /0x1800
        LOAD    R1, [R11]
        STORE   R1, /0x1804             ; still 7
        LOAD    R1, #66
        STORE   R1, [R12]               ; stopped here
        LOAD    R1, #2
        SYSCALL #0
bad:    LOAD    R1, #1
        SYSCALL #0
        .data
path:   .asciz  "okfile"
        .org    0x1800
        .word   0, 0
