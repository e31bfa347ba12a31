; overlay.s -- a program in three phases that loads each next phase itself
; (the seed's slide 26, "Very large memory maps": overlays).
;
; What it shows: only the root (this code, the data and a 2 KB overlay area)
; is loaded; the three phases, each about 2 KB, live on disk above the
; symbol __overlays.  Before each phase the root asks the OS to copy it into
; the area -- SYSCALL #20 (SYS_OVERLAY) with R1 = the phase's home, R2 = its
; length, R3 = the area -- then calls it.  The OS charges a disk transfer of
; the phase and patches the phase's own addresses for the area.  Phase 1
; fills a table with the squares of 1..16, phase 2 sums them, phase 3 prints
; the sum.  programs/overlay_paged.s is the same program linked in one
; piece for demand paging (docs/multiprogramming.md compares them).
;
; Its result: 1+4+9+...+256 = 1496, printed "sum of squares=1496"; exit 0.
; Under paging its root's data sits in read-only .text beside the code, so
; the first store faults: overlays belong to the contiguous schemes.
; Under segmentation the root shares segment 0 with the code, read-only
; and executable: the OS refuses to copy a phase into it (as it refuses
; any write the process could not make itself), the call runs through the
; zeroed area (NOPs) and off the segment's end: segment_bound.
;
; expect[bare,swreloc,hwreloc]: output "sum of squares=1496\n"
; expect[bare,swreloc,hwreloc]: exit 0
; expect[paged]: fault page_write
; expect[seg]: fault segment_bound

        .text
start:  LOAD    R1, #phase1
        LOAD    R2, #phase1_end - phase1
        LOAD    R3, #area
        SYSCALL #20                     ; load phase 1 into the area
        CALL    area
        LOAD    R1, #phase2
        LOAD    R2, #phase2_end - phase2
        LOAD    R3, #area
        SYSCALL #20                     ; phase 2 over phase 1
        CALL    area
        LOAD    R1, #phase3
        LOAD    R2, #phase3_end - phase3
        LOAD    R3, #area
        SYSCALL #20                     ; phase 3 over phase 2
        CALL    area
        LOAD    R1, #0
        SYSCALL #0

squares: .space 64                      ; phase 1 writes, phase 2 reads
sum:    .word   0                       ; phase 2 writes, phase 3 reads
digits: .space  11
digits_end:
        .byte   '\n'
        .align  4
area:   .space  2048                    ; the overlay area

__overlays:                             ; from here on: on disk only

; phase 1: squares[i] = (i+1)^2 for i = 0..15
phase1: LOAD    R1, #squares
        LOAD    R2, #1
sq:     MOV     R3, R2
        MUL     R3, R2
        STORE   R3, [R1]
        ADD     R1, #4
        INC     R2
        CMP     R2, #17
        JNZ     sq
        RET
        .space  1900                    ; the rest of a big phase
phase1_end:

; phase 2: sum = squares[0] + ... + squares[15]
phase2: LOAD    R1, #squares
        LOAD    R2, #16
        LOAD    R3, #0
add:    LOAD    R4, [R1]
        ADD     R3, R4
        ADD     R1, #4
        DEC     R2
        JNZ     add
        STORE   R3, /sum
        RET
        .space  1900
phase2_end:

; phase 3: print "sum of squares=" and sum in decimal
phase3: LOAD    R1, #1
        LOAD    R2, #label
        LOAD    R3, #15
        SYSCALL #1
        LOAD    R3, /sum
        LOAD    R6, #digits_end
        LOAD    R7, #10
conv:   MOV     R8, R3
        REMU    R8, R7
        ADD     R8, #'0'
        DEC     R6
        STOREB  R8, [R6]
        DIVU    R3, R7
        JNZ     conv
        LOAD    R1, #1
        MOV     R2, R6
        LOAD    R3, #digits_end
        SUB     R3, R6
        INC     R3
        SYSCALL #1
        RET
label:  .ascii  "sum of squares="
        .align  4
        .space  1800
phase3_end:
