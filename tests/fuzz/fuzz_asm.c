/*
 * Fuzz harness: the assembler (toolchain/asm*.c) on arbitrary source text,
 * as an executable or a relocatable object, with and without a listing.
 * The first byte chooses the options; the rest is the source.  What it
 * assembles must write as ELF and read back the same (else abort()).
 */
#include "fuzz_util.h"

#include "../../toolchain/asm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    asm_options_t opt = {
        .errors = fuzz_devnull(),
        .listing = data[0] & 2 ? fuzz_devnull() : NULL,
        .relocatable = data[0] & 1,
    };
    exe_t exe;
    if (asm_assemble("fuzz.s", (const char *)data + 1, size - 1, &opt, &exe) == 0) {
        fuzz_check_elf_round_trip(&exe, "assembler output");
        exe_free(&exe);
    }
    return 0;
}
