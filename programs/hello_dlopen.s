; hello_dlopen.s -- load a dynamic library explicitly and call its function.
;
; What it shows: explicit dynamic linking (the seed's slide 75): dlopen
; loads hello_lib at run time (RTLD_LAZY: whatever the library imports
; is bound at its first call) and returns a handle, dlsym finds hello's
; address in it, the program calls that address, and dlclose lets the
; library go.  (LoadLibrary, GetProcAddress and FreeLibrary are the Win32
; names of the same three calls; programs/lib/win32.s wraps them.)
;
; Its result: it prints "hello" and a newline and exits 0, in every mode;
; exit 1 if dlopen fails, 2 if dlsym does.
;
; expect: output "hello\n"
; expect: exit 0

        .equ    SYS_EXIT, 0
        .equ    SYS_DLOPEN, 11
        .equ    SYS_DLSYM, 13
        .equ    SYS_DLCLOSE, 14
        .equ    RTLD_LAZY, 1            ; dlopen's modes (RTLD_NOW is 2)

        .text
start:  LOAD    R1, #lib_name           ; handle = dlopen("hello_lib", RTLD_LAZY)
        LOAD    R2, #RTLD_LAZY          ; bind the library's own imports at their first call
        SYSCALL #SYS_DLOPEN
        CMP     R0, #0
        JLE     no_library
        MOV     R10, R0
        MOV     R1, R10                 ; hello = dlsym(handle, "hello")
        LOAD    R2, #hello_name
        SYSCALL #SYS_DLSYM
        CMP     R0, #-4095
        JAE     no_symbol
        CALL    R0                      ; hello()
        MOV     R1, R10                 ; dlclose(handle)
        SYSCALL #SYS_DLCLOSE
        LOAD    R1, #0
        SYSCALL #SYS_EXIT
no_library: LOAD R1, #1
        SYSCALL #SYS_EXIT
no_symbol: LOAD R1, #2
        SYSCALL #SYS_EXIT

        .data
lib_name: .asciz "hello_lib"
hello_name: .asciz "hello"
