; few.s -- imports sixteen functions from ops.so and calls one of them.
;
; What it shows: the case where lazy binding wins (docs/services.md "Lazy
; binding"): a program linked against many routines takes a path that calls
; few of them.  Bound now, the loader looks up all sixteen at start; bound
; lazily, only op0, at its first call.  Built against the library:
;
;   mmulab asm -c programs/binding/few.s -o few.o
;   mmulab ld few.o programs/lib/ops.so -o few.x
;   mmulab run --bind lazy few.x        (or --bind now)
;
; Its result: op0 called three times, exit code 3.

        .text
start:  LOAD    R1, #0
        CALL    op0                     ; bound here, lazily
        CALL    op0                     ; through the bound slot
        CALL    op0
        CMP     R1, #100
        JB      done                    ; the path not taken ...
rare:
        CALL    op1
        CALL    op2
        CALL    op3
        CALL    op4
        CALL    op5
        CALL    op6
        CALL    op7
        CALL    op8
        CALL    op9
        CALL    op10
        CALL    op11
        CALL    op12
        CALL    op13
        CALL    op14
        CALL    op15
done:   SYSCALL #0                      ; exit(R1)
