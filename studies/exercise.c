/*
 * Exercises answered by the model (see exercise.h).
 */
#include "exercise.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../mmu/geometry.h"

bool pt_image_init(pt_image_t *pt, const machine_config_t *cfg, uint32_t tables_end, char *err, size_t errlen)
{
    memset(pt, 0, sizeof *pt);
    if (!paging_config_check(cfg, err, errlen))
        return false;
    pt->cfg = *cfg;
    walker_init(&pt->walker, cfg);
    if (!(pt->mem = calloc(1, cfg->mem_size))) {
        snprintf(err, errlen, "out of host memory for %u bytes of physical memory", cfg->mem_size);
        return false;
    }
    uint32_t page = 1u << cfg->page_shift;
    pt->tables_end = tables_end < cfg->mem_size ? tables_end : cfg->mem_size;
    pt->next_table = page;
    if (pt->next_table + (uint64_t)paging_table_bytes(&pt->walker.geo, 0) > pt->tables_end) {
        snprintf(err, errlen, "the root table (%u bytes) does not fit in %u bytes of memory",
                 paging_table_bytes(&pt->walker.geo, 0), pt->tables_end);
        pt_image_free(pt);
        return false;
    }
    pt->ptbr = pt->next_table;
    pt->next_table += (paging_table_bytes(&pt->walker.geo, 0) + page - 1) & ~(page - 1);
    pt->table_bytes = paging_table_bytes(&pt->walker.geo, 0);
    return true;
}

void pt_image_free(pt_image_t *pt)
{
    free(pt->mem);
    pt->mem = NULL;
}

bool pt_image_poke(pt_image_t *pt, uint32_t paddr, uint32_t value)
{
    if (paddr % 4 || paddr > pt->cfg.mem_size - 4)
        return false;
    memcpy(pt->mem + paddr, &value, 4);
    return true;
}

static uint32_t peek(const pt_image_t *pt, uint32_t paddr)
{
    uint32_t v;
    memcpy(&v, pt->mem + paddr, 4);
    return v;
}

/* A zeroed table for `level`, page-aligned (a PTE names it by frame); 0 if full. */
static uint32_t new_table(pt_image_t *pt, uint32_t level)
{
    uint32_t page = 1u << pt->cfg.page_shift, bytes = paging_table_bytes(&pt->walker.geo, level);
    uint64_t span = ((uint64_t)bytes + page - 1) & ~(uint64_t)(page - 1);
    if (pt->next_table + span > pt->tables_end)
        return 0;
    uint32_t at = pt->next_table;
    pt->next_table += (uint32_t)span;
    pt->table_bytes += bytes;
    return at;
}

bool pt_image_set(pt_image_t *pt, uint32_t vpn, pte_t leaf)
{
    const paging_geometry_t *g = &pt->walker.geo;
    uint32_t va = vpn << g->page_shift, table = pt->ptbr;
    for (uint32_t level = 0;; level++) {
        uint32_t pte_addr = table + 4 * paging_index(g, va, level);
        if (level == g->levels - 1)
            return pt_image_poke(pt, pte_addr, pte_val(leaf));
        pte_t pte = {peek(pt, pte_addr)};
        if (!pte_valid(pte)) {
            uint32_t next = new_table(pt, level + 1);
            if (!next)
                return false;
            pte = pte_make(next >> g->page_shift, PTE_V);
            pt_image_poke(pt, pte_addr, pte_val(pte));
        }
        table = pte_ppn(pte) << g->page_shift;
    }
}

trap_cause_t pt_image_walk(const pt_image_t *pt, uint32_t vaddr, access_t access, walk_result_t *out)
{
    return mmu_walk(&pt->walker, pt->mem, pt->cfg.mem_size, pt->ptbr, 0, vaddr, access, MODE_USER, out);
}

bool reloc_probe(uint32_t mem_size, uint32_t base, uint32_t limit, uint32_t va, trap_cause_t *cause,
                 uint32_t *paddr, char *err, size_t errlen)
{
    machine_config_t cfg;
    machine_config_defaults(&cfg);
    cfg.mem_size = mem_size;
    machine_t *m = cmodel_create(&cfg, NULL, err, errlen);
    if (!m)
        return false;
    /* LOAD R1, [R2] at logical 0 with R2 = va: the fetch at base (limit >= 4
     * is the caller's), then the load the question asks about */
    uint32_t insn = isa_enc_r(OP_LOADM, 1, 2, 0);
    bool ok = base <= mem_size - 4 && machine_write32(m, base, insn);
    cpu_state_t s = {.pc = 0, .priv = MODE_USER};
    s.r[2] = va;
    machine_set_state(m, &s);
    machine_mmu_set(m, &(mmu_regs_t){.mode = MMU_RELOC, .base = base, .limit = limit});
    retire_t rt;
    if (ok) {
        stop_t stop = machine_step(m, &rt);
        *cause = stop == STOP_TRAP ? machine_trap(m)->cause : TRAP_NONE;
        *paddr = stop == STOP_TRAP ? machine_trap(m)->paddr : rt.mem_paddr;
    } else {
        snprintf(err, errlen, "base 0x%x is outside %u bytes of memory", base, mem_size);
    }
    machine_destroy(m);
    return ok;
}

/* ---- page-table descriptions (`mmulab translate --pt`) ------------------------------- */

static bool parse_flags(const char *text, uint32_t *flags)
{
    static const char letters[] = "vrwxugad";
    static const uint32_t bits[] = {PTE_V, PTE_R, PTE_W, PTE_X, PTE_U, PTE_G, PTE_A, PTE_D};
    *flags = 0;
    for (const char *c = text; *c; c++) {
        const char *at = strchr(letters, *c);
        if (!at)
            return false;
        *flags |= bits[at - letters];
    }
    return true;
}

/* Decimal or 0x hex (never octal), no sign, no blanks. */
static bool parse_number(const char *text, uint32_t *out)
{
    bool hex = text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
    const char *digits = hex ? text + 2 : text;
    if (!(hex ? isxdigit((unsigned char)*digits) : isdigit((unsigned char)*digits)))
        return false;
    char *end;
    errno = 0;
    unsigned long v = strtoul(digits, &end, hex ? 16 : 10);
    if (errno || *end || v > UINT32_MAX)
        return false;
    *out = (uint32_t)v;
    return true;
}

/* One directive into pt; false if it is not one or does not fit. */
static bool pt_directive(pt_image_t *pt, char *line)
{
    char *word[5] = {0}, *save = NULL;
    int n = 0;
    for (char *tok = strtok_r(line, " \t\r\n", &save); tok && n < 5; tok = strtok_r(NULL, " \t\r\n", &save))
        word[n++] = tok;
    if (n == 0 || word[0][0] == '#')
        return true;
    uint32_t x = 0, y = 0, flags = PTE_V | PTE_R | PTE_W | PTE_X | PTE_U;
    if (!strcmp(word[0], "map") && (n == 3 || n == 4) && parse_number(word[1], &x) && parse_number(word[2], &y) &&
        (n < 4 || parse_flags(word[3], &flags)))
        return y <= PTE_PPN_MAX && x < (1ull << pt->walker.geo.vpn_bits) && pt_image_set(pt, x, pte_make(y, flags));
    if (!strcmp(word[0], "word") && n == 3 && parse_number(word[1], &x) && parse_number(word[2], &y))
        return pt_image_poke(pt, x, y);
    if (!strcmp(word[0], "ptbr") && n == 2 && parse_number(word[1], &x) && x < pt->cfg.mem_size)
        return (pt->ptbr = x), true;
    return false;
}

bool pt_image_load(pt_image_t *pt, FILE *f, const char *name, char *err, size_t errlen)
{
    char line[256];
    int lineno = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        if (!strchr(line, '\n') && !feof(f)) {
            snprintf(err, errlen, "%s:%d: error: line longer than %zu bytes", name, lineno, sizeof line - 2);
            return false;
        }
        if (!pt_directive(pt, line)) {
            snprintf(err, errlen, "%s:%d: error: expected `map VPN PPN [FLAGS]` (a page of the address space), "
                                  "`word PADDR VALUE` or `ptbr PADDR` within memory and the table area", name, lineno);
            return false;
        }
    }
    return true;
}
