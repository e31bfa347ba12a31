; programs/link/triple.s -- static linking (docs/services.md): a module
; exporting `triple` (R0 = 3 * R1), which also keeps its result in its own
; .bss word through a 32-bit address (HI20/LO12 relocations).
        .global triple
        .text
triple: MOV     R0, R1                  ; R0 = 3 * R1
        ADD     R0, R1
        ADD     R0, R1
        LI      R2, scratch             ; a 32-bit address (HI20/LO12)
        STORE   R0, [R2]
        RET
        .bss
scratch: .space 4
