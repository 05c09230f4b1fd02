/* Model labs' behavioural rules (MODEL.md 3.1); their state lives in the world. */
#ifndef AIM_LABS_H
#define AIM_LABS_H

#include "sim/config.h"

/** @brief Demand shares share_l = exp(theta c_l) / sum_j exp(theta c_j) over active labs (0 for inactive). */
void aim_labs_shares(const double *capability, const int *active, int n, double theta, double *share);
/** @brief Revenue per MW-month of inference rho_t = rho0 eta^(t/12). */
double aim_labs_rho(const struct aim_config *cfg, int t);
/** @brief Monthly training spend B = alpha_train (K + committed undrawn) / runway_target. */
double aim_labs_training(double alpha_train, double cash, double undrawn, double runway_target);
/** @brief Amount a lab seeks: burn * runway_target when runway K / burn < runway_min, else 0. */
double aim_labs_funding_need(double cash, double burn, double runway_min, double runway_target);

#endif
