/*
 * Fuzz harness: page-table descriptions (`mmulab translate --pt`,
 * studies/exercise.c) in a geometry the first byte picks (page size 512 B
 * to 16 KiB, 1 to 3 levels, 14 to 32 address bits), then walks of the
 * addresses the second byte seeds, by the model's walker.  A walk that says
 * it translated must name a physical address inside memory (else abort()).
 */
#include <stdlib.h>

#include "fuzz_util.h"

#include "../../mmu/geometry.h"
#include "../../studies/exercise.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    machine_config_t cfg;
    machine_config_defaults(&cfg);
    cfg.page_shift = 9 + data[0] % 6;
    cfg.levels = 1 + (data[0] >> 3) % 3;
    cfg.va_bits = 14 + (data[0] >> 5) * 3;
    cfg.mem_size = 256 * 1024;
    pt_image_t pt;
    char err[512];
    if (!pt_image_init(&pt, &cfg, cfg.mem_size, err, sizeof err))
        return 0;
    FILE *f = fmemopen((void *)(data + 2), size - 2 ? size - 2 : 1, "r");
    if (f && pt_image_load(&pt, f, "fuzz", err, sizeof err)) {
        uint32_t va = data[1] * 0x01010101u;
        for (int i = 0; i < 16; i++, va = va * 2654435761u + 12345) {
            uint32_t vaddr = cfg.va_bits < 32 ? va & ((1u << cfg.va_bits) - 1) : va;
            walk_result_t r;
            if (pt_image_walk(&pt, vaddr, (access_t)(i % 3), &r) == TRAP_NONE && r.paddr >= cfg.mem_size)
                abort();
        }
    }
    if (f)
        fclose(f);
    pt_image_free(&pt);
    return 0;
}
