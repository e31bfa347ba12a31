/*
 * The assembler's layout step and the program image it ends with.  Between
 * the passes, asm_layout places .text, .data and .bss in that order (a
 * section starts where its first byte is emitted: after the previous one,
 * aligned, unless its first statement was an .org), checks that .org never
 * went backwards and that no sections overlap, turns every floating label
 * into an absolute address and allocates the section buffers pass 2 fills.
 * After pass 2, asm_build_exe moves sections, symbols and relocations into
 * the exe_t, with the entry point (`start`, `_start`, else .text's start).
 */
#include <stdlib.h>
#include <string.h>

#include "asm_internal.h"

const char *const asm_section_names[ASM_NSECTIONS] = {".text", ".data", ".bss"};
static const uint32_t section_perms[ASM_NSECTIONS] = {SEC_R | SEC_X, SEC_R | SEC_W, SEC_R | SEC_W};

static void place_section(asm_t *as, int i, int64_t *prev_end)
{
    asm_section_t *s = &as->sec[i];
    if (!s->used) {
        s->start = s->end = *prev_end;
        return;
    }
    if (s->start_fixed) {
        s->start = s->first_org;
    } else {
        int64_t align = s->align > 4 ? s->align : 4;
        s->start = (*prev_end + align - 1) / align * align;
    }
    if (s->anchored && !s->start_fixed && s->start + s->float_size > s->first_org)
        asm_error_at(as, s->org_line, s->org_col, ".org %lld moves backwards: %s already reaches %lld there",
                     (long long)s->first_org, asm_section_names[i], (long long)(s->start + s->float_size));
    s->end = s->anchored ? s->lc : s->start + s->lc;
    if (s->end > ASM_MAX_ADDRESS)
        asm_error_at(as, s->first_line, 1, "%s ends at %lld, beyond the 256 MiB address space", asm_section_names[i],
                     (long long)s->end);
    if (s->end > s->start)
        *prev_end = s->end;
}

static void place_sections(asm_t *as)
{
    int64_t prev_end = 0;
    for (int i = 0; i < ASM_NSECTIONS; i++)
        place_section(as, i, &prev_end);
    for (int i = 0; i < ASM_NSECTIONS; i++)
        for (int j = 0; j < i; j++) {
            const asm_section_t *a = &as->sec[i], *b = &as->sec[j];
            if (a->end > a->start && b->end > b->start && a->start < b->end && b->start < a->end)
                asm_error_at(as, a->first_line, 1, "%s (%lld..%lld) overlaps %s (%lld..%lld)", asm_section_names[i],
                             (long long)a->start, (long long)a->end - 1, asm_section_names[j], (long long)b->start,
                             (long long)b->end - 1);
        }
    for (int i = 0; i < as->nsyms; i++) {
        sym_t *s = &as->syms[i];
        if (s->kind == SYM_LABEL && s->floating)
            s->pos += as->sec[s->section].start;
        s->floating = false;
    }
}

static void allocate_sections(asm_t *as)
{
    for (int i = 0; i < ASM_NSECTIONS; i++) {
        asm_section_t *s = &as->sec[i];
        if (i != ASM_BSS && s->end > s->start && !(s->data = calloc(1, (size_t)(s->end - s->start))))
            abort();
    }
}

static void check_globals(asm_t *as)
{
    for (int i = 0; i < as->nsyms; i++)
        if (as->syms[i].kind == SYM_UNDEF && as->syms[i].global && !as->opt->relocatable)
            asm_error_at(as, 0, 0, "'%s' is declared .global but never defined", as->syms[i].name);
}

/* ---- the program image ------------------------------------------------- */

static void build_sections(asm_t *as, exe_t *out, int *index)
{
    for (int i = 0; i < ASM_NSECTIONS; i++) {
        asm_section_t *s = &as->sec[i];
        index[i] = -1;
        if (s->end <= s->start)
            continue;
        exe_section_t *e = &out->sections[out->nsections];
        snprintf(e->name, sizeof e->name, "%s", asm_section_names[i]);
        e->addr = (uint32_t)s->start;
        e->size = (uint32_t)(s->end - s->start);
        e->perm = section_perms[i];
        e->nobits = i == ASM_BSS;
        e->data = s->data;
        s->data = NULL;
        index[i] = out->nsections++;
    }
}

static void build_symbols(asm_t *as, exe_t *out, const int *section_index, int *sym_index)
{
    out->symbols = calloc((size_t)as->nsyms + 1, sizeof *out->symbols);
    if (!out->symbols)
        abort();
    for (int i = 0; i < as->nsyms; i++) {
        const sym_t *s = &as->syms[i];
        sym_index[i] = -1;
        if (s->kind == SYM_UNDEF && !s->global && !as->opt->relocatable)
            continue;
        exe_symbol_t *e = &out->symbols[out->nsymbols];
        e->name = strdup(s->name);
        e->global = s->global;
        if (s->kind == SYM_LABEL)
            e->value = (uint32_t)s->pos, e->section = section_index[s->section];
        else if (s->kind == SYM_CONST)
            e->value = (uint32_t)s->value, e->section = -1;
        else
            e->value = 0, e->section = -2;
        sym_index[i] = out->nsymbols++;
    }
}

static uint32_t entry_point(const asm_t *as)
{
    static const char *const names[] = {"start", "_start"};
    for (int i = 0; i < 2; i++) {
        int s = sym_find(as, names[i], (int)strlen(names[i]));
        if (s >= 0 && as->syms[s].kind == SYM_LABEL)
            return (uint32_t)as->syms[s].pos;
    }
    return (uint32_t)as->sec[ASM_TEXT].start;
}

void asm_build_exe(asm_t *as, exe_t *out)
{
    int section_index[ASM_NSECTIONS];
    int *sym_index = calloc((size_t)as->nsyms + 1, sizeof *sym_index);
    if (!sym_index)
        abort();
    out->relocatable = as->opt->relocatable;
    out->entry = out->relocatable ? 0 : entry_point(as); /* an object has none (exe.h) */
    build_sections(as, out, section_index);
    build_symbols(as, out, section_index, sym_index);
    out->relocs = calloc((size_t)as->nrelocs + 1, sizeof *out->relocs);
    if (!out->relocs)
        abort();
    for (int i = 0; i < as->nrelocs; i++) {
        const asm_reloc_t *r = &as->relocs[i];
        out->relocs[i] = (exe_reloc_t){r->address, r->type, r->value, r->sym >= 0 ? sym_index[r->sym] : -1};
    }
    out->nrelocs = as->nrelocs;
    free(sym_index);
}

/* The reader rejects an executable whose entry point is in no section. */
static void check_entry(asm_t *as)
{
    uint32_t entry = entry_point(as);
    bool any = false;
    for (int i = 0; i < ASM_NSECTIONS; i++) {
        const asm_section_t *s = &as->sec[i];
        if (s->end > s->start && entry >= s->start && entry < s->end)
            return;
        any |= s->end > s->start;
    }
    if (any && !as->opt->relocatable)
        asm_error_at(as, 0, 0, "the entry point %u is outside every section: define 'start' or put code in .text",
                     entry);
}

void asm_layout(asm_t *as)
{
    place_sections(as);
    check_globals(as);
    check_entry(as);
    if (as->errors == 0)
        allocate_sections(as);
}
