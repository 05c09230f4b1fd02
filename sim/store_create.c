/* Creating a store file: provenance attributes, the dimension scales of each group and every
 * dataset of the layout, allocated at once (sim/store.c says why), made under a temporary name
 * and published once on disk. */
#include "sim/store_internal.h"

#include <errno.h>
#include <libgen.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <hdf5_hl.h>

#include "sim/version.h"

/* /<group>/month: the month index 0..n-1 along time, a coordinate of the group's series. */
static herr_t aim_store_write_month(hid_t loc, int n_times, hid_t time_scale)
{
    hsize_t dims[1] = {(hsize_t)n_times};
    int32_t *v = malloc((n_times > 0 ? (size_t)n_times : 1) * sizeof *v);
    hid_t space = H5Screate_simple(1, dims, NULL);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    herr_t rc = -1;
    if (v && space >= 0 && dcpl >= 0 && aim_h5util_checked_chunks(dcpl, dims[0], 0) >= 0) {
        for (int t = 0; t < n_times; t++) {
            v[t] = t;
        }
        hid_t ds = H5Dcreate2(loc, "month", H5T_STD_I32LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
        if (ds >= 0) {
            rc = H5Dwrite(ds, H5T_NATIVE_INT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0 &&
                         H5DSattach_scale(ds, time_scale, 0) >= 0 &&
                         aim_h5util_write_string_attr(ds, "long_name",
                                                      "month index (0: state at the start)") >= 0
                     ? 0
                     : -1;
            if (H5Dclose(ds) < 0) {
                rc = -1;
            }
        }
    }
    free(v);
    if (space >= 0) {
        H5Sclose(space);
    }
    if (dcpl >= 0) {
        H5Pclose(dcpl);
    }
    return rc;
}

/* Dimension scales point, replica, time (and firm with its names and kinds) in one group. */
static enum aim_status aim_store_make_scales(struct aim_store *st, hid_t loc, const char *where,
                                             const struct aim_store_layout *lay, int with_firm,
                                             hid_t scales[4])
{
    enum aim_status status = AIM_OK;
    char units[64];
    const char *kind_names[3] = {"vendor", "cloud", "lab"};
    const char **kinds = NULL;
    double *days = malloc((size_t)lay->n_times * sizeof *days);
    if (!days) {
        return aim_error_set(AIM_ERR_NOMEM, "%s: out of memory", st->path);
    }
    status = aim_store_month_days(lay->start_date, lay->n_times, days);
    if (status) {
        free(days);
        return status;
    }
    scales[0] = aim_h5util_create_scale(loc, "point", (hsize_t)lay->n_points, NULL, 0);
    AIM_H5_CHECK(scales[0], st, "creating dimension scale", "point");
    AIM_H5_CHECK(aim_h5util_write_string_attr(scales[0], "long_name", "sweep point index"), st,
                 "writing attributes of", "point");
    scales[1] = aim_h5util_create_scale(loc, "replica", (hsize_t)lay->n_replicas, NULL, 0);
    AIM_H5_CHECK(scales[1], st, "creating dimension scale", "replica");
    AIM_H5_CHECK(aim_h5util_write_string_attr(scales[1], "long_name", "Monte Carlo replica index"), st,
                 "writing attributes of", "replica");
    /* The first day of each month as days since the first day of the start month, in the
     * standard (proleptic Gregorian) calendar: xarray decodes it to datetime64 without cftime. */
    scales[2] = aim_h5util_create_scale(loc, "time", (hsize_t)lay->n_times, days, 0);
    AIM_H5_CHECK(scales[2], st, "creating dimension scale", "time");
    snprintf(units, sizeof units, "days since %s-01", lay->start_date);
    AIM_H5_CHECK(aim_h5util_write_string_attr(scales[2], "units", units), st, "writing attributes of",
                 "time");
    AIM_H5_CHECK(aim_h5util_write_string_attr(scales[2], "calendar", "proleptic_gregorian"), st,
                 "writing attributes of", "time");
    AIM_H5_CHECK(aim_h5util_write_string_attr(scales[2], "long_name",
                                              "first day of the month (index 0: state at the start)"),
                 st, "writing attributes of", "time");
    if (strcmp(where, "/") != 0) {
        AIM_H5_CHECK(aim_store_write_month(loc, lay->n_times, scales[2]), st, "writing", "month");
    }
    scales[3] = H5I_INVALID_HID;
    if (with_firm) {
        scales[3] = aim_h5util_create_scale(loc, "firm", (hsize_t)lay->n_firms, NULL, 0);
        AIM_H5_CHECK(scales[3], st, "creating dimension scale", "firm");
        AIM_H5_CHECK(aim_h5util_write_string_attr(scales[3], "long_name",
                                                  "firm index: vendors, clouds, labs in config order"),
                     st, "writing attributes of", "firm");
        kinds = malloc(((size_t)lay->n_firms + 1) * sizeof *kinds);
        if (!kinds) {
            status = aim_error_set(AIM_ERR_NOMEM, "%s: out of memory", st->path);
            goto fail;
        }
        for (int f = 0; f < lay->n_firms; f++) {
            int k = lay->firm_kinds[f];
            kinds[f] = k >= 0 && k <= 2 ? kind_names[k] : "unknown";
        }
        AIM_H5_CHECK(aim_h5util_write_string_var(loc, "firm_name", lay->n_firms, lay->firm_names, scales[3],
                                                 "firm name"),
                     st, "writing", "firm_name");
        AIM_H5_CHECK(aim_h5util_write_string_var(loc, "firm_kind", lay->n_firms, kinds, scales[3],
                                                 "firm kind: vendor, cloud or lab"),
                     st, "writing", "firm_kind");
    }
fail:
    free(kinds);
    free(days);
    return status;
}

/* The virtual mappings of a merged file's dataset (sim/store_merge.c): per source, the union of its
 * units' blocks, read from the same place of the source's dataset obj. */
herr_t aim_store_create_vmap(hid_t dcpl, const struct aim_store_vmap *vmap, int rank, const hsize_t *dims,
                             const char *obj)
{
    herr_t rc = 0;
    hid_t space = H5Screate_simple(rank, dims, NULL);
    if (space < 0) {
        return -1;
    }
    for (int i = 0; i < vmap->n_sources && rc >= 0; i++) {
        rc = H5Sselect_none(space);
        long n = 0;
        for (int p = 0; p < vmap->n_points && rc >= 0; p++) {
            const int32_t *own = vmap->owner + (size_t)p * (size_t)vmap->n_replicas;
            for (int r = 0; r < vmap->n_replicas && rc >= 0;) {
                if (own[r] != i) {
                    r++;
                    continue;
                }
                int r1 = r;
                while (r1 < vmap->n_replicas && own[r1] == i) {
                    r1++;
                }
                hsize_t start[5] = {(hsize_t)p, (hsize_t)r, 0, 0, 0},
                        count[5] = {1, (hsize_t)(r1 - r), 1, 1, 1};
                for (int k = 2; k < rank; k++) {
                    count[k] = dims[k];
                }
                rc = H5Sselect_hyperslab(space, H5S_SELECT_OR, start, NULL, count, NULL);
                n++;
                r = r1;
            }
        }
        if (n > 0 && rc >= 0) {
            rc = H5Pset_virtual(dcpl, space, vmap->sources[i], obj, space);
        }
    }
    H5Sclose(space);
    return rc;
}

/* A float64 series dataset, one chunk per replica, NaN until written, every chunk allocated now. */
static hid_t aim_store_series(hid_t loc, const char *name, int rank, const hsize_t *dims, const hid_t *scales,
                              const char *unit, const char *doc, int with_coords,
                              const struct aim_store_vmap *vmap, const char *obj)
{
    hsize_t chunk[4] = {1, 1, dims[2], rank == 4 ? dims[3] : 0};
    double fill = NAN;
    hid_t space = H5Screate_simple(rank, dims, NULL);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    hid_t ds = H5I_INVALID_HID;
    int ok = space >= 0 && dcpl >= 0;
    if (rank == 4 && dims[3] == 0) {
        chunk[3] = 1; /* no firms: the chunk must still have a positive size */
    }
    if (vmap) {
        ok = ok && H5Pset_fill_value(dcpl, H5T_NATIVE_DOUBLE, &fill) >= 0 &&
             aim_store_create_vmap(dcpl, vmap, rank, dims, obj) >= 0;
    } else {
        ok = ok && H5Pset_chunk(dcpl, rank, chunk) >= 0 && H5Pset_shuffle(dcpl) >= 0 &&
             H5Pset_deflate(dcpl, AIM_STORE_DEFLATE) >= 0 && H5Pset_fletcher32(dcpl) >= 0 &&
             H5Pset_fill_value(dcpl, H5T_NATIVE_DOUBLE, &fill) >= 0 &&
             H5Pset_alloc_time(dcpl, H5D_ALLOC_TIME_EARLY) >= 0;
    }
    if (ok) {
        ds = H5Dcreate2(loc, name, H5T_IEEE_F64LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    }
    if (ds >= 0) {
        ok = 1;
        for (int i = 0; i < rank && ok; i++) {
            ok = H5DSattach_scale(ds, scales[i], (unsigned)i) >= 0;
        }
        ok = ok && aim_h5util_write_string_attr(ds, "units", unit[0] ? unit : "1") >= 0 &&
             aim_h5util_write_string_attr(ds, "long_name", doc) >= 0;
        if (ok) {
            ok = aim_h5util_write_string_attr(ds, "coordinates",
                                              with_coords ? "firm_name firm_kind month" : "month") >= 0;
        }
        if (!ok) {
            H5Dclose(ds);
            ds = H5I_INVALID_HID;
        }
    }
    if (space >= 0) {
        H5Sclose(space);
    }
    if (dcpl >= 0) {
        H5Pclose(dcpl);
    }
    return ds;
}

/* The balance-sheet snapshots at the root (MODEL.md 12.1): scales snapshot, bs_row, bs_col, the
 * coordinates balance_sheet_month [snapshot] and the row and column names (character arrays, as
 * the firm names), and /balance_sheet [point, replica, snapshot, bs_row, bs_col], one chunk per
 * replica like the series. */
static enum aim_status aim_store_make_balance(struct aim_store *st, const struct aim_store_layout *lay,
                                              const hid_t root_sc[4], const struct aim_store_vmap *vmap)
{
    enum aim_status status = AIM_OK;
    int ns = st->n_snapshots;
    hid_t snap = H5I_INVALID_HID, row = H5I_INVALID_HID, col = H5I_INVALID_HID, month = H5I_INVALID_HID;
    hid_t space = H5I_INVALID_HID, dcpl = H5I_INVALID_HID;
    int32_t *months = malloc((size_t)ns * sizeof *months);
    if (!months) {
        return aim_error_set(AIM_ERR_NOMEM, "%s: out of memory", st->path);
    }
    for (int s = 0; s < ns; s++) {
        months[s] = aim_traj_snapshot_month(s, lay->n_times, lay->bs_every);
    }
    snap = aim_h5util_create_scale(st->file, "snapshot", (hsize_t)ns, NULL, 0);
    AIM_H5_CHECK(snap, st, "creating dimension scale", "/snapshot");
    AIM_H5_CHECK(aim_h5util_write_string_attr(snap, "long_name", "balance-sheet snapshot index"), st,
                 "writing attributes of", "/snapshot");
    row = aim_h5util_create_scale(st->file, "bs_row", AIM_BS_ROWS, NULL, 0);
    AIM_H5_CHECK(row, st, "creating dimension scale", "/bs_row");
    AIM_H5_CHECK(aim_h5util_write_string_attr(row, "long_name", "balance-sheet row (instrument) index"), st,
                 "writing attributes of", "/bs_row");
    col = aim_h5util_create_scale(st->file, "bs_col", AIM_BS_COLS, NULL, 0);
    AIM_H5_CHECK(col, st, "creating dimension scale", "/bs_col");
    AIM_H5_CHECK(aim_h5util_write_string_attr(col, "long_name", "balance-sheet column (sector) index"), st,
                 "writing attributes of", "/bs_col");
    {
        hsize_t dims[1] = {(hsize_t)ns};
        space = H5Screate_simple(1, dims, NULL);
        AIM_H5_CHECK(space, st, "creating dataspace of", "/balance_sheet_month");
        dcpl = H5Pcreate(H5P_DATASET_CREATE);
        AIM_H5_CHECK(dcpl, st, "creating properties of", "/balance_sheet_month");
        AIM_H5_CHECK(aim_h5util_checked_chunks(dcpl, dims[0], 0), st, "setting chunks of",
                     "/balance_sheet_month");
        month =
            H5Dcreate2(st->file, "balance_sheet_month", H5T_STD_I32LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
        AIM_H5_CHECK(month, st, "creating dataset", "/balance_sheet_month");
        AIM_H5_CHECK(H5Dwrite(month, H5T_NATIVE_INT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, months), st, "writing",
                     "/balance_sheet_month");
        AIM_H5_CHECK(H5DSattach_scale(month, snap, 0), st, "attaching snapshot to", "/balance_sheet_month");
        AIM_H5_CHECK(aim_h5util_write_string_attr(month, "long_name",
                                                  "month index of the snapshot (0: state at the start)"),
                     st, "writing attributes of", "/balance_sheet_month");
        H5Sclose(space);
        H5Pclose(dcpl);
        space = dcpl = H5I_INVALID_HID;
    }
    AIM_H5_CHECK(aim_h5util_write_string_var(st->file, "bs_row_name", AIM_BS_ROWS, lay->bs_rows, row,
                                             "balance-sheet row: instrument, real assets or net worth"),
                 st, "writing", "/bs_row_name");
    AIM_H5_CHECK(aim_h5util_write_string_var(st->file, "bs_col_name", AIM_BS_COLS, lay->bs_cols, col,
                                             "balance-sheet column: sector"),
                 st, "writing", "/bs_col_name");
    {
        hsize_t dims[5] = {(hsize_t)lay->n_points, (hsize_t)lay->n_replicas, (hsize_t)ns, AIM_BS_ROWS,
                           AIM_BS_COLS};
        hsize_t chunk[5] = {1, 1, (hsize_t)ns, AIM_BS_ROWS, AIM_BS_COLS};
        const hid_t scales[5] = {root_sc[0], root_sc[1], snap, row, col};
        double fill = NAN;
        space = H5Screate_simple(5, dims, NULL);
        AIM_H5_CHECK(space, st, "creating dataspace of", "/balance_sheet");
        dcpl = H5Pcreate(H5P_DATASET_CREATE);
        AIM_H5_CHECK(dcpl, st, "creating properties of", "/balance_sheet");
        if (vmap) {
            AIM_H5_CHECK(H5Pset_fill_value(dcpl, H5T_NATIVE_DOUBLE, &fill) >= 0 &&
                                 aim_store_create_vmap(dcpl, vmap, 5, dims, "/balance_sheet") >= 0
                             ? 0
                             : -1,
                         st, "setting the virtual sources of", "/balance_sheet");
        } else {
            AIM_H5_CHECK(H5Pset_chunk(dcpl, 5, chunk) >= 0 && H5Pset_shuffle(dcpl) >= 0 &&
                                 H5Pset_deflate(dcpl, AIM_STORE_DEFLATE) >= 0 &&
                                 H5Pset_fletcher32(dcpl) >= 0 &&
                                 H5Pset_fill_value(dcpl, H5T_NATIVE_DOUBLE, &fill) >= 0 &&
                                 H5Pset_alloc_time(dcpl, H5D_ALLOC_TIME_EARLY) >= 0
                             ? 0
                             : -1,
                         st, "setting properties of", "/balance_sheet");
        }
        st->bs_ds =
            H5Dcreate2(st->file, "balance_sheet", H5T_IEEE_F64LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
        AIM_H5_CHECK(st->bs_ds, st, "creating dataset", "/balance_sheet");
        for (unsigned i = 0; i < 5; i++) {
            AIM_H5_CHECK(H5DSattach_scale(st->bs_ds, scales[i], i), st, "attaching scales to",
                         "/balance_sheet");
        }
        AIM_H5_CHECK(aim_h5util_write_string_attr(st->bs_ds, "units", "$B"), st, "writing attributes of",
                     "/balance_sheet");
        AIM_H5_CHECK(aim_h5util_write_string_attr(
                         st->bs_ds, "long_name",
                         "month-end balance-sheet matrix: instruments (rows) by sectors (columns), "
                         "assets positive, liabilities negative; net worth makes each column sum to 0"),
                     st, "writing attributes of", "/balance_sheet");
        AIM_H5_CHECK(aim_h5util_write_string_attr(st->bs_ds, "coordinates",
                                                  "balance_sheet_month bs_row_name bs_col_name"),
                     st, "writing attributes of", "/balance_sheet");
    }
fail:
    free(months);
    if (snap >= 0) {
        H5Dclose(snap);
    }
    if (row >= 0) {
        H5Dclose(row);
    }
    if (col >= 0) {
        H5Dclose(col);
    }
    if (month >= 0) {
        H5Dclose(month);
    }
    if (space >= 0) {
        H5Sclose(space);
    }
    if (dcpl >= 0) {
        H5Pclose(dcpl);
    }
    return status;
}

enum aim_status aim_store_create_check_layout(const struct aim_store_layout *lay, const char *path)
{
    if (lay->n_points < 1 || lay->n_replicas < 1 || lay->n_times < 1 || lay->n_firms < 0 ||
        lay->bs_every < 1) {
        return aim_error_set(AIM_ERR_USAGE,
                             "%s: store layout needs points, replicas, times, balance-sheet stride >= 1 and "
                             "firms >= 0 (got %d, %d, %d, %d, %d)",
                             path, lay->n_points, lay->n_replicas, lay->n_times, lay->bs_every, lay->n_firms);
    }
    for (int i = 0; i < AIM_BS_ROWS + AIM_BS_COLS; i++) {
        const char *nm = !lay->bs_rows || !lay->bs_cols ? NULL
                         : i < AIM_BS_ROWS              ? lay->bs_rows[i]
                                                        : lay->bs_cols[i - AIM_BS_ROWS];
        if (!nm || !nm[0] || strlen(nm) >= AIM_STORE_BS_NAME) {
            return aim_error_set(AIM_ERR_USAGE,
                                 "%s: store layout needs %d balance-sheet row and %d column names of 1 to %d "
                                 "characters",
                                 path, AIM_BS_ROWS, AIM_BS_COLS, AIM_STORE_BS_NAME - 1);
        }
    }
    if (!lay->start_date || strlen(lay->start_date) != 7 || lay->start_date[4] != '-') {
        return aim_error_set(AIM_ERR_USAGE, "%s: start date must be YYYY-MM (got \"%s\")", path,
                             lay->start_date ? lay->start_date : "(null)");
    }
    return AIM_OK;
}

/* /sweep: the points of a sweep, [point, factor] float64 (the values each point ran with), the
 * factor keys along the factor scale, and the design's name, N, seed and common_random_numbers as
 * attributes of /sweep/points. The point scale is the root's. */
static enum aim_status aim_store_make_sweep(struct aim_store *st, const struct aim_store_sweep *sw,
                                            const struct aim_store_layout *lay, hid_t point_scale)
{
    enum aim_status status = AIM_OK;
    hid_t g = H5I_INVALID_HID, factor = H5I_INVALID_HID, space = H5I_INVALID_HID, dcpl = H5I_INVALID_HID,
          ds = H5I_INVALID_HID;
    if (sw->n_factors < 1) {
        return aim_error_set(AIM_ERR_USAGE, "%s: a sweep needs at least one factor", st->path);
    }
    g = H5Gcreate2(st->file, "sweep", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    AIM_H5_CHECK(g, st, "creating group", "/sweep");
    factor = aim_h5util_create_scale(g, "factor", (hsize_t)sw->n_factors, NULL, 0);
    AIM_H5_CHECK(factor, st, "creating dimension scale", "/sweep/factor");
    AIM_H5_CHECK(aim_h5util_write_string_attr(factor, "long_name", "sweep factor index"), st,
                 "writing attributes of", "/sweep/factor");
    AIM_H5_CHECK(aim_h5util_write_string_var(g, "factor_key", sw->n_factors, sw->keys, factor,
                                             "config key the factor sets"),
                 st, "writing", "/sweep/factor_key");
    {
        hsize_t dims[2] = {(hsize_t)lay->n_points, (hsize_t)sw->n_factors};
        hsize_t chunk[2] = {(hsize_t)(lay->n_points < 4096 ? lay->n_points : 4096), (hsize_t)sw->n_factors};
        space = H5Screate_simple(2, dims, NULL);
        AIM_H5_CHECK(space, st, "creating dataspace of", "/sweep/points");
        dcpl = H5Pcreate(H5P_DATASET_CREATE);
        AIM_H5_CHECK(dcpl, st, "creating properties of", "/sweep/points");
        AIM_H5_CHECK(H5Pset_chunk(dcpl, 2, chunk), st, "setting chunks of", "/sweep/points");
        AIM_H5_CHECK(H5Pset_fletcher32(dcpl), st, "setting the checksum of", "/sweep/points");
    }
    ds = H5Dcreate2(g, "points", H5T_IEEE_F64LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    AIM_H5_CHECK(ds, st, "creating dataset", "/sweep/points");
    AIM_H5_CHECK(H5Dwrite(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, sw->points), st, "writing",
                 "/sweep/points");
    AIM_H5_CHECK(H5DSattach_scale(ds, point_scale, 0), st, "attaching point to", "/sweep/points");
    AIM_H5_CHECK(H5DSattach_scale(ds, factor, 1), st, "attaching factor to", "/sweep/points");
    AIM_H5_CHECK(aim_h5util_write_string_attr(ds, "long_name",
                                              "value of each factor at each sweep point (as run, integer "
                                              "keys rounded)"),
                 st, "writing attributes of", "/sweep/points");
    AIM_H5_CHECK(aim_h5util_write_string_attr(ds, "design", sw->design), st, "writing attributes of",
                 "/sweep/points");
    {
        int64_t n = sw->design_n;
        uint64_t seed = sw->design_seed;
        int32_t crn = sw->common_random_numbers ? 1 : 0;
        AIM_H5_CHECK(aim_h5util_write_scalar_attr(ds, "design_points", H5T_STD_I64LE, H5T_NATIVE_INT64, &n),
                     st, "writing attributes of", "/sweep/points");
        AIM_H5_CHECK(aim_h5util_write_scalar_attr(ds, "design_seed", H5T_STD_U64LE, H5T_NATIVE_UINT64, &seed),
                     st, "writing attributes of", "/sweep/points");
        AIM_H5_CHECK(
            aim_h5util_write_scalar_attr(ds, "common_random_numbers", H5T_STD_I32LE, H5T_NATIVE_INT32, &crn),
            st, "writing attributes of", "/sweep/points");
    }
fail:
    if (ds >= 0) {
        H5Dclose(ds);
    }
    if (dcpl >= 0) {
        H5Pclose(dcpl);
    }
    if (space >= 0) {
        H5Sclose(space);
    }
    if (factor >= 0) {
        H5Dclose(factor);
    }
    if (g >= 0) {
        H5Gclose(g);
    }
    return status;
}

static enum aim_status aim_store_provenance_attrs(struct aim_store *st,
                                                  const struct aim_store_provenance *prov,
                                                  const struct aim_store_layout *lay)
{
    enum aim_status status = AIM_OK;
    char hdf5v[32], now[32];
    int dirty = aim_version_git_dirty();
    hid_t root = st->file;
    aim_store_utc_now(now, sizeof now);
    AIM_H5_CHECK(aim_h5util_write_string_attr(root, "aimsim_format", AIM_STORE_FORMAT), st,
                 "writing attribute", "/aimsim_format");
    AIM_H5_CHECK(
        aim_h5util_write_string_attr(root, "title", "aimsim Monte Carlo trajectories of the AI economy"), st,
        "writing attribute", "/title");
    AIM_H5_CHECK(aim_h5util_write_string_attr(root, "status", "partial"), st, "writing attribute", "/status");
    AIM_H5_CHECK(aim_h5util_write_string_attr(root, "aimsim_version", aim_version_string()), st,
                 "writing attribute", "/aimsim_version");
    AIM_H5_CHECK(aim_h5util_write_string_attr(root, "git_revision", aim_version_git_revision()), st,
                 "writing attribute", "/git_revision");
    AIM_H5_CHECK(aim_h5util_write_string_attr(root, "git_dirty",
                                              dirty == 1   ? "yes"
                                              : dirty == 0 ? "no"
                                                           : "unknown"),
                 st, "writing attribute", "/git_dirty");
    AIM_H5_CHECK(aim_h5util_write_string_attr(root, "compiler", aim_version_compiler()), st,
                 "writing attribute", "/compiler");
    AIM_H5_CHECK(aim_h5util_write_string_attr(root, "compile_flags", aim_version_flags()), st,
                 "writing attribute", "/compile_flags");
    AIM_H5_CHECK(aim_h5util_write_string_attr(root, "build_type", aim_version_build_type()), st,
                 "writing attribute", "/build_type");
    AIM_H5_CHECK(aim_h5util_write_string_attr(root, "hdf5_version", aim_version_hdf5(hdf5v, sizeof hdf5v)),
                 st, "writing attribute", "/hdf5_version");
    AIM_H5_CHECK(aim_h5util_write_string_attr(root, "libfyaml_version", aim_version_libfyaml()), st,
                 "writing attribute", "/libfyaml_version");
    AIM_H5_CHECK(aim_h5util_write_string_attr(root, "start_date", lay->start_date), st, "writing attribute",
                 "/start_date");
    AIM_H5_CHECK(aim_h5util_write_scalar_attr(root, "seed", H5T_STD_U64LE, H5T_NATIVE_UINT64, &prov->seed),
                 st, "writing attribute", "/seed");
    AIM_H5_CHECK(aim_h5util_write_string_attr(root, "config", prov->config_yaml), st, "writing attribute",
                 "/config");
    AIM_H5_CHECK(aim_h5util_write_string_attr(root, "start_time", now), st, "writing attribute",
                 "/start_time");
    if (prov->shard) {
        AIM_H5_CHECK(aim_h5util_write_string_attr(root, "shard", prov->shard), st, "writing attribute",
                     "/shard");
    }
fail:
    return status;
}

enum aim_status aim_store_create_loud(struct aim_store **out, const char *path,
                                      const struct aim_store_layout *lay,
                                      const struct aim_store_provenance *prov)
{
    return aim_store_create_with(out, path, lay, prov, NULL);
}

enum aim_status aim_store_create_with(struct aim_store **out, const char *path,
                                      const struct aim_store_layout *lay,
                                      const struct aim_store_provenance *prov,
                                      const struct aim_store_vmap *vmap)
{
    *out = NULL;
    enum aim_status status = aim_store_create_check_layout(lay, path);
    if (status) {
        return status;
    }
    char *tmp = NULL;
    struct aim_store *st = aim_store_alloc(path, 1);
    hid_t firm_g = H5I_INVALID_HID, market_g = H5I_INVALID_HID;
    hid_t root_sc[4] = {-1, -1, -1, -1}, firm_sc[4] = {-1, -1, -1, -1}, market_sc[4] = {-1, -1, -1, -1};
    hid_t space = H5I_INVALID_HID, dcpl = H5I_INVALID_HID, fapl = H5I_INVALID_HID;
    if (!st) {
        return aim_error_set(AIM_ERR_NOMEM, "%s: out of memory", path);
    }
    st->merged = vmap != NULL;
    st->n_points = lay->n_points;
    st->n_replicas = lay->n_replicas;
    st->n_times = lay->n_times;
    st->n_firms = lay->n_firms;
    st->bs_every = lay->bs_every;
    st->n_snapshots = aim_traj_snapshot_count(lay->n_times, lay->bs_every);
    for (int i = 0; i < AIM_BS_ROWS + AIM_BS_COLS; i++) {
        snprintf(st->bs_names[i], AIM_STORE_BS_NAME, "%s",
                 i < AIM_BS_ROWS ? lay->bs_rows[i] : lay->bs_cols[i - AIM_BS_ROWS]);
    }
    st->done = calloc((size_t)lay->n_points * (size_t)lay->n_replicas, 1);
    st->kinds = malloc(((size_t)lay->n_firms + 1) * sizeof *st->kinds);
    for (int f = 0; st->kinds && f < lay->n_firms; f++) {
        st->kinds[f] = lay->firm_kinds[f];
    }
    if (!st->done || !st->kinds) {
        aim_store_release(st);
        return aim_error_set(AIM_ERR_NOMEM, "%s: out of memory for %d x %d done flags", path, lay->n_points,
                             lay->n_replicas);
    }
    struct stat sb;
    if (lstat(path, &sb) == 0) {
        aim_store_release(st);
        return aim_error_set(AIM_ERR_IO, "%s: already exists (not overwritten)", path);
    }
    /* Made under a temporary name and renamed to path only once its layout and provenance are on
     * disk: a kill before that leaves nothing at path, one after leaves a file that --resume
     * finishes; path is never written through a link someone placed there, nor over a file that
     * appeared meanwhile. */
    tmp = aim_store_file_reserve(path);
    if (!tmp) {
        status = AIM_ERR_IO; /* the message says what failed */
        aim_store_release(st);
        return status;
    }
    /* The HDF5 1.10 file format (what Debian 12's libhdf5, h5py and netCDF-C 4.9 use): a
     * checksum on the superblock, every object header and every chunk index, so that damage to
     * the file's metadata is detected rather than decoded. Its superblock marks the file "open
     * for writing" until it is closed; aim_store_open reads a killed run's file regardless. */
    /* No free-space reuse: space freed when a chunk is rewritten (a replica's chunk replacing
     * its fill value, the event table's last chunk growing) is never handed to another chunk,
     * so until the chunk index points at the new copy the old copy stays intact. A run killed
     * in the middle of a flush then cannot leave an index entry pointing at another chunk's
     * bytes. The cost is that superseded copies stay in the file as dead space. */
    dcpl = H5Pcreate(H5P_FILE_CREATE);
    AIM_H5_CHECK(dcpl, st, "creating file properties of", "the file");
    AIM_H5_CHECK(H5Pset_file_space_strategy(dcpl, H5F_FSPACE_STRATEGY_NONE, 0, 1), st,
                 "setting the file space strategy of", "the file");
    /* The root's attributes (the provenance, config included) stay in its object header, which
     * has a checksum, rather than moving to dense storage past 8 attributes: the fractal heap
     * keeps objects over 4 KiB, such as the config, without one. */
    AIM_H5_CHECK(H5Pset_attr_phase_change(dcpl, 64, 48), st, "setting the attribute storage of", "/");
    fapl = H5Pcreate(H5P_FILE_ACCESS);
    AIM_H5_CHECK(fapl, st, "creating file access properties of", "the file");
    AIM_H5_CHECK(H5Pset_libver_bounds(fapl, H5F_LIBVER_V110, H5F_LIBVER_V110), st,
                 "setting the file format (HDF5 1.10) of", "the file");
    st->file = H5Fcreate(tmp, H5F_ACC_TRUNC, dcpl, fapl);
    AIM_H5_CHECK(st->file, st, "creating", "the file");
    if (stat(tmp, &sb) != 0) {
        status = aim_error_set(AIM_ERR_IO, "%s: cannot stat the new file: %s", tmp, strerror(errno));
        goto fail;
    }
    st->dev = sb.st_dev;
    st->ino = sb.st_ino;
    st->created = 1;
    H5Pclose(dcpl);
    H5Pclose(fapl);
    dcpl = fapl = H5I_INVALID_HID;
    status = aim_store_provenance_attrs(st, prov, lay);
    if (status) {
        goto fail;
    }
    status = aim_store_make_scales(st, st->file, "/", lay, 0, root_sc);
    if (!status && prov->sweep) {
        status = aim_store_make_sweep(st, prov->sweep, lay, root_sc[0]);
    }
    if (status) {
        goto fail;
    }
    firm_g = H5Gcreate2(st->file, "firm", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    AIM_H5_CHECK(firm_g, st, "creating group", "/firm");
    market_g = H5Gcreate2(st->file, "market", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    AIM_H5_CHECK(market_g, st, "creating group", "/market");
    status = aim_store_make_scales(st, firm_g, "/firm", lay, 1, firm_sc);
    if (status) {
        goto fail;
    }
    status = aim_store_make_scales(st, market_g, "/market", lay, 0, market_sc);
    if (status) {
        goto fail;
    }
    hsize_t fdims[4] = {(hsize_t)lay->n_points, (hsize_t)lay->n_replicas, (hsize_t)lay->n_times,
                        (hsize_t)lay->n_firms};
    for (int v = 0; v < AIM_FIRM_VAR_COUNT; v++) {
        char obj[128];
        snprintf(obj, sizeof obj, "/firm/%s", aim_traj_firm_var_name(v));
        st->firm[v] = aim_store_series(firm_g, aim_traj_firm_var_name(v), 4, fdims, firm_sc,
                                       aim_traj_firm_var_unit(v), aim_traj_firm_var_doc(v), 1, vmap, obj);
        AIM_H5_CHECK(st->firm[v], st, "creating dataset", obj);
    }
    for (int v = 0; v < AIM_MARKET_VAR_COUNT; v++) {
        char obj[128];
        snprintf(obj, sizeof obj, "/market/%s", aim_traj_market_var_name(v));
        st->market[v] =
            aim_store_series(market_g, aim_traj_market_var_name(v), 3, fdims, market_sc,
                             aim_traj_market_var_unit(v), aim_traj_market_var_doc(v), 0, vmap, obj);
        AIM_H5_CHECK(st->market[v], st, "creating dataset", obj);
    }
    status = aim_store_make_balance(st, lay, root_sc, vmap);
    if (status) {
        goto fail;
    }
    /* replica_done: one chunk per point, allocated now, with a Fletcher32 checksum whose size
     * never changes, so marking a replica rewrites its chunk in place. */
    space = H5Screate_simple(2, fdims, NULL);
    AIM_H5_CHECK(space, st, "creating dataspace of", "/replica_done");
    dcpl = H5Pcreate(H5P_DATASET_CREATE);
    AIM_H5_CHECK(dcpl, st, "creating properties of", "/replica_done");
    {
        hsize_t chunk[2] = {1, (hsize_t)lay->n_replicas};
        AIM_H5_CHECK(H5Pset_chunk(dcpl, 2, chunk), st, "setting chunks of", "/replica_done");
    }
    AIM_H5_CHECK(H5Pset_fletcher32(dcpl), st, "setting the checksum of", "/replica_done");
    AIM_H5_CHECK(H5Pset_alloc_time(dcpl, H5D_ALLOC_TIME_EARLY), st, "setting allocation of", "/replica_done");
    AIM_H5_CHECK(H5Pset_fill_time(dcpl, H5D_FILL_TIME_ALLOC), st, "setting fill of", "/replica_done");
    st->done_ds = H5Dcreate2(st->file, "replica_done", H5T_STD_U8LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    AIM_H5_CHECK(st->done_ds, st, "creating dataset", "/replica_done");
    AIM_H5_CHECK(H5DSattach_scale(st->done_ds, root_sc[0], 0), st, "attaching point to", "/replica_done");
    AIM_H5_CHECK(H5DSattach_scale(st->done_ds, root_sc[1], 1), st, "attaching replica to", "/replica_done");
    AIM_H5_CHECK(
        aim_h5util_write_string_attr(st->done_ds, "long_name", "1 once the replica is completely written"),
        st, "writing attributes of", "/replica_done");
    /* event_count: how many rows of /events belong to each replica, written with its data, so
     * that a resumed run can tell a replica whose events were all kept from one that lost some. */
    st->count_ds = H5Dcreate2(st->file, "event_count", H5T_STD_I32LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    AIM_H5_CHECK(st->count_ds, st, "creating dataset", "/event_count");
    AIM_H5_CHECK(H5DSattach_scale(st->count_ds, root_sc[0], 0), st, "attaching point to", "/event_count");
    AIM_H5_CHECK(H5DSattach_scale(st->count_ds, root_sc[1], 1), st, "attaching replica to", "/event_count");
    AIM_H5_CHECK(aim_h5util_write_string_attr(st->count_ds, "long_name",
                                              "number of rows of /events the replica recorded"),
                 st, "writing attributes of", "/event_count");
    H5Sclose(space);
    H5Pclose(dcpl);
    space = dcpl = H5I_INVALID_HID;
    /* The event log: rows appended per replica on an unlimited dimension "event". */
    st->event_type = aim_store_event_type();
    AIM_H5_CHECK(st->event_type, st, "creating the compound type of", "/events");
    st->event_scale = aim_h5util_create_scale(st->file, "event", 0, NULL, 1);
    AIM_H5_CHECK(st->event_scale, st, "creating dimension scale", "/event");
    {
        hsize_t dims[1] = {0}, maxdims[1] = {H5S_UNLIMITED}, chunk[1] = {AIM_STORE_EVENT_CHUNK};
        space = H5Screate_simple(1, dims, maxdims);
        AIM_H5_CHECK(space, st, "creating dataspace of", "/events");
        dcpl = H5Pcreate(H5P_DATASET_CREATE);
        AIM_H5_CHECK(dcpl, st, "creating properties of", "/events");
        AIM_H5_CHECK(H5Pset_chunk(dcpl, 1, chunk), st, "setting chunks of", "/events");
        AIM_H5_CHECK(H5Pset_shuffle(dcpl), st, "setting shuffle of", "/events");
        AIM_H5_CHECK(H5Pset_deflate(dcpl, AIM_STORE_DEFLATE), st, "setting deflate of", "/events");
        AIM_H5_CHECK(H5Pset_fletcher32(dcpl), st, "setting the checksum of", "/events");
        st->events_ds = H5Dcreate2(st->file, "events", st->event_type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
        AIM_H5_CHECK(st->events_ds, st, "creating dataset", "/events");
        AIM_H5_CHECK(H5DSattach_scale(st->events_ds, st->event_scale, 0), st, "attaching event to",
                     "/events");
        AIM_H5_CHECK(aim_h5util_write_string_attr(
                         st->events_ds, "long_name",
                         "event log: kind 1 deal (a lab, b vendor, c cloud; amounts vendor "
                         "investment, cloud investment, commitment), 2 round (a lab; sought, "
                         "raised, post-money), 3 default (a firm; destroyed value, voided "
                         "commitments, 0), 4 share issue (a firm; shares bn, proceeds, price); "
                         "seq orders the events of one replica"),
                     st, "writing attributes of", "/events");
    }
    AIM_H5_CHECK(H5Fflush(st->file, H5F_SCOPE_GLOBAL), st, "flushing", "the new file");
    status = aim_store_file_fsync(tmp, 0);
    if (!status && aim_store_file_publish(tmp, path) != 0) {
        status = errno == EEXIST ? aim_error_set(AIM_ERR_IO,
                                                 "%s: already exists (made by another run meanwhile); not "
                                                 "overwritten",
                                                 path)
                                 : aim_error_set(AIM_ERR_IO, "%s: cannot create: %s", path, strerror(errno));
    }
fail:
    for (int i = 0; i < 4; i++) {
        if (root_sc[i] >= 0) {
            H5Dclose(root_sc[i]);
        }
        if (firm_sc[i] >= 0) {
            H5Dclose(firm_sc[i]);
        }
        if (market_sc[i] >= 0) {
            H5Dclose(market_sc[i]);
        }
    }
    if (firm_g >= 0) {
        H5Gclose(firm_g);
    }
    if (market_g >= 0) {
        H5Gclose(market_g);
    }
    if (space >= 0) {
        H5Sclose(space);
    }
    if (dcpl >= 0) {
        H5Pclose(dcpl);
    }
    if (fapl >= 0) {
        H5Pclose(fapl);
    }
    if (status) {
        char *why = strdup(aim_error_message()); /* closing may fail too: keep the first reason */
        char *dir = strdup(path);
        struct statvfs vfs;
        int full = dir && statvfs(dirname(dir), &vfs) == 0 && vfs.f_bavail == 0;
        aim_store_release(st);
        if (why) {
            aim_error_set(status, "%s%s", why, full ? " (the file system is full)" : "");
            free(why);
        }
        free(dir);
        unlink(tmp); /* a half-made file of ours, never someone else's */
        free(tmp);
        return status;
    }
    free(tmp);
    *out = st;
    return AIM_OK;
}
