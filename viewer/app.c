/*
 * The live window and the headless render.  Both draw the same view into
 * the same software canvas: headless saves it with SDL2_image, live blits
 * it to the window's surface.  Keys: space run/pause, n step, e run to the
 * next event, + and - speed, r reset, f fit the timeline, p screenshot,
 * h help, q or Escape quit (status 0).  The wheel zooms the timeline around
 * the pointer, a drag pans it, a click selects an event or a frame.
 */
#include "app.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "source.h"
#include "view.h"

/* Cycles per frame while running. */
static const uint64_t speeds[] = {1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 5000, 20000, 100000, 1000000};
enum { SPEED_COUNT = sizeof speeds / sizeof speeds[0], SPEED_DEFAULT = 4 };

typedef struct {
    const viewer_options_t *opt;
    source_t src;
    view_t view;
    SDL_Window *window;
    int speed;
    bool quit, dirty, dragging;
    int drag_x, press_x, press_y;
} app_t;

static void build_title(view_t *v, const viewer_options_t *o, const source_t *src)
{
    int n = 0;
    size_t room = sizeof v->title;
    if (o->replay)
        n += snprintf(v->title, room, "replay %s", o->replay);
    for (int i = 0; i < o->run.nprograms && (size_t)n < room; i++) {
        const char *slash = strrchr(o->run.programs[i], '/');
        n += snprintf(v->title + n, room - (size_t)n, "%s%s", i ? " " : "", slash ? slash + 1 : o->run.programs[i]);
    }
    if ((size_t)n < room && src->live)
        snprintf(v->title + n, room - (size_t)n, " (%s)", os_mode_name[src->opt.os.mode]);
}

/* Open the source and the view; false after printing why. */
static bool app_open(app_t *a, const viewer_options_t *o)
{
    memset(a, 0, sizeof *a);
    a->opt = o;
    a->speed = SPEED_DEFAULT;
    if (source_open(&a->src, &o->run, o->replay, stderr))
        return false;
    char err[512];
    const char *font = o->font ? o->font : GFX_DEFAULT_FONT;
    if (!view_open(&a->view, o->width, o->height, font, &o->run.hw, err, sizeof err)) {
        fprintf(stderr, "mmulab-view: %s\n", err);
        return false;
    }
    a->view.show_regions = o->show_regions;
    build_title(&a->view, o, &a->src);
    return true;
}

static void app_close(app_t *a)
{
    view_close(&a->view);
    source_close(&a->src);
    if (a->window)
        SDL_DestroyWindow(a->window);
}

static void refresh(app_t *a)
{
    source_fill(&a->src, &a->view.model);
    snprintf(a->view.speed, sizeof a->view.speed, "%" PRIu64 " cycle%s/frame", speeds[a->speed],
             speeds[a->speed] > 1 ? "s" : "");
    view_draw(&a->view);
}

static bool write_describe(app_t *a)
{
    FILE *f = fopen(a->opt->describe, "w");
    bool ok = f && view_describe(&a->view, f);
    if (f)
        ok = fclose(f) == 0 && ok;
    if (!ok)
        fprintf(stderr, "mmulab-view: cannot write %s\n", a->opt->describe);
    return ok;
}

int app_headless(const viewer_options_t *o)
{
    char err[512];
    if (!gfx_init_libraries(false, err, sizeof err)) {
        fprintf(stderr, "mmulab-view: %s\n", err);
        return 1;
    }
    app_t a;
    int status = 1;
    if (app_open(&a, o)) {
        bool moved = source_goto(&a.src, o->at_given ? o->at_cycle : UINT64_MAX);
        refresh(&a);
        if (!moved)
            fprintf(stderr, "mmulab-view: out of host memory while running\n");
        else if (o->describe && !write_describe(&a))
            status = 1;
        else if (!gfx_save_png(&a.view.g, o->png, err, sizeof err))
            fprintf(stderr, "mmulab-view: %s\n", err);
        else
            status = 0;
    }
    app_close(&a);
    gfx_quit_libraries();
    return status;
}

/* ---- live --------------------------------------------------------------- */

static void screenshot(app_t *a)
{
    char err[512];
    const char *path = a->opt->screenshot ? a->opt->screenshot : "mmulab-view.png";
    if (!gfx_save_png(&a->view.g, path, err, sizeof err))
        fprintf(stderr, "mmulab-view: %s\n", err);
}

static bool act(app_t *a, bool ok)
{
    if (!ok) {
        fprintf(stderr, "mmulab-view: out of host memory while running\n");
        a->quit = true;
    }
    a->dirty = true;
    return ok;
}

static void on_key(app_t *a, SDL_Keycode key)
{
    view_t *v = &a->view;
    switch (key) {
    case SDLK_q: case SDLK_ESCAPE: a->quit = true; break;
    case SDLK_SPACE: v->running = !v->running && !source_finished(&a->src); break;
    case SDLK_n: v->running = false; act(a, source_step(&a->src)); break;
    case SDLK_e: v->running = false; act(a, source_run_to_event(&a->src)); break;
    case SDLK_PLUS: case SDLK_EQUALS: case SDLK_KP_PLUS: a->speed += a->speed + 1 < SPEED_COUNT; break;
    case SDLK_MINUS: case SDLK_KP_MINUS: a->speed -= a->speed > 0; break;
    case SDLK_r: v->running = false; timeline_reset(&v->tl); act(a, source_reset(&a->src)); break;
    case SDLK_f: v->tl.fitted = true; break;
    case SDLK_h: v->help = !v->help; break;
    case SDLK_g: v->show_regions = !v->show_regions; break;
    case SDLK_p: screenshot(a); break;
    default: return;
    }
    a->dirty = true;
}

static void on_button(app_t *a, const SDL_MouseButtonEvent *b, bool down)
{
    view_t *v = &a->view;
    if (down && b->button == SDL_BUTTON_LEFT) {
        a->press_x = b->x;
        a->press_y = b->y;
        a->drag_x = b->x;
        a->dragging = rect_holds(v->tl.lanes, b->x, b->y);
        return;
    }
    if (down || b->button != SDL_BUTTON_LEFT)
        return;
    a->dragging = false;
    bool click = abs(b->x - a->press_x) < 4 && abs(b->y - a->press_y) < 4;
    if (click && rect_holds(v->tl.lanes, b->x, b->y))
        timeline_click(v, b->x, b->y);
    else if (click && rect_holds(v->memory, b->x, b->y))
        v->selected_span = view_span_at(v, b->x, b->y);
    a->dirty = true;
}

static void on_window(app_t *a, const SDL_WindowEvent *w)
{
    if (w->event != SDL_WINDOWEVENT_SIZE_CHANGED && w->event != SDL_WINDOWEVENT_EXPOSED)
        return;
    SDL_Surface *s = SDL_GetWindowSurface(a->window);
    if (s && (s->w != a->view.g.surface->w || s->h != a->view.g.surface->h) && s->w >= 400 && s->h >= 300) {
        char err[256];
        if (!gfx_resize(&a->view.g, s->w, s->h, err, sizeof err)) {
            fprintf(stderr, "mmulab-view: %s\n", err);
            a->quit = true;
            return;
        }
        view_layout(&a->view);
    }
    a->dirty = true;
}

static void on_event(app_t *a, const SDL_Event *e)
{
    view_t *v = &a->view;
    switch (e->type) {
    case SDL_QUIT: a->quit = true; break;
    case SDL_KEYDOWN: on_key(a, e->key.keysym.sym); break;
    case SDL_MOUSEBUTTONDOWN: on_button(a, &e->button, true); break;
    case SDL_MOUSEBUTTONUP: on_button(a, &e->button, false); break;
    case SDL_MOUSEMOTION:
        if (a->dragging) {
            timeline_pan(&v->tl, e->motion.x - a->drag_x);
            a->drag_x = e->motion.x;
        }
        timeline_hover(v, e->motion.x, e->motion.y);
        a->dirty = true;
        break;
    case SDL_MOUSEWHEEL: {
        int x, y;
        SDL_GetMouseState(&x, &y);
        if (rect_holds(v->tl.lanes, x, y) && e->wheel.y) {
            timeline_zoom(&v->tl, x, e->wheel.y > 0 ? 0.8 : 1.25);
            a->dirty = true;
        }
        break;
    }
    case SDL_WINDOWEVENT: on_window(a, &e->window); break;
    default: break;
    }
}

static void present(app_t *a)
{
    refresh(a);
    SDL_Surface *win = SDL_GetWindowSurface(a->window);
    if (win) {
        SDL_BlitSurface(a->view.g.surface, NULL, win, NULL);
        SDL_UpdateWindowSurface(a->window);
    }
    a->dirty = false;
}

static bool have_display(void)
{
    const char *x = getenv("DISPLAY"), *wl = getenv("WAYLAND_DISPLAY");
    return (x && *x) || (wl && *wl);
}

static void run_loop(app_t *a)
{
    view_t *v = &a->view;
    a->dirty = true;
    /* Polling, not SDL_WaitEventTimeout: a blocking wait arms SDL's X11
     * wake-up event, which another thread can send to the window while it is
     * being destroyed at quit (BadWindow, and Xlib exits with status 1). */
    while (!a->quit) {
        SDL_Event e;
        while (!a->quit && SDL_PollEvent(&e))
            on_event(a, &e);
        if (v->running && !a->quit) {
            act(a, source_advance(&a->src, speeds[a->speed]));
            v->running = !source_finished(&a->src);
        }
        if (a->dirty && !a->quit)
            present(a);
        SDL_Delay(v->running ? 15 : 25);
    }
}

int app_live(const viewer_options_t *o)
{
    if (!have_display()) {
        fprintf(stderr, "mmulab-view: no display: DISPLAY is not set, so the live viewer cannot open a window.\n"
                        "  For a picture without a display: mmulab-view prog.s --png FILE [--at-cycle N]\n");
        return 1;
    }
    char err[512];
    if (!gfx_init_libraries(true, err, sizeof err)) {
        fprintf(stderr, "mmulab-view: cannot open the display: %s\n", err);
        return 1;
    }
    app_t a;
    int status = 1;
    if (app_open(&a, o)) {
        char title[200];
        snprintf(title, sizeof title, "mmulab - %s", a.view.title);
        a.window = SDL_CreateWindow(title, SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, o->width, o->height,
                                    SDL_WINDOW_RESIZABLE);
        if (!a.window) {
            fprintf(stderr, "mmulab-view: cannot open a window: %s\n", SDL_GetError());
        } else {
            SDL_SetWindowMinimumSize(a.window, 800, 500);
            run_loop(&a);
            if (o->screenshot)
                screenshot(&a);
            status = 0;
        }
    }
    app_close(&a);
    gfx_quit_libraries();
    return status;
}
