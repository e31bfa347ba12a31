/*
 * Fuzz harness: the archive reader (toolchain/archive.c) on arbitrary bytes,
 * and the ELF reader on every member it yields, as the linker reads them.
 */
#include "fuzz_util.h"

#include "../../toolchain/archive.h"
#include "../../toolchain/exe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    archive_t ar;
    char err[256];
    if (!archive_is(data, size) || archive_parse(data, size, &ar, err, sizeof err) < 0)
        return 0;
    for (int i = 0; i < ar.n; i++) {
        exe_t obj;
        if (exe_parse_elf(ar.members[i].data, ar.members[i].size, &obj, err, sizeof err) == 0)
            exe_free(&obj);
    }
    archive_free(&ar);
    return 0;
}
