; alu.s -- every ALU instruction and every condition, for the RTL's lockstep test.
; Values at the edges: 0, 1, -1, 0x7FFFFFFF, 0x80000000; shifts by 0, 1, 31, 32.
; expect: exit 0
        .text
start:  LI      R1, 0x7FFFFFFF
        LI      R2, 0x80000000
        LOAD    R3, #1
        LI      R4, 0xFFFFFFFF
        LOAD    R5, #0
        MOV     R6, R1
        ADD     R6, R3          ; overflow: V, N
        JLT     l1
l1:     JGE     l2
l2:     MOV     R6, R4
        ADD     R6, R3          ; carry, zero
        JB      l3
l3:     JAE     l4
l4:     JZ      l5
l5:     JNZ     l6
l6:     MOV     R6, R2
        SUB     R6, R3          ; overflow the other way
        JLE     l7
l7:     JGT     l8
l8:     MOV     R6, R5
        SUB     R6, R3          ; borrow
        JBE     l9
l9:     JA      l10
l10:    ADD     R6, #-5
        SUB     R6, #-7
        CMP     R1, R2
        CMP     R2, R1
        CMP     R3, #1
        CMP     R4, #-1
        JZ      l11
l11:    MOV     R7, R1
        INC     R7              ; V from INC, C kept
        JLT     l12
l12:    DEC     R7
        MOV     R7, R5
        DEC     R7
        INC     R7
        NEG     R7
        MOV     R7, R2
        NEG     R7
        MOV     R8, R4
        AND     R8, R1
        AND     R8, #0xF0F0F
        OR      R8, R2
        OR      R8, #0x12345
        XOR     R8, R4
        XOR     R8, #0xFFFFF
        NOT     R8
        LOAD    R9, #31
        MOV     R10, R3
        SHL     R10, R9
        SHR     R10, R9
        MOV     R10, R2
        SAR     R10, R9
        LOAD    R9, #32
        MOV     R10, R4
        SHL     R10, R9         ; by 32 & 31 = 0
        SHL     R10, #4
        SHR     R10, #3
        SAR     R10, #1
        LI      R11, 12345
        MUL     R11, R11
        MUL     R11, #-3
        LI      R12, 1000003
        MOV     R13, R11
        DIVU    R13, R12
        MOV     R13, R11
        REMU    R13, R12
        LUI     R14, #0xABCDE
        OR      R14, #0x123
        LEA     R14, [R14-16]
        LOAD    R1, #0
        SYSCALL #0
