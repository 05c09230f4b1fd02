/* Global sensitivity analysis of a sweep's outputs: Sobol indices from a Saltelli sample, Morris
 * elementary effects, and the share of output variance that is replica noise (docs/sensitivity.md).
 *
 * Saltelli sample (block order: the contract the design module's `saltelli` design writes).
 * With N base rows and D factors, A and B are two independent N x D samples of the factors, AB_i
 * is A with column i taken from B and BA_i is B with column i taken from A. The outputs y arrive
 * as one array of blocks of N rows each, in this order:
 *     first and total order (AIM_SENSITIVITY_FIRST_TOTAL), N (D + 2) values:
 *         y[0 .. N-1] = A, y[N .. 2N-1] = B, y[(2+i)N .. (3+i)N-1] = AB_i  (i = 0 .. D-1);
 *     with second order (AIM_SENSITIVITY_SECOND_ORDER), N (2D + 2) values: the same, then
 *         y[(2+D+i)N .. (3+D+i)N-1] = BA_i.
 * Row j of every block comes from base row j of A and B: output (design point) p is row p % N of
 * block p / N. (SALib interleaves the blocks per base row instead; aimsim keeps each block
 * contiguous so that a design's first N points are a plain sample A.)
 *
 * Estimators, with f_X the outputs of block X, first centred on c, the mean of the 2N pooled A and
 * B outputs (which makes S1 and S2 invariant to adding a constant to y, as SALib achieves by
 * standardising), and V = (1/2N) sum over A and B of (f - c)^2, the population variance of the
 * pooled A and B outputs:
 *     S1_i  = (1/N) sum_j fB_j (fAB_i,j - fA_j) / V
 *             (Saltelli et al. 2010, table 2 (b));
 *     ST_i  = (1/2N) sum_j (fA_j - fAB_i,j)^2 / V
 *             (Jansen 1999; Saltelli et al. 2010, table 2 (f));
 *     S2_ik = (1/N) sum_j (fBA_i,j fAB_k,j - fA_j fB_j) / V - S1_i - S1_k,  i < k
 *             (Saltelli 2002, in SALib's form).
 * Confidence: n_boot bootstrap resamples of the N base rows (the same row indices in every
 * block, so the resample is itself a Saltelli sample); resample b draws its rows as
 * aim_rng_bounded(rng, N), N times in order, from aim_sensitivity_bootstrap_stream(seed, kind, b).
 * Each index gets conf = z_{0.975} * sd(bootstrap estimates, n-1 denominator), SALib's *_conf
 * (a normal-approximation half-width), and the 2.5% and 97.5% type-7 percentiles of the bootstrap
 * estimates (an interval that need not be symmetric; both are reported because SALib users read
 * conf and the percentile interval is the better one for skewed estimators at small N).
 *
 * Morris (1991) elementary effects: r trajectories of D + 1 points each in the unit cube; each
 * step changes exactly one factor by +-Delta and every factor exactly once per trajectory.
 * EE_i = (y_{k+1} - y_k) / (x_{k+1,i} - x_{k,i}) for the step that changes factor i; then
 *     mu_i = mean EE_i,  mu*_i = mean |EE_i| (Campolongo et al. 2007),  sigma_i = sd EE_i (n-1),
 * and mu*_conf = z_{0.975} * sd of mu* over bootstrap resamples of the r trajectories (SALib's
 * mu_star_conf), with the percentile interval alongside.
 *
 * Replica noise share of values[p * R + r] (P points, R replicas each):
 *     (1/P) sum_p var_p / var_all, population variances (n denominators),
 * so that by the law of total variance the share is exactly the within-point part of var_all and
 * 1 - share is the part explained by the points. */
#ifndef AIM_SENSITIVITY_H
#define AIM_SENSITIVITY_H

#include <stddef.h>
#include <stdint.h>

#include "sim/error.h"
#include "sim/rng.h"

/** Default number of bootstrap resamples. */
#define AIM_SENSITIVITY_N_BOOT 1000
/** Offset of a step's change below which a factor counts as unchanged (unit-cube coordinates). */
#define AIM_SENSITIVITY_MORRIS_EPS 1e-9

/** @brief Which blocks a Saltelli output array holds (see the block order above). */
enum aim_sensitivity_layout {
    AIM_SENSITIVITY_FIRST_TOTAL = 0, /* A, B, AB_1..AB_D: N (D + 2) outputs */
    AIM_SENSITIVITY_SECOND_ORDER = 1 /* A, B, AB_1..AB_D, BA_1..BA_D: N (2D + 2) outputs */
};

/** @brief Which analysis a bootstrap stream belongs to (the block of its aim_rng_stream key). */
enum aim_sensitivity_kind { AIM_SENSITIVITY_SOBOL = 2, AIM_SENSITIVITY_MORRIS = 3 };

/** @brief Bootstrap settings. */
struct aim_sensitivity_options {
    int n_boot;    /* resamples, >= 2 (default AIM_SENSITIVITY_N_BOOT) */
    uint64_t seed; /* key of the resampling streams (the run's seed, so results are reproducible) */
};

/** @brief One index with its bootstrap confidence. */
struct aim_sensitivity_index {
    double estimate; /* on the full sample */
    double conf;     /* z_{0.975} * bootstrap standard deviation (SALib's *_conf) */
    double lower;    /* 2.5% percentile of the bootstrap estimates */
    double upper;    /* 97.5% percentile */
};

/** @brief Morris measures of one factor. */
struct aim_sensitivity_morris {
    double mu;                            /* mean elementary effect */
    struct aim_sensitivity_index mu_star; /* mean |EE| with its bootstrap confidence */
    double sigma;                         /* standard deviation of the elementary effects (n-1) */
};

/** @brief Defaults: AIM_SENSITIVITY_N_BOOT resamples, seed 0. */
void aim_sensitivity_options_init(struct aim_sensitivity_options *o);
/** @brief Stream of bootstrap resample b of an analysis kind, keyed on seed (purpose AIM_RNG_ANALYSIS). */
void aim_sensitivity_bootstrap_stream(struct aim_pcg64 *rng, uint64_t seed, enum aim_sensitivity_kind kind,
                                      uint64_t b);
/** @brief Number of outputs a Saltelli sample of n base rows and d factors holds in a layout. */
size_t aim_sensitivity_saltelli_size(size_t n, int d, enum aim_sensitivity_layout layout);
/** @brief Doubles of workspace aim_sensitivity_sobol needs. */
size_t aim_sensitivity_sobol_work_size(int d, enum aim_sensitivity_layout layout, int n_boot);
/** @brief Sobol first-order s1[d], total-order st[d] and (second-order layout, s2 not NULL)
 * second-order s2[i * d + k] for i < k (other entries NaN) from the outputs y of a Saltelli sample;
 * variance (may be NULL) receives V. work holds aim_sensitivity_sobol_work_size doubles. */
enum aim_status aim_sensitivity_sobol(const double *y, size_t n, int d, enum aim_sensitivity_layout layout,
                                      const struct aim_sensitivity_options *o, double *work,
                                      struct aim_sensitivity_index *s1, struct aim_sensitivity_index *st,
                                      struct aim_sensitivity_index *s2, double *variance);
/** @brief Doubles of workspace aim_sensitivity_morris needs. */
size_t aim_sensitivity_morris_work_size(size_t r, int d, int n_boot);
/** @brief Morris measures out[d] from r trajectories: points x[(t (d+1) + k) d + i] in the unit cube
 * and outputs y[t (d+1) + k]; work holds aim_sensitivity_morris_work_size doubles. */
enum aim_status aim_sensitivity_morris(const double *x, const double *y, size_t r, int d,
                                       const struct aim_sensitivity_options *o, double *work,
                                       struct aim_sensitivity_morris *out);
/** @brief Share of the variance of values[p * n_reps + r] that lies between replicas within points. */
enum aim_status aim_sensitivity_noise_share(const double *values, size_t n_points, size_t n_reps,
                                            double *share);

#endif
