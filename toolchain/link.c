/*
 * The static linker (link.h).  It works in the order a textbook linker does:
 * read the inputs, define every global symbol (a second definition is an
 * error naming both files), pull in the archive members that define a
 * symbol still missing until nothing changes, bind what remains to dynamic
 * libraries' exports (or report it missing), lay the sections out end to
 * end, then copy the bytes and patch every relocated field with reloc_apply,
 * keeping each relocation in the output.  Calls into a dynamic library go
 * through a two-instruction stub and a slot of the import table, whose
 * format the OS's dynamic loader reads (os/dynlib.c, docs/services.md):
 *
 *   __imports: .word lib_name          ; a library, then its symbols:
 *              .word sym_name, name@bind ; name, slot the loader fills
 *              .word 0                 ;   end of this library's symbols
 *              .word 0                 ; end of the table
 */
#include "link.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "archive.h"
#include "../machine/isa.h"

#define MAX_INPUT (256u << 20)
#define STUB_BYTES 16 /* name@plt (jump through the slot) + name@bind (lazy binding) */
#define LINK_PAGE 4096 /* -shared: the default page size */
#define IMPORTS_SYMBOL "__imports"

typedef struct {
    char *file;                       /* "a.o" or "lib.a(x.o)"                */
    exe_t obj;
    bool used;                        /* part of the link                     */
    int out_sec[EXE_MAX_SECTIONS];    /* output section of each input section  */
    uint32_t delta[EXE_MAX_SECTIONS]; /* output address - input address        */
} module_t;

typedef struct {
    char name[64];                    /* as the import table names it          */
    exe_t image;
} library_t;

typedef struct {
    const char *name;
    int module, symbol;
} definition_t;

typedef struct {
    const char *name;
    int library;
    uint32_t stub, slot;              /* output addresses                      */
} import_t;

typedef struct {
    FILE *err;
    bool shared;
    int errors;
    module_t *mods;
    int nmods;
    library_t *libs;
    int nlibs;
    definition_t *defs;
    int ndefs;
    import_t *imports;
    int nimports;
    uint32_t stubs_at, table_at, table_size;
    exe_t *out;
} linker_t;

static void *grow(void *p, int n, size_t size)
{
    void *q = realloc(p, (size_t)(n + 1) * size);
    if (!q)
        abort();
    return q;
}

static void link_error(linker_t *L, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void link_error(linker_t *L, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(L->err, "mmulab ld: error: ");
    vfprintf(L->err, fmt, ap);
    fputc('\n', L->err);
    va_end(ap);
    L->errors++;
}

static uint32_t align_up(uint32_t v, uint32_t a) { return (v + a - 1) & ~(a - 1); }

void link_library_name(const char *path, char *name, size_t len)
{
    const char *slash = strrchr(path, '/');
    snprintf(name, len, "%s", slash ? slash + 1 : path);
    char *dot = strrchr(name, '.');
    if (dot && (!strcmp(dot, ".so") || !strcmp(dot, ".x") || !strcmp(dot, ".s")))
        *dot = '\0';
}

/* ---- inputs -------------------------------------------------------------- */

static void add_module(linker_t *L, char *file, const exe_t *obj, bool used)
{
    L->mods = grow(L->mods, L->nmods, sizeof *L->mods);
    module_t *m = &L->mods[L->nmods++];
    memset(m, 0, sizeof *m);
    m->file = file;
    m->obj = *obj;
    m->used = used;
}

static void add_archive(linker_t *L, const char *path, const uint8_t *buf, size_t len)
{
    archive_t ar;
    char msg[256];
    if (archive_parse(buf, len, &ar, msg, sizeof msg) < 0) {
        link_error(L, "%s: %s", path, msg);
        return;
    }
    for (int i = 0; i < ar.n; i++) {
        exe_t obj;
        size_t n = strlen(path) + strlen(ar.members[i].name) + 3;
        char *file = malloc(n);
        if (!file)
            abort();
        snprintf(file, n, "%s(%s)", path, ar.members[i].name);
        if (exe_parse_elf(ar.members[i].data, ar.members[i].size, &obj, msg, sizeof msg) < 0 || !obj.relocatable) {
            link_error(L, "%s: not a relocatable object%s%s", file, obj.relocatable ? ": " : "",
                       obj.relocatable ? msg : "");
            if (!obj.relocatable)
                exe_free(&obj);
            free(file);
            continue;
        }
        add_module(L, file, &obj, false);
    }
    archive_free(&ar);
}

static void add_elf(linker_t *L, const char *path, const uint8_t *buf, size_t len)
{
    exe_t obj;
    char msg[256];
    if (exe_parse_elf(buf, len, &obj, msg, sizeof msg) < 0) {
        link_error(L, "%s: %s", path, msg);
        return;
    }
    if (obj.shared) {
        L->libs = grow(L->libs, L->nlibs, sizeof *L->libs);
        library_t *lib = &L->libs[L->nlibs++];
        link_library_name(path, lib->name, sizeof lib->name);
        lib->image = obj;
    } else if (obj.relocatable) {
        char *file = strdup(path);
        if (!file)
            abort();
        add_module(L, file, &obj, true);
    } else {
        link_error(L, "%s: an executable cannot be linked (give objects, archives or libraries)", path);
        exe_free(&obj);
    }
}

static void add_input(linker_t *L, const char *name, const uint8_t *buf, size_t len)
{
    if (archive_is(buf, len))
        add_archive(L, name, buf, len);
    else
        add_elf(L, name, buf, len);
}

/* An input starts as an ELF file or an archive, or it is refused at its
 * first block (a pipe of anything else is not read to its end). */
static int check_input_head(const uint8_t *head, size_t len, char *err, size_t errlen)
{
    if (archive_is(head, len) || (len >= 4 && !memcmp(head, "\x7f" "ELF", 4)))
        return 0;
    snprintf(err, errlen, "neither an ELF object nor an archive (its first bytes)");
    return -1;
}

static void load_input(linker_t *L, const char *path)
{
    uint8_t *buf;
    size_t len;
    char msg[512];
    if (file_read_checked(path, MAX_INPUT, check_input_head, &buf, &len, msg, sizeof msg) < 0) {
        link_error(L, "%s", msg);
        return;
    }
    add_input(L, path, buf, len);
    free(buf);
}

/* ---- symbols ------------------------------------------------------------- */

static int find_definition(const linker_t *L, const char *name)
{
    for (int i = 0; i < L->ndefs; i++)
        if (!strcmp(L->defs[i].name, name))
            return i;
    return -1;
}

static int find_import(const linker_t *L, const char *name)
{
    for (int i = 0; i < L->nimports; i++)
        if (!strcmp(L->imports[i].name, name))
            return i;
    return -1;
}

static bool is_definition(const exe_symbol_t *s) { return s->global && s->section != -2; }

static void define_globals(linker_t *L, int m)
{
    const exe_t *obj = &L->mods[m].obj;
    for (int s = 0; s < obj->nsymbols; s++) {
        if (!is_definition(&obj->symbols[s]))
            continue;
        int d = find_definition(L, obj->symbols[s].name);
        if (d >= 0) {
            link_error(L, "'%s' is defined twice: in %s and in %s", obj->symbols[s].name, L->mods[L->defs[d].module].file,
                       L->mods[m].file);
            continue;
        }
        L->defs = grow(L->defs, L->ndefs, sizeof *L->defs);
        L->defs[L->ndefs++] = (definition_t){obj->symbols[s].name, m, s};
    }
}

/* Is name referenced (undefined) by a module of the link and defined nowhere yet? */
static bool is_missing(const linker_t *L, const char *name)
{
    if (find_definition(L, name) >= 0)
        return false;
    for (int m = 0; m < L->nmods; m++) {
        if (!L->mods[m].used)
            continue;
        const exe_t *obj = &L->mods[m].obj;
        for (int s = 0; s < obj->nsymbols; s++)
            if (obj->symbols[s].section == -2 && !strcmp(obj->symbols[s].name, name))
                return true;
    }
    return false;
}

static bool member_resolves(const linker_t *L, int m)
{
    const exe_t *obj = &L->mods[m].obj;
    for (int s = 0; s < obj->nsymbols; s++)
        if (is_definition(&obj->symbols[s]) && is_missing(L, obj->symbols[s].name))
            return true;
    return false;
}

/* Pull archive members in while any of them defines a missing symbol. */
static void pull_archive_members(linker_t *L)
{
    bool changed = true;
    while (changed) {
        changed = false;
        for (int m = 0; m < L->nmods; m++)
            if (!L->mods[m].used && member_resolves(L, m)) {
                L->mods[m].used = true;
                define_globals(L, m);
                changed = true;
            }
    }
}

static int library_exporting(const linker_t *L, const char *name)
{
    for (int l = 0; l < L->nlibs; l++) {
        const exe_t *img = &L->libs[l].image;
        for (int s = 0; s < img->nsymbols; s++)
            if (is_definition(&img->symbols[s]) && !strcmp(img->symbols[s].name, name))
                return l;
    }
    return -1;
}

/* Bind each reference still missing to a library's export, or report it. */
static void resolve_undefined(linker_t *L)
{
    for (int m = 0; m < L->nmods; m++) {
        const exe_t *obj = &L->mods[m].obj;
        for (int s = 0; L->mods[m].used && s < obj->nsymbols; s++) {
            const char *name = obj->symbols[s].name;
            if (obj->symbols[s].section != -2 || find_definition(L, name) >= 0 || find_import(L, name) >= 0)
                continue;
            int lib = library_exporting(L, name);
            if (lib < 0) {
                link_error(L, "undefined reference to '%s' (in %s)", name, L->mods[m].file);
                L->defs = grow(L->defs, L->ndefs, sizeof *L->defs); /* report each name once */
                L->defs[L->ndefs++] = (definition_t){name, m, s};
                continue;
            }
            L->imports = grow(L->imports, L->nimports, sizeof *L->imports);
            L->imports[L->nimports++] = (import_t){name, lib, 0, 0};
        }
    }
}

/* ---- layout -------------------------------------------------------------- */

static int output_section(linker_t *L, const char *name, bool nobits, uint32_t perm)
{
    exe_t *out = L->out;
    for (int i = 0; i < out->nsections; i++)
        if (!strcmp(out->sections[i].name, name))
            return i;
    if (out->nsections == EXE_MAX_SECTIONS) {
        link_error(L, "more than %d kinds of section", EXE_MAX_SECTIONS);
        return -1;
    }
    exe_section_t *s = &out->sections[out->nsections];
    snprintf(s->name, sizeof s->name, "%s", name);
    s->nobits = nobits;
    s->perm = perm;
    return out->nsections++;
}

/* Output sections: .text, .data, .bss first, then any other kind seen. */
static void create_sections(linker_t *L)
{
    static const char *const order[] = {".text", ".data", ".bss"};
    static const uint32_t perm[] = {SEC_R | SEC_X, SEC_R | SEC_W, SEC_R | SEC_W};
    for (int k = 0; k < 3; k++) {
        bool needed = L->nimports && k < 2;
        for (int m = 0; m < L->nmods && !needed; m++)
            for (int i = 0; L->mods[m].used && i < L->mods[m].obj.nsections; i++)
                needed |= !strcmp(L->mods[m].obj.sections[i].name, order[k]);
        if (needed)
            output_section(L, order[k], k == 2, perm[k]);
    }
    for (int m = 0; m < L->nmods; m++)
        for (int i = 0; L->mods[m].used && i < L->mods[m].obj.nsections; i++) {
            const exe_section_t *s = &L->mods[m].obj.sections[i];
            L->mods[m].out_sec[i] = output_section(L, s->name, s->nobits, s->perm);
        }
}

static int imports_from(const linker_t *L, int lib)
{
    int n = 0;
    for (int i = 0; i < L->nimports; i++)
        n += L->imports[i].library == lib;
    return n;
}

/* Words of the table proper: per library its name, two per symbol and the
 * zero after them; one zero at the end.  The strings follow. */
static uint32_t import_table_words(const linker_t *L)
{
    uint32_t words = 1;
    for (int l = 0; l < L->nlibs; l++)
        words += imports_from(L, l) ? 2 + 2 * (uint32_t)imports_from(L, l) : 0;
    return words;
}

static uint32_t import_table_size(const linker_t *L)
{
    uint32_t strings = 0;
    for (int l = 0; l < L->nlibs; l++)
        strings += imports_from(L, l) ? (uint32_t)strlen(L->libs[l].name) + 1 : 0;
    for (int i = 0; i < L->nimports; i++)
        strings += (uint32_t)strlen(L->imports[i].name) + 1;
    return align_up(4 * import_table_words(L) + strings, 4);
}

/* Give every input section its place; the stubs end .text, the table .data. */
static void place_sections(linker_t *L)
{
    exe_t *out = L->out;
    uint32_t cursor = 0;
    for (int o = 0; o < out->nsections; o++) {
        exe_section_t *s = &out->sections[o];
        /* a library's writable sections start on a page of their own, so its
         * code pages can be shared between processes */
        s->addr = cursor = align_up(cursor, L->shared && (s->perm & SEC_W) ? LINK_PAGE : 16);
        for (int m = 0; m < L->nmods; m++)
            for (int i = 0; L->mods[m].used && i < L->mods[m].obj.nsections; i++)
                if (L->mods[m].out_sec[i] == o) {
                    cursor = align_up(cursor, 4);
                    L->mods[m].delta[i] = cursor - L->mods[m].obj.sections[i].addr;
                    cursor += L->mods[m].obj.sections[i].size;
                }
        cursor = align_up(cursor, 4);
        if (L->nimports && !strcmp(s->name, ".text")) {
            L->stubs_at = cursor;
            cursor += STUB_BYTES * (uint32_t)L->nimports;
        } else if (L->nimports && !strcmp(s->name, ".data")) {
            L->table_at = cursor;
            cursor += L->table_size = import_table_size(L);
        }
        s->size = cursor - s->addr;
        if (!s->nobits && !(s->data = calloc(1, s->size ? s->size : 1)))
            abort();
    }
}

static void copy_contents(linker_t *L)
{
    for (int m = 0; m < L->nmods; m++)
        for (int i = 0; L->mods[m].used && i < L->mods[m].obj.nsections; i++) {
            const exe_section_t *in = &L->mods[m].obj.sections[i];
            exe_section_t *o = &L->out->sections[L->mods[m].out_sec[i]];
            if (!in->nobits && in->size && !o->nobits)
                memcpy(o->data + (in->addr + L->mods[m].delta[i] - o->addr), in->data, in->size);
            else if (!in->nobits && in->size)
                link_error(L, "%s: section %s has contents but another input's %s is zero-filled", L->mods[m].file,
                           in->name, in->name);
        }
}

/* ---- output symbols and relocations -------------------------------------- */

static void add_symbol(exe_t *out, const char *name, uint32_t value, int section, bool global)
{
    out->symbols = grow(out->symbols, out->nsymbols, sizeof *out->symbols);
    char *copy = strdup(name);
    if (!copy)
        abort();
    out->symbols[out->nsymbols++] = (exe_symbol_t){copy, value, section, global};
}

static void output_symbols(linker_t *L)
{
    for (int m = 0; m < L->nmods; m++) {
        const module_t *mod = &L->mods[m];
        for (int s = 0; mod->used && s < mod->obj.nsymbols; s++) {
            const exe_symbol_t *sym = &mod->obj.symbols[s];
            if (sym->section >= 0)
                add_symbol(L->out, sym->name, sym->value + mod->delta[sym->section], mod->out_sec[sym->section],
                           sym->global);
            else if (sym->section == -1)
                add_symbol(L->out, sym->name, sym->value, -1, sym->global);
        }
    }
}

static void add_reloc(exe_t *out, uint32_t offset, reloc_type_t type, uint32_t value)
{
    out->relocs = grow(out->relocs, out->nrelocs, sizeof *out->relocs);
    out->relocs[out->nrelocs++] = (exe_reloc_t){offset, type, value, -1};
}

/* Patch the field at an output address and keep its relocation. */
static void patch(linker_t *L, const char *file, uint32_t offset, reloc_type_t type, uint32_t value)
{
    exe_t *out = L->out;
    for (int o = 0; o < out->nsections; o++) {
        exe_section_t *s = &out->sections[o];
        if (offset < s->addr || offset - s->addr > s->size || s->size - (offset - s->addr) < 4)
            continue;
        if (s->nobits)
            break;
        if (!reloc_apply(s->data + (offset - s->addr), type, value))
            link_error(L, "%s: the address %u does not fit the field at %u", file, value, offset);
        add_reloc(out, offset, type, value);
        return;
    }
    link_error(L, "%s: a relocation at %u lies outside every section with contents", file, offset);
}

/* Input section holding an input address (the section that ends there, if none). */
static int section_holding(const exe_t *obj, uint32_t value, bool want_contents)
{
    int ends_here = -1;
    for (int i = 0; i < obj->nsections; i++) {
        const exe_section_t *s = &obj->sections[i];
        if (want_contents && s->nobits)
            continue;
        if (value >= s->addr && value - s->addr < s->size && (!want_contents || s->size - (value - s->addr) >= 4))
            return i;
        if (value == s->addr + s->size && !want_contents)
            ends_here = i;
    }
    return ends_here;
}

/* The output address a relocated field must hold. */
static uint32_t reloc_target(const linker_t *L, const module_t *mod, const exe_reloc_t *r)
{
    if (r->symbol < 0 || r->symbol >= mod->obj.nsymbols) {
        int sec = section_holding(&mod->obj, r->value, false);
        return sec >= 0 ? r->value + mod->delta[sec] : r->value;
    }
    const exe_symbol_t *sym = &mod->obj.symbols[r->symbol];
    if (sym->section == -1)
        return r->value;
    if (sym->section >= 0)
        return r->value + mod->delta[sym->section];
    int d = find_definition(L, sym->name), i = find_import(L, sym->name);
    if (i >= 0)
        return L->imports[i].stub + r->value;
    if (d < 0)
        return r->value;
    const module_t *owner = &L->mods[L->defs[d].module];
    const exe_symbol_t *def = &owner->obj.symbols[L->defs[d].symbol];
    uint32_t at = def->section >= 0 ? def->value + owner->delta[def->section] : def->value;
    return at + r->value; /* an undefined symbol's S is 0: value is the addend */
}

static void relocate_modules(linker_t *L)
{
    for (int m = 0; m < L->nmods; m++) {
        const module_t *mod = &L->mods[m];
        for (int i = 0; mod->used && i < mod->obj.nrelocs; i++) {
            const exe_reloc_t *r = &mod->obj.relocs[i];
            int sec = section_holding(&mod->obj, r->offset, true);
            if (sec < 0) {
                link_error(L, "%s: a relocation at %u lies outside every section with contents", mod->file, r->offset);
                continue;
            }
            patch(L, mod->file, r->offset + mod->delta[sec], r->type, reloc_target(L, mod, r));
        }
    }
}

/* ---- import stubs and table ----------------------------------------------- */

static void put_word(linker_t *L, uint32_t addr, uint32_t value)
{
    for (int o = 0; o < L->out->nsections; o++) {
        exe_section_t *s = &L->out->sections[o];
        if (!s->nobits && addr >= s->addr && addr - s->addr + 4 <= s->size) {
            uint8_t *p = s->data + (addr - s->addr);
            p[0] = (uint8_t)value, p[1] = (uint8_t)(value >> 8), p[2] = (uint8_t)(value >> 16), p[3] = (uint8_t)(value >> 24);
            return;
        }
    }
}

static void put_string(linker_t *L, uint32_t addr, const char *text)
{
    for (int o = 0; o < L->out->nsections; o++) {
        exe_section_t *s = &L->out->sections[o];
        if (!s->nobits && addr >= s->addr && addr - s->addr + strlen(text) + 1 <= s->size)
            memcpy(s->data + (addr - s->addr), text, strlen(text) + 1);
    }
}

/* A library's entry of the table at *at; its strings at *strings. */
static void write_library_imports(linker_t *L, int lib, uint32_t *at, uint32_t *strings)
{
    patch(L, "import table", *at, R_MMU_32, *strings);
    put_string(L, *strings, L->libs[lib].name);
    *strings += (uint32_t)strlen(L->libs[lib].name) + 1;
    *at += 4;
    for (int i = 0; i < L->nimports; i++) {
        if (L->imports[i].library != lib)
            continue;
        patch(L, "import table", *at, R_MMU_32, *strings);
        put_string(L, *strings, L->imports[i].name);
        *strings += (uint32_t)strlen(L->imports[i].name) + 1;
        L->imports[i].slot = *at + 4;
        *at += 8;
    }
    *at += 4; /* the zero ending this library's symbols */
}

/* An import's stub: name@plt jumps through the slot; name@bind, where the
 * slot points until the OS binds the symbol (lazy binding), asks the OS to
 * bind the slot whose address it passes in the stub register and goes on
 * to the symbol itself.  The slot starts at name@bind. */
static void write_stub(linker_t *L, const import_t *imp, int text)
{
    uint32_t plt = imp->stub, bind = imp->stub + 8;
    put_word(L, plt, isa_enc_i(OP_LOADA, LINK_STUB_REG, 0));
    patch(L, "import stub", plt, R_MMU_ABS20, imp->slot);
    put_word(L, plt + 4, isa_enc_r(OP_JMPR, 0, LINK_STUB_REG, 0));
    put_word(L, bind, isa_enc_i(OP_LOADI, LINK_STUB_REG, 0));
    patch(L, "import stub", bind, R_MMU_ABS20, imp->slot);
    put_word(L, bind + 4, isa_enc_i(OP_SYSCALL, 0, LINK_BIND_SYSCALL));
    patch(L, "import slot", imp->slot, R_MMU_32, bind);
    char name[80];
    snprintf(name, sizeof name, "%s@plt", imp->name);
    add_symbol(L->out, name, plt, text, false);
    snprintf(name, sizeof name, "%s@bind", imp->name);
    add_symbol(L->out, name, bind, text, false);
}

static void write_imports(linker_t *L)
{
    if (!L->nimports)
        return;
    int data = output_section(L, ".data", false, 0);
    uint32_t at = L->table_at, strings = at + 4 * import_table_words(L);
    for (int l = 0; l < L->nlibs; l++)
        if (imports_from(L, l))
            write_library_imports(L, l, &at, &strings);
    add_symbol(L->out, IMPORTS_SYMBOL, L->table_at, data, true);
    int text = output_section(L, ".text", false, 0);
    for (int i = 0; i < L->nimports; i++) {
        import_t *imp = &L->imports[i];
        imp->stub = L->stubs_at + STUB_BYTES * (uint32_t)i;
        write_stub(L, imp, text);
    }
}

/* ---- driver ---------------------------------------------------------------- */

static uint32_t entry_point(const linker_t *L)
{
    static const char *const names[] = {"start", "_start"};
    for (int k = 0; k < 2; k++) {
        for (int i = 0; i < L->out->nsymbols; i++)
            if (L->out->symbols[i].global && !strcmp(L->out->symbols[i].name, names[k]))
                return L->out->symbols[i].value;
        for (int i = 0; i < L->out->nsymbols; i++)
            if (!strcmp(L->out->symbols[i].name, names[k]) && L->out->symbols[i].section >= 0)
                return L->out->symbols[i].value;
    }
    return L->out->nsections ? L->out->sections[0].addr : 0;
}

static void release(linker_t *L)
{
    for (int m = 0; m < L->nmods; m++)
        exe_free(&L->mods[m].obj), free(L->mods[m].file);
    for (int l = 0; l < L->nlibs; l++)
        exe_free(&L->libs[l].image);
    free(L->mods), free(L->libs), free(L->defs), free(L->imports);
}

static void check_imports_symbol(linker_t *L)
{
    if (L->nimports && find_definition(L, IMPORTS_SYMBOL) >= 0)
        link_error(L, "'%s' is defined by an input and would also be the linker's import table", IMPORTS_SYMBOL);
}

/* Link what the inputs hold (already added to L). */
static int link_loaded(linker_t *L, exe_t *out)
{
    for (int m = 0; m < L->nmods; m++)
        if (L->mods[m].used)
            define_globals(L, m);
    pull_archive_members(L);
    resolve_undefined(L);
    check_imports_symbol(L);
    if (!L->errors) {
        create_sections(L);
        place_sections(L);
        copy_contents(L);
        output_symbols(L);
        write_imports(L);
        relocate_modules(L);
        out->entry = entry_point(L);
        out->shared = L->shared;
        if (!out->nsections)
            link_error(L, "nothing to link: no input has any section");
        else if (!exe_entry_in_section(out))
            link_error(L, "the entry point 0x%x (symbol start or _start) is outside every section of the output", out->entry);
    }
    int errors = L->errors;
    release(L);
    if (errors)
        exe_free(out);
    return errors;
}

static void linker_start(linker_t *L, const link_options_t *opt, exe_t *out)
{
    memset(L, 0, sizeof *L);
    L->err = opt && opt->errors ? opt->errors : stderr;
    L->shared = opt && opt->shared;
    L->out = out;
    memset(out, 0, sizeof *out);
}

int link_files(const char *const *paths, int npaths, const link_options_t *opt, exe_t *out)
{
    linker_t L;
    linker_start(&L, opt, out);
    for (int i = 0; i < npaths; i++)
        load_input(&L, paths[i]);
    return link_loaded(&L, out);
}

int link_buffers(const link_input_t *inputs, int ninputs, const link_options_t *opt, exe_t *out)
{
    linker_t L;
    linker_start(&L, opt, out);
    for (int i = 0; i < ninputs; i++)
        add_input(&L, inputs[i].name, inputs[i].data, inputs[i].size);
    return link_loaded(&L, out);
}
