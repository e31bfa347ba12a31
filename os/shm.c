#include "services.h"
bool shm_syscall(os_t *os, process_t *p, uint32_t number, const uint32_t *r, uint32_t *result)
{
    (void)os, (void)p, (void)number, (void)r, (void)result;
    return false;
}
