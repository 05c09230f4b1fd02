#include "analysis/sensitivity.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/bands.h"

void aim_sensitivity_options_init(struct aim_sensitivity_options *o)
{
    o->n_boot = AIM_SENSITIVITY_N_BOOT;
    o->seed = 0;
}

void aim_sensitivity_bootstrap_stream(struct aim_pcg64 *rng, uint64_t seed, enum aim_sensitivity_kind kind,
                                      uint64_t b)
{
    /* Blocks 0 and 1 of AIM_RNG_ANALYSIS belong to the critical values (analysis/critval.c). */
    aim_rng_stream(rng, seed, 0, b, (uint64_t)kind, AIM_RNG_ANALYSIS);
}

static size_t aim_sensitivity_n_pairs(int d, enum aim_sensitivity_layout layout)
{
    return layout == AIM_SENSITIVITY_SECOND_ORDER ? (size_t)d * (size_t)(d - 1) / 2 : 0;
}

size_t aim_sensitivity_saltelli_size(size_t n, int d, enum aim_sensitivity_layout layout)
{
    size_t blocks = layout == AIM_SENSITIVITY_SECOND_ORDER ? 2 * (size_t)d + 2 : (size_t)d + 2;
    return n * blocks;
}

size_t aim_sensitivity_sobol_work_size(int d, enum aim_sensitivity_layout layout, int n_boot)
{
    size_t n_idx = 2 * (size_t)d + aim_sensitivity_n_pairs(d, layout);
    return ((size_t)n_boot + 1) * n_idx + (size_t)n_boot;
}

static enum aim_status aim_sensitivity_check_options(const struct aim_sensitivity_options *o)
{
    if (o->n_boot < 2) {
        return aim_error_set(AIM_ERR_USAGE,
                             "sensitivity: %d bootstrap resamples; need at least 2 (default %d)", o->n_boot,
                             AIM_SENSITIVITY_N_BOOT);
    }
    return AIM_OK;
}

static int aim_sensitivity_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Summary of bootstrap estimates boot[b * stride] (b < n_boot): conf = z * sd, type-7 2.5% and 97.5%
 * percentiles. Resamples whose estimate is not finite (a resample with zero variance) are left out. */
static void aim_sensitivity_summarise(const double *boot, size_t stride, int n_boot, double *sorted,
                                      struct aim_sensitivity_index *out)
{
    size_t m = 0;
    double sum = 0.0;
    for (int b = 0; b < n_boot; b++) {
        double v = boot[(size_t)b * stride];
        if (isfinite(v)) {
            sorted[m++] = v;
            sum += v;
        }
    }
    if (m < 2) {
        out->conf = out->lower = out->upper = NAN;
        return;
    }
    double mean = sum / (double)m, ss = 0.0;
    for (size_t b = 0; b < m; b++) {
        ss += (sorted[b] - mean) * (sorted[b] - mean);
    }
    out->conf = AIM_BANDS_Z95 * sqrt(ss / (double)(m - 1));
    qsort(sorted, m, sizeof *sorted, aim_sensitivity_cmp);
    out->lower = aim_bands_quantile_sorted(sorted, m, 0.025);
    out->upper = aim_bands_quantile_sorted(sorted, m, 0.975);
}

/* The sums behind every index on the rows of one resample (rng NULL: the sample itself), divided
 * into estimates: est[i] = S1_i, est[d + i] = ST_i, est[2d + p] = S2 of pair p (i < k in row order). */
static void aim_sensitivity_sobol_one(const double *y, size_t n, int d, enum aim_sensitivity_layout layout,
                                      double c, struct aim_pcg64 *rng, double *est)
{
    size_t n_pairs = aim_sensitivity_n_pairs(d, layout);
    size_t n_idx = 2 * (size_t)d + n_pairs;
    memset(est, 0, n_idx * sizeof *est);
    double sum = 0.0, sumsq = 0.0;
    for (size_t row = 0; row < n; row++) {
        size_t j = rng ? (size_t)aim_rng_bounded(rng, n) : row;
        double a = y[j] - c, b = y[n + j] - c;
        sum += a + b;
        sumsq += a * a + b * b;
        for (int i = 0; i < d; i++) {
            double ab = y[(2 + (size_t)i) * n + j] - c;
            est[i] += b * (ab - a);
            est[d + i] += (a - ab) * (a - ab);
        }
        if (n_pairs > 0) {
            double ab0 = a * b;
            size_t p = 2 * (size_t)d;
            for (int i = 0; i < d; i++) {
                double ba = y[(2 + (size_t)d + (size_t)i) * n + j] - c;
                for (int k = i + 1; k < d; k++) {
                    est[p++] += ba * (y[(2 + (size_t)k) * n + j] - c) - ab0;
                }
            }
        }
    }
    double dn = (double)n;
    double mean = sum / (2.0 * dn);
    double v = sumsq / (2.0 * dn) - mean * mean;
    if (!(v > 0.0)) {
        for (size_t q = 0; q < n_idx; q++) {
            est[q] = NAN;
        }
        return;
    }
    for (int i = 0; i < d; i++) {
        est[i] = est[i] / dn / v;
        est[d + i] = est[d + i] / (2.0 * dn) / v;
    }
    size_t p = 2 * (size_t)d;
    for (int i = 0; i < d; i++) {
        for (int k = i + 1; k < d && n_pairs > 0; k++, p++) {
            est[p] = est[p] / dn / v - est[i] - est[k];
        }
    }
}

static const char *aim_sensitivity_block_name(size_t block, int d, char *buf, size_t size)
{
    if (block == 0) {
        return "A";
    }
    if (block == 1) {
        return "B";
    }
    if (block < 2 + (size_t)d) {
        snprintf(buf, size, "AB_%zu", block - 1);
    } else {
        snprintf(buf, size, "BA_%zu", block - 1 - (size_t)d);
    }
    return buf;
}

enum aim_status aim_sensitivity_sobol(const double *y, size_t n, int d, enum aim_sensitivity_layout layout,
                                      const struct aim_sensitivity_options *o, double *work,
                                      struct aim_sensitivity_index *s1, struct aim_sensitivity_index *st,
                                      struct aim_sensitivity_index *s2, double *variance)
{
    enum aim_status s = aim_sensitivity_check_options(o);
    if (s != AIM_OK) {
        return s;
    }
    if (layout != AIM_SENSITIVITY_FIRST_TOTAL && layout != AIM_SENSITIVITY_SECOND_ORDER) {
        return aim_error_set(AIM_ERR_USAGE, "Sobol indices: unknown block layout %d", (int)layout);
    }
    if (d < 1) {
        return aim_error_set(AIM_ERR_USAGE, "Sobol indices: %d factors; need at least 1", d);
    }
    if (layout == AIM_SENSITIVITY_SECOND_ORDER && d < 2) {
        return aim_error_set(AIM_ERR_USAGE, "Sobol indices: second order needs at least 2 factors, got %d",
                             d);
    }
    if (n < 2) {
        return aim_error_set(AIM_ERR_USAGE,
                             "Sobol indices: %zu base rows; a Saltelli sample needs N >= 2 (rows of A)", n);
    }
    size_t total = aim_sensitivity_saltelli_size(n, d, layout);
    for (size_t q = 0; q < total; q++) {
        if (!isfinite(y[q])) {
            char buf[32];
            return aim_error_set(
                AIM_ERR_NUMERIC,
                "Sobol indices: output %zu (block %s, row %zu of %zu) is %g; every output of "
                "the Saltelli sample must be finite",
                q, aim_sensitivity_block_name(q / n, d, buf, sizeof buf), q % n, n, y[q]);
        }
    }
    /* Centre on the mean of the pooled A and B outputs; V is their population variance (two passes).
     * A constant output is detected exactly: its computed V can be a rounding residue above 0. */
    double c = 0.0, lo = y[0], hi = y[0];
    for (size_t q = 0; q < 2 * n; q++) {
        c += y[q];
        lo = fmin(lo, y[q]);
        hi = fmax(hi, y[q]);
    }
    c /= (double)(2 * n);
    double v = 0.0;
    for (size_t q = 0; q < 2 * n; q++) {
        v += (y[q] - c) * (y[q] - c);
    }
    v /= (double)(2 * n);
    if (lo == hi || !(v > 0.0)) {
        return aim_error_set(AIM_ERR_NUMERIC,
                             "Sobol indices: the %zu outputs of blocks A and B all equal %g (zero variance); "
                             "indices are undefined for a constant output",
                             2 * n, c);
    }
    size_t n_idx = 2 * (size_t)d + aim_sensitivity_n_pairs(d, layout);
    double *point = work;
    double *boot = work + n_idx;
    double *sorted = boot + (size_t)o->n_boot * n_idx;
    aim_sensitivity_sobol_one(y, n, d, layout, c, NULL, point);
    /* One stream per resample: the estimates do not depend on the thread count or order. */
#pragma omp parallel for schedule(static)
    for (int b = 0; b < o->n_boot; b++) {
        struct aim_pcg64 rng;
        aim_sensitivity_bootstrap_stream(&rng, o->seed, AIM_SENSITIVITY_SOBOL, (uint64_t)b);
        aim_sensitivity_sobol_one(y, n, d, layout, c, &rng, boot + (size_t)b * n_idx);
    }
    for (int i = 0; i < d; i++) {
        s1[i].estimate = point[i];
        aim_sensitivity_summarise(boot + i, n_idx, o->n_boot, sorted, &s1[i]);
        st[i].estimate = point[d + i];
        aim_sensitivity_summarise(boot + d + i, n_idx, o->n_boot, sorted, &st[i]);
    }
    if (s2 != NULL) {
        for (size_t q = 0; q < (size_t)d * (size_t)d; q++) {
            s2[q].estimate = s2[q].conf = s2[q].lower = s2[q].upper = NAN;
        }
        size_t p = 2 * (size_t)d;
        for (int i = 0; i < d && layout == AIM_SENSITIVITY_SECOND_ORDER; i++) {
            for (int k = i + 1; k < d; k++, p++) {
                struct aim_sensitivity_index *x = &s2[(size_t)i * (size_t)d + (size_t)k];
                x->estimate = point[p];
                aim_sensitivity_summarise(boot + p, n_idx, o->n_boot, sorted, x);
            }
        }
    }
    if (variance != NULL) {
        *variance = v;
    }
    return AIM_OK;
}

size_t aim_sensitivity_morris_work_size(size_t r, int d, int n_boot)
{
    return r * (size_t)d + (size_t)n_boot * (size_t)d + (size_t)n_boot;
}

enum aim_status aim_sensitivity_morris(const double *x, const double *y, size_t r, int d,
                                       const struct aim_sensitivity_options *o, double *work,
                                       struct aim_sensitivity_morris *out)
{
    enum aim_status s = aim_sensitivity_check_options(o);
    if (s != AIM_OK) {
        return s;
    }
    if (d < 1) {
        return aim_error_set(AIM_ERR_USAGE, "Morris: %d factors; need at least 1", d);
    }
    if (r < 2) {
        return aim_error_set(AIM_ERR_USAGE,
                             "Morris: %zu trajectories; need at least 2 for sigma and mu*_conf", r);
    }
    size_t dd = (size_t)d, pts = dd + 1;
    for (size_t q = 0; q < r * pts; q++) {
        if (!isfinite(y[q])) {
            return aim_error_set(AIM_ERR_NUMERIC,
                                 "Morris: output of point %zu (trajectory %zu, step %zu) is %g; every output "
                                 "must be finite",
                                 q, q / pts, q % pts, y[q]);
        }
        for (size_t i = 0; i < dd; i++) {
            double v = x[q * dd + i];
            if (!(v >= 0.0 && v <= 1.0)) {
                return aim_error_set(
                    AIM_ERR_USAGE,
                    "Morris: point %zu (trajectory %zu), factor %zu is %g; points must lie in "
                    "the unit cube [0, 1]",
                    q, q / pts, i + 1, v);
            }
        }
    }
    double *ee = work;
    double *boot = ee + r * dd;
    double *sorted = boot + (size_t)o->n_boot * dd;
    for (size_t t = 0; t < r; t++) {
        for (size_t i = 0; i < dd; i++) {
            ee[t * dd + i] = NAN; /* marks factors not yet moved in this trajectory */
        }
        for (size_t k = 0; k < dd; k++) {
            const double *x0 = x + (t * pts + k) * dd, *x1 = x0 + dd;
            size_t changed = 0, which = 0;
            for (size_t i = 0; i < dd; i++) {
                if (fabs(x1[i] - x0[i]) > AIM_SENSITIVITY_MORRIS_EPS) {
                    changed++;
                    which = i;
                }
            }
            if (changed != 1) {
                return aim_error_set(
                    AIM_ERR_USAGE,
                    "Morris: trajectory %zu, step %zu -> %zu changes %zu factors; each step of a "
                    "trajectory must change exactly one",
                    t, k, k + 1, changed);
            }
            if (!isnan(ee[t * dd + which])) {
                return aim_error_set(
                    AIM_ERR_USAGE,
                    "Morris: trajectory %zu changes factor %zu twice (step %zu -> %zu); each "
                    "factor must change once per trajectory",
                    t, which + 1, k, k + 1);
            }
            ee[t * dd + which] = (y[t * pts + k + 1] - y[t * pts + k]) / (x1[which] - x0[which]);
        }
    }
    double dr = (double)r;
    for (size_t i = 0; i < dd; i++) {
        double sum = 0.0, sum_abs = 0.0;
        for (size_t t = 0; t < r; t++) {
            sum += ee[t * dd + i];
            sum_abs += fabs(ee[t * dd + i]);
        }
        double mu = sum / dr, ss = 0.0;
        for (size_t t = 0; t < r; t++) {
            ss += (ee[t * dd + i] - mu) * (ee[t * dd + i] - mu);
        }
        out[i].mu = mu;
        out[i].mu_star.estimate = sum_abs / dr;
        out[i].sigma = sqrt(ss / (dr - 1.0));
    }
#pragma omp parallel for schedule(static)
    for (int b = 0; b < o->n_boot; b++) {
        struct aim_pcg64 rng;
        aim_sensitivity_bootstrap_stream(&rng, o->seed, AIM_SENSITIVITY_MORRIS, (uint64_t)b);
        double *row = boot + (size_t)b * dd;
        memset(row, 0, dd * sizeof *row);
        for (size_t t = 0; t < r; t++) {
            size_t u = (size_t)aim_rng_bounded(&rng, r);
            for (size_t i = 0; i < dd; i++) {
                row[i] += fabs(ee[u * dd + i]);
            }
        }
        for (size_t i = 0; i < dd; i++) {
            row[i] /= dr;
        }
    }
    for (size_t i = 0; i < dd; i++) {
        aim_sensitivity_summarise(boot + i, dd, o->n_boot, sorted, &out[i].mu_star);
    }
    return AIM_OK;
}

enum aim_status aim_sensitivity_noise_share(const double *values, size_t n_points, size_t n_reps,
                                            double *share)
{
    if (n_points < 1 || n_reps < 2) {
        return aim_error_set(
            AIM_ERR_USAGE,
            "replica noise share over %zu points x %zu replicas: need at least 1 point and 2 "
            "replicas per point",
            n_points, n_reps);
    }
    size_t total = n_points * n_reps;
    double grand = 0.0, lo = values[0], hi = values[0];
    for (size_t q = 0; q < total; q++) {
        lo = fmin(lo, values[q]);
        hi = fmax(hi, values[q]);
        if (!isfinite(values[q])) {
            return aim_error_set(AIM_ERR_NUMERIC,
                                 "replica noise share: point %zu, replica %zu is %g; values must be finite",
                                 q / n_reps, q % n_reps, values[q]);
        }
        grand += values[q];
    }
    grand /= (double)total;
    double var_all = 0.0, within = 0.0;
    for (size_t p = 0; p < n_points; p++) {
        const double *v = values + p * n_reps;
        double m = 0.0;
        for (size_t r = 0; r < n_reps; r++) {
            m += v[r];
        }
        m /= (double)n_reps;
        for (size_t r = 0; r < n_reps; r++) {
            within += (v[r] - m) * (v[r] - m);
            var_all += (v[r] - grand) * (v[r] - grand);
        }
    }
    if (lo == hi || !(var_all > 0.0)) {
        return aim_error_set(AIM_ERR_NUMERIC,
                             "replica noise share: all %zu values equal %g (zero variance); the share is "
                             "undefined for a constant output",
                             total, grand);
    }
    /* Both sums over all values: (1/P) sum_p var_p / var_all = within / var_all. */
    *share = within / var_all;
    return AIM_OK;
}
