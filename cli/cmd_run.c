/*
 * `mmulab run`: load programs as processes and run them under a mode.
 */
#include <stdio.h>

#include "../sim/runctl.h"
#include "../sim/session.h"
#include "commands.h"
#include "run_study.h"

static void run_usage(FILE *out)
{
    fprintf(out, "usage: mmulab run [options] prog.s|prog.x ... [-- ARG ...]\n\n"
                 "Runs each program as a process (several run round-robin side by side).\n"
                 "Words after `--` are the last program's arguments: argc, argv and the strings\n"
                 "go on its initial stack, System V style ([SP] = argc, then argv[], then 0).\n"
                 "Exit status: 0 every program exited normally, 1 the model stopped one on a\n"
                 "fault or the cycle limit, 2 bad input, 130/143 stopped by SIGINT/SIGTERM\n"
                 "(after the statistics so far and where each process was).  A run longer\n"
                 "than a few seconds shows its progress on stderr when that is a terminal.\n\n"
                 "Lists and ranges compare runs: --mode, --frames, --replace, --scope, --alloc,\n"
                 "--tlb, --tlb-ways, --tlb-policy, --page-size, --levels, --va-bits, --asid-bits,\n"
                 "--mem, --fit, --granule, --stack, --quantum, --disk-mbps, --disk-latency-us,\n"
                 "--seed and --max-cycles take `2..10`, `2..16:2`, `8,16,32` or (for names) `all`.\n"
                 "Every combination is a full run of the programs; a table prints a row per run\n"
                 "(--csv/--json write the rows with each run's configuration, --plot draws page\n"
                 "faults against frames or TLB misses against entries) and a line names any\n"
                 "rise of faults with more frames (Belady's anomaly):\n"
                 "  mmulab run --mode paged --frames 2..6 --replace all programs/belady.s\n"
                 "\noptions:\n");
    run_options_help(out);
}

int cmd_run(int argc, char **argv)
{
    bool handled;
    runctl_catch_signals();
    int study = run_study(argc, argv, &handled);
    if (handled)
        return study != 2 && runctl_stopping() ? runctl_exit_status() : study;
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
    rc = session_open(&s, &opt, stderr);
    if (rc == 0) {
        os_start(s.os);
        os_print_frame_quotas(s.os, stderr);
        rc = session_report(&s, session_run(&s), stdout, stderr);
    }
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
