/* Opening an existing store file: every object of the layout checked (existence, type, rank,
 * dimensions, checksums, sizes bounded by the file's own size) before anything is read. */
#include "sim/store_internal.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Reads a dataset's dimensions; returns its rank or -1. */
static int aim_store_dims(hid_t ds, hsize_t dims[5])
{
    hid_t space = H5Dget_space(ds);
    if (space < 0) {
        return -1;
    }
    int rank = H5Sget_simple_extent_ndims(space);
    if (rank < 0 || rank > 5 || H5Sget_simple_extent_dims(space, dims, NULL) < 0) {
        rank = -1;
    }
    H5Sclose(space);
    return rank;
}

/* The source files of a virtual dataset obj: each must be readable, its name taken relative to the
 * directory of the merged file as HDF5 resolves it. */
static enum aim_status aim_store_check_sources(struct aim_store *st, hid_t dcpl, const char *obj)
{
    size_t count = 0;
    if (H5Pget_virtual_count(dcpl, &count) < 0) {
        return aim_h5util_damaged(st->path, "reading the virtual sources of", obj);
    }
    char *dir = strdup(st->path);
    if (!dir) {
        return aim_error_set(AIM_ERR_NOMEM, "%s: out of memory", st->path);
    }
    char *slash = strrchr(dir, '/');
    if (slash) {
        slash[1] = '\0';
    } else {
        dir[0] = '\0';
    }
    enum aim_status status = AIM_OK;
    for (size_t i = 0; i < count && !status; i++) {
        char name[4096], full[8192];
        ssize_t len = H5Pget_virtual_filename(dcpl, i, name, sizeof name);
        if (len < 0 || (size_t)len >= sizeof name) {
            status = aim_h5util_damaged(st->path, "reading the virtual sources of", obj);
            break;
        }
        snprintf(full, sizeof full, "%s%s", name[0] == '/' ? "" : dir, name);
        if (access(full, R_OK) != 0) {
            status =
                aim_error_set(AIM_ERR_FORMAT,
                              "%s: a merged file whose %s reads from %s, which cannot be read (%s); keep "
                              "the shard files where they were, beside the merged file",
                              st->path, obj, full, strerror(errno));
        }
    }
    free(dir);
    return status;
}

/** @brief What a dataset of the layout must be: element class and size, rank, dimensions. */
struct aim_store_expect {
    H5T_class_t cls;
    size_t size;         /* element bytes (strings: at most this) */
    int rank;            /* 1 to 5 */
    const hsize_t *dims; /* NULL: any (the caller reads them) */
};

/* Opens dataset obj (an absolute path) after checking that every group on its path and the
 * dataset exist, then that its type, rank and dimensions are those expected and that it is
 * chunked with a Fletcher32 checksum (so that damaged data fails to read rather than reads
 * wrong). dims receives the dimensions. AIM_ERR_FORMAT naming the dataset otherwise. */
static enum aim_status aim_store_open_checked(struct aim_store *st, const char *obj,
                                              const struct aim_store_expect *want, hsize_t dims[5],
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
    if (dcpl >= 0 && H5Pget_layout(dcpl) == H5D_VIRTUAL && cls == H5T_FLOAT && rank >= 3) {
        /* A merged file's series: the shard files they read must be there (HDF5 would read a
         * missing one as fill values without a word). */
        status = aim_store_check_sources(st, dcpl, obj);
        if (status) {
            goto fail;
        }
        st->merged = 1;
    } else if (dcpl < 0 || H5Pget_layout(dcpl) != H5D_CHUNKED ||
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
    hsize_t dims[5];
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

/* Reads a character array [n, width] of names into out[0..n-1]: each 1 to AIM_STORE_BS_NAME - 1
 * characters, none empty. */
static enum aim_status aim_store_read_names(struct aim_store *st, const char *obj, int n,
                                            char (*out)[AIM_STORE_BS_NAME], int *width_read)
{
    enum aim_status status = AIM_OK;
    hsize_t dims[5];
    hid_t ds = H5I_INVALID_HID, ft = H5I_INVALID_HID;
    const struct aim_store_expect label = {H5T_STRING, 1, 2, NULL};
    char *buf = NULL;
    status = aim_store_open_checked(st, obj, &label, dims, &ds);
    if (status) {
        return status;
    }
    if (dims[0] != (hsize_t)n || dims[1] < 1 || dims[1] >= AIM_STORE_BS_NAME) {
        status = aim_error_set(AIM_ERR_FORMAT, "%s: %s is not [%d, 1 to %d characters] (damaged file?)",
                               st->path, obj, n, AIM_STORE_BS_NAME - 1);
        goto fail;
    }
    size_t width = (size_t)dims[1];
    *width_read = (int)width;
    buf = calloc((size_t)n, width);
    ft = H5Dget_type(ds);
    if (!buf || ft < 0 || H5Dread(ds, ft, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0) {
        status = buf ? aim_h5util_damaged(st->path, "reading", obj)
                     : aim_error_set(AIM_ERR_NOMEM, "%s: out of memory", st->path);
        goto fail;
    }
    for (int i = 0; i < n; i++) {
        const char *got = buf + (size_t)i * width;
        size_t len = strnlen(got, width);
        if (len == 0) {
            status = aim_error_set(AIM_ERR_FORMAT, "%s: %s[%d] is empty (damaged file?)", st->path, obj, i);
            goto fail;
        }
        memcpy(out[i], got, len);
        out[i][len] = '\0';
    }
fail:
    free(buf);
    if (ft >= 0) {
        H5Tclose(ft);
    }
    H5Dclose(ds);
    H5Eclear2(H5E_DEFAULT);
    return status;
}

/* The balance-sheet snapshots: /balance_sheet [point, replica, snapshot, bs_row, bs_col], the
 * snapshot months (0, k, 2k, ... and the last month for one stride k), the scales and the names. */
static enum aim_status aim_store_open_balance(struct aim_store *st, hsize_t file_bytes)
{
    enum aim_status status = AIM_OK;
    hsize_t dims[5];
    hid_t ds = H5I_INVALID_HID;
    int32_t *months = NULL;
    const struct aim_store_expect any5 = {H5T_FLOAT, 8, 5, NULL};
    status = aim_store_open_checked(st, "/balance_sheet", &any5, dims, &st->bs_ds);
    if (status) {
        return status;
    }
    int want_ns = aim_traj_snapshot_count(st->n_times, 1);
    if (dims[0] != (hsize_t)st->n_points || dims[1] != (hsize_t)st->n_replicas || dims[2] < 1 ||
        dims[2] > (hsize_t)want_ns || dims[2] * 4 > file_bytes || dims[3] != AIM_BS_ROWS ||
        dims[4] != AIM_BS_COLS) {
        return aim_error_set(
            AIM_ERR_FORMAT,
            "%s: /balance_sheet has dimensions [%llu, %llu, %llu, %llu, %llu], not [point=%d, "
            "replica=%d, snapshot=1 to %d, bs_row=%d, bs_col=%d] (damaged file?)",
            st->path, (unsigned long long)dims[0], (unsigned long long)dims[1], (unsigned long long)dims[2],
            (unsigned long long)dims[3], (unsigned long long)dims[4], st->n_points, st->n_replicas, want_ns,
            AIM_BS_ROWS, AIM_BS_COLS);
    }
    st->n_snapshots = (int)dims[2];
    const hsize_t ns[1] = {dims[2]}, nr[1] = {AIM_BS_ROWS}, nc[1] = {AIM_BS_COLS};
    const struct aim_store_expect snap = {H5T_INTEGER, 4, 1, ns}, row = {H5T_INTEGER, 4, 1, nr},
                                  col = {H5T_INTEGER, 4, 1, nc};
    status = aim_store_check_dataset(st, "/snapshot", &snap);
    if (!status) {
        status = aim_store_check_dataset(st, "/bs_row", &row);
    }
    if (!status) {
        status = aim_store_check_dataset(st, "/bs_col", &col);
    }
    if (!status) {
        status = aim_store_read_names(st, "/bs_row_name", AIM_BS_ROWS, st->bs_names, &st->bs_width[0]);
    }
    if (!status) {
        status = aim_store_read_names(st, "/bs_col_name", AIM_BS_COLS, st->bs_names + AIM_BS_ROWS,
                                      &st->bs_width[1]);
    }
    if (!status) {
        status = aim_store_open_checked(st, "/balance_sheet_month", &snap, dims, &ds);
    }
    if (status) {
        return status;
    }
    months = malloc((size_t)st->n_snapshots * sizeof *months);
    if (!months) {
        status = aim_error_set(AIM_ERR_NOMEM, "%s: out of memory", st->path);
        goto fail;
    }
    if (H5Dread(ds, H5T_NATIVE_INT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, months) < 0) {
        status = aim_h5util_damaged(st->path, "reading", "/balance_sheet_month");
        goto fail;
    }
    /* The stride is the second month (the first past 0); with one snapshot there is one month. */
    st->bs_every = st->n_snapshots >= 2 && months[1] >= 1 ? months[1] : 1;
    int ok = aim_traj_snapshot_count(st->n_times, st->bs_every) == st->n_snapshots;
    for (int s = 0; ok && s < st->n_snapshots; s++) {
        ok = months[s] == aim_traj_snapshot_month(s, st->n_times, st->bs_every);
    }
    if (!ok) {
        status = aim_error_set(AIM_ERR_FORMAT,
                               "%s: /balance_sheet_month is not 0, k, 2k, ... and the last month %d for one "
                               "stride k (damaged file?)",
                               st->path, st->n_times - 1);
    }
fail:
    free(months);
    H5Dclose(ds);
    H5Eclear2(H5E_DEFAULT);
    return status;
}

/* /sweep, when the file has one (a sweep's file): /sweep/points [point, factor] of finite values and
 * /sweep/factor_key [factor, width] of non-empty keys, kept in st. */
static enum aim_status aim_store_open_sweep(struct aim_store *st, hsize_t file_bytes)
{
    enum aim_status status = AIM_OK;
    hsize_t dims[5], kdims[5];
    hid_t ds = H5I_INVALID_HID, kds = H5I_INVALID_HID, ft = H5I_INVALID_HID;
    char *buf = NULL;
    if (H5Lexists(st->file, "/sweep", H5P_DEFAULT) <= 0) {
        H5Eclear2(H5E_DEFAULT);
        return AIM_OK;
    }
    const struct aim_store_expect values = {H5T_FLOAT, 8, 2, NULL}, label = {H5T_STRING, 1, 2, NULL};
    status = aim_store_open_checked(st, "/sweep/points", &values, dims, &ds);
    if (!status) {
        status = aim_store_open_checked(st, "/sweep/factor_key", &label, kdims, &kds);
    }
    if (status) {
        goto fail;
    }
    if (dims[0] != (hsize_t)st->n_points || dims[1] < 1 || dims[1] > 4096 || dims[0] * dims[1] > file_bytes ||
        kdims[0] != dims[1] || kdims[1] < 1 || kdims[1] > 4096) {
        status =
            aim_error_set(AIM_ERR_FORMAT,
                          "%s: /sweep/points is [%llu, %llu] and /sweep/factor_key [%llu, %llu]; want [%d "
                          "points, factors] and [factors, width] (damaged file?)",
                          st->path, (unsigned long long)dims[0], (unsigned long long)dims[1],
                          (unsigned long long)kdims[0], (unsigned long long)kdims[1], st->n_points);
        goto fail;
    }
    int nf = (int)dims[1];
    size_t width = (size_t)kdims[1];
    st->sweep_values = malloc((size_t)dims[0] * (size_t)nf * sizeof(double));
    st->sweep_keys = calloc((size_t)nf, sizeof *st->sweep_keys);
    buf = calloc((size_t)nf, width);
    if (!st->sweep_values || !st->sweep_keys || !buf) {
        status = aim_error_set(AIM_ERR_NOMEM, "%s: out of memory for /sweep", st->path);
        goto fail;
    }
    st->sweep_factors = nf;
    if (H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, st->sweep_values) < 0) {
        status = aim_h5util_damaged(st->path, "reading", "/sweep/points");
        goto fail;
    }
    for (size_t i = 0; i < (size_t)dims[0] * (size_t)nf; i++) {
        if (!isfinite(st->sweep_values[i])) {
            status = aim_error_set(AIM_ERR_FORMAT,
                                   "%s: /sweep/points[%zu, %zu] is not a finite number (damaged file?)",
                                   st->path, i / (size_t)nf, i % (size_t)nf);
            goto fail;
        }
    }
    ft = H5Dget_type(kds);
    if (ft < 0 || H5Dread(kds, ft, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0) {
        status = aim_h5util_damaged(st->path, "reading", "/sweep/factor_key");
        goto fail;
    }
    for (int j = 0; j < nf; j++) {
        const char *got = buf + (size_t)j * width;
        size_t len = strnlen(got, width);
        /* Copied by hand: the key fills its whole width when it has no terminating NUL, and
         * strndup's sanitizer interceptor reads one byte past such a string. */
        st->sweep_keys[j] = len ? malloc(len + 1) : NULL;
        if (st->sweep_keys[j]) {
            memcpy(st->sweep_keys[j], got, len);
            st->sweep_keys[j][len] = '\0';
        }
        if (!st->sweep_keys[j]) {
            status = len ? aim_error_set(AIM_ERR_NOMEM, "%s: out of memory", st->path)
                         : aim_error_set(AIM_ERR_FORMAT, "%s: /sweep/factor_key[%d] is empty (damaged file?)",
                                         st->path, j);
            goto fail;
        }
    }
fail:
    free(buf);
    if (ft >= 0) {
        H5Tclose(ft);
    }
    if (ds >= 0) {
        H5Dclose(ds);
    }
    if (kds >= 0) {
        H5Dclose(kds);
    }
    H5Eclear2(H5E_DEFAULT);
    return status;
}

/* Opens a file for reading (or, writable, for writing) after checking every object of the
 * layout: existence, type, rank, dimensions and checksums, with every size bounded by the file's
 * own size, so that a damaged file is reported (AIM_ERR_FORMAT) before anything is read from it. */
enum aim_status aim_store_open_loud(struct aim_store **out, const char *path, int writable)
{
    *out = NULL;
    enum aim_status status = AIM_OK;
    struct aim_store *st = aim_store_alloc(path, writable);
    hsize_t dims[5];
    hid_t fapl = H5I_INVALID_HID, ds = H5I_INVALID_HID;
    char *format = NULL;
    if (!st) {
        return aim_error_set(AIM_ERR_NOMEM, "%s: out of memory", path);
    }
    if (access(path, F_OK) != 0) {
        status = aim_error_set(AIM_ERR_IO, "%s: %s", path, strerror(errno));
        goto fail;
    }
    hsize_t file_bytes = aim_store_file_size(path);
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
    if (format && strcmp(format, AIM_STORE_FORMAT) != 0 && strncmp(format, "aimsim-trajectories-", 20) == 0) {
        /* aimsim-trajectories-2 had no balance-sheet snapshots (/balance_sheet). */
        status =
            aim_error_set(AIM_ERR_FORMAT,
                          "%s: a file of another aimsim version (root attribute aimsim_format is \"%s\", "
                          "this aimsim reads \"%s\"); rerun it with this aimsim",
                          path, format, AIM_STORE_FORMAT);
        goto fail;
    }
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
    status = aim_store_open_balance(st, file_bytes);
    if (!status) {
        status = aim_store_open_sweep(st, file_bytes);
    }
    if (status) {
        goto fail;
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
