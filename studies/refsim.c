/*
 * Reference-string simulation over the replacement policies (see refsim.h).
 */
#include "refsim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t next_use_oracle(void *ctx, uint32_t frame, uint64_t last_use, uint64_t now)
{
    (void)last_use; /* frame_next[frame] is the next use after it */
    (void)now;
    const refsim_t *s = ctx;
    return s->frame_next[frame];
}

bool refsim_init(refsim_t *s, repl_policy_t policy, uint32_t frames, const uint64_t *next_use)
{
    *s = (refsim_t){0};
    s->next_use = next_use;
    s->repl = repl_create(policy, frames);
    s->frame_page = s->repl ? malloc(frames * sizeof *s->frame_page) : NULL;
    bool opt = policy == REPL_OPT;
    s->frame_next = opt ? malloc(frames * sizeof *s->frame_next) : NULL;
    if (!s->frame_page || (opt && !s->frame_next) || !u64map_init(&s->resident, frames)) {
        free(s->frame_page);
        free(s->frame_next);
        repl_destroy(s->repl);
        return false;
    }
    for (uint32_t f = 0; f < frames; f++)
        s->frame_page[f] = REFSIM_NO_PAGE;
    if (opt)
        repl_set_oracle(s->repl, next_use_oracle, s);
    return true;
}

void refsim_free(refsim_t *s)
{
    repl_destroy(s->repl);
    free(s->frame_page);
    free(s->frame_next);
    u64map_free(&s->resident);
    *s = (refsim_t){0};
}

/* A frame for a new page: a free one, else a victim whose page is evicted. */
static uint32_t make_room(refsim_t *s, uint64_t t, uint64_t *evicted)
{
    uint32_t frame = repl_free_frame(s->repl);
    if (frame != REPL_NONE)
        return frame;
    frame = repl_victim(s->repl, NULL, t);
    *evicted = s->frame_page[frame];
    u64map_remove(&s->resident, *evicted);
    s->evictions++;
    return frame;
}

uint32_t refsim_access(refsim_t *s, uint64_t page, uint64_t t, bool *fault, uint64_t *evicted)
{
    *evicted = REFSIM_NO_PAGE;
    uint64_t frame = u64map_get(&s->resident, page, REPL_NONE);
    *fault = frame == REPL_NONE;
    if (!*fault) {
        refsim_touch(s, (uint32_t)frame, t);
        return (uint32_t)frame;
    }
    s->faults++;
    frame = make_room(s, t, evicted);
    if (!u64map_put(&s->resident, page, frame))
        return REPL_NONE;
    s->frame_page[frame] = page;
    repl_load(s->repl, (uint32_t)frame, t);
    if (s->frame_next)
        s->frame_next[frame] = s->next_use ? s->next_use[t] : s->next;
    return (uint32_t)frame;
}

bool refs_next_use(const uint64_t *pages, size_t n, uint64_t *next_use)
{
    u64map_t later;
    if (!u64map_init(&later, 1024))
        return false;
    bool ok = true;
    for (size_t i = n; i-- > 0 && ok;) {
        next_use[i] = u64map_get(&later, pages[i], REPL_NEVER);
        ok = u64map_put(&later, pages[i], i);
    }
    u64map_free(&later);
    return ok;
}

bool refs_push(refstring_t *rs, uint64_t page)
{
    if (rs->n == rs->cap) {
        size_t cap = rs->cap ? 2 * rs->cap : 64;
        uint64_t *pages = realloc(rs->pages, cap * sizeof *pages);
        if (!pages)
            return false;
        rs->pages = pages;
        rs->cap = cap;
    }
    rs->pages[rs->n++] = page;
    return true;
}

static bool is_separator(int c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ','; }

static int source_getc(refs_source_t *src)
{
    if (src->text)
        return *src->text ? (unsigned char)*src->text++ : EOF;
    return getc(src->in);
}

int refs_next(refs_source_t *src, uint64_t *page, char *err, size_t errlen)
{
    int c;
    while ((c = source_getc(src)) != EOF && is_separator(c))
        ;
    if (c == EOF)
        return 0;
    char token[24];
    size_t len = 0;
    uint64_t v = 0;
    bool number = true;
    for (; c != EOF && !is_separator(c); c = source_getc(src)) {
        if (len < sizeof token - 1)
            token[len++] = (char)c;
        number = number && c >= '0' && c <= '9' && v < UINT64_MAX / 16;
        v = v * 10 + (uint64_t)(c - '0');
    }
    token[len] = 0;
    if (!number || v == REFSIM_NO_PAGE) {
        snprintf(err, errlen,
                 "'%s' is not a page number (references are non-negative integers separated by spaces, commas "
                 "or newlines)",
                 token);
        return -1;
    }
    *page = v;
    return 1;
}

bool refs_parse(const char *text, refstring_t *rs, char *err, size_t errlen)
{
    refs_source_t src = {.text = text};
    uint64_t page;
    int got;
    while ((got = refs_next(&src, &page, err, errlen)) > 0)
        if (!refs_push(rs, page)) {
            snprintf(err, errlen, "out of memory");
            return false;
        }
    return got == 0;
}
