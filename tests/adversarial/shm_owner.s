; shm_owner.s -- a private segment (key 0, IPC_PRIVATE) shared with its own
; child only.  It makes the segment, forks; the child attaches it and stores
; 42; the parent waits, attaches it, waits for shm_guess.s to try its luck,
; and exits with the word (42), or 1 if an attach failed.
        .text
start:  LOAD    R1, #0
        LOAD    R2, #4096
        SYSCALL #17                     ; id = shmget(IPC_PRIVATE, 4096)
        MOV     R10, R0
        SYSCALL #15                     ; fork
        CMP     R0, #0
        JNZ     parent
        MOV     R1, R10                 ; the child: shmat(id, 0), store 42
        LOAD    R2, #0
        SYSCALL #18
        CMP     R0, #-4095
        JAE     bad
        LOAD    R1, #42
        STORE   R1, [R0]
        LOAD    R1, #0
        SYSCALL #0
parent: LI      R1, -1
        LOAD    R2, #0
        SYSCALL #16                     ; wait for the child
        MOV     R1, R10
        LOAD    R2, #0
        SYSCALL #18                     ; shmat(id, 0)
        CMP     R0, #-4095
        JAE     bad
        MOV     R11, R0
        LI      R3, 20000
delay:  SUB     R3, #1
        JNZ     delay
        LOAD    R1, [R11]
        SYSCALL #0
bad:    LOAD    R1, #1
        SYSCALL #0
