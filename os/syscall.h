/*
 * System-call numbers and error codes, the guest's ABI (docs/isa.md):
 * `SYSCALL #n` with arguments in R1..R4; the result comes back in R0, a
 * negative value being an error code (Linux's numbers).
 */
#ifndef MMULAB_SYSCALL_H
#define MMULAB_SYSCALL_H

/* X(name, number, arguments) */
#define SYSCALL_TABLE(X)              \
    X(EXIT, 0, "code")               \
    X(WRITE, 1, "fd, buffer, length")  \
    X(OPEN, 3, "path, flags, mode")           \
    X(CLOSE, 4, "fd")                         \
    X(READ, 5, "fd, buffer, length")          \
    X(FSTAT, 6, "fd, stat buffer (8 bytes)")  \
    X(FTRUNCATE, 7, "fd, length")             \
    X(LSEEK, 8, "fd, offset, whence")         \
    X(MMAP, 9, "addr, length, prot, flags, fd, offset (R1..R6)") \
    X(MUNMAP, 10, "addr, length")             \
    X(DLOPEN, 11, "library name, mode (RTLD_LAZY 1, RTLD_NOW 2, 0: as --bind)")             \
    X(BRK, 12, "new break (0: query)")        \
    X(DLSYM, 13, "handle, symbol name")       \
    X(DLCLOSE, 14, "handle")                  \
    X(FORK, 15, "")                           \
    X(WAIT, 16, "pid (-1: any child), status pointer (0: none)") \
    X(SHMGET, 17, "key, size")                \
    X(SHMAT, 18, "segment, address (0: the OS chooses), flags (SHM_RDONLY 0x1000)") \
    X(SHMDT, 19, "address")                   \
    X(OVERLAY, 20, "phase home, length, overlay area") \
    X(IOWAIT, 21, "cycles to wait for the process's own device") \
    X(THREAD_CREATE, 22, "entry, argument (R1 in the thread)") \
    X(THREAD_EXIT, 23, "code")                \
    X(THREAD_JOIN, 24, "thread id")           \
    X(BIND, 25, "import slot address in R14 (the linker's lazy-binding stub)") \
    X(REQUEST_MEMORY, 26, "bytes (returns their address)") \
    X(RELEASE_MEMORY, 27, "bytes (the last requested)")

enum {
#define SYS_ENUM(name, num, args) SYS_##name = num,
    SYSCALL_TABLE(SYS_ENUM)
#undef SYS_ENUM
};

enum {
    E_NOENT = 2, E_SRCH = 3, E_BADF = 9, E_CHILD = 10, E_NOMEM = 12, E_ACCES = 13, E_FAULT = 14, E_EXIST = 17, E_NODEV = 19,
    E_INVAL = 22, E_MFILE = 24, E_FBIG = 27, E_DEADLK = 35, E_NAMETOOLONG = 36, E_NOSYS = 38, E_LOOP = 40
};

enum { E_AGAIN = 11 }; /* fork: the process table is full (OS_MAX_PROCESSES) */

/* Flags of open, mmap (Linux's values). */
enum { G_O_RDONLY = 0, G_O_WRONLY = 1, G_O_RDWR = 2, G_O_CREAT = 0x40, G_O_EXCL = 0x80, G_O_TRUNC = 0x200,
       G_O_APPEND = 0x400 };
enum { G_PROT_NONE = 0, G_PROT_READ = 1, G_PROT_WRITE = 2, G_PROT_EXEC = 4 };
enum { G_MAP_SHARED = 1, G_MAP_PRIVATE = 2, G_MAP_FIXED = 0x10 };
enum { G_SHM_RDONLY = 0x1000 }; /* shmat: attach for reading only */

#endif
