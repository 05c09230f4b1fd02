/* Lenders (MODEL.md 12.2): banks and bond funds as one sector that holds every firm's debt. They
 * lend from their cash and, beyond it, from funding raised from outside savers; they price
 * loans by the borrower's leverage, lend within their capital, take the losses of defaults and
 * pay their profits out to the investors. */
#ifndef AIM_LENDERS_H
#define AIM_LENDERS_H

#include "sim/config.h"
#include "sim/ledger.h"

/** @brief The lenders' books; the world allocates loan[]. */
struct aim_lenders {
    int account;          /* ledger account of the lenders */
    int n;                /* borrowers: every firm, by firm index */
    double *loan;         /* [f]: loans to firm f, as the lenders record them ($B) */
    double funding;       /* owed to outside savers ($B) */
    double capital0;      /* credit.capital: capital at step 0, above which profits are paid out */
    double capital_ratio; /* credit.capital_ratio */
    /* The month's flows ($B), zeroed by aim_lenders_begin_month. */
    double lent, interest, principal, written_off, payout;
};

/** @brief Spread over the rate for a borrower with this debt and trailing 12-month EBITDA:
 * spread0 + spread_slope * max(0, debt / EBITDA - leverage_ref), at most spread_max (and
 * spread_max when EBITDA is not positive and there is debt). */
double aim_lenders_spread(const struct aim_config_credit *cfg, double debt, double ebitda12);
/** @brief Opening books (step 0): the loans are the firms' opening debt; the lenders' cash and
 * funding are set so that their capital is credit.capital. */
void aim_lenders_open(struct aim_lenders *lb, const struct aim_config_credit *cfg, struct aim_ledger *led,
                      const double *debt);
/** @brief Zeroes the month's flows. */
void aim_lenders_begin_month(struct aim_lenders *lb);
/** @brief Sum of the loans outstanding ($B). */
double aim_lenders_loans(const struct aim_lenders *lb);
/** @brief The lenders' capital: cash + loans - funding ($B). */
double aim_lenders_capital(const struct aim_lenders *lb, const struct aim_ledger *led);
/** @brief What a borrower with this debt and trailing 12-month EBITDA may still borrow ($B, >= 0):
 * its debt stays at most leverage_max x EBITDA, and the lenders' loans at most capital / capital_ratio. */
double aim_lenders_room(const struct aim_lenders *lb, const struct aim_config_credit *cfg,
                        const struct aim_ledger *led, double debt, double ebitda12, double leverage_max);
/** @brief Lends amount to firm f (its debt *debt grows by it): paid from the lenders' cash, and
 * from new funding where that falls short. */
void aim_lenders_lend(struct aim_lenders *lb, struct aim_ledger *led, int f, double amount, double *debt);
/** @brief Firm f pays the month's interest (rate + spread) and principal (1 / term_months of the
 * debt) to the lenders; returns the interest (an expense of the month). */
double aim_lenders_service(struct aim_lenders *lb, const struct aim_config_credit *cfg,
                           struct aim_ledger *led, int f, double *debt, double rate, double ebitda12);
/** @brief Firm f, which has defaulted, pays what it has left (cash, after its assets were sold) to
 * the lenders up to its loans; the lenders write off the rest (returned, $B) and its debt is 0.
 * An overdraft (negative cash) is first covered by the lenders as a loan: the month's bills it
 * paid beyond its cash are their loss. */
double aim_lenders_default(struct aim_lenders *lb, struct aim_ledger *led, int f, double *debt);
/** @brief End of the month: the lenders pay interest at rate on their funding, pay out their
 * capital above both credit.capital and capital_ratio x loans to the investors' account inv_acct,
 * and repay funding with the cash they do not need. */
void aim_lenders_settle(struct aim_lenders *lb, struct aim_ledger *led, int inv_acct, double rate);

#endif
