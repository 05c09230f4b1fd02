/* Figures of bubble and crash risk (docs/figures.md): `crash` (probability of a crash by each
 * month with Wilson 95% intervals, and the months crashes start, from aimsim analyze's crash flags)
 * and `bsadf` (one replica's log AI market value and its BSADF sequence against the 95% Monte
 * Carlo critical values, date-stamped episodes shaded; analysis/psy.c, critval.c, datestamp.c). */
#ifndef AIM_PLOT_RISK_H
#define AIM_PLOT_RISK_H

#include <stddef.h>

#include "analysis/plot_spec.h"

/** @brief The `crash` figure. */
enum aim_status aim_plot_risk_crash(struct aim_plot_spec *sp);
/** @brief The `bsadf` figure; sp->replica -1 takes the replica with the median GSADF. */
enum aim_status aim_plot_risk_bsadf(struct aim_plot_spec *sp);
/** @brief 1 if the file's analysis has GSADF critical values (else 0 and why). */
int aim_plot_risk_bsadf_applies(const struct aim_plot_run *run, char *why, size_t size);

#endif
