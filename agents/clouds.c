/* Cloud providers (MODEL.md 3.2). */
#include "agents/clouds.h"

#include <math.h>

#include "agents/deals.h"
#include "agents/lenders.h"
#include "agents/vendors.h"

double aim_clouds_price(const struct aim_config_clouds *cfg, double price, double utilisation)
{
    double p = price * (1.0 + cfg->zeta * (utilisation - cfg->u_target));
    if (p < cfg->p_min) {
        p = cfg->p_min;
    }
    if (p > cfg->p_max) {
        p = cfg->p_max;
    }
    return p;
}

double aim_clouds_clear(double inf, double budget, double free_mw, double posted, double value, double p_max,
                        double *q_inf, double *q_tr)
{
    /* What labs ask for at price p: inf while p <= value (serving a customer pays rho_t a MW), plus
     * budget / p of training. It falls with p, so the market clears at the lowest price at which it
     * fits, and at value inference buyers are indifferent and take what training leaves. */
    *q_inf = *q_tr = 1.0;
    if (!(free_mw > 0.0)) {
        *q_inf = *q_tr = 0.0;
        return posted;
    }
    if ((posted <= value ? inf : 0.0) + budget / posted <= free_mw) {
        return posted; /* ample capacity: the posted price */
    }
    double top = fmin(value, p_max);
    if (posted <= top) {
        if (free_mw > inf && budget / (free_mw - inf) <= top) {
            return budget / (free_mw - inf); /* above posted, since demand exceeded free_mw there */
        }
        if (top == p_max) {
            /* Inference is worth p_max: at p_max all that is asked for is rationed pro rata. */
            double q = free_mw / (inf + budget / p_max);
            *q_inf = *q_tr = q;
            return p_max;
        }
        if (budget / value <= free_mw) {
            *q_inf = (free_mw - budget / value) / inf;
            return value;
        }
    }
    /* Above value only training buys: budget / p = free_mw, or rationed at p_max. */
    *q_inf = 0.0;
    double p = fmax(posted, budget / free_mw);
    if (p <= p_max) {
        return p;
    }
    *q_tr = free_mw * p_max / budget;
    return p_max;
}

void aim_clouds_price_logit(const double *price, const int *active, int n, double theta, double *w)
{
    double pbar = 0.0, sum = 0.0, low = HUGE_VAL;
    int k = 0;
    for (int i = 0; i < n; i++) {
        if (active[i]) {
            pbar += price[i];
            k++;
            if (price[i] < low) {
                low = price[i];
            }
        }
    }
    pbar = k > 0 ? pbar / k : 1.0;
    for (int i = 0; i < n; i++) {
        /* Shifted by the lowest price so the largest weight is exp(0). */
        w[i] = active[i] ? exp(-theta * (price[i] - low) / pbar) : 0.0;
        sum += w[i];
    }
    for (int i = 0; i < n; i++) {
        w[i] = sum > 0.0 ? w[i] / sum : 0.0;
    }
}

void aim_clouds_size_logit(const double *price, const double *size, const int *active, int n, double theta,
                           double *w)
{
    /* The price logit times each seller's size: buyers spread a purchase over sellers in
     * proportion to what they can supply, tilted toward the cheaper ones. Without any size the
     * split is the plain price logit. */
    aim_clouds_price_logit(price, active, n, theta, w);
    double sum = 0.0;
    for (int i = 0; i < n; i++) {
        sum += active[i] && size[i] > 0.0 ? w[i] * size[i] : 0.0;
    }
    if (!(sum > 0.0)) {
        return;
    }
    for (int i = 0; i < n; i++) {
        w[i] = active[i] && size[i] > 0.0 ? w[i] * size[i] / sum : 0.0;
    }
}

double aim_clouds_order(const struct aim_config_clouds *cfg, double contracted_mw, double spot_trend_mw,
                        double capacity, double on_order)
{
    double target = (contracted_mw + spot_trend_mw) * (1.0 + cfg->buffer);
    double order = target - capacity - on_order;
    if (!(order > 0.0)) {
        return 0.0;
    }
    return order < cfg->power_growth_max ? order : cfg->power_growth_max;
}

double aim_clouds_means(const struct aim_clouds *cl, const struct aim_config_clouds *cfg,
                        const struct aim_ledger *led, int c)
{
    double room = aim_lenders_room(cl->lenders, cl->credit, led, cl->debt[c], aim_clouds_ebitda12(cl, c),
                                   cfg->leverage_max);
    return led->cash[cl->first + c] + room;
}

void aim_clouds_borrow_for(struct aim_clouds *cl, const struct aim_config_clouds *cfg, struct aim_ledger *led,
                           int c, double amount)
{
    int f = cl->first + c;
    double short_by = amount - led->cash[f];
    if (short_by > 0.0) {
        double room = aim_lenders_room(cl->lenders, cl->credit, led, cl->debt[c], aim_clouds_ebitda12(cl, c),
                                       cfg->leverage_max);
        aim_lenders_lend(cl->lenders, led, f, short_by < room ? short_by : room, &cl->debt[c]);
    }
}

double aim_clouds_ebitda12(const struct aim_clouds *cl, int c)
{
    const double *r = cl->ebitda + (size_t)c * AIM_CLOUDS_RING;
    double s = 0.0;
    for (int i = 0; i < AIM_CLOUDS_RING; i++) {
        s += r[i];
    }
    return s;
}

void aim_clouds_install(struct aim_clouds *cl, const struct aim_config_clouds *cfg, int c, double mw,
                        double cost, int t)
{
    /* A GPU delivered now is in service build_lag months later (facility and power). */
    size_t lag1 = (size_t)cfg->build_lag + 1;
    size_t slot = (size_t)c * lag1 + (size_t)((t + cfg->build_lag) % (int)lag1);
    if (cfg->build_lag == 0) {
        cl->Cap[c] += mw;
        cl->book[c] += cost;
    } else {
        cl->pipeline[slot] += mw;
        cl->pipeline_val[slot] += cost;
    }
}

int aim_clouds_refinance(struct aim_clouds *cl, const struct aim_config_clouds *cfg, struct aim_ledger *led,
                         int c)
{
    int f = cl->first + c;
    double cash = led->cash[f];
    double room = aim_lenders_room(cl->lenders, cl->credit, led, cl->debt[c], aim_clouds_ebitda12(cl, c),
                                   cfg->leverage_max);
    if (room >= -cash) {
        aim_lenders_lend(cl->lenders, led, f, -cash, &cl->debt[c]);
        return 1;
    }
    return 0;
}

void aim_clouds_step(struct aim_clouds *cl, const struct aim_config_clouds *cfg, struct aim_ledger *led,
                     int t)
{
    for (int c = 0; c < cl->n; c++) {
        int f = cl->first + c;
        if (!cl->active[c]) {
            cl->deliveries[c] = cl->baserev[c] = cl->util[c] = 0.0;
            continue;
        }
        const struct aim_config_clouds_firms *cc = &cfg->firms[c];
        double base = cl->base[c] / 12.0;
        aim_ledger_source(led, f, base, AIM_ORIGIN_BASE, AIM_PAY_REVENUE);
        aim_ledger_sink(led, f, base * (1.0 - cc->m_base), AIM_SINK_OPEX);
        cl->baserev[c] = base;
        cl->base[c] *= pow(1.0 + cc->g_base, 1.0 / 12.0);
        double opex = cfg->opex_ai * cl->ai_rev[c];
        aim_ledger_sink(led, f, opex, AIM_SINK_OPEX);
        double eb = cl->ai_rev[c] - opex + base * cc->m_base;
        /* Debt is priced on the leverage of the trailing year before this month. */
        double interest = aim_lenders_service(cl->lenders, cl->credit, led, f, &cl->debt[c], cl->rate,
                                              aim_clouds_ebitda12(cl, c));
        cl->ebitda[(size_t)c * AIM_CLOUDS_RING + (size_t)(t % AIM_CLOUDS_RING)] = eb;
        double u = cl->Cap[c] > 0.0 ? cl->used[c] / cl->Cap[c] : 1.0;
        cl->util[c] = cl->Cap[c] > 0.0 ? u : 0.0;
        cl->pc[c] = aim_clouds_price(cfg, cl->pc[c], u);
        /* Trend of spot demand requested (not delivered), so that rationing raises capex. */
        double a = 1.0 / cfg->spot_trend_months;
        double level0 = cl->spot_trend[c];
        cl->spot_trend[c] += a * (cl->spot_req[c] - cl->spot_trend[c]);
        /* Holt's linear trend: the slope (MW a month) is smoothed with the same memory. */
        cl->spot_slope[c] += a * ((cl->spot_trend[c] - level0) - cl->spot_slope[c]);
        /* Capacity retires at 1/gpu_life_months a month, and its book value with it. */
        double retire = cl->Cap[c] / cfg->gpu_life_months;
        double dep = cl->book[c] / cfg->gpu_life_months;
        aim_ledger_accrue(led, f, -dep);
        cl->dep[c] = dep;
        size_t lag1 = (size_t)cfg->build_lag + 1;
        size_t slot = (size_t)c * lag1 + (size_t)(t % (int)lag1);
        cl->Cap[c] += cl->pipeline[slot] - retire;
        cl->book[c] += cl->pipeline_val[slot] - dep;
        cl->pipeline[slot] = 0.0;
        cl->pipeline_val[slot] = 0.0;
        cl->deliveries[c] = cl->used[c];
        cl->earnings[c] = eb - interest - dep;
    }
}

/* What cloud c owes on delivery for everything it has on order, and the MW on order or being
 * installed. */
static double clouds_owed(const struct aim_clouds *cl, const struct aim_config_clouds *cfg,
                          const struct aim_vendors *vd, int c, double *on_order)
{
    int nv = vd->n, nc = cl->n;
    size_t lag1 = (size_t)cfg->build_lag + 1;
    double mw = 0.0, owed = 0.0;
    for (int v = 0; v < nv; v++) {
        mw += vd->backlog[(size_t)v * nc + c];
        owed += vd->backlog_val[(size_t)v * nc + c] + vd->backlog[(size_t)v * nc + c] * cfg->facility_cost;
    }
    for (size_t i = 0; i < lag1; i++) {
        mw += cl->pipeline[(size_t)c * lag1 + i];
    }
    *on_order = mw;
    return owed;
}

/* Cost of a MW ordered now: the facility plus the GPU price the order would be split at (v < 0)
 * or vendor v's price. */
static double clouds_unit_cost(const struct aim_config_clouds *cfg, struct aim_vendors *vd, int v)
{
    if (v >= 0) {
        return cfg->facility_cost + vd->pv[v];
    }
    aim_clouds_size_logit(vd->pv, vd->P, vd->active, vd->n, cfg->vendor_theta, vd->split);
    double unit = cfg->facility_cost;
    for (int j = 0; j < vd->n; j++) {
        unit += vd->split[j] * vd->pv[j];
    }
    return unit;
}

double aim_clouds_order_deal(struct aim_clouds *cl, const struct aim_config_clouds *cfg,
                             struct aim_vendors *vd, const struct aim_ledger *led, int c, int v, double mw)
{
    if (!(mw > 0.0) || vd->n < 1) {
        return 0.0;
    }
    double on_order;
    double fundable = aim_clouds_means(cl, cfg, led, c) - clouds_owed(cl, cfg, vd, c, &on_order);
    double unit = clouds_unit_cost(cfg, vd, v);
    if (mw * unit > fundable) {
        mw = fundable > 0.0 ? fundable / unit : 0.0;
    }
    aim_vendors_order(vd, c, v, mw, cfg->vendor_theta);
    return mw;
}

void aim_clouds_capex(struct aim_clouds *cl, const struct aim_config_clouds *cfg, struct aim_vendors *vd,
                      const struct aim_deals *deals, const struct aim_ledger *led, int t)
{
    int nv = vd->n, nc = cl->n;
    double unit = clouds_unit_cost(cfg, vd, -1);
    for (int c = 0; c < nc; c++) {
        cl->cut[c] = cl->wanted[c] = 0.0;
        if (!cl->active[c]) {
            continue;
        }
        double on_order;
        double owed = clouds_owed(cl, cfg, vd, c, &on_order);
        /* Spot demand expected when an order placed now is installed: the trend's level plus its
         * (non-negative) slope times clouds.plan_horizon (docs/model.md, "Capacity planning"). */
        double spot = cl->spot_trend[c] + fmax(0.0, cl->spot_slope[c]) * cfg->plan_horizon;
        double mw = aim_clouds_order(cfg, aim_deals_mw(deals, -1, c, t + (int)cfg->plan_horizon), spot,
                                     cl->Cap[c], on_order);
        double fundable = aim_clouds_means(cl, cfg, led, c) - owed;
        if (mw * unit > fundable) {
            double cut = fundable > 0.0 ? fundable / unit : 0.0;
            cl->cut[c] = mw - cut;
            cl->wanted[c] = mw;
            mw = cut;
        }
        if (mw > 0.0 && nv > 0) {
            aim_vendors_order(vd, c, -1, mw, cfg->vendor_theta);
        }
    }
}

double aim_clouds_mean_price(const struct aim_clouds *cl)
{
    double s = 0.0;
    int k = 0;
    for (int c = 0; c < cl->n; c++) {
        if (cl->active[c]) {
            s += cl->pc[c];
            k++;
        }
    }
    return k > 0 ? s / k : 0.0;
}

double aim_clouds_real_assets(const struct aim_clouds *cl, const struct aim_config_clouds *cfg, int c)
{
    size_t lag1 = (size_t)cfg->build_lag + 1;
    double s = cl->book[c];
    for (size_t i = 0; i < lag1; i++) {
        s += cl->pipeline_val[(size_t)c * lag1 + i];
    }
    return s;
}

double aim_clouds_default(struct aim_clouds *cl, const struct aim_config_clouds *cfg, struct aim_vendors *vd,
                          struct aim_deals *deals, struct aim_ledger *led, int c, double *impaired)
{
    double voided = aim_deals_void(deals, -1, c);
    for (int v = 0; v < vd->n; v++) {
        voided += aim_vendors_cancel(vd, v, c);
    }
    /* The capacity is sold to outside buyers at credit.recovery of its book value. */
    double book = aim_clouds_real_assets(cl, cfg, c);
    double sold = cl->credit->recovery * book;
    aim_ledger_source(led, cl->first + c, sold, AIM_ORIGIN_INVESTOR, AIM_PAY_TO(AIM_INSTR_REAL));
    *impaired = book - sold;
    size_t lag1 = (size_t)cfg->build_lag + 1;
    for (size_t i = 0; i < lag1; i++) {
        cl->pipeline[(size_t)c * lag1 + i] = cl->pipeline_val[(size_t)c * lag1 + i] = 0.0;
    }
    cl->Cap[c] = cl->book[c] = 0.0;
    return voided;
}

void aim_clouds_open(struct aim_clouds *cl, const struct aim_config_clouds *cfg, struct aim_ledger *led,
                     double gpu_price)
{
    for (int c = 0; c < cl->n; c++) {
        const struct aim_config_clouds_firms *cc = &cfg->firms[c];
        aim_ledger_open(led, cl->first + c, cc->cash, AIM_ORIGIN_BASE);
        cl->Cap[c] = cc->capacity;
        /* Installed capacity at half its replacement cost: bought over its life, half of it gone. */
        cl->book[c] = 0.5 * cc->capacity * (gpu_price + cfg->facility_cost);
        cl->pc[c] = cc->price;
        cl->p_spot[c] = cc->price;
        cl->debt[c] = cc->debt;
        cl->base[c] = cc->base_revenue;
    }
    /* No contract is signed yet: the spot-demand trend starts at the pro-forma use. */
    for (int c = 0; c < cl->n; c++) {
        cl->spot_trend[c] = cl->Cap[c] * cfg->u_target;
        cl->spot_slope[c] = 0.0;
    }
}

double aim_clouds_opening_means(const struct aim_clouds *cl, const struct aim_config_clouds *cfg, int c)
{
    const struct aim_config_clouds_firms *cc = &cfg->firms[c];
    double eb =
        12.0 * cl->Cap[c] * cfg->u_target * cl->pc[c] * (1.0 - cfg->opex_ai) + cc->base_revenue * cc->m_base;
    double room = cfg->leverage_max * eb - cc->debt;
    return cc->cash + (room > 0.0 ? room : 0.0);
}

double aim_clouds_proforma(struct aim_clouds *cl, const struct aim_config_clouds *cfg, int c, double *revenue)
{
    const struct aim_config_clouds_firms *cc = &cfg->firms[c];
    double ai = cl->Cap[c] * cfg->u_target * cl->pc[c];
    *revenue = ai + cl->base[c] / 12.0;
    double eb = ai * (1.0 - cfg->opex_ai) + cl->base[c] / 12.0 * cc->m_base;
    for (int i = 0; i < AIM_CLOUDS_RING; i++) {
        cl->ebitda[(size_t)c * AIM_CLOUDS_RING + i] = eb;
    }
    double spread = aim_lenders_spread(cl->credit, cl->debt[c], 12.0 * eb);
    return eb - cl->debt[c] * (cl->rate + spread) / 12.0 - cl->book[c] / cfg->gpu_life_months;
}

double aim_clouds_net_assets(const struct aim_clouds *cl, const struct aim_config_clouds *cfg, int c,
                             double cash)
{
    return cash - cl->debt[c] + aim_clouds_real_assets(cl, cfg, c);
}
