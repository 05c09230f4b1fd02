/* Chip vendors' behavioural rules (MODEL.md 3.3); their state lives in the world. */
#ifndef AIM_VENDORS_H
#define AIM_VENDORS_H

#include "sim/config.h"

/** @brief GPU price after one month: p (1 + xi (backlog / P - target_backlog_months)), clamped. */
double aim_vendors_price(const struct aim_config *cfg, double price, double backlog, double production);
/** @brief Production capacity after one month, moving toward backlog / target months with time constant
 * fab_lag when it grows and fab_down when it shrinks. */
double aim_vendors_production(const struct aim_config *cfg, double production, double backlog);

#endif
