/*
 * mmulab-view: the SDL2 viewer's command line.
 *
 *   mmulab-view prog.s [prog2.s ...] [the runner's options]      live window
 *   mmulab-view prog.s ... --png FILE [--at-cycle N]              headless PNG
 *   mmulab-view --replay trace.csv [--mode M --mem SIZE ...]      a recorded run
 *
 * The viewer's own options are taken out first; everything else goes to
 * run_options_parse, so a program runs exactly as `mmulab run` runs it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: mmulab-view [viewer options] [runner options] prog.s ...\n"
            "\n"
            "Shows a run: physical memory, the translation, the TLB, the CPU and a\n"
            "timeline of TLB misses, faults, switches and swaps.\n"
            "\n"
            "viewer options:\n"
            "  --replay FILE            play a CSV trace written by `mmulab run --trace FILE.csv`\n"
            "  --png FILE               render to a PNG without a display, then exit\n"
            "  --at-cycle N             ... at cycle N (default: the end of the run)\n"
            "  --font PATH              a TrueType font (default %s)\n"
            "  --size WxH               canvas size (default 1280x800, at least 800x500)\n"
            "  --describe FILE          with --png: write where each frame/partition was drawn\n"
            "  --screenshot FILE        live: where key p (and quitting) saves the window\n"
            "  --panel tlb|regions      start with the TLB (default) or the region table (key g)\n"
            "\n"
            "keys: space run/pause, n step, e next event, + - speed, r reset, f fit timeline,\n"
            "      p screenshot, h help, q or Escape quit\n"
            "\n"
            "runner ",
            "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf");
    run_options_help(out);
}

static bool parse_size(const char *text, int *w, int *h)
{
    char x;
    return sscanf(text, "%d%c%d", w, &x, h) == 3 && (x == 'x' || x == 'X') && *w >= 800 && *h >= 500 &&
           *w <= 8192 && *h <= 8192;
}

/* A viewer option at argv[*i] (its value at argv[*i + 1]): 1 taken, 0 not
 * ours, -1 an error (printed). */
static int take_viewer_option(int argc, char **argv, int *i, viewer_options_t *o)
{
    static const char *const with_value[] = {"--replay", "--png", "--at-cycle", "--font", "--size",
                                             "--describe", "--screenshot", "--panel"};
    const char *name = argv[*i];
    int which = -1;
    for (int k = 0; k < (int)(sizeof with_value / sizeof with_value[0]); k++)
        if (!strcmp(name, with_value[k]))
            which = k;
    if (which < 0)
        return 0;
    if (*i + 1 >= argc) {
        fprintf(stderr, "mmulab-view: %s needs a value\n", name);
        return -1;
    }
    const char *value = argv[++*i];
    switch (which) {
    case 0: o->replay = value; break;
    case 1: o->png = value; break;
    case 2:
        if (!parse_u64(value, &o->at_cycle)) {
            fprintf(stderr, "mmulab-view: --at-cycle wants a number of cycles, got '%s'\n", value);
            return -1;
        }
        o->at_given = true;
        break;
    case 3: o->font = value; break;
    case 4:
        if (!parse_size(value, &o->width, &o->height)) {
            fprintf(stderr, "mmulab-view: --size wants WxH, at least 800x500, got '%s'\n", value);
            return -1;
        }
        break;
    case 5: o->describe = value; break;
    case 6: o->screenshot = value; break;
    case 7:
        if (strcmp(value, "tlb") && strcmp(value, "regions")) {
            fprintf(stderr, "mmulab-view: --panel wants tlb or regions, got '%s'\n", value);
            return -1;
        }
        o->show_regions = !strcmp(value, "regions");
        break;
    }
    return 1;
}

/* 0 go ahead, -1 help printed, else the exit status. */
static int parse(int argc, char **argv, viewer_options_t *o)
{
    memset(o, 0, sizeof *o);
    o->width = 1280;
    o->height = 800;
    run_options_defaults(&o->run);
    char **rest = calloc((size_t)argc + 1, sizeof *rest);
    if (!rest)
        return 1;
    int nrest = 0;
    rest[nrest++] = "view";
    int status = 0;
    for (int i = 1; i < argc && !status; i++) {
        int taken = take_viewer_option(argc, argv, &i, o);
        if (taken < 0)
            status = 2;
        else if (!taken)
            rest[nrest++] = argv[i];
    }
    if (!status) {
        status = run_options_parse(nrest, rest, &o->run, stderr);
        /* program paths point into argv, not into rest: safe to free. */
    }
    free(rest);
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
    if (status == -1) {
        usage(stdout);
        return 0;
    }
    if (status)
        return status;
    return o.png ? app_headless(&o) : app_live(&o);
}
