/* Resuming an interrupted run: the partial file is only read, and every replica marked done
 * that reads back completely is copied into a fresh file that replaces it. */
#include "sim/store_internal.h"

#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* 1 (with the message set) if a job-array part is resumed as another part, or as no part: the
 * file's root attribute shard ("I/N"; a rank file's "rank R of K, attempt A" is not a part) must be
 * the --shard of this run. */
static int aim_store_resume_shard_differs(const struct aim_store *old,
                                          const struct aim_store_provenance *prov, const char *path)
{
    char *shard = NULL;
    if (H5Aexists(old->file, "shard") > 0) {
        shard = aim_h5util_read_string_attr(old->file, "shard");
    }
    H5Eclear2(H5E_DEFAULT);
    int file_part = shard && strchr(shard, '/') != NULL;
    int run_part = prov->shard && strchr(prov->shard, '/') != NULL;
    int differs = (file_part || run_part) && (!file_part || !run_part || strcmp(shard, prov->shard) != 0);
    if (differs) {
        aim_error_set(AIM_ERR_USAGE, "%s: cannot resume: the file holds %s%s%s, this run %s%s", path,
                      file_part ? "part " : "", file_part ? shard : "every unit (no --shard)", "",
                      run_part ? "is --shard " : "has no --shard", run_part ? prov->shard : "");
    }
    free(shard);
    return differs;
}

/* Checks that a partial file was written by the same run (seed, config, shape). */
static enum aim_status aim_store_check_same_run(const struct aim_store *old, const char *path,
                                                const struct aim_store_layout *lay,
                                                const struct aim_store_provenance *prov)
{
    enum aim_status status = AIM_OK;
    char *config = aim_h5util_read_string_attr(old->file, "config");
    uint64_t seed = 0;
    int seed_ok = aim_h5util_read_u64_attr(old->file, "seed", &seed) == 0;
    if (!seed_ok || seed != prov->seed) {
        status = aim_error_set(
            AIM_ERR_USAGE, "%s: cannot resume: the file was written with seed %llu, this run has seed %llu",
            path, (unsigned long long)seed, (unsigned long long)prov->seed);
    } else if (aim_store_resume_shard_differs(old, prov, path)) {
        status = AIM_ERR_USAGE; /* the message is set */
    } else if (!config || strcmp(config, prov->config_yaml) != 0) {
        status =
            aim_error_set(AIM_ERR_USAGE,
                          "%s: cannot resume: the file was written with a different configuration (compare "
                          "`aimsim info %s` with `aimsim config show`); use --force to start again",
                          path, path);
    } else if (old->n_points != lay->n_points || old->n_replicas != lay->n_replicas ||
               old->n_times != lay->n_times || old->n_firms != lay->n_firms ||
               old->n_snapshots != aim_traj_snapshot_count(lay->n_times, lay->bs_every)) {
        status =
            aim_error_set(AIM_ERR_USAGE,
                          "%s: cannot resume: the file holds %d points x %d replicas x %d times x %d firms "
                          "x %d balance-sheet snapshots, this run needs %d x %d x %d x %d x %d",
                          path, old->n_points, old->n_replicas, old->n_times, old->n_firms, old->n_snapshots,
                          lay->n_points, lay->n_replicas, lay->n_times, lay->n_firms,
                          aim_traj_snapshot_count(lay->n_times, lay->bs_every));
    }
    free(config);
    return status;
}

enum aim_status aim_store_resume_check_run(const struct aim_store *st, const struct aim_store_layout *lay,
                                           const struct aim_store_provenance *prov)
{
    return aim_store_check_same_run(st, st->path, lay, prov);
}

/* Reads every event row that can be read, chunk by chunk: a chunk the killed run was rewriting
 * may not decode, and the rows it held are then missing (their replicas get rerun). */
static enum aim_status aim_store_read_rows_tolerant(struct aim_store *st, size_t *n)
{
    enum aim_status status = aim_store_reserve_rows(st, (size_t)st->n_events);
    hsize_t total = st->n_events, step = AIM_STORE_EVENT_CHUNK;
    *n = 0;
    if (status) {
        return status;
    }
    hid_t fs = H5Dget_space(st->events_ds);
    if (fs < 0) {
        return aim_h5util_fail(st->path, "reading the dataspace of", "/events");
    }
    for (hsize_t start = 0; start < total; start += step) {
        hsize_t count = total - start < step ? total - start : step;
        hid_t ms = H5Screate_simple(1, &count, NULL);
        if (ms >= 0 && H5Sselect_hyperslab(fs, H5S_SELECT_SET, &start, NULL, &count, NULL) >= 0 &&
            H5Dread(st->events_ds, st->event_type, ms, fs, H5P_DEFAULT, st->rows + *n) >= 0) {
            *n += (size_t)count;
        } else {
            H5Eclear2(H5E_DEFAULT);
        }
        if (ms >= 0) {
            H5Sclose(ms);
        }
    }
    H5Sclose(fs);
    return AIM_OK;
}

/* Copies replica r of point p from old to st if all of it reads back: every series chunk
 * decodes and all event_count rows (seq 0..n-1) are present. rows[*at..] are old's rows, sorted. */
static enum aim_status aim_store_salvage_replica(struct aim_store *st, struct aim_store *old, int p, int r,
                                                 const int32_t *counts,
                                                 const struct aim_store_event_row *rows, size_t nrows,
                                                 size_t *at, struct aim_traj *tr, int *kept)
{
    *kept = 0;
    while (*at < nrows && (rows[*at].point < p || (rows[*at].point == p && rows[*at].replica < r))) {
        (*at)++;
    }
    size_t first = *at;
    while (*at < nrows && rows[*at].point == p && rows[*at].replica == r) {
        (*at)++;
    }
    int32_t want = counts[(size_t)p * (size_t)old->n_replicas + (size_t)r];
    if (want < 0 || (size_t)want != *at - first) {
        return AIM_OK;
    }
    for (int32_t k = 0; k < want; k++) {
        if (rows[first + (size_t)k].seq != k) {
            return AIM_OK;
        }
    }
    for (int v = 0; v < AIM_FIRM_VAR_COUNT; v++) {
        if (aim_store_series_io(old->firm[v], 4, p, r, old->n_times, old->n_firms, tr->firm[v], 0) < 0) {
            H5Eclear2(H5E_DEFAULT);
            return AIM_OK;
        }
    }
    for (int v = 0; v < AIM_MARKET_VAR_COUNT; v++) {
        if (aim_store_series_io(old->market[v], 3, p, r, old->n_times, 0, tr->market[v], 0) < 0) {
            H5Eclear2(H5E_DEFAULT);
            return AIM_OK;
        }
    }
    if (aim_store_bs_io(old, p, r, tr->bs, 0) < 0) {
        H5Eclear2(H5E_DEFAULT);
        return AIM_OK;
    }
    tr->n_events = 0;
    for (int32_t k = 0; k < want; k++) {
        const struct aim_store_event_row *e = &rows[first + (size_t)k];
        struct aim_event ev = {e->step, e->kind, e->a, e->b, e->c, {e->amount0, e->amount1, e->amount2}};
        enum aim_status s = aim_traj_add_event(tr, &ev);
        if (s) {
            return s;
        }
    }
    *kept = 1;
    return aim_store_write_replica(st, p, r, tr);
}

enum aim_status aim_store_resume_loud(struct aim_store **out, const char *path,
                                      const struct aim_store_layout *lay,
                                      const struct aim_store_provenance *prov)
{
    /* A killed run can leave the partial file's chunk index pointing past the end of the space
     * HDF5 recorded as allocated (the index reached the disk, the superblock did not). Writing
     * into that file again could then place new chunks over old ones. So the partial file is
     * only read: every replica marked done that reads back completely is copied into a fresh
     * file, which then replaces the partial one; the rest are run again. */
    *out = NULL;
    struct aim_store *old = NULL, *st = NULL;
    struct aim_traj *tr = NULL;
    int32_t *counts = NULL;
    char *tmp = NULL, *start_time = NULL;
    enum aim_status status = aim_store_create_check_layout(lay, path);
    if (status) {
        return status;
    }
    status = aim_store_open_loud(&old, path, 0);
    if (status) {
        return aim_error_prefix(status, "cannot resume: ");
    }
    status = aim_store_check_same_run(old, path, lay, prov);
    if (status) {
        goto done;
    }
    size_t ncell = (size_t)old->n_points * (size_t)old->n_replicas, nrows = 0, at = 0;
    counts = malloc(ncell * sizeof *counts);
    tmp = malloc(strlen(path) + sizeof ".salvage");
    if (!counts || !tmp) {
        status = aim_error_set(AIM_ERR_NOMEM, "%s: out of memory", path);
        goto done;
    }
    sprintf(tmp, "%s.salvage", path);
    if (H5Dread(old->count_ds, H5T_NATIVE_INT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, counts) < 0) {
        status = aim_h5util_damaged(path, "reading", "/event_count");
        goto done;
    }
    status = aim_store_read_rows_tolerant(old, &nrows);
    if (status) {
        goto done;
    }
    if (nrows > 1) {
        qsort(old->rows, nrows, sizeof *old->rows, aim_store_row_cmp);
    }
    size_t m = 0;
    for (size_t i = 0; i < nrows; i++) {
        if (m == 0 || aim_store_row_cmp(&old->rows[m - 1], &old->rows[i]) != 0) {
            old->rows[m++] = old->rows[i];
        }
    }
    nrows = m;
    if (unlink(tmp) != 0 && errno != ENOENT) { /* a copy left by a resume that was itself killed */
        status = aim_error_set(AIM_ERR_IO, "%s: cannot remove: %s", tmp, strerror(errno));
        goto done;
    }
    status = aim_store_create(&st, tmp, lay, prov);
    if (status) {
        goto done;
    }
    start_time = aim_h5util_read_string_attr(old->file, "start_time");
    if (start_time && aim_h5util_write_string_attr(st->file, "start_time", start_time) < 0) {
        status = aim_h5util_fail(tmp, "writing attribute", "/start_time");
        goto done;
    }
    status = aim_traj_create(&tr, old->n_firms, old->n_times, old->bs_every);
    st->batch = 1;
    for (int p = 0; !status && p < old->n_points; p++) {
        for (int r = 0; !status && r < old->n_replicas; r++) {
            int kept = 0;
            if (aim_store_replica_done(old, p, r)) {
                status = aim_store_salvage_replica(st, old, p, r, counts, old->rows, nrows, &at, tr, &kept);
            }
        }
    }
    st->batch = 0;
    if (status) {
        goto done;
    }
    if (H5Fflush(st->file, H5F_SCOPE_GLOBAL) < 0) {
        status = aim_h5util_fail(tmp, "flushing", "the file");
        goto done;
    }
    status = aim_store_release(old);
    old = NULL;
    if (!status) {
        status = aim_store_file_fsync(tmp, 0);
    }
    if (!status && rename(tmp, path) != 0) {
        status = aim_error_set(AIM_ERR_IO, "cannot rename %s to %s: %s", tmp, path, strerror(errno));
    }
    if (!status) {
        char *dir = strdup(path), *newpath = strdup(path);
        status = dir && newpath ? aim_store_file_fsync(dirname(dir), 1)
                                : aim_error_set(AIM_ERR_NOMEM, "out of memory");
        free(dir);
        if (newpath) {
            free(st->path);
            st->path = newpath;
        }
    }
done:
    aim_traj_free(tr);
    free(counts);
    free(start_time);
    if (old) {
        aim_store_release(old);
    }
    if (status && st) {
        aim_store_release(st);
        st = NULL;
        unlink(tmp);
    }
    free(tmp);
    if (status) {
        return status;
    }
    *out = st;
    return AIM_OK;
}
