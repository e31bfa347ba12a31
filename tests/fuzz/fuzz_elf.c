/*
 * Fuzz harness: the ELF32 reader (toolchain/elf.c) on arbitrary bytes and,
 * for what it accepts as an executable, the OS's loader (os/loader.c) in
 * the mode the first byte picks, then a short run of the program.  What
 * the reader accepts must write back as ELF and read the same (else abort()).
 */
#include "fuzz_util.h"
#include "fuzz_os.h"

#include "../../toolchain/exe.h"

#define RUN_CYCLES 20000

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    exe_t exe;
    char err[256];
    if (exe_parse_elf(data + 1, size - 1, &exe, err, sizeof err) < 0)
        return 0;
    fuzz_check_elf_round_trip(&exe, "what the reader accepted");
    if (!exe.relocatable && !exe.shared) {
        fuzz_os_t r;
        fuzz_os_open(&r, (os_mode_t)(data[0] % OS_MODE_COUNT), RUN_CYCLES, 1000);
        if (os_load(r.os, &exe, "fuzz", err, sizeof err) > 0 && (data[0] & 0x80))
            os_run(r.os);
        fuzz_os_close(&r);
    }
    exe_free(&exe);
    return 0;
}
