/* Cloud providers (MODEL.md 3.2). */
#include "agents/clouds.h"

#include <math.h>

double aim_clouds_price(const struct aim_config *cfg, double price, double utilisation)
{
    double p = price * (1.0 + cfg->clouds.zeta * (utilisation - cfg->clouds.u_target));
    if (p < cfg->clouds.p_min) {
        p = cfg->clouds.p_min;
    }
    if (p > cfg->clouds.p_max) {
        p = cfg->clouds.p_max;
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

double aim_clouds_order(const struct aim_config *cfg, double contracted_mw, double spot_trend_mw,
                        double capacity, double on_order)
{
    double target = (contracted_mw + spot_trend_mw) * (1.0 + cfg->clouds.buffer);
    double order = target - capacity - on_order;
    if (!(order > 0.0)) {
        return 0.0;
    }
    return order < cfg->clouds.power_growth_max ? order : cfg->clouds.power_growth_max;
}
