; unmap.s -- munmap and MAP_FIXED against what the program is made of, then a
; touch of a page after munmap (paging).  Results at 0x1800 (--dump):
;  0 mmap(0, 4096, PROT_READ, MAP_PRIVATE, okfile, 0)   an address
;  1 its first byte                                     'h' (104)
;  2 munmap(code page 0, 4096)                          0: only mappings go, the code stays
;  3 mmap(0, 4096, RW, MAP_FIXED|MAP_PRIVATE, fd, 0)    -EINVAL: over the code
;  4 mmap(0x1000, 4096, RW, MAP_FIXED|MAP_PRIVATE, fd, 0)  -EINVAL: over the data
;  5 munmap(data page 0x1000, 4096)                     0: the data stays
;  6 munmap(the mapping, 4096)                          0
;  7 1 (the code still runs: it reached here)
; then a load from the unmapped page: stopped, page_not_mapped at its address.
        .text
start:  LI      R9, results
        LOAD    R1, #path
        LOAD    R2, #0
        LOAD    R3, #0
        SYSCALL #3
        MOV     R10, R0
        LOAD    R1, #0                  ; 0
        LOAD    R2, #4096
        LOAD    R3, #1
        LOAD    R4, #2
        MOV     R5, R10
        LOAD    R6, #0
        SYSCALL #9
        STORE   R0, [R9+0]
        MOV     R11, R0
        LOADB   R1, [R11]               ; 1
        STORE   R1, [R9+4]
        LOAD    R1, #0                  ; 2
        LOAD    R2, #4096
        SYSCALL #10
        STORE   R0, [R9+8]
        LOAD    R1, #0                  ; 3
        LOAD    R2, #4096
        LOAD    R3, #3
        LOAD    R4, #0x12
        MOV     R5, R10
        LOAD    R6, #0
        SYSCALL #9
        STORE   R0, [R9+12]
        LOAD    R1, #0x1000             ; 4
        LOAD    R2, #4096
        LOAD    R3, #3
        LOAD    R4, #0x12
        MOV     R5, R10
        LOAD    R6, #0
        SYSCALL #9
        STORE   R0, [R9+16]
        LOAD    R1, #0x1000             ; 5
        LOAD    R2, #4096
        SYSCALL #10
        STORE   R0, [R9+20]
        MOV     R1, R11                 ; 6
        LOAD    R2, #4096
        SYSCALL #10
        STORE   R0, [R9+24]
        LOAD    R1, #1                  ; 7
        STORE   R1, [R9+28]
        LOADB   R1, [R11]               ; the page is gone: stopped here
        LOAD    R1, #0
        SYSCALL #0
        .data
        .org    0x1000
path:   .asciz  "okfile"
        .org    0x1800
results: .space 32
