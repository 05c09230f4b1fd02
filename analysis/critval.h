/* Critical values of the PSY statistics.
 *
 * Monte Carlo under the random-walk null with exuber's design (`radf_crit`): y = cumsum(N(0,1)) of
 * length T, a constant in the regression, lag 0 (or the lag asked for), the default window unless
 * another is given. Replication j draws from aim_rng_stream(seed, 0, j, 0, AIM_RNG_ANALYSIS) and
 * writes its own slot, so the values are bitwise identical whatever the OpenMP thread count.
 * Quantiles are R's type 7. The per-t BSADF critical value is exuber's: the pointwise quantile of
 * cummax(BADF), i.e. of the SADF of y[1..t]. Results are cached on disk under
 * <cache dir>/psy-cv-T<T>-L<levels>-lag<k>-r<reps>-s<seed>.bin (cache dir: the option, else
 * $XDG_CACHE_HOME/aimsim, else $HOME/.cache/aimsim), written atomically (temporary file, fsync,
 * rename) and checked on reading (magic, key, size, FNV-1a checksum); a damaged file is recomputed.
 *
 * Wild bootstrap (psymonitor's cvPSYwmboot): residuals of the null model Δy = a + Σφ_j Δy_{t-j}
 * (lag by the same IC rule), bootstrap samples of length Tb built from the lag recursion with
 * Δy*_t = Σφ_j Δy*_{t-j} + w_t e_{u_t} (w ~ N(0,1), u uniform over the residuals), the first
 * levels equal to y[1]; the critical value is the quantile of max_t BSADF over each sample. */
#ifndef AIM_CRITVAL_H
#define AIM_CRITVAL_H

#include <stddef.h>
#include <stdint.h>

#include "analysis/psy.h"
#include "sim/error.h"

/** @brief Settings of the Monte Carlo critical values. */
struct aim_critval_options {
    int lag;                            /* fixed lag of the regression (exuber: 0) */
    long window_min;                    /* <= 0: default floor((0.01+1.8/sqrt(T))T) */
    enum aim_psy_convention convention; /* what window_min counts */
    int replications;                   /* exuber: 2000 */
    uint64_t seed;                      /* root seed of the replication streams */
    int threads;                        /* OpenMP threads; 0: the OpenMP default */
    int use_cache;                      /* 1: read and write the on-disk cache */
    const char *cache_dir;              /* NULL: $XDG_CACHE_HOME/aimsim or ~/.cache/aimsim */
    /* Progress of the replications (NULL: none): done out of total, called from one thread. */
    void (*progress)(void *ctx, double done, double total);
    void *progress_ctx;
};

/** @brief Critical values at 90, 95 and 99% (index 0, 1, 2) for a series of length n. */
struct aim_critval {
    size_t n, min_levels, first_t, count; /* BSADF critical values for t = first_t..n */
    int lag, replications;
    uint64_t seed;
    double adf[3], sadf[3], gsadf[3];
    double *bsadf;        /* count rows of 3 (90, 95, 99%) */
    int from_cache;       /* 1 if read from a valid cache file */
    int cache_recomputed; /* 1 if a damaged cache file was found and replaced */
    char cache_note[512]; /* why the cache could not be used or written ("" if it could) */
};

/** @brief Fills options with exuber's design: lag 0, default window (exuber convention), 2000
 * replications, seed 123, cache on in the default directory. */
void aim_critval_options_init(struct aim_critval_options *opt);

/** @brief Monte Carlo critical values for series of length n (from the cache when it holds them). */
enum aim_status aim_critval_create(struct aim_critval **cv, size_t n, const struct aim_critval_options *opt);

/** @brief The raw Monte Carlo draws behind aim_critval_create: per replication ADF, SADF, GSADF
 * (replications values each) and, unless NULL, cummax(BADF) as cummax[i * replications + j]. */
enum aim_status aim_critval_replications(size_t n, const struct aim_critval_options *opt, double *adf,
                                         double *sadf, double *gsadf, double *cummax);

/** @brief Frees critical values (NULL is fine). */
void aim_critval_free(struct aim_critval *cv);

/** @brief Path of the cache file for these settings, into buf (errors if it does not fit). */
enum aim_status aim_critval_cache_path(char *buf, size_t size, size_t n,
                                       const struct aim_critval_options *opt);

/** @brief R type-7 quantile of x[0..n-1] at probability p; sorts x in place. */
double aim_critval_quantile(double *x, size_t n, double p);

/** @brief psymonitor's wild-bootstrap critical values (90/95/99% into q) of max BSADF over samples
 * of length tb built from y's null-model residuals; psy gives window, lag and IC as for the test,
 * and its progress callback (if any) receives the samples done out of nboot. */
enum aim_status aim_critval_wild_bootstrap(const double *y, size_t n, const struct aim_psy_options *psy,
                                           size_t tb, int nboot, uint64_t seed, int threads, double q[3]);

#endif
