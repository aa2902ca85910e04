/* tally_runrss: runs one command and reports its wall time and peak memory.
 * Usage: tally_runrss [-i IN] [-o OUT] -- CMD [ARG...]
 * The command's stdin comes from IN and its stdout goes to OUT (both
 * /dev/null by default); its stderr is inherited. Afterwards one line goes to
 * stdout: "wall=SECONDS rss_kb=KB status=N cpu=SECONDS" (cpu: user + system
 * time, steadier than wall time on a busy machine). The exit status is the
 * command's (128 + signal when it was killed), 127 when it could not run. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void usage(void)
{
    fputs("usage: tally_runrss [-i IN] [-o OUT] -- CMD [ARG...]\n", stderr);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Makes `fd` the file `path` opened with `flags`; returns 0 or -1. */
static int redirect(int fd, const char *path, int flags)
{
    int f = open(path, flags, 0644);
    if (f < 0) {
        fprintf(stderr, "tally_runrss: %s: %s\n", path, strerror(errno));
        return -1;
    }
    if (f != fd) {
        if (dup2(f, fd) < 0)
            return -1;
        close(f);
    }
    return 0;
}

int main(int argc, char **argv)
{
    const char *in = "/dev/null", *out = "/dev/null";
    int i = 1;
    for (; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0) {
            i++;
            break;
        }
        if (strcmp(argv[i], "-i") == 0 && i + 1 < argc) {
            in = argv[++i];
        } else if (strcmp(argv[i], "-o") == 0 && i + 1 < argc) {
            out = argv[++i];
        } else {
            usage();
            return 2;
        }
    }
    if (i >= argc) {
        usage();
        return 2;
    }
    fflush(stdout);
    double t0 = now();
    pid_t pid = fork();
    if (pid < 0) {
        fprintf(stderr, "tally_runrss: fork: %s\n", strerror(errno));
        return 127;
    }
    if (pid == 0) {
        if (redirect(STDIN_FILENO, in, O_RDONLY) != 0 ||
            redirect(STDOUT_FILENO, out, O_WRONLY | O_CREAT | O_TRUNC) != 0)
            _exit(127);
        execvp(argv[i], argv + i);
        fprintf(stderr, "tally_runrss: %s: %s\n", argv[i], strerror(errno));
        _exit(127);
    }
    int wstatus;
    while (waitpid(pid, &wstatus, 0) < 0) {
        if (errno != EINTR) {
            fprintf(stderr, "tally_runrss: waitpid: %s\n", strerror(errno));
            return 127;
        }
    }
    double wall = now() - t0;
    /* The only child waited for, so the children's peak is the command's. */
    struct rusage ru;
    getrusage(RUSAGE_CHILDREN, &ru);
    int status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus);
    double cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
                 (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
    printf("wall=%.6f rss_kb=%ld status=%d cpu=%.6f\n", wall, (long)ru.ru_maxrss, status, cpu);
    return status;
}
