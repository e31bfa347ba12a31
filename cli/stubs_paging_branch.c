/*
 * Temporary stand-ins for commands other branches write, so build/mmulab
 * links on the paging branch.  Deleted before the branch is merged.
 */
#include <stdio.h>

#include "commands.h"

static int missing(const char *name)
{
    fprintf(stderr, "mmulab %s: not on this branch\n", name);
    return 2;
}

int cmd_asm(int argc, char **argv) { (void)argc; (void)argv; return missing("asm"); }
int cmd_disasm(int argc, char **argv) { (void)argc; (void)argv; return missing("disasm"); }
int cmd_run(int argc, char **argv) { (void)argc; (void)argv; return missing("run"); }
int cmd_compare(int argc, char **argv) { (void)argc; (void)argv; return missing("compare"); }
int cmd_timing(int argc, char **argv) { (void)argc; (void)argv; return missing("timing"); }
