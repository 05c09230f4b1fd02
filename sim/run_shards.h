/* A run whose units are spread over the ranks of an MPI job (or one process finishing such a run):
 * each rank writes its own file in OUT's shard directory (sim/shards.h), taking chunks of units
 * from a counter shared by the job, and rank 0 then writes OUT, a merged file over them
 * (aim_store_merge). --resume salvages what killed ranks left, runs only the missing units in a new
 * attempt, and merges every attempt's files. */
#ifndef AIM_RUN_SHARDS_H
#define AIM_RUN_SHARDS_H

#include <stddef.h>
#include <stdio.h>

#include "sim/config.h"
#include "sim/runner.h"
#include "sim/store.h"

/** @brief What aim_run_shards runs. */
struct aim_run_shards_args {
    const char *out;                         /* the merged file */
    const struct aim_config *cfg;            /* the run's config (a sweep's: every point starts from it) */
    const struct aim_runner_sweep *sweep;    /* NULL: a single point */
    const struct aim_store_layout *layout;   /* of the whole run */
    const struct aim_store_provenance *prov; /* of the whole run */
    int threads;                             /* worker threads per rank */
    size_t max_memory;                       /* per rank (0: what the machine has) */
    int resume, force, quiet;
    const double *weight;  /* each point's estimated cost (NULL: equal) */
    double progress_every; /* seconds between progress lines off a terminal */
    FILE *err;             /* where this rank's own failures go (every rank has one) */
};

/** @brief Runs every missing unit over the job's ranks (collective) and writes the merged file;
 * returns the exit status, the same on every rank: 0 every unit done, 1 a failure, 2 a usage
 * error, 3 stopped by a signal with units left (--resume continues). */
int aim_run_shards_run(const struct aim_run_shards_args *a);

#endif
