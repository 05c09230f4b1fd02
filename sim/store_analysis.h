/* Writing an /analysis group (docs/analysis.md) into a copy of a run file or into a new file,
 * through plain C types: named arrays of ints or doubles over dimensions that are netCDF-4
 * dimension scales of the group, and attributes. The file at its final name is replaced only once
 * the group is complete, so that a failure or a kill never damages what the user had. */
#ifndef AIM_STORE_ANALYSIS_H
#define AIM_STORE_ANALYSIS_H

#include <stddef.h>
#include <stdint.h>

#include "sim/error.h"

struct aim_store_analysis; /* opaque: a group being written and the file that will hold it */

/** At most this many dimensions in a group. */
#define AIM_STORE_ANALYSIS_MAX_DIMS 8
/** Longest path of a group from the root, with its NUL. */
#define AIM_STORE_ANALYSIS_MAX_GROUP 256

/** @brief Element type of a variable: C int stored as int32, or double stored as float64. */
enum aim_store_analysis_type { AIM_STORE_ANALYSIS_INT = 0, AIM_STORE_ANALYSIS_DOUBLE = 1 };

/** @brief Starts writing the /analysis group: into a copy of run_path beside it (out_path NULL;
 * an earlier /analysis is replaced), or into a new file out_path with root attributes
 * aimsim_format = format and source_file = run_path (refused if out_path is the run file). Both
 * are made as NAME.XXXXXX.partial, renamed by aim_store_analysis_finish. */
enum aim_status aim_store_analysis_open(struct aim_store_analysis **w, const char *run_path,
                                        const char *out_path, const char *format);
/** @brief aim_store_analysis_open for another group than /analysis: group is its path from the root
 * ("sensitivity/vf"; groups above it are made as needed), and an earlier group of that path in the
 * run file is replaced (its siblings are kept). */
enum aim_status aim_store_analysis_open_group(struct aim_store_analysis **w, const char *run_path,
                                              const char *out_path, const char *format, const char *group);
/** @brief Name of the file being written (the temporary one), for messages. */
const char *aim_store_analysis_path(const struct aim_store_analysis *w);
/** @brief Writes (or replaces) a string attribute of the group. */
enum aim_status aim_store_analysis_write_string_attr(struct aim_store_analysis *w, const char *name,
                                                     const char *value);
/** @brief Writes (or replaces) a float64 attribute of the group. */
enum aim_status aim_store_analysis_write_double_attr(struct aim_store_analysis *w, const char *name,
                                                     double value);
/** @brief Writes (or replaces) an int32 attribute of the group. */
enum aim_status aim_store_analysis_write_int_attr(struct aim_store_analysis *w, const char *name, int value);
/** @brief Writes (or replaces) a uint64 attribute of the group. */
enum aim_status aim_store_analysis_write_u64_attr(struct aim_store_analysis *w, const char *name,
                                                  uint64_t value);
/** @brief Creates dimension dim (0 .. AIM_STORE_ANALYSIS_MAX_DIMS - 1) of the group: a dimension
 * scale name of length n, int32 indices 0..n-1 or the float64 values, with long_name. */
enum aim_status aim_store_analysis_write_dim(struct aim_store_analysis *w, int dim, const char *name,
                                             size_t n, const double *values, const char *long_name);
/** @brief Writes (or replaces) a string attribute (units, calendar) of dimension dim. */
enum aim_status aim_store_analysis_write_dim_attr(struct aim_store_analysis *w, int dim, const char *name,
                                                  const char *value);
/** @brief Writes n string labels along dimension dim (a coordinate of str, such as layer_name). */
enum aim_status aim_store_analysis_write_labels(struct aim_store_analysis *w, const char *name, int n,
                                                const char *const *values, int dim, const char *long_name);
/** @brief Writes variable name over the rank dimensions dims (their lengths give its shape), C
 * order, with long_name and, when not NULL, units. */
enum aim_status aim_store_analysis_write_var(struct aim_store_analysis *w, const char *name, int rank,
                                             const int *dims, enum aim_store_analysis_type type,
                                             const void *data, const char *long_name, const char *units);
/** @brief Writes (or replaces) a string attribute of variable var, written before (the CF
 * coordinates attribute, naming its label coordinates such as factor_key). */
enum aim_status aim_store_analysis_write_var_attr(struct aim_store_analysis *w, const char *var,
                                                  const char *name, const char *value);
/** @brief Closes the group and the file and, when status is AIM_OK, gives the file its final name;
 * otherwise (or if that fails) removes it, so the run file or out_path is as it was. Returns the
 * first failure (status if it is one, with the error message saying what was not written); frees w. */
enum aim_status aim_store_analysis_finish(struct aim_store_analysis *w, enum aim_status status);

#endif
