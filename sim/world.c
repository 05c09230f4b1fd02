/* One replica of the AI economy (MODEL.md 2-9): each kind's state (struct aim_labs, aim_clouds,
 * aim_vendors, embedded here; their steps in agents/), the per-firm books, the ledger that moves
 * every dollar, and the month's step in a fixed order:
 *   1. macro: demand D_t and rate r_t                       (MODEL.md 4)
 *   2. labs: revenue, compute purchases, training, opex     (3.1, aim_labs_step)
 *   3. clouds: base business, AI opex, interest, utilisation, price, depreciation, installs
 *      (3.2, aim_clouds_step)
 *   4. vendors: deliveries (paid by clouds, financed by cash then debt), costs, price, capacity
 *      (3.3, aim_vendors_step)
 *   5. clouds: capex orders, cut by leverage                (3.2, aim_clouds_capex)
 *   6. funding: presigned deals of the month (aim_deals_presigned), strategic deals and venture
 *      rounds (5, aim_labs_raise)
 *   7. defaults and contagion, until no firm is left below zero (6); then taxes and payouts
 *      (12.6, aim_payouts_step)
 *   8. fundamentals (8); 9. investors' market (3.4); 10. records (9).
 * Everything per firm is allocated in aim_world_create; the step allocates nothing (the event
 * log's growth in aim_traj_add_event aside). */
#include "sim/world.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "agents/clouds.h"
#include "agents/deals.h"
#include "agents/investors.h"
#include "agents/labs.h"
#include "agents/lenders.h"
#include "agents/payouts.h"
#include "agents/vendors.h"
#include "sim/balance.h"
#include "sim/ledger.h"
#include "sim/macro.h"
#include "sim/rng.h"

#define RING 12  /* months of trailing earnings */
#define RING2 24 /* months of organic revenue kept for the growth estimate */

struct aim_world {
    struct aim_config cfg;
    int nv, nc, nl, nf, t;
    int inv_acct;  /* ledger account of the investor sector (all investors + market maker) */
    int lend_acct; /* ledger account of the lenders */
    struct aim_ledger *led;
    struct aim_deals *deals;
    struct aim_investors *inv;
    struct aim_market_assets mkt;
    struct aim_macro mac;
    struct aim_pcg64 rng;
    struct aim_investors_report rep;
    double sentiment;
    double destroyed, voided;
    double *reval_real; /* [AIM_BS_COLS]: real assets' impairments of the month, by sector */
    double *bs_held, *bs_mm_held, *bs_lab_units; /* scratch of the balance sheet's holders' totals */
    struct aim_balance_sheet bs, bs_prev;
    double bs_residual, flow_residual;
    long limit_moves; /* months x listed firms in which market.max_move clipped the price impact */
    /* per firm */
    int *active, *asset; /* asset index of listed firms, -1 otherwise */
    double *valuation, *fundamental, *revenue, *organic, *roundtrip;
    double *earn;   /* [f * RING]: monthly organic earnings (see world_book_earnings) */
    double *orgrev; /* [f * RING2]: monthly organic revenue */
    double *issued; /* [f * AIM_DEALS_ISSUE_RING]: shares issued per month (trailing-year cap issue_max) */
    double *debt, *base; /* base: base-business revenue, $B/yr */
    double *ghat;        /* smoothed growth estimate of the fundamentals, 1/yr */
    double *deliveries;
    double *baserev;  /* base-business revenue booked in the month (not AI revenue) */
    double *util;     /* clouds: used / capacity; vendors: deliveries / production */
    double *earnings; /* the month's earnings (before the organic share), written by the agents' steps */
    /* per kind: the agents' state (arrays allocated here, with views of their rows above) */
    struct aim_labs labs;
    struct aim_clouds clouds;
    struct aim_vendors vendors;
    struct aim_lenders lenders;
    struct aim_payouts pay;
};

/* ---- firm numbering: vendors, clouds, labs ---- */

int aim_world_firm_count(const struct aim_config *cfg)
{
    return cfg->vendors.n_firms + cfg->clouds.n_firms + cfg->labs.n_firms;
}

enum aim_firm_kind aim_world_firm_kind(const struct aim_config *cfg, int f)
{
    if (f < cfg->vendors.n_firms) {
        return AIM_KIND_VENDOR;
    }
    return f < cfg->vendors.n_firms + cfg->clouds.n_firms ? AIM_KIND_CLOUD : AIM_KIND_LAB;
}

const char *aim_world_firm_name(const struct aim_config *cfg, int f)
{
    int nv = cfg->vendors.n_firms, nc = cfg->clouds.n_firms;
    if (f < 0 || f >= aim_world_firm_count(cfg)) {
        return "";
    }
    if (f < nv) {
        return cfg->vendors.firms[f].name;
    }
    if (f < nv + nc) {
        return cfg->clouds.firms[f - nv].name;
    }
    return cfg->labs.firms[f - nv - nc].name;
}

static int world_listed(const struct aim_config *cfg, int f)
{
    int nv = cfg->vendors.n_firms, nc = cfg->clouds.n_firms;
    if (f < nv) {
        return cfg->vendors.firms[f].listed;
    }
    if (f < nv + nc) {
        return cfg->clouds.firms[f - nv].listed;
    }
    /* Labs trade only after an IPO: market.lab_ipo and the lab flagged listed. */
    return cfg->market.lab_ipo && cfg->labs.firms[f - nv - nc].listed;
}

static int world_assets(const struct aim_config *cfg)
{
    int n = 0;
    for (int f = 0; f < aim_world_firm_count(cfg); f++) {
        n += world_listed(cfg, f);
    }
    return n;
}

static int world_contract_cap(const struct aim_config *cfg)
{
    /* At most one new contract per lab per month, plus the presigned ones. */
    return cfg->deals.n_presigned + cfg->labs.n_firms * (int)(cfg->run.steps + 1) + 1;
}

/* Every double array of the world and its length (struct world_dims s). */
/* clang-format off */
#define WORLD_ARRAYS(X) \
    X(valuation, s.nf) \
    X(fundamental, s.nf) \
    X(revenue, s.nf) \
    X(organic, s.nf) \
    X(roundtrip, s.nf) \
    X(earn, s.nf * RING) \
    X(orgrev, s.nf * RING2) \
    X(issued, s.nf * AIM_DEALS_ISSUE_RING) \
    X(debt, s.nf) \
    X(ghat, s.nf) \
    X(base, s.nf) \
    X(deliveries, s.nf) \
    X(baserev, s.nf) \
    X(util, s.nf) \
    X(earnings, s.nf) \
    X(pay.loss, s.nf) \
    X(pay.owed, s.nf) \
    X(pay.cost, s.nf) \
    X(pay.tax, s.nf) \
    X(pay.payout, s.nf) \
    X(pay.per_share, s.na) \
    X(pay.paid_asset, s.na) \
    X(pay.per_unit, s.nl) \
    X(pay.paid_lab, s.nl) \
    X(labs.Q, s.nl) \
    X(labs.cap, s.nl) \
    X(labs.share, s.nl) \
    X(labs.R, s.nl) \
    X(labs.burn, s.nl) \
    X(labs.m_inf, s.nl) \
    X(labs.units, s.nl) \
    X(labs.units_v, s.nl * s.nv) \
    X(labs.units_c, s.nl * s.nc) \
    X(labs.unit_value, s.nl) \
    X(labs.units_inv0, s.nl) \
    X(labs.need, s.nl) \
    X(labs.m_tr, s.nl) \
    X(labs.c_avail, s.nl) \
    X(labs.delivered, s.nl) \
    X(labs.inf, s.nl) \
    X(labs.s_inf, s.nl) \
    X(labs.s_budget, s.nl) \
    X(labs.spare, s.nl) \
    X(clouds.Cap, s.nc) \
    X(clouds.pc, s.nc) \
    X(clouds.p_spot, s.nc) \
    X(clouds.spot_trend, s.nc) \
    X(clouds.spot_slope, s.nc) \
    X(clouds.spot_req, s.nc) \
    X(clouds.used, s.nc) \
    X(clouds.pipeline, s.nc * (s.lag + 1)) \
    X(clouds.pipeline_val, s.nc * (s.lag + 1)) \
    X(clouds.book, s.nc) \
    X(clouds.dep, s.nc) \
    X(clouds.cut, s.nc) \
    X(clouds.wanted, s.nc) \
    X(vendors.held, s.nv * s.nc) \
    X(vendors.withheld, s.nv * s.nc) \
    X(vendors.cancelled, s.nv * s.nc) \
    X(vendors.ebitda, s.nv * AIM_VENDORS_RING) \
    X(lenders.loan, s.nf) \
    X(reval_real, AIM_BS_COLS) \
    X(bs_held, s.na) \
    X(bs_mm_held, s.na) \
    X(bs_lab_units, s.nl) \
    X(clouds.ebitda, s.nc * AIM_CLOUDS_RING) \
    X(clouds.ai_rev, s.nc) \
    X(vendors.P, s.nv) \
    X(vendors.pv, s.nv) \
    X(vendors.backlog, s.nv * s.nc) \
    X(vendors.backlog_val, s.nv * s.nc) \
    X(labs.pick_v, s.nv + 1) \
    X(labs.pick_c, s.nc + 1) \
    X(vendors.split, s.nv + 1) \
    X(labs.paid, s.nl + 1) \
    X(labs.split, s.nc + 1) \
    X(clouds.reserved, s.nc + 1) \
    X(clouds.ratio, s.nc + 1)
/* clang-format on */

struct world_dims {
    size_t nf, nl, nc, nv, lag, na;
};

static struct world_dims world_dims_of(const struct aim_config *cfg)
{
    struct world_dims s;
    s.nv = (size_t)cfg->vendors.n_firms;
    s.nc = (size_t)cfg->clouds.n_firms;
    s.nl = (size_t)cfg->labs.n_firms;
    s.nf = s.nv + s.nc + s.nl;
    s.lag = (size_t)cfg->clouds.build_lag;
    s.na = (size_t)world_assets(cfg);
    return s;
}

size_t aim_world_bytes(const struct aim_config *cfg)
{
    struct world_dims s = world_dims_of(cfg);
    size_t n = 0;
#define X(name, count) n += (count) + 1;
    WORLD_ARRAYS(X)
#undef X
    int nf = (int)s.nf;
    return sizeof(struct aim_world) + n * sizeof(double) + 2 * s.nf * sizeof(int) +
           s.na * (3 * sizeof(double) + sizeof(int)) + aim_ledger_bytes(nf + 2, nf) +
           (size_t)world_contract_cap(cfg) * sizeof(struct aim_contract) +
           aim_investors_bytes(cfg, (int)s.na, (int)s.nl);
}

void aim_world_free(struct aim_world *w)
{
    if (!w) {
        return;
    }
#define X(name, count) free(w->name);
    WORLD_ARRAYS(X)
#undef X
    free(w->active);
    free(w->asset);
    free(w->mkt.price);
    free(w->mkt.shares);
    free(w->mkt.fundamental);
    free(w->mkt.active);
    aim_ledger_free(w->led);
    aim_deals_free(w->deals);
    aim_investors_free(w->inv);
    free(w);
}

enum aim_status aim_world_create(struct aim_world **out, const struct aim_config *cfg)
{
    *out = NULL;
    if (aim_world_firm_count(cfg) < 1) {
        return aim_error_set(AIM_ERR_CONFIG, "the config has no firms (need vendors, clouds or labs)");
    }
    struct aim_world *w = calloc(1, sizeof *w);
    if (!w) {
        return aim_error_set(AIM_ERR_NOMEM, "aim_world_create: out of memory");
    }
    w->cfg = *cfg;
    struct world_dims s = world_dims_of(cfg);
    w->nv = (int)s.nv;
    w->nc = (int)s.nc;
    w->nl = (int)s.nl;
    w->nf = (int)s.nf;
    w->inv_acct = w->nf;
    w->lend_acct = w->nf + 1;
    int bad = 0;
#define X(name, count) bad |= !(w->name = calloc((count) + 1, sizeof(double)));
    WORLD_ARRAYS(X)
#undef X
    w->active = calloc(s.nf, sizeof(int));
    w->asset = calloc(s.nf, sizeof(int));
    w->mkt.n = (int)s.na;
    w->mkt.price = calloc(s.na + 1, sizeof(double));
    w->mkt.shares = calloc(s.na + 1, sizeof(double));
    w->mkt.fundamental = calloc(s.na + 1, sizeof(double));
    w->mkt.active = calloc(s.na + 1, sizeof(int));
    if (bad || !w->active || !w->asset || !w->mkt.price || !w->mkt.shares || !w->mkt.fundamental ||
        !w->mkt.active) {
        aim_world_free(w);
        return aim_error_set(AIM_ERR_NOMEM, "aim_world_create: out of memory for %d firms", (int)s.nf);
    }
    w->labs.n = w->nl;
    w->labs.first = w->nv + w->nc;
    w->labs.active = w->active + w->nv + w->nc;
    w->labs.valuation = w->valuation + w->nv + w->nc;
    w->labs.earnings = w->earnings + w->nv + w->nc;
    w->vendors.n = w->nv;
    w->vendors.n_clouds = w->nc;
    w->vendors.active = w->active;
    w->vendors.debt = w->debt;
    w->vendors.base = w->base;
    w->vendors.deliveries = w->deliveries;
    w->vendors.baserev = w->baserev;
    w->vendors.util = w->util;
    w->vendors.earnings = w->earnings;
    w->clouds.n = w->nc;
    w->clouds.first = w->nv;
    w->clouds.active = w->active + w->nv;
    w->clouds.debt = w->debt + w->nv;
    w->clouds.base = w->base + w->nv;
    w->clouds.deliveries = w->deliveries + w->nv;
    w->clouds.baserev = w->baserev + w->nv;
    w->clouds.util = w->util + w->nv;
    w->clouds.earnings = w->earnings + w->nv;
    w->lenders.account = w->lend_acct;
    w->lenders.n = w->nf;
    w->clouds.lenders = w->vendors.lenders = &w->lenders;
    w->clouds.credit = w->vendors.credit = &w->cfg.credit;
    w->pay.n = w->nf;
    enum aim_status st = aim_ledger_create(&w->led, w->nf + 2, w->nf);
    if (st == AIM_OK) {
        st = aim_deals_create(&w->deals, world_contract_cap(cfg));
    }
    if (st == AIM_OK) {
        st = aim_investors_create(&w->inv, cfg, w->mkt.n, w->nl);
    }
    if (st != AIM_OK) {
        aim_world_free(w);
        return st;
    }
    *out = w;
    return AIM_OK;
}

int aim_world_time(const struct aim_world *w)
{
    return w->t;
}

/* ---- helpers ---- */

static double ring_sum(const double *r, int n)
{
    double s = 0.0;
    for (int i = 0; i < n; i++) {
        s += r[i];
    }
    return s;
}

static enum aim_status world_event(struct aim_traj *tr, int step, int kind, int a, int b, int c, double x0,
                                   double x1, double x2)
{
    struct aim_event ev = {step, kind, a, b, c, {x0, x1, x2}};
    return tr ? aim_traj_add_event(tr, &ev) : AIM_OK;
}

/* What the deals and rounds of month t touch. */
static struct aim_deals_market world_deals_market(struct aim_world *w, struct aim_traj *tr)
{
    struct aim_deals_market m = {w->led,         w->inv_acct, w->inv,   &w->mkt,    w->asset,
                                 w->valuation,   w->issued,   &w->labs, &w->clouds, &w->vendors,
                                 &w->cfg.clouds, tr,          w->t};
    return m;
}

/* ---- fundamentals (MODEL.md 8) ---- */

static void world_fundamentals(struct aim_world *w, int update)
{
    const struct aim_config *cfg = &w->cfg;
    for (int f = 0; f < w->nf; f++) {
        if (!w->active[f]) {
            w->fundamental[f] = 0.0;
            continue;
        }
        double e12 = ring_sum(w->earn + (size_t)f * RING, RING);
        /* Growth: year-on-year change of trailing organic revenue. */
        double or_recent = 0.0, or_prior = 0.0;
        for (int i = 0; i < 12; i++) {
            or_recent += w->orgrev[(size_t)f * RING2 + (size_t)(((w->t - i) % RING2 + RING2) % RING2)];
            or_prior += w->orgrev[(size_t)f * RING2 + (size_t)(((w->t - 12 - i) % RING2 + RING2) % RING2)];
        }
        double e_org = e12; /* the ring holds organic earnings (see world_book_earnings) */
        /* The month's year-on-year growth, clipped to [g_floor, g_long], enters an EWMA with
         * memory g_memory (docs/model.md, Fundamentals): one year's growth is a noisy estimate of
         * the perpetual growth the Gordon formula needs. */
        double g = or_prior > 0.0 ? or_recent / or_prior - 1.0 : cfg->macro.g_long;
        g = g > cfg->macro.g_long ? cfg->macro.g_long : g;
        g = g < cfg->macro.g_floor ? cfg->macro.g_floor : g;
        if (update) {
            w->ghat[f] += (g - w->ghat[f]) / cfg->macro.g_memory;
        }
        g = w->ghat[f];
        g = g > cfg->macro.g_long ? cfg->macro.g_long : g;
        g = g < cfg->macro.g_floor ? cfg->macro.g_floor : g;
        double den = w->mac.r + cfg->macro.erp - g;
        if (den < 0.005) {
            den = 0.005;
        }
        double F = e_org > 0.0 ? e_org * (1.0 + g) / den : 0.0;
        double cash = w->led->cash[f];
        enum aim_firm_kind kind = aim_world_firm_kind(cfg, f);
        /* Floors: labs at their cash (MODEL.md 8); clouds and vendors at their net assets. */
        double floor = cash;
        if (kind == AIM_KIND_CLOUD) {
            floor = aim_clouds_net_assets(&w->clouds, &cfg->clouds, f - w->nv, cash);
        } else if (kind == AIM_KIND_VENDOR) {
            floor = aim_vendors_net_assets(&w->vendors, f, cash);
        }
        if (F < floor) {
            F = floor;
        }
        if (F < 1e-3) {
            F = 1e-3; /* a positive floor keeps log(F / P) finite for fundamentalists */
        }
        w->fundamental[f] = F;
        if (w->asset[f] >= 0) {
            w->mkt.fundamental[w->asset[f]] = F;
        }
    }
}

/* Books the month's organic earnings of firm f (earnings times the organic share of revenue:
 * costs are attributed to each origin of revenue in proportion) and its organic revenue. */
static void world_book_earnings(struct aim_world *w, int f, double earnings, double revenue, double organic)
{
    size_t i = (size_t)(w->t % RING), j = (size_t)(w->t % RING2);
    w->earn[(size_t)f * RING + i] = earnings * organic;
    w->orgrev[(size_t)f * RING2 + j] = organic * revenue;
}

/* ---- records (MODEL.md 9) ---- */

/* Book value of the lab equity firm f holds (strategic stakes at the labs' unit values). */
static double world_stakes(const struct aim_world *w, int f)
{
    const struct aim_labs *lb = &w->labs;
    double s = 0.0;
    for (int l = 0; l < w->nl; l++) {
        double uv = lb->unit_value[l];
        if (f < w->nv) {
            s += lb->units_v[(size_t)l * (size_t)w->nv + (size_t)f] * uv;
        } else if (f < w->nv + w->nc) {
            s += lb->units_c[(size_t)l * (size_t)w->nc + (size_t)(f - w->nv)] * uv;
        }
    }
    return s;
}

/* The month-end balance-sheet matrix and its two checks (MODEL.md 12.1). */
static void world_balance(struct aim_world *w, int first)
{
    struct aim_balance_inputs in = {w->led,        w->inv_acct,    w->lend_acct,   w->nv,       w->nc,
                                    w->nl,         w->asset,       w->debt,        w->inv,      &w->mkt,
                                    &w->labs,      &w->clouds,     &w->cfg.clouds, &w->lenders, w->bs_held,
                                    w->bs_mm_held, w->bs_lab_units};
    w->bs_prev = w->bs;
    aim_balance_build(&w->bs, &in);
    w->bs_residual = aim_balance_residual(&w->bs);
    w->flow_residual = first ? 0.0 : aim_balance_flow_residual(&w->bs_prev, &w->bs, &in, w->reval_real);
}

static void world_record(struct aim_world *w, struct aim_traj *tr)
{
    if (!tr) {
        return;
    }
    int t = w->t, nf = w->nf;
    const struct aim_ledger *L = w->led;
    double vsum = 0.0, fsum = 0.0, rt = 0.0, rall = 0.0, rbase = 0.0;
    for (int f = 0; f < nf; f++) {
        size_t at = (size_t)t * (size_t)nf + (size_t)f;
        enum aim_firm_kind kind = aim_world_firm_kind(&w->cfg, f);
        double cap = 0.0, price = 0.0, spot = 0.0, commit = 0.0, capab = 0.0, dshare = 0.0;
        if (kind == AIM_KIND_VENDOR) {
            cap = w->vendors.P[f];
            price = w->vendors.pv[f];
        } else if (kind == AIM_KIND_CLOUD) {
            int c = f - w->nv;
            cap = w->clouds.Cap[c];
            price = w->clouds.pc[c];
            spot = w->clouds.p_spot[c];
            commit = aim_deals_outstanding(w->deals, -1, c);
        } else {
            int l = f - w->nv - w->nc;
            cap = w->labs.inf[l];
            commit = aim_deals_outstanding(w->deals, l, -1);
            capab = w->labs.cap[l];
            dshare = w->labs.share[l];
        }
        tr->firm[AIM_FV_cash][at] = L->cash[f];
        tr->firm[AIM_FV_debt][at] = w->debt[f];
        tr->firm[AIM_FV_revenue][at] = w->revenue[f];
        tr->firm[AIM_FV_organic_share][at] = w->organic[f];
        tr->firm[AIM_FV_roundtrip_share][at] = w->roundtrip[f];
        tr->firm[AIM_FV_valuation][at] = w->valuation[f];
        tr->firm[AIM_FV_fundamental][at] = w->fundamental[f];
        tr->firm[AIM_FV_capacity][at] = cap;
        tr->firm[AIM_FV_price][at] = price;
        tr->firm[AIM_FV_spot_price][at] = w->active[f] ? spot : 0.0;
        tr->firm[AIM_FV_defaulted][at] = w->active[f] ? 0.0 : 1.0;
        tr->firm[AIM_FV_commitments][at] = commit;
        tr->firm[AIM_FV_capability][at] = capab;
        tr->firm[AIM_FV_demand_share][at] = dshare;
        tr->firm[AIM_FV_deliveries][at] = w->deliveries[f];
        tr->firm[AIM_FV_utilisation][at] = w->util[f];
        tr->firm[AIM_FV_earnings][at] = w->active[f] ? w->earnings[f] : 0.0;
        tr->firm[AIM_FV_organic_earnings][at] =
            w->active[f] ? w->earn[(size_t)f * RING + (size_t)(t % RING)] : 0.0;
        tr->firm[AIM_FV_stakes][at] = world_stakes(w, f);
        double eb12 = kind == AIM_KIND_CLOUD    ? aim_clouds_ebitda12(&w->clouds, f - w->nv)
                      : kind == AIM_KIND_VENDOR ? aim_vendors_ebitda12(&w->vendors, f)
                                                : 0.0;
        tr->firm[AIM_FV_ebitda12][at] = w->active[f] ? eb12 : 0.0;
        tr->firm[AIM_FV_real_assets][at] =
            kind == AIM_KIND_CLOUD ? aim_clouds_real_assets(&w->clouds, &w->cfg.clouds, f - w->nv) : 0.0;
        tr->firm[AIM_FV_tax][at] = w->pay.tax[f];
        tr->firm[AIM_FV_payout][at] = w->pay.payout[f];
        if (w->active[f]) {
            vsum += w->valuation[f];
            fsum += w->fundamental[f];
        }
        rt += L->rev_mix[(size_t)f * L->n_origins + AIM_ORIGIN_STRATEGIC + (size_t)f];
        rall += L->rev[f];
        rbase += w->baserev[f];
    }
    tr->market[AIM_MV_demand][t] = w->mac.D;
    tr->market[AIM_MV_unserved_demand][t] = 12.0 * w->labs.unserved;
    tr->market[AIM_MV_rate][t] = w->mac.r;
    tr->market[AIM_MV_ai_market_value][t] = vsum;
    tr->market[AIM_MV_value_fundamental][t] = fsum > 0.0 ? vsum / fsum : 0.0;
    tr->market[AIM_MV_circularity][t] = rall > 0.0 ? rt / rall : 0.0;
    /* The loop's share of AI revenue: the base businesses' revenue is left out of the denominator
     * (round-trip money is never base-business revenue, so the numerator is unchanged). */
    tr->market[AIM_MV_circularity_ai][t] = rall - rbase > 1e-12 ? rt / (rall - rbase) : 0.0;
    tr->market[AIM_MV_frac_fundamentalist][t] = w->rep.frac[AIM_FUNDAMENTALIST];
    tr->market[AIM_MV_frac_chartist][t] = w->rep.frac[AIM_CHARTIST];
    tr->market[AIM_MV_frac_noise][t] = w->rep.frac[AIM_NOISE];
    tr->market[AIM_MV_wealth_p10][t] = w->rep.wealth_q[0];
    tr->market[AIM_MV_wealth_p50][t] = w->rep.wealth_q[1];
    tr->market[AIM_MV_wealth_p90][t] = w->rep.wealth_q[2];
    tr->market[AIM_MV_wealth_p99][t] = w->rep.wealth_q[3];
    tr->market[AIM_MV_sentiment][t] = w->rep.sentiment;
    tr->market[AIM_MV_mm_inventory][t] = w->rep.mm_inventory;
    tr->market[AIM_MV_destroyed_value][t] = w->destroyed;
    tr->market[AIM_MV_voided_commitments][t] = w->voided;
    tr->market[AIM_MV_residual][t] = aim_ledger_residual(L, 0.0);
    tr->market[AIM_MV_bs_residual][t] = w->bs_residual;
    tr->market[AIM_MV_flow_residual][t] = w->flow_residual;
    double loans = aim_lenders_loans(&w->lenders), capital = aim_lenders_capital(&w->lenders, L);
    tr->market[AIM_MV_lenders_capital][t] = capital;
    tr->market[AIM_MV_lenders_loans][t] = loans;
    tr->market[AIM_MV_credit_used][t] =
        capital > 0.0 ? loans / (capital / w->cfg.credit.capital_ratio) : (loans > 0.0 ? HUGE_VAL : 0.0);
    tr->market[AIM_MV_lenders_funding][t] = w->lenders.funding;
    tr->market[AIM_MV_written_off][t] = w->lenders.written_off;
    aim_traj_record_balance(tr, t, &w->bs);
}

/* Revenue provenance of the month (MODEL.md 7). */
static void world_provenance(struct aim_world *w)
{
    const struct aim_ledger *L = w->led;
    for (int f = 0; f < w->nf; f++) {
        const double *m = L->rev_mix + (size_t)f * L->n_origins;
        double r = L->rev[f];
        w->revenue[f] = r;
        w->organic[f] = r > 0.0 ? (m[AIM_ORIGIN_CUSTOMER] + m[AIM_ORIGIN_BASE]) / r : 0.0;
        w->roundtrip[f] = r > 0.0 ? m[AIM_ORIGIN_STRATEGIC + f] / r : 0.0;
    }
}

/* ---- reset ---- */

enum aim_status aim_world_reset(struct aim_world *w, uint64_t seed, uint64_t point, uint64_t replica,
                                struct aim_traj *tr)
{
    const struct aim_config *cfg = &w->cfg;
    struct world_dims s = world_dims_of(cfg);
    (void)s.na;
#define X(name, count) memset(w->name, 0, ((count) + 1) * sizeof(double));
    WORLD_ARRAYS(X)
#undef X
    aim_ledger_clear(w->led);
    aim_deals_clear(w->deals);
    aim_rng_stream(&w->rng, seed, point, replica, 0, AIM_RNG_ECONOMY);
    aim_macro_init(&w->mac, cfg);
    w->t = 0;
    w->sentiment = 0.0;
    w->bs_residual = w->flow_residual = 0.0;
    w->destroyed = w->voided = 0.0;
    w->limit_moves = 0;
    memset(&w->rep, 0, sizeof w->rep);
    w->rep.frac[AIM_FUNDAMENTALIST] = cfg->investors.frac_fundamentalist;
    w->rep.frac[AIM_CHARTIST] = cfg->investors.frac_chartist;
    w->rep.frac[AIM_NOISE] = 1.0 - cfg->investors.frac_fundamentalist - cfg->investors.frac_chartist;
    int k = 0;
    for (int f = 0; f < w->nf; f++) {
        w->active[f] = 1;
        w->asset[f] = world_listed(cfg, f) ? k++ : -1;
    }
    double rho = aim_labs_rho(&cfg->demand, &cfg->hardware, 0);
    w->clouds.rate = w->vendors.rate = w->mac.r;
    aim_vendors_open(&w->vendors, &cfg->vendors, w->led);
    aim_clouds_open(&w->clouds, &cfg->clouds, w->led, aim_vendors_mean_price(&w->vendors));
    aim_vendors_open_book(&w->vendors, &cfg->vendors, &w->clouds, &cfg->clouds);
    aim_labs_open(&w->labs, &cfg->labs, &cfg->demand, w->led);
    aim_lenders_open(&w->lenders, &cfg->credit, w->led, w->debt);
    /* Pro-forma trailing year: twelve months at the opening state, all of it organic. */
    double pc_mean = aim_clouds_mean_price(&w->clouds);
    for (int f = 0; f < w->nf; f++) {
        double e = 0.0, r = 0.0;
        enum aim_firm_kind kind = aim_world_firm_kind(cfg, f);
        if (kind == AIM_KIND_VENDOR) {
            e = aim_vendors_proforma(&w->vendors, &cfg->vendors, f, &r);
        } else if (kind == AIM_KIND_CLOUD) {
            e = aim_clouds_proforma(&w->clouds, &cfg->clouds, f - w->nv, &r);
        } else {
            e = aim_labs_proforma(&w->labs, &cfg->labs, f - w->nv - w->nc, w->mac.D, rho, pc_mean, w->led,
                                  &r);
        }
        for (int i = 0; i < RING; i++) {
            w->earn[(size_t)f * RING + i] = e;
        }
        /* The pro-forma organic revenue history grows at g_long up to the opening month, so the
         * opening growth estimate is g_long, the cap (every listed firm of the seed grew faster
         * than any defensible g_long in 2024-25; a flat history would read as zero growth). */
        for (int i = 0; i < RING2; i++) {
            int months_ago = (RING2 - i) % RING2; /* slot i holds month t = i - RING2 at t = 0 */
            w->orgrev[(size_t)f * RING2 + i] = r * pow(1.0 + cfg->macro.g_long, -(double)months_ago / 12.0);
        }
        w->ghat[f] = cfg->macro.g_long;
    }
    world_fundamentals(w, 0);
    for (int f = 0; f < w->nf; f++) {
        int a = w->asset[f];
        if (a < 0) {
            continue;
        }
        enum aim_firm_kind kind = aim_world_firm_kind(cfg, f);
        if (kind == AIM_KIND_LAB) {
            /* A listed lab's units are its shares (bn), priced at the opening valuation; the
             * investors hold them as listed shares, not as private units. */
            int l = f - w->nv - w->nc;
            w->mkt.shares[a] = w->labs.units[l];
            w->mkt.price[a] = w->valuation[f] / w->labs.units[l];
            w->labs.units_inv0[l] = 0.0;
        } else if (kind == AIM_KIND_CLOUD) {
            w->mkt.shares[a] = cfg->clouds.firms[f - w->nv].shares;
            w->mkt.price[a] = cfg->clouds.firms[f - w->nv].share_price;
        } else {
            w->mkt.shares[a] = cfg->vendors.firms[f].shares;
            w->mkt.price[a] = cfg->vendors.firms[f].share_price;
        }
        w->mkt.active[a] = 1;
        w->valuation[f] = w->mkt.shares[a] * w->mkt.price[a];
    }
    for (int f = 0; f < w->nv + w->nc; f++) {
        if (w->asset[f] < 0) {
            w->valuation[f] = w->fundamental[f]; /* unlisted: valued at the fundamental */
        }
    }
    enum aim_status st = aim_investors_reset(w->inv, seed, point, replica, &w->mkt, w->labs.units_inv0);
    if (st != AIM_OK) {
        return st;
    }
    /* The investors' ledger account holds what their own arrays hold, from month 0. */
    double inv_cash, mm_cash;
    aim_investors_totals(w->inv, &inv_cash, &mm_cash, w->bs_held, w->bs_mm_held, w->bs_lab_units);
    aim_ledger_open(w->led, w->inv_acct, inv_cash + mm_cash, AIM_ORIGIN_INVESTOR);
    aim_ledger_mark_start(w->led);
    aim_ledger_begin_month(w->led);
    struct aim_deals_market m = world_deals_market(w, tr);
    st = aim_deals_presigned(w->deals, &m, cfg);
    if (st != AIM_OK) {
        return st;
    }
    for (int l = 0; l < w->nl; l++) {
        w->labs.unit_value[l] = w->valuation[w->nv + w->nc + l] / w->labs.units[l];
    }
    world_provenance(w);
    world_balance(w, 1);
    world_record(w, tr);
    return AIM_OK;
}

/* ---- the month ---- */

/* Events of the strategic stakes a lab's default writes off, one per holder (MODEL.md 12.7). */
static enum aim_status world_stake_events(struct aim_world *w, struct aim_traj *tr, int l)
{
    const struct aim_labs *lb = &w->labs;
    double uv = lb->unit_value[l];
    enum aim_status st = AIM_OK;
    for (int v = 0; v < w->nv && st == AIM_OK; v++) {
        double u = lb->units_v[(size_t)l * (size_t)w->nv + (size_t)v];
        if (u > 0.0) {
            st = world_event(tr, w->t, AIM_EVENT_WRITEOFF, v, lb->first + l, -1, u * uv, u, 0.0);
        }
    }
    for (int c = 0; c < w->nc && st == AIM_OK; c++) {
        double u = lb->units_c[(size_t)l * (size_t)w->nc + (size_t)c];
        if (u > 0.0) {
            st = world_event(tr, w->t, AIM_EVENT_WRITEOFF, w->nv + c, lb->first + l, -1, u * uv, u, 0.0);
        }
    }
    return st;
}

/* 7. Defaults and contagion (MODEL.md 12.7), repeated until no firm is left below zero: a firm
 * whose cash is negative after the month's funding borrows its way back to zero if the lenders
 * allow it, and defaults otherwise. Its real assets are sold at credit.recovery of book, its cash
 * goes to its lenders, who write off the rest; its equity is worth nothing, its contracts are
 * voided. No money is created or destroyed except through flows with the rest of the world. */
static enum aim_status world_defaults(struct aim_world *w, struct aim_traj *tr)
{
    const struct aim_config *cfg = &w->cfg;
    int nv = w->nv, nc = w->nc;
    int changed = 1;
    while (changed) {
        changed = 0;
        for (int f = 0; f < w->nf; f++) {
            double cash = w->led->cash[f];
            /* Below -$1 (1e-9 $B): rounding in a payment that empties an account never defaults a firm. */
            if (!w->active[f] || cash >= -1e-9) {
                continue;
            }
            enum aim_firm_kind kind = aim_world_firm_kind(cfg, f);
            if (kind == AIM_KIND_CLOUD && aim_clouds_refinance(&w->clouds, &cfg->clouds, w->led, f - nv)) {
                continue;
            }
            if (kind == AIM_KIND_VENDOR && aim_vendors_refinance(&w->vendors, &cfg->vendors, w->led, f)) {
                continue;
            }
            double voided = 0.0, impaired = 0.0;
            double destroyed =
                w->asset[f] >= 0 ? w->mkt.shares[w->asset[f]] * w->mkt.price[w->asset[f]] : w->valuation[f];
            if (kind == AIM_KIND_LAB) {
                /* Its contracts' undelivered GPU orders are cancelled for a fee (MODEL.md 12.5). */
                struct aim_deals_market m = world_deals_market(w, tr);
                enum aim_status st =
                    aim_deals_cancel_orders(w->deals, &m, f - nv - nc, cfg->deals.cancel_fee);
                if (st != AIM_OK) {
                    return st;
                }
                st = world_stake_events(w, tr, f - nv - nc);
                if (st != AIM_OK) {
                    return st;
                }
                voided = aim_labs_default(&w->labs, w->deals, f - nv - nc);
            } else if (kind == AIM_KIND_CLOUD) {
                voided = aim_clouds_default(&w->clouds, &cfg->clouds, &w->vendors, w->deals, w->led, f - nv,
                                            &impaired);
            } else {
                voided = aim_vendors_default(&w->vendors, f);
            }
            if (w->asset[f] >= 0) {
                w->mkt.active[w->asset[f]] = 0;
            }
            w->reval_real[kind == AIM_KIND_CLOUD ? AIM_BS_CLOUDS : AIM_BS_LABS] -= impaired;
            /* Cash (after the sale of assets) to the lenders; what is left beyond the loans goes to
             * the firm's other creditors outside the model (suppliers, staff, leases). */
            double lost = aim_lenders_default(&w->lenders, w->led, f, &w->debt[f]);
            aim_ledger_sink(w->led, f, w->led->cash[f], AIM_SINK_CREDITORS);
            destroyed += lost + impaired;
            w->active[f] = 0;
            w->valuation[f] = 0.0;
            w->destroyed += destroyed;
            w->voided += voided;
            changed = 1;
            enum aim_status st = world_event(tr, w->t, AIM_EVENT_DEFAULT, f, -1, -1, destroyed, voided, lost);
            if (st != AIM_OK) {
                return st;
            }
        }
    }
    return AIM_OK;
}

/* Events of the GPU orders cut or cancelled for lack of funds this month (MODEL.md 12.3). */
static enum aim_status world_cut_events(struct aim_world *w, struct aim_traj *tr)
{
    enum aim_status st = AIM_OK;
    for (int c = 0; c < w->nc && st == AIM_OK; c++) {
        if (w->clouds.cut[c] > 0.0) {
            st = world_event(tr, w->t, AIM_EVENT_CUT, w->nv + c, -1, -1, w->clouds.cut[c],
                             w->clouds.wanted[c], 0.0);
        }
        for (int v = 0; v < w->nv && st == AIM_OK; v++) {
            double mw = w->vendors.cancelled[(size_t)v * (size_t)w->nc + (size_t)c];
            if (mw > 0.0) {
                st = world_event(tr, w->t, AIM_EVENT_CUT, w->nv + c, v, -1, mw, 0.0,
                                 w->cfg.vendors.order_hold_months);
            }
        }
    }
    return st;
}

enum aim_status aim_world_step(struct aim_world *w, int nthreads, struct aim_traj *tr)
{
    const struct aim_config *cfg = &w->cfg;
    if (tr && w->t + 1 >= tr->n_times) {
        return aim_error_set(AIM_ERR_USAGE, "aim_world_step: month %d does not fit a trajectory of %d times",
                             w->t + 1, tr->n_times);
    }
    aim_ledger_begin_month(w->led);
    aim_lenders_begin_month(&w->lenders);
    /* 1. Demand and rate for month t+1, driven by last month's frontier gain. */
    aim_macro_step(&w->mac, cfg, w->t, w->labs.dc_frontier, &w->rng);
    w->t += 1;
    w->destroyed = w->voided = 0.0;
    memset(w->reval_real, 0, AIM_BS_COLS * sizeof(double));
    w->clouds.rate = w->vendors.rate = w->mac.r;
    for (int f = 0; f < w->nf; f++) {
        w->issued[(size_t)f * AIM_DEALS_ISSUE_RING + (size_t)(w->t % AIM_DEALS_ISSUE_RING)] =
            0.0; /* the slot of a year ago leaves the window */
    }
    aim_labs_step(&w->labs, &cfg->labs, &cfg->demand, &cfg->hardware, &cfg->clouds, w->mac.D, w->t,
                  &w->clouds, w->deals, w->led);
    for (int l = 0; l < w->nl; l++) {
        if (w->labs.active[l]) {
            int f = w->labs.first + l;
            world_book_earnings(w, f, w->earnings[f], w->labs.R[l], 1.0);
        }
    }
    aim_clouds_step(&w->clouds, &cfg->clouds, w->led, w->t);
    aim_deals_note_orders(w->deals, &w->vendors);
    aim_vendors_step(&w->vendors, &cfg->vendors, &w->clouds, &cfg->clouds, w->led, w->t);
    aim_deals_follow_orders(w->deals, &w->vendors);
    aim_clouds_capex(&w->clouds, &cfg->clouds, &w->vendors, w->deals, w->led, w->t);
    enum aim_status st = world_cut_events(w, tr);
    if (st != AIM_OK) {
        return st;
    }
    /* 6. Funding: the presigned deals of the month, then the labs' rounds. */
    struct aim_deals_market m = world_deals_market(w, tr);
    st = aim_deals_presigned(w->deals, &m, cfg);
    if (st == AIM_OK) {
        st = aim_labs_raise(&w->labs, &cfg->labs, &cfg->deals, &cfg->venture, w->deals, &m, &w->rng,
                            w->sentiment);
    }
    if (st == AIM_OK) {
        st = world_defaults(w, tr);
    }
    if (st != AIM_OK) {
        return st;
    }
    aim_payouts_step(&w->pay, &cfg->corporate, &m, w->active, w->earnings);
    /* Revenue provenance from the ledger; organic earnings rings for the fundamentals. */
    world_provenance(w);
    for (int f = 0; f < w->nv + w->nc; f++) {
        if (w->active[f]) {
            world_book_earnings(w, f, w->earnings[f], w->revenue[f], w->organic[f]);
        }
    }
    world_fundamentals(w, 1);
    /* The lenders settle the month: funding cost, payouts to the investors, funding repaid. */
    double inv_before = w->led->cash[w->inv_acct];
    aim_lenders_settle(&w->lenders, w->led, w->inv_acct, w->mac.r);
    aim_investors_credit(w->inv, w->led->cash[w->inv_acct] - inv_before);
    /* 9. The investors' market: prices of listed firms, fund flows. */
    st = aim_investors_step(w->inv, &w->mkt, w->labs.unit_value, w->t, nthreads, &w->rep);
    if (st != AIM_OK) {
        return st;
    }
    aim_ledger_source(w->led, w->inv_acct, w->rep.inflow, AIM_ORIGIN_INVESTOR, 0);
    aim_ledger_sink(w->led, w->inv_acct, w->rep.redemption, AIM_SINK_REDEEM);
    w->sentiment = w->rep.sentiment;
    w->limit_moves += w->rep.limit_moves;
    for (int f = 0; f < w->nf; f++) {
        if (w->asset[f] >= 0) {
            w->valuation[f] = w->active[f] ? w->mkt.shares[w->asset[f]] * w->mkt.price[w->asset[f]] : 0.0;
            if (aim_world_firm_kind(cfg, f) == AIM_KIND_LAB) {
                int l = f - w->nv - w->nc;
                w->labs.unit_value[l] = w->active[f] ? w->mkt.price[w->asset[f]] : 0.0;
            }
        } else if (w->active[f] && f < w->nv + w->nc) {
            w->valuation[f] = w->fundamental[f];
        }
    }
    world_balance(w, 0);
    world_record(w, tr);
    if (tr) {
        double res = tr->market[AIM_MV_residual][w->t];
        if (!isfinite(res)) {
            return aim_error_set(AIM_ERR_NUMERIC, "month %d: stock-flow residual is %g (NaN or inf)", w->t,
                                 res);
        }
    }
    return AIM_OK;
}

long aim_world_limit_moves(const struct aim_world *w)
{
    return w->limit_moves;
}
