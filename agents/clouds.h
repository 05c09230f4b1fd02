/* Cloud providers' behavioural rules (MODEL.md 3.2); their state lives in the world. */
#ifndef AIM_CLOUDS_H
#define AIM_CLOUDS_H

#include "sim/config.h"

/** @brief Price after one month: p (1 + zeta (u - u_target)) clamped to [p_min, p_max]. */
double aim_clouds_price(const struct aim_config *cfg, double price, double utilisation);
/** @brief Logit split of a purchase on relative price: w_i = exp(-theta p_i / pbar) / sum (0 if inactive). */
void aim_clouds_price_logit(const double *price, const int *active, int n, double theta, double *w);
/** @brief Size-weighted price logit: w_i proportional to size_i exp(-theta p_i / pbar) over active sellers
 * with positive size (the plain price logit when no seller has any), so that a purchase goes where
 * the supply is. */
void aim_clouds_size_logit(const double *price, const double *size, const int *active, int n, double theta,
                           double *w);
/** @brief Capacity order (MW) for target (contracted + spot trend)(1 + buffer), net of what is
 * installed and on order, capped at power_growth_max. */
double aim_clouds_order(const struct aim_config *cfg, double contracted_mw, double spot_trend_mw,
                        double capacity, double on_order);

#endif
