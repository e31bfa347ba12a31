/*
 * Reader of Dinero IV "din" memory traces: one `label address` per line,
 * label 0 read, 1 write, 2 instruction fetch, 3 misc (counted as a read),
 * 4 flush; the address in hex, with or without 0x, up to 64 bits.  As in
 * Dinero IV, whatever follows the address on a line is ignored; blank lines
 * and lines starting with '#' are skipped.  The file may be plain, gzip or
 * xz, recognised by its first bytes, not its name.
 *
 * Built for speed (`mmulab tlbsim` replays millions of references): the
 * file is read in 1 MiB blocks and parsed by hand, into batches of records
 * (din_read) or straight into the caller's loop (din_scan), with no per-line
 * library call and no allocation after din_open.
 */
#ifndef MMULAB_DIN_H
#define MMULAB_DIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>

#include "../machine/machine.h"

enum { DIN_READ = 0, DIN_WRITE = 1, DIN_FETCH = 2, DIN_MISC = 3, DIN_FLUSH = 4 };

typedef struct din_ref {
    uint64_t addr;
    uint32_t label;
} din_ref_t;

typedef struct din_reader din_reader_t;

/* Open a trace; NULL with a message in err (naming the file) on failure. */
din_reader_t *din_open(const char *path, char *err, size_t errlen);
void din_close(din_reader_t *r);

/* "plain", "gzip" or "xz". */
const char *din_compression(const din_reader_t *r);

/*
 * Parse up to max records into out.  Returns how many (0 at the end of the
 * trace), or -1 with "FILE:LINE: error: ..." in err for a malformed line or
 * a read/decompression error.
 */
long din_read(din_reader_t *r, din_ref_t *out, size_t max, char *err, size_t errlen);

/* --- the parser inline in a caller's loop ------------------------------------- */

/*
 * din_scan reads like din_read but hands each record to visit(ctx, addr,
 * label) as it is parsed.  It is inline, and so are the common line's parse
 * and a static inline visitor given to it: a caller that replays the trace
 * (tlbsim) gets one loop that parses a line and replays it, with no batch of
 * records stored and loaded in between.  din_read is din_scan with a visitor
 * that stores the records.
 */
typedef void din_visit_t(void *ctx, uint64_t addr, uint32_t label);

/* Two characters (a little-endian 16-bit load) as the byte of their two hex
 * digits; above 0xff not two digits: DIN_PAIR_END_* or 0xffff.  Set up by
 * din_open. */
extern uint16_t din_hex_pair[65536];
#define DIN_PAIR_END_ODD 0x100       /* a digit and '\n': 0x100 | the digit's value  */
#define DIN_PAIR_END_EVEN 0x200      /* '\n' and anything                           */
#define DIN_PAIR_END_ODD_REST 0x400  /* a digit and a blank (' ', '\t', '\r'): 0x400
                                        | the digit's value                         */
#define DIN_PAIR_END_EVEN_REST 0x800 /* a blank and anything                        */

/* The whole lines buffered and not parsed yet: [p, end), the last ending
 * with '\n' (and a few readable bytes after it, which din_scan may change
 * for a while: it puts them back). */
typedef struct {
    char *p, *end;
} din_span_t;

/* The next span, reading more input if none is left: 1, 0 at the end of the
 * trace, -1 with err set ("... the trace breaks after reference N"). */
int din_span(din_reader_t *r, din_span_t *span, char *err, size_t errlen);

/* The span was parsed up to p, a line's start: `lines` lines, `records` of
 * them records. */
void din_span_done(din_reader_t *r, const char *p, uint64_t lines, uint64_t records);

/* A line din_plain_line did not take, at p, `lines_before` lines after the
 * span's first: 1 with *ref set, 0 for a blank line or a comment, *newline
 * set to the line's end; -1 for a malformed line, with "FILE:LINE: error:
 * ..." in err. */
int din_other_line(din_reader_t *r, const char *p, uint64_t lines_before, din_ref_t *ref, const char **newline,
                   char *err, size_t errlen);

/* The pairs of hex digits at p, two characters per step through din_hex_pair,
 * at most eight (they fill 64 bits): how many, their value in *value, and in
 * *stop the table's entry for the pair that stopped them (above 0xff; a byte
 * if eight pairs ran).  The steps stop at the first pair that is not two
 * digits, at the latest the one holding the line's newline, so they read at
 * most one byte past it (the buffer keeps spare bytes). */
static inline __attribute__((always_inline)) unsigned din_hex_pairs(const uint8_t *p, uint64_t *value,
                                                                    unsigned *stop)
{
    uint64_t v = 0;
    unsigned pair = 0, k;
    uint16_t two;
    /* Unrolled: fixed offsets, one test a pair. */
#pragma GCC unroll 8
    for (k = 0; k < 8; k++) {
        memcpy(&two, p + 2 * k, 2);
        if ((pair = din_hex_pair[two]) > 0xff)
            break;
        v = v << 8 | pair;
    }
    *value = v;
    *stop = pair;
    return k;
}

/*
 * Instruction fetches run on in sequence, so a fetch line mostly repeats the
 * one before but for its last digits: din_scan keeps a memo of the last
 * common fetch line (only fetches: data references jump about too much for
 * a memo to pay for its upkeep).  A line that starts with the same bytes up
 * to its last two digits and has its newline at the same place only has
 * those two digits to check and read.
 */
typedef struct {
    uint64_t text, mask; /* the line's first 8 bytes; mask: those compared */
    uint64_t high;       /* the address without its last two digits        */
    uint64_t digits;     /* the address's digits: the newline at 2 + digits */
} din_memo_t;

/* A memo that matches no line: byte 2 would be both NUL and '\n'. */
#define DIN_MEMO_NONE ((din_memo_t){.text = 0, .mask = 0xffffff, .high = 0, .digits = 0})

/* The line at *pp if the memo gives it: din_plain_line's results. */
static inline __attribute__((always_inline)) bool din_memo_line(const din_memo_t *m, const char **pp, uint64_t *addr)
{
    const uint8_t *p = (const uint8_t *)*pp;
    uint64_t w;
    memcpy(&w, p, 8);
    if ((w ^ m->text) & m->mask)
        return false;
    const uint8_t *low = p + m->digits; /* the last two digits */
    uint16_t two;
    memcpy(&two, low, 2);
    const unsigned pair = din_hex_pair[two];
    if (low[2] != '\n' || pair > 0xff)
        return false;
    *addr = m->high | pair;
    *pp = (const char *)low + 2;
    return true;
}

/* The memo of the common fetch line at start, `digits` digits of value v. */
static inline __attribute__((always_inline)) void din_memo_set(din_memo_t *m, const uint8_t *start, size_t digits,
                                                               uint64_t v)
{
    if (digits < 2 || digits > 8) { /* the bytes before the last two digits must fit in 8 */
        *m = DIN_MEMO_NONE;
        return;
    }
    memcpy(&m->text, start, 8);
    m->mask = ~0ull >> (64 - 8 * digits);
    m->high = v & ~0xffull;
    m->digits = digits;
}

/*
 * The common line, a label 0 to 3, one space, a bare hex address of 1 to
 * 15 digits and the newline: true with *addr and *label set and *pp at the
 * newline (a fetch line is the fetch memo's next).  With `rest` (a constant:
 * din_other_line's case, the parsing loop's is without), the address may
 * start with 0x and end at a blank instead, with anything after it up to
 * the newline (`2 PC PID` from `mmulab run --mem-trace`), and no memo is
 * kept.  Anything else (and any error) is left to din_other_line.  The
 * label and the space are one 16-bit compare; the digits go two at a time,
 * and the pair that is not two digits says at once whether the number
 * ended there or one digit into it (DIN_PAIR_END_*).
 */
static inline __attribute__((always_inline)) bool din_plain_line(din_memo_t *fetch_memo, const char **pp,
                                                                 uint64_t *addr, uint32_t *label, const bool rest)
{
    const uint8_t *const start = (const uint8_t *)*pp, *p = start;
    uint16_t head;
    memcpy(&head, p, 2);
    const unsigned kind = (uint16_t)(head - ('0' | ' ' << 8)); /* a borrow or another second byte: > 0xff */
    if (kind > DIN_MISC)
        return false; /* (a flush is rare: din_other_line; "0x" stops at the 'x') */
    p += 2;
    if (rest && p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
        p += 2;
    uint64_t v;
    unsigned pair;
    const unsigned k = din_hex_pairs(p, &v, &pair);
    if (pair == DIN_PAIR_END_EVEN && k)
        p += 2 * k;
    else if ((pair & 0xff00) == DIN_PAIR_END_ODD) {
        v = v << 4 | (pair & 0xf);
        p += 2 * k + 1;
    } else if (rest && pair == DIN_PAIR_END_EVEN_REST && k)
        p += 2 * k;
    else if (rest && (pair & 0xff00) == DIN_PAIR_END_ODD_REST) {
        v = v << 4 | (pair & 0xf);
        p += 2 * k + 1;
    } else
        return false; /* no digit, 16 or more, or something else after them */
    if (!rest && kind == DIN_FETCH)
        din_memo_set(fetch_memo, start, (size_t)(p - start) - 2, v);
    *addr = v;
    *label = kind;
    while (rest && *p != '\n') /* (the line ends in '\n') */
        p++;
    *pp = (const char *)p;
    return true;
}

static inline __attribute__((always_inline)) long din_scan(din_reader_t *r, size_t max, din_visit_t *visit,
                                                           void *ctx, char *err, size_t errlen)
{
    size_t count = 0;
    din_span_t span;
    int more = 1;
    din_memo_t fetch_memo = DIN_MEMO_NONE;
    while (count < max && (more = din_span(r, &span, err, errlen)) > 0) {
        const char *p = span.p;
        /* A line with a record takes 4 bytes or more ("0 0\n"), so the lines
         * starting in the first 4 * (max - count) bytes make max records at
         * most.  The loop ends at the first line start from there, where a
         * NUL stands for the while: no line starts with one, so the loop
         * tests for its end only where a line is not a common one. */
        const size_t room = max - count;
        char *end = span.end;
        if ((size_t)(end - p) / 4 > room) {
            const char *last = p + 4 * room - 1;
            end = (char *)memchr(last, '\n', (size_t)(span.end - last)) + 1;
        }
        const char kept = *end;
        *end = 0;
        size_t records = 0, skipped = 0; /* the lines parsed are records + skipped */
        for (;; p++) {
            uint64_t addr;
            uint32_t label;
            if (*p == '0' + DIN_FETCH && din_memo_line(&fetch_memo, &p, &addr)) {
                visit(ctx, addr, DIN_FETCH);
                records++;
                continue;
            }
            if (din_plain_line(&fetch_memo, &p, &addr, &label, false)) {
                visit(ctx, addr, label); /* label <= DIN_MISC: the visitor knows */
                records++;
                continue;
            }
            if (p == end)
                break;
            din_ref_t ref;
            const char *newline;
            int got = din_other_line(r, p, records + skipped, &ref, &newline, err, errlen);
            if (got < 0) {
                *end = kept;
                return -1;
            }
            p = newline;
            if (got)
                visit(ctx, ref.addr, ref.label);
            records += (size_t)got;
            skipped += (size_t)!got;
        }
        *end = kept;
        din_span_done(r, p, records + skipped, records);
        count += records;
    }
    return more < 0 ? -1 : (long)count;
}

/*
 * The writing side, for `mmulab run --mem-trace`: the references of one
 * instruction as din lines, `2 PC PID` for its fetch then `0 VADDR PID` or
 * `1 VADDR PID` for its data access, virtual addresses in hex.  The pid in
 * the third field is ignored by Dinero IV and tlbsim (whatever follows the
 * address); `awk '$3 == N'` keeps process N's lines.  Only completed
 * instructions are written (a system call counts): a reference that faulted
 * appears once, when its instruction is run again and completes.
 */
void din_write_retired(FILE *out, int pid, const retire_t *rt);

#endif
