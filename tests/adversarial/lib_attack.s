; lib_attack.s -- tries to change the code of a library another, unrelated
; process runs (lib_user.s).  It loads hello_lib, finds hello, waits until
; lib_user.s has called it, loads from it (the code page is then one frame
; for both), read()s 4
; bytes over it (the result goes to 0x1800, see --dump), then stores over
; it.  Under paging library code is one shared r-x frame: the read is
; -EFAULT and the store stops the process (page_write); under segmentation
; it is one r-x block both processes' tables point at: the same, with a
; segment_protection fault.  (The contiguous modes copy a library into each
; partition, nothing is shared.)
        .text
start:  LOAD    R1, #lib_name
        SYSCALL #11                     ; dlopen("hello_lib")
        MOV     R1, R0
        LOAD    R2, #hello_name
        SYSCALL #13                     ; hello = dlsym(h, "hello")
        MOV     R11, R0
        LI      R3, 6000
delay:  SUB     R3, #1
        JNZ     delay
        LOAD    R1, [R11]               ; map hello's page: lib_user.s's frame
        LOAD    R1, #path
        LOAD    R2, #0
        LOAD    R3, #0
        SYSCALL #3                      ; open("okfile")
        MOV     R1, R0
        MOV     R2, R11
        LOAD    R3, #4
        SYSCALL #5                      ; read(fd, hello, 4)
        STORE   R0, /0x1800
        LOAD    R1, #0                  ; a HALT over hello's first instruction
        STORE   R1, [R11]
        LOAD    R1, #0
        SYSCALL #0
        .data
        .org    0x1000
lib_name: .asciz "hello_lib"
hello_name: .asciz "hello"
path:   .asciz  "okfile"
        .org    0x1800
        .word   0
