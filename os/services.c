/*
 * The services' entry points for the kernel and the system-call layer
 * (services.h): dispatch of the service system calls, the start of a run
 * (implicitly imported libraries) and the end of a process (shared
 * mappings written back, files closed).
 */
#include <stdlib.h>
#include <unistd.h>

#include "services.h"

bool services_syscall(os_t *os, process_t *p, uint32_t number, const uint32_t *r, uint32_t *result)
{
    return files_syscall(os, p, number, r, result) || mmap_syscall(os, p, number, r, result) ||
           dynlib_syscall(os, p, number, r, result);
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
