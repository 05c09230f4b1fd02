/* Behavioural rules of labs, clouds, vendors and contracts, and the demand/rate process. */
#include "agents/clouds.h"
#include "agents/deals.h"
#include "agents/labs.h"
#include "agents/lenders.h"
#include "agents/vendors.h"
#include "sim/macro.h"
#include "tests/aim_test.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* One vendor (firm 0), one cloud (firm 1) and one lab (firm 2): the arrays the world would allocate. */
struct rules_economy {
    struct aim_ledger *led;
    struct aim_vendors vd;
    struct aim_clouds cl;
    struct aim_labs lb;
    double v_arr[8][1], c_arr[24][1], l_arr[32][1];
    double backlog[1], backlog_val[1], vsplit[1], pipeline[8], pipeline_val[8], ebitda[AIM_CLOUDS_RING];
    double held[1], withheld[1], cancelled[1], v_ebitda[AIM_VENDORS_RING];
    int v_active[1], c_active[1], l_active[1];
};

static void rules_economy_init(struct rules_economy *e)
{
    memset(e, 0, sizeof *e);
    aim_ledger_create(&e->led, 3, 3);
    int k = 0;
    e->vd = (struct aim_vendors){.n = 1,
                                 .n_clouds = 1,
                                 .P = e->v_arr[k++],
                                 .pv = e->v_arr[k++],
                                 .backlog = e->backlog,
                                 .backlog_val = e->backlog_val,
                                 .split = e->vsplit,
                                 .held = e->held,
                                 .withheld = e->withheld,
                                 .cancelled = e->cancelled,
                                 .ebitda = e->v_ebitda,
                                 .active = e->v_active,
                                 .debt = e->v_arr[k++],
                                 .base = e->v_arr[k++],
                                 .deliveries = e->v_arr[k++],
                                 .baserev = e->v_arr[k++],
                                 .util = e->v_arr[k++],
                                 .earnings = e->v_arr[k++]};
    k = 0;
    e->cl = (struct aim_clouds){.n = 1,
                                .first = 1,
                                .Cap = e->c_arr[k++],
                                .pc = e->c_arr[k++],
                                .spot_trend = e->c_arr[k++],
                                .spot_slope = e->c_arr[k++],
                                .spot_req = e->c_arr[k++],
                                .used = e->c_arr[k++],
                                .p_spot = e->c_arr[k++],
                                .pipeline = e->pipeline,
                                .pipeline_val = e->pipeline_val,
                                .book = e->c_arr[k++],
                                .dep = e->c_arr[k++],
                                .cut = e->c_arr[k++],
                                .wanted = e->c_arr[k++],
                                .ebitda = e->ebitda,
                                .ai_rev = e->c_arr[k++],
                                .reserved = e->c_arr[k++],
                                .ratio = e->c_arr[k++],
                                .active = e->c_active,
                                .debt = e->c_arr[k++],
                                .base = e->c_arr[k++],
                                .deliveries = e->c_arr[k++],
                                .baserev = e->c_arr[k++],
                                .util = e->c_arr[k++],
                                .earnings = e->c_arr[k++]};
    k = 0;
    e->lb = (struct aim_labs){.n = 1,
                              .first = 2,
                              .Q = e->l_arr[k++],
                              .cap = e->l_arr[k++],
                              .share = e->l_arr[k++],
                              .R = e->l_arr[k++],
                              .burn = e->l_arr[k++],
                              .m_inf = e->l_arr[k++],
                              .m_tr = e->l_arr[k++],
                              .need = e->l_arr[k++],
                              .c_avail = e->l_arr[k++],
                              .delivered = e->l_arr[k++],
                              .inf = e->l_arr[k++],
                              .s_inf = e->l_arr[k++],
                              .s_budget = e->l_arr[k++],
                              .spare = e->l_arr[k++],
                              .paid = e->l_arr[k++],
                              .split = e->l_arr[k++],
                              .pick_v = e->l_arr[k++],
                              .pick_c = e->l_arr[k++],
                              .units = e->l_arr[k++],
                              .units_v = e->l_arr[k++],
                              .units_c = e->l_arr[k++],
                              .unit_value = e->l_arr[k++],
                              .units_inv0 = e->l_arr[k++],
                              .active = e->l_active,
                              .valuation = e->l_arr[k++],
                              .earnings = e->l_arr[k++]};
    e->v_active[0] = e->c_active[0] = e->l_active[0] = 1;
    e->vd.pv[0] = 0.035;
    e->cl.Cap[0] = 5000.0;
    e->cl.pc[0] = 0.0012;
    e->lb.Q[0] = 1000.0;
    e->lb.cap[0] = 3.0;
}

/* MODEL.md 12.5: a contract signed at month 2 that starts at month 7 (delay 5) is outstanding from
 * its signing, reserves nothing and is paid nothing before month 7, and is paid in full by the end
 * of its term. The lab neither sells nor trains (D = 0, alpha_train = 0), so everything the cloud
 * earns from it is take-or-pay. */
static void test_contract_start(struct aim_config *cfg)
{
    struct rules_economy e;
    rules_economy_init(&e);
    cfg->labs.n_firms = 1;
    cfg->labs.firms[0].alpha_train = 0.0;
    cfg->labs.runway_target = 24.0;
    cfg->labs.spot_theta = 1.0;
    cfg->demand.theta = 3.454;
    aim_ledger_open(e.led, 2, 100.0, AIM_ORIGIN_INVESTOR);
    struct aim_deals *d = NULL;
    aim_deals_create(&d, 4);
    const int signed_at = 2, start = 7, term = 9;
    const double commitment = 2.385;
    aim_test(aim_deals_sign(d, 0, 0, commitment, term, 385.0, signed_at, start) == 0,
             "a contract signed at month 2 that starts at month 7");
    double paid_before = 0.0, paid = 0.0;
    int pays_from_start = 1;
    for (int t = signed_at + 1; t <= start + term + 1; t++) {
        double owed = aim_deals_outstanding(d, 0, -1);
        if (t < start) {
            aim_test(owed == commitment && aim_deals_mw(d, -1, 0, t) == 0.0,
                     "month %d, before its start: outstanding %.3f = the commitment, nothing reserved", t,
                     owed);
            aim_test(aim_deals_mw(d, -1, 0, t + 18) == 385.0,
                     "month %d: the contract counts for capacity planned 18 months ahead", t);
        }
        double cash0 = e.led->cash[1];
        aim_labs_step(&e.lb, &cfg->labs, &cfg->demand, &cfg->hardware, &cfg->clouds, 0.0, t, &e.cl, d, e.led);
        double got = e.led->cash[1] - cash0;
        aim_test_rel(got, e.cl.ai_rev[0], 1e-14, "month %d: the cloud's cash rises by its AI revenue", t);
        if (t < start) {
            paid_before += got;
        } else {
            pays_from_start &= t >= start + term || fabs(got - commitment / term) < 1e-12;
            paid += got;
        }
    }
    aim_test(paid_before == 0.0, "nothing is paid before the start month (%.3g)", paid_before);
    aim_test(pays_from_start, "commitment / term is paid in each month of the term from the start");
    aim_test_rel(paid, commitment, 1e-12, "the whole commitment is paid by the end of the term");
    aim_test(aim_deals_outstanding(d, 0, -1) == 0.0, "nothing is outstanding after the term");
    aim_deals_free(d);
    aim_ledger_free(e.led);
}

/* MODEL.md 12.5: a lab's default cancels the GPU orders its contract placed that are not yet
 * delivered; the cloud pays deals.cancel_fee of their value to the vendor. */
static void test_contract_cancel(void)
{
    struct rules_economy e;
    rules_economy_init(&e);
    aim_ledger_open(e.led, 0, 40.0, AIM_ORIGIN_BASE);
    aim_ledger_open(e.led, 1, 60.0, AIM_ORIGIN_BASE);
    struct aim_deals *d = NULL;
    aim_deals_create(&d, 2);
    /* The cloud already has 250 MW on order at 0.03 $B/MW; the deal orders 1000 MW at 0.035. */
    e.vd.backlog[0] = 250.0;
    e.vd.backlog_val[0] = 7.5;
    int k = aim_deals_sign(d, 0, 0, 48.0, 60, 1000.0, 0, 9);
    aim_vendors_order(&e.vd, 0, 0, 1000.0, 1.0);
    d->c[k].vendor = 0;
    d->c[k].order_mw = 1000.0;
    aim_test_rel(e.vd.backlog[0], 1250.0, 0, "the deal's order joins the cloud's book");
    /* The vendor delivers 40% of the cloud's book: 40% of the deal's order is delivered. */
    aim_deals_note_orders(d, &e.vd);
    e.vd.backlog[0] *= 0.6;
    e.vd.backlog_val[0] *= 0.6;
    aim_deals_follow_orders(d, &e.vd);
    aim_test_rel(d->c[k].order_mw, 600.0, 1e-14, "600 MW of the deal's order are still undelivered");
    double value = e.vd.backlog_val[0] * 600.0 / 750.0;
    struct aim_deals_market m = {.led = e.led, .labs = &e.lb, .clouds = &e.cl, .vendors = &e.vd, .t = 3};
    const double fee = 0.2385;
    double v_cash = e.led->cash[0], c_cash = e.led->cash[1], v_earn = e.vd.earnings[0];
    aim_test(aim_deals_cancel_orders(d, &m, 0, fee) == AIM_OK, "the lab's orders are cancelled");
    aim_test_rel(e.vd.backlog[0], 150.0, 1e-13, "the backlog falls by the 600 MW undelivered");
    aim_test_rel(e.vd.backlog_val[0], 0.6 * (7.5 + 35.0) - value, 1e-13, "and by their value");
    aim_test_rel(e.led->cash[0] - v_cash, fee * value, 1e-13, "the vendor's cash rises by the fee (%.4f)",
                 fee * value);
    aim_test_rel(c_cash - e.led->cash[1], fee * value, 1e-13, "the cloud pays the fee");
    aim_test_rel(e.vd.earnings[0] - v_earn, fee * value, 1e-13, "the fee is the vendor's earnings");
    aim_test_rel(e.led->rev[0], fee * value, 1e-13, "and its revenue");
    aim_test_rel(aim_deals_void(d, 0, -1), 48.0, 1e-14, "the lab's contract is then voided");
    aim_test(aim_deals_cancel_orders(d, &m, 0, fee) == AIM_OK && e.vd.backlog[0] == 150.0,
             "a voided contract cancels nothing more");
    /* Cancelling beyond what is on order takes what there is, at its value. */
    aim_test_rel(aim_vendors_cancel_mw(&e.vd, 0, 0, 1e6), 0.6 * (7.5 + 35.0) - value, 1e-13,
                 "cancelling more than the book takes the whole book");
    aim_test(e.vd.backlog[0] == 0.0 && e.vd.backlog_val[0] == 0.0, "and empties it");
    aim_deals_free(d);
    aim_ledger_free(e.led);
}

/* MODEL.md 12.3: a delivery the cloud cannot pay for (no cash, no credit) stays in the vendor's
 * backlog, withheld, and is cancelled after order_hold_months months unpaid; a cloud that can pay
 * half of it takes half. */
static void test_delivery_hold(struct aim_config *cfg)
{
    struct rules_economy e;
    rules_economy_init(&e);
    double loan[3] = {0};
    struct aim_lenders lenders = {
        .account = 2, .n = 3, .loan = loan}; /* no loan is made: the lab's account serves */
    struct aim_config_credit credit = cfg->credit;
    credit.capital = 0.0; /* the lenders lend nothing */
    credit.capital_ratio = 0.1;
    credit.term_months = 84.0;
    cfg->vendors.fab_lag = cfg->vendors.fab_down = 12.0;
    cfg->vendors.target_backlog_months = 1.0;
    cfg->vendors.p_min = 0.001;
    cfg->vendors.p_max = 1.0;
    e.cl.lenders = e.vd.lenders = &lenders;
    e.cl.credit = e.vd.credit = &credit;
    cfg->vendors.order_hold_months = 2.0;
    cfg->vendors.firms[0].unit_cost = 0.0;
    cfg->vendors.firms[0].m_base = 0.0;
    cfg->clouds.build_lag = 0;
    cfg->clouds.facility_cost = 0.0;
    e.vd.P[0] = 1000.0;
    e.vd.pv[0] = 0.02;
    e.vd.backlog[0] = 40.0;
    e.vd.backlog_val[0] = 0.8;
    aim_ledger_open(e.led, 1, 0.0, AIM_ORIGIN_BASE);
    aim_vendors_step(&e.vd, &cfg->vendors, &e.cl, &cfg->clouds, e.led, 1);
    aim_test(e.vd.deliveries[0] == 0.0 && e.vd.withheld[0] == 40.0 && e.vd.backlog[0] == 40.0,
             "month 1: nothing delivered, 40 MW withheld and still on order");
    aim_vendors_step(&e.vd, &cfg->vendors, &e.cl, &cfg->clouds, e.led, 2);
    aim_test(e.vd.cancelled[0] == 40.0 && e.vd.backlog[0] == 0.0 && e.vd.backlog_val[0] == 0.0,
             "month 2: unpaid for order_hold_months, the 40 MW are cancelled");
    /* A cloud with cash for half the order takes half; the rest waits. */
    e.vd.backlog[0] = 40.0;
    e.vd.backlog_val[0] = 0.8;
    aim_ledger_source(e.led, 1, 0.4, AIM_ORIGIN_BASE, 0);
    aim_vendors_step(&e.vd, &cfg->vendors, &e.cl, &cfg->clouds, e.led, 3);
    aim_test_rel(e.vd.deliveries[0], 20.0, 1e-14, "cash for half: 20 MW delivered");
    aim_test_rel(e.vd.withheld[0], 20.0, 1e-14, "and 20 MW withheld");
    aim_test_abs(e.led->cash[1], 0.0, 1e-15, "the cloud spent its cash and borrowed nothing");
    aim_test(e.cl.debt[0] == 0.0, "no credit was given");
    aim_ledger_free(e.led);
}

int main(void)
{
    struct aim_config *cfg = calloc(1, sizeof *cfg);
    /* Labs: logit shares on capability. */
    double c[4] = {4.477, 4.176, 3.415, 5.0}, sh[4];
    int act[4] = {1, 1, 1, 0};
    aim_labs_shares(c, act, 4, 1.5, sh);
    double e0 = exp(1.5 * 4.477), e1 = exp(1.5 * 4.176), e2 = exp(1.5 * 3.415);
    aim_test_rel(sh[0], e0 / (e0 + e1 + e2), 1e-14, "logit share of lab 0");
    aim_test_rel(sh[2], e2 / (e0 + e1 + e2), 1e-14, "logit share of lab 2");
    aim_test(sh[3] == 0.0, "an inactive lab has no share");
    double big[2] = {1000.0, 999.0};
    int act2[2] = {1, 1};
    aim_labs_shares(big, act2, 2, 50.0, sh);
    aim_test(isfinite(sh[0]) && fabs(sh[0] + sh[1] - 1.0) < 1e-15, "theta c = 50000 does not overflow");
    int none[2] = {0, 0};
    aim_labs_shares(big, none, 2, 1.5, sh);
    aim_test(sh[0] == 0.0 && sh[1] == 0.0, "no active lab: all shares 0");
    cfg->demand.rho0 = 0.0024;
    cfg->hardware.eta = 1.4;
    aim_test_rel(aim_labs_rho(&cfg->demand, &cfg->hardware, 18), 0.0024 * pow(1.4, 1.5), 1e-14,
                 "rho_t = rho0 eta^(t/12)");
    aim_test_rel(aim_labs_training(0.55, 12.385, 24.0), 0.55 * 12.385 / 24.0, 1e-15, "training spend B");
    aim_test(aim_labs_training(0.55, -30.0, 24.0) == 0.0, "no training spend out of negative cash");
    aim_test(aim_labs_funding_need(30.0, 2.0, 12.0, 24.0) == 0.0, "15 months of runway: no round");
    aim_test_rel(aim_labs_funding_need(20.0, 2.0, 12.0, 24.0), 48.0, 0,
                 "10 months of runway: seek burn x 24");
    aim_test_rel(aim_labs_funding_need(-3.5, 2.0, 12.0, 24.0), 51.5, 0, "negative cash is covered too");
    aim_test(aim_labs_funding_need(5.0, -1.0, 12.0, 24.0) == 0.0, "a profitable lab seeks nothing");
    aim_test_rel(aim_labs_funding_need(-2.0, 0.0, 12.0, 24.0), 2.0, 0, "no burn, negative cash: cover it");
    {
        /* A round sells at pre / units; a lab whose pre-money has collapsed next to what it seeks
         * multiplies its units by ~1 + A / pre a month, until the price of a unit cannot be counted. */
        double units[2] = {197.763, 2.13697e301};
        struct aim_labs lb = {.units = units};
        aim_test(aim_labs_can_issue(&lb, 0, 60.752, 2.0724, 2),
                 "a round at a pre-money of 60.752 can be sold");
        aim_test(!aim_labs_can_issue(&lb, 1, 0.00251839, 57.2376, 2),
                 "a round of 57.2 at a pre-money of 0.0025 over 2.1e301 units cannot be sold");
        aim_test(aim_labs_can_issue(&lb, 1, 0.00251839, 0.0, 2), "selling nothing leaves a countable price");
        aim_test(!aim_labs_can_issue(&lb, 0, 0.0, 2.385, 1), "no round at a pre-money of 0");
        units[0] = 0.0;
        aim_test(!aim_labs_can_issue(&lb, 0, 60.752, 2.385, 1), "no round for a lab without units");
    }

    /* Clouds. */
    cfg->clouds.zeta = 0.05;
    cfg->clouds.u_target = 0.85;
    cfg->clouds.p_min = 0.0003;
    cfg->clouds.p_max = 0.004;
    aim_test_rel(aim_clouds_price(&cfg->clouds, 0.0012, 0.95), 0.0012 * (1.0 + 0.05 * 0.1), 1e-14,
                 "price rises above target");
    aim_test(aim_clouds_price(&cfg->clouds, 0.0039999, 1.0) == 0.004, "price clamped at p_max");
    aim_test(aim_clouds_price(&cfg->clouds, 0.00030001, 0.0) == 0.0003, "price clamped at p_min");
    double p[3] = {0.0012, 0.0011, 0.0013}, wv[3];
    int pa[3] = {1, 1, 1};
    aim_clouds_price_logit(p, pa, 3, 10.0, wv);
    double pbar = 0.0036 / 3.0, x0 = exp(-10.0 * 0.0012 / pbar), x1 = exp(-10.0 * 0.0011 / pbar),
           x2 = exp(-10.0 * 0.0013 / pbar);
    aim_test_rel(wv[1], x1 / (x0 + x1 + x2), 1e-13, "price logit weight of the cheapest");
    aim_test(wv[1] > wv[0] && wv[0] > wv[2], "cheaper gets more");
    double size[3] = {250.0, 25.0, 70.0}, ws[3];
    aim_clouds_size_logit(p, size, pa, 3, 10.0, ws);
    double y0 = 250.0 * x0, y1 = 25.0 * x1, y2 = 70.0 * x2;
    aim_test_rel(ws[0], y0 / (y0 + y1 + y2), 1e-13, "size-weighted logit: weight of the largest seller");
    aim_test_rel(ws[0] + ws[1] + ws[2], 1.0, 1e-15, "size-weighted logit weights sum to 1");
    double nosize[3] = {0.0, 0.0, 0.0};
    aim_clouds_size_logit(p, nosize, pa, 3, 10.0, ws);
    aim_test(ws[0] == wv[0] && ws[1] == wv[1] && ws[2] == wv[2], "without sizes: the plain price logit");
    {
        /* Spot clearing (MODEL.md 12.4): inference is worth rho = 0.0024 a MW-month, training is a
         * budget; the price is the lowest in [posted, p_max] at which what is asked for fits. */
        double qi = -1.0, qt = -1.0, p;
        p = aim_clouds_clear(103.5, 0.1385, 417.0, 0.0012, 0.0024, 0.004, &qi, &qt);
        aim_test(p == 0.0012 && qi == 1.0 && qt == 1.0, "ample capacity: the posted price, all served");
        p = aim_clouds_clear(203.5, 0.4385, 417.0, 0.0012, 0.0024, 0.004, &qi, &qt);
        aim_test_rel(p, 0.4385 / (417.0 - 203.5), 1e-15, "excess demand raises the price to where it fits");
        aim_test(p > 0.0012 && qi == 1.0 && qt == 1.0, "below rho every buyer is served at the higher price");
        aim_test_rel(203.5 + 0.4385 / p, 417.0, 1e-14, "at the clearing price demand equals free capacity");
        p = aim_clouds_clear(303.5, 0.6385, 417.0, 0.0012, 0.0024, 0.004, &qi, &qt);
        aim_test(p == 0.0024 && qt == 1.0, "training fits at rho: the price stops at rho");
        aim_test_rel(qi, (417.0 - 0.6385 / 0.0024) / 303.5, 1e-14,
                     "at rho inference takes what training leaves");
        p = aim_clouds_clear(303.5, 1.2385, 417.0, 0.0012, 0.0024, 0.004, &qi, &qt);
        aim_test_rel(p, 1.2385 / 417.0, 1e-15, "above rho only the training budget buys, at budget / free");
        aim_test(qi == 0.0 && qt == 1.0, "above rho inference is not worth buying");
        p = aim_clouds_clear(303.5, 2.385, 417.0, 0.0012, 0.0024, 0.004, &qi, &qt);
        aim_test(p == 0.004 && qi == 0.0, "a budget beyond free x p_max: the price stops at p_max");
        aim_test_rel(qt, 417.0 * 0.004 / 2.385, 1e-14, "at p_max the training budget is rationed");
        p = aim_clouds_clear(303.5, 1.2385, 417.0, 0.0012, 0.0053, 0.004, &qi, &qt);
        aim_test(p == 0.004, "inference worth more than p_max: the price stops at p_max");
        aim_test_rel(qi, 417.0 / (303.5 + 1.2385 / 0.004), 1e-14, "at p_max all demand is rationed pro rata");
        aim_test(qt == qi, "inference and training rationed in one proportion at p_max");
        p = aim_clouds_clear(303.5, 1.2385, 0.0, 0.0012, 0.0024, 0.004, &qi, &qt);
        aim_test(p == 0.0012 && qi == 0.0 && qt == 0.0, "no free capacity: nothing served");
    }
    cfg->clouds.buffer = 0.15;
    cfg->clouds.power_growth_max = 200.0;
    aim_test_rel(aim_clouds_order(&cfg->clouds, 1000.0, 300.0, 1200.0, 200.0), 1300.0 * 1.15 - 1400.0, 1e-14,
                 "order = target - installed - on order");
    aim_test(aim_clouds_order(&cfg->clouds, 1000.0, 300.0, 500.0, 0.0) == 200.0,
             "order capped at power_growth_max");
    aim_test(aim_clouds_order(&cfg->clouds, 100.0, 0.0, 500.0, 0.0) == 0.0, "no negative orders");

    {
        /* Revenue needs compute (MODEL.md 12.4): one cloud of 1000 MW at 0.0012, three labs with
         * demand shares 1/3, 1/2, 1/6 (capabilities ln 2, ln 3, 0 at theta 1). Lab 0 has no money and
         * so no training budget; labs 1 and 2 spend 2.5 and 0.3 a month ($B). Their budgets of 2.8
         * exceed rho x 1000 = 2.4, so the price clears at 2.8 / 1000 = 0.0028 > rho and nobody buys
         * inference as such: labs 1 and 2 get 892.857 and 107.143 MW, lab 0 none. */
        struct aim_ledger *led = NULL;
        struct aim_deals *none = NULL;
        aim_test(aim_ledger_create(&led, 4, 0) == AIM_OK && aim_deals_create(&none, 1) == AIM_OK,
                 "a ledger of one cloud and three labs");
        double Cap = 1000.0, pc = 0.0012, p_spot = 0.0, spot_req = 0.0, used = 0.0, ai_rev = 0.0,
               reserved = 0.0, ratio = 0.0;
        int cl_active = 1;
        struct aim_clouds cl = {.n = 1,
                                .first = 0,
                                .Cap = &Cap,
                                .pc = &pc,
                                .p_spot = &p_spot,
                                .spot_req = &spot_req,
                                .used = &used,
                                .ai_rev = &ai_rev,
                                .reserved = &reserved,
                                .ratio = &ratio,
                                .active = &cl_active};
        double Q[3], capab[3], share[3], R[3], burn[3], m_inf[3], m_tr[3], need[3], c_avail[3], deliv[3],
            inf[3], s_inf[3], s_budget[3], spare[3], paid[3], split[3], earn[3];
        int lab_active[3] = {1, 1, 1};
        struct aim_labs lb = {.n = 3,
                              .first = 1,
                              .Q = Q,
                              .cap = capab,
                              .share = share,
                              .R = R,
                              .burn = burn,
                              .m_inf = m_inf,
                              .m_tr = m_tr,
                              .need = need,
                              .c_avail = c_avail,
                              .delivered = deliv,
                              .inf = inf,
                              .s_inf = s_inf,
                              .s_budget = s_budget,
                              .spare = spare,
                              .paid = paid,
                              .split = split,
                              .active = lab_active,
                              .earnings = earn};
        struct aim_config *lc = calloc(1, sizeof *lc);
        lc->labs.n_firms = 3;
        lc->labs.runway_target = 24.0;
        lc->labs.spot_theta = 10.0;
        for (int l = 0; l < 3; l++) {
            lc->labs.firms[l].alpha_train = 1.0;
            lc->labs.firms[l].omega = 0.3;
        }
        lc->demand.theta = 1.0;
        lc->demand.rho0 = 0.0024;
        lc->hardware.eta = 1.25;
        lc->clouds.p_max = 0.004;
        const double D[2] = {18.0, 36.0}; /* $B/yr: lab 0's customers find room elsewhere, then not all */
        for (int k = 0; k < 2; k++) {
            aim_ledger_clear(led);
            aim_ledger_open(led, 0, 10.0, AIM_ORIGIN_BASE);
            aim_ledger_open(led, 2, 60.0, AIM_ORIGIN_INVESTOR); /* 2.5 a month over 24 months */
            aim_ledger_open(led, 3, 7.2, AIM_ORIGIN_INVESTOR);  /* 0.3 a month */
            const double c0[3] = {log(2.0), log(3.0), 0.0};
            for (int l = 0; l < 3; l++) {
                Q[l] = 1000.0;
                capab[l] = c0[l];
            }
            lb.frontier = log(3.0);
            pc = 0.0012;
            aim_labs_step(&lb, &lc->labs, &lc->demand, &lc->hardware, &lc->clouds, D[k], 0, &cl, none, led);
            double M = D[k] / 12.0, rho = 0.0024;
            aim_test_rel(p_spot, 0.0028, 1e-14, "D %.0f: budgets of 2.8 clear 1000 MW at 0.0028", D[k]);
            aim_test_rel(ai_rev, 2.8, 1e-14, "D %.0f: the cloud books the budgets at the clearing price",
                         D[k]);
            aim_test(R[0] == 0.0 && inf[0] == 0.0, "D %.0f: a lab without compute books no revenue", D[k]);
            for (int l = 1; l < 3; l++) {
                aim_test(R[l] <= rho * inf[l] * (1.0 + 1e-12) && inf[l] <= deliv[l] * (1.0 + 1e-12),
                         "D %.0f: lab %d books at most rho x the inference MW it was delivered", D[k], l);
            }
            if (k == 0) {
                /* Own demand 0.75 and 0.25; lab 2 has 0.257143 of compute, so of lab 0's 0.5 (3:1
                 * by shares) it serves 0.007143 and lab 1 the rest. */
                aim_test_rel(R[2], rho * 0.3 / 0.0028, 1e-13, "lab 2 serves others only up to its compute");
                aim_test_rel(R[1], 0.75 + 0.5 - (rho * 0.3 / 0.0028 - 0.25), 1e-13,
                             "lab 1 serves the rest of lab 0's customers");
                aim_test(lb.unserved <= 1e-15 * M, "all demand served");
            } else {
                /* Own demand 1.5 and 0.5: lab 2 is short itself; lab 1 serves lab 0's and lab 2's
                 * customers with its 2.142857 of compute; 0.6 a month is lost. */
                aim_test_rel(R[1], rho * 2.5 / 0.0028, 1e-13, "lab 1 serves up to its compute");
                aim_test_rel(R[2], rho * 0.3 / 0.0028, 1e-13, "lab 2 serves what it has compute for");
                aim_test_rel(lb.unserved, M - rho * 1000.0, 1e-12, "what nobody can serve is unserved (0.6)");
            }
            aim_test_rel(R[0] + R[1] + R[2] + lb.unserved, M, 1e-13, "D %.0f: served + unserved = D / 12",
                         D[k]);
        }
        free(lc);
        aim_deals_free(none);
        aim_ledger_free(led);
    }

    /* Vendors. */
    cfg->vendors.xi = 0.02;
    cfg->vendors.target_backlog_months = 12.0;
    cfg->vendors.p_min = 0.005;
    cfg->vendors.p_max = 0.06;
    cfg->vendors.fab_lag = 12.0;
    aim_test_rel(aim_vendors_price(&cfg->vendors, 0.035, 3500.0, 250.0), 0.035 * (1.0 + 0.02 * (14.0 - 12.0)),
                 1e-14, "GPU price follows backlog pressure");
    aim_test(aim_vendors_price(&cfg->vendors, 0.035, 0.0, 250.0) == 0.035 * (1.0 - 0.24),
             "empty backlog lowers the price");
    aim_test(aim_vendors_price(&cfg->vendors, 0.0051, 0.0, 250.0) == 0.005, "clamped at p_min");
    aim_test_rel(aim_vendors_production(&cfg->vendors, 250.0, 4200.0), 250.0 + (350.0 - 250.0) / 12.0, 1e-14,
                 "production moves toward backlog / target months");
    cfg->vendors.fab_down = 48.0;
    aim_test(aim_vendors_production(&cfg->vendors, 1.0, 0.0) >= 0.0, "production never negative");
    aim_test_rel(aim_vendors_production(&cfg->vendors, 250.0, 1140.0), 250.0 + (95.0 - 250.0) / 48.0, 1e-14,
                 "production shrinks toward backlog / target months with the slower fab_down");

    /* Contracts. */
    struct aim_deals *d = NULL;
    aim_test(aim_deals_create(&d, 0) == AIM_ERR_USAGE, "a table of 0 contracts is refused");
    aim_test(aim_deals_create(&d, 3) == AIM_OK, "table of 3 contracts");
    aim_test(aim_deals_sign(d, 1, 0, 30.0, 60, 1000.0, 0, 0) == 0, "sign the seed contract");
    aim_test(aim_deals_sign(d, 1, 2, 48.0, 48, 900.0, 0, 0) == 1, "sign a second");
    aim_test(aim_deals_sign(d, 0, 2, 22.4, 0, 300.0, 0, 0) == -1, "a zero term is refused");
    aim_test(aim_deals_sign(d, 0, 2, 22.4, 60, 300.0, 3, 2) == -1, "a start before signing is refused");
    aim_test(aim_deals_sign(d, 0, 2, 22.4, 60, 300.0, 0, 0) == 2, "sign a third");
    aim_test(aim_deals_sign(d, 0, 1, 5.0, 60, 10.0, 0, 0) == -1, "a full table refuses");
    aim_test_rel(aim_deals_outstanding(d, 1, -1), 78.0, 1e-14, "lab 1 owes 30 + 48");
    aim_test_rel(aim_deals_outstanding(d, -1, 2), 70.4, 1e-14, "cloud 2 is owed 48 + 22.4");
    aim_test_rel(aim_deals_mw(d, -1, 2, 0), 1200.0, 0, "cloud 2 reserves 900 + 300 MW");
    for (int i = 0; i < 48; i++) {
        aim_deals_age(d);
    }
    aim_test_rel(aim_deals_outstanding(d, 1, -1), 30.0 * 12.0 / 60.0, 1e-13,
                 "48 months later: 12 of 60 left");
    aim_deals_draw(d, 0, 0.385);
    aim_test_rel(aim_deals_outstanding(d, 1, -1), 30.0 * (12.0 - 0.385) / 60.0, 1e-13,
                 "a month delivered at 0.385 of the contracted MW moves the schedule on by 0.385 months");
    aim_deals_draw(d, 0, 2.0);
    aim_test_rel(aim_deals_outstanding(d, 1, -1), 30.0 * (11.0 - 0.385) / 60.0, 1e-13,
                 "a draw moves the schedule by at most one month");
    for (int i = 0; i < 11; i++) {
        aim_deals_draw(d, 0, 1.0);
    }
    aim_test(aim_deals_outstanding(d, 1, -1) == 0.0 && d->c[0].months_left == 0.0,
             "the last fraction of a month ends the contract");
    aim_test_rel(aim_deals_void(d, -1, 2), 22.4 * 12.0 / 60.0, 1e-13, "voiding cloud 2's contracts");
    aim_test(aim_deals_outstanding(d, -1, 2) == 0.0, "nothing left at cloud 2");
    aim_test(aim_deals_sign(d, 0, 1, 5.0, 60, 10.0, 0, 0) >= 0, "a freed slot is reused");
    aim_deals_clear(d);
    aim_test(aim_deals_outstanding(d, -1, -1) == 0.0, "clear empties the table");
    aim_deals_free(d);
    test_contract_start(cfg);
    test_contract_cancel();
    test_delivery_hold(cfg);
    double wt[4] = {0.0, 2.5, 0.0, 7.5};
    aim_test(aim_deals_pick(wt, 4, 0.0) == 1 && aim_deals_pick(wt, 4, 0.2499) == 1 &&
                 aim_deals_pick(wt, 4, 0.25) == 3 && aim_deals_pick(wt, 4, 0.9999999) == 3,
             "weighted pick by cumulative weight");
    double zero[2] = {0.0, -1.0};
    aim_test(aim_deals_pick(zero, 2, 0.5) == -1, "no positive weight: no pick");
    cfg->venture.M0 = 25.0;
    cfg->venture.beta_s = 2.0;
    aim_test_rel(aim_deals_premoney(&cfg->venture, -0.1, 0.583), 25.0 * exp(-0.2) * 12.0 * 0.583, 1e-14,
                 "pre-money M0 exp(beta_s S) 12 R");

    /* Demand: deterministic with sigma_D = 0 and chi = 0. */
    cfg->demand.D0 = 28.0;
    cfg->demand.g0 = 0.9;
    cfg->demand.g_inf = 0.06;
    cfg->demand.tau_g = 36.0;
    cfg->demand.chi = 0.0;
    cfg->demand.sigma_D = 0.0;
    cfg->macro.r0 = 0.041;
    cfg->macro.rate_model = AIM_RATE_CONSTANT;
    struct aim_macro m;
    struct aim_pcg64 rng;
    aim_rng_stream(&rng, 7, 0, 0, 0, AIM_RNG_ECONOMY);
    aim_macro_init(&m, cfg);
    double logsum = 0.0;
    for (int t = 0; t < 24; t++) {
        aim_macro_step(&m, cfg, t, 0.0, &rng);
        logsum += (0.06 + 0.84 * exp(-t / 36.0)) / 12.0;
    }
    aim_test_rel(m.D, 28.0 * exp(logsum), 1e-12, "deterministic demand path after 24 months");
    aim_test(m.r == 0.041, "constant rate stays at r0");
    cfg->demand.chi = 2.0;
    aim_macro_init(&m, cfg);
    aim_macro_step(&m, cfg, 0, 0.3, &rng);
    aim_test_rel(m.D, 28.0 * exp((0.9 + 2.0 * 0.3) / 12.0), 1e-14, "frontier gain adds chi dc to growth");

    /* Vasicek: mean and variance of r after 12 months over 20000 paths, against the exact
     * transition (tolerance: 5 standard errors). */
    cfg->macro.rate_model = AIM_RATE_VASICEK;
    cfg->macro.vasicek_a = 0.3;
    cfg->macro.vasicek_mean = 0.035;
    cfg->macro.vasicek_sigma = 0.01;
    const int paths = 20000;
    double s1 = 0.0, s2 = 0.0;
    for (int i = 0; i < paths; i++) {
        aim_rng_stream(&rng, 11, 0, (uint64_t)i, 0, AIM_RNG_ECONOMY);
        aim_macro_init(&m, cfg);
        for (int t = 0; t < 12; t++) {
            aim_macro_step(&m, cfg, t, 0.0, &rng);
        }
        s1 += m.r;
        s2 += m.r * m.r;
    }
    double mean = s1 / paths, var = s2 / paths - mean * mean;
    double want_mean = 0.035 + (0.041 - 0.035) * exp(-0.3);
    double want_var = 0.01 * 0.01 * (1.0 - exp(-0.6)) / 0.6;
    aim_test_abs(mean, want_mean, 5.0 * sqrt(want_var / paths), "Vasicek mean after one year");
    aim_test_abs(var, want_var, 5.0 * want_var * sqrt(2.0 / paths), "Vasicek variance after one year");
    /* Lenders (MODEL.md 12.2): spread by leverage, room under the borrower's and the lenders'
     * limits, funding drawn beyond cash, debt service, payout above capital0, default write-off. */
    struct aim_config_credit cr = {0};
    cr.capital = 10.0;
    cr.capital_ratio = 0.125;
    cr.spread0 = 0.0125;
    cr.spread_slope = 0.015;
    cr.leverage_ref = 2.0;
    cr.spread_max = 0.0875;
    cr.term_months = 80.0;
    aim_test_rel(aim_lenders_spread(&cr, 3.0, 2.0), 0.0125, 1e-15, "spread0 below leverage_ref");
    aim_test_rel(aim_lenders_spread(&cr, 7.5, 2.5), 0.0125 + 0.015 * 1.0, 1e-14,
                 "spread rises with leverage");
    aim_test_rel(aim_lenders_spread(&cr, 7.5, -1.0), 0.0875, 1e-15, "no EBITDA: spread_max");
    aim_test_rel(aim_lenders_spread(&cr, 700.0, 1.0), 0.0875, 1e-15, "spread capped at spread_max");
    struct aim_ledger *led = NULL;
    double loan[3] = {0}, debt[3] = {4.0, 0.0, 2.0};
    aim_test(aim_ledger_create(&led, 4, 0) == AIM_OK, "ledger of 3 firms and the lenders");
    struct aim_lenders lb = {.account = 3, .n = 3, .loan = loan};
    aim_lenders_open(&lb, &cr, led, debt);
    aim_test_rel(led->cash[3], 4.0, 1e-15, "lenders' cash: capital less opening loans");
    aim_test_rel(aim_lenders_capital(&lb, led), 10.0, 1e-15, "opening capital is credit.capital");
    aim_ledger_mark_start(led);
    /* Borrower limit 3 x 5.5 - 4 = 12.5; lenders' limit 10 / 0.125 - 6 = 74. */
    aim_test_rel(aim_lenders_room(&lb, &cr, led, debt[0], 5.5, 3.0), 12.5, 1e-14,
                 "room: borrower's leverage");
    aim_test_rel(aim_lenders_room(&lb, &cr, led, 0.0, 100.0, 3.0), 74.0, 1e-14, "room: lenders' capital");
    aim_test(aim_lenders_room(&lb, &cr, led, debt[0], -2.0, 3.0) == 0.0, "room: none without EBITDA");
    aim_lenders_lend(&lb, led, 1, 6.5, &debt[1]);
    aim_test_rel(lb.funding, 2.5, 1e-15, "a loan beyond the lenders' cash draws funding");
    aim_test_rel(led->cash[1], 6.5, 1e-15, "the borrower receives the loan");
    aim_test_rel(aim_ledger_share(led, 1, AIM_ORIGIN_DEBT), 1.0, 1e-15,
                 "borrowed money carries the debt origin");
    aim_test_rel(aim_lenders_capital(&lb, led), 10.0, 1e-14, "lending leaves capital unchanged");
    double interest = aim_lenders_service(&lb, &cr, led, 1, &debt[1], 0.04, 0.0);
    aim_test_rel(interest, 6.5 * (0.04 + 0.0875) / 12.0, 1e-14, "interest at rate + spread");
    aim_test_rel(debt[1], 6.5 * (1.0 - 1.0 / 80.0), 1e-14, "principal: 1/term of the debt");
    aim_test_rel(loan[1], debt[1], 1e-15, "the lenders' record follows");
    aim_test_rel(aim_lenders_capital(&lb, led), 10.0 + interest, 1e-14, "interest is the lenders' income");
    double inv_before = led->cash[0];
    aim_lenders_settle(&lb, led, 0, 0.04);
    aim_test_rel(aim_lenders_capital(&lb, led), 10.0, 1e-12, "profit above capital0 is paid out");
    aim_test(led->cash[0] > inv_before, "the payout reaches the investors' account");
    /* Firm 2 owes 2 and has 0.75 of cash: the lenders recover 0.75 and write off 1.25. */
    aim_ledger_pay(led, 1, 2, 0.75, -1, 0);
    double lost = aim_lenders_default(&lb, led, 2, &debt[2]);
    aim_test_rel(lost, 1.25, 1e-14, "default: the lenders write off what cash does not cover");
    aim_test(debt[2] == 0.0 && loan[2] == 0.0 && led->cash[2] == 0.0, "default: debt and cash are gone");
    aim_test_abs(aim_ledger_residual(led, 0.0), 0.0, 1e-15,
                 "no money created or destroyed but by the world's flows");
    /* An overdraft at default is covered by the lenders and lost by them. */
    aim_ledger_pay(led, 0, 1, led->cash[0] + 0.5, -1, 0);
    double owed = loan[0];
    lost = aim_lenders_default(&lb, led, 0, &debt[0]);
    aim_test_rel(lost, owed + 0.5, 1e-13, "default: the overdraft adds to the loss");
    aim_test(led->cash[0] == 0.0, "default: the overdraft is closed");
    aim_test_abs(aim_ledger_residual(led, 0.0), 0.0, 1e-15,
                 "the overdraft's cover moves money, creates none");
    aim_ledger_free(led);
    free(cfg);
    return aim_test_summary();
}
