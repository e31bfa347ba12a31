; longsum.s -- sum a 16-word array 200 times over, with the pointers in
; registers, and print the total.
;
; What it shows: a process that runs for many time slices and keeps
; addresses in registers (R1 walks the array) -- the case that decides
; whether a process can be moved or swapped back in at another place.
; Under base/limit the registers hold logical addresses, so the OS may put
; it anywhere; under software relocation they hold physical addresses, so it
; must come back to the same place (mmulab run --swap, docs/multiprogramming.md).
;
; Its result: 200 x (1+2+...+16) = 27200, printed as "longsum=27200"; exit 0.
;
; expect: output "longsum=27200\n"
; expect: exit 0

        .text
start:  LOAD    R5, #200                ; passes
        LOAD    R3, #0                  ; total
pass:   LOAD    R1, #array              ; pointer, held across time slices
        LOAD    R2, #array_end
next:   LOAD    R4, [R1+0]
        ADD     R3, R4
        ADD     R1, #4
        CMP     R1, R2
        JB      next
        DEC     R5
        JNZ     pass

        ; convert R3 to decimal, last digit first, into digits[] backwards
        LOAD    R6, #digits_end
        LOAD    R7, #10
convert: MOV    R8, R3
        REMU    R8, R7
        ADD     R8, #'0'
        DEC     R6
        STOREB  R8, [R6]
        DIVU    R3, R7
        JNZ     convert
        LOAD    R1, #1                  ; write(1, "longsum=", 8)
        LOAD    R2, #label
        LOAD    R3, #8
        SYSCALL #1
        LOAD    R1, #1                  ; write(1, digits, digits_end + 1 - R6)
        MOV     R2, R6
        LOAD    R3, #digits_end
        SUB     R3, R6
        INC     R3
        SYSCALL #1
        LOAD    R1, #0
        SYSCALL #0

        .data
label:  .ascii  "longsum="
array:  .word   1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16
array_end:
digits: .space  11
digits_end:
        .byte   '\n'
