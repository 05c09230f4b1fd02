/* Bands across replicas: type-7 quantiles derived by hand, every row of wilson_examples.csv (R's
 * prop.test), crash probability and bubble share aggregation, error paths.
 * With arguments `--quantiles IN.csv OUT.csv` it instead computes the standard bands of IN.csv
 * (rows = time steps, columns = replicas) for tests/test_bands_numpy.py to compare with numpy. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/bands.h"
#include "analysis/csv.h"
#include "tests/aim_test.h"

static void test_quantiles(void)
{
    /* Sorted (1, 2.385, 4, 7), n = 4, index h = 1 + 3p:
     * p = 0.05: h = 1.15, 1 + 0.15 * 1.385 = 1.20775;   p = 0.25: h = 1.75, 1 + 0.75 * 1.385 = 2.03875;
     * p = 0.5:  h = 2.5, 2.385 + 0.5 * 1.615 = 3.1925; p = 0.75: h = 3.25, 4 + 0.25 * 3 = 4.75;
     * p = 0.95: h = 3.85, 4 + 0.85 * 3 = 6.55. */
    const double x[] = {2.385, 7.0, 1.0, 4.0};
    const double want[] = {1.20775, 2.03875, 3.1925, 4.75, 6.55};
    const double *p = aim_bands_standard_probs();
    double work[4], q[5];
    aim_test(p[0] == 0.05 && p[1] == 0.25 && p[2] == 0.5 && p[3] == 0.75 && p[4] == 0.95,
             "standard probabilities p5 p25 p50 p75 p95");
    aim_test(aim_bands_quantiles(x, 4, p, AIM_BANDS_N_STANDARD, work, q) == AIM_OK, "quantiles of 4 values");
    for (int k = 0; k < 5; k++) {
        aim_test_rel(q[k], want[k], 1e-15, "type 7 at p = %.2f", p[k]);
    }
    aim_test(x[0] == 2.385 && x[1] == 7.0, "input not sorted in place");
    const double ends[] = {0.0, 1.0, 1.0 / 3.0};
    aim_test(aim_bands_quantiles(x, 4, ends, 3, work, q) == AIM_OK && q[0] == 1.0 && q[1] == 7.0 &&
                 q[2] == 2.385,
             "p = 0 is the minimum, p = 1 the maximum, p = 1/3 hits x_(2) exactly");
    const double one[] = {2.385};
    aim_test(aim_bands_quantiles(one, 1, p, 5, work, q) == AIM_OK && q[0] == 2.385 && q[4] == 2.385,
             "one replica: every quantile is its value");
    /* Ties: (3, 3, 3, 9): p = 0.5 -> h = 2.5 between two 3s -> 3 exactly; p = 0.95 -> h = 3.85,
     * 3 + 0.85 * 6 = 8.1. */
    const double ties[] = {3.0, 9.0, 3.0, 3.0};
    aim_test(aim_bands_quantiles(ties, 4, p, 5, work, q) == AIM_OK && q[2] == 3.0, "ties: median exactly 3");
    aim_test_rel(q[4], 8.1, 1e-15, "ties: p95 8.1");
}

static void test_bands_grid(void)
{
    /* Three replicas over two times, values[r * 2 + t]:
     * t = 0: (2.385, -1, 4) sorted (-1, 2.385, 4): median 2.385, p25 h = 1.5 -> 0.6925, p95 h = 2.9 ->
     *        2.385 + 0.9 * 1.615 = 3.8385;  t = 1: all 5 -> every band 5. */
    const double v[] = {2.385, 5.0, -1.0, 5.0, 4.0, 5.0};
    double work[3], out[5 * 2];
    aim_test(aim_bands_compute(v, 3, 2, aim_bands_standard_probs(), 5, work, out) == AIM_OK, "bands 3 x 2");
    aim_test(out[2 * 2 + 0] == 2.385, "t=0 median 2.385");
    aim_test_rel(out[1 * 2 + 0], 0.6925, 1e-14, "t=0 p25 0.6925");
    aim_test_rel(out[4 * 2 + 0], 3.8385, 1e-15, "t=0 p95 3.8385");
    aim_test(out[0 * 2 + 1] == 5.0 && out[4 * 2 + 1] == 5.0, "t=1 constant: bands 5");
    const double bad[] = {2.385, 5.0, NAN, 5.0};
    aim_error_clear();
    aim_test(aim_bands_compute(bad, 2, 2, aim_bands_standard_probs(), 5, work, out) == AIM_ERR_NUMERIC,
             "NaN replica rejected");
    aim_test_contains(aim_error_message(), "replica 1 at time 0 is nan",
                      "NaN message names replica and time");
    aim_test(aim_bands_compute(v, 0, 2, aim_bands_standard_probs(), 5, work, out) == AIM_ERR_USAGE,
             "no replicas rejected");
    const double badp[] = {0.5, 1.5};
    aim_test(aim_bands_compute(v, 3, 2, badp, 2, work, out) == AIM_ERR_USAGE, "probability 1.5 rejected");
    aim_test_contains(aim_error_message(), "probability 1 is 1.5", "probability message");
    aim_test(aim_bands_quantiles(v, 0, badp, 1, work, out) == AIM_ERR_USAGE, "empty sample rejected");
    aim_test(aim_bands_quantiles(v, 3, badp, 0, work, out) == AIM_ERR_USAGE, "no probabilities rejected");
    const double inf[] = {1.0, INFINITY};
    aim_test(aim_bands_quantiles(inf, 2, badp, 1, work, out) == AIM_ERR_NUMERIC, "infinite value rejected");
}

static void test_wilson_reference(void)
{
    char path[4096];
    struct aim_csv *c;
    if (aim_csv_read(&c, aim_test_reference_path(path, sizeof path, "wilson_examples.csv")) != AIM_OK) {
        aim_test(0, "read wilson_examples.csv: %s", aim_error_message());
        return;
    }
    size_t jx, jn, jl, ju;
    aim_test(aim_csv_column(c, "successes", &jx) == AIM_OK && aim_csv_column(c, "n", &jn) == AIM_OK &&
                 aim_csv_column(c, "lower", &jl) == AIM_OK && aim_csv_column(c, "upper", &ju) == AIM_OK,
             "wilson_examples.csv columns");
    aim_test(aim_csv_rows(c) >= 8, "wilson_examples.csv: %zu rows", aim_csv_rows(c));
    double worst = 0.0;
    for (size_t r = 0; r < aim_csv_rows(c); r++) {
        double x, n, lo, up, glo, gup;
        if (aim_csv_number(c, r, jx, &x) != AIM_OK || aim_csv_number(c, r, jn, &n) != AIM_OK ||
            aim_csv_number(c, r, jl, &lo) != AIM_OK || aim_csv_number(c, r, ju, &up) != AIM_OK) {
            aim_test(0, "row %zu: %s", r, aim_error_message());
            continue;
        }
        aim_test(aim_bands_wilson((int)x, (int)n, AIM_BANDS_Z95, &glo, &gup) == AIM_OK, "wilson %g/%g", x, n);
        aim_test_abs(glo, lo, 1e-15, "wilson %g/%g lower", x, n);
        aim_test_abs(gup, up, 1e-15, "wilson %g/%g upper", x, n);
        worst = fmax(worst, fmax(fabs(glo - lo), fabs(gup - up)));
        /* The same through the flag aggregation used for crash probability. */
        int *flags = calloc((size_t)n, sizeof *flags);
        for (int i = 0; i < (int)x; i++) {
            flags[(int)n - 1 - i] = 1; /* the last x replicas */
        }
        struct aim_bands_proportion pr;
        aim_test(aim_bands_crash_probability(flags, (int)n, &pr) == AIM_OK && pr.successes == (int)x &&
                     pr.n == (int)n && pr.estimate == x / n && pr.lower == glo && pr.upper == gup,
                 "crash probability of %g/%g flags = the Wilson interval", x, n);
        free(flags);
    }
    printf("largest difference from R prop.test: %.3g\n", worst);
    aim_csv_free(c);
}

static void test_proportions(void)
{
    /* 3 of 7 replicas flagged. */
    const int flags[] = {0, 1, 0, 0, 1, 1, 0};
    struct aim_bands_proportion pr = {0}, pw;
    double lo, up;
    aim_test(aim_bands_bubble_share(flags, 7, &pr) == AIM_OK && pr.successes == 3 && pr.n == 7,
             "bubble share 3/7");
    aim_bands_wilson(3, 7, AIM_BANDS_Z95, &lo, &up);
    aim_test(pr.lower == lo && pr.upper == up && pr.lower < 3.0 / 7.0 && 3.0 / 7.0 < pr.upper,
             "bubble share interval brackets 3/7");
    /* A wider z widens the interval. */
    aim_test(aim_bands_proportion(flags, 7, 2.575829303549, &pw) == AIM_OK && pw.lower < pr.lower &&
                 pw.upper > pr.upper,
             "99%% interval wider than 95%%");
    const int bad[] = {0, 2, 1};
    aim_error_clear();
    aim_test(aim_bands_bubble_share(bad, 3, &pr) == AIM_ERR_USAGE, "flag 2 rejected");
    aim_test_contains(aim_error_message(), "bubble share: proportion: flag of replica 1 is 2",
                      "flag message");
    aim_test(aim_bands_crash_probability(flags, 0, &pr) == AIM_ERR_USAGE, "no replicas rejected");
    aim_test_contains(aim_error_message(), "crash probability: ", "crash prefix");
    aim_test(aim_bands_wilson(5, 4, AIM_BANDS_Z95, &lo, &up) == AIM_ERR_USAGE, "x > n rejected");
    aim_test(aim_bands_wilson(-1, 4, AIM_BANDS_Z95, &lo, &up) == AIM_ERR_USAGE, "x < 0 rejected");
    aim_test(aim_bands_wilson(1, 0, AIM_BANDS_Z95, &lo, &up) == AIM_ERR_USAGE, "n = 0 rejected");
    aim_test(aim_bands_wilson(1, 4, 0.0, &lo, &up) == AIM_ERR_USAGE, "z = 0 rejected");
    aim_test(aim_bands_wilson(1, 4, NAN, &lo, &up) == AIM_ERR_USAGE, "z = NaN rejected");
}

/* Helper mode for the numpy comparison: bands of each row of IN (columns = replicas). */
static int quantile_tool(const char *in, const char *out)
{
    struct aim_csv *c;
    if (aim_csv_read(&c, in) != AIM_OK) {
        fprintf(stderr, "%s\n", aim_error_message());
        return 2;
    }
    size_t n_t = aim_csv_rows(c), n_r = aim_csv_cols(c);
    double *v = malloc(n_t * n_r * sizeof *v), *work = malloc(n_r * sizeof *work);
    double *q = malloc(5 * n_t * sizeof *q);
    FILE *f = fopen(out, "w");
    int rc = 0;
    for (size_t t = 0; t < n_t && rc == 0; t++) {
        for (size_t r = 0; r < n_r; r++) {
            if (aim_csv_number(c, t, r, &v[r * n_t + t]) != AIM_OK) {
                fprintf(stderr, "%s\n", aim_error_message());
                rc = 2;
            }
        }
    }
    if (rc == 0 &&
        aim_bands_compute(v, (int)n_r, (int)n_t, aim_bands_standard_probs(), 5, work, q) != AIM_OK) {
        fprintf(stderr, "%s\n", aim_error_message());
        rc = 2;
    }
    if (rc == 0 && f) {
        fprintf(f, "p5,p25,p50,p75,p95\n");
        for (size_t t = 0; t < n_t; t++) {
            for (int k = 0; k < 5; k++) {
                fprintf(f, "%.17g%s", q[(size_t)k * n_t + t], k < 4 ? "," : "\n");
            }
        }
    }
    if (!f || fclose(f) != 0) {
        rc = 1;
    }
    free(v);
    free(work);
    free(q);
    aim_csv_free(c);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "--quantiles") == 0) {
        return quantile_tool(argv[2], argv[3]);
    }
    test_quantiles();
    test_bands_grid();
    test_wilson_reference();
    test_proportions();
    return aim_test_summary();
}
