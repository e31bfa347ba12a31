; bench/twopage.s -- loads alternating between two resident pages.
;
; The loop loads one word from a page, then one from a page three pages on,
; adds them and steps both pointers: every data access is a TLB hit, but
; never on the page the previous load hit.  A one-entry host-side shortcut
; per access kind misses on every load; a multi-entry one hits.  150 passes
; over 1200 pairs: about 1.3 million guest instructions.
;
; Run it as bench/run.sh does:
;   mmulab run --mode paged --prefault --tlb 64 bench/twopage.s
;
; expect: exit 0
        .text
start:  LOAD    R5, #150
pass:   LI      R1, buf
        LI      R2, buf+12288
        LOAD    R3, #1200
loop:   LOAD    R4, [R1]
        LOAD    R6, [R2]
        ADD     R4, R6
        ADD     R1, #4
        ADD     R2, #4
        DEC     R3
        JNZ     loop
        DEC     R5
        JNZ     pass
        LOAD    R1, #0
        SYSCALL #0
        .bss
        .align  4096
buf:    .space  20480
