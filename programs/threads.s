; threads.s -- two threads in one address space, each with a stack region
; of its own, adding into a shared word; the main thread joins them.
;
; What it shows: the seed's thread stacks (slide 38: "Each thread
; corresponds to a region.  Same characteristics as process stack").
; thread_create gives each thread a REGION_THREAD_STACK of one page that
; grows on demand: each worker fills 2000 words (8000 bytes) of its own
; stack with numbers, so its stack faults a second page in, then sums them
; into a register and adds the sum into the shared word `total` (under
; Peterson's lock for two threads: the CPU has no atomic instruction, and a
; time slice may end between the load and the store).  Both threads see the
; same `total` because they share the process's page tables.  The main
; thread joins both, checks their exit codes (1 and 2) and prints the total.
;
; Its result (paged): worker 0 sums 1..2000 = 2001000, worker 1 sums
; 2001..4000 = 6001000; "total=8002000", exit 0.  Without paging there is
; no region table to put a thread stack in: thread_create returns -ENODEV
; (-19) and the program exits 3.
;
; expect[paged]: output "total=8002000\n"
; expect[paged]: exit 0
; expect[bare,swreloc,hwreloc,seg]: exit 3

        .equ    SYS_EXIT, 0
        .equ    SYS_WRITE, 1
        .equ    SYS_THREAD_CREATE, 22
        .equ    SYS_THREAD_EXIT, 23
        .equ    SYS_THREAD_JOIN, 24
        .equ    WORDS, 2000             ; numbers per worker, on its stack

        .text
start:  LOAD    R1, #worker             ; thread_create(worker, 0)
        LOAD    R2, #0
        SYSCALL #SYS_THREAD_CREATE
        CMP     R0, #0
        JLT     refused
        MOV     R10, R0                 ; tid of worker 0
        LOAD    R1, #worker             ; thread_create(worker, 1)
        LOAD    R2, #1
        SYSCALL #SYS_THREAD_CREATE
        CMP     R0, #0
        JLT     refused
        MOV     R11, R0                 ; tid of worker 1
        MOV     R1, R10                 ; thread_join: a blocked join is retried
        SYSCALL #SYS_THREAD_JOIN
        CMP     R0, #1
        JNZ     wrong
        MOV     R1, R11
        SYSCALL #SYS_THREAD_JOIN
        CMP     R0, #2
        JNZ     wrong

        LOAD    R3, /total              ; convert total to decimal, backwards
        LOAD    R6, #digits_end
        LOAD    R7, #10
convert: MOV    R8, R3
        REMU    R8, R7
        ADD     R8, #'0'
        DEC     R6
        STOREB  R8, [R6]
        DIVU    R3, R7
        JNZ     convert
        LOAD    R1, #1                  ; write(1, "total=", 6)
        LOAD    R2, #label
        LOAD    R3, #6
        SYSCALL #SYS_WRITE
        LOAD    R1, #1                  ; write(1, digits, digits_end + 1 - R6)
        MOV     R2, R6
        LOAD    R3, #digits_end
        SUB     R3, R6
        INC     R3
        SYSCALL #SYS_WRITE
        LOAD    R1, #0
        SYSCALL #SYS_EXIT
refused: LOAD   R1, #3
        SYSCALL #SYS_EXIT
wrong:  LOAD    R1, #4
        SYSCALL #SYS_EXIT

; worker(R1 = i): fill the WORDS words below SP with i*WORDS+1 .. (i+1)*WORDS,
; top down (the stack grows page by page, whatever the page size), sum
; them, add the sum into `total` under the lock, and thread_exit(i + 1).
worker: MOV     R9, R1                  ; i
        MOV     R2, R1
        MUL     R2, #WORDS              ; the first number - 1
        MOV     R5, SP
        LOAD    R6, #WORDS
fill:   INC     R2
        SUB     R5, #4
        STORE   R2, [R5]
        DEC     R6
        JNZ     fill
        MOV     R4, R5                  ; the lowest word of the local array
        LOAD    R3, #0                  ; sum them back
        LOAD    R6, #WORDS
sum:    LOAD    R7, [R4]
        ADD     R3, R7
        ADD     R4, #4
        DEC     R6
        JNZ     sum

        ; Peterson's lock: flag[i] = 1; turn = other; wait while
        ; flag[other] && turn == other
        LOAD    R5, #flags
        MOV     R6, R9
        SHL     R6, #2
        ADD     R6, R5                  ; &flag[i]
        LOAD    R7, #1
        XOR     R7, R9                  ; other
        MOV     R8, R7
        SHL     R8, #2
        ADD     R8, R5                  ; &flag[other]
        LOAD    R2, #1
        STORE   R2, [R6]
        STORE   R7, /turn
spin:   LOAD    R2, [R8]
        CMP     R2, #0
        JZ      locked
        LOAD    R2, /turn
        CMP     R2, R7
        JZ      spin
locked: LOAD    R2, /total              ; total += sum
        ADD     R2, R3
        STORE   R2, /total
        LOAD    R2, #0                  ; unlock
        STORE   R2, [R6]
        MOV     R1, R9                  ; thread_exit(i + 1)
        INC     R1
        SYSCALL #SYS_THREAD_EXIT

        .data
label:  .ascii  "total="
digits: .space  11
digits_end:
        .byte   '\n'
        .align  4
total:  .word   0
flags:  .word   0, 0
turn:   .word   0
