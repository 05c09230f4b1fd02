/* Sensitivity estimators against closed forms: Sobol indices of the Ishigami function and of Sobol's
 * G-function (first, total and second order) on Saltelli samples built here from uniform random A
 * and B; Morris measures of a linear function (known elementary effects, sigma 0) and of one with an
 * interaction (EE_1 = u_2 exactly); the replica noise share of a constructed sweep; error paths.
 *
 * Tolerances come from the bootstrap intervals at the N used: an exact value must lie within the
 * 95% half-width (conf, and the percentile interval's sides) widened by z_{1 - alpha/(2m)} / z_{0.975},
 * a Bonferroni correction for the m indices checked together at a family-wise level alpha = 1%.
 *
 * With `--dump DIR` it instead writes small samples, the bootstrap rows and the results as CSV for
 * tests/test_sensitivity_numpy.py to recompute with numpy. */
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/sensitivity.h"
#include "sim/rng.h"
#include "tests/aim_test.h"

#define FAMILY_ALPHA 0.01
#define Z975 1.959963984540054

/* Standard normal upper quantile: z with P(Z > z) = p, by bisection on erfc (p in (0, 0.5)). */
static double upper_quantile(double p)
{
    double lo = 0.0, hi = 40.0;
    for (int it = 0; it < 200; it++) {
        double mid = 0.5 * (lo + hi);
        if (0.5 * erfc(mid / sqrt(2.0)) > p) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    return 0.5 * (lo + hi);
}

/* Widening of a 95% half-width for m simultaneous checks at family-wise level FAMILY_ALPHA. */
static double bonferroni_factor(int m)
{
    return upper_quantile(FAMILY_ALPHA / (2.0 * m)) / Z975;
}

/* Saltelli blocks from uniform A, B in [0,1)^d: fills x (one row of d factors) per block row and
 * evaluates f on it. Block order of analysis/sensitivity.h. */
typedef double (*model_fn)(const double *u, int d, const void *par);

static double *saltelli_outputs(model_fn f, const void *par, size_t n, int d,
                                enum aim_sensitivity_layout layout, uint64_t seed)
{
    size_t dd = (size_t)d;
    double *a = malloc(n * dd * sizeof *a), *b = malloc(n * dd * sizeof *b), *row = malloc(dd * sizeof *row);
    double *y = malloc(aim_sensitivity_saltelli_size(n, d, layout) * sizeof *y);
    struct aim_pcg64 rng;
    aim_rng_stream(&rng, seed, 0, 0, 0, 99);
    for (size_t q = 0; q < n * dd; q++) {
        a[q] = aim_rng_uniform(&rng);
        b[q] = aim_rng_uniform(&rng);
    }
    int blocks = layout == AIM_SENSITIVITY_SECOND_ORDER ? 2 * d + 2 : d + 2;
    for (int k = 0; k < blocks; k++) {
        for (size_t j = 0; j < n; j++) {
            const double *base = k == 1 || k >= d + 2 ? b : a;
            const double *other = base == a ? b : a;
            memcpy(row, base + j * dd, dd * sizeof *row);
            int col = k >= 2 && k < d + 2 ? k - 2 : k >= d + 2 ? k - 2 - d : -1;
            if (col >= 0) {
                row[col] = other[j * dd + (size_t)col];
            }
            y[(size_t)k * n + j] = f(row, d, par);
        }
    }
    free(a);
    free(b);
    free(row);
    return y;
}

struct ishigami {
    double a, b, shift;
};

static double ishigami_f(const double *u, int d, const void *par)
{
    (void)d;
    const struct ishigami *p = par;
    double x1 = -M_PI + 2.0 * M_PI * u[0], x2 = -M_PI + 2.0 * M_PI * u[1], x3 = -M_PI + 2.0 * M_PI * u[2];
    double s2 = sin(x2);
    return p->shift + sin(x1) + p->a * s2 * s2 + p->b * x3 * x3 * x3 * x3 * sin(x1);
}

static double g_f(const double *u, int d, const void *par)
{
    const double *a = par;
    double g = 1.0;
    for (int i = 0; i < d; i++) {
        g *= (fabs(4.0 * u[i] - 2.0) + a[i]) / (1.0 + a[i]);
    }
    return g;
}

/* exact lies in the widened conf half-width and in the widened percentile interval. */
static void check_index(const struct aim_sensitivity_index *x, double exact, double widen, const char *what)
{
    aim_test(fabs(x->estimate - exact) <= widen * x->conf,
             "%s = %.4f, exact %.4f: |diff| %.2e <= %.2f x conf %.2e", what, x->estimate, exact,
             fabs(x->estimate - exact), widen, x->conf);
    double lo = x->estimate - widen * (x->estimate - x->lower),
           hi = x->estimate + widen * (x->upper - x->estimate);
    aim_test(x->lower <= x->estimate && x->estimate <= x->upper && exact >= lo && exact <= hi,
             "%s: exact in the percentile interval [%.4f, %.4f] widened %.2fx to [%.4f, %.4f]", what,
             x->lower, x->upper, widen, lo, hi);
}

static void ishigami_exact(double a, double b, double *s1, double *st)
{
    /* Ishigami and Homma (1990); Sobol' and Levitan (1999): V1 = 1/2 (1 + b pi^4/5)^2, V2 = a^2/8,
     * V13 = b^2 pi^8 (1/18 - 1/50) = 8 b^2 pi^8 / 225, V = 1/2 + a^2/8 + b pi^4/5 + b^2 pi^8/18. */
    double pi4 = pow(M_PI, 4.0), pi8 = pi4 * pi4;
    double v = 0.5 + a * a / 8.0 + b * pi4 / 5.0 + b * b * pi8 / 18.0;
    double v1 = 0.5 * (1.0 + b * pi4 / 5.0) * (1.0 + b * pi4 / 5.0), v2 = a * a / 8.0;
    double v13 = 8.0 * b * b * pi8 / 225.0;
    s1[0] = v1 / v;
    s1[1] = v2 / v;
    s1[2] = 0.0;
    st[0] = (v1 + v13) / v;
    st[1] = v2 / v;
    st[2] = v13 / v;
}

static void run_sobol(const double *y, size_t n, int d, enum aim_sensitivity_layout layout, int n_boot,
                      struct aim_sensitivity_index *s1, struct aim_sensitivity_index *st,
                      struct aim_sensitivity_index *s2)
{
    struct aim_sensitivity_options o;
    aim_sensitivity_options_init(&o);
    o.n_boot = n_boot;
    o.seed = 2385;
    double *work = malloc(aim_sensitivity_sobol_work_size(d, layout, n_boot) * sizeof *work);
    enum aim_status s = aim_sensitivity_sobol(y, n, d, layout, &o, work, s1, st, s2, NULL);
    aim_test(s == AIM_OK, "Sobol analysis N = %zu, D = %d: %s", n, d, aim_error_message());
    free(work);
}

static void test_ishigami(void)
{
    const struct ishigami p = {7.0, 0.1, 0.0};
    double s1x[3], stx[3];
    ishigami_exact(p.a, p.b, s1x, stx);
    const double issue_s1[3] = {0.3139, 0.4424, 0.0}, issue_st[3] = {0.5576, 0.4424, 0.2437};
    for (int i = 0; i < 3; i++) {
        aim_test(fabs(s1x[i] - issue_s1[i]) < 5e-5 && fabs(stx[i] - issue_st[i]) < 5e-5,
                 "Ishigami closed form x%d: S1 %.4f, ST %.4f (published %.4f, %.4f)", i + 1, s1x[i], stx[i],
                 issue_s1[i], issue_st[i]);
    }
    struct aim_sensitivity_index s1[3], st[3], s1q[3], stq[3];
    /* Twelve indices checked: S1 and ST of three factors at N and at 4N. */
    double widen = bonferroni_factor(12);
    size_t n = 4096;
    double *y = saltelli_outputs(ishigami_f, &p, n, 3, AIM_SENSITIVITY_FIRST_TOTAL, 1);
    run_sobol(y, n, 3, AIM_SENSITIVITY_FIRST_TOTAL, 1000, s1, st, NULL);
    char what[64];
    for (int i = 0; i < 3; i++) {
        snprintf(what, sizeof what, "Ishigami N=%zu S1_%d", n, i + 1);
        check_index(&s1[i], s1x[i], widen, what);
        snprintf(what, sizeof what, "Ishigami N=%zu ST_%d", n, i + 1);
        check_index(&st[i], stx[i], widen, what);
    }
    /* Same sample at 1 and 3 threads: one stream per resample, so identical bits. */
    omp_set_num_threads(1);
    struct aim_sensitivity_index s1_1[3], st_1[3];
    run_sobol(y, n, 3, AIM_SENSITIVITY_FIRST_TOTAL, 1000, s1_1, st_1, NULL);
    omp_set_num_threads(3);
    struct aim_sensitivity_index s1_3[3], st_3[3];
    run_sobol(y, n, 3, AIM_SENSITIVITY_FIRST_TOTAL, 1000, s1_3, st_3, NULL);
    aim_test(memcmp(s1_1, s1_3, sizeof s1_1) == 0 && memcmp(st_1, st_3, sizeof st_1) == 0 &&
                 memcmp(s1_1, s1, sizeof s1) == 0,
             "bootstrap identical at 1 and 3 threads");
    omp_set_num_threads(omp_get_num_procs());
    /* A constant added to y changes no index beyond rounding (centring on the pooled mean). */
    const struct ishigami shifted = {7.0, 0.1, 1000.0};
    double *ys = saltelli_outputs(ishigami_f, &shifted, n, 3, AIM_SENSITIVITY_FIRST_TOTAL, 1);
    struct aim_sensitivity_index s1s[3], sts[3];
    run_sobol(ys, n, 3, AIM_SENSITIVITY_FIRST_TOTAL, 1000, s1s, sts, NULL);
    for (int i = 0; i < 3; i++) {
        aim_test(fabs(s1s[i].estimate - s1[i].estimate) < 1e-12 &&
                     fabs(sts[i].estimate - st[i].estimate) < 1e-12,
                 "y + 1000: S1_%d, ST_%d unchanged (%.3g, %.3g)", i + 1, i + 1,
                 s1s[i].estimate - s1[i].estimate, sts[i].estimate - st[i].estimate);
    }
    free(ys);
    /* 4N: every half-width shrinks like 1/sqrt(N), so conf(N) / conf(4N) ~ 2. The bootstrap standard
     * deviation from B resamples has a relative Monte Carlo error of about 1/sqrt(2(B-1)), the ratio of
     * two such sqrt(2) times that; the band is 2 (1 +- 4 x sqrt(2) / sqrt(2(B-1))) on the mean ratio
     * over the six indices, which averages the sample-to-sample variation of each ratio. */
    size_t n4 = 4 * n;
    double *y4 = saltelli_outputs(ishigami_f, &p, n4, 3, AIM_SENSITIVITY_FIRST_TOTAL, 2);
    run_sobol(y4, n4, 3, AIM_SENSITIVITY_FIRST_TOTAL, 1000, s1q, stq, NULL);
    double mean_ratio = 0.0;
    for (int i = 0; i < 3; i++) {
        snprintf(what, sizeof what, "Ishigami N=%zu S1_%d", n4, i + 1);
        check_index(&s1q[i], s1x[i], widen, what);
        snprintf(what, sizeof what, "Ishigami N=%zu ST_%d", n4, i + 1);
        check_index(&stq[i], stx[i], widen, what);
        double r1 = s1[i].conf / s1q[i].conf, rt = st[i].conf / stq[i].conf;
        printf("  conf ratio N/4N: S1_%d %.3f, ST_%d %.3f\n", i + 1, r1, i + 1, rt);
        mean_ratio += (r1 + rt) / 6.0;
    }
    double band = 4.0 * sqrt(2.0) / sqrt(2.0 * 999.0);
    aim_test(fabs(mean_ratio / 2.0 - 1.0) <= band, "conf(N)/conf(4N) mean %.3f within 2 (1 +- %.3f)",
             mean_ratio, band);
    free(y4);
    free(y);
}

/* Calibration of the intervals: over K independent Saltelli samples of the Ishigami function, the
 * share of samples whose 95% interval (estimate +- conf, and the percentile interval) holds the exact
 * index. Each of the 6 indices' coverage is a binomial proportion out of K; the check is that it
 * is not below 0.95 by more than z_{1 - alpha/6} binomial standard errors (one-sided, Bonferroni
 * over the 6 indices: the failure sought is intervals too narrow, e.g. a half-width without the
 * z factor covers about 68%). The bootstrap is known to undercover slightly at small N. */
static void test_coverage(void)
{
    const struct ishigami p = {7.0, 0.1, 0.0};
    double s1x[3], stx[3];
    ishigami_exact(p.a, p.b, s1x, stx);
    const int k_samples = 200;
    const size_t n = 1024;
    int hit_conf[6] = {0}, hit_pct[6] = {0};
    struct aim_sensitivity_options o;
    aim_sensitivity_options_init(&o);
    o.n_boot = 500;
    double *work =
        malloc(aim_sensitivity_sobol_work_size(3, AIM_SENSITIVITY_FIRST_TOTAL, o.n_boot) * sizeof *work);
    for (int k = 0; k < k_samples; k++) {
        double *y = saltelli_outputs(ishigami_f, &p, n, 3, AIM_SENSITIVITY_FIRST_TOTAL, 1000 + (uint64_t)k);
        struct aim_sensitivity_index s1[3], st[3];
        o.seed = (uint64_t)k;
        if (aim_sensitivity_sobol(y, n, 3, AIM_SENSITIVITY_FIRST_TOTAL, &o, work, s1, st, NULL, NULL) !=
            AIM_OK) {
            aim_test(0, "coverage sample %d: %s", k, aim_error_message());
        }
        for (int i = 0; i < 3; i++) {
            const struct aim_sensitivity_index *x[2] = {&s1[i], &st[i]};
            const double exact[2] = {s1x[i], stx[i]};
            for (int m = 0; m < 2; m++) {
                hit_conf[2 * i + m] += fabs(x[m]->estimate - exact[m]) <= x[m]->conf;
                hit_pct[2 * i + m] += exact[m] >= x[m]->lower && exact[m] <= x[m]->upper;
            }
        }
        free(y);
    }
    free(work);
    double se = sqrt(0.95 * 0.05 / k_samples), z = upper_quantile(FAMILY_ALPHA / 6.0);
    double floor = 0.95 - z * se;
    for (int q = 0; q < 6; q++) {
        double c = (double)hit_conf[q] / k_samples, pc = (double)hit_pct[q] / k_samples;
        aim_test(
            c >= floor && pc >= floor,
            "Ishigami N=%zu %s_%d: coverage of +-conf %.3f, of the percentile interval %.3f over %d samples "
            "(>= %.3f)",
            n, q % 2 ? "ST" : "S1", q / 2 + 1, c, pc, k_samples, floor);
    }
}

static void test_g_function(void)
{
    const double a[8] = {0, 1, 4.5, 9, 99, 99, 99, 99};
    const int d = 8;
    double vi[8], v = 1.0;
    for (int i = 0; i < d; i++) {
        vi[i] = 1.0 / (3.0 * (1.0 + a[i]) * (1.0 + a[i]));
        v *= 1.0 + vi[i];
    }
    v -= 1.0;
    double s1x[8], stx[8];
    for (int i = 0; i < d; i++) {
        double prod = 1.0;
        for (int k = 0; k < d; k++) {
            prod *= k == i ? 1.0 : 1.0 + vi[k];
        }
        s1x[i] = vi[i] / v;
        stx[i] = vi[i] * prod / v;
    }
    const double issue_s1[4] = {0.7162, 0.1790, 0.0237, 0.0072};
    for (int i = 0; i < 4; i++) {
        aim_test(fabs(s1x[i] - issue_s1[i]) < 5e-5, "G closed form S1_%d = %.4f (published %.4f)", i + 1,
                 s1x[i], issue_s1[i]);
    }
    size_t n = 4096;
    double *y = saltelli_outputs(g_f, a, n, d, AIM_SENSITIVITY_SECOND_ORDER, 3);
    struct aim_sensitivity_index s1[8], st[8], s2[64];
    run_sobol(y, n, d, AIM_SENSITIVITY_SECOND_ORDER, 1000, s1, st, s2);
    /* S1, ST of 8 factors and S2 of the pairs among the first four (the others are ~1e-8). */
    double widen = bonferroni_factor(16 + 6);
    char what[64];
    for (int i = 0; i < d; i++) {
        snprintf(what, sizeof what, "G N=%zu S1_%d", n, i + 1);
        check_index(&s1[i], s1x[i], widen, what);
        snprintf(what, sizeof what, "G N=%zu ST_%d", n, i + 1);
        check_index(&st[i], stx[i], widen, what);
    }
    for (int i = 0; i < 4; i++) {
        for (int k = i + 1; k < 4; k++) {
            snprintf(what, sizeof what, "G N=%zu S2_%d%d", n, i + 1, k + 1);
            check_index(&s2[i * d + k], vi[i] * vi[k] / v, widen, what);
        }
    }
    aim_test(isnan(s2[1 * d + 0].estimate) && isnan(s2[0].estimate), "S2 below and on the diagonal is NaN");
    /* First-order-only layout on the same A, B, AB blocks gives the same S1 and ST. */
    struct aim_sensitivity_index s1f[8], stf[8];
    run_sobol(y, n, d, AIM_SENSITIVITY_FIRST_TOTAL, 1000, s1f, stf, NULL);
    aim_test(memcmp(s1f, s1, sizeof s1) == 0 && memcmp(stf, st, sizeof st) == 0,
             "first-total layout on the leading N(D+2) outputs: identical S1, ST");
    free(y);
}

/* A Morris trajectory on a p-level grid: random base point on levels 0..1-Delta, factors in random
 * order, each moved by +Delta or -Delta, staying in [0, 1]. */
static void morris_design(size_t r, int d, int levels, uint64_t seed, double *x)
{
    double delta = levels / (2.0 * (levels - 1));
    size_t dd = (size_t)d;
    int order[16];
    struct aim_pcg64 rng;
    aim_rng_stream(&rng, seed, 0, 0, 0, 98);
    for (size_t t = 0; t < r; t++) {
        double *p = x + t * (dd + 1) * dd;
        for (size_t i = 0; i < dd; i++) {
            p[i] = (double)aim_rng_bounded(&rng, (uint64_t)levels) / (levels - 1);
            order[i] = (int)i;
        }
        for (size_t i = dd - 1; i > 0; i--) {
            size_t k = (size_t)aim_rng_bounded(&rng, i + 1);
            int tmp = order[i];
            order[i] = order[k];
            order[k] = tmp;
        }
        for (size_t k = 0; k < dd; k++) {
            double *q = p + (k + 1) * dd;
            memcpy(q, q - dd, dd * sizeof *q);
            int i = order[k];
            q[i] = q[i] + delta <= 1.0 + 1e-12 ? q[i] + delta : q[i] - delta;
        }
    }
}

static void test_morris(void)
{
    const size_t r = 40;
    const int d = 4;
    double x[40 * 5 * 4], y[40 * 5];
    morris_design(r, d, 4, 7, x);
    /* Linear in the factors' own units: X_i = lo_i + (hi_i - lo_i) u_i, y = sum c_i X_i, so
     * EE_i = c_i (hi_i - lo_i) for every step: mu = that, mu* = |that|, sigma = 0. */
    const double c[4] = {2.385, -0.7, 0.0, 13.0}, lo[4] = {0.5, -3.0, 1.0, 0.01},
                 hi[4] = {6.0, 4.0, 2.0, 0.08};
    for (size_t q = 0; q < r * 5; q++) {
        y[q] = 0.0;
        for (int i = 0; i < d; i++) {
            y[q] += c[i] * (lo[i] + (hi[i] - lo[i]) * x[q * 4 + (size_t)i]);
        }
    }
    struct aim_sensitivity_options o;
    aim_sensitivity_options_init(&o);
    o.seed = 11;
    double *work = malloc(aim_sensitivity_morris_work_size(r, d, o.n_boot) * sizeof *work);
    struct aim_sensitivity_morris m[4];
    aim_test(aim_sensitivity_morris(x, y, r, d, &o, work, m) == AIM_OK, "Morris linear: %s",
             aim_error_message());
    for (int i = 0; i < d; i++) {
        double ee = c[i] * (hi[i] - lo[i]);
        aim_test(fabs(m[i].mu - ee) <= 1e-12 * (1.0 + fabs(ee)) &&
                     fabs(m[i].mu_star.estimate - fabs(ee)) <= 1e-12 * (1.0 + fabs(ee)) &&
                     m[i].sigma <= 1e-12,
                 "linear factor %d: mu %.6g, mu* %.6g = |c| x range %.6g, sigma %.2g", i + 1, m[i].mu,
                 m[i].mu_star.estimate, fabs(ee), m[i].sigma);
        aim_test(m[i].mu_star.conf <= 1e-12, "linear factor %d: mu*_conf %.2g = 0 (every EE equal)", i + 1,
                 m[i].mu_star.conf);
    }
    /* Interaction y = u1 u2 + 2.385 u3: y is linear in u1 with slope u2, so the EE of factor 1 is
     * exactly u2 at that step (and symmetrically factor 2), factor 3 has EE 2.385 and sigma 0,
     * factor 4 has none. */
    for (size_t q = 0; q < r * 5; q++) {
        y[q] = x[q * 4] * x[q * 4 + 1] + 2.385 * x[q * 4 + 2];
    }
    double ee1[40], ee2[40];
    for (size_t t = 0; t < r; t++) {
        for (size_t k = 0; k < 4; k++) {
            const double *p0 = x + (t * 5 + k) * 4, *p1 = p0 + 4;
            if (p1[0] != p0[0]) {
                ee1[t] = p0[1];
            }
            if (p1[1] != p0[1]) {
                ee2[t] = p0[0];
            }
        }
    }
    aim_test(aim_sensitivity_morris(x, y, r, d, &o, work, m) == AIM_OK, "Morris interaction: %s",
             aim_error_message());
    double want[2][3];
    const double *ees[2] = {ee1, ee2};
    for (int f = 0; f < 2; f++) {
        double s = 0.0, ss = 0.0;
        for (size_t t = 0; t < r; t++) {
            s += ees[f][t];
        }
        for (size_t t = 0; t < r; t++) {
            ss += (ees[f][t] - s / r) * (ees[f][t] - s / r);
        }
        want[f][0] = s / r;
        want[f][1] = s / r; /* u >= 0: mu* = mu */
        want[f][2] = sqrt(ss / (r - 1));
        aim_test(
            fabs(m[f].mu - want[f][0]) < 1e-12 && fabs(m[f].mu_star.estimate - want[f][1]) < 1e-12 &&
                fabs(m[f].sigma - want[f][2]) < 1e-12 && m[f].sigma > 0.1,
            "interaction factor %d: mu %.4f, mu* %.4f, sigma %.4f = mean, sd of the other factor at the step",
            f + 1, m[f].mu, m[f].mu_star.estimate, m[f].sigma);
        /* The other factor's level is uniform on {0, 1/3, 2/3, 1} on average: mu* near 1/2 within the
         * bootstrap interval widened for the two factors. */
        check_index(&m[f].mu_star, 0.5, bonferroni_factor(2),
                    f == 0 ? "interaction mu*_1 vs 1/2" : "interaction mu*_2 vs 1/2");
    }
    aim_test(fabs(m[2].mu_star.estimate - 2.385) < 1e-12 && m[2].sigma < 1e-12,
             "factor 3: mu* 2.385, sigma 0");
    aim_test(m[3].mu_star.estimate == 0.0 && m[3].sigma == 0.0, "factor 4 (absent): mu* 0, sigma 0");

    /* Error paths: a step that changes two factors, none, one factor twice, a point outside the cube. */
    double saved = x[1 * 4 + 3];
    int moved = x[1 * 4 + 3] != x[0 * 4 + 3];
    x[1 * 4 + 3] = moved ? x[0 * 4 + 3] : 0.5 * (x[0 * 4 + 3] + 0.7);
    aim_error_clear();
    aim_test(aim_sensitivity_morris(x, y, r, d, &o, work, m) == AIM_ERR_USAGE &&
                 strstr(aim_error_message(), "trajectory 0, step 0 -> 1 changes") != NULL,
             "step changing %s factors rejected: %s", moved ? "no" : "two", aim_error_message());
    x[1 * 4 + 3] = saved;
    /* Trajectory 2: point 1 a copy of point 0 (no factor changes); then point 1 with two changes. */
    double keep[4];
    memcpy(keep, x + 11 * 4, sizeof keep);
    memcpy(x + 11 * 4, x + 10 * 4, sizeof keep);
    aim_test(aim_sensitivity_morris(x, y, r, d, &o, work, m) == AIM_ERR_USAGE &&
                 strstr(aim_error_message(), "trajectory 2, step 0 -> 1 changes 0 factors") != NULL,
             "step changing no factor rejected: %s", aim_error_message());
    x[11 * 4 + 0] = x[10 * 4 + 0] > 0.5 ? 0.0 : 1.0;
    x[11 * 4 + 2] = x[10 * 4 + 2] > 0.5 ? 0.0 : 1.0;
    aim_test(aim_sensitivity_morris(x, y, r, d, &o, work, m) == AIM_ERR_USAGE &&
                 strstr(aim_error_message(), "trajectory 2, step 0 -> 1 changes 2 factors") != NULL,
             "step changing two factors rejected: %s", aim_error_message());
    memcpy(x + 11 * 4, keep, sizeof keep);
    double xs[2 * 3 * 2] = {0.2, 0.2, 0.8667, 0.2, 0.2, 0.2, 0.5, 0.5, 0.5, 0.9, 0.5, 0.2};
    double ys[6] = {1, 2, 3, 4, 5, 6};
    aim_error_clear();
    aim_test(aim_sensitivity_morris(xs, ys, 2, 2, &o, work, m) == AIM_ERR_USAGE &&
                 strstr(aim_error_message(), "changes factor 1 twice") != NULL,
             "factor moved twice rejected: %s", aim_error_message());
    x[5] = 2.385;
    aim_test(aim_sensitivity_morris(x, y, r, d, &o, work, m) == AIM_ERR_USAGE &&
                 strstr(aim_error_message(), "unit cube") != NULL,
             "point outside [0,1] rejected: %s", aim_error_message());
    morris_design(r, d, 4, 7, x);
    y[7] = NAN;
    aim_test(aim_sensitivity_morris(x, y, r, d, &o, work, m) == AIM_ERR_NUMERIC &&
                 strstr(aim_error_message(), "trajectory 1, step 2") != NULL,
             "NaN output rejected: %s", aim_error_message());
    aim_test(aim_sensitivity_morris(x, y, 1, d, &o, work, m) == AIM_ERR_USAGE, "one trajectory rejected: %s",
             aim_error_message());
    aim_test(aim_sensitivity_morris(x, y, r, 0, &o, work, m) == AIM_ERR_USAGE, "D = 0 rejected: %s",
             aim_error_message());
    free(work);
}

static void test_noise_share(void)
{
    /* 3 points x 4 replicas: point means 1, 2.385, 5; deviations (-1, 1, -0.5, 0.5) x point scale 1, 2, 0.
     * Within sums: 2.5 + 10 + 0 = 12.5; grand mean (1 + 2.385 + 5) / 3 = 2.795;
     * between sum 4 ((1 - 2.795)^2 + (2.385 - 2.795)^2 + (5 - 2.795)^2) = 33.0086;
     * share = 12.5 / (12.5 + 33.0086) = 0.274673... */
    const double scale[3] = {1, 2, 0}, mean[3] = {1, 2.385, 5}, dev[4] = {-1, 1, -0.5, 0.5};
    double v[12];
    for (int p = 0; p < 3; p++) {
        for (int r = 0; r < 4; r++) {
            v[p * 4 + r] = mean[p] + scale[p] * dev[r];
        }
    }
    double g = (1 + 2.385 + 5) / 3.0;
    double between = 4 * ((1 - g) * (1 - g) + (2.385 - g) * (2.385 - g) + (5 - g) * (5 - g));
    double share = -1.0;
    aim_test(aim_sensitivity_noise_share(v, 3, 4, &share) == AIM_OK, "noise share 3 x 4");
    aim_test(fabs(0.274673 - share) < 5e-7, "noise share 0.274673 as derived by hand (%.6f)", share);
    aim_test_rel(share, 12.5 / (12.5 + between), 1e-14, "noise share = within / (within + between) = %.6f",
                 share);
    /* Pure noise: every point has the same replica values -> share 1; no noise -> share 0. */
    double pure[6] = {1, 2.385, 1, 2.385, 1, 2.385}, none[6] = {1, 1, 2.385, 2.385, 4, 4};
    aim_test(aim_sensitivity_noise_share(pure, 3, 2, &share) == AIM_OK && fabs(share - 1.0) < 1e-15,
             "replicas differ, points do not: share 1");
    aim_test(aim_sensitivity_noise_share(none, 3, 2, &share) == AIM_OK && share == 0.0,
             "points differ, replicas do not: share 0");
    double flat[4] = {2.385, 2.385, 2.385, 2.385};
    aim_test(aim_sensitivity_noise_share(flat, 2, 2, &share) == AIM_ERR_NUMERIC &&
                 strstr(aim_error_message(), "zero variance") != NULL,
             "constant output rejected: %s", aim_error_message());
    v[5] = NAN;
    aim_test(aim_sensitivity_noise_share(v, 3, 4, &share) == AIM_ERR_NUMERIC &&
                 strstr(aim_error_message(), "point 1, replica 1") != NULL,
             "NaN rejected: %s", aim_error_message());
    aim_test(aim_sensitivity_noise_share(v, 3, 1, &share) == AIM_ERR_USAGE, "one replica rejected: %s",
             aim_error_message());
}

static void test_sobol_errors(void)
{
    struct aim_sensitivity_options o;
    aim_sensitivity_options_init(&o);
    aim_test(o.n_boot == 1000 && o.seed == 0, "default 1000 resamples");
    o.n_boot = 50;
    double y[5 * 4], work[4096];
    for (int q = 0; q < 20; q++) {
        y[q] = sin(2.385 * q);
    }
    struct aim_sensitivity_index s1[3], st[3], s2[9];
    aim_test(aim_sensitivity_sobol(y, 5, 2, AIM_SENSITIVITY_FIRST_TOTAL, &o, work, s1, st, NULL, NULL) ==
                 AIM_OK,
             "N = 5, D = 2 runs");
    y[13] = NAN;
    aim_error_clear();
    aim_test(aim_sensitivity_sobol(y, 5, 2, AIM_SENSITIVITY_FIRST_TOTAL, &o, work, s1, st, NULL, NULL) ==
                     AIM_ERR_NUMERIC &&
                 strstr(aim_error_message(), "block AB_1, row 3") != NULL,
             "NaN output named by block and row: %s", aim_error_message());
    y[13] = 0.0;
    aim_test(aim_sensitivity_sobol(y, 1, 2, AIM_SENSITIVITY_FIRST_TOTAL, &o, work, s1, st, NULL, NULL) ==
                 AIM_ERR_USAGE,
             "N = 1 rejected: %s", aim_error_message());
    aim_test(aim_sensitivity_sobol(y, 5, 0, AIM_SENSITIVITY_FIRST_TOTAL, &o, work, s1, st, NULL, NULL) ==
                 AIM_ERR_USAGE,
             "D = 0 rejected: %s", aim_error_message());
    aim_test(aim_sensitivity_sobol(y, 5, 1, AIM_SENSITIVITY_SECOND_ORDER, &o, work, s1, st, s2, NULL) ==
                 AIM_ERR_USAGE,
             "second order with D = 1 rejected: %s", aim_error_message());
    o.n_boot = 1;
    aim_test(aim_sensitivity_sobol(y, 5, 2, AIM_SENSITIVITY_FIRST_TOTAL, &o, work, s1, st, NULL, NULL) ==
                 AIM_ERR_USAGE,
             "one resample rejected: %s", aim_error_message());
    o.n_boot = 50;
    for (int q = 0; q < 10; q++) {
        y[q] = 2.385;
    }
    aim_test(aim_sensitivity_sobol(y, 5, 2, AIM_SENSITIVITY_FIRST_TOTAL, &o, work, s1, st, NULL, NULL) ==
                     AIM_ERR_NUMERIC &&
                 strstr(aim_error_message(), "zero variance") != NULL,
             "constant A and B rejected: %s", aim_error_message());
}

/* --dump DIR: small samples for the numpy recomputation. */
static int dump(const char *dir)
{
    char path[1024];
    FILE *f;
    /* Sobol, second order, Ishigami + 1000 (exercises the centring), N = 50, D = 3, 200 resamples. */
    const struct ishigami p = {7.0, 0.1, 1000.0};
    size_t n = 50;
    int d = 3, n_boot = 200;
    double *y = saltelli_outputs(ishigami_f, &p, n, d, AIM_SENSITIVITY_SECOND_ORDER, 5);
    struct aim_sensitivity_options o = {n_boot, 77};
    double *work =
        malloc(aim_sensitivity_sobol_work_size(d, AIM_SENSITIVITY_SECOND_ORDER, n_boot) * sizeof *work);
    struct aim_sensitivity_index s1[3], st[3], s2[9];
    double v = 0.0;
    if (aim_sensitivity_sobol(y, n, d, AIM_SENSITIVITY_SECOND_ORDER, &o, work, s1, st, s2, &v) != AIM_OK) {
        fprintf(stderr, "%s\n", aim_error_message());
        return 1;
    }
    snprintf(path, sizeof path, "%s/sobol.csv", dir);
    f = fopen(path, "w");
    if (f == NULL) {
        return 1;
    }
    fprintf(f, "# n=%zu d=%d n_boot=%d variance=%.17g\n", n, d, n_boot, v);
    for (size_t q = 0; q < aim_sensitivity_saltelli_size(n, d, AIM_SENSITIVITY_SECOND_ORDER); q++) {
        fprintf(f, "%.17g\n", y[q]);
    }
    fclose(f);
    snprintf(path, sizeof path, "%s/sobol_result.csv", dir);
    f = fopen(path, "w");
    for (int i = 0; i < d; i++) {
        fprintf(f, "S1,%d,-1,%.17g,%.17g,%.17g,%.17g\n", i, s1[i].estimate, s1[i].conf, s1[i].lower,
                s1[i].upper);
        fprintf(f, "ST,%d,-1,%.17g,%.17g,%.17g,%.17g\n", i, st[i].estimate, st[i].conf, st[i].lower,
                st[i].upper);
        for (int k = i + 1; k < d; k++) {
            const struct aim_sensitivity_index *x = &s2[i * d + k];
            fprintf(f, "S2,%d,%d,%.17g,%.17g,%.17g,%.17g\n", i, k, x->estimate, x->conf, x->lower, x->upper);
        }
    }
    fclose(f);
    /* The rows each resample drew (the documented stream). */
    snprintf(path, sizeof path, "%s/sobol_rows.csv", dir);
    f = fopen(path, "w");
    for (int b = 0; b < n_boot; b++) {
        struct aim_pcg64 rng;
        aim_sensitivity_bootstrap_stream(&rng, o.seed, AIM_SENSITIVITY_SOBOL, (uint64_t)b);
        for (size_t j = 0; j < n; j++) {
            fprintf(f, "%s%llu", j ? "," : "", (unsigned long long)aim_rng_bounded(&rng, n));
        }
        fprintf(f, "\n");
    }
    fclose(f);
    free(work);
    free(y);
    /* Morris: 30 trajectories of 4 factors, y = exp(u1) u2 + u3^2 - 2.385 u4 u1. */
    size_t r = 30;
    int dm = 4;
    double *x = malloc(r * 5 * 4 * sizeof *x), *ym = malloc(r * 5 * sizeof *ym);
    morris_design(r, dm, 6, 9, x);
    for (size_t q = 0; q < r * 5; q++) {
        const double *u = x + q * 4;
        ym[q] = exp(u[0]) * u[1] + u[2] * u[2] - 2.385 * u[3] * u[0];
    }
    o.seed = 78;
    work = malloc(aim_sensitivity_morris_work_size(r, dm, n_boot) * sizeof *work);
    struct aim_sensitivity_morris m[4];
    if (aim_sensitivity_morris(x, ym, r, dm, &o, work, m) != AIM_OK) {
        fprintf(stderr, "%s\n", aim_error_message());
        return 1;
    }
    snprintf(path, sizeof path, "%s/morris.csv", dir);
    f = fopen(path, "w");
    for (size_t q = 0; q < r * 5; q++) {
        fprintf(f, "%.17g,%.17g,%.17g,%.17g,%.17g\n", x[q * 4], x[q * 4 + 1], x[q * 4 + 2], x[q * 4 + 3],
                ym[q]);
    }
    fclose(f);
    snprintf(path, sizeof path, "%s/morris_result.csv", dir);
    f = fopen(path, "w");
    for (int i = 0; i < dm; i++) {
        fprintf(f, "%.17g,%.17g,%.17g,%.17g,%.17g,%.17g\n", m[i].mu, m[i].mu_star.estimate, m[i].mu_star.conf,
                m[i].mu_star.lower, m[i].mu_star.upper, m[i].sigma);
    }
    fclose(f);
    snprintf(path, sizeof path, "%s/morris_rows.csv", dir);
    f = fopen(path, "w");
    for (int b = 0; b < n_boot; b++) {
        struct aim_pcg64 rng;
        aim_sensitivity_bootstrap_stream(&rng, o.seed, AIM_SENSITIVITY_MORRIS, (uint64_t)b);
        for (size_t t = 0; t < r; t++) {
            fprintf(f, "%s%llu", t ? "," : "", (unsigned long long)aim_rng_bounded(&rng, r));
        }
        fprintf(f, "\n");
    }
    fclose(f);
    free(work);
    free(x);
    free(ym);
    /* Noise share: 7 points x 5 replicas of lognormal values. */
    double nv[35], share = 0.0;
    struct aim_pcg64 rng;
    aim_rng_stream(&rng, 5, 0, 0, 0, 97);
    for (int q = 0; q < 35; q++) {
        nv[q] = aim_rng_lognormal(&rng, 0.3 * (q / 5), 0.8);
    }
    if (aim_sensitivity_noise_share(nv, 7, 5, &share) != AIM_OK) {
        return 1;
    }
    snprintf(path, sizeof path, "%s/noise.csv", dir);
    f = fopen(path, "w");
    fprintf(f, "# share=%.17g\n", share);
    for (int q = 0; q < 35; q++) {
        fprintf(f, "%.17g\n", nv[q]);
    }
    fclose(f);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--dump") == 0) {
        return dump(argv[2]);
    }
    test_ishigami();
    test_coverage();
    test_g_function();
    test_morris();
    test_noise_share();
    test_sobol_errors();
    return aim_test_summary();
}
