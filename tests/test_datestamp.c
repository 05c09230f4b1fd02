/* Date-stamping against published tables: exuber's README datestamp() of sim_data (with the 95%
 * bsadf_cv of radf_crit for n = 100) and psymonitor's ten S&P 500 episodes (BIC, max lag 6, with
 * the 95% wild-bootstrap cv 0.8283287701851848); plus edge cases. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/csv.h"
#include "analysis/datestamp.h"
#include "analysis/psy.h"
#include "tests/aim_test.h"
#include "tests/aim_test_csv.h"

/* exuber README (summary and datestamp of radf(sim_data)), as quoted in reference/README.md §2.2. */
struct published {
    const char *series;
    int n;
    size_t ep[3][4];
};
static const struct published readme[] = {
    {"psy1", 1, {{44, 48, 56, 12}}},
    {"psy2", 2, {{22, 40, 41, 19}, {62, 70, 71, 9}}},
    {"evans", 3, {{20, 20, 21, 1}, {44, 44, 45, 1}, {66, 67, 68, 2}}},
    {"div", 0, {{0}}},
    {"blan", 2, {{34, 36, 37, 3}, {84, 86, 87, 3}}},
};

static void test_sim_data(void)
{
    struct aim_csv *data = aim_test_csv_open("exuber_sim_data.csv");
    struct aim_csv *seq = aim_test_csv_open("exuber_radf_crit_sequences.csv");
    struct aim_csv *scal = aim_test_csv_open("exuber_radf_crit_scalar.csv");
    if (!data || !seq || !scal) {
        aim_csv_free(data), aim_csv_free(seq), aim_csv_free(scal);
        return;
    }
    /* 95% bsadf_cv for n = 100, t = 20..100, and the 95% gsadf_cv of n = 100. */
    double cv[100];
    size_t ncv = 0, first_cv = 0;
    for (size_t q = 0; q < aim_csv_rows(seq); q++) {
        if (aim_test_csv_number(seq, q, "n") == 100.0) {
            if (ncv == 0) {
                first_cv = (size_t)aim_test_csv_number(seq, q, "t");
            }
            cv[ncv++] = aim_test_csv_number(seq, q, "bsadf_cv_95");
        }
    }
    double gsadf_cv = NAN;
    for (size_t q = 0; q < aim_csv_rows(scal); q++) {
        if (aim_test_csv_number(scal, q, "n") == 100.0) {
            gsadf_cv = aim_test_csv_number(scal, q, "gsadf_95");
        }
    }
    aim_test(ncv == 81 && first_cv == 20, "radf_crit n = 100: 81 bsadf cvs from t = 20");
    aim_test_abs(gsadf_cv, 1.9741, 5e-5, "radf_crit n = 100 gsadf 95%% cv is 1.9741 (README)");

    size_t n = aim_csv_rows(data);
    double *y = malloc(n * sizeof *y);
    for (size_t s = 0; s < sizeof readme / sizeof readme[0]; s++) {
        size_t col;
        aim_csv_column(data, readme[s].series, &col);
        aim_csv_column_numbers(data, col, y);
        struct aim_psy_options o;
        aim_psy_options_init(&o);
        o.window_min = 19;
        struct aim_psy_result *r = NULL;
        if (aim_psy_result_create(&r, y, n, &o) != AIM_OK) {
            aim_test(0, "%s: psy runs (%s)", readme[s].series, aim_error_message());
            continue;
        }
        struct aim_datestamp_episode ep[64];
        size_t ne = 0;
        int stamped = r->gsadf > gsadf_cv;
        if (stamped) {
            enum aim_status st = aim_datestamp_find(r->bsadf, r->count, r->first_t, cv, ncv, ep, &ne);
            aim_test(st == AIM_OK && r->first_t == first_cv, "%s: datestamp runs", readme[s].series);
        }
        int ok = (size_t)readme[s].n == ne && stamped == (readme[s].n > 0);
        char got[512] = "";
        for (size_t e = 0; e < ne; e++) {
            size_t len = strlen(got);
            snprintf(got + len, sizeof got - len, "(%zu,%zu,%zu,%zu%s) ", ep[e].start, ep[e].peak, ep[e].end,
                     ep[e].duration, ep[e].ongoing ? " ongoing" : "");
            if (e < 3) {
                ok = ok && ep[e].start == readme[s].ep[e][0] && ep[e].peak == readme[s].ep[e][1] &&
                     ep[e].end == readme[s].ep[e][2] && ep[e].duration == readme[s].ep[e][3] &&
                     !ep[e].ongoing;
            }
        }
        aim_test(ok, "%s: exuber README datestamp table reproduced: %s%s", readme[s].series, got,
                 stamped ? "" : "(not stamped: gsadf below the 95% cv)");
        aim_psy_result_free(r);
    }
    free(y);
    aim_csv_free(data);
    aim_csv_free(seq);
    aim_csv_free(scal);
}

static void test_snp(void)
{
    struct aim_csv *data = aim_test_csv_open("psymonitor_snp.csv");
    struct aim_csv *ref = aim_test_csv_open("expected_snp_bsadf.csv");
    if (!data || !ref) {
        aim_csv_free(data), aim_csv_free(ref);
        return;
    }
    size_t n = aim_csv_rows(data), dcol, fcol;
    aim_csv_column(data, "date", &dcol);
    aim_csv_column(ref, "flag95_vignette", &fcol);
    double *pd = malloc(n * sizeof *pd);
    for (size_t i = 0; i < n; i++) {
        pd[i] = 1.0 / aim_test_csv_number(data, i, "dividend_yield");
    }
    struct aim_psy_options o;
    aim_psy_options_init(&o);
    o.convention = AIM_PSY_PSYMONITOR;
    o.window_min = 47;
    o.ic = AIM_PSY_IC_BIC;
    o.lag = 6;
    struct aim_psy_result *r = NULL;
    if (aim_psy_result_create(&r, pd, n, &o) != AIM_OK) {
        aim_test(0, "S&P BIC runs (%s)", aim_error_message());
        goto done;
    }
    const double cv = 0.8283287701851848;
    size_t mismatch = 0;
    for (size_t i = 0; i < r->count; i++) {
        int flag = r->bsadf[i] > cv;
        if (flag != (int)aim_test_csv_number(ref, i, "flag95_vignette")) {
            mismatch++;
        }
    }
    aim_test(mismatch == 0,
             "S&P: flags above cv 0.82833 equal psymonitor's flag95 on all %zu months (%zu differ)", r->count,
             mismatch);
    struct aim_datestamp_episode ep[300];
    size_t ne = 0;
    aim_test(aim_datestamp_find(r->bsadf, r->count, r->first_t, &cv, 1, ep, &ne) == AIM_OK,
             "S&P: datestamp with a scalar cv runs");
    /* The vignette's periods: first and last flagged month of each run. */
    static const char *const want[10][2] = {
        {"1986-06", "1986-06"}, {"1987-08", "1987-08"}, {"1996-01", "1996-01"}, {"1996-05", "1996-05"},
        {"1996-11", "1996-11"}, {"1997-01", "1997-02"}, {"1997-04", "1998-07"}, {"1998-09", "2000-10"},
        {"2000-12", "2001-01"}, {"2008-10", "2009-02"},
    };
    aim_test(ne == 10, "S&P: %zu episodes (psymonitor vignette lists 10)", ne);
    for (size_t e = 0; e < ne && e < 10; e++) {
        const char *s = aim_csv_cell(data, ep[e].start - 1, dcol);
        const char *l = aim_csv_cell(data, ep[e].end - 2, dcol);
        aim_test(strncmp(s, want[e][0], 7) == 0 && strncmp(l, want[e][1], 7) == 0 && !ep[e].ongoing &&
                     ep[e].duration == ep[e].end - ep[e].start,
                 "S&P episode %zu: %.7s to %.7s (vignette %s to %s)", e + 1, s, l, want[e][0], want[e][1]);
    }
done:
    aim_psy_result_free(r);
    free(pd);
    aim_csv_free(data);
    aim_csv_free(ref);
}

static void test_edges(void)
{
    const double stat[] = {2.385, -1.0, 0.5, 0.7, 0.7, -2.0, 0.9, 1.4};
    const double cv1 = 0.45;
    struct aim_datestamp_episode ep[4];
    size_t ne = 99;
    aim_test(aim_datestamp_find(stat, 8, 11, &cv1, 1, ep, &ne) == AIM_OK && ne == 3, "edge: three runs (%zu)",
             ne);
    aim_test(ep[0].start == 11 && ep[0].end == 12 && ep[0].duration == 1 && ep[0].peak == 11 &&
                 !ep[0].ongoing,
             "edge: a run at the first t starts there and ends at the next t");
    aim_test(ep[1].start == 13 && ep[1].end == 16 && ep[1].peak == 14 && ep[1].duration == 3,
             "edge: tied peak goes to the first maximum");
    aim_test(ep[2].start == 17 && ep[2].end == 19 && ep[2].duration == 2 && ep[2].ongoing && ep[2].peak == 18,
             "edge: a run reaching the last t is ongoing with End = T+1");
    /* Per-t critical values: only t where stat > cv[t] count. */
    const double cvs[] = {3.0, 3.0, 0.4, 0.8, 0.6, 0.0, 0.0, 2.0};
    aim_test(aim_datestamp_find(stat, 8, 1, cvs, 8, ep, &ne) == AIM_OK && ne == 3 && ep[0].start == 3 &&
                 ep[0].end == 4 && ep[1].start == 5 && ep[1].end == 6 && ep[2].start == 7 && !ep[2].ongoing,
             "edge: per-t critical values");
    const double none = 5.0;
    aim_test(aim_datestamp_find(stat, 8, 1, &none, 1, ep, &ne) == AIM_OK && ne == 0,
             "edge: nothing above cv");
    aim_error_clear();
    aim_test(aim_datestamp_find(stat, 8, 1, cvs, 3, ep, &ne) == AIM_ERR_USAGE,
             "error: 3 cvs for 8 statistics");
    aim_test_contains(aim_error_message(), "3 critical values for 8", "error message names the counts");
    const double nan_cv = NAN;
    aim_test(aim_datestamp_find(stat, 8, 1, &nan_cv, 1, ep, &ne) == AIM_ERR_NUMERIC, "error: NaN cv");
    aim_test(aim_datestamp_find(stat, 8, 0, &cv1, 1, ep, &ne) == AIM_ERR_USAGE, "error: first t 0");
}

int main(void)
{
    test_sim_data();
    test_snp();
    test_edges();
    return aim_test_summary();
}
