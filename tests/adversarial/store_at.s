; store_at.s -- one store to the address @ADDR@ (the suite substitutes
; each address it tries: past the limit, wrapping around 2^32, the OS's
; memory, the page tables' physical address, the guard page), then exit 7.
        .text
start:  LI      R1, 0xBAD
        LI      R2, @ADDR@
        STORE   R1, [R2]
        LOAD    R1, #7
        SYSCALL #0
