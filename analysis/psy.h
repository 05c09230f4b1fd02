/* Phillips–Shi–Yu (2015) and Phillips–Wu–Yu (2011) right-tailed unit-root tests: ADF, SADF,
 * GSADF and the BADF/BSADF sequences used to date-stamp bubbles (MODEL.md §10, bubble risk).
 *
 * The regression on a window of levels y[r1..r2] is
 *     Δy_t = a + b y_{t-1} + Σ_{j=1..k} φ_j Δy_{t-j} + e_t,   t = r1+k+1 .. r2,
 * so a window of L levels has L-1-k rows; the statistic is b / se(b) with s² = RSS/(rows-(k+2)).
 * BADF(t) is the ADF of y[1..t]; BSADF(t) is the largest ADF over the windows y[r1..t] of at least
 * the minimum length; SADF = max BADF, GSADF = max BSADF.
 *
 * Minimum window: exuber's `minw` counts regression rows, psymonitor's `swindow0` counts levels;
 * exuber minw = m with lag k is psymonitor swindow0 = m+1+k. Both default the number to
 * floor((0.01 + 1.8/sqrt(T)) T).
 *
 * Lag selection by AIC/BIC copies psymonitor (Shi's MATLAB code): every k in 0..K is fitted on
 * rows k+1..T1 of the window (T1 = L-1), the criterion is -2 npdf/t + penalty with t = T1-K fixed,
 * npdf = Σ(-½ log 2π - ½ e²) from the raw residuals, the first minimiser wins, and the t-statistic
 * uses dof = t-K-2 whatever k is chosen.
 *
 * Cost: for each window end the cross-product matrix of (1, lags, y_{t-1}, Δy_t) is updated one row
 * at a time as the window grows backwards, so each window costs O(k²) plus a (k+3)-sized
 * elimination: O(T² k³) in all (O(T² K⁴) with IC). */
#ifndef AIM_PSY_H
#define AIM_PSY_H

#include <stddef.h>

#include "sim/error.h"

/** Largest lag (or maximum lag for IC selection) accepted. */
#define AIM_PSY_MAX_LAG 24

/** @brief How the minimum window length is counted. */
enum aim_psy_convention {
    AIM_PSY_EXUBER = 0,    /* window_min counts regression rows (exuber radf minw) */
    AIM_PSY_PSYMONITOR = 1 /* window_min counts levels (psymonitor PSY swindow0) */
};

/** @brief Lag selection: fixed lag, or psymonitor's AIC/BIC rule up to a maximum lag. */
enum aim_psy_ic { AIM_PSY_IC_NONE = 0, AIM_PSY_IC_AIC = 1, AIM_PSY_IC_BIC = 2 };

/** @brief Settings of one PSY computation. */
struct aim_psy_options {
    int lag;                            /* fixed lag, or maximum lag when ic != NONE */
    enum aim_psy_ic ic;                 /* lag selection */
    long window_min;                    /* <= 0: the default floor((0.01+1.8/sqrt(T))T) */
    enum aim_psy_convention convention; /* what window_min counts */
    /* Progress of aim_psy_sequences (NULL: none): done out of total regression windows, called
     * after each window end from the calling thread. */
    void (*progress)(void *ctx, double done, double total);
    void *progress_ctx;
};

/** @brief Results of aim_psy_result_create: statistics and sequences for t = first_t..n. */
struct aim_psy_result {
    size_t n;          /* series length T */
    size_t min_levels; /* shortest window in levels (= first_t) */
    size_t first_t;    /* 1-based observation of badf[0] and bsadf[0] */
    size_t count;      /* n - min_levels + 1 values in badf and bsadf */
    double adf, sadf, gsadf;
    double *badf;  /* ADF of y[1..t] */
    double *bsadf; /* max over r1 of ADF of y[r1..t] */
};

/** @brief Fills options with exuber's defaults: lag 0, no IC, default window, exuber convention. */
void aim_psy_options_init(struct aim_psy_options *opt);

/** @brief The default minimum window floor((0.01 + 1.8/sqrt(T)) T) that both packages use. */
long aim_psy_default_window(size_t n);

/** @brief Minimum window in levels for a series of n values; errors if the options cannot work. */
enum aim_status aim_psy_min_levels(const struct aim_psy_options *opt, size_t n, size_t *min_levels);

/** @brief The exponent e that brings max|y| into [0.5, 1) by y 2^-e when max|y| lies outside
 * [2^-64, 2^64], else 0. The ADF t-statistic is invariant to scaling y, multiplying by a power of two
 * is exact, and without it the cross products of 1e300-scale data overflow and those of
 * 1e-300-scale data underflow; aim_psy_sequences applies it for a fixed lag. */
int aim_psy_scale_exponent(const double *y, size_t n);
/** @brief For a fixed lag (ic none) and a series aim_psy_scale_exponent would rescale, *scaled is
 * a malloc'd copy y 2^-e to test instead of y; otherwise *scaled is NULL (test y itself). */
enum aim_status aim_psy_scaled_copy(const double *y, size_t n, enum aim_psy_ic ic, double **scaled);
/** @brief Checks that a series can be tested: finite values, not constant, long enough, and with
 * --ic (whose criterion uses raw residuals, so it cannot be rescaled) within the range where the
 * cross products neither overflow nor underflow. */
enum aim_status aim_psy_check_series(const double *y, size_t n, const struct aim_psy_options *opt);

/** @brief ADF statistic of the whole series y[0..n-1] (with IC selection if asked). */
enum aim_status aim_psy_adf(const double *y, size_t n, const struct aim_psy_options *opt, double *stat);

/** @brief BADF and BSADF sequences into caller arrays of n - min_levels + 1 values (NULL skips);
 * does not validate the series (aim_psy_check_series does), allocates only for IC selection. */
enum aim_status aim_psy_sequences(const double *y, size_t n, const struct aim_psy_options *opt, double *badf,
                                  double *bsadf);

/** @brief Validates the series and computes ADF, SADF, GSADF, BADF and BSADF into a new result. */
enum aim_status aim_psy_result_create(struct aim_psy_result **res, const double *y, size_t n,
                                      const struct aim_psy_options *opt);

/** @brief Frees a result (NULL is fine). */
void aim_psy_result_free(struct aim_psy_result *res);

#endif
