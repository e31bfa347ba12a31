/*
 * A program image in memory: what the assembler produces, what the ELF32
 * writer stores, what the ELF32 reader returns and what the loaders load.
 *
 * Addresses are logical: the program is assembled as if it ran at 0 (the
 * seed's "references between 0 and N").  Every field holding an absolute
 * address has a relocation, so a software-relocating loader can add its load
 * base to exactly those fields (reloc_apply) and to nothing else.
 */
#ifndef MMULAB_EXE_H
#define MMULAB_EXE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Relocation types (ELF32 RELA r_type for our machine).  docs/isa.md. */
typedef enum {
    R_MMU_NONE = 0,
    R_MMU_32 = 1,     /* a 32-bit data word holds the address                 */
    R_MMU_ABS20 = 2,  /* an instruction's 20-bit immediate holds the address   */
    R_MMU_HI20 = 3,   /* LUI: imm20 = address >> 12                            */
    R_MMU_LO12 = 4,   /* OR after LUI: imm20 = address & 0xFFF                 */
    R_MMU_DISP16 = 5, /* [Rb+disp16]: the displacement holds the address        */
} reloc_type_t;

#define EXE_MACHINE 0x4D4D /* e_machine: 'MM'; not assigned to any real CPU */

enum { SEC_R = 1, SEC_W = 2, SEC_X = 4 };

typedef struct {
    char name[16];     /* ".text", ".data", ".bss"                             */
    uint32_t addr;     /* logical address of the first byte                     */
    uint32_t size;     /* bytes in memory                                       */
    uint32_t perm;     /* SEC_R | SEC_W | SEC_X                                 */
    bool nobits;       /* .bss: zero-filled, no bytes in the file               */
    uint8_t *data;     /* size bytes, NULL when nobits                          */
} exe_section_t;

typedef struct {
    uint32_t offset;   /* logical address of the field to patch                 */
    reloc_type_t type;
    uint32_t value;    /* the address the field holds when loaded at 0 (S + A)  */
    int symbol;        /* index into symbols, or -1 for a section-relative one  */
} exe_reloc_t;

typedef struct {
    char *name;
    uint32_t value;
    int section;       /* index into sections, -1 absolute, -2 undefined        */
    bool global;
} exe_symbol_t;

#define EXE_MAX_SECTIONS 8
typedef struct {
    bool relocatable;  /* an object (ET_REL) rather than an executable          */
    bool shared;       /* a dynamic library (ET_DYN): exports its global symbols */
    uint32_t entry;    /* 0 in an object: the linker finds `start` (ELF leaves an
                          ET_REL's e_entry 0; the reader ignores what is there) */
    int nsections;
    exe_section_t sections[EXE_MAX_SECTIONS];
    int nrelocs;
    exe_reloc_t *relocs;
    int nsymbols;
    exe_symbol_t *symbols;
} exe_t;

/* Lowest and one-past-highest logical address occupied by any section. */
void exe_extent(const exe_t *exe, uint32_t *lo, uint32_t *hi);

/* Write/read an ELF32 little-endian file. Return 0, or -1 with a message in err. */
int exe_write_elf(const char *path, const exe_t *exe, char *err, size_t errlen);
int exe_read_elf(const char *path, exe_t *out, char *err, size_t errlen);
/* Same from/to a memory buffer (for fuzzing and tests). */
int exe_parse_elf(const uint8_t *buf, size_t len, exe_t *out, char *err, size_t errlen);

/* Does the entry point lie inside a section (always true of an object)?
 * The reader refuses an executable or library where it does not. */
bool exe_entry_in_section(const exe_t *exe);

void exe_free(exe_t *exe);

/*
 * Patch one relocated field in place: `field` points at the 4 bytes at
 * reloc->offset in the loaded image; `address` is the address it must now
 * hold (reloc->value + load base).  Returns false when the address does not
 * fit the field (the loader reports it).
 */
bool reloc_apply(uint8_t field[4], reloc_type_t type, uint32_t address);

#endif
