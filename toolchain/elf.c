/*
 * ELF32 little-endian files for our machine (e_machine EXE_MACHINE), written
 * and read with glibc's <elf.h> structures.  An executable (ET_EXEC) has one
 * PT_LOAD segment per section and section headers for .text, .data, .bss,
 * .rela.text, .rela.data, .symtab, .strtab and .shstrtab, so that readelf and
 * objdump can read it; every relocation the assembler made is kept, with
 * r_offset the logical address of the field and S + A the address it holds.
 * An object (ET_REL) has the same sections without program headers, and
 * offsets and symbol values relative to their section as the ELF spec asks.
 * The reader trusts nothing: every size, offset, index and string is checked
 * against the buffer before use, so a truncated or corrupt file is an error
 * message, never a crash or a huge allocation.  The host must be
 * little-endian (the structures are copied as they lie in memory).
 */
#include <elf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "archive.h"
#include "exe.h"
#include "../machine/isa.h"

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "toolchain/elf.c copies ELF structures as they lie in memory: it needs a little-endian host"
#endif

enum { MAX_IMAGE = 256u << 20, MAX_SECTION_HEADERS = 1024 };
/* The largest file the reader takes: the image and its tables. */
enum { MAX_FILE = MAX_IMAGE + (16u << 20) };

/* ---- shared ------------------------------------------------------------ */

void exe_extent(const exe_t *exe, uint32_t *lo, uint32_t *hi)
{
    uint64_t l = UINT32_MAX, h = 0;
    for (int i = 0; i < exe->nsections; i++) {
        const exe_section_t *s = &exe->sections[i];
        l = s->addr < l ? s->addr : l;
        h = (uint64_t)s->addr + s->size > h ? (uint64_t)s->addr + s->size : h;
    }
    *lo = exe->nsections ? (uint32_t)l : 0;
    *hi = (uint32_t)(h > UINT32_MAX ? UINT32_MAX : h);
}

void exe_free(exe_t *exe)
{
    for (int i = 0; i < exe->nsections; i++)
        free(exe->sections[i].data);
    for (int i = 0; i < exe->nsymbols; i++)
        free(exe->symbols[i].name);
    free(exe->symbols);
    free(exe->relocs);
    memset(exe, 0, sizeof *exe);
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8), p[2] = (uint8_t)(v >> 16), p[3] = (uint8_t)(v >> 24);
}

bool reloc_apply(uint8_t field[4], reloc_type_t type, uint32_t address)
{
    uint32_t insn = get32(field);
    switch (type) {
    case R_MMU_32: put32(field, address); return true;
    case R_MMU_HI20: put32(field, isa_enc_i(isa_opcode(insn), isa_ra(insn), address >> 12)); return true;
    case R_MMU_LO12: put32(field, isa_enc_i(isa_opcode(insn), isa_ra(insn), address & 0xFFF)); return true;
    case R_MMU_ABS20: {
        isa_imm_t kind = isa_info[isa_opcode(insn)].imm;
        int64_t v = kind == IMM_S20 ? (int64_t)(int32_t)address : (int64_t)address;
        if ((kind != IMM_U20 && kind != IMM_S20) || !isa_imm_fits(kind, v))
            return false;
        put32(field, isa_enc_i(isa_opcode(insn), isa_ra(insn), address));
        return true;
    }
    case R_MMU_DISP16:
        if (!isa_imm_fits(IMM_S16, (int32_t)address))
            return false;
        put32(field, (insn & 0xFFFF0000u) | (address & 0xFFFF));
        return true;
    case R_MMU_NONE: break;
    }
    return false;
}

static int fail(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (err && errlen)
        vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return -1;
}

/* ---- writer ------------------------------------------------------------ */

typedef struct {
    uint8_t *p;
    size_t len, cap;
} buf_t;

static size_t buf_put(buf_t *b, const void *data, size_t n)
{
    size_t at = b->len;
    if (b->len + n > b->cap) {
        while (b->len + n > b->cap)
            b->cap = b->cap ? b->cap * 2 : 4096;
        if (!(b->p = realloc(b->p, b->cap)))
            abort();
    }
    if (n)
        memcpy(b->p + at, data, n);
    b->len += n;
    return at;
}

/* Pad with zeros until len % align == phase. */
static void buf_pad(buf_t *b, size_t align, size_t phase)
{
    static const uint8_t zero[8];
    while (b->len % align != phase % align)
        buf_put(b, zero, 1);
}

static uint32_t str_add(buf_t *strtab, const char *s)
{
    return (uint32_t)buf_put(strtab, s, strlen(s) + 1);
}

/* Everything the writer decides before it copies bytes. */
typedef struct {
    const exe_t *exe;
    bool rel;
    int nalloc;                     /* section headers 1..nalloc are exe->sections */
    int rela_of[EXE_MAX_SECTIONS];  /* header index of each section's .rela, or 0  */
    int nshdr, symtab, strtab, shstrtab;
    Elf32_Shdr shdr[2 * EXE_MAX_SECTIONS + 4];
    buf_t file, strings, shstrings, syms;
    int *sym_index;                 /* exe symbol -> ELF symbol                    */
    int first_global;
} writer_t;

static int reloc_section(const exe_t *exe, uint32_t offset)
{
    for (int i = 0; i < exe->nsections; i++) {
        const exe_section_t *s = &exe->sections[i];
        if (!s->nobits && offset >= s->addr && (uint64_t)offset + 4 <= (uint64_t)s->addr + s->size)
            return i;
    }
    return -1;
}

static int section_holding(const exe_t *exe, uint32_t value)
{
    int best = -1;
    for (int i = 0; i < exe->nsections; i++) {
        const exe_section_t *s = &exe->sections[i];
        if (value >= s->addr && (uint64_t)value < (uint64_t)s->addr + s->size)
            return i;
        if ((uint64_t)value == (uint64_t)s->addr + s->size)
            best = i;
    }
    return best;
}

static void add_symbol(writer_t *w, uint32_t name, uint32_t value, int bind, int type, int shndx)
{
    Elf32_Sym s = {0};
    s.st_name = name;
    s.st_value = value;
    s.st_info = (unsigned char)ELF32_ST_INFO(bind, type);
    s.st_shndx = (Elf32_Half)shndx;
    buf_put(&w->syms, &s, sizeof s);
}

static void write_symbol(writer_t *w, int i, int *next)
{
    const exe_symbol_t *s = &w->exe->symbols[i];
    int shndx = s->section >= 0 ? 1 + s->section : s->section == -1 ? SHN_ABS : SHN_UNDEF;
    uint32_t value = s->value;
    if (w->rel && s->section >= 0)
        value -= w->exe->sections[s->section].addr;
    add_symbol(w, str_add(&w->strings, s->name), value, s->global ? STB_GLOBAL : STB_LOCAL, STT_NOTYPE, shndx);
    w->sym_index[i] = (*next)++;
}

static int build_symbols(writer_t *w, char *err, size_t errlen)
{
    const exe_t *exe = w->exe;
    int next = 1;
    w->sym_index = calloc((size_t)exe->nsymbols + 1, sizeof *w->sym_index);
    if (!w->sym_index)
        abort();
    add_symbol(w, 0, 0, STB_LOCAL, STT_NOTYPE, SHN_UNDEF);
    for (int i = 0; i < w->nalloc; i++, next++)
        add_symbol(w, 0, w->rel ? 0 : exe->sections[i].addr, STB_LOCAL, STT_SECTION, 1 + i);
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 1)
            w->first_global = next;
        for (int i = 0; i < exe->nsymbols; i++) {
            const exe_symbol_t *s = &exe->symbols[i];
            if (!s->name || s->section >= exe->nsections || s->section < -2)
                return fail(err, errlen, "symbol %d has no name or a bad section", i);
            if (s->global == (pass == 1))
                write_symbol(w, i, &next);
        }
    }
    return 0;
}

/* One RELA entry for r; S + A == r->value. */
static int rela_entry(writer_t *w, const exe_reloc_t *r, const exe_section_t *target, buf_t *out, char *err,
                      size_t errlen)
{
    const exe_t *exe = w->exe;
    int sym = 0;
    uint32_t s_value = 0;
    if (r->symbol >= exe->nsymbols || r->symbol < -1)
        return fail(err, errlen, "relocation at %u names symbol %d of %d", r->offset, r->symbol, exe->nsymbols);
    if (r->symbol >= 0) {
        sym = w->sym_index[r->symbol];
        s_value = exe->symbols[r->symbol].section == -2 ? 0 : exe->symbols[r->symbol].value;
    } else {
        int sec = section_holding(exe, r->value);
        if (sec >= 0)
            sym = 1 + sec, s_value = exe->sections[sec].addr;
    }
    Elf32_Rela e;
    e.r_offset = w->rel ? r->offset - target->addr : r->offset;
    e.r_info = ELF32_R_INFO((unsigned)sym, (unsigned)r->type);
    e.r_addend = (Elf32_Sword)(r->value - s_value);
    buf_put(out, &e, sizeof e);
    return 0;
}

static int build_relas(writer_t *w, buf_t *rela, char *err, size_t errlen)
{
    const exe_t *exe = w->exe;
    for (int i = 0; i < exe->nrelocs; i++) {
        const exe_reloc_t *r = &exe->relocs[i];
        int sec = reloc_section(exe, r->offset);
        if (sec < 0)
            return fail(err, errlen, "relocation at %u is not inside a section with contents", r->offset);
        if (r->type <= R_MMU_NONE || r->type > R_MMU_DISP16)
            return fail(err, errlen, "relocation at %u has unknown type %d", r->offset, (int)r->type);
        if (rela_entry(w, r, &exe->sections[sec], &rela[sec], err, errlen) < 0)
            return -1;
    }
    return 0;
}

static Elf32_Shdr *new_shdr(writer_t *w, const char *name, Elf32_Word type)
{
    Elf32_Shdr *h = &w->shdr[w->nshdr++];
    memset(h, 0, sizeof *h);
    h->sh_name = str_add(&w->shstrings, name);
    h->sh_type = type;
    h->sh_addralign = 1;
    return h;
}

static void section_contents(writer_t *w, Elf32_Phdr *ph)
{
    for (int i = 0; i < w->nalloc; i++) {
        const exe_section_t *s = &w->exe->sections[i];
        Elf32_Shdr *h = new_shdr(w, s->name, s->nobits ? SHT_NOBITS : SHT_PROGBITS);
        h->sh_flags = SHF_ALLOC | (s->perm & SEC_W ? SHF_WRITE : 0) | (s->perm & SEC_X ? SHF_EXECINSTR : 0);
        h->sh_addr = s->addr;
        h->sh_size = s->size;
        h->sh_addralign = s->addr % 4 ? 1 : 4;
        if (!s->nobits)
            buf_pad(&w->file, 4, s->addr);
        h->sh_offset = (Elf32_Off)w->file.len;
        if (!s->nobits)
            buf_put(&w->file, s->data, s->size);
        memset(&ph[i], 0, sizeof ph[i]);
        ph[i].p_type = PT_LOAD;
        ph[i].p_offset = h->sh_offset;
        ph[i].p_vaddr = ph[i].p_paddr = s->addr;
        ph[i].p_filesz = s->nobits ? 0 : s->size;
        ph[i].p_memsz = s->size;
        ph[i].p_flags = (s->perm & SEC_R ? PF_R : 0) | (s->perm & SEC_W ? PF_W : 0) | (s->perm & SEC_X ? PF_X : 0);
        ph[i].p_align = h->sh_addralign;
    }
}

static void table_section(writer_t *w, const char *name, Elf32_Word type, const buf_t *b, Elf32_Word entsize)
{
    Elf32_Shdr *h = new_shdr(w, name, type);
    buf_pad(&w->file, 4, 0);
    h->sh_offset = (Elf32_Off)w->file.len;
    h->sh_size = (Elf32_Word)b->len;
    h->sh_entsize = entsize;
    h->sh_addralign = entsize ? 4 : 1;
    buf_put(&w->file, b->p, b->len);
}

static void layout_file(writer_t *w, buf_t *rela)
{
    const exe_t *exe = w->exe;
    Elf32_Ehdr eh = {0};
    Elf32_Phdr ph[EXE_MAX_SECTIONS];
    int nph = w->rel ? 0 : w->nalloc;
    buf_put(&w->file, &eh, sizeof eh);
    size_t phoff = buf_put(&w->file, ph, sizeof ph[0] * (size_t)nph);
    new_shdr(w, "", SHT_NULL);
    section_contents(w, ph);
    for (int i = 0; i < w->nalloc; i++) {
        if (!rela[i].len)
            continue;
        char name[32];
        snprintf(name, sizeof name, ".rela%s", exe->sections[i].name);
        w->rela_of[i] = w->nshdr;
        table_section(w, name, SHT_RELA, &rela[i], sizeof(Elf32_Rela));
    }
    w->symtab = w->nshdr, w->strtab = w->nshdr + 1, w->shstrtab = w->nshdr + 2;
    table_section(w, ".symtab", SHT_SYMTAB, &w->syms, sizeof(Elf32_Sym));
    table_section(w, ".strtab", SHT_STRTAB, &w->strings, 0);
    Elf32_Shdr *sh = new_shdr(w, ".shstrtab", SHT_STRTAB); /* its name goes in before the copy */
    buf_pad(&w->file, 4, 0);
    sh->sh_offset = (Elf32_Off)w->file.len;
    sh->sh_size = (Elf32_Word)w->shstrings.len;
    buf_put(&w->file, w->shstrings.p, w->shstrings.len);
    for (int i = 0; i < w->nalloc; i++)
        if (w->rela_of[i]) {
            w->shdr[w->rela_of[i]].sh_link = (Elf32_Word)w->symtab;
            w->shdr[w->rela_of[i]].sh_info = (Elf32_Word)(1 + i);
            w->shdr[w->rela_of[i]].sh_flags = SHF_INFO_LINK;
        }
    w->shdr[w->symtab].sh_link = (Elf32_Word)w->strtab;
    w->shdr[w->symtab].sh_info = (Elf32_Word)w->first_global;

    buf_pad(&w->file, 4, 0);
    size_t shoff = buf_put(&w->file, w->shdr, sizeof w->shdr[0] * (size_t)w->nshdr);
    memcpy(eh.e_ident, ELFMAG, SELFMAG);
    eh.e_ident[EI_CLASS] = ELFCLASS32;
    eh.e_ident[EI_DATA] = ELFDATA2LSB;
    eh.e_ident[EI_VERSION] = EV_CURRENT;
    eh.e_ident[EI_OSABI] = ELFOSABI_NONE;
    eh.e_type = w->rel ? ET_REL : exe->shared ? ET_DYN : ET_EXEC;
    eh.e_machine = EXE_MACHINE;
    eh.e_version = EV_CURRENT;
    eh.e_entry = w->rel ? 0 : exe->entry;
    eh.e_phoff = nph ? (Elf32_Off)phoff : 0;
    eh.e_shoff = (Elf32_Off)shoff;
    eh.e_ehsize = sizeof eh;
    eh.e_phentsize = nph ? sizeof(Elf32_Phdr) : 0;
    eh.e_phnum = (Elf32_Half)nph;
    eh.e_shentsize = sizeof(Elf32_Shdr);
    eh.e_shnum = (Elf32_Half)w->nshdr;
    eh.e_shstrndx = (Elf32_Half)w->shstrtab;
    memcpy(w->file.p, &eh, sizeof eh);
    memcpy(w->file.p + phoff, ph, sizeof ph[0] * (size_t)nph);
}

static int check_image(const exe_t *exe, char *err, size_t errlen)
{
    if (exe->nsections < 0 || exe->nsections > EXE_MAX_SECTIONS || exe->nrelocs < 0 || exe->nsymbols < 0)
        return fail(err, errlen, "bad section, relocation or symbol count");
    for (int i = 0; i < exe->nsections; i++) {
        const exe_section_t *s = &exe->sections[i];
        if (!memchr(s->name, '\0', sizeof s->name) || (!s->nobits && s->size && !s->data))
            return fail(err, errlen, "section %d has no name or no contents", i);
    }
    return 0;
}

static int write_file(const char *path, const buf_t *b, char *err, size_t errlen)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return fail(err, errlen, "%s: cannot create: %s", path, strerror(errno));
    bool ok = fwrite(b->p, 1, b->len, f) == b->len;
    ok &= fclose(f) == 0;
    return ok ? 0 : fail(err, errlen, "%s: cannot write: %s", path, strerror(errno));
}

int exe_write_elf(const char *path, const exe_t *exe, char *err, size_t errlen)
{
    if (check_image(exe, err, errlen) < 0)
        return -1;
    writer_t w = {0};
    buf_t rela[EXE_MAX_SECTIONS] = {{0}};
    w.exe = exe;
    w.rel = exe->relocatable;
    w.nalloc = exe->nsections;
    buf_put(&w.strings, "", 1);
    int rc = build_symbols(&w, err, errlen);
    if (rc == 0)
        rc = build_relas(&w, rela, err, errlen);
    if (rc == 0) {
        layout_file(&w, rela);
        rc = write_file(path, &w.file, err, errlen);
    }
    for (int i = 0; i < EXE_MAX_SECTIONS; i++)
        free(rela[i].p);
    free(w.file.p), free(w.strings.p), free(w.shstrings.p), free(w.syms.p), free(w.sym_index);
    return rc;
}

/* ---- reader ------------------------------------------------------------ */

typedef struct {
    const uint8_t *buf;
    size_t len;
    char *err;
    size_t errlen;
    Elf32_Ehdr eh;
    Elf32_Shdr *sh;
    int section_of[MAX_SECTION_HEADERS]; /* header index -> exe section, or -1 */
    const char *shstr;
    uint32_t shstr_len;
    exe_t *out;
    int *sym_of;                         /* ELF symbol -> exe symbol, or -1    */
    uint32_t nsyms;
    int symtab;
} reader_t;

static bool in_file(const reader_t *r, uint64_t offset, uint64_t size)
{
    return offset <= r->len && size <= r->len - offset;
}

static int check_header(reader_t *r)
{
    const Elf32_Ehdr *eh = &r->eh;
    if (r->len < sizeof *eh)
        return fail(r->err, r->errlen, "truncated: %zu bytes, an ELF header needs %zu", r->len, sizeof *eh);
    memcpy(&r->eh, r->buf, sizeof r->eh);
    if (memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0)
        return fail(r->err, r->errlen, "not an ELF file (bad magic)");
    if (eh->e_ident[EI_CLASS] != ELFCLASS32 || eh->e_ident[EI_DATA] != ELFDATA2LSB)
        return fail(r->err, r->errlen, "not a 32-bit little-endian ELF file");
    if (eh->e_ident[EI_VERSION] != EV_CURRENT || eh->e_version != EV_CURRENT)
        return fail(r->err, r->errlen, "unknown ELF version");
    if (eh->e_machine != EXE_MACHINE)
        return fail(r->err, r->errlen, "machine 0x%X is not mmulab's (0x%X)", eh->e_machine, EXE_MACHINE);
    if (eh->e_type != ET_EXEC && eh->e_type != ET_REL && eh->e_type != ET_DYN)
        return fail(r->err, r->errlen, "ELF type %u is neither an executable, a library nor an object", eh->e_type);
    if (eh->e_ehsize != sizeof *eh || eh->e_shentsize != sizeof(Elf32_Shdr))
        return fail(r->err, r->errlen, "unexpected ELF header or section header size");
    if (eh->e_shnum == 0 || eh->e_shnum > MAX_SECTION_HEADERS)
        return fail(r->err, r->errlen, "%u section headers (1..%d allowed)", eh->e_shnum, MAX_SECTION_HEADERS);
    if (!in_file(r, eh->e_shoff, (uint64_t)eh->e_shnum * sizeof(Elf32_Shdr)))
        return fail(r->err, r->errlen, "truncated: section headers beyond the end of the file");
    if (eh->e_shstrndx == SHN_UNDEF || eh->e_shstrndx >= eh->e_shnum)
        return fail(r->err, r->errlen, "bad section name table index %u", eh->e_shstrndx);
    if (eh->e_phnum && (eh->e_phentsize != sizeof(Elf32_Phdr) ||
                        !in_file(r, eh->e_phoff, (uint64_t)eh->e_phnum * sizeof(Elf32_Phdr))))
        return fail(r->err, r->errlen, "truncated or malformed program headers");
    return 0;
}

static int check_segments(reader_t *r)
{
    for (unsigned i = 0; i < r->eh.e_phnum; i++) {
        Elf32_Phdr ph;
        memcpy(&ph, r->buf + r->eh.e_phoff + i * sizeof ph, sizeof ph);
        if (ph.p_type != PT_LOAD)
            continue;
        if (!in_file(r, ph.p_offset, ph.p_filesz) || ph.p_filesz > ph.p_memsz ||
            (uint64_t)ph.p_vaddr + ph.p_memsz > (uint64_t)UINT32_MAX + 1)
            return fail(r->err, r->errlen, "segment %u lies outside the file or the address space", i);
    }
    return 0;
}

/* A NUL-terminated string at offset off of a string table of len bytes. */
static const char *table_string(const char *table, uint32_t len, uint32_t off)
{
    if (off >= len || !memchr(table + off, '\0', len - off))
        return NULL;
    return table + off;
}

static int check_string_table(reader_t *r, unsigned index, const char **table, uint32_t *len)
{
    const Elf32_Shdr *h = &r->sh[index];
    if (h->sh_type != SHT_STRTAB || h->sh_size == 0 || r->buf[h->sh_offset + h->sh_size - 1] != '\0')
        return fail(r->err, r->errlen, "section %u is not a NUL-terminated string table", index);
    *table = (const char *)r->buf + h->sh_offset;
    *len = h->sh_size;
    return 0;
}

static int read_section_headers(reader_t *r)
{
    unsigned n = r->eh.e_shnum;
    if (!(r->sh = calloc(n, sizeof *r->sh)))
        return fail(r->err, r->errlen, "out of memory");
    memcpy(r->sh, r->buf + r->eh.e_shoff, n * sizeof *r->sh);
    for (unsigned i = 0; i < n; i++) {
        const Elf32_Shdr *h = &r->sh[i];
        r->section_of[i] = -1;
        if (h->sh_type != SHT_NOBITS && h->sh_type != SHT_NULL && !in_file(r, h->sh_offset, h->sh_size))
            return fail(r->err, r->errlen, "truncated: section %u lies beyond the end of the file", i);
    }
    if (check_string_table(r, r->eh.e_shstrndx, &r->shstr, &r->shstr_len) < 0)
        return -1;
    for (unsigned i = 1; i < n; i++)
        if (!table_string(r->shstr, r->shstr_len, r->sh[i].sh_name))
            return fail(r->err, r->errlen, "section %u has a bad name index", i);
    return 0;
}

static int add_section(reader_t *r, unsigned i, uint64_t *total)
{
    const Elf32_Shdr *h = &r->sh[i];
    const char *name = r->shstr + h->sh_name;
    exe_t *out = r->out;
    if (out->nsections == EXE_MAX_SECTIONS)
        return fail(r->err, r->errlen, "more than %d loadable sections", EXE_MAX_SECTIONS);
    if (strlen(name) >= sizeof out->sections[0].name)
        return fail(r->err, r->errlen, "section name '%.20s...' is too long", name);
    if ((uint64_t)h->sh_addr + h->sh_size > (uint64_t)UINT32_MAX + 1 || (*total += h->sh_size) > MAX_IMAGE)
        return fail(r->err, r->errlen, "section %s is beyond the address space or the image exceeds 256 MiB", name);
    exe_section_t *s = &out->sections[out->nsections];
    snprintf(s->name, sizeof s->name, "%s", name);
    s->addr = h->sh_addr;
    s->size = h->sh_size;
    s->nobits = h->sh_type == SHT_NOBITS;
    s->perm = SEC_R | (h->sh_flags & SHF_WRITE ? SEC_W : 0) | (h->sh_flags & SHF_EXECINSTR ? SEC_X : 0);
    if (!s->nobits) {
        if (!(s->data = malloc(s->size ? s->size : 1)))
            return fail(r->err, r->errlen, "out of memory");
        memcpy(s->data, r->buf + h->sh_offset, s->size);
    }
    r->section_of[i] = out->nsections++;
    return 0;
}

static int read_sections(reader_t *r)
{
    uint64_t total = 0;
    for (unsigned i = 1; i < r->eh.e_shnum; i++) {
        const Elf32_Shdr *h = &r->sh[i];
        if ((h->sh_flags & SHF_ALLOC) && (h->sh_type == SHT_PROGBITS || h->sh_type == SHT_NOBITS) &&
            add_section(r, i, &total) < 0)
            return -1;
    }
    const exe_t *out = r->out;
    for (int i = 0; i < out->nsections; i++)
        for (int j = 0; j < i; j++) {
            const exe_section_t *a = &out->sections[i], *b = &out->sections[j];
            if (a->size && b->size && (uint64_t)a->addr < (uint64_t)b->addr + b->size &&
                (uint64_t)b->addr < (uint64_t)a->addr + a->size)
                return fail(r->err, r->errlen, "sections %s and %s overlap", a->name, b->name);
        }
    return 0;
}

static int find_symtab(reader_t *r)
{
    r->symtab = 0;
    for (unsigned i = 1; i < r->eh.e_shnum; i++)
        if (r->sh[i].sh_type == SHT_SYMTAB) {
            if (r->symtab)
                return fail(r->err, r->errlen, "more than one symbol table");
            r->symtab = (int)i;
        }
    if (!r->symtab)
        return 0;
    const Elf32_Shdr *h = &r->sh[r->symtab];
    if (h->sh_entsize != sizeof(Elf32_Sym) || h->sh_size % sizeof(Elf32_Sym) || h->sh_size == 0 ||
        h->sh_link >= r->eh.e_shnum || h->sh_info > h->sh_size / sizeof(Elf32_Sym))
        return fail(r->err, r->errlen, "malformed symbol table");
    r->nsyms = h->sh_size / sizeof(Elf32_Sym);
    return 0;
}

static Elf32_Sym symbol_at(const reader_t *r, uint32_t i)
{
    Elf32_Sym s;
    memcpy(&s, r->buf + r->sh[r->symtab].sh_offset + i * sizeof s, sizeof s);
    return s;
}

/* Logical value of ELF symbol i: its address (ET_REL: section base added). */
static int symbol_value(const reader_t *r, uint32_t i, uint32_t *value, int *section)
{
    Elf32_Sym s = symbol_at(r, i);
    *value = s.st_value;
    if (s.st_shndx == SHN_UNDEF || s.st_shndx == SHN_ABS) {
        *section = s.st_shndx == SHN_UNDEF ? -2 : -1;
        *value = s.st_shndx == SHN_UNDEF ? 0 : s.st_value;
        return 0;
    }
    if (s.st_shndx >= r->eh.e_shnum || r->section_of[s.st_shndx] < 0)
        return fail(r->err, r->errlen, "symbol %u is in section %u, which is not loaded", i, s.st_shndx);
    *section = r->section_of[s.st_shndx];
    if (r->eh.e_type == ET_REL || ELF32_ST_TYPE(s.st_info) == STT_SECTION)
        *value = (ELF32_ST_TYPE(s.st_info) == STT_SECTION ? 0 : s.st_value) + r->out->sections[*section].addr;
    return 0;
}

static int read_symbols(reader_t *r)
{
    const char *strtab;
    uint32_t strtab_len;
    exe_t *out = r->out;
    if (!r->symtab)
        return 0;
    if (check_string_table(r, r->sh[r->symtab].sh_link, &strtab, &strtab_len) < 0)
        return -1;
    if (!(r->sym_of = calloc(r->nsyms, sizeof *r->sym_of)) || !(out->symbols = calloc(r->nsyms, sizeof *out->symbols)))
        return fail(r->err, r->errlen, "out of memory");
    for (uint32_t i = 0; i < r->nsyms; i++) {
        Elf32_Sym s = symbol_at(r, i);
        exe_symbol_t e = {0};
        r->sym_of[i] = -1;
        if (i == 0 || ELF32_ST_TYPE(s.st_info) == STT_SECTION)
            continue;
        const char *name = table_string(strtab, strtab_len, s.st_name);
        if (!name)
            return fail(r->err, r->errlen, "symbol %u has a bad name index", i);
        if (symbol_value(r, i, &e.value, &e.section) < 0)
            return -1;
        e.global = ELF32_ST_BIND(s.st_info) != STB_LOCAL;
        if (!(e.name = strdup(name)))
            return fail(r->err, r->errlen, "out of memory");
        r->sym_of[i] = out->nsymbols;
        out->symbols[out->nsymbols++] = e;
    }
    return 0;
}

static int read_rela(reader_t *r, unsigned index)
{
    const Elf32_Shdr *h = &r->sh[index];
    exe_t *out = r->out;
    if (h->sh_entsize != sizeof(Elf32_Rela) || h->sh_size % sizeof(Elf32_Rela) || (int)h->sh_link != r->symtab ||
        !r->symtab || h->sh_info >= r->eh.e_shnum || r->section_of[h->sh_info] < 0)
        return fail(r->err, r->errlen, "relocation section %u is malformed or targets no loaded section", index);
    const exe_section_t *target = &out->sections[r->section_of[h->sh_info]];
    uint32_t n = h->sh_size / sizeof(Elf32_Rela);
    exe_reloc_t *grown = realloc(out->relocs, ((size_t)out->nrelocs + n + 1) * sizeof *out->relocs);
    if (!grown)
        return fail(r->err, r->errlen, "out of memory");
    out->relocs = grown;
    for (uint32_t i = 0; i < n; i++) {
        Elf32_Rela e;
        memcpy(&e, r->buf + h->sh_offset + i * sizeof e, sizeof e);
        uint32_t sym = ELF32_R_SYM(e.r_info), type = ELF32_R_TYPE(e.r_info), s_value = 0;
        uint64_t at = (uint64_t)e.r_offset + (r->eh.e_type == ET_REL ? target->addr : 0);
        int section;
        if (type <= R_MMU_NONE || type > R_MMU_DISP16 || sym >= r->nsyms)
            return fail(r->err, r->errlen, "relocation %u of section %u: bad type %u or symbol %u", i, index, type, sym);
        if (target->nobits || at < target->addr || at + 4 > (uint64_t)target->addr + target->size)
            return fail(r->err, r->errlen, "relocation %u of section %u patches outside %s", i, index, target->name);
        if (sym && symbol_value(r, sym, &s_value, &section) < 0)
            return -1;
        out->relocs[out->nrelocs++] = (exe_reloc_t){(uint32_t)at, (reloc_type_t)type,
                                                    s_value + (uint32_t)e.r_addend, sym ? r->sym_of[sym] : -1};
    }
    return 0;
}

static int read_relocations(reader_t *r)
{
    for (unsigned i = 1; i < r->eh.e_shnum; i++)
        if (r->sh[i].sh_type == SHT_RELA && read_rela(r, i) < 0)
            return -1;
        else if (r->sh[i].sh_type == SHT_REL)
            return fail(r->err, r->errlen, "SHT_REL sections are not used by mmulab (RELA only)");
    return 0;
}

bool exe_entry_in_section(const exe_t *exe)
{
    if (exe->relocatable || exe->nsections == 0)
        return true;
    for (int i = 0; i < exe->nsections; i++)
        if (exe->entry >= exe->sections[i].addr && exe->entry - exe->sections[i].addr < exe->sections[i].size)
            return true;
    return false;
}

static int check_entry(reader_t *r)
{
    if (exe_entry_in_section(r->out))
        return 0;
    return fail(r->err, r->errlen, "entry point %u is outside every section", r->out->entry);
}

int exe_parse_elf(const uint8_t *buf, size_t len, exe_t *out, char *err, size_t errlen)
{
    reader_t r = {0};
    r.buf = buf, r.len = buf ? len : 0, r.err = err, r.errlen = errlen, r.out = out;
    memset(out, 0, sizeof *out);
    int rc = check_header(&r);
    if (rc == 0) {
        out->relocatable = r.eh.e_type == ET_REL;
        out->shared = r.eh.e_type == ET_DYN;
        out->entry = out->relocatable ? 0 : r.eh.e_entry; /* an object has none (exe.h) */
        rc = check_segments(&r);
    }
    if (rc == 0)
        rc = read_section_headers(&r);
    if (rc == 0)
        rc = read_sections(&r);
    if (rc == 0)
        rc = find_symtab(&r);
    if (rc == 0)
        rc = read_symbols(&r);
    if (rc == 0)
        rc = read_relocations(&r);
    if (rc == 0)
        rc = check_entry(&r);
    free(r.sh);
    free(r.sym_of);
    if (rc < 0)
        exe_free(out);
    return rc;
}

/* The ELF header of the file at path, checked against the file's size
 * before the rest is read: a malformed or huge file is refused at once. */
static int check_file_header(const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return fail(err, errlen, "%s: cannot open: %s", path, strerror(errno));
    struct stat st;
    uint8_t head[sizeof(Elf32_Ehdr)];
    size_t got = fread(head, 1, sizeof head, f);
    bool regular = fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode);
    fclose(f);
    if (!regular)
        return 0; /* a pipe: no size to check against; read it, bounded */
    if ((uint64_t)st.st_size > MAX_FILE)
        return fail(err, errlen, "%s: %llu bytes, larger than any mmulab executable (%u MiB at most)", path,
                    (unsigned long long)st.st_size, MAX_FILE >> 20);
    reader_t r = {.buf = head, .len = got < sizeof head ? got : (size_t)st.st_size, .err = err, .errlen = errlen};
    char msg[256] = "";
    r.err = msg, r.errlen = sizeof msg;
    if (check_header(&r) < 0)
        return fail(err, errlen, "%s: %s", path, msg);
    return 0;
}

/* A pipe's first block: an ELF header whose tables would fit the largest
 * file, or it is refused before the rest is read. */
static int check_stream_head(const uint8_t *head, size_t len, char *err, size_t errlen)
{
    reader_t r = {.buf = head, .len = len < sizeof(Elf32_Ehdr) ? len : MAX_FILE, .err = err, .errlen = errlen};
    return check_header(&r);
}

int exe_read_elf(const char *path, exe_t *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (check_file_header(path, err, errlen) < 0)
        return -1;
    uint8_t *buf = NULL;
    size_t len = 0;
    char msg[256] = "";
    if (file_read_checked(path, MAX_FILE, check_stream_head, &buf, &len, msg, sizeof msg) < 0)
        return fail(err, errlen, "%s", msg);
    int rc = exe_parse_elf(buf, len, out, msg, sizeof msg);
    free(buf);
    if (rc < 0)
        fail(err, errlen, "%s: %s", path, msg);
    return rc;
}
