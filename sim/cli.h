/* The aimsim command line: subcommands run, info and config, the progress display and the
 * parsing helpers they share. Each *_main takes the subcommand's argv (argv[0] = its name) and
 * returns the process exit status: 0 ok, 1 runtime failure, 2 usage or config error. */
#ifndef AIM_CLI_H
#define AIM_CLI_H

#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sim/error.h"

/** @brief `aimsim info FILE`: provenance and dataset shapes of an output file. */
int aim_cli_info_main(int argc, char **argv);
/** @brief `aimsim config show [CONFIG] [--set k=v]...`: the fully resolved config as YAML. */
int aim_cli_config_main(int argc, char **argv);
/** @brief Prints the version line and build provenance (`aimsim --version`). */
void aim_cli_print_version(FILE *out);

struct aim_config;
/** @brief Prints "aimsim CMD: <the recorded message>" and returns s's exit status. */
int aim_cli_fail(const char *cmd, enum aim_status s);
/** @brief After a failure to write OUT: says so when the file system holding it is full. */
void aim_cli_note_full_disk(const char *cmd, const char *out);
/** @brief Prints a usage error (fmt with one string argument) and the --help hint; returns 2. */
int aim_cli_usage_error(const char *cmd, const char *fmt, const char *arg);
/** @brief Loads CONFIG (NULL: the embedded seed scenario) and applies the overrides in order;
 * sweep_keys: the sweep's factors must name numeric config keys. */
enum aim_status aim_cli_load_config(struct aim_config **cfg, const char *path, char **sets, int n_sets,
                                    int sweep_keys);

/* Option values and JSON output shared by every subcommand (run, info, config here; analyze and psy
 * in analysis/). They are static inline so that a subcommand and its test driver use them without
 * linking this module, which brings the whole simulation (runner, store, config) with it. */

/** @brief Formats seconds as m:ss or h:mm:ss for progress lines ("--:--" when unknown). */
static inline void aim_cli_hms(char *buf, size_t size, double s)
{
    if (!isfinite(s) || s < 0) {
        snprintf(buf, size, "--:--");
        return;
    }
    long t = lround(s);
    if (t >= 3600) {
        snprintf(buf, size, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
    } else {
        snprintf(buf, size, "%ld:%02ld", t / 60, t % 60);
    }
}

/** @brief Parses a whole decimal number in [lo, hi] for an option (name used in the message). */
static inline enum aim_status aim_cli_parse_long(const char *text, long lo, long hi, const char *name,
                                                 long *value)
{
    char *end = NULL;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (errno || end == text || *end != '\0' || v < lo || v > hi) {
        return aim_error_set(AIM_ERR_USAGE, "%s must be a whole number in [%ld, %ld] (got \"%s\")", name, lo,
                             hi, text);
    }
    *value = v;
    return AIM_OK;
}

/** @brief Parses a whole decimal number in [0, 2^64 - 1] (a seed) for an option. */
static inline enum aim_status aim_cli_parse_u64(const char *text, const char *name, uint64_t *value)
{
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    /* strtoull would take " -1" as 2^64 - 1: the text must start with a digit. */
    if (errno || end == text || *end != '\0' || text[0] < '0' || text[0] > '9') {
        return aim_error_set(AIM_ERR_USAGE, "%s must be a whole number in [0, %llu] (got \"%s\")", name,
                             (unsigned long long)UINT64_MAX, text);
    }
    *value = (uint64_t)v;
    return AIM_OK;
}

/** @brief Checks that an output path (-o) can become a new file before any work is done: not
 * empty, not a directory, in an existing writable directory (AIM_ERR_USAGE naming what is wrong). */
static inline enum aim_status aim_cli_output_usable(const char *out)
{
    struct stat sb;
    if (out[0] == '\0') {
        return aim_error_set(AIM_ERR_USAGE,
                             "-o: the output path is empty; give a file name such as out/run.h5");
    }
    if (stat(out, &sb) == 0 && S_ISDIR(sb.st_mode)) {
        return aim_error_set(AIM_ERR_USAGE, "-o %s: is a directory; give a file path such as %s/run.h5", out,
                             out);
    }
    const char *slash = strrchr(out, '/');
    char dir[4096] = ".";
    if (slash && slash - out >= (ptrdiff_t)sizeof dir) {
        return aim_error_set(AIM_ERR_USAGE, "-o: the directory of the output path is longer than %zu bytes",
                             sizeof dir - 1);
    }
    if (slash == out) {
        snprintf(dir, sizeof dir, "/");
    } else if (slash) {
        snprintf(dir, sizeof dir, "%.*s", (int)(slash - out), out);
    }
    if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
        return aim_error_set(AIM_ERR_USAGE,
                             "-o %s: the directory %s does not exist; create it first (mkdir -p %s)", out,
                             dir, dir);
    }
    if (access(dir, W_OK | X_OK) != 0) {
        return aim_error_set(AIM_ERR_USAGE,
                             "-o %s: the directory %s is not writable (%s); choose another -o path", out, dir,
                             strerror(errno));
    }
    return AIM_OK;
}

/** @brief Writes v as a JSON number: the shorter of 15 or 17 significant digits that reads back as
 * the same double; null for NaN and infinities, which JSON lacks. */
static inline void aim_cli_json_number(FILE *out, double v)
{
    if (isfinite(v)) {
        char buf[32];
        snprintf(buf, sizeof buf, "%.15g", v);
        if (strtod(buf, NULL) != v) {
            snprintf(buf, sizeof buf, "%.17g", v);
        }
        fputs(buf, out);
    } else {
        fputs("null", out);
    }
}

/** @brief Writes s as a JSON string: quotes, backslash escapes, control characters as \\u00XX. */
static inline void aim_cli_json_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\') {
            fprintf(out, "\\%c", *p);
        } else if (*p < 0x20) {
            fprintf(out, "\\u%04x", *p);
        } else {
            fputc(*p, out);
        }
    }
    fputc('"', out);
}

#endif
