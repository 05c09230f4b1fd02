/* The money ledger (MODEL.md 7). Each account holds cash and, for the positive part of its
 * cash, the amount of money of each origin. A payment takes the payer's money proportionally
 * to its origins (the payer's mix); what is paid beyond a positive balance is spending on
 * credit and carries the debt origin. A receiver with negative cash first nets its overdraft. */
#include "sim/ledger.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

size_t aim_ledger_bytes(int n_accounts, int n_strategic)
{
    size_t no = (size_t)AIM_ORIGIN_STRATEGIC + (size_t)n_strategic;
    return sizeof(struct aim_ledger) +
           sizeof(double) * ((size_t)n_accounts * (3 + 2 * no + AIM_INSTR_COUNT) + no);
}

enum aim_status aim_ledger_create(struct aim_ledger **out, int n_accounts, int n_strategic)
{
    *out = NULL;
    if (n_accounts < 1 || n_strategic < 0) {
        return aim_error_set(AIM_ERR_USAGE,
                             "aim_ledger_create: %d accounts and %d strategic origins "
                             "(need at least 1 account and no negative count)",
                             n_accounts, n_strategic);
    }
    struct aim_ledger *l = calloc(1, sizeof *l);
    if (!l) {
        return aim_error_set(AIM_ERR_NOMEM, "aim_ledger_create: out of memory");
    }
    l->n_accounts = n_accounts;
    l->n_origins = AIM_ORIGIN_STRATEGIC + n_strategic;
    size_t na = (size_t)n_accounts, no = (size_t)l->n_origins;
    l->cash = calloc(na, sizeof(double));
    l->rev = calloc(na, sizeof(double));
    l->money = calloc(na * no, sizeof(double));
    l->rev_mix = calloc(na * no, sizeof(double));
    l->pay_mix = calloc(no, sizeof(double));
    l->saving = calloc(na, sizeof(double));
    l->tx = calloc(na * AIM_INSTR_COUNT, sizeof(double));
    if (!l->cash || !l->rev || !l->money || !l->rev_mix || !l->pay_mix || !l->saving || !l->tx) {
        aim_ledger_free(l);
        return aim_error_set(AIM_ERR_NOMEM, "aim_ledger_create: out of memory for %d accounts", n_accounts);
    }
    *out = l;
    return AIM_OK;
}

void aim_ledger_free(struct aim_ledger *l)
{
    if (!l) {
        return;
    }
    free(l->cash);
    free(l->rev);
    free(l->money);
    free(l->rev_mix);
    free(l->pay_mix);
    free(l->saving);
    free(l->tx);
    free(l);
}

void aim_ledger_clear(struct aim_ledger *l)
{
    size_t na = (size_t)l->n_accounts, no = (size_t)l->n_origins;
    memset(l->cash, 0, na * sizeof(double));
    memset(l->rev, 0, na * sizeof(double));
    memset(l->money, 0, na * no * sizeof(double));
    memset(l->rev_mix, 0, na * no * sizeof(double));
    memset(l->saving, 0, na * sizeof(double));
    memset(l->tx, 0, na * AIM_INSTR_COUNT * sizeof(double));
    l->cash0 = l->sources = l->sinks = 0.0;
    l->month_sources = l->month_sinks = 0.0;
    memset(l->sink_by, 0, sizeof l->sink_by);
    memset(l->source_by, 0, sizeof l->source_by);
}

double aim_ledger_total(const struct aim_ledger *l)
{
    double s = 0.0;
    for (int a = 0; a < l->n_accounts; a++) {
        s += l->cash[a];
    }
    return s;
}

void aim_ledger_mark_start(struct aim_ledger *l)
{
    l->cash0 = aim_ledger_total(l);
    l->sources = l->sinks = 0.0;
    memset(l->sink_by, 0, sizeof l->sink_by);
    memset(l->source_by, 0, sizeof l->source_by);
}

void aim_ledger_begin_month(struct aim_ledger *l)
{
    memset(l->rev, 0, (size_t)l->n_accounts * sizeof(double));
    memset(l->rev_mix, 0, (size_t)l->n_accounts * (size_t)l->n_origins * sizeof(double));
    memset(l->saving, 0, (size_t)l->n_accounts * sizeof(double));
    memset(l->tx, 0, (size_t)l->n_accounts * AIM_INSTR_COUNT * sizeof(double));
    l->month_sources = l->month_sinks = 0.0;
}

/* Books a flow of amount out of account from (from < 0: the rest of the world) into account to
 * (to < 0: the rest of the world) in the month's saving and transactions (see flags). */
static void ledger_classify(struct aim_ledger *l, int from, int to, double amount, int flags)
{
    int fi = (flags >> 4) & 15, ti = (flags >> 8) & 15;
    if (from >= 0) {
        if (fi == AIM_INSTR_CURRENT) {
            l->saving[from] -= amount;
        } else {
            l->tx[(size_t)from * AIM_INSTR_COUNT + (size_t)fi] += amount;
        }
    }
    if (to >= 0) {
        if (ti == AIM_INSTR_CURRENT) {
            l->saving[to] += amount;
        } else {
            l->tx[(size_t)to * AIM_INSTR_COUNT + (size_t)ti] -= amount;
        }
    }
}

void aim_ledger_accrue(struct aim_ledger *l, int a, double amount)
{
    if (isfinite(amount)) {
        l->saving[a] += amount;
    }
}

/* Removes amount from account a and leaves its origin mix in l->pay_mix (amounts, summing to
 * amount up to rounding). */
static void ledger_debit(struct aim_ledger *l, int a, double amount)
{
    int no = l->n_origins;
    double *m = l->money + (size_t)a * (size_t)no;
    double pos = l->cash[a] > 0.0 ? l->cash[a] : 0.0;
    double y = amount < pos ? amount : pos;
    memset(l->pay_mix, 0, (size_t)no * sizeof(double));
    if (y > 0.0) {
        double held = 0.0;
        for (int o = 0; o < no; o++) {
            held += m[o];
        }
        if (held > 0.0) {
            double frac = y / held;
            if (y >= pos) { /* the whole positive balance leaves */
                for (int o = 0; o < no; o++) {
                    l->pay_mix[o] = m[o] * (y / held);
                    m[o] = 0.0;
                }
            } else {
                for (int o = 0; o < no; o++) {
                    double part = m[o] * frac;
                    l->pay_mix[o] = part;
                    m[o] -= part;
                }
            }
        } else {
            l->pay_mix[AIM_ORIGIN_DEBT] += y;
        }
    }
    /* Spending beyond a positive balance is credit: it carries the debt origin. */
    l->pay_mix[AIM_ORIGIN_DEBT] += amount - y;
    l->cash[a] -= amount;
    if (l->cash[a] <= 0.0) {
        memset(m, 0, (size_t)no * sizeof(double));
    }
}

/* Adds amount carrying the mix in l->pay_mix (amounts summing to amount) to account a. */
static void ledger_credit(struct aim_ledger *l, int a, double amount, int flags)
{
    int no = l->n_origins;
    double *m = l->money + (size_t)a * (size_t)no;
    if (flags & AIM_PAY_REVENUE) {
        double *rm = l->rev_mix + (size_t)a * (size_t)no;
        l->rev[a] += amount;
        for (int o = 0; o < no; o++) {
            rm[o] += l->pay_mix[o];
        }
    }
    double before = l->cash[a];
    l->cash[a] += amount;
    if (l->cash[a] <= 0.0 || amount <= 0.0) {
        return;
    }
    /* An overdraft is netted first: only the part that makes the balance positive is held. */
    double kept = before < 0.0 ? l->cash[a] : amount;
    double scale = kept / amount;
    for (int o = 0; o < no; o++) {
        m[o] += l->pay_mix[o] * scale;
    }
}

void aim_ledger_pay(struct aim_ledger *l, int from, int to, double amount, int tag, int flags)
{
    if (!(amount > 0.0)) {
        return;
    }
    ledger_debit(l, from, amount);
    if (tag >= 0) {
        /* A strategic investment turns the payer's money into strategic money of firm tag. */
        memset(l->pay_mix, 0, (size_t)l->n_origins * sizeof(double));
        l->pay_mix[AIM_ORIGIN_STRATEGIC + tag] = amount;
    }
    ledger_credit(l, to, amount, flags);
    ledger_classify(l, from, to, amount, flags);
}

void aim_ledger_pay_as(struct aim_ledger *l, int from, int to, double amount, int origin, int flags)
{
    if (!(amount > 0.0)) {
        return;
    }
    ledger_debit(l, from, amount);
    memset(l->pay_mix, 0, (size_t)l->n_origins * sizeof(double));
    l->pay_mix[origin] = amount;
    ledger_credit(l, to, amount, flags);
    ledger_classify(l, from, to, amount, flags);
}

void aim_ledger_source(struct aim_ledger *l, int to, double amount, int origin, int flags)
{
    if (!(amount > 0.0)) {
        return;
    }
    memset(l->pay_mix, 0, (size_t)l->n_origins * sizeof(double));
    l->pay_mix[origin] = amount;
    l->sources += amount;
    l->month_sources += amount;
    if (origin < AIM_ORIGIN_STRATEGIC) {
        l->source_by[origin] += amount;
    }
    ledger_credit(l, to, amount, flags);
    ledger_classify(l, -1, to, amount, flags & ~AIM_PAY_FROM(15));
}

void aim_ledger_sink(struct aim_ledger *l, int from, double amount, int sink)
{
    /* Money leaves only in positive amounts: no sink creates money. Investment in facilities
     * buys a real asset and repaid funding settles a liability; every other sink is a cost. */
    if (!(amount > 0.0) || !isfinite(amount) || sink < 0 || sink >= AIM_SINK_COUNT) {
        return;
    }
    ledger_debit(l, from, amount);
    l->sinks += amount;
    l->month_sinks += amount;
    l->sink_by[sink] += amount;
    int instr = sink == AIM_SINK_BUILDERS  ? AIM_INSTR_REAL
                : sink == AIM_SINK_FUNDING ? AIM_INSTR_FUNDING
                                           : AIM_INSTR_CURRENT;
    ledger_classify(l, from, -1, amount, AIM_PAY_FROM(instr));
}

double aim_ledger_share(const struct aim_ledger *l, int a, int o)
{
    if (!(l->cash[a] > 0.0)) {
        return 0.0;
    }
    const double *m = l->money + (size_t)a * (size_t)l->n_origins;
    double held = 0.0;
    for (int k = 0; k < l->n_origins; k++) {
        held += m[k];
    }
    return held > 0.0 ? m[o] / held : 0.0;
}

void aim_ledger_open(struct aim_ledger *l, int a, double amount, int origin)
{
    int no = l->n_origins;
    double *m = l->money + (size_t)a * (size_t)no;
    memset(m, 0, (size_t)no * sizeof(double));
    l->cash[a] = amount;
    if (amount > 0.0) {
        m[origin] = amount;
    }
}

double aim_ledger_residual(const struct aim_ledger *l, double extra)
{
    double scale = fabs(l->cash0) + l->sources;
    if (scale < 1.0) {
        scale = 1.0;
    }
    return (aim_ledger_total(l) + extra - l->cash0 - l->sources + l->sinks) / scale;
}
