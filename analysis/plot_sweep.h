/* Figures of a sweep's run file (docs/figures.md): `heatmap` (an indicator over the first two
 * factors of a grid), `response` (an indicator over the first factor, one curve per value of the
 * second, with intervals) and `sensitivity`. Indicators per point: crash_probability and
 * bubble_share (Wilson 95% intervals), and the median across replicas of circularity, vf
 * (value/fundamental) or hhi at the last month (p25-p75 intervals). */
#ifndef AIM_PLOT_SWEEP_H
#define AIM_PLOT_SWEEP_H

#include <stddef.h>

#include "analysis/plot_spec.h"

/** @brief The `heatmap` figure. */
enum aim_status aim_plot_sweep_heatmap(struct aim_plot_spec *sp);
/** @brief 1 if the file is a sweep over a grid of at least two factors (else 0 and why). */
int aim_plot_sweep_heatmap_applies(const struct aim_plot_run *run, char *why, size_t size);
/** @brief The `response` figure. */
enum aim_status aim_plot_sweep_response(struct aim_plot_spec *sp);
/** @brief 1 if the file is a sweep (else 0 and why). */
int aim_plot_sweep_response_applies(const struct aim_plot_run *run, char *why, size_t size);
/** @brief The `sensitivity` figure. */
enum aim_status aim_plot_sweep_sensitivity(struct aim_plot_spec *sp);
/** @brief 0 with why: Sobol and Morris bars are not drawn yet (aimsim sensitivity prints them). */
int aim_plot_sweep_sensitivity_applies(const struct aim_plot_run *run, char *why, size_t size);

#endif
