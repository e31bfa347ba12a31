; shm_guess.s -- an unrelated process guessing the ids of private segments:
; shmat(1..16, 0).  Any that succeeds gets 99 stored into it.  Exits with
; -(the result of shmat(1)): 13 (EACCES) when the segment is refused.
        .text
start:  LI      R3, 3000                ; let shm_owner.s make its segment
delay:  SUB     R3, #1
        JNZ     delay
        LOAD    R10, #1
        LOAD    R12, #0
try:    MOV     R1, R10
        LOAD    R2, #0
        SYSCALL #18
        CMP     R10, #1
        JNZ     first_kept
        MOV     R12, R0
first_kept: CMP R0, #-4095
        JAE     refused
        LOAD    R1, #99
        STORE   R1, [R0]
refused: ADD    R10, #1
        CMP     R10, #17
        JNZ     try
        LOAD    R1, #0
        SUB     R1, R12
        SYSCALL #0
