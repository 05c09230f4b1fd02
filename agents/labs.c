/* Model labs (MODEL.md 3.1). */
#include "agents/labs.h"

#include <math.h>

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

double aim_labs_rho(const struct aim_config *cfg, int t)
{
    return cfg->demand.rho0 * pow(cfg->hardware.eta, (double)t / 12.0);
}

double aim_labs_training(double alpha_train, double cash, double undrawn, double runway_target)
{
    double base = cash + undrawn;
    return base > 0.0 ? alpha_train * base / runway_target : 0.0;
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
