; read_count.s -- count the blanks of a file with read() into a 4 KiB buffer.
;
; What it shows: the other side of slide 63, beside mmap_count.s.  The user
; work is the same instruction for instruction (the loop below is
; mmap_count.s's: LOADB, INC, CMP, JNZ per byte), so the difference in
; cycles is what each way of reaching the file costs: here a read() per 4 KiB
; (the disk transfer, then the kernel copies the bytes into buf word by word,
; docs/timing.md), there a page fault per page and no copy.
; docs/services.md measures both over a range of file sizes.
;
; Its result: run with --mode paged --root DIR where DIR holds data.txt, it
; prints n= and the number of blanks (bytes 32) and exits 0.  Run where there
; is no data.txt (as the test suites do) it says so and exits 1.
;
; expect: exit 1
; expect: output "read_count: cannot open data.txt\n"

        .equ    SYS_EXIT, 0
        .equ    SYS_WRITE, 1
        .equ    SYS_OPEN, 3
        .equ    SYS_CLOSE, 4
        .equ    SYS_READ, 5
        .equ    BUF_SIZE, 4096

        .text
start:  LOAD    R1, #path               ; fd = open("data.txt", O_RDONLY)
        LOAD    R2, #0
        LOAD    R3, #0
        SYSCALL #SYS_OPEN
        CMP     R0, #0
        JLT     no_file
        MOV     R10, R0
        LOAD    R3, #0                  ; blanks so far
refill: MOV     R13, R3
        MOV     R1, R10                 ; n = read(fd, buf, 4096)
        LI      R2, buf
        LI      R3, BUF_SIZE
        SYSCALL #SYS_READ
        MOV     R3, R13
        CMP     R0, #0
        JLT     no_read
        JZ      counted                 ; end of file
        LI      R1, buf                 ; walk [buf, buf + n)
        MOV     R2, R1
        ADD     R2, R0
next:   CMP     R1, R2
        JAE     refill
        LOADB   R4, [R1]
        INC     R1
        CMP     R4, #' '
        JNZ     next
        INC     R3
        JMP     next
counted: MOV    R13, R3
        MOV     R1, R10                 ; close(fd)
        SYSCALL #SYS_CLOSE
        MOV     R3, R13

print:  LOAD    R6, #digits_end         ; R3 in decimal, last digit first
        LOAD    R7, #10
convert: MOV    R8, R3
        REMU    R8, R7
        ADD     R8, #'0'
        DEC     R6
        STOREB  R8, [R6]
        DIVU    R3, R7
        JNZ     convert
        DEC     R6                      ; "n=" in front of the digits
        LOAD    R8, #'='
        STOREB  R8, [R6]
        DEC     R6
        LOAD    R8, #'n'
        STOREB  R8, [R6]
        LOAD    R1, #1                  ; write(1, "n=...\n")
        MOV     R2, R6
        LOAD    R3, #digits_end
        SUB     R3, R6
        INC     R3
        SYSCALL #SYS_WRITE
        LOAD    R1, #0
        SYSCALL #SYS_EXIT

no_file: LOAD   R1, #2
        LOAD    R2, #no_file_msg
        LOAD    R3, #no_file_end - no_file_msg
        SYSCALL #SYS_WRITE
        LOAD    R1, #1
        SYSCALL #SYS_EXIT
no_read: LOAD   R1, #3
        SYSCALL #SYS_EXIT

        .data
path:   .asciz  "data.txt"
no_file_msg: .ascii "read_count: cannot open data.txt\n"
no_file_end:
        .align  4
st:     .word   0, 0
digits: .space  12
digits_end:
        .byte   '\n'
        .bss
        .align  4096
buf:    .space  BUF_SIZE
