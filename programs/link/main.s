; programs/link/main.s -- static linking (docs/services.md): the main module.
; It calls `triple` (programs/link/triple.s) and reads `counter`
; (programs/link/data.s), names it does not define: `mmulab asm -c` leaves
; them as external symbols and `mmulab ld` binds them; it exits with
; triple(3) + counter = 14.
        .global start
        .text
start:  LOAD    R1, #3
        CALL    triple                  ; in triple.s
        STORE   R0, /result             ; result = 9
        LOAD    R1, /counter            ; counter lives in data.s: 5
        ADD     R0, R1
        MOV     R1, R0                  ; exit(14)
        SYSCALL #0
        .data
result: .word   0
