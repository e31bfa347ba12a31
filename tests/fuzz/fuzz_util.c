/*
 * Helpers shared by the fuzz harnesses (fuzz_util.h).
 */
#define _GNU_SOURCE
#include "fuzz_util.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

FILE *fuzz_devnull(void)
{
    static FILE *null;
    if (!null && !(null = fopen("/dev/null", "w")))
        abort();
    return null;
}

const char *fuzz_file(const uint8_t *data, size_t size)
{
    static int fd = -1;
    static char path[64];
    if (fd < 0) {
        if ((fd = memfd_create("fuzz-input", 0)) < 0)
            abort();
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    }
    if (ftruncate(fd, 0) != 0 || (size && pwrite(fd, data, size, 0) != (ssize_t)size))
        abort();
    return path;
}

char *fuzz_cstring(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        abort();
    if (size)
        memcpy(s, data, size);
    s[size] = 0;
    return s;
}

int fuzz_split(const uint8_t *data, size_t size, const uint8_t **part, size_t *part_size, int max)
{
    const size_t sep = strlen(FUZZ_SEPARATOR);
    int n = 0;
    while (n < max - 1) {
        const uint8_t *cut = size >= sep ? memmem(data, size, FUZZ_SEPARATOR, sep) : NULL;
        if (!cut)
            break;
        part[n] = data;
        part_size[n++] = (size_t)(cut - data);
        size -= (size_t)(cut - data) + sep;
        data = cut + sep;
    }
    part[n] = data;
    part_size[n++] = size;
    return n;
}

void fuzz_check_elf_round_trip(const exe_t *exe, const char *what)
{
    const char *path = fuzz_file(NULL, 0);
    char err[256];
    exe_t back;
    if (exe_write_elf(path, exe, err, sizeof err) < 0 || exe_read_elf(path, &back, err, sizeof err) < 0) {
        fprintf(stderr, "%s does not survive ELF: %s\n", what, err);
        abort();
    }
    bool same = back.entry == exe->entry && back.nsections == exe->nsections && back.shared == exe->shared &&
                back.relocatable == exe->relocatable;
    for (int i = 0; same && i < exe->nsections; i++)
        same = back.sections[i].addr == exe->sections[i].addr && back.sections[i].size == exe->sections[i].size &&
               back.sections[i].nobits == exe->sections[i].nobits &&
               (exe->sections[i].nobits || !exe->sections[i].size ||
                !memcmp(back.sections[i].data, exe->sections[i].data, exe->sections[i].size));
    if (!same) {
        fprintf(stderr, "%s read back differently\n", what);
        abort();
    }
    exe_free(&back);
}
