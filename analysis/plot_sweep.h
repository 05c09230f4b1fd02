/* Figures of a sweep's run file (docs/figures.md): `heatmap` (an indicator over a grid of the first
 * two factors, each cell's value printed) and `response` (an indicator over the first factor with
 * its intervals, one curve per combination of the other factors). The indicators are those of
 * `aimsim sensitivity RUN.h5 --output NAME`, per (point, replica): crash_probability and
 * bubble_share (the crash and GSADF bubble flags of aimsim analyze; per point their share with a
 * Wilson 95% interval), circularity (mean of circularity_ai over months 1..T), vf
 * (value/fundamental at the last month) and hhi (HHI of all AI firms at the last month, x 10^4);
 * per point the median across replicas with p25-p75. */
#ifndef AIM_PLOT_SWEEP_H
#define AIM_PLOT_SWEEP_H

#include <stddef.h>

#include "analysis/plot_spec.h"

/** @brief What an indicator is called in figures, and whether it is a share of replicas. */
struct aim_plot_sweep_indicator {
    const char *name;  /* crash_probability, bubble_share, circularity, vf, hhi */
    const char *label; /* axis label */
    int proportion;    /* 1: a 0/1 flag per replica, shown as a share with a Wilson interval */
};

/** @brief The indicator called name (NULL: crash_probability) and its values per (point, replica)
 * into vals[p * n_replicas + r] (malloc'd; NaN for replicas not complete). */
enum aim_status aim_plot_sweep_values(const struct aim_plot_run *run, const char *name,
                                      struct aim_plot_sweep_indicator *ind, double **vals);
/** @brief The `heatmap` figure. */
enum aim_status aim_plot_sweep_heatmap(struct aim_plot_spec *sp);
/** @brief 1 if the file is a sweep over a grid of at least two factors (else 0 and why). */
int aim_plot_sweep_heatmap_applies(const struct aim_plot_run *run, char *why, size_t size);
/** @brief The `response` figure. */
enum aim_status aim_plot_sweep_response(struct aim_plot_spec *sp);
/** @brief 1 if the file is a sweep (else 0 and why). */
int aim_plot_sweep_response_applies(const struct aim_plot_run *run, char *why, size_t size);

#endif
