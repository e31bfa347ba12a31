; hello_lib.s -- a dynamic library with one function, hello.
;
; What it shows: the library side of the seed's hello example (slide 75).
; `hello` is exported (.global); the rest is private.  Programs reach it
; through an indirection table in their own data -- hello_implicit.s names
; it in its import table, hello_dlopen.s asks for it with dlopen and dlsym --
; so the library's code is never patched for one caller.  Build it as a
; library with `mmulab asm -c hello_lib.s && mmulab ld -shared hello_lib.o -o
; hello_lib.so` (make does so); the OS loads only the built library.
;
; Its result: run as a program (as a shared libc can be), it says what it is
; and exits 0; called, hello prints "hello" and a newline.
;
; expect: output "hello_lib: a dynamic library exporting hello\n"
; expect: exit 0

        .equ    SYS_EXIT, 0
        .equ    SYS_WRITE, 1
        .global hello

        .text
start:  LOAD    R1, #1                  ; run as a program: say what it is
        LOAD    R2, #about
        LOAD    R3, #about_end - about
        SYSCALL #SYS_WRITE
        LOAD    R1, #0
        SYSCALL #SYS_EXIT

hello:  LOAD    R1, #1                  ; hello(): write(1, "hello\n", 6)
        LOAD    R2, #greeting
        LOAD    R3, #greeting_end - greeting
        SYSCALL #SYS_WRITE
        RET

        .data
greeting: .ascii "hello\n"
greeting_end:
about:  .ascii  "hello_lib: a dynamic library exporting hello\n"
about_end:
