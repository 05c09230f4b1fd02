/* Figures of series across replicas (docs/figures.md): `value` (AI market value fan chart and the
 * organic fundamental), `circularity` (circularity indices and value/fundamental), `concentration`
 * (HHI per layer) and `firms` (each firm's median valuation, log scale, labelled at the line ends).
 * Each writes NAME.dat and NAME.gp into the spec's directory. */
#ifndef AIM_PLOT_SERIES_H
#define AIM_PLOT_SERIES_H

#include "analysis/plot_spec.h"

/** @brief The `value` figure. */
enum aim_status aim_plot_series_value(struct aim_plot_spec *sp);
/** @brief The `circularity` figure. */
enum aim_status aim_plot_series_circularity(struct aim_plot_spec *sp);
/** @brief The `concentration` figure. */
enum aim_status aim_plot_series_concentration(struct aim_plot_spec *sp);
/** @brief The `firms` figure. */
enum aim_status aim_plot_series_firms(struct aim_plot_spec *sp);
/** @brief Writes the first columns of row t of a time-series .dat file: month index and date. */
void aim_plot_series_row_start(FILE *out, const struct aim_plot_run *run, int t);
/** @brief The x axis of a time-series script: the run's months as dates, tics on calendar dates. */
void aim_plot_series_date_axis(FILE *gp, const struct aim_plot_run *run);

#endif
