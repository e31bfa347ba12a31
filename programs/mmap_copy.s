; mmap_copy.s -- copy file f1 to f2 through two memory mappings.
;
; What it shows: the seed's second mmap example (slide 70).  The program
; opens f1 for reading and f2 for reading and writing (created, emptied),
; gives f2 the size of f1 with ftruncate, maps f1 (read, shared) and f2
; (write, shared), copies byte by byte from one mapping to the other, and
; unmaps both.  It never calls read or write: f1's pages come in on demand,
; and f2's changed pages reach the file when munmap takes the mapping away.
;
; Its result: run with --mode paged --root DIR where DIR holds f1, DIR/f2
; becomes a copy of f1 (cmp agrees) and it exits 0.  Run where there is no
; f1 (as the test suites do) it says so and exits 1 without creating f2;
; under the contiguous modes, which have no mappings, it exits 3.
;
; expect: exit 1
; expect: output "mmap_copy: cannot open f1\n"

        .equ    SYS_EXIT, 0
        .equ    SYS_WRITE, 1
        .equ    SYS_OPEN, 3
        .equ    SYS_CLOSE, 4
        .equ    SYS_FSTAT, 6
        .equ    SYS_FTRUNCATE, 7
        .equ    SYS_MMAP, 9
        .equ    SYS_MUNMAP, 10
        .equ    O_RDWR_CREAT_TRUNC, 0x242
        .equ    PROT_READ, 1
        .equ    PROT_WRITE, 2
        .equ    MAP_SHARED, 1

        .text
start:  LOAD    R1, #name1              ; fd1 = open("f1", O_RDONLY)
        LOAD    R2, #0
        LOAD    R3, #0
        SYSCALL #SYS_OPEN
        CMP     R0, #0
        JLT     no_f1
        MOV     R10, R0
        LOAD    R1, #name2              ; fd2 = open("f2", O_CREAT|O_TRUNC|O_RDWR, 0640)
        LOAD    R2, #O_RDWR_CREAT_TRUNC
        LOAD    R3, #416                ; 0640
        SYSCALL #SYS_OPEN
        CMP     R0, #0
        JLT     no_f2
        MOV     R11, R0
        MOV     R1, R10                 ; size = fstat(fd1).size
        LOAD    R2, #st
        SYSCALL #SYS_FSTAT
        LOAD    R12, /st
        MOV     R1, R11                 ; ftruncate(fd2, size)
        MOV     R2, R12
        SYSCALL #SYS_FTRUNCATE
        CMP     R12, #0
        JZ      done                    ; an empty f1: an empty f2
        LOAD    R1, #0                  ; src = mmap(0, size, PROT_READ, MAP_SHARED, fd1, 0)
        MOV     R2, R12
        LOAD    R3, #PROT_READ
        LOAD    R4, #MAP_SHARED
        MOV     R5, R10
        LOAD    R6, #0
        SYSCALL #SYS_MMAP
        CMP     R0, #-4095
        JAE     no_map
        MOV     R13, R0
        LOAD    R1, #0                  ; dst = mmap(0, size, PROT_WRITE, MAP_SHARED, fd2, 0)
        MOV     R2, R12
        LOAD    R3, #PROT_WRITE
        LOAD    R4, #MAP_SHARED
        MOV     R5, R11
        LOAD    R6, #0
        SYSCALL #SYS_MMAP
        CMP     R0, #-4095
        JAE     no_map
        MOV     R14, R0
        MOV     R1, R13                 ; copy size bytes from src to dst
        MOV     R2, R14
        MOV     R3, R12
copy:   LOADB   R4, [R1]
        STOREB  R4, [R2]
        INC     R1
        INC     R2
        DEC     R3
        JNZ     copy
        MOV     R1, R13                 ; munmap both: dst's pages reach f2
        MOV     R2, R12
        SYSCALL #SYS_MUNMAP
        MOV     R1, R14
        MOV     R2, R12
        SYSCALL #SYS_MUNMAP
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
no_f2:  LOAD    R1, #2
        SYSCALL #SYS_EXIT
no_map: LOAD    R1, #3
        SYSCALL #SYS_EXIT

        .data
name1:  .asciz  "f1"
name2:  .asciz  "f2"
no_f1_msg: .ascii "mmap_copy: cannot open f1\n"
no_f1_end:
        .align  4
st:     .word   0, 0
