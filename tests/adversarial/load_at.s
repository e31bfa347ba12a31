; load_at.s -- one load from @ADDR@, then exit with what it read.
        .text
start:  LI      R2, @ADDR@
        LOAD    R1, [R2]
        SYSCALL #0
