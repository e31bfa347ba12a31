; read_copy.s -- copy file f1 to f2 with read and write, 4 KiB at a time.
;
; What it shows: the contrast slide 63 draws with mmap_copy.s.  The program
; never touches the bytes: each read() has the OS bring 4 KiB from the disk
; and copy it into buf word by word, each write() has the OS copy buf out
; word by word and send it to the disk (docs/timing.md).  mmap_copy.s pays
; the same disk transfers as page-ins and write-backs, and no kernel copy,
; but moves every byte itself with a LOADB and a STOREB: docs/services.md
; compares the two.
;
; Its result: run with --mode paged --root DIR where DIR holds f1, DIR/f2
; becomes a copy of f1 (cmp agrees) and it exits 0.  Run where there is no
; f1 (as the test suites do) it says so and exits 1 without creating f2.
;
; expect: exit 1
; expect: output "read_copy: cannot open f1\n"

        .equ    SYS_EXIT, 0
        .equ    SYS_WRITE, 1
        .equ    SYS_OPEN, 3
        .equ    SYS_CLOSE, 4
        .equ    SYS_READ, 5
        .equ    O_WRONLY_CREAT_TRUNC, 0x241
        .equ    BUF_SIZE, 4096

        .text
start:  LOAD    R1, #name1              ; fd1 = open("f1", O_RDONLY)
        LOAD    R2, #0
        LOAD    R3, #0
        SYSCALL #SYS_OPEN
        CMP     R0, #0
        JLT     no_f1
        MOV     R10, R0
        LOAD    R1, #name2              ; fd2 = open("f2", O_WRONLY|O_CREAT|O_TRUNC, 0640)
        LOAD    R2, #O_WRONLY_CREAT_TRUNC
        LOAD    R3, #416
        SYSCALL #SYS_OPEN
        CMP     R0, #0
        JLT     failed
        MOV     R11, R0
again:  MOV     R1, R10                 ; n = read(fd1, buf, 4096)
        LI      R2, buf
        LI      R3, BUF_SIZE
        SYSCALL #SYS_READ
        CMP     R0, #0
        JLT     failed
        JZ      done                    ; end of file
        MOV     R3, R0                  ; write(fd2, buf, n)
        MOV     R1, R11
        LI      R2, buf
        SYSCALL #SYS_WRITE
        CMP     R0, #0
        JLT     failed
        JMP     again
done:   MOV     R1, R10
        SYSCALL #SYS_CLOSE
        MOV     R1, R11
        SYSCALL #SYS_CLOSE
        LOAD    R1, #0
        SYSCALL #SYS_EXIT

no_f1:  LOAD    R1, #2
        LOAD    R2, #no_f1_msg
        LOAD    R3, #no_f1_end - no_f1_msg
        SYSCALL #SYS_WRITE
        LOAD    R1, #1
        SYSCALL #SYS_EXIT
failed: LOAD    R1, #2
        SYSCALL #SYS_EXIT

        .data
name1:  .asciz  "f1"
name2:  .asciz  "f2"
no_f1_msg: .ascii "read_copy: cannot open f1\n"
no_f1_end:
        .bss
        .align  4096
buf:    .space  BUF_SIZE
