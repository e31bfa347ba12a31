; heap_move.s -- a heap that grows past its neighbour keeps its data.
;
; What it shows: the heap as a region of variable size (the seed's slides
; 39-40) grown by brk, and under segmentation (docs/segmentation.md) a
; segment that must move to grow.  The program takes 256 bytes of heap and
; fills its 64 words (word i = 7i + 3); then it loads hello_lib with dlopen
; and calls hello, so (under seg) the library's segments take the memory
; right after the heap's block; then it grows the heap to 8 KiB.  The hole
; after the heap is gone, so the OS moves the heap segment to a block that
; fits, copying its bytes (an EV_MOVE); the program's addresses do not
; change, and it finds its 64 words as it wrote them and the new bytes zero.
; Last it gives the whole heap back (brk(heap)) and grows it to 256 bytes
; again: the words come back zero.  Under paging nothing moves (pages
; are mapped one by one); the contiguous modes have no heap (brk: -ENOSYS).
;
; Its result: "hello" and "heap kept its data", exit 0; exit 2 if brk is
; refused (no heap), 3 if a word is wrong, 4 if the library does not load,
; 5 if the heap cannot grow.
;
; expect[paged,seg]: output "hello\nheap kept its data\n"
; expect[paged,seg]: exit 0
; expect[bare,swreloc,hwreloc]: exit 2

        .equ    SYS_EXIT, 0
        .equ    SYS_WRITE, 1
        .equ    SYS_DLOPEN, 11
        .equ    SYS_BRK, 12
        .equ    SYS_DLSYM, 13
        .equ    RTLD_LAZY, 1
        .equ    SMALL, 256              ; the heap at first, bytes
        .equ    WORDS, 64               ; SMALL / 4
        .equ    LARGE, 8192             ; the heap grown past its neighbour

        .text
start:  LOAD    R1, #0                  ; heap = brk(0)
        SYSCALL #SYS_BRK
        CMP     R0, #-4095
        JAE     no_heap
        MOV     R9, R0                  ; R9: the heap's first byte, all along
        MOV     R1, R9                  ; brk(heap + SMALL)
        ADD     R1, #SMALL
        SYSCALL #SYS_BRK
        CMP     R0, #-4095
        JAE     no_heap
        LOAD    R2, #0                  ; word i = 7i + 3
        MOV     R3, R9
fill:   MOV     R4, R2
        MUL     R4, #7
        ADD     R4, #3
        STORE   R4, [R3]
        ADD     R3, #4
        ADD     R2, #1
        CMP     R2, #WORDS
        JNZ     fill

        LOAD    R1, #lib_name           ; the neighbour: hello_lib, loaded now
        LOAD    R2, #RTLD_LAZY
        SYSCALL #SYS_DLOPEN
        CMP     R0, #0
        JLE     no_library
        MOV     R1, R0
        LOAD    R2, #hello_name
        SYSCALL #SYS_DLSYM
        CMP     R0, #-4095
        JAE     no_library
        CALL    R0                      ; hello()

        MOV     R1, R9                  ; brk(heap + LARGE): past the neighbour
        ADD     R1, #LARGE
        SYSCALL #SYS_BRK
        CMP     R0, #-4095
        JAE     no_room
        MOV     R3, R9                  ; the last new word is there, and zero
        ADD     R3, #LARGE - 4
        LOAD    R4, [R3]
        CMP     R4, #0
        JNZ     wrong
        LOAD    R2, #0                  ; the 64 words survived the move
        MOV     R3, R9
check:  LOAD    R5, [R3]
        MOV     R4, R2
        MUL     R4, #7
        ADD     R4, #3
        CMP     R5, R4
        JNZ     wrong
        ADD     R3, #4
        ADD     R2, #1
        CMP     R2, #WORDS
        JNZ     check

        MOV     R1, R9                  ; shrink: brk(heap), the heap empty ...
        SYSCALL #SYS_BRK
        CMP     R0, #-4095
        JAE     no_room
        MOV     R1, R9                  ; ... and grow back: brk(heap + SMALL)
        ADD     R1, #SMALL
        SYSCALL #SYS_BRK
        CMP     R0, #-4095
        JAE     no_room
        LOAD    R4, [R9]                ; what was given back comes back zero
        CMP     R4, #0
        JNZ     wrong
        LOAD    R4, [R9+SMALL-4]
        CMP     R4, #0
        JNZ     wrong

        LOAD    R1, #1                  ; write(1, "heap kept its data\n")
        LOAD    R2, #done
        LOAD    R3, #done_end - done
        SYSCALL #SYS_WRITE
        LOAD    R1, #0
        SYSCALL #SYS_EXIT
no_heap: LOAD   R1, #2
        SYSCALL #SYS_EXIT
wrong:  LOAD    R1, #3
        SYSCALL #SYS_EXIT
no_library: LOAD R1, #4
        SYSCALL #SYS_EXIT
no_room: LOAD   R1, #5
        SYSCALL #SYS_EXIT

        .data
lib_name: .asciz "hello_lib"
hello_name: .asciz "hello"
done:   .ascii  "heap kept its data\n"
done_end:
