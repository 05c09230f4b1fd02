/* Demand and rates (MODEL.md 4). Time is in months; rates and growth are per year, so one
 * month is dt = 1/12 year. */
#include "sim/macro.h"

#include <math.h>

void aim_macro_init(struct aim_macro *m, const struct aim_config *cfg)
{
    m->D = cfg->demand.D0;
    m->r = cfg->macro.r0;
}

double aim_macro_growth(const struct aim_config *cfg, int t)
{
    return cfg->demand.g_inf + (cfg->demand.g0 - cfg->demand.g_inf) * exp(-(double)t / cfg->demand.tau_g);
}

void aim_macro_step(struct aim_macro *m, const struct aim_config *cfg, int t, double dc,
                    struct aim_pcg64 *rng)
{
    const double dt = 1.0 / 12.0;
    /* Both normals are drawn every month whatever the rate model, so that switching the rate
     * model does not shift the demand path of a replica. */
    double eps_d = aim_rng_normal(rng);
    double eps_r = aim_rng_normal(rng);
    double g = aim_macro_growth(cfg, t);
    m->D *= exp((g + cfg->demand.chi * dc) * dt + cfg->demand.sigma_D * sqrt(dt) * eps_d);
    if (cfg->macro.rate_model == AIM_RATE_VASICEK) {
        /* Exact transition of dr = a (mean - r) dt + sigma dW over dt. */
        double a = cfg->macro.vasicek_a, mu = cfg->macro.vasicek_mean, s = cfg->macro.vasicek_sigma;
        double e = exp(-a * dt);
        double sd = a > 0.0 ? s * sqrt((1.0 - e * e) / (2.0 * a)) : s * sqrt(dt);
        m->r = mu + (m->r - mu) * e + sd * eps_r;
    }
}
