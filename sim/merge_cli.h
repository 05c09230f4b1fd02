/* `aimsim merge OUT.h5 SHARD.h5...`: one file over the shard files of a run (job-array tasks run
 * with --shard I/N, or the ranks' files of an MPI run), as aim_store_merge writes it. */
#ifndef AIM_MERGE_CLI_H
#define AIM_MERGE_CLI_H

/** @brief The subcommand's entry (argv[0] = "merge"); returns the exit status. */
int aim_merge_cli_main(int argc, char **argv);

#endif
