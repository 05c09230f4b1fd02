/* Corporate taxes and payouts (MODEL.md 12.6): every firm pays tax on its positive earnings, after
 * losses carried forward, to the rest of the world, and pays out a share of its after-tax earnings
 * to the holders of its equity while its cash exceeds a target. */
#ifndef AIM_PAYOUTS_H
#define AIM_PAYOUTS_H

#include "sim/config.h"

struct aim_deals_market;

/** @brief Per-firm tax and payout books; the world allocates the arrays (entry f is firm f). */
struct aim_payouts {
    int n;          /* firms */
    double *loss;   /* tax losses carried forward, $B (>= 0) */
    double *owed;   /* tax due but not yet paid for want of cash, $B (>= 0) */
    double *cost;   /* trailing monthly costs (revenue less earnings), $B a month */
    double *tax;    /* tax paid in the month, $B */
    double *payout; /* dividends and buybacks paid in the month, $B */
    /* Scratch of the month's payments to the investors: per listed asset and per lab. */
    double *per_share, *paid_asset; /* [asset]: $B per bn shares; $B the holders received */
    double *per_unit, *paid_lab;    /* [lab]: $B per private unit; $B the investors received */
};

/** @brief Tax due on the month's earnings at rate: losses are added to the carry-forward *loss,
 * and positive earnings first use it up; returns rate times what is left of the earnings. */
double aim_payouts_tax(double rate, double earnings, double *loss);
/** @brief Payout of a firm in a month with positive after-tax earnings after_tax, cash (after tax)
 * and positive trailing monthly costs (else 0): payout_ratio of the after-tax earnings, but never
 * below a cash of cash_target_months of costs; and at least the cash above cash_max_months of
 * costs (no ceiling when cash_max_months is 0). */
double aim_payouts_amount(const struct aim_config_corporate *cc, double after_tax, double cash, double cost);
/** @brief Step 6b of the month, after funding and defaults: every active firm updates its trailing
 * costs, pays its tax (to the sink AIM_SINK_TAX, within its cash; the rest stays owed) and its
 * payout to its equity holders by units held: for a listed firm the investors and the market
 * maker (and, for a listed lab, the strategic holders), for an unlisted lab the vendors, clouds
 * and investors holding its units. earnings[f] is the month's earnings of firm f, active[f] 0
 * for a defaulted firm. */
void aim_payouts_step(struct aim_payouts *p, const struct aim_config_corporate *cc,
                      struct aim_deals_market *m, const int *active, const double *earnings);

#endif
