; bench/callelem.s -- a call per element to a three-instruction function.
;
; The loop calls `get` (load, xor, step, return) once per element and adds
; the result: blocks of one to four instructions, each ended by a control
; transfer, so the cost of going from one decoded block to the next
; dominates; the return address goes to the stack page, the data comes from
; another.  150 passes over 1200 elements: about 1.3 million guest
; instructions.
;
; Run it as bench/run.sh does:
;   mmulab run --mode hwreloc bench/callelem.s
;   mmulab run --mode paged --prefault --tlb 64 bench/callelem.s
;
; expect: exit 0
        .text
start:  LOAD    R5, #150
pass:   LI      R1, buf
        LOAD    R3, #1200
loop:   CALL    get
        ADD     R6, R4
        DEC     R3
        JNZ     loop
        DEC     R5
        JNZ     pass
        LOAD    R1, #0
        SYSCALL #0
get:    LOAD    R4, [R1]
        XOR     R4, R3
        ADD     R1, #4
        RET
        .bss
        .align  4096
buf:    .space  8192
