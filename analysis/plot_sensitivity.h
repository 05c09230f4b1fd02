/* The `sensitivity` figure of a Saltelli or Morris sweep (docs/figures.md): Sobol first-order (S1)
 * and total (ST) indices as bars with their bootstrap confidence half-widths, or Morris mu* against
 * sigma with mu*'s confidence, computed as `aimsim sensitivity RUN.h5 --output NAME` computes them
 * (analysis/sensitivity.c: the same design regenerated from the run's config, the replicas
 * averaged per point, 1000 bootstrap resamples, the sweep's seed), for the first scenario of
 * crossed factors. */
#ifndef AIM_PLOT_SENSITIVITY_H
#define AIM_PLOT_SENSITIVITY_H

#include <stddef.h>

#include "analysis/plot_spec.h"

/** @brief The `sensitivity` figure of the indicator sp->indicator (default crash_probability). */
enum aim_status aim_plot_sensitivity_figure(struct aim_plot_spec *sp);
/** @brief 1 if the file is a finished Saltelli or Morris sweep (else 0 and why). */
int aim_plot_sensitivity_applies(const struct aim_plot_run *run, char *why, size_t size);

#endif
