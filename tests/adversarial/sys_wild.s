; sys_wild.s -- system calls with wild pointers, lengths and flags.  Each
; result goes to results[i] (0x1800, read back with --dump 0x1800:N); the
; suite knows what each must be under base/limit and under paging.  The code
; is alone on page 0 and the data on page 1 (0x1000), so under paging the
; code page is r-x.  Needs okfile (at least 8 bytes) in --root.
;
;  0 read(0, 0xFFFFF000, 16)       wild buffer on the console: -EFAULT first
;  1 read(0, buf, 16)              the console: 0 (end of file)
;  2 read(fd, start, 4)            into the code: -EFAULT under paging
;  3 code changed? (word 0 xor its old value: 0 if not)
;  4 fstat(fd, start)              into the code: -EFAULT under paging
;  5 write(1, 0xFFFFF000, 5)       -EFAULT
;  6 read(fd, SP - 4, 8)           the last stack word and past the top: -EFAULT
;  7 the word at SP - 4 afterwards (0x5A5A5A5A: nothing written)
;  8 read(fd, 0xFFFFFFF0, 32)      wraps around 2^32: -EFAULT
;  9 read(fd, buf, 0x7FFFFFFF)     -EINVAL
; 10 open(0xFFFFF000, 0, 0)        -EFAULT
; 11 dlopen(0xFFFFF000)            -EFAULT
; 12 open("big", O_RDWR|O_CREAT, 0644)   a descriptor (4)
; 13 lseek(big, 300 MiB, SEEK_SET) 314572800
; 14 write(big, buf, 1)            -EFBIG: past the file-size limit
; 15 ftruncate(big, 300 MiB)       -EFBIG
; 16 ftruncate(big, 16)            0
; 17 lseek(big, 0, 9)              -EINVAL
; 18 mmap(0, 4096, PROT_READ, MAP_SHARED, fd, 0)   an address (paged), -ENODEV
; 19 read(fd, that address, 4)     -EFAULT: no W (or no mapping at all)
; 20 shmat(1, 0)                   no segment: -EINVAL (-ENODEV in the contiguous modes)
; 21 mmap(0, 4096, 0x7, 0xFFFF, fd, 0)  unknown flags: -EINVAL (-ENODEV unpaged)
; 22 lseek(big, 256 MiB - 2, SEEK_SET)  268435454
; 23 write(big, buf, 4)            2: a write stops at the limit
; 24 write(big, buf, 1)            -EFBIG
; 25 ftruncate(big, 16)            0 (the file ends 16 bytes long)
        .text
start:  LI      R9, results
        LOAD    R12, /start             ; the first code word, to check later
        LI      R1, 0x5A5A5A5A          ; a marker in the last stack word
        STORE   R1, [SP-4]
        LOAD    R1, #path               ; fd = open("okfile")
        LOAD    R2, #0
        LOAD    R3, #0
        SYSCALL #3
        MOV     R10, R0
        LOAD    R1, #0                  ; 0
        LI      R2, 0xFFFFF000
        LOAD    R3, #16
        SYSCALL #5
        STORE   R0, [R9+0]
        LOAD    R1, #0                  ; 1
        LOAD    R2, #buf
        LOAD    R3, #16
        SYSCALL #5
        STORE   R0, [R9+4]
        MOV     R1, R10                 ; 2
        LOAD    R2, #start
        LOAD    R3, #4
        SYSCALL #5
        STORE   R0, [R9+8]
        LOAD    R1, /start              ; 3
        XOR     R1, R12
        STORE   R1, [R9+12]
        MOV     R1, R10                 ; 4
        LOAD    R2, #start
        SYSCALL #6
        STORE   R0, [R9+16]
        LOAD    R1, #1                  ; 5
        LI      R2, 0xFFFFF000
        LOAD    R3, #5
        SYSCALL #1
        STORE   R0, [R9+20]
        MOV     R1, R10                 ; 6
        MOV     R2, SP
        SUB     R2, #4
        LOAD    R3, #8
        SYSCALL #5
        STORE   R0, [R9+24]
        LOAD    R1, [SP-4]              ; 7
        STORE   R1, [R9+28]
        MOV     R1, R10                 ; 8
        LI      R2, 0xFFFFFFF0
        LOAD    R3, #32
        SYSCALL #5
        STORE   R0, [R9+32]
        MOV     R1, R10                 ; 9
        LOAD    R2, #buf
        LI      R3, 0x7FFFFFFF
        SYSCALL #5
        STORE   R0, [R9+36]
        LI      R1, 0xFFFFF000          ; 10
        LOAD    R2, #0
        LOAD    R3, #0
        SYSCALL #3
        STORE   R0, [R9+40]
        LI      R1, 0xFFFFF000          ; 11
        SYSCALL #11
        STORE   R0, [R9+44]
        LOAD    R1, #big                ; 12
        LOAD    R2, #0x42
        LOAD    R3, #420                ; 0644
        SYSCALL #3
        STORE   R0, [R9+48]
        MOV     R11, R0
        MOV     R1, R11                 ; 13
        LI      R2, 314572800
        LOAD    R3, #0
        SYSCALL #8
        STORE   R0, [R9+52]
        MOV     R1, R11                 ; 14
        LOAD    R2, #buf
        LOAD    R3, #1
        SYSCALL #1
        STORE   R0, [R9+56]
        MOV     R1, R11                 ; 15
        LI      R2, 314572800
        SYSCALL #7
        STORE   R0, [R9+60]
        MOV     R1, R11                 ; 16
        LOAD    R2, #16
        SYSCALL #7
        STORE   R0, [R9+64]
        MOV     R1, R11                 ; 17
        LOAD    R2, #0
        LOAD    R3, #9
        SYSCALL #8
        STORE   R0, [R9+68]
        LOAD    R1, #0                  ; 18
        LOAD    R2, #4096
        LOAD    R3, #1
        LOAD    R4, #1
        MOV     R5, R10
        LOAD    R6, #0
        SYSCALL #9
        STORE   R0, [R9+72]
        MOV     R2, R0                  ; 19
        MOV     R1, R10
        LOAD    R3, #4
        SYSCALL #5
        STORE   R0, [R9+76]
        LOAD    R1, #1                  ; 20
        LOAD    R2, #0
        SYSCALL #18
        STORE   R0, [R9+80]
        LOAD    R1, #0                  ; 21
        LOAD    R2, #4096
        LOAD    R3, #7
        LI      R4, 0xFFFF
        MOV     R5, R10
        LOAD    R6, #0
        SYSCALL #9
        STORE   R0, [R9+84]
        MOV     R1, R11                 ; 22
        LI      R2, 268435454
        LOAD    R3, #0
        SYSCALL #8
        STORE   R0, [R9+88]
        MOV     R1, R11                 ; 23
        LOAD    R2, #buf
        LOAD    R3, #4
        SYSCALL #1
        STORE   R0, [R9+92]
        MOV     R1, R11                 ; 24
        LOAD    R2, #buf
        LOAD    R3, #1
        SYSCALL #1
        STORE   R0, [R9+96]
        MOV     R1, R11                 ; 25
        LOAD    R2, #16
        SYSCALL #7
        STORE   R0, [R9+100]
        LOAD    R1, #0
        SYSCALL #0
        .data
        .org    0x1000
path:   .asciz  "okfile"
big:    .asciz  "big"
        .align  4
buf:    .space  16
        .org    0x1800
results: .space 128
