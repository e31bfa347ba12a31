; ops.s -- a dynamic library exporting sixteen small functions, op0..op15.
;
; What it shows: a library with many exports, for lazy binding (slides 34,
; 73; docs/services.md "Lazy binding"): opK(x) returns x + K + 1 in R1.
; programs/binding/few.s imports all sixteen and calls one; all.s calls
; every one.  make builds ops.so from it.
;
; Its result: run as a program it exits 0.
;
; expect: exit 0

        .global op0
        .global op1
        .global op2
        .global op3
        .global op4
        .global op5
        .global op6
        .global op7
        .global op8
        .global op9
        .global op10
        .global op11
        .global op12
        .global op13
        .global op14
        .global op15

        .text
start:  LOAD    R1, #0
        SYSCALL #0
op0:    ADD     R1, #1
        RET
op1:    ADD     R1, #2
        RET
op2:    ADD     R1, #3
        RET
op3:    ADD     R1, #4
        RET
op4:    ADD     R1, #5
        RET
op5:    ADD     R1, #6
        RET
op6:    ADD     R1, #7
        RET
op7:    ADD     R1, #8
        RET
op8:    ADD     R1, #9
        RET
op9:    ADD     R1, #10
        RET
op10:    ADD     R1, #11
        RET
op11:    ADD     R1, #12
        RET
op12:    ADD     R1, #13
        RET
op13:    ADD     R1, #14
        RET
op14:    ADD     R1, #15
        RET
op15:    ADD     R1, #16
        RET
