; shm_share.s -- one shared-memory segment seen by two processes at two addresses.
;
; What it shows: the seed's shared-memory region (slide 39): shared, no
; support (zero-filled), mapped by several processes.  The parent makes a
; segment (shmget), maps it where the OS chooses (shmat) and stores 'a' in
; it; after fork the child maps the same segment a second time, at
; 0x30000 (a segment's first address under seg), reads the parent's 'a' there and stores "b\n" after it.  The
; parent waits and prints the first three bytes through its own address:
; the child's stores are there, because every mapping of the page is the
; same frame.
;
; Its result (paged, seg): parent and child print "ab"; exit 0.  The
; contiguous modes cannot map a segment: exit 2.  Under seg each mapping is
; a segment of the process's own table over the one block (its number: the
; address's top bits).
;
; expect[paged,seg]: output "ab\n"
; expect[paged,seg]: exit 0
; expect[bare,swreloc,hwreloc]: exit 2

        .equ    SYS_EXIT, 0
        .equ    SYS_WRITE, 1
        .equ    SYS_FORK, 15
        .equ    SYS_WAIT, 16
        .equ    SYS_SHMGET, 17
        .equ    SYS_SHMAT, 18

        .text
start:  LOAD    R1, #42                 ; id = shmget(42, 4096)
        LOAD    R2, #4096
        SYSCALL #SYS_SHMGET
        MOV     R10, R0
        MOV     R1, R10                 ; base = shmat(id, 0)
        LOAD    R2, #0
        SYSCALL #SYS_SHMAT
        CMP     R0, #-4095
        JAE     no_shm
        MOV     R11, R0
        LOAD    R1, #'a'
        STOREB  R1, [R11]
        SYSCALL #SYS_FORK
        CMP     R0, #0
        JZ      child
        LI      R1, 0xFFFFFFFF          ; wait(-1, 0)
        LOAD    R2, #0
        SYSCALL #SYS_WAIT
        LOAD    R1, #1                  ; write(1, base, 3)
        MOV     R2, R11
        LOAD    R3, #3
        SYSCALL #SYS_WRITE
        LOAD    R1, #0
        SYSCALL #SYS_EXIT

child:  MOV     R1, R10                 ; there = shmat(id, 0x30000)
        LI      R2, 0x30000
        SYSCALL #SYS_SHMAT
        MOV     R12, R0
        LOAD    R1, #'b'
        STOREB  R1, [R12+1]
        LOAD    R1, #10
        STOREB  R1, [R12+2]
        LOAD    R1, #1                  ; write(1, there, 3): "ab\n"
        MOV     R2, R12
        LOAD    R3, #3
        SYSCALL #SYS_WRITE
        LOAD    R1, #0
        SYSCALL #SYS_EXIT

no_shm: LOAD    R1, #2
        SYSCALL #SYS_EXIT
