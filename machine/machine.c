/*
 * Names for the interface's enums and the word helpers every user of the
 * machine interface shares.
 */
#include "machine.h"

#include <string.h>

const char *const trap_name[TRAP_COUNT] = {
#define TRAP_SHORT(name, shortname, desc) shortname,
    TRAP_TABLE(TRAP_SHORT)
#undef TRAP_SHORT
};

const char *const trap_desc[TRAP_COUNT] = {
#define TRAP_DESC(name, shortname, desc) desc,
    TRAP_TABLE(TRAP_DESC)
#undef TRAP_DESC
};

const char *const access_name[3] = {"fetch", "load", "store"};

bool machine_read32(machine_t *m, uint32_t paddr, uint32_t *value)
{
    uint8_t b[4];
    if (!machine_phys_read(m, paddr, b, 4))
        return false;
    *value = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
    return true;
}

bool machine_write32(machine_t *m, uint32_t paddr, uint32_t value)
{
    uint8_t b[4] = {(uint8_t)value, (uint8_t)(value >> 8), (uint8_t)(value >> 16), (uint8_t)(value >> 24)};
    return machine_phys_write(m, paddr, b, 4);
}
