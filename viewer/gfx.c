/*
 * The viewer's drawing layer over SDL2, SDL2_ttf and SDL2_image.  Every
 * frame is drawn by SDL's software renderer into one surface; text comes
 * from a glyph atlas built once from the font, so a string costs one copy per
 * character and the output is the same bytes every time for the same input.
 */
#include "gfx.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <SDL_image.h>

enum { GLYPH_FIRST = 32, GLYPH_LAST = 126, GLYPH_COUNT = GLYPH_LAST - GLYPH_FIRST + 1 };

bool gfx_init_libraries(bool video, char *err, size_t errlen)
{
    if (SDL_Init(video ? SDL_INIT_VIDEO : 0) != 0) {
        snprintf(err, errlen, "SDL could not start: %s", SDL_GetError());
        return false;
    }
    if (TTF_Init() != 0) {
        snprintf(err, errlen, "SDL_ttf could not start: %s", TTF_GetError());
        SDL_Quit();
        return false;
    }
    if (!(IMG_Init(IMG_INIT_PNG) & IMG_INIT_PNG)) {
        snprintf(err, errlen, "SDL_image has no PNG support: %s", IMG_GetError());
        TTF_Quit();
        SDL_Quit();
        return false;
    }
    return true;
}

void gfx_quit_libraries(void)
{
    IMG_Quit();
    TTF_Quit();
    SDL_Quit();
}

/* Render each printable ASCII glyph, white on transparent, into one row. */
static bool build_atlas(gfx_t *g, char *err, size_t errlen)
{
    int advance = 0;
    if (TTF_GlyphMetrics(g->font, 'M', NULL, NULL, NULL, NULL, &advance) != 0 || advance <= 0) {
        snprintf(err, errlen, "the font has no glyph for 'M': %s", TTF_GetError());
        return false;
    }
    g->char_w = advance;
    g->line_h = TTF_FontLineSkip(g->font);
    SDL_Surface *atlas = SDL_CreateRGBSurfaceWithFormat(0, g->char_w * GLYPH_COUNT, g->line_h, 32,
                                                        SDL_PIXELFORMAT_ARGB8888);
    if (!atlas) {
        snprintf(err, errlen, "out of memory for the glyph atlas: %s", SDL_GetError());
        return false;
    }
    SDL_FillRect(atlas, NULL, 0);
    SDL_Color white = {255, 255, 255, 255};
    for (int c = GLYPH_FIRST; c <= GLYPH_LAST; c++) {
        SDL_Surface *glyph = TTF_RenderGlyph_Blended(g->font, (Uint16)c, white);
        if (!glyph)
            continue;
        SDL_SetSurfaceBlendMode(glyph, SDL_BLENDMODE_NONE);
        SDL_Rect to = {(c - GLYPH_FIRST) * g->char_w, 0, g->char_w, g->line_h};
        SDL_BlitSurface(glyph, NULL, atlas, &to);
        SDL_FreeSurface(glyph);
    }
    g->glyphs = SDL_CreateTextureFromSurface(g->r, atlas);
    SDL_FreeSurface(atlas);
    if (!g->glyphs) {
        snprintf(err, errlen, "cannot make the glyph texture: %s", SDL_GetError());
        return false;
    }
    SDL_SetTextureBlendMode(g->glyphs, SDL_BLENDMODE_BLEND);
    return true;
}

static bool make_canvas(gfx_t *g, int w, int h, char *err, size_t errlen)
{
    g->surface = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_XRGB8888);
    if (!g->surface || !(g->r = SDL_CreateSoftwareRenderer(g->surface))) {
        snprintf(err, errlen, "cannot make a %dx%d canvas: %s", w, h, SDL_GetError());
        return false;
    }
    return true;
}

bool gfx_open(gfx_t *g, int w, int h, const char *font_path, int point_size, char *err, size_t errlen)
{
    memset(g, 0, sizeof *g);
    FILE *probe = fopen(font_path, "rb");
    if (!probe) {
        snprintf(err, errlen,
                 "font %s not found (install fonts-dejavu-core, or give one with --font PATH)", font_path);
        return false;
    }
    fclose(probe);
    if (!(g->font = TTF_OpenFont(font_path, point_size))) {
        snprintf(err, errlen, "font %s cannot be used: %s", font_path, TTF_GetError());
        return false;
    }
    TTF_SetFontHinting(g->font, TTF_HINTING_MONO);
    if (!make_canvas(g, w, h, err, errlen) || !build_atlas(g, err, errlen)) {
        gfx_close(g);
        return false;
    }
    return true;
}

void gfx_close(gfx_t *g)
{
    if (g->glyphs)
        SDL_DestroyTexture(g->glyphs);
    if (g->r)
        SDL_DestroyRenderer(g->r);
    if (g->surface)
        SDL_FreeSurface(g->surface);
    if (g->font)
        TTF_CloseFont(g->font);
    memset(g, 0, sizeof *g);
}

bool gfx_resize(gfx_t *g, int w, int h, char *err, size_t errlen)
{
    SDL_DestroyTexture(g->glyphs);
    SDL_DestroyRenderer(g->r);
    SDL_FreeSurface(g->surface);
    g->glyphs = NULL;
    g->r = NULL;
    g->surface = NULL;
    return make_canvas(g, w, h, err, errlen) && build_atlas(g, err, errlen);
}

static void set_colour(gfx_t *g, uint32_t rgb)
{
    SDL_SetRenderDrawColor(g->r, (Uint8)(rgb >> 16), (Uint8)(rgb >> 8), (Uint8)rgb, 255);
}

void gfx_fill(gfx_t *g, int x, int y, int w, int h, uint32_t rgb)
{
    if (w <= 0 || h <= 0)
        return;
    set_colour(g, rgb);
    SDL_RenderFillRect(g->r, &(SDL_Rect){x, y, w, h});
}

void gfx_frame(gfx_t *g, int x, int y, int w, int h, uint32_t rgb)
{
    if (w <= 0 || h <= 0)
        return;
    set_colour(g, rgb);
    SDL_RenderDrawRect(g->r, &(SDL_Rect){x, y, w, h});
}

void gfx_line(gfx_t *g, int x0, int y0, int x1, int y1, uint32_t rgb)
{
    set_colour(g, rgb);
    SDL_RenderDrawLine(g->r, x0, y0, x1, y1);
}

int gfx_text_n(gfx_t *g, int x, int y, uint32_t rgb, const char *text, int max_chars)
{
    SDL_SetTextureColorMod(g->glyphs, (Uint8)(rgb >> 16), (Uint8)(rgb >> 8), (Uint8)rgb);
    int n = 0;
    for (const unsigned char *p = (const unsigned char *)text; *p && n < max_chars; p++, n++) {
        int c = *p >= GLYPH_FIRST && *p <= GLYPH_LAST ? *p : '?';
        if (c == ' ')
            continue;
        SDL_Rect from = {(c - GLYPH_FIRST) * g->char_w, 0, g->char_w, g->line_h};
        SDL_Rect to = {x + n * g->char_w, y, g->char_w, g->line_h};
        SDL_RenderCopy(g->r, g->glyphs, &from, &to);
    }
    return n * g->char_w;
}

int gfx_text(gfx_t *g, int x, int y, uint32_t rgb, const char *text) { return gfx_text_n(g, x, y, rgb, text, 1 << 20); }

int gfx_textf(gfx_t *g, int x, int y, uint32_t rgb, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return gfx_text(g, x, y, rgb, buf);
}

uint32_t gfx_mix(uint32_t a, uint32_t b, int t)
{
    uint32_t out = 0;
    for (int shift = 0; shift <= 16; shift += 8) {
        int ca = (int)((a >> shift) & 255), cb = (int)((b >> shift) & 255);
        out |= (uint32_t)((ca * (256 - t) + cb * t) >> 8) << shift;
    }
    return out;
}

uint32_t gfx_pixel(const gfx_t *g, int x, int y)
{
    if (x < 0 || y < 0 || x >= g->surface->w || y >= g->surface->h)
        return 0;
    const uint8_t *row = (const uint8_t *)g->surface->pixels + (size_t)y * (size_t)g->surface->pitch;
    uint32_t v;
    memcpy(&v, row + 4 * x, 4);
    return v & 0xFFFFFF;
}

bool gfx_save_png(gfx_t *g, const char *path, char *err, size_t errlen)
{
    if (IMG_SavePNG(g->surface, path) != 0) {
        snprintf(err, errlen, "cannot write %s: %s", path, IMG_GetError());
        return false;
    }
    return true;
}
