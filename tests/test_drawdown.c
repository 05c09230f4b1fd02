/* Drawdown, crash flag, default steps and cascades on hand-made series whose answers are derived
 * in the comments, plus a brute-force check of the definitions on a long random series. */
#include <math.h>
#include <string.h>

#include "analysis/drawdown.h"
#include "tests/aim_test.h"

static void test_slow_decline(void)
{
    /* V(t) = 2.385 * 0.96^t, t = 0..24. Within 12 months the fall is 1 - 0.96^12 = 0.38729 < 0.4: no
     * crash at W = 12, although the whole fall 1 - 0.96^24 = 0.62494 is deeper. With W = 13 the fall
     * 1 - 0.96^13 = 0.41180 >= 0.4 first happens at t = 13 (at t = 12 it is still 0.387). */
    double v[25];
    v[0] = 2.385;
    for (int t = 1; t < 25; t++) {
        v[t] = v[t - 1] * 0.96;
    }
    struct aim_drawdown d;
    aim_test(aim_drawdown_compute(v, 25, 12, 0.4, &d) == AIM_OK, "slow decline W=12");
    aim_test_rel(d.max_drawdown, 1.0 - pow(0.96, 24), 1e-12, "slow: MDD = 1 - 0.96^24");
    aim_test(d.peak == 0 && d.trough == 24, "slow: peak 0, trough 24");
    aim_test_rel(d.max_window_drawdown, 1.0 - pow(0.96, 12), 1e-12, "slow: window drawdown 1 - 0.96^12");
    aim_test(d.crash == 0 && d.crash_step == -1, "slow: no crash within 12 months");
    aim_test(aim_drawdown_compute(v, 25, 13, 0.4, &d) == AIM_OK, "slow decline W=13");
    aim_test(d.crash == 1 && d.crash_step == 13, "slow: W=13 crashes at t=13 (got %d)", d.crash_step);
    aim_test_rel(d.max_window_drawdown, 1.0 - pow(0.96, 13), 1e-12, "slow: W=13 window drawdown 1 - 0.96^13");
}

static void test_old_peak(void)
{
    /* V(0) = 100, V(1..12) = 61 (a 39% fall: no crash), V(13) = 59.9. At t = 13 the 12-month window
     * is [1, 13] with peak 61, fall 1 - 59.9/61 = 0.018: no crash, though MDD = 1 - 59.9/100 = 0.401
     * >= 0.4 (peak 0, trough 13). With W = 13, window [0, 13] holds the peak 100: crash at t = 13. */
    double v[14];
    v[0] = 100.0;
    for (int t = 1; t <= 12; t++) {
        v[t] = 61.0;
    }
    v[13] = 59.9;
    struct aim_drawdown d;
    aim_test(aim_drawdown_compute(v, 14, 12, 0.4, &d) == AIM_OK, "old peak W=12");
    aim_test_rel(d.max_drawdown, 1.0 - 59.9 / 100.0, 1e-14, "old peak: MDD 0.401");
    aim_test(d.peak == 0 && d.trough == 13, "old peak: peak 0, trough 13");
    aim_test(d.crash == 0 && d.crash_step == -1, "old peak: the 40.1%% fall took 13 months, no crash");
    aim_test_rel(d.max_window_drawdown, 0.39, 1e-12, "old peak: deepest 12-month fall is 0.39 (t = 1..12)");
    aim_test(aim_drawdown_compute(v, 14, 13, 0.4, &d) == AIM_OK && d.crash == 1 && d.crash_step == 13,
             "old peak: W=13 crashes at t=13");
}

static void test_boundary(void)
{
    /* c = 0.375: 1 - c = 0.625 and 0.625 * 8 = 5 exactly, so a fall from 8 to 5 counts (>=), and
     * one to 5.000000001 does not. */
    const double exact[] = {8.0, 6.5, 5.0};
    const double above[] = {8.0, 6.5, 5.000000001};
    struct aim_drawdown d;
    aim_test(aim_drawdown_compute(exact, 3, 12, 0.375, &d) == AIM_OK && d.crash == 1 && d.crash_step == 2,
             "fall of exactly c is a crash");
    aim_test(aim_drawdown_compute(above, 3, 12, 0.375, &d) == AIM_OK && d.crash == 0 && d.crash_step == -1,
             "fall just short of c is not");
    /* The fall from 8 at t = 0 to 5 at t = 2 needs a window of 2 months; W = 1 sees only 6.5 -> 5
     * (23%) and 8 -> 6.5 (18.75%). */
    aim_test(aim_drawdown_compute(exact, 3, 1, 0.375, &d) == AIM_OK && d.crash == 0,
             "W=1 misses a 2-month fall");
    aim_test(aim_drawdown_compute(exact, 3, 2, 0.375, &d) == AIM_OK && d.crash == 1 && d.crash_step == 2,
             "W=2 sees it");
}

static void test_relative_depth(void)
{
    /* V = (10, 5, 100, 60): falls 0.5 (t=1, from 10) and 0.4 (t=3, from 100). The deepest drawdown is
     * relative, not absolute: MDD 0.5 from peak 0 to trough 1. c = 0.45 crashes at t = 1; c = 0.55 not. */
    const double v[] = {10.0, 5.0, 100.0, 60.0};
    double mdd;
    int peak, trough;
    aim_test(aim_drawdown_max(v, 4, &mdd, &peak, &trough) == AIM_OK, "relative depth");
    aim_test(mdd == 0.5 && peak == 0 && trough == 1, "MDD 0.5 at (0, 1), not the $40 fall");
    struct aim_drawdown d;
    aim_drawdown_compute(v, 4, 12, 0.45, &d);
    aim_test(d.crash_step == 1, "c=0.45: crash at t=1");
    aim_drawdown_compute(v, 4, 12, 0.55, &d);
    aim_test(d.crash == 0 && d.crash_step == -1, "c=0.55: no crash");
    aim_test(aim_drawdown_max(v, 4, &mdd, NULL, NULL) == AIM_OK && mdd == 0.5,
             "peak/trough outputs optional");
}

static void test_zeros_and_short(void)
{
    /* (0, 0, 5, 2.385, 0): no peak yet at t = 0, 1 (drawdown 0); from 5 the fall to 2.385 is 0.523
     * (crash at t = 3 for c = 0.4) and to 0 is total (MDD 1 at t = 4). */
    const double v[] = {0.0, 0.0, 5.0, 2.385, 0.0};
    struct aim_drawdown d;
    aim_test(aim_drawdown_compute(v, 5, 12, 0.4, &d) == AIM_OK, "zeros");
    aim_test(d.max_drawdown == 1.0 && d.peak == 2 && d.trough == 4, "zeros: MDD 1 from t=2 to t=4");
    aim_test(d.crash_step == 3 && d.max_window_drawdown == 1.0, "zeros: crash at t=3, window drawdown 1");
    const double one[] = {2.385};
    aim_test(aim_drawdown_compute(one, 1, 12, 0.4, &d) == AIM_OK && d.max_drawdown == 0.0 && d.crash == 0 &&
                 d.crash_step == -1 && d.peak == 0 && d.trough == 0,
             "one point: no drawdown");
    const double rising[] = {1.0, 2.0, 2.385, 3.0};
    aim_test(aim_drawdown_compute(rising, 4, 12, 0.4, &d) == AIM_OK && d.max_drawdown == 0.0 && d.crash == 0,
             "rising series: no drawdown");
}

/* A long log-random walk against the definitions written as double loops. */
static void test_brute_force(void)
{
    enum { T = 400 };
    double v[T];
    unsigned long long st = 2385;
    v[0] = 50.0;
    for (int t = 1; t < T; t++) {
        st = st * 6364136223846793005ULL + 1442695040888963407ULL;
        double u = (double)(st >> 11) / 9007199254740992.0;
        v[t] = v[t - 1] * exp(0.12 * (u - 0.52));
    }
    for (int w = 1; w <= 24; w += 5) {
        for (double c = 0.15; c < 0.5; c += 0.1) {
            double mdd = 0.0, wdd = 0.0;
            int first = -1;
            for (int t = 0; t < T; t++) {
                for (int s = 0; s <= t; s++) {
                    double dd = 1.0 - v[t] / v[s];
                    mdd = dd > mdd ? dd : mdd;
                    if (t - s <= w) {
                        wdd = dd > wdd ? dd : wdd;
                        if (first < 0 && v[t] <= (1.0 - c) * v[s]) {
                            first = t;
                        }
                    }
                }
            }
            struct aim_drawdown d = {0};
            enum aim_status st = aim_drawdown_compute(v, T, w, c, &d);
            aim_test(st == AIM_OK && d.crash_step == first && d.crash == (first >= 0),
                     "brute force W=%d c=%.2f: crash step %d (want %d)", w, c, d.crash_step, first);
            aim_test_rel(d.max_drawdown, mdd, 1e-15, "brute force W=%d c=%.2f: MDD", w, c);
            aim_test_rel(d.max_window_drawdown, wdd, 1e-15, "brute force W=%d c=%.2f: window drawdown", w, c);
            aim_test_rel(1.0 - v[d.trough] / v[d.peak], mdd, 1e-15, "brute force: MDD at (peak, trough)");
        }
    }
}

static void test_defaults(void)
{
    /* Three firms over six times: firm 0 defaults at t = 2, firm 1 never, firm 2 at t = 5. */
    double flags[6 * 3] = {0};
    for (int t = 2; t < 6; t++) {
        flags[t * 3 + 0] = 1.0;
    }
    flags[5 * 3 + 2] = 1.0;
    int step[3];
    aim_test(aim_drawdown_default_steps(flags, 6, 3, step) == AIM_OK && step[0] == 2 && step[1] == -1 &&
                 step[2] == 5,
             "default steps (2, -1, 5)");
    flags[4 * 3 + 0] = 0.0;
    aim_error_clear();
    aim_test(aim_drawdown_default_steps(flags, 6, 3, step) == AIM_ERR_FORMAT, "un-default is an error");
    aim_test_contains(aim_error_message(), "firm 0 returns from 1 (time 2) to 0 (time 4)",
                      "un-default message");
    flags[4 * 3 + 0] = 0.5;
    aim_test(aim_drawdown_default_steps(flags, 6, 3, step) == AIM_ERR_FORMAT, "flag 0.5 is an error");
    aim_test_contains(aim_error_message(), "firm 0 at time 4 is 0.5; must be 0 or 1", "flag 0.5 message");
    aim_test(aim_drawdown_default_steps(flags, 0, 3, step) == AIM_ERR_USAGE, "no times is an error");

    /* Defaults per month (0, 1, 2, 0, 0, 1, 1, 0, 3). link 1: months {1,2} -> 3, {5,6} -> 2, {8} -> 3.
     * link 2: {1,2} -> 3 (gap 2 -> 5 is 3 months), {5,6,8} -> 5. link 3: everything, 8. */
    const int counts[] = {0, 1, 2, 0, 0, 1, 1, 0, 3};
    int sizes[9];
    struct aim_defaults r;
    aim_test(aim_drawdown_cascades(counts, 9, 1, sizes, &r) == AIM_OK, "cascades link 1");
    aim_test(r.n_defaults == 8 && r.first_default == 1 && r.n_cascades == 3 && r.max_cascade == 3,
             "link 1: 8 defaults, first at 1, 3 cascades, largest 3");
    aim_test(sizes[0] == 3 && sizes[1] == 2 && sizes[2] == 3, "link 1: sizes 3, 2, 3");
    aim_test(aim_drawdown_cascades(counts, 9, 2, sizes, &r) == AIM_OK && r.n_cascades == 2 &&
                 r.max_cascade == 5 && sizes[0] == 3 && sizes[1] == 5,
             "link 2: sizes 3, 5");
    aim_test(aim_drawdown_cascades(counts, 9, 3, NULL, &r) == AIM_OK && r.n_cascades == 1 &&
                 r.max_cascade == 8,
             "link 3: one cascade of 8 (sizes optional)");
    const int none[] = {0, 0, 0};
    aim_test(aim_drawdown_cascades(none, 3, 1, sizes, &r) == AIM_OK && r.n_defaults == 0 &&
                 r.first_default == -1 && r.n_cascades == 0 && r.max_cascade == 0,
             "no defaults: nothing");
    const int same[] = {4};
    aim_test(aim_drawdown_cascades(same, 1, 1, sizes, &r) == AIM_OK && r.n_cascades == 1 &&
                 r.max_cascade == 4 && r.first_default == 0,
             "four defaults in one month are one cascade of 4");
    const int bad[] = {0, -1};
    aim_test(aim_drawdown_cascades(bad, 2, 1, sizes, &r) == AIM_ERR_USAGE, "negative count rejected");
    aim_test_contains(aim_error_message(), "month 1 is -1", "negative count message");
    aim_test(aim_drawdown_cascades(counts, 9, 0, sizes, &r) == AIM_ERR_USAGE, "link 0 rejected");
    aim_test(aim_drawdown_cascades(counts, 0, 1, sizes, &r) == AIM_ERR_USAGE, "no months rejected");
}

static void test_errors(void)
{
    const double v[] = {2.385, NAN, 1.0};
    const double neg[] = {2.385, -1.0};
    const double ok[] = {2.385, 1.0};
    struct aim_drawdown d = {.max_drawdown = 2.385};
    double mdd = 2.385;
    aim_test(aim_drawdown_compute(v, 3, 12, 0.4, &d) == AIM_ERR_NUMERIC && d.max_drawdown == 2.385,
             "NaN rejected, output untouched");
    aim_test_contains(aim_error_message(), "value at time 1 is nan", "NaN message");
    aim_test(aim_drawdown_max(neg, 2, &mdd, NULL, NULL) == AIM_ERR_NUMERIC && mdd == 2.385,
             "negative rejected");
    aim_test_contains(aim_error_message(), "time 1 is -1", "negative message");
    aim_test(aim_drawdown_max(ok, 0, &mdd, NULL, NULL) == AIM_ERR_USAGE, "empty series rejected");
    aim_test(aim_drawdown_compute(ok, 2, 0, 0.4, &d) == AIM_ERR_USAGE, "window 0 rejected");
    aim_test_contains(aim_error_message(), "crash window of 0 months", "window message");
    aim_test(aim_drawdown_compute(ok, 2, 12, 0.0, &d) == AIM_ERR_USAGE, "c = 0 rejected");
    aim_test(aim_drawdown_compute(ok, 2, 12, 1.0, &d) == AIM_ERR_USAGE, "c = 1 rejected");
    aim_test(aim_drawdown_compute(ok, 2, 12, NAN, &d) == AIM_ERR_USAGE, "c = NaN rejected");
    aim_test_contains(aim_error_message(), "strictly between 0 and 1", "c message");
}

int main(void)
{
    test_slow_decline();
    test_old_peak();
    test_boundary();
    test_relative_depth();
    test_zeros_and_short();
    test_brute_force();
    test_defaults();
    test_errors();
    return aim_test_summary();
}
