/* One replica's recorded trajectories: the buffer the world writes and the store reads. */
#ifndef AIM_TRAJ_H
#define AIM_TRAJ_H

#include <stddef.h>
#include <stdint.h>

#include "sim/balance.h"
#include "sim/error.h"

enum aim_firm_var {
#define AIM_FIRM_VAR(name, unit, doc) AIM_FV_##name,
#include "sim/traj.def"
    AIM_FIRM_VAR_COUNT
};

enum aim_market_var {
#define AIM_MARKET_VAR(name, unit, doc) AIM_MV_##name,
#include "sim/traj.def"
    AIM_MARKET_VAR_COUNT
};

/* Firm kinds, in the order firms are numbered. */
enum aim_firm_kind { AIM_KIND_VENDOR = 0, AIM_KIND_CLOUD = 1, AIM_KIND_LAB = 2 };

/* Event kinds of the event log (kind 5 is the cancellation of a voided contract's orders). */
enum aim_event_kind {
    /* strategic deal: a = lab, b = vendor (-1 none), c = cloud (-1 none);
     * amount = {vendor investment, cloud investment, commitment} */
    AIM_EVENT_DEAL = 1,
    /* venture round: a = lab; amount = {sought, raised, post-money} */
    AIM_EVENT_ROUND = 2,
    /* default: a = firm; amount = {destroyed value, voided commitments, loans written off} */
    AIM_EVENT_DEFAULT = 3,
    /* share issue: a = firm; amount = {shares (bn), proceeds, price} */
    AIM_EVENT_ISSUE = 4,
    /* GPU orders cancelled with a voided contract (MODEL.md 12.5): a = cloud, b = vendor, c = lab;
     * amount = {MW, value, fee paid by the cloud to the vendor} */
    AIM_EVENT_CANCEL = 5,
    /* GPU order cut for lack of funds (MODEL.md 12.3): a = cloud, b = vendor (-1: split over
     * vendors); amount = {MW cut, MW wanted, 0} for an order, {MW cancelled, 0, months unpaid}
     * for a delivery not paid for order_hold_months */
    AIM_EVENT_CUT = 6,
    /* strategic stake written off by a lab's default (MODEL.md 12.7): a = holder (vendor or cloud),
     * b = lab; amount = {book value lost, units held, 0} */
    AIM_EVENT_WRITEOFF = 7,
    AIM_EVENT_LAST = 7
};

/** @brief One row of the event log (firm indices as in the firm dimension; -1 for none). */
struct aim_event {
    int32_t step;
    int32_t kind;
    int32_t a, b, c;
    double amount[3];
};

/* Values of one stored balance-sheet matrix: AIM_BS_ROWS x AIM_BS_COLS, row-major. */
enum { AIM_TRAJ_BS_CELLS = AIM_BS_ROWS * AIM_BS_COLS };

/** @brief Trajectories of one replica: firm[v][t * n_firms + f], market[v][t], events, and the
 * month-end balance-sheet matrix at the snapshot months (bs[(s * AIM_BS_ROWS + row) * AIM_BS_COLS +
 * col] at month aim_traj_snapshot_month(s, ...)). */
struct aim_traj {
    int n_firms;
    int n_times;     /* steps + 1 */
    int bs_every;    /* run.balance_sheet_every */
    int n_snapshots; /* aim_traj_snapshot_count(n_times, bs_every) */
    double *firm[AIM_FIRM_VAR_COUNT];
    double *market[AIM_MARKET_VAR_COUNT];
    double *bs;
    struct aim_event *events;
    size_t n_events, cap_events;
};

/** @brief Allocates buffers for n_firms firms over n_times time points, with a balance-sheet
 * snapshot every bs_every months (run.balance_sheet_every). */
enum aim_status aim_traj_create(struct aim_traj **tr, int n_firms, int n_times, int bs_every);
/** @brief Frees the buffers. */
void aim_traj_free(struct aim_traj *tr);
/** @brief Empties the event log and zeroes the series, for reuse by the next replica. */
void aim_traj_clear(struct aim_traj *tr);
/** @brief Appends an event (grows the log; the only allocation a replica may make while running). */
enum aim_status aim_traj_add_event(struct aim_traj *tr, const struct aim_event *ev);
/** @brief Copies the month-end matrix of month t into its snapshot if t is a snapshot month. */
void aim_traj_record_balance(struct aim_traj *tr, int t, const struct aim_balance_sheet *bs);
/** @brief Bytes a trajectory buffer of this size takes (for the memory estimate). */
size_t aim_traj_bytes(int n_firms, int n_times, int bs_every);
/** @brief Number of balance-sheet snapshots over n_times months (0 .. n_times - 1) at stride
 * every: months 0, every, 2 every, ... and always the last month. */
int aim_traj_snapshot_count(int n_times, int every);
/** @brief Month of snapshot s (0 <= s < aim_traj_snapshot_count). */
int aim_traj_snapshot_month(int s, int n_times, int every);
/** @brief Snapshot index of month t, or -1 if t is not a snapshot month. */
int aim_traj_snapshot_index(int t, int n_times, int every);

/** @brief Name of firm variable v ("cash", ...): its dataset name in /firm. */
const char *aim_traj_firm_var_name(int v);
/** @brief Unit of firm variable v ("$B", ...), written as the dataset's units attribute. */
const char *aim_traj_firm_var_unit(int v);
/** @brief One-line description of firm variable v, written as the dataset's long_name. */
const char *aim_traj_firm_var_doc(int v);
/** @brief Name of market variable v ("demand", ...): its dataset name in /market. */
const char *aim_traj_market_var_name(int v);
/** @brief Unit of market variable v, written as the dataset's units attribute. */
const char *aim_traj_market_var_unit(int v);
/** @brief One-line description of market variable v, written as the dataset's long_name. */
const char *aim_traj_market_var_doc(int v);

#endif
