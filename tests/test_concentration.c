/* Concentration indicators against published values: every row of concentration_examples.csv
 * (DOJ, Investopedia, ineq, Damgaard-Weiner, pysal) and the pysal Mexico Gini, read at test time;
 * plus hand-derived awkward cases and every error path. */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/concentration.h"
#include "analysis/csv.h"
#include "tests/aim_test.h"

#define MAX_VALUES 256

/* Parses the `values` column: "30;30;20;20", "50/9 x9;50 x1" (a/b is a fraction, xK repeats K
 * times) or "column NAME of FILE.csv (n=N)" (a column of another reference file). */
static size_t parse_values(const char *spec, double *x)
{
    char path[4096], col[128], file[256];
    size_t n = 0, want_n = 0;
    if (sscanf(spec, "column %127s of %255s (n=%zu)", col, file, &want_n) == 3) {
        struct aim_csv *c;
        size_t j;
        if (aim_csv_read(&c, aim_test_reference_path(path, sizeof path, file)) != AIM_OK ||
            aim_csv_column(c, col, &j) != AIM_OK || aim_csv_rows(c) > MAX_VALUES ||
            aim_csv_column_numbers(c, j, x) != AIM_OK) {
            printf("cannot read %s: %s\n", spec, aim_error_message());
            aim_csv_free(c);
            return 0;
        }
        n = aim_csv_rows(c);
        aim_csv_free(c);
        return n == want_n ? n : 0;
    }
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", spec);
    for (char *save, *tok = strtok_r(buf, ";", &save); tok; tok = strtok_r(NULL, ";", &save)) {
        char *end;
        double v = strtod(tok, &end);
        if (*end == '/') {
            v /= strtod(end + 1, &end);
        }
        long rep = 1;
        if (strncmp(end, " x", 2) == 0) {
            rep = strtol(end + 2, &end, 10);
        }
        if (*end != '\0' || rep < 1 || n + (size_t)rep > MAX_VALUES) {
            printf("cannot parse values token '%s'\n", tok);
            return 0;
        }
        for (long k = 0; k < rep; k++) {
            x[n++] = v;
        }
    }
    return n;
}

/* Half a unit in the last of `digits` significant digits of want. */
static double rounding_tolerance(double want, int digits)
{
    return 0.5 * pow(10.0, floor(log10(fabs(want))) - (digits - 1));
}

static void test_reference_rows(void)
{
    char path[4096];
    struct aim_csv *c;
    if (aim_csv_read(&c, aim_test_reference_path(path, sizeof path, "concentration_examples.csv")) !=
        AIM_OK) {
        aim_test(0, "read concentration_examples.csv: %s", aim_error_message());
        return;
    }
    size_t jc, jv, jm, js, je, jd, jsrc;
    aim_test(aim_csv_column(c, "case", &jc) == AIM_OK && aim_csv_column(c, "values", &jv) == AIM_OK &&
                 aim_csv_column(c, "measure", &jm) == AIM_OK && aim_csv_column(c, "scale", &js) == AIM_OK &&
                 aim_csv_column(c, "expected", &je) == AIM_OK &&
                 aim_csv_column(c, "expected_digits", &jd) == AIM_OK &&
                 aim_csv_column(c, "source", &jsrc) == AIM_OK,
             "concentration_examples.csv has its documented columns");
    aim_test(aim_csv_rows(c) >= 10, "concentration_examples.csv: %zu rows", aim_csv_rows(c));
    double x[MAX_VALUES], work[MAX_VALUES];
    for (size_t r = 0; r < aim_csv_rows(c); r++) {
        const char *name = aim_csv_cell(c, r, jc), *measure = aim_csv_cell(c, r, jm);
        const char *scale = aim_csv_cell(c, r, js), *digits = aim_csv_cell(c, r, jd);
        const char *source = aim_csv_cell(c, r, jsrc);
        size_t n = parse_values(aim_csv_cell(c, r, jv), x);
        double want;
        struct aim_concentration k;
        if (!n || aim_csv_number(c, r, je, &want) != AIM_OK ||
            aim_concentration_compute(x, n, work, &k) != AIM_OK) {
            aim_test(0, "%s: inputs (%s)", name, aim_error_message());
            continue;
        }
        double got, sad;
        if (strncmp(measure, "HHI", 3) == 0) {
            got = strstr(scale, "0..10000") ? k.hhi_doj : k.hhi;
        } else if (strncmp(measure, "Herfindahl", 10) == 0) {
            got = k.hhi;
        } else if (strncmp(measure, "Rosenbluth", 10) == 0) {
            got = k.rosenbluth;
        } else if (strncmp(measure, "Gini corrected", 14) == 0) {
            got = k.gini_corrected;
        } else if (strncmp(measure, "Gini (uncorrected", 17) == 0) {
            got = k.gini;
        } else if (strncmp(measure, "sum over ordered pairs |x_i-x_j|", 32) == 0) {
            aim_test(aim_concentration_abs_diff_sum(x, n, work, &sad) == AIM_OK, "%s: abs_diff_sum", name);
            got = sad;
        } else {
            aim_test(0, "%s: unknown measure '%s' (extend this test)", name, measure);
            continue;
        }
        /* The expected column at its stated precision. */
        int nd = 0;
        double tol = 1e-12 * fabs(want);
        if (sscanf(digits, "%d significant digits", &nd) == 1) {
            tol = rounding_tolerance(want, nd);
        }
        aim_test_abs(got, want, tol, "%s: %s = expected (%s)", name, measure, digits);
        /* Full-precision values quoted in the source column: to 1e-12 relative. */
        const char *fp = strstr(source, "full precision ");
        if (fp) {
            double full = strtod(fp + strlen("full precision "), NULL);
            aim_test_rel(got, full, 1e-12, "%s: full precision %.17g", name, full);
        }
        const char *unc = strstr(source, "uncorrected = ");
        if (unc && strstr(unc, "exactly")) {
            double full = strtod(unc + strlen("uncorrected = "), NULL);
            aim_test_rel(k.gini, full, 1e-12, "%s: uncorrected Gini %.17g exactly", name, full);
            aim_test_rel(k.gini_corrected, k.gini * (double)n / (double)(n - 1), 1e-15,
                         "%s: corrected = uncorrected * n/(n-1)", name);
        }
        /* pysal's Gini is quoted to 17 digits: hold it to 1e-12. */
        if (strstr(digits, "assert_almost_equal")) {
            aim_test_rel(got, want, 1e-12, "%s: 17-digit value to 1e-12 relative", name);
        }
    }
    aim_csv_free(c);
}

/* The Gini of the whole Mexico table, straight from pysal_mexico.csv, against the quoted value and
 * against the O(n^2) definition sum_ij |x_i - x_j| / (2 n^2 mean). */
static void test_pysal_mexico(void)
{
    char path[4096];
    struct aim_csv *c;
    size_t j;
    double x[MAX_VALUES], work[MAX_VALUES], g, sad;
    if (aim_csv_read(&c, aim_test_reference_path(path, sizeof path, "pysal_mexico.csv")) != AIM_OK ||
        aim_csv_column(c, "pcgdp1940", &j) != AIM_OK || aim_csv_column_numbers(c, j, x) != AIM_OK) {
        aim_test(0, "read pysal_mexico.csv: %s", aim_error_message());
        aim_csv_free(c);
        return;
    }
    size_t n = aim_csv_rows(c);
    aim_csv_free(c);
    aim_test(aim_concentration_gini(x, n, work, &g) == AIM_OK, "mexico: gini");
    double brute = 0.0, total = 0.0;
    for (size_t a = 0; a < n; a++) {
        total += x[a];
        for (size_t b = 0; b < n; b++) {
            brute += fabs(x[a] - x[b]);
        }
    }
    enum aim_status st = aim_concentration_abs_diff_sum(x, n, work, &sad);
    aim_test(st == AIM_OK && sad == brute, "mexico: sum |x_i - x_j| = %.17g equals the double loop exactly",
             sad);
    aim_test_rel(g, brute / (2.0 * (double)n * total), 1e-14, "mexico: gini = SAD / (2 n sum x)");
    /* The expected value lives in concentration_examples.csv (row pysal_mexico_pcgdp1940). */
    if (aim_csv_read(&c, aim_test_reference_path(path, sizeof path, "concentration_examples.csv")) !=
        AIM_OK) {
        aim_test(0, "read concentration_examples.csv");
        return;
    }
    double want = NAN;
    size_t je;
    aim_csv_column(c, "expected", &je);
    for (size_t r = 0; r < aim_csv_rows(c); r++) {
        if (strcmp(aim_csv_cell(c, r, 0), "pysal_mexico_pcgdp1940") == 0) {
            aim_csv_number(c, r, je, &want);
        }
    }
    aim_csv_free(c);
    aim_test_rel(g, want, 1e-12, "mexico pcgdp1940 Gini vs pysal to 1e-12");
}

static void test_hand_cases(void)
{
    double work[2000];
    struct aim_concentration k;
    /* Zeros count as firms. Sorted (0, 0, 2.385, 7.155), total 9.54, shares (0, 0, 1/4, 3/4):
     * HHI = 1/16 + 9/16 = 0.625; Gini = [(2*3-5)*2.385 + (2*4-5)*7.155] / (4 * 9.54) = 23.85 / 38.16
     * = 0.625; corrected 0.625 * 4/3 = 5/6; Rosenbluth ranks 1 (3/4) and 2 (1/4): 1/(2*1.25 - 1) = 2/3. */
    const double z[] = {0.0, 7.155, 0.0, 2.385};
    aim_test(aim_concentration_compute(z, 4, work, &k) == AIM_OK, "zeros allowed");
    aim_test_rel(k.hhi, 0.625, 1e-15, "zeros: HHI 0.625");
    aim_test_rel(k.hhi_doj, 6250.0, 1e-15, "zeros: DOJ HHI 6250");
    aim_test_rel(k.top1, 0.75, 1e-15, "zeros: top-1 0.75");
    aim_test_rel(k.top3, 1.0, 1e-15, "zeros: top-3 1");
    aim_test_rel(k.gini, 0.625, 1e-15, "zeros: Gini 0.625");
    aim_test_rel(k.gini_corrected, 5.0 / 6.0, 1e-15, "zeros: corrected Gini 5/6");
    aim_test_rel(k.rosenbluth, 2.0 / 3.0, 1e-15, "zeros: Rosenbluth 2/3");
    aim_test(k.n == 4 && k.total == 9.54, "zeros: n and total");
    double h;
    aim_test(aim_concentration_hhi(z, 4, &h) == AIM_OK && fabs(h - 0.625) <= 1e-15, "hhi alone agrees");

    /* Five firms 5, 4, 3, 2, 1 (x 2.385): top-1 = 5/15, top-3 = 12/15, HHI = 55/225. */
    double f[5];
    for (int i = 0; i < 5; i++) {
        f[i] = 2.385 * (double)(1 + (3 * i) % 5); /* 1, 4, 2, 5, 3: unsorted on purpose */
    }
    aim_test(aim_concentration_compute(f, 5, work, &k) == AIM_OK, "five firms");
    aim_test_rel(k.top1, 1.0 / 3.0, 1e-15, "five: top-1 1/3");
    aim_test_rel(k.top3, 0.8, 1e-15, "five: top-3 0.8");
    aim_test_rel(k.hhi, 55.0 / 225.0, 1e-15, "five: HHI 55/225");
    /* Gini of 1..5: sum_i (2i-6) i = -4-4+0+8+20 = 20, over 5*15 = 4/15. */
    aim_test_rel(k.gini, 4.0 / 15.0, 1e-15, "five: Gini 4/15");
    aim_test(f[0] == 2.385 && f[1] == 2.385 * 4, "input left unsorted");

    /* One firm: a monopoly. */
    const double one[] = {2.385};
    aim_test(aim_concentration_compute(one, 1, work, &k) == AIM_OK, "one firm");
    aim_test(k.hhi == 1.0 && k.top1 == 1.0 && k.top3 == 1.0 && k.gini == 0.0 && k.rosenbluth == 1.0,
             "one firm: HHI 1, top shares 1, Gini 0, Rosenbluth 1");
    aim_test(isnan(k.gini_corrected), "one firm: corrected Gini undefined (NaN)");

    /* Seven equal firms: HHI 1/7, Gini 0, Rosenbluth 1/7. */
    double eq[7];
    for (int i = 0; i < 7; i++) {
        eq[i] = 2.385;
    }
    aim_test(aim_concentration_compute(eq, 7, work, &k) == AIM_OK, "equal firms");
    aim_test_rel(k.hhi, 1.0 / 7.0, 1e-14, "equal: HHI 1/n");
    aim_test_abs(k.gini, 0.0, 1e-15, "equal: Gini 0");
    aim_test_rel(k.rosenbluth, 1.0 / 7.0, 1e-14, "equal: Rosenbluth 1/n");

    /* A large awkward vector against the double-loop definition, and scale invariance. */
    enum { N = 1000 };
    double big[N], scaled[N];
    unsigned long long st = 2385;
    for (int i = 0; i < N; i++) {
        st = st * 6364136223846793005ULL + 1442695040888963407ULL;
        big[i] = (i % 17 == 0) ? 0.0 : exp(3.0 * (double)(st >> 11) / 9007199254740992.0);
        scaled[i] = 3.7 * big[i];
    }
    double brute = 0.0, total = 0.0, g, gs;
    for (int a = 0; a < N; a++) {
        total += big[a];
        for (int b = 0; b < N; b++) {
            brute += fabs(big[a] - big[b]);
        }
    }
    aim_test(aim_concentration_gini(big, N, work, &g) == AIM_OK, "n=1000 gini");
    aim_test_rel(g, brute / (2.0 * N * total), 1e-12, "n=1000: sort formula = double-loop definition");
    aim_concentration_gini(scaled, N, work, &gs);
    aim_test_rel(gs, g, 1e-13, "Gini is scale invariant");
}

static void expect_error(const double *x, size_t n, enum aim_status want, const char *needle,
                         const char *what)
{
    double work[8], h = 2.385, g = 2.385;
    struct aim_concentration k = {0};
    aim_error_clear();
    aim_test(aim_concentration_compute(x, n, work, &k) == want && k.n == 0, "%s: compute fails with %d", what,
             (int)want);
    aim_test_contains(aim_error_message(), needle, "%s: message", what);
    aim_test(aim_concentration_hhi(x, n, &h) == want && h == 2.385, "%s: hhi fails, output untouched", what);
    aim_test(aim_concentration_gini(x, n, work, &g) == want && g == 2.385, "%s: gini fails, output untouched",
             what);
    aim_test(aim_concentration_abs_diff_sum(x, n, work, &g) == want, "%s: abs_diff_sum fails", what);
}

static void test_errors(void)
{
    const double neg[] = {2.385, -0.5, 1.0};
    const double nan[] = {2.385, NAN};
    const double inf[] = {INFINITY, 2.385};
    const double zero[] = {0.0, 0.0, 0.0};
    const double huge[] = {DBL_MAX, DBL_MAX};
    expect_error(neg, 0, AIM_ERR_USAGE, "empty vector", "empty");
    expect_error(neg, 3, AIM_ERR_NUMERIC, "value 1 of 3 is negative (-0.5)", "negative");
    expect_error(nan, 2, AIM_ERR_NUMERIC, "value 1 of 2 is nan", "NaN");
    expect_error(inf, 2, AIM_ERR_NUMERIC, "value 0 of 2 is inf", "inf");
    expect_error(zero, 3, AIM_ERR_NUMERIC, "all 3 values are zero", "all zero");
    expect_error(huge, 2, AIM_ERR_NUMERIC, "overflow", "sum overflows");
}

int main(void)
{
    test_reference_rows();
    test_pysal_mexico();
    test_hand_cases();
    test_errors();
    return aim_test_summary();
}
