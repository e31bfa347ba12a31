/*
 * Translations in words (see xlate_print.h).
 */
#include "xlate_print.h"

#include <inttypes.h>

void print_geometry(FILE *out, const paging_geometry_t *g)
{
    fprintf(out, "%" PRIu32 "-bit virtual addresses, %" PRIu32 "-byte pages, %" PRIu32 " level%s, 4-byte PTEs\n",
            g->va_bits, 1u << g->page_shift, g->levels, g->levels == 1 ? "" : "s");
}

static void print_field(FILE *out, const char *indent, const char *name, uint32_t value, uint32_t shift, uint32_t bits)
{
    fprintf(out, "%s%-11s 0x%-8" PRIx32 " %10" PRIu32 "   bits %2" PRIu32 "..%-2" PRIu32 " (%" PRIu32 " bits)\n",
            indent, name, value, value, shift + bits - 1, shift, bits);
}

void print_split(FILE *out, const paging_geometry_t *g, uint32_t vaddr, const char *indent)
{
    for (uint32_t l = 0; l < g->levels; l++) {
        char name[24];
        snprintf(name, sizeof name, "L%" PRIu32 " index", l);
        print_field(out, indent, name, paging_index(g, vaddr, l), g->index_shift[l], g->index_bits[l]);
    }
    print_field(out, indent, "offset", paging_offset(g, vaddr), 0, g->page_shift);
    print_field(out, indent, "page (VPN)", paging_vpn(g, vaddr), g->page_shift, g->vpn_bits);
}

void print_table_sizes(FILE *out, const paging_geometry_t *g, const char *indent)
{
    uint64_t tables = 1, total = 0, one_page = 0;
    for (uint32_t l = 0; l < g->levels; l++) {
        uint64_t bytes = paging_table_bytes(g, l);
        fprintf(out, "%slevel %" PRIu32 ": %" PRIu64 " entries x 4 bytes = %" PRIu64 " bytes a table, %s%" PRIu64
                     " table%s\n",
                indent, l, bytes / 4, bytes, l ? "up to " : "", tables, tables == 1 ? "" : "s");
        total += tables * bytes;
        one_page += bytes;
        tables *= bytes / 4;
    }
    fprintf(out, "%severy table of a full address space: %" PRIu64 " bytes; one mapped page needs %" PRIu64
                 " bytes of tables\n",
            indent, total, one_page);
}

void print_walk(FILE *out, const paging_geometry_t *g, uint32_t vaddr, const walk_result_t *r, const char *indent)
{
    (void)vaddr;
    for (uint32_t i = 0; i < r->steps; i++) {
        pte_t pte = r->pte_read[i];
        fprintf(out, "%sL%" PRIu32 " PTE at 0x%08" PRIx32 " = 0x%08" PRIx32 ": ", indent, r->level[i], r->pte_addr[i],
                pte_val(pte));
        if (!pte_valid(pte))
            fprintf(out, "not valid\n");
        else if (r->level[i] + 1 < g->levels)
            fprintf(out, "next table at 0x%08" PRIx32 "\n", pte_ppn(pte) << g->page_shift);
        else
            fprintf(out, "frame 0x%" PRIx32 " (%" PRIu32 ")\n", pte_ppn(pte), pte_ppn(pte));
    }
    fputs(indent, out);
    print_outcome(out, g, r);
}

void print_outcome(FILE *out, const paging_geometry_t *g, const walk_result_t *r)
{
    if (r->cause == TRAP_NONE)
        fprintf(out, "physical address 0x%08" PRIx32 " (frame %" PRIu32 ")\n", r->paddr, r->paddr >> g->page_shift);
    else
        fprintf(out, "fault: %s\n", trap_desc[r->cause]);
}
