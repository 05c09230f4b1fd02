/* Chip vendors (MODEL.md 3.3): their state, order book and monthly sales. */
#ifndef AIM_VENDORS_H
#define AIM_VENDORS_H

#include "sim/config.h"
#include "sim/ledger.h"

struct aim_clouds;
struct aim_lenders;

#define AIM_VENDORS_RING 12 /* months of EBITDA kept for the leverage test */

/** @brief The vendors' state, one entry per vendor; the world allocates the arrays. */
struct aim_vendors {
    int n;               /* vendors: firms (ledger accounts) 0 .. n - 1 */
    int n_clouds;        /* columns of the order book */
    double *P;           /* production capacity, MW a month */
    double *pv;          /* GPU price, $B per MW */
    double *backlog;     /* [v * n_clouds + c]: MW cloud c has on order at vendor v */
    double *backlog_val; /* [v * n_clouds + c]: what cloud c owes for it on delivery, $B */
    double *split;       /* scratch: the split of an order over vendors */
    double *held;        /* [v * n_clouds + c]: months cloud c has not paid for a delivery due */
    double *withheld;    /* [v * n_clouds + c]: MW not delivered this month because c could not pay */
    double *cancelled;   /* [v * n_clouds + c]: MW cancelled this month after order_hold_months unpaid */
    double *ebitda;      /* [v * AIM_VENDORS_RING + t % AIM_VENDORS_RING]: monthly EBITDA */
    /* The vendors' rows of the world's per-firm arrays (vendor v is firm v). */
    int *active;
    double *debt;       /* $B */
    double *base;       /* base-business revenue, $B/yr */
    double *deliveries; /* MW delivered this month */
    double *baserev;    /* base-business revenue booked this month */
    double *util;       /* deliveries / production */
    double *earnings;   /* the month's earnings */
    /* Credit (MODEL.md 12.2): the lenders, their rules and the month's rate. */
    struct aim_lenders *lenders;
    const struct aim_config_credit *credit;
    double rate;
};

/** @brief GPU price after one month: p (1 + xi (backlog / P - target_backlog_months)), clamped. */
double aim_vendors_price(const struct aim_config_vendors *cfg, double price, double backlog,
                         double production);
/** @brief Production capacity after one month, moving toward backlog / target months with time constant
 * fab_lag when it grows and fab_down when it shrinks. */
double aim_vendors_production(const struct aim_config_vendors *cfg, double production, double backlog);

/** @brief Opening state (step 0): the vendors' ledger accounts, production, prices, base business. */
void aim_vendors_open(struct aim_vendors *vd, const struct aim_config_vendors *cfg, struct aim_ledger *led);
/** @brief Opening order book: each vendor's backlog is owed by the (opened) clouds in proportion to
 * what each could fund (aim_clouds_opening_means), priced at the vendor's GPU price. */
void aim_vendors_open_book(struct aim_vendors *vd, const struct aim_config_vendors *cfg,
                           const struct aim_clouds *cl, const struct aim_config_clouds *cfg_clouds);
/** @brief Mean GPU price of the active vendors ($B/MW; 0 if none). */
double aim_vendors_mean_price(const struct aim_vendors *vd);
/** @brief Cloud c orders mw MW from vendor v, or (v < 0) from every vendor by the size-weighted logit
 * on GPU price with intensity theta; the order is priced at today's GPU prices. */
void aim_vendors_order(struct aim_vendors *vd, int c, int v, double mw, double theta);
/** @brief Step 4 of the month: vendors deliver their backlog as production allows and as far as
 * each cloud can pay on delivery (cash, then credit; MODEL.md 12.3) for the GPUs and the facility;
 * what a cloud cannot pay stays in the backlog (withheld) and is cancelled after
 * order_hold_months (cancelled); costs (borrowed where cash falls short), debt service, base
 * business, price and production capacity. */
void aim_vendors_step(struct aim_vendors *vd, const struct aim_config_vendors *cfg, struct aim_clouds *cl,
                      const struct aim_config_clouds *cfg_clouds, struct aim_ledger *led, int t);
/** @brief Cancels cloud c's orders at vendor v; returns what they were worth ($B). */
double aim_vendors_cancel(struct aim_vendors *vd, int v, int c);
/** @brief Cancels up to mw MW of cloud c's orders at vendor v (at their average price); returns what the
 * cancelled part was worth ($B). */
double aim_vendors_cancel_mw(struct aim_vendors *vd, int v, int c, double mw);
/** @brief Vendor v defaults: every order it holds is cancelled; returns the $B voided. */
double aim_vendors_default(struct aim_vendors *vd, int v);
/** @brief Pro-forma month of vendor v at its opening state (the trailing year before step 0):
 * fills its EBITDA history, returns its earnings (after interest at vd->rate) and sets *revenue ($B). */
double aim_vendors_proforma(struct aim_vendors *vd, const struct aim_config_vendors *cfg, int v,
                            double *revenue);
/** @brief Trailing twelve months' EBITDA of vendor v ($B). */
double aim_vendors_ebitda12(const struct aim_vendors *vd, int v);
/** @brief A vendor overdrawn by -cash borrows its way back to zero if the lenders allow it; returns 1
 * if it did (it does not default), 0 if not. */
int aim_vendors_refinance(struct aim_vendors *vd, const struct aim_config_vendors *cfg,
                          struct aim_ledger *led, int v);
/** @brief Net assets of vendor v with cash ($B): cash less debt (the floor of its fundamental value,
 * MODEL.md 8). */
double aim_vendors_net_assets(const struct aim_vendors *vd, int v, double cash);

#endif
