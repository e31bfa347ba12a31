; belady.s -- Belady's anomaly on a program: FIFO faults more with 4 frames than with 3.
;
; What it shows: the textbook's reference string 1 2 3 4 1 2 5 1 2 3 4 5
; (Belady, Nelson and Shedler, 1969) made of instruction fetches.  The code
; spans five 4 KiB pages, 0..4 standing for the textbook's 1..5, and each
; visit to a page is one JMP to the next page of the string, so the pages
; the program touches are exactly 0 1 2 3 0 1 4 0 1 2 3 4; it reads and
; writes no data and needs no stack.  Demand paging with --replace fifo
; faults, for 1..6 frames, 12 12 9 10 5 5 times: more with 4 frames than
; with 3.  LRU (a stack algorithm) never rises: 12 12 10 8 5 5.
;
;   mmulab run --mode paged --frames 2..6 --replace all programs/belady.s
;
; (--frames starts at 2, the OS's least.)  tests/studies.sh checks these
; figures against `mmulab refs` on the same string.
;
; expect: exit 0

        .text
start:
p0_a:   JMP     p1_a                ; reference 1: page 0, -> page 1
p0_b:   JMP     p1_b                ; reference 5: page 0, -> page 1
p0_c:   JMP     p1_c                ; reference 8: page 0, -> page 1
        .org    4096
p1_a:   JMP     p2_a                ; reference 2: page 1, -> page 2
p1_b:   JMP     p4_a                ; reference 6: page 1, -> page 4
p1_c:   JMP     p2_b                ; reference 9: page 1, -> page 2
        .org    8192
p2_a:   JMP     p3_a                ; reference 3: page 2, -> page 3
p2_b:   JMP     p3_b                ; reference 10: page 2, -> page 3
        .org    12288
p3_a:   JMP     p0_b                ; reference 4: page 3, -> page 0
p3_b:   JMP     p4_b                ; reference 11: page 3, -> page 4
        .org    16384
p4_a:   JMP     p0_c                ; reference 7: page 4, -> page 0
p4_b:   LOAD    R1, #0              ; reference 12: page 4, exit(0)
        SYSCALL #0
