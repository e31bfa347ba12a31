/*
 * The subcommands of `mmulab`.  Each takes the arguments after its name
 * (argv[0] is the subcommand) and returns the process exit status:
 * 0 success, 1 the modeled program faulted (or a check failed), 2 bad input.
 */
#ifndef MMULAB_COMMANDS_H
#define MMULAB_COMMANDS_H

int cmd_asm(int argc, char **argv);
int cmd_disasm(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_timing(int argc, char **argv);
int cmd_refs(int argc, char **argv);
int cmd_tlbsim(int argc, char **argv);
int cmd_ld(int argc, char **argv);
int cmd_ar(int argc, char **argv);
int cmd_workload(int argc, char **argv);
int cmd_thrash(int argc, char **argv);
int cmd_cosim(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_translate(int argc, char **argv);
int cmd_quiz(int argc, char **argv);
int cmd_sweep(int argc, char **argv);

#endif
