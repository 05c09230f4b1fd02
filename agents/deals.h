/* Take-or-pay compute contracts, the rules of funding rounds, and the signing of strategic and
 * presigned deals with the orders they trigger (MODEL.md 5, 6). */
#ifndef AIM_DEALS_H
#define AIM_DEALS_H

#include "sim/config.h"
#include "sim/error.h"
#include "sim/ledger.h"

struct aim_clouds;
struct aim_investors;
struct aim_labs;
struct aim_market_assets;
struct aim_traj;
struct aim_vendors;

#define AIM_DEALS_ISSUE_RING 12 /* months of share issues counted against deals.issue_max */

/** @brief One take-or-pay commitment of a lab to a cloud. */
struct aim_contract {
    int lab, cloud;
    double monthly;     /* $B the lab owes each month */
    double mw;          /* MW the cloud reserves for the lab */
    double months_left; /* months of the schedule still to be drawn; 0: expired or voided (the slot is
                           free) */
};

/** @brief A fixed-size table of contracts (no allocation after create). */
struct aim_deals {
    int cap;
    struct aim_contract *c;
};

/** @brief Allocates room for cap contracts. */
enum aim_status aim_deals_create(struct aim_deals **d, int cap);
/** @brief Frees the table. */
void aim_deals_free(struct aim_deals *d);
/** @brief Removes every contract. */
void aim_deals_clear(struct aim_deals *d);
/** @brief Signs commitment ($B over term months, mw MW reserved); returns the slot or -1 when full. */
int aim_deals_sign(struct aim_deals *d, int lab, int cloud, double commitment, int term, double mw);
/** @brief Commitments still owed ($B): by lab (cloud < 0), to cloud (lab < 0), or both (-1, -1: all). */
double aim_deals_outstanding(const struct aim_deals *d, int lab, int cloud);
/** @brief MW reserved: by lab (cloud < 0), at cloud (lab < 0). */
double aim_deals_mw(const struct aim_deals *d, int lab, int cloud);
/** @brief Voids every contract of lab (cloud < 0) or of cloud (lab < 0); returns the $B voided. */
double aim_deals_void(struct aim_deals *d, int lab, int cloud);
/** @brief Counts down one month of every contract (a contract ends after its term). */
void aim_deals_age(struct aim_deals *d);
/** @brief Draws fraction frac (0..1) of a month of contract i: the month's payment was frac of the monthly
 * amount, so the schedule moves on by frac months and the whole commitment is paid in the end. */
void aim_deals_draw(struct aim_deals *d, int i, double frac);
/** @brief Index chosen with probability weight[i] / sum(weight) for uniform u in [0,1); -1 if all are 0. */
int aim_deals_pick(const double *weight, int n, double u);
/** @brief Pre-money of a round, M_t 12 R with M_t = M0 exp(beta_s S_t) (R is monthly revenue). */
double aim_deals_premoney(const struct aim_config *cfg, double sentiment, double monthly_revenue);

/** @brief What a deal or a round touches besides the contract table: the books, the parties, the
 * equity market and the event log of month t. */
struct aim_deals_market {
    struct aim_ledger *led;
    int inv_acct; /* ledger account of the investor sector */
    struct aim_investors *inv;
    struct aim_market_assets *mkt;
    const int *asset;  /* per firm: index of its listed asset, -1 if unlisted */
    double *valuation; /* per firm, $B */
    double *issued;    /* [f * AIM_DEALS_ISSUE_RING + t % AIM_DEALS_ISSUE_RING]: shares issued (bn) */
    struct aim_labs *labs;
    struct aim_clouds *clouds;
    struct aim_vendors *vendors;
    const struct aim_config_clouds *cfg_clouds; /* the clouds' rules: a deal's GPU order and its funding */
    struct aim_traj *tr;                        /* NULL: no events are logged */
    int t;
};

/** @brief Strategic money of firm f toward target ($B): cash down to deals.cash_floor, then new
 * shares the market absorbs (listed firms, within issue_max a year); returns the amount, -1 if
 * the event log could not grow. */
double aim_deals_strategic_funds(struct aim_deals_market *m, const struct aim_config_deals *cfg, int f,
                                 double target);
/** @brief A strategic or presigned deal with lab l: vendor v and cloud c (-1: none) invest inv_v
 * and inv_c at pre-money pre (a listed lab's market value instead), the lab commits commitment
 * over term months to c for mw MW (0: commitment / (term x price)), and c orders the GPUs from v
 * (v < 0: from every vendor). */
enum aim_status aim_deals_strike(struct aim_deals *d, struct aim_deals_market *m, int l, int v, int c,
                                 double inv_v, double inv_c, double pre, double commitment, int term,
                                 double mw);
/** @brief Signs the deals cfg->deals.presigned dates at month m->t, between firms still active. */
enum aim_status aim_deals_presigned(struct aim_deals *d, struct aim_deals_market *m,
                                    const struct aim_config *cfg);

#endif
