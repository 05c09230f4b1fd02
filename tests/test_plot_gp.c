/* The pieces of `aimsim plot` below the figures: quoting and checking text for gnuplot
 * (analysis/plot_gp.c), running gnuplot as a child with a timeout, and writing files without
 * replacing what exists (analysis/plot_data.c). test_plot.py checks the figures themselves. */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "analysis/plot_data.h"
#include "analysis/plot_gp.h"
#include "tests/aim_test.h"

/* What fn writes to a stream, as a string (static buffer). */
static const char *quoted(const char *text)
{
    static char buf[256];
    FILE *f = fmemopen(buf, sizeof buf, "w");
    aim_plot_gp_quote(f, text);
    fclose(f);
    return buf;
}

static char *slurp(const char *path)
{
    static char buf[4096];
    FILE *f = fopen(path, "r");
    size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
    buf[n] = '\0';
    if (f) {
        fclose(f);
    }
    return f ? buf : NULL;
}

static void write_file(const char *path, const char *text, int mode)
{
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
    chmod(path, (mode_t)mode);
}

/* Files in dir whose name starts with a dot (temporary files left behind). */
static int hidden_files(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    for (struct dirent *e; d && (e = readdir(d));) {
        n += e->d_name[0] == '.' && strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    }
    if (d) {
        closedir(d);
    }
    return n;
}

static void test_text(void)
{
    enum aim_plot_gp_format f;
    aim_test(aim_plot_gp_parse_format("svg", &f) == AIM_OK && f == AIM_PLOT_GP_SVG, "svg is a format");
    aim_test(aim_plot_gp_parse_format("pdf", &f) == AIM_OK && f == AIM_PLOT_GP_PDF, "pdf is a format");
    aim_test(aim_plot_gp_parse_format("jpeg", &f) == AIM_ERR_USAGE, "jpeg is refused");
    aim_test_contains(aim_error_message(), "give png, svg or pdf", "the message says what would be right");
    aim_test(strcmp(aim_plot_gp_extension(AIM_PLOT_GP_PNG), "png") == 0, "png's extension");

    aim_test(aim_plot_gp_check_text("Evil`touch PWNED`", "firm name") == AIM_OK, "backquotes are text");
    aim_test(aim_plot_gp_check_text("'; system(\"touch PWNED2\")'", "firm name") == AIM_OK,
             "quotes are text");
    aim_test(aim_plot_gp_check_text("Caf\xc3\xa9 2.385", "firm name") == AIM_OK, "UTF-8 is text");
    aim_test(aim_plot_gp_check_text("A\nB", "firm name") == AIM_ERR_USAGE, "LF is refused");
    aim_test_contains(aim_error_message(), "firm name \"A\\nB\" holds a control character (byte 0x0a, LF)",
                      "the message names the text, shown on one line, and the byte");
    aim_test(aim_plot_gp_check_text("A\rB", "key") == AIM_ERR_USAGE, "CR is refused");
    aim_test_contains(aim_error_message(), "CR", "CR is named");
    aim_test(aim_plot_gp_check_text("A\tB", "key") == AIM_ERR_USAGE, "a tab is refused");
    aim_test(aim_plot_gp_check_text("A\x7f", "key") == AIM_ERR_USAGE, "DEL is refused");

    aim_test(strcmp(quoted("NVIDIA"), "'NVIDIA'") == 0, "plain text in single quotes: %s", quoted("NVIDIA"));
    aim_test(strcmp(quoted("a'b"), "'a''b'") == 0, "an embedded quote doubled: %s", quoted("a'b"));
    aim_test(strcmp(quoted("Evil`touch PWNED`"), "'Evil`touch PWNED`'") == 0,
             "backquotes kept inside single quotes");
    aim_test(strcmp(quoted("'x'"), "' ''x'''[2:]") == 0, "a leading quote after a blank [2:] drops: %s",
             quoted("'x'"));
    aim_test(strcmp(quoted(""), "''") == 0, "the empty text");

    char buf[128];
    FILE *m = fmemopen(buf, sizeof buf, "w");
    aim_plot_gp_comment(m, "a\nset output 'x'");
    fclose(m);
    aim_test(strcmp(buf, "# a?set output 'x'\n") == 0, "a comment stays on one line: %s", buf);

    aim_plot_data_date(buf, sizeof buf, "2025-11", 0);
    aim_test(strcmp(buf, "2025-11-01") == 0, "month 0 of 2025-11 is 2025-11-01");
    aim_plot_data_date(buf, sizeof buf, "2025-11", 2);
    aim_test(strcmp(buf, "2026-01-01") == 0, "month 2 of 2025-11 is 2026-01-01: %s", buf);
    aim_plot_data_date(buf, sizeof buf, "2025-11", 121);
    aim_test(strcmp(buf, "2035-12-01") == 0, "month 121 of 2025-11 is 2035-12-01: %s", buf);
    m = fmemopen(buf, sizeof buf, "w");
    aim_plot_data_number(m, 2.385);
    aim_plot_data_number(m, NAN);
    aim_plot_data_number(m, INFINITY);
    aim_plot_data_number(m, 1.0 / 3.0);
    fclose(m);
    aim_test(strcmp(buf, " 2.385 NaN NaN 0.3333333333") == 0, "numbers and NaN in a .dat: %s", buf);
}

static void test_files(const char *dir)
{
    char path[512];
    snprintf(path, sizeof path, "%s/x.dat", dir);
    struct aim_plot_data_file *f = NULL;
    aim_test(aim_plot_data_open(&f, dir, "x.dat") == AIM_OK, "open x.dat");
    fputs("first\n", aim_plot_data_stream(f));
    aim_test(access(path, F_OK) != 0, "x.dat does not exist before the commit");
    aim_test(aim_plot_data_commit(f, 0) == AIM_OK, "commit x.dat");
    aim_test(slurp(path) && strcmp(slurp(path), "first\n") == 0, "x.dat holds what was written");

    aim_test(aim_plot_data_open(&f, dir, "x.dat") == AIM_OK, "open x.dat again");
    fputs("second\n", aim_plot_data_stream(f));
    aim_test(aim_plot_data_commit(f, 0) == AIM_ERR_USAGE, "an existing x.dat is not replaced without force");
    aim_test_contains(aim_error_message(), "exists; use --force", "the message says how to replace it");
    aim_test(strcmp(slurp(path), "first\n") == 0, "x.dat is unchanged");

    aim_test(aim_plot_data_open(&f, dir, "x.dat") == AIM_OK, "open x.dat a third time");
    fputs("third\n", aim_plot_data_stream(f));
    aim_test(aim_plot_data_commit(f, 1) == AIM_OK && strcmp(slurp(path), "third\n") == 0,
             "force replaces it");

    aim_test(aim_plot_data_open(&f, dir, "y.dat") == AIM_OK, "open y.dat");
    fputs("lost\n", aim_plot_data_stream(f));
    aim_plot_data_abort(f);
    snprintf(path, sizeof path, "%s/y.dat", dir);
    aim_test(access(path, F_OK) != 0 && hidden_files(dir) == 0, "an abandoned file leaves nothing behind");

    struct aim_plot_data_file *a = NULL, *b = NULL;
    aim_test(aim_plot_data_open_pair(dir, "z", &a, &b) == AIM_OK, "open z.dat and z.gp");
    aim_test(aim_plot_data_commit_pair(a, b, AIM_ERR_NUMERIC, 0) == AIM_ERR_NUMERIC,
             "a failed figure commits nothing");
    snprintf(path, sizeof path, "%s/z.dat", dir);
    aim_test(access(path, F_OK) != 0 && hidden_files(dir) == 0, "neither file nor temporary file remains");
    aim_test(aim_plot_data_open(&f, "/nonexistent-dir", "x.dat") == AIM_ERR_IO,
             "a missing directory is an error");
    aim_test_contains(aim_error_message(), "/nonexistent-dir", "naming the directory");
}

static void test_run(const char *dir)
{
    char fake[512], script[512];
    int not_found = 0;
    snprintf(script, sizeof script, "%s/fig.gp", dir);
    write_file(script, "set output outfile\n", 0644);

    setenv("AIMSIM_GNUPLOT", "/nonexistent/gnuplot", 1);
    aim_test(aim_plot_gp_run(dir, "fig.gp", "fig.svg", 5, &not_found) == AIM_ERR_IO && not_found == 1,
             "a gnuplot that does not exist: an error, marked not found");
    aim_test_contains(aim_error_message(), "cannot run gnuplot \"/nonexistent/gnuplot\"",
                      "the message names it");
    aim_test_contains(aim_error_message(), "gnuplot-nox", "and what to install");

    /* A stand-in that records its arguments and working directory, then fails with a message. */
    snprintf(fake, sizeof fake, "%s/fake-gnuplot", dir);
    write_file(fake,
               "#!/bin/sh\necho \"$@\" > args.txt\npwd >> args.txt\necho 'line 3: bad thing' >&2\nexit 4\n",
               0755);
    setenv("AIMSIM_GNUPLOT", fake, 1);
    aim_test(aim_plot_gp_run(dir, "fig.gp", ".fig.svg.partial", 5, &not_found) == AIM_ERR_IO &&
                 not_found == 0,
             "a failing gnuplot is an error, not 'not found'");
    aim_test_contains(aim_error_message(), "failed (exit status 4): line 3: bad thing", "with its stderr");
    char args[512];
    snprintf(args, sizeof args, "%s/args.txt", dir);
    const char *got = slurp(args);
    const char *want = "-e outfile='.fig.svg.partial' fig.gp\n";
    aim_test(got && strncmp(got, want, strlen(want)) == 0, "arguments: %s", got ? got : "");
    aim_test(got && strstr(got, dir), "it runs in the output directory");
    aim_test(aim_plot_gp_run(dir, "fig.gp", "a'b.svg", 5, &not_found) == AIM_ERR_USAGE,
             "an output name with a quote");

    write_file(fake, "#!/bin/sh\nsleep 20\n", 0755);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    enum aim_status s = aim_plot_gp_run(dir, "fig.gp", "fig.svg", 0.3, &not_found);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double took = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    aim_test(s == AIM_ERR_IO && took < 5.0, "a hanging gnuplot is stopped at the timeout (%.2f s)", took);
    aim_test_contains(aim_error_message(), "ran longer than 0.3 s and was stopped", "the message says so");

    write_file(fake, "#!/bin/sh\necho warning on stdout\nexit 0\n", 0755);
    aim_test(aim_plot_gp_run(dir, "fig.gp", "fig.svg", 5, &not_found) == AIM_OK, "exit 0 is success");
    unsetenv("AIMSIM_GNUPLOT");
}

int main(void)
{
    char dir[] = "/tmp/aimsim-test-plot-gp.XXXXXX";
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    test_text();
    test_files(dir);
    test_run(dir);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) {
        fprintf(stderr, "could not remove %s\n", dir);
    }
    return aim_test_summary();
}
