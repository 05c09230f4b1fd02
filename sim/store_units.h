/* Reading a run file unit by unit (a unit: replica r of point p), for checks that compare a unit
 * with a recomputation of it (aimsim reproduce): its series and balance sheet without the event
 * log, the event counts, the event rows of chosen units with their row numbers in /events, and
 * the root seed. */
#ifndef AIM_STORE_UNITS_H
#define AIM_STORE_UNITS_H

#include <stddef.h>
#include <stdint.h>

#include "sim/error.h"
#include "sim/store.h"
#include "sim/traj.h"

/** @brief One row of /events as stored: its unit, its sequence number within the unit, the event
 * and its row number in /events. */
struct aim_store_units_event {
    int32_t point, replica, seq;
    long row;
    struct aim_event ev;
};

/** @brief Reads the series of /firm and /market and the /balance_sheet block of replica r of
 * point p into tr (sized for the store), leaving its event log as it was. */
enum aim_status aim_store_units_read_series(struct aim_store *st, int point, int replica,
                                            struct aim_traj *tr);
/** @brief Reads /event_count (n_points x n_replicas, row-major) into counts. */
enum aim_status aim_store_units_event_counts(struct aim_store *st, int32_t *counts);
/** @brief The rows of /events whose unit (point, replica) has want[point * n_replicas + replica]
 * set, in the order (point, replica, seq), read a block of rows at a time (malloc'd in *rows, n of
 * them; free()). A row whose point or replica is outside the file is AIM_ERR_FORMAT. */
enum aim_status aim_store_units_events(struct aim_store *st, const uint8_t *want,
                                       struct aim_store_units_event **rows, size_t *n);
/** @brief The root attribute seed (uint64); AIM_ERR_FORMAT if it is missing or not an integer. */
enum aim_status aim_store_units_seed(const struct aim_store *st, uint64_t *seed);

#endif
