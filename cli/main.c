/*
 * mmulab: one binary, a subcommand per job (asm, run, compare, ...).
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../sim/runconfig.h"
#include "commands.h"
#include "../sim/session.h"

typedef struct {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *summary;
} command_t;

static const command_t commands[] = {
    {"asm", cmd_asm, "assemble a program into an ELF32 executable (and a listing)"},
    {"disasm", cmd_disasm, "disassemble an executable"},
    {"run", cmd_run, "run programs on the model under a memory-management mode"},
    {"compare", cmd_compare, "run programs under software and hardware relocation side by side"},
    {"timing", cmd_timing, "print the timing parameters and their defaults"},
    {"refs", cmd_refs, "page replacement (fifo, lru, opt, clock) on a reference string"},
    {"workload", cmd_workload, "processes arriving and leaving: fits, holes, the fifty-percent rule"},
    {"thrash", cmd_thrash, "sweep the degree of multiprogramming: CPU utilisation and the thrashing knee"},
    {"tlbsim", cmd_tlbsim, "replay a Dinero IV din trace through the TLB (and N frames)"},
    {"ld", cmd_ld, "link objects, archives and dynamic libraries into an executable"},
    {"ar", cmd_ar, "build and list static libraries (archives of objects)"},
    {"explain", cmd_explain, "one sentence per decision in a recorded trace: what, why, what it cost"},
    {"translate", cmd_translate, "split a virtual address into indexes and offset, table sizes, a walk"},
    {"quiz", cmd_quiz, "seeded exercises (paging, replacement, fit, ...) answered by the model (-c)"},
    {"sweep", cmd_sweep, "run a grid over any command's options: -j N here, or a Slurm job array"},
    {"cosim", cmd_cosim, "run the C model and the RTL in lockstep and compare every instruction"},
};

static void usage(FILE *out)
{
    fprintf(out, "usage: mmulab COMMAND [options] ...\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-9s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\n`mmulab help COMMAND` (or `mmulab COMMAND --help`) describes each one;\n"
                 "`mmulab --version` prints the version.\n");
}

static const command_t *find_command(const char *name)
{
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(name, commands[i].name))
            return &commands[i];
    return NULL;
}

static int unknown_command(const char *name)
{
    fprintf(stderr, "mmulab: unknown command '%s'; allowed:", name);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(stderr, " %s", commands[i].name);
    fprintf(stderr, "\n");
    return 2;
}

/* `mmulab help CMD`: the command's own --help. */
static int help(int argc, char **argv)
{
    if (argc < 3) {
        usage(stdout);
        return 0;
    }
    const command_t *c = find_command(argv[2]);
    if (!c)
        return unknown_command(argv[2]);
    char *help_argv[] = {argv[2], "--help", NULL};
    return c->fn(2, help_argv);
}

static bool asks_for_rtl(int argc, char **argv)
{
    for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
        if (!strcmp(argv[i], "--engine=rtl") || (!strcmp(argv[i], "--engine") && i + 1 < argc && !strcmp(argv[i + 1], "rtl")))
            return true;
    return false;
}

/* build/mmulab is the core alone; build/mmulab-rtl is the same command with
 * the Verilated RTL linked in.  `mmulab ... --engine rtl` hands itself over to
 * the mmulab-rtl beside it, so either binary takes the option (docs/rtl.md).
 * Returns only when there is no such binary. */
static void hand_over_to_rtl_binary(char **argv)
{
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - sizeof "-rtl");
    if (n <= 0)
        return;
    self[n] = '\0';
    char *slash = strrchr(self, '/');
    if (!slash)
        return;
    snprintf(slash + 1, sizeof self - (size_t)(slash + 1 - self), "mmulab-rtl");
    if (access(self, X_OK) == 0)
        execv(self, argv);
}

int main(int argc, char **argv)
{
    if (!engine_rtl_linked() && asks_for_rtl(argc, argv))
        hand_over_to_rtl_binary(argv);
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(argv[1], "help"))
        return help(argc, argv);
    if (!strcmp(argv[1], "--version")) {
        printf("mmulab %s\n", mmulab_version());
        return 0;
    }
    const command_t *c = find_command(argv[1]);
    return c ? c->fn(argc - 1, argv + 1) : unknown_command(argv[1]);
}
