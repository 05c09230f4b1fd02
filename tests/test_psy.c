/* PSY statistics against numbers computed by exuber and psymonitor (reference/README.md §2):
 * sim_data ADF/SADF/GSADF and full BADF/BSADF sequences for lags 0, 1, 2; the S&P 500 BSADF
 * sequences with lag 0 and with BIC up to lag 6; both window conventions; every error path. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/csv.h"
#include "analysis/psy.h"
#include "tests/aim_test.h"
#include "tests/aim_test_csv.h"

#define TOL 1e-9

static double rel_err(double got, double want)
{
    if (isnan(got) || isnan(want)) {
        return INFINITY;
    }
    return got == want ? 0.0 : fabs(got - want) / fabs(want);
}

/* Largest relative error seen over all reference comparisons of a kind (printed at the end). */
struct worst {
    double sim_stats, sim_seq, snp_lag0, snp_bic;
};

static void test_sim_data(struct worst *w)
{
    struct aim_csv *data = aim_test_csv_open("exuber_sim_data.csv");
    struct aim_csv *stats = aim_test_csv_open("expected_sim_data_stats.csv");
    struct aim_csv *seq = aim_test_csv_open("expected_sim_data_sequences.csv");
    if (!data || !stats || !seq) {
        aim_csv_free(data), aim_csv_free(stats), aim_csv_free(seq);
        return;
    }
    size_t n = aim_csv_rows(data);
    double *y = malloc(n * sizeof *y);
    for (size_t row = 0; row < aim_csv_rows(stats); row++) {
        const char *series = aim_test_csv_text(stats, row, "series");
        int lag = (int)aim_test_csv_number(stats, row, "lag");
        long minw = (long)aim_test_csv_number(stats, row, "exuber_minw");
        long sw0 = (long)aim_test_csv_number(stats, row, "psymonitor_swindow0");
        size_t col;
        aim_csv_column(data, series, &col);
        aim_csv_column_numbers(data, col, y);

        struct aim_psy_options o;
        aim_psy_options_init(&o);
        o.lag = lag;
        o.window_min = minw;
        o.convention = AIM_PSY_EXUBER;
        struct aim_psy_result *r = NULL;
        enum aim_status s = aim_psy_result_create(&r, y, n, &o);
        aim_test(s == AIM_OK, "sim_data %s lag %d computes (%s)", series, lag, aim_error_message());
        if (s != AIM_OK) {
            continue;
        }
        aim_test(r->first_t == (size_t)(minw + lag + 1) && r->count == n - r->first_t + 1,
                 "sim_data %s lag %d: first t %zu = minw+lag+1", series, lag, r->first_t);
        double e = fmax(fmax(rel_err(r->adf, aim_test_csv_number(stats, row, "adf")),
                             rel_err(r->sadf, aim_test_csv_number(stats, row, "sadf"))),
                        rel_err(r->gsadf, aim_test_csv_number(stats, row, "gsadf")));
        w->sim_stats = fmax(w->sim_stats, e);
        aim_test(e <= TOL, "sim_data %s lag %d: adf %.10f sadf %.10f gsadf %.10f (max rel err %.2e)", series,
                 lag, r->adf, r->sadf, r->gsadf, e);

        /* Full sequences: every reference row of this series and lag, matched by t. */
        double eb = 0.0, es = 0.0;
        size_t matched = 0;
        for (size_t q = 0; q < aim_csv_rows(seq); q++) {
            if (strcmp(aim_test_csv_text(seq, q, "series"), series) != 0 ||
                (int)aim_test_csv_number(seq, q, "lag") != lag) {
                continue;
            }
            size_t t = (size_t)aim_test_csv_number(seq, q, "t");
            if (t < r->first_t || t > n) {
                eb = INFINITY;
                continue;
            }
            eb = fmax(eb, rel_err(r->badf[t - r->first_t], aim_test_csv_number(seq, q, "badf")));
            es = fmax(es, rel_err(r->bsadf[t - r->first_t], aim_test_csv_number(seq, q, "bsadf")));
            matched++;
        }
        w->sim_seq = fmax(w->sim_seq, fmax(eb, es));
        aim_test(matched == r->count, "sim_data %s lag %d: %zu reference rows cover t = %zu..%zu", series,
                 lag, matched, r->first_t, n);
        aim_test(eb <= TOL, "sim_data %s lag %d: BADF sequence (max rel err %.2e)", series, lag, eb);
        aim_test(es <= TOL, "sim_data %s lag %d: BSADF sequence (max rel err %.2e)", series, lag, es);

        /* psymonitor's convention counts levels: swindow0 = minw + 1 + lag gives the same numbers. */
        struct aim_psy_options p = o;
        p.convention = AIM_PSY_PSYMONITOR;
        p.window_min = sw0;
        struct aim_psy_result *rp = NULL;
        if (aim_psy_result_create(&rp, y, n, &p) == AIM_OK) {
            aim_test(rp->count == r->count && memcmp(rp->bsadf, r->bsadf, r->count * sizeof(double)) == 0 &&
                         memcmp(rp->badf, r->badf, r->count * sizeof(double)) == 0,
                     "sim_data %s lag %d: psymonitor swindow0 %ld = exuber minw %ld, identical sequences",
                     series, lag, sw0, minw);
        } else {
            aim_test(0, "sim_data %s lag %d psymonitor convention computes (%s)", series, lag,
                     aim_error_message());
        }
        aim_psy_result_free(rp);
        aim_psy_result_free(r);
    }
    free(y);

    /* exuber's default minw for T = 100 is floor((0.01 + 1.8/10) 100) = 19 (README table). */
    aim_test(aim_psy_default_window(100) == 19 && aim_psy_default_window(547) == 47 &&
                 aim_psy_default_window(120) == 20,
             "default window: 19 for T=100, 20 for T=120, 47 for T=547");
    aim_csv_free(data);
    aim_csv_free(stats);
    aim_csv_free(seq);
}

static void test_snp(struct worst *w)
{
    struct aim_csv *data = aim_test_csv_open("psymonitor_snp.csv");
    struct aim_csv *ref = aim_test_csv_open("expected_snp_bsadf.csv");
    if (!data || !ref) {
        aim_csv_free(data), aim_csv_free(ref);
        return;
    }
    size_t n = aim_csv_rows(data);
    double *pd = malloc(n * sizeof *pd);
    for (size_t i = 0; i < n; i++) {
        pd[i] = 1.0 / aim_test_csv_number(data, i, "dividend_yield");
    }
    aim_test(n == 547, "S&P 500 series has 547 months");
    /* Reference pd is 1/dividend_yield as R computed it: check we read the same numbers. */
    double epd = 0.0;
    for (size_t q = 0; q < aim_csv_rows(ref); q++) {
        epd = fmax(epd, rel_err(pd[(size_t)aim_test_csv_number(ref, q, "t") - 1],
                                aim_test_csv_number(ref, q, "pd")));
    }
    aim_test(epd == 0.0, "pd = 1/dividend_yield equals the reference column exactly (max rel err %.2e)", epd);

    struct aim_psy_options o;
    aim_psy_options_init(&o);
    o.convention = AIM_PSY_PSYMONITOR;
    o.window_min = 47;
    struct aim_psy_result *r = NULL;
    enum aim_status s = aim_psy_result_create(&r, pd, n, &o);
    aim_test(s == AIM_OK, "S&P lag 0, swindow0 47 computes (%s)", aim_error_message());
    if (s == AIM_OK) {
        double eb = 0.0, es = 0.0;
        aim_test(r->first_t == 47 && r->count == aim_csv_rows(ref), "S&P lag 0: t = 47..547 (%zu values)",
                 r->count);
        for (size_t q = 0; q < aim_csv_rows(ref) && q < r->count; q++) {
            es = fmax(es, rel_err(r->bsadf[q], aim_test_csv_number(ref, q, "bsadf_ic0_lag0")));
            eb = fmax(eb, rel_err(r->badf[q], aim_test_csv_number(ref, q, "badf_ic0_lag0")));
        }
        w->snp_lag0 = fmax(eb, es);
        aim_test(es <= TOL, "S&P lag 0 BSADF sequence (max rel err %.2e)", es);
        aim_test(eb <= TOL, "S&P lag 0 BADF sequence (max rel err %.2e)", eb);
        aim_test_rel(r->gsadf, 2.9277477108, 1e-10, "S&P lag 0 GSADF (README, 10 decimals)");
        aim_test_rel(r->sadf, 2.3354717490, 1e-10, "S&P lag 0 SADF (README, 10 decimals)");
        aim_test_rel(r->adf, -1.2532759317, 1e-10, "S&P lag 0 ADF (README, 10 decimals)");

        /* exuber radf(pd, minw = 46) is the same computation in the other convention. */
        struct aim_psy_options e = o;
        e.convention = AIM_PSY_EXUBER;
        e.window_min = 46;
        struct aim_psy_result *re = NULL;
        aim_test(aim_psy_result_create(&re, pd, n, &e) == AIM_OK && re->count == r->count &&
                     memcmp(re->bsadf, r->bsadf, r->count * sizeof(double)) == 0,
                 "S&P: exuber minw 46 gives the same BSADF as psymonitor swindow0 47");
        aim_psy_result_free(re);
    }
    aim_psy_result_free(r);

    o.ic = AIM_PSY_IC_BIC;
    o.lag = 6;
    s = aim_psy_result_create(&r, pd, n, &o);
    aim_test(s == AIM_OK, "S&P BIC max lag 6 computes (%s)", aim_error_message());
    if (s == AIM_OK) {
        double es = 0.0;
        size_t arg = 0;
        for (size_t q = 0; q < aim_csv_rows(ref) && q < r->count; q++) {
            es = fmax(es, rel_err(r->bsadf[q], aim_test_csv_number(ref, q, "bsadf_bic_maxlag6")));
            if (r->bsadf[q] > r->bsadf[arg]) {
                arg = q;
            }
        }
        w->snp_bic = es;
        aim_test(es <= TOL, "S&P BIC max lag 6 BSADF sequence (max rel err %.2e)", es);
        aim_test_rel(r->gsadf, 2.8604341677, 1e-10, "S&P BIC GSADF (README, 10 decimals)");
        aim_test(strcmp(aim_test_csv_text(ref, arg, "date"), "1998-03-31") == 0,
                 "S&P BIC GSADF is reached at %s (1998-03-31)", aim_test_csv_text(ref, arg, "date"));
    }
    aim_psy_result_free(r);

    /* aim_psy_adf is BADF(T): the whole-sample statistic. */
    double adf = 0.0;
    struct aim_psy_options a;
    aim_psy_options_init(&a);
    aim_test(aim_psy_adf(pd, n, &a, &adf) == AIM_OK, "aim_psy_adf runs on the S&P series");
    aim_test_rel(adf, -1.2532759317, 1e-10, "aim_psy_adf on the S&P series (README ADF)");
    free(pd);
    aim_csv_free(data);
    aim_csv_free(ref);
}

static void expect_error(const double *y, size_t n, const struct aim_psy_options *o, enum aim_status want,
                         const char *needle, const char *what)
{
    struct aim_psy_result *r = (struct aim_psy_result *)1;
    aim_error_clear();
    enum aim_status s = aim_psy_result_create(&r, y, n, o);
    aim_test(s == want && r == NULL, "%s: status %d (want %d)", what, (int)s, (int)want);
    aim_test_contains(aim_error_message(), needle, "%s: message", what);
}

static void test_errors(void)
{
    enum { N = 60 };
    double y[N];
    for (int i = 0; i < N; i++) {
        y[i] = 2.385 + 0.37 * sin(1.7 * i) + 0.013 * i * i * 0.1;
    }
    struct aim_psy_options o;
    aim_psy_options_init(&o);
    struct aim_psy_result *r = NULL;
    aim_test(aim_psy_result_create(&r, y, N, &o) == AIM_OK, "a smooth awkward series of 60 works");
    aim_psy_result_free(r);

    double bad[N];
    memcpy(bad, y, sizeof bad);
    bad[17] = NAN;
    expect_error(bad, N, &o, AIM_ERR_NUMERIC, "value 18 of the series is NaN", "NaN value");
    bad[17] = -INFINITY;
    expect_error(bad, N, &o, AIM_ERR_NUMERIC, "value 18 of the series is infinite", "-inf value");
    for (int i = 0; i < N; i++) {
        bad[i] = 2.385;
    }
    expect_error(bad, N, &o, AIM_ERR_NUMERIC, "constant", "constant series");
    expect_error(y, 5, &o, AIM_ERR_USAGE, "too short", "5 values");
    struct aim_psy_options w = o;
    w.window_min = 61;
    expect_error(y, N, &w, AIM_ERR_USAGE, "shorter than the minimum window", "window longer than the series");
    w.window_min = 3;
    w.lag = 2;
    expect_error(y, N, &w, AIM_ERR_USAGE, "degree of freedom", "window 3 rows with lag 2");
    w.lag = -1;
    expect_error(y, N, &w, AIM_ERR_USAGE, "lag -1", "negative lag");
    w.lag = AIM_PSY_MAX_LAG + 1;
    expect_error(y, N, &w, AIM_ERR_USAGE, "outside", "lag above the maximum");
    w = o;
    w.ic = (enum aim_psy_ic)7;
    expect_error(y, N, &w, AIM_ERR_USAGE, "criterion", "unknown IC");
    w = o;
    w.convention = (enum aim_psy_convention)5;
    expect_error(y, N, &w, AIM_ERR_USAGE, "convention", "unknown convention");

    /* A stretch that stays flat for longer than the minimum window makes those windows singular. */
    memcpy(bad, y, sizeof bad);
    for (int i = 20; i < 45; i++) {
        bad[i] = 3.1;
    }
    expect_error(bad, N, &o, AIM_ERR_NUMERIC, "singular", "flat stretch longer than the window");
    /* y_t = 1.05 y_{t-1} fits exactly: t-statistics would be infinite. */
    bad[0] = 2.385;
    for (int i = 1; i < N; i++) {
        bad[i] = bad[i - 1] * 1.05;
    }
    expect_error(bad, N, &o, AIM_ERR_NUMERIC, "fits exactly", "deterministic exponential growth");
    o.ic = AIM_PSY_IC_AIC;
    o.lag = 2;
    expect_error(bad, N, &o, AIM_ERR_NUMERIC, "fits exactly", "deterministic growth with AIC");
}

/* psymonitor's ADF(y, IC, adflag) written out directly, as in its R/ADF.R: for each k the design
 * matrix of rows k+1..T1, OLS by Gauss-Jordan on the normal equations in long double, the
 * criterion from the raw residuals with t = T1 - adflag, dof = t - adflag - 2. */
static double brute_adf_ic(const double *y, size_t n, int adflag, int ic)
{
    size_t t1 = n - 1;
    double t = (double)t1 - adflag, dof = t - adflag - 2;
    double best_ic = INFINITY, best = NAN;
    for (int k = 0; k <= adflag; k++) {
        int p = k + 2;
        long double a[8][9] = {{0}};
        for (size_t r = (size_t)k + 1; r <= t1; r++) {
            double x[8];
            x[0] = 1.0;
            x[1] = y[r - 1];
            for (int j = 1; j <= k; j++) {
                x[1 + j] = y[r - j] - y[r - j - 1];
            }
            double dyr = y[r] - y[r - 1];
            for (int u = 0; u < p; u++) {
                for (int v = 0; v < p; v++) {
                    a[u][v] += (long double)x[u] * x[v];
                }
                a[u][p] += (long double)x[u] * dyr;
            }
        }
        /* Invert X'X alongside (columns p+1..2p) to get the variance of b. */
        long double w[8][17] = {{0}};
        for (int u = 0; u < p; u++) {
            for (int v = 0; v <= p; v++) {
                w[u][v] = a[u][v];
            }
            w[u][p + 1 + u] = 1.0L;
        }
        for (int c = 0; c < p; c++) {
            for (int r = 0; r < p; r++) {
                if (r != c) {
                    long double f = w[r][c] / w[c][c];
                    for (int v = 0; v <= 2 * p; v++) {
                        w[r][v] -= f * w[c][v];
                    }
                }
            }
        }
        long double beta[8], rss = 0.0L;
        for (int u = 0; u < p; u++) {
            beta[u] = w[u][p] / w[u][u];
        }
        for (size_t r = (size_t)k + 1; r <= t1; r++) {
            long double e = (long double)(y[r] - y[r - 1]) - beta[0] - beta[1] * y[r - 1];
            for (int j = 1; j <= k; j++) {
                e -= beta[1 + j] * (y[r - j] - y[r - j - 1]);
            }
            rss += e * e;
        }
        double npdf = (double)(-0.5L * logl(2.0L * 3.14159265358979323846L) * (long double)(t1 - (size_t)k) -
                               0.5L * rss);
        double crit = -2.0 * npdf / t + (ic == 1 ? 2.0 : log(t)) * p / t;
        long double var_b = rss / dof * (w[1][p + 2] / w[1][1]);
        double stat = (double)(beta[1] / sqrtl(var_b));
        if (crit < best_ic) {
            best_ic = crit;
            best = stat;
        }
    }
    return best;
}

/* AIC and BIC on single windows against the direct computation, with several lags chosen. */
static void test_ic_windows(void)
{
    enum { N = 90 };
    double y[N];
    double v = 0.0, e1 = 0.0;
    for (int i = 0; i < N; i++) {
        double e = sin(0.91 * i * i) + 0.3 * cos(2.385 * i);
        v += e + 0.6 * e1; /* MA(1) differences: the criteria pick lags above 0 */
        e1 = e;
        y[i] = 10.0 + v;
    }
    double worst = 0.0;
    int distinct = 0;
    double first = NAN;
    for (int ic = 1; ic <= 2; ic++) {
        for (int big_k = 0; big_k <= 5; big_k++) {
            for (size_t len = 30; len <= N; len += 20) {
                struct aim_psy_options o;
                aim_psy_options_init(&o);
                o.ic = (enum aim_psy_ic)ic;
                o.lag = big_k;
                double got = NAN;
                aim_psy_adf(y + (N - len), len, &o, &got);
                double want = brute_adf_ic(y + (N - len), len, big_k, ic);
                worst = fmax(worst, rel_err(got, want));
                if (isnan(first)) {
                    first = got;
                } else if (got != first) {
                    distinct++;
                }
            }
        }
    }
    aim_test(worst <= 1e-9,
             "AIC/BIC ADF, max lags 0..5, windows of 30..90: equal to psymonitor's rules written "
             "out directly (max rel err %.2e)",
             worst);
    aim_test(distinct > 5, "the IC cases give different statistics (%d distinct)", distinct);
}

/* The ADF t-statistic is invariant to scaling y by c > 0: GSADF, SADF, ADF and every BSADF of c y
 * equal those of y for c = 1e-300 and 1e300, where the cross products would underflow or overflow
 * without the internal rescaling (fixed lags 0 and 2). With --ic the criterion is not invariant:
 * such series are refused with a message, not reported as singular. */
static void test_scale_invariance(void)
{
    size_t n = 160;
    double *y = malloc(n * sizeof *y), *cy = malloc(n * sizeof *cy);
    /* A random walk that turns explosive: a deterministic sequence of awkward increments. */
    double v = 2.385;
    for (size_t i = 0; i < n; i++) {
        v += sin(1.7 * (double)i) + 0.3 * cos(0.11 * (double)(i * i)) + (i > 100 && i < 130 ? 0.04 * v : 0.0);
        y[i] = v;
    }
    const double scales[] = {1e-300, 1e300, 0.5e-300, 3.7e290};
    for (int lag = 0; lag <= 2; lag += 2) {
        struct aim_psy_options o;
        aim_psy_options_init(&o);
        o.lag = lag;
        struct aim_psy_result *ref = NULL;
        if (aim_psy_result_create(&ref, y, n, &o) != AIM_OK) {
            aim_test(0, "scale: reference series lag %d (%s)", lag, aim_error_message());
            continue;
        }
        for (size_t k = 0; k < sizeof scales / sizeof *scales; k++) {
            for (size_t i = 0; i < n; i++) {
                cy[i] = scales[k] * y[i];
            }
            struct aim_psy_result *r = NULL;
            enum aim_status st = aim_psy_result_create(&r, cy, n, &o);
            aim_test(st == AIM_OK, "scale %g, lag %d: computed, not singular (%s)", scales[k], lag,
                     st ? aim_error_message() : "ok");
            if (st != AIM_OK) {
                continue;
            }
            aim_test_rel(r->gsadf, ref->gsadf, 1e-10, "scale %g, lag %d: GSADF(c y) = GSADF(y)", scales[k],
                         lag);
            aim_test_rel(r->sadf, ref->sadf, 1e-10, "scale %g, lag %d: SADF(c y) = SADF(y)", scales[k], lag);
            aim_test_rel(r->adf, ref->adf, 1e-10, "scale %g, lag %d: ADF(c y) = ADF(y)", scales[k], lag);
            double worst = 0.0;
            for (size_t i = 0; i < r->count; i++) {
                worst = fmax(worst, rel_err(r->bsadf[i], ref->bsadf[i]));
            }
            aim_test(worst < 1e-9, "scale %g, lag %d: every BSADF(c y) = BSADF(y) (worst rel err %.3g)",
                     scales[k], lag, worst);
            aim_psy_result_free(r);
        }
        /* A power of two scales exactly: the statistics are bitwise identical. */
        for (size_t i = 0; i < n; i++) {
            cy[i] = ldexp(y[i], 997);
        }
        struct aim_psy_result *r = NULL;
        aim_test(aim_psy_result_create(&r, cy, n, &o) == AIM_OK && r->gsadf == ref->gsadf &&
                     r->adf == ref->adf,
                 "scale 2^997, lag %d: GSADF and ADF bitwise equal", lag);
        aim_psy_result_free(r);
        aim_psy_result_free(ref);
    }
    aim_test(aim_psy_scale_exponent(y, n) == 0, "an ordinary series is not rescaled");
    for (size_t i = 0; i < n; i++) {
        cy[i] = 1e300 * y[i];
    }
    aim_test(aim_psy_scale_exponent(cy, n) > 900, "a 1e300-scale series is rescaled (exponent %d)",
             aim_psy_scale_exponent(cy, n));
    struct aim_psy_options ic;
    aim_psy_options_init(&ic);
    ic.ic = AIM_PSY_IC_BIC;
    ic.lag = 2;
    struct aim_psy_result *r = NULL;
    enum aim_status st = aim_psy_result_create(&r, cy, n, &ic);
    aim_test(st == AIM_ERR_NUMERIC && r == NULL, "--ic on 1e300-scale data is refused");
    aim_test_contains(aim_error_message(), "not scale-invariant", "--ic refusal says why");
    aim_test_contains(aim_error_message(), "fixed --lag", "--ic refusal says what would work");
    for (size_t i = 0; i < n; i++) {
        cy[i] = 1e-300 * y[i];
    }
    st = aim_psy_result_create(&r, cy, n, &ic);
    aim_test(st == AIM_ERR_NUMERIC, "--ic on 1e-300-scale data is refused (%s)", aim_error_message());
    free(y);
    free(cy);
}

/* The progress callback sees the windows done grow to the total, once per window end. */
struct progress_seen {
    int calls, monotone;
    double last, total;
};

static void progress_record(void *ctx, double done, double total)
{
    struct progress_seen *p = ctx;
    p->monotone &= done > p->last && done <= total;
    p->last = done;
    p->total = total;
    p->calls++;
}

static void test_progress(void)
{
    size_t n = 120;
    double *y = malloc(n * sizeof *y);
    for (size_t i = 0; i < n; i++) {
        y[i] = 2.385 * sin(0.3 * (double)i) + 0.01 * (double)(i * i);
    }
    struct aim_psy_options o;
    aim_psy_options_init(&o);
    struct progress_seen seen = {0, 1, 0.0, 0.0};
    o.progress = progress_record;
    o.progress_ctx = &seen;
    struct aim_psy_result *r = NULL;
    aim_test(aim_psy_result_create(&r, y, n, &o) == AIM_OK, "progress: computed");
    aim_test(r && seen.calls == (int)r->count, "progress: one call per window end (%d calls, %zu ends)",
             seen.calls, r ? r->count : 0);
    aim_test(seen.monotone && seen.last == seen.total, "progress: increasing up to the total (%g of %g)",
             seen.last, seen.total);
    aim_psy_result_free(r);
    free(y);
}

int main(void)
{
    struct worst w = {0, 0, 0, 0};
    test_sim_data(&w);
    test_snp(&w);
    test_errors();
    test_ic_windows();
    test_scale_invariance();
    test_progress();
    printf(
        "max relative errors: sim_data stats %.3g, sim_data sequences %.3g, S&P lag 0 %.3g, S&P BIC %.3g\n",
        w.sim_stats, w.sim_seq, w.snp_lag0, w.snp_bic);
    return aim_test_summary();
}
