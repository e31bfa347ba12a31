; refstring.s -- the seed's reference string, as loads from pages.
;
; What it shows: demand paging and page replacement on a known reference
; string.  The seed's string 7 0 1 2 0 3 0 4 2 3 0 3 2 1 2 0 1 7 0 1 (slide
; 54) becomes one LOAD per reference from page N+1 (4 KiB pages: logical
; address (N+1) * 4096), straight-line code all on page 0.  Each LOAD
; fetches from page 0 and then reads its data page, so the page reference
; string the OS sees is 0 8 0 1 0 2 0 3 0 1 0 4 ... 0 2 (page 0 before every
; data page); tests/paging.sh feeds that string to `mmulab refs` and
; requires the same number of faults from `mmulab run --mode paged
; --frames 4 --replace P` for every policy P (three frames for the data
; pages, as in the seed, plus the one the code page needs).
;
; Its result: exit 0, after 20 loads.
;
; expect: exit 0

        .text
start:
        LOAD    R1, /32768               ; page 8
        LOAD    R1, /4096                ; page 1
        LOAD    R1, /8192                ; page 2
        LOAD    R1, /12288               ; page 3
        LOAD    R1, /4096                ; page 1
        LOAD    R1, /16384               ; page 4
        LOAD    R1, /4096                ; page 1
        LOAD    R1, /20480               ; page 5
        LOAD    R1, /12288               ; page 3
        LOAD    R1, /16384               ; page 4
        LOAD    R1, /4096                ; page 1
        LOAD    R1, /16384               ; page 4
        LOAD    R1, /12288               ; page 3
        LOAD    R1, /8192                ; page 2
        LOAD    R1, /12288               ; page 3
        LOAD    R1, /4096                ; page 1
        LOAD    R1, /8192                ; page 2
        LOAD    R1, /32768               ; page 8
        LOAD    R1, /4096                ; page 1
        LOAD    R1, /8192                ; page 2
        LOAD    R1, #0
        SYSCALL #0                      ; exit(0)

        .data
        .org    4096
pages:  .space  8 * 4096                ; pages 1..8, all zero
