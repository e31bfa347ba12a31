; bench/copy.s -- the seed's vector copy, made long enough to time.
;
; The inner loop is the six instructions of programs/vcopy.s (load, store,
; two address steps, decrement, branch); an outer loop repeats the copy of
; 4096 words 420 times: about 10.3 million guest instructions.
;
; expect: same 40960 8192 @4096
; expect: exit 0

        .equ    WORDS, 4096
        .equ    PASSES, 420

        .text
start:  LOAD    R5, #PASSES
pass:   LOAD    R1, #src
        LOAD    R2, #dst
        LOAD    R3, /size
loop:   LOAD    R4, [R1]
        STORE   R4, [R2]
        ADD     R1, #4
        ADD     R2, #4
        DEC     R3
        JNZ     loop
        DEC     R5
        JNZ     pass
        LOAD    R1, #0
        SYSCALL #0

        .data
        .org    4096
size:   .word   WORDS
        .org    8192
src:    .space  WORDS * 4
        .org    40960
dst:    .space  WORDS * 4
