/* Model labs (MODEL.md 3.1). */
#include "agents/labs.h"

#include <float.h>
#include <math.h>

#include "agents/clouds.h"
#include "agents/deals.h"
#include "agents/investors.h"
#include "agents/vendors.h"
#include "sim/rng.h"
#include "sim/traj.h"

void aim_labs_shares(const double *capability, const int *active, int n, double theta, double *share)
{
    /* Logit on capability, shifted by the largest exponent so that it never overflows. */
    double top = -HUGE_VAL, sum = 0.0;
    for (int l = 0; l < n; l++) {
        if (active[l] && theta * capability[l] > top) {
            top = theta * capability[l];
        }
    }
    for (int l = 0; l < n; l++) {
        share[l] = active[l] ? exp(theta * capability[l] - top) : 0.0;
        sum += share[l];
    }
    for (int l = 0; l < n; l++) {
        share[l] = sum > 0.0 ? share[l] / sum : 0.0;
    }
}

double aim_labs_rho(const struct aim_config_demand *demand, const struct aim_config_hardware *hw, int t)
{
    return demand->rho0 * pow(hw->eta, (double)t / 12.0);
}

double aim_labs_training(double alpha_train, double cash, double runway_target)
{
    return cash > 0.0 ? alpha_train * cash / runway_target : 0.0;
}

double aim_labs_funding_need(double cash, double burn, double runway_min, double runway_target)
{
    if (!(burn > 0.0)) {
        return cash < 0.0 ? -cash : 0.0; /* no burn: only a negative balance needs covering */
    }
    if (cash / burn >= runway_min) {
        return 0.0;
    }
    double A = burn * runway_target;
    return cash < 0.0 ? A - cash : A;
}

/* Demand lab l cannot serve goes to the labs with delivered MW to spare, in proportion to their
 * shares, each up to rho x its spare MW; returns what nobody can serve ($B). At most n rounds:
 * each either places all that is left or fills at least one lab. */
static double labs_redistribute(struct aim_labs *lb, double rho, double left, double *spare)
{
    for (int round = 0; round < lb->n && left > 0.0; round++) {
        double wsum = 0.0;
        for (int l = 0; l < lb->n; l++) {
            wsum += lb->active[l] && spare[l] > 0.0 ? lb->share[l] : 0.0;
        }
        if (!(wsum > 0.0)) {
            break;
        }
        double placed = 0.0;
        for (int l = 0; l < lb->n; l++) {
            if (!lb->active[l] || !(spare[l] > 0.0) || !(lb->share[l] > 0.0)) {
                continue;
            }
            double give = fmin(left * lb->share[l] / wsum, rho * spare[l]);
            double mw = give / rho;
            lb->R[l] += give;
            lb->inf[l] += mw;
            spare[l] = give < rho * spare[l] ? spare[l] - mw : 0.0;
            placed += give;
        }
        left = placed < left ? left - placed : 0.0;
    }
    return left;
}

void aim_labs_step(struct aim_labs *lb, const struct aim_config_labs *cfg,
                   const struct aim_config_demand *demand, const struct aim_config_hardware *hw,
                   const struct aim_config_clouds *ccfg, double D, int t, struct aim_clouds *cl,
                   struct aim_deals *deals, struct aim_ledger *led)
{
    int nc = cl->n, nl = lb->n;
    int *lab_active = lb->active, *cloud_active = cl->active;
    double rho = aim_labs_rho(demand, hw, t);
    double eff = pow(hw->eta, (double)t / 12.0);
    double pc_mean = aim_clouds_mean_price(cl);
    aim_labs_shares(lb->cap, lab_active, nl, demand->theta, lb->share);
    for (int l = 0; l < nl; l++) {
        lb->R[l] = lb->m_inf[l] = lb->need[l] = lb->m_tr[l] = lb->c_avail[l] = lb->delivered[l] = 0.0;
        lb->inf[l] = lb->s_inf[l] = lb->s_budget[l] = 0.0;
        if (!lab_active[l]) {
            continue;
        }
        /* Compute wanted: inference for the demand share share_l D_t / 12 at rho_t a MW-month, and
         * training from the budget at the mean posted price. Revenue is booked from what is
         * delivered (below). */
        lb->m_inf[l] = lb->share[l] * D / 12.0 / rho;
        /* The spot training budget comes from cash only: contracted compute is already paid for
         * (take-or-pay) and trains whatever inference leaves of it (below). */
        double B = aim_labs_training(cfg->firms[l].alpha_train, led->cash[lb->first + l], cfg->runway_target);
        lb->m_tr[l] = pc_mean > 0.0 ? B / pc_mean : 0.0;
    }
    /* Contracted capacity has priority; a cloud with less capacity than it reserved delivers
     * every contract pro rata (ratio) and is paid pro rata. */
    for (int c = 0; c < nc; c++) {
        cl->reserved[c] = aim_deals_mw(deals, -1, c, t);
        cl->ratio[c] =
            cl->reserved[c] > cl->Cap[c] && cl->reserved[c] > 0.0 ? cl->Cap[c] / cl->reserved[c] : 1.0;
        cl->used[c] = 0.0;
        cl->ai_rev[c] = 0.0;
        cl->spot_req[c] = 0.0;
        cl->p_spot[c] = cl->pc[c];
    }
    for (int i = 0; i < deals->cap; i++) {
        const struct aim_contract *k = &deals->c[i];
        if (aim_deals_running(k, t)) {
            lb->c_avail[k->lab] += k->mw * cl->ratio[k->cloud];
        }
    }
    /* Every contracted MW is used: inference first, training with the rest; the spot market
     * supplies the inference contracts do not cover and the cash budget's training. */
    for (int l = 0; l < nl; l++) {
        lb->need[l] = fmax(lb->m_inf[l], lb->c_avail[l]) + lb->m_tr[l];
    }
    double *paid = lb->paid;
    for (int l = 0; l < nl; l++) {
        paid[l] = 0.0;
    }
    for (int i = 0; i < deals->cap; i++) {
        const struct aim_contract *k = &deals->c[i];
        if (!aim_deals_running(k, t)) {
            continue;
        }
        int l = k->lab, c = k->cloud;
        double avail = k->mw * cl->ratio[c];
        double use_frac = lb->c_avail[l] > 0.0 ? fmin(1.0, lb->need[l] / lb->c_avail[l]) : 0.0;
        /* Take-or-pay: the monthly commitment is owed whatever is used (max(commitment, use)); a
         * cloud short of capacity delivers and bills the share ratio, and the schedule moves on by
         * that share of a month (below), so the whole commitment is paid in the end. The last month
         * of a schedule may be a fraction of one. */
        double pay = k->monthly * fmin(cl->ratio[c], k->months_left);
        aim_ledger_pay(led, lb->first + l, cl->first + c, pay, -1, AIM_PAY_REVENUE);
        paid[l] += pay;
        cl->ai_rev[c] += pay;
        cl->used[c] += avail * use_frac;
        lb->delivered[l] += avail * use_frac;
    }
    /* Spot: the rest of each lab's need, split over clouds by the logit on posted price weighted by
     * capacity. Contracted MW serve inference first; the inference still missing is asked for in
     * MW, the training still missing as a budget at the mean posted price. Each cloud's market
     * clears at its own price (aim_clouds_clear), which every buyer there pays. */
    aim_clouds_size_logit(cl->pc, cl->Cap, cloud_active, nc, cfg->spot_theta, lb->split);
    for (int l = 0; l < nl; l++) {
        if (!lab_active[l]) {
            continue;
        }
        double inf_rest = fmax(0.0, lb->m_inf[l] - lb->delivered[l]);
        double tr_rest = fmax(0.0, lb->need[l] - lb->delivered[l] - inf_rest);
        lb->s_inf[l] = inf_rest;
        lb->s_budget[l] = tr_rest * pc_mean;
    }
    for (int c = 0; c < nc; c++) {
        double inf = 0.0, budget = 0.0, q_inf = 0.0, q_tr = 0.0;
        for (int l = 0; l < nl; l++) {
            inf += lb->s_inf[l] * lb->split[c];
            budget += lb->s_budget[l] * lb->split[c];
        }
        if (!(inf > 0.0 || budget > 0.0)) {
            continue;
        }
        /* What the capex plan sees: the MW asked for at the posted price, so that scarcity raises
         * investment whether it is priced or rationed. */
        cl->spot_req[c] = (cl->pc[c] <= rho ? inf : 0.0) + budget / cl->pc[c];
        double free_mw = fmax(0.0, cl->Cap[c] - cl->used[c]);
        double p = aim_clouds_clear(inf, budget, free_mw, cl->pc[c], rho, ccfg->p_max, &q_inf, &q_tr);
        cl->p_spot[c] = p;
        for (int l = 0; l < nl; l++) {
            double mw = (lb->s_inf[l] * q_inf + lb->s_budget[l] * q_tr / p) * lb->split[c];
            if (!(mw > 0.0)) {
                continue;
            }
            double pay = mw * p;
            aim_ledger_pay(led, lb->first + l, cl->first + c, pay, -1, AIM_PAY_REVENUE);
            paid[l] += pay;
            cl->ai_rev[c] += pay;
            cl->used[c] += mw;
            lb->delivered[l] += mw;
        }
    }
    /* Revenue needs compute (MODEL.md 12.4): delivered MW serve the lab's own customers first,
     * R_l = min(share_l D / 12, rho_t x delivered); what is left of them (training's share) serves
     * the demand other labs could not, and what nobody can serve is lost. */
    double *spare = lb->spare;
    double short_of = 0.0;
    for (int l = 0; l < nl; l++) {
        spare[l] = 0.0;
        if (!lab_active[l]) {
            continue;
        }
        double want = lb->share[l] * D / 12.0;
        if (lb->delivered[l] >= lb->m_inf[l]) {
            lb->R[l] = want;
            lb->inf[l] = lb->m_inf[l];
            spare[l] = lb->delivered[l] - lb->m_inf[l];
        } else {
            lb->R[l] = rho * lb->delivered[l];
            lb->inf[l] = lb->delivered[l];
            short_of += want - lb->R[l];
        }
    }
    lb->unserved = labs_redistribute(lb, rho, short_of, spare);
    double best = lb->frontier;
    for (int l = 0; l < nl; l++) {
        int f = lb->first + l;
        if (!lab_active[l]) {
            continue;
        }
        aim_ledger_source(led, f, lb->R[l], AIM_ORIGIN_CUSTOMER, AIM_PAY_REVENUE);
        /* Training is what inference leaves of the delivered MW: Q += MW-months x eta^(t/12). */
        double train_mw = fmax(0.0, lb->delivered[l] - lb->inf[l]);
        lb->Q[l] += train_mw * eff;
        lb->cap[l] = log10(lb->Q[l]);
        if (lb->cap[l] > best) {
            best = lb->cap[l];
        }
        double opex = cfg->firms[l].omega * lb->R[l] + cfg->firms[l].fixed;
        aim_ledger_sink(led, f, opex, AIM_SINK_OPEX);
        lb->burn[l] = paid[l] + opex - lb->R[l];
        lb->earnings[l] = lb->R[l] - paid[l] - opex;
    }
    lb->dc_frontier = best - lb->frontier;
    lb->frontier = best;
    /* Each contract's schedule moves on by the share of the month its cloud delivered. */
    for (int i = 0; i < deals->cap; i++) {
        if (aim_deals_running(&deals->c[i], t)) {
            aim_deals_draw(deals, i, cl->ratio[deals->c[i].cloud]);
        }
    }
}

enum aim_status aim_labs_check_cap_table(const struct aim_labs *lb, const struct aim_config_labs *cfg,
                                         const struct aim_deals_market *m, int l)
{
    int nv = m->vendors->n, nc = m->clouds->n;
    if (m->asset[lb->first + l] >= 0) {
        return AIM_OK; /* a listed lab's shares held by investors are not private units */
    }
    double held = aim_investors_lab_units(m->inv, l);
    for (int v = 0; v < nv; v++) {
        held += lb->units_v[(size_t)l * nv + v];
    }
    for (int c = 0; c < nc; c++) {
        held += lb->units_c[(size_t)l * nc + c];
    }
    if (!(fabs(held - lb->units[l]) <= 1e-9 * lb->units[l])) {
        return aim_error_set(AIM_ERR_NUMERIC,
                             "month %d: cap table of lab %s does not add up: %.17g units issued, %.17g held "
                             "by investors, vendors and clouds",
                             m->t, cfg->firms[l].name, lb->units[l], held);
    }
    return AIM_OK;
}

int aim_labs_can_issue(const struct aim_labs *lb, int l, double pre, double money, int legs)
{
    /* Each leg sells at pre / units and so multiplies the units by at most 1 + money / pre: a lab
     * whose pre-money has collapsed next to what it seeks dilutes geometrically, round after round. */
    double u = lb->units[l];
    for (int i = 0; i < legs; i++) {
        u += money * (u / pre);
    }
    return u > 0.0 && pre / u >= DBL_MIN;
}

static enum aim_status labs_event(const struct aim_deals_market *m, int kind, int a, double x0, double x1,
                                  double x2)
{
    struct aim_event ev = {m->t, kind, a, -1, -1, {x0, x1, x2}};
    return m->tr ? aim_traj_add_event(m->tr, &ev) : AIM_OK;
}

enum aim_status aim_labs_raise(struct aim_labs *lb, const struct aim_config_labs *cfg,
                               const struct aim_config_deals *deals, const struct aim_config_venture *venture,
                               struct aim_deals *d, struct aim_deals_market *m, struct aim_pcg64 *rng,
                               double sentiment)
{
    const struct aim_vendors *vd = m->vendors;
    const struct aim_clouds *cl = m->clouds;
    int nv = vd->n, nc = cl->n;
    enum aim_status st = AIM_OK;
    for (int l = 0; l < lb->n; l++) {
        int f = lb->first + l;
        if (!lb->active[l]) {
            continue;
        }
        double cash = m->led->cash[f];
        double A = aim_labs_funding_need(cash, lb->burn[l], cfg->runway_min, cfg->runway_target);
        /* Both draws are made for every lab every month so that the stream does not depend on
         * which labs seek funding. */
        double u_strat = aim_rng_uniform(rng);
        double u_v = aim_rng_uniform(rng);
        double u_c = aim_rng_uniform(rng);
        if (!(A > 0.0)) {
            continue;
        }
        int a = m->asset[f];
        double pre =
            a >= 0 ? m->mkt->shares[a] * m->mkt->price[a] : aim_deals_premoney(venture, sentiment, lb->R[l]);
        if (!(pre > 1e-3)) {
            pre = 1e-3;
        }
        if (!aim_labs_can_issue(lb, l, pre, A, 2)) {
            continue; /* no price at which the round could be sold: the lab raises nothing */
        }
        double inv_v = 0.0, inv_c = 0.0;
        if (u_strat < deals->p_strategic) {
            for (int v = 0; v < nv; v++) {
                lb->pick_v[v] = vd->active[v] ? fmax(0.0, m->led->cash[v]) : 0.0;
            }
            for (int c = 0; c < nc; c++) {
                lb->pick_c[c] = cl->active[c] ? fmax(0.0, m->led->cash[cl->first + c]) : 0.0;
            }
            int v = aim_deals_pick(lb->pick_v, nv, u_v);
            int c = aim_deals_pick(lb->pick_c, nc, u_c);
            if (v >= 0) {
                inv_v = aim_deals_strategic_funds(m, deals, v, deals->f_v * A);
            }
            if (c >= 0) {
                inv_c = aim_deals_strategic_funds(m, deals, cl->first + c, deals->f_c * A);
            }
            if (inv_v < 0.0 || inv_c < 0.0) {
                return AIM_ERR_NOMEM;
            }
            if (inv_v > 0.0 || inv_c > 0.0) {
                double commitment = c >= 0 ? deals->kappa * (inv_v + inv_c) : 0.0;
                st = aim_deals_strike(d, m, l, inv_v > 0.0 ? v : -1, inv_c > 0.0 || commitment > 0.0 ? c : -1,
                                      inv_v, inv_c, pre, commitment, (int)deals->term_months, 0.0,
                                      (int)deals->start_delay);
                if (st != AIM_OK) {
                    return st;
                }
            }
        }
        double rest = A - inv_v - inv_c;
        double post = pre + inv_v + inv_c;
        if (a < 0 && venture->max_dilution < 1.0) {
            /* A round sells at most max_dilution of the lab: raised / (post + raised) <= d. */
            double d = venture->max_dilution, most = post * d / (1.0 - d);
            rest = rest < most ? rest : most;
        }
        if (rest > 0.0) {
            double price = pre / lb->units[l];
            double raised = 0.0;
            if (a >= 0) {
                /* A listed lab raises the rest by a share issue the market maker absorbs. */
                double shares = m->mkt->price[a] > 0.0 ? rest / m->mkt->price[a] : 0.0;
                raised = shares > 0.0 ? aim_investors_absorb_issue(m->inv, m->mkt, a, shares) : 0.0;
                if (raised > 0.0) {
                    st = labs_event(m, AIM_EVENT_ISSUE, f, shares, raised, m->mkt->price[a]);
                    if (st != AIM_OK) {
                        return st;
                    }
                    price = raised / shares;
                }
            } else {
                raised = aim_investors_private_round(m->inv, l, rest, 1.0 / price);
            }
            if (raised > 0.0) {
                int instr = a >= 0 ? AIM_INSTR_SHARES : AIM_INSTR_LAB_EQUITY;
                aim_ledger_pay_as(m->led, m->inv_acct, f, raised, AIM_ORIGIN_INVESTOR,
                                  AIM_PAY_FROM(instr) | AIM_PAY_TO(instr));
                lb->units[l] += raised / price;
                post += raised;
            }
            st = labs_event(m, AIM_EVENT_ROUND, f, rest, raised, post);
            if (st != AIM_OK) {
                return st;
            }
        }
        m->valuation[f] = post;
        lb->unit_value[l] = post / lb->units[l];
        if (a >= 0) {
            m->mkt->shares[a] = lb->units[l];
        }
        st = aim_labs_check_cap_table(lb, cfg, m, l);
        if (st != AIM_OK) {
            return st;
        }
    }
    return AIM_OK;
}

double aim_labs_default(struct aim_labs *lb, struct aim_deals *d, int l)
{
    double voided = aim_deals_void(d, l, -1);
    lb->unit_value[l] = 0.0;
    lb->share[l] = 0.0;
    return voided;
}

void aim_labs_open(struct aim_labs *lb, const struct aim_config_labs *cfg,
                   const struct aim_config_demand *demand, struct aim_ledger *led)
{
    for (int l = 0; l < lb->n; l++) {
        const struct aim_config_labs_firms *c = &cfg->firms[l];
        aim_ledger_open(led, lb->first + l, c->cash, AIM_ORIGIN_INVESTOR);
        lb->Q[l] = c->compute;
        lb->cap[l] = log10(c->compute);
        lb->valuation[l] = c->valuation;
        /* One unit per $B of the opening valuation, all held by outside investors. */
        lb->units[l] = c->valuation > 0.0 ? c->valuation : 1.0;
        lb->units_inv0[l] = lb->units[l];
        lb->unit_value[l] = lb->valuation[l] / lb->units[l];
    }
    lb->frontier = -HUGE_VAL;
    for (int l = 0; l < lb->n; l++) {
        if (lb->cap[l] > lb->frontier) {
            lb->frontier = lb->cap[l];
        }
    }
    lb->dc_frontier = 0.0;
    lb->unserved = 0.0;
    aim_labs_shares(lb->cap, lb->active, lb->n, demand->theta, lb->share);
}

double aim_labs_proforma(const struct aim_labs *lb, const struct aim_config_labs *cfg, int l, double D,
                         double rho, double compute_price, const struct aim_ledger *led, double *revenue)
{
    const struct aim_config_labs_firms *c = &cfg->firms[l];
    double r = lb->share[l] * D / 12.0;
    double train = aim_labs_training(c->alpha_train, led->cash[lb->first + l], cfg->runway_target);
    *revenue = r;
    return r * (1.0 - c->omega) - c->fixed - r / rho * compute_price - train;
}
