/*
 * The runner's options, shared by `mmulab run`, `mmulab compare`, the
 * co-simulation and the viewer, so a program runs the same way whichever
 * front end starts it.
 */
#ifndef MMULAB_OPTIONS_H
#define MMULAB_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "../machine/config.h"
#include "../os/os.h"

#define MAX_PROGRAMS 64

typedef struct {
    machine_config_t hw;
    os_config_t os;
    const char *engine;      /* "c" (default) or "rtl"                     */
    const char *stats_json;  /* --stats-json FILE                          */
    const char *stats_txt;   /* --stats FILE ("-" for stdout), gem5 style   */
    const char *trace_path;  /* --trace FILE.csv|FILE.json                  */
    const char *log_path;    /* --log FILE: the commit log (obs/commitlog.h) */
    bool dump;
    uint32_t dump_addr, dump_count;
    bool check;              /* --check: verify the programs' expectations */
    bool quiet;              /* no summary line on stderr                  */
    bool regions;            /* --regions: print the region tables at the end */
    bool tlb_fully_assoc;    /* --tlb-ways full (the default): ways = entries */
    int nprograms;
    const char *programs[MAX_PROGRAMS];
} run_options_t;

void run_options_defaults(run_options_t *o);

/* Parse argv (argv[0] is the command name).  Returns 0 when the run should
 * go ahead, 2 after printing an error to err, -1 after printing --help. */
int run_options_parse(int argc, char **argv, run_options_t *o, FILE *err);

/* The option list, for --help of every front end. */
void run_options_help(FILE *out);

/* Unsigned numbers: decimal, 0x hex, with an optional K, M or G suffix
 * (powers of 1024).  False if malformed or too big for 32 bits. */
bool parse_u32(const char *text, uint32_t *out);
bool parse_u64(const char *text, uint64_t *out);

#endif
