; segments.s -- a program linked for segmentation: its code, data and bss
; each start at a segment boundary (64 KiB apart: the default 16 offset bits).
;
; What it shows: under --mode seg the loader gives each region a segment of
; its own with that region's permissions (code r-x, data and bss rw-) and
; the stack a grow-down segment at the top; the segment number is the
; address's top bits, so segment 0 is the code, 1 the data, 2 the bss.  The
; program sums the data words into the bss through a call (the stack
; segment), then tries to store into its own code: segmentation stops that
; store with segment_protection, where base/limit lets a process write its
; own code and the program goes on to exit with the sum.
;
; expect[seg]: word 0x20000 = 100
; expect[seg]: fault segment_protection
; expect[paged]: fault page_write
; expect[bare,swreloc,hwreloc]: exit 100

        .text
start:  LOAD    R1, #values
        LOAD    R2, #4                  ; four words
        CALL    sum                     ; R3 = the sum
        STORE   R3, /total              ; into the bss segment
        LOAD    R4, #start
        STORE   R3, [R4]                ; into our own code: stopped under seg
        LOAD    R1, /total
        SYSCALL #0                      ; exit(sum)

sum:    LOAD    R3, #0
again:  LOAD    R5, [R1]
        ADD     R3, R5
        ADD     R1, #4
        DEC     R2
        JNZ     again
        RET

        .data
        .org    0x10000
values: .word   10, 20, 30, 40

        .bss
        .org    0x20000
total:  .space  4
