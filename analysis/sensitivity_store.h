/* The indices of `aimsim sensitivity RUN.h5` kept month by month and scenario by scenario, then
 * written into the run file as the group /sensitivity/NAME (docs/sensitivity.md, "Indices in the
 * run file") through sim/store_analysis.h: netCDF-4 dimensions factor (with the factor_key
 * coordinate), and with --by-time a leading time, with cross factors a scenario dimension. */
#ifndef AIM_SENSITIVITY_STORE_H
#define AIM_SENSITIVITY_STORE_H

#include <stdint.h>

#include "analysis/sensitivity.h"
#include "sim/error.h"

struct aim_sensitivity_store; /* opaque: the indices collected so far */

/** @brief What the indices are of; the pointers must stay valid until aim_sensitivity_store_free. */
struct aim_sensitivity_store_info {
    const char *output;      /* NAME: the output analysed (the group's name) */
    int morris;              /* 1: Morris measures, 0: Sobol indices */
    int second_order;        /* Sobol with S2 */
    long n;                  /* base rows used (Sobol) or trajectories (Morris) */
    int n_boot;              /* bootstrap resamples */
    uint64_t seed;           /* seed of the resampling */
    long replicas;           /* replicas per point (averaged) */
    int n_factors;           /* factors */
    const char *const *keys; /* their config keys */
    long n_scenarios;        /* scenarios of the cross factors (1 without) */
    int n_cross;             /* cross factors (0: no scenario dimension) */
    const char *const *cross_keys;
    const double *cross_values; /* n_scenarios x n_cross, row-major */
    int n_times;                /* months with --by-time (0: no time dimension) */
    const char *start_date;     /* "YYYY-MM" of month 0 (with --by-time) */
};

/** @brief Allocates the arrays for every (time, scenario, factor), filled with NaN. */
enum aim_status aim_sensitivity_store_create(struct aim_sensitivity_store **c,
                                             const struct aim_sensitivity_store_info *info);
/** @brief Keeps the indices of month t (0 without --by-time) and scenario: s1, st, s2 (d x d, i < k
 * used) for Sobol, morris for Morris; noise_share NaN without replicas; constant: every value was the
 * same (the indices stay NaN). */
void aim_sensitivity_store_record(struct aim_sensitivity_store *c, int t, long scenario,
                                  const struct aim_sensitivity_index *s1,
                                  const struct aim_sensitivity_index *st,
                                  const struct aim_sensitivity_index *s2,
                                  const struct aim_sensitivity_morris *morris, double noise_share,
                                  int constant);
/** @brief Writes /sensitivity/NAME into run_path (replacing a group of that name; the file is replaced
 * only once the group is complete, as sim/store_analysis.h does). */
enum aim_status aim_sensitivity_store_write(const struct aim_sensitivity_store *c, const char *run_path);
/** @brief Frees the collector (NULL is fine). */
void aim_sensitivity_store_free(struct aim_sensitivity_store *c);

#endif
