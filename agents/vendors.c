/* Chip vendors (MODEL.md 3.3). */
#include "agents/vendors.h"

#include <math.h>

#include "agents/clouds.h"
#include "agents/lenders.h"

double aim_vendors_price(const struct aim_config_vendors *cfg, double price, double backlog,
                         double production)
{
    /* Backlog in months of production; with no production, pressure is read as the target. */
    double months = production > 0.0 ? backlog / production : cfg->target_backlog_months;
    double p = price * (1.0 + cfg->xi * (months - cfg->target_backlog_months));
    if (p < cfg->p_min) {
        p = cfg->p_min;
    }
    if (p > cfg->p_max) {
        p = cfg->p_max;
    }
    return p;
}

double aim_vendors_production(const struct aim_config_vendors *cfg, double production, double backlog)
{
    /* The production rate that would clear the backlog in target_backlog_months (at least one). */
    double months = cfg->target_backlog_months > 1.0 ? cfg->target_backlog_months : 1.0;
    double target = backlog / months;
    /* Capacity grows toward the target with time constant fab_lag (MODEL.md 3.3) and shrinks
     * with the slower fab_down: contracted foundry and packaging capacity is not given back as
     * fast as it is added, so a lull in orders does not take production with it. */
    double tau = target >= production ? cfg->fab_lag : cfg->fab_down;
    double p = production + (target - production) / tau;
    return p > 0.0 ? p : 0.0;
}

double aim_vendors_mean_price(const struct aim_vendors *vd)
{
    double s = 0.0;
    int k = 0;
    for (int v = 0; v < vd->n; v++) {
        if (vd->active[v]) {
            s += vd->pv[v];
            k++;
        }
    }
    return k > 0 ? s / k : 0.0;
}

void aim_vendors_order(struct aim_vendors *vd, int c, int v, double mw, double theta)
{
    if (!(mw > 0.0)) {
        return;
    }
    int nc = vd->n_clouds;
    if (v >= 0) {
        vd->backlog[(size_t)v * nc + c] += mw;
        vd->backlog_val[(size_t)v * nc + c] += mw * vd->pv[v];
        return;
    }
    aim_clouds_size_logit(vd->pv, vd->P, vd->active, vd->n, theta, vd->split);
    for (int j = 0; j < vd->n; j++) {
        double part = mw * vd->split[j];
        vd->backlog[(size_t)j * nc + c] += part;
        vd->backlog_val[(size_t)j * nc + c] += part * vd->pv[j];
    }
}

void aim_vendors_step(struct aim_vendors *vd, const struct aim_config_vendors *cfg, struct aim_clouds *cl,
                      const struct aim_config_clouds *cfg_clouds, struct aim_ledger *led, int t)
{
    int nv = vd->n, nc = vd->n_clouds;
    for (size_t i = 0; i < (size_t)nv * (size_t)nc; i++) {
        vd->withheld[i] = vd->cancelled[i] = 0.0;
    }
    for (int v = 0; v < nv; v++) {
        vd->deliveries[v] = vd->baserev[v] = vd->util[v] = 0.0;
        if (!vd->active[v]) {
            continue;
        }
        const struct aim_config_vendors_firms *vc = &cfg->firms[v];
        double B = 0.0;
        for (int c = 0; c < nc; c++) {
            B += vd->backlog[(size_t)v * nc + c];
        }
        double d = B < vd->P[v] ? B : vd->P[v];
        double phi = B > 0.0 ? d / B : 0.0;
        double rev = 0.0, delivered = 0.0;
        for (int c = 0; c < nc; c++) {
            size_t i = (size_t)v * nc + c;
            double mw = vd->backlog[i] * phi, val = vd->backlog_val[i] * phi;
            if (phi >= 1.0) {
                mw = vd->backlog[i];
                val = vd->backlog_val[i];
            }
            if (mw <= 0.0) {
                continue;
            }
            /* Paid on delivery: the cloud takes what its cash and credit can pay for (MODEL.md 12.3). */
            double facility = mw * cfg_clouds->facility_cost;
            double means = cl->active[c] ? aim_clouds_means(cl, cfg_clouds, led, c) : 0.0;
            double frac = means >= val + facility ? 1.0 : (means > 0.0 ? means / (val + facility) : 0.0);
            if (frac < 1.0) {
                vd->withheld[i] = mw * (1.0 - frac);
                vd->held[i] += 1.0;
                mw *= frac;
                val *= frac;
                facility *= frac;
            } else {
                vd->held[i] = 0.0;
            }
            vd->backlog[i] -= mw;
            vd->backlog_val[i] -= val;
            if (vd->held[i] >= cfg->order_hold_months && vd->backlog[i] > 0.0) {
                /* Unpaid for longer than order_hold_months: the rest of the order is cancelled. */
                vd->cancelled[i] = vd->backlog[i];
                vd->backlog[i] = vd->backlog_val[i] = vd->held[i] = 0.0;
            }
            if (!(mw > 0.0)) {
                continue;
            }
            int fc = cl->first + c;
            aim_clouds_borrow_for(cl, cfg_clouds, led, c, val + facility);
            aim_ledger_pay(led, fc, v, val, -1, AIM_PAY_REVENUE | AIM_PAY_FROM(AIM_INSTR_REAL));
            aim_ledger_sink(led, fc, facility, AIM_SINK_BUILDERS);
            aim_clouds_install(cl, cfg_clouds, c, mw, val + facility, t);
            rev += val;
            delivered += mw;
        }
        d = delivered;
        vd->deliveries[v] = d;
        double cost = d * vc->unit_cost;
        double base = vd->base[v] / 12.0;
        aim_ledger_source(led, v, base, AIM_ORIGIN_BASE, AIM_PAY_REVENUE);
        vd->baserev[v] = base;
        vd->util[v] = vd->P[v] > 0.0 ? d / vd->P[v] : 0.0;
        double base_cost = base * (1.0 - vc->m_base);
        /* Costs are paid from cash, then credit; what neither covers is an overdraft that the
         * month's end settles (credit again, or a default). */
        double short_by = cost + base_cost - led->cash[v];
        if (short_by > 0.0) {
            double room = aim_lenders_room(vd->lenders, vd->credit, led, vd->debt[v],
                                           aim_vendors_ebitda12(vd, v), cfg->leverage_max);
            aim_lenders_lend(vd->lenders, led, v, short_by < room ? short_by : room, &vd->debt[v]);
        }
        aim_ledger_sink(led, v, cost, AIM_SINK_OPEX);
        aim_ledger_sink(led, v, base_cost, AIM_SINK_OPEX);
        double eb = rev - cost + base * vc->m_base;
        double interest = aim_lenders_service(vd->lenders, vd->credit, led, v, &vd->debt[v], vd->rate,
                                              aim_vendors_ebitda12(vd, v));
        vd->ebitda[(size_t)v * AIM_VENDORS_RING + (size_t)(t % AIM_VENDORS_RING)] = eb;
        vd->earnings[v] = eb - interest;
        double after = 0.0;
        for (int c = 0; c < nc; c++) {
            after += vd->backlog[(size_t)v * nc + c];
        }
        /* A vendor does not sell below its unit cost: with a thin backlog it cuts output instead. */
        vd->pv[v] = fmax(aim_vendors_price(cfg, vd->pv[v], after, vd->P[v]), vc->unit_cost);
        vd->P[v] = aim_vendors_production(cfg, vd->P[v], after);
    }
}

double aim_vendors_ebitda12(const struct aim_vendors *vd, int v)
{
    const double *r = vd->ebitda + (size_t)v * AIM_VENDORS_RING;
    double s = 0.0;
    for (int i = 0; i < AIM_VENDORS_RING; i++) {
        s += r[i];
    }
    return s;
}

int aim_vendors_refinance(struct aim_vendors *vd, const struct aim_config_vendors *cfg,
                          struct aim_ledger *led, int v)
{
    double cash = led->cash[v];
    double room = aim_lenders_room(vd->lenders, vd->credit, led, vd->debt[v], aim_vendors_ebitda12(vd, v),
                                   cfg->leverage_max);
    if (room >= -cash) {
        aim_lenders_lend(vd->lenders, led, v, -cash, &vd->debt[v]);
        return 1;
    }
    return 0;
}

double aim_vendors_cancel(struct aim_vendors *vd, int v, int c)
{
    size_t i = (size_t)v * vd->n_clouds + c;
    double val = vd->backlog_val[i];
    vd->backlog[i] = vd->backlog_val[i] = vd->held[i] = 0.0;
    return val;
}

double aim_vendors_cancel_mw(struct aim_vendors *vd, int v, int c, double mw)
{
    size_t i = (size_t)v * vd->n_clouds + c;
    double have = vd->backlog[i];
    if (!(mw > 0.0) || !(have > 0.0)) {
        return 0.0;
    }
    if (mw >= have) {
        return aim_vendors_cancel(vd, v, c);
    }
    /* The orders of one cloud at one vendor are priced on average: the part cancelled is worth its share. */
    double val = vd->backlog_val[i] * (mw / have);
    vd->backlog[i] -= mw;
    vd->backlog_val[i] -= val;
    return val;
}

double aim_vendors_default(struct aim_vendors *vd, int v)
{
    double voided = 0.0;
    for (int c = 0; c < vd->n_clouds; c++) {
        voided += aim_vendors_cancel(vd, v, c);
    }
    return voided;
}

void aim_vendors_open(struct aim_vendors *vd, const struct aim_config_vendors *cfg, struct aim_ledger *led)
{
    for (int v = 0; v < vd->n; v++) {
        const struct aim_config_vendors_firms *c = &cfg->firms[v];
        aim_ledger_open(led, v, c->cash, AIM_ORIGIN_BASE);
        vd->P[v] = c->production;
        vd->pv[v] = c->price;
        vd->base[v] = c->base_revenue;
        vd->debt[v] = c->debt;
    }
}

void aim_vendors_open_book(struct aim_vendors *vd, const struct aim_config_vendors *cfg,
                           const struct aim_clouds *cl, const struct aim_config_clouds *cfg_clouds)
{
    int nc = vd->n_clouds;
    double capsum = 0.0;
    for (int c = 0; c < nc; c++) {
        capsum += aim_clouds_opening_means(cl, cfg_clouds, c);
    }
    for (int v = 0; v < vd->n; v++) {
        for (int c = 0; c < nc; c++) {
            double part = capsum > 0.0 ? aim_clouds_opening_means(cl, cfg_clouds, c) / capsum : 1.0 / nc;
            vd->backlog[(size_t)v * nc + c] = cfg->firms[v].backlog * part;
            vd->backlog_val[(size_t)v * nc + c] = cfg->firms[v].backlog * part * vd->pv[v];
        }
    }
}

double aim_vendors_proforma(struct aim_vendors *vd, const struct aim_config_vendors *cfg, int v,
                            double *revenue)
{
    const struct aim_config_vendors_firms *c = &cfg->firms[v];
    *revenue = vd->P[v] * vd->pv[v] + vd->base[v] / 12.0;
    double eb = vd->P[v] * (vd->pv[v] - c->unit_cost) + vd->base[v] / 12.0 * c->m_base;
    for (int i = 0; i < AIM_VENDORS_RING; i++) {
        vd->ebitda[(size_t)v * AIM_VENDORS_RING + i] = eb;
    }
    double spread = aim_lenders_spread(vd->credit, vd->debt[v], 12.0 * eb);
    return eb - vd->debt[v] * (vd->rate + spread) / 12.0;
}

double aim_vendors_net_assets(const struct aim_vendors *vd, int v, double cash)
{
    return cash - vd->debt[v];
}
