/*
 * Drawing for the viewer: filled and outlined rectangles, lines and
 * monospaced text, on an SDL software renderer that draws into a surface.
 * The same surface is shown in the window (live) or saved as a PNG
 * (headless), so both are the same pixels.  Text uses one font (DejaVu Sans
 * Mono by default) rendered once per glyph into an atlas.
 */
#ifndef MMULAB_VIEWER_GFX_H
#define MMULAB_VIEWER_GFX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <SDL.h>
#include <SDL_ttf.h>

#define GFX_DEFAULT_FONT "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"

typedef struct {
    SDL_Surface *surface;   /* what is drawn: 32-bit XRGB                  */
    SDL_Renderer *r;        /* a software renderer into surface            */
    TTF_Font *font;
    SDL_Texture *glyphs;    /* printable ASCII, white, one cell per glyph   */
    int char_w, line_h;     /* cell size                                   */
} gfx_t;

/* Start SDL's libraries the viewer uses (video only when `video`). */
bool gfx_init_libraries(bool video, char *err, size_t errlen);
void gfx_quit_libraries(void);

/* A w x h canvas with the font at `font_path`.  false with a sentence in err. */
bool gfx_open(gfx_t *g, int w, int h, const char *font_path, int point_size, char *err, size_t errlen);
void gfx_close(gfx_t *g);
/* Resize the canvas (a resized window). */
bool gfx_resize(gfx_t *g, int w, int h, char *err, size_t errlen);

/* 0xRRGGBB colours. */
void gfx_fill(gfx_t *g, int x, int y, int w, int h, uint32_t rgb);
void gfx_frame(gfx_t *g, int x, int y, int w, int h, uint32_t rgb);
void gfx_line(gfx_t *g, int x0, int y0, int x1, int y1, uint32_t rgb);
/* Text at (x, y) (top left); returns its width in pixels. */
int gfx_text(gfx_t *g, int x, int y, uint32_t rgb, const char *text);
int gfx_textf(gfx_t *g, int x, int y, uint32_t rgb, const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Text clipped to max_chars characters. */
int gfx_text_n(gfx_t *g, int x, int y, uint32_t rgb, const char *text, int max_chars);

/* Mix two colours: t = 0 gives a, 256 gives b. */
uint32_t gfx_mix(uint32_t a, uint32_t b, int t);
/* The colour of the pixel at (x, y) of the canvas. */
uint32_t gfx_pixel(const gfx_t *g, int x, int y);

bool gfx_save_png(gfx_t *g, const char *path, char *err, size_t errlen);

#endif
