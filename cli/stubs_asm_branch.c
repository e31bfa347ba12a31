/*
 * TEMPORARY, branch `asm` only: stand-ins for the subcommands other
 * engineers are writing, so that build/mmulab links.  Deleted before merge.
 */
#include <stdio.h>

#include "commands.h"

int cmd_run(int argc, char **argv)
{
    (void)argc, (void)argv;
    fprintf(stderr, "mmulab run: not in this branch\n");
    return 2;
}

int cmd_compare(int argc, char **argv)
{
    (void)argc, (void)argv;
    fprintf(stderr, "mmulab compare: not in this branch\n");
    return 2;
}

int cmd_timing(int argc, char **argv)
{
    (void)argc, (void)argv;
    fprintf(stderr, "mmulab timing: not in this branch\n");
    return 2;
}
