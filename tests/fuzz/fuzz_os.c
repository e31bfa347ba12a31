/*
 * A small machine and OS for the harnesses that run guests (fuzz_os.h).
 */
#define _GNU_SOURCE
#include "fuzz_os.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz_util.h"

/* The guests' files live in root, a directory of its own inside outer, so
 * that a file a guest made outside its root shows in outer. */
static char outer[64], root[80];

static void empty_directory(const char *path)
{
    DIR *d = opendir(path);
    struct dirent *e;
    while (d && (e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") && strcmp(e->d_name, "root"))
            unlinkat(dirfd(d), e->d_name, 0);
    if (d)
        closedir(d);
}

/* Names in outer besides root (what escaped), or 0. */
static int escaped_files(void)
{
    DIR *d = opendir(outer);
    struct dirent *e;
    int n = 0;
    while (d && (e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") && strcmp(e->d_name, "root"))
            fprintf(stderr, "a guest made %s/%s outside its root\n", outer, e->d_name), n++;
    if (d)
        closedir(d);
    return n;
}

static void remove_root_at_exit(void)
{
    empty_directory(root);
    empty_directory(outer);
    rmdir(root);
    rmdir(outer);
}

/* The directory the guests' files live in (--root), made on first use. */
static const char *guest_root(void)
{
    if (!root[0]) {
        snprintf(outer, sizeof outer, "/tmp/mmulab-fuzz.XXXXXX");
        if (!mkdtemp(outer))
            abort();
        snprintf(root, sizeof root, "%s/root", outer);
        if (mkdir(root, 0700) != 0)
            abort();
        atexit(remove_root_at_exit);
    }
    return root;
}

void fuzz_os_open(fuzz_os_t *r, os_mode_t mode, uint64_t max_cycles, uint64_t quantum)
{
    memset(r, 0, sizeof *r);
    machine_config_t hw;
    machine_config_defaults(&hw);
    hw.mem_size = 256u << 10;
    os_config_t cfg;
    os_config_defaults(&cfg);
    cfg.mode = mode;
    cfg.max_cycles = max_cycles;
    cfg.quantum = quantum;
    cfg.root = guest_root();
    cfg.lib_path = guest_root();
    char err[256];
    evbus_init(&r->bus);
    if (!(r->m = cmodel_create(&hw, &r->bus, err, sizeof err)) || !(r->os = os_create(r->m, &cfg, err, sizeof err))) {
        fprintf(stderr, "fuzz_os_open: %s\n", err);
        abort();
    }
    os_set_console(r->os, fuzz_devnull());
}

void fuzz_os_close(fuzz_os_t *r)
{
    os_destroy(r->os);
    machine_destroy(r->m);
    empty_directory(root);
    if (escaped_files())
        abort();
}

bool fuzz_os_guest_file(int i, char *name, size_t namelen, uint8_t **data, size_t *len)
{
    DIR *d = opendir(guest_root());
    struct dirent *e = NULL;
    int n = 0;
    while (d && (e = readdir(d)) && (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") || n++ < i))
        ;
    bool found = d && e;
    if (found) {
        snprintf(name, namelen, "%s/%s", root, e->d_name);
        FILE *f = fopen(name, "rb");
        *data = malloc(1u << 20);
        if (!*data)
            abort();
        *len = f ? fread(*data, 1, 1u << 20, f) : 0;
        if (f)
            fclose(f);
    }
    if (d)
        closedir(d);
    return found;
}
