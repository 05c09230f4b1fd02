#include "analysis/concentration.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum aim_status aim_concentration_check(const double *x, size_t n)
{
    if (n == 0) {
        return aim_error_set(AIM_ERR_USAGE, "concentration of an empty vector: need at least one value");
    }
    double total = 0.0;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(x[i])) {
            return aim_error_set(AIM_ERR_NUMERIC,
                                 "concentration: value %zu of %zu is %g; values must be finite", i, n, x[i]);
        }
        if (x[i] < 0.0) {
            return aim_error_set(AIM_ERR_NUMERIC,
                                 "concentration: value %zu of %zu is negative (%g); shares need values >= 0",
                                 i, n, x[i]);
        }
        total += x[i];
    }
    if (total == 0.0) {
        return aim_error_set(AIM_ERR_NUMERIC,
                             "concentration: all %zu values are zero, so shares are undefined (need one > 0)",
                             n);
    }
    if (!isfinite(total)) {
        return aim_error_set(AIM_ERR_NUMERIC, "concentration: the values sum to %g (overflow)", total);
    }
    return AIM_OK;
}

static int aim_concentration_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Sorts x ascending into work and returns the sum (added smallest first, for accuracy). */
static double aim_concentration_sort(const double *x, size_t n, double *work)
{
    memcpy(work, x, n * sizeof *work);
    qsort(work, n, sizeof *work, aim_concentration_cmp);
    double total = 0.0;
    for (size_t i = 0; i < n; i++) {
        total += work[i];
    }
    return total;
}

/* With x ascending, sum_ij |x_i - x_j| = 2 sum_i (2i - n - 1) x_(i) (i 1-based): each x_(i) is
 * larger than i - 1 values and smaller than n - i. This weighted form avoids the cancellation of
 * 2 sum i x_(i) / (n sum x) - 1 - 1/n. */
static double aim_concentration_half_abs_diff(const double *sorted, size_t n)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++) {
        s += (2.0 * (double)(i + 1) - (double)n - 1.0) * sorted[i];
    }
    return s;
}

enum aim_status aim_concentration_hhi(const double *x, size_t n, double *hhi)
{
    enum aim_status s = aim_concentration_check(x, n);
    if (s != AIM_OK) {
        return s;
    }
    double total = 0.0;
    for (size_t i = 0; i < n; i++) {
        total += x[i];
    }
    double h = 0.0;
    for (size_t i = 0; i < n; i++) {
        double share = x[i] / total;
        h += share * share;
    }
    *hhi = h;
    return AIM_OK;
}

enum aim_status aim_concentration_gini(const double *x, size_t n, double *work, double *gini)
{
    enum aim_status s = aim_concentration_check(x, n);
    if (s != AIM_OK) {
        return s;
    }
    double total = aim_concentration_sort(x, n, work);
    *gini = aim_concentration_half_abs_diff(work, n) / ((double)n * total);
    return AIM_OK;
}

enum aim_status aim_concentration_abs_diff_sum(const double *x, size_t n, double *work, double *sum)
{
    enum aim_status s = aim_concentration_check(x, n);
    if (s != AIM_OK) {
        return s;
    }
    aim_concentration_sort(x, n, work);
    *sum = 2.0 * aim_concentration_half_abs_diff(work, n);
    return AIM_OK;
}

enum aim_status aim_concentration_compute(const double *x, size_t n, double *work,
                                          struct aim_concentration *out)
{
    enum aim_status s = aim_concentration_check(x, n);
    if (s != AIM_OK) {
        return s;
    }
    double total = aim_concentration_sort(x, n, work);
    double hhi = 0.0, ht = 0.0;
    for (size_t i = 0; i < n; i++) {
        double share = work[i] / total;
        hhi += share * share;
        /* Rosenbluth rank: 1 for the largest value, n for the smallest. */
        ht += (double)(n - i) * share;
    }
    double top3 = 0.0;
    for (size_t k = 0; k < 3 && k < n; k++) {
        top3 += work[n - 1 - k];
    }
    out->n = n;
    out->total = total;
    out->hhi = hhi;
    out->hhi_doj = 1e4 * hhi;
    out->top1 = work[n - 1] / total;
    out->top3 = top3 / total;
    out->gini = aim_concentration_half_abs_diff(work, n) / ((double)n * total);
    out->gini_corrected = n > 1 ? out->gini * (double)n / (double)(n - 1) : NAN;
    out->rosenbluth = 1.0 / (2.0 * ht - 1.0);
    return AIM_OK;
}
