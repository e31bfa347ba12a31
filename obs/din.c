/*
 * Dinero IV din trace reader (see din.h): a byte source (plain read(),
 * zlib's inflate or liblzma, both fed from one input block, so that a gzip
 * file's every member is checked: zlib's gzread would end a trace silently
 * at a damaged member or trailing bytes) feeding a 1 MiB buffer, and a hand-written line parser
 * that works only on whole lines, carrying a partial last line over to the
 * next block.
 */
#include "din.h"

#include <errno.h>
#include <fcntl.h>
#include <lzma.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#define DIN_BLOCK (1u << 20)
#define DIN_MAX_LINE 4096
#define HEX_NONE 0xff

typedef enum { SRC_PLAIN, SRC_GZIP, SRC_XZ } source_kind_t;

struct din_reader {
    char *path;
    int fd;
    source_kind_t kind;
    z_stream gz;
    bool gz_ready;       /* inflateInit2 done                                */
    bool gz_member_done; /* at the end of a gzip member: another, or the end  */
    lzma_stream xz;
    uint8_t *in;         /* compressed input, DIN_BLOCK bytes                 */
    uint64_t in_offset;  /* bytes of the file read into `in` so far           */
    bool source_done;
    char *buf;           /* DIN_BLOCK + DIN_MAX_LINE + 1 bytes              */
    size_t pos, len;     /* unparsed bytes are buf[pos..len)                 */
    size_t parse_end;    /* one past the last '\n' in buf[pos..len)          */
    uint64_t line;       /* number of the line at buf[pos]                   */
    uint64_t records;    /* records returned so far                          */
};

static uint8_t hex_value[256]; /* a character's digit value, or HEX_NONE */
uint16_t din_hex_pair[65536];  /* din.h */

static void init_hex_tables(void)
{
    memset(hex_value, HEX_NONE, sizeof hex_value);
    for (int d = 0; d < 10; d++)
        hex_value['0' + d] = (uint8_t)d;
    for (int d = 0; d < 6; d++)
        hex_value['a' + d] = hex_value['A' + d] = (uint8_t)(10 + d);
    memset(din_hex_pair, 0xff, sizeof din_hex_pair);
    static const char digits[] = "0123456789abcdefABCDEF";
    for (const char *first = digits; *first; first++)
        for (const char *second = digits; *second; second++)
            din_hex_pair[(uint8_t)*first | (uint8_t)*second << 8] =
                (uint16_t)(hex_value[(uint8_t)*first] << 4 | hex_value[(uint8_t)*second]);
    /* where a plain line's number ends (din_plain_line): at its newline, or
     * at a blank with the rest of the line after it */
    static const char blanks[] = " \t\r";
    for (unsigned second = 0; second < 256; second++) {
        din_hex_pair['\n' | second << 8] = DIN_PAIR_END_EVEN;
        for (const char *blank = blanks; *blank; blank++)
            din_hex_pair[(uint8_t)*blank | second << 8] = DIN_PAIR_END_EVEN_REST;
    }
    for (const char *digit = digits; *digit; digit++) {
        din_hex_pair[(uint8_t)*digit | '\n' << 8] = (uint16_t)(DIN_PAIR_END_ODD | hex_value[(uint8_t)*digit]);
        for (const char *blank = blanks; *blank; blank++)
            din_hex_pair[(uint8_t)*digit | (uint8_t)*blank << 8] =
                (uint16_t)(DIN_PAIR_END_ODD_REST | hex_value[(uint8_t)*digit]);
    }
}

const char *din_compression(const din_reader_t *r)
{
    static const char *const names[] = {"plain", "gzip", "xz"};
    return names[r->kind];
}

/* --- byte sources ----------------------------------------------------------- */

static source_kind_t sniff(int fd)
{
    uint8_t magic[6] = {0};
    ssize_t got = pread(fd, magic, sizeof magic, 0);
    if (got >= 2 && magic[0] == 0x1f && magic[1] == 0x8b)
        return SRC_GZIP;
    if (got == 6 && !memcmp(magic, "\xfd" "7zXZ\0", 6))
        return SRC_XZ;
    return SRC_PLAIN;
}

static bool open_source(din_reader_t *r, char *err, size_t errlen)
{
    r->kind = sniff(r->fd);
    if (r->kind == SRC_PLAIN)
        return true;
    r->in = malloc(DIN_BLOCK);
    if (r->kind == SRC_GZIP) {
        r->gz_ready = r->in && inflateInit2(&r->gz, 16 + MAX_WBITS) == Z_OK; /* 16: gzip framing */
        if (!r->gz_ready) {
            snprintf(err, errlen, "%s: cannot start gzip decompression", r->path);
            return false;
        }
    } else {
        r->xz = (lzma_stream)LZMA_STREAM_INIT;
        if (!r->in || lzma_stream_decoder(&r->xz, UINT64_MAX, LZMA_CONCATENATED) != LZMA_OK) {
            snprintf(err, errlen, "%s: cannot start xz decompression", r->path);
            return false;
        }
    }
    return true;
}

/* The next block of compressed input into r->in: its size, 0 at the end
 * of the file, -1 on a read error (err set). */
static ssize_t read_compressed(din_reader_t *r, char *err, size_t errlen)
{
    ssize_t got = read(r->fd, r->in, DIN_BLOCK);
    if (got < 0)
        snprintf(err, errlen, "%s: read error: %s", r->path, strerror(errno));
    else
        r->in_offset += (uint64_t)got;
    return got;
}

/* gzip, member after member: a member cut short, damaged, or followed by
 * bytes that do not start another member is an error, never a shorter trace. */
static long read_gzip(din_reader_t *r, char *dst, size_t want, char *err, size_t errlen)
{
    r->gz.next_out = (Bytef *)dst;
    r->gz.avail_out = (uInt)want;
    while (r->gz.avail_out == want) {
        if (r->gz.avail_in == 0) {
            ssize_t got = read_compressed(r, err, errlen);
            if (got < 0)
                return -1;
            r->gz.next_in = r->in;
            r->gz.avail_in = (uInt)got;
            if (got == 0 && r->gz_member_done)
                break; /* the end of the last member is the end of the file */
            if (got == 0) {
                snprintf(err, errlen, "%s: gzip data is truncated: the file ends inside a member", r->path);
                return -1;
            }
        }
        if (r->gz_member_done) { /* more bytes: they must start another member */
            if (r->gz.next_in[0] != 0x1f || (r->gz.avail_in > 1 && r->gz.next_in[1] != 0x8b)) {
                snprintf(err, errlen, "%s: gzip data is corrupt: %u bytes at offset %llu are not a gzip member",
                         r->path, r->gz.avail_in, (unsigned long long)(r->in_offset - r->gz.avail_in));
                return -1;
            }
            inflateReset(&r->gz);
            r->gz_member_done = false;
        }
        int ret = inflate(&r->gz, Z_NO_FLUSH);
        if (ret == Z_STREAM_END)
            r->gz_member_done = true;
        else if (ret != Z_OK && ret != Z_BUF_ERROR) {
            snprintf(err, errlen, "%s: gzip data is corrupt: %s", r->path, r->gz.msg ? r->gz.msg : "inflate failed");
            return -1;
        }
    }
    return (long)(want - r->gz.avail_out);
}

static long read_xz(din_reader_t *r, char *dst, size_t want, char *err, size_t errlen)
{
    r->xz.next_out = (uint8_t *)dst;
    r->xz.avail_out = want;
    while (r->xz.avail_out == want) {
        lzma_action action = LZMA_RUN;
        if (r->xz.avail_in == 0) {
            ssize_t got = read_compressed(r, err, errlen);
            if (got < 0)
                return -1;
            r->xz.next_in = r->in;
            r->xz.avail_in = (size_t)got;
            if (got == 0)
                action = LZMA_FINISH;
        }
        lzma_ret ret = lzma_code(&r->xz, action);
        if (ret == LZMA_STREAM_END)
            break;
        if (ret != LZMA_OK) {
            snprintf(err, errlen, "%s: xz data is corrupt or truncated (liblzma error %d)", r->path, (int)ret);
            return -1;
        }
    }
    return (long)(want - r->xz.avail_out);
}

/* Up to `want` decompressed bytes into dst; 0 at the end, -1 on error. */
static long source_read(din_reader_t *r, char *dst, size_t want, char *err, size_t errlen)
{
    if (r->kind == SRC_GZIP)
        return read_gzip(r, dst, want, err, errlen);
    if (r->kind == SRC_XZ)
        return read_xz(r, dst, want, err, errlen);
    ssize_t got = read(r->fd, dst, want);
    if (got < 0)
        snprintf(err, errlen, "%s: read error: %s", r->path, strerror(errno));
    return (long)got;
}

din_reader_t *din_open(const char *path, char *err, size_t errlen)
{
    static bool hex_ready;
    if (!hex_ready) {
        init_hex_tables();
        hex_ready = true;
    }
    din_reader_t *r = calloc(1, sizeof *r);
    if (!r) {
        snprintf(err, errlen, "%s: out of memory", path);
        return NULL;
    }
    r->line = 1;
    r->path = strdup(path);
    r->buf = calloc(1, DIN_BLOCK + DIN_MAX_LINE + 1 + 16);
    r->fd = open(path, O_RDONLY);
    if (r->fd < 0) {
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        din_close(r);
        return NULL;
    }
    if (!r->path || !r->buf || !open_source(r, err, errlen)) {
        if (!r->path || !r->buf)
            snprintf(err, errlen, "%s: out of memory", path);
        din_close(r);
        return NULL;
    }
    return r;
}

void din_close(din_reader_t *r)
{
    if (!r)
        return;
    if (r->gz_ready)
        inflateEnd(&r->gz);
    if (r->kind == SRC_XZ)
        lzma_end(&r->xz);
    if (r->fd >= 0)
        close(r->fd);
    free(r->in);
    free(r->buf);
    free(r->path);
    free(r);
}

/* --- buffering ---------------------------------------------------------------- */

static char *last_newline(char *from, char *to)
{
    while (to > from)
        if (*--to == '\n')
            return to;
    return NULL;
}

/* Make buf[pos..parse_end) hold at least one whole line, reading more input.
 * Returns 1 if it does, 0 at the end of input, -1 on error. */
static int refill(din_reader_t *r, char *err, size_t errlen)
{
    size_t keep = r->len - r->pos;
    memmove(r->buf, r->buf + r->pos, keep);
    r->pos = r->parse_end = 0;
    r->len = keep;
    while (!r->source_done) {
        long got = source_read(r, r->buf + r->len, DIN_BLOCK + DIN_MAX_LINE - r->len, err, errlen);
        if (got < 0)
            return -1;
        if (got == 0)
            r->source_done = true;
        char *nl = last_newline(r->buf + r->len, r->buf + r->len + got);
        r->len += (size_t)got;
        if (nl) {
            r->parse_end = (size_t)(nl - r->buf) + 1;
            return 1;
        }
        if (r->len >= DIN_MAX_LINE) {
            snprintf(err, errlen, "%s:%llu: error: line longer than %u characters", r->path,
                     (unsigned long long)r->line, (unsigned)DIN_MAX_LINE);
            return -1;
        }
    }
    if (r->len == 0)
        return 0;
    r->buf[r->len++] = '\n'; /* a last line without its newline */
    r->parse_end = r->len;
    return 1;
}

/* --- parsing (the common line is din.h's din_plain_line) ------------------------ */

static bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

static int line_error(din_reader_t *r, uint64_t line, const char *text, const char *what, char *err, size_t errlen)
{
    int len = (int)strcspn(text, "\r\n");
    snprintf(err, errlen, "%s:%llu: error: %s in '%.*s' (want `LABEL ADDRESS`, label 0-4, address in hex)",
             r->path, (unsigned long long)line, what, len > 60 ? 60 : len, text);
    return -1;
}

/* The hex number at *pp (1 to 16 digits) into *value, *pp moved past it;
 * false if there is no digit or more than 16. */
static inline __attribute__((always_inline)) bool parse_hex(const char **pp, uint64_t *value)
{
    const uint8_t *start = (const uint8_t *)*pp, *p = start;
    uint64_t v;
    unsigned stop, digit;
    p += 2 * din_hex_pairs(p, &v, &stop); /* after 16 digits, a 17th makes it too long */
    if ((digit = hex_value[*p]) < 16) {
        v = v << 4 | digit;
        p++;
    }
    *pp = (const char *)p;
    *value = v;
    return (size_t)(p - start - 1) < 16;
}

/*
 * Parse one line at p (it ends with '\n'; it may be blank or a comment)
 * into *ref.  Returns the position of the newline and sets *used if a record
 * was produced, or returns NULL with the error's description in *what.
 */
static const char *parse_line(const char *p, din_ref_t *ref, bool *used, const char **what)
{
    uint64_t label, addr;
    while (is_blank(*p))
        p++;
    *used = *p != '\n' && *p != '#';
    if (!*used)
        return memchr(p, '\n', DIN_MAX_LINE + 1);
    if (!parse_hex(&p, &label) || !is_blank(*p)) {
        *what = *p == '\n' ? "missing address" : "bad label";
        return NULL;
    }
    if (label > DIN_FLUSH) {
        *what = "unknown label";
        return NULL;
    }
    while (is_blank(*p))
        p++;
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
        p += 2;
    const char *addr_start = p;
    if (!parse_hex(&p, &addr) || !(*p == '\n' || is_blank(*p))) {
        *what = p == addr_start && *p == '\n' ? "missing address" : "bad address";
        return NULL;
    }
    ref->addr = addr;
    ref->label = (uint32_t)label;
    return memchr(p, '\n', DIN_MAX_LINE + 1); /* the rest of the line is a comment */
}

int din_other_line(din_reader_t *r, const char *p, uint64_t lines_before, din_ref_t *ref, const char **newline,
                   char *err, size_t errlen)
{
    const char *what = "bad line";
    bool used;
    uint64_t addr;
    uint32_t label;
    const char *end = p;
    if (din_plain_line(NULL, &end, &addr, &label, true)) { /* a 0x address, or more after it */
        ref->addr = addr;
        ref->label = label;
        *newline = end;
        return 1;
    }
    if (!(*newline = parse_line(p, ref, &used, &what)))
        return line_error(r, r->line + lines_before, p, what, err, errlen);
    return used;
}

int din_span(din_reader_t *r, din_span_t *span, char *err, size_t errlen)
{
    if (r->pos >= r->parse_end) {
        int more = refill(r, err, errlen);
        if (more <= 0) {
            if (more < 0) { /* a read or decompression error: say where the trace broke */
                size_t n = strlen(err);
                snprintf(err + n, errlen - n, " (the trace breaks after reference %llu, line %llu)",
                         (unsigned long long)r->records, (unsigned long long)r->line);
            }
            return more;
        }
    }
    span->p = r->buf + r->pos;
    span->end = r->buf + r->parse_end;
    return 1;
}

void din_span_done(din_reader_t *r, const char *p, uint64_t lines, uint64_t records)
{
    r->pos = (size_t)(p - r->buf);
    r->line += lines;
    r->records += records;
}

/* din_read's visitor: the record into the next place of the batch. */
static inline __attribute__((always_inline)) void store_ref(void *ctx, uint64_t addr, uint32_t label)
{
    din_ref_t **next = ctx;
    (*next)->addr = addr;
    (*next)->label = label;
    (*next)++;
}

long din_read(din_reader_t *r, din_ref_t *out, size_t max, char *err, size_t errlen)
{
    din_ref_t *next = out;
    return din_scan(r, max, store_ref, &next, err, errlen);
}

void din_write_retired(FILE *out, int pid, const retire_t *rt)
{
    if (rt->trapped && rt->trap.cause != TRAP_SYSCALL && rt->trap.cause != TRAP_HALT)
        return; /* it runs again once the OS has served the fault */
    fprintf(out, "%d %x %d\n", DIN_FETCH, rt->pc, pid);
    if (rt->mem_valid)
        fprintf(out, "%d %x %d\n", rt->mem_write ? DIN_WRITE : DIN_READ, rt->mem_vaddr, pid);
}
