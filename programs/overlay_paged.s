; overlay_paged.s -- programs/overlay.s linked in one piece, for demand
; paging: the same three phases of about 2 KB, called where they are.
;
; What it shows: what overlays did by hand, demand paging does by itself.
; No phase is loaded until it runs; its first instruction faults and the
; pager reads the page in (docs/multiprogramming.md compares the cycles).
; There is no overlay area and no SYSCALL #20.
;
; Its result: 1+4+9+...+256 = 1496, printed "sum of squares=1496"; exit 0.
;
; expect: output "sum of squares=1496\n"
; expect: exit 0

        .text
start:  CALL    phase1
        CALL    phase2
        CALL    phase3
        LOAD    R1, #0
        SYSCALL #0

; phase 1: squares[i] = (i+1)^2 for i = 0..15
phase1: LOAD    R1, #squares
        LOAD    R2, #1
sq:     MOV     R3, R2
        MUL     R3, R2
        STORE   R3, [R1]
        ADD     R1, #4
        INC     R2
        CMP     R2, #17
        JNZ     sq
        RET
        .space  1900                    ; the rest of a big phase
phase1_end:

; phase 2: sum = squares[0] + ... + squares[15]
phase2: LOAD    R1, #squares
        LOAD    R2, #16
        LOAD    R3, #0
add:    LOAD    R4, [R1]
        ADD     R3, R4
        ADD     R1, #4
        DEC     R2
        JNZ     add
        STORE   R3, /sum
        RET
        .space  1900
phase2_end:

; phase 3: print "sum of squares=" and sum in decimal
phase3: LOAD    R1, #1
        LOAD    R2, #label
        LOAD    R3, #15
        SYSCALL #1
        LOAD    R3, /sum
        LOAD    R6, #digits_end
        LOAD    R7, #10
conv:   MOV     R8, R3
        REMU    R8, R7
        ADD     R8, #'0'
        DEC     R6
        STOREB  R8, [R6]
        DIVU    R3, R7
        JNZ     conv
        LOAD    R1, #1
        MOV     R2, R6
        LOAD    R3, #digits_end
        SUB     R3, R6
        INC     R3
        SYSCALL #1
        RET
label:  .ascii  "sum of squares="
        .align  4
        .space  1800
phase3_end:

        .data
squares: .space 64
sum:    .word   0
digits: .space  11
digits_end:
        .byte   '\n'
        .align  4
