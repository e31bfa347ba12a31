; thrash_worker.s -- a process with a known working set, for `mmulab thrash`.
;
; What it shows: it loops over 8 data pages of 4 KB (50 loads in each page
; per visit, the pages in turn), and after every 16 page visits waits for
; its own device (SYSCALL #21, SYS_IOWAIT) for 20000 + (clock mod 65536)
; cycles, so that one copy alone leaves the CPU idle most of the time.  Its
; working set is its 8 data pages and its code page.  Several copies under
; demand paging with a fixed number of frames show the seed's thrashing
; curve (slide 60): utilisation rises with the degree of multiprogramming
; until the working sets no longer fit, then collapses.  The data is in
; .data (file-backed), so a page evicted and touched again is read from disk.
;
; It stops after 400 device waits (about 27 million cycles alone); `mmulab
; thrash` cuts it short with --max-cycles.
;
; expect: exit 0

        .text
start:  LOAD    R7, #0                  ; current page, 0..7
        LOAD    R9, #400                ; device waits left
burst:  LOAD    R6, #16                 ; page visits before the next device wait
visit:  MOV     R1, R7
        SHL     R1, #12                 ; page * 4096
        ADD     R1, #pages
        LOAD    R3, #50                 ; loads in this page
touch:  LOAD    R4, [R1+0]
        ADD     R1, #4
        DEC     R3
        JNZ     touch
        INC     R7
        CMP     R7, #8
        JNZ     same
        LOAD    R7, #0
same:   DEC     R6
        JNZ     visit
        MOV     R1, R0                  ; the clock the last wait returned
        AND     R1, #0xFFFF
        ADD     R1, #20000
        SYSCALL #21                     ; wait for the device; R0 = the clock
        DEC     R9
        JNZ     burst
        LOAD    R1, #0
        SYSCALL #0

        .data
        .org    0x1000
pages:  .space  32768                   ; 8 pages of 4 KB
