/* HDF5 trajectory store (docs/output.md). Layout:
 *   /firm/<var>    [point, replica, time, firm]  float64, one chunk per replica
 *   /market/<var>  [point, replica, time]        float64, one chunk per replica
 *   /balance_sheet [point, replica, snapshot, bs_row, bs_col]  float64, one chunk per replica:
 *                  the month-end balance-sheet matrix at months /balance_sheet_month
 *   /replica_done  [point, replica]              uint8, 1 once the replica is complete
 *   /events        [event]                       compound rows (point, replica, seq, step, kind, ...)
 * with netCDF-4 dimension scales (point, replica, time, firm, event) so that xarray with the
 * h5netcdf engine loads labelled arrays. Each group holds its own copies of the scales it uses,
 * so that opening one group with xarray yields its coordinates too.
 *
 * Crash safety: every chunk of the series datasets is allocated when the file is created, so
 * writing a replica never splits the chunk index; a replica's series and events are written and
 * flushed before its done flag is written and flushed. A killed run therefore leaves every
 * replica marked done intact. Event rows carry their key (point, replica, seq): rows of replicas
 * not marked done, and duplicates left by an interrupted run, are dropped when the run finishes.
 *
 * This file holds an open store: its replicas, finishing and the public entry points. Creating a
 * file is sim/store_create.c, opening and checking one sim/store_open.c, resuming
 * sim/store_resume.c, `aimsim info`'s description sim/store_describe.c, the file's temporary
 * names, publishing and syncing sim/store_file.c; what they share is sim/store_internal.h. */
#include "sim/store_internal.h"

#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <hdf5_hl.h>

struct aim_store *aim_store_alloc(const char *path, int writable)
{
    struct aim_store *st = calloc(1, sizeof *st);
    if (!st) {
        return NULL;
    }
    st->path = strdup(path);
    if (!st->path) {
        free(st);
        return NULL;
    }
    st->writable = writable;
    st->file = st->done_ds = st->count_ds = st->events_ds = st->event_scale = st->event_type = st->bs_ds =
        H5I_INVALID_HID;
    for (int v = 0; v < AIM_FIRM_VAR_COUNT; v++) {
        st->firm[v] = H5I_INVALID_HID;
    }
    for (int v = 0; v < AIM_MARKET_VAR_COUNT; v++) {
        st->market[v] = H5I_INVALID_HID;
    }
    return st;
}

static void aim_store_close_id(hid_t *id, herr_t (*closer)(hid_t))
{
    if (*id >= 0) {
        closer(*id);
        *id = H5I_INVALID_HID;
    }
}

/* Closes every handle; returns the first failure of H5Fclose. */
enum aim_status aim_store_release(struct aim_store *st)
{
    enum aim_status status = AIM_OK;
    for (int v = 0; v < AIM_FIRM_VAR_COUNT; v++) {
        aim_store_close_id(&st->firm[v], H5Dclose);
    }
    for (int v = 0; v < AIM_MARKET_VAR_COUNT; v++) {
        aim_store_close_id(&st->market[v], H5Dclose);
    }
    aim_store_close_id(&st->bs_ds, H5Dclose);
    aim_store_close_id(&st->done_ds, H5Dclose);
    aim_store_close_id(&st->count_ds, H5Dclose);
    aim_store_close_id(&st->events_ds, H5Dclose);
    aim_store_close_id(&st->event_scale, H5Dclose);
    aim_store_close_id(&st->event_type, H5Tclose);
    if (st->file >= 0) {
        if (H5Fclose(st->file) < 0) {
            status = aim_h5util_fail(st->path, "closing", "the file");
        }
        st->file = H5I_INVALID_HID;
    }
    free(st->done);
    free(st->kinds);
    for (int i = 0; st->sweep_keys && i < st->sweep_factors; i++) {
        free(st->sweep_keys[i]);
    }
    free(st->sweep_keys);
    free(st->sweep_values);
    free(st->rows);
    free(st->pending);
    free(st->path);
    free(st);
    return status;
}

hid_t aim_store_event_type(void)
{
    hid_t t = H5Tcreate(H5T_COMPOUND, sizeof(struct aim_store_event_row));
    if (t < 0) {
        return t;
    }
#define AIM_EV_FIELD(f, ty)                                                                                  \
    if (H5Tinsert(t, #f, HOFFSET(struct aim_store_event_row, f), ty) < 0) {                                  \
        H5Tclose(t);                                                                                         \
        return H5I_INVALID_HID;                                                                              \
    }
    AIM_EV_FIELD(point, H5T_STD_I32LE)
    AIM_EV_FIELD(replica, H5T_STD_I32LE)
    AIM_EV_FIELD(seq, H5T_STD_I32LE)
    AIM_EV_FIELD(step, H5T_STD_I32LE)
    AIM_EV_FIELD(kind, H5T_STD_I32LE)
    AIM_EV_FIELD(a, H5T_STD_I32LE)
    AIM_EV_FIELD(b, H5T_STD_I32LE)
    AIM_EV_FIELD(c, H5T_STD_I32LE)
    AIM_EV_FIELD(amount0, H5T_IEEE_F64LE)
    AIM_EV_FIELD(amount1, H5T_IEEE_F64LE)
    AIM_EV_FIELD(amount2, H5T_IEEE_F64LE)
#undef AIM_EV_FIELD
    return t;
}

/* UTC now as ISO 8601 ("2026-11-26T04:30:00Z"). */
void aim_store_utc_now(char *buf, size_t size)
{
    time_t now = time(NULL);
    struct tm tm;
    if (gmtime_r(&now, &tm)) {
        strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
    } else {
        snprintf(buf, size, "unknown");
    }
}

/* ---- the calendar of the time coordinate ---- */

/* Days from 1970-01-01 to the first day of month m (1..12) of year y, proleptic Gregorian
 * (H. Hinnant's days_from_civil). */
static long long aim_store_civil_days(long long y, int m)
{
    y -= m <= 2;
    long long era = (y >= 0 ? y : y - 399) / 400;
    long long yoe = y - era * 400;
    long long doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5;
    long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

enum aim_status aim_store_month_days(const char *start_date, int n_times, double *days)
{
    int y = 0, m = 0, used = 0;
    if (!start_date || strlen(start_date) != 7 || sscanf(start_date, "%4d-%2d%n", &y, &m, &used) != 2 ||
        used != 7 || m < 1 || m > 12) {
        return aim_error_set(AIM_ERR_USAGE, "start date \"%s\" is not YYYY-MM", start_date ? start_date : "");
    }
    long long origin = aim_store_civil_days(y, m);
    for (int t = 0; t < n_times; t++) {
        long long months = (long long)(m - 1) + t;
        days[t] = (double)(aim_store_civil_days(y + months / 12, (int)(months % 12) + 1) - origin);
    }
    return AIM_OK;
}

/* Resizes /event to the table's length and numbers the new rows (after appends or recovery). */
enum aim_status aim_store_sync_event_scale(struct aim_store *st, hsize_t from)
{
    enum aim_status status = AIM_OK;
    hsize_t n = st->n_events;
    hid_t fs = H5I_INVALID_HID, ms = H5I_INVALID_HID;
    int32_t *idx = NULL;
    AIM_H5_CHECK(H5Dset_extent(st->event_scale, &n), st, "resizing", "/event");
    if (n > from) {
        hsize_t count = n - from;
        idx = malloc(count * sizeof *idx);
        if (!idx) {
            return aim_error_set(AIM_ERR_NOMEM, "%s: out of memory numbering events", st->path);
        }
        for (hsize_t i = 0; i < count; i++) {
            idx[i] = (int32_t)(from + i);
        }
        fs = H5Dget_space(st->event_scale);
        AIM_H5_CHECK(fs, st, "selecting in", "/event");
        AIM_H5_CHECK(H5Sselect_hyperslab(fs, H5S_SELECT_SET, &from, NULL, &count, NULL), st, "selecting in",
                     "/event");
        ms = H5Screate_simple(1, &count, NULL);
        AIM_H5_CHECK(ms, st, "creating memory space for", "/event");
        AIM_H5_CHECK(H5Dwrite(st->event_scale, H5T_NATIVE_INT32, ms, fs, H5P_DEFAULT, idx), st, "writing",
                     "/event");
    }
fail:
    free(idx);
    if (fs >= 0) {
        H5Sclose(fs);
    }
    if (ms >= 0) {
        H5Sclose(ms);
    }
    return status;
}

/* ---- replicas ---- */

static enum aim_status aim_store_check_replica(const struct aim_store *st, int point, int replica,
                                               const struct aim_traj *tr)
{
    if (point < 0 || point >= st->n_points || replica < 0 || replica >= st->n_replicas) {
        return aim_error_set(AIM_ERR_USAGE, "%s: replica %d of point %d is outside the file's %d x %d",
                             st->path, replica, point, st->n_points, st->n_replicas);
    }
    if (tr->n_firms != st->n_firms || tr->n_times != st->n_times) {
        return aim_error_set(AIM_ERR_USAGE, "%s: trajectory has %d firms x %d times, the file %d x %d",
                             st->path, tr->n_firms, tr->n_times, st->n_firms, st->n_times);
    }
    int same = tr->n_snapshots == st->n_snapshots;
    for (int s = 0; same && s < st->n_snapshots; s++) {
        same = aim_traj_snapshot_month(s, tr->n_times, tr->bs_every) ==
               aim_traj_snapshot_month(s, st->n_times, st->bs_every);
    }
    if (!same) {
        return aim_error_set(AIM_ERR_USAGE,
                             "%s: trajectory has a balance sheet every %d months (%d snapshots), the file "
                             "every %d (%d)",
                             st->path, tr->bs_every, tr->n_snapshots, st->bs_every, st->n_snapshots);
    }
    return AIM_OK;
}

herr_t aim_store_bs_io(const struct aim_store *st, int point, int replica, double *buf, int write)
{
    hsize_t start[5] = {(hsize_t)point, (hsize_t)replica, 0, 0, 0};
    hsize_t count[5] = {1, 1, (hsize_t)st->n_snapshots, AIM_BS_ROWS, AIM_BS_COLS};
    hsize_t mcount[1] = {(hsize_t)st->n_snapshots * AIM_TRAJ_BS_CELLS};
    hid_t fs = H5Dget_space(st->bs_ds);
    hid_t ms = H5Screate_simple(1, mcount, NULL);
    herr_t rc = -1;
    if (fs >= 0 && ms >= 0 && H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, count, NULL) >= 0) {
        rc = write ? H5Dwrite(st->bs_ds, H5T_NATIVE_DOUBLE, ms, fs, H5P_DEFAULT, buf)
                   : H5Dread(st->bs_ds, H5T_NATIVE_DOUBLE, ms, fs, H5P_DEFAULT, buf);
    }
    if (fs >= 0) {
        H5Sclose(fs);
    }
    if (ms >= 0) {
        H5Sclose(ms);
    }
    return rc;
}

/* Reads or writes one replica's block of a series dataset. */
herr_t aim_store_series_io(hid_t ds, int rank, int point, int replica, int n_times, int n_firms, double *buf,
                           int write)
{
    hsize_t start[4] = {(hsize_t)point, (hsize_t)replica, 0, 0};
    hsize_t count[4] = {1, 1, (hsize_t)n_times, (hsize_t)n_firms};
    hsize_t mcount[1] = {(hsize_t)n_times * (rank == 4 ? (hsize_t)n_firms : 1)};
    hid_t fs = H5Dget_space(ds);
    hid_t ms = H5Screate_simple(1, mcount, NULL);
    herr_t rc = -1;
    if (fs >= 0 && ms >= 0 && H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, count, NULL) >= 0) {
        if (mcount[0] == 0) {
            rc = 0;
        } else {
            rc = write ? H5Dwrite(ds, H5T_NATIVE_DOUBLE, ms, fs, H5P_DEFAULT, buf)
                       : H5Dread(ds, H5T_NATIVE_DOUBLE, ms, fs, H5P_DEFAULT, buf);
        }
    }
    if (fs >= 0) {
        H5Sclose(fs);
    }
    if (ms >= 0) {
        H5Sclose(ms);
    }
    return rc;
}

enum aim_status aim_store_reserve_rows(struct aim_store *st, size_t n)
{
    if (n <= st->cap_rows) {
        return AIM_OK;
    }
    size_t cap = st->cap_rows ? st->cap_rows : 256;
    while (cap < n) {
        cap *= 2;
    }
    struct aim_store_event_row *rows = realloc(st->rows, cap * sizeof *rows);
    if (!rows) {
        return aim_error_set(AIM_ERR_NOMEM, "%s: out of memory for %zu event rows", st->path, n);
    }
    st->rows = rows;
    st->cap_rows = cap;
    return AIM_OK;
}

/* Writes (write = 1) or reads every firm and market series and the balance-sheet snapshots of
 * replica (point, replica). */
static enum aim_status aim_store_series_all(struct aim_store *st, int point, int replica, double *const *firm,
                                            double *const *market, double *bs, int write)
{
    enum aim_status status = AIM_OK;
    char obj[128];
    for (int v = 0; v < AIM_FIRM_VAR_COUNT + AIM_MARKET_VAR_COUNT; v++) {
        int is_firm = v < AIM_FIRM_VAR_COUNT, m = v - AIM_FIRM_VAR_COUNT;
        herr_t rc =
            is_firm ? aim_store_series_io(st->firm[v], 4, point, replica, st->n_times, st->n_firms, firm[v],
                                          write)
                    : aim_store_series_io(st->market[m], 3, point, replica, st->n_times, 0, market[m], write);
        if (rc < 0) {
            snprintf(obj, sizeof obj, "/%s/%s (replica %d of point %d)", is_firm ? "firm" : "market",
                     is_firm ? aim_traj_firm_var_name(v) : aim_traj_market_var_name(m), replica, point);
            /* Reading, the file passed every check on opening: a chunk that fails is damaged. */
            return write ? aim_h5util_fail(st->path, "writing", obj)
                         : aim_h5util_damaged(st->path, "reading", obj);
        }
    }
    if (aim_store_bs_io(st, point, replica, bs, write) < 0) {
        snprintf(obj, sizeof obj, "/balance_sheet (replica %d of point %d)", replica, point);
        return write ? aim_h5util_fail(st->path, "writing", obj)
                     : aim_h5util_damaged(st->path, "reading", obj);
    }
    return status;
}

/* Seconds of CLOCK_MONOTONIC. */
static double aim_store_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Writes the done flag of unit (point, replica) and records it in st->done. */
static enum aim_status aim_store_mark_done(struct aim_store *st, int point, int replica)
{
    enum aim_status status = AIM_OK;
    hsize_t start[2] = {(hsize_t)point, (hsize_t)replica}, count[2] = {1, 1}, one = 1;
    uint8_t flag = 1;
    hid_t fs = H5Dget_space(st->done_ds), ms = H5Screate_simple(1, &one, NULL);
    AIM_H5_CHECK(fs, st, "selecting in", "/replica_done");
    AIM_H5_CHECK(ms, st, "creating memory space for", "/replica_done");
    AIM_H5_CHECK(H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, count, NULL), st, "selecting in",
                 "/replica_done");
    AIM_H5_CHECK(H5Dwrite(st->done_ds, H5T_NATIVE_UINT8, ms, fs, H5P_DEFAULT, &flag), st, "writing",
                 "/replica_done");
    st->done[(size_t)point * (size_t)st->n_replicas + (size_t)replica] = 1;
fail:
    if (fs >= 0) {
        H5Sclose(fs);
    }
    if (ms >= 0) {
        H5Sclose(ms);
    }
    return status;
}

static enum aim_status aim_store_pending_add(struct aim_store *st, int point, int replica)
{
    if (st->n_pending == st->cap_pending) {
        size_t cap = st->cap_pending ? 2 * st->cap_pending : 64;
        int32_t *p = realloc(st->pending, cap * 2 * sizeof *p);
        if (!p) {
            return aim_error_set(AIM_ERR_NOMEM, "%s: out of memory", st->path);
        }
        st->pending = p;
        st->cap_pending = cap;
    }
    st->pending[2 * st->n_pending] = point;
    st->pending[2 * st->n_pending + 1] = replica;
    st->n_pending++;
    return AIM_OK;
}

/* The units written but not marked done: their data flushed, then their flags, then flushed. */
static enum aim_status aim_store_commit_loud(struct aim_store *st)
{
    enum aim_status status = AIM_OK;
    st->last_commit = aim_store_now();
    if (st->n_pending == 0) {
        return AIM_OK;
    }
    AIM_H5_CHECK(H5Fflush(st->file, H5F_SCOPE_GLOBAL), st, "flushing", "the file");
    for (size_t i = 0; i < st->n_pending && !status; i++) {
        status = aim_store_mark_done(st, st->pending[2 * i], st->pending[2 * i + 1]);
    }
    if (status) {
        goto fail;
    }
    AIM_H5_CHECK(H5Fflush(st->file, H5F_SCOPE_GLOBAL), st, "flushing", "the file");
    st->n_pending = 0;
fail:
    return status;
}

enum aim_status aim_store_commit(struct aim_store *st)
{
    struct aim_h5util_errors saved;
    aim_h5util_quiet(&saved);
    enum aim_status status = aim_store_commit_loud(st);
    aim_h5util_restore(&saved);
    return status;
}

static enum aim_status aim_store_write_replica_loud(struct aim_store *st, int point, int replica,
                                                    const struct aim_traj *tr, int lazy)
{
    enum aim_status status = aim_store_check_replica(st, point, replica, tr);
    hid_t fs = H5I_INVALID_HID, ms = H5I_INVALID_HID;
    if (status) {
        return status;
    }
    if (!st->writable || st->merged) {
        return aim_error_set(AIM_ERR_USAGE, "%s: %s", st->path,
                             st->merged ? "a merged file: its units are written to the shard files"
                                        : "opened read-only");
    }
    status = aim_store_series_all(st, point, replica, tr->firm, tr->market, tr->bs, 1);
    if (status) {
        goto fail;
    }
    if (tr->n_events > 0) {
        status = aim_store_reserve_rows(st, tr->n_events);
        if (status) {
            return status;
        }
        for (size_t i = 0; i < tr->n_events; i++) {
            const struct aim_event *e = &tr->events[i];
            st->rows[i] =
                (struct aim_store_event_row){point, replica, (int32_t)i,   e->step,      e->kind,     e->a,
                                             e->b,  e->c,    e->amount[0], e->amount[1], e->amount[2]};
        }
        hsize_t from = st->n_events, count = tr->n_events, n = from + count;
        AIM_H5_CHECK(H5Dset_extent(st->events_ds, &n), st, "extending", "/events");
        fs = H5Dget_space(st->events_ds);
        AIM_H5_CHECK(fs, st, "selecting in", "/events");
        AIM_H5_CHECK(H5Sselect_hyperslab(fs, H5S_SELECT_SET, &from, NULL, &count, NULL), st, "selecting in",
                     "/events");
        ms = H5Screate_simple(1, &count, NULL);
        AIM_H5_CHECK(ms, st, "creating memory space for", "/events");
        AIM_H5_CHECK(H5Dwrite(st->events_ds, st->event_type, ms, fs, H5P_DEFAULT, st->rows), st, "writing",
                     "/events");
        st->n_events = n;
        status = aim_store_sync_event_scale(st, from);
        if (status) {
            goto fail;
        }
    }
    {
        hsize_t start[2] = {(hsize_t)point, (hsize_t)replica}, count[2] = {1, 1}, one = 1;
        int32_t n = (int32_t)tr->n_events;
        hid_t cfs = H5Dget_space(st->count_ds), cms = H5Screate_simple(1, &one, NULL);
        herr_t rc =
            cfs >= 0 && cms >= 0 && H5Sselect_hyperslab(cfs, H5S_SELECT_SET, start, NULL, count, NULL) >= 0
                ? H5Dwrite(st->count_ds, H5T_NATIVE_INT32, cms, cfs, H5P_DEFAULT, &n)
                : -1;
        if (cfs >= 0) {
            H5Sclose(cfs);
        }
        if (cms >= 0) {
            H5Sclose(cms);
        }
        AIM_H5_CHECK(rc, st, "writing", "/event_count");
    }
    if (fs >= 0) {
        H5Sclose(fs);
        fs = H5I_INVALID_HID;
    }
    if (ms >= 0) {
        H5Sclose(ms);
        ms = H5I_INVALID_HID;
    }
    if (st->batch) { /* salvaging: one flush at the end of the copy */
        status = aim_store_mark_done(st, point, replica);
    } else {
        /* Its data (with those of the units waiting) reach the file before its done flag does: a
         * lazy unit waits for the next commit, at most a second away. */
        status = aim_store_pending_add(st, point, replica);
        if (!status && (!lazy || aim_store_now() - st->last_commit >= AIM_STORE_COMMIT_EVERY)) {
            status = aim_store_commit_loud(st);
        }
    }
fail:
    if (fs >= 0) {
        H5Sclose(fs);
    }
    if (ms >= 0) {
        H5Sclose(ms);
    }
    return status;
}

/* Reads the whole event table into st->rows; returns the row count through n. */
static enum aim_status aim_store_read_rows(struct aim_store *st, size_t *n)
{
    enum aim_status status = aim_store_reserve_rows(st, (size_t)st->n_events);
    *n = 0;
    if (status) {
        return status;
    }
    if (st->n_events > 0 &&
        H5Dread(st->events_ds, st->event_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, st->rows) < 0) {
        return aim_h5util_damaged(st->path, "reading", "/events");
    }
    *n = (size_t)st->n_events;
    return status;
}

int aim_store_row_cmp(const void *pa, const void *pb)
{
    const struct aim_store_event_row *a = pa, *b = pb;
    if (a->point != b->point) {
        return a->point < b->point ? -1 : 1;
    }
    if (a->replica != b->replica) {
        return a->replica < b->replica ? -1 : 1;
    }
    return (a->seq > b->seq) - (a->seq < b->seq);
}

/* Keeps the rows of done replicas, in key order, once each (duplicates have equal content:
 * a replica is deterministic, and only an interrupted run leaves a second copy). */
static size_t aim_store_clean_rows(struct aim_store *st, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        const struct aim_store_event_row *r = &st->rows[i];
        if (aim_store_replica_done(st, r->point, r->replica)) {
            st->rows[k++] = *r;
        }
    }
    if (k > 1) { /* st->rows is NULL when there are no rows; qsort must not be given NULL */
        qsort(st->rows, k, sizeof *st->rows, aim_store_row_cmp);
    }
    size_t m = 0;
    for (size_t i = 0; i < k; i++) {
        if (m == 0 || aim_store_row_cmp(&st->rows[m - 1], &st->rows[i]) != 0) {
            st->rows[m++] = st->rows[i];
        }
    }
    return m;
}

static enum aim_status aim_store_read_replica_loud(struct aim_store *st, int point, int replica,
                                                   struct aim_traj *tr)
{
    enum aim_status status = aim_store_check_replica(st, point, replica, tr);
    if (status) {
        return status;
    }
    status = aim_store_series_all(st, point, replica, tr->firm, tr->market, tr->bs, 0);
    if (status) {
        goto fail;
    }
    size_t n = 0;
    status = aim_store_read_rows(st, &n);
    if (status) {
        return status;
    }
    n = aim_store_clean_rows(st, n);
    tr->n_events = 0;
    for (size_t i = 0; i < n; i++) {
        const struct aim_store_event_row *r = &st->rows[i];
        if (r->point == point && r->replica == replica) {
            /* Every field the analysis uses as an index or a category is in range. */
            if (r->step < 0 || r->step >= st->n_times || r->kind < AIM_EVENT_DEAL ||
                r->kind > AIM_EVENT_LAST || r->a < -1 || r->a >= st->n_firms || r->b < -1 ||
                r->b >= st->n_firms || r->c < -1 || r->c >= st->n_firms) {
                return aim_error_set(
                    AIM_ERR_FORMAT,
                    "%s: /events row (point %d, replica %d, seq %d) has step %d, kind %d or firm "
                    "%d, %d, %d out of range (damaged file?)",
                    st->path, r->point, r->replica, r->seq, r->step, r->kind, r->a, r->b, r->c);
            }
            struct aim_event e = {r->step, r->kind, r->a, r->b, r->c, {r->amount0, r->amount1, r->amount2}};
            status = aim_traj_add_event(tr, &e);
            if (status) {
                return status;
            }
        }
    }
fail:
    return status;
}

int aim_store_replica_done(const struct aim_store *st, int point, int replica)
{
    if (point < 0 || point >= st->n_points || replica < 0 || replica >= st->n_replicas) {
        return 0;
    }
    return st->done[(size_t)point * (size_t)st->n_replicas + (size_t)replica] != 0;
}

int aim_store_done_count(const struct aim_store *st, int point)
{
    int n = 0;
    for (int r = 0; r < st->n_replicas; r++) {
        n += aim_store_replica_done(st, point, r);
    }
    return n;
}

int aim_store_bs_every(const struct aim_store *st)
{
    return st->bs_every;
}

const char *aim_store_bs_row_name(const struct aim_store *st, int r)
{
    return r >= 0 && r < AIM_BS_ROWS ? st->bs_names[r] : NULL;
}

const char *aim_store_bs_col_name(const struct aim_store *st, int c)
{
    return c >= 0 && c < AIM_BS_COLS ? st->bs_names[AIM_BS_ROWS + c] : NULL;
}

void aim_store_shape(const struct aim_store *st, int *n_points, int *n_replicas, int *n_times, int *n_firms)
{
    *n_points = st->n_points;
    *n_replicas = st->n_replicas;
    *n_times = st->n_times;
    *n_firms = st->n_firms;
}

/* ---- finishing ---- */

/* Rewrites /events in key order: the sorted table is written whole under another name first,
 * so that a run killed at any moment leaves one complete table (aim_store_recover_events). */
static enum aim_status aim_store_sort_events(struct aim_store *st)
{
    size_t n = 0;
    enum aim_status status = aim_store_read_rows(st, &n);
    hid_t sorted = H5I_INVALID_HID, dcpl = H5I_INVALID_HID, space = H5I_INVALID_HID;
    if (status) {
        return status;
    }
    size_t before = n;
    /* Already clean and in order (a fresh single pass in replica order): nothing to rewrite. */
    int clean = 1;
    for (size_t i = 0; i < n && clean; i++) {
        clean = aim_store_replica_done(st, st->rows[i].point, st->rows[i].replica) &&
                (i == 0 || aim_store_row_cmp(&st->rows[i - 1], &st->rows[i]) < 0);
    }
    if (clean) {
        return AIM_OK;
    }
    n = aim_store_clean_rows(st, before);
    hsize_t dims[1] = {n}, maxdims[1] = {H5S_UNLIMITED};
    space = H5Screate_simple(1, dims, maxdims);
    AIM_H5_CHECK(space, st, "creating dataspace of", "/events_sorted");
    dcpl = H5Dget_create_plist(st->events_ds); /* same chunks and filters */
    AIM_H5_CHECK(dcpl, st, "reading properties of", "/events");
    sorted = H5Dcreate2(st->file, "events_sorted", st->event_type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    AIM_H5_CHECK(sorted, st, "creating dataset", "/events_sorted");
    if (n > 0) {
        AIM_H5_CHECK(H5Dwrite(sorted, st->event_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, st->rows), st, "writing",
                     "/events_sorted");
    }
    {
        char *ln = aim_h5util_read_string_attr(st->events_ds, "long_name");
        herr_t rc = ln ? aim_h5util_write_string_attr(sorted, "long_name", ln) : 0;
        free(ln);
        AIM_H5_CHECK(rc, st, "writing attributes of", "/events_sorted");
    }
    AIM_H5_CHECK(H5Fflush(st->file, H5F_SCOPE_GLOBAL), st, "flushing", "/events_sorted");
    AIM_H5_CHECK(H5DSdetach_scale(st->events_ds, st->event_scale, 0), st, "detaching /event from", "/events");
    AIM_H5_CHECK(H5Dclose(st->events_ds), st, "closing", "/events");
    st->events_ds = H5I_INVALID_HID;
    AIM_H5_CHECK(H5Ldelete(st->file, "events", H5P_DEFAULT), st, "deleting", "/events");
    AIM_H5_CHECK(H5Lmove(st->file, "events_sorted", st->file, "events", H5P_DEFAULT, H5P_DEFAULT), st,
                 "renaming", "/events_sorted to /events");
    st->events_ds = sorted;
    sorted = H5I_INVALID_HID;
    st->n_events = n;
    status = aim_store_sync_event_scale(st, 0);
    if (status) {
        goto fail;
    }
    AIM_H5_CHECK(H5DSattach_scale(st->events_ds, st->event_scale, 0), st, "attaching /event to", "/events");
    AIM_H5_CHECK(H5Fflush(st->file, H5F_SCOPE_GLOBAL), st, "flushing", "/events");
fail:
    if (sorted >= 0) {
        H5Dclose(sorted);
    }
    if (dcpl >= 0) {
        H5Pclose(dcpl);
    }
    if (space >= 0) {
        H5Sclose(space);
    }
    return status;
}

static enum aim_status aim_store_finish_loud(struct aim_store *st, const char *final_path)
{
    enum aim_status status = AIM_OK;
    char now[32];
    char *path = strdup(st->path);
    dev_t dev = st->dev;
    ino_t ino = st->ino;
    int created = st->created;
    if (!path) {
        aim_store_release(st);
        return aim_error_set(AIM_ERR_NOMEM, "out of memory");
    }
    if (!st->writable) {
        status = aim_error_set(AIM_ERR_USAGE, "%s: opened read-only", st->path);
        goto fail;
    }
    status = aim_store_commit_loud(st);
    if (!status) {
        status = aim_store_sort_events(st);
    }
    if (status) {
        goto fail;
    }
    aim_store_utc_now(now, sizeof now);
    AIM_H5_CHECK(aim_h5util_write_string_attr(st->file, "end_time", now), st, "writing attribute",
                 "/end_time");
    {
        int all = 1;
        for (int p = 0; p < st->n_points && all; p++) {
            all = aim_store_done_count(st, p) == st->n_replicas;
        }
        AIM_H5_CHECK(aim_h5util_write_string_attr(st->file, "status", all ? "complete" : "partial"), st,
                     "writing attribute", "/status");
    }
    status = aim_store_release(st);
    st = NULL;
    if (status) {
        goto fail;
    }
    /* Syncing and renaming go by name: make sure the name is still this run's file (another run
     * with --force may have replaced it), before syncing and again right before renaming. */
    for (int pass = 0; pass < 2 && !status; pass++) {
        if (created && !aim_store_file_is(path, dev, ino)) {
            status = aim_error_set(AIM_ERR_IO,
                                   "%s: another run replaced or removed this file while this one was writing "
                                   "it; %s was not written by this run",
                                   path, final_path ? final_path : path);
        } else if (pass == 0) {
            status = aim_store_file_fsync(path, 0);
        }
    }
    if (!status && final_path && strcmp(final_path, path) != 0) {
        if (rename(path, final_path) != 0) {
            status =
                aim_error_set(AIM_ERR_IO, "cannot rename %s to %s: %s", path, final_path, strerror(errno));
        } else {
            char *dir = strdup(final_path);
            status =
                dir ? aim_store_file_fsync(dirname(dir), 1) : aim_error_set(AIM_ERR_NOMEM, "out of memory");
            free(dir);
        }
    }
fail:
    if (st) {
        aim_store_release(st);
    }
    free(path);
    return status;
}

static enum aim_status aim_store_close_loud(struct aim_store *st)
{
    if (!st) {
        return AIM_OK;
    }
    /* Units written completely are kept: marked done before the file closes. */
    enum aim_status status = st->writable && st->n_pending ? aim_store_commit_loud(st) : AIM_OK;
    enum aim_status closed = aim_store_release(st);
    return status ? status : closed;
}

static enum aim_status aim_store_discard_loud(struct aim_store *st)
{
    if (!st) {
        return AIM_OK;
    }
    char *path = strdup(st->path);
    int ours = st->created && path && aim_store_file_is(path, st->dev, st->ino);
    aim_store_release(st); /* its failure does not matter: the file goes */
    enum aim_status status = AIM_OK;
    if (ours && unlink(path) != 0) {
        status = aim_error_set(AIM_ERR_IO, "%s: cannot remove: %s", path, strerror(errno));
    }
    free(path);
    return status;
}

size_t aim_store_replica_raw_bytes(const struct aim_store_layout *lay)
{
    return ((size_t)lay->n_times * (size_t)lay->n_firms * AIM_FIRM_VAR_COUNT +
            (size_t)lay->n_times * AIM_MARKET_VAR_COUNT +
            (size_t)aim_traj_snapshot_count(lay->n_times, lay->bs_every) * AIM_TRAJ_BS_CELLS) *
           sizeof(double);
}

size_t aim_store_cache_bytes(const struct aim_store_layout *lay)
{
    /* HDF5's default per-dataset chunk cache (1 MiB) for every series dataset, the balance
     * sheets and the event table, the metadata cache (at most 32 MiB by default), and the event
     * row buffer. */
    size_t datasets = AIM_FIRM_VAR_COUNT + AIM_MARKET_VAR_COUNT + 4;
    (void)lay;
    return datasets * ((size_t)1 << 20) + ((size_t)32 << 20) + 4096 * sizeof(struct aim_store_event_row);
}

/* ---- the public entry points: HDF5's error printing off for the call, restored after ---- */

enum aim_status aim_store_create(struct aim_store **st, const char *path,
                                 const struct aim_store_layout *layout,
                                 const struct aim_store_provenance *prov)
{
    struct aim_h5util_errors saved;
    aim_h5util_quiet(&saved);
    enum aim_status status = aim_store_create_loud(st, path, layout, prov);
    aim_h5util_restore(&saved);
    return status;
}

enum aim_status aim_store_open_resume(struct aim_store **st, const char *path,
                                      const struct aim_store_layout *layout,
                                      const struct aim_store_provenance *prov)
{
    struct aim_h5util_errors saved;
    aim_h5util_quiet(&saved);
    enum aim_status status = aim_store_resume_loud(st, path, layout, prov);
    aim_h5util_restore(&saved);
    return status;
}

enum aim_status aim_store_open_read(struct aim_store **st, const char *path)
{
    struct aim_h5util_errors saved;
    aim_h5util_quiet(&saved);
    enum aim_status status = aim_store_open_loud(st, path, 0);
    aim_h5util_restore(&saved);
    return status;
}

enum aim_status aim_store_write_replica(struct aim_store *st, int point, int replica,
                                        const struct aim_traj *tr)
{
    struct aim_h5util_errors saved;
    aim_h5util_quiet(&saved);
    enum aim_status status = aim_store_write_replica_loud(st, point, replica, tr, 0);
    aim_h5util_restore(&saved);
    return status;
}

enum aim_status aim_store_write_replica_lazy(struct aim_store *st, int point, int replica,
                                             const struct aim_traj *tr)
{
    struct aim_h5util_errors saved;
    aim_h5util_quiet(&saved);
    enum aim_status status = aim_store_write_replica_loud(st, point, replica, tr, 1);
    aim_h5util_restore(&saved);
    return status;
}

enum aim_status aim_store_read_replica(struct aim_store *st, int point, int replica, struct aim_traj *tr)
{
    struct aim_h5util_errors saved;
    aim_h5util_quiet(&saved);
    enum aim_status status = aim_store_read_replica_loud(st, point, replica, tr);
    aim_h5util_restore(&saved);
    return status;
}

enum aim_status aim_store_merge(const char *out, const struct aim_store_layout *lay,
                                const struct aim_store_provenance *prov, int n, const char *const *shards,
                                int replace, struct aim_store_merge_report *report)
{
    struct aim_h5util_errors saved;
    aim_h5util_quiet(&saved);
    enum aim_status status = aim_store_merge_loud(out, lay, prov, n, shards, replace, report);
    aim_h5util_restore(&saved);
    return status;
}

enum aim_status aim_store_check_run(const struct aim_store *st, const struct aim_store_layout *lay,
                                    const struct aim_store_provenance *prov)
{
    struct aim_h5util_errors saved;
    aim_h5util_quiet(&saved);
    enum aim_status status = aim_store_resume_check_run(st, lay, prov);
    aim_h5util_restore(&saved);
    return status;
}

int aim_store_is_merged(const struct aim_store *st)
{
    return st->merged;
}

enum aim_status aim_store_finish(struct aim_store *st, const char *final_path)
{
    struct aim_h5util_errors saved;
    aim_h5util_quiet(&saved);
    enum aim_status status = aim_store_finish_loud(st, final_path);
    aim_h5util_restore(&saved);
    return status;
}

enum aim_status aim_store_close(struct aim_store *st)
{
    struct aim_h5util_errors saved;
    aim_h5util_quiet(&saved);
    enum aim_status status = aim_store_close_loud(st);
    aim_h5util_restore(&saved);
    return status;
}

enum aim_status aim_store_discard(struct aim_store *st)
{
    struct aim_h5util_errors saved;
    aim_h5util_quiet(&saved);
    enum aim_status status = aim_store_discard_loud(st);
    aim_h5util_restore(&saved);
    return status;
}

enum aim_status aim_store_describe(const char *path, char **text)
{
    struct aim_h5util_errors saved;
    aim_h5util_quiet(&saved);
    enum aim_status status = aim_store_describe_loud(path, text);
    aim_h5util_restore(&saved);
    return status;
}

int aim_store_sweep_points(const struct aim_store *st, int *n_factors, const char *const **keys,
                           const double **values)
{
    *n_factors = st->sweep_factors;
    *keys = (const char *const *)st->sweep_keys;
    *values = st->sweep_values;
    return st->sweep_factors > 0;
}

int aim_store_firm_kind(const struct aim_store *st, int f)
{
    return st->kinds && f >= 0 && f < st->n_firms ? st->kinds[f] : -1;
}

enum aim_status aim_store_read_root_string(const struct aim_store *st, const char *name, char **value)
{
    struct aim_h5util_errors saved;
    aim_h5util_quiet(&saved);
    *value = aim_h5util_read_string_attr(st->file, name);
    aim_h5util_restore(&saved);
    if (!*value) {
        return aim_error_set(AIM_ERR_FORMAT,
                             "%s: root attribute %s is missing or not a readable string (damaged file?)",
                             st->path, name);
    }
    return AIM_OK;
}
