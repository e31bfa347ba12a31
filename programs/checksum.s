; checksum.s -- sum an array of words and print the sum in decimal.
;
; What it shows: an indexed loop with base+displacement addressing
; ([R1+0] walks the array), the flags of CMP with an unsigned branch (JB),
; and converting a number to decimal with DIVU and REMU.
;
; Its result: the sum of the 16 words, 1+2+...+16 = 136, is stored at `sum`
; (logical address 3000) and printed as "sum=136"; exit 0.
;
; expect: word 3000 = 136
; expect: output "sum=136\n"
; expect: exit 0

        .text
start:  LOAD    R1, #array              ; pointer
        LOAD    R2, #array_end          ; one past the last word
        LOAD    R3, #0                  ; sum
next:   LOAD    R4, [R1+0]
        ADD     R3, R4
        ADD     R1, #4
        CMP     R1, R2
        JB      next                    ; unsigned: pointer below the end
        STORE   R3, /sum

        ; convert R3 to decimal, last digit first, into digits[] backwards
        LOAD    R6, #digits_end
        LOAD    R7, #10
convert: MOV    R8, R3
        REMU    R8, R7                  ; R8 = R3 % 10
        ADD     R8, #'0'
        DEC     R6
        STOREB  R8, [R6]
        DIVU    R3, R7                  ; R3 = R3 / 10
        JNZ     convert
        LOAD    R1, #1                  ; write(1, "sum=", 4)
        LOAD    R2, #label
        LOAD    R3, #4
        SYSCALL #1
        LOAD    R1, #1                  ; write(1, digits, digits_end + 1 - R6)
        MOV     R2, R6
        LOAD    R3, #digits_end
        SUB     R3, R6
        INC     R3                      ; and the newline after the digits
        SYSCALL #1
        LOAD    R1, #0
        SYSCALL #0

        .data
label:  .ascii  "sum="
array:  .word   1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16
array_end:
digits: .space  11
digits_end:
        .byte   '\n'
        .org    3000
sum:    .word   0
