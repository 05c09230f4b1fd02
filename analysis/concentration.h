/* Concentration of a market (MODEL.md 10): HHI, top-k shares, Gini, Rosenbluth, computed from any
 * vector of non-negative values (valuations, capacities, deliveries, demand shares). Shares are
 * s_i = x_i / sum(x); zeros are allowed (firms with nothing still count in n). */
#ifndef AIM_CONCENTRATION_H
#define AIM_CONCENTRATION_H

#include <stddef.h>

#include "sim/error.h"

/** @brief All concentration figures of one vector of values. */
struct aim_concentration {
    size_t n;              /* number of values (firms), zeros included */
    double total;          /* sum of the values */
    double hhi;            /* Herfindahl-Hirschman: sum of squared shares, in [1/n, 1] */
    double hhi_doj;        /* the same on the DOJ/FTC scale (percent shares): 10^4 * hhi */
    double top1;           /* largest share */
    double top3;           /* sum of the three largest shares (all shares if n < 3) */
    double gini;           /* uncorrected Gini (ineq/pysal): sum_ij |x_i - x_j| / (2 n^2 mean) */
    double gini_corrected; /* gini * n / (n - 1); NaN when n == 1 */
    double rosenbluth;     /* Hall-Tideman index 1 / (2 sum_i i s_(i) - 1), i = rank from the largest */
};

/** @brief Checks that x[0..n-1] is non-empty, finite, non-negative and not all zero (shares defined). */
enum aim_status aim_concentration_check(const double *x, size_t n);
/** @brief HHI on 0..1 of the shares of x (O(n), no workspace). */
enum aim_status aim_concentration_hhi(const double *x, size_t n, double *hhi);
/** @brief Uncorrected Gini of x; sorts a copy into work[0..n-1] (O(n log n)). */
enum aim_status aim_concentration_gini(const double *x, size_t n, double *work, double *gini);
/** @brief Sum over ordered pairs of |x_i - x_j| (the Gini numerator), via work[0..n-1]. */
enum aim_status aim_concentration_abs_diff_sum(const double *x, size_t n, double *work, double *sum);
/** @brief Every figure of struct aim_concentration at once, sorting a copy into work[0..n-1]. */
enum aim_status aim_concentration_compute(const double *x, size_t n, double *work,
                                          struct aim_concentration *out);

#endif
