/*
 * Expectations: the result a program promises in its header comment, so
 * tests and `mmulab compare` can tell a right run from a wrong one.
 *
 *   ; expect: exit 0                  ends normally with this exit code
 *   ; expect[hwreloc]: fault protection   stopped on this trap (short name)
 *   ; expect: output "hello\n"        its console output, C escapes
 *   ; expect: word 3000 = 55          a logical word after the run
 *   ; expect: same 2000 1000 @1500    words at 2000 equal those at 1000,
 *                                     as many as the word at 1500 says
 *
 * `[mode,mode]` limits a clause to those modes (bare, swreloc, hwreloc, paged).
 */
#ifndef MMULAB_EXPECT_H
#define MMULAB_EXPECT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "../os/os.h"

typedef enum { EXPECT_EXIT, EXPECT_FAULT, EXPECT_OUTPUT, EXPECT_WORD, EXPECT_SAME } expect_kind_t;

typedef struct {
    expect_kind_t kind;
    unsigned modes;   /* bit per os_mode_t */
    int line;
    int code;
    trap_cause_t cause;
    char *text;
    uint32_t addr, addr2, count_addr, value;
} expect_clause_t;

#define EXPECT_MAX 16
typedef struct {
    int n;
    expect_clause_t c[EXPECT_MAX];
} expect_t;

/* Parse the expectations in a source file (none for an ELF file).
 * False after printing `file:line:col: error:` for a malformed clause. */
bool expect_parse_file(expect_t *e, const char *path, FILE *err);
bool expect_parse_text(expect_t *e, const char *path, const char *text, FILE *err);
void expect_free(expect_t *e);

/* Does process pid meet every clause that applies to `mode`?  Each failure
 * is described on report.  *applied counts the clauses checked. */
bool expect_verify(const expect_t *e, os_t *os, int pid, os_mode_t mode, FILE *report, int *applied);

#endif
