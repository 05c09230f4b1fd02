/* Corporate taxes and payouts (MODEL.md 12.6). The choices the specification leaves open (the
 * earnings taxed, losses carried forward, what the cash target counts as costs, when in the month,
 * buybacks paid as pro-rata distributions) are stated in docs/model.md, "Taxes and payouts". */
#include "agents/payouts.h"

#include <math.h>

#include "agents/clouds.h"
#include "agents/deals.h"
#include "agents/investors.h"
#include "agents/labs.h"
#include "agents/vendors.h"
#include "sim/ledger.h"

#define COST_MEMORY 12.0 /* months: the trailing costs are an EWMA with a year's mean lag */

double aim_payouts_tax(double rate, double earnings, double *loss)
{
    if (!(earnings > 0.0)) {
        *loss -= earnings; /* a loss (or nothing) adds to the carry-forward */
        return 0.0;
    }
    double used = earnings < *loss ? earnings : *loss;
    *loss -= used;
    return rate * (earnings - used);
}

double aim_payouts_amount(const struct aim_config_corporate *cc, double after_tax, double cash, double cost)
{
    if (!(after_tax > 0.0) || !(cost > 0.0)) {
        return 0.0; /* a firm pays out only in a profitable month */
    }
    /* The regular payout: payout_ratio of after-tax earnings, out of cash above the target only;
     * and at least the cash above the ceiling (a special buyback). */
    double room = cash - cc->cash_target_months * cost;
    double pay = room > 0.0 ? fmin(cc->payout_ratio * after_tax, room) : 0.0;
    double excess = cc->cash_max_months > 0.0 ? cash - cc->cash_max_months * cost : 0.0;
    return excess > pay ? excess : pay;
}

/* Pays amount from firm f to the holders of its equity by units held: the strategic holders of a
 * lab at once (returns what they received), the investors' share is set in p's per-asset or
 * per-lab rate for the month's one pass over the investors. */
static double payouts_holders(struct aim_payouts *p, struct aim_deals_market *m, int f, double amount)
{
    struct aim_labs *lb = m->labs;
    int a = m->asset[f];
    int l = f >= lb->first ? f - lb->first : -1;
    double units = a >= 0 ? m->mkt->shares[a] : (l >= 0 ? lb->units[l] : 0.0);
    if (!(units > 0.0) || (a >= 0 && !m->mkt->active[a])) {
        return 0.0; /* an unlisted cloud or vendor has no modelled holders */
    }
    double per_unit = amount / units, paid = 0.0;
    if (l >= 0) {
        /* Strategic holders of a lab: vendors and clouds, by their units (MODEL.md 5). */
        int nv = m->vendors->n, nc = m->clouds->n;
        for (int v = 0; v < nv; v++) {
            double d = lb->units_v[(size_t)l * (size_t)nv + (size_t)v] * per_unit;
            aim_ledger_pay(m->led, f, v, d, -1, 0); /* vendor v is firm v */
            paid += d;
        }
        for (int c = 0; c < nc; c++) {
            double d = lb->units_c[(size_t)l * (size_t)nc + (size_t)c] * per_unit;
            aim_ledger_pay(m->led, f, m->clouds->first + c, d, -1, 0);
            paid += d;
        }
    }
    if (a >= 0) {
        p->per_share[a] = per_unit;
    } else {
        p->per_unit[l] = per_unit;
    }
    return paid;
}

void aim_payouts_step(struct aim_payouts *p, const struct aim_config_corporate *cc,
                      struct aim_deals_market *m, const int *active, const double *earnings)
{
    struct aim_ledger *led = m->led;
    const int K = m->mkt->n, L = m->labs->n;
    for (int k = 0; k < K; k++) {
        p->per_share[k] = 0.0;
    }
    for (int l = 0; l < L; l++) {
        p->per_unit[l] = 0.0;
    }
    int paying = 0;
    for (int f = 0; f < p->n; f++) {
        p->tax[f] = p->payout[f] = 0.0;
        if (!active[f]) {
            continue;
        }
        /* Costs of the month: revenue less earnings (operating costs, interest, depreciation;
         * a lab's compute). */
        double cost = led->rev[f] - earnings[f];
        p->cost[f] = p->cost[f] > 0.0 ? p->cost[f] + (cost - p->cost[f]) / COST_MEMORY : cost;
        double due = aim_payouts_tax(cc->tax_rate, earnings[f], &p->loss[f]);
        double owed = p->owed[f] + due;
        double cash = led->cash[f] > 0.0 ? led->cash[f] : 0.0;
        double tax = owed < cash ? owed : cash;
        aim_ledger_sink(led, f, tax, AIM_SINK_TAX);
        p->owed[f] = owed - tax;
        p->tax[f] = tax;
        double pay = aim_payouts_amount(cc, earnings[f] - due, led->cash[f], p->cost[f]);
        if (pay > 0.0) {
            p->payout[f] = payouts_holders(p, m, f, pay);
            paying = 1;
        }
    }
    if (!paying) {
        return;
    }
    /* The investors' shares, in one pass over the investors; the ledger moves exactly what their
     * cash arrays received from each firm to the investor sector's account. */
    aim_investors_pay_dividends(m->inv, p->per_share, p->per_unit, p->paid_asset, p->paid_lab);
    for (int f = 0; f < p->n; f++) {
        int a = m->asset[f], l = f - m->labs->first;
        double to_inv = a >= 0 ? p->paid_asset[a] : (l >= 0 ? p->paid_lab[l] : 0.0);
        if (active[f] && to_inv > 0.0) {
            aim_ledger_pay(led, f, m->inv_acct, to_inv, -1, 0);
            p->payout[f] += to_inv;
        }
    }
}
