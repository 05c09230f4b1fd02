/* Tests of the investors and the equity market (MODEL.md 3.4). White-box: the module's source is
 * included so that holdings, the market maker and the quantile selection can be inspected. */
#include "agents/investors.c"

#include <stdio.h>

#include "tests/aim_test.h"

#define KMAX 8
#define LMAX 3

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

struct market {
    double price[KMAX], shares[KMAX], fundamental[KMAX];
    int active[KMAX];
    struct aim_market_assets m;
};

/* K assets with awkward prices, shares and fundamentals. */
static void market_init(struct market *mk, int K)
{
    for (int k = 0; k < K; k++) {
        mk->price[k] = 87.35 + 41.7 * k;
        mk->shares[k] = 2.385 + 1.13 * k;
        mk->fundamental[k] = mk->price[k] * mk->shares[k] * (0.71 + 0.137 * k);
        mk->active[k] = 1;
    }
    mk->m.n = K;
    mk->m.price = mk->price;
    mk->m.shares = mk->shares;
    mk->m.fundamental = mk->fundamental;
    mk->m.active = mk->active;
}

static const double lab_units0[LMAX] = {1.0, 2.5, 0.75};
static const double lab_value[LMAX] = {31.7, 6.35, 2.02};

static double sum_h(const struct aim_investors *inv, int k)
{
    double s = 0.0;
    for (long i = 0; i < inv->n; i++)
        s += inv->h[IK(inv, i, k)];
    return s;
}

static void test_errors(void)
{
    struct aim_config cfg;
    config_defaults(&cfg);
    struct aim_investors *inv = NULL;
    cfg.investors.count = 0;
    aim_test(aim_investors_create(&inv, &cfg, 3, 1) == AIM_ERR_USAGE && inv == NULL,
             "count 0 is a usage error");
    aim_test_contains(aim_error_message(), "investors.count", "message names investors.count");
    cfg.investors.count = 1000;
    aim_test(aim_investors_create(&inv, &cfg, -1, 1) == AIM_ERR_USAGE, "negative n_assets is a usage error");
    aim_test_contains(aim_error_message(), "n_assets = -1", "message names n_assets");
    aim_test(aim_investors_bytes(&cfg, 7, 5) > 1000u * (3u * 7u * 8u), "bytes cover the N x K fields");
    size_t b1 = aim_investors_bytes(&cfg, 7, 5);
    cfg.investors.count = 2000;
    aim_test(aim_investors_bytes(&cfg, 7, 5) > b1, "bytes grow with the investor count");
    cfg.investors.count = 1000;
    aim_test(aim_investors_create(&inv, &cfg, 3, 2) == AIM_OK, "create 1000 x 3");
    struct market mk;
    market_init(&mk, 4);
    aim_test(aim_investors_reset(inv, 1, 0, 0, &mk.m, lab_units0) == AIM_ERR_USAGE,
             "reset with 4 assets for 3");
    aim_test_contains(aim_error_message(), "created for 3", "message names the expected asset count");
    mk.m.n = 3;
    aim_test(aim_investors_reset(inv, 1, 0, 0, &mk.m, NULL) == AIM_ERR_USAGE, "reset without lab units");
    aim_test(aim_investors_reset(inv, 1, 0, 0, &mk.m, lab_units0) == AIM_OK, "reset");
    struct aim_investors_report rep;
    aim_test(aim_investors_step(inv, &mk.m, NULL, 0, 1, &rep) == AIM_ERR_USAGE,
             "step without lab unit values");
    aim_test_contains(aim_error_message(), "lab_unit_value", "message names lab_unit_value");
    mk.m.n = 2;
    aim_test(aim_investors_step(inv, &mk.m, lab_value, 0, 1, &rep) == AIM_ERR_USAGE,
             "step with 2 assets for 3");
    mk.m.n = 3;
    mk.m.shares[1] = 1e-12; /* an absurd impact: the price overflows */
    cfg.market.lambda = 100.0;
    aim_investors_free(inv);
    cfg.market.lambda = 100.0;
    cfg.market.max_move = 1000.0;
    cfg.investors.cash_ratio = 50.0;
    aim_test(aim_investors_create(&inv, &cfg, 3, 2) == AIM_OK, "create with lambda 100");
    aim_investors_reset(inv, 1, 0, 0, &mk.m, lab_units0);
    mk.m.shares[1] = 1e-300;
    enum aim_status st = AIM_OK;
    for (int t = 0; t < 5 && st == AIM_OK; t++)
        st = aim_investors_step(inv, &mk.m, lab_value, t, 1, &rep);
    aim_test(st == AIM_ERR_NUMERIC, "a non-finite price is a numeric error");
    aim_test_contains(aim_error_message(), "not finite", "message says the price is not finite");
    aim_investors_free(inv);
    aim_investors_free(NULL);
}

/* The limit move: an excess demand worth many times the float moves the log price by exactly
 * market.max_move (no shock), up or down. */
static void test_limit_move(void)
{
    struct aim_config cfg;
    config_defaults(&cfg);
    cfg.investors.count = 3001;
    cfg.investors.frac_fundamentalist = 1.0;
    cfg.investors.p_review = 0.0;
    cfg.investors.cash_ratio = 40.0;
    cfg.market.sigma_p = 0.0;
    cfg.market.max_move = 0.2385;
    struct aim_investors *inv;
    aim_investors_create(&inv, &cfg, 2, 0);
    struct market mk;
    market_init(&mk, 2);
    mk.fundamental[0] = 3.0 * mk.price[0] * mk.shares[0]; /* cheap: everyone buys 40 x the float */
    mk.fundamental[1] = 0.2 * mk.price[1] * mk.shares[1]; /* dear: everyone sells all */
    aim_investors_reset(inv, 3, 0, 0, &mk.m, NULL);
    double p0 = mk.price[0], p1 = mk.price[1];
    struct aim_investors_report rep;
    aim_investors_step(inv, &mk.m, NULL, 0, 1, &rep);
    aim_test_rel(log(mk.price[0] / p0), 0.2385, 1e-12, "limit move up: log-return %.6f",
                 log(mk.price[0] / p0));
    aim_test_rel(log(mk.price[1] / p1), -0.2385, 1e-12, "limit move down: log-return %.6f",
                 log(mk.price[1] / p1));
    aim_investors_free(inv);
}

/* A run of the default economy; prices after each step, the reports and the final state. */
struct run_out {
    double price[40][KMAX];
    struct aim_investors_report rep[40];
    double *h, *cash, *wealth, *trend;
    double raised, units;
};

static void run_default(int nthreads, int steps, struct run_out *o)
{
    struct aim_config cfg;
    config_defaults(&cfg);
    cfg.investors.count = 23457;
    cfg.investors.block_size = 1000;
    cfg.market.sigma_p = 0.0413;
    const int K = 5;
    struct aim_investors *inv;
    aim_investors_create(&inv, &cfg, K, LMAX);
    struct market mk;
    market_init(&mk, K);
    aim_investors_reset(inv, 77, 3, 11, &mk.m, lab_units0);
    memset(o->rep, 0, sizeof o->rep);
    for (int t = 0; t < steps; t++) {
        if (t == 6)
            mk.active[3] = 0; /* a default */
        if (t == 4)
            o->raised = aim_investors_private_round(inv, 1, 3.7, 0.0213);
        aim_investors_step(inv, &mk.m, lab_value, t, nthreads, &o->rep[t]);
        memcpy(o->price[t], mk.price, sizeof mk.price);
    }
    o->units = aim_investors_lab_units(inv, 1);
    size_t nk = (size_t)inv->n * (size_t)K;
    o->h = malloc(nk * 8u);
    o->trend = malloc(nk * 8u);
    o->cash = malloc((size_t)inv->n * 8u);
    o->wealth = malloc((size_t)inv->n * 8u);
    memcpy(o->h, inv->h, nk * 8u);
    memcpy(o->trend, inv->trend, nk * 8u);
    memcpy(o->cash, inv->cash, (size_t)inv->n * 8u);
    memcpy(o->wealth, inv->wealth, (size_t)inv->n * 8u);
    aim_investors_free(inv);
}

static void test_threads(void)
{
    const int steps = 30;
    const size_t nk = 23457u * 5u, n = 23457u;
    struct run_out *o[3];
    const int threads[3] = {1, 2, 7};
    for (int j = 0; j < 3; j++) {
        o[j] = calloc(1, sizeof *o[j]);
        run_default(threads[j], steps, o[j]);
    }
    for (int j = 1; j < 3; j++) {
        aim_test(memcmp(o[0]->price, o[j]->price, sizeof o[0]->price) == 0,
                 "prices identical at 1 and %d threads", threads[j]);
        aim_test(memcmp(o[0]->rep, o[j]->rep, sizeof o[0]->rep) == 0, "reports identical at 1 and %d threads",
                 threads[j]);
        aim_test(memcmp(o[0]->h, o[j]->h, nk * 8u) == 0 && memcmp(o[0]->trend, o[j]->trend, nk * 8u) == 0 &&
                     memcmp(o[0]->cash, o[j]->cash, n * 8u) == 0 &&
                     memcmp(o[0]->wealth, o[j]->wealth, n * 8u) == 0,
                 "holdings, trends, cash and wealth identical at 1 and %d threads", threads[j]);
        aim_test(o[0]->raised == o[j]->raised && o[0]->units == o[j]->units,
                 "private round identical at 1 and %d threads", threads[j]);
    }
    aim_test(o[0]->price[steps - 1][3] == 0.0 && o[0]->price[steps - 1][2] > 0.0,
             "a defaulted asset has price 0, the others trade");
    int moved = 0;
    for (int k = 0; k < 5; k++)
        moved += k != 3 && o[0]->price[steps - 1][k] != o[0]->price[0][k];
    aim_test(moved == 4, "the four active prices move (%d)", moved);
    for (int j = 0; j < 3; j++) {
        free(o[j]->h);
        free(o[j]->trend);
        free(o[j]->cash);
        free(o[j]->wealth);
        free(o[j]);
    }
}

/* Shares: investors' holdings plus the market maker's inventory equal the shares outstanding,
 * after trades and after an issue absorbed by the market maker. Cash: investors' plus the market
 * maker's cash changes only by inflows, redemptions, private rounds and issues. */
static void test_conservation(int rule)
{
    struct aim_config cfg;
    config_defaults(&cfg);
    cfg.investors.count = 17321;
    cfg.investors.block_size = 777;
    cfg.market.demand_rule = rule;
    /* Strong chasing: flows of both signs (under the calmer benchmark rule the base rate is an
     * outflow, so that redemptions happen as well). */
    cfg.investors.inflow_rate = rule == AIM_DEMAND_ABSOLUTE ? 0.0037 : -0.037;
    cfg.investors.inflow_chase = 0.45;
    printf("demand rule %s:\n", rule == AIM_DEMAND_ABSOLUTE ? "absolute" : "benchmark");
    const int K = 6;
    struct aim_investors *inv;
    aim_investors_create(&inv, &cfg, K, LMAX);
    struct market mk;
    market_init(&mk, K);
    aim_investors_reset(inv, 5, 0, 2, &mk.m, lab_units0);
    double worst_sh = 0.0, worst_cash = 0.0, redeemed = 0.0;
    double cash = 0.0;
    for (long i = 0; i < inv->n; i++)
        cash += inv->cash[i];
    for (int t = 0; t < 25; t++) {
        double expect = cash;
        if (t == 3) {
            double proceeds = aim_investors_absorb_issue(inv, &mk.m, 2, 0.173);
            aim_test_rel(proceeds, 0.173 * mk.price[2], 1e-15, "issue proceeds are shares x price");
            mk.shares[2] += 0.173;
            expect -= proceeds;
        }
        if (t == 5)
            expect -= aim_investors_private_round(inv, 0, 2.9, 0.05);
        struct aim_investors_report rep;
        aim_investors_step(inv, &mk.m, lab_value, t, 2, &rep);
        expect += rep.inflow - rep.redemption;
        redeemed += rep.redemption;
        double e = fabs(rep.cash - expect) / (fabs(expect) + 1.0);
        worst_cash = e > worst_cash ? e : worst_cash;
        cash = rep.cash;
        for (int k = 0; k < K; k++) {
            double held = sum_h(inv, k) + inv->mm_inv[k];
            double r = fabs(held - mk.shares[k]) / mk.shares[k];
            worst_sh = r > worst_sh ? r : worst_sh;
        }
    }
    aim_test(worst_sh <= 1e-12, "shares held + market maker == shares outstanding (worst rel %.3g <= 1e-12)",
             worst_sh);
    aim_test(worst_cash <= 1e-12, "cash changes only by flows, rounds and issues (worst rel %.3g <= 1e-12)",
             worst_cash);
    aim_test(redeemed > 0.0, "the run had redemptions (%g) as well as inflows", redeemed);
    double mm = 0.0;
    for (int k = 0; k < K; k++)
        mm += fabs(inv->mm_inv[k]);
    aim_test(mm > 0.0, "the market maker carries an inventory");
    aim_investors_free(inv);
}

/* A deterministic market: no price shocks, no noise, no switching, no flows. */
static void quiet_config(struct aim_config *cfg, double ff, double fc)
{
    config_defaults(cfg);
    cfg->investors.count = 8000;
    cfg->investors.block_size = 512;
    cfg->investors.frac_fundamentalist = ff;
    cfg->investors.frac_chartist = fc;
    cfg->investors.p_review = 0.0;
    cfg->investors.herding = 0.0;
    cfg->investors.sigma_n = 0.0;
    cfg->investors.inflow_rate = 0.0;
    cfg->investors.inflow_chase = 0.0;
    cfg->market.sigma_p = 0.0;
}

/* Fundamentalists only: an underpriced (F/P = 1.379) and an overpriced (F/P = 0.9385) stock.
 * Investors start with 10% of their wealth in stocks (cash_ratio 9) and the impact is gentle
 * (lambda 0.005), so the fundamentalists' desired positions are within reach. The price moves
 * towards F every month; it stops short of F where investors' holdings have caught up with their
 * desired holdings (the market maker supplies the rest; no short sales), so the test asks for a
 * steady shrinking of |log(P/F)| and a final gap below a stated share of the initial one. */
static void test_fundamentalists(void)
{
    struct aim_config cfg;
    quiet_config(&cfg, 1.0, 0.0);
    cfg.market.demand_rule = AIM_DEMAND_ABSOLUTE; /* MODEL.md 3.4 literally */
    cfg.market.inventory_weight = 0.0;
    cfg.investors.cash_ratio = 9.0;
    cfg.market.lambda = 0.005;
    const int K = 2;
    struct aim_investors *inv;
    aim_investors_create(&inv, &cfg, K, 0);
    struct market mk;
    market_init(&mk, K);
    const double ratio[2] = {1.379, 0.9385}, shrink[2] = {0.3, 0.7};
    for (int k = 0; k < K; k++)
        mk.fundamental[k] = ratio[k] * mk.price[k] * mk.shares[k];
    aim_investors_reset(inv, 9, 0, 0, &mk.m, NULL);
    double gap0[2], gap[2];
    int steady[2] = {1, 1};
    for (int k = 0; k < K; k++)
        gap0[k] = gap[k] = fabs(log(mk.price[k] * mk.shares[k] / mk.fundamental[k]));
    struct aim_investors_report rep;
    for (int t = 0; t < 60; t++) {
        aim_investors_step(inv, &mk.m, NULL, t, 1, &rep);
        for (int k = 0; k < K; k++) {
            double g = fabs(log(mk.price[k] * mk.shares[k] / mk.fundamental[k]));
            steady[k] &= g <= gap[k];
            gap[k] = g;
        }
    }
    for (int k = 0; k < K; k++) {
        aim_test(steady[k], "fundamentalists: |log(P/F)| of asset %d (F/P = %g) never grows", k, ratio[k]);
        aim_test(gap[k] < shrink[k] * gap0[k],
                 "fundamentalists: |log(P/F)| of asset %d shrinks from %.4f to %.4f (< %g of it)", k, gap0[k],
                 gap[k], shrink[k]);
    }
    aim_test(rep.frac[AIM_FUNDAMENTALIST] == 1.0, "all investors stay fundamentalists");
    aim_investors_free(inv);
}

/* Benchmark-relative demand (docs/model.md, "Benchmark-relative demand"), fundamentalists only,
 * no labs, no flows, no shock. (1) Every price at its fundamental (E = 0): every investor's desired
 * holding is its share of the market portfolio, the excess demand is 0 and prices do not move.
 * (2) Small gaps x_k = log(F_k/P_k) of +0.0213 and -0.0117: the first month's log price change is
 * lambda a_f x_k sum_i phi_i / gamma_i / sigma^2 (phi_i the investor's share of wealth), the
 * linearised rule behind the fundamentalist band, to rounding; with market.sigma_min above
 * sigma_init the floor sets sigma^2. */
static void test_benchmark(void)
{
    for (int part = 0; part < 2; part++) {
        struct aim_config cfg;
        quiet_config(&cfg, 1.0, 0.0);
        cfg.market.demand_rule = AIM_DEMAND_BENCHMARK;
        cfg.market.inventory_weight = 1.0;
        cfg.market.lambda = 0.2385;
        cfg.market.sigma_init = 0.0713;
        cfg.market.sigma_min = part ? 0.0871 : 0.0;
        cfg.investors.a_f = 0.0617;
        cfg.investors.cash_ratio = 0.3113;
        cfg.investors.w_max = 0.6; /* above every benchmark weight (the largest is 0.41) */
        const int K = 3;
        struct aim_investors *inv;
        aim_investors_create(&inv, &cfg, K, 0);
        struct market mk;
        market_init(&mk, K);
        const double x[3] = {0.0213, -0.0117, 0.0};
        for (int k = 0; k < K; k++)
            mk.fundamental[k] = part ? mk.price[k] * mk.shares[k] * exp(x[k]) : mk.price[k] * mk.shares[k];
        aim_investors_reset(inv, 12, 0, 0, &mk.m, NULL);
        double p0[3], h0 = 0.0, wsum = 0.0, wig = 0.0;
        for (int k = 0; k < K; k++)
            p0[k] = mk.price[k];
        for (long i = 0; i < inv->n; i++) {
            h0 += inv->h[IK(inv, i, 0)];
            wsum += inv->wealth[i];
            wig += inv->wealth[i] * inv->inv_gamma[i];
        }
        struct aim_investors_report rep;
        aim_investors_step(inv, &mk.m, NULL, 0, 1, &rep);
        if (!part) {
            double worst = 0.0;
            for (int k = 0; k < K; k++)
                worst = fmax(worst, fabs(log(mk.price[k] / p0[k])));
            aim_test(worst <= 1e-12, "benchmark, prices at F: no price moves (largest |log-return| %.3g)",
                     worst);
            aim_test_rel(sum_h(inv, 0), h0, 1e-12, "benchmark, prices at F: holdings of asset 0 unchanged");
            aim_test(fabs(rep.mm_inventory) <= 1e-9 * (mk.price[0] * mk.shares[0]),
                     "benchmark, prices at F: the market maker stays flat (%.3g)", rep.mm_inventory);
        } else {
            const double var = 0.0871 * 0.0871;
            for (int k = 0; k < K; k++) {
                double want = 0.2385 * 0.0617 * x[k] * (wig / wsum) / var;
                double got = log(mk.price[k] / p0[k]);
                if (x[k] != 0.0)
                    aim_test_rel(got, want, 1e-9,
                                 "benchmark, gap %+.4f: log-return %.6g = lambda a_f x E_W[1/gamma] / "
                                 "sigma_min^2 %.6g",
                                 x[k], got, want);
                else
                    aim_test(fabs(got) <= 1e-12, "benchmark, no gap: log-return %.3g", got);
            }
        }
        aim_investors_free(inv);
    }
}

/* Chartists only, two identical stocks, investors with a trend of +0.02 per month in asset 0 and
 * -0.02 in asset 1 (and last month's returns of +-0.031): chartists buy 0 and sell 1, which
 * feeds the trends, so the gap log(P0 / P1) widens every month, beyond the 0.4 that the initial
 * trends alone would give over 10 months, and the trend of asset 0 grows. */
static void test_chartists(void)
{
    struct aim_config cfg;
    quiet_config(&cfg, 0.0, 1.0);
    cfg.investors.cash_ratio = 3.0;
    cfg.market.lambda = 0.05;
    const int K = 2;
    struct aim_investors *inv;
    aim_investors_create(&inv, &cfg, K, 0);
    struct market mk;
    market_init(&mk, K);
    for (int k = 0; k < K; k++) {
        mk.price[k] = 123.4;
        mk.shares[k] = 3.21;
        mk.fundamental[k] = 123.4 * 3.21;
    }
    aim_investors_reset(inv, 4, 0, 0, &mk.m, NULL);
    inv->last_ret[0] = 0.031;
    inv->last_ret[1] = -0.031;
    for (long i = 0; i < inv->n; i++) {
        inv->trend[IK(inv, i, 0)] = 0.02;
        inv->trend[IK(inv, i, 1)] = -0.02;
    }
    struct aim_investors_report rep;
    double spread_prev = 0.0;
    int widening = 1;
    for (int t = 0; t < 10; t++) {
        aim_investors_step(inv, &mk.m, NULL, t, 1, &rep);
        double spread = log(mk.price[0] / mk.price[1]);
        widening &= spread > spread_prev;
        spread_prev = spread;
    }
    double trend0 = 0.0;
    for (long i = 0; i < inv->n; i++)
        trend0 += inv->trend[IK(inv, i, 0)] / (double)inv->n;
    aim_test(widening, "chartists: log(P0/P1) widens every month");
    aim_test(spread_prev > 0.4, "chartists: after 10 months the gap %.4f exceeds the initial trends' 0.4",
             spread_prev);
    aim_test(trend0 > 0.02, "chartists: the mean trend of asset 0 grows from 0.02 to %.4f", trend0);
    aim_investors_free(inv);
}

/* Strategy switching without market feedback (beta = 0). herding = 0: a reviewer picks each
 * strategy with probability 1/3, so E f_s(t) = 1/3 + (f_s(0) - 1/3)(1 - p)^t. herding = 1: a
 * reviewer copies a random other investor, so E f_s(t) = f_s(0) (a martingale). */
static void test_switching(void)
{
    for (int herd = 0; herd <= 1; herd++) {
        struct aim_config cfg;
        config_defaults(&cfg);
        const long n = 60000;
        cfg.investors.count = n;
        cfg.investors.block_size = 4096;
        cfg.investors.beta = 0.0;
        cfg.investors.herding = herd;
        cfg.investors.p_review = 0.2;
        struct aim_investors *inv;
        aim_investors_create(&inv, &cfg, 2, 0);
        struct market mk;
        market_init(&mk, 2);
        aim_investors_reset(inv, 31, 0, herd, &mk.m, NULL);
        double f0[3] = {0, 0, 0};
        for (long i = 0; i < n; i++)
            f0[inv->strat[0][i]] += 1.0 / (double)n;
        struct aim_investors_report rep;
        aim_investors_step(inv, &mk.m, NULL, 0, 1, &rep);
        long changed = 0;
        for (long i = 0; i < n; i++)
            changed += inv->strat[inv->cur][i] != inv->strat[inv->cur ^ 1][i];
        /* Expected changes after one month: N p (1 - sum f^2) when herding, N p (2/3) when not. */
        double pc = herd ? 1.0 - (f0[0] * f0[0] + f0[1] * f0[1] + f0[2] * f0[2]) : 2.0 / 3.0;
        double ec = (double)n * 0.2 * pc, sdc = sqrt((double)n * 0.2 * pc * (1.0 - 0.2 * pc));
        aim_test_abs((double)changed, ec, 5.0 * sdc,
                     "herding %d: switches in month 1 %ld vs %.0f (5 sd = %.0f)", herd, changed, ec,
                     5.0 * sdc);
        for (int t = 1; t < 10; t++)
            aim_investors_step(inv, &mk.m, NULL, t, 2, &rep);
        for (int s = 0; s < 3; s++) {
            double want = herd ? f0[s] : 1.0 / 3.0 + (f0[s] - 1.0 / 3.0) * pow(0.8, 10.0);
            /* sd of a fraction after 10 months of 0.2 N reviews: below sqrt(10 * 0.2 / (4 N)) = 0.0029 */
            aim_test_abs(rep.frac[s], want, 0.015,
                         "herding %d: fraction of strategy %d after 10 months %.4f vs %.4f", herd, s,
                         rep.frac[s], want);
        }
        aim_investors_free(inv);
    }
}

/* The logit: with every investor reviewing (p_review 1), no herding, and realised-return
 * utilities (0.0437, 0, -0.0213) at intensity beta = 23.85, each strategy is chosen with
 * probability exp(beta u_s) / sum_j exp(beta u_j). */
static void test_logit(void)
{
    struct aim_config cfg;
    config_defaults(&cfg);
    const long n = 50000;
    cfg.investors.count = n;
    cfg.investors.p_review = 1.0;
    cfg.investors.herding = 0.0;
    cfg.investors.beta = 23.85;
    struct aim_investors *inv;
    aim_investors_create(&inv, &cfg, 2, 0);
    struct market mk;
    market_init(&mk, 2);
    aim_investors_reset(inv, 17, 0, 0, &mk.m, NULL);
    const double u[3] = {0.0437, 0.0, -0.0213};
    double z = 0.0, want[3];
    for (int s = 0; s < 3; s++) {
        inv->util[s] = u[s];
        want[s] = exp(cfg.investors.beta * u[s]);
        z += want[s];
    }
    struct aim_investors_report rep;
    aim_investors_step(inv, &mk.m, NULL, 0, 2, &rep);
    for (int s = 0; s < 3; s++) {
        double p = want[s] / z, sd = sqrt(p * (1.0 - p) / (double)n);
        aim_test_abs(rep.frac[s], p, 5.0 * sd, "logit: fraction of strategy %d %.4f vs %.4f (5 sd = %.4f)", s,
                     rep.frac[s], p, 5.0 * sd);
    }
    aim_investors_free(inv);
}

/* Sentiment: with fundamentalists only, every investor expects a_f log(F_k / P_k) of stock k, so
 * the wealth-weighted mean over investors of the mean over stocks is that mean. */
static void test_sentiment(void)
{
    struct aim_config cfg;
    quiet_config(&cfg, 1.0, 0.0);
    cfg.investors.a_f = 0.7315;
    const int K = 3;
    struct aim_investors *inv;
    aim_investors_create(&inv, &cfg, K, 0);
    struct market mk;
    market_init(&mk, K);
    aim_investors_reset(inv, 2, 0, 0, &mk.m, NULL);
    double want = 0.0;
    for (int k = 0; k < K; k++)
        want += 0.7315 * log(mk.fundamental[k] / mk.shares[k] / mk.price[k]) / K;
    struct aim_investors_report rep;
    aim_investors_step(inv, &mk.m, NULL, 0, 1, &rep);
    aim_test_rel(rep.sentiment, want, 1e-12, "sentiment %.6f = mean of a_f log(F/P) %.6f", rep.sentiment,
                 want);
    aim_investors_free(inv);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Type 7 quantiles from a full sort: the reference. */
static double sorted_type7(const double *s, size_t n, double p)
{
    double h = (double)(n - 1u) * p;
    size_t r = (size_t)floor(h);
    double g = h - (double)r;
    double y = r + 1u < n ? s[r + 1u] : s[r];
    return s[r] + g * (y - s[r]);
}

static void check_quantiles(struct aim_investors *inv, const char *what)
{
    const double probs[4] = {0.10, 0.50, 0.90, 0.99};
    size_t n = (size_t)inv->n;
    double *ref = malloc(n * 8u);
    memcpy(ref, inv->wealth, n * 8u);
    qsort(ref, n, 8u, cmp_double);
    double q[4];
    wealth_quantiles(inv, probs, q, 2);
    int same = 1;
    for (int j = 0; j < 4; j++)
        same &= q[j] == sorted_type7(ref, n, probs[j]);
    aim_test(same, "%s: quantiles equal the sort-based type 7 reference (p50 %.6g)", what, q[1]);
    free(ref);
}

static void test_quantiles(void)
{
    struct aim_config cfg;
    config_defaults(&cfg);
    long sizes[3] = {1001, 100003, 65536};
    for (int c = 0; c < 3; c++) {
        cfg.investors.count = sizes[c];
        struct aim_investors *inv;
        aim_investors_create(&inv, &cfg, 1, 0);
        struct aim_pcg64 rng;
        aim_rng_stream(&rng, 1, 2, 3, 4, AIM_RNG_ANALYSIS);
        for (long i = 0; i < inv->n; i++)
            inv->wealth[i] = aim_rng_lognormal(&rng, 0.3, 1.7);
        char what[64];
        snprintf(what, sizeof what, "lognormal, n = %ld", sizes[c]);
        check_quantiles(inv, what);
        for (long i = 0; i < inv->n; i++) /* heavy ties: 5 distinct values */
            inv->wealth[i] = (double)aim_rng_bounded(&rng, 5u) * 2.385;
        snprintf(what, sizeof what, "5 tied values, n = %ld", sizes[c]);
        check_quantiles(inv, what);
        for (long i = 0; i < inv->n; i++) /* sorted descending: adversarial order */
            inv->wealth[i] = -(double)i * 0.37;
        snprintf(what, sizeof what, "descending, n = %ld", sizes[c]);
        check_quantiles(inv, what);
        aim_investors_free(inv);
    }
    /* In the step: the report's quantiles are those of the investors' end-of-month wealth. */
    cfg.investors.count = 40009;
    struct aim_investors *inv;
    aim_investors_create(&inv, &cfg, 4, LMAX);
    struct market mk;
    market_init(&mk, 4);
    aim_investors_reset(inv, 8, 0, 0, &mk.m, lab_units0);
    struct aim_investors_report rep;
    aim_investors_step(inv, &mk.m, lab_value, 0, 2, &rep);
    aim_investors_step(inv, &mk.m, lab_value, 1, 2, &rep);
    double *ref = malloc((size_t)inv->n * 8u);
    memcpy(ref, inv->wealth, (size_t)inv->n * 8u);
    qsort(ref, (size_t)inv->n, 8u, cmp_double);
    const double probs[4] = {0.10, 0.50, 0.90, 0.99};
    int same = 1;
    for (int j = 0; j < 4; j++)
        same &= rep.wealth_q[j] == sorted_type7(ref, (size_t)inv->n, probs[j]);
    aim_test(same, "step report: wealth p10 %.4g p50 %.4g p90 %.4g p99 %.4g equal the sorted reference",
             rep.wealth_q[0], rep.wealth_q[1], rep.wealth_q[2], rep.wealth_q[3]);
    free(ref);
    aim_investors_free(inv);
}

/* Private round: raises min(sought, offers); each investor pays its offer times the same fill
 * ratio and receives units_per_dollar units per $B paid. */
static void test_private_round(void)
{
    struct aim_config cfg;
    config_defaults(&cfg);
    cfg.investors.count = 5003;
    cfg.investors.block_size = 333;
    cfg.investors.reserve_min = 0.02;
    cfg.investors.reserve_max = 0.13;
    struct aim_investors *inv;
    aim_investors_create(&inv, &cfg, 3, 2);
    struct market mk;
    market_init(&mk, 3);
    aim_investors_reset(inv, 12, 0, 0, &mk.m, lab_units0);
    struct aim_investors_report rep;
    aim_investors_step(inv, &mk.m, lab_value, 0, 1, &rep);
    long n = inv->n;
    double *offer = malloc((size_t)n * 8u), *cash0 = malloc((size_t)n * 8u), *u0 = malloc((size_t)n * 8u);
    double offers = 0.0;
    for (long i = 0; i < n; i++) {
        double o = fmin(fmax(inv->reserve[i] * inv->wealth[i] - inv->priv[i], 0.0), fmax(inv->cash[i], 0.0));
        offer[i] = o;
        offers += o;
        cash0[i] = inv->cash[i];
        u0[i] = inv->units[(size_t)i * 2u + 1u];
    }
    aim_test(offers > 0.0, "investors offer %.4g $B", offers);
    const double upd = 0.0371, sought = 0.4137 * offers;
    double units_before = aim_investors_lab_units(inv, 1);
    aim_test_rel(units_before, lab_units0[1], 1e-12,
                 "investors hold all of lab 1's investor units after reset");
    double raised = aim_investors_private_round(inv, 1, sought, upd);
    aim_test_rel(raised, sought, 1e-12, "raises what is sought when offers exceed it");
    aim_test_rel(aim_investors_lab_units(inv, 1) - units_before, upd * raised, 1e-10,
                 "units issued = units_per_dollar x raised");
    double worst = 0.0;
    for (long i = 0; i < n; i++) {
        double paid = cash0[i] - inv->cash[i], want = offer[i] * sought / offers;
        double du = inv->units[(size_t)i * 2u + 1u] - u0[i];
        double e = fabs(paid - want) + fabs(du - upd * paid);
        worst = e > worst ? e : worst;
    }
    aim_test(worst <= 1e-12, "pro rata: each pays offer x sought / offers and gets units for it (worst %.3g)",
             worst);
    /* A second round asks for more than is offered: it raises the offers (less what was just paid). */
    double offers2 = 0.0;
    for (long i = 0; i < n; i++)
        offers2 += fmin(fmax(inv->reserve[i] * inv->wealth[i] - inv->priv[i], 0.0), fmax(inv->cash[i], 0.0));
    double raised2 = aim_investors_private_round(inv, 0, 10.0 * offers2 + 1.0, upd);
    aim_test_rel(raised2, offers2, 1e-12, "raises all offers when they fall short of what is sought");
    aim_test(aim_investors_private_round(inv, 2, 1.0, upd) == 0.0, "lab index out of range raises nothing");
    aim_test(aim_investors_private_round(inv, 0, -1.0, upd) == 0.0, "a negative amount raises nothing");
    /* Private values are units x unit value after the round (revalued) and in a later month with
     * unchanged unit values (not recomputed, must still be exact). */
    for (int t = 1; t <= 2; t++) {
        aim_investors_step(inv, &mk.m, lab_value, t, 1, &rep);
        double worst_pv = 0.0;
        for (long i = 0; i < n; i++) {
            double want = 0.0;
            for (int l = 0; l < 2; l++)
                want += inv->units[(size_t)i * 2u + (size_t)l] * lab_value[l];
            worst_pv = fmax(worst_pv, fabs(inv->priv[i] - want));
        }
        aim_test(worst_pv == 0.0, "month %d after the round: private value = units x unit value exactly", t);
    }
    /* A lab default: its units are worth nothing and investors' wealth drops accordingly. */
    const double dead[2] = {0.0, lab_value[1]};
    aim_investors_step(inv, &mk.m, dead, 3, 1, &rep);
    double pv = 0.0;
    for (long i = 0; i < n; i++)
        pv += inv->priv[i];
    aim_test_rel(pv, aim_investors_lab_units(inv, 1) * lab_value[1], 1e-12,
                 "after lab 0 defaults, private value is lab 1's units only");
    free(offer);
    free(cash0);
    free(u0);
    aim_investors_free(inv);
}

/* Dividends (MODEL.md 12.6): a payment on listed asset k raises every holder's cash, investors and
 * the market maker alike, by its shares times the amount per share, and the total is the amount per
 * share times the shares outstanding; private dividends on a lab go by units held; an asset or a
 * lab paying nothing moves nothing. */
static void test_dividend(void)
{
    struct aim_config cfg;
    config_defaults(&cfg);
    cfg.investors.count = 5003;
    cfg.investors.block_size = 333;
    struct aim_investors *inv;
    aim_investors_create(&inv, &cfg, 3, 2);
    struct market mk;
    market_init(&mk, 3);
    aim_investors_reset(inv, 29, 0, 0, &mk.m, lab_units0);
    struct aim_investors_report rep;
    for (int t = 1; t <= 7; t++)
        aim_investors_step(inv, &mk.m, lab_value, t, 1, &rep);
    long n = inv->n;
    double *cash0 = malloc((size_t)n * 8u);
    for (long i = 0; i < n; i++)
        cash0[i] = inv->cash[i];
    const double mm0 = inv->mm_cash;
    int spread = 0;
    for (long i = 1; i < n; i++)
        spread |= inv->h[IK(inv, i, 1)] != inv->h[IK(inv, 0, 1)];
    aim_test(
        spread && inv->mm_inv[1] != 0.0 && inv->mm_inv[2] != 0.0,
        "after 7 months holdings of asset 1 differ across investors and the market maker holds %.4g, %.4g",
        inv->mm_inv[1], inv->mm_inv[2]);
    /* Assets 1 and 2 and lab 1 pay; asset 0 and lab 0 do not. */
    const double per_share[3] = {0.0, 0.01373, 0.2291}, per_unit[2] = {0.0, 0.2386};
    double paid_asset[3] = {-1.0, -1.0, -1.0}, paid_lab[2] = {-1.0, -1.0};
    aim_investors_pay_dividends(inv, per_share, per_unit, paid_asset, paid_lab);
    double worst = 0.0, rise = 0.0;
    for (long i = 0; i < n; i++) {
        double d = inv->cash[i] - cash0[i];
        double want = inv->h[IK(inv, i, 1)] * per_share[1] + inv->h[IK(inv, i, 2)] * per_share[2] +
                      inv->units[(size_t)i * 2u + 1u] * per_unit[1];
        worst = fmax(worst, fabs(d - want));
        rise += d;
        cash0[i] = inv->cash[i];
    }
    aim_test(worst <= 1e-15,
             "each investor's cash rises by shares x dividend per share plus units x dividend per unit "
             "(worst %.3g)",
             worst);
    aim_test_abs(inv->mm_cash - mm0, inv->mm_inv[1] * per_share[1] + inv->mm_inv[2] * per_share[2],
                 1e-12 * fabs(mm0), "the market maker's cash rises by its inventory x dividend per share");
    rise += inv->mm_cash - mm0;
    aim_test_rel(paid_asset[0] + paid_asset[1] + paid_asset[2] + paid_lab[0] + paid_lab[1], rise, 1e-12,
                 "the amounts reported are what the holders' cash rose by");
    aim_test(paid_asset[0] == 0.0 && paid_lab[0] == 0.0, "an asset and a lab paying nothing report 0");
    aim_test_rel(paid_asset[1], per_share[1] * mk.shares[1], 1e-10,
                 "asset 1's dividend totals per share x shares outstanding");
    aim_test_rel(paid_asset[2], per_share[2] * mk.shares[2], 1e-10,
                 "asset 2's dividend totals per share x shares outstanding");
    aim_test_rel(paid_lab[1], per_unit[1] * lab_units0[1], 1e-10,
                 "lab 1's private dividend totals per unit x units held by investors");
    /* Nothing to pay: no cash changes and every total is 0. */
    const double zero[3] = {0.0, 0.0, 0.0};
    const double mm1 = inv->mm_cash;
    aim_investors_pay_dividends(inv, zero, zero, paid_asset, paid_lab);
    int same = inv->mm_cash == mm1;
    for (long i = 0; i < n; i++)
        same &= inv->cash[i] == cash0[i];
    aim_test(same && paid_asset[1] == 0.0 && paid_asset[2] == 0.0 && paid_lab[1] == 0.0,
             "nothing to pay: no cash changes, totals 0");
    free(cash0);
    aim_investors_free(inv);
}

/* The noise traders' discretised normal: symmetric, unit variance, quantiles of N(0, 1). */
static void test_noise_table(void)
{
    double *z = malloc(AIM_ZTAB * 8u);
    ztab_fill(z);
    double m = 0.0, v = 0.0, k4 = 0.0;
    int mono = 1;
    for (unsigned j = 0; j < AIM_ZTAB; j++) {
        m += z[j];
        v += z[j] * z[j];
        k4 += z[j] * z[j] * z[j] * z[j];
        if (j > 0)
            mono &= z[j] > z[j - 1];
    }
    m /= AIM_ZTAB;
    v /= AIM_ZTAB;
    k4 /= AIM_ZTAB;
    aim_test_abs(m, 0.0, 1e-15, "noise variates: mean 0");
    aim_test_rel(v, 1.0, 1e-13, "noise variates: variance 1");
    aim_test_abs(k4, 3.0, 0.02, "noise variates: fourth moment %.4f near the normal's 3", k4);
    aim_test(mono, "noise variates increase with the index");
    /* Before the unit-variance rescaling the levels are the normal quantiles at (j + 1/2) / 4096;
     * the scale is near 1, so Phi(z_j) is within 0.1% of (j + 1/2) / 4096 in the body. */
    double worst = 0.0;
    for (unsigned j = 400; j < AIM_ZTAB - 400u; j++) {
        double p = 0.5 * erfc(-z[j] / sqrt(2.0)), want = ((double)j + 0.5) / AIM_ZTAB;
        worst = fmax(worst, fabs(p - want) / fmin(want, 1.0 - want));
    }
    aim_test(worst < 2e-3, "noise variates are normal quantiles (worst rel error of Phi %.2g)", worst);
    /* Phi^-1(1 - 1/8192) = 3.6699 (normal tables), times the rescaling factor near 1 */
    aim_test_abs(z[AIM_ZTAB - 1u], 3.6699, 0.005,
                 "largest noise variate %.4f (tail cut at Phi^-1(1 - 1/8192))", z[AIM_ZTAB - 1u]);
    free(z);
}

int main(void)
{
    test_errors();
    test_noise_table();
    test_limit_move();
    test_threads();
    test_conservation(AIM_DEMAND_ABSOLUTE);
    test_conservation(AIM_DEMAND_BENCHMARK);
    test_fundamentalists();
    test_benchmark();
    test_chartists();
    test_switching();
    test_logit();
    test_sentiment();
    test_quantiles();
    test_private_round();
    test_dividend();
    return aim_test_summary();
}
