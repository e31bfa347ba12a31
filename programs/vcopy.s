; vcopy.s -- the seed's vector copy (slide 5, "Independent logical spaces").
;
; What it shows: a program laid out at fixed logical addresses, 0 to N, as
; its compiler generated them: a header at 0, the code at 100, the source
; vector at 1000, its size at 1500 and the destination at 2000.  The loop is
; the seed's: LOAD with an immediate, an absolute and a register-indirect
; operand, STORE indirect, two address steps, DEC and JNZ, one element per
; iteration, at the seed's addresses 100..132 (JNZ /112).  The seed steps the
; addresses with INC, one element; here an element is a 4-byte word on a
; byte-addressed machine, so the step is ADD Rn, #4 (INC is the step for a
; byte vector, as in strcopy.s).
;
; Under software relocation the loader patches the four address fields
; (#src, #dst, /size, /loop), as on the seed's slide 11; under base/limit
; hardware relocation the same bytes run unmodified.
;
; Its result: the 10 words at 2000 equal the 10 words at 1000; exit 0.
;
; expect: same 2000 1000 @1500
; expect: exit 0

        .text
header: .asciz  "VCOPY"                 ; the seed's "Header" at address 0
        .align  4
        .word   start                   ; entry point
        .org    100
start:  LOAD    R1, #src                ; 100  LOAD R1, #1000
        LOAD    R2, #dst                ; 104  LOAD R2, #2000
        LOAD    R3, /size               ; 108  LOAD R3, /1500
loop:   LOAD    R4, [R1]                ; 112
        STORE   R4, [R2]                ; 116
        ADD     R1, #4                  ; 120  next source element
        ADD     R2, #4                  ; 124  next destination element
        DEC     R3                      ; 128
        JNZ     /loop                   ; 132  JNZ /112
        LOAD    R1, #0                  ; exit(0)
        SYSCALL #0

        .data
        .org    1000
src:    .word   3, 1, 4, 1, 5, 9, 2, 6, 5, 3
        .org    1500
size:   .word   10
        .org    2000
dst:    .space  40
