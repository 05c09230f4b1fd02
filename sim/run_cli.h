/* `aimsim run [CONFIG] -o OUT.h5 [options]` (docs/cli.md). */
#ifndef AIM_RUN_CLI_H
#define AIM_RUN_CLI_H

/** @brief The subcommand's entry (argv[0] = "run"); returns the exit status (0 ok, 1 runtime
 * failure, 2 usage or config error, 3 stopped by a signal with units left). */
int aim_run_cli_main(int argc, char **argv);

#endif
