/*
 * The timeline: the run's events as bars on lanes against cycles.  Lanes:
 * which process runs; TLB misses with their walk level by level; page faults
 * as their parts (the trap, the handler, the disk transfer, evictions);
 * other OS work (loads, system calls, traps); context switches, swaps and
 * moves; and, when the run samples working sets (--ws-window), each
 * process's working-set size as a step line.  The wheel zooms around the pointer, a drag pans, hovering shows an
 * event's details and a click keeps them.
 */
#include "view.h"

#include <inttypes.h>
#include <math.h>
#include <string.h>

/* LANE_WS, last, is there only when the events hold working-set samples. */
enum { LANE_PROC, LANE_TLB, LANE_FAULT, LANE_OS, LANE_SWITCH, LANE_WS, LANE_COUNT };
static const char *const lane_name[LANE_COUNT] = {"process", "TLB/walk", "faults", "OS", "switch/swap", "working set"};

static int lane_of(ev_kind_t k)
{
    switch (k) {
    case EV_TLB_MISS: case EV_AD_REWALK: case EV_WALK_STEP: case EV_PTE_WRITEBACK: case EV_TLB_FLUSH:
        return LANE_TLB;
    case EV_PAGE_FAULT: case EV_FAULT_HANDLER: case EV_DISK_READ: case EV_DISK_WRITE: case EV_EVICT:
    case EV_PROC_KILL:
        return LANE_FAULT;
    case EV_CTX_SWITCH: case EV_SWAP_OUT: case EV_SWAP_IN: case EV_MOVE:
        return LANE_SWITCH;
    case EV_WS_SAMPLE:
        return LANE_WS;
    default:
        return LANE_OS;
    }
}

static uint32_t event_colour(const event_t *ev)
{
    static const uint32_t walk_level[3] = {0x7FB3E6, 0xA5D67F, 0xE6C27F};
    switch (ev->kind) {
    case EV_TLB_MISS: return 0xB04A4A;
    case EV_AD_REWALK: return 0xC08A4A;
    case EV_WALK_STEP: return walk_level[ev->a < 3 ? ev->a : 2];
    case EV_PTE_WRITEBACK: return 0xE0E0E0;
    case EV_PAGE_FAULT: return 0xE5534B;
    case EV_FAULT_HANDLER: return 0xF2B33D;
    case EV_DISK_READ: return 0x8E6CE0;
    case EV_DISK_WRITE: return 0xC06CE0;
    case EV_TRAP: return 0xE5534B;
    case EV_PROC_KILL: return 0xB03030;
    case EV_EVICT: return 0xE08080;
    case EV_CTX_SWITCH: return 0x36E0F0;
    case EV_SWAP_OUT: case EV_SWAP_IN: return 0x8E6CE0;
    case EV_LOAD: case EV_RELOCATE: return 0x58C46A;
    case EV_SYSCALL: return 0xD9D14A;
    default: return 0xA0A8B0;
    }
}

void timeline_reset(timeline_t *tl)
{
    tl->t0 = 0;
    tl->t1 = 1000;
    tl->fitted = true;
    tl->hover = tl->selected = -1;
}

static double span_of(const timeline_t *tl) { return tl->t1 - tl->t0 > 1 ? tl->t1 - tl->t0 : 1; }
static int x_of(const timeline_t *tl, double t) { return tl->lanes.x + (int)((t - tl->t0) * tl->lanes.w / span_of(tl)); }
static double t_of(const timeline_t *tl, int x) { return tl->t0 + (double)(x - tl->lanes.x) * span_of(tl) / tl->lanes.w; }

void timeline_zoom(timeline_t *tl, int x, double factor)
{
    double t = t_of(tl, x), t0 = t - (t - tl->t0) * factor, t1 = t + (tl->t1 - t) * factor;
    if (t1 - t0 < 8)
        return;
    tl->t0 = t0 < 0 ? 0 : t0;
    tl->t1 = t1;
    tl->fitted = false;
}

void timeline_pan(timeline_t *tl, int dx)
{
    double dt = dx * span_of(tl) / (tl->lanes.w ? tl->lanes.w : 1);
    if (tl->t0 - dt < 0)
        dt = tl->t0;
    tl->t0 -= dt;
    tl->t1 -= dt;
    tl->fitted = false;
}

void timeline_event_text(const event_t *ev, char *buf, size_t len)
{
    const ev_info_t *info = &ev_info[ev->kind];
    int n = snprintf(buf, len, "%s at %" PRIu64, info->label, ev->cycle);
    if (ev->duration)
        n += snprintf(buf + n, len - (size_t)n, "+%" PRIu64, ev->duration);
    if (ev->pid)
        n += snprintf(buf + n, len - (size_t)n, " P%d", ev->pid);
    const uint32_t args[4] = {ev->a, ev->b, ev->c, ev->d};
    for (int i = 0; i < 4 && n > 0 && (size_t)n < len; i++)
        if (info->arg[i][0])
            n += snprintf(buf + n, len - (size_t)n, " %s=%s%" PRIX32, info->arg[i], args[i] > 9 ? "0x" : "", args[i]);
}

/* ---- lanes -------------------------------------------------------------- */

static int lane_y(const timeline_t *tl, int lane) { return tl->lanes.y + lane * tl->lane_h; }

static void draw_bar(view_t *v, double t, double dur, int lane, uint32_t colour, int inset)
{
    timeline_t *tl = &v->tl;
    int x0 = x_of(tl, t), x1 = x_of(tl, t + dur);
    if (x1 < tl->lanes.x || x0 > tl->lanes.x + tl->lanes.w)
        return;
    x0 = x0 < tl->lanes.x ? tl->lanes.x : x0;
    x1 = x1 > tl->lanes.x + tl->lanes.w ? tl->lanes.x + tl->lanes.w : x1;
    gfx_fill(&v->g, x0, lane_y(tl, lane) + 2 + inset, x1 - x0 > 2 ? x1 - x0 : 2, tl->lane_h - 4 - 2 * inset, colour);
}

/* Who runs when: from the last load to each switch or end. */
static void draw_process_lane(view_t *v)
{
    const evlog_t *log = v->model.events;
    int cur = 0;
    double start = 0;
    for (size_t i = 0; i < log->count; i++) {
        const event_t *ev = &log->ev[i];
        if (ev->kind == EV_PROC_START) {
            cur = cur ? cur : 1;
            start = (double)ev->cycle;
        } else if (ev->kind == EV_CTX_SWITCH || ev->kind == EV_PROC_EXIT || ev->kind == EV_PROC_KILL) {
            if (cur)
                draw_bar(v, start, (double)ev->cycle - start, LANE_PROC, view_pid_colour(cur), 3);
            cur = ev->kind == EV_CTX_SWITCH ? (int)ev->b : 0;
            start = (double)(ev->cycle + ev->duration);
        }
    }
    if (cur && (double)v->model.now > start)
        draw_bar(v, start, (double)v->model.now - start, LANE_PROC, view_pid_colour(cur), 3);
}

/* Events that contain others: a page fault (its trap, handler and disk
 * parts are events of their own) and a TLB miss or A/D re-walk (its walk steps). */
static bool is_container(ev_kind_t k) { return k == EV_PAGE_FAULT || k == EV_TLB_MISS || k == EV_AD_REWALK; }

static void draw_event_pass(view_t *v, bool containers)
{
    const evlog_t *log = v->model.events;
    for (size_t i = 0; i < log->count; i++) {
        const event_t *ev = &log->ev[i];
        if (ev->kind == EV_PROC_START || ev->kind == EV_PROC_EXIT || ev->kind == EV_WS_SAMPLE ||
            ev->kind == EV_RUNNING /* the process lane shows the slices */ || is_container(ev->kind) != containers)
            continue;
        int inset = ev->kind == EV_WALK_STEP || ev->kind == EV_PTE_WRITEBACK ? 3 : 0;
        draw_bar(v, (double)ev->cycle, (double)ev->duration, lane_of(ev->kind), event_colour(ev), inset);
        if ((int)i == v->tl.selected || (int)i == v->tl.hover) {
            int x = x_of(&v->tl, (double)ev->cycle), y = lane_y(&v->tl, lane_of(ev->kind));
            int w = x_of(&v->tl, (double)(ev->cycle + ev->duration)) - x;
            gfx_frame(&v->g, x - 1, y, (w > 2 ? w : 2) + 2, v->tl.lane_h, 0xFFFFFF);
        }
    }
}

/* Containers first, so their parts show on top of them. */
static void draw_events(view_t *v)
{
    draw_event_pass(v, true);
    draw_event_pass(v, false);
}

/* ---- working sets ------------------------------------------------------- */

size_t timeline_ws_samples(const evlog_t *log, int pid, uint32_t *largest)
{
    size_t n = 0;
    *largest = 0;
    for (size_t i = 0; log && i < log->count; i++) {
        const event_t *ev = &log->ev[i];
        if (ev->kind != EV_WS_SAMPLE || (pid && ev->pid != pid))
            continue;
        n++;
        *largest = ev->a > *largest ? ev->a : *largest;
    }
    return n;
}

/* The lane's scale: the largest sample of anyone, at least 1; 0 if there
 * is no sample (and no lane). */
static uint32_t ws_scale(const evlog_t *log)
{
    uint32_t largest;
    size_t n = timeline_ws_samples(log, 0, &largest);
    return n ? (largest ? largest : 1) : 0;
}

/* The cycle the sample at index i holds until: pid's next sample, else now. */
static double ws_sample_end(const evlog_t *log, size_t i, double now)
{
    for (size_t k = i + 1; k < log->count; k++)
        if (log->ev[k].kind == EV_WS_SAMPLE && log->ev[k].pid == log->ev[i].pid)
            return (double)log->ev[k].cycle;
    return now;
}

/* Each process's working set as a step line, 0 at the lane's bottom and
 * the largest sample at its top; the lane's name says that largest. */
static void draw_ws_lane(view_t *v)
{
    const evlog_t *log = v->model.events;
    timeline_t *tl = &v->tl;
    uint32_t largest = ws_scale(log);
    int top = lane_y(tl, LANE_WS) + 3, h = tl->lane_h - 8;
    char scale[32];
    snprintf(scale, sizeof scale, "top %u pages", largest);
    gfx_text(&v->g, tl->lanes.x + tl->lanes.w - (int)strlen(scale) * v->g.char_w - 4, lane_y(tl, LANE_WS), 0x8A94A0,
             scale);
    for (size_t i = 0; i < log->count; i++) {
        const event_t *ev = &log->ev[i];
        if (ev->kind != EV_WS_SAMPLE)
            continue;
        int x0 = x_of(tl, (double)ev->cycle), x1 = x_of(tl, ws_sample_end(log, i, (double)v->model.now));
        x0 = x0 < tl->lanes.x ? tl->lanes.x : x0;
        x1 = x1 > tl->lanes.x + tl->lanes.w ? tl->lanes.x + tl->lanes.w : x1;
        if (x1 < x0)
            continue;
        int y = top + h - (int)((uint64_t)ev->a * (uint64_t)h / largest);
        gfx_fill(&v->g, x0, y, x1 - x0 + 1, 2, view_pid_colour(ev->pid));
        if ((int)i == tl->selected || (int)i == tl->hover)
            gfx_frame(&v->g, x0 - 2, y - 2, 5, 6, 0xFFFFFF);
    }
}

/* A tick every 1, 2 or 5 times a power of ten cycles, about 8 across. */
static void draw_axis(view_t *v)
{
    timeline_t *tl = &v->tl;
    double raw = span_of(tl) / 8, step = pow(10, floor(log10(raw)));
    step *= raw / step >= 5 ? 5 : raw / step >= 2 ? 2 : 1;
    int y = tl->lanes.y + tl->nlanes * tl->lane_h;
    for (double t = ceil(tl->t0 / step) * step; t <= tl->t1; t += step) {
        int x = x_of(tl, t);
        gfx_line(&v->g, x, tl->lanes.y, x, y + 3, 0x2A3038);
        if (step >= 1e6)
            gfx_textf(&v->g, x + 2, y + 2, 0x8A94A0, "%gM", t / 1e6);
        else if (step >= 1e4)
            gfx_textf(&v->g, x + 2, y + 2, 0x8A94A0, "%gK", t / 1e3);
        else
            gfx_textf(&v->g, x + 2, y + 2, 0x8A94A0, "%.0f", t);
    }
}

static void fit(view_t *v)
{
    timeline_t *tl = &v->tl;
    double end = (double)v->model.now;
    const evlog_t *log = v->model.events;
    if (!v->model.live && log->count)
        end = (double)(log->ev[log->count - 1].cycle + log->ev[log->count - 1].duration);
    tl->t0 = 0;
    tl->t1 = (end > 100 ? end : 100) * 1.04;
}

/* The explanation (obs/explain.c) of the event shown, or of the last one,
 * wrapped onto two lines. */
static void draw_sentence(view_t *v, int x, int y, int chars)
{
    const char *text = v->model.explanation;
    if (chars <= 0 || !*text)
        return;
    size_t len = strlen(text);
    int first = (int)len <= chars ? (int)len : chars;
    for (int k = first; (size_t)first < len && k > chars / 2; k--)
        if (text[k] == ' ') { /* break at a space */
            first = k;
            break;
        }
    gfx_text_n(&v->g, x, y, 0xF0E442, text, first);
    if ((size_t)first < len)
        gfx_text_n(&v->g, x, y + v->g.line_h, 0xF0E442, text + first + (text[first] == ' '), chars);
}

void timeline_draw(view_t *v)
{
    timeline_t *tl = &v->tl;
    rect_t r = tl->area;
    int lh = v->g.line_h, name_w = 12 * v->g.char_w;
    gfx_fill(&v->g, r.x, r.y, r.w, r.h, 0x1C2026);
    gfx_frame(&v->g, r.x, r.y, r.w, r.h, 0x3A414B);
    tl->lanes = (rect_t){r.x + name_w, r.y + lh + 6, r.w - name_w - 8, 0};
    tl->nlanes = ws_scale(v->model.events) ? LANE_COUNT : LANE_WS;
    tl->lanes.y += 2 * lh; /* two lines for the sentence */
    tl->lane_h = (r.h - 4 * lh - 12) / tl->nlanes;
    tl->lanes.h = tl->lane_h * tl->nlanes;
    if (tl->fitted)
        fit(v);
    const evlog_t *log = v->model.events;
    int shown = tl->hover >= 0 ? tl->hover : tl->selected;
    char text[200] = "timeline (cycles): wheel zooms, drag pans, f fits; hover or click a bar";
    if (shown >= 0 && (size_t)shown < log->count)
        timeline_event_text(&log->ev[shown], text, sizeof text);
    gfx_text_n(&v->g, r.x + 6, r.y + 2, shown >= 0 ? 0xFFFFFF : 0xD8DEE6, text, (r.w - 12) / v->g.char_w);
    if (shown >= 0 && (size_t)shown < log->count)
        model_explain(&v->model, log, (size_t)shown);
    draw_sentence(v, r.x + 6, r.y + 2 + lh, (r.w - 12) / v->g.char_w);
    for (int l = 0; l < tl->nlanes; l++) {
        gfx_fill(&v->g, tl->lanes.x, lane_y(tl, l), tl->lanes.w, tl->lane_h - 1, l % 2 ? 0x1F242A : 0x22272E);
        gfx_text(&v->g, r.x + 6, lane_y(tl, l) + (tl->lane_h - lh) / 2, 0x8A94A0, lane_name[l]);
    }
    draw_axis(v);
    draw_process_lane(v);
    draw_events(v);
    if (tl->nlanes > LANE_WS)
        draw_ws_lane(v);
    int x = x_of(tl, (double)v->model.now);
    if (x >= tl->lanes.x && x <= tl->lanes.x + tl->lanes.w)
        gfx_fill(&v->g, x, tl->lanes.y - 2, 2, tl->lanes.h + 4, 0xFFFFFF);
}

/* The event whose bar is under (x, y), the shortest if several. */
static int event_at(const view_t *v, int x, int y)
{
    const timeline_t *tl = &v->tl;
    if (!rect_holds(tl->lanes, x, y) || !v->model.events)
        return -1;
    int lane = (y - tl->lanes.y) / (tl->lane_h ? tl->lane_h : 1), best = -1;
    uint64_t best_dur = UINT64_MAX;
    const evlog_t *log = v->model.events;
    for (size_t i = 0; i < log->count; i++) {
        const event_t *ev = &log->ev[i];
        if (lane_of(ev->kind) != lane || ev->kind == EV_PROC_START || ev->kind == EV_PROC_EXIT)
            continue;
        int x0 = x_of(tl, (double)ev->cycle), x1 = x_of(tl, (double)(ev->cycle + ev->duration));
        if (x >= x0 - 2 && x <= (x1 > x0 + 2 ? x1 : x0 + 2) && ev->duration <= best_dur) {
            best = (int)i;
            best_dur = ev->duration;
        }
    }
    return best;
}

void timeline_hover(view_t *v, int x, int y) { v->tl.hover = event_at(v, x, y); }
void timeline_click(view_t *v, int x, int y) { v->tl.selected = event_at(v, x, y); }
