/*
 * The viewer's two front ends over a source and a view: the live window
 * (keys, mouse, running at a speed) and the headless render to a PNG.
 */
#ifndef MMULAB_VIEWER_APP_H
#define MMULAB_VIEWER_APP_H

#include <stdbool.h>
#include <stdint.h>

#include "../sim/options.h"

typedef struct {
    run_options_t run;          /* the runner's options                      */
    const char *replay;         /* --replay FILE                             */
    const char *png;            /* --png FILE                                */
    bool at_given;
    uint64_t at_cycle;          /* --at-cycle N                              */
    const char *font;           /* --font PATH                               */
    const char *describe;       /* --describe FILE: where things were drawn  */
    const char *screenshot;     /* --screenshot FILE: key p, and on quit     */
    int width, height;          /* --size WxH                                */
    bool show_regions;          /* --panel regions: the region table (key g) */
} viewer_options_t;

/* Each returns the process exit status, after printing any error. */
int app_headless(const viewer_options_t *o);
int app_live(const viewer_options_t *o);

#endif
