/*
 * Paged-translation geometry and the configuration check for paged mode and
 * the TLB (see geometry.h for the split rule).
 */
#include "geometry.h"

#include <stdio.h>

#include "pte.h"
#include "tlb.h"

/* Index bits of every level below the root; the root takes what is left. */
static uint32_t lower_level_bits(uint32_t vpn_bits, uint32_t levels)
{
    return (vpn_bits + levels - 1) / levels;
}

bool paging_config_check(const machine_config_t *cfg, char *err, size_t errlen)
{
    if (cfg->page_shift < 9 || cfg->page_shift > 24) {
        snprintf(err, errlen, "page size 2^%u out of range (512 B .. 16 MiB, page_shift 9..24)", cfg->page_shift);
        return false;
    }
    if (cfg->levels < 1 || cfg->levels > PAGING_MAX_LEVELS) {
        snprintf(err, errlen, "page-table levels %u out of range (1..3)", cfg->levels);
        return false;
    }
    if (cfg->va_bits < 14 || cfg->va_bits > 32 || cfg->va_bits <= cfg->page_shift) {
        snprintf(err, errlen, "virtual address width %u bits out of range (14..32, and above page_shift %u)",
                 cfg->va_bits, cfg->page_shift);
        return false;
    }
    uint32_t vpn_bits = cfg->va_bits - cfg->page_shift;
    if (vpn_bits <= lower_level_bits(vpn_bits, cfg->levels) * (cfg->levels - 1)) {
        snprintf(err, errlen, "%u page-number bits cannot be split over %u levels (each level needs at least 1 bit)",
                 vpn_bits, cfg->levels);
        return false;
    }
    if (((uint64_t)cfg->mem_size >> cfg->page_shift) > (uint64_t)PTE_PPN_MAX + 1) {
        snprintf(err, errlen, "%u bytes of memory have more frames than a PTE's 22-bit PPN can name",
                 cfg->mem_size);
        return false;
    }
    return tlb_config_check(cfg, err, errlen);
}

void paging_geometry(const machine_config_t *cfg, paging_geometry_t *g)
{
    g->levels = cfg->levels;
    g->page_shift = cfg->page_shift;
    g->va_bits = cfg->va_bits;
    g->vpn_bits = cfg->va_bits - cfg->page_shift;
    g->va_above = g->va_bits < 32 ? ~0u << g->va_bits : 0;
    g->offset_mask = (1u << g->page_shift) - 1;
    uint32_t lower = lower_level_bits(g->vpn_bits, g->levels);
    uint32_t shift = g->page_shift;
    for (uint32_t level = g->levels; level-- > 0;) {
        g->index_bits[level] = level ? lower : g->vpn_bits - lower * (g->levels - 1);
        g->index_shift[level] = shift;
        g->index_mask[level] = (1u << g->index_bits[level]) - 1;
        shift += g->index_bits[level];
    }
    for (uint32_t level = g->levels; level < PAGING_MAX_LEVELS; level++)
        g->index_bits[level] = g->index_shift[level] = g->index_mask[level] = 0;
}
