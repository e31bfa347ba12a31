/*
 * Multiprogramming in contiguous memory (the seed's slides 12-14, 27-30):
 * what the OS does when a process needs a partition and no hole fits.
 *
 *  - Compaction (--compact): slide every partition down so the free memory
 *    becomes one hole, copying each moved partition word by word
 *    (copy_word_cycles per word).  Only base/limit processes can move: a
 *    software-relocated process holds absolute addresses the loader patched,
 *    so the OS says so and the request waits (with --swap) or fails.
 *  - Swapping (--swap): roll whole processes out to the backing store, lowest
 *    priority first, and roll them back in when the scheduler picks them, each
 *    transfer charged timing_disk_cycles(partition size).  A swapped process
 *    keeps its registers and memory.  Under base/limit it may come back at a
 *    different base (the base register changes); under software relocation
 *    it comes back to the same place (--swap-back same, the default: whoever
 *    is there is rolled out) or is relocated again at the new place
 *    (--swap-back relocate: the relocated words and the PC are re-patched at
 *    reloc_patch_cycles each; addresses the program computed stay stale).
 *
 * Under paging (os/loadctl.c): working-set sizes over a window of references
 * (--ws-window), load control by working sets (--alloc ws: suspend processes
 * while their working sets do not fit the frames, Denning's cure for
 * thrashing), and processes that wait for a device (SYS_IOWAIT) while others
 * run, the CPU idling when all of them wait.
 *
 * The configuration sits in os_config_t (field `mp`); the state is private
 * to os/compact.c, os/rollout.c and os/loadctl.c.
 */
#ifndef MMULAB_MULTIPROG_H
#define MMULAB_MULTIPROG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define MP_MAX_PRIORITIES 64

typedef enum { SWAPBACK_SAME, SWAPBACK_RELOCATE, SWAPBACK_COUNT } swapback_t;
extern const char *const swapback_name[SWAPBACK_COUNT]; /* "same" "relocate" */

typedef struct {
    bool compact;            /* --compact                                         */
    bool swap;               /* --swap                                            */
    uint32_t swap_threshold; /* --swap-threshold: roll out only while more is allocated (0: whenever short) */
    bool show_partitions;    /* --partitions: print the fullest partition table   */
    swapback_t swap_back;    /* software relocation: same place, or relocate     */
    int npriorities;         /* --priority P1,P2,...: per program, higher stays  */
    int priority[MP_MAX_PRIORITIES];
    /* paged mode (os/loadctl.c) */
    uint32_t ws_window;      /* --ws-window N: working sets over N references (0: off) */
    bool alloc_ws;           /* --alloc ws: working-set load control, global replacement */
} mp_config_t;

struct os;

/* Cycles the CPU sat idle because every process waited for its device
 * (SYS_IOWAIT) -- what CPU utilisation leaves out besides the OS's work. */
uint64_t os_mp_idle_cycles(struct os *os);
/* pid's working set over the last ws_window references: mean and largest
 * of the samples taken when it left the CPU; false if never sampled. */
bool os_mp_working_set(struct os *os, int pid, double *mean, uint32_t *largest);
/* With --swap: true if pid's image is on the backing store now (it has not
 * exited; a process stopped while out stays out), with where it was (*home,
 * its base then) and the image's size. */
bool os_mp_swapped_out(struct os *os, int pid, uint32_t *home, uint32_t *bytes);
/* Times load control suspended a process, and processes suspended now. */
void os_mp_load_control(struct os *os, uint64_t *suspensions, int *suspended_now);
/* What compaction and swapping did (a line and the OS's log), and with
 * --partitions the partition table when memory was fullest; nothing if
 * neither happened. */
void os_mp_report(struct os *os, FILE *out);

#endif
