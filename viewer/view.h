/*
 * The viewer's screen: the layout of the panels, the timeline's zoom and
 * selection, and what was clicked, over a view model (model.h) and a canvas
 * (gfx.h).  view_draw paints one frame from the model alone; view_describe
 * writes where everything went (rectangles, colours, the TLB rows as drawn)
 * so a test can check the pixels against the model.
 */
#ifndef MMULAB_VIEWER_VIEW_H
#define MMULAB_VIEWER_VIEW_H

#include <stdbool.h>
#include <stdio.h>

#include "gfx.h"
#include "model.h"

typedef struct {
    int x, y, w, h;
} rect_t;

static inline bool rect_holds(rect_t r, int x, int y) { return x >= r.x && y >= r.y && x < r.x + r.w && y < r.y + r.h; }

typedef struct {
    double t0, t1;      /* the cycles shown                                  */
    bool fitted;        /* zoomed to the whole run (follows the playhead)    */
    int hover;          /* event index under the mouse, -1 none              */
    int selected;       /* event clicked, -1 none                             */
    rect_t area, lanes; /* the panel and its bar area                        */
    int lane_h;
    int nlanes;         /* 6 with the working-set lane, else 5               */
} timeline_t;

typedef struct {
    gfx_t g;
    model_t model;
    timeline_t tl;
    rect_t status, memory, xlate, tlb, cpu;
    rect_t *span_rect;  /* where each span was drawn (model.cap of them)   */
    int selected_span;  /* clicked frame or partition, -1 none             */
    bool help;
    bool show_regions;  /* key g: the region table where the TLB is      */
    char title[160];    /* programs and mode                               */
    char speed[32];     /* "20 cycles/frame"                               */
    bool running;
} view_t;

/* Canvas and model for a machine of shape hw; false with err set. */
bool view_open(view_t *v, int w, int h, const char *font, const machine_config_t *hw, char *err, size_t errlen);
void view_close(view_t *v);
/* Lay the panels out for the canvas's size (after open and on resize). */
void view_layout(view_t *v);
void view_draw(view_t *v);
bool view_describe(const view_t *v, FILE *out);

/* The span drawn at (x, y), or -1. */
int view_span_at(const view_t *v, int x, int y);

/* The colour a span is filled with (see docs/viewer.md, "Colours"). */
uint32_t view_span_colour(const span_t *s);
uint32_t view_pid_colour(int pid);

/* The timeline (timeline.c). */
void timeline_reset(timeline_t *tl);
void timeline_draw(view_t *v);
/* Mouse: zoom by `factor` around x; pan by dx pixels; hover; click. */
void timeline_zoom(timeline_t *tl, int x, double factor);
void timeline_pan(timeline_t *tl, int dx);
void timeline_hover(view_t *v, int x, int y);
void timeline_click(view_t *v, int x, int y);
/* Working-set samples (EV_WS_SAMPLE) of pid in the log (0: of everyone),
 * and the largest of them in pages. */
size_t timeline_ws_samples(const evlog_t *log, int pid, uint32_t *largest);
/* Describe an event in one line. */
void timeline_event_text(const event_t *ev, char *buf, size_t len);

#endif
