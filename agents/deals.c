/* Contracts and round pricing (MODEL.md 5, 6). */
#include "agents/deals.h"

#include <math.h>
#include <string.h>

#include "agents/clouds.h"
#include "agents/investors.h"
#include "agents/labs.h"
#include "agents/vendors.h"
#include "sim/traj.h"
#include <stdlib.h>
#include <string.h>

enum aim_status aim_deals_create(struct aim_deals **out, int cap)
{
    *out = NULL;
    if (cap < 1) {
        return aim_error_set(AIM_ERR_USAGE, "aim_deals_create: capacity %d (need at least 1)", cap);
    }
    struct aim_deals *d = calloc(1, sizeof *d);
    if (!d || !(d->c = calloc((size_t)cap, sizeof *d->c))) {
        free(d);
        return aim_error_set(AIM_ERR_NOMEM, "aim_deals_create: out of memory for %d contracts", cap);
    }
    d->cap = cap;
    *out = d;
    return AIM_OK;
}

void aim_deals_free(struct aim_deals *d)
{
    if (d) {
        free(d->c);
        free(d);
    }
}

void aim_deals_clear(struct aim_deals *d)
{
    memset(d->c, 0, (size_t)d->cap * sizeof *d->c);
}

int aim_deals_sign(struct aim_deals *d, int lab, int cloud, double commitment, int term, double mw,
                   int signed_at, int start)
{
    if (term < 1 || !(commitment > 0.0) || start < signed_at) {
        return -1;
    }
    for (int i = 0; i < d->cap; i++) {
        if (d->c[i].months_left == 0) {
            d->c[i] = (struct aim_contract){.lab = lab,
                                            .cloud = cloud,
                                            .signed_at = signed_at,
                                            .start = start,
                                            .monthly = commitment / term,
                                            .mw = mw,
                                            .months_left = (double)term,
                                            .vendor = -1};
            return i;
        }
    }
    return -1;
}

static int deals_match(const struct aim_contract *c, int lab, int cloud)
{
    return c->months_left > 0.0 && (lab < 0 || c->lab == lab) && (cloud < 0 || c->cloud == cloud);
}

double aim_deals_outstanding(const struct aim_deals *d, int lab, int cloud)
{
    double s = 0.0;
    for (int i = 0; i < d->cap; i++) {
        if (deals_match(&d->c[i], lab, cloud)) {
            s += d->c[i].monthly * d->c[i].months_left;
        }
    }
    return s;
}

double aim_deals_undrawn(const struct aim_deals *d, int lab, int cloud, int t)
{
    double s = 0.0;
    for (int i = 0; i < d->cap; i++) {
        if (deals_match(&d->c[i], lab, cloud) && aim_deals_running(&d->c[i], t)) {
            s += d->c[i].monthly * d->c[i].months_left;
        }
    }
    return s;
}

double aim_deals_mw(const struct aim_deals *d, int lab, int cloud, int t)
{
    double s = 0.0;
    for (int i = 0; i < d->cap; i++) {
        if (deals_match(&d->c[i], lab, cloud) && aim_deals_running(&d->c[i], t)) {
            s += d->c[i].mw;
        }
    }
    return s;
}

double aim_deals_void(struct aim_deals *d, int lab, int cloud)
{
    double s = 0.0;
    for (int i = 0; i < d->cap; i++) {
        if (deals_match(&d->c[i], lab, cloud)) {
            s += d->c[i].monthly * d->c[i].months_left;
            d->c[i].months_left = 0;
        }
    }
    return s;
}

/* The cloud's backlog at the vendor of contract k's order, or at every vendor for a split order. */
static double deals_book(const struct aim_contract *k, const struct aim_vendors *vd)
{
    int nc = vd->n_clouds;
    if (k->vendor >= 0) {
        return vd->backlog[(size_t)k->vendor * nc + k->cloud];
    }
    double s = 0.0;
    for (int v = 0; v < vd->n; v++) {
        s += vd->backlog[(size_t)v * nc + k->cloud];
    }
    return s;
}

void aim_deals_note_orders(struct aim_deals *d, const struct aim_vendors *vd)
{
    for (int i = 0; i < d->cap; i++) {
        struct aim_contract *k = &d->c[i];
        if (k->months_left > 0.0 && k->order_mw > 0.0) {
            k->book = deals_book(k, vd);
        }
    }
}

void aim_deals_follow_orders(struct aim_deals *d, const struct aim_vendors *vd)
{
    for (int i = 0; i < d->cap; i++) {
        struct aim_contract *k = &d->c[i];
        if (!(k->months_left > 0.0) || !(k->order_mw > 0.0)) {
            continue;
        }
        /* A vendor delivers the same share of every order of a cloud's book: the contract's order
         * shrinks as the book did (a split order as the cloud's book at all vendors did). */
        double now = deals_book(k, vd);
        double left = k->book > 0.0 && now < k->book ? k->order_mw * (now / k->book) : k->order_mw;
        k->order_mw = left < now ? left : now;
    }
}

void aim_deals_age(struct aim_deals *d)
{
    for (int i = 0; i < d->cap; i++) {
        aim_deals_draw(d, i, 1.0);
    }
}

void aim_deals_draw(struct aim_deals *d, int i, double frac)
{
    struct aim_contract *c = &d->c[i];
    if (!(c->months_left > 0.0) || !(frac > 0.0)) {
        return;
    }
    c->months_left -= frac < 1.0 ? frac : 1.0;
    if (c->months_left < 1e-9) {
        c->months_left = 0.0; /* the last (fraction of a) month is paid: the slot is free */
    }
}

int aim_deals_pick(const double *weight, int n, double u)
{
    double sum = 0.0;
    for (int i = 0; i < n; i++) {
        sum += weight[i] > 0.0 ? weight[i] : 0.0;
    }
    if (!(sum > 0.0)) {
        return -1;
    }
    double x = u * sum, acc = 0.0;
    int last = -1;
    for (int i = 0; i < n; i++) {
        if (weight[i] > 0.0) {
            acc += weight[i];
            last = i;
            if (x < acc) {
                return i;
            }
        }
    }
    return last;
}

double aim_deals_premoney(const struct aim_config_venture *cfg, double sentiment, double monthly_revenue)
{
    return cfg->M0 * exp(cfg->beta_s * sentiment) * 12.0 * monthly_revenue;
}

static enum aim_status deals_event(const struct aim_deals_market *m, int kind, int a, int b, int c, double x0,
                                   double x1, double x2)
{
    struct aim_event ev = {m->t, kind, a, b, c, {x0, x1, x2}};
    return m->tr ? aim_traj_add_event(m->tr, &ev) : AIM_OK;
}

double aim_deals_strategic_funds(struct aim_deals_market *m, const struct aim_config_deals *cfg, int f,
                                 double target)
{
    double cash = m->led->cash[f];
    double avail = cash - cfg->cash_floor;
    if (avail < 0.0) {
        avail = 0.0;
    }
    if (avail < target && m->asset[f] >= 0 && m->mkt->active[m->asset[f]]) {
        int k = m->asset[f];
        double price = m->mkt->price[k];
        const double *ring = m->issued + (size_t)f * AIM_DEALS_ISSUE_RING;
        double issued = 0.0;
        for (int i = 0; i < AIM_DEALS_ISSUE_RING; i++) {
            issued += ring[i];
        }
        double allowance = cfg->issue_max * m->mkt->shares[k] - issued;
        double want = price > 0.0 ? (target - avail) / price : 0.0;
        double shares = want < allowance ? want : allowance;
        if (shares > 0.0) {
            double proceeds = aim_investors_absorb_issue(m->inv, m->mkt, k, shares);
            if (proceeds > 0.0) {
                aim_ledger_pay_as(m->led, m->inv_acct, f, proceeds, AIM_ORIGIN_INVESTOR,
                                  AIM_PAY_FROM(AIM_INSTR_SHARES) | AIM_PAY_TO(AIM_INSTR_SHARES));
                m->mkt->shares[k] += shares;
                m->issued[(size_t)f * AIM_DEALS_ISSUE_RING + (size_t)(m->t % AIM_DEALS_ISSUE_RING)] += shares;
                avail += proceeds;
                if (deals_event(m, AIM_EVENT_ISSUE, f, -1, -1, shares, proceeds, price) != AIM_OK) {
                    return -1.0;
                }
            }
        }
    }
    return avail < target ? avail : target;
}

enum aim_status aim_deals_strike(struct aim_deals *d, struct aim_deals_market *m, int l, int v, int c,
                                 double inv_v, double inv_c, double pre, double commitment, int term,
                                 double mw, int delay)
{
    struct aim_labs *lb = m->labs;
    struct aim_clouds *cl = m->clouds;
    int nv = m->vendors->n, nc = cl->n;
    int fl = lb->first + l;
    int a = m->asset[fl];
    if (a >= 0) {
        pre = m->mkt->shares[a] * m->mkt->price[a]; /* a listed lab sells new shares at its market price */
    }
    double price = pre / lb->units[l]; /* $B per unit */
    if (v >= 0 && inv_v > 0.0) {
        aim_ledger_pay(m->led, v, fl, inv_v, v, /* vendor v is firm v */
                       AIM_PAY_FROM(AIM_INSTR_LAB_EQUITY) | AIM_PAY_TO(AIM_INSTR_LAB_EQUITY));
        lb->units_v[(size_t)l * nv + v] += inv_v / price;
        lb->units[l] += inv_v / price;
    }
    if (c >= 0 && inv_c > 0.0) {
        aim_ledger_pay(m->led, cl->first + c, fl, inv_c, cl->first + c,
                       AIM_PAY_FROM(AIM_INSTR_LAB_EQUITY) | AIM_PAY_TO(AIM_INSTR_LAB_EQUITY));
        lb->units_c[(size_t)l * nc + c] += inv_c / price;
        lb->units[l] += inv_c / price;
    }
    m->valuation[fl] = pre + inv_v + inv_c;
    if (a >= 0) {
        m->mkt->shares[a] = lb->units[l];
    }
    if (c >= 0 && commitment > 0.0) {
        if (!(mw > 0.0)) {
            mw = commitment / ((double)term * cl->pc[c]);
        }
        int k = aim_deals_sign(d, l, c, commitment, term, mw, m->t, m->t + (delay > 0 ? delay : 0));
        /* The cloud orders the GPUs the contract needs now, so that they are installed by its start,
         * as far as it can pay for them (MODEL.md 12.3); the contract remembers the order, which its
         * voiding cancels (MODEL.md 12.5). */
        double ordered = aim_clouds_order_deal(m->clouds, m->cfg_clouds, m->vendors, m->led, c, v, mw);
        if (k >= 0) {
            d->c[k].vendor = v;
            d->c[k].order_mw = ordered;
        }
        if (ordered < mw * (1.0 - 1e-12)) {
            enum aim_status st = deals_event(m, AIM_EVENT_CUT, cl->first + c, v, -1, mw - ordered, mw, 0.0);
            if (st != AIM_OK) {
                return st;
            }
        }
    }
    return deals_event(m, AIM_EVENT_DEAL, fl, v, c >= 0 ? cl->first + c : -1, inv_v, inv_c, commitment);
}

enum aim_status aim_deals_cancel_orders(struct aim_deals *d, struct aim_deals_market *m, int l, double fee)
{
    struct aim_vendors *vd = m->vendors;
    struct aim_clouds *cl = m->clouds;
    int nc = vd->n_clouds;
    /* The lab's contracts with orders still undelivered, and each one's book before any cancellation. */
    int any = 0;
    for (int i = 0; i < d->cap; i++) {
        struct aim_contract *k = &d->c[i];
        if (k->months_left > 0.0 && k->lab == l && k->order_mw > 0.0) {
            k->book = deals_book(k, vd);
            any = 1;
        }
    }
    /* One cancellation per cloud and vendor: the orders the lab's contracts placed there, a split
     * order in proportion to the cloud's book at each vendor. */
    for (int c = 0; c < nc && any; c++) {
        for (int v = 0; v < vd->n && cl->active[c]; v++) {
            double at = vd->backlog[(size_t)v * nc + c], want = 0.0;
            for (int i = 0; i < d->cap; i++) {
                const struct aim_contract *k = &d->c[i];
                if (k->months_left > 0.0 && k->lab == l && k->cloud == c && k->order_mw > 0.0) {
                    want += k->vendor == v                   ? k->order_mw
                            : k->vendor < 0 && k->book > 0.0 ? k->order_mw * at / k->book
                                                             : 0.0;
                }
            }
            double mw = want < at ? want : at;
            if (!(mw > 0.0)) {
                continue;
            }
            double value = aim_vendors_cancel_mw(vd, v, c, mw);
            /* The cloud pays the cancellation fee to the vendor: vendor revenue, cloud cost. */
            double charge = fee * value;
            if (charge > 0.0) {
                aim_ledger_pay(m->led, cl->first + c, v, charge, -1, AIM_PAY_REVENUE);
                vd->earnings[v] += charge;
                cl->earnings[c] -= charge;
            }
            enum aim_status st =
                deals_event(m, AIM_EVENT_CANCEL, cl->first + c, v, m->labs->first + l, mw, value, charge);
            if (st != AIM_OK) {
                return st;
            }
        }
    }
    for (int i = 0; i < d->cap; i++) {
        if (d->c[i].lab == l) {
            d->c[i].order_mw = 0.0;
        }
    }
    return AIM_OK;
}

/* Index of the firm named wanted in a config list of n firms, -1 if none (or wanted is empty). */
#define DEALS_FIND(list, n, wanted, out)                                                                     \
    do {                                                                                                     \
        (out) = -1;                                                                                          \
        for (int i_ = 0; (wanted)[0] && i_ < (n); i_++) {                                                    \
            if (strcmp((list)[i_].name, (wanted)) == 0) {                                                    \
                (out) = i_;                                                                                  \
                break;                                                                                       \
            }                                                                                                \
        }                                                                                                    \
    } while (0)

enum aim_status aim_deals_presigned(struct aim_deals *d, struct aim_deals_market *m,
                                    const struct aim_config *cfg)
{
    for (int i = 0; i < cfg->deals.n_presigned; i++) {
        const struct aim_config_deals_presigned *p = &cfg->deals.presigned[i];
        if (p->step != m->t) {
            continue;
        }
        int l, fv, fc;
        DEALS_FIND(cfg->labs.firms, m->labs->n, p->lab, l);
        DEALS_FIND(cfg->vendors.firms, m->vendors->n, p->vendor, fv);
        DEALS_FIND(cfg->clouds.firms, m->clouds->n, p->cloud, fc);
        if (l < 0 || !m->labs->active[l]) {
            continue; /* no such lab, or it has defaulted: the deal is not signed */
        }
        int fl = m->labs->first + l;
        int v = fv >= 0 && m->vendors->active[fv] ? fv : -1;
        int c = fc >= 0 && m->clouds->active[fc] ? fc : -1;
        double inv_v = v >= 0 ? p->vendor_amount : 0.0;
        double inv_c = c >= 0 ? p->cloud_amount : 0.0;
        double pre = p->post_money > inv_v + inv_c ? p->post_money - inv_v - inv_c : m->valuation[fl];
        if (!(pre > 0.0)) {
            pre = 1e-3;
        }
        int a = m->asset[fl];
        if (!aim_labs_can_issue(m->labs, l, a >= 0 ? m->mkt->shares[a] * m->mkt->price[a] : pre,
                                inv_v + inv_c, 1)) {
            continue; /* no price at which the lab's units could be sold: the deal is not signed */
        }
        int delay = p->start_step > p->step ? (int)(p->start_step - p->step) : 0;
        enum aim_status st = aim_deals_strike(d, m, l, v, c, inv_v, inv_c, pre, c >= 0 ? p->commitment : 0.0,
                                              (int)p->term_months, p->capacity_mw, delay);
        if (st != AIM_OK) {
            return st;
        }
    }
    return AIM_OK;
}
