/* Cloud providers (MODEL.md 3.2): their state, their monthly step, how they borrow and build. */
#ifndef AIM_CLOUDS_H
#define AIM_CLOUDS_H

#include "sim/config.h"
#include "sim/ledger.h"

struct aim_deals;
struct aim_vendors;

#define AIM_CLOUDS_RING 12 /* months of EBITDA kept for the leverage test */

/** @brief The clouds' state, one entry per cloud; the world allocates the arrays. */
struct aim_clouds {
    int n;                           /* clouds */
    int first;                       /* firm index (ledger account) of cloud 0 */
    double *Cap;                     /* installed capacity, MW */
    double *pc;                      /* price, $B per MW-month */
    double *spot_trend, *spot_slope; /* Holt trend of spot demand requested: MW, MW a month */
    double *spot_req;                /* spot MW requested this month */
    double *used;                    /* MW delivered this month */
    double *pipeline;                /* [c * (build_lag + 1) + t % (build_lag + 1)]: MW to install */
    double *ebitda;                  /* [c * AIM_CLOUDS_RING + t % AIM_CLOUDS_RING]: monthly EBITDA */
    double *ai_rev;                  /* AI revenue booked this month (contracts and spot) */
    double *reserved;                /* MW reserved by contracts this month */
    double *ratio;                   /* share of its contracts a cloud delivers this month (< 1 when short) */
    /* The clouds' rows of the world's per-firm arrays: entry c is firm first + c. */
    int *active;
    double *debt, *base; /* base: base-business revenue, $B/yr */
    double *deliveries;  /* MW delivered this month */
    double *baserev;     /* base-business revenue booked this month */
    double *util;        /* used / capacity */
    double *earnings;    /* the month's earnings (EBITDA less interest and depreciation) */
};

/** @brief Price after one month: p (1 + zeta (u - u_target)) clamped to [p_min, p_max]. */
double aim_clouds_price(const struct aim_config_clouds *cfg, double price, double utilisation);
/** @brief Logit split of a purchase on relative price: w_i = exp(-theta p_i / pbar) / sum (0 if inactive). */
void aim_clouds_price_logit(const double *price, const int *active, int n, double theta, double *w);
/** @brief Size-weighted price logit: w_i proportional to size_i exp(-theta p_i / pbar) over active sellers
 * with positive size (the plain price logit when no seller has any), so that a purchase goes where
 * the supply is. */
void aim_clouds_size_logit(const double *price, const double *size, const int *active, int n, double theta,
                           double *w);
/** @brief Capacity order (MW) for target (contracted + spot trend)(1 + buffer), net of what is
 * installed and on order, capped at power_growth_max. */
double aim_clouds_order(const struct aim_config_clouds *cfg, double contracted_mw, double spot_trend_mw,
                        double capacity, double on_order);

/** @brief Step 3 of the month: base business, AI opex, interest at rate + spread, utilisation,
 * price, spot trend, depreciation at gpu_price (mean GPU price, $B/MW) and installs due at month t. */
void aim_clouds_step(struct aim_clouds *cl, const struct aim_config_clouds *cfg, struct aim_ledger *led,
                     double rate, double gpu_price, int t);
/** @brief Cloud c borrows what it needs to cover a payment of amount, as far as its cash falls short. */
void aim_clouds_borrow_for(struct aim_clouds *cl, struct aim_ledger *led, int c, double amount);
/** @brief Capacity (MW) delivered to cloud c in month t, installed build_lag months later. */
void aim_clouds_install(struct aim_clouds *cl, const struct aim_config_clouds *cfg, int c, double mw, int t);
/** @brief Trailing twelve months' EBITDA of cloud c ($B). */
double aim_clouds_ebitda12(const struct aim_clouds *cl, int c);
/** @brief A cloud overdrawn by -cash borrows its way back to zero if leverage_max x EBITDA leaves
 * room; returns 1 if it did (it does not default), 0 if not. */
int aim_clouds_refinance(struct aim_clouds *cl, const struct aim_config_clouds *cfg, struct aim_ledger *led,
                         int c);
/** @brief Step 5 of month t: clouds order capacity from the vendors toward (contracted + spot
 * trend)(1 + buffer), contracted counting the contracts that start within plan_horizon, cut so that
 * cash plus the room under debt <= leverage_max x EBITDA covers everything on order. */
void aim_clouds_capex(struct aim_clouds *cl, const struct aim_config_clouds *cfg, struct aim_vendors *vd,
                      const struct aim_deals *deals, const struct aim_ledger *led, int t);
/** @brief Opening state (step 0): the clouds' ledger accounts, capacity, prices, debt, base
 * business, and the spot-demand trend at the pro-forma use (capacity at target utilisation). */
void aim_clouds_open(struct aim_clouds *cl, const struct aim_config_clouds *cfg, struct aim_ledger *led);
/** @brief What opened cloud c could fund at step 0 ($B): cash plus the room under leverage_max x
 * pro-forma EBITDA (capacity at target utilisation and the opening price, and the base business). */
double aim_clouds_opening_means(const struct aim_clouds *cl, const struct aim_config_clouds *cfg, int c);
/** @brief Mean compute price of the active clouds ($B per MW-month; 0 if none). */
double aim_clouds_mean_price(const struct aim_clouds *cl);
/** @brief Cloud c defaults (MODEL.md 6): its contracts are voided and its GPU orders cancelled
 * (returns the $B voided); its debt, lost by the lenders, is added to *destroyed. */
double aim_clouds_default(struct aim_clouds *cl, struct aim_vendors *vd, struct aim_deals *deals, int c,
                          double *destroyed);
/** @brief Pro-forma month of cloud c at its opening state (capacity at target utilisation, rate
 * and GPU price gpu_price): fills its EBITDA history, returns its earnings and sets *revenue ($B). */
double aim_clouds_proforma(struct aim_clouds *cl, const struct aim_config_clouds *cfg, int c, double rate,
                           double gpu_price, double *revenue);
/** @brief Net assets of cloud c with cash ($B), the floor of its fundamental value (MODEL.md 8): cash
 * less debt plus installed capacity at half its replacement cost (GPUs at gpu_price and facility,
 * half their life left on average), since a firm is worth at least what it owns. */
double aim_clouds_net_assets(const struct aim_clouds *cl, const struct aim_config_clouds *cfg, int c,
                             double cash, double gpu_price);

#endif
