/* Model labs (MODEL.md 3.1): their state and cap tables, and their monthly step. */
#ifndef AIM_LABS_H
#define AIM_LABS_H

#include "sim/config.h"
#include "sim/error.h"
#include "sim/ledger.h"

struct aim_clouds;
struct aim_deals;
struct aim_deals_market;
struct aim_pcg64;

/** @brief The labs' state, one entry per lab; the world allocates the arrays. */
struct aim_labs {
    int n;                   /* labs */
    int first;               /* firm index (ledger account) of lab 0 */
    double *Q;               /* cumulative training compute, MW-months at step-0 efficiency */
    double *cap;             /* capability c = log10(Q) */
    double *share;           /* demand share */
    double *R;               /* end-customer revenue this month, $B */
    double *burn;            /* compute plus opex less revenue this month, $B */
    double *m_inf;           /* MW of inference the month's demand share needs */
    double *m_tr;            /* MW of training the month's budget buys at the mean cloud price */
    double *need;            /* m_inf + m_tr */
    double *c_avail;         /* contracted MW available this month */
    double *delivered;       /* MW delivered this month (contracts and spot) */
    double *inf;             /* MW of the delivered used for inference (own customers and others') */
    double *s_inf;           /* MW of inference asked for on the spot market */
    double *s_budget;        /* training budget spent on the spot market, $B */
    double *spare;           /* scratch: delivered MW a lab can still serve others' customers with */
    double unserved;         /* demand no lab had the compute to serve this month, $B */
    double *paid;            /* compute paid this month, $B */
    double *split;           /* scratch: the split of a spot purchase over clouds */
    double *pick_v, *pick_c; /* scratch: weights of a strategic deal's vendor and cloud */
    double frontier;         /* highest capability */
    double dc_frontier;      /* the month's gain of the frontier (drives demand, MODEL.md 4) */
    /* Cap tables: units of each lab's equity (one per $B of the opening valuation). */
    double *units;      /* units issued */
    double *units_v;    /* [l * n_vendors + v]: held by vendor v */
    double *units_c;    /* [l * n_clouds + c]: held by cloud c */
    double *unit_value; /* $B per unit (0 after a default) */
    double *units_inv0; /* units investors hold at the reset (0 for a listed lab) */
    /* The labs' rows of the world's per-firm arrays: entry l is firm first + l. */
    int *active;
    double *valuation; /* $B */
    double *earnings;  /* the month's earnings */
};

/** @brief Demand shares share_l = exp(theta c_l) / sum_j exp(theta c_j) over active labs (0 for inactive). */
void aim_labs_shares(const double *capability, const int *active, int n, double theta, double *share);
/** @brief Revenue per MW-month of inference rho_t = rho0 eta^(t/12). */
double aim_labs_rho(const struct aim_config_demand *demand, const struct aim_config_hardware *hw, int t);
/** @brief Monthly spot training budget B = alpha_train K / runway_target out of cash K (0 when K <= 0);
 * contracted compute trains besides it, paid for by take-or-pay. */
double aim_labs_training(double alpha_train, double cash, double runway_target);
/** @brief Amount a lab seeks: burn * runway_target when runway K / burn < runway_min, else 0. */
double aim_labs_funding_need(double cash, double burn, double runway_min, double runway_target);
/** @brief Opening state (step 0): the labs' ledger accounts, compute, capability, valuation, cap
 * tables (one unit per $B of the opening valuation, all held by outside investors), the frontier
 * and the demand shares (logit intensity demand->theta). */
void aim_labs_open(struct aim_labs *lb, const struct aim_config_labs *cfg,
                   const struct aim_config_demand *demand, struct aim_ledger *led);
/** @brief Step 2 of the month (MODEL.md 12.4): compute bought under contracts (take-or-pay, pro
 * rata where a cloud is short) and on the spot market, each cloud's spot market cleared by its
 * price (aim_clouds_clear); revenue min(share_l D / 12, rho_t x inference MW delivered) from end
 * customers, the demand a lab cannot serve going to the others' spare delivered MW, the rest
 * unserved; training, opex and the frontier's gain. */
void aim_labs_step(struct aim_labs *lb, const struct aim_config_labs *cfg,
                   const struct aim_config_demand *demand, const struct aim_config_hardware *hw,
                   const struct aim_config_clouds *ccfg, double D, int t, struct aim_clouds *cl,
                   struct aim_deals *deals, struct aim_ledger *led);
/** @brief Step 6 of the month, after the presigned deals (MODEL.md 5): every lab short of runway
 * seeks funding, by a strategic deal with probability deals.p_strategic (a vendor and a cloud
 * picked by cash invest and the cloud gets a take-or-pay commitment of kappa times the
 * investment), and by a venture round or, for a listed lab, a share issue for the rest. Three
 * draws per active lab from rng; sentiment prices private rounds. */
enum aim_status aim_labs_raise(struct aim_labs *lb, const struct aim_config_labs *cfg,
                               const struct aim_config_deals *deals, const struct aim_config_venture *venture,
                               struct aim_deals *d, struct aim_deals_market *m, struct aim_pcg64 *rng,
                               double sentiment);
/** @brief Whether lab l can sell money ($B) of new units at pre-money pre in legs successive sales
 * (a strategic deal, then a venture round), each at pre / units: false when the price of a unit
 * after them would not be a positive normal number, so that the units per $B could not be counted
 * (MODEL.md 5: the lab then raises nothing). */
int aim_labs_can_issue(const struct aim_labs *lb, int l, double pre, double money, int legs);
/** @brief Checks that lab l's cap table adds up: units issued = units held by investors (as the
 * investors count them), vendors and clouds (a listed lab's shares are not checked). */
enum aim_status aim_labs_check_cap_table(const struct aim_labs *lb, const struct aim_config_labs *cfg,
                                         const struct aim_deals_market *m, int l);
/** @brief Lab l defaults (MODEL.md 6): its contracts are voided (returns the $B voided), its
 * equity is worth nothing and it loses its demand share. */
double aim_labs_default(struct aim_labs *lb, struct aim_deals *d, int l);
/** @brief Pro-forma month of lab l at its opening state (demand D, revenue rho per MW-month,
 * compute at compute_price): returns its earnings and sets *revenue ($B). */
double aim_labs_proforma(const struct aim_labs *lb, const struct aim_config_labs *cfg, int l, double D,
                         double rho, double compute_price, const struct aim_ledger *led, double *revenue);

#endif
