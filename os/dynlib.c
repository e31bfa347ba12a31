/*
 * The dynamic loader: libraries loaded at run time, implicitly at program
 * start (the executable's import table names them) or explicitly through
 * dlopen, dlsym and dlclose (docs/services.md).
 *
 * A library is an image linked at address 0 that keeps its relocations and
 * exports its global symbols: `mmulab ld -shared` makes one (NAME.so; make
 * builds programs/lib/NAME.so).  The OS loads only such executables, never
 * source.  It is looked for as NAME and NAME.so in each directory of
 * cfg.lib_path: --lib-path, then each program's directory and its lib/
 * (sim/session.c).
 *
 * Callers reach it through an indirection table in their own data: the
 * import table `__imports` (a library's name, then pairs of a symbol's name
 * and a slot, each list ended by 0) whose slots the loader fills with the
 * symbols' addresses, so the caller's code is never patched.  Where the
 * library goes depends on the scheme:
 *
 *  - paged: at a fixed virtual address (512 KiB up, in load order), as
 *    regions "library code" and "library data" whose pages come in on demand
 *    from the library's image, relocated once for that address;
 *  - contiguous (bare, software and hardware relocation): one partition is
 *    all a process has, so the library is copied into it -- above the image
 *    on the bare machine, into the partition grown in place otherwise (if
 *    the memory above it is free) -- and its relocated fields are patched:
 *    a contiguous scheme cannot share code between processes.
 *
 * Binding (slides 34, 73): a slot the linker wrote points at the import's
 * lazy stub (name@bind, toolchain/link.c).  Bound now (--bind now, dlopen's
 * RTLD_NOW) the loader resolves every slot at load; bound lazily (the
 * default, RTLD_LAZY) it leaves such slots alone, and the first call runs
 * the stub, whose SYS_BIND resolves that one slot and goes on to the symbol.
 * A slot holding 0 (a table written by hand) is always bound at load.  A
 * library's own import table is bound the same way when it is loaded.
 */
#define _GNU_SOURCE
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../mmu/pte.h"
#include "../toolchain/link.h"
#include "services.h"
#include "syscall.h"

#define MAX_NAME 64
#define LIB_AREA 0x80000u /* paged: where the first library goes (ABS20 fields reach 1 MiB) */
#define IMPORTS_SYMBOL "__imports"
#define E_NOEXEC 8
enum { G_RTLD_LAZY = 1, G_RTLD_NOW = 2 }; /* dlopen's modes (Linux's values) */

_Static_assert(SYS_BIND == LINK_BIND_SYSCALL, "the linker's lazy stubs make SYS_BIND");

static uint32_t align_up(uint32_t v, uint32_t a) { return (uint32_t)(((uint64_t)v + a - 1) / a * a); }

/* ---- finding and reading a library ---------------------------------------------- */

static bool good_name(const char *name)
{
    if (!name[0] || name[0] == '.')
        return false;
    for (const char *c = name; *c; c++)
        if (!(*c == '_' || *c == '-' || *c == '.' || (*c >= '0' && *c <= '9') || ((*c | 32) >= 'a' && (*c | 32) <= 'z')))
            return false;
    return true;
}

/* A dynamic library (ET_DYN, or an executable keeping its relocations) at
 * path; false if unreadable or not one. */
static bool try_read(const char *path, exe_t *out)
{
    if (access(path, R_OK) != 0)
        return false;
    char err[256];
    if (exe_read_elf(path, out, err, sizeof err) < 0)
        return false;
    if (out->relocatable) {
        exe_free(out);
        return false;
    }
    return true;
}

/* Look name up as DIR/name, DIR/name.so in each directory of the search
 * path; 0, or -E_NOENT with `where` saying where it was looked for. */
static int find_library(const os_t *os, const char *name, exe_t *out, char *where, size_t len)
{
    static const char *const suffixes[] = {"", ".so"};
    const char *dirs = os->cfg.lib_path ? os->cfg.lib_path : "";
    bool source_seen = false;
    for (const char *dir = dirs; *dir;) {
        int dirlen = (int)strcspn(dir, ":");
        char path[PATH_MAX + 80];
        for (int k = 0; k < 2 && dirlen > 0; k++) {
            snprintf(path, sizeof path, "%.*s/%s%s", dirlen, dir, name, suffixes[k]);
            if (try_read(path, out))
                return 0;
        }
        snprintf(path, sizeof path, "%.*s/%s.s", dirlen, dir, name);
        source_seen = source_seen || (dirlen > 0 && access(path, R_OK) == 0);
        dir += dirlen + (dir[dirlen] == ':');
    }
    snprintf(where, len, "no %s or %s.so in %s%s", name, name, *dirs ? dirs : "(no directory)",
             source_seen ? " (only its source: build it with mmulab asm -c and mmulab ld -shared)" : "");
    return -E_NOENT;
}

static uint32_t image_size(const exe_t *img)
{
    uint32_t lo, hi;
    exe_extent(img, &lo, &hi);
    return align_up(hi, 16);
}

/* The CPU-visible address of the library's link address v: base + v,
 * or, for a library split into two segments, its writable part's place. */
static uint32_t lib_address(const svc_lib_t *lib, uint32_t v)
{
    return lib->split && v >= lib->data_start ? lib->data_base + (v - lib->data_start) : lib->base + v;
}

/* Patch every relocated field of the library's sections for where it is
 * loaded (lib_address). */
static bool relocate_image(svc_lib_t *lib)
{
    exe_t *img = &lib->image;
    for (int i = 0; i < img->nrelocs; i++) {
        exe_reloc_t *r = &img->relocs[i];
        for (int s = 0; s < img->nsections; s++) {
            exe_section_t *sec = &img->sections[s];
            if (sec->nobits || r->offset < sec->addr || r->offset - sec->addr + 4 > sec->size)
                continue;
            if (!reloc_apply(sec->data + (r->offset - sec->addr), r->type, lib_address(lib, r->value)))
                return false;
        }
    }
    return true;
}

/* ---- placing it ------------------------------------------------------------------------- */

/* The image as one flat byte array from address 0 (.bss zeros included). */
static uint8_t *flatten(const exe_t *img, uint32_t size)
{
    uint8_t *flat = calloc(1, size ? size : 1);
    for (int i = 0; flat && i < img->nsections; i++)
        if (!img->sections[i].nobits && img->sections[i].size)
            memcpy(flat + img->sections[i].addr, img->sections[i].data, img->sections[i].size);
    return flat;
}

/* Contiguous modes: room for size bytes in p's memory; the logical offset,
 * or UINT32_MAX.  Hardware and software relocation grow the partition in
 * place, the bare machine uses the space between image and stack. */
static uint32_t contiguous_room(os_t *os, process_t *p, uint32_t size)
{
    if (os->cfg.mode == OS_BARE) {
        uint32_t at = align_up(p->image_end, 16);
        for (int i = 0; i < p->svc->nlibs; i++)
            if (p->svc->libs[i].base - p->base + p->svc->libs[i].size > at)
                at = p->svc->libs[i].base - p->base + p->svc->libs[i].size;
        return (uint64_t)at + size + os->cfg.stack_size <= p->size ? at : UINT32_MAX;
    }
    return os_grow_partition(os, p, size);
}

static int place_contiguous(os_t *os, process_t *p, svc_lib_t *lib)
{
    uint32_t offset = contiguous_room(os, p, lib->size);
    if (offset == UINT32_MAX)
        return -E_NOMEM;
    uint32_t cpu_base = os->cfg.mode == OS_HWRELOC ? 0 : p->base;
    lib->base = cpu_base + offset;
    if (!relocate_image(lib))
        return -E_NOEXEC;
    uint8_t *flat = flatten(&lib->image, lib->size);
    bool ok = flat && os_copy_to_user(os, p, lib->base, flat, lib->size);
    free(flat);
    return ok ? 0 : -E_NOMEM;
}

/* Segmented: where the library's writable part starts, if it can have a
 * segment of its own (every writable section above every other, some
 * below it); else UINT32_MAX: one segment with the union of permissions.
 * *code and *data: the SEC_* permissions of the two parts. */
static uint32_t writable_start(const exe_t *img, uint32_t *code, uint32_t *data)
{
    uint32_t lo = UINT32_MAX, read_only_end = 0;
    *code = *data = 0;
    for (int i = 0; i < img->nsections; i++) {
        const exe_section_t *s = &img->sections[i];
        if (!s->size)
            continue;
        if (s->perm & SEC_W) {
            lo = s->addr < lo ? s->addr : lo;
            *data |= s->perm;
        } else {
            read_only_end = s->addr + s->size > read_only_end ? s->addr + s->size : read_only_end;
            *code |= s->perm;
        }
    }
    if (lo == UINT32_MAX || !lo || lo < read_only_end) {
        *code |= *data;
        return UINT32_MAX;
    }
    return lo;
}

/* Segmented: the numbers of the library's code and data segments: those
 * another live process gave the same library, if they are free in p (the
 * code, relocated alike, is then the same bytes, one block for both),
 * else the lowest free ones.  False if p has none free. */
static bool choose_segments(os_t *os, const process_t *p, const svc_lib_t *lib, uint32_t *code, uint32_t *data)
{
    const uint32_t ob = os->m->cfg.seg_offset_bits;
    for (int pid = 1; pid <= os_process_count(os); pid++) {
        const process_t *q = os_process(os, pid);
        for (int i = 0; q != p && q->state == PROC_READY && q->svc && i < q->svc->nlibs; i++) {
            const svc_lib_t *ql = &q->svc->libs[i];
            if (ql->refs <= 0 || strcmp(ql->name, lib->name) || ql->split != lib->split)
                continue;
            *code = ql->base >> ob, *data = ql->split ? ql->data_base >> ob : UINT32_MAX;
            if (segments_number_free(p, *code) && (!ql->split || segments_number_free(p, *data)))
                return true;
        }
    }
    *code = segments_free_number(p, UINT32_MAX);
    *data = lib->split ? segments_free_number(p, *code) : UINT32_MAX;
    return *code != UINT32_MAX && (!lib->split || *data != UINT32_MAX);
}

/* Segmented: the library's code (and read-only data) in a segment of its
 * own, r-x, shared with every process that has the same library at the
 * same numbers; its writable data in a second segment, private (a library
 * that mixes them: one private segment, the union of permissions). */
static int place_segmented(os_t *os, process_t *p, svc_lib_t *lib)
{
    const uint32_t ob = os->m->cfg.seg_offset_bits;
    uint32_t code_perm, data_perm, code, data;
    const uint32_t split = writable_start(&lib->image, &code_perm, &data_perm);
    lib->split = split != UINT32_MAX;
    lib->data_start = lib->split ? split : 0;
    if (!choose_segments(os, p, lib, &code, &data))
        return -E_NOMEM;
    lib->base = code << ob;
    lib->data_base = lib->split ? data << ob : 0;
    if (!relocate_image(lib))
        return -E_NOEXEC;
    uint8_t *flat = flatten(&lib->image, lib->size);
    const uint32_t code_bytes = lib->split ? split : lib->size;
    bool shared = false, ignored;
    bool ok = flat && segments_add_at(os, p, code, code_bytes, code_perm, REGION_LIB_CODE, flat, &shared) != UINT32_MAX;
    const uint32_t data_bytes = lib->size - split;
    if (ok && lib->split &&
        segments_add_at(os, p, data, data_bytes, data_perm, REGION_LIB_DATA, flat + split, &ignored) == UINT32_MAX) {
        segments_remove(os, p, lib->base, REGION_LIB_CODE);
        ok = false;
    }
    free(flat);
    lib->shared_bytes = ok && shared ? code_bytes : 0; /* not read: another process's block */
    return ok ? 0 : -E_NOMEM;
}

static uint32_t section_perm(const exe_section_t *s)
{
    return PTE_R | (s->perm & SEC_W ? PTE_W : 0) | (s->perm & SEC_X ? PTE_X : 0);
}

static int place_paged(os_t *os, process_t *p, svc_lib_t *lib)
{
    uint32_t page = 1u << os->m->cfg.page_shift, at = LIB_AREA;
    const os_region_t *heap = regions_find(p, REGION_HEAP);
    if (heap && align_up(heap->end, page) + 64 * page > at)
        at = align_up(heap->end, page) + 64 * page; /* leave brk some room */
    for (int i = 0; i < p->svc->nlibs; i++)
        if (p->svc->libs[i].refs > 0 && align_up(p->svc->libs[i].base + p->svc->libs[i].size, page) > at)
            at = align_up(p->svc->libs[i].base + p->svc->libs[i].size, page);
    while (overlaps(p, at, at + align_up(lib->size, page), false)) /* a mapping put there */
        if ((at += page) + lib->size > (1u << 20))
            return -E_NOMEM; /* ABS20 fields reach only the first MiB */
    lib->base = at;
    if (!relocate_image(lib) || !(lib->flat = flatten(&lib->image, lib->size)))
        return -E_NOEXEC;
    for (int i = 0; i < lib->image.nsections; i++) {
        const exe_section_t *s = &lib->image.sections[i];
        uint32_t start = (lib->base + s->addr) / page * page, end = align_up(lib->base + s->addr + s->size, page);
        svc_map_t m = {.start = start, .end = end, .offset = start - lib->base, .host_fd = -1, .image = lib->flat,
                       .image_size = lib->size, .kind = REGION_LIB_CODE};
        snprintf(m.name, sizeof m.name, "%s", lib->name);
        if (s->size && !mmap_add(os, p, &m, s->perm & SEC_X ? REGION_LIB_CODE : REGION_LIB_DATA, section_perm(s)))
            return -E_NOMEM;
    }
    return 0;
}

/* Paged: unmap a library's regions; segmented: its segments leave the
 * table (nothing to do in contiguous modes). */
static void drop_library_maps(os_t *os, process_t *p, const svc_lib_t *lib)
{
    struct proc_services *s = p->svc;
    if (os->cfg.mode == OS_SEG && lib->base != UINT32_MAX && segments_remove(os, p, lib->base, REGION_LIB_CODE) &&
        lib->split)
        segments_remove(os, p, lib->data_base, REGION_LIB_DATA);
    for (int i = 0; os->pager && lib->flat && i < s->nmaps;)
        if (s->maps[i].image == lib->flat) {
            pager_unmap_range(os, p, s->maps[i].start, s->maps[i].end);
            for (int r = 0; r < p->nregions; r++)
                if (p->regions[r].start == s->maps[i].start && p->regions[r].kind >= REGION_LIB_CODE) {
                    p->regions[r] = p->regions[--p->nregions];
                    break;
                }
            s->maps[i] = s->maps[--s->nmaps];
        } else {
            i++;
        }
}

/* ---- the library table ------------------------------------------------------------------- */

static int find_loaded(const struct proc_services *s, const char *name)
{
    for (int i = 0; i < s->nlibs; i++)
        if (s->libs[i].refs > 0 && !strcmp(s->libs[i].name, name))
            return i;
    return -1;
}

static bool load_imports(os_t *os, process_t *p, uint32_t table, bool now, char *why, size_t len);

/* The value of img's import-table symbol, if it has one. */
static bool imports_symbol(const exe_t *img, uint32_t *value)
{
    for (int i = 0; i < img->nsymbols; i++)
        if (img->symbols[i].section >= 0 && !strcmp(img->symbols[i].name, IMPORTS_SYMBOL)) {
            *value = img->symbols[i].value;
            return true;
        }
    return false;
}

/* A loaded library's import table's address (never 0), or 0 if it has none. */
static uint32_t import_table_of(const svc_lib_t *lib)
{
    uint32_t value;
    return imports_symbol(&lib->image, &value) ? lib_address(lib, value) : 0;
}

/* Load name into p (or count one more use); the library's index or -errno.
 * The libraries it imports from are loaded too, its slots bound now or left
 * to their lazy stubs. */
static int load_library(os_t *os, process_t *p, const char *name, bool now, char *where, size_t len)
{
    struct proc_services *s = services_of(p);
    if (!s)
        return -E_NOMEM;
    if (!good_name(name) || strlen(name) >= MAX_NAME)
        return -E_INVAL;
    int i = find_loaded(s, name);
    if (i >= 0) {
        s->libs[i].refs++;
        return i;
    }
    if (s->nlibs == SVC_MAX_LIBS)
        return -E_MFILE;
    svc_lib_t *lib = &s->libs[s->nlibs];
    memset(lib, 0, sizeof *lib);
    int rc = find_library(os, name, &lib->image, where, len);
    if (rc < 0)
        return rc;
    snprintf(lib->name, sizeof lib->name, "%s", name);
    lib->size = image_size(&lib->image);
    lib->refs = 1;
    rc = os->pager ? place_paged(os, p, lib)
         : os->cfg.mode == OS_SEG ? place_segmented(os, p, lib)
                                  : place_contiguous(os, p, lib);
    os_charge(os, EV_LOAD, p->pid, (uint64_t)((lib->size - lib->shared_bytes) / 4) * os->m->cfg.timing.load_word_cycles,
              lib->base, lib->size, 0, 0);
    if (rc < 0) {
        drop_library_maps(os, p, lib);
        exe_free(&lib->image);
        free(lib->flat);
        memset(lib, 0, sizeof *lib);
        return rc;
    }
    int index = s->nlibs++; /* counted first: a library importing back from it finds it */
    uint32_t table = import_table_of(&s->libs[index]);
    if (table && !load_imports(os, p, table, now, where, len))
        return -E_NOENT; /* `where` says which library or symbol */
    return index;
}

/* The address of an exported (global, defined) symbol, or false; *searched
 * (if given) counts the symbol-table entries the lookup read. */
static bool library_symbol_searched(const svc_lib_t *lib, const char *name, uint32_t *address, uint32_t *searched)
{
    for (int i = 0; i < lib->image.nsymbols; i++) {
        const exe_symbol_t *sym = &lib->image.symbols[i];
        if (sym->global && sym->section >= 0 && !strcmp(sym->name, name)) {
            *address = lib_address(lib, sym->value);
            if (searched)
                *searched = (uint32_t)i + 1;
            return true;
        }
    }
    if (searched)
        *searched = (uint32_t)lib->image.nsymbols;
    return false;
}

static bool library_symbol(const svc_lib_t *lib, const char *name, uint32_t *address)
{
    return library_symbol_searched(lib, name, address, NULL);
}

static int fetch_name(os_t *os, process_t *p, uint32_t addr, char *name)
{
    return services_fetch_string(os, p, addr, name, MAX_NAME);
}

/* ---- implicit loading: the import table -------------------------------------------------- */

static bool read_word(os_t *os, process_t *p, uint32_t addr, uint32_t *value)
{
    uint8_t b[4];
    if (!os_copy_from_user(os, p, addr, b, 4))
        return false;
    *value = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
    return true;
}

/* Bind p's slot for symbol name of lib: look the symbol up, write its
 * address into the slot as a user store would, charge the lookup (a word
 * read per symbol-table entry searched) and the slot write. */
static bool bind_slot(os_t *os, process_t *p, const svc_lib_t *lib, const char *name, uint32_t slot, bool lazy,
                      uint32_t *address, char *why, size_t len)
{
    uint32_t searched;
    if (!library_symbol_searched(lib, name, address, &searched))
        return snprintf(why, len, "symbol '%s' not found in library '%s'", name, lib->name), false;
    uint32_t a = *address;
    uint8_t b[4] = {(uint8_t)a, (uint8_t)(a >> 8), (uint8_t)(a >> 16), (uint8_t)(a >> 24)};
    if (!os_copy_to_user(os, p, slot, b, 4))
        return snprintf(why, len, "the slot of '%s' is not writable memory", name), false;
    uint64_t cycles = (uint64_t)(searched + 1) * os->m->cfg.timing.load_word_cycles;
    os_charge(os, EV_BIND, p->pid, cycles, slot, a, searched, lazy);
    p->st.binds++;
    p->st.lazy_binds += lazy;
    p->st.bind_cycles += cycles + (lazy ? os->m->cfg.timing.syscall_cycles : 0); /* lazy: its SYS_BIND too */
    return true;
}

/* Fill the slots of one library's entry at *at (a slot holding its lazy
 * stub's address only when binding now); a message on failure. */
static bool bind_imports(os_t *os, process_t *p, const svc_lib_t *lib, uint32_t *at, bool now, char *why, size_t len)
{
    for (;;) {
        uint32_t name_addr, slot_value, address;
        char name[MAX_NAME];
        if (!read_word(os, p, *at, &name_addr) || (name_addr && !read_word(os, p, *at + 4, &slot_value)))
            return snprintf(why, len, "the import table runs off its memory"), false;
        *at += 4;
        if (!name_addr)
            return true;
        if (now || slot_value == 0) {
            if (fetch_name(os, p, name_addr, name) < 0)
                return snprintf(why, len, "an import names no readable symbol"), false;
            if (!bind_slot(os, p, lib, name, *at, false, &address, why, len))
                return false;
        }
        *at += 4;
    }
}

static bool load_imports(os_t *os, process_t *p, uint32_t table, bool now, char *why, size_t len)
{
    for (uint32_t at = table;;) {
        uint32_t name_addr;
        char name[MAX_NAME];
        if (!read_word(os, p, at, &name_addr))
            return snprintf(why, len, "the import table runs off its memory"), false;
        at += 4;
        if (!name_addr)
            return true;
        if (fetch_name(os, p, name_addr, name) < 0)
            return snprintf(why, len, "an import names no readable library"), false;
        char where[PATH_MAX] = "";
        int lib = load_library(os, p, name, now, where, sizeof where);
        if (lib < 0)
            return snprintf(why, len, "cannot load library '%s' (error %d)%s%s", name, -lib, where[0] ? ": " : "",
                            where), false;
        if (!bind_imports(os, p, &p->svc->libs[lib], &at, now, why, len))
            return false;
    }
}

/* The CPU address of the executable's import table, if it has one. */
static bool program_import_table(const os_t *os, const process_t *p, uint32_t *table)
{
    uint32_t cpu_base = os->cfg.mode == OS_SWRELOC || os->cfg.mode == OS_BARE ? p->base : 0;
    if (!imports_symbol(&p->exe, table))
        return false;
    *table += cpu_base;
    return true;
}

void dynlib_start(os_t *os, process_t *p)
{
    uint32_t table;
    if (!program_import_table(os, p, &table))
        return;
    uint64_t t0 = machine_cycles(os->m);
    char why[PATH_MAX + 256];
    bool ok = load_imports(os, p, table, os->cfg.bind_now, why, sizeof why);
    p->st.cycles += machine_cycles(os->m) - t0;
    if (!ok) { /* as ld.so does: a message and exit status 127 */
        fprintf(os->console, "mmulab: process %d (%s): %s\n", p->pid, p->name, why);
        os_exit_process(os, p, 127);
    }
}

/* ---- lazy binding: SYS_BIND from an import's stub ------------------------------------------ */

#define MAX_TABLE_WORDS 65536 /* a walk of a guest's table stops here: bounded work */

/* Is slot a slot of the import table at table?  Its library's and symbol's
 * names if so. */
static bool table_has_slot(os_t *os, process_t *p, uint32_t table, uint32_t slot, char *lib_name, char *sym_name)
{
    uint32_t at = table, word, lib_addr = 0;
    for (int words = 0; words < MAX_TABLE_WORDS && read_word(os, p, at, &word); words++) {
        if (!lib_addr) { /* a library's name, or the end of the table */
            if (!word)
                return false;
            lib_addr = word, at += 4;
        } else if (!word) { /* the end of this library's symbols */
            lib_addr = 0, at += 4;
        } else if (at + 4 == slot) {
            return fetch_name(os, p, lib_addr, lib_name) == 0 && fetch_name(os, p, word, sym_name) == 0;
        } else {
            at += 8;
        }
    }
    return false;
}

/* The import slot's library and symbol, from the program's table or a
 * loaded library's. */
static bool find_slot(os_t *os, process_t *p, uint32_t slot, char *lib_name, char *sym_name)
{
    uint32_t table;
    if (program_import_table(os, p, &table) && table_has_slot(os, p, table, slot, lib_name, sym_name))
        return true;
    for (int i = 0; p->svc && i < p->svc->nlibs; i++) {
        const svc_lib_t *lib = &p->svc->libs[i];
        table = lib->refs > 0 ? import_table_of(lib) : 0;
        if (table && table_has_slot(os, p, table, slot, lib_name, sym_name))
            return true;
    }
    return false;
}

bool dynlib_bind(os_t *os, process_t *thread, cpu_state_t *cpu)
{
    process_t *p = os_space(os, thread);
    uint32_t slot = cpu->r[LINK_STUB_REG], address;
    char lib_name[MAX_NAME], sym_name[MAX_NAME], why[PATH_MAX + 256] = "";
    int lib = -1;
    if (!find_slot(os, p, slot, lib_name, sym_name))
        snprintf(why, sizeof why, "lazy binding at pc 0x%08x: 0x%08x is no import slot", cpu->pc - 4, slot);
    else if ((lib = find_loaded(services_of(p), lib_name)) < 0 &&
             (lib = load_library(os, p, lib_name, os->cfg.bind_now, why, sizeof why)) < 0)
        snprintf(why, sizeof why, "lazy binding: cannot load library '%s' (error %d)", lib_name, -lib);
    if (!why[0] && bind_slot(os, p, &p->svc->libs[lib], sym_name, slot, true, &address, why, sizeof why)) {
        cpu->pc = address; /* on to the symbol, the caller's registers untouched */
        os_return_to_user(os, thread->pid, cpu);
        return true;
    }
    fprintf(os->console, "mmulab: process %d (%s): symbol lookup error: %s\n", p->pid, p->name, why);
    os_exit_process(os, thread, 127); /* as ld.so does */
    return false;
}

/* ---- dlopen, dlsym, dlclose ----------------------------------------------------------------- */

static uint32_t sys_dlopen(os_t *os, process_t *p, uint32_t name_addr, uint32_t mode)
{
    if (mode != 0 && mode != G_RTLD_LAZY && mode != G_RTLD_NOW)
        return err_code(E_INVAL);
    bool now = mode == G_RTLD_NOW || (mode == 0 && os->cfg.bind_now);
    char name[MAX_NAME];
    int rc = fetch_name(os, p, name_addr, name);
    char where[PATH_MAX];
    if (rc == 0)
        rc = load_library(os, p, name, now, where, sizeof where);
    return rc < 0 ? (uint32_t)rc : (uint32_t)rc + 1; /* handles start at 1 */
}

static svc_lib_t *handle_library(process_t *p, uint32_t handle)
{
    if (!p->svc || handle < 1 || handle > (uint32_t)p->svc->nlibs || p->svc->libs[handle - 1].refs <= 0)
        return NULL;
    return &p->svc->libs[handle - 1];
}

static uint32_t sys_dlsym(os_t *os, process_t *p, uint32_t handle, uint32_t name_addr)
{
    svc_lib_t *lib = handle_library(p, handle);
    char name[MAX_NAME];
    uint32_t address;
    if (!lib)
        return err_code(E_BADF);
    int rc = fetch_name(os, p, name_addr, name);
    if (rc < 0)
        return (uint32_t)rc;
    return library_symbol(lib, name, &address) ? address : err_code(E_NOENT);
}

/* The last dlclose unmaps a paged library and takes a segmented one's
 * segments out of the table; a contiguous one keeps its place in the
 * partition (the scheme cannot give part of it back). */
static uint32_t sys_dlclose(os_t *os, process_t *p, uint32_t handle)
{
    svc_lib_t *lib = handle_library(p, handle);
    if (!lib)
        return err_code(E_BADF);
    if (--lib->refs == 0)
        drop_library_maps(os, p, lib);
    return 0;
}

bool dynlib_syscall(os_t *os, process_t *p, uint32_t number, const uint32_t *r, uint32_t *result)
{
    switch (number) {
    case SYS_DLOPEN: *result = sys_dlopen(os, p, r[1], r[2]); return true;
    case SYS_DLSYM: *result = sys_dlsym(os, p, r[1], r[2]); return true;
    case SYS_DLCLOSE: *result = sys_dlclose(os, p, r[1]); return true;
    default: return false;
    }
}
