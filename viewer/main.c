/*
 * mmulab-view: the SDL2 viewer's command line.
 *
 *   mmulab-view prog.s [prog2.s ...] [the runner's options]      live window
 *   mmulab-view prog.s ... --png FILE [--at-cycle N]              headless PNG
 *   mmulab-view --replay trace.csv [--mode M --mem SIZE ...]      a recorded run
 *
 * The viewer's own option table comes first, then the runner's
 * (sim/options.c), so a program runs exactly as `mmulab run` runs it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"

/* --size WxH */
static bool set_size(void *target, const char *text, char *why, size_t len)
{
    viewer_options_t *o = target;
    char x;
    int w, h;
    if (sscanf(text, "%d%c%d", &w, &x, &h) == 3 && (x == 'x' || x == 'X') && w >= 800 && h >= 500 && w <= 8192 &&
        h <= 8192) {
        o->width = w;
        o->height = h;
        return true;
    }
    snprintf(why, len, "expected WxH from 800x500 to 8192x8192");
    return false;
}

static const char *const panels[] = {"tlb", "regions"};

#define ARG(f) OPT_AT(viewer_options_t, f)
static const opt_spec_t viewer_specs[] = {
    {"--replay", .kind = OPT_STRING, .value_name = "FILE", ARG(replay),
     .help = "play a CSV trace written by `mmulab run --trace FILE.csv`"},
    {"--png", .kind = OPT_STRING, .value_name = "FILE", ARG(png), .help = "render to a PNG without a display, then exit"},
    {"--at-cycle", .kind = OPT_NUMBER, .value_name = "N", ARG(at_cycle), OPT_GIVEN(viewer_options_t, at_given),
     .help = "... at cycle N (default: the end of the run)"},
    {"--font", .kind = OPT_STRING, .value_name = "PATH", ARG(font),
     .help = "a TrueType font (default /usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf)"},
    {"--size", .kind = OPT_CUSTOM, .value_name = "WxH", .hook = set_size,
     .help = "canvas size (default 1280x800, at least 800x500)"},
    {"--describe", .kind = OPT_STRING, .value_name = "FILE", ARG(describe),
     .help = "with --png: write where each frame/partition was drawn"},
    {"--screenshot", .kind = OPT_STRING, .value_name = "FILE", ARG(screenshot),
     .help = "live: where key p (and quitting) saves the window"},
    {"--panel", .kind = OPT_CHOICE, .value_name = "tlb|regions", ARG(show_regions), .choices = panels, .nchoices = 2,
     .help = "start with the TLB (default) or the region table (key g)"},
};
#undef ARG

static void usage(FILE *out, const opt_parser_t *p)
{
    fprintf(out, "usage: mmulab-view [viewer options] [runner options] prog.s ...\n"
                 "\n"
                 "Shows a run: physical memory, the translation, the TLB, the CPU and a\n"
                 "timeline of TLB misses, faults, switches and swaps.\n"
                 "\n"
                 "keys: space run/pause, n step, e next event, + - speed, r reset, f fit timeline,\n"
                 "      p screenshot, h help, q or Escape quit\n"
                 "\n");
    opt_help(p, out);
}

/* 0 go ahead, -1 help printed, else the exit status. */
static int parse(int argc, char **argv, viewer_options_t *o)
{
    memset(o, 0, sizeof *o);
    o->width = 1280;
    o->height = 800;
    run_options_defaults(&o->run);
    opt_table_t tables[] = {{.specs = viewer_specs, .n = OPT_COUNT(viewer_specs), .target = o, .heading = "viewer options:"},
                            run_options_table(&o->run)};
    tables[1].heading = "runner options:";
    opt_parser_t p = {.prog = "mmulab-view", .tables = tables, .ntables = 2, .words = o->run.programs,
                      .max_words = MAX_PROGRAMS, .words_what = "programs at once", .err = stderr};
    int status = opt_parse(&p, argc, argv);
    o->run.nprograms = p.nwords;
    if (status < 0)
        usage(stdout, &p);
    if (!status)
        status = run_options_finish(&o->run, stderr);
    if (!status && !o->replay && o->run.nprograms == 0) {
        fprintf(stderr, "mmulab-view: no program given (see --help)\n");
        status = 2;
    }
    if (!status && (o->run.trace_path || o->run.stats_json || o->run.stats_txt || o->run.dump))
        fprintf(stderr, "mmulab-view: note: --trace, --stats, --stats-json and --dump are for `mmulab run`; "
                        "the viewer ignores them\n");
    return status;
}

int main(int argc, char **argv)
{
    viewer_options_t o;
    int status = parse(argc, argv, &o);
    if (status == -1)
        return 0;
    if (status)
        return status;
    return o.png ? app_headless(&o) : app_live(&o);
}
