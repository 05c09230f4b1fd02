/* What `aimsim plot` reads from a run file, through the reader API (sim/store.h) and the analysis
 * of analysis/analyze.h: one sweep point's series for every complete replica, its firms' names and
 * kinds, balance-sheet snapshots, the sweep's design, and the indicators aim_analyze_run computes
 * (concentration, crash flags and steps, GSADF). */
#ifndef AIM_PLOT_RUN_H
#define AIM_PLOT_RUN_H

#include "analysis/analyze.h"
#include "sim/error.h"
#include "sim/traj.h"

/** @brief A run file loaded for plotting: arrays [k][t] or [k][t][f] over its complete replicas
 * k = 0 .. n_done - 1 of point `point` (replica index replicas[k]). */
struct aim_plot_run {
    char *path;
    char *config_yaml; /* the run's resolved configuration (root attribute config) */
    int n_points, n_replicas, n_times, n_firms, point;
    char start_date[16];
    char **firm_names; /* n_firms, from the run's configuration (vendors, clouds, labs) */
    int *firm_kinds;   /* enum aim_firm_kind */
    int n_done;
    int *replicas;                        /* n_done replica indices */
    double *market[AIM_MARKET_VAR_COUNT]; /* [k][t] */
    double *fundamental;                  /* [k][t]: sum of the fundamentals of firms not in default */
    double *valuation;                    /* [k][t][f] */
    int bs_every, n_snapshots;
    double *bs;                                              /* [k][snapshot][row][col], $B */
    char bs_rows[AIM_BS_ROWS][32], bs_cols[AIM_BS_COLS][32]; /* names as the file holds them */
    int n_factors;                                           /* sweep factors (0: a single run) */
    char **factor_keys;                                      /* n_factors */
    double *factor_values;                                   /* [point][factor] */
    struct aim_analysis *an;                                 /* every point's indicators */
};

/** @brief Loads point `point` of the run file at path and analyses the whole file with opt. */
enum aim_status aim_plot_run_load(struct aim_plot_run **run, const char *path, int point,
                                  const struct aim_analyze_options *opt);
/** @brief Frees a loaded run (NULL is fine). */
void aim_plot_run_free(struct aim_plot_run *run);
/** @brief Type-7 quantiles across the loaded replicas of a [k][t] series at probs, out[q][t]. */
enum aim_status aim_plot_run_quantiles(const struct aim_plot_run *run, const double *kt, const double *probs,
                                       int n_probs, double *out);

#endif
