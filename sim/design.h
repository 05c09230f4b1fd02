/* Experiment designs of a sweep (the `sweep:` section of a config; docs/sweeps.md): the points of
 * a full factorial grid, uniform random, Latin hypercube, Sobol (Joe-Kuo), Saltelli and Morris
 * designs, or a user's CSV table, each crossed with an optional grid of scenarios. Pure C: the
 * points are a function of the spec (and its seed) only, identical on every machine. */
#ifndef AIM_DESIGN_H
#define AIM_DESIGN_H

#include <stdint.h>

#include "sim/error.h"

struct aim_config;

/** Designs, in the order of the choices of sweep.design in sim/params.def. */
enum aim_design_kind {
    AIM_DESIGN_NONE = 0,
    AIM_DESIGN_GRID,
    AIM_DESIGN_RANDOM,
    AIM_DESIGN_LHS,
    AIM_DESIGN_SOBOL,
    AIM_DESIGN_SALTELLI,
    AIM_DESIGN_MORRIS,
    AIM_DESIGN_CSV
};

/** Most points a design may have (2^30, the period of the 30-bit Sobol sequence). */
#define AIM_DESIGN_MAX_POINTS (1L << 30)
/** Most dimensions of the Sobol sequence (the Joe-Kuo table compiled in). */
#define AIM_DESIGN_SOBOL_MAX_DIM 256

/** @brief One factor: a key and either its values (values, n_values > 0) or a range [lo, hi]
 * mapped linearly or logarithmically; integer: values are rounded to the nearest integer, ties
 * away from zero. */
struct aim_design_factor {
    const char *key;
    const double *values;
    int n_values;
    double lo, hi;
    int log;
    int integer;
};

/** @brief What to generate: kind, points (random, lhs, sobol; saltelli base N; morris trajectories),
 * seed of random, lhs and morris, Morris levels, Saltelli's second-order blocks, the CSV file, the
 * factors, and the cross factors (values only) whose grid every design point is crossed with. */
struct aim_design_spec {
    enum aim_design_kind kind;
    long points;
    uint64_t seed;
    int levels;
    int second_order;
    const char *csv_path;
    int n_factors;
    const struct aim_design_factor *factors;
    int n_cross;
    const struct aim_design_factor *cross;
};

/** @brief A generated design: n_points rows of n_cols values (the factors, then the cross
 * factors), row-major, and the column keys; u: the unit-cube points of the design before crossing
 * (n_base rows of n_factors values, the coordinates the factors' values were mapped from; what
 * Morris elementary effects divide by), NULL for grid, csv and none. */
struct aim_design {
    long n_points;
    int n_cols;
    double *x;
    char **keys;
    long n_base;
    int n_factors;
    double *u;
};

/** @brief Generates the design of spec (malloc'd; free with aim_design_free). */
enum aim_status aim_design_create(const struct aim_design_spec *spec, struct aim_design **out);
/** @brief Builds the design of a config's sweep section; relative CSV paths resolve against
 * base_dir; config_keys: round the integer config keys (a full config, not a sweep-only file). */
enum aim_status aim_design_from_config(const struct aim_config *cfg, const char *base_dir, int config_keys,
                                       struct aim_design **out);
/** @brief Frees a design (NULL is fine). */
void aim_design_free(struct aim_design *d);

/** @brief The first n points of the unscrambled d-dimensional Sobol sequence, row-major, point 0
 * = (0, ..., 0): scipy.stats.qmc.Sobol(d, scramble=False).random(n) exactly. */
enum aim_status aim_design_sobol(int d, long n, double *u);
/** @brief Maps a unit value u in [0, 1] to a factor's value (values by index, linear, log; rounded). */
double aim_design_map(const struct aim_design_factor *f, double u);

#endif
