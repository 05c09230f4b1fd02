/* The balance-sheet matrix of one replica (MODEL.md 12.1): instruments by sectors, built each
 * month from the holders' and the issuers' own records, with the two checks of stock-flow
 * consistency: every financial row sums to zero, and each sector's change in net worth equals its
 * saving plus its revaluations (Godley and Lavoie's transactions-flow and revaluation matrices). */
#ifndef AIM_BALANCE_H
#define AIM_BALANCE_H

#include "sim/ledger.h"

struct aim_clouds;
struct aim_config_clouds;
struct aim_investors;
struct aim_labs;
struct aim_lenders;
struct aim_market_assets;
struct aim_vendors;

/* Rows: money and the financial instruments (each an asset of one sector and a liability of
 * another), real assets, and net worth (minus the sum of the column, so every column sums to 0). */
enum aim_balance_row {
    AIM_BS_MONEY = 0,
    AIM_BS_LOANS = 1,
    AIM_BS_FUNDING = 2,
    AIM_BS_SHARES = 3,
    AIM_BS_LAB_EQUITY = 4,
    AIM_BS_REAL = 5,
    AIM_BS_NET_WORTH = 6,
    AIM_BS_ROWS = 7
};
#define AIM_BS_FINANCIAL 5 /* rows 0 .. AIM_BS_FINANCIAL - 1 are financial */

/* Columns: the sectors. */
enum aim_balance_col {
    AIM_BS_INVESTORS = 0,
    AIM_BS_MARKET_MAKER = 1,
    AIM_BS_LENDERS = 2,
    AIM_BS_VENDORS = 3,
    AIM_BS_CLOUDS = 4,
    AIM_BS_LABS = 5,
    AIM_BS_WORLD = 6,
    AIM_BS_COLS = 7
};

/** @brief A balance-sheet matrix, $B: assets positive, liabilities negative. */
struct aim_balance_sheet {
    double m[AIM_BS_ROWS][AIM_BS_COLS];
};

/** @brief What the matrix is built from: the ledger and every sector's own records. */
struct aim_balance_inputs {
    const struct aim_ledger *led;
    int inv_acct, lend_acct; /* ledger accounts of the investor sector and of the lenders */
    int nv, nc, nl;          /* firms: vendors 0..nv-1, clouds nv.., labs nv+nc.. */
    const int *asset;        /* per firm: its listed asset, -1 if none */
    const double *debt;      /* per firm, as the borrowers record it */
    const struct aim_investors *inv;
    const struct aim_market_assets *mkt;
    const struct aim_labs *labs;
    const struct aim_clouds *clouds;
    const struct aim_config_clouds *cfg_clouds;
    const struct aim_lenders *lenders;
    double *held, *mm_held, *lab_units; /* scratch: one per listed asset, asset, lab */
};

/** @brief Name of row r and of column c (for tables and files). */
const char *aim_balance_row_name(int r);
const char *aim_balance_col_name(int c);
/** @brief Builds the month-end matrix. */
void aim_balance_build(struct aim_balance_sheet *bs, const struct aim_balance_inputs *in);
/** @brief Largest |sum| of a financial row over the total assets of all sectors. */
double aim_balance_residual(const struct aim_balance_sheet *bs);
/** @brief Sector column of ledger account a (firms, investors, lenders). */
int aim_balance_col_of(const struct aim_balance_inputs *in, int a);
/** @brief Largest |change in net worth - saving - revaluation| over the domestic sectors from prev to
 * cur, over the total assets: saving and transactions from the month's ledger (led->saving,
 * led->tx), revaluations of financial instruments as their change in value less transactions,
 * and of real assets the impairments reval_real[col] (depreciation is saving). The investors and
 * the market maker share one ledger account and are checked together. */
double aim_balance_flow_residual(const struct aim_balance_sheet *prev, const struct aim_balance_sheet *cur,
                                 const struct aim_balance_inputs *in, const double *reval_real);

#endif
