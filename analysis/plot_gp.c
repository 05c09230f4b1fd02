#include "analysis/plot_gp.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *const aim_plot_gp_ext[3] = {"png", "svg", "pdf"};

const char *aim_plot_gp_extension(enum aim_plot_gp_format format)
{
    return format >= 0 && format <= 2 ? aim_plot_gp_ext[format] : "?";
}

enum aim_status aim_plot_gp_parse_format(const char *text, enum aim_plot_gp_format *format)
{
    for (int k = 0; k < 3; k++) {
        if (strcmp(text, aim_plot_gp_ext[k]) == 0) {
            *format = (enum aim_plot_gp_format)k;
            return AIM_OK;
        }
    }
    return aim_error_set(AIM_ERR_USAGE, "--format \"%s\": give png, svg or pdf", text);
}

enum aim_status aim_plot_gp_check_text(const char *text, const char *what)
{
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        if (*p < 0x20 || *p == 0x7f) {
            /* The text as C would write it, so that the message itself stays on one line. */
            char shown[200];
            size_t n = 0;
            for (const unsigned char *q = (const unsigned char *)text; *q && n + 5 < sizeof shown; q++) {
                if (*q == '\n' || *q == '\r') {
                    shown[n++] = '\\';
                    shown[n++] = *q == '\n' ? 'n' : 'r';
                } else if (*q < 0x20 || *q == 0x7f) {
                    n += (size_t)snprintf(shown + n, sizeof shown - n, "\\x%02x", *q);
                } else {
                    shown[n++] = (char)*q;
                }
            }
            shown[n] = '\0';
            return aim_error_set(AIM_ERR_USAGE,
                                 "%s \"%s\" holds a control character (byte 0x%02x%s): a line break would "
                                 "end the string in a gnuplot script; rename it",
                                 what, shown, *p,
                                 *p == '\n'   ? ", LF"
                                 : *p == '\r' ? ", CR"
                                              : "");
        }
    }
    return AIM_OK;
}

void aim_plot_gp_quote(FILE *out, const char *text)
{
    /* gnuplot 5.4 reads a literal that starts with three quotes as the empty string and a stray
     * token, so a text starting with a quote is written after a blank that [2:] drops. */
    const int lead = text[0] == '\'';
    fputs(lead ? "' " : "'", out);
    for (const char *p = text; *p; p++) {
        if (*p == '\'') {
            fputc('\'', out);
        }
        fputc(*p, out);
    }
    fputs(lead ? "'[2:]" : "'", out);
}

void aim_plot_gp_comment(FILE *out, const char *text)
{
    fputs("# ", out);
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        fputc(*p < 0x20 || *p == 0x7f ? '?' : *p, out);
    }
    fputc('\n', out);
}

void aim_plot_gp_preamble(FILE *out, const char *name, const char *what, enum aim_plot_gp_format format,
                          int width, int height)
{
    fprintf(out, "# %s: %s\n", name, what);
    fprintf(out, "# Written by aimsim plot; data in %s.dat. Rerun in this directory: gnuplot %s.gp\n", name,
            name);
    fprintf(out, "# (or gnuplot -e \"outfile='other.%s'\" %s.gp). Edit freely: nothing here is read back.\n",
            aim_plot_gp_extension(format), name);
    if (format == AIM_PLOT_GP_PDF) {
        /* pdfcairo sizes are in inches: 72 points an inch, so a pixel of the other terminals is a point. */
        fprintf(out, "set terminal pdfcairo size %.2fin,%.2fin font 'Sans,11' linewidth 1\n", width / 72.0,
                height / 72.0);
    } else if (format == AIM_PLOT_GP_SVG) {
        fprintf(out, "set terminal svg size %d,%d font 'Arial,12' linewidth 1 background '#ffffff'\n", width,
                height);
    } else {
        fprintf(out, "set terminal pngcairo size %d,%d font 'Sans,11' linewidth 1 background '#ffffff'\n",
                width, height);
    }
    fprintf(out, "set termoption noenhanced\n"
                 "set encoding utf8\n");
    fprintf(out, "if (!exists('outfile')) outfile = '%s.%s'\n", name, aim_plot_gp_extension(format));
    fprintf(out, "set output outfile\n"
                 "set datafile commentschars '#'\n"
                 "set datafile missing 'NaN'\n"
                 "set border 3 lw 1\n"
                 "set tics nomirror out scale 0.6\n"
                 "set grid ytics lc rgb '#d9d9d9' lw 1 dt 1\n"
                 "set key top left noopaque box lc rgb '#bfbfbf' samplen 2.5 spacing 1.1\n");
}

/* Milliseconds of a monotonic clock. */
static double aim_plot_gp_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Marks the start of the child's message when exec fails, so the parent tells it from gnuplot's. */
#define AIM_PLOT_GP_EXEC_FAILED "aimsim-exec-failed: "

enum aim_status aim_plot_gp_run(const char *dir, const char *script, const char *output, double timeout_s,
                                int *not_found)
{
    const char *env = getenv("AIMSIM_GNUPLOT");
    const char *prog = env && env[0] ? env : "gnuplot";
    char assign[512];
    *not_found = 0;
    if (snprintf(assign, sizeof assign, "outfile='%s'", output) >= (int)sizeof assign ||
        strchr(output, '\'')) {
        return aim_error_set(AIM_ERR_USAGE, "output name %s is too long or holds a quote", output);
    }
    int fd[2];
    if (pipe(fd) != 0) {
        return aim_error_set(AIM_ERR_IO, "cannot make a pipe for gnuplot: %s", strerror(errno));
    }
    pid_t pid = fork();
    if (pid < 0) {
        close(fd[0]);
        close(fd[1]);
        return aim_error_set(AIM_ERR_IO, "cannot start gnuplot (fork): %s", strerror(errno));
    }
    if (pid == 0) {
        /* Child: its own process group (killed as one on timeout), stdin from /dev/null, stdout
         * and stderr into the pipe. */
        setpgid(0, 0);
        int null = open("/dev/null", O_RDONLY);
        if (null >= 0) {
            dup2(null, 0);
        }
        dup2(fd[1], 1);
        dup2(fd[1], 2);
        close(fd[0]);
        if (chdir(dir) == 0) {
            char *const argv[] = {(char *)prog, "-e", assign, (char *)script, NULL};
            execvp(prog, argv);
        }
        dprintf(2, AIM_PLOT_GP_EXEC_FAILED "%s", strerror(errno));
        _exit(127);
    }
    close(fd[1]);
    char msg[4096];
    size_t len = 0;
    int timed_out = 0;
    const double deadline = aim_plot_gp_now() + timeout_s * 1e3;
    for (;;) {
        double left = deadline - aim_plot_gp_now();
        if (left <= 0) {
            timed_out = 1;
            break;
        }
        struct pollfd pfd = {.fd = fd[0], .events = POLLIN};
        int k = poll(&pfd, 1, left > 1e6 ? 1000000 : (int)left + 1);
        if (k < 0 && errno == EINTR) {
            continue;
        }
        if (k <= 0) {
            continue;
        }
        char buf[1024];
        ssize_t n = read(fd[0], buf, sizeof buf);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            break;
        }
        size_t take = (size_t)n < sizeof msg - 1 - len ? (size_t)n : sizeof msg - 1 - len;
        memcpy(msg + len, buf, take);
        len += take;
    }
    close(fd[0]);
    msg[len] = '\0';
    if (timed_out) {
        kill(-pid, SIGKILL);
        kill(pid, SIGKILL);
    }
    int wstatus = 0;
    while (waitpid(pid, &wstatus, 0) < 0 && errno == EINTR) {
    }
    while (len > 0 && (msg[len - 1] == '\n' || msg[len - 1] == ' ')) {
        msg[--len] = '\0';
    }
    if (timed_out) {
        return aim_error_set(AIM_ERR_IO, "gnuplot %s in %s ran longer than %g s and was stopped%s%s", script,
                             dir, timeout_s, len ? "; its output: " : "", msg);
    }
    const char *exec_failed = strstr(msg, AIM_PLOT_GP_EXEC_FAILED);
    if (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 127 && exec_failed) {
        *not_found = 1;
        return aim_error_set(AIM_ERR_IO,
                             "cannot run gnuplot \"%s\" (%s): install gnuplot (Debian: gnuplot-nox) or set "
                             "AIMSIM_GNUPLOT to its path",
                             prog, exec_failed + strlen(AIM_PLOT_GP_EXEC_FAILED));
    }
    if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0) {
        return aim_error_set(AIM_ERR_IO, "gnuplot %s in %s failed (%s %d)%s%s", script, dir,
                             WIFEXITED(wstatus) ? "exit status" : "signal",
                             WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : WTERMSIG(wstatus), len ? ": " : "",
                             msg);
    }
    return AIM_OK;
}
