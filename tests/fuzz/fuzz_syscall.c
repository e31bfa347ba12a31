/*
 * Fuzz harness: the system-call layer (os/syscall.c, os/sys_*.c, os/fork.c,
 * os/shm.c, os/threads.c, os/dynlib.c ...) driven by a guest.
 *
 * Two programs are assembled once: the caller, eight slots each loading
 * R1..R6 from a table and issuing `SYSCALL #n`, then exit; and the victim,
 * a spinning loop beside a page of known words.  For each input the
 * harness writes the call numbers into the caller's SYSCALL instructions
 * and the arguments into its table, loads both (in the order and the mode,
 * paged or hwreloc, the first byte picks) and runs until the caller and
 * everything it started have ended, or a cycle budget.  Then the victim
 * must still be running with its code and its words unchanged, none of its
 * words may show in what the other processes wrote (console or files), and
 * no file may have appeared outside the guests' --root: otherwise abort(),
 * so libFuzzer reports the input.
 *
 * Input: a flags byte; eight records of a call-number byte and six
 * arguments (a kind byte and a 32-bit value each: the value itself, an
 * offset into the caller's scratch buffer, a small number, or an address
 * in physical memory's range); then the scratch buffer's bytes (paths,
 * names, structures the calls point at).
 */
#define _GNU_SOURCE /* memmem */
#include <stdlib.h>
#include <string.h>

#include "fuzz_os.h"
#include "fuzz_util.h"

#include "../../mmu/geometry.h"
#include "../../mmu/pte.h"
#include "../../os/syscall.h"
#include "../../toolchain/asm.h"

#define SLOTS 8
#define ARGS 6
#define RECORD (1 + ARGS * 5)
#define SCRATCH 512
#define VICTIM_WORDS 1024
#define BUDGET_CYCLES 400000
#define STEP_CYCLES 4000

static exe_t caller, victim;
static uint8_t *call_insn[SLOTS]; /* the caller's SYSCALL words, in its .text */
static uint8_t *table, *scratch;  /* its argument table and scratch buffer    */
static uint32_t scratch_addr, victim_words_addr;

/* The bytes at symbol name's address in exe's image. */
static uint8_t *image_at(exe_t *exe, const char *name, uint32_t *addr)
{
    for (int i = 0; i < exe->nsymbols; i++) {
        if (strcmp(exe->symbols[i].name, name) || exe->symbols[i].section < 0)
            continue;
        exe_section_t *s = &exe->sections[exe->symbols[i].section];
        uint32_t v = exe->symbols[i].value;
        if (!s->data || v < s->addr || v >= s->addr + s->size)
            break;
        if (addr)
            *addr = v;
        return s->data + (v - s->addr);
    }
    fprintf(stderr, "fuzz_syscall: no symbol %s\n", name);
    abort();
}

static void assemble(const char *source, exe_t *out)
{
    asm_options_t opt = {.errors = stderr};
    if (asm_assemble("fuzz_syscall.s", source, strlen(source), &opt, out) != 0)
        abort();
}

static void build_caller(void)
{
    char src[8192];
    int n = snprintf(src, sizeof src, "        .text\nstart:\n");
    for (int s = 0; s < SLOTS; s++) {
        for (int a = 0; a < ARGS; a++)
            n += snprintf(src + n, sizeof src - n, "        LOAD R%d, /args+%d\n", a + 1, (s * ARGS + a) * 4);
        n += snprintf(src + n, sizeof src - n, "call%d:  SYSCALL #0\n", s);
    }
    snprintf(src + n, sizeof src - n,
             "        LOAD R1, #0\n        SYSCALL #0\n"
             "        .data\nargs:   .space %d\nscratch: .space %d\n", SLOTS * ARGS * 4, SCRATCH);
    assemble(src, &caller);
    for (int s = 0; s < SLOTS; s++) {
        char label[16];
        snprintf(label, sizeof label, "call%d", s);
        call_insn[s] = image_at(&caller, label, NULL);
    }
    table = image_at(&caller, "args", NULL);
    scratch = image_at(&caller, "scratch", &scratch_addr);
}

static void build_victim(void)
{
    static char src[VICTIM_WORDS * 32 + 256];
    /* It reads and stores back every word in turn, so in paged mode its
     * pages are resident (not only in the executable), dirty and written
     * back when evicted: where another process could see or change them. */
    int n = snprintf(src, sizeof src,
                     "        .text\n"
                     "start:  LOAD R1, #0\n"
                     "spin:   INC R1\n"
                     "        LOAD R2, #words\n"
                     "        LOAD R3, #%d\n"
                     "touch:  LOAD R4, [R2]\n"
                     "        STORE R4, [R2]\n"
                     "        ADD R2, #4\n"
                     "        DEC R3\n"
                     "        JNZ touch\n"
                     "        JMP spin\n"
                     "        .data\nwords:\n",
                     VICTIM_WORDS);
    uint32_t x = 0x9E3779B9;
    for (int i = 0; i < VICTIM_WORDS; i++) {
        x ^= x << 13, x ^= x >> 17, x ^= x << 5;
        n += snprintf(src + n, sizeof src - n, "        .word 0x%08x\n", x);
    }
    assemble(src, &victim);
    image_at(&victim, "words", &victim_words_addr);
}

static uint32_t get32(const uint8_t *p) { return (uint32_t)p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24; }
static void put32(uint8_t *p, uint32_t v) { p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8), p[2] = (uint8_t)(v >> 16), p[3] = (uint8_t)(v >> 24); }

/* One argument from its kind byte and value. */
static uint32_t argument(uint8_t kind, uint32_t value, uint32_t mem_size)
{
    switch (kind % 4) {
    case 1: return scratch_addr + value % SCRATCH;
    case 2: return value % 64;
    case 3: return value % mem_size;
    default: return value;
    }
}

/* A call number: mostly the defined ones and a few past them, sometimes a
 * large one. */
static uint32_t call_number(uint8_t b) { return b < 0xF0 ? b % 28u : ((uint32_t)b << 12 | b) & 0xFFFFF; }

/* Write the calls and the scratch bytes of the input into the caller. */
static void fill_caller(const uint8_t *data, size_t size, uint32_t mem_size)
{
    uint8_t rec[SLOTS * RECORD] = {0};
    size_t used = size < sizeof rec ? size : sizeof rec;
    memcpy(rec, data, used);
    for (int s = 0; s < SLOTS; s++) {
        const uint8_t *r = rec + s * RECORD;
        put32(call_insn[s], (get32(call_insn[s]) & 0xFFF00000u) | call_number(r[0]));
        for (int a = 0; a < ARGS; a++)
            put32(table + (s * ARGS + a) * 4, argument(r[1 + a * 5], get32(r + 2 + a * 5), mem_size));
    }
    memset(scratch, 0, SCRATCH);
    if (size > used)
        memcpy(scratch, data + used, size - used < SCRATCH ? size - used : SCRATCH);
}

static bool others_running(os_t *os, int victim_pid)
{
    for (int pid = 1; pid <= os_process_count(os); pid++)
        if (pid != victim_pid && os_process(os, pid)->state == PROC_READY)
            return true;
    return false;
}

/* The victim still runs, with its code and words as loaded. */
static void check_victim(os_t *os, int pid)
{
    process_t *p = os_process(os, pid);
    if (p->state != PROC_READY) {
        fprintf(stderr, "the victim was stopped: %s\n", p->fault_msg);
        abort();
    }
    const exe_section_t *text = &victim.sections[0];
    uint8_t buf[VICTIM_WORDS * 4];
    if (!os_read_logical(os, pid, text->addr, buf, text->size) || memcmp(buf, text->data, text->size)) {
        fprintf(stderr, "the victim's code changed\n");
        abort();
    }
    if (!os_read_logical(os, pid, victim_words_addr, buf, sizeof buf) ||
        memcmp(buf, image_at(&victim, "words", NULL), sizeof buf)) {
        fprintf(stderr, "the victim's memory changed\n");
        abort();
    }
}

/* ---- did the victim's words leak? ------------------------------------------
 * Its words are a xorshift sequence nothing else produces, so any 8 bytes of
 * them in the others' output mean they were read out of the victim -- unless
 * the input itself holds those bytes (libFuzzer may learn them from the
 * comparisons below), in which case the caller may just have written them. */
#define WINDOW 8

static const uint8_t *victim_bytes(void) { return image_at(&victim, "words", NULL); }

/* Does buf hold 8 consecutive bytes of the victim's words?  *at is where. */
static bool holds_victim_window(const uint8_t *buf, size_t len, size_t *at)
{
    const uint8_t *words = victim_bytes();
    const size_t size = VICTIM_WORDS * 4;
    for (size_t i = 0; i + WINDOW <= len; i++) {
        const uint8_t *found = memmem(words, size, buf + i, WINDOW);
        if (found) {
            *at = i;
            return true;
        }
    }
    return false;
}

static void check_leak(const uint8_t *out, size_t len, const uint8_t *input, size_t input_len, const char *where)
{
    size_t at;
    if (len < WINDOW || !holds_victim_window(out, len, &at))
        return;
    if (memmem(input, input_len, out + at, WINDOW))
        return; /* the caller may have written bytes of its own input */
    fprintf(stderr, "the victim's memory leaked into %s at offset %zu\n", where, at);
    abort();
}

/* The victim's words in no memory another live process can reach: its pages
 * through its page tables (paged), its partition (base/limit).  That catches
 * a frame handed on without being cleared, a page mapped to someone else's
 * frame, a copy from or into the wrong place, which the process could then
 * read.  Run between steps, while the others are alive.  Word-aligned, as
 * frames and copies of them are: 8 bytes from a victim word that are a
 * window of the victim's words (and not of the input) are a leak. */
#define SCAN_CHUNK 256

static bool is_victim_word(uint32_t w)
{
    static uint32_t set[4 * VICTIM_WORDS]; /* open addressing; 0 is empty (no victim word is 0) */
    static bool built;
    const uint32_t mask = 4 * VICTIM_WORDS - 1;
    if (!built) {
        for (int i = 0; i < VICTIM_WORDS; i++) {
            uint32_t v = get32(victim_bytes() + 4 * i), h = (v * 0x9E3779B1u) >> 20 & mask;
            while (set[h] && set[h] != v)
                h = (h + 1) & mask;
            set[h] = v;
        }
        built = true;
    }
    for (uint32_t h = (w * 0x9E3779B1u) >> 20 & mask; set[h]; h = (h + 1) & mask)
        if (set[h] == w)
            return true;
    return false;
}

typedef struct {
    os_t *os;
    int pid;
    const uint8_t *input;
    size_t input_len;
} scan_t;

/* Physical [pa, pa + len) that process sc->pid reaches: no victim window.
 * Under base/limit only the words the partition table says are its own (a
 * process swapped out keeps a stale base). */
static void scan_memory(const scan_t *sc, uint32_t pa, uint32_t len)
{
    uint8_t chunk[SCAN_CHUNK];
    bool partition = os_config(sc->os)->mode != OS_PAGED;
    for (uint32_t at = 0; at + WINDOW <= len; at += SCAN_CHUNK - WINDOW) {
        uint32_t n = len - at < SCAN_CHUNK ? len - at : SCAN_CHUNK;
        if (!machine_phys_read(os_machine(sc->os), pa + at, chunk, n))
            return;
        for (uint32_t i = 0; i + WINDOW <= n; i += 4) {
            if (!is_victim_word(get32(chunk + i)) || !memmem(victim_bytes(), VICTIM_WORDS * 4, chunk + i, WINDOW) ||
                memmem(sc->input, sc->input_len, chunk + i, WINDOW) ||
                (partition && (os_owner(sc->os, pa + at + i) != sc->pid || os_owner(sc->os, pa + at + i + 4) != sc->pid)))
                continue;
            fprintf(stderr, "the victim's memory is in process %d's memory at physical address 0x%x\n", sc->pid,
                    pa + at + i);
            abort();
        }
    }
}

/* Every page a valid leaf of the table at table_pa (of `level`) maps. */
static void scan_tables(const scan_t *sc, const paging_geometry_t *g, uint32_t table_pa, uint32_t level)
{
    for (uint32_t i = 0; i < 1u << g->index_bits[level]; i++) {
        pte_t pte;
        if (!machine_read32(os_machine(sc->os), table_pa + 4 * i, &pte.v))
            return;
        if (!pte_valid(pte))
            continue;
        uint32_t next = pte_ppn(pte) << g->page_shift;
        if (level + 1 == g->levels)
            scan_memory(sc, next, 1u << g->page_shift);
        else
            scan_tables(sc, g, next, level + 1);
    }
}

/* Has an earlier process of 1..pid-1 the same space (a thread's is its
 * leader's: the same tables or partition)? */
static bool space_scanned(os_t *os, int pid)
{
    const process_t *p = os_process(os, pid);
    for (int q = 1; q < pid; q++) {
        const process_t *o = os_process(os, q);
        if (o->state == PROC_READY && o->mmu.ptbr == p->mmu.ptbr && o->base == p->base && o->size == p->size)
            return true;
    }
    return false;
}

static void check_others_memory(os_t *os, int victim_pid, const uint8_t *input, size_t input_len)
{
    paging_geometry_t g;
    paging_geometry(&os_machine(os)->cfg, &g);
    for (int pid = 1; pid <= os_process_count(os); pid++) {
        const process_t *p = os_process(os, pid);
        scan_t sc = {os, pid, input, input_len};
        if (pid == victim_pid || p->state != PROC_READY || space_scanned(os, pid))
            continue;
        if (os_config(os)->mode == OS_PAGED && p->mmu.ptbr)
            scan_tables(&sc, &g, p->mmu.ptbr, 0);
        else if (os_config(os)->mode != OS_PAGED)
            scan_memory(&sc, p->base, p->size);
    }
}

/* The victim's words in no other process's console output nor in any file
 * the guests wrote. */
static void check_no_leak(os_t *os, int victim_pid, const uint8_t *input, size_t input_len)
{
    for (int pid = 1; pid <= os_process_count(os); pid++) {
        process_t *p = os_process(os, pid);
        if (pid != victim_pid && p->output)
            check_leak((const uint8_t *)p->output, p->output_len, input, input_len, "a console");
    }
    uint8_t *file;
    size_t len;
    char name[300];
    for (int i = 0; fuzz_os_guest_file(i, name, sizeof name, &file, &len); i++) {
        check_leak(file, len, input, input_len, name);
        free(file);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    if (!caller.nsections) {
        build_caller();
        build_victim();
    }
    fuzz_os_t r;
    fuzz_os_open(&r, data[0] & 1 ? OS_PAGED : OS_HWRELOC, 0, 500 + 1500 * (data[0] >> 1 & 3));
    fill_caller(data + 1, size - 1, r.m->cfg.mem_size);
    char err[256];
    bool victim_first = data[0] & 8;
    int victim_pid = victim_first ? os_load(r.os, &victim, "victim", err, sizeof err) : 0;
    int caller_pid = os_load(r.os, &caller, "caller", err, sizeof err);
    if (!victim_first)
        victim_pid = os_load(r.os, &victim, "victim", err, sizeof err);
    if (victim_pid <= 0 || caller_pid <= 0) {
        fprintf(stderr, "fuzz_syscall: cannot load: %s\n", err);
        abort();
    }
    while (machine_cycles(r.m) < BUDGET_CYCLES && others_running(r.os, victim_pid) &&
           os_run_until(r.os, machine_cycles(r.m) + STEP_CYCLES))
        check_others_memory(r.os, victim_pid, data, size);
    check_victim(r.os, victim_pid);
    check_no_leak(r.os, victim_pid, data, size);
    fuzz_os_close(&r);
    return 0;
}
