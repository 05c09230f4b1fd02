/* Corporate taxes and payouts (MODEL.md 12.6): the tax with losses carried forward, the payout
 * rule and its cash target, and one month of aim_payouts_step on a small economy whose unlisted
 * lab pays its vendor, cloud and investor holders by units held. */
#include "agents/payouts.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "agents/clouds.h"
#include "agents/deals.h"
#include "agents/investors.h"
#include "agents/labs.h"
#include "agents/vendors.h"
#include "sim/ledger.h"
#include "tests/aim_test.h"

/* Every default of sim/params.def (lists empty). */
static void config_defaults(struct aim_config *c)
{
    memset(c, 0, sizeof *c);
#define AIM_P_REAL(sec, key, def, lo, hi, unit, doc) c->sec.key = (def);
#define AIM_P_INT(sec, key, def, lo, hi, unit, doc) c->sec.key = (def);
#define AIM_P_U64(sec, key, def, unit, doc) c->sec.key = (def);
#define AIM_P_BOOL(sec, key, def, doc) c->sec.key = (def);
#define AIM_P_ENUM(sec, key, def, choices, doc) c->sec.key = (def);
#include "sim/params.def"
}

static void test_tax(void)
{
    const double rate = 0.2137;
    double loss = 0.0;
    aim_test(aim_payouts_tax(rate, -3.71, &loss) == 0.0, "no tax on a loss");
    aim_test_rel(loss, 3.71, 1e-15, "the loss is carried forward");
    aim_test(aim_payouts_tax(rate, 1.234, &loss) == 0.0,
             "no tax while the carry-forward covers the earnings");
    aim_test_rel(loss, 3.71 - 1.234, 1e-15, "profit uses up the carry-forward");
    aim_test_rel(aim_payouts_tax(rate, 5.0, &loss), rate * (5.0 - (3.71 - 1.234)), 1e-14,
                 "tax on the earnings beyond the carry-forward");
    aim_test(loss == 0.0, "the carry-forward is used up");
    aim_test_rel(aim_payouts_tax(rate, 2.917, &loss), rate * 2.917, 1e-15, "then the whole profit is taxed");
    aim_test(aim_payouts_tax(rate, 0.0, &loss) == 0.0 && loss == 0.0, "zero earnings: no tax, no loss");
}

static void test_amount(void)
{
    struct aim_config_corporate cc = {0};
    cc.tax_rate = 0.2137;
    cc.payout_ratio = 0.4375;
    cc.cash_target_months = 2.5;
    cc.cash_max_months = 0.0;
    const double cost = 9.7; /* target 24.25 */
    aim_test_rel(aim_payouts_amount(&cc, 6.31, 40.0, cost), 0.4375 * 6.31, 1e-15,
                 "well above the cash target: payout_ratio of after-tax earnings");
    aim_test_rel(aim_payouts_amount(&cc, 6.31, 26.0, cost), 26.0 - 2.5 * 9.7, 1e-13,
                 "just above the target: the cash above it only");
    aim_test(aim_payouts_amount(&cc, 6.31, 20.0, cost) == 0.0, "below the cash target: no payout");
    aim_test(aim_payouts_amount(&cc, -1.3, 400.0, cost) == 0.0, "a loss: no payout");
    aim_test(aim_payouts_amount(&cc, 6.31, -4.0, cost) == 0.0, "negative cash: no payout");
    aim_test(aim_payouts_amount(&cc, 6.31, 40.0, 0.0) == 0.0, "no costs to measure the target by: no payout");
    /* A ceiling of 7.25 months (70.325): the cash above it is paid out when that is more than the
     * regular payout, in a profitable month only. */
    cc.cash_max_months = 7.25;
    aim_test_rel(aim_payouts_amount(&cc, 6.31, 100.0, cost), 100.0 - 7.25 * 9.7, 1e-13,
                 "above the ceiling: the excess cash is paid out");
    aim_test_rel(aim_payouts_amount(&cc, 6.31, 71.0, cost), 0.4375 * 6.31, 1e-15,
                 "just above the ceiling: the regular payout when it is larger");
    aim_test(aim_payouts_amount(&cc, -0.2, 100.0, cost) == 0.0,
             "above the ceiling in a loss month: no payout");
    cc.cash_max_months = 0.0;
    aim_test_rel(aim_payouts_amount(&cc, 6.31, 400.0, cost), 0.4375 * 6.31, 1e-15,
                 "cash_max_months 0: no ceiling");
}

/* Firms: vendor 0 (listed, asset 0), cloud 1, lab 2 (unlisted); ledger account 3 is the investor sector. */
static void test_step(void)
{
    struct aim_config cfg;
    config_defaults(&cfg);
    cfg.investors.count = 1001;
    cfg.investors.block_size = 97;
    cfg.corporate.tax_rate = 0.2137;
    cfg.corporate.payout_ratio = 0.4375;
    cfg.corporate.cash_target_months = 2.5;
    struct aim_ledger *led = NULL;
    struct aim_investors *inv = NULL;
    aim_ledger_create(&led, 4, 3);
    aim_investors_create(&inv, &cfg, 1, 1);
    double units_inv = 2.25, units_v = 1.3, units_c = 0.45, units = units_inv + units_v + units_c;
    double price = 12.5, shares = 3.7, fundamental = 41.3;
    int listed = 1;
    struct aim_market_assets mkt = {1, &price, &shares, &fundamental, &listed};
    aim_investors_reset(inv, 7, 0, 0, &mkt, &units_inv);
    int active[3] = {1, 1, 1}, asset[3] = {0, -1, -1};
    double valuation[3] = {0}, issued[3 * AIM_DEALS_ISSUE_RING] = {0};
    struct aim_labs lb = {0};
    lb.n = 1;
    lb.first = 2;
    lb.units = &units;
    lb.units_v = &units_v;
    lb.units_c = &units_c;
    struct aim_clouds cl = {0};
    cl.n = 1;
    cl.first = 1;
    struct aim_vendors vd = {0};
    vd.n = 1;
    struct aim_deals_market m = {led, 3,   inv, &mkt,        asset, valuation, issued,
                                 &lb, &cl, &vd, &cfg.clouds, NULL,  1};
    aim_ledger_open(led, 0, 30.1, AIM_ORIGIN_BASE);
    aim_ledger_open(led, 1, 2.7, AIM_ORIGIN_BASE);
    aim_ledger_open(led, 2, 11.0, AIM_ORIGIN_INVESTOR);
    aim_ledger_mark_start(led);
    aim_ledger_begin_month(led);
    /* The lab's month: revenue 12.41 of which earnings 7.3 (costs 5.11); losses of 2.0 carried. */
    aim_ledger_source(led, 2, 12.41, AIM_ORIGIN_CUSTOMER, AIM_PAY_REVENUE);
    aim_ledger_sink(led, 2, 12.41 - 7.3, AIM_SINK_OPEX);
    /* The vendor's: revenue 9.3, earnings 4.1. */
    aim_ledger_source(led, 0, 9.3, AIM_ORIGIN_CUSTOMER, AIM_PAY_REVENUE);
    aim_ledger_sink(led, 0, 9.3 - 4.1, AIM_SINK_OPEX);
    double loss[3] = {0.0, 0.0, 2.0}, owed[3] = {0}, cost[3] = {0}, tax[3], payout[3];
    double per_share[1], paid_asset[1], per_unit[1], paid_lab[1]; /* one listed asset, one lab */
    struct aim_payouts p = {3, loss, owed, cost, tax, payout, per_share, paid_asset, per_unit, paid_lab};
    double earnings[3] = {4.1, 0.0, 7.3};
    double cash_v = led->cash[0], cash_c = led->cash[1], cash_l = led->cash[2], cash_i = led->cash[3];
    struct aim_investors_report rep;
    aim_investors_step(inv, &mkt, &(double){1.0}, 1, 1, &rep);
    double inv_cash0 = rep.cash;
    aim_test(rep.mm_inventory != 0.0, "the market maker holds some of the vendor's shares (%.4g $B)",
             rep.mm_inventory);
    aim_payouts_step(&p, &cfg.corporate, &m, active, earnings);
    double want_tax = 0.2137 * (7.3 - 2.0), want_pay = 0.4375 * (7.3 - want_tax);
    aim_test_rel(tax[2], want_tax, 1e-14, "the lab pays tax on its earnings less the loss carried forward");
    double want_tax_v = 0.2137 * 4.1, want_pay_v = 0.4375 * (4.1 - want_tax_v);
    aim_test_rel(tax[0], want_tax_v, 1e-14, "the vendor, with no losses, pays tax on all its earnings");
    aim_test_rel(led->sink_by[AIM_SINK_TAX], want_tax + want_tax_v, 1e-14, "the taxes go to the tax sink");
    aim_test_rel(payout[0], want_pay_v, 1e-12, "the listed vendor pays payout_ratio of after-tax earnings");
    aim_test_rel(paid_asset[0], want_pay_v, 1e-12,
                 "the investors and the market maker receive all of the listed vendor's payout");
    aim_test_rel(payout[2], want_pay, 1e-13, "payout: payout_ratio of after-tax earnings");
    aim_test_rel(cost[2], 12.41 - 7.3, 1e-14, "the first month's costs start the trailing average");
    aim_test_rel(led->cash[2], cash_l - want_tax - want_pay, 1e-14, "the lab's cash falls by tax and payout");
    aim_test_rel(led->cash[0] - cash_v, want_pay * 1.3 / 4.0 - want_tax_v - want_pay_v, 1e-13,
                 "the vendor gets its units' share of the lab's payout and pays its tax and payout");
    aim_test_rel(led->cash[1] - cash_c, want_pay * 0.45 / 4.0, 1e-13, "the cloud gets its units' share");
    aim_test_rel(led->cash[3] - cash_i, want_pay * 2.25 / 4.0 + want_pay_v, 1e-12,
                 "the investor account gets the investors' share of the lab's payout and the vendor's");
    aim_investors_step(inv, &mkt, &(double){1.0}, 2, 1, &rep);
    aim_test_rel(rep.cash - rep.inflow + rep.redemption - inv_cash0, led->cash[3] - cash_i, 1e-12,
                 "the investors' cash rose by what the ledger moved to their account");
    aim_test(fabs(aim_ledger_residual(led, 0.0)) < 1e-15, "no money created or lost");
    aim_test(tax[1] == 0.0 && payout[1] == 0.0, "a firm without earnings pays nothing");
    /* Next month earnings 7.3 on costs of 2.2, with the lab's cash (brought to 14.0) just above
     * 2.5 months of trailing costs after tax: it pays down to the target only. */
    aim_ledger_begin_month(led);
    aim_ledger_source(led, 2, 9.5, AIM_ORIGIN_CUSTOMER, AIM_PAY_REVENUE);
    aim_ledger_sink(led, 2, led->cash[2] - 14.0, AIM_SINK_OPEX);
    earnings[0] = 0.0;
    earnings[2] = 9.5 - 2.2;
    aim_payouts_step(&p, &cfg.corporate, &m, active, earnings);
    double c2 = 5.11 + (2.2 - 5.11) / 12.0;
    aim_test_rel(cost[2], c2, 1e-14, "trailing costs are an EWMA with a year's memory");
    aim_test_rel(tax[2], 0.2137 * 7.3, 1e-14, "no carry-forward left: the whole profit is taxed");
    aim_test_rel(payout[2], 14.0 - 0.2137 * 7.3 - 2.5 * c2, 1e-12, "payout down to the cash target only");
    aim_test_rel(led->cash[2], 2.5 * c2, 1e-13, "the lab keeps cash_target_months of trailing costs");
    /* A third profitable month with cash below the target after tax: tax, no payout. */
    aim_ledger_begin_month(led);
    aim_ledger_source(led, 2, 9.5, AIM_ORIGIN_CUSTOMER, AIM_PAY_REVENUE);
    aim_ledger_sink(led, 2, 9.5 - 0.35, AIM_SINK_OPEX);
    earnings[2] = 0.35;
    aim_payouts_step(&p, &cfg.corporate, &m, active, earnings);
    aim_test_rel(tax[2], 0.2137 * 0.35, 1e-14, "a profit below the cash target is taxed");
    aim_test(payout[2] == 0.0, "no payout below the cash target (cash %.4g, target %.4g)", led->cash[2],
             2.5 * cost[2]);
    aim_test(fabs(aim_ledger_residual(led, 0.0)) < 1e-15, "three months: no money created or lost");
    /* A defaulted firm pays nothing and its books stay. */
    active[2] = 0;
    double before = led->cash[2];
    aim_payouts_step(&p, &cfg.corporate, &m, active, earnings);
    aim_test(tax[2] == 0.0 && payout[2] == 0.0 && led->cash[2] == before, "a defaulted firm pays nothing");
    aim_investors_free(inv);
    aim_ledger_free(led);
}

int main(void)
{
    test_tax();
    test_amount();
    test_step();
    return aim_test_summary();
}
