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
 */
#define _GNU_SOURCE
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../mmu/pte.h"
#include "services.h"
#include "syscall.h"

#define MAX_NAME 64
#define LIB_AREA 0x80000u /* paged: where the first library goes (ABS20 fields reach 1 MiB) */
#define IMPORTS_SYMBOL "__imports"
#define E_NOEXEC 8

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

/* Patch every relocated field of img's sections for a load at base. */
static bool relocate_image(exe_t *img, uint32_t base)
{
    for (int i = 0; i < img->nrelocs; i++) {
        exe_reloc_t *r = &img->relocs[i];
        for (int s = 0; s < img->nsections; s++) {
            exe_section_t *sec = &img->sections[s];
            if (sec->nobits || r->offset < sec->addr || r->offset - sec->addr + 4 > sec->size)
                continue;
            if (!reloc_apply(sec->data + (r->offset - sec->addr), r->type, r->value + base))
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
    uint32_t old = p->size;
    partitions_free(&os->parts, p->base);
    if (!partitions_alloc_at(&os->parts, p->base, old + size, p->pid)) {
        partitions_alloc_at(&os->parts, p->base, old, p->pid);
        return UINT32_MAX;
    }
    p->size = old + size;
    if (os->cfg.mode == OS_HWRELOC) {
        p->mmu.limit = p->size;
        if (os->current == p->pid)
            machine_mmu_set(os->m, &p->mmu);
    }
    return old;
}

static int place_contiguous(os_t *os, process_t *p, svc_lib_t *lib)
{
    uint32_t offset = contiguous_room(os, p, lib->size);
    if (offset == UINT32_MAX)
        return -E_NOMEM;
    uint32_t cpu_base = os->cfg.mode == OS_HWRELOC ? 0 : p->base;
    lib->base = cpu_base + offset;
    if (!relocate_image(&lib->image, lib->base))
        return -E_NOEXEC;
    uint8_t *flat = flatten(&lib->image, lib->size);
    bool ok = flat && os_copy_to_user(os, p, lib->base, flat, lib->size);
    free(flat);
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
    if (!relocate_image(&lib->image, lib->base) || !(lib->flat = flatten(&lib->image, lib->size)))
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

/* Paged: unmap a library's regions (nothing to do in contiguous modes). */
static void drop_library_maps(os_t *os, process_t *p, const svc_lib_t *lib)
{
    struct proc_services *s = p->svc;
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

/* Load name into p (or count one more use); the library's index or -errno. */
static int load_library(os_t *os, process_t *p, const char *name, char *where, size_t len)
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
    rc = os->pager ? place_paged(os, p, lib) : place_contiguous(os, p, lib);
    os_charge(os, EV_LOAD, p->pid, (uint64_t)(lib->size / 4) * os->m->cfg.timing.load_word_cycles, lib->base,
              lib->size, 0, 0);
    if (rc < 0) {
        drop_library_maps(os, p, lib);
        exe_free(&lib->image);
        free(lib->flat);
        memset(lib, 0, sizeof *lib);
        return rc;
    }
    return s->nlibs++;
}

/* The address of an exported (global, defined) symbol, or false. */
static bool library_symbol(const svc_lib_t *lib, const char *name, uint32_t *address)
{
    for (int i = 0; i < lib->image.nsymbols; i++) {
        const exe_symbol_t *sym = &lib->image.symbols[i];
        if (sym->global && sym->section >= 0 && !strcmp(sym->name, name)) {
            *address = lib->base + sym->value;
            return true;
        }
    }
    return false;
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

/* Fill the slots of one library's entry at *at; a message on failure. */
static bool bind_imports(os_t *os, process_t *p, const svc_lib_t *lib, uint32_t *at, char *why, size_t len)
{
    for (;;) {
        uint32_t name_addr, address;
        char name[MAX_NAME];
        if (!read_word(os, p, *at, &name_addr))
            return snprintf(why, len, "the import table runs off its memory"), false;
        *at += 4;
        if (!name_addr)
            return true;
        if (fetch_name(os, p, name_addr, name) < 0)
            return snprintf(why, len, "an import names no readable symbol"), false;
        if (!library_symbol(lib, name, &address))
            return snprintf(why, len, "symbol '%s' not found in library '%s'", name, lib->name), false;
        uint8_t b[4] = {(uint8_t)address, (uint8_t)(address >> 8), (uint8_t)(address >> 16), (uint8_t)(address >> 24)};
        if (!os_copy_to_user(os, p, *at, b, 4))
            return snprintf(why, len, "the slot of '%s' is not writable memory", name), false;
        *at += 4;
    }
}

static bool load_imports(os_t *os, process_t *p, uint32_t table, char *why, size_t len)
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
        int lib = load_library(os, p, name, where, sizeof where);
        if (lib < 0)
            return snprintf(why, len, "cannot load library '%s' (error %d)%s%s", name, -lib, where[0] ? ": " : "",
                            where), false;
        if (!bind_imports(os, p, &p->svc->libs[lib], &at, why, len))
            return false;
    }
}

void dynlib_start(os_t *os, process_t *p)
{
    const exe_symbol_t *table = NULL;
    for (int i = 0; i < p->exe.nsymbols && !table; i++)
        if (p->exe.symbols[i].section >= 0 && !strcmp(p->exe.symbols[i].name, IMPORTS_SYMBOL))
            table = &p->exe.symbols[i];
    if (!table)
        return;
    uint64_t t0 = machine_cycles(os->m);
    uint32_t cpu_base = os->cfg.mode == OS_SWRELOC || os->cfg.mode == OS_BARE ? p->base : 0;
    char why[PATH_MAX + 256];
    bool ok = load_imports(os, p, cpu_base + table->value, why, sizeof why);
    p->st.cycles += machine_cycles(os->m) - t0;
    if (!ok) { /* as ld.so does: a message and exit status 127 */
        fprintf(os->console, "mmulab: process %d (%s): %s\n", p->pid, p->name, why);
        os_exit_process(os, p, 127);
    }
}

/* ---- dlopen, dlsym, dlclose ----------------------------------------------------------------- */

static uint32_t sys_dlopen(os_t *os, process_t *p, uint32_t name_addr)
{
    char name[MAX_NAME];
    int rc = fetch_name(os, p, name_addr, name);
    char where[PATH_MAX];
    if (rc == 0)
        rc = load_library(os, p, name, where, sizeof where);
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

/* The last dlclose unmaps a paged library; a contiguous one keeps its
 * place in the partition (the scheme cannot give part of it back). */
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
    case SYS_DLOPEN: *result = sys_dlopen(os, p, r[1]); return true;
    case SYS_DLSYM: *result = sys_dlsym(os, p, r[1], r[2]); return true;
    case SYS_DLCLOSE: *result = sys_dlclose(os, p, r[1]); return true;
    default: return false;
    }
}
