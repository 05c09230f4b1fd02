/* Take-or-pay compute contracts and the rules of funding rounds (MODEL.md 5, 6). */
#ifndef AIM_DEALS_H
#define AIM_DEALS_H

#include "sim/config.h"
#include "sim/error.h"

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

#endif
