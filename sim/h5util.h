/* HDF5 helpers of the store's modules (sim/store*.c): failures reported through aim_error_set,
 * HDF5's own error printing turned off, netCDF-4 style attributes, dimension scales and label
 * variables. Internal to the store's modules: it names HDF5 types, which the public sim/store.h
 * does not, so nothing outside sim/store*.c and sim/h5util.c includes it. */
#ifndef AIM_H5UTIL_H
#define AIM_H5UTIL_H

#include <hdf5.h>
#include <stdint.h>

#include "sim/error.h"

/** Elements in a chunk of a dimension scale made unlimited by aim_h5util_create_scale. */
#define AIM_H5UTIL_UNLIMITED_CHUNK 256

/** @brief HDF5's error printing as it was before aim_h5util_quiet. */
struct aim_h5util_errors {
    H5E_auto2_t func;
    void *data;
};

/** @brief Turns off HDF5's printing of its error stack (failures are reported by aim_error_set)
 * until aim_h5util_restore; saved keeps what was set. */
void aim_h5util_quiet(struct aim_h5util_errors *saved);
/** @brief Restores HDF5's error printing saved by aim_h5util_quiet. */
void aim_h5util_restore(const struct aim_h5util_errors *saved);
/** @brief Records a failed HDF5 call as AIM_ERR_IO "path: what object failed: <HDF5's reason>"
 * and clears HDF5's error stack; returns AIM_ERR_IO. */
enum aim_status aim_h5util_fail(const char *path, const char *what, const char *object);
/** @brief The same as AIM_ERR_FORMAT "path: damaged file: ...", for a read that failed in a file
 * that passed the checks on opening; returns AIM_ERR_FORMAT. */
enum aim_status aim_h5util_damaged(const char *path, const char *what, const char *object);
/** @brief Writes (or replaces) a scalar fixed-length, NUL-terminated UTF-8 string attribute
 * (netCDF-C and xarray read it as str, h5py as bytes); negative on failure. */
herr_t aim_h5util_write_string_attr(hid_t obj, const char *name, const char *value);
/** @brief Writes (or replaces) a scalar attribute of file type ftype from value of memory type mtype. */
herr_t aim_h5util_write_scalar_attr(hid_t obj, const char *name, hid_t ftype, hid_t mtype, const void *value);
/** @brief A scalar fixed-length string attribute as a malloc'd string; NULL if absent, not such a
 * string (variable-length strings are refused), larger than the file or unreadable. */
char *aim_h5util_read_string_attr(hid_t obj, const char *name);
/** @brief Reads a scalar 8-byte integer attribute into value; 0 on success, -1 if it is absent,
 * of another type or unreadable (HDF5's error stack cleared). */
int aim_h5util_read_u64_attr(hid_t obj, const char *name, uint64_t *value);
/** @brief Sets a 1-D chunking of n elements (at most 65536 a chunk; AIM_H5UTIL_UNLIMITED_CHUNK
 * when unlimited) with a Fletcher32 checksum on dataset creation properties dcpl. */
herr_t aim_h5util_checked_chunks(hid_t dcpl, hsize_t n, int unlimited);
/** @brief Creates a 1-D netCDF-4 dimension scale name of length n in loc: int32 indices 0..n-1, or
 * float64 values when values is not NULL; chunked with a Fletcher32 checksum, extensible when
 * unlimited. The caller closes it. */
hid_t aim_h5util_create_scale(hid_t loc, const char *name, hsize_t n, const double *values, int unlimited);
/** @brief Writes a 1-D fixed-length UTF-8 string dataset of n values along scale, with long_name and
 * _Encoding (labels such as firm_name or layer_name that xarray shows as a coordinate of str). */
herr_t aim_h5util_write_string_var(hid_t loc, const char *name, int n, const char *const *values, hid_t scale,
                                   const char *long_name);

#endif
