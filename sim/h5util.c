/* HDF5 helpers shared by the store's modules (sim/store*.c): error reporting, netCDF-4 style
 * string attributes, dimension scales and label variables. Internal to the store: this header
 * names HDF5 types, so nothing outside sim/store*.c includes it (the public sim/store.h names
 * none). */
#include "sim/h5util.h"

#include <hdf5_hl.h>
#ifdef H5_HAVE_PARALLEL
/* Each rank writes its own file with the serial library; Debian's libhdf5-openmpi-dev re-points
 * hdf5.pc and h5cc at the parallel one, which this build must not pick up. */
#error                                                                                                       \
    "aimsim needs the serial HDF5 (Debian's libhdf5-dev, /usr/lib/<arch>/hdf5/serial), not the parallel one"
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Chunks of a 1-D dataset: at most this many elements. */
enum { AIM_H5UTIL_MAX_CHUNK1 = 65536 };

/* The most specific message of HDF5's error stack, for our own message. */
static herr_t aim_h5util_walk(unsigned n, const H5E_error2_t *err, void *data)
{
    if (n == 0) {
        snprintf((char *)data, 256, "%s (in %s)", err->desc ? err->desc : "",
                 err->func_name ? err->func_name : "?");
    }
    return 0;
}

enum aim_status aim_h5util_fail(const char *path, const char *what, const char *object)
{
    char why[256] = "no detail from HDF5";
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, aim_h5util_walk, why);
    H5Eclear2(H5E_DEFAULT);
    return aim_error_set(AIM_ERR_IO, "%s: %s %s failed: %s", path, what, object, why);
}

/* A read that failed in a file that passed the checks on opening: the file is damaged. */
enum aim_status aim_h5util_damaged(const char *path, const char *what, const char *object)
{
    char why[256] = "no detail from HDF5";
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, aim_h5util_walk, why);
    H5Eclear2(H5E_DEFAULT);
    return aim_error_set(AIM_ERR_FORMAT, "%s: damaged file: %s %s failed: %s", path, what, object, why);
}

void aim_h5util_quiet(struct aim_h5util_errors *saved)
{
    /* Errors are reported through aim_error_set with the dataset path, not printed by HDF5. */
    saved->func = NULL;
    saved->data = NULL;
    if (H5Eget_auto2(H5E_DEFAULT, &saved->func, &saved->data) < 0) {
        saved->func = NULL;
        saved->data = NULL;
    }
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
}

void aim_h5util_restore(const struct aim_h5util_errors *saved)
{
    H5Eset_auto2(H5E_DEFAULT, saved->func, saved->data);
}

static herr_t aim_h5util_delete_attr_if(hid_t obj, const char *name)
{
    htri_t e = H5Aexists(obj, name);
    if (e < 0) {
        return -1;
    }
    return e > 0 ? H5Adelete(obj, name) : 0;
}

/* A fixed-length UTF-8 string type of size bytes, NUL-terminated (no variable-length strings:
 * they live in HDF5's global heap, which has no checksum); negative on failure. */
static hid_t aim_h5util_utf8_type(size_t size)
{
    hid_t type = H5Tcopy(H5T_C_S1);
    if (type >= 0 && (H5Tset_size(type, size > 0 ? size : 1) < 0 || H5Tset_cset(type, H5T_CSET_UTF8) < 0 ||
                      H5Tset_strpad(type, H5T_STR_NULLTERM) < 0)) {
        H5Tclose(type);
        return H5I_INVALID_HID;
    }
    return type;
}

herr_t aim_h5util_write_string_attr(hid_t obj, const char *name, const char *value)
{
    if (aim_h5util_delete_attr_if(obj, name) < 0) {
        return -1;
    }
    hid_t type = aim_h5util_utf8_type(strlen(value) + 1);
    hid_t space = H5Screate(H5S_SCALAR);
    herr_t rc = -1;
    if (type >= 0 && space >= 0) {
        hid_t a = H5Acreate2(obj, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
        if (a >= 0) {
            rc = H5Awrite(a, type, value);
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

herr_t aim_h5util_write_scalar_attr(hid_t obj, const char *name, hid_t ftype, hid_t mtype, const void *value)
{
    if (aim_h5util_delete_attr_if(obj, name) < 0) {
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

/* Size in bytes of the file that holds obj (0 if unknown): no string read from it can be longer. */
static hsize_t aim_h5util_file_bytes(hid_t obj)
{
    hsize_t size = 0;
    hid_t file = H5Iget_file_id(obj);
    if (file < 0 || H5Fget_filesize(file, &size) < 0) {
        size = 0;
    }
    if (file >= 0) {
        H5Fclose(file);
    }
    H5Eclear2(H5E_DEFAULT);
    return size;
}

char *aim_h5util_read_string_attr(hid_t obj, const char *name)
{
    char *out = NULL;
    if (H5Aexists(obj, name) <= 0) {
        H5Eclear2(H5E_DEFAULT);
        return NULL;
    }
    hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
    hid_t ft = a >= 0 ? H5Aget_type(a) : H5I_INVALID_HID;
    hid_t space = a >= 0 ? H5Aget_space(a) : H5I_INVALID_HID;
    hid_t mt = H5Tcopy(H5T_C_S1);
    size_t n = ft >= 0 ? H5Tget_size(ft) : 0;
    /* One fixed-length string no longer than the file itself. */
    if (a < 0 || ft < 0 || space < 0 || mt < 0 || H5Tget_class(ft) != H5T_STRING ||
        H5Tis_variable_str(ft) != 0 || H5Sget_simple_extent_npoints(space) != 1 || n == 0 ||
        (hsize_t)n > aim_h5util_file_bytes(obj)) {
        goto done;
    }
    out = calloc(n + 1, 1);
    if (out &&
        (H5Tset_size(mt, n + 1) < 0 || H5Tset_cset(mt, H5Tget_cset(ft)) < 0 || H5Aread(a, mt, out) < 0)) {
        free(out);
        out = NULL;
    }
done:
    H5Eclear2(H5E_DEFAULT);
    if (space >= 0) {
        H5Sclose(space);
    }
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

int aim_h5util_read_u64_attr(hid_t obj, const char *name, uint64_t *value)
{
    if (H5Aexists(obj, name) <= 0) {
        H5Eclear2(H5E_DEFAULT);
        return -1;
    }
    hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
    if (a < 0) {
        H5Eclear2(H5E_DEFAULT);
        return -1;
    }
    hid_t ft = H5Aget_type(a), space = H5Aget_space(a);
    herr_t rc = ft >= 0 && space >= 0 && H5Tget_class(ft) == H5T_INTEGER && H5Tget_size(ft) == 8 &&
                        H5Sget_simple_extent_npoints(space) == 1
                    ? H5Aread(a, H5T_NATIVE_UINT64, value)
                    : -1;
    if (ft >= 0) {
        H5Tclose(ft);
    }
    if (space >= 0) {
        H5Sclose(space);
    }
    H5Aclose(a);
    H5Eclear2(H5E_DEFAULT);
    return rc < 0 ? -1 : 0;
}

/* A 1-D chunking of n elements (at most AIM_H5UTIL_MAX_CHUNK1 a chunk) with a Fletcher32 checksum. */
herr_t aim_h5util_checked_chunks(hid_t dcpl, hsize_t n, int unlimited)
{
    hsize_t chunk[1] = {unlimited                   ? AIM_H5UTIL_UNLIMITED_CHUNK
                        : n < 1                     ? 1
                        : n > AIM_H5UTIL_MAX_CHUNK1 ? AIM_H5UTIL_MAX_CHUNK1
                                                    : n};
    return H5Pset_chunk(dcpl, 1, chunk) >= 0 && H5Pset_fletcher32(dcpl) >= 0 ? 0 : -1;
}

hid_t aim_h5util_create_scale(hid_t loc, const char *name, hsize_t n, const double *values, int unlimited)
{
    hsize_t dims[1] = {n}, maxdims[1] = {unlimited ? H5S_UNLIMITED : n};
    hid_t space = H5Screate_simple(1, dims, maxdims);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    hid_t ds = H5I_INVALID_HID;
    if (space < 0 || dcpl < 0) {
        goto done;
    }
    if (aim_h5util_checked_chunks(dcpl, n, unlimited) < 0) {
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

/* The netCDF dimension <name>_strlen of the characters of a label: a dimension scale that is
 * not a variable (netCDF-C's convention, which h5netcdf follows: xarray does not show it). */
static hid_t aim_h5util_strlen_dim(hid_t loc, const char *name, size_t width)
{
    char dim[128], scale_name[96];
    hsize_t dims[1] = {width};
    snprintf(dim, sizeof dim, "%s_strlen", name);
    snprintf(scale_name, sizeof scale_name, "This is a netCDF dimension but not a netCDF variable.%10zu",
             width);
    hid_t space = H5Screate_simple(1, dims, NULL);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    hid_t ds = H5I_INVALID_HID;
    if (space >= 0 && dcpl >= 0 && aim_h5util_checked_chunks(dcpl, width, 0) >= 0) {
        ds = H5Dcreate2(loc, dim, H5T_STD_I32LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    }
    if (ds >= 0 && H5DSset_scale(ds, scale_name) < 0) {
        H5Dclose(ds);
        ds = H5I_INVALID_HID;
    }
    if (space >= 0) {
        H5Sclose(space);
    }
    if (dcpl >= 0) {
        H5Pclose(dcpl);
    }
    return ds;
}

herr_t aim_h5util_write_string_var(hid_t loc, const char *name, int n, const char *const *values, hid_t scale,
                                   const char *long_name)
{
    /* A netCDF character array [n, width] (NC_CHAR: one-byte fixed-length strings), NUL-padded:
     * netCDF-C 4.9.0 crashes on HDF5 fixed-length string datasets, and variable-length strings
     * live in HDF5's global heap, which has no checksum. xarray joins the characters into str
     * (the _Encoding attribute). */
    size_t width = 1;
    for (int i = 0; i < n; i++) {
        size_t len = strlen(values[i]);
        width = len > width ? len : width;
    }
    hsize_t dims[2] = {(hsize_t)n, width};
    hsize_t chunk[2] = {n < 1 ? 1 : (hsize_t)n, width};
    char *packed = calloc(n > 0 ? (size_t)n : 1, width);
    hid_t type = aim_h5util_utf8_type(1);
    hid_t space = H5Screate_simple(2, dims, NULL);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    hid_t strlen_dim = aim_h5util_strlen_dim(loc, name, width);
    herr_t rc = -1;
    if (packed && type >= 0 && space >= 0 && dcpl >= 0 && strlen_dim >= 0 &&
        H5Pset_chunk(dcpl, 2, chunk) >= 0 && H5Pset_fletcher32(dcpl) >= 0) {
        for (int i = 0; i < n; i++) {
            memcpy(packed + (size_t)i * width, values[i], strlen(values[i]));
        }
        hid_t ds = H5Dcreate2(loc, name, type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
        if (ds >= 0) {
            rc = (n == 0 || H5Dwrite(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, packed) >= 0) &&
                         H5DSattach_scale(ds, scale, 0) >= 0 && H5DSattach_scale(ds, strlen_dim, 1) >= 0 &&
                         aim_h5util_write_string_attr(ds, "long_name", long_name) >= 0 &&
                         aim_h5util_write_string_attr(ds, "_Encoding", "utf-8") >= 0
                     ? 0
                     : -1;
            if (H5Dclose(ds) < 0) {
                rc = -1;
            }
        }
    }
    free(packed);
    if (strlen_dim >= 0) {
        H5Dclose(strlen_dim);
    }
    if (type >= 0) {
        H5Tclose(type);
    }
    if (space >= 0) {
        H5Sclose(space);
    }
    if (dcpl >= 0) {
        H5Pclose(dcpl);
    }
    return rc;
}
