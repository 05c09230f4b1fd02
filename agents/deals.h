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

/** @brief One take-or-pay commitment of a lab to a cloud (MODEL.md 12.5): signed at one month, paid
 * and reserved from its start month on. */
struct aim_contract {
    int lab, cloud;
    int signed_at;      /* month the contract was signed: it is outstanding from then */
    int start;          /* month its schedule starts: payments and reserved MW from then */
    double monthly;     /* $B the lab owes each month */
    double mw;          /* MW the cloud reserves for the lab */
    double months_left; /* months of the schedule still to be drawn; 0: expired or voided (the slot is
                           free) */
    int vendor;         /* vendor the deal ordered its GPUs from; -1: split over vendors */
    double order_mw;    /* MW of that order not yet delivered */
    double book;        /* scratch: the cloud's backlog at that vendor (or all vendors) before deliveries */
};

/** @brief Whether contract k runs in month t: signed, started (start <= t) and not yet fully drawn. */
static inline int aim_deals_running(const struct aim_contract *k, int t)
{
    return k->months_left > 0.0 && k->start <= t;
}

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
/** @brief Signs commitment ($B over term months, mw MW reserved) at month signed_at, starting at month
 * start (>= signed_at); returns the slot or -1 when full. */
int aim_deals_sign(struct aim_deals *d, int lab, int cloud, double commitment, int term, double mw,
                   int signed_at, int start);
/** @brief Commitments still owed ($B), started or not (from signing): by lab (cloud < 0), to cloud
 * (lab < 0), or both (-1, -1: all). */
double aim_deals_outstanding(const struct aim_deals *d, int lab, int cloud);
/** @brief Commitments still to be drawn ($B) on the contracts running at month t, by lab (cloud < 0) or
 * to cloud (lab < 0): the compute a lab can draw on now, which its training plan counts. */
double aim_deals_undrawn(const struct aim_deals *d, int lab, int cloud, int t);
/** @brief MW reserved by lab (cloud < 0) or at cloud (lab < 0) by the contracts running at month t or
 * starting by then: t = now for delivery, now + a planning horizon for capacity planning. */
double aim_deals_mw(const struct aim_deals *d, int lab, int cloud, int t);
/** @brief Voids every contract of lab (cloud < 0) or of cloud (lab < 0); returns the $B voided. */
double aim_deals_void(struct aim_deals *d, int lab, int cloud);
/** @brief Notes, before the vendors deliver, each contract's cloud's backlog at the vendor(s) of its order.
 */
void aim_deals_note_orders(struct aim_deals *d, const struct aim_vendors *vd);
/** @brief After the vendors deliver: each contract's undelivered order shrinks in the proportion its
 * cloud's backlog at that vendor did (deliveries are pro rata within a cloud's order book). */
void aim_deals_follow_orders(struct aim_deals *d, const struct aim_vendors *vd);
/** @brief Counts down one month of every contract (a contract ends after its term). */
void aim_deals_age(struct aim_deals *d);
/** @brief Draws fraction frac (0..1) of a month of contract i: the month's payment was frac of the monthly
 * amount, so the schedule moves on by frac months and the whole commitment is paid in the end. */
void aim_deals_draw(struct aim_deals *d, int i, double frac);
/** @brief Index chosen with probability weight[i] / sum(weight) for uniform u in [0,1); -1 if all are 0. */
int aim_deals_pick(const double *weight, int n, double u);
/** @brief Pre-money of a round, M_t 12 R with M_t = M0 exp(beta_s S_t) (R is monthly revenue). */
double aim_deals_premoney(const struct aim_config_venture *cfg, double sentiment, double monthly_revenue);

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
 * over term months to c for mw MW (0: commitment / (term x price)), starting delay months after
 * signing, and c orders the GPUs from v (v < 0: from every vendor) now. */
enum aim_status aim_deals_strike(struct aim_deals *d, struct aim_deals_market *m, int l, int v, int c,
                                 double inv_v, double inv_c, double pre, double commitment, int term,
                                 double mw, int delay);
/** @brief Before lab l's contracts are voided (its default): cancels the GPU orders they placed that are
 * not yet delivered; each cloud pays fee x their value to the vendor (logged as cancel events). */
enum aim_status aim_deals_cancel_orders(struct aim_deals *d, struct aim_deals_market *m, int l, double fee);
/** @brief Signs the deals cfg->deals.presigned dates at month m->t, between firms still active. */
enum aim_status aim_deals_presigned(struct aim_deals *d, struct aim_deals_market *m,
                                    const struct aim_config *cfg);

#endif
