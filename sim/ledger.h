/* The money ledger of one replica (MODEL.md 7): every payment debits one account and credits
 * another, sources create money and sinks destroy it, and every account's cash carries the mix
 * of its origins so that revenue can be traced back to end customers or to strategic money. */
#ifndef AIM_LEDGER_H
#define AIM_LEDGER_H

#include <stddef.h>

#include "sim/error.h"

/* Origins of money. Strategic money of firm f has origin AIM_ORIGIN_STRATEGIC + f. */
enum aim_ledger_origin {
    AIM_ORIGIN_CUSTOMER = 0, /* end-customer AI spend D_t */
    AIM_ORIGIN_INVESTOR = 1, /* outside investors' capital */
    AIM_ORIGIN_DEBT = 2,     /* new borrowing, and spending beyond one's cash (overdraft) */
    AIM_ORIGIN_BASE = 3,     /* clouds' and vendors' non-AI base business */
    AIM_ORIGIN_STRATEGIC = 4 /* + f: money firm f paid out as a strategic investment */
};

/* Where destroyed money goes (the sinks of MODEL.md 7). */
enum aim_ledger_sink {
    AIM_SINK_BUILDERS = 0, /* facility part of capex */
    AIM_SINK_OPEX = 1,     /* operating costs, unit costs of production */
    AIM_SINK_INTEREST = 2, /* interest on debt */
    AIM_SINK_REDEEM = 3,   /* investor redemptions and debt repayments */
    AIM_SINK_DEFAULT = 4,  /* cash (signed) of a defaulting firm */
    AIM_SINK_COUNT = 5
};

/* Flags of a payment. */
enum { AIM_PAY_REVENUE = 1 }; /* the credit is revenue of the receiver (its origin mix is recorded) */

/** @brief Accounts with cash and origin mixes, cumulative sources and sinks, per-month revenue mixes. */
struct aim_ledger {
    int n_accounts;
    int n_origins;   /* AIM_ORIGIN_STRATEGIC + number of strategic firms */
    double *cash;    /* [account]: may go negative (spending beyond one's cash) */
    double *money;   /* [account * n_origins + o]: money of origin o in the positive part of cash */
    double *rev;     /* [account]: revenue credited since aim_ledger_begin_month */
    double *rev_mix; /* [account * n_origins + o]: that revenue by origin */
    double *pay_mix; /* [n_origins]: scratch, the origin mix of the payment in progress */
    double cash0;    /* sum of cash when aim_ledger_mark_start was called */
    double sources;  /* cumulative money created since then */
    double sinks;    /* cumulative money destroyed since then (signed) */
    double sink_by[AIM_SINK_COUNT];
    double source_by[AIM_ORIGIN_STRATEGIC];
};

/** @brief Allocates a ledger of n_accounts accounts tracking n_strategic strategic origins. */
enum aim_status aim_ledger_create(struct aim_ledger **l, int n_accounts, int n_strategic);
/** @brief Frees a ledger. */
void aim_ledger_free(struct aim_ledger *l);
/** @brief Bytes aim_ledger_create allocates. */
size_t aim_ledger_bytes(int n_accounts, int n_strategic);
/** @brief Empties every account and every accumulator. */
void aim_ledger_clear(struct aim_ledger *l);
/** @brief Sets account a's opening cash, all of one origin (initial endowments, before the start mark). */
void aim_ledger_open(struct aim_ledger *l, int a, double amount, int origin);
/** @brief Takes the current total cash as the reference of the stock-flow check and zeroes flows. */
void aim_ledger_mark_start(struct aim_ledger *l);
/** @brief Zeroes the per-month revenue accumulators. */
void aim_ledger_begin_month(struct aim_ledger *l);

/** @brief Moves amount from account from to account to, carrying the payer's origin mix; with
 * tag >= 0 the money becomes strategic money of firm tag (a strategic investment). */
void aim_ledger_pay(struct aim_ledger *l, int from, int to, double amount, int tag, int flags);
/** @brief Moves amount like aim_ledger_pay but labelled with one origin: for the investor sector,
 * whose cash the ledger sees only through its flows, so its balance here says nothing of its mix. */
void aim_ledger_pay_as(struct aim_ledger *l, int from, int to, double amount, int origin, int flags);
/** @brief Creates amount of money of the given origin in account to (end customers, inflows, debt, base). */
void aim_ledger_source(struct aim_ledger *l, int to, double amount, int origin, int flags);
/** @brief Destroys amount from account from, to the given sink (costs, interest, redemptions, defaults). */
void aim_ledger_sink(struct aim_ledger *l, int from, double amount, int sink);

/** @brief Share of account a's cash of origin o (0 when its cash is not positive). */
double aim_ledger_share(const struct aim_ledger *l, int a, int o);
/** @brief Sum of all accounts' cash. */
double aim_ledger_total(const struct aim_ledger *l);
/** @brief Stock-flow residual (sum(cash) - cash0 - sources + sinks) over the money scale
 * (cash0 + sources, at least 1), with extra added to sum(cash) (money held outside the ledger). */
double aim_ledger_residual(const struct aim_ledger *l, double extra);

#endif
