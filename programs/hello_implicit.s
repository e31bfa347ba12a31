; hello_implicit.s -- call a dynamic library's function, loaded at program start.
;
; What it shows: implicit dynamic linking (the seed's slide 75).  The
; executable names the library and the symbol it needs in its import table
; (__imports: a library's name, then pairs of a symbol's name and a slot,
; each list ended by 0).  Before the first instruction the OS loads
; hello_lib (lib/hello_lib.so, which make builds from lib/hello_lib.s) and writes
; hello's address into the slot; the program calls through the slot, so its
; code needs no patching.  `mmulab ld prog.o hello_lib.so` writes the same
; table, with a stub per function, for objects that just `CALL hello`.
;
; Its result: it prints "hello" and a newline and exits 0, in every mode.
;
; expect: output "hello\n"
; expect: exit 0

        .equ    SYS_EXIT, 0

        .text
start:  LOAD    R3, /hello_slot         ; the address the loader put there
        CALL    R3                      ; hello()
        LOAD    R1, #0
        SYSCALL #SYS_EXIT

        .data
__imports:
        .word   lib_name                ; library hello_lib:
        .word   hello_name              ;   symbol hello,
hello_slot: .word 0                     ;   its slot
        .word   0                       ;   end of hello_lib's symbols
        .word   0                       ; end of the table
lib_name: .asciz "hello_lib"
hello_name: .asciz "hello"
