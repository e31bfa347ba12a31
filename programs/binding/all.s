; all.s -- calls every one of the sixteen functions it imports from ops.so.
;
; What it shows: the case where binding now wins (docs/services.md "Lazy
; binding"): every import is used, so lazy binding pays one SYS_BIND trap
; per import on top of the same lookups.  Built against the library:
;
;   mmulab asm -c programs/binding/all.s -o all.o
;   mmulab ld all.o programs/lib/ops.so -o all.x
;   mmulab run --bind lazy all.x        (or --bind now)
;
; Its result: exit code 0 + 1 + 2 + ... + 16 = 136.

        .text
start:  LOAD    R1, #0
        CALL    op0
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
        SYSCALL #0                      ; exit(R1)
