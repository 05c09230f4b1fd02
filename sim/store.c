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

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <hdf5.h>
#include <hdf5_hl.h>
#include <libgen.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "sim/h5util.h"
#include "sim/version.h"

/* Identifies an aimsim file and the version of this layout. */
#define AIM_STORE_FORMAT "aimsim-trajectories-2"
/* deflate level: 4 compresses these smooth series nearly as well as 9, several times faster. */
/* The event table grows in chunks of the size aim_h5util_create_scale gives an unlimited scale. */
enum { AIM_STORE_DEFLATE = 4, AIM_STORE_EVENT_CHUNK = AIM_H5UTIL_UNLIMITED_CHUNK };

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
    hid_t event_type; /* memory and file type of a row */
    int n_points, n_replicas, n_times, n_firms;
    int batch;          /* while salvaging: no flush per replica, one at the end */
    uint8_t *done;      /* copy of /replica_done */
    int *kinds;         /* enum aim_firm_kind of each firm */
    int label_width[2]; /* characters of /firm/firm_name and /firm/firm_kind (as read) */
    hsize_t n_events;   /* rows in /events */
    struct aim_store_event_row *rows;
    size_t cap_rows;
};

#define AIM_H5_CHECK(expr, st, what, object)                                                                 \
    do {                                                                                                     \
        if ((expr) < 0) {                                                                                    \
            status = aim_h5util_fail((st)->path, what, object);                                              \
            goto fail;                                                                                       \
        }                                                                                                    \
    } while (0)

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
            status = aim_h5util_fail(st->path, "closing", "the file");
        }
        st->file = H5I_INVALID_HID;
    }
    free(st->done);
    free(st->kinds);
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
         H5Pset_deflate(dcpl, AIM_STORE_DEFLATE) >= 0 && H5Pset_fletcher32(dcpl) >= 0 &&
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
fail:
    return status;
}

static enum aim_status aim_store_fsync_path(const char *path, int directory);

/* Temporary names are PATH.HOST.PID.creating: a kill while the file is being made leaves one,
 * which a later run on this host removes once process PID is gone. */
static char *aim_store_temp_name(const char *path, long pid)
{
    char host[256] = "localhost";
    if (gethostname(host, sizeof host - 1) != 0) {
        snprintf(host, sizeof host, "localhost");
    }
    host[sizeof host - 1] = '\0';
    for (char *c = host; *c; c++) {
        *c = *c == '/' ? '_' : *c;
    }
    size_t size = strlen(path) + strlen(host) + 48;
    char *tmp = malloc(size);
    if (tmp) {
        snprintf(tmp, size, "%s.%s.%ld.creating", path, host, pid);
    }
    return tmp;
}

/* Removes PATH.HOST.PID.creating files of this host whose process no longer exists. */
static void aim_store_remove_stale_temps(const char *path)
{
    char *dir = strdup(path), *base = strdup(path);
    char *pattern = aim_store_temp_name(path, 0); /* PATH.HOST.0.creating */
    const char *dir_name = dir && base && pattern ? dirname(dir) : NULL;
    DIR *d = dir_name ? opendir(dir_name) : NULL;
    if (d) {
        const char *b = basename(base);
        size_t nb = strlen(b), np = strlen(pattern) - strlen("0.creating");
        const char *host_part = pattern + strlen(path); /* ".HOST." */
        size_t nh = np - strlen(path);
        struct dirent *e;
        while ((e = readdir(d))) {
            size_t n = strlen(e->d_name);
            const char *rest = e->d_name + nb;
            if (n <= nb + nh + strlen(".creating") || strncmp(e->d_name, b, nb) != 0 ||
                strncmp(rest, host_part, nh) != 0 ||
                strcmp(e->d_name + n - strlen(".creating"), ".creating") != 0) {
                continue;
            }
            char *end = NULL;
            long pid = strtol(rest + nh, &end, 10);
            if (pid <= 0 || end != e->d_name + n - strlen(".creating") ||
                (kill((pid_t)pid, 0) == 0 || errno != ESRCH)) {
                continue;
            }
            size_t size = strlen(dir_name) + n + 2;
            char *full = malloc(size);
            if (full) {
                snprintf(full, size, "%s/%s", dir_name, e->d_name);
                unlink(full);
                free(full);
            }
        }
        closedir(d);
    }
    free(pattern);
    free(base);
    free(dir);
}

/* Reserves a new empty file PATH.HOST.PID.creating for path to be made in, created exclusively
 * and never through a symbolic link, with the usual permissions (0666 less the umask). Returns
 * the malloc'd name or NULL with the error set. */
static char *aim_store_reserve_temp(const char *path)
{
    aim_store_remove_stale_temps(path);
    char *tmp = aim_store_temp_name(path, (long)getpid());
    if (!tmp) {
        aim_error_set(AIM_ERR_NOMEM, "%s: out of memory", path);
        return NULL;
    }
    int fd = open(tmp, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (fd < 0 && errno == EEXIST) {
        /* Our own name: left by an earlier process with this pid, or by this one's failure. */
        unlink(tmp);
        fd = open(tmp, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
    }
    if (fd < 0) {
        aim_error_set(AIM_ERR_IO, "%s: cannot create the file: %s", tmp, strerror(errno));
        free(tmp);
        return NULL;
    }
    close(fd);
    return tmp;
}

/* Gives the made file its name path, unless path exists (then -1 with errno EEXIST): an atomic
 * no-replace rename where the file system has one, else a hard link. */
static int aim_store_publish(const char *tmp, const char *path)
{
    if (renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_NOREPLACE) == 0) {
        return 0;
    }
    if (errno != EINVAL && errno != ENOSYS) {
        return -1;
    }
    /* A file system without RENAME_NOREPLACE: a hard link fails if path exists, as wanted. */
    if (link(tmp, path) != 0) {
        return -1;
    }
    unlink(tmp);
    return 0;
}

static enum aim_status aim_store_create_loud(struct aim_store **out, const char *path,
                                             const struct aim_store_layout *lay,
                                             const struct aim_store_provenance *prov)
{
    *out = NULL;
    enum aim_status status = aim_store_check_layout(lay, path);
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
    st->n_points = lay->n_points;
    st->n_replicas = lay->n_replicas;
    st->n_times = lay->n_times;
    st->n_firms = lay->n_firms;
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
    tmp = aim_store_reserve_temp(path);
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
    status = aim_store_fsync_path(tmp, 0);
    if (!status && aim_store_publish(tmp, path) != 0) {
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

/* The file's own size in bytes (0 if it cannot be read). */
static hsize_t aim_store_path_bytes(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 && sb.st_size > 0 ? (hsize_t)sb.st_size : 0;
}

/** @brief What a dataset of the layout must be: element class and size, rank, dimensions. */
struct aim_store_expect {
    H5T_class_t cls;
    size_t size;         /* element bytes (strings: at most this) */
    int rank;            /* 1 to 4 */
    const hsize_t *dims; /* NULL: any (the caller reads them) */
};

/* Opens dataset obj (an absolute path) after checking that every group on its path and the
 * dataset exist, then that its type, rank and dimensions are those expected and that it is
 * chunked with a Fletcher32 checksum (so that damaged data fails to read rather than reads
 * wrong). dims receives the dimensions. AIM_ERR_FORMAT naming the dataset otherwise. */
static enum aim_status aim_store_open_checked(struct aim_store *st, const char *obj,
                                              const struct aim_store_expect *want, hsize_t dims[4],
                                              hid_t *out)
{
    enum aim_status status = AIM_OK;
    char prefix[128];
    hid_t ds = H5I_INVALID_HID, type = H5I_INVALID_HID, dcpl = H5I_INVALID_HID;
    unsigned flags = 0, cd[4];
    size_t ncd = 4;
    *out = H5I_INVALID_HID;
    /* Each link on the path, from the root down: H5Lexists fails on a missing intermediate group. */
    for (const char *slash = strchr(obj + 1, '/');; slash = strchr(slash + 1, '/')) {
        size_t len = slash ? (size_t)(slash - obj) : strlen(obj);
        H5O_info_t info;
        snprintf(prefix, sizeof prefix, "%.*s", (int)len, obj);
        if (H5Lexists(st->file, prefix, H5P_DEFAULT) <= 0) {
            H5Eclear2(H5E_DEFAULT);
            return aim_error_set(AIM_ERR_FORMAT,
                                 "%s: %s is missing (damaged file, or not written by this aimsim)", st->path,
                                 prefix);
        }
        if (H5Oget_info_by_name2(st->file, prefix, &info, H5O_INFO_BASIC, H5P_DEFAULT) < 0) {
            return aim_h5util_damaged(st->path, "reading the object header of", prefix);
        }
        if (info.type != (slash ? H5O_TYPE_GROUP : H5O_TYPE_DATASET)) {
            return aim_error_set(AIM_ERR_FORMAT, "%s: %s is not a %s (damaged file?)", st->path, prefix,
                                 slash ? "group" : "dataset");
        }
        if (!slash) {
            break;
        }
    }
    ds = H5Dopen2(st->file, obj, H5P_DEFAULT);
    if (ds < 0) {
        return aim_h5util_damaged(st->path, "opening dataset", obj);
    }
    type = H5Dget_type(ds);
    H5T_class_t cls = type >= 0 ? H5Tget_class(type) : H5T_NO_CLASS;
    size_t size = type >= 0 ? H5Tget_size(type) : 0;
    int type_ok = cls == want->cls && (cls == H5T_STRING ? size == want->size && H5Tis_variable_str(type) == 0
                                       : cls == H5T_COMPOUND ? H5Tequal(type, st->event_type) > 0
                                                             : size == want->size);
    if (!type_ok) {
        status = aim_error_set(
            AIM_ERR_FORMAT, "%s: dataset %s does not have the element type of an aimsim file (damaged file?)",
            st->path, obj);
        goto fail;
    }
    int rank = aim_store_dims(ds, dims);
    int dims_ok = rank == want->rank;
    for (int i = 0; dims_ok && want->dims && i < rank; i++) {
        dims_ok = dims[i] == want->dims[i];
    }
    if (!dims_ok) {
        status = aim_error_set(
            AIM_ERR_FORMAT,
            "%s: dataset %s has rank %d or dimensions other than the file's layout (damaged file?)", st->path,
            obj, rank);
        goto fail;
    }
    dcpl = H5Dget_create_plist(ds);
    if (dcpl < 0 || H5Pget_layout(dcpl) != H5D_CHUNKED ||
        H5Pget_filter_by_id2(dcpl, H5Z_FILTER_FLETCHER32, &flags, &ncd, cd, 0, NULL, NULL) < 0) {
        H5Eclear2(H5E_DEFAULT);
        status = aim_error_set(AIM_ERR_FORMAT,
                               "%s: dataset %s has no Fletcher32 checksum (not written by this aimsim)",
                               st->path, obj);
        goto fail;
    }
    *out = ds;
    ds = H5I_INVALID_HID;
fail:
    if (dcpl >= 0) {
        H5Pclose(dcpl);
    }
    if (type >= 0) {
        H5Tclose(type);
    }
    if (ds >= 0) {
        H5Dclose(ds);
    }
    H5Eclear2(H5E_DEFAULT);
    return status;
}

/* Opens and checks a dataset that is only checked, not kept open. */
static enum aim_status aim_store_check_dataset(struct aim_store *st, const char *obj,
                                               const struct aim_store_expect *want)
{
    hsize_t dims[4];
    hid_t ds;
    enum aim_status status = aim_store_open_checked(st, obj, want, dims, &ds);
    if (!status) {
        H5Dclose(ds);
    }
    return status;
}

/* The kinds of the firms from /firm/firm_kind, each "vendor", "cloud" or "lab": a character
 * array [firm, width], NUL-padded. */
static enum aim_status aim_store_read_kinds(struct aim_store *st, hid_t ds, size_t width)
{
    enum aim_status status = AIM_OK;
    static const char *const names[3] = {"vendor", "cloud", "lab"};
    hid_t ft = H5Dget_type(ds);
    char *buf = calloc((size_t)st->n_firms + 1, width);
    st->kinds = malloc(((size_t)st->n_firms + 1) * sizeof *st->kinds);
    if (!buf || !st->kinds) {
        status = aim_error_set(AIM_ERR_NOMEM, "%s: out of memory for %d firm kinds", st->path, st->n_firms);
        goto fail;
    }
    if (st->n_firms > 0 && (ft < 0 || H5Dread(ds, ft, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0)) {
        status = aim_h5util_damaged(st->path, "reading", "/firm/firm_kind");
        goto fail;
    }
    for (int f = 0; f < st->n_firms; f++) {
        const char *k = buf + (size_t)f * width;
        size_t len = strnlen(k, width);
        st->kinds[f] = -1;
        for (int i = 0; i < 3; i++) {
            if (len == strlen(names[i]) && memcmp(k, names[i], len) == 0) {
                st->kinds[f] = i;
            }
        }
        if (st->kinds[f] < 0) {
            status = aim_error_set(AIM_ERR_FORMAT,
                                   "%s: /firm/firm_kind[%d] is not vendor, cloud or lab (damaged file?)",
                                   st->path, f);
            goto fail;
        }
    }
fail:
    if (ft >= 0) {
        H5Tclose(ft);
    }
    H5Eclear2(H5E_DEFAULT);
    free(buf);
    return status;
}

/* Opens a file for reading (or, writable, for writing) after checking every object of the
 * layout: existence, type, rank, dimensions and checksums, with every size bounded by the file's
 * own size, so that a damaged file is reported (AIM_ERR_FORMAT) before anything is read from it. */
static enum aim_status aim_store_open(struct aim_store **out, const char *path, int writable)
{
    *out = NULL;
    enum aim_status status = AIM_OK;
    struct aim_store *st = aim_store_alloc(path, writable);
    hsize_t dims[4];
    hid_t fapl = H5I_INVALID_HID, ds = H5I_INVALID_HID;
    char *format = NULL;
    if (!st) {
        return aim_error_set(AIM_ERR_NOMEM, "%s: out of memory", path);
    }
    if (access(path, F_OK) != 0) {
        status = aim_error_set(AIM_ERR_IO, "%s: %s", path, strerror(errno));
        goto fail;
    }
    hsize_t file_bytes = aim_store_path_bytes(path);
    if (H5Fis_hdf5(path) <= 0) {
        H5Eclear2(H5E_DEFAULT);
        status = aim_error_set(AIM_ERR_FORMAT,
                               "%s: not a readable HDF5 file (truncated, damaged or another format)", path);
        goto fail;
    }
    /* A run killed while writing leaves the superblock's "open for writing" flag set, which
     * makes HDF5 refuse to open the file. Reading, the flag is ignored (HDF5's own
     * "clear_status_flags" access property, what h5clear uses; read-only, the file is not
     * changed). A file being written now is still protected by HDF5's file lock. */
    fapl = H5Pcreate(H5P_FILE_ACCESS);
    if (fapl < 0) {
        status = aim_h5util_fail(path, "creating file access properties of", "the file");
        goto fail;
    }
    if (!writable) {
        hbool_t clear = 1;
        if (H5Pset(fapl, "clear_status_flags", &clear) < 0) {
            H5Eclear2(H5E_DEFAULT);
        }
    }
    st->file = H5Fopen(path, writable ? H5F_ACC_RDWR : H5F_ACC_RDONLY, fapl);
    if (st->file < 0) {
        /* The signature was found but the file does not open: truncated or damaged. */
        aim_h5util_fail(path, "opening", "the file");
        status = aim_error_prefix(AIM_ERR_FORMAT, "not a readable HDF5 file (truncated or damaged): ");
        goto fail;
    }
    format = aim_h5util_read_string_attr(st->file, "aimsim_format");
    if (!format && H5Aexists(st->file, "aimsim_format") > 0) {
        /* aimsim-trajectories-1 wrote variable-length strings, which are no longer read. */
        status =
            aim_error_set(AIM_ERR_FORMAT,
                          "%s: root attribute aimsim_format is not a fixed-length string: a file of an older "
                          "aimsim (aimsim-trajectories-1; rerun it) or a damaged one, want \"%s\"",
                          path, AIM_STORE_FORMAT);
        goto fail;
    }
    H5Eclear2(H5E_DEFAULT);
    if (!format || strcmp(format, AIM_STORE_FORMAT) != 0) {
        status = aim_error_set(
            AIM_ERR_FORMAT,
            "%s: not an aimsim trajectory file (root attribute aimsim_format is %s%s%s, want \"%s\")", path,
            format ? "\"" : "", format ? format : "missing or unreadable", format ? "\"" : "",
            AIM_STORE_FORMAT);
        goto fail;
    }
    st->event_type = aim_store_event_type();
    AIM_H5_CHECK(st->event_type, st, "creating the compound type of", "/events");
    /* The shape, from the first firm series; every other dataset must agree with it. */
    {
        char obj[128];
        snprintf(obj, sizeof obj, "/firm/%s", aim_traj_firm_var_name(0));
        struct aim_store_expect any4 = {H5T_FLOAT, 8, 4, NULL};
        status = aim_store_open_checked(st, obj, &any4, dims, &st->firm[0]);
        if (status) {
            goto fail;
        }
    }
    /* Bounds from the file's own size: the done flags (1 byte each), the time coordinate (8
     * bytes a month) and the firm index (4 bytes a firm) are stored uncompressed; the series
     * cannot hold more than deflate's best ratio (1032:1) times the file. */
    if (dims[0] < 1 || dims[1] < 1 || dims[2] < 1 || dims[0] > INT_MAX || dims[1] > INT_MAX ||
        dims[2] > INT_MAX || dims[3] > INT_MAX || dims[0] * dims[1] > file_bytes ||
        dims[2] * 8 > file_bytes || dims[3] * 4 > file_bytes ||
        (double)dims[0] * (double)dims[1] * (double)dims[2] * ((double)dims[3] + 1) * 8.0 *
                (AIM_FIRM_VAR_COUNT + AIM_MARKET_VAR_COUNT) >
            1100.0 * (double)file_bytes) {
        status = aim_error_set(
            AIM_ERR_FORMAT,
            "%s: /firm/%s has dimensions [%llu, %llu, %llu, %llu] that a file of %llu bytes "
            "cannot hold (damaged file?)",
            path, aim_traj_firm_var_name(0), (unsigned long long)dims[0], (unsigned long long)dims[1],
            (unsigned long long)dims[2], (unsigned long long)dims[3], (unsigned long long)file_bytes);
        goto fail;
    }
    st->n_points = (int)dims[0];
    st->n_replicas = (int)dims[1];
    st->n_times = (int)dims[2];
    st->n_firms = (int)dims[3];
    const hsize_t fdims[4] = {dims[0], dims[1], dims[2], dims[3]};
    const struct aim_store_expect firm4 = {H5T_FLOAT, 8, 4, fdims}, market3 = {H5T_FLOAT, 8, 3, fdims};
    for (int v = 1; v < AIM_FIRM_VAR_COUNT; v++) {
        char obj[128];
        snprintf(obj, sizeof obj, "/firm/%s", aim_traj_firm_var_name(v));
        status = aim_store_open_checked(st, obj, &firm4, dims, &st->firm[v]);
        if (status) {
            goto fail;
        }
    }
    for (int v = 0; v < AIM_MARKET_VAR_COUNT; v++) {
        char obj[128];
        snprintf(obj, sizeof obj, "/market/%s", aim_traj_market_var_name(v));
        status = aim_store_open_checked(st, obj, &market3, dims, &st->market[v]);
        if (status) {
            goto fail;
        }
    }
    /* The coordinates of each group. */
    {
        const hsize_t np[1] = {fdims[0]}, nr[1] = {fdims[1]}, nt[1] = {fdims[2]}, nf[1] = {fdims[3]};
        const struct aim_store_expect point = {H5T_INTEGER, 4, 1, np}, replica = {H5T_INTEGER, 4, 1, nr},
                                      time = {H5T_FLOAT, 8, 1, nt}, month = {H5T_INTEGER, 4, 1, nt},
                                      firm = {H5T_INTEGER, 4, 1, nf}, label = {H5T_STRING, 1, 2, NULL};
        const struct {
            const char *obj;
            const struct aim_store_expect *want;
        } coords[] = {{"/point", &point},
                      {"/replica", &replica},
                      {"/time", &time},
                      {"/firm/point", &point},
                      {"/firm/replica", &replica},
                      {"/firm/time", &time},
                      {"/firm/month", &month},
                      {"/firm/firm", &firm},
                      {"/market/point", &point},
                      {"/market/replica", &replica},
                      {"/market/time", &time},
                      {"/market/month", &month}};
        for (size_t i = 0; i < sizeof coords / sizeof *coords; i++) {
            status = aim_store_check_dataset(st, coords[i].obj, coords[i].want);
            if (status) {
                goto fail;
            }
        }
        /* Names and kinds: [firm, characters], at most 256 characters a label. */
        for (int k = 0; k < 2; k++) {
            const char *obj = k == 0 ? "/firm/firm_name" : "/firm/firm_kind";
            status = aim_store_open_checked(st, obj, &label, dims, &ds);
            if (!status && (dims[0] != fdims[3] || dims[1] < 1 || dims[1] > 256)) {
                status = aim_error_set(AIM_ERR_FORMAT,
                                       "%s: %s is not [firm=%d, 1 to 256 characters] (damaged file?)", path,
                                       obj, st->n_firms);
            }
            if (!status) {
                st->label_width[k] = (int)dims[1];
            }
            if (!status && k == 1) {
                status = aim_store_read_kinds(st, ds, (size_t)dims[1]);
            }
            if (ds >= 0) {
                H5Dclose(ds);
                ds = H5I_INVALID_HID;
            }
            if (status) {
                goto fail;
            }
        }
    }
    {
        const struct aim_store_expect done = {H5T_INTEGER, 1, 2, fdims}, count = {H5T_INTEGER, 4, 2, fdims},
                                      events = {H5T_COMPOUND, 0, 1, NULL};
        status = aim_store_open_checked(st, "/replica_done", &done, dims, &st->done_ds);
        if (status) {
            goto fail;
        }
        st->done = malloc((size_t)st->n_points * (size_t)st->n_replicas);
        if (!st->done) {
            status = aim_error_set(AIM_ERR_NOMEM, "%s: out of memory for the done flags", path);
            goto fail;
        }
        if (H5Dread(st->done_ds, H5T_NATIVE_UINT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, st->done) < 0) {
            status = aim_h5util_damaged(path, "reading", "/replica_done");
            goto fail;
        }
        for (size_t i = 0; i < (size_t)st->n_points * (size_t)st->n_replicas; i++) {
            if (st->done[i] > 1) {
                status =
                    aim_error_set(AIM_ERR_FORMAT, "%s: /replica_done holds %d, not 0 or 1 (damaged file?)",
                                  path, st->done[i]);
                goto fail;
            }
        }
        status = aim_store_open_checked(st, "/event_count", &count, dims, &st->count_ds);
        if (status) {
            goto fail;
        }
        /* A run killed while finishing may have left the sorted table under its temporary name. */
        const char *events_obj =
            H5Lexists(st->file, "events", H5P_DEFAULT) > 0 ? "/events" : "/events_sorted";
        H5Eclear2(H5E_DEFAULT);
        status = aim_store_open_checked(st, events_obj, &events, dims, &st->events_ds);
        if (status) {
            goto fail;
        }
        st->n_events = dims[0];
        const hsize_t ne[1] = {st->n_events};
        const struct aim_store_expect event = {H5T_INTEGER, 4, 1, ne};
        /* /event is stored uncompressed: 4 bytes a row. */
        if (st->n_events * 4 > file_bytes) {
            status = aim_error_set(AIM_ERR_FORMAT,
                                   "%s: /events has %llu rows, more than a file of %llu bytes holds", path,
                                   (unsigned long long)st->n_events, (unsigned long long)file_bytes);
            goto fail;
        }
        status = aim_store_open_checked(st, "/event", &event, dims, &st->event_scale);
        if (status) {
            goto fail;
        }
    }
    free(format);
    H5Pclose(fapl);
    *out = st;
    return AIM_OK;
fail:
    free(format);
    if (fapl >= 0) {
        H5Pclose(fapl);
    }
    aim_store_release(st);
    return status;
}

static enum aim_status aim_store_open_read_loud(struct aim_store **st, const char *path)
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
    return status;
}

static enum aim_status aim_store_write_replica_loud(struct aim_store *st, int point, int replica,
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
    if (st->n_events > 0 &&
        H5Dread(st->events_ds, st->event_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, st->rows) < 0) {
        return aim_h5util_damaged(st->path, "reading", "/events");
    }
    *n = (size_t)st->n_events;
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

static enum aim_status aim_store_read_replica_loud(struct aim_store *st, int point, int replica,
                                                   struct aim_traj *tr)
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
            /* Every field the analysis uses as an index or a category is in range. */
            if (r->step < 0 || r->step >= st->n_times || r->kind < 1 || r->kind > 4 || r->a < -1 ||
                r->a >= st->n_firms || r->b < -1 || r->b >= st->n_firms || r->c < -1 || r->c >= st->n_firms) {
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

static enum aim_status aim_store_finish_loud(struct aim_store *st, const char *final_path)
{
    enum aim_status status = AIM_OK;
    char now[32];
    char *path = strdup(st->path);
    struct stat sb;
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
    status = aim_store_sort_events(st);
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
        if (created && (stat(path, &sb) != 0 || sb.st_dev != dev || sb.st_ino != ino)) {
            status = aim_error_set(AIM_ERR_IO,
                                   "%s: another run replaced or removed this file while this one was writing "
                                   "it; %s was not written by this run",
                                   path, final_path ? final_path : path);
        } else if (pass == 0) {
            status = aim_store_fsync_path(path, 0);
        }
    }
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

static enum aim_status aim_store_close_loud(struct aim_store *st)
{
    return st ? aim_store_release(st) : AIM_OK;
}

static enum aim_status aim_store_discard_loud(struct aim_store *st)
{
    if (!st) {
        return AIM_OK;
    }
    char *path = strdup(st->path);
    struct stat sb;
    int ours = st->created && path && stat(path, &sb) == 0 && sb.st_dev == st->dev && sb.st_ino == st->ino;
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

/** @brief One line of the dataset list of aimsim info. */
struct aim_store_listed {
    char name[96];
    const char *type;
    char dims[160];
};

static int aim_store_listed_cmp(const void *pa, const void *pb)
{
    return strcmp(((const struct aim_store_listed *)pa)->name, ((const struct aim_store_listed *)pb)->name);
}

/* Every dataset of the layout, in name order, with its dimensions as checked on opening (the
 * file's dimension-scale attributes are not read: their references live in HDF5's global heap,
 * which has no checksum). */
static void aim_store_describe_datasets(const struct aim_store *st, struct aim_store_text *t)
{
    enum { N_LISTED = AIM_FIRM_VAR_COUNT + AIM_MARKET_VAR_COUNT + 23 };
    struct aim_store_listed list[N_LISTED];
    size_t n = 0;
    char p[32], r[32], tm[32], f[32], e[32];
    snprintf(p, sizeof p, "point=%d", st->n_points);
    snprintf(r, sizeof r, "replica=%d", st->n_replicas);
    snprintf(tm, sizeof tm, "time=%d", st->n_times);
    snprintf(f, sizeof f, "firm=%d", st->n_firms);
    snprintf(e, sizeof e, "event=%llu", (unsigned long long)st->n_events);
#define AIM_LIST(nm, ty, ...)                                                                                \
    do {                                                                                                     \
        snprintf(list[n].name, sizeof list[n].name, "%s", nm);                                               \
        list[n].type = ty;                                                                                   \
        snprintf(list[n].dims, sizeof list[n].dims, __VA_ARGS__);                                            \
        n++;                                                                                                 \
    } while (0)
    AIM_LIST("event", "int32", "%s", e);
    AIM_LIST("event_count", "int32", "%s, %s", p, r);
    AIM_LIST("events", "compound", "%s", e);
    AIM_LIST("point", "int32", "%s", p);
    AIM_LIST("replica", "int32", "%s", r);
    AIM_LIST("replica_done", "uint8", "%s, %s", p, r);
    AIM_LIST("time", "float64", "%s", tm);
    for (int g = 0; g < 2; g++) {
        const char *grp = g == 0 ? "firm" : "market";
        char nm[96];
        snprintf(nm, sizeof nm, "%s/point", grp);
        AIM_LIST(nm, "int32", "%s", p);
        snprintf(nm, sizeof nm, "%s/replica", grp);
        AIM_LIST(nm, "int32", "%s", r);
        snprintf(nm, sizeof nm, "%s/time", grp);
        AIM_LIST(nm, "float64", "%s", tm);
        snprintf(nm, sizeof nm, "%s/month", grp);
        AIM_LIST(nm, "int32", "%s", tm);
    }
    AIM_LIST("firm/firm", "int32", "%s", f);
    AIM_LIST("firm/firm_name", "char", "%s, firm_name_strlen=%d", f, st->label_width[0]);
    AIM_LIST("firm/firm_name_strlen", "int32", "firm_name_strlen=%d", st->label_width[0]);
    AIM_LIST("firm/firm_kind", "char", "%s, firm_kind_strlen=%d", f, st->label_width[1]);
    AIM_LIST("firm/firm_kind_strlen", "int32", "firm_kind_strlen=%d", st->label_width[1]);
    for (int v = 0; v < AIM_FIRM_VAR_COUNT; v++) {
        char nm[96];
        snprintf(nm, sizeof nm, "firm/%s", aim_traj_firm_var_name(v));
        AIM_LIST(nm, "float64", "%s, %s, %s, %s", p, r, tm, f);
    }
    for (int v = 0; v < AIM_MARKET_VAR_COUNT; v++) {
        char nm[96];
        snprintf(nm, sizeof nm, "market/%s", aim_traj_market_var_name(v));
        AIM_LIST(nm, "float64", "%s, %s, %s", p, r, tm);
    }
#undef AIM_LIST
    qsort(list, n, sizeof *list, aim_store_listed_cmp);
    for (size_t i = 0; i < n; i++) {
        aim_store_printf(t, "  /%-28s %-8s [%s]\n", list[i].name, list[i].type, list[i].dims);
    }
}

/* Root string attribute name: *value NULL if the file has none (end_time of a partial file);
 * AIM_ERR_FORMAT if it is there but does not read. */
static enum aim_status aim_store_describe_attr(const struct aim_store *st, const char *name, char **value)
{
    *value = NULL;
    htri_t exists = H5Aexists(st->file, name);
    if (exists < 0) {
        return aim_h5util_damaged(st->path, "looking up root attribute", name);
    }
    return exists > 0 ? aim_store_read_root_string(st, name, value) : AIM_OK;
}

static enum aim_status aim_store_describe_loud(const char *path, char **text)
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
    for (size_t i = 0; i < sizeof keys / sizeof *keys && !status; i++) {
        char *v = NULL;
        status = aim_store_describe_attr(st, keys[i], &v);
        aim_store_printf(&t, "%s: %s\n", keys[i], v ? v : "(not set)");
        free(v);
    }
    uint64_t seed = 0;
    if (!status && aim_h5util_read_u64_attr(st->file, "seed", &seed) != 0) {
        status = aim_error_set(AIM_ERR_FORMAT,
                               "%s: root attribute seed is missing or unreadable (damaged file?)", path);
    }
    aim_store_printf(&t, "seed: %llu\n", (unsigned long long)seed);
    aim_store_printf(&t, "shape: %d points x %d replicas x %d times x %d firms\n", st->n_points,
                     st->n_replicas, st->n_times, st->n_firms);
    for (int p = 0; p < st->n_points; p++) {
        aim_store_printf(&t, "replicas complete (point %d): %d of %d\n", p, aim_store_done_count(st, p),
                         st->n_replicas);
    }
    aim_store_printf(&t, "events: %llu rows\n", (unsigned long long)st->n_events);
    aim_store_printf(&t, "datasets:\n");
    aim_store_describe_datasets(st, &t);
    char *config = NULL;
    if (!status) {
        status = aim_store_read_root_string(st, "config", &config);
    }
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
    char *config = aim_h5util_read_string_attr(old->file, "config");
    uint64_t seed = 0;
    int seed_ok = aim_h5util_read_u64_attr(old->file, "seed", &seed) == 0;
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

static enum aim_status aim_store_open_resume_loud(struct aim_store **out, const char *path,
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
        status = aim_h5util_fail(tmp, "flushing", "the file");
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
    enum aim_status status = aim_store_open_resume_loud(st, path, layout, prov);
    aim_h5util_restore(&saved);
    return status;
}

enum aim_status aim_store_open_read(struct aim_store **st, const char *path)
{
    struct aim_h5util_errors saved;
    aim_h5util_quiet(&saved);
    enum aim_status status = aim_store_open_read_loud(st, path);
    aim_h5util_restore(&saved);
    return status;
}

enum aim_status aim_store_write_replica(struct aim_store *st, int point, int replica,
                                        const struct aim_traj *tr)
{
    struct aim_h5util_errors saved;
    aim_h5util_quiet(&saved);
    enum aim_status status = aim_store_write_replica_loud(st, point, replica, tr);
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
