/* The investors and the equity market they trade in (MODEL.md 3.4): many heterogeneous agents
 * stored as a structure of arrays, one array per field, processed in fixed blocks. */
#ifndef AIM_INVESTORS_H
#define AIM_INVESTORS_H

#include <stddef.h>
#include <stdint.h>

#include "sim/config.h"
#include "sim/error.h"

struct aim_investors; /* opaque */

enum aim_strategy { AIM_FUNDAMENTALIST = 0, AIM_CHARTIST = 1, AIM_NOISE = 2 };

/* market.demand_rule (the order of its choices in sim/params.def; docs/model.md). */
enum aim_demand_rule { AIM_DEMAND_BENCHMARK = 0, AIM_DEMAND_ABSOLUTE = 1 };

/** @brief The listed assets, owned by the world and updated by the market step. */
struct aim_market_assets {
    int n;               /* number of listed assets k (clouds and vendors, labs after an IPO) */
    double *price;       /* P_k, $ per share: read and written by aim_investors_step */
    double *shares;      /* N_k, bn shares outstanding (so N_k * P_k is $B) */
    double *fundamental; /* F_k, $B: organic fundamental value of the whole firm */
    int *active;         /* 0 once the firm has defaulted: its shares are worthless and not traded */
};

/** @brief Aggregates of one market step, in $B unless noted. */
struct aim_investors_report {
    double sentiment;    /* S_t: wealth-weighted mean expected log-return on AI stocks */
    double frac[3];      /* share of investors per strategy */
    double wealth_q[4];  /* wealth p10, p50, p90, p99 */
    double mm_inventory; /* market maker's inventory at market value */
    double inflow;       /* money entering the investor sector (fund inflows) */
    double redemption;   /* money leaving the investor sector (redemptions) */
    double cash;         /* investors' cash plus the market maker's cash */
    int limit_moves;     /* assets whose impact term market.max_move clipped this month */
};

/** @brief Bytes aim_investors_create allocates (for the memory estimate). */
size_t aim_investors_bytes(const struct aim_config *cfg, int n_assets, int n_labs);
/** @brief Allocates the structure of arrays for cfg->investors.count investors. */
enum aim_status aim_investors_create(struct aim_investors **inv, const struct aim_config *cfg, int n_assets,
                                     int n_labs);
/** @brief Frees the investors. */
void aim_investors_free(struct aim_investors *inv);

/** @brief Draws the investors of replica (seed, point, replica) and gives them all shares of m,
 * cash, and the investor-held units lab_units[l] of each lab's equity. */
enum aim_status aim_investors_reset(struct aim_investors *inv, uint64_t seed, uint64_t point,
                                    uint64_t replica, const struct aim_market_assets *m,
                                    const double *lab_units);

/** @brief One month of the market: expectations, orders, prices (m->price updated), holdings,
 * fund flows and strategy switching. lab_unit_value[l] is $B per unit of lab l's equity (0 after
 * a default). Uses up to nthreads threads; results do not depend on nthreads. */
enum aim_status aim_investors_step(struct aim_investors *inv, struct aim_market_assets *m,
                                   const double *lab_unit_value, int t, int nthreads,
                                   struct aim_investors_report *out);

/** @brief Venture round in lab l: investors offer from their private reserves up to sought ($B);
 * each payer receives units_per_dollar units per $B paid. Returns the amount raised. */
double aim_investors_private_round(struct aim_investors *inv, int lab, double sought,
                                   double units_per_dollar);

/** @brief The market maker buys shares (bn) newly issued by asset k at its price; returns the proceeds ($B).
 */
double aim_investors_absorb_issue(struct aim_investors *inv, const struct aim_market_assets *m, int k,
                                  double shares);

/** @brief What the investors hold (the holders' side of the balance sheet), as their arrays were
 * summed in block order where they last changed (the reset, the month's trades, a private round):
 * cash of the investors and of the market maker ($B), shares of each asset held by the investors
 * and by the market maker (held[k], mm_held[k], bn) and units of each lab (lab_units[l]). Valid
 * after aim_investors_step until the next payment into the investors' cash. */
void aim_investors_totals(const struct aim_investors *inv, double *cash, double *mm_cash, double *held,
                          double *mm_held, double *lab_units);
/** @brief Pays amount ($B, >= 0) into the investors' cash in proportion to their wealth (income
 * from holdings outside the listed market, such as the lenders' payouts). */
void aim_investors_credit(struct aim_investors *inv, double amount);
/** @brief Dividends (MODEL.md 12.6): pays per_share[k] ($B per bn shares, >= 0) on every listed asset
 * k to every holder by shares held, investors and the market maker alike, and per_unit[l] ($B per
 * unit, >= 0) on lab l's equity to every investor by private units held, in one pass in investor
 * order; writes what the holders of asset k received to paid_asset[k] and of lab l to paid_lab[l]
 * ($B), the amounts the ledger moves to the investor sector. */
void aim_investors_pay_dividends(struct aim_investors *inv, const double *per_share, const double *per_unit,
                                 double *paid_asset, double *paid_lab);

/** @brief Units of lab l held by investors in total. */
double aim_investors_lab_units(const struct aim_investors *inv, int lab);

#endif
