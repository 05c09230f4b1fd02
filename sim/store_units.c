/* Reading a run file unit by unit (sim/store_units.h). */
#include "sim/store_units.h"

#include <stdlib.h>
#include <string.h>

#include "sim/store_internal.h"

/* Rows of /events read at a time: the log of a large sweep need not fit in memory at once. */
enum { AIM_STORE_UNITS_BLOCK = 65536 };

enum aim_status aim_store_units_read_series(struct aim_store *st, int point, int replica, struct aim_traj *tr)
{
    if (point < 0 || point >= st->n_points || replica < 0 || replica >= st->n_replicas) {
        return aim_error_set(AIM_ERR_USAGE, "%s: replica %d of point %d is outside the file's %d x %d",
                             st->path, replica, point, st->n_points, st->n_replicas);
    }
    if (tr->n_firms != st->n_firms || tr->n_times != st->n_times || tr->n_snapshots != st->n_snapshots) {
        return aim_error_set(
            AIM_ERR_USAGE, "%s: trajectory has %d firms x %d times x %d snapshots, the file %d x %d x %d",
            st->path, tr->n_firms, tr->n_times, tr->n_snapshots, st->n_firms, st->n_times, st->n_snapshots);
    }
    struct aim_h5util_errors saved;
    aim_h5util_quiet(&saved);
    enum aim_status status = AIM_OK;
    char obj[128];
    for (int v = 0; !status && v < AIM_FIRM_VAR_COUNT + AIM_MARKET_VAR_COUNT; v++) {
        int is_firm = v < AIM_FIRM_VAR_COUNT, m = v - AIM_FIRM_VAR_COUNT;
        herr_t rc =
            is_firm ? aim_store_series_io(st->firm[v], 4, point, replica, st->n_times, st->n_firms,
                                          tr->firm[v], 0)
                    : aim_store_series_io(st->market[m], 3, point, replica, st->n_times, 0, tr->market[m], 0);
        if (rc < 0) {
            snprintf(obj, sizeof obj, "/%s/%s (replica %d of point %d)", is_firm ? "firm" : "market",
                     is_firm ? aim_traj_firm_var_name(v) : aim_traj_market_var_name(m), replica, point);
            status = aim_h5util_damaged(st->path, "reading", obj);
        }
    }
    if (!status && aim_store_bs_io(st, point, replica, tr->bs, 0) < 0) {
        snprintf(obj, sizeof obj, "/balance_sheet (replica %d of point %d)", replica, point);
        status = aim_h5util_damaged(st->path, "reading", obj);
    }
    aim_h5util_restore(&saved);
    return status;
}

enum aim_status aim_store_units_event_counts(struct aim_store *st, int32_t *counts)
{
    struct aim_h5util_errors saved;
    aim_h5util_quiet(&saved);
    enum aim_status status = AIM_OK;
    if (H5Dread(st->count_ds, H5T_NATIVE_INT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, counts) < 0) {
        status = aim_h5util_damaged(st->path, "reading", "/event_count");
    }
    aim_h5util_restore(&saved);
    return status;
}

static int aim_store_units_event_cmp(const void *pa, const void *pb)
{
    const struct aim_store_units_event *a = pa, *b = pb;
    if (a->point != b->point) {
        return a->point < b->point ? -1 : 1;
    }
    if (a->replica != b->replica) {
        return a->replica < b->replica ? -1 : 1;
    }
    if (a->seq != b->seq) {
        return a->seq < b->seq ? -1 : 1;
    }
    return (a->row > b->row) - (a->row < b->row);
}

/* Appends the wanted rows of one block (rows [first, first + count) of /events) to *out. */
static enum aim_status aim_store_units_keep(const struct aim_store *st, const uint8_t *want,
                                            const struct aim_store_event_row *block, hsize_t first,
                                            hsize_t count, struct aim_store_units_event **out, size_t *n,
                                            size_t *cap)
{
    for (hsize_t i = 0; i < count; i++) {
        const struct aim_store_event_row *r = &block[i];
        if (r->point < 0 || r->point >= st->n_points || r->replica < 0 || r->replica >= st->n_replicas) {
            return aim_error_set(AIM_ERR_FORMAT,
                                 "%s: /events row %llu names replica %d of point %d, outside the file's %d x "
                                 "%d (damaged file?)",
                                 st->path, (unsigned long long)(first + i), r->replica, r->point,
                                 st->n_points, st->n_replicas);
        }
        if (!want[(size_t)r->point * (size_t)st->n_replicas + (size_t)r->replica]) {
            continue;
        }
        if (*n == *cap) {
            size_t c = *cap ? 2 * *cap : 1024;
            struct aim_store_units_event *p = realloc(*out, c * sizeof *p);
            if (!p) {
                return aim_error_set(AIM_ERR_NOMEM, "%s: out of memory for %zu event rows", st->path, c);
            }
            *out = p;
            *cap = c;
        }
        (*out)[(*n)++] = (struct aim_store_units_event){
            r->point,
            r->replica,
            r->seq,
            (long)(first + i),
            {r->step, r->kind, r->a, r->b, r->c, {r->amount0, r->amount1, r->amount2}}};
    }
    return AIM_OK;
}

enum aim_status aim_store_units_events(struct aim_store *st, const uint8_t *want,
                                       struct aim_store_units_event **rows, size_t *n)
{
    *rows = NULL;
    *n = 0;
    size_t cap = 0;
    hsize_t total = st->n_events, block = total < AIM_STORE_UNITS_BLOCK ? total : AIM_STORE_UNITS_BLOCK;
    struct aim_store_event_row *buf = block ? malloc((size_t)block * sizeof *buf) : NULL;
    if (block && !buf) {
        return aim_error_set(AIM_ERR_NOMEM, "%s: out of memory for %llu event rows", st->path,
                             (unsigned long long)block);
    }
    struct aim_h5util_errors saved;
    aim_h5util_quiet(&saved);
    enum aim_status status = AIM_OK;
    hid_t fs = total ? H5Dget_space(st->events_ds) : H5I_INVALID_HID;
    if (total && fs < 0) {
        status = aim_h5util_damaged(st->path, "reading", "/events");
    }
    for (hsize_t first = 0; !status && first < total; first += block) {
        hsize_t count = total - first < block ? total - first : block;
        hid_t ms = H5Screate_simple(1, &count, NULL);
        if (ms < 0 || H5Sselect_hyperslab(fs, H5S_SELECT_SET, &first, NULL, &count, NULL) < 0 ||
            H5Dread(st->events_ds, st->event_type, ms, fs, H5P_DEFAULT, buf) < 0) {
            status = aim_h5util_damaged(st->path, "reading", "/events");
        }
        if (ms >= 0) {
            H5Sclose(ms);
        }
        if (!status) {
            status = aim_store_units_keep(st, want, buf, first, count, rows, n, &cap);
        }
    }
    if (fs >= 0) {
        H5Sclose(fs);
    }
    aim_h5util_restore(&saved);
    free(buf);
    if (status) {
        free(*rows);
        *rows = NULL;
        *n = 0;
        return status;
    }
    if (*n > 1) {
        qsort(*rows, *n, sizeof **rows, aim_store_units_event_cmp);
    }
    return AIM_OK;
}

enum aim_status aim_store_units_seed(const struct aim_store *st, uint64_t *seed)
{
    struct aim_h5util_errors saved;
    aim_h5util_quiet(&saved);
    int rc = aim_h5util_read_u64_attr(st->file, "seed", seed);
    aim_h5util_restore(&saved);
    if (rc < 0) {
        return aim_error_set(AIM_ERR_FORMAT, "%s: root attribute seed is missing or not an integer",
                             st->path);
    }
    return AIM_OK;
}
