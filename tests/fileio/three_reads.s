; three_reads.s -- read 100 bytes of data.txt at offsets 0, 4096, then 0
; again (blocks 0, 1, 0): the buffer cache's replacement decides the last.
        .text
start:  LI      R1, name
        LOAD    R2, #0
        LOAD    R3, #0
        SYSCALL #3                      ; open("data.txt", O_RDONLY)
        CMP     R0, #0
        JLT     bad
        MOV     R8, R0
        LOAD    R2, #0
        CALL    read_at
        LI      R2, 4096
        CALL    read_at
        LOAD    R2, #0
        CALL    read_at
        LOAD    R1, #0
        SYSCALL #0
read_at: MOV    R1, R8                  ; lseek(fd, R2, SEEK_SET); read(fd, buf, 100)
        LOAD    R3, #0
        SYSCALL #8
        MOV     R1, R8
        LI      R2, buf
        LOAD    R3, #100
        SYSCALL #5
        CMP     R0, #100
        JNZ     bad
        RET
bad:    LOAD    R1, #255
        SYSCALL #0
        .data
name:   .asciz  "data.txt"
        .bss
buf:    .space  100
