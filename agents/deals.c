/* Contracts and round pricing (MODEL.md 5, 6). */
#include "agents/deals.h"

#include <math.h>
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

int aim_deals_sign(struct aim_deals *d, int lab, int cloud, double commitment, int term, double mw)
{
    if (term < 1 || !(commitment > 0.0)) {
        return -1;
    }
    for (int i = 0; i < d->cap; i++) {
        if (d->c[i].months_left == 0) {
            d->c[i] = (struct aim_contract){lab, cloud, commitment / term, mw, (double)term};
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

double aim_deals_mw(const struct aim_deals *d, int lab, int cloud)
{
    double s = 0.0;
    for (int i = 0; i < d->cap; i++) {
        if (deals_match(&d->c[i], lab, cloud)) {
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

double aim_deals_premoney(const struct aim_config *cfg, double sentiment, double monthly_revenue)
{
    return cfg->venture.M0 * exp(cfg->venture.beta_s * sentiment) * 12.0 * monthly_revenue;
}
