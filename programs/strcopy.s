; strcopy.s -- copy a NUL-terminated string, one byte per iteration.
;
; What it shows: the byte forms of the seed's loop (LOADB/STOREB through
; register-indirect operands, INC to step a byte address) and the console
; write system call.  The string and the buffer are found through labels, so
; the loader relocates their addresses under software relocation.
;
; Its result: it prints the copy, "Hello, memory!" and a newline, and exits 0.
;
; expect: output "Hello, memory!\n"
; expect: exit 0

        .equ    SYS_EXIT, 0
        .equ    SYS_WRITE, 1

        .text
start:  LOAD    R1, #message            ; source
        LOAD    R2, #buffer             ; destination
        LOAD    R5, #0                  ; length
copy:   LOADB   R4, [R1]
        STOREB  R4, [R2]
        INC     R1
        INC     R2
        INC     R5
        CMP     R4, #0                  ; copied the terminator?
        JNZ     copy
        DEC     R5                      ; do not print the terminator
        LOAD    R1, #1                  ; write(1, buffer, length)
        LOAD    R2, #buffer
        MOV     R3, R5
        SYSCALL #SYS_WRITE
        LOAD    R1, #0
        SYSCALL #SYS_EXIT

        .data
message: .asciz "Hello, memory!\n"

        .bss
buffer: .space  64
