; slide25.s -- the lecture's slide-25 exercise: a 14-bit address space (0 to
; 16383) with 2 KiB pages, and a program that uses only addresses 0 to 10468.
;
; What it shows: the page table has 8 entries; pages 0 to 5 hold the program
; (10468 / 2048 = 5.1), pages 6 and 7 are invalid.  The program reads every
; word it owns, 0 to 10464, so each of its six pages faults in once; then it
; reads 11000, past its end but inside page 5, and nothing traps (internal
; fragmentation: the rest of page 5 is the program's); then 12288, the first
; byte of page 6, and the valid bit stops it.  Run it as the slide sets it up:
;
;   mmulab run --mode paged --va-bits 14 --page-size 2K --levels 1 --stack 0 programs/slide25.s
;
; With 4 KiB pages (the default) the program's pages are 0 to 2, 11000 is in
; page 2 and 12288 is the first byte of page 3: the same two outcomes.
;
; expect[paged]: fault page_not_mapped
; Under segmentation the code segment's limit is the program's exact end
; (10468 bytes), with no page to round up to: the load at 11000 already
; stops it (segment_bound), where paging let it through.
;
; expect[seg]: fault segment_bound
; Without paging nothing traps: the partition holds the stack above the image,
; so 12288 is inside it, and the program exits 0.
;
; expect[hwreloc]: exit 0
; expect[swreloc]: exit 0
; expect[bare]: exit 0

        .text
start:  LOAD    R1, #0                  ; the first address the program uses
        LOAD    R3, #last_word
        LOAD    R4, #0                  ; the sum of what it read
touch:  LOAD    R2, [R1]
        ADD     R4, R2
        ADD     R1, #4
        CMP     R1, R3
        JBE     touch                   ; unsigned: up to and including 10464
        LOAD    R1, #11000              ; past the end, inside the last page
        LOAD    R2, [R1]
        LOAD    R1, #12288              ; the first byte of page 6
        LOAD    R2, [R1]                ; invalid: stopped here
        LOAD    R1, #0
        SYSCALL #0                      ; exit(0), reached only without paging

        .org    10464                   ; the rest of the program, up to its last word
last_word:
        .word   10468                   ; its last byte is 10467: the program ends at 10468
