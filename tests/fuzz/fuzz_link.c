/*
 * Fuzz harness: the static linker (toolchain/link.c) on up to four inputs
 * (objects, archives, dynamic libraries), cut from the data at each
 * "\n--\n"; the first byte asks for a dynamic library as the output.  What
 * it links must write as ELF and read back the same (else abort()).
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz_util.h"

#include "../../toolchain/link.h"

#define MAX_INPUTS 4

/* The output written and read back: same sections, entry and symbols. */
static void check_round_trip(const exe_t *out)
{
    const char *path = fuzz_file(NULL, 0);
    char err[256];
    exe_t back;
    if (exe_write_elf(path, out, err, sizeof err) < 0 || exe_read_elf(path, &back, err, sizeof err) < 0) {
        fprintf(stderr, "linker output does not survive ELF: %s\n", err);
        abort();
    }
    bool same = back.entry == out->entry && back.nsections == out->nsections && back.shared == out->shared;
    for (int i = 0; same && i < out->nsections; i++)
        same = back.sections[i].addr == out->sections[i].addr && back.sections[i].size == out->sections[i].size;
    if (!same) {
        fprintf(stderr, "linker output read back differently\n");
        abort();
    }
    exe_free(&back);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    static const char *const names[MAX_INPUTS] = {"a.o", "libb.so", "c.a", "d.o"};
    const uint8_t *part[MAX_INPUTS];
    size_t part_size[MAX_INPUTS];
    int n = fuzz_split(data + 1, size - 1, part, part_size, MAX_INPUTS);
    link_input_t in[MAX_INPUTS];
    for (int i = 0; i < n; i++)
        in[i] = (link_input_t){.name = names[i], .data = part[i], .size = part_size[i]};
    link_options_t opt = {.errors = fuzz_devnull(), .shared = data[0] & 1};
    exe_t out;
    if (link_buffers(in, n, &opt, &out) == 0) {
        check_round_trip(&out);
        exe_free(&out);
    }
    return 0;
}
