; mmap_count.s -- count the blanks of a file through a memory mapping.
;
; What it shows: the seed's first mmap example (slide 69).  The program opens
; data.txt, asks fstat for its size, maps the whole file with mmap (read
; only, shared, as the slide does) and closes the descriptor -- the mapping
; keeps the file -- then walks the mapping like an array: each page it
; touches is read from the file by the page-fault handler, none is read
; twice, and read() is never called.  Then munmap, and it prints "n=N".
;
; Its result: run with --mode paged --root DIR where DIR holds data.txt, it
; prints n= and the number of blanks (bytes 32) and exits 0.  Run where there
; is no data.txt (as the test suites do) it says so and exits 1; under the
; contiguous modes, which have no mappings, mmap fails and it exits 3.
;
; expect: exit 1
; expect: output "mmap_count: cannot open data.txt\n"

        .equ    SYS_EXIT, 0
        .equ    SYS_WRITE, 1
        .equ    SYS_OPEN, 3
        .equ    SYS_CLOSE, 4
        .equ    SYS_FSTAT, 6
        .equ    SYS_MMAP, 9
        .equ    SYS_MUNMAP, 10
        .equ    PROT_READ, 1
        .equ    MAP_SHARED, 1

        .text
start:  LOAD    R1, #path               ; fd = open("data.txt", O_RDONLY)
        LOAD    R2, #0
        LOAD    R3, #0
        SYSCALL #SYS_OPEN
        CMP     R0, #0
        JLT     no_file
        MOV     R10, R0
        MOV     R1, R10                 ; fstat(fd, &st): st.size is the first word
        LOAD    R2, #st
        SYSCALL #SYS_FSTAT
        LOAD    R11, /st                ; R11 = size
        LOAD    R3, #0                  ; blanks so far
        CMP     R11, #0
        JZ      print                   ; an empty file: nothing to map
        LOAD    R1, #0                  ; base = mmap(0, size, PROT_READ, MAP_SHARED, fd, 0)
        MOV     R2, R11
        LOAD    R3, #PROT_READ
        LOAD    R4, #MAP_SHARED
        MOV     R5, R10
        LOAD    R6, #0
        SYSCALL #SYS_MMAP
        CMP     R0, #-4095              ; -4095..-1 are error codes
        JAE     no_map
        MOV     R12, R0
        MOV     R1, R10                 ; close(fd): the mapping stays
        SYSCALL #SYS_CLOSE
        MOV     R1, R12                 ; walk [base, base + size)
        MOV     R2, R12
        ADD     R2, R11
        LOAD    R3, #0
next:   CMP     R1, R2
        JAE     counted
        LOADB   R4, [R1]
        INC     R1
        CMP     R4, #' '
        JNZ     next
        INC     R3
        JMP     next
counted: MOV    R13, R3
        MOV     R1, R12                 ; munmap(base, size)
        MOV     R2, R11
        SYSCALL #SYS_MUNMAP
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
no_map: LOAD    R1, #3
        SYSCALL #SYS_EXIT

        .data
path:   .asciz  "data.txt"
no_file_msg: .ascii "mmap_count: cannot open data.txt\n"
no_file_end:
        .align  4
st:     .word   0, 0
digits: .space  12
digits_end:
        .byte   '\n'
