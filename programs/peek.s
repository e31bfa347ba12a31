; peek.s -- a program that reads an address belonging to another process.
;
; What it shows: the address 11000 is a plain number, not a label, so no
; loader relocates it.  Under software relocation the CPU uses it as a
; physical address: the word at physical 11000 -- inside another process
; when one is loaded at 10000, as `mmulab compare` does with the seed's
; base -- is read and printed in hex.  Under base/limit relocation the
; address is logical, beyond this small program's limit, and the MMU traps.
; On the bare monoprogrammed machine all memory below the OS is the
; program's own, so it reads its own (zero) memory.  Under paging 11000 lies
; in the hole between the (empty) heap and the stack: page_not_mapped.
;
; Its result: prints "peek: 0x" and the 8 hex digits it read (swreloc, bare);
; a protection fault under hwreloc.
;
; expect[hwreloc]: fault protection
; expect[swreloc,bare]: exit 0
; expect[paged]: fault page_not_mapped
; expect[seg]: fault segment_bound

        .text
start:  LI      R1, 11000               ; somebody else's address
        LOAD    R3, [R1]                ; the peek
        LOAD    R6, #hex_end            ; convert R3 to 8 hex digits
        LOAD    R7, #8
digit:  MOV     R8, R3
        AND     R8, #15
        CMP     R8, #10
        JB      decimal
        ADD     R8, #'a' - '0' - 10
decimal: ADD    R8, #'0'
        DEC     R6
        STOREB  R8, [R6]
        SHR     R3, #4
        DEC     R7
        JNZ     digit
        LOAD    R1, #1
        LOAD    R2, #text
        LOAD    R3, #text_end
        SUB     R3, R2
        SYSCALL #1                      ; write(1, "peek: 0x........\n")
        LOAD    R1, #0
        SYSCALL #0

        .data
text:   .ascii  "peek: 0x"
hex:    .space  8
hex_end: .byte  '\n'
text_end:
