/* The `balance` figure (docs/figures.md): the month-end balance-sheet matrix of one replica at one
 * snapshot month (MODEL.md 12.1, /balance_sheet), instruments by sectors in $B, as a heatmap with
 * each cell's value printed in it. */
#ifndef AIM_PLOT_BALANCE_H
#define AIM_PLOT_BALANCE_H

#include "analysis/plot_spec.h"

/** @brief The `balance` figure: replica sp->replica (-1: 0) at month sp->month (-1: the last). */
enum aim_status aim_plot_balance_matrix(struct aim_plot_spec *sp);

#endif
