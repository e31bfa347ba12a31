/* JSON strings and CSV fields (quote.h). */
#include "quote.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

void json_write_string(FILE *out, const char *text)
{
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(out, "\\%c", *p);
        else if (*p < 0x20)
            fprintf(out, "\\u%04x", *p);
        else
            fputc(*p, out);
    }
    fputc('"', out);
}

void csv_write_field(FILE *out, const char *text)
{
    if (!strpbrk(text, ",\"\r\n")) {
        fputs(text, out);
        return;
    }
    fputc('"', out);
    for (; *text; text++) {
        if (*text == '"')
            fputc('"', out);
        fputc(*text, out);
    }
    fputc('"', out);
}

static bool shell_plain(const char *text)
{
    if (!*text)
        return false;
    for (; *text; text++)
        if (!(('a' <= *text && *text <= 'z') || ('A' <= *text && *text <= 'Z') || ('0' <= *text && *text <= '9') ||
              strchr("_./=,:+-@%", *text)))
            return false;
    return true;
}

static bool has_control(const char *text)
{
    for (const unsigned char *p = (const unsigned char *)text; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            return true;
    return false;
}

void shell_write_word(FILE *out, const char *text)
{
    if (shell_plain(text)) {
        fputs(text, out);
        return;
    }
    if (!has_control(text)) { /* '...': nothing inside is special but the quote */
        fputc('\'', out);
        for (; *text; text++)
            if (*text == '\'')
                fputs("'\\''", out);
            else
                fputc(*text, out);
        fputc('\'', out);
        return;
    }
    fputs("$'", out);
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        if (*p == '\n')
            fputs("\\n", out);
        else if (*p == '\t')
            fputs("\\t", out);
        else if (*p < 0x20 || *p == 0x7f)
            fprintf(out, "\\x%02x", *p);
        else if (*p == '\'' || *p == '\\')
            fprintf(out, "\\%c", *p);
        else
            fputc(*p, out);
    }
    fputc('\'', out);
}

char *shell_quoted(const char *text)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return NULL;
    shell_write_word(f, text);
    if (fclose(f) != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}
