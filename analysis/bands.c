#include "analysis/bands.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const double aim_bands_standard[AIM_BANDS_N_STANDARD] = {0.05, 0.25, 0.5, 0.75, 0.95};

const double *aim_bands_standard_probs(void)
{
    return aim_bands_standard;
}

double aim_bands_quantile_sorted(const double *sorted, size_t n, double p)
{
    /* R quantile.default, type 7, in R's own arithmetic: index = 1 + (n - 1) p (1-based),
     * lo = floor(index), g = index - lo, q = (1 - g) x[lo] + g x[lo + 1]. */
    double index = 1.0 + (double)(n - 1) * p;
    double lo1 = floor(index);
    size_t lo = (size_t)lo1 - 1;
    if (lo >= n - 1) {
        return sorted[n - 1];
    }
    double g = index - lo1;
    double a = sorted[lo], b = sorted[lo + 1];
    if (g <= 0.0 || b == a) {
        return a;
    }
    return (1.0 - g) * a + g * b;
}

static int aim_bands_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static enum aim_status aim_bands_check_probs(const double *probs, int n_probs)
{
    if (n_probs < 1) {
        return aim_error_set(AIM_ERR_USAGE, "quantiles: need at least one probability, got %d", n_probs);
    }
    for (int k = 0; k < n_probs; k++) {
        if (!(probs[k] >= 0.0 && probs[k] <= 1.0)) {
            return aim_error_set(AIM_ERR_USAGE, "quantiles: probability %d is %g; must lie in [0, 1]", k,
                                 probs[k]);
        }
    }
    return AIM_OK;
}

enum aim_status aim_bands_quantiles(const double *x, size_t n, const double *probs, int n_probs, double *work,
                                    double *q)
{
    enum aim_status s = aim_bands_check_probs(probs, n_probs);
    if (s != AIM_OK) {
        return s;
    }
    if (n == 0) {
        return aim_error_set(AIM_ERR_USAGE, "quantiles of an empty sample: need at least one value");
    }
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(x[i])) {
            return aim_error_set(AIM_ERR_NUMERIC, "quantiles: value %zu of %zu is %g; values must be finite",
                                 i, n, x[i]);
        }
    }
    memcpy(work, x, n * sizeof *work);
    qsort(work, n, sizeof *work, aim_bands_cmp);
    for (int k = 0; k < n_probs; k++) {
        q[k] = aim_bands_quantile_sorted(work, n, probs[k]);
    }
    return AIM_OK;
}

enum aim_status aim_bands_compute(const double *values, int n_reps, int n_times, const double *probs,
                                  int n_probs, double *work, double *out)
{
    enum aim_status s = aim_bands_check_probs(probs, n_probs);
    if (s != AIM_OK) {
        return s;
    }
    if (n_reps < 1 || n_times < 1) {
        return aim_error_set(AIM_ERR_USAGE, "bands over %d replicas and %d times: need at least one of each",
                             n_reps, n_times);
    }
    for (int t = 0; t < n_times; t++) {
        for (int r = 0; r < n_reps; r++) {
            double v = values[(size_t)r * (size_t)n_times + (size_t)t];
            if (!isfinite(v)) {
                return aim_error_set(AIM_ERR_NUMERIC,
                                     "bands: replica %d at time %d is %g; values must be finite", r, t, v);
            }
            work[r] = v;
        }
        qsort(work, (size_t)n_reps, sizeof *work, aim_bands_cmp);
        for (int k = 0; k < n_probs; k++) {
            out[(size_t)k * (size_t)n_times + (size_t)t] =
                aim_bands_quantile_sorted(work, (size_t)n_reps, probs[k]);
        }
    }
    return AIM_OK;
}

enum aim_status aim_bands_wilson(int successes, int n, double z, double *lower, double *upper)
{
    if (n < 1 || successes < 0 || successes > n) {
        return aim_error_set(AIM_ERR_USAGE,
                             "Wilson interval of %d successes in %d trials: need 0 <= x <= n, n >= 1",
                             successes, n);
    }
    if (!(z > 0.0) || !isfinite(z)) {
        return aim_error_set(AIM_ERR_USAGE, "Wilson interval: normal quantile z = %g must be finite and > 0",
                             z);
    }
    /* Written as R's prop.test computes it, so that the ends agree to rounding. */
    double dn = (double)n;
    double p = (double)successes / dn;
    double z22n = z * z / (2.0 * dn);
    double root = z * sqrt(p * (1.0 - p) / dn + z22n / (2.0 * dn));
    *upper = p >= 1.0 ? 1.0 : (p + z22n + root) / (1.0 + 2.0 * z22n);
    *lower = p <= 0.0 ? 0.0 : (p + z22n - root) / (1.0 + 2.0 * z22n);
    return AIM_OK;
}

enum aim_status aim_bands_proportion(const int *flags, int n, double z, struct aim_bands_proportion *out)
{
    if (n < 1) {
        return aim_error_set(AIM_ERR_USAGE, "proportion over %d replicas: need at least one", n);
    }
    int x = 0;
    for (int r = 0; r < n; r++) {
        if (flags[r] != 0 && flags[r] != 1) {
            return aim_error_set(AIM_ERR_USAGE, "proportion: flag of replica %d is %d; must be 0 or 1", r,
                                 flags[r]);
        }
        x += flags[r];
    }
    struct aim_bands_proportion r = {x, n, (double)x / (double)n, 0.0, 1.0};
    enum aim_status s = aim_bands_wilson(x, n, z, &r.lower, &r.upper);
    if (s != AIM_OK) {
        return s;
    }
    *out = r;
    return AIM_OK;
}

enum aim_status aim_bands_crash_probability(const int *crash, int n_reps, struct aim_bands_proportion *out)
{
    enum aim_status s = aim_bands_proportion(crash, n_reps, AIM_BANDS_Z95, out);
    return s == AIM_OK ? s : aim_error_prefix(s, "crash probability: ");
}

enum aim_status aim_bands_bubble_share(const int *bubble, int n_reps, struct aim_bands_proportion *out)
{
    enum aim_status s = aim_bands_proportion(bubble, n_reps, AIM_BANDS_Z95, out);
    return s == AIM_OK ? s : aim_error_prefix(s, "bubble share: ");
}
