/*
 * The frame table of paged mode: one entry per physical frame saying what
 * it holds -- the resident OS (the low os_size bytes, as in every mode),
 * page tables (kernel frames, pinned, never replaced), a user page with the
 * mappings that reach it, or nothing.  Stats, tests and the viewer read it
 * through os_frame(); the pager keeps it current.
 *
 * A frame holds a count of its mappings and the first few (pid, vpn) owners,
 * so frames shared later (copy-on-write, shared memory) fit without a change
 * of shape.  A frame is shared by at most OS_FRAME_MAX_OWNERS mappings, so
 * its owner list is always complete (eviction must reach every PTE).
 *
 * Page tables: the walker finds a lower-level table at PPN << page_shift, so
 * every table below the root starts on a frame boundary and has its frames to
 * itself.  Roots are named by PTBR, a byte address, so roots smaller than a
 * page share a frame, each aligned to its size.  Tables larger than a page
 * take a run of contiguous frames.
 */
#include <stdlib.h>
#include <string.h>

#include "paging.h"

const char *const frame_kind_name[FRAME_KIND_COUNT] = {"free", "os", "page_table", "user"};

/* Set bits [first, end) of mask, a word at a time. */
static void mark_untouched(uint64_t *mask, uint32_t first, uint32_t end)
{
    for (uint32_t i = first; i < end && i % 64; i++)
        mask[i / 64] |= 1ull << (i % 64);
    for (uint32_t w = (first + 63) / 64; w < end / 64; w++)
        mask[w] = ~0ull;
    for (uint32_t i = end / 64 * 64 > first ? end / 64 * 64 : first; i < end; i++)
        mask[i / 64] |= 1ull << (i % 64);
}

bool frames_init(frames_t *ft, uint32_t mem_size, uint32_t page_shift, uint32_t os_size)
{
    memset(ft, 0, sizeof *ft);
    ft->page_shift = page_shift;
    ft->nframes = mem_size >> page_shift;
    ft->os_frames = (uint32_t)(((uint64_t)os_size + (1u << page_shift) - 1) >> page_shift);
    ft->f = calloc(ft->nframes ? ft->nframes : 1, sizeof *ft->f);
    ft->user_mask = calloc((ft->nframes + 63) / 64 + 1, sizeof *ft->user_mask);
    ft->untouched = calloc((ft->nframes + 63) / 64 + 1, sizeof *ft->untouched);
    if (!ft->f || !ft->user_mask || !ft->untouched) {
        frames_free_all(ft);
        return false;
    }
    for (uint32_t i = 0; i < ft->os_frames && i < ft->nframes; i++)
        ft->f[i].kind = FRAME_OS;
    mark_untouched(ft->untouched, ft->os_frames, ft->nframes); /* machine memory starts zeroed */
    ft->free_below = ft->os_frames < ft->nframes ? ft->os_frames : ft->nframes;
    return true;
}

void frames_free_all(frames_t *ft)
{
    free(ft->f);
    free(ft->user_mask);
    free(ft->untouched);
    memset(ft, 0, sizeof *ft);
}

uint32_t frames_find_free_run(const frames_t *ft, uint32_t n)
{
    uint32_t run = 0;
    for (uint32_t i = ft->free_below; i < ft->nframes; i++) {
        run = ft->f[i].kind == FRAME_FREE ? run + 1 : 0;
        if (run == n)
            return i + 1 - n;
    }
    return UINT32_MAX;
}

/* Keep free_below honest after frame stopped being free, and remember that
 * it may no longer hold zeros. */
static void skip_taken(frames_t *ft, uint32_t frame)
{
    ft->untouched[frame / 64] &= ~(1ull << (frame % 64));
    if (frame != ft->free_below)
        return;
    while (ft->free_below < ft->nframes && ft->f[ft->free_below].kind != FRAME_FREE)
        ft->free_below++;
}

void frames_set_user(frames_t *ft, uint32_t frame, int pid, uint32_t vpn, uint64_t now)
{
    os_frame_t *f = &ft->f[frame];
    if (f->kind != FRAME_USER)
        ft->user_frames++;
    else
        ft->saved -= f->mappings > 1 ? f->mappings - 1 : 0;
    *f = (os_frame_t){.kind = FRAME_USER, .mappings = 1, .loaded = now, .last_use = 0};
    f->owner[0] = (frame_owner_t){pid, vpn};
    ft->user_mask[frame / 64] |= 1ull << (frame % 64);
    skip_taken(ft, frame);
}

bool frames_add_owner(frames_t *ft, uint32_t frame, int pid, uint32_t vpn)
{
    os_frame_t *f = &ft->f[frame];
    if (f->kind != FRAME_USER || f->mappings >= OS_FRAME_MAX_OWNERS)
        return false;
    f->owner[f->mappings++] = (frame_owner_t){pid, vpn};
    if (++ft->saved > ft->peak_saved)
        ft->peak_saved = ft->saved;
    return true;
}

uint32_t frames_remove_owner(frames_t *ft, uint32_t frame, int pid, uint32_t vpn)
{
    os_frame_t *f = &ft->f[frame];
    for (uint32_t k = 0; k < f->mappings; k++)
        if (f->owner[k].pid == pid && f->owner[k].vpn == vpn) {
            f->owner[k] = f->owner[--f->mappings];
            ft->saved -= f->mappings > 0;
            break;
        }
    return f->mappings;
}

void frames_set_free(frames_t *ft, uint32_t frame)
{
    if (frame < ft->free_below)
        ft->free_below = frame;
    if (ft->f[frame].kind == FRAME_USER) {
        ft->user_frames--;
        ft->saved -= ft->f[frame].mappings > 1 ? ft->f[frame].mappings - 1 : 0;
    }
    ft->f[frame] = (os_frame_t){.kind = FRAME_FREE};
    ft->user_mask[frame / 64] &= ~(1ull << (frame % 64));
}

/* Make frames [first, first + n) page-table frames. */
static void claim_for_tables(frames_t *ft, uint32_t first, uint32_t n)
{
    for (uint32_t i = first; i < first + n; i++) {
        ft->f[i] = (os_frame_t){.kind = FRAME_PAGE_TABLE, .tables = 1};
        skip_taken(ft, i);
    }
    ft->table_frames += n;
}

/* Frames a table of `bytes` takes: none if it fits the shared root frame. */
static uint32_t table_new_frames(const frames_t *ft, uint32_t bytes, bool root_ok)
{
    const uint32_t page = 1u << ft->page_shift;
    if (root_ok && bytes < page)
        return ft->root_frame && ft->root_used + bytes <= page ? 0 : 1;
    return (bytes + page - 1) / page;
}

bool frames_table_allowed(const frames_t *ft, uint32_t bytes, bool root_ok)
{
    uint32_t beside_os = ft->nframes > ft->os_frames ? ft->nframes - ft->os_frames : 0;
    return ft->table_frames + table_new_frames(ft, bytes, root_ok) <= beside_os / 2;
}

uint32_t frames_table_alloc(frames_t *ft, uint32_t bytes, bool root_ok)
{
    const uint32_t page = 1u << ft->page_shift;
    if (!frames_table_allowed(ft, bytes, root_ok))
        return 0;
    if (root_ok && bytes < page) {
        if (ft->root_frame && ft->root_used + bytes <= page) {
            uint32_t at = (ft->root_frame << ft->page_shift) + ft->root_used;
            ft->root_used += bytes; /* sizes are powers of two: stays aligned */
            ft->f[ft->root_frame].tables++;
            return at;
        }
        uint32_t frame = frames_find_free_run(ft, 1);
        if (frame == UINT32_MAX)
            return 0;
        claim_for_tables(ft, frame, 1);
        ft->root_frame = frame;
        ft->root_used = bytes;
        return frame << ft->page_shift;
    }
    uint32_t n = (bytes + page - 1) / page;
    uint32_t first = frames_find_free_run(ft, n);
    if (first == UINT32_MAX)
        return 0;
    claim_for_tables(ft, first, n);
    return first << ft->page_shift;
}

void frames_table_free(frames_t *ft, uint32_t paddr, uint32_t bytes)
{
    const uint32_t page = 1u << ft->page_shift;
    uint32_t first = paddr >> ft->page_shift;
    uint32_t n = bytes < page ? 1 : (bytes + page - 1) / page;
    for (uint32_t i = first; i < first + n; i++) {
        os_frame_t *f = &ft->f[i];
        if (f->kind != FRAME_PAGE_TABLE || !f->tables || --f->tables)
            continue;
        if (i == ft->root_frame)
            ft->root_frame = ft->root_used = 0;
        frames_set_free(ft, i);
        ft->table_frames--;
    }
}
