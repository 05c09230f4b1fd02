/* Drawdowns, crashes, defaults and default cascades of one replica (MODEL.md 10).
 *
 * For a series V(0..T-1) of values >= 0 (the AI market value, one point a month):
 *   drawdown        DD(t) = 1 - V(t) / max_{0<=s<=t} V(s)        (0 while the running peak is 0)
 *   max drawdown    MDD   = max_t DD(t), with the peak s* and trough t* where it is reached
 *   window drawdown DD_W(t) = 1 - V(t) / max_{max(0,t-W)<=s<=t} V(s): the fall from the highest
 *                   value of the last W months (W = crash_window, 12 by default)
 *   crash           there is a t with DD_W(t) >= c (c = crash_drawdown, 0.4 by default), i.e. there
 *                   are s < t with t - s <= W and V(t) <= (1 - c) V(s); the test is evaluated as
 *                   V(t) <= (1 - c) * peak so that a fall of exactly c counts
 *   crash step      the first such t (months from the start, time index of the series), -1 if none
 * A crash is therefore a fall of at least c from a peak to a trough at most W months later; a slower
 * decline of the same depth is a drawdown but not a crash.
 *
 * Defaults: a firm's default step is the first t at which its defaulted flag is 1 (flags are 0/1 and
 * never return to 0). A cascade is a maximal run of months with at least one default in which
 * successive default months are at most `link` months apart (link = 1: consecutive months); all
 * defaults of the same month belong to the same cascade (the model's contagion acts within the month
 * it is triggered and in the months right after it). A cascade's size is its number of defaults. */
#ifndef AIM_DRAWDOWN_H
#define AIM_DRAWDOWN_H

#include <stddef.h>

#include "sim/error.h"

/** @brief Drawdown figures of one series. */
struct aim_drawdown {
    double max_drawdown;        /* MDD in [0, 1] */
    int peak;                   /* s*: time of the peak before the deepest trough (0 if MDD = 0) */
    int trough;                 /* t*: time of the deepest trough (0 if MDD = 0) */
    double max_window_drawdown; /* max_t DD_W(t) */
    int crash;                  /* 1 if max_t DD_W(t) >= c */
    int crash_step;             /* first t with DD_W(t) >= c, -1 if none */
};

/** @brief Default and cascade figures of one replica. */
struct aim_defaults {
    int n_defaults;    /* firms that defaulted during the series */
    int first_default; /* step of the first default, -1 if none */
    int n_cascades;    /* number of cascades */
    int max_cascade;   /* defaults in the largest cascade, 0 if none */
};

/** @brief Maximum drawdown of v[0..n-1] (finite, >= 0), with peak and trough times. */
enum aim_status aim_drawdown_max(const double *v, int n, double *mdd, int *peak, int *trough);
/** @brief Max drawdown, window drawdown and crash flag/step for window W months and depth c in (0,1). */
enum aim_status aim_drawdown_compute(const double *v, int n, int window, double crash_drawdown,
                                     struct aim_drawdown *out);
/** @brief Default steps of n_firms firms from flags[t * n_firms + f] (t < n_times); step[f] = -1 if none. */
enum aim_status aim_drawdown_default_steps(const double *flags, int n_times, int n_firms, int *step);
/** @brief Defaults and cascades from defaults per month counts[0..n_times-1]; sizes (capacity
 * n_times, may be NULL) receives each cascade's size in time order. */
enum aim_status aim_drawdown_cascades(const int *counts, int n_times, int link, int *sizes,
                                      struct aim_defaults *out);

#endif
