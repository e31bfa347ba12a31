/*
 * `mmulab ar`: build and list static libraries in the standard `ar` format
 * (toolchain/archive.c), so GNU ar and nm read them too.  The operations are
 * those of ar(1) that a course needs: r (insert or replace members), t
 * (list), x (extract), with the modifiers c (create quietly), s (write the
 * symbol index, always done) and v (verbose).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../toolchain/archive.h"
#include "../sim/options.h"
#include "commands.h"

#define MAX_MEMBER (256u << 20)

static void ar_usage(FILE *out)
{
    fprintf(out,
            "usage: mmulab ar rcs ARCHIVE.a OBJECT...   insert or replace members\n"
            "       mmulab ar t ARCHIVE.a               list the members\n"
            "       mmulab ar x ARCHIVE.a [MEMBER...]   extract members here\n"
            "\n"
            "The archive is in the standard ar format with a GNU symbol index, so\n"
            "`ar t` and `nm -s` read it; `mmulab ld` pulls in only the members that\n"
            "define a symbol still missing.  Exit status: 0 done, 2 errors.\n");
}

static int load_archive(const char *path, bool may_be_new, archive_t *ar)
{
    uint8_t *buf;
    size_t len;
    char err[512];
    memset(ar, 0, sizeof *ar);
    FILE *probe = fopen(path, "rb");
    if (!probe && may_be_new)
        return 0;
    if (probe)
        fclose(probe);
    if (file_read_all(path, MAX_MEMBER, &buf, &len, err, sizeof err) < 0 ||
        archive_parse(buf, len, ar, err, sizeof err) < 0) {
        fprintf(stderr, "mmulab ar: %s%s%s\n", probe ? path : "", probe ? ": " : "", err);
        if (probe)
            free(buf);
        return 2;
    }
    free(buf);
    return 0;
}

static int replace_members(const char *path, char **files, int n, bool verbose)
{
    archive_t ar;
    if (load_archive(path, true, &ar))
        return 2;
    int rc = 0;
    for (int i = 0; i < n && rc == 0; i++) {
        uint8_t *data;
        size_t size;
        char err[512];
        if (file_read_all(files[i], MAX_MEMBER, &data, &size, err, sizeof err) < 0) {
            fprintf(stderr, "mmulab ar: %s\n", err);
            rc = 2;
            break;
        }
        archive_put(&ar, files[i], data, size);
        if (verbose)
            printf("a - %s\n", files[i]);
        free(data);
    }
    char err[512];
    if (rc == 0 && archive_write(path, &ar, err, sizeof err) < 0) {
        fprintf(stderr, "mmulab ar: %s\n", err);
        rc = 2;
    }
    archive_free(&ar);
    return rc;
}

static bool wanted(const char *name, char **names, int n)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(names[i], name))
            return true;
    return n == 0;
}

static int list_or_extract(const char *path, char **names, int n, bool extract, bool verbose)
{
    archive_t ar;
    if (load_archive(path, false, &ar))
        return 2;
    int rc = 0;
    for (int i = 0; i < ar.n; i++) {
        const ar_member_t *m = &ar.members[i];
        if (!wanted(m->name, names, n))
            continue;
        if (!extract) {
            printf(verbose ? "%s (%zu bytes)\n" : "%s\n", m->name, m->size);
            continue;
        }
        FILE *f = fopen(m->name, "wb");
        if (!f || fwrite(m->data, 1, m->size, f) != m->size || fclose(f) != 0) {
            fprintf(stderr, "mmulab ar: %s: cannot write\n", m->name);
            rc = 2;
        }
        if (verbose)
            printf("x - %s\n", m->name);
    }
    archive_free(&ar);
    return rc;
}

/* Check the operation letters; false after a message. */
static bool parse_operation(const char *word, char *op, bool *verbose)
{
    *op = 0;
    *verbose = false;
    for (const char *c = word; *c; c++) {
        if (strchr("rtx", *c) && !*op)
            *op = *c;
        else if (*c == 'v')
            *verbose = true;
        else if (!strchr("cs", *c)) {
            fprintf(stderr, "mmulab ar: unknown operation or modifier '%c' in '%s' (allowed: r, t, x; c, s, v)\n", *c,
                    word);
            return false;
        }
    }
    if (!*op)
        fprintf(stderr, "mmulab ar: '%s' names no operation (r, t or x)\n", word);
    return *op != 0;
}

int cmd_ar(int argc, char **argv)
{
    /* The operation comes first and may be written with a dash (-t), as GNU
     * ar allows: then the option parser starts after it. */
    bool dash_op = argc >= 2 && argv[1][0] == '-' && argv[1][1] && argv[1][1] != '-' && strcmp(argv[1], "-h");
    char **words = calloc((size_t)argc + 1, sizeof *words);
    if (!words)
        abort();
    opt_parser_t p = {.prog = "mmulab ar", .words = (const char **)words, .max_words = argc, .err = stderr};
    int rc = opt_parse(&p, argc - dash_op, argv + dash_op);
    char **rest = words + !dash_op;
    int nrest = p.nwords - !dash_op;
    const char *ops = dash_op ? argv[1] + 1 : words[0];
    char op;
    bool verbose;
    if (rc < 0)
        ar_usage(stdout);
    else if (rc == 0 && nrest < 1) {
        ar_usage(stderr);
        rc = 2;
    } else if (rc == 0 && !parse_operation(ops, &op, &verbose))
        rc = 2;
    else if (rc == 0 && op == 'r')
        rc = replace_members(rest[0], rest + 1, nrest - 1, verbose);
    else if (rc == 0)
        rc = list_or_extract(rest[0], rest + 1, nrest - 1, op == 'x', verbose);
    free(words);
    return rc < 0 ? 0 : rc;
}
