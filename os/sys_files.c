/*
 * Host files for guests: open, close, read, write, fstat, ftruncate and
 * lseek on regular files inside the --root directory, through a
 * per-process descriptor table (0..2 are the console).
 *
 * Nothing outside the root is reachable: a path that is absolute, empty,
 * too long or has a ".." component is refused with -EACCES, and the path is
 * walked one component at a time with openat(O_NOFOLLOW), so a symbolic
 * link anywhere on it (even one pointing inside) fails with -ELOOP.  Only
 * regular files open (a FIFO would block the simulator).  Every argument is
 * checked before anything happens: a bad descriptor gives -EBADF, a bad
 * flag or length -EINVAL, a buffer the process cannot reach -EFAULT, and
 * the file is left as it was.  Host errors come back as their (Linux)
 * error numbers.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "services.h"
#include "syscall.h"

#define MAX_PATH 256
#define MAX_IO (1u << 20)
/* The largest a guest may make a file inside --root, whichever way it grows
 * (write past the end, lseek then write, O_APPEND, ftruncate): beyond it
 * -EFBIG.  A mapping cannot grow a file (its write-back stops at the end). */
#define FILE_SIZE_MAX (256u << 20)


struct proc_services *services_of(process_t *p)
{
    if (!p->svc && (p->svc = calloc(1, sizeof *p->svc)))
        for (int i = 0; i < SVC_MAX_FILES; i++)
            p->svc->files[i].host_fd = -1;
    return p->svc;
}

int files_host_fd(process_t *p, uint32_t fd, int *access)
{
    if (!p->svc || fd < 3 || fd >= SVC_MAX_FILES || p->svc->files[fd].host_fd < 0)
        return -1;
    *access = p->svc->files[fd].access;
    return p->svc->files[fd].host_fd;
}

/* ---- paths ------------------------------------------------------------------ */

/* The path at addr; 0 or a negative error (an empty path names nothing). */
static int fetch_path(os_t *os, process_t *p, uint32_t addr, char *path)
{
    int rc = services_fetch_string(os, p, addr, path, MAX_PATH);
    return rc == 0 && !path[0] ? -E_NOENT : rc;
}

/* Refuse what could leave the root before touching the host. */
static int check_path(const char *path)
{
    if (path[0] == '/')
        return -E_ACCES;
    for (const char *c = path; *c;) {
        size_t n = strcspn(c, "/");
        if (n == 2 && c[0] == '.' && c[1] == '.')
            return -E_ACCES;
        c += n + (c[n] == '/');
    }
    return 0;
}

/* Open path below the root, one component at a time, following no link. */
static int open_beneath(const char *root, char *path, int flags, mode_t mode)
{
    int dir = open(root ? root : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0)
        return -errno;
    char *save = NULL, *name = strtok_r(path, "/", &save), *next;
    while (name && (next = strtok_r(NULL, "/", &save))) {
        int sub = !strcmp(name, ".") ? dup(dir) : openat(dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        int e = errno;
        close(dir);
        if (sub < 0)
            return e == ENOTDIR ? -E_LOOP : -e; /* a link to a directory reports ENOTDIR */
        dir = sub;
        name = next;
    }
    int fd = name ? openat(dir, name, flags | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, mode) : -1;
    int e = name ? errno : EISDIR;
    close(dir);
    return fd < 0 ? -e : fd;
}

static bool is_regular(int fd)
{
    struct stat st;
    return fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
}

/* ---- the calls ---------------------------------------------------------------- */

static int free_slot(struct proc_services *s)
{
    for (int fd = 3; fd < SVC_MAX_FILES; fd++)
        if (s->files[fd].host_fd < 0)
            return fd;
    return -1;
}

static int host_flags(uint32_t flags)
{
    return (int)(flags & 3) | (flags & G_O_CREAT ? O_CREAT : 0) | (flags & G_O_EXCL ? O_EXCL : 0) |
           (flags & G_O_TRUNC ? O_TRUNC : 0) | (flags & G_O_APPEND ? O_APPEND : 0);
}

static uint32_t sys_open(os_t *os, process_t *p, uint32_t path_addr, uint32_t flags, uint32_t mode)
{
    char path[MAX_PATH];
    const uint32_t known = 3 | G_O_CREAT | G_O_EXCL | G_O_TRUNC | G_O_APPEND;
    if ((flags & ~known) || (flags & 3) == 3 || (mode & ~0777u))
        return err_code(E_INVAL);
    int rc = fetch_path(os, p, path_addr, path);
    if (rc == 0)
        rc = check_path(path);
    struct proc_services *s = services_of(p);
    if (rc < 0 || !s)
        return rc < 0 ? (uint32_t)rc : err_code(E_NOMEM);
    int slot = free_slot(s);
    if (slot < 0)
        return err_code(E_MFILE);
    char name_copy[MAX_PATH];
    snprintf(name_copy, sizeof name_copy, "%s", path); /* open_beneath cuts path up */
    int fd = open_beneath(os->cfg.root, path, host_flags(flags), (mode_t)(mode & 0666));
    if (fd < 0)
        return (uint32_t)fd;
    if (!is_regular(fd) || fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) < 0) {
        close(fd);
        return err_code(E_ACCES);
    }
    s->files[slot] = (svc_file_t){fd, (int)(flags & 3), ""};
    snprintf(s->files[slot].name, sizeof s->files[slot].name, "%.39s", name_copy);
    return (uint32_t)slot;
}

static uint32_t sys_close(process_t *p, uint32_t fd)
{
    int access;
    int host = files_host_fd(p, fd, &access);
    if (host < 0)
        return err_code(E_BADF);
    close(host);
    p->svc->files[fd].host_fd = -1;
    return 0;
}

/* The disk's part of a file read or write (os/bcache.c, docs/timing.md),
 * and the bytes counted; nothing if the host cannot say which file it is. */
static void charge_file_transfer(os_t *os, process_t *p, ev_kind_t kind, uint32_t fd, int host, off_t at, uint32_t bytes)
{
    struct stat st;
    if (fstat(host, &st) == 0) {
        file_id_t file = {(uint64_t)st.st_dev, (uint64_t)st.st_ino, fd};
        bcache_transfer(os, p, kind, &file, (uint64_t)at, bytes);
    }
    if (kind == EV_DISK_READ)
        p->st.file_bytes_read += bytes;
    else
        p->st.file_bytes_written += bytes;
}

/* read: every argument is checked first (the whole buffer must be memory
 * the process could store into), then the bytes go to the guest, then the
 * file offset moves, so a bad buffer leaves the file where it was. */
static uint32_t sys_read(os_t *os, process_t *p, uint32_t fd, uint32_t buf, uint32_t len)
{
    int access;
    int host = files_host_fd(p, fd, &access);
    if (fd != 0 && (host < 0 || access == G_O_WRONLY))
        return err_code(E_BADF);
    if (len > MAX_IO)
        return err_code(E_INVAL);
    if (!os_user_writable(os, p, buf, len))
        return err_code(E_FAULT);
    if (fd == 0)
        return 0; /* the console has no input: end of file */
    uint8_t *tmp = malloc(len ? len : 1);
    off_t at = lseek(host, 0, SEEK_CUR);
    ssize_t n = tmp && at >= 0 ? pread(host, tmp, len, at) : -1;
    uint32_t result = n < 0 ? err_code(tmp ? errno : E_NOMEM) : (uint32_t)n;
    if (n > 0)
        charge_file_transfer(os, p, EV_DISK_READ, fd, host, at, (uint32_t)n);
    if (n > 0 && !os_copy_to_user_charged(os, p, buf, tmp, (uint32_t)n))
        result = err_code(E_FAULT);
    else if (n > 0)
        lseek(host, at + n, SEEK_SET);
    free(tmp);
    return result;
}

/* How many bytes a write through host may add at its position before the
 * file passes FILE_SIZE_MAX (0: none); -1 with errno if the host fails. */
static int64_t room_below_limit(int host)
{
    struct stat st;
    int flags = fcntl(host, F_GETFL);
    off_t at = flags < 0                  ? -1
               : (flags & O_APPEND) == 0 ? lseek(host, 0, SEEK_CUR)
               : fstat(host, &st) < 0    ? -1
                                         : st.st_size;
    if (at < 0)
        return -1;
    return at >= (off_t)FILE_SIZE_MAX ? 0 : (int64_t)FILE_SIZE_MAX - at;
}

static uint32_t sys_write_file(os_t *os, process_t *p, uint32_t fd, uint32_t buf, uint32_t len)
{
    int access;
    int host = files_host_fd(p, fd, &access);
    if (host < 0 || access == G_O_RDONLY)
        return err_code(E_BADF);
    if (len > MAX_IO)
        return err_code(E_INVAL);
    uint8_t *tmp = malloc(len ? len : 1);
    if (!tmp)
        return err_code(E_NOMEM);
    uint32_t result;
    int64_t room = room_below_limit(host);
    if (!os_copy_from_user_charged(os, p, buf, tmp, len))
        result = err_code(E_FAULT);
    else if (room < 0)
        result = err_code(errno);
    else if (room == 0 && len)
        result = err_code(E_FBIG);
    else {
        ssize_t n = write(host, tmp, len < room ? len : (size_t)room); /* a partial write up to the limit */
        result = n < 0 ? err_code(errno) : (uint32_t)n;
        off_t end = n > 0 ? lseek(host, 0, SEEK_CUR) : -1; /* where it landed, O_APPEND or not */
        if (end >= n)
            charge_file_transfer(os, p, EV_DISK_WRITE, fd, host, end - n, (uint32_t)n);
    }
    free(tmp);
    return result;
}

/* fstat: 8 bytes, the size (saturated at 4 GiB - 1) and the mode bits. */
static uint32_t sys_fstat(os_t *os, process_t *p, uint32_t fd, uint32_t buf)
{
    int access;
    int host = files_host_fd(p, fd, &access);
    struct stat st;
    if (host < 0 || fstat(host, &st) < 0)
        return err_code(E_BADF);
    uint32_t out[2] = {st.st_size > UINT32_MAX ? UINT32_MAX : (uint32_t)st.st_size, (uint32_t)st.st_mode};
    return os_copy_to_user(os, p, buf, out, sizeof out) ? 0 : err_code(E_FAULT);
}

static uint32_t sys_ftruncate(process_t *p, uint32_t fd, uint32_t length)
{
    int access;
    int host = files_host_fd(p, fd, &access);
    if (host < 0 || access == G_O_RDONLY)
        return err_code(host < 0 ? E_BADF : E_INVAL);
    if (length > FILE_SIZE_MAX)
        return err_code(E_FBIG);
    return ftruncate(host, (off_t)length) < 0 ? err_code(errno) : 0;
}

static uint32_t sys_lseek(process_t *p, uint32_t fd, uint32_t offset, uint32_t whence)
{
    int access;
    int host = files_host_fd(p, fd, &access);
    if (host < 0)
        return err_code(E_BADF);
    if (whence > 2)
        return err_code(E_INVAL);
    off_t delta = whence == 0 ? (off_t)offset : (off_t)(int32_t)offset;
    off_t at = lseek(host, delta, whence == 0 ? SEEK_SET : whence == 1 ? SEEK_CUR : SEEK_END);
    if (at < 0)
        return err_code(errno);
    if (at > INT32_MAX) {
        lseek(host, 0, SEEK_SET);
        return err_code(E_INVAL);
    }
    return (uint32_t)at;
}

bool files_syscall(os_t *os, process_t *p, uint32_t number, const uint32_t *r, uint32_t *result)
{
    switch (number) {
    case SYS_OPEN: *result = sys_open(os, p, r[1], r[2], r[3]); return true;
    case SYS_CLOSE: *result = sys_close(p, r[1]); return true;
    case SYS_READ: *result = sys_read(os, p, r[1], r[2], r[3]); return true;
    case SYS_FSTAT: *result = sys_fstat(os, p, r[1], r[2]); return true;
    case SYS_FTRUNCATE: *result = sys_ftruncate(p, r[1], r[2]); return true;
    case SYS_LSEEK: *result = sys_lseek(p, r[1], r[2], r[3]); return true;
    case SYS_WRITE:
        if (r[1] < 3)
            return false; /* the console: os/syscall.c */
        *result = sys_write_file(os, p, r[1], r[2], r[3]);
        return true;
    default: return false;
    }
}
