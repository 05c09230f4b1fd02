/* End-customer demand and the macro environment of one replica (MODEL.md 4). */
#ifndef AIM_MACRO_H
#define AIM_MACRO_H

#include "sim/config.h"
#include "sim/rng.h"

/** @brief Annualised end-customer AI spend D_t and the interest rate r_t. */
struct aim_macro {
    double D; /* $B/yr */
    double r; /* 1/yr */
};

/** @brief Sets D_0 and r_0 from the config. */
void aim_macro_init(struct aim_macro *m, const struct aim_config *cfg);
/** @brief Demand growth g_t = g_inf + (g_0 - g_inf) exp(-t / tau_g) (1/yr) at month t. */
double aim_macro_growth(const struct aim_config *cfg, int t);
/** @brief Advances month t -> t+1: log D += (g_t + chi dc) dt + sigma_D sqrt(dt) eps, and r_t
 * (constant, or Vasicek by its exact discretisation); dc is the month's frontier capability change. */
void aim_macro_step(struct aim_macro *m, const struct aim_config *cfg, int t, double dc,
                    struct aim_pcg64 *rng);

#endif
