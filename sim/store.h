/* The HDF5 trajectory store: one file per run, datasets with a leading point dimension, written
 * one completed replica at a time so that a killed run keeps every replica it finished. */
#ifndef AIM_STORE_H
#define AIM_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "sim/error.h"
#include "sim/traj.h"

struct aim_store; /* opaque: an open HDF5 file */

/** @brief Shape and labels of a store: what every dataset's dimensions are. */
struct aim_store_layout {
    int n_points;                  /* sweep points (1 for a single run) */
    int n_replicas;                /* replicas per point */
    int n_times;                   /* steps + 1 */
    int n_firms;                   /* vendors, clouds, labs */
    const char *const *firm_names; /* n_firms names */
    const int *firm_kinds;         /* n_firms values of enum aim_firm_kind */
    const char *start_date;        /* calendar month of time 0, "YYYY-MM" */
    int bs_every;                  /* balance-sheet snapshot stride, months (run.balance_sheet_every) */
    const char *const *bs_rows;    /* AIM_BS_ROWS names of the matrix's rows (aim_balance_row_name) */
    const char *const *bs_cols;    /* AIM_BS_COLS names of its columns (aim_balance_col_name) */
};

/** @brief The design of a sweep, written as /sweep/points [point, factor] with its attributes. */
struct aim_store_sweep {
    const char *design;        /* design name (sweep.design: grid, sobol, ...) */
    long design_n;             /* sweep.points (0: not given) */
    uint64_t design_seed;      /* seed of the design's own stream (sweep.seed, resolved) */
    int common_random_numbers; /* sweep.common_random_numbers */
    int n_factors;             /* columns */
    const char *const *keys;   /* n_factors config keys */
    const double *points;      /* n_points x n_factors values used, row-major */
};

/** @brief What made the file, written as root attributes. */
struct aim_store_provenance {
    const char *config_yaml;             /* the fully resolved configuration (aim_config_emit) */
    uint64_t seed;                       /* root seed */
    const struct aim_store_sweep *sweep; /* the sweep's points (NULL: a single run, no /sweep) */
    const char *shard;                   /* "i/n" for a shard file (root attribute shard), else NULL */
};

/** @brief What aim_store_merge did. */
struct aim_store_merge_report {
    int files;       /* shard files read */
    int sources;     /* of which the merged file reads units from */
    long units;      /* units (point, replica) of the layout */
    long done;       /* units done in some shard */
    long duplicates; /* units done in more than one shard (the first listed gives them) */
};

/** @brief Creates a new store at path (fails if it exists), with every dataset allocated and
 * the provenance attributes written; replicas are then added by aim_store_write_replica. The file
 * appears at path only once that is on disk (made under a unique temporary name beside it). */
enum aim_status aim_store_create(struct aim_store **st, const char *path,
                                 const struct aim_store_layout *layout,
                                 const struct aim_store_provenance *prov);
/** @brief Reopens a partial store for writing, refusing one whose layout, config or seed differ. */
enum aim_status aim_store_open_resume(struct aim_store **st, const char *path,
                                      const struct aim_store_layout *layout,
                                      const struct aim_store_provenance *prov);
/** @brief Opens a store read-only (for aim_store_read_replica and aim_store_replica_done) after
 * checking every object of the layout; AIM_ERR_FORMAT naming the dataset for a damaged file.
 * A killed run's file (superblock still "open for writing") opens too, unchanged. */
enum aim_status aim_store_open_read(struct aim_store **st, const char *path);
/** @brief Writes replica r of point p, flushes it to disk, then marks it done and flushes again. */
enum aim_status aim_store_write_replica(struct aim_store *st, int point, int replica,
                                        const struct aim_traj *tr);
/** @brief aim_store_write_replica for a short unit: its data are written now and it is marked done
 * (after a flush) with the next commit, which comes when a second has passed since the last, with
 * the next aim_store_write_replica, aim_store_commit, aim_store_finish or aim_store_close. Two
 * flushes per unit otherwise bound a run of many short units; a kill loses at most the units
 * waiting (their data are ignored without their flags). */
enum aim_status aim_store_write_replica_lazy(struct aim_store *st, int point, int replica,
                                             const struct aim_traj *tr);
/** @brief Marks done the units aim_store_write_replica_lazy left waiting (flushing first). */
enum aim_status aim_store_commit(struct aim_store *st);
/** @brief Reads replica r of point p into tr (sized for the store's firms and times); a chunk
 * that fails its checksum or an event row out of range is AIM_ERR_FORMAT. */
enum aim_status aim_store_read_replica(struct aim_store *st, int point, int replica, struct aim_traj *tr);
/** @brief 1 if replica r of point p is complete in the file, 0 if not (out of range: 0). */
int aim_store_replica_done(const struct aim_store *st, int point, int replica);
/** @brief Number of complete replicas of point p. */
int aim_store_done_count(const struct aim_store *st, int point);
/** @brief The store's layout sizes (names and kinds are not filled). */
void aim_store_shape(const struct aim_store *st, int *n_points, int *n_replicas, int *n_times, int *n_firms);
/** @brief Stride of the file's balance-sheet snapshots, months (snapshots at months 0, k, 2k, ...
 * and the last month; aim_traj_snapshot_month gives them). */
int aim_store_bs_every(const struct aim_store *st);
/** @brief Name of balance-sheet row r (0 <= r < AIM_BS_ROWS) as the file holds it; NULL out of range. */
const char *aim_store_bs_row_name(const struct aim_store *st, int r);
/** @brief Name of balance-sheet column c (0 <= c < AIM_BS_COLS) as the file holds it; NULL out of range. */
const char *aim_store_bs_col_name(const struct aim_store *st, int c);
/** @brief Orders the event log by (point, replica, seq), writes the end time, closes the file,
 * fsyncs it and renames it to final_path (NULL: stay where it is). Frees st in every case. */
enum aim_status aim_store_finish(struct aim_store *st, const char *final_path);
/** @brief Closes the file without finishing it (after an error or interruption); frees st. */
enum aim_status aim_store_close(struct aim_store *st);
/** @brief Closes and removes a file this store created, if its path still names that file (one
 * with nothing worth keeping, e.g. no replica done after a failure); frees st. */
enum aim_status aim_store_discard(struct aim_store *st);
/** @brief Writes out, a file of lay and prov whose series and balance sheets are HDF5 virtual
 * datasets reading each unit (point, replica) from the first of the n shard files that has it done
 * (paths relative to out's directory: keep the shards beside it), and whose /replica_done,
 * /event_count and /events are the shards' merged. Every shard must be a store (not a merged file)
 * of the same config, seed and shape, and of the same build (version, revision, compiler and
 * flags, which out keeps). Made under a temporary name, then renamed to out: over an existing out
 * only if replace. */
enum aim_status aim_store_merge(const char *out, const struct aim_store_layout *lay,
                                const struct aim_store_provenance *prov, int n, const char *const *shards,
                                int replace, struct aim_store_merge_report *report);
/** @brief AIM_ERR_USAGE (saying what differs) unless st was written by a run of this layout,
 * config and seed. */
enum aim_status aim_store_check_run(const struct aim_store *st, const struct aim_store_layout *lay,
                                    const struct aim_store_provenance *prov);
/** @brief 1 if st is a merged file (its series read from shard files), 0 if not. */
int aim_store_is_merged(const struct aim_store *st);
/** @brief Bytes of memory the HDF5 caches of an open store of this layout may hold. */
size_t aim_store_cache_bytes(const struct aim_store_layout *layout);
/** @brief Bytes one replica takes in the file before compression (for size estimates). */
size_t aim_store_replica_raw_bytes(const struct aim_store_layout *layout);
/** @brief A human-readable description of a store file: provenance attributes and every
 * dataset's shape (malloc'd text). Fails with AIM_ERR_FORMAT for a non-aimsim or damaged file. */
enum aim_status aim_store_describe(const char *path, char **text);
/** @brief Root string attribute name of an open store (start_date, config, ...) as a malloc'd
 * string in *value; AIM_ERR_FORMAT if it is missing, not a fixed-length string or unreadable. */
enum aim_status aim_store_read_root_string(const struct aim_store *st, const char *name, char **value);
/** @brief The /sweep group of an open store, read and checked on opening: 1 if the file holds one
 * (n_factors, keys and row-major n_points x n_factors values then point into the store, valid while it
 * is open), 0 if not (a single run). */
int aim_store_sweep_points(const struct aim_store *st, int *n_factors, const char *const **keys,
                           const double **values);
/** @brief Kind (enum aim_firm_kind) of firm f, read and checked on opening; -1 out of range. */
int aim_store_firm_kind(const struct aim_store *st, int f);
/** @brief Days from the first day of start_date ("YYYY-MM") to the first day of each of the
 * n_times months from it (proleptic Gregorian calendar): the values of the time coordinate. */
enum aim_status aim_store_month_days(const char *start_date, int n_times, double *days);

#endif
