/* Ledger: payments conserve money, origin mixes propagate, sources and sinks balance the
 * stock-flow identity, overdrafts carry the debt origin. */
#include "sim/ledger.h"
#include "tests/aim_test.h"

#include <math.h>
#include <stdio.h>

static double mix_sum(const struct aim_ledger *l, int a)
{
    double s = 0.0;
    for (int o = 0; o < l->n_origins; o++) {
        s += aim_ledger_share(l, a, o);
    }
    return s;
}

int main(void)
{
    struct aim_ledger *l = NULL;
    aim_test(aim_ledger_create(&l, 0, 2) == AIM_ERR_USAGE, "zero accounts is a usage error");
    aim_test(aim_ledger_create(&l, 4, -1) == AIM_ERR_USAGE, "negative strategic count is a usage error");
    aim_test(aim_ledger_create(&l, 4, 3) == AIM_OK && l, "create 4 accounts, 3 strategic origins");
    aim_test(l->n_origins == AIM_ORIGIN_STRATEGIC + 3, "origins = 4 fixed + 3 strategic");

    /* Opening balances: account 0 holds 12.385 of base money, account 1 7.25 of investor money. */
    aim_ledger_open(l, 0, 12.385, AIM_ORIGIN_BASE);
    aim_ledger_open(l, 1, 7.25, AIM_ORIGIN_INVESTOR);
    aim_ledger_mark_start(l);
    aim_test_rel(l->cash0, 19.635, 1e-15, "cash0 is the opening total");

    /* A plain payment conserves money and carries the payer's mix. */
    aim_ledger_begin_month(l);
    aim_ledger_pay(l, 0, 2, 2.385, -1, AIM_PAY_REVENUE);
    aim_test_rel(l->cash[0], 10.0, 1e-14, "payer debited");
    aim_test_rel(l->cash[2], 2.385, 1e-15, "payee credited");
    aim_test_rel(aim_ledger_share(l, 2, AIM_ORIGIN_BASE), 1.0, 1e-15, "payee's cash is all base money");
    aim_test_rel(l->rev[2], 2.385, 1e-15, "revenue recorded");
    aim_test_rel(l->rev_mix[2 * l->n_origins + AIM_ORIGIN_BASE], 2.385, 1e-15, "revenue mix recorded");
    aim_test_abs(aim_ledger_residual(l, 0.0), 0.0, 1e-15, "residual 0 after a payment");

    /* Mixing: account 2 receives 1.5 of investor money; its mix is 2.385 : 1.5. */
    aim_ledger_pay(l, 1, 2, 1.5, -1, 0);
    double tot = 2.385 + 1.5;
    aim_test_rel(aim_ledger_share(l, 2, AIM_ORIGIN_BASE), 2.385 / tot, 1e-14, "mixed base share");
    aim_test_rel(aim_ledger_share(l, 2, AIM_ORIGIN_INVESTOR), 1.5 / tot, 1e-14, "mixed investor share");
    aim_test_rel(l->rev[2], 2.385, 1e-15, "a non-revenue payment adds no revenue");

    /* A payment of part of a mixed balance carries the same proportions. */
    aim_ledger_begin_month(l);
    aim_ledger_pay(l, 2, 3, 1.0, -1, AIM_PAY_REVENUE);
    const double *rm = l->rev_mix + 3 * l->n_origins;
    aim_test_rel(rm[AIM_ORIGIN_BASE], 2.385 / tot, 1e-14, "partial payment: base part");
    aim_test_rel(rm[AIM_ORIGIN_INVESTOR], 1.5 / tot, 1e-14, "partial payment: investor part");
    aim_test_rel(aim_ledger_share(l, 2, AIM_ORIGIN_BASE), 2.385 / tot, 1e-14, "payer's mix unchanged");

    /* A strategic investment by account 0 is tagged strategic money of firm 1 (tag), whatever
     * the payer's origins; it comes back as revenue of firm 1 as round-trip money. */
    aim_ledger_pay(l, 0, 3, 4.0, 1, 0);
    aim_test_rel(aim_ledger_share(l, 3, AIM_ORIGIN_STRATEGIC + 1), 4.0 / 5.0, 1e-14, "strategic tag");
    aim_ledger_begin_month(l);
    aim_ledger_pay(l, 3, 1, 2.5, -1, AIM_PAY_REVENUE);
    aim_test_rel(l->rev_mix[1 * l->n_origins + AIM_ORIGIN_STRATEGIC + 1] / l->rev[1], 0.8, 1e-14,
                 "round-trip share of the payee's revenue");

    /* Overdraft: paying more than one holds carries the debt origin for the excess. */
    double c3 = l->cash[3];
    aim_ledger_begin_month(l);
    aim_ledger_pay(l, 3, 0, c3 + 3.0, -1, AIM_PAY_REVENUE);
    aim_test_rel(l->cash[3], -3.0, 1e-13, "overdrawn balance");
    aim_test_rel(l->rev_mix[AIM_ORIGIN_DEBT], 3.0, 1e-13, "excess carries the debt origin");
    aim_test(aim_ledger_share(l, 3, AIM_ORIGIN_DEBT) == 0.0, "a negative balance has no mix");
    /* Receiving while overdrawn nets the overdraft first; only the positive part is held. */
    aim_ledger_source(l, 3, 5.0, AIM_ORIGIN_CUSTOMER, AIM_PAY_REVENUE);
    aim_test_rel(l->cash[3], 2.0, 1e-13, "overdraft netted");
    aim_test_rel(aim_ledger_share(l, 3, AIM_ORIGIN_CUSTOMER), 1.0, 1e-14, "positive part is customer money");
    aim_test_rel(mix_sum(l, 0), 1.0, 1e-14, "mix of account 0 sums to 1");

    /* Sources and sinks keep the identity; no sink creates money (a negative amount moves nothing). */
    aim_ledger_sink(l, 0, 0.731, AIM_SINK_OPEX);
    aim_ledger_sink(l, 2, 0.5, AIM_SINK_INTEREST);
    aim_ledger_pay(l, 1, 3, l->cash[1] + 1.25, -1, 0);
    double total = aim_ledger_total(l);
    aim_ledger_sink(l, 1, l->cash[1], AIM_SINK_CREDITORS);
    aim_test(l->cash[1] == -1.25 && aim_ledger_total(l) == total, "a negative sink creates no money");
    aim_ledger_pay(l, 3, 1, 1.25, -1, 0);
    aim_test_abs(aim_ledger_residual(l, 0.0), 0.0, 1e-15, "residual 0 after sources and sinks");
    aim_test_abs(aim_ledger_residual(l, 0.01), 0.01 / (l->cash0 + l->sources), 1e-15,
                 "money outside the ledger shows in the residual");

    /* The month's saving and transactions: a current payment moves saving, an exchange moves
     * the instruments (the payer acquires, the receiver gives up), a sink for facilities is an
     * investment and a depreciation accrual is saving without money. */
    aim_ledger_begin_month(l);
    aim_ledger_pay(l, 0, 2, 0.375, -1, 0);
    aim_ledger_pay(l, 2, 3, 1.125, -1, AIM_PAY_FROM(AIM_INSTR_LOANS) | AIM_PAY_TO(AIM_INSTR_LOANS));
    aim_ledger_pay(l, 3, 0, 0.25, -1, AIM_PAY_REVENUE | AIM_PAY_FROM(AIM_INSTR_REAL));
    aim_ledger_sink(l, 3, 0.0625, AIM_SINK_BUILDERS);
    aim_ledger_source(l, 1, 0.5, AIM_ORIGIN_DEBT, AIM_PAY_TO(AIM_INSTR_FUNDING));
    aim_ledger_accrue(l, 3, -0.03125);
    aim_test_rel(l->saving[0], -0.375 + 0.25, 1e-15, "saving: expense paid, revenue received");
    aim_test_rel(l->saving[2], 0.375, 1e-15, "saving: income");
    aim_test_rel(l->saving[3], -0.03125, 1e-15, "saving: depreciation without money");
    aim_test_rel(l->tx[2 * AIM_INSTR_COUNT + AIM_INSTR_LOANS], 1.125, 1e-15, "lender acquires a loan");
    aim_test_rel(l->tx[3 * AIM_INSTR_COUNT + AIM_INSTR_LOANS], -1.125, 1e-15, "borrower issues it");
    aim_test_rel(l->tx[3 * AIM_INSTR_COUNT + AIM_INSTR_REAL], 0.3125, 1e-15, "investment: GPUs and facility");
    aim_test_rel(l->tx[1 * AIM_INSTR_COUNT + AIM_INSTR_FUNDING], -0.5, 1e-15, "funding issued to the world");
    aim_test(l->saving[1] == 0.0, "an exchange is not saving");

    /* Non-positive and NaN amounts move nothing. */
    double before = aim_ledger_total(l);
    aim_ledger_pay(l, 0, 2, -1.0, -1, 0);
    aim_ledger_pay(l, 0, 2, NAN, -1, 0);
    aim_ledger_source(l, 0, 0.0, AIM_ORIGIN_DEBT, 0);
    aim_ledger_sink(l, 0, NAN, AIM_SINK_OPEX);
    aim_test(aim_ledger_total(l) == before, "zero, negative and NaN amounts move nothing");

    /* Many random-ish payments around a ring: money conserved to rounding, mixes sum to 1. */
    aim_ledger_clear(l);
    for (int a = 0; a < 4; a++) {
        aim_ledger_open(l, a, 3.7 + a * 1.13, a % 4);
    }
    aim_ledger_mark_start(l);
    for (int i = 0; i < 20000; i++) {
        int from = i % 4, to = (i * 7 + 1) % 4;
        if (from == to) {
            to = (to + 1) % 4;
        }
        aim_ledger_pay(l, from, to, 0.001 + 0.37 * ((i * 2654435761u) % 1000) / 1000.0,
                       (i % 13 == 0) ? 2 : -1, AIM_PAY_REVENUE);
        if (i % 17 == 0) {
            aim_ledger_source(l, to, 0.123, AIM_ORIGIN_CUSTOMER, AIM_PAY_REVENUE);
        }
        if (i % 19 == 0) {
            aim_ledger_sink(l, from, 0.0991, AIM_SINK_OPEX);
        }
    }
    aim_test_abs(aim_ledger_residual(l, 0.0), 0.0, 1e-12, "residual after 20000 payments");
    int ok = 1;
    for (int a = 0; a < 4; a++) {
        if (l->cash[a] > 0.0 && fabs(mix_sum(l, a) - 1.0) > 1e-12) {
            ok = 0;
        }
    }
    aim_test(ok, "every positive account's mix sums to 1 after 20000 payments");
    aim_test(aim_ledger_bytes(4, 3) > 0, "bytes estimate");
    aim_ledger_free(l);
    aim_ledger_free(NULL);
    return aim_test_summary();
}
