; paths.s -- paths that try to leave --root.  Results at 0x1800 (--dump):
;  0 open("../outside")                    -EACCES
;  1 open("/etc/passwd")                   -EACCES
;  2 open("link_out")  (a link to ../outside)      -ELOOP
;  3 open("dir_link/outside") (a link to ..)       -ELOOP
;  4 open("fifo")                          -EACCES, without blocking
;  5 open("../created", O_WRONLY|O_CREAT)  -EACCES, nothing created
;  6 open("sub/../../outside")             -EACCES
;  7 open("link_out", O_WRONLY|O_TRUNC)    -ELOOP, the target not truncated
;  8 dlopen("../outside")                  -EINVAL
;  9 dlopen("/etc/passwd")                 -EINVAL
; 10 open("")                              -ENOENT
; 11 open(a 300-character name)            -ENAMETOOLONG
; 12 open("okfile")                        3 (inside is fine)
        .text
start:  LI      R9, results
        LI      R8, names               ; walk the table of (name, flags) pairs
        LOAD    R7, #0
next:   LOAD    R1, [R8]
        CMP     R1, #0
        JZ      libs
        LOAD    R2, [R8+4]
        LOAD    R3, #420
        SYSCALL #3
        STORE   R0, [R9]
        ADD     R9, #4
        ADD     R8, #8
        JMP     next
libs:   LOAD    R1, #p_up
        SYSCALL #11
        STORE   R0, [R9]
        LOAD    R1, #p_abs
        SYSCALL #11
        STORE   R0, [R9+4]
        LOAD    R1, #p_empty
        LOAD    R2, #0
        SYSCALL #3
        STORE   R0, [R9+8]
        LOAD    R1, #p_long
        LOAD    R2, #0
        SYSCALL #3
        STORE   R0, [R9+12]
        LOAD    R1, #p_ok
        LOAD    R2, #0
        SYSCALL #3
        STORE   R0, [R9+16]
        LOAD    R1, #0
        SYSCALL #0
        .data
        .org    0x1000
names:  .word   p_up, 0, p_abs, 0, p_link, 0, p_dirlink, 0, p_fifo, 0, p_create, 0x41
        .word   p_subup, 0, p_link, 0x201, 0
p_up:   .asciz  "../outside"
p_abs:  .asciz  "/etc/passwd"
p_link: .asciz  "link_out"
p_dirlink: .asciz "dir_link/outside"
p_fifo: .asciz  "fifo"
p_create: .asciz "../created"
p_subup: .asciz "sub/../../outside"
p_empty: .asciz ""
p_ok:   .asciz  "okfile"
p_long: .ascii  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
        .ascii  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
        .asciz  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
        .org    0x1800
results: .space 64
