#include "analysis/drawdown.h"

#include <math.h>

static enum aim_status aim_drawdown_check(const double *v, int n)
{
    if (n < 1) {
        return aim_error_set(AIM_ERR_USAGE, "drawdown of a series of %d points: need at least one", n);
    }
    for (int t = 0; t < n; t++) {
        if (!isfinite(v[t]) || v[t] < 0.0) {
            return aim_error_set(AIM_ERR_NUMERIC,
                                 "drawdown: value at time %d is %g; values must be finite and >= 0", t, v[t]);
        }
    }
    return AIM_OK;
}

enum aim_status aim_drawdown_max(const double *v, int n, double *mdd, int *peak, int *trough)
{
    enum aim_status s = aim_drawdown_check(v, n);
    if (s != AIM_OK) {
        return s;
    }
    /* One pass with the running peak: MDD = max_t (1 - V(t) / max_{s<=t} V(s)). */
    double best = 0.0, top = v[0];
    int top_at = 0, best_peak = 0, best_trough = 0;
    for (int t = 0; t < n; t++) {
        if (v[t] > top) {
            top = v[t];
            top_at = t;
        }
        double dd = top > 0.0 ? 1.0 - v[t] / top : 0.0;
        if (dd > best) {
            best = dd;
            best_peak = top_at;
            best_trough = t;
        }
    }
    *mdd = best;
    if (peak) {
        *peak = best_peak;
    }
    if (trough) {
        *trough = best_trough;
    }
    return AIM_OK;
}

enum aim_status aim_drawdown_compute(const double *v, int n, int window, double crash_drawdown,
                                     struct aim_drawdown *out)
{
    if (window < 1) {
        return aim_error_set(AIM_ERR_USAGE, "crash window of %d months: must be at least 1", window);
    }
    if (!(crash_drawdown > 0.0 && crash_drawdown < 1.0)) {
        return aim_error_set(AIM_ERR_USAGE, "crash drawdown %g: must lie strictly between 0 and 1",
                             crash_drawdown);
    }
    struct aim_drawdown r = {0};
    enum aim_status s = aim_drawdown_max(v, n, &r.max_drawdown, &r.peak, &r.trough);
    if (s != AIM_OK) {
        return s;
    }
    /* Window peak over [t - W, t]: O(n W), which is small next to a replica (W = 12). */
    double keep = 1.0 - crash_drawdown;
    r.crash_step = -1;
    for (int t = 0; t < n; t++) {
        double top = v[t];
        for (int u = t - window < 0 ? 0 : t - window; u < t; u++) {
            top = v[u] > top ? v[u] : top;
        }
        if (top <= 0.0) {
            continue;
        }
        double dd = 1.0 - v[t] / top;
        if (dd > r.max_window_drawdown) {
            r.max_window_drawdown = dd;
        }
        if (r.crash_step < 0 && v[t] <= keep * top) {
            r.crash_step = t;
            r.crash = 1;
        }
    }
    *out = r;
    return AIM_OK;
}

enum aim_status aim_drawdown_default_steps(const double *flags, int n_times, int n_firms, int *step)
{
    if (n_times < 1 || n_firms < 0) {
        return aim_error_set(AIM_ERR_USAGE, "default flags of %d firms over %d times: need at least one time",
                             n_firms, n_times);
    }
    for (int f = 0; f < n_firms; f++) {
        step[f] = -1;
        for (int t = 0; t < n_times; t++) {
            double x = flags[(size_t)t * (size_t)n_firms + (size_t)f];
            if (x != 0.0 && x != 1.0) {
                return aim_error_set(AIM_ERR_FORMAT,
                                     "defaulted flag of firm %d at time %d is %g; must be 0 or 1", f, t, x);
            }
            if (x == 1.0 && step[f] < 0) {
                step[f] = t;
            }
            if (x == 0.0 && step[f] >= 0) {
                return aim_error_set(AIM_ERR_FORMAT,
                                     "defaulted flag of firm %d returns from 1 (time %d) to 0 (time %d); a "
                                     "default is permanent",
                                     f, step[f], t);
            }
        }
    }
    return AIM_OK;
}

enum aim_status aim_drawdown_cascades(const int *counts, int n_times, int link, int *sizes,
                                      struct aim_defaults *out)
{
    if (n_times < 1) {
        return aim_error_set(AIM_ERR_USAGE, "cascades over %d months: need at least one", n_times);
    }
    if (link < 1) {
        return aim_error_set(AIM_ERR_USAGE, "cascade link of %d months: must be at least 1", link);
    }
    for (int t = 0; t < n_times; t++) {
        if (counts[t] < 0) {
            return aim_error_set(AIM_ERR_USAGE, "default count at month %d is %d; must be >= 0", t,
                                 counts[t]);
        }
    }
    struct aim_defaults r = {0, -1, 0, 0};
    int last = -1, size = 0;
    for (int t = 0; t < n_times; t++) {
        if (counts[t] == 0) {
            continue;
        }
        if (r.first_default < 0) {
            r.first_default = t;
        }
        r.n_defaults += counts[t];
        if (last >= 0 && t - last <= link) {
            size += counts[t];
        } else {
            if (size > 0) {
                if (sizes) {
                    sizes[r.n_cascades] = size;
                }
                r.n_cascades++;
                r.max_cascade = size > r.max_cascade ? size : r.max_cascade;
            }
            size = counts[t];
        }
        last = t;
    }
    if (size > 0) {
        if (sizes) {
            sizes[r.n_cascades] = size;
        }
        r.n_cascades++;
        r.max_cascade = size > r.max_cascade ? size : r.max_cascade;
    }
    *out = r;
    return AIM_OK;
}
