/*
 * `mmulab run`: load programs as processes and run them under a mode.
 */
#include <stdio.h>

#include "../sim/runctl.h"
#include "../sim/session.h"
#include "commands.h"

static void run_usage(FILE *out)
{
    fprintf(out, "usage: mmulab run [options] prog.s|prog.x ...\n\n"
                 "Runs each program as a process (several run round-robin side by side).\n"
                 "Exit status: 0 every program exited normally, 1 the model stopped one on a\n"
                 "fault or the cycle limit, 2 bad input, 130/143 stopped by SIGINT/SIGTERM\n"
                 "(after the statistics so far and where each process was).  A run longer\n"
                 "than a few seconds shows its progress on stderr when that is a terminal.\n\noptions:\n");
    run_options_help(out);
}

int cmd_run(int argc, char **argv)
{
    run_options_t opt;
    run_options_defaults(&opt);
    int rc = run_options_parse(argc, argv, &opt, stderr);
    if (rc < 0) {
        run_usage(stdout);
        return 0;
    }
    if (rc)
        return rc;
    session_t s;
    runctl_catch_signals();
    rc = session_open(&s, &opt, stderr);
    if (rc == 0)
        rc = session_report(&s, session_run(&s), stdout, stderr);
    if (rc != 2 && opt.regions)
        os_print_regions(s.os, stdout);
    session_close(&s);
    return rc != 2 && runctl_stopping() ? runctl_exit_status() : rc;
}

int cmd_timing(int argc, char **argv)
{
    run_options_t opt;
    run_options_defaults(&opt);
    int rc = run_options_parse(argc, argv, &opt, stderr);
    if (rc < 0) {
        printf("usage: mmulab timing [--timing NAME=VALUE ...]\n\n"
               "Prints every timing parameter of the model with its value and default\n"
               "(docs/timing.md explains how instructions, traps and the OS are charged).\n");
        return 0;
    }
    if (rc > 0)
        return rc;
    printf("Timing parameters (set with --timing NAME=VALUE):\n\n");
    timing_print(stdout, &opt.hw.timing);
    return 0;
}
