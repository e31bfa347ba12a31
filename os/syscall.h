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
    X(BRK, 12, "new break (0: query)")

enum {
#define SYS_ENUM(name, num, args) SYS_##name = num,
    SYSCALL_TABLE(SYS_ENUM)
#undef SYS_ENUM
};

enum { E_BADF = 9, E_NOMEM = 12, E_FAULT = 14, E_INVAL = 22, E_NOSYS = 38 };

#endif
