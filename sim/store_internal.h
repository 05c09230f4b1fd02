/* What the store's modules (sim/store*.c) share: the layout's constants, an open store's state
 * and the functions each module gives the others, named with that module's prefix. Internal:
 * it names HDF5 types, so only sim/store*.c include it; others use sim/store.h. */
#ifndef AIM_STORE_INTERNAL_H
#define AIM_STORE_INTERNAL_H

#include <hdf5.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "sim/h5util.h"
#include "sim/store.h"

/* Identifies an aimsim file and the version of this layout. */
#define AIM_STORE_FORMAT "aimsim-trajectories-3"
/* deflate level: 4 compresses these smooth series nearly as well as 9, several times faster. */
/* The event table grows in chunks of the size aim_h5util_create_scale gives an unlimited scale. */
enum { AIM_STORE_DEFLATE = 4, AIM_STORE_EVENT_CHUNK = AIM_H5UTIL_UNLIMITED_CHUNK };
/* Longest balance-sheet row or column name, with its NUL. */
enum { AIM_STORE_BS_NAME = 32 };
/* Seconds a unit written with aim_store_write_replica_lazy may wait to be marked done. */
#define AIM_STORE_COMMIT_EVERY 1.0

/** @brief One event row as stored: the key (point, replica, seq) makes every row unique. */
struct aim_store_event_row {
    int32_t point, replica, seq, step, kind, a, b, c;
    double amount0, amount1, amount2;
};

struct aim_store {
    char *path;
    int writable;
    dev_t dev; /* identity of the file this store created (created = 1), checked before renaming */
    ino_t ino;
    int created;
    hid_t file;
    hid_t firm[AIM_FIRM_VAR_COUNT];
    hid_t market[AIM_MARKET_VAR_COUNT];
    hid_t done_ds, count_ds, events_ds, event_scale;
    hid_t bs_ds;      /* /balance_sheet [point, replica, snapshot, bs_row, bs_col] */
    hid_t event_type; /* memory and file type of a row */
    int n_points, n_replicas, n_times, n_firms;
    int bs_every, n_snapshots; /* balance-sheet snapshots: months 0, bs_every, ... and the last */
    char bs_names[AIM_BS_ROWS + AIM_BS_COLS][AIM_STORE_BS_NAME]; /* row names, then column names */
    int bs_width[2];    /* characters of /bs_row_name and /bs_col_name (as read) */
    int batch;          /* while salvaging: no flush per replica, one at the end */
    uint8_t *done;      /* copy of /replica_done */
    int *kinds;         /* enum aim_firm_kind of each firm */
    int label_width[2]; /* characters of /firm/firm_name and /firm/firm_kind (as read) */
    hsize_t n_events;   /* rows in /events */
    struct aim_store_event_row *rows;
    size_t cap_rows;
    int sweep_factors;    /* columns of /sweep/points (0: no /sweep, a single run) */
    char **sweep_keys;    /* /sweep/factor_key as read */
    double *sweep_values; /* /sweep/points as read, row-major */
    int merged;           /* its series are virtual datasets over shard files (aimsim merge) */
    int32_t *pending;     /* units written but not yet marked done: (point, replica) pairs */
    size_t n_pending, cap_pending;
    double last_commit; /* CLOCK_MONOTONIC seconds of the last commit */
};

#define AIM_H5_CHECK(expr, st, what, object)                                                                 \
    do {                                                                                                     \
        if ((expr) < 0) {                                                                                    \
            status = aim_h5util_fail((st)->path, what, object);                                              \
            goto fail;                                                                                       \
        }                                                                                                    \
    } while (0)

/* ---- sim/store.c: the open store, replicas and finishing ---- */

/** @brief A store for path with every handle invalid and nothing allocated but its path. */
struct aim_store *aim_store_alloc(const char *path, int writable);
/** @brief Closes every handle and frees st; returns the first failure of H5Fclose. */
enum aim_status aim_store_release(struct aim_store *st);
/** @brief The compound type of an /events row (memory and file); negative on failure. */
hid_t aim_store_event_type(void);
/** @brief UTC now as ISO 8601 ("2026-11-26T04:30:00Z"). */
void aim_store_utc_now(char *buf, size_t size);
/** @brief Reads (write = 0) or writes one replica's block of a series dataset of this rank. */
herr_t aim_store_series_io(hid_t ds, int rank, int point, int replica, int n_times, int n_firms, double *buf,
                           int write);
/** @brief Reads (write = 0) or writes one replica's balance-sheet snapshots (n_snapshots x
 * AIM_BS_ROWS x AIM_BS_COLS). */
herr_t aim_store_bs_io(const struct aim_store *st, int point, int replica, double *buf, int write);
/** @brief Sizes /event to st->n_events and numbers its entries from index from on. */
enum aim_status aim_store_sync_event_scale(struct aim_store *st, hsize_t from);
/** @brief Makes room for n event rows in st->rows. */
enum aim_status aim_store_reserve_rows(struct aim_store *st, size_t n);
/** @brief Orders event rows by their key (point, replica, seq), for qsort. */
int aim_store_row_cmp(const void *pa, const void *pb);

/* ---- sim/store_file.c: the file on disk ---- */

/** @brief Reserves a new empty file PATH.HOST.PID.creating for path to be made in (removing
 * stale ones of this host first); the malloc'd name, or NULL with the error set. */
char *aim_store_file_reserve(const char *path);
/** @brief Gives the made file tmp its name path unless path exists (then -1, errno EEXIST). */
int aim_store_file_publish(const char *tmp, const char *path);
/** @brief fsync of a file or (directory = 1) a directory by path. */
enum aim_status aim_store_file_fsync(const char *path, int directory);
/** @brief The file's own size in bytes (0 if it cannot be read). */
hsize_t aim_store_file_size(const char *path);
/** @brief 1 if path still names the file of identity (dev, ino), 0 if not or if it is gone. */
int aim_store_file_is(const char *path, dev_t dev, ino_t ino);

/* ---- sim/store_create.c: a new file ---- */

/** @brief AIM_ERR_USAGE unless the layout has points, replicas, times >= 1, firms >= 0 and a
 * start date YYYY-MM. */
enum aim_status aim_store_create_check_layout(const struct aim_store_layout *lay, const char *path);
/** @brief aim_store_create with HDF5's error printing as it is. */
enum aim_status aim_store_create_loud(struct aim_store **out, const char *path,
                                      const struct aim_store_layout *lay,
                                      const struct aim_store_provenance *prov);

/** @brief Where a merged file's series read their units from: n source files (paths relative to
 * the merged file's directory), and for each unit (point * n_replicas + replica) the index of the
 * source that gives it (-1: none; the unit reads as NaN). */
struct aim_store_vmap {
    int n_sources;
    char **sources;
    const int32_t *owner;
    int n_points, n_replicas;
};

/** @brief aim_store_create with, for a merged file (vmap not NULL), every series dataset and
 * /balance_sheet an HDF5 virtual dataset over the sources of vmap. */
enum aim_status aim_store_create_with(struct aim_store **out, const char *path,
                                      const struct aim_store_layout *lay,
                                      const struct aim_store_provenance *prov,
                                      const struct aim_store_vmap *vmap);

/** @brief Adds to dcpl one virtual mapping per source of vmap that gives a unit: the units' blocks
 * [p, r, ...] of a dataset of this rank and dims, read from dataset obj of the source file at the
 * same place. */
herr_t aim_store_create_vmap(hid_t dcpl, const struct aim_store_vmap *vmap, int rank, const hsize_t *dims,
                             const char *obj);

/* ---- sim/store_open.c: an existing file, checked ---- */

/** @brief Opens a file for reading (or, writable, for writing) after checking every object of
 * the layout; AIM_ERR_FORMAT naming the object for a damaged file. */
enum aim_status aim_store_open_loud(struct aim_store **out, const char *path, int writable);

/* ---- sim/store_describe.c and sim/store_resume.c ---- */

/** @brief aim_store_describe with HDF5's error printing as it is. */
enum aim_status aim_store_describe_loud(const char *path, char **text);
/** @brief aim_store_check_run with HDF5's error printing as it is. */
enum aim_status aim_store_resume_check_run(const struct aim_store *st, const struct aim_store_layout *lay,
                                           const struct aim_store_provenance *prov);
/** @brief aim_store_merge with HDF5's error printing as it is. */
enum aim_status aim_store_merge_loud(const char *out, const struct aim_store_layout *lay,
                                     const struct aim_store_provenance *prov, int n,
                                     const char *const *shards, int replace,
                                     struct aim_store_merge_report *rep);
/** @brief aim_store_open_resume with HDF5's error printing as it is. */
enum aim_status aim_store_resume_loud(struct aim_store **out, const char *path,
                                      const struct aim_store_layout *lay,
                                      const struct aim_store_provenance *prov);

#endif
