; lib_user.s -- runs hello_lib's hello, waits while lib_attack.s has its
; go, and runs it again: it must print "hello" twice and exit 0.
        .text
start:  LOAD    R1, #lib_name
        SYSCALL #11                     ; dlopen("hello_lib")
        MOV     R1, R0
        LOAD    R2, #hello_name
        SYSCALL #13
        MOV     R11, R0
        CALL    R11                     ; hello()
        LI      R3, 20000
delay:  SUB     R3, #1
        JNZ     delay
        CALL    R11                     ; hello()
        LOAD    R1, #0
        SYSCALL #0
        .data
lib_name: .asciz "hello_lib"
hello_name: .asciz "hello"
