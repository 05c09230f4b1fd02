/* Cloud providers (MODEL.md 3.2): their state, their monthly step, how they borrow and build. */
#ifndef AIM_CLOUDS_H
#define AIM_CLOUDS_H

#include "sim/config.h"
#include "sim/ledger.h"

struct aim_deals;
struct aim_lenders;
struct aim_vendors;

#define AIM_CLOUDS_RING 12 /* months of EBITDA kept for the leverage test */

/** @brief The clouds' state, one entry per cloud; the world allocates the arrays. */
struct aim_clouds {
    int n;                           /* clouds */
    int first;                       /* firm index (ledger account) of cloud 0 */
    double *Cap;                     /* installed capacity, MW */
    double *pc;                      /* posted price, $B per MW-month */
    double *p_spot;                  /* price that cleared this month's spot market, $B per MW-month */
    double *spot_trend, *spot_slope; /* Holt trend of spot demand requested: MW, MW a month */
    double *spot_req;                /* spot MW requested this month */
    double *used;                    /* MW delivered this month */
    double *pipeline;                /* [c * (build_lag + 1) + t % (build_lag + 1)]: MW to install */
    double *pipeline_val;            /* the same slots: what those MW cost (GPUs and facility), $B */
    double *book;                    /* installed capacity at cost less depreciation, $B */
    double *dep;                     /* depreciation booked this month, $B */
    double *cut;                     /* MW of this month's capex orders cut for lack of funds */
    double *wanted;                  /* MW the month's capex order asked for before the cut */
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
    /* Credit (MODEL.md 12.2): the lenders, their rules and the month's rate. */
    struct aim_lenders *lenders;
    const struct aim_config_credit *credit;
    double rate;
};

/** @brief Price after one month: p (1 + zeta (u - u_target)) clamped to [p_min, p_max]. */
double aim_clouds_price(const struct aim_config_clouds *cfg, double price, double utilisation);
/** @brief Clears one cloud's spot market (docs/model.md, "Spot prices"): labs ask for inf MW of
 * inference, worth buying at any price up to value (rho_t), and spend a training budget ($B) at
 * whatever the price is; the price is the lowest in [posted, p_max] at which what they ask for
 * fits in free_mw, rationed pro rata at p_max. Returns the price; *q_inf and *q_tr are the shares
 * of the inference MW and of the budget that are served at it. */
double aim_clouds_clear(double inf, double budget, double free_mw, double posted, double value, double p_max,
                        double *q_inf, double *q_tr);
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

/** @brief Step 3 of the month: base business, AI opex, debt service to the lenders at cl->rate +
 * spread, utilisation, price, spot trend, depreciation of the book value and installs due at month t. */
void aim_clouds_step(struct aim_clouds *cl, const struct aim_config_clouds *cfg, struct aim_ledger *led,
                     int t);
/** @brief What cloud c can pay now ($B): its cash plus what the lenders would still lend it. */
double aim_clouds_means(const struct aim_clouds *cl, const struct aim_config_clouds *cfg,
                        const struct aim_ledger *led, int c);
/** @brief Cloud c borrows what it needs to cover a payment of amount, as far as its cash falls
 * short and the lenders allow (MODEL.md 12.2). */
void aim_clouds_borrow_for(struct aim_clouds *cl, const struct aim_config_clouds *cfg, struct aim_ledger *led,
                           int c, double amount);
/** @brief Capacity (MW) delivered to cloud c in month t at cost ($B), installed build_lag months later. */
void aim_clouds_install(struct aim_clouds *cl, const struct aim_config_clouds *cfg, int c, double mw,
                        double cost, int t);
/** @brief Trailing twelve months' EBITDA of cloud c ($B). */
double aim_clouds_ebitda12(const struct aim_clouds *cl, int c);
/** @brief A cloud overdrawn by -cash borrows its way back to zero if the lenders allow it
 * (MODEL.md 12.2); returns 1 if it did (it does not default), 0 if not. */
int aim_clouds_refinance(struct aim_clouds *cl, const struct aim_config_clouds *cfg, struct aim_ledger *led,
                         int c);
/** @brief Step 5 of month t: clouds order capacity from the vendors toward (contracted + spot
 * trend)(1 + buffer), contracted counting the contracts that start within plan_horizon, cut so that
 * cash plus what the lenders would lend covers everything on order (MODEL.md 12.3); the MW cut are
 * left in cl->cut. */
void aim_clouds_capex(struct aim_clouds *cl, const struct aim_config_clouds *cfg, struct aim_vendors *vd,
                      const struct aim_deals *deals, const struct aim_ledger *led, int t);
/** @brief Cloud c orders mw MW for a deal from vendor v (v < 0: split over the vendors), cut to
 * what its cash and credit can pay beyond what it already has on order (MODEL.md 12.3); returns
 * the MW ordered. */
double aim_clouds_order_deal(struct aim_clouds *cl, const struct aim_config_clouds *cfg,
                             struct aim_vendors *vd, const struct aim_ledger *led, int c, int v, double mw);
/** @brief Opening state (step 0): the clouds' ledger accounts, capacity and its book value (at half
 * its replacement cost at gpu_price, $B/MW, and the facility cost), prices, debt, base business,
 * and the spot-demand trend at the pro-forma use (capacity at target utilisation). */
void aim_clouds_open(struct aim_clouds *cl, const struct aim_config_clouds *cfg, struct aim_ledger *led,
                     double gpu_price);
/** @brief What opened cloud c could fund at step 0 ($B): cash plus the room under leverage_max x
 * pro-forma EBITDA (capacity at target utilisation and the opening price, and the base business). */
double aim_clouds_opening_means(const struct aim_clouds *cl, const struct aim_config_clouds *cfg, int c);
/** @brief Mean compute price of the active clouds ($B per MW-month; 0 if none). */
double aim_clouds_mean_price(const struct aim_clouds *cl);
/** @brief Cloud c defaults (MODEL.md 12.7): its contracts are voided and its GPU orders cancelled
 * (returns the $B voided), and its real assets are sold to the rest of the world at credit.recovery
 * of their book value (the proceeds are its cash, for its lenders); *impaired is the book value lost. */
double aim_clouds_default(struct aim_clouds *cl, const struct aim_config_clouds *cfg, struct aim_vendors *vd,
                          struct aim_deals *deals, struct aim_ledger *led, int c, double *impaired);
/** @brief Book value of cloud c's real assets: installed capacity and what is being installed ($B). */
double aim_clouds_real_assets(const struct aim_clouds *cl, const struct aim_config_clouds *cfg, int c);
/** @brief Pro-forma month of cloud c at its opening state (capacity at target utilisation, the
 * rate cl->rate): fills its EBITDA history, returns its earnings and sets *revenue ($B). */
double aim_clouds_proforma(struct aim_clouds *cl, const struct aim_config_clouds *cfg, int c,
                           double *revenue);
/** @brief Net assets of cloud c with cash ($B), the floor of its fundamental value (MODEL.md 8): cash
 * less debt plus its real assets at book value, since a firm is worth at least what it owns. */
double aim_clouds_net_assets(const struct aim_clouds *cl, const struct aim_config_clouds *cfg, int c,
                             double cash);

#endif
