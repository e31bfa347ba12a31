/*
 * The RTL's constants against the C tables they follow: the opcodes of
 * rtl/mmulab_0_pkg.sv against ISA_TABLE (machine/isa.h), its trap causes
 * against TRAP_TABLE (machine/machine.h), its PTE bits against mmu/pte.h,
 * its access kinds, MMU modes and TLB policies against the C enums, and its
 * debug-port map against the harness's (rtl/harness/dbg_map.h): every name
 * on one side is on the other with the same value, and the RTL declares no
 * name the C side lacks.  So the two cannot drift; `make check` runs it.
 */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../machine/isa.h"
#include "../../machine/machine.h"
#include "../../mmu/pte.h"
#include "../../mmu/seg.h"
#include "../../rtl/harness/dbg_map.h"

#define PKG "rtl/mmulab_0_pkg.sv"

typedef struct {
    const char *name; /* without the prefix */
    uint64_t value;
} entry_t;

/* ---- reading the package ------------------------------------------------------ */

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *text = calloc(1, 1 << 16);
    size_t n = text ? fread(text, 1, (1 << 16) - 1, f) : 0;
    fclose(f);
    if (text)
        text[n] = 0;
    return text;
}

static bool ident_char(char c) { return isalnum((unsigned char)c) || c == '_'; }

/* A SystemVerilog number: 8'h1A, 4'd9, 12'h400, or plain decimal. */
static bool sv_number(const char *p, uint64_t *v)
{
    const char *tick = p;
    while (isdigit((unsigned char)*tick))
        tick++;
    int base = 10;
    if (*tick == '\'') {
        char b = (char)tolower((unsigned char)tick[1]);
        base = b == 'h' ? 16 : b == 'd' ? 10 : b == 'b' ? 2 : 0;
        p = tick + 2;
    }
    char *end;
    if (!base || !isxdigit((unsigned char)*p))
        return false;
    *v = strtoull(p, &end, base);
    return end != p;
}

/* The value declared for prefix+name (`NAME = value`); false if none. */
static bool declared(const char *text, const char *prefix, const char *name, uint64_t *v)
{
    char full[64];
    snprintf(full, sizeof full, "%s%s", prefix, name);
    size_t n = strlen(full);
    for (const char *at = strstr(text, full); at; at = strstr(at + 1, full)) {
        if ((at > text && ident_char(at[-1])) || ident_char(at[n]))
            continue;
        const char *p = at + n;
        while (*p == ' ')
            p++;
        if (*p != '=')
            continue;
        p++;
        while (*p == ' ')
            p++;
        return sv_number(p, v);
    }
    return false;
}

/* How many `PREFIX... =` declarations the package makes. */
static int count_declared(const char *text, const char *prefix)
{
    int count = 0;
    size_t n = strlen(prefix);
    for (const char *at = strstr(text, prefix); at; at = strstr(at + 1, prefix)) {
        if (at > text && ident_char(at[-1]))
            continue;
        const char *p = at + n;
        while (ident_char(*p))
            p++;
        while (*p == ' ')
            p++;
        count += *p == '=' && p[1] != '=';
    }
    return count;
}

/* Mismatches between entries[] and the package's PREFIX declarations,
 * described in why (the first one). */
static int compare(const char *text, const char *prefix, const entry_t *entries, int n, char *why, size_t len)
{
    int bad = 0;
    for (int i = 0; i < n; i++) {
        uint64_t v;
        if (!declared(text, prefix, entries[i].name, &v) || v != entries[i].value) {
            if (!bad++)
                snprintf(why, len, "%s%s: C has %llu, %s %s", prefix, entries[i].name,
                         (unsigned long long)entries[i].value, PKG,
                         declared(text, prefix, entries[i].name, &v) ? "differs" : "lacks it");
        }
    }
    int extra = count_declared(text, prefix) - n;
    if (extra > 0 && !bad++)
        snprintf(why, len, "%s declares %d %s* name(s) the C tables do not have", PKG, extra, prefix);
    return bad;
}

/* ---- the C side ------------------------------------------------------------ */

static const entry_t opcodes[] = {
#define OPCODE_ENTRY(name, opc, mn, form, imm, mem, size, cls) {#name, opc},
    ISA_TABLE(OPCODE_ENTRY)
#undef OPCODE_ENTRY
};

static const entry_t traps[] = {
#define TRAP_ENTRY(name, shortname, desc) {#name, TRAP_##name},
    TRAP_TABLE(TRAP_ENTRY)
#undef TRAP_ENTRY
};

static const entry_t pte_bits[] = {
    {"V", __builtin_ctz(PTE_V)}, {"R", __builtin_ctz(PTE_R)}, {"W", __builtin_ctz(PTE_W)},
    {"X", __builtin_ctz(PTE_X)}, {"U", __builtin_ctz(PTE_U)}, {"G", __builtin_ctz(PTE_G)},
    {"A", __builtin_ctz(PTE_A)}, {"D", __builtin_ctz(PTE_D)},
};

static const entry_t access_kinds[] = {{"FETCH", ACC_FETCH}, {"LOAD", ACC_LOAD}, {"STORE", ACC_STORE}};
static const entry_t mmu_modes[] = {{"BARE", MMU_BARE}, {"RELOC", MMU_RELOC}, {"PAGED", MMU_PAGED}, {"SEG", MMU_SEG}};
static const entry_t seg_bits[] = {
    {"V", __builtin_ctz(SEG_V)}, {"R", __builtin_ctz(SEG_R)}, {"W", __builtin_ctz(SEG_W)},
    {"X", __builtin_ctz(SEG_X)}, {"U", __builtin_ctz(SEG_U)}, {"DOWN", __builtin_ctz(SEG_DOWN)},
};
static const entry_t policies[] = {{"LRU", TLB_LRU}, {"FIFO", TLB_FIFO}, {"RANDOM", TLB_RANDOM}, {"PLRU", TLB_PLRU}};

static const entry_t debug_map[] = {
#define DBG_ENTRY(name, addr) {#name, addr},
    RTL_DBG_MAP(DBG_ENTRY)
#undef DBG_ENTRY
};

/* Every table against text; the number of tables that disagree. */
static int check_all(const char *text, char *why, size_t len)
{
    int bad = 0;
    bad += compare(text, "OP_", opcodes, (int)(sizeof opcodes / sizeof opcodes[0]), why, len) > 0;
    bad += !bad && compare(text, "TRAP_", traps, TRAP_COUNT, why, len) > 0;
    bad += !bad && compare(text, "PTE_", pte_bits, 8, why, len) > 0;
    bad += !bad && compare(text, "ACC_", access_kinds, 3, why, len) > 0;
    bad += !bad && compare(text, "MMU_", mmu_modes, 4, why, len) > 0;
    bad += !bad && compare(text, "SEG_", seg_bits, 6, why, len) > 0;
    bad += !bad && compare(text, "POL_", policies, 4, why, len) > 0;
    bad += !bad && compare(text, "DBG_", debug_map, (int)(sizeof debug_map / sizeof debug_map[0]), why, len) > 0;
    return bad;
}

/* ---- tests ------------------------------------------------------------------ */

static void package_agrees_with_the_c_tables(void **state)
{
    (void)state;
    char *text = read_file(PKG);
    assert_non_null(text);
    char why[256] = "";
    int bad = check_all(text, why, sizeof why);
    if (bad)
        print_error("%s\n", why);
    assert_int_equal(bad, 0);
    free(text);
}

/* Replace the first `from` in text by `to` (text has room for the growth). */
static void edit(char *text, const char *from, const char *to)
{
    char *at = strstr(text, from);
    assert_non_null(at);
    size_t n = strlen(from), m = strlen(to);
    memmove(at + m, at + n, strlen(at + n) + 1);
    memcpy(at, to, m);
}

/* The check can fail: a changed opcode, a dropped trap, a moved debug
 * address, a PTE bit and an extra declaration are each caught. */
static void a_drifted_package_is_caught(void **state)
{
    (void)state;
    static const char *const mutations[][2] = {
        {"OP_ADD = 8'h20", "OP_ADD = 8'h21"},
        {"TRAP_BUS = 5'd8", "TRAP_BUZ = 5'd8"},
        {"TRAP_SEG_BOUND = 5'd16", "TRAP_SEG_BOUND = 5'd17"},
        {"SEG_DOWN = 5", "SEG_DOWN = 6"},
        {"MMU_SEG = 2'd3", "MMU_SEG = 2'd2"},
        {"DBG_CYCLE_HI = 12'h031", "DBG_CYCLE_HI = 12'h033"},
        {"PTE_D = 7", "PTE_D = 8"},
        {"POL_PLRU = 2'd3", "POL_PLRU = 2'd2"},
        {"localparam logic [11:0] DBG_TLB = 12'h400;", "localparam logic [11:0] DBG_TLB = 12'h400, DBG_X = 1;"},
    };
    char *pristine = read_file(PKG);
    assert_non_null(pristine);
    for (size_t i = 0; i < sizeof mutations / sizeof mutations[0]; i++) {
        char *text = calloc(1, strlen(pristine) + 64);
        assert_non_null(text);
        strcpy(text, pristine);
        edit(text, mutations[i][0], mutations[i][1]);
        char why[256] = "";
        if (check_all(text, why, sizeof why) == 0)
            fail_msg("mutation %zu (%s) not caught", i, mutations[i][1]);
        free(text);
    }
    free(pristine);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(package_agrees_with_the_c_tables),
        cmocka_unit_test(a_drifted_package_is_caught),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
