/*
 * Option helpers shared by the subcommands (see argopt.h).
 */
#include "argopt.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../obs/plot.h"

bool opt_match(const char *cmd, int argc, char **argv, int *i, const char *name, const char **value)
{
    const char *arg = argv[*i];
    size_t len = strlen(name);
    if (strncmp(arg, name, len) != 0)
        return false;
    if (arg[len] == '=') {
        *value = arg + len + 1;
        return true;
    }
    if (arg[len] != '\0')
        return false;
    if (*i + 1 >= argc) {
        fprintf(stderr, "mmulab %s: %s needs a value\n", cmd, name);
        *value = NULL;
        return true;
    }
    *value = argv[++*i];
    return true;
}

static bool parse_number(const char *text, uint64_t *out, char **end)
{
    if (!text || !*text || *text == '-' || *text == '+' || *text == ' ')
        return false;
    errno = 0;
    unsigned long long v = strtoull(text, end, 0);
    if (errno || *end == text)
        return false;
    *out = v;
    return true;
}

bool opt_u64(const char *cmd, const char *option, const char *text, uint64_t min, uint64_t max, uint64_t *out)
{
    char *end;
    uint64_t v;
    if (!text)
        return false;
    if (!parse_number(text, &v, &end) || *end || v < min || v > max) {
        fprintf(stderr, "mmulab %s: %s '%s': want a number from %llu to %llu\n", cmd, option, text,
                (unsigned long long)min, (unsigned long long)max);
        return false;
    }
    *out = v;
    return true;
}

bool opt_size(const char *cmd, const char *option, const char *text, uint64_t *out)
{
    char *end;
    uint64_t v;
    if (!text)
        return false;
    if (parse_number(text, &v, &end)) {
        unsigned shift = 0;
        switch (*end) {
        case 'k': case 'K': shift = 10; end++; break;
        case 'm': case 'M': shift = 20; end++; break;
        case 'g': case 'G': shift = 30; end++; break;
        }
        if (shift && !strcmp(end, "iB"))
            end += 2; /* 4KiB */
        else if (!strcmp(end, "B"))
            end++; /* 4KB, 512B */
        if (!*end && v <= (UINT64_MAX >> shift)) {
            *out = v << shift;
            return true;
        }
    }
    fprintf(stderr, "mmulab %s: %s '%s': want a size such as 512, 4K or 2M\n", cmd, option, text);
    return false;
}

bool opt_choice(const char *cmd, const char *option, const char *text, const char *const *names, int n, int *out)
{
    for (int i = 0; text && i < n; i++)
        if (!strcmp(text, names[i])) {
            *out = i;
            return true;
        }
    fprintf(stderr, "mmulab %s: %s '%s': allowed values are", cmd, option, text ? text : "");
    for (int i = 0; i < n; i++)
        fprintf(stderr, "%s%s", i ? "|" : " ", names[i]);
    fprintf(stderr, "\n");
    return false;
}

bool opt_study_output(const char *cmd, int argc, char **argv, int *i, study_output_t *out, bool *bad)
{
    const char *v;
    char err[200];
    *bad = false;
    if (opt_match(cmd, argc, argv, i, "--csv", &v))
        *bad = !(out->csv = v);
    else if (opt_match(cmd, argc, argv, i, "--json", &v))
        *bad = !(out->json = v);
    else if (opt_match(cmd, argc, argv, i, "--plot", &v)) {
        out->plot = v;
        if (v && !plot_path_ok(v, err, sizeof err))
            fprintf(stderr, "mmulab %s: %s\n", cmd, err);
        *bad = !v || !plot_path_ok(v, err, sizeof err);
    } else
        return false;
    return true;
}
