/* The aimsim command line: subcommands run, info and config, the progress display and the
 * parsing helpers they share. Each *_main takes the subcommand's argv (argv[0] = its name) and
 * returns the process exit status: 0 ok, 1 runtime failure, 2 usage or config error. */
#ifndef AIM_CLI_H
#define AIM_CLI_H

#include <stddef.h>
#include <stdio.h>

#include "sim/error.h"

/** @brief `aimsim run [CONFIG] -o OUT.h5 [options]`: runs the Monte Carlo into an HDF5 file. */
int aim_cli_run_main(int argc, char **argv);
/** @brief `aimsim info FILE`: provenance and dataset shapes of an output file. */
int aim_cli_info_main(int argc, char **argv);
/** @brief `aimsim config show [CONFIG] [--set k=v]...`: the fully resolved config as YAML. */
int aim_cli_config_main(int argc, char **argv);
/** @brief Prints the version line and build provenance (`aimsim --version`). */
void aim_cli_print_version(FILE *out);
/** @brief Parses a size such as 512M, 2G, 1.5GiB or 1000000 (bytes) for --max-memory. */
enum aim_status aim_cli_parse_size(const char *text, size_t *bytes);
/** @brief Parses a whole decimal number in [lo, hi] for an option (name used in the message). */
enum aim_status aim_cli_parse_long(const char *text, long lo, long hi, const char *name, long *value);

#endif
