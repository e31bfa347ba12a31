; programs/link/data.s -- static linking (docs/services.md): a module
; exporting the data word `counter` (5), placed after another word so the
; linker's delta for .data shows.
        .global counter
        .data
        .word   0xDEAD
counter: .word  5
