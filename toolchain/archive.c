/*
 * The `ar` archive format (System V / GNU variant) for static libraries:
 * reading members for the linker, writing archives for `mmulab ar`.  The
 * reader checks every header field and size against the buffer, so a
 * truncated or corrupt archive is an error message, never a crash.  See
 * archive.h for the layout.
 */
#include "archive.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "exe.h"

#define AR_MAGIC "!<arch>\n"
#define AR_MAGIC_LEN 8
#define AR_HEADER_LEN 60

static int fail(char *err, size_t errlen, const char *msg, const char *detail)
{
    snprintf(err, errlen, "%s%s%s", msg, detail ? ": " : "", detail ? detail : "");
    return -1;
}

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        abort();
    return q;
}

int file_read_all(const char *path, size_t max, uint8_t **data, size_t *size, char *err, size_t errlen)
{
    return file_read_checked(path, max, NULL, data, size, err, errlen);
}

int file_read_checked(const char *path, size_t max, file_head_check_fn check_head, uint8_t **data, size_t *size,
                      char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    struct stat st; /* a regular file too large is refused before it is read */
    if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) && (uint64_t)st.st_size > max) {
        fclose(f);
        snprintf(err, errlen, "%s: %llu bytes, larger than %zu", path, (unsigned long long)st.st_size, max);
        return -1;
    }
    size_t len = 0, cap = max < 4096 ? max + 1 : 4096;
    uint8_t *buf = xrealloc(NULL, cap);
    bool judged = !check_head;
    char msg[256];
    for (;;) {
        if (len == cap) {
            if (cap > max) {
                fclose(f);
                free(buf);
                snprintf(err, errlen, "%s: larger than %zu bytes", path, max);
                return -1;
            }
            cap = cap > max / 2 ? max + 1 : cap * 2; /* one byte over tells a pipe is too long */
            buf = xrealloc(buf, cap);
        }
        size_t n = fread(buf + len, 1, cap - len, f);
        len += n;
        if (!judged && (len == cap || n == 0)) { /* the first block, or all there is */
            judged = true;
            if (check_head(buf, len, msg, sizeof msg) < 0) {
                fclose(f);
                free(buf);
                snprintf(err, errlen, "%s: %s", path, msg);
                return -1;
            }
        }
        if (n == 0)
            break;
    }
    fclose(f);
    *data = buf;
    *size = len;
    return 0;
}

bool archive_is(const uint8_t *buf, size_t len)
{
    return len >= AR_MAGIC_LEN && memcmp(buf, AR_MAGIC, AR_MAGIC_LEN) == 0;
}

/* ---- reading ---------------------------------------------------------- */

/* A decimal header field of width n (space padded); false if malformed. */
static bool header_number(const uint8_t *field, int n, size_t *out)
{
    size_t v = 0;
    int i = 0;
    while (i < n && field[i] == ' ')
        i++;
    if (i == n || field[i] < '0' || field[i] > '9')
        return false;
    for (; i < n && field[i] >= '0' && field[i] <= '9'; i++) {
        if (v > (SIZE_MAX - 9) / 10)
            return false;
        v = v * 10 + (size_t)(field[i] - '0');
    }
    for (; i < n; i++)
        if (field[i] != ' ')
            return false;
    *out = v;
    return true;
}

/* The member name of a header: "name/" (short, space padded), "/N" (at
 * offset N in the long-name table, ending "/\n").  Returns a malloc'd string,
 * or NULL with *bad set to a name that holds a path (".", "..", a '/'):
 * extracting it could write outside the directory, so it is refused. */
static char *member_name(const uint8_t *h, const uint8_t *longnames, size_t longlen, char **bad)
{
    const char *start = (const char *)h;
    size_t len = 0;
    *bad = NULL;
    if (h[0] == '/' && h[1] >= '0' && h[1] <= '9') {
        size_t off;
        if (!longnames || !header_number(h + 1, 15, &off) || off >= longlen)
            return NULL;
        start = (const char *)longnames + off;
        while (off + len < longlen && start[len] != '\n')
            len++;
    } else {
        len = 16;
        while (len > 0 && h[len - 1] == ' ')
            len--;
    }
    if (len > 0 && start[len - 1] == '/') /* the GNU terminator */
        len--;
    if (len == 0)
        return NULL;
    char *name = xrealloc(NULL, len + 1);
    memcpy(name, start, len);
    name[len] = '\0';
    if (memchr(name, '/', len) || !strcmp(name, ".") || !strcmp(name, "..")) {
        *bad = name;
        return NULL;
    }
    return name;
}

int archive_parse(const uint8_t *buf, size_t len, archive_t *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (!archive_is(buf, len))
        return fail(err, errlen, "not an archive (no !<arch> magic)", NULL);
    const uint8_t *longnames = NULL;
    size_t longlen = 0, at = AR_MAGIC_LEN;
    while (at < len) {
        size_t size;
        const uint8_t *h = buf + at;
        if (len - at < AR_HEADER_LEN || h[58] != '`' || h[59] != '\n' || !header_number(h + 48, 10, &size))
            goto corrupt;
        at += AR_HEADER_LEN;
        if (size > len - at)
            goto corrupt;
        if (!memcmp(h, "//              ", 16)) {
            longnames = buf + at, longlen = size;
        } else if (h[0] != '/' || (h[1] >= '0' && h[1] <= '9')) { /* "/" and "/SYM64/" are indexes */
            char *bad, *name = member_name(h, longnames, longlen, &bad);
            if (bad) {
                archive_free(out);
                snprintf(err, errlen, "member '%.100s': a name with a path ('/', '.' or '..') is refused", bad);
                free(bad);
                return -1;
            }
            if (!name)
                goto corrupt;
            archive_put(out, name, buf + at, size);
            free(name);
        }
        at += size + (size & 1);
    }
    return 0;
corrupt:
    archive_free(out);
    return fail(err, errlen, "corrupt archive", "a member header or size is malformed or truncated");
}

/* ---- building --------------------------------------------------------- */

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

void archive_put(archive_t *a, const char *name, const uint8_t *data, size_t size)
{
    name = base_name(name);
    ar_member_t *m = NULL;
    for (int i = 0; i < a->n && !m; i++)
        if (!strcmp(a->members[i].name, name))
            m = &a->members[i];
    if (m) {
        free(m->data);
    } else {
        if (a->n == a->cap)
            a->members = xrealloc(a->members, (size_t)(a->cap = a->cap ? 2 * a->cap : 8) * sizeof *a->members);
        m = &a->members[a->n++];
        m->name = strdup(name);
        if (!m->name)
            abort();
    }
    m->data = xrealloc(NULL, size);
    if (size)
        memcpy(m->data, data, size);
    m->size = size;
}

void archive_free(archive_t *a)
{
    for (int i = 0; i < a->n; i++)
        free(a->members[i].name), free(a->members[i].data);
    free(a->members);
    memset(a, 0, sizeof *a);
}

/* ---- writing ---------------------------------------------------------- */

typedef struct {
    uint8_t *p;
    size_t len, cap;
} bytes_t;

static void put(bytes_t *b, const void *data, size_t n)
{
    if (b->len + n > b->cap) {
        while (b->len + n > b->cap)
            b->cap = b->cap ? 2 * b->cap : 4096;
        b->p = xrealloc(b->p, b->cap);
    }
    if (n) /* an empty member's data may be a null pointer */
        memcpy(b->p + b->len, data, n);
    b->len += n;
}

static void put_be32(bytes_t *b, uint32_t v)
{
    uint8_t x[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};
    put(b, x, 4);
}

static void put_header(bytes_t *b, const char *name, size_t size)
{
    char h[AR_HEADER_LEN + 16];
    snprintf(h, sizeof h, "%-16.16s%-12s%-6s%-6s%-8s%-10u`\n", name, "0", "0", "0", "644", (unsigned)size % 1000000000u);
    put(b, h, AR_HEADER_LEN);
}

static void put_padded(bytes_t *b, const void *data, size_t n)
{
    put(b, data, n);
    if (n & 1)
        put(b, "\n", 1);
}

/* GNU's "//" table: every name longer than 15 characters, "name/\n". */
static void long_names(const archive_t *a, bytes_t *table, size_t *offset_of)
{
    for (int i = 0; i < a->n; i++) {
        offset_of[i] = SIZE_MAX;
        if (strlen(a->members[i].name) > 15) {
            offset_of[i] = table->len;
            put(table, a->members[i].name, strlen(a->members[i].name));
            put(table, "/\n", 2);
        }
    }
}

/* The global symbols each member defines: names (NUL-separated) and owners. */
static int index_symbols(const archive_t *a, bytes_t *names, int **owner)
{
    int n = 0;
    *owner = NULL;
    for (int i = 0; i < a->n; i++) {
        exe_t obj;
        char msg[64];
        if (exe_parse_elf(a->members[i].data, a->members[i].size, &obj, msg, sizeof msg) < 0)
            continue; /* not an object: listed, but nothing to index */
        for (int s = 0; s < obj.nsymbols; s++)
            if (obj.symbols[s].global && obj.symbols[s].section != -2) {
                put(names, obj.symbols[s].name, strlen(obj.symbols[s].name) + 1);
                *owner = xrealloc(*owner, (size_t)(n + 1) * sizeof **owner);
                (*owner)[n++] = i;
            }
        exe_free(&obj);
    }
    return n;
}

static void member_header_name(const ar_member_t *m, size_t long_offset, char *name, size_t len)
{
    if (long_offset != SIZE_MAX)
        snprintf(name, len, "/%zu", long_offset);
    else
        snprintf(name, len, "%s/", m->name);
}

int archive_write(const char *path, const archive_t *a, char *err, size_t errlen)
{
    bytes_t out = {0}, table = {0}, names = {0};
    size_t *long_offset = xrealloc(NULL, (size_t)a->n * sizeof *long_offset);
    int *owner;
    long_names(a, &table, long_offset);
    int nsyms = index_symbols(a, &names, &owner);
    /* member offsets: after the magic, the index and the long-name table */
    size_t index_size = 4 + 4 * (size_t)nsyms + names.len;
    size_t at = AR_MAGIC_LEN + (nsyms ? AR_HEADER_LEN + index_size + (index_size & 1) : 0);
    if (table.len)
        at += AR_HEADER_LEN + table.len + (table.len & 1);
    size_t *member_at = xrealloc(NULL, (size_t)a->n * sizeof *member_at);
    for (int i = 0; i < a->n; i++) {
        member_at[i] = at;
        at += AR_HEADER_LEN + a->members[i].size + (a->members[i].size & 1);
    }
    put(&out, AR_MAGIC, AR_MAGIC_LEN);
    if (nsyms) {
        put_header(&out, "/", index_size);
        put_be32(&out, (uint32_t)nsyms);
        for (int s = 0; s < nsyms; s++)
            put_be32(&out, (uint32_t)member_at[owner[s]]);
        put_padded(&out, names.p, names.len);
    }
    if (table.len) {
        put_header(&out, "//", table.len);
        put_padded(&out, table.p, table.len);
    }
    for (int i = 0; i < a->n; i++) {
        char name[32];
        member_header_name(&a->members[i], long_offset[i], name, sizeof name);
        put_header(&out, name, a->members[i].size);
        put_padded(&out, a->members[i].data, a->members[i].size);
    }
    int rc = 0;
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(out.p, 1, out.len, f) != out.len)
        rc = -1;
    if (f && fclose(f) != 0)
        rc = -1;
    if (rc < 0)
        snprintf(err, errlen, "%s: cannot write: %s", path, strerror(errno));
    free(out.p), free(table.p), free(names.p), free(long_offset), free(owner), free(member_at);
    return rc;
}
