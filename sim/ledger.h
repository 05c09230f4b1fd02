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

/* Where money leaves to the rest of the world (the sinks of MODEL.md 7 and 12.1). */
enum aim_ledger_sink {
    AIM_SINK_BUILDERS = 0,  /* facility part of capex (an investment, not a cost) */
    AIM_SINK_OPEX = 1,      /* operating costs, unit costs of production */
    AIM_SINK_INTEREST = 2,  /* interest paid to outside savers (the lenders' funding cost) */
    AIM_SINK_REDEEM = 3,    /* investor redemptions */
    AIM_SINK_FUNDING = 4,   /* lenders repay their funding to outside savers */
    AIM_SINK_TAX = 5,       /* taxes */
    AIM_SINK_CREDITORS = 6, /* a defaulted firm's cash left after its lenders, to its other creditors */
    AIM_SINK_COUNT = 7
};

/* Instruments a payment can buy or sell (MODEL.md 12.1); AIM_INSTR_CURRENT is a current flow
 * (income or expense: it changes the net worth of both parties). */
enum aim_ledger_instrument {
    AIM_INSTR_CURRENT = 0,
    AIM_INSTR_LOANS = 1,      /* loans of the lenders */
    AIM_INSTR_FUNDING = 2,    /* the lenders' funding from outside savers */
    AIM_INSTR_SHARES = 3,     /* listed shares */
    AIM_INSTR_LAB_EQUITY = 4, /* units of a lab's equity */
    AIM_INSTR_REAL = 5,       /* real assets: capacity bought, sold or built */
    AIM_INSTR_COUNT = 6
};

/* Flags of a payment: revenue of the receiver, and what the payer and the receiver exchange. */
enum { AIM_PAY_REVENUE = 1 }; /* the credit is revenue of the receiver (its origin mix is recorded) */
#define AIM_PAY_FROM(instr) ((instr) << 4) /* the payer acquires instr */
#define AIM_PAY_TO(instr) ((instr) << 8)   /* the receiver gives up (sells or issues) instr */

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
    /* The month's flows by account (since aim_ledger_begin_month), for the transactions-flow
     * check of MODEL.md 12.1: saving (current flows received less paid, and accruals such as
     * depreciation), and net acquisitions of each instrument paid in money. */
    double *saving;                    /* [account] */
    double *tx;                        /* [account * AIM_INSTR_COUNT + instrument] */
    double month_sources, month_sinks; /* money created and destroyed since aim_ledger_begin_month */
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
/** @brief Money of the given origin enters account to from the rest of the world (end customers,
 * inflows, lenders' funding, base business, sales of assets); with AIM_PAY_TO(i) in flags the
 * receiver gives up instrument i for it, otherwise it is income. */
void aim_ledger_source(struct aim_ledger *l, int to, double amount, int origin, int flags);
/** @brief Money leaves account from to the rest of the world through the given sink (costs,
 * interest, taxes, redemptions, repaid funding, investment in facilities). */
void aim_ledger_sink(struct aim_ledger *l, int from, double amount, int sink);
/** @brief Books a current item that moves no money (depreciation, an accrual) into account a's saving. */
void aim_ledger_accrue(struct aim_ledger *l, int a, double amount);

/** @brief Share of account a's cash of origin o (0 when its cash is not positive). */
double aim_ledger_share(const struct aim_ledger *l, int a, int o);
/** @brief Sum of all accounts' cash. */
double aim_ledger_total(const struct aim_ledger *l);
/** @brief Stock-flow residual (sum(cash) - cash0 - sources + sinks) over the money scale
 * (cash0 + sources, at least 1), with extra added to sum(cash) (money held outside the ledger). */
double aim_ledger_residual(const struct aim_ledger *l, double extra);

#endif
