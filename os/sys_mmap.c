/*
 * Memory-mapped files (paged mode): mmap and munmap as the seed describes
 * them.  A mapping is a region of the process's region table (kind "mapped
 * file") whose support is a host file: its pages are mapped not present and
 * come in on demand, read from the file by the pager (mmap_fill_page), so a
 * page nobody touches is never read.  PROT_READ/WRITE/EXEC give the
 * region's permissions (PROT_NONE: any access faults).  MAP_SHARED: pages
 * the process changed are written back to the file when the mapping goes
 * away (munmap, or the end of the process); MAP_PRIVATE: changes stay in
 * the process's own copy of the page (its frame, then the backing store)
 * and never reach the file.  MAP_FIXED places the mapping exactly at addr,
 * replacing mappings there; otherwise the OS picks a free range below the
 * stack.  munmap may take any page-aligned part of a mapping: what remains
 * on either side stays mapped.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../mmu/pte.h"
#include "services.h"
#include "syscall.h"

#define MAX_MAP_BYTES (256u << 20)

static uint64_t page_up(uint64_t v, uint32_t page) { return (v + page - 1) / page * page; }

bool mmap_fill_page(const process_t *p, uint32_t vaddr, uint8_t *buf, uint32_t page_size)
{
    const struct proc_services *s = p->svc;
    for (int i = 0; s && i < s->nmaps; i++) {
        const svc_map_t *m = &s->maps[i];
        if (vaddr < m->start || vaddr >= m->end)
            continue;
        uint64_t at = m->offset + (vaddr - m->start);
        memset(buf, 0, page_size);
        if (m->segment) {
            shm_fill_page(m->segment, (uint32_t)(at / page_size), buf, page_size);
        } else if (m->host_fd >= 0) {
            ssize_t n = pread(m->host_fd, buf, page_size, (off_t)at);
            (void)n; /* past the end of the file: zeros, as POSIX says */
        } else if (at < m->image_size) {
            uint64_t n = m->image_size - at < page_size ? m->image_size - at : page_size;
            memcpy(buf, m->image + at, (size_t)n);
        }
        return true;
    }
    return false;
}

const svc_map_t *map_covering(const process_t *p, uint32_t vaddr)
{
    for (int i = 0; p && p->svc && i < p->svc->nmaps; i++)
        if (vaddr >= p->svc->maps[i].start && vaddr < p->svc->maps[i].end)
            return &p->svc->maps[i];
    return NULL;
}

bool services_shared_page(const process_t *p, uint32_t vaddr)
{
    const svc_map_t *m = map_covering(p, vaddr);
    return m && m->shared;
}

bool services_page_out(os_t *os, int pid, uint32_t vaddr, const uint8_t *page, uint32_t page_size)
{
    const svc_map_t *m = map_covering(os_process(os, pid), vaddr);
    struct stat st;
    if (m && m->segment) {
        shm_save_page(m->segment, (uint32_t)((m->offset + (vaddr - m->start)) / page_size), page, page_size);
        return true;
    }
    if (!m || !m->shared || m->host_fd < 0 || fstat(m->host_fd, &st) < 0)
        return false;
    uint64_t at = m->offset + (vaddr - m->start);
    if (at < (uint64_t)st.st_size) {
        uint64_t n = (uint64_t)st.st_size - at < page_size ? (uint64_t)st.st_size - at : page_size;
        if (pwrite(m->host_fd, page, (size_t)n, (off_t)at) < 0)
            return false;
    }
    return true;
}

/* ---- the tables ------------------------------------------------------------ */

int find_region(process_t *p, uint32_t start, uint32_t end)
{
    for (int i = 0; i < p->nregions; i++)
        if (p->regions[i].start == start && p->regions[i].end == end && p->regions[i].kind >= REGION_MAPPED_FILE)
            return i;
    return -1;
}

bool mmap_add(os_t *os, process_t *p, const svc_map_t *m, region_kind_t kind, uint32_t perm)
{
    struct proc_services *s = services_of(p);
    if (!s || s->nmaps == SVC_MAX_MAPS || p->nregions == OS_MAX_REGIONS)
        return false;
    s->maps[s->nmaps] = *m;
    s->maps[s->nmaps++].kind = kind;
    p->regions[p->nregions++] = (os_region_t){kind, m->start, m->end, perm, false, 0};
    if (pager_map_range(os, p, m->start, m->end))
        return true;
    pager_unmap_range(os, p, m->start, m->end);
    p->nregions--, s->nmaps--;
    return false;
}

void remove_map(process_t *p, int index)
{
    struct proc_services *s = p->svc;
    svc_map_t *m = &s->maps[index];
    int r = find_region(p, m->start, m->end);
    if (r >= 0)
        p->regions[r] = p->regions[--p->nregions];
    if (m->host_fd >= 0)
        close(m->host_fd);
    s->maps[index] = s->maps[--s->nmaps];
}

/* ---- write-back ---------------------------------------------------------------- */

/* Write the changed pages of a shared mapping in [from, to) to its file. */
static void write_back(os_t *os, process_t *p, const svc_map_t *m, uint32_t from, uint32_t to)
{
    uint32_t page = page_size_of(os);
    uint8_t buf[16384];
    struct stat st;
    if (!m->shared || m->host_fd < 0 || fstat(m->host_fd, &st) < 0)
        return;
    for (uint64_t va = from; va < to; va += page) {
        uint64_t at = m->offset + (va - m->start);
        if (at >= (uint64_t)st.st_size || !pager_page_modified(os, p, (uint32_t)va))
            continue;
        uint64_t n = (uint64_t)st.st_size - at < page ? (uint64_t)st.st_size - at : page;
        for (uint64_t done = 0; done < n; done += sizeof buf) {
            uint32_t chunk = (uint32_t)(n - done < sizeof buf ? n - done : sizeof buf);
            if (pager_read(os, p, (uint32_t)(va + done), buf, chunk) &&
                pwrite(m->host_fd, buf, chunk, (off_t)(at + done)) < 0)
                break;
        }
        os_charge(os, EV_DISK_WRITE, p->pid, timing_disk_cycles(&os->m->cfg.timing, page), (uint32_t)(va >> os->m->cfg.page_shift), page, 0, 0);
    }
}

/* ---- mmap ------------------------------------------------------------------------ */

/* Where region r may reach down to: a stack's limit, else its start. */
static uint32_t stack_floor(const os_region_t *r)
{
    return r->kind == REGION_STACK || r->kind == REGION_THREAD_STACK ? r->limit : r->start;
}

bool overlaps(const process_t *p, uint32_t start, uint32_t end, bool only_fixed_kinds)
{
    for (int i = 0; i < p->nregions; i++) {
        const os_region_t *r = &p->regions[i];
        bool counts = !only_fixed_kinds || r->kind != REGION_MAPPED_FILE;
        uint32_t r_start = stack_floor(r); /* a stack may grow to its limit */
        if (counts && start < r->end && r_start < end)
            return true;
    }
    return false;
}

/* A free range of size bytes below the stack (top down); 0 if none. */
uint32_t choose_address(const os_t *os, process_t *p, uint32_t size)
{
    const os_region_t *stack = regions_find(p, REGION_STACK), *heap = regions_find(p, REGION_HEAP);
    uint32_t page = page_size_of(os);
    uint64_t top = stack ? stack->limit : p->stack_top;
    uint64_t floor = heap ? (uint64_t)heap->end + 16 * (uint64_t)page : page; /* room for brk */
    while (top >= floor + size + page) {
        uint64_t end = top - page, start = end - size; /* a guard page above each mapping */
        int blocker = -1;
        for (int i = 0; i < p->nregions; i++)
            if (start < p->regions[i].end && stack_floor(&p->regions[i]) < end)
                blocker = i;
        if (blocker < 0)
            return (uint32_t)start;
        top = stack_floor(&p->regions[blocker]);
    }
    return 0;
}

static uint32_t perm_of(uint32_t prot)
{
    return (prot & G_PROT_READ ? PTE_R : 0) | (prot & G_PROT_WRITE ? PTE_W | PTE_R : 0) | (prot & G_PROT_EXEC ? PTE_X : 0);
}

static void unmap_range(os_t *os, process_t *p, uint32_t start, uint32_t end);

/* Check the arguments; 0 or a negative error code. */
static int check_mmap(os_t *os, process_t *p, const uint32_t *r, int *host, uint32_t *size)
{
    uint32_t addr = r[1], len = r[2], prot = r[3], flags = r[4], fd = r[5], offset = r[6], page = page_size_of(os);
    int access;
    if (!os->pager)
        return -E_NODEV; /* mappings need paging */
    int kind = flags & (G_MAP_SHARED | G_MAP_PRIVATE);
    if (!len || len > MAX_MAP_BYTES || (prot & ~7u) || (flags & ~(uint32_t)(G_MAP_SHARED | G_MAP_PRIVATE | G_MAP_FIXED)) ||
        (kind != G_MAP_SHARED && kind != G_MAP_PRIVATE) || offset % page || ((flags & G_MAP_FIXED) && addr % page))
        return -E_INVAL;
    if ((*host = files_host_fd(p, fd, &access)) < 0)
        return -E_BADF;
    if (access == G_O_WRONLY || (kind == G_MAP_SHARED && (prot & G_PROT_WRITE) && access != G_O_RDWR))
        return -E_ACCES;
    *size = (uint32_t)page_up(len, page);
    uint64_t space = os->m->cfg.va_bits >= 32 ? 1ull << 32 : 1ull << os->m->cfg.va_bits;
    if ((flags & G_MAP_FIXED) && ((uint64_t)addr + *size > space || overlaps(p, addr, addr + *size, true)))
        return -E_INVAL; /* outside the address space, or over anything but a mapped file */
    return 0;
}

static uint32_t sys_mmap(os_t *os, process_t *p, const uint32_t *r)
{
    int host;
    uint32_t size;
    int rc = check_mmap(os, p, r, &host, &size);
    if (rc < 0)
        return (uint32_t)rc;
    uint32_t start = r[4] & G_MAP_FIXED ? r[1] : choose_address(os, p, size);
    if (!start && !(r[4] & G_MAP_FIXED))
        return err_code(E_NOMEM);
    if (r[4] & G_MAP_FIXED)
        unmap_range(os, p, start, start + size);
    svc_map_t m = {.start = start, .end = start + size, .offset = r[6], .host_fd = dup(host),
                   .shared = (r[4] & G_MAP_SHARED) != 0, .kind = REGION_MAPPED_FILE};
    snprintf(m.name, sizeof m.name, "%s", p->svc->files[r[5]].name);
    struct stat st;
    if (fstat(host, &st) == 0)
        m.dev = (uint64_t)st.st_dev, m.ino = (uint64_t)st.st_ino;
    if (m.host_fd < 0)
        return err_code(E_MFILE);
    if (!mmap_add(os, p, &m, REGION_MAPPED_FILE, perm_of(r[3]))) {
        close(m.host_fd);
        return err_code(E_NOMEM);
    }
    return start;
}

/* ---- munmap ---------------------------------------------------------------------- */

/* Cut [start, end) out of mapping i: write back, drop pages, keep the rest. */
static void cut_map(os_t *os, process_t *p, int i, uint32_t start, uint32_t end)
{
    struct proc_services *s = p->svc;
    svc_map_t m = s->maps[i];
    uint32_t from = start > m.start ? start : m.start, to = end < m.end ? end : m.end;
    write_back(os, p, &m, from, to);
    pager_unmap_range(os, p, from, to);
    int region = find_region(p, m.start, m.end);
    os_region_t shape = region >= 0 ? p->regions[region] : (os_region_t){0};
    int keep_fd = m.host_fd >= 0 ? dup(m.host_fd) : -1;
    remove_map(p, i);
    svc_map_t left = m, right = m;
    left.end = from;
    right.start = to;
    right.offset = m.offset + (to - m.start);
    left.host_fd = m.start < from && keep_fd >= 0 ? dup(keep_fd) : -1;
    right.host_fd = to < m.end && keep_fd >= 0 ? dup(keep_fd) : -1;
    if (keep_fd >= 0)
        close(keep_fd);
    const svc_map_t *parts[2] = {&left, &right};
    for (int k = 0; k < 2; k++) {
        if (parts[k]->start >= parts[k]->end || s->nmaps == SVC_MAX_MAPS)
            continue;
        s->maps[s->nmaps++] = *parts[k]; /* room: one slot was just freed, and a split needs one more */
        if (p->nregions < OS_MAX_REGIONS) {
            shape.start = parts[k]->start, shape.end = parts[k]->end;
            p->regions[p->nregions++] = shape;
        }
    }
}

static void unmap_range(os_t *os, process_t *p, uint32_t start, uint32_t end)
{
    struct proc_services *s = p->svc;
    for (int i = 0; s && i < s->nmaps;) {
        const svc_map_t *m = &s->maps[i];
        if (m->start < end && start < m->end && m->kind == REGION_MAPPED_FILE) {
            cut_map(os, p, i, start, end);
            i = 0; /* the table changed order */
        } else {
            i++;
        }
    }
}

static uint32_t sys_munmap(os_t *os, process_t *p, uint32_t addr, uint32_t len)
{
    uint32_t page = page_size_of(os);
    if (!os->pager)
        return err_code(E_NODEV);
    if (addr % page || !len || len > MAX_MAP_BYTES || (uint64_t)addr + len > (1ull << 32))
        return err_code(E_INVAL);
    struct proc_services *s = p->svc;
    if (s && s->nmaps + 1 > SVC_MAX_MAPS)
        return err_code(E_NOMEM); /* a split needs a free slot */
    unmap_range(os, p, addr, (uint32_t)page_up((uint64_t)addr + len, page));
    return 0;
}

bool mmap_syscall(os_t *os, process_t *p, uint32_t number, const uint32_t *r, uint32_t *result)
{
    switch (number) {
    case SYS_MMAP: *result = sys_mmap(os, p, r); return true;
    case SYS_MUNMAP: *result = sys_munmap(os, p, r[1], r[2]); return true;
    default: return false;
    }
}

void mmap_exit(os_t *os, process_t *p)
{
    struct proc_services *s = p->svc;
    for (int i = 0; s && i < s->nmaps; i++) {
        svc_map_t *m = &s->maps[i];
        if (os->pager)
            write_back(os, p, m, m->start, m->end);
        if (m->host_fd >= 0)
            close(m->host_fd);
        if (m->segment && m->host_fd != -2)
            shm_attach_count(m->segment, -1);
        m->host_fd = -2; /* gone: counted once */
        m->host_fd = -1;
        m->image = NULL; /* libraries: their pages now read as zeros */
    }
}
