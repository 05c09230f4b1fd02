/* HDF5 trajectory store (docs/output.md). Layout:
 *   /firm/<var>    [point, replica, time, firm]  float64, one chunk per replica
 *   /market/<var>  [point, replica, time]        float64, one chunk per replica
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
 * not marked done, and duplicates left by an interrupted run, are dropped when the run finishes. */
#include "sim/store.h"

#include <errno.h>
#include <fcntl.h>
#include <hdf5.h>
#include <hdf5_hl.h>
#include <libgen.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "sim/version.h"

/* Identifies an aimsim file and the version of this layout. */
#define AIM_STORE_FORMAT "aimsim-trajectories-1"
/* deflate level: 4 compresses these smooth series nearly as well as 9, several times faster. */
enum { AIM_STORE_DEFLATE = 4, AIM_STORE_EVENT_CHUNK = 256 };

/** @brief One event row as stored: the key (point, replica, seq) makes every row unique. */
struct aim_store_event_row {
    int32_t point, replica, seq, step, kind, a, b, c;
    double amount0, amount1, amount2;
};

struct aim_store {
    char *path;
    int writable;
    hid_t file;
    hid_t firm[AIM_FIRM_VAR_COUNT];
    hid_t market[AIM_MARKET_VAR_COUNT];
    hid_t done_ds, count_ds, events_ds, event_scale;
    hid_t event_type; /* memory and file type of a row */
    int n_points, n_replicas, n_times, n_firms;
    int batch;        /* while salvaging: no flush per replica, one at the end */
    uint8_t *done;    /* copy of /replica_done */
    hsize_t n_events; /* rows in /events */
    struct aim_store_event_row *rows;
    size_t cap_rows;
};

/* The most specific message of HDF5's error stack, for our own message. */
static herr_t aim_store_walk(unsigned n, const H5E_error2_t *err, void *data)
{
    if (n == 0) {
        snprintf((char *)data, 256, "%s (in %s)", err->desc ? err->desc : "",
                 err->func_name ? err->func_name : "?");
    }
    return 0;
}

enum aim_status aim_store_hdf5_fail(const char *path, const char *what, const char *object)
{
    char why[256] = "no detail from HDF5";
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, aim_store_walk, why);
    H5Eclear2(H5E_DEFAULT);
    return aim_error_set(AIM_ERR_IO, "%s: %s %s failed: %s", path, what, object, why);
}

#define AIM_H5_CHECK(expr, st, what, object)                                                                 \
    do {                                                                                                     \
        if ((expr) < 0) {                                                                                    \
            status = aim_store_hdf5_fail((st)->path, what, object);                                          \
            goto fail;                                                                                       \
        }                                                                                                    \
    } while (0)

void aim_store_hdf5_quiet(void)
{
    /* Errors are reported through aim_error_set with the dataset path, not printed by HDF5. */
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
}

static struct aim_store *aim_store_alloc(const char *path, int writable)
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
    st->file = st->done_ds = st->count_ds = st->events_ds = st->event_scale = st->event_type =
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
static enum aim_status aim_store_release(struct aim_store *st)
{
    enum aim_status status = AIM_OK;
    for (int v = 0; v < AIM_FIRM_VAR_COUNT; v++) {
        aim_store_close_id(&st->firm[v], H5Dclose);
    }
    for (int v = 0; v < AIM_MARKET_VAR_COUNT; v++) {
        aim_store_close_id(&st->market[v], H5Dclose);
    }
    aim_store_close_id(&st->done_ds, H5Dclose);
    aim_store_close_id(&st->count_ds, H5Dclose);
    aim_store_close_id(&st->events_ds, H5Dclose);
    aim_store_close_id(&st->event_scale, H5Dclose);
    aim_store_close_id(&st->event_type, H5Tclose);
    if (st->file >= 0) {
        if (H5Fclose(st->file) < 0) {
            status = aim_store_hdf5_fail(st->path, "closing", "the file");
        }
        st->file = H5I_INVALID_HID;
    }
    free(st->done);
    free(st->rows);
    free(st->path);
    free(st);
    return status;
}

static hid_t aim_store_event_type(void)
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

/* ---- attributes ---- */

static herr_t aim_store_attr_delete_if(hid_t obj, const char *name)
{
    htri_t e = H5Aexists(obj, name);
    if (e < 0) {
        return -1;
    }
    return e > 0 ? H5Adelete(obj, name) : 0;
}

/* The variable-length UTF-8 string type (h5py and xarray read it as str); negative on failure. */
static hid_t aim_store_utf8_type(void)
{
    hid_t type = H5Tcopy(H5T_C_S1);
    if (type >= 0 && (H5Tset_size(type, H5T_VARIABLE) < 0 || H5Tset_cset(type, H5T_CSET_UTF8) < 0)) {
        H5Tclose(type);
        return H5I_INVALID_HID;
    }
    return type;
}

herr_t aim_store_write_string_attr(hid_t obj, const char *name, const char *value)
{
    if (aim_store_attr_delete_if(obj, name) < 0) {
        return -1;
    }
    hid_t type = aim_store_utf8_type();
    hid_t space = H5Screate(H5S_SCALAR);
    herr_t rc = -1;
    if (type >= 0 && space >= 0) {
        hid_t a = H5Acreate2(obj, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
        if (a >= 0) {
            rc = H5Awrite(a, type, &value);
            if (H5Aclose(a) < 0) {
                rc = -1;
            }
        }
    }
    if (type >= 0) {
        H5Tclose(type);
    }
    if (space >= 0) {
        H5Sclose(space);
    }
    return rc;
}

herr_t aim_store_write_scalar_attr(hid_t obj, const char *name, hid_t ftype, hid_t mtype, const void *value)
{
    if (aim_store_attr_delete_if(obj, name) < 0) {
        return -1;
    }
    hid_t space = H5Screate(H5S_SCALAR);
    if (space < 0) {
        return -1;
    }
    herr_t rc = -1;
    hid_t a = H5Acreate2(obj, name, ftype, space, H5P_DEFAULT, H5P_DEFAULT);
    if (a >= 0) {
        rc = H5Awrite(a, mtype, value);
        if (H5Aclose(a) < 0) {
            rc = -1;
        }
    }
    H5Sclose(space);
    return rc;
}

char *aim_store_read_string_attr(hid_t obj, const char *name)
{
    char *out = NULL;
    if (H5Aexists(obj, name) <= 0) {
        H5Eclear2(H5E_DEFAULT);
        return NULL;
    }
    hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
    hid_t ft = a >= 0 ? H5Aget_type(a) : H5I_INVALID_HID;
    hid_t mt = H5Tcopy(H5T_C_S1);
    if (a < 0 || ft < 0 || mt < 0 || H5Tget_class(ft) != H5T_STRING) {
        goto done;
    }
    if (H5Tis_variable_str(ft) > 0) {
        char *v = NULL;
        if (H5Tset_size(mt, H5T_VARIABLE) >= 0 && H5Tset_cset(mt, H5Tget_cset(ft)) >= 0 &&
            H5Aread(a, mt, &v) >= 0 && v) {
            out = strdup(v);
            H5free_memory(v);
        }
    } else {
        size_t n = H5Tget_size(ft);
        out = calloc(n + 1, 1);
        if (out && (H5Tset_size(mt, n + 1) < 0 || H5Aread(a, mt, out) < 0)) {
            free(out);
            out = NULL;
        }
    }
done:
    if (mt >= 0) {
        H5Tclose(mt);
    }
    if (ft >= 0) {
        H5Tclose(ft);
    }
    if (a >= 0) {
        H5Aclose(a);
    }
    return out;
}

static int aim_store_attr_read_u64(hid_t obj, const char *name, uint64_t *value)
{
    if (H5Aexists(obj, name) <= 0) {
        H5Eclear2(H5E_DEFAULT);
        return -1;
    }
    hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
    if (a < 0) {
        return -1;
    }
    herr_t rc = H5Aread(a, H5T_NATIVE_UINT64, value);
    H5Aclose(a);
    return rc < 0 ? -1 : 0;
}

/* UTC now as ISO 8601 ("2026-11-26T04:30:00Z"). */
static void aim_store_utc_now(char *buf, size_t size)
{
    time_t now = time(NULL);
    struct tm tm;
    if (gmtime_r(&now, &tm)) {
        strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
    } else {
        snprintf(buf, size, "unknown");
    }
}

/* ---- creation ---- */

hid_t aim_store_create_scale(hid_t loc, const char *name, hsize_t n, const double *values, int unlimited)
{
    hsize_t dims[1] = {n}, maxdims[1] = {unlimited ? H5S_UNLIMITED : n}, chunk[1] = {AIM_STORE_EVENT_CHUNK};
    hid_t space = H5Screate_simple(1, dims, maxdims);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    hid_t ds = H5I_INVALID_HID;
    if (space < 0 || dcpl < 0) {
        goto done;
    }
    if (unlimited && H5Pset_chunk(dcpl, 1, chunk) < 0) {
        goto done;
    }
    ds =
        H5Dcreate2(loc, name, values ? H5T_IEEE_F64LE : H5T_STD_I32LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    if (ds < 0) {
        goto done;
    }
    if (n > 0) {
        herr_t rc = -1;
        if (values) {
            rc = H5Dwrite(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values);
        } else {
            int32_t *v = malloc(n * sizeof *v);
            for (hsize_t i = 0; v && i < n; i++) {
                v[i] = (int32_t)i;
            }
            rc = v ? H5Dwrite(ds, H5T_NATIVE_INT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) : -1;
            free(v);
        }
        if (rc < 0) {
            H5Dclose(ds);
            ds = H5I_INVALID_HID;
            goto done;
        }
    }
    if (H5DSset_scale(ds, name) < 0) {
        H5Dclose(ds);
        ds = H5I_INVALID_HID;
    }
done:
    if (space >= 0) {
        H5Sclose(space);
    }
    if (dcpl >= 0) {
        H5Pclose(dcpl);
    }
    return ds;
}

herr_t aim_store_write_string_var(hid_t loc, const char *name, int n, const char *const *values, hid_t scale,
                                  const char *long_name)
{
    hsize_t dims[1] = {(hsize_t)n};
    hid_t type = aim_store_utf8_type();
    hid_t space = H5Screate_simple(1, dims, NULL);
    herr_t rc = -1;
    if (type >= 0 && space >= 0) {
        hid_t ds = H5Dcreate2(loc, name, type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        if (ds >= 0) {
            rc = (n == 0 || H5Dwrite(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values) >= 0) &&
                         H5DSattach_scale(ds, scale, 0) >= 0 &&
                         aim_store_write_string_attr(ds, "long_name", long_name) >= 0
                     ? 0
                     : -1;
            if (H5Dclose(ds) < 0) {
                rc = -1;
            }
        }
    }
    if (type >= 0) {
        H5Tclose(type);
    }
    if (space >= 0) {
        H5Sclose(space);
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
    scales[0] = aim_store_create_scale(loc, "point", (hsize_t)lay->n_points, NULL, 0);
    AIM_H5_CHECK(scales[0], st, "creating dimension scale", "point");
    AIM_H5_CHECK(aim_store_write_string_attr(scales[0], "long_name", "sweep point index"), st,
                 "writing attributes of", "point");
    scales[1] = aim_store_create_scale(loc, "replica", (hsize_t)lay->n_replicas, NULL, 0);
    AIM_H5_CHECK(scales[1], st, "creating dimension scale", "replica");
    AIM_H5_CHECK(aim_store_write_string_attr(scales[1], "long_name", "Monte Carlo replica index"), st,
                 "writing attributes of", "replica");
    scales[2] = aim_store_create_scale(loc, "time", (hsize_t)lay->n_times, NULL, 0);
    AIM_H5_CHECK(scales[2], st, "creating dimension scale", "time");
    /* Months since the first day of the start month; the 360-day calendar (twelve 30-day
     * months) is the CF calendar in which "months since" is exact, so xarray decodes it. */
    snprintf(units, sizeof units, "months since %s-01", lay->start_date);
    AIM_H5_CHECK(aim_store_write_string_attr(scales[2], "units", units), st, "writing attributes of", "time");
    AIM_H5_CHECK(aim_store_write_string_attr(scales[2], "calendar", "360_day"), st, "writing attributes of",
                 "time");
    AIM_H5_CHECK(aim_store_write_string_attr(scales[2], "long_name", "month (0: state at the start)"), st,
                 "writing attributes of", "time");
    scales[3] = H5I_INVALID_HID;
    if (with_firm) {
        scales[3] = aim_store_create_scale(loc, "firm", (hsize_t)lay->n_firms, NULL, 0);
        AIM_H5_CHECK(scales[3], st, "creating dimension scale", "firm");
        AIM_H5_CHECK(aim_store_write_string_attr(scales[3], "long_name",
                                                 "firm index: vendors, clouds, labs in config order"),
                     st, "writing attributes of", "firm");
        kinds = malloc(((size_t)lay->n_firms + 1) * sizeof *kinds);
        if (!kinds) {
            return aim_error_set(AIM_ERR_NOMEM, "%s: out of memory", st->path);
        }
        for (int f = 0; f < lay->n_firms; f++) {
            int k = lay->firm_kinds[f];
            kinds[f] = k >= 0 && k <= 2 ? kind_names[k] : "unknown";
        }
        AIM_H5_CHECK(aim_store_write_string_var(loc, "firm_name", lay->n_firms, lay->firm_names, scales[3],
                                                "firm name"),
                     st, "writing", "firm_name");
        AIM_H5_CHECK(aim_store_write_string_var(loc, "firm_kind", lay->n_firms, kinds, scales[3],
                                                "firm kind: vendor, cloud or lab"),
                     st, "writing", "firm_kind");
    }
    (void)where;
fail:
    free(kinds);
    return status;
}

/* A float64 series dataset, one chunk per replica, NaN until written, every chunk allocated now. */
static hid_t aim_store_series(hid_t loc, const char *name, int rank, const hsize_t *dims, const hid_t *scales,
                              const char *unit, const char *doc, int with_coords)
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
    ok = ok && H5Pset_chunk(dcpl, rank, chunk) >= 0 && H5Pset_shuffle(dcpl) >= 0 &&
         H5Pset_deflate(dcpl, AIM_STORE_DEFLATE) >= 0 &&
         H5Pset_fill_value(dcpl, H5T_NATIVE_DOUBLE, &fill) >= 0 &&
         H5Pset_alloc_time(dcpl, H5D_ALLOC_TIME_EARLY) >= 0;
    if (ok) {
        ds = H5Dcreate2(loc, name, H5T_IEEE_F64LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    }
    if (ds >= 0) {
        ok = 1;
        for (int i = 0; i < rank && ok; i++) {
            ok = H5DSattach_scale(ds, scales[i], (unsigned)i) >= 0;
        }
        ok = ok && aim_store_write_string_attr(ds, "units", unit[0] ? unit : "1") >= 0 &&
             aim_store_write_string_attr(ds, "long_name", doc) >= 0;
        if (ok && with_coords) {
            ok = aim_store_write_string_attr(ds, "coordinates", "firm_name firm_kind") >= 0;
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

static enum aim_status aim_store_check_layout(const struct aim_store_layout *lay, const char *path)
{
    if (lay->n_points < 1 || lay->n_replicas < 1 || lay->n_times < 1 || lay->n_firms < 0) {
        return aim_error_set(
            AIM_ERR_USAGE,
            "%s: store layout needs points, replicas, times >= 1 and firms >= 0 (got %d, %d, %d, %d)", path,
            lay->n_points, lay->n_replicas, lay->n_times, lay->n_firms);
    }
    if (!lay->start_date || strlen(lay->start_date) != 7 || lay->start_date[4] != '-') {
        return aim_error_set(AIM_ERR_USAGE, "%s: start date must be YYYY-MM (got \"%s\")", path,
                             lay->start_date ? lay->start_date : "(null)");
    }
    return AIM_OK;
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
    AIM_H5_CHECK(aim_store_write_string_attr(root, "aimsim_format", AIM_STORE_FORMAT), st,
                 "writing attribute", "/aimsim_format");
    AIM_H5_CHECK(
        aim_store_write_string_attr(root, "title", "aimsim Monte Carlo trajectories of the AI economy"), st,
        "writing attribute", "/title");
    AIM_H5_CHECK(aim_store_write_string_attr(root, "status", "partial"), st, "writing attribute", "/status");
    AIM_H5_CHECK(aim_store_write_string_attr(root, "aimsim_version", aim_version_string()), st,
                 "writing attribute", "/aimsim_version");
    AIM_H5_CHECK(aim_store_write_string_attr(root, "git_revision", aim_version_git_revision()), st,
                 "writing attribute", "/git_revision");
    AIM_H5_CHECK(aim_store_write_string_attr(root, "git_dirty",
                                             dirty == 1   ? "yes"
                                             : dirty == 0 ? "no"
                                                          : "unknown"),
                 st, "writing attribute", "/git_dirty");
    AIM_H5_CHECK(aim_store_write_string_attr(root, "compiler", aim_version_compiler()), st,
                 "writing attribute", "/compiler");
    AIM_H5_CHECK(aim_store_write_string_attr(root, "compile_flags", aim_version_flags()), st,
                 "writing attribute", "/compile_flags");
    AIM_H5_CHECK(aim_store_write_string_attr(root, "build_type", aim_version_build_type()), st,
                 "writing attribute", "/build_type");
    AIM_H5_CHECK(aim_store_write_string_attr(root, "hdf5_version", aim_version_hdf5(hdf5v, sizeof hdf5v)), st,
                 "writing attribute", "/hdf5_version");
    AIM_H5_CHECK(aim_store_write_string_attr(root, "libfyaml_version", aim_version_libfyaml()), st,
                 "writing attribute", "/libfyaml_version");
    AIM_H5_CHECK(aim_store_write_string_attr(root, "start_date", lay->start_date), st, "writing attribute",
                 "/start_date");
    AIM_H5_CHECK(aim_store_write_scalar_attr(root, "seed", H5T_STD_U64LE, H5T_NATIVE_UINT64, &prov->seed), st,
                 "writing attribute", "/seed");
    AIM_H5_CHECK(aim_store_write_string_attr(root, "config", prov->config_yaml), st, "writing attribute",
                 "/config");
    AIM_H5_CHECK(aim_store_write_string_attr(root, "start_time", now), st, "writing attribute",
                 "/start_time");
fail:
    return status;
}

enum aim_status aim_store_create(struct aim_store **out, const char *path, const struct aim_store_layout *lay,
                                 const struct aim_store_provenance *prov)
{
    *out = NULL;
    enum aim_status status = aim_store_check_layout(lay, path);
    if (status) {
        return status;
    }
    aim_store_hdf5_quiet();
    struct aim_store *st = aim_store_alloc(path, 1);
    hid_t firm_g = H5I_INVALID_HID, market_g = H5I_INVALID_HID;
    hid_t root_sc[4] = {-1, -1, -1, -1}, firm_sc[4] = {-1, -1, -1, -1}, market_sc[4] = {-1, -1, -1, -1};
    hid_t space = H5I_INVALID_HID, dcpl = H5I_INVALID_HID;
    if (!st) {
        return aim_error_set(AIM_ERR_NOMEM, "%s: out of memory", path);
    }
    st->n_points = lay->n_points;
    st->n_replicas = lay->n_replicas;
    st->n_times = lay->n_times;
    st->n_firms = lay->n_firms;
    st->done = calloc((size_t)lay->n_points * (size_t)lay->n_replicas, 1);
    if (!st->done) {
        aim_store_release(st);
        return aim_error_set(AIM_ERR_NOMEM, "%s: out of memory for %d x %d done flags", path, lay->n_points,
                             lay->n_replicas);
    }
    struct stat sb;
    if (stat(path, &sb) == 0) {
        aim_store_release(st);
        return aim_error_set(AIM_ERR_IO, "%s: already exists (not overwritten)", path);
    }
    /* Earliest file format: readable by every HDF5 1.8+/netCDF-4 reader, and no superblock
     * "open for writing" flag that would stop a killed run's file from opening. */
    /* No free-space reuse: space freed when a chunk is rewritten (a replica's chunk replacing
     * its fill value, the event table's last chunk growing) is never handed to another chunk,
     * so until the chunk index points at the new copy the old copy stays intact. A run killed
     * in the middle of a flush then cannot leave an index entry pointing at another chunk's
     * bytes. The cost is that superseded copies stay in the file as dead space. */
    dcpl = H5Pcreate(H5P_FILE_CREATE);
    AIM_H5_CHECK(dcpl, st, "creating file properties of", "the file");
    AIM_H5_CHECK(H5Pset_file_space_strategy(dcpl, H5F_FSPACE_STRATEGY_NONE, 0, 1), st,
                 "setting the file space strategy of", "the file");
    st->file = H5Fcreate(path, H5F_ACC_EXCL, dcpl, H5P_DEFAULT);
    AIM_H5_CHECK(st->file, st, "creating", "the file");
    H5Pclose(dcpl);
    dcpl = H5I_INVALID_HID;
    status = aim_store_provenance_attrs(st, prov, lay);
    if (status) {
        goto fail;
    }
    status = aim_store_make_scales(st, st->file, "/", lay, 0, root_sc);
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
                                       aim_traj_firm_var_unit(v), aim_traj_firm_var_doc(v), 1);
        AIM_H5_CHECK(st->firm[v], st, "creating dataset", obj);
    }
    for (int v = 0; v < AIM_MARKET_VAR_COUNT; v++) {
        char obj[128];
        snprintf(obj, sizeof obj, "/market/%s", aim_traj_market_var_name(v));
        st->market[v] = aim_store_series(market_g, aim_traj_market_var_name(v), 3, fdims, market_sc,
                                         aim_traj_market_var_unit(v), aim_traj_market_var_doc(v), 0);
        AIM_H5_CHECK(st->market[v], st, "creating dataset", obj);
    }
    /* replica_done: contiguous and allocated now, so marking a replica is an in-place write. */
    space = H5Screate_simple(2, fdims, NULL);
    AIM_H5_CHECK(space, st, "creating dataspace of", "/replica_done");
    dcpl = H5Pcreate(H5P_DATASET_CREATE);
    AIM_H5_CHECK(dcpl, st, "creating properties of", "/replica_done");
    AIM_H5_CHECK(H5Pset_alloc_time(dcpl, H5D_ALLOC_TIME_EARLY), st, "setting allocation of", "/replica_done");
    AIM_H5_CHECK(H5Pset_fill_time(dcpl, H5D_FILL_TIME_ALLOC), st, "setting fill of", "/replica_done");
    st->done_ds = H5Dcreate2(st->file, "replica_done", H5T_STD_U8LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    AIM_H5_CHECK(st->done_ds, st, "creating dataset", "/replica_done");
    AIM_H5_CHECK(H5DSattach_scale(st->done_ds, root_sc[0], 0), st, "attaching point to", "/replica_done");
    AIM_H5_CHECK(H5DSattach_scale(st->done_ds, root_sc[1], 1), st, "attaching replica to", "/replica_done");
    AIM_H5_CHECK(
        aim_store_write_string_attr(st->done_ds, "long_name", "1 once the replica is completely written"), st,
        "writing attributes of", "/replica_done");
    /* event_count: how many rows of /events belong to each replica, written with its data, so
     * that a resumed run can tell a replica whose events were all kept from one that lost some. */
    st->count_ds = H5Dcreate2(st->file, "event_count", H5T_STD_I32LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    AIM_H5_CHECK(st->count_ds, st, "creating dataset", "/event_count");
    AIM_H5_CHECK(H5DSattach_scale(st->count_ds, root_sc[0], 0), st, "attaching point to", "/event_count");
    AIM_H5_CHECK(H5DSattach_scale(st->count_ds, root_sc[1], 1), st, "attaching replica to", "/event_count");
    AIM_H5_CHECK(aim_store_write_string_attr(st->count_ds, "long_name",
                                             "number of rows of /events the replica recorded"),
                 st, "writing attributes of", "/event_count");
    H5Sclose(space);
    H5Pclose(dcpl);
    space = dcpl = H5I_INVALID_HID;
    /* The event log: rows appended per replica on an unlimited dimension "event". */
    st->event_type = aim_store_event_type();
    AIM_H5_CHECK(st->event_type, st, "creating the compound type of", "/events");
    st->event_scale = aim_store_create_scale(st->file, "event", 0, NULL, 1);
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
        st->events_ds = H5Dcreate2(st->file, "events", st->event_type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
        AIM_H5_CHECK(st->events_ds, st, "creating dataset", "/events");
        AIM_H5_CHECK(H5DSattach_scale(st->events_ds, st->event_scale, 0), st, "attaching event to",
                     "/events");
        AIM_H5_CHECK(aim_store_write_string_attr(
                         st->events_ds, "long_name",
                         "event log: kind 1 deal (a lab, b vendor, c cloud; amounts vendor "
                         "investment, cloud investment, commitment), 2 round (a lab; sought, "
                         "raised, post-money), 3 default (a firm; destroyed value, voided "
                         "commitments, 0), 4 share issue (a firm; shares bn, proceeds, price); "
                         "seq orders the events of one replica"),
                     st, "writing attributes of", "/events");
    }
    AIM_H5_CHECK(H5Fflush(st->file, H5F_SCOPE_GLOBAL), st, "flushing", "the new file");
    status = AIM_OK;
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
    if (status) {
        int created = st->file >= 0;
        aim_store_release(st);
        if (created) {
            unlink(path); /* a half-made file of ours, never someone else's */
        }
        return status;
    }
    *out = st;
    return AIM_OK;
}

/* ---- opening an existing file ---- */

/* Reads a dataset's dimensions; returns its rank or -1. */
static int aim_store_dims(hid_t ds, hsize_t dims[4])
{
    hid_t space = H5Dget_space(ds);
    if (space < 0) {
        return -1;
    }
    int rank = H5Sget_simple_extent_ndims(space);
    if (rank < 0 || rank > 4 || H5Sget_simple_extent_dims(space, dims, NULL) < 0) {
        rank = -1;
    }
    H5Sclose(space);
    return rank;
}

static enum aim_status aim_store_open(struct aim_store **out, const char *path, int writable)
{
    *out = NULL;
    aim_store_hdf5_quiet();
    enum aim_status status = AIM_OK;
    struct aim_store *st = aim_store_alloc(path, writable);
    hsize_t dims[4];
    char *format = NULL;
    if (!st) {
        return aim_error_set(AIM_ERR_NOMEM, "%s: out of memory", path);
    }
    if (access(path, F_OK) != 0) {
        status = aim_error_set(AIM_ERR_IO, "%s: %s", path, strerror(errno));
        goto fail;
    }
    if (H5Fis_hdf5(path) <= 0) {
        H5Eclear2(H5E_DEFAULT);
        status = aim_error_set(AIM_ERR_FORMAT,
                               "%s: not a readable HDF5 file (truncated, damaged or another format)", path);
        goto fail;
    }
    st->file = H5Fopen(path, writable ? H5F_ACC_RDWR : H5F_ACC_RDONLY, H5P_DEFAULT);
    if (st->file < 0) {
        /* The signature was found but the file does not open: truncated or damaged. */
        aim_store_hdf5_fail(path, "opening", "the file");
        status = aim_error_prefix(AIM_ERR_FORMAT, "not a readable HDF5 file (truncated or damaged): ");
        goto fail;
    }
    format = aim_store_read_string_attr(st->file, "aimsim_format");
    if (!format || strcmp(format, AIM_STORE_FORMAT) != 0) {
        status = aim_error_set(
            AIM_ERR_FORMAT,
            "%s: not an aimsim trajectory file (root attribute aimsim_format is %s%s%s, want \"%s\")", path,
            format ? "\"" : "", format ? format : "missing", format ? "\"" : "", AIM_STORE_FORMAT);
        goto fail;
    }
    for (int v = 0; v < AIM_FIRM_VAR_COUNT; v++) {
        char obj[128];
        snprintf(obj, sizeof obj, "/firm/%s", aim_traj_firm_var_name(v));
        st->firm[v] = H5Dopen2(st->file, obj, H5P_DEFAULT);
        AIM_H5_CHECK(st->firm[v], st, "opening dataset", obj);
        if (aim_store_dims(st->firm[v], dims) != 4 ||
            (v > 0 && (dims[0] != (hsize_t)st->n_points || dims[1] != (hsize_t)st->n_replicas ||
                       dims[2] != (hsize_t)st->n_times || dims[3] != (hsize_t)st->n_firms))) {
            status = aim_error_set(AIM_ERR_FORMAT, "%s: dataset %s does not have the shape of /firm/%s", path,
                                   obj, aim_traj_firm_var_name(0));
            goto fail;
        }
        st->n_points = (int)dims[0];
        st->n_replicas = (int)dims[1];
        st->n_times = (int)dims[2];
        st->n_firms = (int)dims[3];
    }
    for (int v = 0; v < AIM_MARKET_VAR_COUNT; v++) {
        char obj[128];
        snprintf(obj, sizeof obj, "/market/%s", aim_traj_market_var_name(v));
        st->market[v] = H5Dopen2(st->file, obj, H5P_DEFAULT);
        AIM_H5_CHECK(st->market[v], st, "opening dataset", obj);
        if (aim_store_dims(st->market[v], dims) != 3 || dims[0] != (hsize_t)st->n_points ||
            dims[1] != (hsize_t)st->n_replicas || dims[2] != (hsize_t)st->n_times) {
            status = aim_error_set(AIM_ERR_FORMAT,
                                   "%s: dataset %s is not [point, replica, time] like /firm/*", path, obj);
            goto fail;
        }
    }
    st->done_ds = H5Dopen2(st->file, "replica_done", H5P_DEFAULT);
    AIM_H5_CHECK(st->done_ds, st, "opening dataset", "/replica_done");
    if (aim_store_dims(st->done_ds, dims) != 2 || dims[0] != (hsize_t)st->n_points ||
        dims[1] != (hsize_t)st->n_replicas) {
        status = aim_error_set(AIM_ERR_FORMAT, "%s: /replica_done is not [point, replica]", path);
        goto fail;
    }
    st->done = malloc((size_t)st->n_points * (size_t)st->n_replicas);
    if (!st->done) {
        status = aim_error_set(AIM_ERR_NOMEM, "%s: out of memory for the done flags", path);
        goto fail;
    }
    AIM_H5_CHECK(H5Dread(st->done_ds, H5T_NATIVE_UINT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, st->done), st,
                 "reading", "/replica_done");
    st->count_ds = H5Dopen2(st->file, "event_count", H5P_DEFAULT);
    AIM_H5_CHECK(st->count_ds, st, "opening dataset", "/event_count");
    st->event_type = aim_store_event_type();
    AIM_H5_CHECK(st->event_type, st, "creating the compound type of", "/events");
    st->events_ds = H5Dopen2(
        st->file, H5Lexists(st->file, "events", H5P_DEFAULT) > 0 ? "events" : "events_sorted", H5P_DEFAULT);
    AIM_H5_CHECK(st->events_ds, st, "opening dataset", "/events");
    if (aim_store_dims(st->events_ds, dims) != 1) {
        status = aim_error_set(AIM_ERR_FORMAT, "%s: /events is not one-dimensional", path);
        goto fail;
    }
    st->n_events = dims[0];
    st->event_scale = H5Dopen2(st->file, "event", H5P_DEFAULT);
    AIM_H5_CHECK(st->event_scale, st, "opening dimension scale", "/event");
    free(format);
    *out = st;
    return AIM_OK;
fail:
    free(format);
    aim_store_release(st);
    return status;
}

enum aim_status aim_store_open_read(struct aim_store **st, const char *path)
{
    return aim_store_open(st, path, 0);
}

/* Resizes /event to the table's length and numbers the new rows (after appends or recovery). */
static enum aim_status aim_store_sync_event_scale(struct aim_store *st, hsize_t from)
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
    return AIM_OK;
}

/* Reads or writes one replica's block of a series dataset. */
static herr_t aim_store_series_io(hid_t ds, int rank, int point, int replica, int n_times, int n_firms,
                                  double *buf, int write)
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

static enum aim_status aim_store_reserve_rows(struct aim_store *st, size_t n)
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

/* Writes (write = 1) or reads every firm and market series of replica (point, replica). */
static enum aim_status aim_store_series_all(struct aim_store *st, int point, int replica, double *const *firm,
                                            double *const *market, int write)
{
    enum aim_status status = AIM_OK;
    char obj[128];
    for (int v = 0; v < AIM_FIRM_VAR_COUNT; v++) {
        snprintf(obj, sizeof obj, "/firm/%s", aim_traj_firm_var_name(v));
        AIM_H5_CHECK(
            aim_store_series_io(st->firm[v], 4, point, replica, st->n_times, st->n_firms, firm[v], write), st,
            write ? "writing" : "reading", obj);
    }
    for (int v = 0; v < AIM_MARKET_VAR_COUNT; v++) {
        snprintf(obj, sizeof obj, "/market/%s", aim_traj_market_var_name(v));
        AIM_H5_CHECK(aim_store_series_io(st->market[v], 3, point, replica, st->n_times, 0, market[v], write),
                     st, write ? "writing" : "reading", obj);
    }
fail:
    return status;
}

enum aim_status aim_store_write_replica(struct aim_store *st, int point, int replica,
                                        const struct aim_traj *tr)
{
    enum aim_status status = aim_store_check_replica(st, point, replica, tr);
    hid_t fs = H5I_INVALID_HID, ms = H5I_INVALID_HID;
    if (status) {
        return status;
    }
    if (!st->writable) {
        return aim_error_set(AIM_ERR_USAGE, "%s: opened read-only", st->path);
    }
    status = aim_store_series_all(st, point, replica, tr->firm, tr->market, 1);
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
    /* The replica's data reach the file before its done flag does. */
    if (!st->batch) {
        AIM_H5_CHECK(H5Fflush(st->file, H5F_SCOPE_GLOBAL), st, "flushing", "the file");
    }
    {
        hsize_t start[2] = {(hsize_t)point, (hsize_t)replica}, count[2] = {1, 1}, one = 1;
        uint8_t flag = 1;
        if (fs >= 0) {
            H5Sclose(fs);
        }
        if (ms >= 0) {
            H5Sclose(ms);
        }
        fs = H5Dget_space(st->done_ds);
        AIM_H5_CHECK(fs, st, "selecting in", "/replica_done");
        AIM_H5_CHECK(H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, count, NULL), st, "selecting in",
                     "/replica_done");
        ms = H5Screate_simple(1, &one, NULL);
        AIM_H5_CHECK(ms, st, "creating memory space for", "/replica_done");
        AIM_H5_CHECK(H5Dwrite(st->done_ds, H5T_NATIVE_UINT8, ms, fs, H5P_DEFAULT, &flag), st, "writing",
                     "/replica_done");
    }
    if (!st->batch) {
        AIM_H5_CHECK(H5Fflush(st->file, H5F_SCOPE_GLOBAL), st, "flushing", "the file");
    }
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

/* Reads the whole event table into st->rows; returns the row count through n. */
static enum aim_status aim_store_read_rows(struct aim_store *st, size_t *n)
{
    enum aim_status status = aim_store_reserve_rows(st, (size_t)st->n_events);
    *n = 0;
    if (status) {
        return status;
    }
    if (st->n_events > 0) {
        AIM_H5_CHECK(H5Dread(st->events_ds, st->event_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, st->rows), st,
                     "reading", "/events");
    }
    *n = (size_t)st->n_events;
fail:
    return status;
}

static int aim_store_row_cmp(const void *pa, const void *pb)
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

enum aim_status aim_store_read_replica(struct aim_store *st, int point, int replica, struct aim_traj *tr)
{
    enum aim_status status = aim_store_check_replica(st, point, replica, tr);
    if (status) {
        return status;
    }
    status = aim_store_series_all(st, point, replica, tr->firm, tr->market, 0);
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
        char *ln = aim_store_read_string_attr(st->events_ds, "long_name");
        herr_t rc = ln ? aim_store_write_string_attr(sorted, "long_name", ln) : 0;
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

/* fsync of a file or directory by path. */
static enum aim_status aim_store_fsync_path(const char *path, int directory)
{
    int fd = open(path, directory ? O_RDONLY | O_DIRECTORY : O_RDONLY);
    if (fd < 0) {
        return aim_error_set(AIM_ERR_IO, "%s: cannot open to sync: %s", path, strerror(errno));
    }
    int rc = fsync(fd);
    int err = errno;
    close(fd);
    if (rc != 0) {
        return aim_error_set(AIM_ERR_IO, "%s: fsync failed: %s", path, strerror(err));
    }
    return AIM_OK;
}

enum aim_status aim_store_finish(struct aim_store *st, const char *final_path)
{
    enum aim_status status = AIM_OK;
    char now[32];
    char *path = strdup(st->path);
    if (!path) {
        aim_store_release(st);
        return aim_error_set(AIM_ERR_NOMEM, "out of memory");
    }
    if (!st->writable) {
        status = aim_error_set(AIM_ERR_USAGE, "%s: opened read-only", st->path);
        goto fail;
    }
    status = aim_store_sort_events(st);
    if (status) {
        goto fail;
    }
    aim_store_utc_now(now, sizeof now);
    AIM_H5_CHECK(aim_store_write_string_attr(st->file, "end_time", now), st, "writing attribute",
                 "/end_time");
    {
        int all = 1;
        for (int p = 0; p < st->n_points && all; p++) {
            all = aim_store_done_count(st, p) == st->n_replicas;
        }
        AIM_H5_CHECK(aim_store_write_string_attr(st->file, "status", all ? "complete" : "partial"), st,
                     "writing attribute", "/status");
    }
    status = aim_store_release(st);
    st = NULL;
    if (status) {
        goto fail;
    }
    status = aim_store_fsync_path(path, 0);
    if (!status && final_path && strcmp(final_path, path) != 0) {
        if (rename(path, final_path) != 0) {
            status =
                aim_error_set(AIM_ERR_IO, "cannot rename %s to %s: %s", path, final_path, strerror(errno));
        } else {
            char *dir = strdup(final_path);
            status =
                dir ? aim_store_fsync_path(dirname(dir), 1) : aim_error_set(AIM_ERR_NOMEM, "out of memory");
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

enum aim_status aim_store_close(struct aim_store *st)
{
    return st ? aim_store_release(st) : AIM_OK;
}

size_t aim_store_replica_raw_bytes(const struct aim_store_layout *lay)
{
    return ((size_t)lay->n_times * (size_t)lay->n_firms * AIM_FIRM_VAR_COUNT +
            (size_t)lay->n_times * AIM_MARKET_VAR_COUNT) *
           sizeof(double);
}

size_t aim_store_cache_bytes(const struct aim_store_layout *lay)
{
    /* HDF5's default per-dataset chunk cache (1 MiB) for every series dataset and the event
     * table, the metadata cache (at most 32 MiB by default), and the event row buffer. */
    size_t datasets = AIM_FIRM_VAR_COUNT + AIM_MARKET_VAR_COUNT + 3;
    (void)lay;
    return datasets * ((size_t)1 << 20) + ((size_t)32 << 20) + 4096 * sizeof(struct aim_store_event_row);
}

/* ---- description (aimsim info) ---- */

/** @brief A growing text buffer. */
struct aim_store_text {
    char *s;
    size_t len, cap;
    int failed;
};

static void aim_store_printf(struct aim_store_text *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void aim_store_printf(struct aim_store_text *t, const char *fmt, ...)
{
    if (t->failed) {
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        t->failed = 1;
        return;
    }
    if (t->len + (size_t)n + 1 > t->cap) {
        size_t cap = t->cap ? t->cap : 1024;
        while (cap < t->len + (size_t)n + 1) {
            cap *= 2;
        }
        char *s = realloc(t->s, cap);
        if (!s) {
            t->failed = 1;
            return;
        }
        t->s = s;
        t->cap = cap;
    }
    va_start(ap, fmt);
    vsnprintf(t->s + t->len, t->cap - t->len, fmt, ap);
    va_end(ap);
    t->len += (size_t)n;
}

/* Name of the first dimension scale attached to a dimension. */
static herr_t aim_store_scale_name(hid_t ds, unsigned dim, hid_t scale, void *data)
{
    (void)ds;
    (void)dim;
    if (H5DSget_scale_name(scale, (char *)data, 64) < 0) {
        ((char *)data)[0] = '\0';
    }
    return 1; /* the first is enough */
}

static herr_t aim_store_describe_link(hid_t loc, const char *name, const H5L_info_t *info, void *data)
{
    struct aim_store_text *t = data;
    H5O_info_t oinfo;
    (void)info;
    if (H5Oget_info_by_name2(loc, name, &oinfo, H5O_INFO_BASIC, H5P_DEFAULT) < 0 ||
        oinfo.type != H5O_TYPE_DATASET) {
        H5Eclear2(H5E_DEFAULT);
        return 0;
    }
    hid_t ds = H5Dopen2(loc, name, H5P_DEFAULT);
    if (ds < 0) {
        aim_store_printf(t, "  /%-28s (cannot open)\n", name);
        H5Eclear2(H5E_DEFAULT);
        return 0;
    }
    hsize_t dims[4] = {0, 0, 0, 0};
    int rank = aim_store_dims(ds, dims);
    hid_t type = H5Dget_type(ds);
    const char *tname = "other";
    if (type >= 0) {
        H5T_class_t c = H5Tget_class(type);
        size_t size = H5Tget_size(type);
        tname = c == H5T_FLOAT      ? (size == 8 ? "float64" : "float32")
                : c == H5T_INTEGER  ? (size == 1   ? "uint8"
                                       : size == 4 ? "int32"
                                                   : "int64")
                : c == H5T_STRING   ? "string"
                : c == H5T_COMPOUND ? "compound"
                                    : "other";
        H5Tclose(type);
    }
    char dimnames[256] = "";
    size_t off = 0;
    for (int i = 0; i < rank && off < sizeof dimnames; i++) {
        char dim[64] = "";
        if (rank == 1 && H5DSis_scale(ds) > 0) {
            if (H5DSget_scale_name(ds, dim, sizeof dim) < 0) { /* a scale is its own dimension */
                dim[0] = '\0';
            }
        } else if (H5DSiterate_scales(ds, (unsigned)i, NULL, aim_store_scale_name, dim) < 0) {
            dim[0] = '\0';
        }
        off += (size_t)snprintf(dimnames + off, sizeof dimnames - off, "%s%s%s%llu", i ? ", " : "", dim,
                                dim[0] ? "=" : "", (unsigned long long)dims[i]);
    }
    H5Eclear2(H5E_DEFAULT);
    aim_store_printf(t, "  /%-28s %-8s [%s]\n", name, tname, rank == 0 ? "scalar" : dimnames);
    H5Dclose(ds);
    return 0;
}

enum aim_status aim_store_describe(const char *path, char **text)
{
    *text = NULL;
    struct aim_store *st = NULL;
    enum aim_status status = aim_store_open(&st, path, 0);
    if (status) {
        return status;
    }
    struct aim_store_text t = {0};
    static const char *const keys[] = {"status",           "aimsim_version", "git_revision", "git_dirty",
                                       "compiler",         "compile_flags",  "build_type",   "hdf5_version",
                                       "libfyaml_version", "start_date",     "start_time",   "end_time"};
    aim_store_printf(&t, "file: %s\n", path);
    aim_store_printf(&t, "format: %s\n", AIM_STORE_FORMAT);
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
        char *v = aim_store_read_string_attr(st->file, keys[i]);
        aim_store_printf(&t, "%s: %s\n", keys[i], v ? v : "(not set)");
        free(v);
    }
    uint64_t seed = 0;
    if (aim_store_attr_read_u64(st->file, "seed", &seed) == 0) {
        aim_store_printf(&t, "seed: %llu\n", (unsigned long long)seed);
    }
    aim_store_printf(&t, "shape: %d points x %d replicas x %d times x %d firms\n", st->n_points,
                     st->n_replicas, st->n_times, st->n_firms);
    for (int p = 0; p < st->n_points; p++) {
        aim_store_printf(&t, "replicas complete (point %d): %d of %d\n", p, aim_store_done_count(st, p),
                         st->n_replicas);
    }
    aim_store_printf(&t, "events: %llu rows\n", (unsigned long long)st->n_events);
    aim_store_printf(&t, "datasets:\n");
    if (H5Lvisit(st->file, H5_INDEX_NAME, H5_ITER_INC, aim_store_describe_link, &t) < 0) {
        status = aim_store_hdf5_fail(path, "listing", "datasets");
    }
    char *config = aim_store_read_string_attr(st->file, "config");
    aim_store_printf(&t, "config:\n");
    if (config) {
        /* Indented so the block reads as YAML nested under "config:". */
        for (char *line = config, *next; line && *line; line = next) {
            next = strchr(line, '\n');
            if (next) {
                *next++ = '\0';
            }
            aim_store_printf(&t, "  %s\n", line);
        }
    }
    free(config);
    enum aim_status cs = aim_store_release(st);
    if (!status) {
        status = cs;
    }
    if (!status && t.failed) {
        status = aim_error_set(AIM_ERR_NOMEM, "%s: out of memory describing the file", path);
    }
    if (status) {
        free(t.s);
        return status;
    }
    *text = t.s;
    return AIM_OK;
}

/* ---- resuming ---- */

/* Checks that a partial file was written by the same run (seed, config, shape). */
static enum aim_status aim_store_check_same_run(const struct aim_store *old, const char *path,
                                                const struct aim_store_layout *lay,
                                                const struct aim_store_provenance *prov)
{
    enum aim_status status = AIM_OK;
    char *config = aim_store_read_string_attr(old->file, "config");
    uint64_t seed = 0;
    int seed_ok = aim_store_attr_read_u64(old->file, "seed", &seed) == 0;
    if (!seed_ok || seed != prov->seed) {
        status = aim_error_set(
            AIM_ERR_USAGE, "%s: cannot resume: the file was written with seed %llu, this run has seed %llu",
            path, (unsigned long long)seed, (unsigned long long)prov->seed);
    } else if (!config || strcmp(config, prov->config_yaml) != 0) {
        status =
            aim_error_set(AIM_ERR_USAGE,
                          "%s: cannot resume: the file was written with a different configuration (compare "
                          "`aimsim info %s` with `aimsim config show`); use --force to start again",
                          path, path);
    } else if (old->n_points != lay->n_points || old->n_replicas != lay->n_replicas ||
               old->n_times != lay->n_times || old->n_firms != lay->n_firms) {
        status =
            aim_error_set(AIM_ERR_USAGE,
                          "%s: cannot resume: the file holds %d points x %d replicas x %d times x %d firms, "
                          "this run needs %d x %d x %d x %d",
                          path, old->n_points, old->n_replicas, old->n_times, old->n_firms, lay->n_points,
                          lay->n_replicas, lay->n_times, lay->n_firms);
    }
    free(config);
    return status;
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
        return aim_store_hdf5_fail(st->path, "reading the dataspace of", "/events");
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

enum aim_status aim_store_open_resume(struct aim_store **out, const char *path,
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
    enum aim_status status = aim_store_check_layout(lay, path);
    if (status) {
        return status;
    }
    status = aim_store_open(&old, path, 0);
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
        status = aim_store_hdf5_fail(path, "reading", "/event_count");
        goto done;
    }
    status = aim_store_read_rows_tolerant(old, &nrows);
    if (status) {
        goto done;
    }
    qsort(old->rows, nrows, sizeof *old->rows, aim_store_row_cmp);
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
    start_time = aim_store_read_string_attr(old->file, "start_time");
    if (start_time && aim_store_write_string_attr(st->file, "start_time", start_time) < 0) {
        status = aim_store_hdf5_fail(tmp, "writing attribute", "/start_time");
        goto done;
    }
    status = aim_traj_create(&tr, old->n_firms, old->n_times);
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
        status = aim_store_hdf5_fail(tmp, "flushing", "the file");
        goto done;
    }
    status = aim_store_release(old);
    old = NULL;
    if (!status) {
        status = aim_store_fsync_path(tmp, 0);
    }
    if (!status && rename(tmp, path) != 0) {
        status = aim_error_set(AIM_ERR_IO, "cannot rename %s to %s: %s", tmp, path, strerror(errno));
    }
    if (!status) {
        char *dir = strdup(path), *newpath = strdup(path);
        status = dir && newpath ? aim_store_fsync_path(dirname(dir), 1)
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
