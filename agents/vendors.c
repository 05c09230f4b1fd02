/* Chip vendors (MODEL.md 3.3). */
#include "agents/vendors.h"

double aim_vendors_price(const struct aim_config *cfg, double price, double backlog, double production)
{
    /* Backlog in months of production; with no production, pressure is read as the target. */
    double months = production > 0.0 ? backlog / production : cfg->vendors.target_backlog_months;
    double p = price * (1.0 + cfg->vendors.xi * (months - cfg->vendors.target_backlog_months));
    if (p < cfg->vendors.p_min) {
        p = cfg->vendors.p_min;
    }
    if (p > cfg->vendors.p_max) {
        p = cfg->vendors.p_max;
    }
    return p;
}

double aim_vendors_production(const struct aim_config *cfg, double production, double backlog)
{
    /* The production rate that would clear the backlog in target_backlog_months (at least one). */
    double months = cfg->vendors.target_backlog_months > 1.0 ? cfg->vendors.target_backlog_months : 1.0;
    double target = backlog / months;
    /* Capacity grows toward the target with time constant fab_lag (MODEL.md 3.3) and shrinks
     * with the slower fab_down: contracted foundry and packaging capacity is not given back as
     * fast as it is added, so a lull in orders does not take production with it. */
    double tau = target >= production ? cfg->vendors.fab_lag : cfg->vendors.fab_down;
    double p = production + (target - production) / tau;
    return p > 0.0 ? p : 0.0;
}
