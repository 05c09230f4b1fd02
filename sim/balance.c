/* The balance-sheet matrix (MODEL.md 12.1). */
#include "sim/balance.h"

#include <math.h>
#include <string.h>

#include "agents/clouds.h"
#include "agents/investors.h"
#include "agents/labs.h"
#include "agents/lenders.h"

static const char *const row_names[AIM_BS_ROWS] = {"money",      "loans",       "funding",  "listed_shares",
                                                   "lab_equity", "real_assets", "net_worth"};
static const char *const col_names[AIM_BS_COLS] = {"investors", "market_maker", "lenders",      "vendors",
                                                   "clouds",    "labs",         "rest_of_world"};

const char *aim_balance_row_name(int r)
{
    return r >= 0 && r < AIM_BS_ROWS ? row_names[r] : "";
}

const char *aim_balance_col_name(int c)
{
    return c >= 0 && c < AIM_BS_COLS ? col_names[c] : "";
}

int aim_balance_col_of(const struct aim_balance_inputs *in, int a)
{
    if (a == in->inv_acct) {
        return AIM_BS_INVESTORS;
    }
    if (a == in->lend_acct) {
        return AIM_BS_LENDERS;
    }
    if (a < in->nv) {
        return AIM_BS_VENDORS;
    }
    return a < in->nv + in->nc ? AIM_BS_CLOUDS : AIM_BS_LABS;
}

void aim_balance_build(struct aim_balance_sheet *bs, const struct aim_balance_inputs *in)
{
    memset(bs, 0, sizeof *bs);
    const struct aim_ledger *L = in->led;
    int nf = in->nv + in->nc + in->nl;
    /* Money: every account as the ledger keeps it, the investors and the market maker as their own
     * arrays keep it; the rest of the world owes all money (outside money), as the ledger's flows
     * with it say: the opening money plus what came in less what went out. */
    double inv_cash, mm_cash;
    aim_investors_totals(in->inv, &inv_cash, &mm_cash, in->held, in->mm_held, in->lab_units);
    bs->m[AIM_BS_MONEY][AIM_BS_INVESTORS] = inv_cash;
    bs->m[AIM_BS_MONEY][AIM_BS_MARKET_MAKER] = mm_cash;
    bs->m[AIM_BS_MONEY][AIM_BS_LENDERS] = L->cash[in->lend_acct];
    for (int f = 0; f < nf; f++) {
        int col = aim_balance_col_of(in, f);
        bs->m[AIM_BS_MONEY][col] += L->cash[f];
        bs->m[AIM_BS_LOANS][col] -= in->debt[f];
        bs->m[AIM_BS_LOANS][AIM_BS_LENDERS] += in->lenders->loan[f];
    }
    bs->m[AIM_BS_MONEY][AIM_BS_WORLD] = -(L->cash0 + L->sources - L->sinks);
    bs->m[AIM_BS_FUNDING][AIM_BS_LENDERS] = -in->lenders->funding;
    bs->m[AIM_BS_FUNDING][AIM_BS_WORLD] = in->lenders->funding;
    /* Listed shares at market prices: the issuer's record (shares outstanding) against the
     * holders' (investors' and market maker's arrays, strategic holders of a listed lab). */
    const struct aim_labs *lb = in->labs;
    for (int f = 0; f < nf; f++) {
        int k = in->asset[f];
        if (k < 0 || !in->mkt->active[k]) {
            continue;
        }
        double p = in->mkt->price[k], hi = in->held[k], hm = in->mm_held[k];
        bs->m[AIM_BS_SHARES][aim_balance_col_of(in, f)] -= in->mkt->shares[k] * p;
        bs->m[AIM_BS_SHARES][AIM_BS_INVESTORS] += hi * p;
        bs->m[AIM_BS_SHARES][AIM_BS_MARKET_MAKER] += hm * p;
        if (f >= lb->first) {
            int l = f - lb->first;
            for (int v = 0; v < in->nv; v++) {
                bs->m[AIM_BS_SHARES][AIM_BS_VENDORS] += lb->units_v[(size_t)l * in->nv + v] * p;
            }
            for (int c = 0; c < in->nc; c++) {
                bs->m[AIM_BS_SHARES][AIM_BS_CLOUDS] += lb->units_c[(size_t)l * in->nc + c] * p;
            }
        }
    }
    /* Lab equity (unlisted labs): units issued, at the unit value of the last round, against the
     * units the investors, vendors and clouds hold. */
    for (int l = 0; l < in->nl; l++) {
        if (in->asset[lb->first + l] >= 0) {
            continue;
        }
        double uv = lb->unit_value[l];
        bs->m[AIM_BS_LAB_EQUITY][AIM_BS_LABS] -= lb->units[l] * uv;
        bs->m[AIM_BS_LAB_EQUITY][AIM_BS_INVESTORS] += in->lab_units[l] * uv;
        for (int v = 0; v < in->nv; v++) {
            bs->m[AIM_BS_LAB_EQUITY][AIM_BS_VENDORS] += lb->units_v[(size_t)l * in->nv + v] * uv;
        }
        for (int c = 0; c < in->nc; c++) {
            bs->m[AIM_BS_LAB_EQUITY][AIM_BS_CLOUDS] += lb->units_c[(size_t)l * in->nc + c] * uv;
        }
    }
    for (int c = 0; c < in->nc; c++) {
        bs->m[AIM_BS_REAL][AIM_BS_CLOUDS] += aim_clouds_real_assets(in->clouds, in->cfg_clouds, c);
    }
    for (int j = 0; j < AIM_BS_COLS; j++) {
        double s = 0.0;
        for (int r = 0; r < AIM_BS_NET_WORTH; r++) {
            s += bs->m[r][j];
        }
        bs->m[AIM_BS_NET_WORTH][j] = -s;
    }
}

/* Total assets: the positive entries above the net-worth row (at least 1, $1B). */
static double balance_scale(const struct aim_balance_sheet *bs)
{
    double s = 0.0;
    for (int r = 0; r < AIM_BS_NET_WORTH; r++) {
        for (int j = 0; j < AIM_BS_COLS; j++) {
            s += bs->m[r][j] > 0.0 ? bs->m[r][j] : 0.0;
        }
    }
    return s > 1.0 ? s : 1.0;
}

double aim_balance_residual(const struct aim_balance_sheet *bs)
{
    double worst = 0.0;
    for (int r = 0; r < AIM_BS_FINANCIAL; r++) {
        double s = 0.0;
        for (int j = 0; j < AIM_BS_COLS; j++) {
            s += bs->m[r][j];
        }
        worst = fabs(s) > worst || isnan(s) ? fabs(s) : worst;
    }
    return worst / balance_scale(bs);
}

/* The ledger's instrument of each financial row (money is the means of payment: none). */
static const int row_instr[AIM_BS_FINANCIAL] = {-1, AIM_INSTR_LOANS, AIM_INSTR_FUNDING, AIM_INSTR_SHARES,
                                                AIM_INSTR_LAB_EQUITY};

/* The sectors checked by the flow check; the investors and the market maker share one ledger
 * account and are checked together. */
static const int flow_groups[5][2] = {{AIM_BS_INVESTORS, AIM_BS_MARKET_MAKER},
                                      {AIM_BS_LENDERS, -1},
                                      {AIM_BS_VENDORS, -1},
                                      {AIM_BS_CLOUDS, -1},
                                      {AIM_BS_LABS, -1}};

double aim_balance_flow_residual(const struct aim_balance_sheet *prev, const struct aim_balance_sheet *cur,
                                 const struct aim_balance_inputs *in, const double *reval_real)
{
    const struct aim_ledger *L = in->led;
    double saving[AIM_BS_COLS] = {0}, tx[AIM_BS_COLS][AIM_INSTR_COUNT];
    memset(tx, 0, sizeof tx);
    for (int a = 0; a < L->n_accounts; a++) {
        int j = aim_balance_col_of(in, a);
        saving[j] += L->saving[a];
        for (int i = 0; i < AIM_INSTR_COUNT; i++) {
            tx[j][i] += L->tx[(size_t)a * AIM_INSTR_COUNT + (size_t)i];
        }
    }
    double worst = 0.0;
    for (size_t g = 0; g < sizeof flow_groups / sizeof flow_groups[0]; g++) {
        double dnw = 0.0, rev = 0.0;
        int j0 = flow_groups[g][0];
        for (int k = 0; k < 2; k++) {
            int j = flow_groups[g][k];
            if (j < 0) {
                continue;
            }
            dnw += -(cur->m[AIM_BS_NET_WORTH][j] - prev->m[AIM_BS_NET_WORTH][j]);
            for (int r = 1; r < AIM_BS_FINANCIAL; r++) {
                rev += cur->m[r][j] - prev->m[r][j];
            }
            rev += reval_real[j];
        }
        for (int r = 1; r < AIM_BS_FINANCIAL; r++) {
            rev -= tx[j0][row_instr[r]];
        }
        double res = dnw - saving[j0] - rev;
        worst = fabs(res) > worst || isnan(res) ? fabs(res) : worst;
    }
    return worst / balance_scale(cur);
}
