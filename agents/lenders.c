/* Lenders (MODEL.md 12.2, 12.7). */
#include "agents/lenders.h"

#include <math.h>

double aim_lenders_spread(const struct aim_config_credit *cfg, double debt, double ebitda12)
{
    if (!(debt > 0.0)) {
        return cfg->spread0;
    }
    if (!(ebitda12 > 0.0)) {
        return cfg->spread_max > cfg->spread0 ? cfg->spread_max : cfg->spread0;
    }
    double lev = debt / ebitda12;
    double s = cfg->spread0 + cfg->spread_slope * fmax(0.0, lev - cfg->leverage_ref);
    double top = cfg->spread_max > cfg->spread0 ? cfg->spread_max : cfg->spread0;
    return s < top ? s : top;
}

void aim_lenders_open(struct aim_lenders *lb, const struct aim_config_credit *cfg, struct aim_ledger *led,
                      const double *debt)
{
    double loans = 0.0;
    for (int f = 0; f < lb->n; f++) {
        lb->loan[f] = debt[f];
        loans += debt[f];
    }
    /* Capital = cash + loans - funding: loans beyond the capital are funded by outside savers. */
    lb->capital0 = cfg->capital;
    lb->capital_ratio = cfg->capital_ratio;
    lb->funding = loans > cfg->capital ? loans - cfg->capital : 0.0;
    aim_ledger_open(led, lb->account, loans < cfg->capital ? cfg->capital - loans : 0.0, AIM_ORIGIN_INVESTOR);
    aim_lenders_begin_month(lb);
}

void aim_lenders_begin_month(struct aim_lenders *lb)
{
    lb->lent = lb->interest = lb->principal = lb->written_off = lb->payout = 0.0;
}

double aim_lenders_loans(const struct aim_lenders *lb)
{
    double s = 0.0;
    for (int f = 0; f < lb->n; f++) {
        s += lb->loan[f];
    }
    return s;
}

double aim_lenders_capital(const struct aim_lenders *lb, const struct aim_ledger *led)
{
    return led->cash[lb->account] + aim_lenders_loans(lb) - lb->funding;
}

double aim_lenders_room(const struct aim_lenders *lb, const struct aim_config_credit *cfg,
                        const struct aim_ledger *led, double debt, double ebitda12, double leverage_max)
{
    double own = leverage_max * (ebitda12 > 0.0 ? ebitda12 : 0.0) - debt;
    double capital = aim_lenders_capital(lb, led);
    double book = (capital > 0.0 ? capital : 0.0) / cfg->capital_ratio - aim_lenders_loans(lb);
    double room = own < book ? own : book;
    return room > 0.0 ? room : 0.0;
}

void aim_lenders_lend(struct aim_lenders *lb, struct aim_ledger *led, int f, double amount, double *debt)
{
    if (!(amount > 0.0)) {
        return;
    }
    double short_by = amount - fmax(0.0, led->cash[lb->account]);
    if (short_by > 0.0) {
        aim_ledger_source(led, lb->account, short_by, AIM_ORIGIN_DEBT, AIM_PAY_TO(AIM_INSTR_FUNDING));
        lb->funding += short_by;
    }
    /* Borrowed money carries the debt origin, whatever the lenders' own cash is made of. */
    aim_ledger_pay_as(led, lb->account, f, amount, AIM_ORIGIN_DEBT,
                      AIM_PAY_FROM(AIM_INSTR_LOANS) | AIM_PAY_TO(AIM_INSTR_LOANS));
    lb->loan[f] += amount;
    *debt += amount;
    lb->lent += amount;
}

double aim_lenders_service(struct aim_lenders *lb, const struct aim_config_credit *cfg,
                           struct aim_ledger *led, int f, double *debt, double rate, double ebitda12)
{
    if (!(*debt > 0.0)) {
        return 0.0;
    }
    double interest = *debt * (rate + aim_lenders_spread(cfg, *debt, ebitda12)) / 12.0;
    double principal = *debt / cfg->term_months;
    aim_ledger_pay(led, f, lb->account, interest, -1, 0);
    aim_ledger_pay(led, f, lb->account, principal, -1,
                   AIM_PAY_FROM(AIM_INSTR_LOANS) | AIM_PAY_TO(AIM_INSTR_LOANS));
    lb->loan[f] -= principal;
    *debt -= principal;
    lb->interest += interest;
    lb->principal += principal;
    return interest;
}

double aim_lenders_default(struct aim_lenders *lb, struct aim_ledger *led, int f, double *debt)
{
    double cash = led->cash[f];
    if (cash < 0.0) {
        aim_lenders_lend(lb, led, f, -cash, debt);
        cash = 0.0;
    }
    double recovered = cash < lb->loan[f] ? cash : lb->loan[f];
    aim_ledger_pay(led, f, lb->account, recovered, -1,
                   AIM_PAY_FROM(AIM_INSTR_LOANS) | AIM_PAY_TO(AIM_INSTR_LOANS));
    double lost = lb->loan[f] - recovered;
    lb->loan[f] = 0.0;
    *debt = 0.0;
    lb->written_off += lost;
    return lost;
}

void aim_lenders_settle(struct aim_lenders *lb, struct aim_ledger *led, int inv_acct, double rate)
{
    int a = lb->account;
    /* Outside savers earn the rate on the lenders' funding: the lenders' margin is the spread. */
    aim_ledger_sink(led, a, lb->funding * (rate > 0.0 ? rate : 0.0) / 12.0, AIM_SINK_INTEREST);
    /* Profits are paid out while capital is above its opening level and above what the loans
     * outstanding require (capital_ratio x loans); below that they are kept, so that capital lost
     * to defaults is rebuilt from later interest and a payout never leaves loans above the limit. */
    double need = lb->capital_ratio * aim_lenders_loans(lb);
    double excess = aim_lenders_capital(lb, led) - (need > lb->capital0 ? need : lb->capital0);
    double cash = led->cash[a];
    double pay = excess < cash ? excess : cash;
    if (pay > 0.0) {
        aim_ledger_pay_as(led, a, inv_acct, pay, AIM_ORIGIN_INVESTOR, 0);
        lb->payout += pay;
    }
    /* Cash beyond what the month's payments needed repays funding; a shortfall draws new funding. */
    cash = led->cash[a];
    if (cash > 0.0 && lb->funding > 0.0) {
        double back = cash < lb->funding ? cash : lb->funding;
        aim_ledger_sink(led, a, back, AIM_SINK_FUNDING);
        lb->funding -= back;
    } else if (cash < 0.0) {
        aim_ledger_source(led, a, -cash, AIM_ORIGIN_DEBT, AIM_PAY_TO(AIM_INSTR_FUNDING));
        lb->funding += -cash;
    }
}
