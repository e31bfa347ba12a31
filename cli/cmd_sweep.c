/*
 * `mmulab sweep`: a grid over any command's options (studies/sweep.h) run as
 * independent processes, -j N at a time on this machine or as one Slurm job
 * array, each point writing its own rows; then one merge into CSV, JSON and
 * the study's figure.  docs/sweeps.md walks through both.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../obs/plot.h"
#include "../studies/sweep.h"
#include "../sim/options.h"
#include "commands.h"

#define CMD "sweep"
#define MAX_JOBS 256

static void usage(FILE *out)
{
    fprintf(out,
            "usage: mmulab sweep SPEC [-j N] [--csv FILE] [--json FILE] [--plot FILE] [--dry-run]\n"
            "       mmulab sweep SPEC [--tasks N] --slurm [SBATCH OPTIONS...]\n"
            "       mmulab sweep --merge DIR [--csv FILE] [--json FILE] [--plot FILE]\n"
            "\n"
            "Runs every point of the grid a spec file describes (docs/sweeps.md):\n"
            "\n"
            "  command tlbsim                       # any mmulab command\n"
            "  fixed   --trace t.din --tlb-ways full # words every point gets\n"
            "  axis    --tlb 8,16,32,64              # an option and its values: lists,\n"
            "  axis    --page-size 4K,8K             #   ranges 1..8, 4K..64K:4K\n"
            "  output  tlb.out                       # results directory (default SPEC.out)\n"
            "  plot    tlb.png                       # the figure (default OUTPUT/plot.png)\n"
            "\n"
            "Each point is one `mmulab COMMAND FIXED... --AXIS VALUE...` process whose rows\n"
            "go to OUTPUT/points/NNNNNN.csv (for commands without rows: its axis values,\n"
            "exit code and time).  A point whose file exists is skipped, so a stopped sweep\n"
            "resumes where it was.  A failed point (exit 2 or a signal) is reported with its\n"
            "command and log and the others go on.  At the end every point's rows are\n"
            "merged into OUTPUT/results.csv and OUTPUT/results.json, and the command's\n"
            "figure is drawn.\n"
            "\n"
            "Exit status: 0 every point has its rows, 1 some failed or are missing, 2 bad\n"
            "input.  The progress line (points done of all, elapsed, an estimate of the\n"
            "time left) is shown only when stderr is a terminal.\n\noptions:\n");
}

typedef struct {
    const char *spec, *merge_dir;
    study_output_t out;
    uint32_t jobs, task, tasks;
    bool task_given, dry_run;
    int slurm_argc;   /* words after --slurm, for sbatch */
    char **slurm_argv;
} sweep_args_t;

#define ARG(f) OPT_AT(sweep_args_t, f)
static const opt_spec_t sweep_specs[] = {
    {"--jobs", .alias = "-j", .kind = OPT_NUMBER, .value_name = "N", ARG(jobs), .min = 1, .max = MAX_JOBS,
     .help = "points run at once (default: the processors online)"},
    {"--dry-run", .kind = OPT_FLAG, ARG(dry_run), .help = "print each point's command and whether it is done"},
    {"--merge", .kind = OPT_STRING, .value_name = "DIR", ARG(merge_dir),
     .help = "merge the rows found in a sweep's results directory"},
    {"--tasks", .kind = OPT_NUMBER, .value_name = "N", ARG(tasks), .min = 1, .max = 100000,
     .help = "Slurm array tasks, each a slice of the points (default: one per point, at most 100)"},
    {"--task", .kind = OPT_NUMBER, .value_name = "K", ARG(task), .max = 100000, OPT_GIVEN(sweep_args_t, task_given),
     .help = "run only the points i with i % N == K (what an array task runs)"},
};
#undef ARG

/* 0 go on, -1 help, 2 bad.  The words after --slurm are sbatch's. */
static int parse(int argc, char **argv, sweep_args_t *a)
{
    *a = (sweep_args_t){0};
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "--slurm")) {
            a->slurm_argc = argc - i - 1;
            a->slurm_argv = argv + i + 1;
            argc = i;
        }
    const char *words[2];
    opt_table_t tables[] = {{.specs = sweep_specs, .n = OPT_COUNT(sweep_specs), .target = a}, study_output_table(&a->out)};
    opt_parser_t p = {.prog = "mmulab " CMD, .tables = tables, .ntables = 2, .words = words, .max_words = 1,
                      .words_what = "spec at a time", .err = stderr};
    int rc = opt_parse(&p, argc, argv);
    if (rc < 0) {
        usage(stdout);
        opt_help(&p, stdout);
        fprintf(stdout, "  %-24s %s\n", "--slurm ...", "submit a Slurm job array; the words after it go to sbatch");
    }
    if (rc)
        return rc;
    a->spec = p.nwords ? words[0] : NULL;
    if (!a->spec == !a->merge_dir) {
        fprintf(stderr, "mmulab " CMD ": give a SPEC file, or --merge DIR (see mmulab sweep --help)\n");
        return 2;
    }
    if (a->task_given && (!a->tasks || a->task >= a->tasks)) {
        fprintf(stderr, "mmulab " CMD ": --task K needs --tasks N with K < N\n");
        return 2;
    }
    if (!a->jobs) {
        long online = sysconf(_SC_NPROCESSORS_ONLN);
        a->jobs = online > 0 ? (uint32_t)(online > MAX_JOBS ? MAX_JOBS : online) : 1;
    }
    return 0;
}

/* --- running points ---------------------------------------------------------- */

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

typedef struct {
    pid_t pid;
    size_t point;
    double started;
} job_t;

typedef struct {
    const sweep_t *s;
    char mmulab[PATH_MAX];
    size_t all, pending, done, failed, skipped; /* pending: to run; skipped: their rows were there */
    double started;
    bool progress;
} runner_t;

static bool point_done(const sweep_t *s, size_t i)
{
    char path[4200];
    sweep_point_path(s, i, "csv", path, sizeof path);
    return access(path, F_OK) == 0;
}

/* Fork the point's process: its rows to NNNNNN.csv.tmp, its output to NNNNNN.log. */
static pid_t start_point(const runner_t *r, size_t i)
{
    char rows[4200], log[4200];
    sweep_point_path(r->s, i, "csv.tmp", rows, sizeof rows);
    sweep_point_path(r->s, i, "log", log, sizeof log);
    int argc;
    char **argv = sweep_point_argv(r->s, i, r->mmulab, rows, &argc);
    if (!argv)
        return -1;
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        FILE *out = freopen(log, "w", stdout);
        if (!out || dup2(fileno(stdout), STDERR_FILENO) < 0)
            _exit(127);
        execv(r->mmulab, argv);
        fprintf(stderr, "mmulab sweep: cannot run %s: %s\n", r->mmulab, strerror(errno));
        _exit(127);
    }
    free(argv);
    return pid;
}

/* The last non-empty line of a point's log, for the failure report. */
static void last_line(const char *path, char *out, size_t len)
{
    FILE *f = fopen(path, "r");
    char line[1024];
    out[0] = 0;
    while (f && fgets(line, sizeof line, f))
        if (line[0] != '\n')
            snprintf(out, len, "%.*s", (int)strcspn(line, "\n"), line);
    if (f)
        fclose(f);
}

/* A point's process ended: keep its rows, or report it. */
static void finish_point(runner_t *r, const job_t *job, int status)
{
    char tmp[4200], csv[4200], log[4200], text[8192], why[1024];
    sweep_point_path(r->s, job->point, "csv.tmp", tmp, sizeof tmp);
    sweep_point_path(r->s, job->point, "csv", csv, sizeof csv);
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    bool result = code == 0 || code == 1; /* 1: a program or a check said no, a result too */
    if (result && !r->s->rows_native)
        result = sweep_write_plain_row(r->s, job->point, code, now_seconds() - job->started, tmp);
    if (result && rename(tmp, csv) == 0) {
        r->done++;
        return;
    }
    r->failed++;
    sweep_point_path(r->s, job->point, "log", log, sizeof log);
    sweep_point_text(r->s, job->point, text, sizeof text);
    last_line(log, why, sizeof why);
    fprintf(stderr, "%smmulab sweep: point %zu failed (%s %d): %s\n    %s (log: %s)\n", r->progress ? "\n" : "",
            job->point, WIFEXITED(status) ? "exit" : "signal", WIFEXITED(status) ? code : WTERMSIG(status), text,
            why[0] ? why : "no rows written", log);
    unlink(tmp);
}

static void show_progress(const runner_t *r)
{
    if (!r->progress)
        return;
    double elapsed = now_seconds() - r->started;
    size_t finished = r->done + r->failed;
    fprintf(stderr, "\rsweep: %zu/%zu points done", r->all - r->pending + finished, r->all);
    if (r->failed)
        fprintf(stderr, " (%zu failed)", r->failed);
    fprintf(stderr, ", %.1f s elapsed", elapsed);
    if (finished && finished < r->pending)
        fprintf(stderr, ", about %.0f s left  ", elapsed / (double)finished * (double)(r->pending - finished));
    else
        fprintf(stderr, "                ");
}

/* Run the points of the slice (every point when tasks == 0), jobs at a time. */
static void run_points(runner_t *r, long jobs, long task, long tasks)
{
    size_t n = sweep_points(r->s);
    job_t running[MAX_JOBS];
    int nrun = 0;
    size_t next = 0;
    r->started = now_seconds();
    for (size_t i = 0; i < n; i++)
        if (tasks <= 0 || (long)(i % (size_t)tasks) == task)
            point_done(r->s, i) ? r->skipped++ : r->pending++;
    show_progress(r);
    for (;;) {
        while (nrun < jobs && next < n) {
            size_t i = next++;
            if ((tasks > 0 && (long)(i % (size_t)tasks) != task) || point_done(r->s, i))
                continue;
            pid_t pid = start_point(r, i);
            if (pid < 0) {
                fprintf(stderr, "mmulab sweep: point %zu: cannot start a process (%s)\n", i, strerror(errno));
                r->failed++;
                continue;
            }
            running[nrun++] = (job_t){pid, i, now_seconds()};
        }
        if (!nrun)
            break;
        int status;
        pid_t pid = wait(&status);
        for (int k = 0; k < nrun && pid > 0; k++)
            if (running[k].pid == pid) {
                finish_point(r, &running[k], status);
                running[k] = running[--nrun];
                break;
            }
        show_progress(r);
    }
    if (r->progress)
        fputc('\n', stderr);
}

/* --- merging ------------------------------------------------------------------- */

static int merge(const sweep_t *s, const study_output_t *extra)
{
    rows_t rows;
    char err[512], csv[4200], json[4200], plot[4200];
    size_t missing;
    rows_init(&rows);
    if (!sweep_merge(s, &rows, &missing, err, sizeof err)) {
        fprintf(stderr, "mmulab sweep: %s\n", err);
        rows_free(&rows);
        return 2;
    }
    snprintf(csv, sizeof csv, "%s/results.csv", s->output);
    snprintf(json, sizeof json, "%s/results.json", s->output);
    if (s->plot[0])
        snprintf(plot, sizeof plot, "%s", s->plot);
    else
        snprintf(plot, sizeof plot, "%s/plot.png", s->output);
    const plot_spec_t *figure = rows.nrows ? figure_for(s->command, &rows) : NULL;
    bool ok = rows_save(&rows, CMD, csv, json) && rows_save(&rows, CMD, extra->csv, extra->json);
    const char *plots[] = {figure ? plot : NULL, figure ? extra->plot : NULL};
    for (int k = 0; k < 2 && ok; k++)
        if (plots[k] && !plot_rows(plots[k], &rows, figure, figure_subject(&rows), err, sizeof err)) {
            fprintf(stderr, "mmulab sweep: %s\n", err);
            ok = false;
        }
    study_output_t out = {.plot = plots[0]};
    size_t n = sweep_points(s);
    printf("sweep: %zu of %zu points merged (%zu rows) into %s and %s%s%s\n", n - missing, n, rows.nrows, csv, json,
           out.plot ? ", figure " : "", out.plot ? out.plot : "");
    if (missing)
        printf("sweep: %zu points have no rows yet (failed, or still running); run the sweep again to retry them\n",
               missing);
    rows_free(&rows);
    return !ok ? 2 : missing ? 1 : 0;
}

/* --- Slurm ----------------------------------------------------------------------- */

/* The array task's script: the same sweep, a slice of it, from here. */
static bool write_task_script(const sweep_t *s, const char *mmulab, const char *spec, long tasks, char *path,
                              size_t len)
{
    char cwd[PATH_MAX], spec_abs[PATH_MAX];
    if (!getcwd(cwd, sizeof cwd) || !realpath(spec, spec_abs))
        return false;
    snprintf(path, len, "%s/slurm-task.sh", s->output);
    FILE *f = fopen(path, "w");
    if (!f)
        return false;
    fprintf(f, "#!/bin/sh\n# One task of `mmulab sweep %s --slurm`: the points i with i %% %ld == the task id.\n"
               "cd '%s' || exit 2\nexec '%s' sweep '%s' -j 1 --task \"$SLURM_ARRAY_TASK_ID\" --tasks %ld\n",
            spec, tasks, cwd, mmulab, spec_abs, tasks);
    return fclose(f) == 0;
}

/* Run sbatch with args, its stdout into out.  Returns its exit status. */
static int run_sbatch(char **args, char *out, size_t len)
{
    int fd[2];
    if (pipe(fd) != 0)
        return -1;
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fd[1], STDOUT_FILENO);
        close(fd[0]);
        close(fd[1]);
        execvp("sbatch", args);
        fprintf(stderr, "mmulab sweep: cannot run sbatch (%s): is Slurm installed here?\n", strerror(errno));
        _exit(127);
    }
    close(fd[1]);
    size_t used = 0;
    ssize_t got;
    while (pid > 0 && used + 1 < len && (got = read(fd[0], out + used, len - used - 1)) > 0)
        used += (size_t)got;
    out[used] = 0;
    close(fd[0]);
    int status = -1;
    if (pid < 0 || waitpid(pid, &status, 0) < 0)
        return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static int submit(const sweep_t *s, const sweep_args_t *a, const char *mmulab)
{
    size_t n = sweep_points(s);
    long tasks = a->tasks ? a->tasks : (long)(n < 100 ? n : 100);
    char script[4200], array[64], name[128], output[4300], jobid[256];
    if (!write_task_script(s, mmulab, a->spec, tasks, script, sizeof script)) {
        fprintf(stderr, "mmulab sweep: cannot write the task script in %s\n", s->output);
        return 2;
    }
    snprintf(array, sizeof array, "--array=0-%ld", tasks - 1);
    snprintf(name, sizeof name, "--job-name=mmulab-%s", s->command);
    snprintf(output, sizeof output, "--output=%s/slurm-%%A_%%a.out", s->output);
    char **args = calloc((size_t)a->slurm_argc + 7, sizeof *args);
    if (!args)
        return 2;
    int k = 0;
    bool wait = false;
    args[k++] = "sbatch";
    args[k++] = "--parsable";
    args[k++] = array;
    args[k++] = name;
    args[k++] = output;
    for (int i = 0; i < a->slurm_argc; i++) {
        wait |= !strcmp(a->slurm_argv[i], "--wait") || !strcmp(a->slurm_argv[i], "-W");
        args[k++] = a->slurm_argv[i];
    }
    args[k++] = script;
    int rc = run_sbatch(args, jobid, sizeof jobid);
    free(args);
    jobid[strcspn(jobid, ";\n")] = 0;
    if (rc != 0 && !(wait && jobid[0])) {
        fprintf(stderr, "mmulab sweep: sbatch failed (exit %d)\n", rc);
        return 2;
    }
    printf("submitted job %s: %ld array tasks over %zu points; rows in %s/points\n", jobid, tasks, n, s->output);
    if (!wait) {
        printf("merge when it is done: mmulab sweep --merge %s\n", s->output);
        return 0;
    }
    return merge(s, &a->out);
}

/* --- the command ------------------------------------------------------------------- */

static bool find_self(char *path, size_t len)
{
    ssize_t n = readlink("/proc/self/exe", path, len - 1);
    if (n <= 0)
        return false;
    path[n] = 0;
    return true;
}

static void dry_run(const sweep_t *s)
{
    char text[8192];
    for (size_t i = 0; i < sweep_points(s); i++) {
        sweep_point_text(s, i, text, sizeof text);
        printf("%6zu %-5s %s\n", i, point_done(s, i) ? "done" : "todo", text);
    }
}

int cmd_sweep(int argc, char **argv)
{
    sweep_args_t a;
    int rc = parse(argc, argv, &a);
    if (rc) {
        return rc < 0 ? 0 : rc;
    }
    sweep_t s;
    char err[4400];
    bool ok = a.merge_dir ? sweep_from_dir(&s, a.merge_dir, err, sizeof err) : sweep_read(&s, a.spec, err, sizeof err);
    if (!ok) {
        fprintf(stderr, "mmulab sweep: %s\n", err);
        sweep_free(&s);
        return 2;
    }
    long task = a.task_given ? (long)a.task : -1, tasks = a.task_given ? (long)a.tasks : 0;
    runner_t r = {.s = &s, .all = sweep_points(&s), .progress = task < 0 && isatty(STDERR_FILENO)};
    if (a.merge_dir)
        rc = merge(&s, &a.out);
    else if (a.dry_run)
        dry_run(&s);
    else if (!find_self(r.mmulab, sizeof r.mmulab) || !sweep_prepare(&s, a.spec, err, sizeof err)) {
        fprintf(stderr, "mmulab sweep: %s\n", r.mmulab[0] ? err : "cannot find the mmulab binary");
        rc = 2;
    } else if (a.slurm_argv) {
        rc = submit(&s, &a, r.mmulab);
    } else {
        run_points(&r, a.jobs, task, tasks);
        if (task >= 0)
            printf("sweep task %ld of %ld: %zu points run, %zu failed, %zu done before\n", task, tasks, r.done,
                   r.failed, r.skipped);
        rc = task >= 0 ? (r.failed ? 1 : 0) : merge(&s, &a.out);
        rc = rc == 0 && r.failed ? 1 : rc;
    }
    sweep_free(&s);
    return rc;
}
