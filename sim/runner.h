/* The Monte Carlo runner: replicas of one sweep point run in parallel (OpenMP), each completed
 * replica written to the store by one writer at a time. */
#ifndef AIM_RUNNER_H
#define AIM_RUNNER_H

#include <stddef.h>
#include <stdint.h>

#include "sim/config.h"
#include "sim/error.h"
#include "sim/store.h"

/* Most firms a config can name (vendors, clouds and labs lists of sim/params.def). */
#define AIM_RUNNER_MAX_FIRMS 384

/** @brief Progress report: units (point, replica) done (of total) this call, seconds since it started. */
typedef void aim_runner_progress_fn(void *ctx, int done, int total, double elapsed_s);

/** @brief The points of a sweep: point_config makes point p's config (malloc'd, freed by the
 * runner with aim_config_free; called from worker threads, each time a thread moves to another
 * point, so that only one config per thread is held); largest is the config whose world takes the
 * most memory (the memory estimate's). */
struct aim_runner_sweep {
    enum aim_status (*point_config)(void *ctx, int point, struct aim_config **out);
    void *ctx;
    const struct aim_config *largest;
};

/** @brief Where the units of a run come from when not from the store: next gives the next unit to
 * run (returns 1) or says there is none left (0). Worker threads call it one at a time; a unit the
 * store has already done is skipped. The ranks of an MPI run and a --shard take their units so. */
struct aim_runner_units {
    int (*next)(void *ctx, int *point, int *replica);
    void *ctx;
    long total; /* most units it gives (the progress display's total) */
};

/** @brief What to run and how. */
struct aim_runner_options {
    int threads;                      /* worker threads (>= 1) */
    int point;                        /* sweep point index p (0 for a single run) */
    int replica_begin, replica_end;   /* run replicas [begin, end) of the point; done ones are skipped */
    size_t max_memory;                /* refuse to start above this many bytes (0: what the machine has) */
    aim_runner_progress_fn *progress; /* called after each replica is written (may be NULL) */
    void *progress_ctx;
    /* A sweep: every point of the store runs replicas [begin, end) with its own config, and
     * opt->point is ignored. NULL: one point, cfg. */
    const struct aim_runner_sweep *sweep;
    /* NULL: every unit of [points] x [replica_begin, replica_end) the store has not done. */
    const struct aim_runner_units *units;
};

/** @brief What a run did. */
struct aim_runner_report {
    int replicas_run;      /* replicas computed and written by this call */
    int replicas_skipped;  /* already done in the store (resume) */
    double seconds;        /* wall time of the call */
    double write_seconds;  /* of which writing to the store */
    size_t peak_bytes;     /* the memory estimate the run was admitted with */
    int max_inner_threads; /* most threads one replica's investor loop was given (1: no nesting) */
};

/** @brief A store layout for a config: firm names and kinds in the world's firm order. */
struct aim_runner_layout {
    struct aim_store_layout store;
    const char *names[AIM_RUNNER_MAX_FIRMS];
    int kinds[AIM_RUNNER_MAX_FIRMS];
    const char *bs_rows[AIM_BS_ROWS], *bs_cols[AIM_BS_COLS]; /* names of the balance-sheet matrix */
};

/** @brief Fills the store layout a run of cfg with n_points sweep points writes. */
enum aim_status aim_runner_layout_init(struct aim_runner_layout *rl, const struct aim_config *cfg,
                                       int n_points);
/** @brief Estimated peak bytes of a run with this many threads: worlds, trajectories, HDF5 caches. */
size_t aim_runner_estimate_bytes(const struct aim_config *cfg, int threads);
/** @brief Refuses (AIM_ERR_NOMEM, with the figures) a run whose estimate exceeds the limit. */
enum aim_status aim_runner_check_memory(const struct aim_config *cfg, int threads, size_t max_memory);
/** @brief Estimated size of the run file of cfg with n_points points, in the worst case (nothing
 * compresses): preallocated chunks, every series uncompressed, events, metadata. */
size_t aim_runner_estimate_file_bytes(const struct aim_config *cfg, int n_points);
/** @brief Refuses (AIM_ERR_IO, with the figures) a run whose file estimate exceeds max_disk if set,
 * else the free space of the file system holding path. */
enum aim_status aim_runner_check_disk(const struct aim_config *cfg, int n_points, const char *path,
                                      size_t max_disk);
/** @brief Runs replicas [begin, end) of a point (or of every point of a sweep) into st, units
 * (point, replica) taken dynamically by the threads; replica r of point p draws from the stream
 * (seed, p, r), or (seed, 0, r) with sweep.common_random_numbers; datasets do not depend on threads
 * or on the order in which units complete. */
enum aim_status aim_runner_run(const struct aim_config *cfg, struct aim_store *st,
                               const struct aim_runner_options *opt, struct aim_runner_report *report);

#endif
