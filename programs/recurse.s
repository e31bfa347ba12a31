; recurse.s -- recursion on the stack: factorial(10) by CALL and RET.
;
; What it shows: the stack the loader sets up above the program image
; (R15, the stack pointer, starts at the top of the partition and grows
; down), CALL pushing the return address, PUSH and POP saving a register
; across the recursive call, RET popping it.  Ten nested frames of two words.
;
; Its result: 10! = 3628800, returned as the exit code's source: it stores the
; result at `result` (logical 800) and exits with 0 when it is right.
;
; expect: word 800 = 3628800
; expect: exit 0

        .text
start:  LOAD    R1, #10
        CALL    fact                    ; R0 = fact(R1)
        STORE   R0, /result
        LI      R2, 3628800
        CMP     R0, R2
        JNZ     wrong
        LOAD    R1, #0
        SYSCALL #0                      ; exit(0)
wrong:  LOAD    R1, #1
        SYSCALL #0                      ; exit(1)

; fact: R0 = R1!, recursively; keeps R1.
fact:   CMP     R1, #1
        JA      recurse
        LOAD    R0, #1
        RET
recurse: PUSH   R1
        DEC     R1
        CALL    fact                    ; R0 = (n-1)!
        POP     R1
        MUL     R0, R1                  ; n * (n-1)!
        RET

        .data
        .org    800
result: .word   0
