/* Figures across replicas (MODEL.md 10): quantile bands per step, the probability of a crash by the
 * horizon and the share of replicas with a GSADF-detected bubble, each proportion with its Wilson
 * 95% score interval.
 *
 * Quantiles are R's type 7 (the R and numpy default): for sorted x_(1) <= ... <= x_(n) and
 * probability p, h = (n - 1) p + 1, q = x_(floor h) + (h - floor h) (x_(floor h + 1) - x_(floor h)),
 * evaluated as R does, (1 - g) x_(j) + g x_(j+1) with g = h - j, and x_(j) itself when x_(j+1) = x_(j).
 *
 * The Wilson interval without continuity correction is R's prop.test(x, n, correct = FALSE):
 * with p = x/n and c = z^2/(2n), (p + c -+ z sqrt(p(1-p)/n + c/(2n))) / (1 + 2c), the lower end 0
 * when x = 0 and the upper end 1 when x = n. */
#ifndef AIM_BANDS_H
#define AIM_BANDS_H

#include <stddef.h>

#include "sim/error.h"

/** The normal quantile qnorm(0.975) of a two-sided 95% interval. */
#define AIM_BANDS_Z95 1.959963984540054
/** Number of standard band probabilities (p5, p25, p50, p75, p95). */
#define AIM_BANDS_N_STANDARD 5

/** @brief A proportion of replicas with its confidence interval. */
struct aim_bands_proportion {
    int successes;   /* replicas with the event */
    int n;           /* replicas */
    double estimate; /* successes / n */
    double lower;    /* Wilson interval */
    double upper;
};

/** @brief The standard band probabilities 0.05, 0.25, 0.5, 0.75, 0.95 (AIM_BANDS_N_STANDARD). */
const double *aim_bands_standard_probs(void);
/** @brief Type-7 quantile at p in [0, 1] of an ascending array of n >= 1 values (no checks). */
double aim_bands_quantile_sorted(const double *sorted, size_t n, double p);
/** @brief Type-7 quantiles at probs[0..n_probs-1] of finite x[0..n-1], sorting a copy into work. */
enum aim_status aim_bands_quantiles(const double *x, size_t n, const double *probs, int n_probs, double *work,
                                    double *q);
/** @brief Bands across replicas: values[r * n_times + t] -> out[k * n_times + t] for each of
 * n_probs probabilities; work holds n_reps doubles. */
enum aim_status aim_bands_compute(const double *values, int n_reps, int n_times, const double *probs,
                                  int n_probs, double *work, double *out);
/** @brief Wilson score interval of successes out of n at normal quantile z (AIM_BANDS_Z95 for 95%). */
enum aim_status aim_bands_wilson(int successes, int n, double z, double *lower, double *upper);
/** @brief Proportion of 0/1 flags[0..n-1] that are 1, with its Wilson interval at z. */
enum aim_status aim_bands_proportion(const int *flags, int n, double z, struct aim_bands_proportion *out);
/** @brief Probability of a crash by the horizon: per-replica crash flags, Wilson 95% interval. */
enum aim_status aim_bands_crash_probability(const int *crash, int n_reps, struct aim_bands_proportion *out);
/** @brief Share of replicas whose GSADF exceeds its critical value (per-replica flags from the
 * PSY test), Wilson 95% interval. */
enum aim_status aim_bands_bubble_share(const int *bubble, int n_reps, struct aim_bands_proportion *out);

#endif
