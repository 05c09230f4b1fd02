/* Tests of sim/design.c: each design's points, order and count, the mapping to factor values, the
 * crossing with scenarios, the CSV reader and its messages (the Sobol sequence is checked in full
 * against SciPy by tests/test_design_scipy.py). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/design.h"
#include "tests/aim_test.h"

static struct aim_design_factor range_factor(const char *key, double lo, double hi)
{
    struct aim_design_factor f = {.key = key, .lo = lo, .hi = hi};
    return f;
}

static struct aim_design *make(enum aim_design_kind kind, long points, uint64_t seed, int n,
                               const struct aim_design_factor *f)
{
    struct aim_design_spec spec = {
        .kind = kind, .points = points, .seed = seed, .levels = 4, .n_factors = n, .factors = f};
    struct aim_design *d = NULL;
    enum aim_status st = aim_design_create(&spec, &d);
    aim_test(st == AIM_OK, "design %d with %ld points created (%s)", (int)kind, points,
             st ? aim_error_message() : "ok");
    return d;
}

/* The first 8 points of scipy.stats.qmc.Sobol(3, scramble=False).random(8) (SciPy 1.10.1). */
static void test_sobol_golden(void)
{
    static const double want[8][3] = {{0, 0, 0},
                                      {0.5, 0.5, 0.5},
                                      {0.75, 0.25, 0.25},
                                      {0.25, 0.75, 0.75},
                                      {0.375, 0.375, 0.625},
                                      {0.875, 0.875, 0.125},
                                      {0.625, 0.125, 0.875},
                                      {0.125, 0.625, 0.375}};
    double u[8 * 3];
    aim_test(aim_design_sobol(3, 8, u) == AIM_OK, "sobol: 8 points in 3 dimensions");
    int same = 1;
    for (int i = 0; i < 8; i++) {
        for (int j = 0; j < 3; j++) {
            same = same && u[i * 3 + j] == want[i][j];
        }
    }
    aim_test(same, "sobol: the first 8 points equal SciPy's, starting at (0, 0, 0)");
    aim_test(aim_design_sobol(0, 8, u) == AIM_ERR_USAGE, "sobol: 0 dimensions refused");
    aim_test(aim_design_sobol(AIM_DESIGN_SOBOL_MAX_DIM + 1, 8, u) == AIM_ERR_USAGE,
             "sobol: more dimensions than the table refused");
}

static void test_grid(void)
{
    const double a[] = {2.385, -1.5}, b[] = {10, 20, 30}, c[] = {0.125, 7};
    struct aim_design_factor f[3] = {{.key = "a", .values = a, .n_values = 2},
                                     {.key = "b", .values = b, .n_values = 3},
                                     {.key = "c", .values = c, .n_values = 2}};
    struct aim_design *d = make(AIM_DESIGN_GRID, 0, 0, 3, f);
    if (!d) {
        return;
    }
    aim_test(d->n_points == 12 && d->n_cols == 3, "grid: 2 x 3 x 2 = 12 points of 3 columns (%ld)",
             d->n_points);
    int ok = 1;
    for (long p = 0; p < 12; p++) {
        long i = p / 6, j = p / 2 % 3, k = p % 2; /* last factor fastest */
        ok = ok && d->x[p * 3] == a[i] && d->x[p * 3 + 1] == b[j] && d->x[p * 3 + 2] == c[k];
    }
    aim_test(ok, "grid: full factorial, last factor fastest");
    aim_test(!strcmp(d->keys[0], "a") && !strcmp(d->keys[2], "c"), "grid: keys in the factors' order");
    aim_design_free(d);
}

static void test_random(void)
{
    struct aim_design_factor f[2] = {range_factor("x", 0, 1), range_factor("y", 0, 1)};
    long n = 4096;
    struct aim_design *d1 = make(AIM_DESIGN_RANDOM, n, 7, 2, f), *d2 = make(AIM_DESIGN_RANDOM, n, 7, 2, f);
    struct aim_design *d3 = make(AIM_DESIGN_RANDOM, n, 8, 2, f);
    if (!d1 || !d2 || !d3) {
        return;
    }
    aim_test(memcmp(d1->x, d2->x, (size_t)n * 2 * sizeof(double)) == 0,
             "random: the same seed gives the same points");
    aim_test(memcmp(d1->x, d3->x, (size_t)n * 2 * sizeof(double)) != 0,
             "random: another seed gives other points");
    double m = 0, v = 0, c = 0;
    for (long i = 0; i < n; i++) {
        m += d1->x[2 * i];
    }
    m /= n;
    for (long i = 0; i < n; i++) {
        v += (d1->x[2 * i] - m) * (d1->x[2 * i] - m);
        c += (d1->x[2 * i] - 0.5) * (d1->x[2 * i + 1] - 0.5);
    }
    v /= n - 1;
    c /= n;
    /* Uniform: mean 1/2 (sd sqrt(1/12 n)), variance 1/12 (sd sqrt(1/180 n)), covariance 0 (sd 1/(12 sqrt n)).
     */
    aim_test_abs(m, 0.5, 4 * sqrt(1.0 / (12.0 * n)), "random: mean 1/2 within 4 standard errors");
    aim_test_abs(v, 1.0 / 12, 4 * sqrt(1.0 / (180.0 * n)), "random: variance 1/12 within 4 standard errors");
    aim_test_abs(c, 0, 4 / (12 * sqrt((double)n)), "random: columns uncorrelated within 4 standard errors");
    aim_design_free(d1);
    aim_design_free(d2);
    aim_design_free(d3);
}

static void test_lhs(void)
{
    struct aim_design_factor f[4] = {range_factor("a", 0, 1), range_factor("b", 0, 1),
                                     range_factor("c", 0, 1), range_factor("d", 0, 1)};
    long n = 53;
    struct aim_design *d1 = make(AIM_DESIGN_LHS, n, 2025, 4, f), *d2 = make(AIM_DESIGN_LHS, n, 2025, 4, f);
    struct aim_design *d3 = make(AIM_DESIGN_LHS, n, 2026, 4, f);
    if (!d1 || !d2 || !d3) {
        return;
    }
    for (int j = 0; j < 4; j++) {
        int seen[53] = {0}, ok = 1;
        for (long i = 0; i < n; i++) {
            double u = d1->x[i * 4 + j];
            long s = (long)floor(u * n);
            ok = ok && u >= 0 && u < 1 && s >= 0 && s < n && !seen[s];
            if (s >= 0 && s < n) {
                seen[s] = 1;
            }
        }
        aim_test(ok, "lhs: factor %d has one point in each of the %ld strata", j, n);
    }
    aim_test(memcmp(d1->x, d2->x, (size_t)n * 4 * sizeof(double)) == 0,
             "lhs: the same seed gives the same points");
    aim_test(memcmp(d1->x, d3->x, (size_t)n * 4 * sizeof(double)) != 0,
             "lhs: another seed gives other points");
    aim_design_free(d1);
    aim_design_free(d2);
    aim_design_free(d3);
}

static void test_morris(int levels)
{
    const double vals[] = {1, 2, 3, 4, 5, 6};
    struct aim_design_factor f[5] = {range_factor("a", 0, 1),
                                     range_factor("b", 0, 1),
                                     range_factor("c", 0, 1),
                                     range_factor("d", 0, 1),
                                     {.key = "e", .values = vals, .n_values = levels}};
    long r = 20;
    struct aim_design_spec spec = {
        .kind = AIM_DESIGN_MORRIS, .points = r, .seed = 11, .levels = levels, .n_factors = 5, .factors = f};
    struct aim_design *d = NULL;
    aim_test(aim_design_create(&spec, &d) == AIM_OK, "morris(%d): created", levels);
    if (!d) {
        return;
    }
    aim_test(d->n_points == r * 6, "morris(%d): r (D + 1) = %ld points (%ld)", levels, r * 6, d->n_points);
    double delta = levels / (2.0 * (levels - 1));
    int one_at_a_time = 1, each_once = 1, on_grid = 1, step_ok = 1, moved_values = 1;
    for (long t = 0; t < r; t++) {
        int moved[5] = {0};
        for (int s = 0; s < 6; s++) {
            const double *row = d->x + (t * 6 + s) * 5;
            for (int j = 0; j < 4; j++) {
                double k = row[j] * (levels - 1);
                on_grid = on_grid && fabs(k - round(k)) < 1e-12 && row[j] >= 0 && row[j] <= 1;
            }
            on_grid = on_grid && row[4] >= 1 && row[4] <= levels && row[4] == round(row[4]);
            if (s == 0) {
                continue;
            }
            const double *prev = row - 5;
            int changed = 0;
            for (int j = 0; j < 5; j++) {
                if (row[j] != prev[j]) {
                    changed++;
                    moved[j]++;
                    if (j < 4) {
                        step_ok = step_ok && fabs(fabs(row[j] - prev[j]) - delta) < 1e-12;
                    } else {
                        /* a values factor on L levels moves by L/2 values */
                        moved_values = moved_values && fabs(row[j] - prev[j]) == levels / 2;
                    }
                }
            }
            one_at_a_time = one_at_a_time && changed == 1;
        }
        for (int j = 0; j < 5; j++) {
            each_once = each_once && moved[j] == 1;
        }
    }
    aim_test(one_at_a_time, "morris(%d): consecutive points of a trajectory differ in one factor", levels);
    aim_test(each_once, "morris(%d): each factor moves once per trajectory", levels);
    aim_test(step_ok, "morris(%d): each move is +-Delta = %g", levels, delta);
    aim_test(moved_values, "morris(%d): a values factor moves by levels/2 values", levels);
    aim_test(on_grid, "morris(%d): every value lies on the %d-level grid", levels, levels);
    /* The unit-cube points the values came from (what aimsim sensitivity divides by). */
    int u_ok = d->u != NULL && d->n_base == r * 6 && d->n_factors == 5;
    for (long p = 0; u_ok && p < d->n_base; p++) {
        for (int j = 0; j < 5; j++) {
            u_ok = u_ok && d->u[p * 5 + j] >= 0 && d->u[p * 5 + j] <= 1 &&
                   aim_design_map(&f[j], d->u[p * 5 + j]) == d->x[p * 5 + j];
        }
    }
    aim_test(u_ok, "morris(%d): u holds the unit points the values are mapped from", levels);
    aim_design_free(d);
}

static void test_saltelli(int second_order)
{
    enum { D = 3, N = 16 };
    struct aim_design_factor f[D] = {range_factor("a", 0, 1), range_factor("b", 0, 1),
                                     range_factor("c", 0, 1)};
    struct aim_design_spec spec = {
        .kind = AIM_DESIGN_SALTELLI, .points = N, .second_order = second_order, .n_factors = D, .factors = f};
    struct aim_design *d = NULL;
    aim_test(aim_design_create(&spec, &d) == AIM_OK, "saltelli(%d): created", second_order);
    if (!d) {
        return;
    }
    long blocks = second_order ? 2 * D + 2 : D + 2;
    aim_test(d->n_points == blocks * N, "saltelli(%d): N (%s) = %ld points (%ld)", second_order,
             second_order ? "2D + 2" : "D + 2", blocks * N, d->n_points);
    double s[N * 2 * D];
    aim_design_sobol(2 * D, N, s);
    int a_ok = 1, b_ok = 1, ab_ok = 1, ba_ok = 1;
    for (long i = 0; i < N; i++) {
        const double *A = s + i * 2 * D, *B = A + D;
        for (int j = 0; j < D; j++) {
            a_ok = a_ok && d->x[i * D + j] == A[j];
            b_ok = b_ok && d->x[(N + i) * D + j] == B[j];
            for (int k = 0; k < D; k++) {
                ab_ok = ab_ok && d->x[((2 + k) * N + i) * D + j] == (j == k ? B[j] : A[j]);
                if (second_order) {
                    ba_ok = ba_ok && d->x[((2 + D + k) * N + i) * D + j] == (j == k ? A[j] : B[j]);
                }
            }
        }
    }
    aim_test(a_ok, "saltelli(%d): block 0 is A, the first D columns of the 2D-dimensional Sobol points",
             second_order);
    aim_test(b_ok, "saltelli(%d): block 1 is B, their last D columns", second_order);
    aim_test(ab_ok, "saltelli(%d): block 2 + i is AB_i, A with column i from B", second_order);
    aim_test(ba_ok, "saltelli(%d): block 2 + D + i is BA_i, B with column i from A", second_order);
    aim_design_free(d);
}

static void test_map(void)
{
    const double v[] = {0.3, 2.385, -7};
    struct aim_design_factor fv = {.key = "v", .values = v, .n_values = 3};
    aim_test(aim_design_map(&fv, 0) == 0.3 && aim_design_map(&fv, 0.3333) == 0.3 &&
                 aim_design_map(&fv, 0.3334) == 2.385 && aim_design_map(&fv, 0.999) == -7 &&
                 aim_design_map(&fv, 1) == -7,
             "map: values by index floor(u n), u = 1 takes the last");
    struct aim_design_factor fl = range_factor("l", 0.5, 6);
    aim_test(aim_design_map(&fl, 0) == 0.5 && aim_design_map(&fl, 0.25) == 0.5 + 0.25 * 5.5 &&
                 aim_design_map(&fl, 1) == 6,
             "map: linear range lo + u (hi - lo)");
    struct aim_design_factor fg = range_factor("g", 0.01, 0.08);
    fg.log = 1;
    aim_test(aim_design_map(&fg, 0) == 0.01, "map: log range at u = 0 is lo");
    aim_test_rel(aim_design_map(&fg, 0.5), sqrt(0.01 * 0.08), 1e-15,
                 "map: log range at u = 1/2 is sqrt(lo hi)");
    aim_test_rel(aim_design_map(&fg, 1), 0.08, 1e-15, "map: log range at u = 1 is hi");
    struct aim_design_factor fi = range_factor("i", -3, 3);
    fi.integer = 1;
    aim_test(aim_design_map(&fi, 0.25) == -2 && aim_design_map(&fi, 0.75) == 2 &&
                 aim_design_map(&fi, 0.5) == 0,
             "map: integer keys round to nearest, ties away from zero (-1.5 -> -2, 1.5 -> 2)");
}

static void test_cross(void)
{
    const double a[] = {1, 2}, s1[] = {10, 20}, s2[] = {0.5, 0.25, 0.125};
    struct aim_design_factor f = {.key = "a", .values = a, .n_values = 2};
    struct aim_design_factor c[2] = {{.key = "s1", .values = s1, .n_values = 2},
                                     {.key = "s2", .values = s2, .n_values = 3}};
    struct aim_design_spec spec = {
        .kind = AIM_DESIGN_GRID, .n_factors = 1, .factors = &f, .n_cross = 2, .cross = c};
    struct aim_design *d = NULL;
    aim_test(aim_design_create(&spec, &d) == AIM_OK, "cross: created");
    if (!d) {
        return;
    }
    aim_test(d->n_points == 12 && d->n_cols == 3 && !strcmp(d->keys[1], "s1") && !strcmp(d->keys[2], "s2"),
             "cross: 2 design points x 6 scenarios = 12 points, design columns then cross columns");
    aim_test(d->u == NULL && d->n_base == 2 && d->n_factors == 1,
             "cross: a grid has no unit points (u NULL); n_base 2 design points before crossing");
    int ok = 1;
    for (long p = 0; p < 12; p++) {
        long i = p % 2, sc = p / 2;
        ok = ok && d->x[p * 3] == a[i] && d->x[p * 3 + 1] == s1[sc / 3] && d->x[p * 3 + 2] == s2[sc % 3];
    }
    aim_test(ok, "cross: point p is design point p %% n of scenario p / n (last cross factor fastest)");
    aim_design_free(d);
}

/* Writes text to a temporary file; returns its path (static buffer per call). */
static const char *write_tmp(char *path, size_t size, const char *name, const char *text)
{
    const char *dir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    snprintf(path, size, "%s/aim_test_design_%ld_%s", dir, (long)getpid(), name);
    FILE *f = fopen(path, "wb");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
    return path;
}

static void test_csv(void)
{
    struct aim_design_factor f[2] = {{.key = "deals.kappa"}, {.key = "investors.count", .integer = 1}};
    struct aim_design_spec spec = {.kind = AIM_DESIGN_CSV, .n_factors = 2, .factors = f};
    char path[512];
    struct aim_design *d = NULL;
    spec.csv_path = write_tmp(path, sizeof path, "ok.csv",
                              "point,deals.kappa,investors.count\n0,2.385,100.5\n1,0.5,7\r\n");
    aim_test(aim_design_create(&spec, &d) == AIM_OK, "csv: a table with a point column reads (%s)",
             aim_error_message());
    if (d) {
        aim_test(d->n_points == 2 && d->x[0] == 2.385 && d->x[1] == 101 && d->x[2] == 0.5 && d->x[3] == 7,
                 "csv: values as written, integer keys rounded");
        aim_design_free(d);
        d = NULL;
    }
    remove(path);
    spec.csv_path = write_tmp(path, sizeof path, "nopoint.csv", "deals.kappa,investors.count\n3,4");
    aim_test(aim_design_create(&spec, &d) == AIM_OK && d && d->n_points == 1 && d->x[0] == 3,
             "csv: a table without a point column and without a final newline reads");
    aim_design_free(d);
    d = NULL;
    remove(path);
    static const struct {
        const char *name, *text, *phrase;
    } bad[] = {
        {"key.csv", "point,deals.kapa,investors.count\n0,1,2\n",
         ":1: column 2 of the header is 'deals.kapa'"},
        {"missing.csv", "deals.kappa\n1\n",
         ":1: the header names 1 of the 2 factors; 'investors.count' is missing"},
        {"extra.csv", "deals.kappa,investors.count,x\n", ":1: the header has more columns"},
        {"number.csv", "deals.kappa,investors.count\n1,2\n3,abc\n",
         ":3: field 2 is 'abc'; expected a finite number"},
        {"nan.csv", "deals.kappa,investors.count\nnan,2\n", ":2: field 1 is 'nan'"},
        {"point.csv", "point,deals.kappa,investors.count\n0,1,2\n2,1,2\n", ":3: point is 2; expected 1"},
        {"short.csv", "deals.kappa,investors.count\n1\n", ":2: 1 fields; expected 2"},
        {"long.csv", "deals.kappa,investors.count\n1,2,3\n", ":2: more than 2 fields"},
        {"blank.csv", "deals.kappa,investors.count\n1,2\n\n3,4\n", ":3: empty line"},
        {"empty.csv", "", "the design table is empty"},
        {"header.csv", "deals.kappa,investors.count\n", "has a header but no points"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        spec.csv_path = write_tmp(path, sizeof path, bad[i].name, bad[i].text);
        enum aim_status st = aim_design_create(&spec, &d);
        aim_test(st == AIM_ERR_CONFIG, "csv %s: refused (exit 2)", bad[i].name);
        aim_test_contains(aim_error_message(), bad[i].phrase, "csv %s: the message says where and what",
                          bad[i].name);
        aim_test_contains(aim_error_message(), path, "csv %s: the message names the file", bad[i].name);
        remove(path);
    }
    spec.csv_path = "/nonexistent/points.csv";
    aim_test(aim_design_create(&spec, &d) == AIM_ERR_CONFIG, "csv: a missing file is a config error");
    aim_test_contains(aim_error_message(), "/nonexistent/points.csv: cannot open",
                      "csv: the missing file is named");
}

static void test_limits(void)
{
    double v[64];
    for (int i = 0; i < 64; i++) {
        v[i] = i;
    }
    struct aim_design_factor f[6];
    for (int j = 0; j < 6; j++) {
        f[j] = (struct aim_design_factor){.key = "k", .values = v, .n_values = 64};
    }
    struct aim_design_spec spec = {.kind = AIM_DESIGN_GRID, .n_factors = 6, .factors = f};
    struct aim_design *d = NULL;
    aim_test(aim_design_create(&spec, &d) == AIM_ERR_CONFIG, "a grid of 64^6 points is refused");
    aim_test_contains(aim_error_message(), "more than 2^30", "the message gives the limit");
    spec.n_factors = 0;
    aim_test(aim_design_create(&spec, &d) == AIM_ERR_CONFIG, "a design without factors is refused");
    struct aim_design_factor u = {.key = "u", .lo = 0, .hi = 1};
    struct aim_design_spec morris = {
        .kind = AIM_DESIGN_MORRIS, .points = 2, .levels = 5, .n_factors = 1, .factors = &u};
    aim_test(aim_design_create(&morris, &d) == AIM_ERR_CONFIG, "morris with odd levels is refused");
    struct aim_design_spec sobol = {.kind = AIM_DESIGN_SOBOL, .points = 0, .n_factors = 1, .factors = &u};
    aim_test(aim_design_create(&sobol, &d) == AIM_ERR_CONFIG, "a sampling design of 0 points is refused");
    aim_test_contains(aim_error_message(), "no points", "the message says there are no points");
}

int main(void)
{
    test_sobol_golden();
    test_grid();
    test_random();
    test_lhs();
    test_morris(4);
    test_morris(6);
    test_saltelli(0);
    test_saltelli(1);
    test_map();
    test_cross();
    test_csv();
    test_limits();
    return aim_test_summary();
}
