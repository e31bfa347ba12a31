/*
 * The services' entry points for the kernel and the system-call layer
 * (services.h): dispatch of the service system calls, the start of a run
 * (implicitly imported libraries) and the end of a process (shared
 * mappings written back, files closed).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../mmu/pte.h"
#include "services.h"
#include "syscall.h"

int services_fetch_string(os_t *os, process_t *p, uint32_t addr, char *buf, uint32_t max)
{
    for (uint32_t i = 0; i < max; i++) {
        if (!os_copy_from_user(os, p, addr + i, &buf[i], 1))
            return -E_FAULT;
        if (!buf[i])
            return 0;
    }
    return -E_NAMETOOLONG;
}

bool services_syscall(os_t *os, process_t *p, uint32_t number, cpu_state_t *cpu, uint32_t *result)
{
    const uint32_t *r = cpu->r;
    return files_syscall(os, p, number, r, result) || mmap_syscall(os, p, number, r, result) ||
           dynlib_syscall(os, p, number, r, result) || shm_syscall(os, p, number, r, result) ||
           process_syscall(os, p, number, cpu, result) || memuse_syscall(os, p, number, r, result);
}

/* The child's copy of a library: its own image and pages' bytes. */
static bool copy_library(svc_lib_t *dst, const svc_lib_t *src)
{
    *dst = *src;
    dst->flat = NULL;
    if (!exe_clone(&dst->image, &src->image))
        return false;
    if (src->flat && (dst->flat = malloc(src->size ? src->size : 1)))
        memcpy(dst->flat, src->flat, src->size);
    return !src->flat || dst->flat;
}

struct proc_services *services_fork(const struct proc_services *parent)
{
    struct proc_services *s = malloc(sizeof *s);
    if (!s)
        return NULL;
    *s = *parent;
    s->parent = 0, s->reaped = false;
    for (int fd = 0; fd < SVC_MAX_FILES; fd++)
        if (s->files[fd].host_fd >= 0)
            s->files[fd].host_fd = dup(s->files[fd].host_fd);
    for (int i = 0; i < s->nmaps; i++) {
        if (s->maps[i].host_fd >= 0)
            s->maps[i].host_fd = dup(s->maps[i].host_fd);
        if (s->maps[i].segment)
            shm_attach_count(s->maps[i].segment, +1); /* the child is attached too */
    }
    for (int i = 0; i < s->nlibs; i++) {
        if (!copy_library(&s->libs[i], &parent->libs[i]))
            s->libs[i].refs = 0, s->libs[i].flat = NULL;
        for (int k = 0; k < s->nmaps; k++)
            if (parent->libs[i].flat && s->maps[k].image == parent->libs[i].flat)
                s->maps[k].image = s->libs[i].flat;
    }
    return s;
}

void services_start(os_t *os)
{
    for (int pid = 1; pid <= os_process_count(os); pid++) {
        process_t *p = os_process(os, pid);
        if (p->state == PROC_READY)
            dynlib_start(os, p);
    }
}

void services_exit(os_t *os, process_t *p)
{
    struct proc_services *s = p->svc;
    if (!s)
        return;
    mmap_exit(os, p);
    for (int fd = 0; fd < SVC_MAX_FILES; fd++)
        if (s->files[fd].host_fd >= 0) {
            close(s->files[fd].host_fd);
            s->files[fd].host_fd = -1;
        }
}

void services_free(process_t *p)
{
    struct proc_services *s = p->svc;
    if (!s)
        return;
    for (int fd = 0; fd < SVC_MAX_FILES; fd++)
        if (s->files[fd].host_fd >= 0)
            close(s->files[fd].host_fd);
    for (int i = 0; i < s->nmaps; i++)
        if (s->maps[i].host_fd >= 0)
            close(s->maps[i].host_fd);
    for (int i = 0; i < s->nlibs; i++) {
        exe_free(&s->libs[i].image);
        free(s->libs[i].flat);
    }
    free(s);
    p->svc = NULL;
}

/* ---- the region table, as the seed's slide 40 draws it --------------------------------- */

static const svc_map_t *map_of(const process_t *p, const os_region_t *r)
{
    for (int i = 0; p->svc && i < p->svc->nmaps; i++)
        if (p->svc->maps[i].start == r->start && p->svc->maps[i].end == r->end)
            return &p->svc->maps[i];
    return NULL;
}

/* Support, shared/private and fixed/variable of a region. */
static void describe_region(const process_t *p, const os_region_t *r, char *support, size_t len, const char **use,
                            const char **size)
{
    const svc_map_t *m = map_of(p, r);
    static const char *const uses[REGION_KIND_COUNT] = {"shared",  "private", "private", "private", "private",
                                                        "private", "shared",  "private", "shared",
                                                        "private"};
    *use = uses[r->kind];
    *size = r->kind == REGION_HEAP || r->kind == REGION_STACK || r->kind == REGION_THREAD_STACK ||
                    r->kind == REGION_MAPPED_FILE ||
                    r->kind == REGION_SHARED_MEMORY
                ? "variable"
                : "fixed";
    switch (r->kind) {
    case REGION_CODE:
    case REGION_DATA: snprintf(support, len, "file (%.40s)", p->name); break;
    case REGION_MAPPED_FILE:
        snprintf(support, len, "file %s", m ? m->name : "?");
        *use = m && m->shared ? "shared" : "private";
        break;
    case REGION_LIB_CODE:
    case REGION_LIB_DATA: snprintf(support, len, "library %s", m ? m->name : "?"); break;
    case REGION_SHARED_MEMORY: snprintf(support, len, "none (zeros), %s", m ? m->name : "?"); break;
    default: snprintf(support, len, "none (zeros)"); break;
    }
}

bool os_region_info(os_t *os, int pid, int i, char *support, size_t len, const char **use, const char **size)
{
    const process_t *p = os_space(os, os_process(os, pid)); /* a thread has its leader's table */
    if (!p || i < 0 || i >= p->nregions)
        return false;
    describe_region(p, &p->regions[i], support, len, use, size);
    return true;
}

static void print_process_regions(const os_t *os, const process_t *p, FILE *out)
{
    const os_config_t *c = &os->cfg;
    fprintf(out, "process %d (%s): region table", p->pid, p->name);
    if (c->scope_local || c->alloc_priority || c->alloc_proportional) /* quotas in use (os_print_frame_quotas) */
        fprintf(out, ", frame quota %u", p->frame_quota);
    fprintf(out, "\n");
    fprintf(out, "  %-13s %-10s %-10s %-28s %-10s %-14s %s\n", "region", "start", "end", "support", "protection",
            "shared/private", "size");
    for (int i = 0; i < p->nregions; i++) {
        const os_region_t *r = &p->regions[i];
        char support[64], prot[4] = {r->perm & PTE_R ? 'r' : '-', r->perm & PTE_W ? 'w' : '-', r->perm & PTE_X ? 'x' : '-', 0};
        const char *use, *size;
        describe_region(p, r, support, sizeof support, &use, &size);
        fprintf(out, "  %-13s 0x%08x 0x%08x %-28s %-10s %-14s %s\n", region_kind_name[r->kind], r->start, r->end, support,
                prot, use, size);
    }
}

void os_print_regions(os_t *os, FILE *out)
{
    uint32_t peak, now = os->pager ? pager_frames_saved(os, &peak) : 0;
    if (os->pager)
        fprintf(out, "frame sharing: %u frames saved now, at most %u at once during the run\n", now, peak);
    for (int pid = 1; pid <= os_process_count(os); pid++) {
        const process_t *p = os_process(os, pid);
        if (os->pager && p->leader)
            fprintf(out, "process %d (%s): a thread of process %d, in its address space; its stack ends at 0x%08x\n",
                    p->pid, p->name, p->leader, p->tstack_end);
        else if (os->pager)
            print_process_regions(os, p, out);
        else if (os->cfg.mode == OS_SEG)
            segments_print(os, p, out); /* os/segment.c */
        else
            fprintf(out, "process %d (%s): no region table under %s: one partition, 0x%08x..0x%08x\n", p->pid,
                    p->name, os_mode_name[os->cfg.mode], p->base, p->base + p->size);
    }
}
