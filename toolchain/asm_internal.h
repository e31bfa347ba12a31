/*
 * The assembler's private types, shared by its three files: asm_lex.c turns
 * one source line into tokens, asm_expr.c evaluates expressions over those
 * tokens against the symbol table, and asm.c runs the two passes, the layout
 * step and the encoder.  Nothing here is part of the public API (toolchain/asm.h).
 */
#ifndef MMULAB_ASM_INTERNAL_H
#define MMULAB_ASM_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "asm.h"
#include "../machine/isa.h"

typedef enum { TOK_END, TOK_IDENT, TOK_NUM, TOK_STR, TOK_PUNCT } tok_kind_t;

enum { PUNCT_SHL = 256, PUNCT_SHR = 257 }; /* two-character punctuators */

typedef struct {
    tok_kind_t kind;
    int col;           /* 1-based column of the first character            */
    const char *text;  /* into the source line (identifiers, punctuators)  */
    int len;
    int64_t num;       /* TOK_NUM: numbers and character literals           */
    int punct;         /* TOK_PUNCT: the character, or PUNCT_SHL/PUNCT_SHR  */
    size_t str;        /* TOK_STR: offset of the decoded bytes in strbuf    */
    size_t slen;
} token_t;

typedef enum { SYM_UNDEF, SYM_LABEL, SYM_CONST } sym_kind_t;

/* A name: a label (an address in a section), an .equ constant, or a name
 * that is used or declared global but not (yet) defined. */
typedef struct {
    char *name;
    sym_kind_t kind;
    int section;       /* SYM_LABEL: ASM_TEXT, ASM_DATA or ASM_BSS          */
    bool floating;     /* SYM_LABEL before layout: pos is from section start */
    int64_t pos;       /* SYM_LABEL: address (or offset while floating)      */
    int64_t value;     /* SYM_CONST                                          */
    bool global;
    int line;          /* where defined, for "duplicate label" messages      */
} sym_t;

/* The value of an expression: sym + k, or the constant k when sym < 0.
 * known is false in pass 1 for names not defined yet. */
typedef struct {
    int64_t k;
    int sym;
    bool known;
} value_t;

enum { ASM_TEXT, ASM_DATA, ASM_BSS, ASM_NSECTIONS };
extern const char *const asm_section_names[ASM_NSECTIONS];

enum { ASM_MAX_ADDRESS = 0x10000000 }; /* 256 MiB, the ELF reader's limit too */

/* One section's location counter.  Until its first .org a section floats:
 * positions are offsets from a start the layout step chooses. */
typedef struct {
    bool used;          /* some statement or label was placed in it          */
    bool anchored;      /* an .org was seen: lc is an absolute address       */
    bool start_fixed;   /* the first .org came before any byte: start = it   */
    uint32_t align;     /* largest alignment asked for while floating        */
    int64_t lc;         /* location counter                                  */
    int64_t float_size; /* bytes before the first .org                       */
    int64_t first_org;  /* target of the first .org                          */
    int org_line, org_col;
    int first_line;
    int64_t start, end; /* after layout                                      */
    uint8_t *data;      /* pass 2: end - start bytes                         */
} asm_section_t;

typedef enum { LST_NONE, LST_WORDS, LST_BYTES } listing_kind_t;

/* What pass 1 learned about a line; pass 2 encodes into exactly this place. */
typedef struct {
    bool failed;        /* an error was reported on it in pass 1             */
    int section;
    bool floating;
    int64_t pos;
    uint32_t size;
    listing_kind_t listing;
} line_rec_t;

typedef struct {
    uint32_t address;
    reloc_type_t type;
    uint32_t value;
    int sym;            /* asm symbol index, -1 none                         */
} asm_reloc_t;

typedef struct {
    int line, col, seq;
    char *text;
} diag_t;

typedef struct asm_s {
    const char *filename;
    const asm_options_t *opt;
    FILE *err;
    int errors;
    int pass;
    int lineno;
    bool line_failed;

    token_t *tok;       /* the current line's tokens, ending with TOK_END   */
    int ntok, captok, pos;
    char *strbuf;       /* decoded string literals of the current line       */
    size_t strused, strcap;

    sym_t *syms;
    int nsyms, capsyms;
    int *sym_slots;     /* hash index of syms: index + 1, 0 empty; a power of two */
    int nslots;

    asm_section_t sec[ASM_NSECTIONS];
    int cur;

    line_rec_t *lines;
    int nlines, caplines;
    line_rec_t *rec;    /* the record of the line being assembled            */
    uint32_t emitted;   /* pass 2: bytes written for the current line        */

    asm_reloc_t *relocs;
    int nrelocs, caprelocs;

    diag_t *diags;      /* printed sorted by line once both passes are done  */
    int ndiags, capdiags;
    int max_errors;     /* the limit, or INT_MAX                             */
    bool stopped;       /* the limit was reached: no more lines, no pass 2  */
} asm_t;

/* asm.c */
void asm_error(asm_t *as, int col, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* An error about another line than the current one (line 0: the whole file). */
void asm_error_at(asm_t *as, int line, int col, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void *asm_grow(void *array, int *cap, int need, size_t elem);
int sym_find(const asm_t *as, const char *name, int len);
int sym_add(asm_t *as, const char *name, int len);

/* asm_image.c: place the sections after pass 1; build the exe_t after pass 2. */
void asm_layout(asm_t *as);
void asm_build_exe(asm_t *as, exe_t *out);

/* asm_lex.c: tokenize one line into as->tok; false after reporting an error. */
bool lex_line(asm_t *as, const char *line, int len);
bool tok_is(const token_t *t, int punct);
bool tok_ident_is(const token_t *t, const char *word);
/* Register number of an identifier: 0-15, -1 not a register name,
 * -2 looks like one but is out of range (R16). */
int tok_register(const token_t *t);
/* The decoded bytes of a TOK_STR token (t->slen of them; "" when empty). */
const char *asm_string_bytes(const asm_t *as, const token_t *t);

/* asm_expr.c: parse an expression at as->tok[as->pos]. */
bool expr_parse(asm_t *as, value_t *out);
/* The expression as a constant; false (error reported at col) if it is an address. */
bool expr_constant(asm_t *as, int col, const value_t *v, const char *what);
/* Address of a label symbol, or 0 for an undefined (external) one. */
int64_t sym_address(const asm_t *as, int sym);

#endif
