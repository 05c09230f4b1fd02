/* aimsim: the command-line program. A table maps each subcommand to its entry point; every
 * entry takes the subcommand's own argv (argv[0] = its name) and returns the exit status
 * (0 ok, 1 runtime failure, 2 usage or config error; docs/cli.md). */
#include <errno.h>
#include <hdf5.h>
#include <stdio.h>
#include <string.h>

#include "analysis/analyze_cli.h"
#include "analysis/plot_cli.h"
#include "analysis/psy_cli.h"
#include "analysis/sensitivity_cli.h"
#include "sim/cli.h"
#include "sim/design_cli.h"
#include "sim/merge_cli.h"
#include "sim/ranks.h"
#include "sim/reproduce_cli.h"
#include "sim/run_cli.h"

/* Subcommands. Another tool plugs in with one row: its name, its int fn(int argc, char **argv)
 * and a one-line summary for `aimsim --help` (e.g. analyze: aim_analyze_cli_main in
 * analysis/analyze_cli.c, psy: aim_psy_cli_main in analysis/psy_cli.c). */
struct aim_command {
    const char *name;
    int (*main)(int argc, char **argv);
    const char *summary;
};

static const struct aim_command commands[] = {
    {"run", aim_run_cli_main, "run the Monte Carlo replicas of a config into an HDF5 file"},
    {"merge", aim_merge_cli_main, "one file over the shard files of a run (job-array tasks or MPI ranks)"},
    {"info", aim_cli_info_main, "print an output file's provenance and dataset shapes"},
    {"config", aim_cli_config_main, "config show: print the fully resolved configuration"},
    {"design", aim_design_cli_main, "print the points of a sweep's design as CSV"},
    {"analyze", aim_analyze_cli_main, "indicators of a run file (circularity, concentration, bubbles)"},
    {"psy", aim_psy_cli_main, "PSY bubble test (Phillips, Shi and Yu) of a CSV column"},
    {"sensitivity", aim_sensitivity_cli_main, "Sobol or Morris indices of a sweep's run file or a CSV"},
    {"plot", aim_plot_cli_main, "figures of a run file: gnuplot scripts, their data and images"},
    {"reproduce", aim_reproduce_cli_main, "rerun units of a run file and check them bit for bit"},
};

static void usage(FILE *out)
{
    fputs("Usage: aimsim COMMAND [ARGS]   (aimsim COMMAND --help for each)\n\nCommands:\n", out);
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++) {
        fprintf(out, "  %-11s %s\n", commands[i].name, commands[i].summary);
    }
    fputs("\nOptions:\n  --version  print the version and build provenance\n  --help     this help\n"
          "\nExit status: 0 ok, 1 runtime failure, 2 usage or configuration error.\n",
          out);
}

/* What a command printed must have reached stdout: a full disk or a closed pipe behind
 * `aimsim config show > cfg.yaml` would otherwise leave a truncated file and exit 0. */
static int finish(int rc)
{
    errno = 0;
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "aimsim: error writing to standard output: %s\n",
                errno ? strerror(errno) : "write failed (disk full or output closed)");
        return rc ? rc : 1;
    }
    return rc;
}

int main(int argc, char **argv)
{
    /* HDF5 1.10 crashes in its exit handler (H5F__close_cb) after an H5Fclose that failed, e.g. on
     * a full disk; every file is closed explicitly, so its exit-time cleanup is not needed. */
    H5dont_atexit();
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return finish(0);
    }
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
        aim_cli_print_version(stdout);
        return finish(0);
    }
    /* Only run shares its work among the ranks of an MPI job; any other command would run once
     * per rank, every copy writing the same output. */
    int ranks = 0;
    if (aim_ranks_launched(&ranks) && ranks > 1 && strcmp(argv[1], "run") != 0) {
        fprintf(stderr,
                "aimsim %s: started as %d MPI ranks; only `aimsim run` runs across ranks (run %s in one "
                "process)\n",
                argv[1], ranks, argv[1]);
        return 2;
    }
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++) {
        if (strcmp(argv[1], commands[i].name) == 0) {
            return finish(commands[i].main(argc - 1, argv + 1));
        }
    }
    fprintf(stderr, "aimsim: unknown command '%s'\n\n", argv[1]);
    usage(stderr);
    return 2;
}
