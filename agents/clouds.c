/* Cloud providers (MODEL.md 3.2). */
#include "agents/clouds.h"

#include <math.h>

#include "agents/deals.h"
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

void aim_clouds_borrow_for(struct aim_clouds *cl, struct aim_ledger *led, int c, double amount)
{
    int f = cl->first + c;
    double short_by = amount - led->cash[f];
    if (short_by > 0.0) {
        aim_ledger_source(led, f, short_by, AIM_ORIGIN_DEBT, 0);
        cl->debt[c] += short_by;
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

void aim_clouds_install(struct aim_clouds *cl, const struct aim_config_clouds *cfg, int c, double mw, int t)
{
    /* A GPU delivered now is in service build_lag months later (facility and power). */
    size_t lag1 = (size_t)cfg->build_lag + 1;
    size_t slot = (size_t)c * lag1 + (size_t)((t + cfg->build_lag) % (int)lag1);
    if (cfg->build_lag == 0) {
        cl->Cap[c] += mw;
    } else {
        cl->pipeline[slot] += mw;
    }
}

int aim_clouds_refinance(struct aim_clouds *cl, const struct aim_config_clouds *cfg, struct aim_ledger *led,
                         int c)
{
    int f = cl->first + c;
    double cash = led->cash[f];
    double room = cfg->leverage_max * aim_clouds_ebitda12(cl, c) - cl->debt[c];
    if (room >= -cash) {
        aim_ledger_source(led, f, -cash, AIM_ORIGIN_DEBT, 0);
        cl->debt[c] += -cash;
        return 1;
    }
    return 0;
}

void aim_clouds_step(struct aim_clouds *cl, const struct aim_config_clouds *cfg, struct aim_ledger *led,
                     double rate, double gpu_price, int t)
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
        double interest = cl->debt[c] * (rate + cfg->spread) / 12.0;
        aim_ledger_sink(led, f, interest, AIM_SINK_INTEREST);
        double eb = cl->ai_rev[c] - opex + base * cc->m_base;
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
        double retire = cl->Cap[c] / cfg->gpu_life_months;
        double dep = retire * (gpu_price + cfg->facility_cost);
        size_t lag1 = (size_t)cfg->build_lag + 1;
        size_t slot = (size_t)c * lag1 + (size_t)(t % (int)lag1);
        cl->Cap[c] += cl->pipeline[slot] - retire;
        cl->pipeline[slot] = 0.0;
        cl->deliveries[c] = cl->used[c];
        cl->earnings[c] = eb - interest - dep;
    }
}

void aim_clouds_capex(struct aim_clouds *cl, const struct aim_config_clouds *cfg, struct aim_vendors *vd,
                      const struct aim_deals *deals, const struct aim_ledger *led, int t)
{
    int nv = vd->n, nc = cl->n;
    size_t lag1 = (size_t)cfg->build_lag + 1;
    /* The cost of a MW ordered now: the facility plus the GPU price the order would be split at. */
    aim_clouds_size_logit(vd->pv, vd->P, vd->active, nv, cfg->vendor_theta, vd->split);
    double unit = cfg->facility_cost;
    for (int v = 0; v < nv; v++) {
        unit += vd->split[v] * vd->pv[v];
    }
    for (int c = 0; c < nc; c++) {
        if (!cl->active[c]) {
            continue;
        }
        double on_order = 0.0, owed = 0.0;
        for (int v = 0; v < nv; v++) {
            on_order += vd->backlog[(size_t)v * nc + c];
            owed +=
                vd->backlog_val[(size_t)v * nc + c] + vd->backlog[(size_t)v * nc + c] * cfg->facility_cost;
        }
        for (size_t i = 0; i < lag1; i++) {
            on_order += cl->pipeline[(size_t)c * lag1 + i];
        }
        /* Spot demand expected when an order placed now is installed: the trend's level plus its
         * (non-negative) slope times clouds.plan_horizon (docs/model.md, "Capacity planning"). */
        double spot = cl->spot_trend[c] + fmax(0.0, cl->spot_slope[c]) * cfg->plan_horizon;
        double mw = aim_clouds_order(cfg, aim_deals_mw(deals, -1, c, t + (int)cfg->plan_horizon), spot,
                                     cl->Cap[c], on_order);
        double room = cfg->leverage_max * aim_clouds_ebitda12(cl, c) - cl->debt[c];
        double fundable = led->cash[cl->first + c] + (room > 0.0 ? room : 0.0) - owed;
        if (mw * unit > fundable) {
            mw = fundable > 0.0 ? fundable / unit : 0.0;
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

double aim_clouds_default(struct aim_clouds *cl, struct aim_vendors *vd, struct aim_deals *deals, int c,
                          double *destroyed)
{
    double voided = aim_deals_void(deals, -1, c);
    for (int v = 0; v < vd->n; v++) {
        voided += aim_vendors_cancel(vd, v, c);
    }
    *destroyed += cl->debt[c];
    cl->debt[c] = 0.0;
    return voided;
}

void aim_clouds_open(struct aim_clouds *cl, const struct aim_config_clouds *cfg, struct aim_ledger *led)
{
    for (int c = 0; c < cl->n; c++) {
        const struct aim_config_clouds_firms *cc = &cfg->firms[c];
        aim_ledger_open(led, cl->first + c, cc->cash, AIM_ORIGIN_BASE);
        cl->Cap[c] = cc->capacity;
        cl->pc[c] = cc->price;
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

double aim_clouds_proforma(struct aim_clouds *cl, const struct aim_config_clouds *cfg, int c, double rate,
                           double gpu_price, double *revenue)
{
    const struct aim_config_clouds_firms *cc = &cfg->firms[c];
    double ai = cl->Cap[c] * cfg->u_target * cl->pc[c];
    *revenue = ai + cl->base[c] / 12.0;
    double eb = ai * (1.0 - cfg->opex_ai) + cl->base[c] / 12.0 * cc->m_base;
    for (int i = 0; i < AIM_CLOUDS_RING; i++) {
        cl->ebitda[(size_t)c * AIM_CLOUDS_RING + i] = eb;
    }
    return eb - cl->debt[c] * (rate + cfg->spread) / 12.0 -
           cl->Cap[c] / cfg->gpu_life_months * (gpu_price + cfg->facility_cost);
}

double aim_clouds_net_assets(const struct aim_clouds *cl, const struct aim_config_clouds *cfg, int c,
                             double cash, double gpu_price)
{
    return cash - cl->debt[c] + 0.5 * cl->Cap[c] * (gpu_price + cfg->facility_cost);
}
