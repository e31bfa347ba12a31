; small_reads.s -- read data.txt 100 bytes at a time to its end; exit code:
; the number of read() calls that returned bytes.  tests/fileio.sh counts
; its buffer-cache hits and misses.
        .text
start:  LI      R1, name
        LOAD    R2, #0
        LOAD    R3, #0
        SYSCALL #3                      ; open("data.txt", O_RDONLY)
        CMP     R0, #0
        JLT     bad
        MOV     R8, R0
        LOAD    R10, #0
again:  MOV     R1, R8
        LI      R2, buf
        LOAD    R3, #100
        SYSCALL #5                      ; read(fd, buf, 100)
        CMP     R0, #0
        JLT     bad
        JZ      done
        ADD     R10, #1
        JMP     again
done:   MOV     R1, R10
        SYSCALL #0
bad:    LOAD    R1, #255
        SYSCALL #0
        .data
name:   .asciz  "data.txt"
        .bss
buf:    .space  100
