/*
 * Fuzz harness: the static linker (toolchain/link.c) on up to four inputs
 * (objects, archives, dynamic libraries), cut from the data at each
 * "\n--\n"; the first byte asks for a dynamic library as the output.  What
 * it links must write as ELF and read back the same (else abort()).
 */
#include "fuzz_util.h"

#include "../../toolchain/link.h"

#define MAX_INPUTS 4

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
        fuzz_check_elf_round_trip(&out, "linker output");
        exe_free(&out);
    }
    return 0;
}
