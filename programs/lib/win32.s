; win32.s -- the Win32 names of mmulab's mapping and library calls.
;
; What it is: a small guest library whose functions are the Win32 spellings
; of the same system calls (docs/services.md):
;
;   LoadLibrary(name)                     = dlopen(name)           SYSCALL #11
;   GetProcAddress(handle, name)          = dlsym(handle, name)    SYSCALL #13
;   FreeLibrary(handle)                   = dlclose(handle)        SYSCALL #14
;   CreateFileMapping(fd)                 = a mapping handle: the descriptor
;   MapViewOfFile(map, prot, offset, len) = mmap(0, len, prot, MAP_SHARED, map, offset)
;   UnmapViewOfFile(addr, len)            = munmap(addr, len)
;
; Arguments come in R1..R4 and the result goes back in R0, as for system
; calls.  Use it as a static library (mmulab asm -c win32.s; mmulab ar rcs
; libwin32.a win32.o; mmulab ld prog.o libwin32.a) or as a dynamic one
; (mmulab ld -shared win32.o -o win32.so).

        .equ    SYS_MMAP, 9
        .equ    SYS_MUNMAP, 10
        .equ    SYS_DLOPEN, 11
        .equ    SYS_DLSYM, 13
        .equ    SYS_DLCLOSE, 14
        .equ    MAP_SHARED, 1
        .global LoadLibrary, GetProcAddress, FreeLibrary
        .global CreateFileMapping, MapViewOfFile, UnmapViewOfFile

        .text
LoadLibrary:
        LOAD    R2, #0                  ; dlopen's mode 0: bind as --bind says
        SYSCALL #SYS_DLOPEN
        RET
GetProcAddress:
        SYSCALL #SYS_DLSYM
        RET
FreeLibrary:
        SYSCALL #SYS_DLCLOSE
        RET
CreateFileMapping:
        MOV     R0, R1                  ; the mapping object is the open file
        RET
MapViewOfFile:
        MOV     R5, R1                  ; fd     <- map
        MOV     R6, R3                  ; offset <- offset
        MOV     R3, R2                  ; prot   <- prot
        MOV     R2, R4                  ; length <- len
        LOAD    R1, #0                  ; the OS chooses the address
        LOAD    R4, #MAP_SHARED
        SYSCALL #SYS_MMAP
        RET
UnmapViewOfFile:
        SYSCALL #SYS_MUNMAP
        RET
