; bench/stride.s -- the vector copy's six-instruction loop, made hostile to
; the TLB: each iteration loads from one 4 KiB page and stores to another,
; so one pass touches 2048 distinct pages (1024 source, 1024 destination).
; With a 64-entry TLB nearly every data access misses and walks the tables.
; 500 passes: about 3.1 million guest instructions.
;
; Run it as bench/run.sh does:
;   mmulab run --mode paged --prefault --tlb 64 --tlb-ways full --page-size 4K --mem 64M bench/stride.s
;
; expect[paged]: exit 0

        .equ    PAGES, 1024
        .equ    PASSES, 500
        .equ    PAGE, 4096

        .text
start:  LOAD    R5, #PASSES
pass:   LI      R1, src
        LI      R2, dst
        LOAD    R3, #PAGES
loop:   LOAD    R4, [R1]
        STORE   R4, [R2]
        ADD     R1, #PAGE
        ADD     R2, #PAGE
        DEC     R3
        JNZ     loop
        DEC     R5
        JNZ     pass
        LOAD    R1, #0
        SYSCALL #0

        .bss
        .align  4096
src:    .space  PAGES * PAGE
dst:    .space  PAGES * PAGE
