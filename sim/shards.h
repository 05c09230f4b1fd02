/* How the units (point, replica) of a run are split among processes. Unit u = p * replicas + r.
 * A job-array task (--shard i/n) runs a fixed contiguous range of units of about equal estimated
 * cost; the ranks of an MPI job take contiguous chunks of the units still to run from a shared
 * counter, large first and smaller towards the end (guided self-scheduling), so that ranks given
 * cheap points take more of them. Contiguous units keep the merged file's map short (sim/store_merge.c).
 * The ranks' files live in OUT's shard directory: OUT.h5 -> OUT.shards/aAAA-rRRRRR.h5, one per
 * rank and attempt (the first run is attempt 1, each --resume the next). */
#ifndef AIM_SHARDS_H
#define AIM_SHARDS_H

#include "sim/error.h"

/** @brief Parses "I/N" (0 <= I < N <= 100000) of --shard. */
enum aim_status aim_shards_parse(const char *text, int *index, int *count);
/** @brief The units [*begin, *end) of shard index of count: contiguous, cut where the cumulative
 * estimated cost (weight[p] per unit of point p; NULL: equal) crosses index/count of the total. */
void aim_shards_range(const double *weight, int n_points, int n_replicas, int index, int count, long *begin,
                      long *end);
/** @brief Guided chunks over m units for k ranks: bounds[0] = 0 < bounds[1] < ... < bounds[n] = m
 * (bounds holds m + 1), chunk c of size max(1, ceil(remaining / (2k))); returns n. */
long aim_shards_guided(long m, int k, long *bounds);
/** @brief OUT's shard directory (malloc'd): OUT without a final ".h5", then ".shards". */
char *aim_shards_dir(const char *out);
/** @brief The rank files found in dir (malloc'd paths, *n of them; *partial[i] 1 for a .partial
 * file) and the largest attempt number among them (0: none). A missing dir is none. */
enum aim_status aim_shards_list(const char *dir, char ***paths, int **partial, int *n, int *max_attempt);
/** @brief The path (malloc'd) of rank's file in attempt, with ".partial" if partial. */
char *aim_shards_path(const char *dir, int attempt, int rank, int partial);
/** @brief Frees a list of aim_shards_list. */
void aim_shards_list_free(char **paths, int *partial, int n);

#endif
