; echo_args.s -- print each argument on a line of its own, then exit with argc.
;
; What it shows: the initial stack of slide 36 in the System V layout that
; `mmulab run echo_args.s -- ARG...` builds: [SP] is argc (counting the
; program's name), [SP+4] argv[0] (the name), [SP+8] argv[1], ..., a 0 after
; the last pointer, and the strings themselves above, at the top of the stack.
; The loop walks argv from argv[1] to the closing 0, so it needs no argc; each
; string's length is found by scanning for its NUL.  (Run without `--`, a
; process gets no argument block: docs/services.md, "Program arguments".)
;
; args: lecture slide 36
; expect: output "lecture\nslide\n36\n"
; expect: exit 4

        .equ    SYS_EXIT, 0
        .equ    SYS_WRITE, 1

        .text
start:  LOAD    R5, #10                 ; newline
        MOV     R6, SP                  ; R6 walks argv
        ADD     R6, #8                  ; &argv[1]
next:   LOAD    R2, [R6]                ; argv[i]
        CMP     R2, #0                  ; the closing 0?
        JZ      done
        MOV     R3, R2                  ; find the NUL
scan:   LOADB   R4, [R3]
        CMP     R4, #0
        JZ      found
        INC     R3
        JMP     scan
found:  STOREB  R5, [R3]                ; R5 = '\n' in place of the NUL, for one write
        SUB     R3, R2
        INC     R3                      ; length with the newline
        LOAD    R1, #1                  ; write(1, argv[i], length)
        SYSCALL #SYS_WRITE
        ADD     R6, #4
        JMP     next
done:   LOAD    R1, [SP]                ; exit(argc)
        SYSCALL #SYS_EXIT
