/* `aimsim analyze`: the indicators of MODEL.md 10 for every replica of a run file and across the
 * replicas of each sweep point, and the /analysis group that holds them (docs/analysis.md).
 *
 * Per replica and month: HHI, top-1 and top-3 share and Gini of valuations over all AI firms and per
 * layer (vendors, clouds, labs); HHI of cloud capacity, of GPU deliveries (vendors) and of end-demand
 * share (labs); commitment coverage = labs' outstanding commitments / (12 x monthly revenue + cash)
 * summed over labs not in default. Per replica: maximum drawdown, crash flag and step of the AI
 * market value (analysis/drawdown.h), defaults and cascades, and GSADF of its log with the bubble
 * flag GSADF > the 95% Monte Carlo critical value (analysis/psy.h, analysis/critval.h). Across the
 * replicas of a point: p5..p95 bands per month (R type 7), crash probability and bubble share with
 * Wilson 95% intervals. */
#ifndef AIM_ANALYZE_H
#define AIM_ANALYZE_H

#include <stddef.h>
#include <stdint.h>

#include "analysis/bands.h"
#include "sim/error.h"

/** Layers of concentration: all AI firms, then each kind of firm. */
enum { AIM_ANALYZE_ALL = 0, AIM_ANALYZE_VENDORS = 1, AIM_ANALYZE_CLOUDS = 2, AIM_ANALYZE_LABS = 3 };
#define AIM_ANALYZE_N_LAYERS 4
/** Series banded across replicas: ai_market_value, value_fundamental, circularity,
 * commitment_coverage, hhi (all AI firms). */
#define AIM_ANALYZE_N_BANDED 5

/** @brief What to compute; aim_analyze_options_init gives the defaults. */
struct aim_analyze_options {
    double crash_drawdown; /* <= 0: the run's analysis.crash_drawdown */
    int crash_window;      /* <= 0: the run's analysis.crash_window */
    int cascade_link;      /* defaults at most this many months apart are one cascade (1) */
    int bubble;            /* 1: GSADF per replica against Monte Carlo critical values */
    int cv_replications;   /* Monte Carlo replications of the critical values (2000) */
    uint64_t cv_seed;      /* their seed (123, as exuber's table) */
    int threads;           /* OpenMP threads for the critical values; 0: default */
    int use_cache;         /* 1: keep critical values in the on-disk cache */
    const char *cache_dir; /* NULL: the default cache directory */
    int partial;           /* 1: analyse the complete replicas of an unfinished run */
};

/** @brief Results; arrays indexed [point][replica] (pr), [point][replica][time] (prt),
 * [point][replica][time][layer] (prtl), [point][band series][quantile][time] (bands), [point]. */
struct aim_analysis {
    int n_points, n_replicas, n_times, n_firms;
    char start_date[16];   /* "YYYY-MM" of time 0 */
    double crash_drawdown; /* settings used */
    int crash_window, cascade_link;
    int bubble;          /* 1 if GSADF was computed */
    double gsadf_cv95;   /* 95% critical value of GSADF for n_times (NaN without bubble) */
    int cv_replications; /* settings of that critical value */
    uint64_t cv_seed;
    char bubble_note[256];       /* why GSADF was not computed ("" if it was) */
    unsigned char *done;         /* pr: 1 if the replica was complete and analysed */
    double *max_drawdown;        /* pr */
    double *max_window_drawdown; /* pr: deepest fall within crash_window months */
    int *crash, *crash_step;     /* pr: flag, first month (-1) */
    int *n_defaults, *first_default, *n_cascades, *max_cascade; /* pr */
    double *gsadf;                    /* pr: NaN if the series could not be tested */
    int *bubble_flag;                 /* pr: GSADF > cv95 */
    int *bubble_start;                /* pr: first month with BSADF > its 95% cv, -1 if none */
    double *hhi, *top1, *top3, *gini; /* prtl: NaN where a layer has no value */
    double *hhi_capacity, *hhi_deliveries, *hhi_demand, *coverage; /* prt */
    double *bands;                                  /* [p][AIM_ANALYZE_N_BANDED][AIM_BANDS_N_STANDARD][t] */
    struct aim_bands_proportion *crash_probability; /* [p] */
    struct aim_bands_proportion *bubble_share;      /* [p]; n = 0 without bubble */
    int *n_analysed;                                /* [p] complete replicas analysed */
    int *n_untestable; /* [p] replicas whose GSADF could not be computed (value <= 0, constant) */
};

/** @brief Default options (see struct aim_analyze_options). */
void aim_analyze_options_init(struct aim_analyze_options *opt);
/** @brief Reads the run file at path and computes every indicator into a new analysis. */
enum aim_status aim_analyze_run(struct aim_analysis **out, const char *path,
                                const struct aim_analyze_options *opt);
/** @brief Frees an analysis (NULL is fine). */
void aim_analyze_free(struct aim_analysis *a);
/** @brief Writes the /analysis group into the run file (replacing an earlier one), or into a new
 * file out_path when set (written as out_path.partial, renamed when complete; refused if it is the
 * run file; the command refuses an existing out_path without --force). */
enum aim_status aim_analyze_write(const struct aim_analysis *a, const char *run_path, const char *out_path);
/** @brief Name of layer l ("all", "vendors", "clouds", "labs"). */
const char *aim_analyze_layer_name(int layer);
/** @brief Name of banded series v ("ai_market_value", ...). */
const char *aim_analyze_band_name(int v);
/** @brief Type-7 quantile p across the analysed replicas of point p of a prt array at time t
 * (finite values only; NaN if there are none). */
double aim_analyze_quantile_prt(const struct aim_analysis *a, const double *prt, int point, int t, double p);
/** @brief The same for a prtl array at layer l. */
double aim_analyze_quantile_prtl(const struct aim_analysis *a, const double *prtl, int point, int t,
                                 int layer, double p);
/** @brief Type-7 quantile p of a pr array across the analysed replicas of a point. */
double aim_analyze_quantile_pr(const struct aim_analysis *a, const double *pr, int point, double p);

#endif
