/*
 * The panels: status bar, physical memory, the current translation, the TLB,
 * the CPU (disassembly, registers, counters, processes) and the help
 * overlay, each drawn from the view model alone.  Colours say who owns
 * memory (one hue per process, grey for the OS) and what it holds (the
 * shade: code full, data lighter, bss lighter still, stack darker, page
 * tables darkest); docs/viewer.md shows the legend.
 */
#include "view.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../mmu/pte.h"
#include "../mmu/seg.h"

enum {
    C_BG = 0x15181C, C_PANEL = 0x1C2026, C_EDGE = 0x3A414B, C_TEXT = 0xD8DEE6, C_DIM = 0x8A94A0,
    C_TITLE = 0xFFFFFF, C_OK = 0x58C46A, C_BAD = 0xE5534B, C_WARN = 0xF2B33D, C_FLASH = 0xFFFFFF,
    C_SELECT = 0x36E0F0, C_OS = 0x6E7378, C_FREE = 0x262B31, C_SET = 0x233447, C_HIT = 0x1F5130,
    C_MISS = 0x5A3A16,
};

static const uint32_t pid_palette[] = {0x4C9BE8, 0xE69F00, 0x3CB371, 0xCC79A7, 0x9B7FE0, 0x17BECF, 0xD9D14A, 0xE8746A};

uint32_t view_pid_colour(int pid)
{
    if (pid == 0)
        return C_OS;
    if (pid < 0)
        return C_FREE;
    return pid_palette[(pid - 1) % (int)(sizeof pid_palette / sizeof pid_palette[0])];
}

uint32_t view_span_colour(const span_t *s)
{
    uint32_t base = view_pid_colour(s->owner);
    switch (s->region) {
    case RG_FREE: return C_FREE;
    case RG_OS: return C_OS;
    case RG_CODE: return base;
    case RG_DATA: return gfx_mix(base, 0xFFFFFF, 80);
    case RG_BSS: return gfx_mix(base, 0xFFFFFF, 140);
    case RG_HEAP: return gfx_mix(base, 0x00FF80, 90);
    case RG_STACK: return gfx_mix(base, 0x000000, 90);
    case RG_PTABLE: return gfx_mix(base, 0x000000, 160);
    case RG_FILE: return gfx_mix(base, 0x00FFFF, 110);
    case RG_LIBRARY: return gfx_mix(base, 0xFF00FF, 110);
    case RG_SHARED: return gfx_mix(base, 0xFFFF00, 110);
    case RG_COUNT: break;
    }
    return base;
}

static const char region_letter[RG_COUNT] = {' ', 'O', 'C', 'D', 'B', 'H', 'S', 'T', 'F', 'L', 'M'};

/* ---- layout ------------------------------------------------------------- */

void view_layout(view_t *v)
{
    int w = v->g.surface->w, h = v->g.surface->h, lh = v->g.line_h;
    int tl_h = h / 4 > 8 * lh ? h / 4 : 8 * lh;
    int top = lh + 8, bottom = h - tl_h - 4;
    int col1 = w * 34 / 100, col2 = w * 35 / 100;
    v->status = (rect_t){0, 0, w, lh + 6};
    v->memory = (rect_t){4, top, col1 - 8, bottom - top};
    int xh = (bottom - top) * 54 / 100;
    v->xlate = (rect_t){col1, top, col2 - 4, xh - 4};
    v->tlb = (rect_t){col1, top + xh, col2 - 4, bottom - top - xh};
    v->cpu = (rect_t){col1 + col2, top, w - col1 - col2 - 4, bottom - top};
    v->tl.area = (rect_t){4, bottom + 4, w - 8, tl_h - 8};
}

static void panel(view_t *v, rect_t r, const char *title)
{
    gfx_fill(&v->g, r.x, r.y, r.w, r.h, C_PANEL);
    gfx_frame(&v->g, r.x, r.y, r.w, r.h, C_EDGE);
    gfx_text_n(&v->g, r.x + 6, r.y + 2, C_TITLE, title, (r.w - 12) / v->g.char_w);
    gfx_line(&v->g, r.x + 1, r.y + v->g.line_h + 3, r.x + r.w - 2, r.y + v->g.line_h + 3, C_EDGE);
}

/* The y of text line `n` inside a panel. */
static int line_y(const view_t *v, rect_t r, int n) { return r.y + v->g.line_h + 6 + n * v->g.line_h; }
static int max_chars(const view_t *v, rect_t r) { return (r.w - 12) / v->g.char_w; }

static void size_text(uint32_t bytes, char *buf, size_t len)
{
    if (bytes >= (1u << 20) && !(bytes & 0xFFFFF))
        snprintf(buf, len, "%uM", bytes >> 20);
    else if (bytes >= 1024 && !(bytes & 1023))
        snprintf(buf, len, "%uK", bytes >> 10);
    else if (bytes >= 10240)
        snprintf(buf, len, "%.1fK", bytes / 1024.0);
    else
        snprintf(buf, len, "%u", bytes);
}

/* ---- status bar and help ------------------------------------------------ */

static void draw_status(view_t *v)
{
    const model_t *m = &v->model;
    rect_t r = v->status;
    gfx_fill(&v->g, r.x, r.y, r.w, r.h, 0x0E1013);
    int x = r.x + 6;
    x += gfx_text(&v->g, x, r.y + 3, C_TITLE, "mmulab ");
    x += gfx_textf(&v->g, x, r.y + 3, C_TEXT, "%s  cycle %" PRIu64 "  ", v->title, m->now);
    uint32_t state_colour = v->running ? C_OK : !strcmp(m->status, "finished") ? C_WARN : C_TEXT;
    x += gfx_textf(&v->g, x, r.y + 3, state_colour, "[%s]  ", v->running ? "running" : m->status);
    if (v->speed[0])
        x += gfx_textf(&v->g, x, r.y + 3, C_DIM, "speed %s  ", v->speed);
    x += gfx_text(&v->g, x, r.y + 3, C_DIM, "h: help  ");
    gfx_text_n(&v->g, x, r.y + 3, C_WARN, m->note, (r.w - x) / v->g.char_w);
}

static void draw_help(view_t *v)
{
    static const char *const lines[] = {
        "keys",
        "  space    run / pause",
        "  n        step one instruction",
        "  e        run to the next event (TLB miss, fault, trap, switch)",
        "  + -      faster / slower",
        "  r        reset to the start",
        "  f        fit the timeline to the whole run",
        "  g        the region table of the current process instead of the TLB",
        "  p        save a screenshot (--screenshot FILE, else mmulab-view.png)",
        "  h        this help",
        "  q Esc    quit",
        "mouse",
        "  wheel on the timeline     zoom around the pointer",
        "  drag on the timeline      pan",
        "  hover / click an event    its details",
        "  click a frame/partition   which page maps it, and whether the TLB holds it",
    };
    int n = (int)(sizeof lines / sizeof lines[0]);
    int w = 70 * v->g.char_w, h = (n + 2) * v->g.line_h;
    int x = (v->g.surface->w - w) / 2, y = (v->g.surface->h - h) / 2;
    gfx_fill(&v->g, x, y, w, h, 0x0B0D10);
    gfx_frame(&v->g, x, y, w, h, C_SELECT);
    for (int i = 0; i < n; i++)
        gfx_text(&v->g, x + 12, y + v->g.line_h * (i + 1), lines[i][0] == ' ' ? C_TEXT : C_SELECT, lines[i]);
}

/* ---- memory ------------------------------------------------------------- */

static bool span_flashes(const model_t *m, const span_t *s) { return s->last_access && s->last_access >= m->flash_from; }

/* The outline marks over a drawn span: flash, selection. */
static void span_marks(view_t *v, int i, rect_t r)
{
    const span_t *s = &v->model.spans[i];
    if (span_flashes(&v->model, s)) {
        gfx_frame(&v->g, r.x, r.y, r.w, r.h, C_FLASH);
        gfx_frame(&v->g, r.x + 1, r.y + 1, r.w - 2, r.h - 2, C_FLASH);
    }
    if (i == v->selected_span)
        gfx_frame(&v->g, r.x - 1, r.y - 1, r.w + 2, r.h + 2, C_SELECT);
}

static void draw_frame_cell(view_t *v, int i, rect_t r)
{
    const span_t *s = &v->model.spans[i];
    gfx_fill(&v->g, r.x, r.y, r.w, r.h, view_span_colour(s));
    if (r.w >= 14 && r.h >= v->g.line_h && s->region != RG_FREE) {
        char letter[2] = {region_letter[s->region], 0};
        gfx_text(&v->g, r.x + 2, r.y, 0x000000, letter);
    }
    if (r.w >= 12 && s->accessed)
        gfx_fill(&v->g, r.x + r.w - 7, r.y + 3, 4, 4, 0xFFFFFF);
    if (r.w >= 12 && s->dirty)
        gfx_fill(&v->g, r.x + r.w - 7, r.y + 8, 4, 4, C_BAD);
    if (r.w >= 12 && s->in_tlb)
        gfx_fill(&v->g, r.x + 3, r.y + r.h - 7, 4, 4, 0xFFFF40);
    span_marks(v, i, r);
}

/* Paged: one cell per frame, row by row from frame 0. */
static void draw_frames(view_t *v, rect_t area)
{
    int n = v->model.nspans;
    if (n <= 0)
        return;
    int cols = (int)ceil(sqrt((double)n * area.w / (area.h > 0 ? area.h : 1)));
    cols = cols < 1 ? 1 : cols;
    int rows = (n + cols - 1) / cols;
    int cw = area.w / cols, ch = area.h / rows;
    ch = ch > 2 * v->g.line_h ? 2 * v->g.line_h : ch;
    for (int i = 0; i < n; i++) {
        rect_t r = {area.x + (i % cols) * cw, area.y + (i / cols) * ch, cw - 1, ch - 1};
        v->span_rect[i] = r;
        draw_frame_cell(v, i, r);
    }
}

/* Contiguous: blocks top to bottom from address 0, a block's height growing
 * with the square root of its size (so a 6K partition beside a 1M hole can
 * still be seen), its spans stacked inside it in proportion. */
static void block_heights(const model_t *m, int avail, int line_h, int *h)
{
    double total = 0;
    int fixed = 0;
    for (int b = 0; b < m->nblocks; b++) {
        total += sqrt((double)m->blocks[b].size);
        h[b] = m->blocks[b].owner > 0 ? 5 * line_h : line_h + 2; /* partitions get room for their regions */
        fixed += h[b];
    }
    int spare = avail - fixed;
    spare = spare < 0 ? 0 : spare;
    for (int b = 0; b < m->nblocks; b++)
        h[b] += (int)(spare * sqrt((double)m->blocks[b].size) / (total > 0 ? total : 1));
}

static void block_label(view_t *v, const mem_block_t *b, int x, int y, int chars)
{
    char size[16], text[160];
    size_text(b->size, size, sizeof size);
    if (b->owner > 0 && b->owner <= v->model.nprocs)
        snprintf(text, sizeof text, "%06X P%d %s %s", b->start, b->owner, v->model.procs[b->owner - 1].name, size);
    else
        snprintf(text, sizeof text, "%06X %s %s", b->start, b->owner == 0 ? "OS" : "hole", size);
    gfx_text_n(&v->g, x, y, b->owner > 0 ? view_pid_colour(b->owner) : C_DIM, text, chars);
}

/* Heights of the n spans from `first` inside a block of height h: each at
 * least min_h (when they all fit), the rest in proportion to their sizes. */
static void span_heights(const model_t *m, int first, int n, int h, int min_h, int *out)
{
    const mem_block_t *blk = &m->blocks[m->spans[first].block];
    if (n * min_h > h)
        min_h = h / (n ? n : 1);
    int spare = h - n * min_h, used = 0;
    for (int k = 0; k < n; k++) {
        out[k] = min_h + (int)((uint64_t)m->spans[first + k].size * (uint64_t)spare / blk->size);
        used += out[k];
    }
    if (n)
        out[n - 1] += h - used; /* rounding */
}

static void draw_span_label(view_t *v, const model_t *m, const span_t *s, rect_t r, int label_x)
{
    int y = r.y + (r.h - v->g.line_h) / 2;
    if (s->owner > 0 && r.h >= v->g.line_h - 4)
        gfx_textf(&v->g, label_x, y, C_DIM, "%-5s%s%s", s->region == RG_FREE ? "unused" : model_region_name(m, s->region),
                  s->accessed ? " A" : "", s->dirty ? " D" : "");
}

/* The spans of block b (consecutive in the model) stacked inside br. */
static void draw_block_spans(view_t *v, int b, rect_t br, int label_x)
{
    const model_t *m = &v->model;
    int first = 0, n = 0;
    while (first < m->nspans && m->spans[first].block != b)
        first++;
    while (first + n < m->nspans && m->spans[first + n].block == b)
        n++;
    int *h = calloc((size_t)(n ? n : 1), sizeof *h);
    if (!h)
        return;
    span_heights(m, first, n, br.h, v->g.line_h, h);
    for (int k = 0, y = br.y; k < n; y += h[k], k++) {
        const span_t *s = &m->spans[first + k];
        rect_t r = {br.x, y, br.w, h[k]};
        v->span_rect[first + k] = r;
        gfx_fill(&v->g, r.x, r.y, r.w, r.h, view_span_colour(s));
        draw_span_label(v, m, s, r, label_x);
        span_marks(v, first + k, r);
    }
    free(h);
}

static void draw_partitions(view_t *v, rect_t area)
{
    const model_t *m = &v->model;
    int *h = calloc((size_t)(m->nblocks ? m->nblocks : 1), sizeof *h);
    if (!h)
        return;
    block_heights(m, area.h, v->g.line_h, h);
    int bar_w = area.w * 36 / 100, y = area.y;
    int label_x = area.x + bar_w + 6, chars = (area.w - bar_w - 6) / v->g.char_w;
    for (int b = 0; b < m->nblocks; b++) {
        rect_t br = {area.x, y, bar_w, h[b] - 2};
        gfx_frame(&v->g, br.x - 1, br.y - 1, br.w + 2, br.h + 2, C_EDGE);
        draw_block_spans(v, b, br, label_x);
        int region_w = m->blocks[b].owner > 0 ? 10 * v->g.char_w : 0; /* region names left of the label */
        block_label(v, &m->blocks[b], label_x + region_w, y, chars - region_w / v->g.char_w);
        y += h[b];
    }
    free(h);
}

static bool region_present(const model_t *m, region_t region)
{
    for (int i = 0; i < m->nspans; i++)
        if (m->spans[i].region == region)
            return true;
    return false;
}

static bool any_swapped(const model_t *m)
{
    for (int i = 0; i < m->nprocs; i++)
        if (m->procs[i].swapped)
            return true;
    return false;
}

/* The line above the legend: processes rolled out to the backing store,
 * each with the place it had (empty when nobody is out). */
static void draw_swapped_legend(view_t *v, rect_t r, int y)
{
    const model_t *m = &v->model;
    int x = r.x + 6;
    for (int i = 0; i < m->nprocs && x < r.x + r.w - 60; i++) {
        const proc_view_t *p = &m->procs[i];
        if (!p->swapped)
            continue;
        char size[16];
        size_text(p->swap_bytes, size, sizeof size);
        gfx_frame(&v->g, x, y + 3, 10, 10, view_pid_colour(p->pid));
        x += 14 + gfx_textf(&v->g, x + 14, y, C_DIM, "P%d out, was %X+%s  ", p->pid, p->swap_home, size);
    }
}

static void draw_legend(view_t *v, rect_t r, int y)
{
    const model_t *m = &v->model;
    int x = r.x + 6;
    for (int i = 0; i < m->nprocs && x < r.x + r.w - 60; i++) {
        gfx_fill(&v->g, x, y + 3, 10, 10, view_pid_colour(m->procs[i].pid));
        x += 14 + gfx_textf(&v->g, x + 14, y, C_TEXT, "P%d ", m->procs[i].pid);
    }
    draw_swapped_legend(v, r, y - v->g.line_h);
    static const region_t shown[] = {RG_CODE, RG_DATA, RG_BSS, RG_STACK, RG_PTABLE, RG_OS,
                                     RG_FREE, RG_HEAP, RG_FILE, RG_LIBRARY, RG_SHARED};
    int pid = m->current_pid > 0 ? m->current_pid : 1;
    for (size_t k = 0; k < sizeof shown / sizeof shown[0] && x < r.x + r.w - 60; k++) {
        bool optional = shown[k] == RG_HEAP || shown[k] == RG_FILE || shown[k] == RG_LIBRARY || shown[k] == RG_SHARED;
        if (optional && !region_present(m, shown[k]))
            continue; /* the heap and the paged-only kinds when some frame holds them */
        span_t sample = {.owner = shown[k] == RG_OS ? 0 : shown[k] == RG_FREE ? -1 : pid, .region = shown[k]};
        gfx_fill(&v->g, x, y + 3, 10, 10, view_span_colour(&sample));
        x += 14 + gfx_textf(&v->g, x + 14, y, C_DIM, "%s ", model_region_name(m, shown[k]));
    }
}

/* What the selected frame or partition holds, and whether the TLB has it. */
static void span_details(const model_t *m, int i, char *buf, size_t len)
{
    const span_t *s = &m->spans[i];
    int n = snprintf(buf, len, "%06X+%X: ", s->start, s->size);
    if (s->owner < 0)
        n += snprintf(buf + n, len - (size_t)n, "free");
    else if (s->shared_tables)
        n += snprintf(buf + n, len - (size_t)n, "page tables of several processes");
    else if (s->owner == 0)
        n += snprintf(buf + n, len - (size_t)n, "the OS");
    else
        n += snprintf(buf + n, len - (size_t)n, "P%d %s", s->owner, model_region_name(m, s->region));
    if (m->mode == OS_PAGED && s->mapped)
        snprintf(buf + n, len - (size_t)n, ", maps page %05X%s%s, %s", s->vpage, s->accessed ? " A" : "",
                 s->dirty ? " D" : "", s->in_tlb ? "in the TLB" : "not in the TLB");
    else if (m->mode == OS_PAGED && s->owner > 0)
        snprintf(buf + n, len - (size_t)n, ", no page maps it");
}

/* The replacement policy's state: FIFO's queue, LRU's stack (next victim on
 * top), CLOCK's ring from the hand with the reference bits, OPT's next uses. */
static void draw_policy(view_t *v, rect_t r)
{
    static const char *const heading[REPL_POLICY_COUNT] = {"FIFO queue", "LRU stack", "OPT next use", "CLOCK ring"};
    const model_t *m = &v->model;
    int lh = v->g.line_h, chars = r.w / v->g.char_w;
    gfx_text_n(&v->g, r.x, r.y, C_TITLE, m->policy < REPL_POLICY_COUNT ? heading[m->policy] : "policy", chars);
    gfx_text_n(&v->g, r.x, r.y + lh, C_DIM, m->policy == REPL_CLOCK ? "> hand, R bit" : "next victim first", chars);
    for (int i = 0; i < m->npolicy && r.y + (i + 3) * lh <= r.y + r.h; i++) {
        const os_policy_row_t *row = &m->policy_rows[i];
        char text[48], key[24] = "";
        if (m->policy == REPL_CLOCK)
            snprintf(key, sizeof key, "R%d", row->flags & POLICY_REFBIT ? 1 : 0);
        else if (m->policy == REPL_OPT)
            snprintf(key, sizeof key, row->key == UINT32_MAX ? "never" : "%u", row->key);
        snprintf(text, sizeof text, "%s%3u P%d %-5x %s", row->flags & POLICY_HAND ? ">" : " ", row->frame, row->pid,
                 row->vpn, key);
        gfx_fill(&v->g, r.x, r.y + (i + 2) * lh + 3, 4, lh - 6, view_pid_colour(row->pid));
        gfx_text_n(&v->g, r.x + 6, r.y + (i + 2) * lh, C_TEXT, text, chars - 1);
    }
}

static void draw_memory(view_t *v)
{
    const model_t *m = &v->model;
    rect_t r = v->memory;
    char title[96], size[16];
    size_text(m->mem_size, size, sizeof size);
    if (m->mode == OS_PAGED) {
        char page[16];
        size_text(1u << m->geo.page_shift, page, sizeof page);
        snprintf(title, sizeof title, "physical memory %s: %d frames of %s", size, m->nspans, page);
    } else {
        snprintf(title, sizeof title, "physical memory %s: partitions and holes", size);
    }
    panel(v, r, title);
    int lh = v->g.line_h;
    rect_t area = {r.x + 6, line_y(v, r, 0), r.w - 12, r.h - 4 * lh - 12};
    if (any_swapped(m))
        area.h -= lh + 2; /* room for the line of where they were */
    for (int i = 0; i < v->model.cap; i++)
        v->span_rect[i] = (rect_t){0, 0, 0, 0};
    if (m->mode == OS_PAGED && m->npolicy) { /* the policy's order in a column at the right */
        rect_t column = {area.x + area.w - 17 * v->g.char_w, area.y, 17 * v->g.char_w, area.h};
        area.w -= column.w + 6;
        draw_policy(v, column);
    }
    if (m->mode == OS_PAGED)
        draw_frames(v, area);
    else
        draw_partitions(v, area);
    draw_legend(v, r, r.y + r.h - 3 * lh - 4);
    char details[200] = "click a frame or partition for details";
    if (v->selected_span >= 0 && v->selected_span < m->nspans)
        span_details(m, v->selected_span, details, sizeof details);
    gfx_text_n(&v->g, r.x + 6, r.y + r.h - 2 * lh - 4, C_TEXT, details, max_chars(v, r));
    gfx_text_n(&v->g, r.x + 6, r.y + r.h - lh - 4, C_DIM,
               m->mode == OS_PAGED ? "marks: white A accessed, red D dirty, yellow in TLB; outline: just accessed"
                                   : "outline: just accessed; A accessed, D written",
               max_chars(v, r));
}

/* ---- translation -------------------------------------------------------- */

static void draw_reloc(view_t *v, rect_t r, int line)
{
    const model_t *m = &v->model;
    const xlate_view_t *x = &m->last;
    gfx_textf(&v->g, r.x + 6, line_y(v, r, line++), C_TEXT, "base  %08X   limit %08X", m->mmu.base, m->mmu.limit);
    if (!x->valid)
        return;
    gfx_textf(&v->g, r.x + 6, line_y(v, r, ++line), C_DIM, "last access: %s at pc %X", access_name[x->access], x->pc);
    gfx_textf(&v->g, r.x + 6, line_y(v, r, ++line), C_TEXT, "  logical   %08X", x->vaddr);
    gfx_textf(&v->g, r.x + 6, line_y(v, r, ++line), C_TEXT, "+ base      %08X", m->mmu.base);
    gfx_textf(&v->g, r.x + 6, line_y(v, r, ++line), C_TITLE, "= physical  %08X", x->paddr);
    bool inside = x->vaddr < m->mmu.limit;
    gfx_textf(&v->g, r.x + 6, line_y(v, r, ++line), inside ? C_OK : C_BAD, "limit check: %X %s %X  %s", x->vaddr,
              inside ? "<" : ">=", m->mmu.limit, inside ? "ok" : "protection fault");
    /* The two spaces side by side: logical [0, limit) onto physical [base, base+limit). */
    int y = line_y(v, r, line + 2), bw = r.w - 24, x0 = r.x + 12;
    if (y + 50 + 2 * v->g.line_h > r.y + r.h) /* no room for the picture above the trap line */
        return;
    gfx_fill(&v->g, x0, y, bw, 8, view_pid_colour(m->current_pid));
    gfx_fill(&v->g, x0, y + 40, bw, 8, gfx_mix(view_pid_colour(m->current_pid), 0, 60));
    if (m->mmu.limit) {
        int off = (int)((uint64_t)(x->vaddr < m->mmu.limit ? x->vaddr : m->mmu.limit) * (uint64_t)bw / m->mmu.limit);
        gfx_line(&v->g, x0 + off, y + 8, x0 + off, y + 40, C_FLASH);
    }
    gfx_textf(&v->g, x0, y + 10, C_DIM, "logical 0..%X", m->mmu.limit);
    gfx_textf(&v->g, x0, y + 50, C_DIM, "physical %X..%X", m->mmu.base, m->mmu.base + m->mmu.limit);
}

/* Segment flags as letters: valid, r w x, user, grows down. */
static void seg_flags_text(uint32_t f, char out[7])
{
    snprintf(out, 7, "%c%c%c%c%c%c", f & SEG_V ? 'v' : '-', f & SEG_R ? 'r' : '-', f & SEG_W ? 'w' : '-',
             f & SEG_X ? 'x' : '-', f & SEG_U ? 'u' : '-', f & SEG_DOWN ? 'd' : '-');
}

/* Segmented: STBR and STLR, the last address split into segment number and
 * offset, the bound check against the descriptor (from the other end for a
 * grow-down segment), the sum, then the table with the row it used. */
static void draw_seg(view_t *v, rect_t r, int line)
{
    const model_t *m = &v->model;
    const xlate_view_t *x = &m->last;
    const uint32_t ob = m->seg_offset_bits, segno = x->vaddr >> ob, off = x->vaddr & ((1u << ob) - 1);
    gfx_textf(&v->g, r.x + 6, line_y(v, r, line++), C_TEXT, "STBR %08X   STLR %u", m->mmu.stbr, m->mmu.stlr);
    const seg_row_t *used = NULL;
    for (int i = 0; i < m->nseg_rows; i++)
        used = m->seg_rows[i].looked_up ? &m->seg_rows[i] : used;
    if (x->valid) {
        int y = line_y(v, r, line++), x0 = r.x + 6;
        char text[48];
        snprintf(text, sizeof text, " segment %X ", segno);
        gfx_fill(&v->g, x0, y, (int)strlen(text) * v->g.char_w, v->g.line_h, 0x7FB3E6);
        gfx_text(&v->g, x0, y, 0x000000, text);
        x0 += (int)strlen(text) * v->g.char_w + 2;
        snprintf(text, sizeof text, " offset %X (%ub) ", off, ob);
        gfx_fill(&v->g, x0, y, (int)strlen(text) * v->g.char_w, v->g.line_h, 0xD0D0D0);
        gfx_text(&v->g, x0, y, 0x000000, text);
        gfx_textf(&v->g, r.x + 6, line_y(v, r, line++), C_DIM, "last access: %s at pc %X, descriptor %s",
                  access_name[x->access], x->pc, x->walk_steps ? "read from the table" : "from the cache");
        if (used) {
            const bool down = used->flags & SEG_DOWN;
            const uint64_t span = 1ull << ob, lo = down ? (used->limit < span ? span - used->limit : 0) : 0;
            const uint64_t hi = down ? span : used->limit;
            const bool inside = off >= lo && off < hi;
            gfx_textf(&v->g, r.x + 6, line_y(v, r, line++), inside ? C_OK : C_BAD, "bound check: %X <= %X < %X  %s",
                      (uint32_t)lo, off, (uint32_t)hi, inside ? "ok" : "segment bound fault");
            gfx_textf(&v->g, r.x + 6, line_y(v, r, line++), C_TITLE, "= base %08X + %X = physical %08X", used->base,
                      (uint32_t)(off - lo), x->paddr);
        } else if (segno >= m->mmu.stlr)
            gfx_textf(&v->g, r.x + 6, line_y(v, r, line++), C_BAD, "segment %X >= STLR %u: segment bound fault",
                      segno, m->mmu.stlr);
    }
    gfx_text(&v->g, r.x + 6, line_y(v, r, ++line), C_DIM, "seg  base      limit   flags");
    for (int i = 0; i < m->nseg_rows && line_y(v, r, line + 2) <= r.y + r.h; i++) {
        const seg_row_t *row = &m->seg_rows[i];
        char flags[7];
        seg_flags_text(row->flags, flags);
        int y = line_y(v, r, ++line);
        if (row->looked_up)
            gfx_fill(&v->g, r.x + 2, y, r.w - 4, v->g.line_h, C_SET);
        gfx_textf(&v->g, r.x + 6, y, C_TEXT, "%3X  %08X  %6X  %s", row->segno, row->base, row->limit, flags);
    }
}

/* The virtual address as boxes: one per level index, then the offset. */
static void draw_va_split(view_t *v, rect_t r, int y, uint32_t va)
{
    const paging_geometry_t *g = &v->model.geo;
    int x = r.x + 6;
    static const uint32_t level_colour[] = {0x7FB3E6, 0xA5D67F, 0xE6C27F};
    for (uint32_t l = 0; l < g->levels; l++) {
        char text[40];
        snprintf(text, sizeof text, " L%u %X (%ub) ", l, paging_index(g, va, l), g->index_bits[l]);
        int w = (int)strlen(text) * v->g.char_w;
        gfx_fill(&v->g, x, y, w, v->g.line_h, level_colour[l]);
        gfx_text(&v->g, x, y, 0x000000, text);
        x += w + 2;
    }
    char text[40];
    snprintf(text, sizeof text, " offset %X (%ub) ", paging_offset(g, va), g->page_shift);
    gfx_fill(&v->g, x, y, (int)strlen(text) * v->g.char_w, v->g.line_h, 0xD0D0D0);
    gfx_text(&v->g, x, y, 0x000000, text);
}

static void pte_text(pte_t pte, char *buf, size_t len)
{
    const char letters[] = "VRWXUGAD";
    char bits[9];
    for (int b = 0; b < 8; b++)
        bits[b] = (pte.v >> b) & 1 ? letters[b] : '-';
    bits[8] = '\0';
    snprintf(buf, len, "%s ppn %05X", bits, pte_ppn(pte));
}

static void draw_paged(view_t *v, rect_t r, int line)
{
    const model_t *m = &v->model;
    const xlate_view_t *x = &m->last;
    gfx_textf(&v->g, r.x + 6, line_y(v, r, line++), C_TEXT, "ptbr %08X  asid %u  %u level%s", m->mmu.ptbr,
              m->mmu.asid, m->geo.levels, m->geo.levels > 1 ? "s" : "");
    uint32_t va = x->valid ? x->vaddr : m->cpu.pc;
    bool fault = x->trapped && x->cause != TRAP_SYSCALL && x->cause != TRAP_HALT;
    if (x->valid && fault)
        gfx_textf(&v->g, r.x + 6, line_y(v, r, line++), C_BAD, "%s %08X -> fault (%s)  TLB %s", access_name[x->access],
                  x->vaddr, trap_name[x->cause], x->tlb_hit ? "hit" : "miss");
    else if (x->valid)
        gfx_textf(&v->g, r.x + 6, line_y(v, r, line++), x->tlb_hit ? C_OK : C_WARN, "%s %08X -> %08X  TLB %s",
                  access_name[x->access], x->vaddr, x->paddr, x->tlb_hit ? "hit" : "miss");
    draw_va_split(v, r, line_y(v, r, line++), va);
    char text[80];
    for (int i = 0; i < m->npt_path; i++) {
        pte_text((pte_t){m->pt_path[i].pte}, text, sizeof text);
        gfx_textf(&v->g, r.x + 6, line_y(v, r, line++), C_TEXT, "L%d [%X] @%06X = %s", i, m->pt_path[i].index,
                  m->pt_path[i].pte_addr, text);
    }
    if (!m->npt_rows)
        return;
    gfx_textf(&v->g, r.x + 6, line_y(v, r, line++), C_DIM, "leaf table @%06X:  idx  VRWXUGAD", m->pt_table);
    for (int i = 0; i < m->npt_rows && line_y(v, r, line + 1) < r.y + r.h; i++, line++) {
        const pte_row_t *row = &m->pt_rows[i];
        int y = line_y(v, r, line);
        if (row->looked_up)
            gfx_fill(&v->g, r.x + 2, y, r.w - 4, v->g.line_h, C_SET);
        pte_text((pte_t){row->pte}, text, sizeof text);
        gfx_textf(&v->g, r.x + 6, y, row->pte ? C_TEXT : C_DIM, "  %06X  %4X  %s", row->pte_addr, row->index, text);
    }
}

static void draw_translation(view_t *v)
{
    const model_t *m = &v->model;
    rect_t r = v->xlate;
    static const char *const titles[OS_MODE_COUNT] = {
        "translation: none (bare machine, fence)", "translation: none (loader relocated)",
        "translation: base/limit registers", "translation: page table", "translation: segment table"};
    panel(v, r, titles[m->mode]);
    if (m->mode == OS_BARE)
        gfx_textf(&v->g, r.x + 6, line_y(v, r, 1), C_DIM, "user accesses at or above the fence %08X trap",
                  m->mmu.fence);
    if (!m->live && m->mode != OS_PAGED) {
        gfx_text(&v->g, r.x + 6, line_y(v, r, 0), C_DIM, "a trace holds no register values");
        return;
    }
    if (m->mode == OS_PAGED)
        draw_paged(v, r, 0);
    else if (m->mode == OS_HWRELOC)
        draw_reloc(v, r, 0);
    else if (m->mode == OS_SEG)
        draw_seg(v, r, 0);
    else if (m->last.valid)
        gfx_textf(&v->g, r.x + 6, line_y(v, r, 0), C_TEXT, "%s %08X: physical = logical", access_name[m->last.access],
                  m->last.vaddr);
    if (m->last.trapped) {
        bool benign = m->last.cause == TRAP_SYSCALL || m->last.cause == TRAP_HALT;
        char text[160];
        snprintf(text, sizeof text, "trap to the OS: %s", trap_desc[m->last.cause]);
        gfx_text_n(&v->g, r.x + 6, r.y + r.h - v->g.line_h - 4, benign ? C_WARN : C_BAD, text, max_chars(v, r));
    }
}

/* ---- region table ------------------------------------------------------- */

/* Protection as rwx letters. */
static void perm_text(uint32_t perm, char out[4])
{
    out[0] = perm & PTE_R ? 'r' : '-';
    out[1] = perm & PTE_W ? 'w' : '-';
    out[2] = perm & PTE_X ? 'x' : '-';
    out[3] = '\0';
}

/* The current process's region table (key g), like the seed's slide 40:
 * per region its addresses, kind, protection, shared/private and fixed/
 * variable size, and on a second line its support. */
static void draw_region_table(view_t *v)
{
    const model_t *m = &v->model;
    rect_t r = v->tlb;
    char title[96];
    snprintf(title, sizeof title, "regions of P%d: %d (g: back to the TLB)", m->regions_pid, m->nregions);
    panel(v, r, title);
    if (m->mode != OS_PAGED || !m->live) {
        gfx_text_n(&v->g, r.x + 6, line_y(v, r, 0), C_DIM,
                   m->live ? "region tables exist in paged mode only" : "a trace does not record region tables",
                   max_chars(v, r));
        return;
    }
    gfx_text_n(&v->g, r.x + 6, line_y(v, r, 0), C_DIM, "region        start-end         prot use     size",
               max_chars(v, r));
    int line = 1;
    for (int i = 0; i < m->nregions && line_y(v, r, line + 2) <= r.y + r.h; i++) {
        const region_row_t *row = &m->regions[i];
        char prot[4];
        perm_text(row->r.perm, prot);
        span_t sample = {.owner = m->regions_pid, .region = model_region_of_kind(row->r.kind)};
        gfx_fill(&v->g, r.x + 6, line_y(v, r, line) + 3, 8, 8, view_span_colour(&sample));
        gfx_textf(&v->g, r.x + 18, line_y(v, r, line++), C_TEXT, "%-12.12s %05X-%05X %s  %-7s %s",
                  region_kind_name[row->r.kind], row->r.start, row->r.end, prot, row->use, row->size);
        gfx_text_n(&v->g, r.x + 30, line_y(v, r, line++), C_DIM, row->support, max_chars(v, r) - 4);
    }
}

/* ---- TLB ---------------------------------------------------------------- */

static void draw_tlb(view_t *v)
{
    const model_t *m = &v->model;
    rect_t r = v->tlb;
    if (v->show_regions) {
        draw_region_table(v);
        return;
    }
    char title[120];
    uint64_t looked = m->tlb_hits + m->tlb_misses;
    if (!m->live)
        snprintf(title, sizeof title, "TLB: %" PRIu64 " misses so far in the trace", m->tlb_misses);
    else if (m->mode == OS_SEG) /* the unit counts the descriptor cache as its TLB */
        snprintf(title, sizeof title, "segment-descriptor cache: %.1f%% hits, %" PRIu64 " misses",
                 looked ? 100.0 * (double)m->tlb_hits / (double)looked : 0.0, m->tlb_misses);
    else
        snprintf(title, sizeof title, "TLB %d entries, %u-way: %.1f%% hits, %" PRIu64 " misses", m->ntlb, m->tlb_ways,
                 looked ? 100.0 * (double)m->tlb_hits / (double)looked : 0.0, m->tlb_misses);
    panel(v, r, title);
    if (m->mode != OS_PAGED || !m->ntlb) {
        gfx_text_n(&v->g, r.x + 6, line_y(v, r, 0), C_DIM,
                   !m->live           ? "a trace does not record the TLB's contents"
                   : m->mode == OS_SEG ? "a miss reads the descriptor (2 words) from the segment table"
                                       : "the TLB is used in paged mode only",
                   max_chars(v, r));
        return;
    }
    gfx_text(&v->g, r.x + 6, line_y(v, r, 0), C_DIM, "  # asid vpn > ppn RWXUGAD age");
    int rows = (r.h - 2 * v->g.line_h - 8) / v->g.line_h, per_col = rows > 0 ? rows : 1;
    int col_w = 32 * v->g.char_w, cols = (r.w - 8) / col_w > 0 ? (r.w - 8) / col_w : 1;
    for (int i = 0; i < m->ntlb && i < per_col * cols; i++) {
        int x = r.x + 6 + (i / per_col) * col_w, y = line_y(v, r, 1 + i % per_col);
        uint32_t set = m->tlb_sets ? (uint32_t)i / m->tlb_ways : 0;
        if (i == m->tlb_slot_hit)
            gfx_fill(&v->g, x - 2, y, col_w - 4, v->g.line_h, m->last.tlb_hit ? C_HIT : C_MISS);
        else if ((int)set == m->tlb_set_looked_up)
            gfx_fill(&v->g, x - 2, y, col_w - 4, v->g.line_h, C_SET);
        char text[64];
        model_tlb_row_text(m, i, text, sizeof text);
        gfx_text(&v->g, x, y, m->tlb[i].valid ? C_TEXT : C_DIM, text);
    }
}

/* ---- CPU ---------------------------------------------------------------- */

static int draw_disassembly(view_t *v, rect_t r, int line)
{
    const model_t *m = &v->model;
    for (int i = 0; i < m->ndisasm; i++, line++) {
        bool at_pc = m->disasm_addr[i] == m->cpu.pc;
        int y = line_y(v, r, line);
        if (at_pc)
            gfx_fill(&v->g, r.x + 2, y, r.w - 4, v->g.line_h, C_SET);
        gfx_textf(&v->g, r.x + 6, y, at_pc ? C_TITLE : C_TEXT, "%s%6X  %s", at_pc ? ">" : " ", m->disasm_addr[i],
                  m->disasm_text[i]);
    }
    return line;
}

static int draw_registers(view_t *v, rect_t r, int line)
{
    const cpu_state_t *c = &v->model.cpu;
    int col = 15 * v->g.char_w, cols = (r.w - 12) / col > 0 ? (r.w - 12) / col : 1;
    for (int i = 0; i < ISA_NREGS; i++)
        gfx_textf(&v->g, r.x + 6 + (i % cols) * col, line_y(v, r, line + i / cols), C_TEXT, "R%-2d %08X", i, c->r[i]);
    line += (ISA_NREGS + cols - 1) / cols;
    gfx_textf(&v->g, r.x + 6, line_y(v, r, line++), C_TEXT, "PC  %08X  flags %c%c%c%c  %s", c->pc,
              c->flags & FLAG_Z ? 'Z' : '-', c->flags & FLAG_N ? 'N' : '-', c->flags & FLAG_C ? 'C' : '-',
              c->flags & FLAG_V ? 'V' : '-', c->priv == MODE_KERNEL ? "kernel" : "user");
    return line;
}

static int draw_counters(view_t *v, rect_t r, int line)
{
    const model_t *m = &v->model;
    uint64_t looked = m->tlb_hits + m->tlb_misses;
    gfx_textf(&v->g, r.x + 6, line_y(v, r, line++), C_TEXT, "cycles %-10" PRIu64 " instructions %" PRIu64, m->cycles,
              m->instructions);
    gfx_textf(&v->g, r.x + 6, line_y(v, r, line++), C_TEXT, "TLB hit rate %5.1f%%  walks %" PRIu64,
              looked ? 100.0 * (double)m->tlb_hits / (double)looked : 0.0, m->walks);
    gfx_textf(&v->g, r.x + 6, line_y(v, r, line++), C_TEXT, "faults %-4" PRIu64 " context switches %" PRIu64, m->faults,
              m->ctx_switches);
    return line;
}

/* Where the cycles went (obs/breakdown.h): one bar, a segment per part in
 * the table's order, and the three largest parts named. */
static const uint32_t part_colour[CYC_COUNT] = {0x4C9BE8, 0x3CB371, 0x9B7FE0, 0xE69F00, 0xD9D14A, 0xE5534B, 0xCC79A7,
                                                0xE8746A, 0x17BECF, 0x8A94A0, 0xF0E442, 0x56B4E9, 0x009E73, 0xB22222,
                                                0xA0522D, 0x444A55};

static int draw_breakdown(view_t *v, rect_t r, int line)
{
    const model_t *m = &v->model;
    if (!m->have_breakdown)
        return line;
    int64_t total = 0;
    for (int i = 0; i < CYC_COUNT; i++)
        total += m->breakdown[i] > 0 ? m->breakdown[i] : 0;
    int x = r.x + 6, w = r.w - 12, y = line_y(v, r, line) + 2, h = v->g.line_h - 4;
    gfx_frame(&v->g, x - 1, y - 1, w + 2, h + 2, C_EDGE);
    int64_t acc = 0;
    for (int i = 0; i < CYC_COUNT && total > 0; i++) {
        if (m->breakdown[i] <= 0)
            continue;
        int from = (int)(acc * w / total);
        acc += m->breakdown[i];
        gfx_fill(&v->g, x + from, y, (int)(acc * w / total) - from, h, part_colour[i]);
    }
    int top[3] = {-1, -1, -1};
    for (int i = 0; i < CYC_COUNT; i++)
        for (int k = 0; k < 3; k++)
            if (m->breakdown[i] > 0 && (top[k] < 0 || m->breakdown[i] > m->breakdown[top[k]])) {
                memmove(&top[k + 1], &top[k], (size_t)(2 - k) * sizeof top[0]);
                top[k] = i;
                break;
            }
    char text[160] = "";
    size_t used = 0;
    for (int k = 0; k < 3 && top[k] >= 0 && total > 0 && used < sizeof text; k++)
        used += (size_t)snprintf(text + used, sizeof text - used, "%s%s %.0f%%", k ? "  " : "",
                                 cycle_part_name[top[k]], 100.0 * (double)m->breakdown[top[k]] / (double)total);
    int lx = x;
    for (int k = 0; k < 3 && top[k] >= 0; k++) { /* a swatch before the names, in order */
        gfx_fill(&v->g, lx, line_y(v, r, line + 1) + 4, 8, 8, part_colour[top[k]]);
        lx += 10;
    }
    gfx_text_n(&v->g, lx + 2, line_y(v, r, line + 1), C_TEXT, text, max_chars(v, r) - 4);
    return line + 2;
}

static void draw_processes(view_t *v, rect_t r, int line)
{
    const model_t *m = &v->model;
    for (int i = 0; i < m->nprocs && line_y(v, r, line + 1) <= r.y + r.h; i++, line++) {
        const proc_view_t *p = &m->procs[i];
        int y = line_y(v, r, line);
        gfx_fill(&v->g, r.x + 6, y + 3, 10, 10, view_pid_colour(p->pid));
        char text[160];
        if (m->mode == OS_PAGED)
            snprintf(text, sizeof text, "P%d %-10.10s %-11s ptbr %X asid %u", p->pid, p->name, p->state, p->mmu.ptbr,
                     p->mmu.asid);
        else
            snprintf(text, sizeof text, "P%d %-10.10s %-11s base %X size %X", p->pid, p->name, p->state, p->base,
                     p->size);
        gfx_text_n(&v->g, r.x + 22, y, p->pid == m->current_pid ? C_TITLE : C_TEXT, text, max_chars(v, r) - 2);
    }
}

static void draw_cpu(view_t *v)
{
    const model_t *m = &v->model;
    rect_t r = v->cpu;
    char title[96];
    snprintf(title, sizeof title, "CPU: process %d", m->current_pid);
    panel(v, r, title);
    int line = 0;
    if (m->have_cpu) {
        line = draw_disassembly(v, r, line) + 1;
        line = draw_registers(v, r, line) + 1;
    } else {
        gfx_text(&v->g, r.x + 6, line_y(v, r, line++), C_DIM, m->live ? "no process dispatched yet" :
                                                                        "a trace holds no registers");
        line++;
    }
    line = draw_counters(v, r, line);
    line = draw_breakdown(v, r, line) + 1;
    gfx_text(&v->g, r.x + 6, line_y(v, r, line++), C_DIM, "processes");
    draw_processes(v, r, line);
}

/* ---- the whole frame ---------------------------------------------------- */

void view_draw(view_t *v)
{
    gfx_fill(&v->g, 0, 0, v->g.surface->w, v->g.surface->h, C_BG);
    draw_status(v);
    draw_memory(v);
    draw_translation(v);
    draw_tlb(v);
    draw_cpu(v);
    timeline_draw(v);
    if (v->help)
        draw_help(v);
    SDL_RenderPresent(v->g.r);
}

int view_span_at(const view_t *v, int x, int y)
{
    for (int i = 0; i < v->model.nspans; i++)
        if (v->span_rect[i].w && rect_holds(v->span_rect[i], x, y))
            return i;
    return -1;
}

bool view_open(view_t *v, int w, int h, const char *font, const machine_config_t *hw, char *err, size_t errlen)
{
    memset(v, 0, sizeof *v);
    v->selected_span = -1;
    timeline_reset(&v->tl);
    if (!model_init(&v->model, hw)) {
        snprintf(err, errlen, "out of host memory");
        return false;
    }
    v->span_rect = calloc((size_t)v->model.cap, sizeof *v->span_rect);
    if (!v->span_rect) {
        snprintf(err, errlen, "out of host memory");
        return false;
    }
    int point = h * 13 / 800; /* 13 points at 800 lines, readable at 800x500 */
    point = point < 11 ? 11 : point > 20 ? 20 : point;
    if (!gfx_open(&v->g, w, h, font, point, err, errlen))
        return false;
    view_layout(v);
    return true;
}

void view_close(view_t *v)
{
    gfx_close(&v->g);
    model_free(&v->model);
    free(v->span_rect);
    memset(v, 0, sizeof *v);
}

/* ---- description for tests ---------------------------------------------- */

/* A point inside the span's fill, clear of letters, marks and outlines. */
static bool probe_point(const view_t *v, int i, int *px, int *py)
{
    rect_t r = v->span_rect[i];
    if (r.w < 10 || r.h < 10)
        return false;
    *px = r.x + r.w / 2 + 2;
    *py = r.y + r.h / 2 + 2;
    if (v->model.mode == OS_PAGED) { /* below the marks, right of the TLB dot, inside the outline */
        *px = r.x + r.w / 2 + 3;
        *py = r.y + r.h - 5;
    }
    return true;
}

bool view_describe(const view_t *v, FILE *out)
{
    const model_t *m = &v->model;
    fprintf(out, "canvas %d %d\nmode %s\nnow %" PRIu64 "\n", v->g.surface->w, v->g.surface->h, os_mode_name[m->mode],
            m->now);
    for (int i = 0; i < m->nspans; i++) {
        const span_t *s = &m->spans[i];
        rect_t r = v->span_rect[i];
        int px = -1, py = -1;
        bool probe = probe_point(v, i, &px, &py);
        fprintf(out, "span %d start 0x%x size 0x%x owner %d region %s rect %d %d %d %d probe %d %d colour #%06X drawn #%06X\n",
                i, s->start, s->size, s->owner, model_region_name(m, s->region), r.x, r.y, r.w, r.h, px, py,
                view_span_colour(s), probe ? gfx_pixel(&v->g, px, py) : 0);
    }
    fprintf(out, "panel %s\n", v->show_regions ? "regions" : "tlb");
    for (int i = 0; i < m->nprocs; i++) {
        const proc_view_t *p = &m->procs[i];
        fprintf(out, "process %d state %s", p->pid, p->state);
        if (p->swapped)
            fprintf(out, " was 0x%x size 0x%x", p->swap_home, p->swap_bytes);
        fputc('\n', out);
    }
    fprintf(out, "lanes %d\n", v->tl.nlanes);
    for (int i = 0; i < m->nprocs; i++) {
        uint32_t largest;
        size_t n = timeline_ws_samples(m->events, m->procs[i].pid, &largest);
        if (n)
            fprintf(out, "ws %d samples %zu largest %u\n", m->procs[i].pid, n, largest);
    }
    for (int i = 0; i < m->nregions; i++) {
        const region_row_t *row = &m->regions[i];
        char prot[4];
        perm_text(row->r.perm, prot);
        fprintf(out, "region %d %-13s 0x%08x 0x%08x %-28s %-10s %-14s %s\n", m->regions_pid,
                region_kind_name[row->r.kind], row->r.start, row->r.end, row->support, prot, row->use, row->size);
    }
    fprintf(out, "explain %s\n", m->explanation);
    for (int i = 0; i < m->npolicy; i++)
        fprintf(out, "policy %s %d frame %u pid %d vpn 0x%x key %u flags %u\n", repl_policy_name[m->policy], i,
                m->policy_rows[i].frame, m->policy_rows[i].pid, m->policy_rows[i].vpn, m->policy_rows[i].key,
                m->policy_rows[i].flags);
    for (int i = 0; m->have_breakdown && i < CYC_COUNT; i++)
        fprintf(out, "breakdown %s %" PRId64 "\n", cycle_part_name[i], m->breakdown[i]);
    for (int i = 0; i < m->ntlb; i++) {
        const tlb_view_t *e = &m->tlb[i];
        fprintf(out, "tlb %d valid %d global %d asid %u vpn 0x%x ppn 0x%x perm 0x%02x dirty %u age %u\n", i, e->valid,
                e->global, e->asid, e->vpn, e->ppn, e->perm, e->dirty, e->age);
    }
    return !ferror(out);
}
