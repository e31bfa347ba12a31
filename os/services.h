/*
 * Memory services a process asks for by system call (docs/services.md):
 * host files inside --root (os/sys_files.c), memory-mapped files
 * (os/sys_mmap.c) and dynamic libraries (os/dynlib.c).  Each process keeps
 * their state in one structure, created on first use; the kernel calls
 * services_exit when the process ends (shared mappings are written back,
 * files closed) and services_free when the OS goes away.
 */
#ifndef MMULAB_SERVICES_H
#define MMULAB_SERVICES_H

#include <stdbool.h>
#include <stdint.h>

#include "os_internal.h"

#define SVC_MAX_FILES 16 /* descriptors 0..2 are the console */
#define SVC_MAX_MAPS 16
#define SVC_MAX_LIBS 8

typedef struct {
    int host_fd;         /* -1: free                                      */
    int access;          /* O_RDONLY, O_WRONLY or O_RDWR                  */
    char name[40];       /* the path it was opened with (for --regions)   */
} svc_file_t;

/* A mapping: the support of a region of the address space, page by page. */
typedef struct {
    uint32_t start, end;  /* virtual, page-aligned                         */
    uint64_t offset;      /* file offset of start                          */
    int host_fd;          /* a file's own descriptor (dup'ed), or -1       */
    const uint8_t *image; /* or a library image (bytes at start..)          */
    uint32_t image_size;
    bool shared;          /* MAP_SHARED: modified pages go back to the file */
    char name[40];        /* the file or library (for --regions)            */
    region_kind_t kind;   /* mapped file, library code or data, shared memory */
    struct shm_segment *segment; /* shared memory: its segment              */
    uint64_t dev, ino;    /* a mapped file's identity (MAP_SHARED frames)   */
} svc_map_t;

typedef struct {
    char name[64];
    int refs;             /* dlopen count (+1 when the executable imports it) */
    uint32_t base;        /* CPU-visible address of its first byte         */
    bool split;           /* segmented: its writable part in a segment of its own */
    uint32_t data_start;  /* ... from this link address                    */
    uint32_t data_base;   /* ... at this CPU-visible address               */
    uint32_t shared_bytes; /* segmented: bytes it maps from another process's block */
    exe_t image;          /* relocated to base (and data_base)             */
    uint8_t *flat;        /* paged mode: the image as pages map it         */
    uint32_t size;
} svc_lib_t;

struct proc_services {
    int parent;           /* fork: the parent's pid (0: none)              */
    bool reaped;          /* wait has returned this child                  */
    svc_file_t files[SVC_MAX_FILES];
    svc_map_t maps[SVC_MAX_MAPS];
    int nmaps;
    svc_lib_t libs[SVC_MAX_LIBS];
    int nlibs;
    uint32_t private_segments; /* bit id-1: a key-0 segment this process made or
                                  inherited through fork: it may attach it */
};

/* A negative error code as the guest's R0 word; the page size. */
/* os/memuse.c: request_memory, release_memory (slide 30); false if number
 * is neither.  os_grow_partition: contiguous modes, p's partition grown in
 * place by bytes (rolling out the processes above it when swapping is on and
 * above the threshold); the old size (the new block's offset) or UINT32_MAX. */
bool memuse_syscall(os_t *os, process_t *p, uint32_t number, const uint32_t *r, uint32_t *result);
uint32_t os_grow_partition(os_t *os, process_t *p, uint32_t bytes);
/* brk: the break moved to new_break (0: asks for it) in paged mode
 * (os/pager.c) and segmented mode (os/segment.c); the break, or -ENOMEM;
 * -ENOSYS in the other modes, which have no heap. */
uint32_t os_brk(os_t *os, process_t *p, uint32_t new_break);

static inline uint32_t err_code(int e) { return (uint32_t)-e; }
static inline uint32_t page_size_of(const os_t *os) { return 1u << os->m->cfg.page_shift; }

/* Copy the NUL-terminated string at the guest's addr into buf (at most max
 * bytes with the NUL): 0, -E_FAULT or -E_NAMETOOLONG. */
int services_fetch_string(os_t *os, process_t *p, uint32_t addr, char *buf, uint32_t max);

/* p's services, created on first use (NULL if out of host memory). */
struct proc_services *services_of(process_t *p);

/* Serve system call `number` if it is a service (arguments cpu->r[1..6];
 * wait may move cpu->pc back to retry); false if it is not one of them. */
bool services_syscall(os_t *os, process_t *p, uint32_t number, cpu_state_t *cpu, uint32_t *result);
bool process_syscall(os_t *os, process_t *p, uint32_t number, cpu_state_t *cpu, uint32_t *result);
bool shm_syscall(os_t *os, process_t *p, uint32_t number, const uint32_t *r, uint32_t *result);
/* A copy of a process's services for its child (descriptors duplicated). */
struct proc_services *services_fork(const struct proc_services *parent);
bool files_syscall(os_t *os, process_t *p, uint32_t number, const uint32_t *r, uint32_t *result);
bool mmap_syscall(os_t *os, process_t *p, uint32_t number, const uint32_t *r, uint32_t *result);
bool dynlib_syscall(os_t *os, process_t *p, uint32_t number, const uint32_t *r, uint32_t *result);

/* The host descriptor and access mode behind guest descriptor fd, or -1. */
int files_host_fd(process_t *p, uint32_t fd, int *access);

/* Paged mode: if page vaddr lies in one of p's mappings, fill buf (page_size
 * bytes) from its support (zeros past the end of the file) and return true. */
bool mmap_fill_page(const process_t *p, uint32_t vaddr, uint8_t *buf, uint32_t page_size);
/* The process ends: shared mappings reach their files; the table stays
 * (for --regions) without its descriptors. */
void mmap_exit(os_t *os, process_t *p);
/* Paged mode, a dirty page of (pid, vaddr) leaves its frame: if a shared
 * mapping supports it, write it there (a MAP_SHARED file, a shared-memory
 * segment) and return true; false: the backing store keeps it. */
bool services_page_out(os_t *os, int pid, uint32_t vaddr, const uint8_t *page, uint32_t page_size);
/* Shared memory: another process holds p's page vaddr in a frame: true
 * with it in *frame, to be mapped once more. */
bool services_shared_frame(os_t *os, const process_t *p, uint32_t vaddr, uint32_t *frame);
/* Does a shared mapping (MAP_SHARED file, shared memory) cover p's vaddr? */
bool services_shared_page(const process_t *p, uint32_t vaddr);
/* sys_mmap.c's table helpers, shared with shm.c: the mapping covering
 * vaddr; the region of a mapping; drop mapping i and its region; a free
 * range of size bytes below the stack (0: none); does [start, end) overlap
 * a region (any but a mapped file's if only_fixed_kinds; the stack down to
 * its growth limit)? */
const svc_map_t *map_covering(const process_t *p, uint32_t vaddr);
int find_region(process_t *p, uint32_t start, uint32_t end);
void remove_map(process_t *p, int index);
uint32_t choose_address(const os_t *os, process_t *p, uint32_t size);
bool overlaps(const process_t *p, uint32_t start, uint32_t end, bool only_fixed_kinds);
/* Add a mapping and its region; false if the tables are full. */
bool mmap_add(os_t *os, process_t *p, const svc_map_t *m, region_kind_t kind, uint32_t perm);

/* Shared memory.  A page of a segment is filled from the segment's copy
 * (zeros at first); if another process has the page resident, its frame
 * (*frame) is the one to map.  shm_destroy frees the segments. */
void shm_fill_page(const struct shm_segment *seg, uint32_t index, uint8_t *buf, uint32_t page_size);
void shm_save_page(struct shm_segment *seg, uint32_t index, const uint8_t *page, uint32_t page_size);
void shm_destroy(os_t *os);
void shm_attach_count(struct shm_segment *seg, int delta);
/* Segmented mode (os/segment.c): the object's block moved (compaction);
 * its last mapping went: the block's bytes are saved in the object. */
void shm_block_moved(struct shm_segment *seg, uint32_t new_base);
void shm_keep_bytes(os_t *os, struct shm_segment *seg, uint32_t base);

/* Before the first dispatch: load the libraries each executable imports. */
void services_start(os_t *os);
void dynlib_start(os_t *os, process_t *p);
/* SYS_BIND from an import's lazy stub (thread: the caller): bind the slot
 * in R14 and continue at its symbol; false if the process was stopped. */
bool dynlib_bind(os_t *os, process_t *thread, cpu_state_t *cpu);

/* The process ends: write back shared mappings, close files. */
void services_exit(os_t *os, process_t *p);
void services_free(process_t *p);

#endif
