/* Phillips–Shi–Yu bubble tests with cross-product updating (see psy.h for the conventions). */
#include "analysis/psy.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Regressor vector of one row, in this order: constant, Δy_{t-1..t-K}, shifted y_{t-1}, Δy_t.
 * y_{t-1} comes last among the regressors so that eliminating the others leaves its 2×2 block
 * with Δy_t, from which b, se(b) and the RSS follow without a full inverse. */
#define PSY_DIM (AIM_PSY_MAX_LAG + 3)

/* Relative size under which a pivot or a residual sum of squares counts as zero. */
#define PSY_SINGULAR 1e-12
#define PSY_PERFECT 1e-13

void aim_psy_options_init(struct aim_psy_options *opt)
{
    opt->lag = 0;
    opt->ic = AIM_PSY_IC_NONE;
    opt->window_min = 0;
    opt->convention = AIM_PSY_EXUBER;
    opt->progress = NULL;
    opt->progress_ctx = NULL;
}

int aim_psy_scale_exponent(const double *y, size_t n)
{
    double amax = 0.0;
    for (size_t i = 0; i < n; i++) {
        amax = fmax(amax, fabs(y[i]));
    }
    int e = 0;
    if (amax > 0.0 && isfinite(amax)) {
        (void)frexp(amax, &e);
    }
    return e < -64 || e > 64 ? e : 0;
}

enum aim_status aim_psy_scaled_copy(const double *y, size_t n, enum aim_psy_ic ic, double **scaled)
{
    *scaled = NULL;
    int e = ic == AIM_PSY_IC_NONE ? aim_psy_scale_exponent(y, n) : 0;
    if (e == 0) {
        return AIM_OK;
    }
    double *c = malloc(n * sizeof *c);
    if (!c) {
        return aim_error_set(AIM_ERR_NOMEM, "psy: cannot allocate %zu values to rescale the series", n);
    }
    for (size_t i = 0; i < n; i++) {
        c[i] = ldexp(y[i], -e);
    }
    *scaled = c;
    return AIM_OK;
}

long aim_psy_default_window(size_t n)
{
    double t = (double)n;
    return (long)floor((0.01 + 1.8 / sqrt(t)) * t);
}

enum aim_status aim_psy_min_levels(const struct aim_psy_options *opt, size_t n, size_t *min_levels)
{
    if (opt->lag < 0 || opt->lag > AIM_PSY_MAX_LAG) {
        return aim_error_set(AIM_ERR_USAGE, "psy: lag %d is outside 0..%d", opt->lag, AIM_PSY_MAX_LAG);
    }
    if (opt->ic != AIM_PSY_IC_NONE && opt->ic != AIM_PSY_IC_AIC && opt->ic != AIM_PSY_IC_BIC) {
        return aim_error_set(AIM_ERR_USAGE, "psy: unknown lag-selection criterion %d (0 none, 1 aic, 2 bic)",
                             (int)opt->ic);
    }
    if (opt->convention != AIM_PSY_EXUBER && opt->convention != AIM_PSY_PSYMONITOR) {
        return aim_error_set(AIM_ERR_USAGE, "psy: unknown window convention %d (0 exuber, 1 psymonitor)",
                             (int)opt->convention);
    }
    long w = opt->window_min > 0 ? opt->window_min : aim_psy_default_window(n);
    long k = opt->lag;
    long levels = opt->convention == AIM_PSY_EXUBER ? w + 1 + k : w;
    /* Every fit needs at least one residual degree of freedom: rows - (k+2) >= 1, where
     * psymonitor's IC rule uses dof = (L-1) - 2K - 2 whatever lag it picks. */
    long need = 2 * k + 4;
    if (levels < need) {
        return aim_error_set(
            AIM_ERR_USAGE,
            "psy: minimum window of %ld levels (window %ld, %s convention, lag %ld) leaves no "
            "degree of freedom; it needs at least %ld levels",
            levels, w, opt->convention == AIM_PSY_EXUBER ? "exuber" : "psymonitor", k, need);
    }
    if ((size_t)levels > n) {
        return aim_error_set(AIM_ERR_USAGE,
                             "psy: series of %zu values is shorter than the minimum window of %ld levels "
                             "(window %ld, lag %ld); give a longer series or a smaller --window-min",
                             n, levels, w, k);
    }
    *min_levels = (size_t)levels;
    return AIM_OK;
}

enum aim_status aim_psy_check_series(const double *y, size_t n, const struct aim_psy_options *opt)
{
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(y[i])) {
            return aim_error_set(AIM_ERR_NUMERIC,
                                 "psy: value %zu of the series is %s; the test needs finite values", i + 1,
                                 isnan(y[i]) ? "NaN" : "infinite");
        }
    }
    if (n < 6) {
        return aim_error_set(AIM_ERR_USAGE, "psy: series of %zu values is too short (at least 6 are needed)",
                             n);
    }
    size_t levels;
    enum aim_status st = aim_psy_min_levels(opt, n, &levels);
    if (st != AIM_OK) {
        return st;
    }
    if (opt->ic != AIM_PSY_IC_NONE) {
        /* Lag choice by AIC/BIC compares raw residual sums, so the series cannot be rescaled:
         * refuse values whose cross products (n rows of |y| up to 2 amax) would overflow, or whose
         * differences are so small that their squares lose their digits in subnormals. */
        double amax = 0.0, dmax = 0.0;
        for (size_t j = 0; j < n; j++) {
            amax = fmax(amax, fabs(y[j]));
            if (j > 0) {
                dmax = fmax(dmax, fabs(y[j] - y[j - 1]));
            }
        }
        double limit = sqrt(DBL_MAX / (64.0 * (double)n));
        if (amax > limit || (dmax > 0.0 && dmax < 1e-140)) {
            return aim_error_set(AIM_ERR_NUMERIC,
                                 "psy: values up to %.3g (changes up to %.3g) are outside the range where "
                                 "the lag choice by --ic can be computed (|y| below %.3g, changes above "
                                 "1e-140): its criterion uses raw residuals and is not scale-invariant, so "
                                 "rescale the series (e.g. divide by a power of ten) or use a fixed --lag, "
                                 "which is rescaled internally",
                                 amax, dmax, limit);
        }
    }
    size_t i = 1;
    while (i < n && y[i] == y[0]) {
        i++;
    }
    if (i == n) {
        return aim_error_set(
            AIM_ERR_NUMERIC,
            "psy: the series is constant (every value is %.17g); the ADF regression is singular", y[0]);
    }
    return AIM_OK;
}

/* Adds z z' to the upper triangle of the p×p matrix m (row-major, leading dimension PSY_DIM). */
static inline __attribute__((always_inline)) void psy_add_row(double *m, const double *z, int p)
{
    for (int i = 0; i < p; i++) {
        double zi = z[i];
        double *row = m + i * PSY_DIM;
        for (int j = i; j < p; j++) {
            row[j] += zi * z[j];
        }
    }
}

/* Regressors of row t (0-based index of Δy_t in dy, t >= 1) for K lags, levels shifted by c.
 * Lags reaching before the sample are set to 0: they only occur in columns that the lag-k
 * fits using this row never read. */
static inline __attribute__((always_inline)) void psy_row(double *z, const double *y, const double *dy,
                                                          size_t t, int big_k, double c)
{
    z[0] = 1.0;
    for (int j = 1; j <= big_k; j++) {
        z[j] = (size_t)j < t ? dy[t - (size_t)j] : 0.0;
    }
    z[big_k + 1] = y[t - 1] - c;
    z[big_k + 2] = dy[t];
}

/* Eliminates every regressor but y_{t-1} from the cross products of columns cols[0..p-1] of m
 * (the last two being y_{t-1} and Δy_t) and returns b/se(b) with s² = RSS/dof. */
static inline __attribute__((always_inline)) enum aim_status
psy_tstat(const double *m, const int *cols, int p, double dof, double *rss, double *tstat)
{
    double a[PSY_DIM * PSY_DIM];
    for (int i = 0; i < p; i++) {
        for (int j = i; j < p; j++) {
            a[i * PSY_DIM + j] = m[cols[i] * PSY_DIM + cols[j]];
        }
    }
    int q = p - 2;
    for (int j = 0; j < q; j++) {
        double piv = a[j * PSY_DIM + j];
        if (!(piv > PSY_SINGULAR * m[cols[j] * PSY_DIM + cols[j]])) {
            return AIM_ERR_NUMERIC;
        }
        double inv = 1.0 / piv;
        for (int i = j + 1; i < p; i++) {
            double f = a[j * PSY_DIM + i] * inv;
            for (int l = i; l < p; l++) {
                a[i * PSY_DIM + l] -= f * a[j * PSY_DIM + l];
            }
        }
    }
    double sxx = a[q * PSY_DIM + q];
    double sxd = a[q * PSY_DIM + q + 1];
    double sdd = a[(q + 1) * PSY_DIM + q + 1];
    if (!(sxx > PSY_SINGULAR * m[cols[q] * PSY_DIM + cols[q]])) {
        return AIM_ERR_NUMERIC;
    }
    double ar = sxx * sdd - sxd * sxd; /* sxx * RSS */
    if (!(ar > PSY_PERFECT * sxx * sdd)) {
        return AIM_ERR_NUMERIC;
    }
    *rss = ar / sxx;
    *tstat = sxd * sqrt(dof / ar);
    return AIM_OK;
}

static enum aim_status psy_window_error(enum aim_status st, size_t r1, size_t r2)
{
    return aim_error_set(st,
                         "psy: the ADF regression on y[%zu..%zu] is singular or fits exactly (a constant or "
                         "deterministic stretch); the statistic would be meaningless",
                         r1, r2);
}

/* Running sums of one lag-0 window: rows (x, d) = (y_{t-1} - c, Δy_t). */
struct psy_sums {
    double n, sx, sd, sxx, sxd, sdd;
};

/* Adds row t (1-based) of the regression Δy_t on y_{t-1} - c. */
static inline void psy_sums_add(struct psy_sums *s, const double *y, const double *dy, double c, size_t t)
{
    double x = y[t - 2] - c, d = dy[t - 1];
    s->n += 1.0;
    s->sx += x;
    s->sd += d;
    s->sxx += x * x;
    s->sxd += x * d;
    s->sdd += d * d;
}

/* Lag-0 windows ending at r2: the five running sums are the whole cross-product matrix. */
static enum aim_status psy_end_lag0(const double *y, const double *dy, size_t r2, size_t min_levels,
                                    double *badf, double *bsadf)
{
    double c = y[r2 - 1];
    struct psy_sums s = {0.0, 0.0, 0.0, 0.0, 0.0, 0.0};
    size_t r1 = r2 - min_levels + 1;
    /* Rows t = r1+1..r2 (1-based) of the shortest window, added from the end. */
    for (size_t t = r2; t > r1; t--) {
        psy_sums_add(&s, y, dy, c, t);
    }
    double best = -HUGE_VAL, stat = 0.0;
    for (;;) {
        /* Centred sums: a = Σ(x-x̄)², b = Σ(x-x̄)(d-d̄), cc = Σ(d-d̄)²; then
         * t = b / sqrt(a * RSS / dof) with a * RSS = a cc - b². Two divisions and a root. */
        double inv_n = 1.0 / s.n;
        double a = s.sxx - s.sx * s.sx * inv_n;
        double b = s.sxd - s.sx * s.sd * inv_n;
        double cc = s.sdd - s.sd * s.sd * inv_n;
        double ar = a * cc - b * b;
        if (!(a > PSY_SINGULAR * s.sxx) || !(ar > PSY_PERFECT * a * cc)) {
            return psy_window_error(AIM_ERR_NUMERIC, r1, r2);
        }
        stat = b * sqrt((s.n - 2.0) / ar);
        if (stat > best) {
            best = stat;
        }
        if (r1 == 1) {
            break;
        }
        /* The next window starts one observation earlier: its first row is t = r1 + 1. */
        r1--;
        psy_sums_add(&s, y, dy, c, r1 + 1);
    }
    if (badf) {
        *badf = stat;
    }
    if (bsadf) {
        *bsadf = best;
    }
    return AIM_OK;
}

/* Fixed lag k >= 1: one cross-product matrix grown backwards from the shortest window. */
static inline __attribute__((always_inline)) enum aim_status psy_end_fixed(const double *y, const double *dy,
                                                                           size_t r2, size_t min_levels,
                                                                           int k, double *badf, double *bsadf)
{
    double m[PSY_DIM * PSY_DIM];
    double z[PSY_DIM];
    int cols[PSY_DIM];
    int p = k + 3;
    for (int i = 0; i < p; i++) {
        cols[i] = i;
        memset(m + i * PSY_DIM, 0, (size_t)p * sizeof(double));
    }
    double c = y[r2 - 1];
    size_t r1 = r2 - min_levels + 1;
    for (size_t t = r2; t > r1 + (size_t)k; t--) {
        psy_row(z, y, dy, t - 1, k, c);
        psy_add_row(m, z, p);
    }
    double best = -HUGE_VAL, stat = 0.0, rss;
    for (;;) {
        double rows = (double)(r2 - r1 - (size_t)k);
        if (psy_tstat(m, cols, p, rows - (double)(k + 2), &rss, &stat) != AIM_OK) {
            return psy_window_error(AIM_ERR_NUMERIC, r1, r2);
        }
        if (stat > best) {
            best = stat;
        }
        if (r1 == 1) {
            break;
        }
        r1--;
        psy_row(z, y, dy, r1 + (size_t)k, k, c);
        psy_add_row(m, z, p);
    }
    if (badf) {
        *badf = stat;
    }
    if (bsadf) {
        *bsadf = best;
    }
    return AIM_OK;
}

/* psymonitor's ADF with IC on y[r1..r2], given ring[s % (K+1)] = cross products of rows s..r2
 * for s = r1+1..r1+K+1. */
static enum aim_status psy_window_ic(const double *ring, size_t r1, size_t r2, int big_k, enum aim_psy_ic ic,
                                     double *stat)
{
    int cols[PSY_DIM];
    double t1 = (double)(r2 - r1);
    double tfix = t1 - big_k;
    double dof = tfix - big_k - 2.0;
    double pen = ic == AIM_PSY_IC_AIC ? 2.0 : log(tfix);
    double log2pi = log(2.0 * M_PI);
    double best_ic = HUGE_VAL, best_stat = 0.0;
    for (int k = 0; k <= big_k; k++) {
        int p = k + 3;
        for (int i = 0; i <= k; i++) {
            cols[i] = i;
        }
        cols[k + 1] = big_k + 1;
        cols[k + 2] = big_k + 2;
        const double *m = ring + ((r1 + (size_t)k + 1) % (size_t)(big_k + 1)) * PSY_DIM * PSY_DIM;
        double rss, st;
        if (psy_tstat(m, cols, p, dof, &rss, &st) != AIM_OK) {
            return AIM_ERR_NUMERIC;
        }
        /* npdf = Σ(-½ log 2π - ½ e²) over the t1-k rows of this fit (unit-variance likelihood). */
        double npdf = -0.5 * log2pi * (t1 - k) - 0.5 * rss;
        double crit = -2.0 * npdf / tfix + pen * (double)(k + 2) / tfix;
        if (crit < best_ic) {
            best_ic = crit;
            best_stat = st;
        }
    }
    *stat = best_stat;
    return AIM_OK;
}

/* IC selection: K+1 cross-product matrices, those of rows s..r2 for the last K+1 starts s. */
static enum aim_status psy_end_ic(const double *y, const double *dy, size_t r2, size_t min_levels, int big_k,
                                  enum aim_psy_ic ic, double *ring, double *badf, double *bsadf)
{
    int p = big_k + 3;
    size_t slots = (size_t)big_k + 1;
    double z[PSY_DIM];
    double c = y[r2 - 1];
    size_t r1_max = r2 - min_levels + 1;
    double best = -HUGE_VAL, stat = 0.0;
    double *prev = NULL;
    for (size_t s = r2; s >= 2; s--) {
        double *cur = ring + (s % slots) * PSY_DIM * PSY_DIM;
        for (int i = 0; i < p; i++) {
            for (int j = i; j < p; j++) {
                cur[i * PSY_DIM + j] = prev ? prev[i * PSY_DIM + j] : 0.0;
            }
        }
        psy_row(z, y, dy, s - 1, big_k, c);
        psy_add_row(cur, z, p);
        prev = cur;
        size_t r1 = s - 1;
        if (r1 <= r1_max) {
            if (psy_window_ic(ring, r1, r2, big_k, ic, &stat) != AIM_OK) {
                return psy_window_error(AIM_ERR_NUMERIC, r1, r2);
            }
            if (stat > best) {
                best = stat;
            }
        }
    }
    if (badf) {
        *badf = stat;
    }
    if (bsadf) {
        *bsadf = best;
    }
    return AIM_OK;
}

enum aim_status aim_psy_sequences(const double *y, size_t n, const struct aim_psy_options *opt, double *badf,
                                  double *bsadf)
{
    size_t min_levels;
    enum aim_status st = aim_psy_min_levels(opt, n, &min_levels);
    if (st != AIM_OK) {
        return st;
    }
    /* A fixed-lag t-statistic does not change when y is scaled; a power of two scales exactly. */
    double *scaled = NULL;
    if ((st = aim_psy_scaled_copy(y, n, opt->ic, &scaled)) != AIM_OK) {
        return st;
    }
    if (scaled) {
        y = scaled;
    }
    double *dy = malloc(n * sizeof *dy);
    double *ring = NULL;
    if (!dy) {
        free(scaled);
        return aim_error_set(AIM_ERR_NOMEM, "psy: cannot allocate %zu values", n);
    }
    dy[0] = 0.0;
    for (size_t i = 1; i < n; i++) {
        dy[i] = y[i] - y[i - 1];
    }
    if (opt->ic != AIM_PSY_IC_NONE) {
        ring = malloc((size_t)(opt->lag + 1) * PSY_DIM * PSY_DIM * sizeof *ring);
        if (!ring) {
            free(dy);
            free(scaled);
            return aim_error_set(AIM_ERR_NOMEM, "psy: cannot allocate the lag-selection workspace");
        }
    }
    for (size_t r2 = min_levels; r2 <= n && st == AIM_OK; r2++) {
        size_t i = r2 - min_levels;
        double *b = badf ? badf + i : NULL;
        double *s = bsadf ? bsadf + i : NULL;
        if (opt->ic != AIM_PSY_IC_NONE) {
            st = psy_end_ic(y, dy, r2, min_levels, opt->lag, opt->ic, ring, b, s);
        } else if (opt->lag == 0) {
            st = psy_end_lag0(y, dy, r2, min_levels, b, s);
        } else if (opt->lag == 1) {
            st = psy_end_fixed(y, dy, r2, min_levels, 1, b, s); /* constant lags unroll fully */
        } else if (opt->lag == 2) {
            st = psy_end_fixed(y, dy, r2, min_levels, 2, b, s);
        } else {
            st = psy_end_fixed(y, dy, r2, min_levels, opt->lag, b, s);
        }
        if (opt->progress) {
            /* Work done: the windows of the ends min_levels..r2, 1 + 2 + ... + (i + 1) of them. */
            double done = (double)(i + 1) * (double)(i + 2) / 2.0;
            double total = (double)(n - min_levels + 1) * (double)(n - min_levels + 2) / 2.0;
            opt->progress(opt->progress_ctx, done, total);
        }
    }
    free(ring);
    free(dy);
    free(scaled);
    return st;
}

enum aim_status aim_psy_adf(const double *y, size_t n, const struct aim_psy_options *opt, double *stat)
{
    /* The whole-sample ADF is BADF(n): the single window y[1..n]. */
    struct aim_psy_options one = *opt;
    one.convention = AIM_PSY_PSYMONITOR;
    one.window_min = (long)n;
    return aim_psy_sequences(y, n, &one, stat, NULL);
}

enum aim_status aim_psy_result_create(struct aim_psy_result **res, const double *y, size_t n,
                                      const struct aim_psy_options *opt)
{
    *res = NULL;
    enum aim_status st = aim_psy_check_series(y, n, opt);
    if (st != AIM_OK) {
        return st;
    }
    size_t levels;
    st = aim_psy_min_levels(opt, n, &levels);
    if (st != AIM_OK) {
        return st;
    }
    struct aim_psy_result *r = calloc(1, sizeof *r);
    size_t count = n - levels + 1;
    if (r) {
        r->badf = malloc(count * sizeof(double));
        r->bsadf = malloc(count * sizeof(double));
    }
    if (!r || !r->badf || !r->bsadf) {
        aim_psy_result_free(r);
        return aim_error_set(AIM_ERR_NOMEM, "psy: cannot allocate sequences of %zu values", count);
    }
    r->n = n;
    r->min_levels = levels;
    r->first_t = levels;
    r->count = count;
    st = aim_psy_sequences(y, n, opt, r->badf, r->bsadf);
    if (st != AIM_OK) {
        aim_psy_result_free(r);
        return st;
    }
    r->adf = r->badf[count - 1];
    r->sadf = -HUGE_VAL;
    r->gsadf = -HUGE_VAL;
    for (size_t i = 0; i < count; i++) {
        if (r->badf[i] > r->sadf) {
            r->sadf = r->badf[i];
        }
        if (r->bsadf[i] > r->gsadf) {
            r->gsadf = r->bsadf[i];
        }
    }
    *res = r;
    return AIM_OK;
}

void aim_psy_result_free(struct aim_psy_result *res)
{
    if (res) {
        free(res->badf);
        free(res->bsadf);
        free(res);
    }
}
