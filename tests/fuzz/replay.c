/*
 * The replay driver: runs a fuzz harness's LLVMFuzzerTestOneInput over
 * stored inputs without libFuzzer, so `make check` (with gcc, and under
 * ASan and UBSan in `make test`'s second pass) checks every seed and every
 * past crash.  Each input runs in a child process with a time limit, so a
 * crash, a sanitizer report, a leak or a hang fails that input alone.
 *
 *   replay-NAME [-t SECONDS] FILE|DIR...   (a directory: every file in it)
 *
 * SECONDS (default 20) is the limit per input.
 *
 * Prints each failure, then `NAME: N passed, N failed`; exits 1 on a failure.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fuzz_util.h"

#define MAX_REPLAY_INPUT (16u << 20)

static int run_input(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return 2;
    }
    uint8_t *data = malloc(MAX_REPLAY_INPUT);
    size_t size = data ? fread(data, 1, MAX_REPLAY_INPUT, f) : 0;
    fclose(f);
    if (!data)
        return 2;
    uint8_t *exact = malloc(size ? size : 1); /* exactly sized: ASan sees any overread */
    if (!exact)
        return 2;
    memcpy(exact, data, size);
    free(data);
    LLVMFuzzerTestOneInput(exact, size);
    free(exact);
    return 0;
}

/* Run one input in a child; true if it ended normally within the limit. */
static bool replay_one(const char *path, unsigned timeout)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) {
        perror("fork");
        return false;
    }
    if (pid == 0) {
        alarm(timeout);
        exit(run_input(path));
    }
    int status;
    if (waitpid(pid, &status, 0) < 0)
        return false;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return true;
    if (WIFSIGNALED(status))
        printf("FAIL %s: %s%s\n", path, strsignal(WTERMSIG(status)),
               WTERMSIG(status) == SIGALRM ? " (took longer than the time limit)" : "");
    else
        printf("FAIL %s: exit status %d\n", path, WEXITSTATUS(status));
    return false;
}

static int by_name(const struct dirent **a, const struct dirent **b) { return strcmp((*a)->d_name, (*b)->d_name); }
static int visible(const struct dirent *d) { return d->d_name[0] != '.'; }

int main(int argc, char **argv)
{
    unsigned timeout = 20;
    int first = 1, passed = 0, failed = 0;
    if (argc > 2 && !strcmp(argv[1], "-t")) {
        timeout = (unsigned)atoi(argv[2]);
        first = 3;
    }
    const char *name = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
    for (int i = first; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0) {
            printf("FAIL %s: no such file or directory\n", argv[i]);
            failed++;
            continue;
        }
        if (!S_ISDIR(st.st_mode)) {
            replay_one(argv[i], timeout) ? passed++ : failed++;
            continue;
        }
        struct dirent **list;
        int n = scandir(argv[i], &list, visible, by_name);
        for (int k = 0; k < n; k++) {
            char path[4096];
            snprintf(path, sizeof path, "%s/%s", argv[i], list[k]->d_name);
            if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
                replay_one(path, timeout) ? passed++ : failed++;
            free(list[k]);
        }
        free(n >= 0 ? list : NULL);
    }
    printf("%s: %d passed, %d failed\n", name, passed, failed);
    return failed != 0;
}
